/* trace.c — recording a pass that outlives its statement, and moving a cursor
 * through it: `step` (one op), `next` (one layer), `continue`, `finish`,
 * `where`, `tape`, `show`.  Forward steps show values recorded with the pass;
 * backward steps run each entry's backward rule for real.
 * Must not: evaluate nnl (eval.c), or explain formulas (explain.c). */
#include "autodiff/prims.h"
#include "autodiff/tape.h"
#include "base/arena.h"
#include "base/diag.h"
#include "lang/eval.h"
#include "lang/model.h"
#include "teach/trace.h"
#include "tensor/tensor.h"
#include "train/train.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ---- recording ------------------------------------------------------------ */

void trace_free(Trace *t) {
    if (!t) return;
    arena_free(&t->arena);
    free(t->entries);
    free(t->names);
    free(t->layers);
    free(t->lines);
    free(t->live);
    free(t);
}

void trace_discard(Interp *I) {
    trace_free(I->trace);
    I->trace = NULL;
}

int trace_total(const Trace *t) { return t->loss ? 2 * t->n : t->n; }

bool trace_stale(const Trace *t) { return t->stale || t->revision != t->model->revision; }

void trace_refuse_stale(const Trace *t, SrcLoc loc, const char *again) {
    if (t->model->redefined)
        fail_at(loc, "model '%s' was redefined since this pass was recorded, so the pass belongs to the old "
                     "definition; run %s again for the new one", t->model->name, again);
    if (trace_stale(t)) fail_at(loc, "the weights of '%s' changed since this pass; run %s again", t->model->name, again);
}

static void *copy_array(const void *src, int n, size_t size) {
    void *p = malloc(size * (size_t)(n ? n : 1));
    if (!p) diag_out_of_memory(size * (size_t)n);
    if (n) memcpy(p, src, size * (size_t)n);
    return p;
}

static const char *loss_name(Interp *I, const Trace *t) {
    if (!t->loss || t->loss->producer < 0) return I->loss.fn ? I->loss.fn->name : "loss";
    const Callable *fn = t->loss->made_by;
    return fn ? fn->name : I->loss.fn->name;
}

static void describe_pass(FILE *out, const void *arg) {
    fprintf(out, "in the %s pass of this statement", *(const bool *)arg ? "training-mode" : "evaluation-mode");
}

/* Runs model m on x (and the loss against y, and backward) with every op
 * recorded, into an arena of the trace's own. */
Trace *trace_record(Interp *I, Model *m, Tensor *x, Tensor *y, SrcLoc loc) {
    trace_discard(I);
    Trace *t = calloc(1, sizeof *t);
    if (!t) abort();
    Arena statement = I->pass;      /* the tape allocates in I->pass: lend it the trace's arena */
    I->pass = (Arena){ 0 };
    EvalMode saved = I->mode;
    DiagHandler h;
    diag_push(&h);
    if (setjmp(h.env) != 0) {
        t->arena = I->pass;
        I->pass = statement;
        I->mode = saved;
        tape_clear(&I->tape);
        trace_free(t);
        diag_throw();
    }
    t->model = m;
    t->revision = m->revision;
    t->x = arena_owns(&statement, x) ? tensor_copy(&I->pass, x) : x;
    t->y = y && arena_owns(&statement, y) ? tensor_copy(&I->pass, y) : y;
    t->single = x->ndim <= 1;
    tape_clear(&I->tape);
    I->mode.tape.recording = true;
    I->mode.tape.record_all = true;
    /* backward is a training step's pass: dropout drops, batchnorm uses the
     * batch; what a layer writes to its state is kept with the pass, and
     * `update` applies it.  forward is a prediction: evaluation mode. */
    t->training = I->mode.training = y != NULL;
    I->mode.write_state = false;
    if (y) model_zero_grad(m);
    DiagContext ctx = { loc, describe_pass, &t->training, diag_context };
    diag_context = &ctx;
    t->out = model_forward(I, m, t->x, loc);
    diag_context = ctx.prev;
    t->nforward = I->tape.n;
    if (y) {
        Objective o = objective(I, m, t->out, t->y, loc);
        t->loss = o.total;
        t->data_loss = o.loss;
        t->penalty = o.penalty;
        tape_backward(&I->tape, t->loss);
    }
    t->entries = copy_array(I->tape.entries, I->tape.n, sizeof *t->entries);
    t->n = I->tape.n;
    t->names = copy_array(I->tape.names, I->tape.nnames, sizeof *t->names);
    t->nnames = I->tape.nnames;
    t->layers = copy_array(I->tape.layers, I->tape.nlayers, sizeof *t->layers);
    t->nlayers = I->tape.nlayers;
    t->live = calloc((size_t)(t->n ? t->n : 1), sizeof *t->live);
    if (!t->live) diag_out_of_memory(sizeof *t->live * (size_t)t->n);
    diag_pop(&h);
    I->mode = saved;
    tape_clear(&I->tape);
    t->arena = I->pass;
    I->pass = statement;
    for (int i = t->n - 1; i >= 0; i--) {
        PrimCall *c = &t->entries[i].call;
        t->live[i] |= c->out == t->loss;
        if (!t->live[i] || !c->out->requires_grad) continue;
        for (int k = 0; k < c->nin; k++) {
            int p = c->in[k]->producer;
            if (p >= 0 && p < i && t->entries[p].call.out == c->in[k]) t->live[p] = true;
        }
    }
    t->loss_name = loss_name(I, t);
    static int passes;
    t->serial = ++passes;
    I->trace = t;
    return t;
}

