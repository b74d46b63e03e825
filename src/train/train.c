/* train.c — the loss with its fusion rule and the regularizers' penalty, one
 * pass, the initial-loss check, and the statements that train (with
 * validation and early stopping) and evaluate — each in the mode it runs the
 * layers in.  The optimizer's update is optstep.c's.
 * Must not: know how a layer computes (lang/model.c), how an op
 * differentiates (autodiff/prims.c), or the REPL's recorded pass (teach/). */
#include "base/stack.h"
#include "autodiff/tape.h"
#include "base/arena.h"
#include "base/budget.h"
#include "base/diag.h"
#include "base/interrupt.h"
#include "front/ast.h"
#include "lang/dataset.h"
#include "lang/eval.h"
#include "lang/model.h"
#include "lang/settings.h"
#include "tensor/matmul.h"
#include "tensor/rng.h"
#include "tensor/subnormal.h"
#include "tensor/tensor.h"
#include "train/curve.h"
#include "train/evaluation.h"
#include "train/history.h"
#include "train/lint.h"
#include "train/optcompile.h"
#include "train/progress.h"
#include "train/replay.h"
#include "train/optstep.h"
#include "train/snapshot.h"
#include "train/train.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Shapes are checked before any pass runs, naming both sides. */
void check_fit(Model *m, Dataset *d, SrcLoc loc) {
    if (d->x->shape[1] != m->in_dim) {
        diag_error(loc, "shape mismatch: data '%s' has rows of shape [%d] but model '%s' takes input [%d]",
                   d->name, d->x->shape[1], m->name, m->in_dim);
        diag_note(d->loc, "data '%s' is defined here", d->name);
        diag_note(m->input_loc, "model '%s' declares its input here", m->name);
        diag_throw();
    }
    if (d->y->shape[1] != m->out_dim) {
        diag_error(loc, "shape mismatch: data '%s' has targets of shape [%d] but model '%s' gives outputs of shape [%d]",
                   d->name, d->y->shape[1], m->name, m->out_dim);
        diag_note(d->loc, "data '%s' is defined here", d->name);
        diag_note(m->layers[m->nlayers - 1].loc, "the last layer of '%s' is here", m->name);
        diag_throw();
    }
}

/* The fused form `def loss(F(a), t)` that applies to outputs y, or NULL. */
const Callable *fused_loss(Interp *I, const Tensor *y) {
    const Callable *loss = I->loss.fn, *base = loss->kind == C_PARTIAL ? loss->base : loss;
    const Callable *made_by = y->made_by;
    if (!made_by || !y->made_from) return NULL;
    Value *fused = global_find(I, fusion_name(base->name, made_by->name));
    bool same = fused && fused->kind == V_FUNC && fused->fn->fuse_outer == base && fused->fn->fuse_inner == made_by;
    return same ? fused->fn : NULL;
}

/* C for outputs y and targets t.  When y came out of a function F and the
 * stdlib defines `def loss(F(a), t)`, that fused form is used on F's input —
 * softmax followed by cross-entropy becomes one stable op. */
Tensor *compute_loss(Interp *I, Tensor *y, Tensor *t, SrcLoc loc) {
    const Callable *loss = I->loss.fn;
    Value fn = { .kind = V_FUNC, .fn = loss };
    Value args[2] = { tensor_value(y), tensor_value(t) };
    const Binding *kw = NULL;
    int nkw = 0;
    const Callable *fused = fused_loss(I, y);
    if (fused) {
        fn = (Value){ .kind = V_FUNC, .fn = fused };
        Tensor *inner = y->made_from;   /* one sample: y is a vector, softmax's input still a row */
        if (!tensor_same_shape(inner, y) && inner->size == y->size) inner = reshaped(I, inner, y->ndim, y->shape, loc);
        args[0] = tensor_value(inner);
        if (loss->kind == C_PARTIAL) { kw = loss->bound; nkw = loss->nbound; }   /* loss bce(w=2) */
    }
    Tensor *c = expect_tensor(call_value(I, fn, args, 2, kw, nkw, loc), loc, "the loss");
    if (c->size != 1) fail_at(loc, "the loss must be a single number, got shape %s", shape_str(c));
    return c;
}

typedef struct PenaltyContext { const Layer *l; const Param *p; } PenaltyContext;

static void describe_penalty(FILE *out, const void *arg) {
    const PenaltyContext *c = arg;
    fprintf(out, "in the penalty on %s.%d.%s", c->l->model->name, c->l->index, c->p->name);
}

