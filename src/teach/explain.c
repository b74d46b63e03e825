/* explain.c — `explain`: the formula of the step just taken, in the course's
 * notation, with its numbers substituted.  A layer's lines are printed from
 * its own nnl code (the assignments that named a and z), so a user's layer,
 * activation, loss or optimizer is explained from what the user wrote.
 * Must not: move the cursor or change any value the pass shows. */
#include "base/stack.h"
#include "autodiff/prims.h"
#include "base/arena.h"
#include "base/diag.h"
#include "base/text.h"
#include "front/ast.h"
#include "teach/explain.h"
#include "teach/explain_loss.h"
#include "teach/trace.h"
#include "tensor/tensor.h"
#include <string.h>

typedef struct Ctx {
    Interp      *I;
    const Trace *t;
    const Layer *layer;     /* whose code is printed */
    const char  *input;     /* the forward's parameter name (x) */
    int          upto;      /* names of this layer assigned before this index are values */
    bool         values;    /* print numbers instead of symbols */
    const Binding *read;    /* an optimizer's line: the values its names had (no layer) */
    int          nread;
} Ctx;

static FILE *out(const Ctx *c) { return c->I->out; }

/* a value of the pass (one sample's rows as vectors), or of an optimizer's line as it is */
static void value(const Ctx *c, const Tensor *v) {
    if (c->read) tensor_print_digits(out(c), v, trace_digits(c->I));
    else trace_print(c->I, c->t, v);
}

/* the symbol of a function in formulas */
static const char *fn_symbol(const char *name) { return strcmp(name, "sigmoid") == 0 ? "σ" : name; }

static const Param *layer_param(const Layer *l, const char *name) {
    for (int i = 0; i < l->nparams; i++) if (l->params[i].name == name) return &l->params[i];
    return NULL;
}

/* A layer's state as the pass found it: a pass that is being stepped has
 * not written it (only `update` or `train` do). */
static const Param *layer_state(const Layer *l, const char *name) {
    for (int i = 0; i < l->nstates; i++) if (l->states[i].name == name) return &l->states[i];
    return NULL;
}

static const Tensor *earlier_name(const Ctx *c, const char *name) {
    const Tensor *v = NULL;
    for (int i = 0; i < c->upto; i++)
        if (c->t->names[i].layer == c->layer->index && c->t->names[i].name == name) v = c->t->names[i].value;
    return v;
}

static const Binding *layer_arg(const Layer *l, const char *name) {
    for (int i = 0; i < l->nargs; i++) if (l->args[i].name == name) return &l->args[i];
    return NULL;
}

static int precedence(const Node *e) {
    if (e->kind != N_BINARY) return e->kind == N_NEG ? 4 : 9;
    switch (e->op) {
    case '^': return 5;
    case '*': case '/': case '@': return 3;
    case '+': case '-': return 2;
    default: return 1;
    }
}

static void expr(const Ctx *c, const Node *e, int outer);

static void operand(const Ctx *c, const Node *e, int outer) {
    bool parens = precedence(e) < outer;
    if (parens) fputc('(', out(c));
    expr(c, e, precedence(e));
    if (parens) fputc(')', out(c));
}

static void name(const Ctx *c, const Node *e) {
    for (int i = 0; c->values && i < c->nread; i++)
        if (c->read[i].name == e->name) { value(c, c->read[i].v.t); return; }
    const Layer *l = c->layer;
    if (!l) { fputs(e->name, out(c)); return; }
    const TapeLayer *tl = trace_layer(c->t, l->index);
    if (e->name == c->input) {
        if (c->values && tl) value(c, tl->in);
        else fprintf(out(c), "z(%d)", l->index - 1);
        return;
    }
    const Param *p = layer_param(l, e->name);
    if (!p && !earlier_name(c, e->name)) p = layer_state(l, e->name);
    if (p) {
        if (c->values) value(c, p->value);
        else fprintf(out(c), "%s(%d)", p->name, l->index);
        return;
    }
    const Tensor *v = earlier_name(c, e->name);
    if (v) {
        if (c->values) value(c, v);
        else fprintf(out(c), "%s(%d)", e->name, l->index);
        return;
    }
    const Binding *b = layer_arg(l, e->name);
    if (b && b->v.kind == V_TENSOR) { value(c, b->v.t); return; }
    if (b && b->v.kind == V_FUNC) { fputs(fn_symbol(activation_name(l, e)), out(c)); return; }
    fputs(fn_symbol(e->name), out(c));
}

