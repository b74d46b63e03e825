/* replay.c — recording a training step once and replaying its primitives
 * (replay.h).  Owns: deciding from a recorded tape whether a replay computes
 * what the evaluator would, and the replay itself.  Must not: interpret nnl
 * (eval.c notes what would make a replay differ), compute an op other than
 * through prims[] or prims.h's fused forms of them (fused.c: so a replay is
 * bit-identical to the interpreter), or run
 * the optimizer (train.c). */
#include "autodiff/prims.h"
#include "autodiff/tape.h"
#include "base/arena.h"
#include "base/bytes.h"
#include "base/budget.h"
#include "base/diag.h"
#include "lang/builtins.h"
#include "tensor/matmul.h"
#include "tensor/tensor.h"
#include "train/replay.h"
#include "train/tinystep.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>

struct StepPlan {
    Arena       arena;           /* every tensor of the step: batch, constants, outputs, gradients */
    int         rows;            /* the batch size it was recorded for */
    const char *refusal;         /* NULL: replayable; else why every step of this size is interpreted */
    SrcLoc      refusal_loc;
    Tensor     *x, *y;           /* the batch: each step's rows are copied in */
    TapeEntry  *entries;         /* the recorded ops, as the tape had them */
    int         n;
    int        *forward;         /* the entries whose output varies, in order: rerun every step */
    int         nforward;
    const Tensor **transposed;   /* transposed[i]: entry i is X @ transpose(W) and reads W itself, or NULL */
    bool       *unwritten;       /* unwritten[i]: entry i is such a transpose(W), not rerun */
    bool       *grad_into_w;     /* grad_into_w[i]: entry i (an X @ W' as above) adds Gᵀ X to W's gradient
                                    itself, since only the transpose reads W: W' gets no gradient, and
                                    the transpose's rule does not run */
    void       *scratch;         /* room for the largest W of those that are not: see matmul_bt_backward */
    int        *with_activation; /* with_activation[i]: entry i adds a bias, and the next 1 (a unary
                                    activation of that sum alone) or 2 (relu's > and where) entries run
                                    with it as one (bias_activation_*, bias_relu_*); else 0 */
    int        *group_last;      /* group_last[i]: for the last entry of such a group, the group's first
                                    (whose with_activation it is); -1 for every other entry */
    bool       *squared_error;   /* squared_error[i]: entry i is mse's P - T, and with_activation[i] = 2:
                                    it, the ^ k and the mean run as one (squared_error_*) */
    bool       *live;            /* live[i]: entry i's output reaches the loss or a state write; the others
                                    (the model's softmax when the loss reads its logits) are not rerun */
    int        *backward;        /* the entries a gradient reached, last first */
    int         nbackward;
    StateWrite *writes;          /* layer state written, each after `after` entries */
    int         nwrites;
    RandomDraw *draws;           /* random tensors (dropout's masks), drawn again after `after` entries */
    int         ndraws;
    Tensor    **grads;           /* gradients of the ops' outputs, zeroed before each backward */
    int         ngrads;
    Tensor    **params;          /* the model's parameters the step was recorded with */
    int         nparams;
    Objective   obj;
    long long   work;            /* what the recorded step charged the work budget */
    /* A shorter batch (the last of an epoch) replays the plan with fewer rows
     * when every op works row by row or sums over the rows it is given
     * (fit_rows): the tensors whose first dimension is the batch's rows take
     * the short batch's count for that step, and back. */
    bool        fits_fewer;
    Tensor    **by_rows;         /* the tensors whose first dimension is the batch's rows */
    int         nby_rows;
    const struct Pattern **patterns;   /* the entries' kept broadcast patterns, for `rows` rows */
    int         now_rows;        /* the rows the tensors have now */
    /* x and y hold rows [batch_from, batch_from + batch_rows) of batch_x and
     * batch_y, in order (a training without shuffle), or batch_x is NULL */
    const Tensor *batch_x, *batch_y;
    int         batch_from, batch_rows;
    long long   now_work;        /* what a step of now_rows charges */
    TinyStep   *tiny;            /* the step as micro-ops when a dense layer of it is tiny (tinystep.h), or NULL */
};