/* The regularizers' penalty: for every layer with a regularizer (its own or
 * the model's), the sum of it over the layer's weight matrices (parameters
 * of two or more dimensions: W, not b), on the tape like the loss.  NULL if
 * the model has no regularizer. */
static Tensor *penalty(Interp *I, Model *m) {
    Tensor *total = NULL;
    for (int i = 0; i < m->nlayers; i++) {
        const Layer *l = &m->layers[i];
        const Callable *fn = l->regularizer ? l->regularizer : m->regularizer;
        SrcLoc loc = l->regularizer ? l->regularizer_loc : m->regularizer_loc;
        for (int k = 0; fn && k < l->nparams; k++) {
            const Param *p = &l->params[k];
            if (p->value->ndim < 2) continue;
            PenaltyContext pc = { l, p };
            DiagContext ctx = { loc, describe_penalty, &pc, diag_context };
            diag_context = &ctx;
            Binding w = { intern("w"), tensor_value(p->value) };
            Tensor *c = expect_tensor(call_value(I, (Value){ .kind = V_FUNC, .fn = fn }, NULL, 0, &w, 1, loc), loc,
                                      "a penalty");
            if (c->size != 1) fail_at(loc, "a penalty must be a single number, got shape %s", shape_str(c));
            diag_context = ctx.prev;
            Tensor *sum[2] = { total, c };
            total = total ? tape_apply(&I->tape, P_ADD, sum, 2, AXIS_ALL, loc) : c;
        }
    }
    return total;
}

Objective objective(Interp *I, Model *m, Tensor *out, Tensor *y, SrcLoc loc) {
    Objective o = { .loss = compute_loss(I, out, y, loc), .penalty = penalty(I, m) };
    Tensor *sum[2] = { o.loss, o.penalty };
    o.total = o.penalty ? tape_apply(&I->tape, P_ADD, sum, 2, AXIS_ALL, loc) : o.loss;
    return o;
}

/* Forward, loss (with the regularizers' penalty) and, if `backward`, the
 * backward pass of the objective on one batch, in the caller's mode. */
static Objective pass(Interp *I, Model *m, Tensor *x, Tensor *y, bool backward, Tensor **out, SrcLoc loc) {
    tape_clear(&I->tape);
    EvalMode saved = I->mode;
    I->mode.tape.recording = backward;
    if (backward) model_zero_grad(m);
    Tensor *o = model_forward(I, m, x, loc);
    Objective obj = objective(I, m, o, y, loc);
    if (backward) tape_backward(&I->tape, obj.total);
    I->mode = saved;
    if (out) *out = o;
    return obj;
}

/* a training step's pass, every op on the tape as replay.c records it, so
 * that a NaN's first op is found in an interpreted step as in a replayed one */
static Objective training_pass(Interp *I, Model *m, Tensor *x, Tensor *y, SrcLoc loc) {
    bool all = I->mode.tape.record_all;
    I->mode.tape.record_all = true;
    Objective o = pass(I, m, x, y, true, NULL, loc);
    I->mode.tape.record_all = all;
    return o;
}

/* forward + loss + backward on one batch; returns the loss (without the penalty) */
double train_pass(Interp *I, Model *m, Tensor *x, Tensor *y, bool backward, SrcLoc loc) {
    return tensor_get(pass(I, m, x, y, backward, NULL, loc).loss, 0);
}

/* What evaluate, predict and train's validation run: the model on x in
 * evaluation mode, nothing recorded for a backward pass, no layer state kept. */
Tensor *model_outputs(Interp *I, Model *m, Tensor *x, SrcLoc loc) {
    EvalMode saved = I->mode;
    I->mode.tape.recording = false;
    I->mode.training = false;
    I->mode.write_state = false;
    Tensor *out = model_forward(I, m, x, loc);
    I->mode = saved;
    return out;
}

/* the outputs on x in evaluation mode, and their loss and penalty against y */
static Tensor *evaluation_pass(Interp *I, Model *m, Tensor *x, Objective *o, Tensor *y, SrcLoc loc) {
    Tensor *out = model_outputs(I, m, x, loc);
    EvalMode saved = I->mode;
    I->mode.tape.recording = false;
    *o = objective(I, m, out, y, loc);
    I->mode = saved;
    return out;
}

static long model_weights(const Model *m) {
    long n = 0;
    for (int l = 0; l < m->nlayers; l++)
        for (int k = 0; k < m->layers[l].nparams; k++) n += m->layers[l].params[k].value->size;
    return n;
}