static void expr(const Ctx *c, const Node *e, int outer) {
    if (e) stack_guard(e->loc);       /* the walk nests as deep as the code */
    (void)outer;
    switch (e->kind) {
    case N_NAME: name(c, e); return;
    case N_NUM: print_number(out(c), e->num, trace_digits(c->I)); return;
    case N_NEG: fputc('-', out(c)); operand(c, e->a, 4); return;
    case N_TRANSPOSE: operand(c, e->a, 9); fputs("ᵀ", out(c)); return;
    case N_CALL:
        operand(c, e->a, 9);
        fputc('(', out(c));
        for (int i = 0; i < e->kids.n; i++) { if (i) fputs(", ", out(c)); expr(c, e->kids.items[i], 0); }
        fputc(')', out(c));
        return;
    case N_BINARY: {
        /* x @ W' is the course's W z for one sample (column vectors) */
        const Node *r = e->b;
        if (e->op == '@' && c->t->single && e->a->kind == N_NAME && e->a->name == c->input &&
            r->kind == N_TRANSPOSE && r->a->kind == N_NAME) {
            operand(c, r->a, 3);
            fputc(' ', out(c));
            operand(c, e->a, 3);
            return;
        }
        int p = precedence(e);
        operand(c, e->a, p);
        fprintf(out(c), " %s ", op_name(e->op));
        operand(c, e->b, p + (e->op != '^'));   /* left-associative, except ^ */
        return;
    }
    default: ast_print_expr(out(c), e); return;
    }
}

/* ---- forward ------------------------------------------------------------------ */

static void layer_forward(Interp *I, const Trace *t, int l) {
    const Layer *layer = &t->model->layers[l - 1];
    const Node *body = layer->def->node->a;
    const char *input = NULL;
    for (int i = 0; i < body->kids.n; i++)
        if (body->kids.items[i]->kind == N_FORWARD) input = body->kids.items[i]->name;
    int shown = 0;
    for (int i = 0; i < t->nnames; i++) {
        const TapeName *tn = &t->names[i];
        if (tn->layer != l) continue;
        const Node *stmt = tn->stmt;
        Ctx c = { I, t, layer, input, i, false, NULL, 0 };
        int w = fprintf(I->out, "%s(%d) = ", tn->name, l) - 2;
        expr(&c, stmt->a, 0);
        c.values = true;
        fprintf(I->out, "\n%*s= ", w, "");
        expr(&c, stmt->a, 0);
        fprintf(I->out, "\n%*s= ", w, "");
        value(&c, tn->value);
        fputc('\n', I->out);
        shown++;
    }
    if (!shown) fprintf(I->out, "layer %d names no intermediates: its ops are in 'tape'\n", l);
    fprintf(I->out, "(%s, %slayer '%s' at %s:%d)\n", t->single ? "one sample: vectors" : "a batch: one row per sample",
            !layer->uses_mode ? "" : t->training ? "training mode, " : "evaluation mode, ",
            layer->def->name, layer->def->node->loc.file, layer->def->node->loc.line);
}