/* the pass runs a layer that computes differently when training */
static bool mode_matters(const Model *m) {
    for (int i = 0; i < m->nlayers; i++) if (m->layers[i].uses_mode) return true;
    return false;
}

void trace_announce(Interp *I, const Trace *t) {
    int rows = t->single ? 1 : tensor_rows(t->x);
    fprintf(I->out, "(pass of %s on %d sample%s: forward %d layer%s", t->model->name, rows, rows == 1 ? "" : "s",
            t->model->nlayers, t->model->nlayers == 1 ? "" : "s");
    if (mode_matters(t->model)) fputs(t->training ? " in training mode" : " in evaluation mode", I->out);
    if (t->loss) fprintf(I->out, ", loss %s, backward", t->loss_name);
    fprintf(I->out, "; %d ops; at the start: step, next, continue)\n", t->n);
}

Trace *trace_need(Interp *I, SrcLoc loc) {
    if (!I->trace)
        fail_at(loc, "there is no pass to look at: run 'backward NET X -> Y' or 'forward NET X' first");
    return I->trace;
}

/* ---- what a position means ---------------------------------------------- */

int trace_digits(const Interp *I) { return I->digits ? I->digits : 6; }

/* entries [that, n) have run backward */
int trace_backward_done(const Trace *t) { return t->pos > t->n ? 2 * t->n - t->pos : t->n; }

static bool in_backward(const Trace *t) { return t->pos > t->n; }

/* the entry the step from position p runs */
static int entry_at(const Trace *t, int p) { return p < t->n ? p : 2 * t->n - 1 - p; }

/* which part of the pass an entry belongs to: a layer (1..L), 0 for what the
 * model does around its layers, -1 for the loss */
static int group_of(const Trace *t, int i) { return i >= t->nforward ? -1 : t->entries[i].layer; }

int trace_entry_at(const Trace *t, int p) { return entry_at(t, p); }
int trace_group(const Trace *t, int i) { return group_of(t, i); }

bool trace_forward_reached(const Trace *t, const Tensor *v) {
    if (in_backward(t) || v->producer < 0 || v->producer >= t->n || t->entries[v->producer].call.out != v)
        return true;
    return v->producer < t->pos;
}

const TapeLayer *trace_layer(const Trace *t, int layer) {
    for (int i = 0; i < t->nlayers; i++) if (t->layers[i].layer == layer) return &t->layers[i];
    return NULL;
}

Tensor *trace_named(const Trace *t, int layer, const char *name) {
    Tensor *found = NULL;
    for (int i = 0; i < t->nnames; i++)
        if (t->names[i].layer == layer && strcmp(t->names[i].name, name) == 0) found = t->names[i].value;
    return found;
}

/* is v computed, within the layer's ops, from one of the layer's parameters? */
static bool from_layer_params(const Trace *t, const Layer *l, const TapeLayer *tl, const Tensor *v) {
    int n = tl->end - tl->first;
    if (n <= 0 || v->producer < tl->first || v->producer >= tl->end || t->entries[v->producer].call.out != v)
        return false;
    bool *dep = calloc((size_t)n, sizeof *dep);
    if (!dep) abort();
    for (int i = 0; i < n; i++) {
        const PrimCall *c = &t->entries[tl->first + i].call;
        for (int k = 0; k < c->nin && !dep[i]; k++) {
            int p = c->in[k]->producer - tl->first;
            for (int j = 0; j < l->nparams; j++) dep[i] |= c->in[k] == l->params[j].value;
            dep[i] |= p >= 0 && p < i && t->entries[tl->first + p].call.out == c->in[k] && dep[p];
        }
    }
    bool r = dep[v->producer - tl->first];
    free(dep);
    return r;
}

