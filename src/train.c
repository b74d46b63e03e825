/* train.c — settings (init, loss, optimizer), the loss with its fusion rule,
 * the optimizer update, and the statements that run passes: train, backward,
 * evaluate.  Must not: know how a layer computes (model.c) or how an op
 * differentiates (prims.c). */
#include "curve.h"
#include "diagnose.h"
#include "trace.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ---- settings ------------------------------------------------------------ */

static const char *setting_what(int kind) {
    return kind == SETTING_INIT ? "initialiser" : kind == SETTING_LOSS ? "loss" : "optimizer";
}

/* The function an `init`, `loss` or `optimizer` setting names (n is an
 * N_SETTING: in a statement, or a layer's own `init`), with its settings fixed
 * by partial application, kept beyond the statement. */
const Callable *setting_function(Interp *I, const Node *n) {
    const Node *callee = n->a->kind == N_CALL ? n->a->a : n->a;
    const char *what = setting_what(n->op);
    Value *v = global_find(I, callee->name);
    int want = n->op == SETTING_OPTIMIZER ? C_OPTIMIZER : C_DEF;
    bool ok = v && v->kind == V_FUNC &&
              (n->op == SETTING_OPTIMIZER ? v->fn->kind == C_OPTIMIZER
                                          : v->fn->kind != C_OPTIMIZER && v->fn->kind != C_LAYER);
    if (!ok) {
        const char *s = suggest(I, NULL, callee->name, want);
        if (v) fail_at(callee->loc, "'%s' is %s, not %s %s", callee->name, value_kind_name(*v),
                       n->op == SETTING_INIT ? "an" : "a", what);
        if (s) fail_at(callee->loc, "unknown %s '%s'; did you mean '%s'?", what, callee->name, s);
        fail_at(callee->loc, "unknown %s '%s'", what, callee->name);
    }
    const Callable *fn = v->fn;
    if (n->a->kind == N_CALL) {
        int k = n->a->kids.n;
        Binding *kw = arena_alloc(&I->pass, sizeof(Binding) * (size_t)(k + 1));
        for (int i = 0; i < k; i++) {
            const Node *a = n->a->kids.items[i];
            if (a->kind != N_KWARG)
                fail_at(a->loc, "give the %s's settings by name, like %s(lr=0.1)", what, callee->name);
            kw[i] = (Binding){ a->name, eval_expr(I, NULL, a->a) };
        }
        fn = partial_apply(I, fn, kw, k, n->a->loc);
    } else if (n->op == SETTING_OPTIMIZER) {
        fn = partial_apply(I, fn, NULL, 0, n->a->loc);   /* a new setting: fresh state */
    }
    return persist_value(I, (Value){ .kind = V_FUNC, .fn = fn }).fn;
}

void exec_setting(Interp *I, const Node *n) {
    Setting s = { .fn = setting_function(I, n), .loc = n->loc, .set = true };
    if (n->op == SETTING_INIT) I->init = s;
    else if (n->op == SETTING_LOSS) I->loss = s;
    else I->optimizer = s;
}

/* ---- one pass -------------------------------------------------------------- */

Dataset *find_data(Interp *I, const char *name, SrcLoc loc) {
    Value *v = global_find(I, name);
    if (v && v->kind == V_DATA) return data_one(v->data, loc);
    if (v) fail_at(loc, "'%s' is %s, not a data set", name, value_kind_name(*v));
    fail_at(loc, "unknown data set '%s'", name);
}

Model *find_model(Interp *I, const char *name, SrcLoc loc) {
    Value *v = global_find(I, name);
    if (v && v->kind == V_MODEL) return v->model;
    if (v) fail_at(loc, "'%s' is %s, not a model", name, value_kind_name(*v));
    fail_at(loc, "unknown model '%s'", name);
}

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