/* ---- deciding --------------------------------------------------------- */

static void refuse(StepPlan *p, SrcLoc loc, const char *why) {
    if (p->refusal) return;
    p->refusal = why;
    p->refusal_loc = loc;
}

static int model_tensors(Model *m, Tensor **out, bool states) {
    int n = 0;
    for (int i = 0; i < m->nlayers; i++) {
        const Layer *l = &m->layers[i];
        for (int k = 0; k < l->nparams; k++) { if (out) out[n] = l->params[k].value; n++; }
        for (int k = 0; states && k < l->nstates; k++) { if (out) out[n] = l->states[k].value; n++; }
    }
    return n;
}

static bool made_by_entry(const StepPlan *p, const Tensor *t) {
    return t->producer >= 0 && t->producer < p->n && p->entries[t->producer].call.out == t;
}

/* Inputs that are not outputs of earlier ops are leaves: the batch, the
 * model's parameters and state (which vary, and are read where they are), or
 * constants of the recording (literals, layer arguments, `training`).  A
 * leaf that varies but is none of those was computed from the batch or the
 * parameters outside the primitives, and would not follow them in a replay. */
static void check_leaves(StepPlan *p, Model *m, const Arena *statement) {
    int nknown = model_tensors(m, NULL, true);
    Tensor **known = arena_alloc(&p->arena, sizeof(Tensor *) * (size_t)(nknown + 2 + p->ndraws));
    model_tensors(m, known, true);
    known[nknown++] = p->x;
    known[nknown++] = p->y;
    for (int d = 0; d < p->ndraws; d++) known[nknown++] = p->draws[d].out;
    for (int i = 0; i < p->n && !p->refusal; i++) {
        const TapeEntry *e = &p->entries[i];
        if (e->call.op == P_RESHAPE && e->call.in[1]->varies)
            refuse(p, e->loc, "reshapes to sizes computed from a value that changes every step");
        for (int k = 0; k < e->call.nin; k++) {
            const Tensor *in = e->call.in[k];
            if (made_by_entry(p, in)) continue;
            bool is_known = false;
            for (int j = 0; j < nknown && !is_known; j++) is_known = known[j] == in;
            if (is_known) continue;
            if (in->requires_grad)
                refuse(p, e->loc, "uses a parameter of another model, which the step's gradients reach");
            else if (in->varies)
                refuse(p, e->loc, "uses a value computed outside the primitives from one that changes every step");
            else if (arena_owns(statement, in))
                refuse(p, e->loc, "uses a value made before the step");
        }
    }
}

static int readers(const StepPlan *p, const Tensor *t) {
    int n = 0;
    for (int j = 0; j < p->n; j++)
        for (int k = 0; k < p->entries[j].call.nin; k++) n += p->entries[j].call.in[k] == t;
    return n;
}

/* X @ W' where nothing else reads W': the product reads W with a transpose
 * flag (matmul_bt_forward), and W' itself is not written out every step.
 * Its gradient still is: transpose's rule hands it on to W. */