Tensor *trace_preactivation(const Trace *t, int layer, const char **name) {
    Tensor *a = trace_named(t, layer, "a");
    *name = "a";
    const TapeLayer *tl = trace_layer(t, layer);
    if (a || !tl) return a;
    const Layer *l = &t->model->layers[layer - 1];
    for (int i = 0; i < t->nnames; i++)      /* `pre = x @ W' + c` in a layer of one's own */
        if (t->names[i].layer == layer && from_layer_params(t, l, tl, t->names[i].value)) {
            *name = t->names[i].name;
            return t->names[i].value;
        }
    *name = "z";                              /* dropout, batchnorm: the output */
    for (int i = 0; i < t->nnames; i++)
        if (t->names[i].layer == layer && t->names[i].value == tl->out) *name = t->names[i].name;
    return tl->out;
}

static const Param *param_of(const Trace *t, const Tensor *v, int *layer) {
    const Model *m = t->model;
    for (int l = 0; l < m->nlayers; l++)
        for (int k = 0; k < m->layers[l].nparams; k++)
            if (m->layers[l].params[k].value == v) { *layer = l + 1; return &m->layers[l].params[k]; }
    return NULL;
}

const char *trace_label(Interp *I, const Trace *t, const Tensor *v) {
    int layer;
    const Param *p = param_of(t, v, &layer);
    if (p) return arena_printf(&I->pass, "%s(%d)", p->name, layer);
    for (int i = t->nnames - 1; i >= 0; i--)
        if (t->names[i].value == v) return arena_printf(&I->pass, "%s(%d)", t->names[i].name, t->names[i].layer);
    for (int i = 0; i < t->nlayers; i++) {
        if (t->layers[i].in == v) return arena_printf(&I->pass, "z(%d)", t->layers[i].layer - 1);
        if (t->layers[i].out == v) return arena_printf(&I->pass, "z(%d)", t->layers[i].layer);
    }
    if (v == t->loss) return "C";
    if (v == t->out) return "ŷ";
    if (v == t->x) return "x";
    if (v == t->y) return "t";
    return NULL;
}

/* a label, or "op K" for an unnamed result */
static const char *label_or_op(Interp *I, const Trace *t, const Tensor *v) {
    const char *s = trace_label(I, t, v);
    if (s) return s;
    if (v->producer >= 0 && v->producer < t->n && t->entries[v->producer].call.out == v)
        return arena_printf(&I->pass, "(op %d)", v->producer + 1);
    return NULL;
}

/* Values of the pass are batches of rows; one sample shows as a vector, and
 * a large tensor as its shape and mean. */
Tensor trace_view(Interp *I, const Trace *t, const Tensor *v) {
    Tensor view = *v;
    if (t->single && v->ndim == 2 && v->shape[0] == 1 && (arena_owns(&t->arena, v) || arena_owns(&I->pass, v))) {
        view.ndim = 1;
        view.shape[0] = v->shape[1];
    }
    return view;
}

void trace_print(Interp *I, const Trace *t, const Tensor *v) {
    enum { MAX_SHOWN = 64 };
    Tensor view = trace_view(I, t, v);
    if (view.size > MAX_SHOWN) {
        double s = 0;
        for (int i = 0; i < view.size; i++) s += tensor_get(&view, i);
        fprintf(I->out, "<%s, mean ", shape_str(&view));
        print_number(I->out, s / view.size, trace_digits(I));
        fputc('>', I->out);
        return;
    }
    tensor_print_digits(I->out, &view, trace_digits(I));
}

/* ---- one op ---------------------------------------------------------------- */

static const char *infix(PrimOp op) {
    switch (op) {
    case P_ADD: return "+"; case P_SUB: return "-"; case P_MUL: return "*"; case P_DIV: return "/";
    case P_POW: return "^"; case P_MATMUL: return "@"; case P_GT: return ">"; case P_GE: return ">=";
    case P_LT: return "<"; case P_LE: return "<="; case P_EQ: return "=="; case P_NE: return "!=";
    default: return NULL;
    }
}

static void print_operand(Interp *I, const Trace *t, const Tensor *v) {
    const char *label = trace_label(I, t, v);
    if (label && v->producer < 0) fputs(label, I->out);   /* a parameter or input: its name says it */
    else trace_print(I, t, v);
}

static void where_in_source(Interp *I, SrcLoc loc) {
    char line[200];
    fprintf(I->out, "  %s:%d  %s\n", loc.file ? loc.file : "?", loc.line,
            diag_source_line(loc, line, sizeof line) ? line : "");
}

static const char *group_name(Interp *I, const Trace *t, int i) {
    int g = group_of(t, i);
    return g < 0 ? "loss" : g == 0 ? "model" : arena_printf(&I->pass, "layer %d", g);
}