void need_setting(Setting *s, const char *stmt, const char *example, SrcLoc loc) {
    if (!s->set) fail_at(loc, "'%s' needs %s first", stmt, example);
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

static Tensor *rows_of(Interp *I, const Tensor *src, const int *idx, int from, int count) {
    int shape[2] = { count, src->shape[1] }, w = src->shape[1];
    Tensor *t = tensor_new(&I->pass, src->dtype, 2, shape);
    size_t row_bytes = dtype_size(src->dtype) * (size_t)w;
    for (int r = 0; r < count; r++)
        memcpy((char *)t->data + row_bytes * (size_t)r,
               (const char *)src->data + row_bytes * (size_t)(idx ? idx[from + r] : from + r), row_bytes);
    return t;
}

/* forward + loss + backward on one batch; returns the loss */
double train_pass(Interp *I, Model *m, Tensor *x, Tensor *y, bool backward, SrcLoc loc) {
    tape_clear(&I->tape);
    EvalMode saved = I->mode;
    I->mode.tape.recording = backward;
    if (backward) model_zero_grad(m);
    Tensor *out = model_forward(I, m, x, loc);
    Tensor *c = compute_loss(I, out, y, loc);
    if (backward) tape_backward(&I->tape, c);
    I->mode = saved;
    return tensor_get(c, 0);
}

/* ---- the optimizer update --------------------------------------------------- */

static bool opt_persistent(Frame *f, const char *name) {
    Param *p = f->ctx;
    if (name == intern("w")) return true;
    for (int i = 0; i < p->nstate; i++) if (p->state[i].name == name) return true;
    return false;
}

static void opt_state(Interp *I, Frame *f, const Node *s) {
    Param *p = f->ctx;
    for (int i = 0; i < s->kids.n; i++) {
        const Node *kv = s->kids.items[i];
        bool created = false;                           /* on an earlier step */
        for (int k = 0; k < p->nstate; k++) created |= p->state[k].name == kv->name;
        if (created) continue;
        if (frame_find(f, kv->name))
            fail_at(kv->loc, "state '%s' has the name of a setting or of w, g or t", kv->name);
        Tensor *init = expect_tensor(eval_expr(I, f, kv->a), kv->a->loc, kv->name);
        Tensor *st = tensor_like(&I->perm, p->value);
        if (init->size == 1) tensor_fill(st, tensor_get(init, 0));
        else if (tensor_same_shape(init, st)) tensor_copy_into(st, init);
        else fail_at(kv->a->loc, "state '%s' starts with shape %s but the parameter has shape %s",
                     kv->name, shape_str(init), shape_str(st));
        p->state = arena_grow(&I->perm, p->state, sizeof(Binding) * (size_t)p->nstate,
                              sizeof(Binding) * (size_t)(p->nstate + 1));
        p->state[p->nstate++] = (Binding){ kv->name, tensor_value(st) };
        frame_set(f, kv->name, tensor_value(st));
    }
}

typedef struct StepContext { const Model *m; const Layer *l; const Param *p; } StepContext;

static void describe_step(FILE *out, const void *arg) {
    const StepContext *s = arg;
    fprintf(out, "in the optimizer's update of %s.%d.%s", s->m->name, s->l->index, s->p->name);
}

/* A setting given as a function is a schedule: called with t and/or epoch
 * (whichever it has parameters for), it gives the setting for this update. */
static Value schedule_value(Interp *I, const Model *m, Value fn, const char *setting) {
    const char *names[2] = { intern("t"), intern("epoch") };
    double counts[2] = { (double)m->steps, (double)m->epochs };
    Binding kw[2];
    int nkw = 0;
    for (int i = 0; i < 2; i++)
        for (int j = 0; j < fn.fn->nparams; j++)
            if (fn.fn->param_names[j] == names[i]) kw[nkw++] = (Binding){ names[i], tensor_value(new_scalar(I, counts[i])) };
    SrcLoc loc = I->optimizer.loc;
    Value v = call_value(I, fn, NULL, 0, kw, nkw, loc);
    if (v.kind != V_TENSOR || v.t->size != 1)
        fail_at(loc, "the schedule for '%s' must give a single number for each update, not %s", setting,
                v.kind == V_TENSOR ? shape_str(v.t) : value_kind_name(v));
    return v;
}

static void describe_setting(FILE *out, const void *arg) {
    fprintf(out, "with the optimizer '%s' as set here", ((const Callable *)arg)->name);
}

void optimizer_step(Interp *I, Model *m, SrcLoc loc) {
    const Callable *opt = I->optimizer.fn;
    const Callable *def = opt->kind == C_PARTIAL ? opt->base : opt;
    if (m->state_owner != opt) {        /* each `optimizer` statement starts afresh: state and t */
        for (int i = 0; i < m->nlayers; i++)
            for (int k = 0; k < m->layers[i].nparams; k++) m->layers[i].params[k].nstate = 0;
        m->state_owner = opt;
        m->steps = m->epochs = 0;
    }
    Value *hyper = bind_all(I, def, NULL, 0, opt->kind == C_PARTIAL ? opt->bound : NULL,
                            opt->kind == C_PARTIAL ? opt->nbound : 0, I->optimizer.loc);
    EvalMode saved = I->mode;
    I->mode.tape.recording = false;
    for (int h = 0; h < def->nparams; h++)
        if (hyper[h].kind == V_FUNC) hyper[h] = schedule_value(I, m, hyper[h], def->param_names[h]);
    Tensor *t = new_scalar(I, (double)m->steps);
    /* All or nothing: the body updates copies of every parameter and its
     * state; they are written back only when it succeeded for all. */
    int np = 0;
    for (int i = 0; i < m->nlayers; i++) np += m->layers[i].nparams;
    Param **params = arena_alloc(&I->pass, sizeof(Param *) * (size_t)(np + 1));
    Tensor **value = arena_alloc(&I->pass, sizeof(Tensor *) * (size_t)(np + 1));
    Binding **state = arena_alloc(&I->pass, sizeof(Binding *) * (size_t)(np + 1));
    int *nstate = arena_alloc(&I->pass, sizeof(int) * (size_t)(np + 1));
    np = 0;
    for (int i = 0; i < m->nlayers; i++)
        for (int k = 0; k < m->layers[i].nparams; k++, np++) params[np] = &m->layers[i].params[k];
    DiagHandler failed;
    diag_push(&failed);
    if (setjmp(failed.env) != 0) {
        for (int j = 0; j < np; j++) params[j]->nstate = nstate[j];   /* state made by this step is forgotten */
        diag_throw();
    }
    for (int j = 0; j < np; j++) nstate[j] = params[j]->nstate;
    for (int i = 0, j = 0; i < m->nlayers; i++)
        for (int k = 0; k < m->layers[i].nparams; k++, j++) {
            Param *p = &m->layers[i].params[k];
            Frame f = { .arena = &I->pass, .persistent = opt_persistent, .on_state = opt_state, .ctx = p };
            for (int h = 0; h < def->nparams; h++) frame_set(&f, def->param_names[h], hyper[h]);
            value[j] = tensor_copy(&I->pass, p->value);
            frame_set(&f, intern("w"), tensor_value(value[j]));
            frame_set(&f, intern("g"), tensor_value(p->value->grad));
            frame_set(&f, intern("t"), tensor_value(t));
            state[j] = arena_alloc(&I->pass, sizeof(Binding) * (size_t)(p->nstate + 1));
            for (int s = 0; s < p->nstate; s++) {
                state[j][s] = (Binding){ p->state[s].name, tensor_value(tensor_copy(&I->pass, p->state[s].v.t)) };
                frame_set(&f, p->state[s].name, state[j][s].v);
            }
            StepContext sc = { m, &m->layers[i], p };
            I->mode.updating = p;
            I->mode.updating_layer = &m->layers[i];
            /* an error in the optimizer's code is the setting's: shown at the `optimizer` line */
            DiagContext ctx = { loc, describe_step, &sc, diag_context };
            DiagContext set = { I->optimizer.loc, describe_setting, def, &ctx };
            diag_context = &set;
            exec_block(I, &f, def->node->a);
            diag_context = ctx.prev;
        }
    diag_pop(&failed);
    for (int j = 0; j < np; j++) {
        tensor_copy_into(params[j]->value, value[j]);
        for (int s = 0; s < nstate[j]; s++) tensor_copy_into(params[j]->state[s].v.t, state[j][s].v.t);
    }
    I->mode = saved;
    m->steps++;
}

volatile sig_atomic_t nnl_interrupt, nnl_training;

/* ---- statements ------------------------------------------------------------ */

/* A non-finite loss or parameter stops training; curve.c adds notes on where
 * it first appeared and why (`first`: this statement's first history entry). */
static void check_finite(Interp *I, Model *m, double loss, int epoch, int batch, int first, SrcLoc loc) {
    if (!isfinite(loss)) {
        diag_error(loc, "the loss became %s at epoch %d, batch %d; try a smaller learning rate",
                   isnan(loss) ? "NaN" : "infinite", epoch, batch);
        curve_overflow_notes(I, m, first, epoch, loc);
        diag_throw();
    }
    for (int i = 0; i < m->nlayers; i++)
        for (int k = 0; k < m->layers[i].nparams; k++) {
            Tensor *w = m->layers[i].params[k].value;
            for (int j = 0; j < w->size; j++)
                if (!isfinite(tensor_get(w, j))) {
                    diag_error(loc, "parameter %s.%d.%s became %s at epoch %d, batch %d; try a smaller learning rate",
                               m->name, i + 1, m->layers[i].params[k].name,
                               isnan(tensor_get(w, j)) ? "NaN" : "infinite", epoch, batch);
                    curve_overflow_notes(I, m, first, epoch, loc);
                    diag_throw();
                }
        }
}

typedef struct TrainOptions { int epochs, batch; bool shuffle; int every; } TrainOptions;   /* every: see progress_due */

/* `log every N`: progress every N epochs; 0 for none */
static int log_every(Interp *I, const Node *kv, Value v) {
    double every = expect_number(I, v, kv->a->loc, "log every");
    if (kv->label != intern("every") || every != floor(every) || every < 0 || every > 1e9)
        fail_at(kv->loc, "write 'log every N': progress every N epochs (a whole number; 0 for none)");
    return every == 0 ? -1 : (int)every;
}

static TrainOptions train_options(Interp *I, const Node *n, int rows) {
    TrainOptions o = { 1, rows, true, 0 };
    static const char *known[] = { "epochs", "batch", "shuffle", "log" };
    for (int i = 0; i < n->kids.n; i++) {
        const Node *kv = n->kids.items[i];
        for (int j = 0; j < i; j++)
            if (n->kids.items[j]->name == kv->name) fail_at(kv->loc, "training option '%s' is given twice", kv->name);
        Value v = eval_expr(I, NULL, kv->a);
        if (strcmp(kv->name, "epochs") == 0) o.epochs = expect_count(I, v, kv->a->loc, "epochs");
        else if (strcmp(kv->name, "batch") == 0) o.batch = expect_count(I, v, kv->a->loc, "the batch size");
        else if (strcmp(kv->name, "shuffle") == 0) o.shuffle = expect_number(I, v, kv->a->loc, "shuffle") != 0;
        else if (strcmp(kv->name, "log") == 0) o.every = log_every(I, kv, v);
        else {
            for (int k = 0; k < 4; k++)
                if (levenshtein(kv->name, known[k]) <= 2)
                    fail_at(kv->loc, "unknown training option '%s'; did you mean '%s'?", kv->name, known[k]);
            fail_at(kv->loc, "unknown training option '%s'; the options are epochs, batch, shuffle and log every", kv->name);
        }
    }
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

void exec_train(Interp *I, const Node *n) {
    Model *m;
    Dataset *d;
    model_on_data(I, n, "train", &m, &d);
    need_setting(&I->optimizer, "train", "an optimizer: add e.g. 'optimizer sgd(lr=0.1)'", n->loc);
    int rows = d->x->shape[0];
    TrainOptions o = train_options(I, n, rows);
    model_ensure_initialised(I, m);
    if (rows > I->order_cap) {
        free(I->order);
        I->order = malloc(sizeof(int) * (size_t)rows);
        if (!I->order) { I->order_cap = 0; diag_out_of_memory(sizeof(int) * (size_t)rows); }
        I->order_cap = rows;
    }
    int *order = I->order;
    for (int i = 0; i < rows; i++) order[i] = i;
    bool shuffle = o.shuffle && o.batch < rows;    /* full batch never depends on order */
    int first = history_begin(I, m);
    nnl_interrupt = 0;
    nnl_training = 1;
    for (int e = 1; e <= o.epochs; e++) {
        if (shuffle)
            for (int i = rows - 1; i > 0; i--) {
                int j = rng_below(&I->rng, i + 1), tmp = order[i];
                order[i] = order[j]; order[j] = tmp;
            }
        double total = 0;
        int batch_no = 0;
        for (int from = 0; from < rows; from += o.batch) {
            int count = rows - from < o.batch ? rows - from : o.batch;
            arena_reset(&I->pass);
            Tensor *xb = rows_of(I, d->x, order, from, count), *yb = rows_of(I, d->y, order, from, count);
            double loss = train_pass(I, m, xb, yb, true, n->loc);
            batch_no++;
            if (m->steps == 0) initial_loss_check(I, m, d, loss, n->loc);
            check_finite(I, m, loss, e, batch_no, first, n->loc);
            optimizer_step(I, m, n->loc);
            if (I->trace && I->trace->model == m) I->trace->stale = true;   /* the weights moved on */
            check_finite(I, m, loss, e, batch_no, first, n->loc);
            total += loss * count;
            /* the check pass: the first step shows every shape and name works,
             * and the last, shorter batch (if any) that its size does too */
            int last = rows - (rows % o.batch ? rows % o.batch : o.batch);
            if (I->dry_run && from < last) { from = last - o.batch; continue; }
            if (I->dry_run) { nnl_training = 0; return; }
            if (nnl_interrupt) {
                nnl_training = nnl_interrupt = 0;
                I->interrupted = true;
                fprintf(I->out, "interrupted: training stopped after epoch %d, batch %d; the weights and "
                                "optimizer state are kept (%ld updates made)\n", e, batch_no, m->steps);
                fflush(I->out);
                return;
            }
        }
        m->epochs++;
        history_add(I, m, total / rows, NAN);
        if (progress_due(I, e, o.epochs, o.every))
            fprintf(I->out, "epoch %*d/%d  loss %.6g\n", (int)snprintf(NULL, 0, "%d", o.epochs), e, o.epochs,
                    total / rows);
        fflush(I->out);         /* a log of a run that is stopped keeps its progress */
    }
    nnl_training = 0;
    curve_report(I, m, first);
}

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

/* backward and forward record a trace (trace.h) that the REPL can step */
static void record_pass(Interp *I, const Node *n, bool backward) {
    const char *stmt = backward ? "backward" : "forward";
    Model *m;
    Tensor *x, *y = NULL;
    if (n->label) {
        Dataset *d;
        model_on_data(I, n, stmt, &m, &d);
        x = d->x;
        y = backward ? d->y : NULL;
    } else {
        m = find_model(I, n->name, n->loc);
        if (backward) need_setting(&I->loss, stmt, "a loss: add 'loss mse' or 'loss cross_entropy'", n->loc);
        pass_operands(I, n, m, &x, &y);
    }
    Trace *t = trace_record(I, m, x, y, n->loc);
    if (I->dry_run) return;
    if (backward) fprintf(I->out, "loss = %.9g\n", tensor_get(t->loss, 0));
    else { print_value(I, I->out, tensor_value(t->out)); fputc('\n', I->out); }
    if (I->interactive) trace_announce(I, t);
}

void exec_backward(Interp *I, const Node *n) { record_pass(I, n, true); }
void exec_forward_pass(Interp *I, const Node *n) { record_pass(I, n, false); }

/* What evaluate and predict run: the model on x, nothing recorded for a backward pass. */
Tensor *model_outputs(Interp *I, Model *m, Tensor *x, SrcLoc loc) {
    EvalMode saved = I->mode;
    I->mode.tape.recording = false;
    Tensor *out = model_forward(I, m, x, loc);
    I->mode = saved;
    return out;
}

void exec_evaluate(Interp *I, const Node *n) {
    Model *m;
    Dataset *d;
    model_on_data(I, n, "evaluate", &m, &d);
    Tensor *out = model_outputs(I, m, d->x, n->loc);
    EvalMode saved = I->mode;
    I->mode.tape.recording = false;
    Tensor *c = compute_loss(I, out, d->y, n->loc);
    I->mode = saved;
    if (!I->dry_run) report_evaluation(I->out, out, d, tensor_get(c, 0));
}