static void loss_forward(Interp *I, const Trace *t) {
    const Callable *fn = t->loss->made_by;
    fprintf(I->out, "C = %s(ŷ, t)\n", t->loss_name);
    if (fn && fn->node && fn->node->a && fn->node->a->kind != N_BLOCK) {
        fputs("  = ", I->out);
        Ctx c = { .I = I, .t = t };
        expr(&c, fn->node->a, 0);
        fprintf(I->out, "      (%s:%d)\n", fn->node->loc.file, fn->node->loc.line);
        if (fn->fuses)
            fprintf(I->out, "    %s applied to %s's input a(%d): fused for stability\n", fn->name, fn->fuses,
                    t->model->nlayers);
    }
    fprintf(I->out, "  with %s = ", fn && fn->fuses ? arena_printf(&I->pass, "a(%d)", t->model->nlayers) : "ŷ");
    trace_print(I, t, fn && fn->fuses ? t->out->made_from : t->out);
    fputs(", t = ", I->out);
    trace_print(I, t, t->y);
    fputs("\n  = ", I->out);
    trace_print(I, t, t->loss);
    fputc('\n', I->out);
}

/* ---- backward ------------------------------------------------------------------ */

/* h'(a) for the ops that turn a into z, by running their backward rules with
 * ∂z = 1 on scratch gradients: exact for elementwise activations. */
static Tensor *local_derivative(Interp *I, const Trace *t, Tensor *a, Tensor *z) {
    if (a == z) { Tensor *one = tensor_like(&I->pass, a); tensor_fill(one, 1); return one; }
    int from = a->producer, to = z->producer;
    if (from < 0 || to <= from || to >= t->n) return NULL;
    enum { MAX_SAVED = 256 };
    Tensor *touched[MAX_SAVED], *saved[MAX_SAVED];
    int n = 0;
    for (int i = from; i <= to && n + MAX_PRIM_INPUTS + 1 < MAX_SAVED; i++) {
        const PrimCall *c = &t->entries[i].call;
        for (int k = -1; k < c->nin; k++) {
            Tensor *v = k < 0 ? c->out : c->in[k];
            bool seen = false;
            for (int j = 0; j < n; j++) seen |= touched[j] == v;
            if (!seen) { touched[n] = v; saved[n] = v->grad; v->grad = NULL; n++; }
        }
    }
    ensure_grad(&I->pass, z);
    tensor_fill(z->grad, 1);
    for (int i = to; i > from; i--) {
        const TapeEntry *e = &t->entries[i];
        if (e->call.out->requires_grad && e->call.out->grad)
            prims[e->call.op].backward(&I->pass, (PrimCall *)&e->call);
    }
    Tensor *d = a->grad ? tensor_copy(&I->pass, a->grad) : NULL;
    for (int j = 0; j < n; j++) touched[j]->grad = saved[j];
    return d;
}

static void show(Interp *I, const Trace *t, const char *prefix, const Tensor *v) {
    fputs(prefix, I->out);
    trace_print(I, t, v);
    fputc('\n', I->out);
}

/* A layer without a pre-activation of its own (dropout, batchnorm, prelu) is
 * not W z + b then h: its backward is the chain rule through its ops, last
 * first. */
static void layer_backward_ops(Interp *I, const Trace *t, int l) {
    const Layer *layer = &t->model->layers[l - 1];
    const TapeLayer *tl = trace_layer(t, l);
    const char *zn;
    Tensor *z = trace_preactivation(t, l, &zn);
    fprintf(I->out, "layer %d (%s): from ∂C/∂%s(%d) back through its ops (last first), by the chain rule:\n", l,
            layer->def->name, zn, l);
    for (int i = tl->end - 1; i >= tl->first; i--) {
        const TapeEntry *e = &t->entries[i];
        if (!t->live[i] || !e->call.out->requires_grad) continue;
        const char *name = NULL;
        for (int k = 0; k < t->nnames; k++)
            if (t->names[k].layer == l && t->names[k].value == e->call.out) name = t->names[k].name;
        fprintf(I->out, "  %-9s %s", prims[e->call.op].name, prims[e->call.op].backward_math);
        if (name) fprintf(I->out, "   (→ %s(%d))", name, l);
        fputc('\n', I->out);
    }
    if (z && z->grad) show(I, t, arena_printf(&I->pass, "∂C/∂%s(%d) = ", zn, l), z->grad);
    for (int k = 0; k < layer->nparams; k++)
        show(I, t, arena_printf(&I->pass, "∂C/∂%s(%d) = ", layer->params[k].name, l), layer->params[k].value->grad);
    if (l > 1 && tl->in->grad) show(I, t, arena_printf(&I->pass, "passed down: ∂C/∂z(%d) = ", l - 1), tl->in->grad);
}