static void show_forward_op(Interp *I, const Trace *t, int i) {
    const TapeEntry *e = &t->entries[i];
    const PrimCall *c = &e->call;
    fprintf(I->out, "op %d/%d  %s  %s: ", i + 1, t->n, group_name(I, t, i), prims[c->op].name);
    const char *sym = infix(c->op);
    if (sym && c->nin == 2) {
        print_operand(I, t, c->in[0]);
        fprintf(I->out, " %s ", sym);
        print_operand(I, t, c->in[1]);
    } else if (c->op == P_TRANSPOSE) {
        print_operand(I, t, c->in[0]);
        fputc('\'', I->out);
    } else {
        fprintf(I->out, "%s(", prims[c->op].name);
        for (int k = 0; k < c->nin; k++) {
            if (k) fputs(", ", I->out);
            print_operand(I, t, c->in[k]);
        }
        fputc(')', I->out);
    }
    fputs(" = ", I->out);
    trace_print(I, t, c->out);
    const char *label = trace_label(I, t, c->out);
    if (label) fprintf(I->out, "   → %s", label);
    fputc('\n', I->out);
    where_in_source(I, e->loc);
}

/* Resets every gradient the pass will compute, and seeds ∂C/∂C = 1: the
 * start of a backward walk taken one entry at a time. */
static void begin_backward(Trace *t) {
    for (int i = 0; i < t->n; i++) {
        PrimCall *c = &t->entries[i].call;
        if (arena_owns(&t->arena, c->out)) c->out->grad = NULL;
        for (int k = 0; k < c->nin; k++)
            if (arena_owns(&t->arena, c->in[k])) c->in[k]->grad = NULL;
    }
    model_zero_grad(t->model);
    ensure_grad(&t->arena, t->loss);
    tensor_fill(t->loss->grad, 1);
}

static Tape tape_view(Trace *t) {
    static TapeMode off;
    return (Tape){ .entries = t->entries, .n = t->n, .mode = &off, .arena = &t->arena };
}

/* runs entry i backward; prints what flowed into each input when `show` */
static void backward_op(Interp *I, Trace *t, int i, bool show) {
    TapeEntry *e = &t->entries[i];
    PrimCall *c = &e->call;
    Tensor *before[MAX_PRIM_INPUTS] = { 0 };
    if (show)
        for (int k = 0; k < c->nin; k++) if (c->in[k]->grad) before[k] = tensor_copy(&I->pass, c->in[k]->grad);
    Tape view = tape_view(t);
    bool passed = tape_backward_entry(&view, i);
    if (!show) return;
    fprintf(I->out, "op %d/%d backward  %s  %s: %s\n", i + 1, t->n, group_name(I, t, i), prims[c->op].name,
            prims[c->op].backward_math);
    if (!passed) {
        fprintf(I->out, "  no gradient reaches %s: nothing to pass on\n",
                c->out->requires_grad ? "its output" : "it (nothing it computes depends on a parameter)");
        where_in_source(I, e->loc);
        return;
    }
    const char *out_label = label_or_op(I, t, c->out);
    fprintf(I->out, "  g = ∂C/∂%s = ", out_label ? out_label : "out");
    trace_print(I, t, c->out->grad);
    fputc('\n', I->out);
    for (int k = 0; k < c->nin; k++) {
        Tensor *in = c->in[k];
        if (!in->requires_grad || !in->grad) continue;
        Tensor *flow = tensor_copy(&I->pass, in->grad);
        if (before[k])
            for (int j = 0; j < flow->size; j++) tensor_set(flow, j, tensor_get(flow, j) - tensor_get(before[k], j));
        const char *label = label_or_op(I, t, in);
        fprintf(I->out, "  ∂C/∂%s += ", label ? label : "input");
        trace_print(I, t, flow);
        fputc('\n', I->out);
    }
    where_in_source(I, e->loc);
}

/* ---- moving the cursor ------------------------------------------------------ */

static void refuse_if_moved(Trace *t, SrcLoc loc) {
    if (t->model->redefined) trace_refuse_stale(t, loc, "'backward' or 'forward'");
    if (t->applied)
        fail_at(loc, "'update' has applied this pass's gradients, so the weights moved on; "
                     "run 'backward' again for a new pass (or 'undo')");
    trace_refuse_stale(t, loc, "'backward' or 'forward'");
}

/* one op; quietly when !show */
static void advance(Interp *I, Trace *t, bool show) {
    if (t->pos == t->n && t->loss) begin_backward(t);
    int i = entry_at(t, t->pos);
    if (t->pos < t->n) { if (show) show_forward_op(I, t, i); }
    else backward_op(I, t, i, show);
    t->pos++;
}

static void say_end(Interp *I, const Trace *t) {
    if (I->dry_run) return;
    if (t->pos == t->n) {
        fputs("forward done: ŷ = ", I->out);
        trace_print(I, t, t->out);
        if (t->loss) {
            fputs(", C = ", I->out);
            trace_print(I, t, t->loss);
            fputs("; next the backward pass", I->out);
        }
        fputc('\n', I->out);
    } else if (t->pos == trace_total(t) && t->loss) {
        fputs("backward done: every gradient is complete (show grad NET.L.P; update applies them)\n", I->out);
    }
}