/* The mean loss of rows idx[from], ..., idx[from + count - 1] of d (idx
 * NULL: from, from + 1, ...), evaluated in an arena of its own that is given
 * back after: a large model's activations and W' are those of one slice. */
static double slice_loss(Interp *I, Model *m, const Dataset *d, const int *idx, int from, int count, SrcLoc loc) {
    Arena outer = I->pass;
    I->pass = (Arena){ 0 };
    DiagHandler h;
    diag_push(&h);
    if (setjmp(h.env) != 0) {
        arena_free(&I->pass);
        I->pass = outer;
        diag_throw();
    }
    Tensor *x = tensor_new_raw(&I->pass, d->x->dtype, 2, (int[]){ count, d->x->shape[1] });
    Tensor *y = tensor_new_raw(&I->pass, d->y->dtype, 2, (int[]){ count, d->y->shape[1] });
    tensor_gather_rows(x, d->x, idx, from);
    tensor_gather_rows(y, d->y, idx, from);
    Objective o;
    evaluation_pass(I, m, x, &o, y, loc);
    double loss = tensor_get(o.loss, 0);
    diag_pop(&h);
    arena_free(&I->pass);
    I->pass = outer;
    return loss;
}

/* The loss of the model as it is, over up to 1024 rows spread evenly over d
 * (all of them when fewer): what the initial-loss check compares with log(n)
 * — one batch, or one row at batch 1, says little.  A model of 2^20 weights
 * or more is evaluated 256 rows at a time and the slices' means averaged, so
 * that the check holds no more than a training step (bench/README.md, the
 * memory of issue 21).  *used: the rows read. */
/* The rows of each slice the check evaluates at once, of `take` rows: 256
 * for a model of 2^20 weights or more (its memory: see above); for a model
 * whose training batches stay on nnl's own loops (matmul.h) while `take`
 * rows at once would not, as many as they hold: the check alone would load
 * OpenBLAS (~3 ms of digits' 47 ms run) for one product; else all. */
static int check_slice(const Model *m, int take, int batch) {
    enum { SLICE = 256 };
    if (model_weights(m) >= 1L << 20) return take > SLICE ? SLICE : take;
    long widest = 1;       /* a row's multiply-adds in the largest product: the largest parameter's size */
    for (int l = 0; l < m->nlayers; l++)
        for (int k = 0; k < m->layers[l].nparams; k++)
            if (m->layers[l].params[k].value->size > widest) widest = m->layers[l].params[k].value->size;
    long own = GEMM_OWN_LOOPS_UP_TO / widest;
    return (long)take > own && batch <= own ? (int)own : take;
}

static double spread_loss(Interp *I, Model *m, const Dataset *d, int batch, int *used, SrcLoc loc) {
    enum { MAX_ROWS = 1024 };
    int rows = d->x->shape[0], take = rows < MAX_ROWS ? rows : MAX_ROWS;
    Tensor *x = d->x, *y = d->y;
    *used = take;
    int *idx = NULL;
    if (take < rows && x->ndim == 2 && y->ndim == 2) {
        idx = arena_alloc(&I->pass, sizeof(int) * (size_t)take);
        for (int i = 0; i < take; i++) idx[i] = (int)((long)i * rows / take);
    }
    int slice = check_slice(m, take, batch);
    if (slice < take && x->ndim == 2 && y->ndim == 2) {
        double sum = 0;
        for (int from = 0; from < take; from += slice) {
            int count = take - from < slice ? take - from : slice;
            sum += slice_loss(I, m, d, idx, from, count, loc) * count;
        }
        return sum / take;
    }
    if (idx) {
        x = tensor_new_raw(&I->pass, x->dtype, 2, (int[]){ take, d->x->shape[1] });
        y = tensor_new_raw(&I->pass, y->dtype, 2, (int[]){ take, d->y->shape[1] });
        tensor_gather_rows(x, d->x, idx, 0);
        tensor_gather_rows(y, d->y, idx, 0);
    } else {                                       /* all rows (or the first): as numbers, not kept bytes */
        x = tensor_first_rows(&I->pass, tensor_plain(x), take);
        y = tensor_first_rows(&I->pass, tensor_plain(y), take);
    }
    Objective o;
    evaluation_pass(I, m, x, &o, y, loc);
    return tensor_get(o.loss, 0);
}

/* ---- statements ------------------------------------------------------------ */