static void fuse_transposes(StepPlan *p, const StateWrite *writes, int nwrites) {
    Arena *a = &p->arena;
    p->transposed = arena_alloc(a, sizeof(Tensor *) * (size_t)(p->n + 1));
    p->unwritten = arena_alloc(a, sizeof(bool) * (size_t)(p->n + 1));
    p->grad_into_w = arena_alloc(a, sizeof(bool) * (size_t)(p->n + 1));
    bool *read_otherwise = arena_alloc(a, sizeof(bool) * (size_t)(p->n + 1));
    int scratch = 1;
    const Tensor *results[3] = { p->obj.loss, p->obj.penalty, p->obj.total };
    for (int r = 0; r < 3; r++) if (results[r] && made_by_entry(p, results[r])) read_otherwise[results[r]->producer] = true;
    for (int w = 0; w < nwrites; w++) if (made_by_entry(p, writes[w].value)) read_otherwise[writes[w].value->producer] = true;
    for (int j = 0; j < p->n; j++) {
        const PrimCall *c = &p->entries[j].call;
        for (int k = 0; k < c->nin; k++)
            if (made_by_entry(p, c->in[k]) && !(c->op == P_MATMUL && k == 1 && c->in[0]->ndim == 2))
                read_otherwise[c->in[k]->producer] = true;
    }
    for (int j = 0; j < p->n; j++) {
        const PrimCall *c = &p->entries[j].call;
        if (c->op != P_MATMUL || !made_by_entry(p, c->in[1])) continue;
        int t = c->in[1]->producer;
        const PrimCall *tc = &p->entries[t].call;
        if (tc->op != P_TRANSPOSE || tc->in[0]->ndim != 2 || read_otherwise[t]) continue;
        const Tensor *w = tc->in[0];
        p->transposed[j] = w;
        p->unwritten[t] = true;
        /* W's gradient is then 0 + (W'’s)ᵀ, the very sums Gᵀ X adds up */
        p->grad_into_w[j] = w->requires_grad && w->grad && c->in[1]->grad && readers(p, w) == 1;
        if (!p->grad_into_w[j]) scratch = scratch > w->size ? scratch : w->size;
    }
    p->scratch = arena_alloc_raw(a, sizeof(double) * (size_t)scratch);
}

/* An entry is live when the loss, the penalty or a state write reads its
 * output, or a live entry does. */
static void mark_live(StepPlan *p) {
    p->live = arena_alloc(&p->arena, sizeof(bool) * (size_t)(p->n + 1));
    const Tensor *results[3] = { p->obj.loss, p->obj.penalty, p->obj.total };
    for (int r = 0; r < 3; r++) if (results[r] && made_by_entry(p, results[r])) p->live[results[r]->producer] = true;
    for (int w = 0; w < p->nwrites; w++)
        if (made_by_entry(p, p->writes[w].value)) p->live[p->writes[w].value->producer] = true;
    for (int i = p->n - 1; i >= 0; i--) {
        if (!p->live[i]) continue;
        const PrimCall *c = &p->entries[i].call;
        for (int k = 0; k < c->nin; k++) if (made_by_entry(p, c->in[k])) p->live[c->in[k]->producer] = true;
    }
}

static bool read_by_result_or_write(const StepPlan *p, const Tensor *t) {
    if (t == p->obj.loss || t == p->obj.penalty || t == p->obj.total) return true;
    for (int w = 0; w < p->nwrites; w++) if (p->writes[w].value == t) return true;
    return false;
}

/* x @ W' + b then an activation: the sum and the activation in one pass */
static void fuse_bias_activations(StepPlan *p) {
    p->with_activation = arena_alloc(&p->arena, sizeof(int) * (size_t)(p->n + 1));
    p->squared_error = arena_alloc(&p->arena, sizeof(bool) * (size_t)(p->n + 1));
    for (int j = 0; j + 1 < p->n; j++) {
        const PrimCall *add = &p->entries[j].call, *next = &p->entries[j + 1].call;
        if (!p->live[j] || !p->live[j + 1] || !add->out->varies || read_by_result_or_write(p, add->out)) continue;
        bool third = j + 2 < p->n && p->live[j + 2] && readers(p, next->out) == 1 && !read_by_result_or_write(p, next->out);
        if (bias_activation_fusable(add, next) && readers(p, add->out) == 1)
            p->with_activation[j] = 1;
        else if (third && bias_relu_fusable(add, next, &p->entries[j + 2].call) && readers(p, add->out) == 2)
            p->with_activation[j] = 2;
        else if (third && squared_error_fusable(add, next, &p->entries[j + 2].call) && readers(p, add->out) == 1)
            p->with_activation[j] = 2, p->squared_error[j] = true;
        j += p->with_activation[j];
    }
    p->group_last = arena_alloc_raw(&p->arena, sizeof(int) * (size_t)(p->n + 1));
    for (int i = 0; i < p->n; i++) p->group_last[i] = -1;
    for (int j = 0; j < p->n; j++) if (p->with_activation[j]) p->group_last[j + p->with_activation[j]] = j;
}