static void at_end(const Trace *t, SrcLoc loc) {
    if (t->pos >= trace_total(t))
        fail_at(loc, "the pass is over%s; run 'backward' or 'forward' for a new one",
                t->loss ? " (forward and backward done)" : " (forward done; it has no loss, so no backward)");
}

void trace_step(Interp *I, SrcLoc loc) {
    Trace *t = trace_need(I, loc);
    refuse_if_moved(t, loc);
    at_end(t, loc);
    t->last_from = t->pos;
    advance(I, t, !I->dry_run);
    t->last = STEP_OP;
    t->last_to = t->pos;
    if (t->pos == t->n || t->pos == trace_total(t)) say_end(I, t);
}

/* the group whose ops the step from position p runs, with glue folded in */
static bool only_glue_left(const Trace *t, int p, int end) {
    for (; p < end; p++) if (group_of(t, entry_at(t, p)) != 0) return false;
    return true;
}

static void show_group(Interp *I, Trace *t, int group, bool backward);

void trace_next(Interp *I, SrcLoc loc) {
    Trace *t = trace_need(I, loc);
    refuse_if_moved(t, loc);
    at_end(t, loc);
    int end = t->pos < t->n ? t->n : trace_total(t);
    t->last_from = t->pos;
    int shown = 0;
    bool backward = t->pos >= t->n && t->loss;
    do {
        int g = group_of(t, entry_at(t, t->pos));
        while (t->pos < end && group_of(t, entry_at(t, t->pos)) == g) advance(I, t, false);
        if (g != 0) shown = g;
    } while (t->pos < end && (shown == 0 || only_glue_left(t, t->pos, end)));
    t->last = STEP_GROUP;
    t->last_to = t->pos;
    if (!I->dry_run) show_group(I, t, shown, backward);
    if (t->pos == t->n || t->pos == trace_total(t)) say_end(I, t);
}

static bool breakpoint_at(const Interp *I, const Trace *t, int p, int *which) {
    int i = entry_at(t, p), g = group_of(t, i);
    bool entering = p == 0 || p == t->n || group_of(t, entry_at(t, p - 1)) != g;
    for (int b = 0; b < I->nbreaks; b++) {
        const Breakpoint *bp = &I->breaks[b];
        if ((bp->op >= 0 && (int)t->entries[i].call.op == bp->op) ||
            (bp->op < 0 && entering && bp->layer == g)) { *which = b; return true; }
    }
    return false;
}

void trace_continue(Interp *I, bool finish, SrcLoc loc) {
    Trace *t = trace_need(I, loc);
    refuse_if_moved(t, loc);
    at_end(t, loc);
    int end = finish && t->pos < t->n ? t->n : trace_total(t);
    t->last_from = t->pos;
    int which = -1;
    do advance(I, t, false);
    while (t->pos < end && t->pos != t->n && !(!finish && breakpoint_at(I, t, t->pos, &which)));
    /* `continue` from the forward half goes on into the backward half */
    while (!finish && t->pos == t->n && t->pos < end && which < 0) {
        if (breakpoint_at(I, t, t->pos, &which)) break;
        do advance(I, t, false);
        while (t->pos < end && !breakpoint_at(I, t, t->pos, &which));
    }
    t->last = STEP_OP;
    t->last_to = t->pos;
    if (t->last_to - t->last_from > 1) t->last = STEP_NONE;   /* too much to explain at once */
    if (I->dry_run) return;
    if (which >= 0) {
        int i = entry_at(t, t->pos);
        fprintf(I->out, "breakpoint %d: stopped before op %d/%d %s (%s, %s)\n", which + 1, i + 1, t->n,
                prims[t->entries[i].call.op].name, group_name(I, t, i), t->pos < t->n ? "forward" : "backward");
    }
    say_end(I, t);
}

const char *trace_position(Interp *I, const Trace *t) {
    if (t->applied) return "its gradients were applied by 'update' (weights moved on)";
    if (t->model->redefined) return arena_printf(&I->pass, "stale: model '%s' was redefined since", t->model->name);
    if (trace_stale(t)) return "stale: the weights changed since";
    if (t->pos == 0) return "at the start";
    if (t->pos >= trace_total(t)) return t->loss ? "at the end (forward and backward done)" : "at the end of the forward pass";
    int i = entry_at(t, t->pos);
    return arena_printf(&I->pass, "%s, next op %d/%d %s (%s)", t->pos < t->n ? "forward" : "backward", i + 1, t->n,
                        prims[t->entries[i].call.op].name, group_name(I, t, i));
}

