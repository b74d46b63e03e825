/* pass.c — the statements that record a pass for the REPL to step:
 * `backward NET X -> Y`, `backward NET on DATA` and `forward NET X`.
 * Must not: step or explain the pass (trace.c, explain.c), or train. */
#include "base/arena.h"
#include "base/diag.h"
#include "lang/eval.h"
#include "lang/settings.h"
#include "teach/pass.h"
#include "teach/trace.h"
#include "tensor/tensor.h"
#include "train/train.h"

/* `backward NET X -> Y` / `forward NET X`: X (and Y) one sample or a batch */
static void pass_operands(Interp *I, const Node *n, Model *m, Tensor **x, Tensor **y) {
    *x = expect_tensor(eval_expr(I, NULL, n->a), n->a->loc, "the input");
    if (!n->b) return;
    *y = expect_tensor(eval_expr(I, NULL, n->b), n->b->loc, "the target");
    bool single = (*x)->ndim <= 1;
    bool fits = single ? (*y)->ndim <= 1 && (*y)->size == m->out_dim
                       : (*y)->ndim == 2 && (*y)->shape[1] == m->out_dim && (*y)->shape[0] == tensor_rows(*x);
    if (!fits && single)
        fail_at(n->b->loc, "shape mismatch: the target has shape %s but model '%s' gives outputs of shape [%d]",
                shape_str(*y), m->name, m->out_dim);
    if (!fits)
        fail_at(n->b->loc, "shape mismatch: targets of shape %s for inputs of shape %s; model '%s' gives [%d, %d]",
                shape_str(*y), shape_str(*x), m->name, tensor_rows(*x), m->out_dim);
}

/* records the pass and prints what `backward` (y given) or `forward` prints */
static void record_and_say(Interp *I, Model *m, Tensor *x, Tensor *y, SrcLoc loc) {
    bool backward = y != NULL;
    Trace *t = trace_record(I, m, x, y, loc);
    if (I->dry_run) return;
    if (backward) { fputs("loss = ", I->out); print_value(I, I->out, tensor_value(t->data_loss)); fputc('\n', I->out); }
    if (backward && t->penalty) {      /* numbers as print shows them: 0.15, not 0.150000006 */
        fputs("penalty = ", I->out);
        print_value(I, I->out, tensor_value(t->penalty));
        fputs(" (the gradients are those of loss + penalty = ", I->out);
        print_value(I, I->out, tensor_value(t->loss));
        fputs(")\n", I->out);
    }
    if (!backward) { print_value(I, I->out, tensor_value(t->out)); fputc('\n', I->out); }
    if (I->interactive) trace_announce(I, t);
}

/* backward and forward record a trace (trace.h) that the REPL can step */
static void record_pass(Interp *I, const Node *n, bool backward) {
    const char *stmt = backward ? "backward" : "forward";
    Model *m;
    Tensor *x, *y = NULL;
    if (n->label) {
        Dataset *d;
        model_on_data(I, n, stmt, &m, &d);
        x = tensor_plain(d->x);
        y = backward ? d->y : NULL;
    } else {
        m = find_model(I, n->name, n->loc);
        if (backward) need_setting(&I->loss, stmt, "a loss: add 'loss mse' or 'loss cross_entropy'", n->loc);
        pass_operands(I, n, m, &x, &y);
    }
    record_and_say(I, m, x, y, n->loc);
}

void exec_backward(Interp *I, const Node *n) { record_pass(I, n, true); }
void exec_forward_pass(Interp *I, const Node *n) { record_pass(I, n, false); }

/* the same rows again, on the weights as they are now */
void pass_again(Interp *I, SrcLoc loc) {
    Trace *old = trace_need(I, loc);
    if (old->model->redefined) trace_refuse_stale(old, loc, "'backward' or 'forward'");   /* not the old model */
    Model *m = old->model;
    /* rows of the trace's own arena go with it: copy them; a data set's stay its own */
    Tensor *x = arena_owns(&old->arena, old->x) ? tensor_copy(&I->pass, old->x) : old->x;
    Tensor *y = old->y && arena_owns(&old->arena, old->y) ? tensor_copy(&I->pass, old->y) : old->y;
    record_and_say(I, m, x, y, loc);
}

