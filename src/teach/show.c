/* show.c — `show`: a value of the recorded pass at the cursor (a(l), z(l),
 * δ(l), a gradient, the loss, ŷ), and anything else there is without one (a
 * parameter, any value; a parameter's gradient from the last training step).
 * Must not: move the cursor or change any value (trace.c steps the pass). */
#include "base/arena.h"
#include "base/diag.h"
#include "base/text.h"
#include "lang/eval.h"
#include "lang/model.h"
#include "teach/trace.h"
#include "tensor/tensor.h"
#include <math.h>
#include <string.h>

static void show_grad_value(Interp *I, const Trace *t, const char *what, const Tensor *v, int run, int users) {
    fprintf(I->out, "%s = ", what);
    trace_print(I, t, v->grad);
    if (run < users) fprintf(I->out, "   (partial: %d of the %d ops using it have run backward)", run, users);
    else if (t->pos > 0 && t->pos <= t->n)
        fputs("   (the whole backward's; stepping backward computes it again)", I->out);
    fputc('\n', I->out);
}

/* A gradient as `show` prints it: the state at the cursor, except that a
 * parameter's is the whole backward's until stepping goes into the backward
 * half (trace_grad_state) */
static void show_grad(Interp *I, const Trace *t, const char *what, const Tensor *v) {
    int run, users;
    switch (trace_grad_state(t, v, &run, &users)) {
    case GRAD_NO_BACKWARD: fprintf(I->out, "%s: this pass has no loss and no backward half\n", what); return;
    case GRAD_NONE: fprintf(I->out, "%s: no gradient (it does not depend on a parameter)\n", what); return;
    case GRAD_NOT_REACHED: fprintf(I->out, "%s: not reached yet (the backward pass has not come to it)\n", what); return;
    case GRAD_LOSS_NOT_REACHED: fprintf(I->out, "%s: not reached yet (the backward pass starts with it)\n", what); return;
    case GRAD_WHOLE: case GRAD_PARTIAL: case GRAD_DONE: break;
    }
    show_grad_value(I, t, what, v, run, users);
}