void trace_where(Interp *I, SrcLoc loc) {
    Trace *t = trace_need(I, loc);
    if (I->dry_run) return;
    fprintf(I->out, "pass of %s, %d op%s: %s\n", t->model->name, t->n, t->n == 1 ? "" : "s", trace_position(I, t));
    if (!t->applied && !trace_stale(t) && t->pos > 0 && t->pos < trace_total(t))
        where_in_source(I, t->entries[entry_at(t, t->pos)].loc);
}

void trace_list(Interp *I, SrcLoc loc) {
    Trace *t = trace_need(I, loc);
    if (I->dry_run) return;
    int next = t->pos < trace_total(t) ? entry_at(t, t->pos) : -1;
    fprintf(I->out, "     op  part     primitive  inputs -> output                     source\n");
    for (int i = 0; i < t->n; i++) {
        const TapeEntry *e = &t->entries[i];
        const char *mark = i != next ? "  " : t->pos < t->n ? "=>" : "<=";
        fprintf(I->out, "%s %4d  %-7s  %-9s  ", mark, i + 1, group_name(I, t, i), prims[e->call.op].name);
        int width = 0;
        for (int k = 0; k < e->call.nin; k++) {
            const char *label = label_or_op(I, t, e->call.in[k]);
            width += fprintf(I->out, "%s%s%s%s", k ? ", " : "", label ? label : "", label ? " " : "",
                             shape_str(e->call.in[k]));
        }
        const char *label = trace_label(I, t, e->call.out);
        width += fprintf(I->out, " -> %s%s%s", label ? label : "", label ? " " : "", shape_str(e->call.out));
        fprintf(I->out, "%*s  %s:%d\n", width < 35 ? 35 - width : 0, "", e->loc.file ? e->loc.file : "?", e->loc.line);
    }
    if (t->loss) fprintf(I->out, "ops %d to %d compute the loss; backward runs them in reverse\n", t->nforward + 1, t->n);
}

/* ---- show -------------------------------------------------------------------- */

static void show_value(Interp *I, const Trace *t, const char *what, const Tensor *v) {
    fprintf(I->out, "%s = ", what);
    trace_print(I, t, v);
    fputc('\n', I->out);
}

/* A gradient seen while stepping backward: complete once every op that used
 * the value has run backward, partial before that. */
GradState trace_grad_state(const Trace *t, const Tensor *v, int *run_out, int *users_out) {
    int done = trace_backward_done(t), users = 0, run = 0;
    for (int i = 0; i < t->n; i++) {
        if (!t->live[i]) continue;        /* an op whose result the loss does not use passes nothing back */
        for (int k = 0; k < t->entries[i].call.nin; k++)
            if (t->entries[i].call.in[k] == v) { users++; run += i >= done; break; }
    }
    if (run_out) *run_out = run;
    if (users_out) *users_out = users;
    if (!t->loss) return GRAD_NO_BACKWARD;
    if (!v->requires_grad) return GRAD_NONE;
    if (v == t->loss) return in_backward(t) ? GRAD_DONE : GRAD_LOSS_NOT_REACHED;
    if (!in_backward(t) || run == 0)
        return t->pos == 0 && param_of(t, v, &(int){ 0 }) ? GRAD_NOT_STEPPED : GRAD_NOT_REACHED;
    return run < users ? GRAD_PARTIAL : GRAD_DONE;
}

bool trace_grad_reached(const Trace *t, const Tensor *v) {
    GradState s = trace_grad_state(t, v, NULL, NULL);
    return v->grad && (s == GRAD_PARTIAL || s == GRAD_DONE);
}

static void show_grad(Interp *I, const Trace *t, const char *what, const Tensor *v) {
    int run, users;
    switch (trace_grad_state(t, v, &run, &users)) {
    case GRAD_NO_BACKWARD: fprintf(I->out, "%s: this pass has no loss and no backward half\n", what); return;
    case GRAD_NONE: fprintf(I->out, "%s: no gradient (it does not depend on a parameter)\n", what); return;
    case GRAD_NOT_STEPPED:
        fprintf(I->out, "%s: not reached yet by stepping (the whole backward already filled it: print grad shows it)\n", what);
        return;
    case GRAD_NOT_REACHED: fprintf(I->out, "%s: not reached yet (the backward pass has not come to it)\n", what); return;
    case GRAD_LOSS_NOT_REACHED: fprintf(I->out, "%s: not reached yet (the backward pass starts with it)\n", what); return;
    case GRAD_PARTIAL: case GRAD_DONE: break;
    }
    fprintf(I->out, "%s = ", what);
    trace_print(I, t, v->grad);
    if (run < users) fprintf(I->out, "   (partial: %d of the %d ops using it have run backward)", run, users);
    fputc('\n', I->out);
}