/* whether entry i's gradient is its own: in a fused group only the last
 * entry's is (not the sum's, nor relu's mask's) */
static bool group_keeps(const StepPlan *p, const bool *in_group, int i) {
    return !p->with_activation[i] && (!in_group[i] || p->group_last[i] >= 0);
}

/* the broadcast of each elementwise op worked out once: the shapes of a
 * replayed step never change */
static void keep_patterns(StepPlan *p) {
    for (int i = 0; i < p->n; i++) prim_keep_pattern(&p->arena, &p->entries[i].call);
}

/* W' and its gradient, as the recording made them, are read by no replayed
 * op (the product reads W with a transpose flag, and adds its gradient to
 * W's): their memory goes back to the system — as much again as W and its
 * gradient — until replay_expose writes them again for the REPL. */
static void release_transposes(StepPlan *p) {
    for (int i = 0; i < p->n; i++) {
        if (!p->transposed[i]) continue;
        Tensor *wt = p->entries[i].call.in[1];
        arena_discard(wt->data, dtype_size(wt->dtype) * (size_t)wt->size);
        if (p->grad_into_w[i] && wt->grad) arena_discard(wt->grad->data, dtype_size(wt->dtype) * (size_t)wt->size);
    }
}

/* The lists a replay walks, from the recorded entries. */
static void build(StepPlan *p, Model *m) {
    Arena *a = &p->arena;
    fuse_transposes(p, p->writes, p->nwrites);
    mark_live(p);
    fuse_bias_activations(p);
    keep_patterns(p);
    p->forward = arena_alloc(a, sizeof(int) * (size_t)(p->n + 1));
    p->backward = arena_alloc(a, sizeof(int) * (size_t)(p->n + 1));
    p->grads = arena_alloc(a, sizeof(Tensor *) * (size_t)(p->n + model_tensors(m, NULL, false) + 1));
    bool *no_grad = arena_alloc(a, sizeof(bool) * (size_t)(p->n + 1));   /* the transposes of grad_into_w */
    for (int i = 0; i < p->n; i++) if (p->grad_into_w[i]) no_grad[p->entries[i].call.in[1]->producer] = true;
    bool *in_group = arena_alloc(a, sizeof(bool) * (size_t)(p->n + 1));   /* with_activation's, the first aside */
    for (int i = 0; i < p->n; i++)
        for (int k = 1; k <= p->with_activation[i]; k++) in_group[i + k] = true;
    for (int i = 0; i < p->n; i++) {
        const PrimCall *c = &p->entries[i].call;
        p->work += tape_op_work(c);
        if (c->out->varies && !p->unwritten[i] && p->live[i] && !in_group[i]) p->forward[p->nforward++] = i;
        if (c->out->grad && !no_grad[i] && p->live[i] && group_keeps(p, in_group, i)) p->grads[p->ngrads++] = c->out->grad;
    }
    for (int i = p->n - 1; i >= 0; i--) {
        const PrimCall *c = &p->entries[i].call;
        if (c->out->requires_grad && c->out->grad && !no_grad[i] && p->live[i] && group_keeps(p, in_group, i))
            p->backward[p->nbackward++] = i;
    }
    p->nparams = model_tensors(m, NULL, false);
    p->params = arena_alloc(a, sizeof(Tensor *) * (size_t)(p->nparams + 1));
    model_tensors(m, p->params, false);
    /* the parameters' gradients are zeroed with the ops', but for those a
     * grad_into_w product writes whole (beta 0: the sums onto zero, as
     * zeroing first and adding would give) */
    for (int k = 0; k < p->nparams; k++) {
        bool written_whole = false;
        for (int i = 0; i < p->n; i++) written_whole |= p->grad_into_w[i] && p->transposed[i] == p->params[k];
        if (!written_whole && p->params[k]->grad) p->grads[p->ngrads++] = p->params[k]->grad;
    }
    release_transposes(p);
}

/* ---- shorter batches --------------------------------------------------- */