static int layer_number(Interp *I, const Trace *t, const Node *arg, bool zero_ok) {
    if (!arg) fail_at((SrcLoc){ 0 }, "missing layer number");
    if (arg->kind == N_NUM) {
        double d = arg->num;
        int lo = zero_ok ? 0 : 1;
        if (!(d >= lo && d <= t->model->nlayers) || d != floor(d))
            fail_at(arg->loc, "model '%s' has layers %d to %d, not %s", t->model->name, lo, t->model->nlayers, number_text(d));
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

/* a tensor as show prints it, at the pass's precision: a large one (a
 * layer's W) summarised as print does, its corners and its shape */
static void show_tensor(Interp *I, const Tensor *t) {
    if (!tensor_is_large(t)) { tensor_print_digits(I->out, t, trace_digits(I)); return; }
    tensor_print_summary(I->out, t, trace_digits(I));
    fprintf(I->out, "\n# shape %s, %d values: print full shows them all", shape_str(t), t->size);
}

/* a value as show prints it */
static void show_plain(Interp *I, Value v) {
    if (v.kind == V_TENSOR) show_tensor(I, v.t);
    else print_value(I, I->out, v);
    fputc('\n', I->out);
}

/* the model a parameter like net.2.W belongs to, or NULL */
static Model *model_of_param(Interp *I, const Tensor *p, int *layer, const Param **par) {
    for (int i = 0; i < I->nbuilt; i++)
        if ((*par = trace_param_of(I->built[i].model, p, layer))) return I->built[i].model;
    return NULL;
}

/* `show grad P` of a parameter with no current pass of its model to read:
 * the gradient the parameter holds, from the last training step */
static void show_grad_unrecorded(Interp *I, const Node *arg, const Tensor *p) {
    int layer;
    const Param *par;
    Model *m = model_of_param(I, p, &layer, &par);
    if (!m) fail_at(arg->loc, "'show grad' takes a parameter, like net.1.W");
    if (I->dry_run) return;
    const char *what = arena_printf(&I->pass, "∂C/∂%s(%d)", par->name, layer);
    if (m->steps == 0 || !p->grad) {
        fprintf(I->out, "%s: nothing has computed it yet: run 'backward %s X -> Y' (or train %s)\n", what, m->name,
                m->name);
        return;
    }
    fprintf(I->out, "%s = ", what);
    show_tensor(I, p->grad);
    fprintf(I->out, "%s(of %s's last training step: no current pass of it is recorded)\n",
            tensor_is_large(p->grad) ? "\n" : "   ", m->name);
}

static bool word_is(const char *word, const char *a, const char *b) {
    return word && (strcmp(word, a) == 0 || (b && strcmp(word, b) == 0));
}

void trace_show(Interp *I, const Node *cmd) {
    SrcLoc loc = cmd->loc;
    int n = cmd->kids.n;
    const Node *w = n ? cmd->kids.items[0] : NULL;
    if (!w) fail_at(loc, "show what? e.g. 'show z 1', 'show delta 2', 'show grad net.1.W', 'show loss' (help show)");
    const char *word = w->kind == N_NAME ? w->name : NULL;
    bool of_pass = word_is(word, "grad", NULL) || word_is(word, "loss", "C") || word_is(word, "output", "x") || word_is(word, "target", NULL) ||
                   word_is(word, "delta", "δ") || word_is(word, "a", "z") || n == 2;
    if (n == 1 && !of_pass) {   /* net.1.W, or any value: as it is now, with or without a pass */
        Value v = eval_expr(I, NULL, w);
        if (!I->dry_run) show_plain(I, v);
        return;
    }
    if (word_is(word, "grad", NULL)) {
        if (n != 2) fail_at(loc, "show grad takes a parameter, e.g. 'show grad net.1.W'");
        Value v = eval_expr(I, NULL, cmd->kids.items[1]);
        Tensor *p = expect_tensor(v, cmd->kids.items[1]->loc, "the operand of 'show grad'");
        int layer;
        /* a pass recorded before the weights changed (train, reset, load) no longer holds their gradients */
        const Param *par = I->trace && !trace_stale(I->trace) ? trace_param_of(I->trace->model, p, &layer) : NULL;
        if (!par) { show_grad_unrecorded(I, cmd->kids.items[1], p); return; }
        if (I->dry_run) return;
        show_grad(I, I->trace, arena_printf(&I->pass, "∂C/∂%s(%d)", par->name, layer), p);
        return;
    }
    Trace *t = trace_need(I, loc);
    if (word_is(word, "loss", "C")) {
        if (!t->loss) fail_at(w->loc, "this pass has no loss: it was 'forward' only");
        if (I->dry_run) return;
        if (!trace_forward_reached(t, t->loss)) fputs("C: not reached yet (the loss comes after the forward pass)\n", I->out);
        else trace_show_value(I, t, "C", t->loss);
        return;
    }
    if (word_is(word, "output", "x") || word_is(word, "target", NULL)) {
        const Tensor *v = word[0] == 'o' ? t->out : word[0] == 'x' ? t->x : t->y;
        if (!v) fail_at(w->loc, "this pass has no targets: it was 'forward' only");
        if (I->dry_run) return;
        if (!trace_forward_reached(t, v)) fprintf(I->out, "%s: not reached yet\n", word);
        else trace_show_value(I, t, word[0] == 'o' ? "ŷ" : word[0] == 'x' ? "x" : "t", v);
        return;
    }
    if (word_is(word, "delta", "δ") || word_is(word, "a", "z") || (n == 2 && cmd->kids.items[1]->kind == N_NUM)) {
        if (n != 2) fail_at(loc, "show %s takes a layer number, e.g. 'show %s 1'", word, word);
        bool delta = word_is(word, "delta", "δ");
        int layer = layer_number(I, t, cmd->kids.items[1], !delta && strcmp(word, "a") != 0);
        const char *pre = "a";
        Tensor *v = delta ? trace_preactivation(t, layer, &pre) : NULL;
        if (!v) v = intermediate(I, t, delta ? "a" : word, layer, cmd->kids.items[1]->loc);
        if (I->dry_run) return;
        const char *what = arena_printf(&I->pass, "%s(%d)", delta ? "δ" : word, layer);
        if (delta) show_grad(I, t, arena_printf(&I->pass, "δ(%d) = ∂C/∂%s(%d)", layer, pre, layer), v);
        else if (!trace_forward_reached(t, v)) fprintf(I->out, "%s: not reached yet (the forward pass has not come to it)\n", what);
        else trace_show_value(I, t, what, v);
        return;
    }
    fail_at(w->loc, "show what? e.g. 'show z 1', 'show delta 2', 'show grad %s.1.W', 'show loss' (help show)",
            t->model->name);
}