static int layer_number(Interp *I, const Trace *t, const Node *arg, bool zero_ok) {
    if (!arg) fail_at((SrcLoc){ 0 }, "missing layer number");
    if (arg->kind == N_NUM) {
        double d = arg->num;
        int lo = zero_ok ? 0 : 1;
        if (!(d >= lo && d <= t->model->nlayers) || d != floor(d))
            fail_at(arg->loc, "model '%s' has layers %d to %d, not %g", t->model->name, lo, t->model->nlayers, d);
        return (int)d;
    }
    if (arg->kind == N_NAME)
        for (int l = 0; l < t->model->nlayers; l++)
            if (t->model->layers[l].label == arg->name) return l + 1;
    (void)I;
    fail_at(arg->loc, "expected a layer number (or a layer's label) here");
}

static Tensor *intermediate(Interp *I, const Trace *t, const char *name, int layer, SrcLoc loc) {
    if (strcmp(name, "z") == 0) {
        const TapeLayer *tl = trace_layer(t, layer ? layer : 1);
        if (tl) { Tensor *z = layer ? trace_named(t, layer, name) : NULL; return z ? z : layer ? tl->out : tl->in; }
    }
    Tensor *v = layer ? trace_named(t, layer, name) : NULL;
    if (!v) {
        const Layer *l = layer ? &t->model->layers[layer - 1] : NULL;
        if (!l) fail_at(loc, "layer 0 is the input: it has only z(0) (the input x)");
        fail_at(loc, "layer %d (%s) names no intermediate '%s'", layer, l->def->name, name);
    }
    (void)I;
    return v;
}

void trace_show(Interp *I, const Node *cmd) {
    SrcLoc loc = cmd->loc;
    Trace *t = trace_need(I, loc);
    int n = cmd->kids.n;
    const Node *w = n ? cmd->kids.items[0] : NULL;
    if (!w) fail_at(loc, "show what? e.g. 'show z 1', 'show delta 2', 'show grad net.1.W', 'show loss' (help show)");
    const char *word = w->kind == N_NAME ? w->name : NULL;
    if (I->dry_run && !(word && (strcmp(word, "grad") == 0 || w->kind == N_FIELD))) {
        /* still check the words */
    }
    if (word && (strcmp(word, "loss") == 0 || strcmp(word, "C") == 0)) {
        if (!t->loss) fail_at(w->loc, "this pass has no loss: it was 'forward' only");
        if (I->dry_run) return;
        if (!trace_forward_reached(t, t->loss)) fputs("C: not reached yet (the loss comes after the forward pass)\n", I->out);
        else show_value(I, t, "C", t->loss);
        return;
    }
    if (word && (strcmp(word, "output") == 0 || strcmp(word, "x") == 0 || strcmp(word, "target") == 0)) {
        const Tensor *v = word[0] == 'o' ? t->out : word[0] == 'x' ? t->x : t->y;
        if (!v) fail_at(w->loc, "this pass has no targets: it was 'forward' only");
        if (I->dry_run) return;
        if (!trace_forward_reached(t, v)) fprintf(I->out, "%s: not reached yet\n", word);
        else show_value(I, t, word[0] == 'o' ? "ŷ" : word[0] == 'x' ? "x" : "t", v);
        return;
    }
    if (word && strcmp(word, "grad") == 0) {
        if (n != 2) fail_at(loc, "show grad takes a parameter, e.g. 'show grad %s.1.W'", t->model->name);
        Value v = eval_expr(I, NULL, cmd->kids.items[1]);
        Tensor *p = expect_tensor(v, cmd->kids.items[1]->loc, "the operand of 'show grad'");
        int layer;
        const Param *par = param_of(t, p, &layer);
        if (!par) fail_at(cmd->kids.items[1]->loc, "'show grad' takes a parameter of '%s', the model of this pass", t->model->name);
        if (I->dry_run) return;
        show_grad(I, t, arena_printf(&I->pass, "∂C/∂%s(%d)", par->name, layer), p);
        return;
    }
    if (word && (strcmp(word, "delta") == 0 || strcmp(word, "δ") == 0 || strcmp(word, "a") == 0 ||
                 strcmp(word, "z") == 0 || (n == 2 && cmd->kids.items[1]->kind == N_NUM))) {
        if (n != 2) fail_at(loc, "show %s takes a layer number, e.g. 'show %s 1'", word, word);
        bool delta = strcmp(word, "delta") == 0;
        int layer = layer_number(I, t, cmd->kids.items[1], !delta && strcmp(word, "a") != 0);
        const char *pre = "a";
        Tensor *v = delta ? trace_preactivation(t, layer, &pre) : NULL;
        if (!v) v = intermediate(I, t, delta ? "a" : word, layer, cmd->kids.items[1]->loc);
        if (I->dry_run) return;
        const char *what = arena_printf(&I->pass, "%s(%d)", delta ? "δ" : word, layer);
        if (delta) show_grad(I, t, arena_printf(&I->pass, "δ(%d) = ∂C/∂%s(%d)", layer, pre, layer), v);
        else if (!trace_forward_reached(t, v)) fprintf(I->out, "%s: not reached yet (the forward pass has not come to it)\n", what);
        else show_value(I, t, what, v);
        return;
    }
    if (n == 1) {   /* net.1.W: the parameter's value now */
        Value v = eval_expr(I, NULL, w);
        if (I->dry_run) return;
        if (v.kind == V_TENSOR) { fputs("", I->out); tensor_print_digits(I->out, v.t, trace_digits(I)); fputc('\n', I->out); return; }
        print_value(I, I->out, v);
        fputc('\n', I->out);
        return;
    }
    fail_at(w->loc, "show what? e.g. 'show z 1', 'show delta 2', 'show grad %s.1.W', 'show loss' (help show)",
            t->model->name);
}