/* A non-finite loss, parameter or layer state stops the training (not the
 * script): reported with curve.c's notes on where it first appeared and why
 * (`first`: this statement's first history entry; `cause`: what made a
 * parameter NaN, or NULL), except in the check pass, which checks names and
 * shapes, not numbers.  True when it stops. */
static bool stop_nonfinite(Interp *I, Model *m, StepPlans *ps, int epoch, bool updated, int first, const char *cause,
                           SrcLoc loc) {
    if (I->dry_run) return true;
    replay_expose(I, ps);
    curve_overflow_notes(I, m, first, epoch, updated, cause, loc);
    return true;
}

/* Parameter p became NaN at element j in an update from finite numbers:
 * not an overflow but a setting that is NaN (a custom optimizer with no
 * `require`), or a 0/0 where its gradient is 0 (g / (sqrt(v) + epsilon) with
 * v and epsilon 0).  What happened, for the note; NULL otherwise. */
static const char *nan_cause(Interp *I, const Model *m, int layer, const Param *p, int j, SrcLoc loc) {
    const Tensor *g = p->value->grad;
    if (!isnan(tensor_get(p->value, j)) || !g || g->size != p->value->size || !isfinite(tensor_get(g, j))) return NULL;
    const Callable *opt = I->optimizer.fn, *def = opt->kind == C_PARTIAL ? opt->base : opt;
    const Binding *given = opt->kind == C_PARTIAL ? opt->bound : NULL;
    int ngiven = opt->kind == C_PARTIAL ? opt->nbound : 0;
    Value *v = bind_all(I, def, NULL, 0, given, ngiven, loc);     /* the settings, given or default */
    double epsilon = NAN;
    for (int h = 0; h < def->nparams; h++) {
        if (v[h].kind != V_TENSOR || v[h].t->size != 1) continue;    /* a schedule, a flag list... */
        double x = tensor_get(v[h].t, 0);
        if (isnan(x))
            return arena_printf(&I->pass, "the setting %s of optimizer '%s' is NaN (not a number), so every step "
                                "it takes part in is NaN; give it a number", def->param_names[h], def->name);
        if (def->param_names[h] == intern("epsilon")) epsilon = x;
    }
    if (tensor_get(g, j) != 0) return NULL;
    const char *what = arena_printf(&I->pass, "a 0/0 in the optimizer's step, not an overflow: the gradient of "
                                    "%s.%d.%s at element %d is 0, and '%s' divided it by something that is 0 too",
                                    m->name, layer, p->name, j + 1, def->name);
    if (epsilon == 0)
        return arena_printf(&I->pass, "%s: epsilon = 0, so where no gradient has reached a weight yet its step "
                            "is 0 / (√0 + 0); give epsilon a positive value (like 1e-7, the stdlib's default)", what);
    return arena_printf(&I->pass, "%s; look for a division in optimizer '%s' that nothing (like a positive epsilon) "
                        "keeps from 0", what, def->name);
}

/* the first element of t that is NaN or infinite, or -1 */
static int first_nonfinite(const Tensor *t) {
    if (tensor_all_finite(t)) return -1;        /* the usual case: one vectorised pass */
    for (int j = 0; j < t->size; j++) if (!isfinite(tensor_get(t, j))) return j;
    return -1;
}

/* the loss; after an update (`after`) every layer's state (written by the
 * forward), and with `weights` every parameter; true when one is not finite */
static bool check_finite(Interp *I, Model *m, StepPlans *ps, double loss, bool after, bool weights, int epoch,
                         int batch, int first, SrcLoc loc) {
    if (!isfinite(loss)) {
        bool updated = after || epoch > 1 || batch > 1;     /* else no step of this training can be the cause */
        if (!I->dry_run)
            diag_error(loc, "the loss became %s at epoch %d, batch %d%s", isnan(loss) ? "NaN" : "infinite", epoch,
                       batch, updated ? "; try a smaller learning rate" : "");
        return stop_nonfinite(I, m, ps, epoch, updated, first, NULL, loc);
    }
    for (int i = 0; after && i < m->nlayers; i++) {
        Layer *L = &m->layers[i];
        /* without `weights`, only the states: none in a dense layer */
        for (int k = weights ? 0 : L->nparams; k < L->nparams + L->nstates; k++) {
            bool state = k >= L->nparams;
            const Param *p = state ? &L->states[k - L->nparams] : &L->params[k];
            int j = first_nonfinite(p->value);
            if (j < 0) continue;
            const char *cause = state || I->dry_run ? NULL : nan_cause(I, m, i + 1, p, j, loc);
            if (!I->dry_run)
                diag_error(loc, "%s %s.%d.%s became %s at epoch %d, batch %d%s", state ? "layer state" : "parameter",
                           m->name, i + 1, p->name, isnan(tensor_get(p->value, j)) ? "NaN" : "infinite", epoch,
                           batch, state ? "" : cause ? ": made by the optimizer's step, not by an overflow"
                                                     : "; try a smaller learning rate");
            /* a state is written by the forward: at the first batch, before any update */
            return stop_nonfinite(I, m, ps, epoch, !state || epoch > 1 || batch > 1, first, cause, loc);
        }
    }
    return false;
}