static void layer_backward(Interp *I, const Trace *t, int l) {
    const Layer *layer = &t->model->layers[l - 1];
    const TapeLayer *tl = trace_layer(t, l);
    const char *an;
    Tensor *a = trace_preactivation(t, l, &an);
    const Param *W = layer_param(layer, intern("W")), *b = NULL;
    if (tl && (!W || W->value->ndim != 2)) { layer_backward_ops(I, t, l); return; }   /* not W z + b then h */
    Tensor *z = tl ? tl->out : NULL;
    const char *zn = "z";
    for (int i = 0; i < t->nnames; i++)
        if (t->names[i].layer == l && t->names[i].value == z) zn = t->names[i].name;
    for (int k = 0; W && k < layer->nparams; k++)     /* a bias goes with a weight matrix */
        if (layer->params[k].value->ndim == 1 && &layer->params[k] != W) b = &layer->params[k];
    const char *bn = b ? b->name : "b";
    int L = t->model->nlayers;
    if (!a || !a->grad || !tl) {
        fprintf(I->out, "layer %d (%s) names no intermediate with a gradient; its gradients:\n", l, layer->def->name);
        for (int k = 0; k < layer->nparams; k++)
            show(I, t, arena_printf(&I->pass, "  ∂C/∂%s(%d) = ", layer->params[k].name, l), layer->params[k].value->grad);
        return;
    }
    /* what comes down from the layer above: W(l+1)ᵀ δ(l+1) when it is a W z + b layer */
    const Param *W_above = l < L ? layer_param(&t->model->layers[l], intern("W")) : NULL;
    bool above_is_wz = W_above && W_above->value->ndim == 2;
    const char *from_above = l == L ? "∂C/∂ŷ"
                           : !above_is_wz ? arena_printf(&I->pass, "∂C/∂%s(%d)", zn, l)
                                          : arena_printf(&I->pass, "(W(%d)ᵀ δ(%d))", l + 1, l + 1);
    bool fused = z && !z->grad && z != a;
    if (fused && explain_output_delta(I, t, l, a)) {
        /* the course's δ(L) of a stdlib loss fused with the output's activation */
    } else if (fused) {
        fprintf(I->out, "δ(%d) = ∂C/∂%s(%d), straight from the fused %s: ", l, an, l, t->loss_name);
        const TapeEntry *e = NULL;
        for (int i = t->nforward; i < t->n; i++)
            for (int k = 0; k < t->entries[i].call.nin; k++) if (t->entries[i].call.in[k] == a) e = &t->entries[i];
        fprintf(I->out, "%s\n", e ? prims[e->call.op].backward_math : "its own rule");
        show(I, t, "     = ", a->grad);
    } else if (z && z->producer >= 0 && t->entries[z->producer].call.op == P_SOFTMAX) {
        fprintf(I->out, "δ(%d) = %s(%d) ⊙ (%s − Σ %s ⊙ %s(%d))   (softmax is not elementwise)\n", l, zn, l, from_above,
                from_above, zn, l);
        show(I, t, "     = ", a->grad);
    } else {
        Tensor *d = local_derivative(I, t, a, z);
        const char *h = "h";
        for (int i = 0; i < t->nnames; i++)
            if (t->names[i].layer == l && t->names[i].value == z && ((const Node *)t->names[i].stmt)->a->kind == N_CALL)
                h = fn_symbol(activation_name(layer, ((const Node *)t->names[i].stmt)->a->a));
        fprintf(I->out, "δ(%d) = %s'(%s(%d)) ⊙ %s\n", l, h, an, l, from_above);
        fputs("     = ", I->out);
        if (d) trace_print(I, t, d); else fputs("h'", I->out);
        fputs(" ⊙ ", I->out);
        trace_print(I, t, z->grad);
        show(I, t, "\n     = ", a->grad);
    }
    if (W && W->value->ndim == 2) {
        if (t->single) {
            fprintf(I->out, "∂C/∂W(%d) = δ(%d) z(%d)ᵀ = ", l, l, l - 1);
            trace_print(I, t, a->grad);
            fputc(' ', I->out);
            trace_print(I, t, tl->in);
            show(I, t, "ᵀ\n         = ", W->value->grad);
        } else {
            fprintf(I->out, "∂C/∂W(%d) = Σ over the %d rows of δ(%d) z(%d)ᵀ = δ(%d)ᵀ z(%d)\n", l, tensor_rows(a), l,
                    l - 1, l, l - 1);
            show(I, t, "         = ", W->value->grad);
        }
    }
    if (b) {
        fprintf(I->out, "∂C/∂%s(%d) = %s = ", bn, l, t->single ? arena_printf(&I->pass, "δ(%d)", l)
                                                              : arena_printf(&I->pass, "Σ over the rows of δ(%d)", l));
        trace_print(I, t, b->value->grad);
        fputc('\n', I->out);
    }
    for (int k = 0; k < layer->nparams; k++) {
        const Param *p = &layer->params[k];
        if (p == W || p == b) continue;
        show(I, t, arena_printf(&I->pass, "∂C/∂%s(%d) = ", p->name, l), p->value->grad);
    }
    if (l > 1 && W && tl->in->grad) {
        fprintf(I->out, "passed down: ∂C/∂z(%d) = W(%d)ᵀ δ(%d) = ", l - 1, l, l);
        trace_print(I, t, tl->in->grad);
        fputc('\n', I->out);
    }
}

