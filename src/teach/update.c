/* update.c — `update` (one optimizer step on the pass's gradients, and the
 * layer state its forward computed; all or nothing), `undo` (back to the
 * weights, layer state, optimizer state and history of before the last
 * train, update, reset or load, several levels; not past a redefinition)
 * and `reset NET`, keeping the pass in step.
 * Must not: run the optimizer's body itself (optstep.c's optimizer_step does),
 * or keep snapshots itself (snapshot.c). */
#include "base/arena.h"
#include "base/diag.h"
#include "base/stack.h"
#include "lang/eval.h"
#include "lang/model.h"
#include "lang/settings.h"
#include "teach/trace.h"
#include "teach/update.h"
#include "tensor/tensor.h"
#include "train/history.h"
#include "train/snapshot.h"
#include "train/optstep.h"
#include "train/train.h"
#include <stdlib.h>
#include <string.h>

/* the names expression e reads (once each), with the values they have in f */
static void read_names(Interp *I, Trace *t, Frame *f, const Node *e, UpdateLine *u, int cap) {
    if (!e) return;
    stack_guard(e->loc);           /* the walk nests as deep as the code */
    if (e->kind == N_NAME) {
        for (int i = 0; i < u->nread; i++) if (u->read[i].name == e->name) return;
        Value v = lookup_name(I, f, e->name, e->loc);
        if (v.kind == V_TENSOR && u->nread < cap)
            u->read[u->nread++] = (Binding){ e->name, tensor_value(tensor_copy(&t->arena, v.t)) };
        return;
    }
    read_names(I, t, f, e->a, u, cap);
    read_names(I, t, f, e->b, u, cap);
    read_names(I, t, f, e->c, u, cap);
    for (int i = 0; i < e->kids.n; i++) read_names(I, t, f, e->kids.items[i], u, cap);
}

/* the watch `update` sets: each line the optimizer runs, with its value and
 * the values it read (explain substitutes them) */
static void record_line(Interp *I, Frame *f, const Node *stmt, Value v, Value rhs, void *ctx) {
    Trace *t = ctx;
    if (!I->mode.updating || v.kind != V_TENSOR) return;
    if (t->nlines == t->cap_lines) {
        t->cap_lines = t->cap_lines ? 2 * t->cap_lines : 32;
        t->lines = realloc(t->lines, sizeof *t->lines * (size_t)t->cap_lines);
        if (!t->lines) abort();
    }
    Tensor *change = NULL;
    if (stmt->name == intern("w") && (stmt->op == '+' || stmt->op == '-') && rhs.kind == V_TENSOR &&
        rhs.t->size == v.t->size) {
        change = tensor_copy(&t->arena, rhs.t);
        if (stmt->op == '-') for (int i = 0; i < change->size; i++) tensor_set(change, i, -tensor_get(change, i));
    }
    UpdateLine *u = &t->lines[t->nlines++];
    *u = (UpdateLine){ I->mode.updating, I->mode.updating_layer, stmt, tensor_copy(&t->arena, v.t), change, NULL, 0 };
    enum { MAX_READ = 32 };
    u->read = arena_alloc(&t->arena, sizeof(Binding) * MAX_READ);
    if (stmt->op != '=') {         /* w -= s reads w */
        Value w = lookup_name(I, f, stmt->name, stmt->loc);
        if (w.kind == V_TENSOR) u->read[u->nread++] = (Binding){ stmt->name, tensor_value(tensor_copy(&t->arena, w.t)) };
    }
    read_names(I, t, f, stmt->a, u, MAX_READ);
}

/* The step the optimizer computed for p: the right-hand side of its one
 * `w += s` or `w -= s`; else (w assigned otherwise, or more than once) the
 * difference of the weights after and before. */
static Tensor *param_change(Interp *I, const Trace *t, const SavedParam *sp) {
    const Tensor *step = NULL;
    int assigned = 0;
    for (int i = 0; i < t->nlines; i++)
        if (t->lines[i].param == sp->param && t->lines[i].stmt->name == intern("w")) { assigned++; step = t->lines[i].change; }
    Tensor *change = tensor_copy(&I->pass, sp->param->value);
    for (int i = 0; i < change->size; i++)
        tensor_set(change, i, assigned == 1 && step ? tensor_get(step, i)
                                                    : tensor_get(sp->param->value, i) - tensor_get(sp->value, i));
    return change;
}

static void print_tensor(Interp *I, const Tensor *v) { tensor_print_digits(I->out, v, trace_digits(I)); }

/* What the pass's forward left in each layer's state (a running average) is
 * kept now, as a training step would have kept it. */
static void commit_layer_state(const Trace *t) {
    for (int i = 0; i < t->nlayers; i++) {
        const TapeLayer *tl = &t->layers[i];
        Layer *l = &t->model->layers[tl->layer - 1];
        for (int k = 0; k < tl->nstate && k < l->nstates; k++)
            if (tl->state[k] != l->states[k].value) tensor_copy_into(l->states[k].value, tl->state[k]);
    }
}

static void say_update(Interp *I, Model *m, Trace *t, const struct Snapshot *s);