static bool has_rows(const StepPlan *p, const bool *rowed, const Tensor *t) {
    return t == p->x || t == p->y || (made_by_entry(p, t) && rowed[t->producer]);
}

/* Whether entry i, whose inputs' rows rowed[] tells, computes on fewer rows
 * what the interpreter would from a batch of that many (its output's rows
 * into rowed[i]): elementwise ops whose other operands broadcast along the
 * rows, products of a batch by a matrix, reductions, softmax row by row,
 * reshapes that keep the rows (-1 first).  An op that mixes rows (a
 * transpose of the batch, a product over the rows, a constant of as many
 * rows) does not. */
static bool fits_rows(const StepPlan *p, bool *rowed, int i) {
    const PrimCall *c = &p->entries[i].call;
    bool any = false;
    for (int k = 0; k < c->nin; k++) any |= has_rows(p, rowed, c->in[k]);
    if (!any) return true;
    const Tensor *out = c->out, *x = c->in[0];
    switch (c->op) {
    case P_MATMUL:
        rowed[i] = true;
        return has_rows(p, rowed, x) && x->ndim == 2 && !has_rows(p, rowed, c->in[1]);
    case P_SUM: case P_MEAN: case P_MAX:
        rowed[i] = c->axis != AXIS_ALL && c->axis != 0;
        return true;
    case P_SOFTMAX:
        rowed[i] = true;
        return x->ndim == 2;
    case P_SOFTMAX_CROSS_ENTROPY:
        return x->ndim == 2 && has_rows(p, rowed, x) && has_rows(p, rowed, c->in[1]);
    case P_RESHAPE: {
        const Tensor *s = c->in[1];
        long long kept_in = 1, kept_out = 1;
        for (int d = 1; d < x->ndim; d++) kept_in *= x->shape[d];
        for (int d = 1; d < out->ndim; d++) kept_out *= out->shape[d];
        rowed[i] = true;
        return has_rows(p, rowed, x) && !s->varies && s->ndim == 1 && tensor_get(s, 0) == -1 && x->ndim >= 2 &&
               out->ndim >= 2 && out->shape[0] == p->rows && kept_in == kept_out;
    }
    case P_TRANSPOSE:
        return false;
    default:                     /* elementwise: the rows line up, the other operands broadcast along them */
        rowed[i] = true;
        for (int k = 0; k < c->nin; k++) {
            const Tensor *t = c->in[k];
            if (has_rows(p, rowed, t) ? t->ndim != out->ndim : t->ndim == out->ndim && t->shape[0] != 1) return false;
        }
        return out->ndim >= 1 && out->shape[0] == p->rows;
    }
}

/* Whether a shorter batch can replay the plan (fits_fewer), and which
 * tensors then change their rows. */
static void fit_rows(StepPlan *p, const StepRecording *rec) {
    Arena *a = &p->arena;
    bool *rowed = arena_alloc(a, sizeof(bool) * (size_t)(p->n + 1));
    bool fits = p->rows >= 2 && !rec->sizes_read && p->ndraws == 0;
    for (int i = 0; i < p->n && fits; i++) fits = fits_rows(p, rowed, i);
    const Tensor *results[3] = { p->obj.loss, p->obj.penalty, p->obj.total };
    for (int r = 0; r < 3 && fits; r++) fits = !results[r] || !has_rows(p, rowed, results[r]);
    for (int w = 0; w < p->nwrites && fits; w++) fits = !has_rows(p, rowed, p->writes[w].value);
    p->now_rows = p->rows;
    p->now_work = p->work;
    if (!fits) return;
    p->fits_fewer = true;
    p->by_rows = arena_alloc(a, sizeof(Tensor *) * (size_t)(2 * p->n + 2));
    p->by_rows[p->nby_rows++] = p->x;
    p->by_rows[p->nby_rows++] = p->y;
    for (int i = 0; i < p->n; i++) {
        Tensor *out = p->entries[i].call.out;
        if (!rowed[i]) continue;
        p->by_rows[p->nby_rows++] = out;
        if (out->grad) p->by_rows[p->nby_rows++] = out->grad;
    }
    p->patterns = arena_alloc(a, sizeof(struct Pattern *) * (size_t)(p->n + 1));
    for (int i = 0; i < p->n; i++) p->patterns[i] = p->entries[i].call.pattern;
}