static void loss_backward(Interp *I, const Trace *t) {
    if (explain_loss_backward(I, t)) return;       /* a stdlib loss: the course's formula */
    fprintf(I->out, "∂C/∂C = 1, then back through the ops of %s (last first), by the chain rule:\n", t->loss_name);
    for (int i = t->n - 1; i >= t->nforward; i--) {
        const TapeEntry *e = &t->entries[i];
        if (!e->call.out->requires_grad) continue;
        fprintf(I->out, "  %-22s %s\n", prims[e->call.op].name, prims[e->call.op].backward_math);
    }
    if (t->out->grad) show(I, t, "∂C/∂ŷ = ", t->out->grad);
    else fprintf(I->out, "the fused loss's gradient goes to a(%d) directly: see the next layer\n", t->model->nlayers);
}

/* ---- one op --------------------------------------------------------------------- */

static void op(Interp *I, const Trace *t, int i, bool backward) {
    const TapeEntry *e = &t->entries[i];
    const Prim *p = &prims[e->call.op];
    char line[200];
    fprintf(I->out, "op %d: %s, %s\n", i + 1, p->name, backward ? p->backward_math : p->forward_math);
    if (diag_source_line(e->loc, line, sizeof line)) fprintf(I->out, "  from %s:%d  %s\n", e->loc.file, e->loc.line, line);
    for (int k = 0; k < e->call.nin; k++) {
        const char *name = prim_operand(e->call.op, k);
        const char *label = trace_label(I, t, e->call.in[k]);
        if (label && strcmp(label, name) == 0) label = NULL;
        fprintf(I->out, "  %s = %s%s", name, label ? label : "", label ? " = " : "");
        trace_print(I, t, e->call.in[k]);
        fputc('\n', I->out);
    }
    if (!backward) { show(I, t, "  result = ", e->call.out); return; }
    if (!e->call.out->grad) { fputs("  no gradient reached it\n", I->out); return; }
    show(I, t, "  g = ∂C/∂result = ", e->call.out->grad);
    for (int k = 0; k < e->call.nin; k++)
        if (e->call.in[k]->requires_grad && e->call.in[k]->grad)
            show(I, t, arena_printf(&I->pass, "  ∂C/∂%s (all contributions so far) = ", prim_operand(e->call.op, k)), e->call.in[k]->grad);
}