/* The model as it was when it gave the last finite loss (before that step's
 * update), which a training that diverges puts back. */
typedef struct LastFinite {
    struct Snapshot *s;        /* NULL before the first finite loss of this training */
    int    epoch, batch;
    double loss;
} LastFinite;

/* The training stopped at a non-finite number: the model goes back to the
 * last finite step, the script goes on, and its exit status will say so. */
static void diverged(Interp *I, Model *m, const LastFinite *last, Progress *progress, SrcLoc loc) {
    if (last->s) snapshot_restore(last->s);
    m->revision++;
    I->diverged = true;
    if (I->dry_run) return;
    progress_end(progress);
    const char *goes_on = I->interactive ? "" : ", and the script goes on";
    if (last->s)
        diag_note(loc, "training stopped; the weights are put back to those that gave the last finite loss "
                  "(%.6g, epoch %d, batch %d)%s", last->loss, last->epoch, last->batch, goes_on);
    else
        diag_note(loc, "training stopped before its first update; the weights are as they were%s", goes_on);
}

typedef struct TrainOptions {
    int      epochs, batch;
    bool     shuffle;
    int      every;            /* log every N: see progress_due */
    Dataset *valid;            /* valid DATA: reported every epoch, or NULL */
    int      patience;         /* early_stop patience=K, or 0 */
} TrainOptions;

/* `log every N`: progress every N epochs; 0 for none */
static int log_every(Interp *I, const Node *kv, Value v) {
    double every = expect_number(I, v, kv->a->loc, "log every");
    if (kv->label != intern("every") || every != floor(every) || every < 0 || every > 1e9)
        fail_at(kv->loc, "write 'log every N': progress every N epochs (a whole number; 0 for none)");
    return every == 0 ? -1 : (int)every;
}

static const char *const train_option_names[] = { "epochs", "batch", "shuffle", "log", "valid", "early_stop" };
enum { NTRAIN_OPTIONS = sizeof train_option_names / sizeof train_option_names[0] };

_Noreturn static void unknown_train_option(const Node *kv) {
    for (int k = 0; k < NTRAIN_OPTIONS; k++)
        if (levenshtein(kv->name, train_option_names[k]) <= 2)
            fail_at(kv->loc, "unknown training option '%s'; did you mean '%s'?", kv->name, train_option_names[k]);
    fail_at(kv->loc, "unknown training option '%s'; the options are epochs, batch, shuffle, log every, valid "
            "and early_stop", kv->name);
}

/* early_stop patience=K */
static int early_stop_patience(Interp *I, const Node *kv) {
    const Node *set = kv->a;
    if (set->kind != N_KWARG)
        fail_at(set->loc, "write 'early_stop patience=K': stop when the validation loss has not improved for K epochs");
    if (strcmp(set->name, "patience") != 0)
        fail_at(set->loc, "early_stop has one setting, patience (early_stop patience=5), not '%s'", set->name);
    return expect_count(I, eval_expr(I, NULL, set->a), set->a->loc, "patience");
}