/* The plan's tensors given `rows` rows: the recorded count, or fewer for a
 * short batch, which then runs without the kept broadcast patterns (worked
 * out on each call, as the interpreter does) and is charged what its ops
 * cost at that size. */
static void set_rows(StepPlan *p, int rows) {
    if (p->now_rows == rows) return;
    for (int k = 0; k < p->nby_rows; k++) {
        Tensor *t = p->by_rows[k];
        t->shape[0] = rows;
        t->size = 1;
        for (int d = 0; d < t->ndim; d++) t->size *= t->shape[d];
    }
    p->now_rows = rows;
    p->now_work = 0;
    for (int i = 0; i < p->n; i++) {
        PrimCall *c = &p->entries[i].call;
        c->pattern = rows == p->rows ? p->patterns[i] : NULL;
        if (c->op == P_SOFTMAX_CROSS_ENTROPY && c->kept) c->kept[0] = rows;   /* its room is for p->rows */
        p->now_work += tape_op_work(c);
    }
}

/* ---- recording ---------------------------------------------------------- */

static Tensor *batch_tensor(Arena *a, const Tensor *src, int rows) {
    int shape[2] = { rows, src->shape[1] };
    return tensor_new_raw(a, src->dtype, 2, shape);
}

static void mark_varying(Model *m, StepPlan *p) {
    for (int i = 0; i < m->nlayers; i++) {
        const Layer *l = &m->layers[i];
        for (int k = 0; k < l->nparams; k++) l->params[k].value->varies = true;
        for (int k = 0; k < l->nstates; k++) l->states[k].value->varies = true;
    }
    p->x->varies = p->y->varies = true;
}

/* What one step is run on. */
typedef struct StepArgs {
    Model        *m;
    const Tensor *x, *y;
    const int    *order;
    int           from, count;
    StepFn        run;
    SrcLoc        loc;
} StepArgs;

/* Runs the step with every op recorded, the evaluator allocating in the
 * plan's arena; on an error gives the evaluator its own arena back. */
static Objective run_recorded(Interp *I, StepPlan *p, const StepArgs *a, StepRecording *rec) {
    Arena statement = I->pass;
    I->pass = (Arena){ 0 };
    EvalMode saved = I->mode;
    DiagHandler h;
    diag_push(&h);
    if (setjmp(h.env) != 0) {
        p->arena = I->pass;
        I->pass = statement;
        I->mode = saved;
        tape_clear(&I->tape);
        diag_throw();
    }
    p->x = batch_tensor(&I->pass, a->x, a->count);
    p->y = batch_tensor(&I->pass, a->y, a->count);
    tensor_gather_rows(p->x, a->x, a->order, a->from);
    tensor_gather_rows(p->y, a->y, a->order, a->from);
    mark_varying(a->m, p);
    *rec = (StepRecording){ .arena = &I->pass };
    I->mode.recording_step = rec;
    I->mode.tape.record_all = true;
    Objective obj = a->run(I, a->m, p->x, p->y, a->loc);
    I->mode = saved;
    diag_pop(&h);
    p->arena = I->pass;
    I->pass = statement;
    return obj;
}

/* --time says when training is slower than it could be, and why (once) */
static void tell(const StepPlan *p, SrcLoc loc) {
    fflush(stdout);
    fprintf(stderr, "time: train (%s:%d) runs every step interpreted, not replayed: the step %s (%s:%d)\n",
            loc.file, loc.line, p->refusal, p->refusal_loc.file, p->refusal_loc.line);
}