/* ---- update ------------------------------------------------------------------------ */

/* One line an optimizer ran in `update`: as written, with the values it
 * read substituted, and the value it assigned (for `w -= s`, the new w). */
static void update_line(Interp *I, const Trace *t, const UpdateLine *u) {
    const Node *stmt = u->stmt;
    char line[200];
    if (!diag_source_line(stmt->loc, line, sizeof line)) snprintf(line, sizeof line, "%s = ...", stmt->name);
    fprintf(I->out, "  %s\n", line);
    int lhs = 2 + text_width(stmt->name) + 1 + (stmt->op != '=');
    fprintf(I->out, "%*s= ", lhs, "");
    Ctx c = { .I = I, .t = t, .values = true, .read = u->read, .nread = u->nread };
    if (stmt->op != '=') {      /* w -= s: w − (s) */
        Node w = { .kind = N_NAME, .name = stmt->name, .loc = stmt->loc };
        name(&c, &w);
        fprintf(I->out, " %s ", op_name(stmt->op));
        operand(&c, stmt->a, stmt->op == '+' ? 2 : stmt->op == '/' ? 4 : 3);   /* w - (a - b), w / (a * b) */
    } else {
        expr(&c, stmt->a, 0);
    }
    fprintf(I->out, "\n%*s= ", lhs, "");
    tensor_print_digits(I->out, u->value, trace_digits(I));
    fputc('\n', I->out);
}

static void update_lines(Interp *I, const Trace *t) {
    const Param *current = NULL;
    for (int i = 0; i < t->nlines; i++) {
        const UpdateLine *u = &t->lines[i];
        if (u->param != current) {
            current = u->param;
            fprintf(I->out, "%s.%d.%s:\n", t->model->name, u->layer->index, u->param->name);
        }
        update_line(I, t, u);
    }
    if (t->nlines == 0) fputs("the optimizer assigned nothing\n", I->out);
}

void trace_explain(Interp *I, SrcLoc loc) {
    Trace *t = trace_need(I, loc);
    if (I->dry_run) return;
    switch (t->last) {
    case STEP_NONE:
        if (t->last_to - t->last_from > 1)
            fprintf(I->out, "'continue' ran %d ops; explain explains one step, one layer ('next') or an update\n",
                    t->last_to - t->last_from);
        else fputs("nothing to explain yet: 'step', 'next' or 'update' first\n", I->out);
        return;
    case STEP_UPDATE: update_lines(I, t); return;
    case STEP_OP: {
        int p = t->last_from;
        op(I, t, p < t->n ? p : 2 * t->n - 1 - p, p >= t->n);
        return;
    }
    case STEP_GROUP: {
        bool backward = t->last_from >= t->n && t->loss;
        int group = 0;
        for (int p = t->last_from; p < t->last_to; p++) {
            int i = p < t->n ? p : 2 * t->n - 1 - p;
            int g = i >= t->nforward ? -1 : t->entries[i].layer;
            if (g != 0) group = g;
        }
        if (group < 0) { if (backward) loss_backward(I, t); else loss_forward(I, t); }
        else if (group == 0) { fputs("the model's output ŷ = ", I->out); trace_print(I, t, t->out); fputc('\n', I->out); }
        else if (backward) layer_backward(I, t, group);
        else layer_forward(I, t, group);
        return;
    }
    }
}