void exec_update(Interp *I, SrcLoc loc) {
    Trace *t = trace_need(I, loc);
    Model *m = t->model;
    if (!t->loss) fail_at(loc, "this pass has no loss, so no gradients: run 'backward NET X -> Y' first");
    trace_refuse_stale(t, loc, "'backward'");
    if (t->applied) fail_at(loc, "this pass's gradients are already applied; run 'backward' again for new ones");
    if (t->pos > t->n && t->pos < trace_total(t))
        fail_at(loc, "the backward pass is stepped only part way, so the gradients are partial; "
                     "'finish' it first");
    need_setting(&I->optimizer, "update", "an optimizer: add e.g. 'optimizer sgd(lr=0.1)'", loc);
    struct Snapshot *s = snapshot_take(I, m, "update");
    t->nlines = 0;
    EvalMode saved = I->mode;
    DiagHandler h;
    diag_push(&h);
    if (setjmp(h.env) != 0) {      /* all or nothing: a failed step changes no weight and no state */
        I->mode = saved;
        snapshot_restore(s);
        snapshot_free(s);
        t->nlines = 0;
        diag_throw();
    }
    I->mode.watch = record_line;
    I->mode.watch_ctx = t;
    optimizer_step(I, m, NULL, loc);
    commit_layer_state(t);
    diag_pop(&h);
    I->mode = saved;
    s->trace_serial = t->serial;
    t->applied = true;
    t->last = STEP_UPDATE;
    if (!I->dry_run) say_update(I, m, t, s);
    undo_push(I, s);        /* last: a script without `undo` keeps nothing, and s is freed */
}

/* what the update changed, from the snapshot taken before it */
static void say_update(Interp *I, Model *m, Trace *t, const struct Snapshot *s) {
    const Callable *opt = I->optimizer.fn;
    fprintf(I->out, "update %d of %s with %s: w + change = new w\n", (int)m->steps, m->name,
            (opt->kind == C_PARTIAL ? opt->base : opt)->name);
    for (int k = 0; k < s->nparams; k++) {
        const SavedParam *sp = &s->params[k];
        int layer = 0;
        bool is_state = false;
        for (int l = 0; l < m->nlayers; l++) {
            const Layer *ly = &m->layers[l];
            if (sp->param >= ly->params && sp->param < ly->params + ly->nparams) layer = l + 1;
            if (sp->param >= ly->states && sp->param < ly->states + ly->nstates) { layer = l + 1; is_state = true; }
        }
        fprintf(I->out, "  %s%s.%d.%s  ", is_state ? "state " : "", m->name, layer, sp->param->name);
        print_tensor(I, sp->value);
        if (is_state) {    /* state is not stepped: it takes the value the pass's forward gave it */
            fputs("  ->  ", I->out);
        } else {
            fputs("  +  ", I->out);
            print_tensor(I, param_change(I, t, sp));
            fputs("  =  ", I->out);
        }
        print_tensor(I, sp->param->value);
        fputc('\n', I->out);
    }
}

/* What undo kept of models redefined since is of no use: dropped, all of it,
 * with an error when the newest change was to one of them. */
static void refuse_redefined(Interp *I, SrcLoc loc) {
    struct Snapshot *top = I->undo;
    if (!top || !top->model->redefined) return;
    const char *name = top->model->name, *what = top->what;
    struct Snapshot *keep = NULL, *s;
    int dropped = 0;
    while ((s = undo_pop(I))) {         /* the stack without them, in its order */
        if (s->model->redefined) { snapshot_free(s); dropped++; }
        else { s->older = keep; keep = s; }
    }
    while (keep) { s = keep; keep = keep->older; undo_push(I, s); }
    fail_at(loc, "cannot undo the %s of '%s': model '%s' was redefined since, and 'undo' does not take back "
                 "a definition (%d change%s to the old '%s' forgotten)", what, name, name, dropped,
            dropped == 1 ? "" : "s", name);
}

void exec_undo(Interp *I, SrcLoc loc) {
    refuse_redefined(I, loc);
    struct Snapshot *s = undo_pop(I);
    if (!s) fail_at(loc, "nothing to undo: 'undo' takes back a 'train', an 'update', a 'reset' or a 'load'");
    snapshot_restore(s);
    Trace *t = I->trace;
    if (t && t->model == s->model) {
        if (s->trace_serial && s->trace_serial == t->serial) t->applied = false;   /* its weights are back */
        else t->stale = true;
    }
    if (!I->dry_run)
        fprintf(I->out, "undid %s of %s: parameters and optimizer state as before (%ld update%s made)\n",
                s->what, s->model->name, s->model->steps, s->model->steps == 1 ? "" : "s");
    snapshot_free(s);
}

void exec_reset(Interp *I, Model *m, SrcLoc loc) {
    struct Snapshot *s = snapshot_take(I, m, "reset");
    DiagHandler h;
    diag_push(&h);
    if (setjmp(h.env) != 0) {
        snapshot_restore(s);
        snapshot_free(s);
        diag_throw();
    }
    for (int l = 0; l < m->nlayers; l++)
        for (int k = 0; k < m->layers[l].nparams + m->layers[l].nstates; k++) {
            Layer *ly = &m->layers[l];
            Param *p = k < ly->nparams ? &ly->params[k] : &ly->states[k - ly->nparams];
            p->nstate = 0;
            p->state = NULL;
            if (p->hand_set)
                tensor_copy_into(p->value, expect_tensor(eval_expr(I, NULL, p->given), p->given->loc, p->name));
        }
    m->initialised = false;
    m->steps = m->epochs = 0;
    m->state_owner = NULL;
    model_ensure_initialised(I, m);
    model_zero_grad(m);
    diag_pop(&h);
    history_end_run(m);
    undo_push(I, s);
    if (I->trace && I->trace->model == m) I->trace->stale = true;
    (void)loc;
    if (!I->dry_run)
        fprintf(I->out, "%s: parameters initialised afresh (seed %llu), optimizer state cleared\n", m->name,
                (unsigned long long)I->seed);
}