/* The step run by the evaluator, recorded into a new plan. */
static Objective record(Interp *I, StepPlans *ps, const StepArgs *a) {
    StepPlan *p = calloc(1, sizeof *p);
    if (!p) diag_out_of_memory(sizeof *p);
    ps->plan[ps->n++] = p;       /* freed with the others, also when the step fails */
    p->rows = a->count;
    p->refusal = "failed";       /* until it has run */
    StepRecording rec;
    Objective obj = p->obj = run_recorded(I, p, a, &rec);
    p->refusal = NULL;
    p->entries = arena_alloc(&p->arena, sizeof(TapeEntry) * (size_t)(I->tape.n + 1));
    memcpy(p->entries, I->tape.entries, sizeof(TapeEntry) * (size_t)I->tape.n);
    p->n = I->tape.n;
    p->writes = rec.writes;
    p->nwrites = rec.nwrites;
    p->draws = rec.draws;
    p->ndraws = rec.ndraws;
    if (rec.refusal) refuse(p, rec.refusal_loc, rec.refusal);
    check_leaves(p, a->m, &I->pass);
    if (!p->refusal) build(p, a->m);
    if (!p->refusal) fit_rows(p, &rec);
    if (!p->refusal && !p->nwrites && !p->ndraws)
        p->tiny = tiny_step_compile(&p->arena, &(TinyPlan){ p->entries, p->n, p->forward, p->backward, p->nforward,
                                                           p->nbackward, p->transposed, p->grad_into_w,
                                                           p->squared_error, p->with_activation, p->group_last,
                                                           p->grads, p->ngrads, p->obj.total, p->scratch });
    if (I->timing && p->refusal && !ps->told) {
        ps->told = true;
        tell(p, a->loc);
    }
    return obj;
}

/* ---- replaying ------------------------------------------------------------ */

static bool plan_current(const StepPlan *p, Model *m) {
    int k = 0;
    for (int i = 0; i < m->nlayers; i++)
        for (int j = 0; j < m->layers[i].nparams; j++, k++)
            if (k >= p->nparams || m->layers[i].params[j].value != p->params[k] || !p->params[k]->grad) return false;
    return k == p->nparams;
}

/* what the evaluator did between ops, up to entry `upto`: state writes and random draws */
static inline void between_ops(StepPlan *p, int *w, int *d, int upto) {
    if (*w >= p->nwrites && *d >= p->ndraws) return;     /* most steps: nothing left to do */
    for (; *w < p->nwrites && p->writes[*w].after <= upto; (*w)++) tensor_copy_into(p->writes[*w].state, p->writes[*w].value);
    for (; *d < p->ndraws && p->draws[*d].after <= upto; (*d)++) random_draw(&p->draws[*d]);
}

static Objective replay(Interp *I, StepPlan *p, const Tensor *x, const Tensor *y, const int *order,
                        int from, SrcLoc loc) {
    budget_charge(p->now_work, loc);
    /* the rows in order: the same as the last step's when it took the same
     * ones (a full batch without shuffle: xor's 4 rows 10,000 times), which
     * nothing writes in between (a plan lives for one train statement) */
    if (order || p->batch_x != x || p->batch_y != y || p->batch_from != from || p->batch_rows != p->now_rows) {
        tensor_gather_rows(p->x, x, order, from);
        tensor_gather_rows(p->y, y, order, from);
        p->batch_x = order ? NULL : x;
        p->batch_y = y;
        p->batch_from = from;
        p->batch_rows = p->now_rows;
    }
    tape_clear(&I->tape);        /* it held the last interpreted step's ops, whose memory has moved on */
    if (p->tiny && p->now_rows == p->rows) {      /* a short batch runs the ops one by one */
        tiny_step_run(p->tiny);
        I->steps_tiny++;
        return p->obj;
    }
    int w = 0, d = 0;
    for (int k = 0; k < p->nforward; k++) {
        int i = p->forward[k];
        between_ops(p, &w, &d, i);
        PrimCall *c = &p->entries[i].call;
        if (p->transposed[i]) matmul_bt_forward(c, p->transposed[i]);
        else if (p->squared_error[i]) squared_error_forward(c, &p->entries[i + 1].call, &p->entries[i + 2].call);
        else if (p->with_activation[i] == 1) bias_activation_forward(c, &p->entries[i + 1].call);
        else if (p->with_activation[i] == 2) bias_relu_forward(c, &p->entries[i + 1].call, &p->entries[i + 2].call);
        else prims[c->op].forward(&p->arena, c, p->entries[i].loc);
    }
    between_ops(p, &w, &d, p->n);
    for (int k = 0; k < p->ngrads; k++) {
        const Tensor *g = p->grads[k];
        zero_bytes(g->data, dtype_size(g->dtype) * (size_t)g->size);
    }
    Tensor *loss = p->obj.total;
    if (loss->requires_grad) {
        tensor_fill(loss->grad, 1);
        for (int k = 0; k < p->nbackward; k++) {
            int i = p->backward[k];
            TapeEntry *e = &p->entries[i];
            if (p->transposed[i]) matmul_bt_backward(&p->arena, &e->call, p->transposed[i], p->grad_into_w[i], p->scratch);
            else if (p->group_last[i] >= 0) {
                int j = p->group_last[i];
                if (p->squared_error[j]) squared_error_backward(&p->arena, &p->entries[j].call, &p->entries[j + 1].call, &e->call);
                else if (p->with_activation[j] == 1) bias_activation_backward(&p->arena, &p->entries[j].call, &e->call);
                else bias_relu_backward(&p->arena, &p->entries[j].call, &p->entries[j + 1].call, &e->call);
            }
            else prims[e->call.op].backward(&p->arena, &e->call);
        }
    }
    return p->obj;
}