/* ---- what one layer's step shows ------------------------------------------------- */

/* the function a layer calls its activation with (`activation(a)`), by name */
const char *activation_name(const Layer *l, const Node *callee) {
    if (!callee || callee->kind != N_NAME) return NULL;
    for (int i = 0; i < l->nargs; i++)
        if (l->args[i].name == callee->name && l->args[i].v.kind == V_FUNC) {
            const Callable *fn = l->args[i].v.fn;
            return (fn->kind == C_PARTIAL ? fn->base : fn)->name;
        }
    return callee->name;
}

static bool layer_has_ops(const Trace *t, int layer) {
    const TapeLayer *tl = trace_layer(t, layer);
    return tl && tl->end > tl->first;
}

static void show_layer(Interp *I, Trace *t, int group, bool backward) {
    const Layer *l = &t->model->layers[group - 1];
    const TapeLayer *tl = trace_layer(t, group);
    bool ops = layer_has_ops(t, group);
    fprintf(I->out, "layer %d (%s) %s%s\n", group, l->def->name, backward ? "backward" : "forward", ops ? "" : ", no ops");
    int shown = 0;
    if (!backward) {
        for (int i = 0; i < t->nnames; i++) {
            if (t->names[i].layer != group) continue;
            char *what = arena_printf(&I->pass, "  %s(%d)", t->names[i].name, group);
            show_value(I, t, what, t->names[i].value);
            shown++;
        }
        if (!shown && tl) show_value(I, t, arena_printf(&I->pass, "  z(%d)", group), tl->out);
        return;
    }
    if (!ops) { fputs("  the gradient passes through it unchanged\n", I->out); return; }
    const char *pre;
    Tensor *a = trace_preactivation(t, group, &pre);
    if (a && a->grad) show_value(I, t, arena_printf(&I->pass, "  δ(%d) = ∂C/∂%s(%d)", group, pre, group), a->grad);
    for (int k = 0; k < l->nparams; k++) {
        const Param *p = &l->params[k];
        show_value(I, t, arena_printf(&I->pass, "  ∂C/∂%s(%d)", p->name, group), p->value->grad);
    }
    if (tl && group > 1 && tl->in->grad)
        show_value(I, t, arena_printf(&I->pass, "  ∂C/∂z(%d)", group - 1), tl->in->grad);
}

/* A layer without ops (dropout in evaluation: z = x) is never stepped into;
 * `next` shows it with the layer it reaches next in the same direction. */
static void show_group(Interp *I, Trace *t, int group, bool backward) {
    if (group < 0) {
        if (!backward) { fprintf(I->out, "loss %s:  C = ", t->loss_name); trace_print(I, t, t->loss); fputc('\n', I->out); return; }
        fprintf(I->out, "loss %s backward:  ", t->loss_name);
        if (t->out->grad) { fputs("∂C/∂ŷ = ", I->out); trace_print(I, t, t->out->grad); fputc('\n', I->out); }
        else fprintf(I->out, "the fused %s passes ∂C/∂a(%d) straight to the last layer\n", t->loss_name, t->model->nlayers);
        return;
    }
    if (group == 0) { fputs("model output ŷ = ", I->out); trace_print(I, t, t->out); fputc('\n', I->out); return; }
    int L = t->model->nlayers, dir = backward ? -1 : 1, h = group - dir;
    while (h >= 1 && h <= L && !layer_has_ops(t, h)) h -= dir;
    for (h += dir; h != group; h += dir) show_layer(I, t, h, backward);
    show_layer(I, t, group, backward);
    bool later = false;
    for (h = group + dir; h >= 1 && h <= L; h += dir) later |= layer_has_ops(t, h);
    for (h = group + dir; !later && h >= 1 && h <= L; h += dir) show_layer(I, t, h, backward);
}