static TrainOptions train_options(Interp *I, const Node *n, Model *m, int rows) {
    TrainOptions o = { 1, rows, true, 0, NULL, 0 };
    const Node *early = NULL;
    for (int i = 0; i < n->kids.n; i++) {
        const Node *kv = n->kids.items[i];
        for (int j = 0; j < i; j++)
            if (n->kids.items[j]->name == kv->name) fail_at(kv->loc, "training option '%s' is given twice", kv->name);
        if (strcmp(kv->name, "early_stop") == 0) { o.patience = early_stop_patience(I, kv); early = kv; continue; }
        int which = 0;
        while (which < NTRAIN_OPTIONS && strcmp(kv->name, train_option_names[which]) != 0) which++;
        if (which == NTRAIN_OPTIONS) unknown_train_option(kv);
        if (kv->a->kind == N_KWARG) fail_at(kv->a->loc, "'%s' takes a value, not a setting by name", kv->name);
        Value v = eval_expr(I, NULL, kv->a);
        switch (which) {
        case 0: o.epochs = expect_count(I, v, kv->a->loc, "epochs"); break;
        case 1: o.batch = expect_count(I, v, kv->a->loc, "the batch size"); break;
        case 2: o.shuffle = expect_number(I, v, kv->a->loc, "shuffle") != 0; break;
        case 3: o.every = log_every(I, kv, v); break;
        default:
            if (v.kind != V_DATA) fail_at(kv->a->loc, "'valid' takes a data set, not %s", value_kind_name(v));
            o.valid = data_one(v.data, kv->a->loc);
            check_fit(m, o.valid, kv->a->loc);
        }
    }
    if (early && !o.valid)
        fail_at(early->loc, "early_stop watches the loss on validation data: add 'valid DATA' to this train");
    if (o.batch > rows) o.batch = rows;
    return o;
}

/* What train, backward and evaluate share: `NET on DATA`, shapes checked, a loss set. */
void model_on_data(Interp *I, const Node *n, const char *stmt, Model **m, Dataset **d) {
    *m = find_model(I, n->name, n->loc);
    *d = find_data(I, n->label, n->loc);
    check_fit(*m, *d, n->loc);
    need_setting(&I->loss, stmt, "a loss: add 'loss mse' or 'loss cross_entropy'", n->loc);
    lint_targets(I, *m, *d);
}

static void validate(Interp *I, Model *m, const Dataset *v, EpochStats *s, SrcLoc loc) {
    arena_reset(&I->pass);
    Objective o;
    Tensor *out = evaluation_pass(I, m, tensor_plain(v->x), &o, v->y, loc);
    s->has_valid = true;
    s->valid_loss = tensor_get(o.loss, 0);
    s->valid_accuracy = accuracy_of(out, v->y);
    s->has_accuracy = s->valid_accuracy >= 0;
}

/* Early stopping: the best validation loss so far and the weights it had. */
typedef struct EarlyStop {
    double best;
    int    best_epoch, waited;
    struct Snapshot *weights;
    bool   restored;           /* the best epoch's weights were put back */
} EarlyStop;

/* true when it is time to stop */
static bool early_stop_after(Interp *I, EarlyStop *es, Model *m, int e, double valid_loss, int patience) {
    if (valid_loss < es->best) {
        es->best = valid_loss;
        es->best_epoch = e;
        es->waited = 0;
        if (es->weights) snapshot_free(es->weights);
        es->weights = snapshot_take(I, m, "early stop");
        return false;
    }
    return ++es->waited >= patience;
}

static void early_stop_finish(Interp *I, Model *m, EarlyStop *es, int first, int e, bool stopped, int patience) {
    if (stopped)
        fprintf(I->out, "early stop after epoch %d: the validation loss has not improved for %d epoch%s; ", e,
                patience, patience == 1 ? "" : "s");
    if (es->best_epoch != e) {
        snapshot_restore_weights(es->weights);
        es->restored = true;
        history_restored(m, first, es->best_epoch);
        fprintf(I->out, "%sweights restored to epoch %d (valid loss %.6g)\n", stopped ? "" : "best ", es->best_epoch,
                es->best);
    }
}

typedef struct TrainPosition { int epoch, batch; } TrainPosition;

static void describe_training(FILE *out, const void *arg) {
    const TrainPosition *at = arg;
    fprintf(out, "in epoch %d, batch %d of this training", at->epoch, at->batch);
}

/* `track gradients`: each layer's ‖∂C/∂W(l)‖ of this batch added to sum (NAN
 * for a layer without parameters); reads the gradients, changes nothing */
static void add_gradient_norms(const Model *m, double *sum) {
    for (int l = 0; l < m->nlayers; l++) {
        const Param *w = layer_weight(&m->layers[l]);
        sum[l] = w ? sum[l] + tensor_l2_norm(w->value->grad) : NAN;
    }
}

/* The epochs of one `train`, the layers in training mode keeping what they
 * write to their state. */