Objective replay_step(Interp *I, StepPlans *ps, Model *m, const Tensor *x, const Tensor *y, const int *order,
                      int from, int count, StepFn run, SrcLoc loc) {
    ps->last = NULL;
    StepPlan *p = NULL;
    for (int i = 0; i < ps->n; i++) if (ps->plan[i]->rows == count) p = ps->plan[i];
    for (int i = 0; i < ps->n && !p; i++)      /* a shorter batch: a plan of more rows that fits fewer */
        if (ps->plan[i]->rows > count && ps->plan[i]->fits_fewer) p = ps->plan[i];
    if (p && !p->refusal && plan_current(p, m)) {
        set_rows(p, count);
        ps->last = p;
        I->steps_replayed++;
        return replay(I, p, x, y, order, from, loc);
    }
    I->steps_interpreted++;
    bool may_record = !p && ps->n < 2 && !I->dry_run && !I->interpret_steps;
    if (may_record) return record(I, ps, &(StepArgs){ m, x, y, order, from, count, run, loc });
    Tensor *xb = batch_tensor(&I->pass, x, count), *yb = batch_tensor(&I->pass, y, count);
    tensor_gather_rows(xb, x, order, from);
    tensor_gather_rows(yb, y, order, from);
    return run(I, m, xb, yb, loc);
}

void replay_expose(Interp *I, StepPlans *ps) {
    StepPlan *p = ps->last;
    if (!p) return;
    tape_clear(&I->tape);
    for (int i = 0; i < p->n; i++) {
        PrimCall *c = &p->entries[i].call;
        if (p->unwritten[i] || !p->live[i])     /* as the interpreter has it */
            prims[c->op].forward(&p->arena, c, p->entries[i].loc);
        if (p->with_activation[i] && !p->squared_error[i] && c->out->grad) {   /* the sum's gradient, not kept */
            PrimCall *last = &p->entries[i + p->with_activation[i]].call;
            tensor_fill(c->out->grad, 0);
            if (last->out->grad) prims[last->op].backward(&p->arena, last);
        }
        if (p->grad_into_w[i]) {     /* W'’s gradient, which the replay added to W's instead */
            const Tensor *w = p->transposed[i];
            transpose_matrix(w->dtype, w->grad->data, w->shape[0], w->shape[1], c->in[1]->grad->data, false);
        }
        tape_push(&I->tape, &p->entries[i]);
    }
}

void replay_free(StepPlans *ps) {
    for (int i = 0; i < ps->n; i++) {
        arena_free(&ps->plan[i]->arena);
        free(ps->plan[i]);
    }
    *ps = (StepPlans){ 0 };
}