static void train_epochs(Interp *I, const Node *n, Model *m, Dataset *d, TrainOptions o, EarlyStop *es,
                         LastFinite *last, StepPlans *plans, Progress *progress) {
    int rows = d->x->shape[0];
    if (rows > I->order_cap) {
        free(I->order);
        I->order = malloc(sizeof(int) * (size_t)rows);
        if (!I->order) { I->order_cap = 0; diag_out_of_memory(sizeof(int) * (size_t)rows); }
        I->order_cap = rows;
    }
    int *order = I->order;
    for (int i = 0; i < rows; i++) order[i] = i;
    bool shuffle = o.shuffle && o.batch < rows;    /* full batch never depends on order */
    /* The last finite step's weights are kept by the update when they are
     * many: it writes the new ones into the snapshot's memory and the two
     * trade places (optcompile.c's swap_stored), with no pass of its own; a
     * small model's are copied up front, cheaper than handing them over. */
    bool copy_in_update = model_weights(m) >= 65536;
    int first = history_begin(I, m);
    history_expect(I, m, o.epochs);
    bool track = I->track_gradients && !I->dry_run;
    double *norms = track ? arena_alloc(&I->perm, sizeof *norms * (size_t)(m->nlayers + 1)) : NULL;
    /* the first training of a classifier: its loss before any step, next to log(n) */
    if (m->steps == 0 && !I->dry_run && cross_entropy_classes(I, d) >= 2) {
        int used;
        double loss = spread_loss(I, m, d, o.batch, &used, n->loc);
        initial_loss_check(I, m, d, loss, used, n->loc);
        arena_trim(&I->pass);        /* its activations of up to 1024 rows are not needed again */
    }
    progress_begin(progress, I, o.epochs, o.every, rows, o.batch);
    for (int e = 1; e <= o.epochs; e++) {
        budget_charge(rows, n->loc);
        if (shuffle)
            for (int i = rows - 1; i > 0; i--) {
                int j = rng_below(&I->rng, i + 1), tmp = order[i];
                order[i] = order[j]; order[j] = tmp;
            }
        EpochStats stats = { 0 };
        int batch_no = 0;
        for (int l = 0; track && l < m->nlayers; l++) norms[l] = 0;
        for (int from = 0; from < rows; from += o.batch) {
            int count = rows - from < o.batch ? rows - from : o.batch;
            arena_reset(&I->pass);
            TrainPosition at = { e, batch_no + 1 };
            DiagContext ctx = { n->loc, describe_training, &at, diag_context };
            diag_context = &ctx;
            /* the two flags only: whatever else a step changes of I->mode it puts back
             * (pass, run_recorded), and a replayed one changes nothing */
            bool was_training = I->mode.training, was_writing = I->mode.write_state;
            I->mode.training = I->mode.write_state = true;
            Objective obj = replay_step(I, plans, m, d->x, d->y, shuffle ? order : NULL, from, count, training_pass,
                                        n->loc);
            I->mode.training = was_training;
            I->mode.write_state = was_writing;
            diag_context = ctx.prev;
            double loss = tensor_get(obj.loss, 0), total = tensor_get(obj.total, 0);
            bool has_penalty = obj.penalty != NULL;
            double penalty = has_penalty ? tensor_get(obj.penalty, 0) : 0;
            /* the check pass's step was interpreted in the pass arena: its W' and their
             * gradients (as much again as the weights) are not needed by the update */
            if (I->dry_run) arena_trim(&I->pass);
            batch_no++;
            if (check_finite(I, m, plans, total, false, false, e, batch_no, first, n->loc)) {
                diverged(I, m, last, progress, n->loc);
                return;
            }
            /* the check pass keeps no weights to put back: it stops at no number */
            if (!I->dry_run) last->s = copy_in_update ? snapshot_retake_before_update(I, last->s, m, "last finite step")
                                                      : snapshot_retake(I, last->s, m, "last finite step");
            *last = (LastFinite){ last->s, e, batch_no, loss };
            if (track) add_gradient_norms(m, norms);
            bool weights_finite = optimizer_step(I, m, last->s, n->loc);
            m->revision++;   /* the weights moved on: a recorded pass is stale */
            if (check_finite(I, m, plans, total, true, !weights_finite, e, batch_no, first, n->loc)) {
                diverged(I, m, last, progress, n->loc);
                return;
            }
            stats.loss += loss * count / rows;
            if (has_penalty) { stats.has_penalty = true; stats.penalty += penalty * count / rows; }
            /* the check pass: the first step shows every shape and name works,
             * and the last, shorter batch (if any) that its size does too */
            int last = rows - (rows % o.batch ? rows % o.batch : o.batch);
            if (I->dry_run && from < last) { from = last - o.batch; continue; }
            if (I->dry_run) {
                if (o.valid) validate(I, m, o.valid, &stats, n->loc);
                return;
            }
            int done = from + count;
            double so_far = stats.loss * rows / done;     /* the mean loss of the epoch's batches so far */
            if (nnl_interrupt) {
                I->interrupted = true;
                progress_interrupted(progress, e, batch_no, done, so_far);
                fprintf(I->out, "interrupted: training stopped after epoch %d, batch %d; the weights and "
                                "optimizer state are kept (%ld updates made)\n", e, batch_no, m->steps);
                return;
            }
            progress_batch(progress, e, batch_no, done, so_far);
        }
        m->epochs++;
        if (o.valid) validate(I, m, o.valid, &stats, n->loc);
        for (int l = 0; track && l < m->nlayers; l++) norms[l] /= batch_no;
        history_add(I, m, stats.loss, o.valid ? stats.valid_loss : NAN,
                    o.valid && stats.has_accuracy ? stats.valid_accuracy : NAN, m->last_lr, norms);
        bool stop = o.patience && early_stop_after(I, es, m, e, stats.valid_loss, o.patience);
        progress_epoch(progress, e, &stats, stop && !I->quiet);
        if (o.patience && (stop || e == o.epochs)) early_stop_finish(I, m, es, first, e, stop, o.patience);
        fflush(I->out);         /* a log of a run that is stopped keeps its progress */
        if (stop) break;
    }
    progress_end(progress);
    curve_report(I, m, first, es->restored);
}

/* model_on_data, an optimizer set, the options */
static TrainOptions train_checked(Interp *I, const Node *n, Model **m, Dataset **d) {
    model_on_data(I, n, "train", m, d);
    need_setting(&I->optimizer, "train", "an optimizer: add e.g. 'optimizer sgd(lr=0.1)'", n->loc);
    return train_options(I, n, *m, (*d)->x->shape[0]);
}

struct TrainRecord train_plan(Interp *I, const Node *n, Model **m) {
    *m = find_model(I, n->name, n->loc);
    Dataset *d = find_data(I, n->label, n->loc);
    check_fit(*m, d, n->loc);
    TrainOptions o = train_options(I, n, *m, d->x->shape[0]);
    return (struct TrainRecord){ n, d, o.valid, NULL, o.epochs, o.batch, o.every, o.shuffle };
}

void exec_train(Interp *I, const Node *n) {
    Model *m;
    Dataset *d;
    TrainOptions o = train_checked(I, n, &m, &d);
    model_ensure_initialised(I, m);
    undo_remember(I, m, "train");       /* `undo` takes the whole train back, even one stopped by an error */
    I->trained_last = m;
    Dataset *evaluated = m->last_train.evaluated;
    m->last_train = (struct TrainRecord){ n, d, o.valid, evaluated, o.epochs, o.batch, o.every, o.shuffle };
    EarlyStop es = { .best = INFINITY };
    LastFinite last = { 0 };
    StepPlans plans = { 0 };
    Progress progress = { 0 };
    DiagHandler h;
    diag_push(&h);
    if (setjmp(h.env) != 0) {           /* the best weights so far and the plans are forgotten with the error */
        struct Snapshot *kept = *(struct Snapshot *volatile *)&es.weights;
        if (kept) snapshot_free(kept);
        kept = *(struct Snapshot *volatile *)&last.s;
        if (kept) snapshot_free(kept);
        tape_clear(&I->tape);            /* it may hold a plan's ops */
        replay_free(&plans);
        progress_end(&progress);
        diag_throw();
    }
    nnl_training = 1;
    train_epochs(I, n, m, d, o, &es, &last, &plans, &progress);
    progress_end(&progress);             /* after Ctrl-C */
    nnl_training = 0;                    /* nnl_interrupt stays: the statement's end sees it */
    diag_pop(&h);
    tape_clear(&I->tape);
    replay_free(&plans);
    if (es.weights) snapshot_free(es.weights);
    if (last.s) snapshot_free(last.s);
    fflush(I->out);
}

void exec_evaluate(Interp *I, const Node *n) {
    Model *m;
    Dataset *d;
    model_on_data(I, n, "evaluate", &m, &d);
    m->last_train.evaluated = d;
    Objective o;
    Tensor *out = evaluation_pass(I, m, tensor_plain(d->x), &o, d->y, n->loc);
    if (!I->dry_run)
        report_evaluation(I->out, out, d, tensor_get(o.loss, 0), o.penalty ? tensor_get(o.penalty, 0) : NAN);
}
