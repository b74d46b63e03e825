/* optstep.c — one optimizer update of a model: the optimizer setting's
 * settings bound once (and its schedules called), the states it declares
 * made, and its body run over every parameter — as a fused loop
 * (optcompile.h, optupdate.c) when it compiles, interpreted otherwise — all
 * or nothing, with subnormals flushed.
 * Must not: decide when to update or what a non-finite result means (train.c),
 * or how a body compiles or runs fused (optcompile.c, optupdate.c). */
#include "train/optstep.h"
#include "base/arena.h"
#include "base/diag.h"
#include "base/stack.h"
#include "front/ast.h"
#include "lang/eval.h"
#include "lang/model.h"
#include "tensor/subnormal.h"
#include "tensor/tensor.h"
#include "train/optcompile.h"
#include "train/snapshot.h"
#include <math.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>

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

/* A parameter and its layer, for the diagnostic context of its update. */
typedef struct Updated { Param *p; Layer *l; } Updated;

/* an error in the optimizer's code is the setting's: shown at the `optimizer` line */
static void enter_update(Interp *I, DiagContext ctx[2], StepContext *sc, const Callable *def, SrcLoc loc) {
    ctx[0] = (DiagContext){ loc, describe_step, sc, diag_context };
    ctx[1] = (DiagContext){ I->optimizer.loc, describe_setting, def, &ctx[0] };
    diag_context = &ctx[1];
}

/* The body interpreted once per parameter.  All or nothing: it updates copies
 * of every parameter and its state; they are written back only when it
 * succeeded for all. */
static void interpreted_update(Interp *I, Model *m, const Callable *def, const Value *hyper, Tensor *t,
                               Updated *params, int np, SrcLoc loc) {
    Tensor **value = arena_alloc(&I->pass, sizeof(Tensor *) * (size_t)(np + 1));
    Binding **state = arena_alloc(&I->pass, sizeof(Binding *) * (size_t)(np + 1));
    int *nstate = arena_alloc(&I->pass, sizeof(int) * (size_t)(np + 1));
    DiagHandler failed;
    diag_push(&failed);
    if (setjmp(failed.env) != 0) {
        for (int j = 0; j < np; j++) params[j].p->nstate = nstate[j];   /* state made by this step is forgotten */
        diag_throw();
    }
    for (int j = 0; j < np; j++) nstate[j] = params[j].p->nstate;
    for (int j = 0; j < np; j++) {
        Param *p = params[j].p;
        Frame f = { .arena = &I->pass, .persistent = opt_persistent, .on_state = opt_state, .ctx = p };
        opt_bind_numbers(&f, def, hyper, t);
        value[j] = tensor_copy(&I->pass, p->value);
        frame_set(&f, intern("w"), tensor_value(value[j]));
        frame_set(&f, intern("g"), tensor_value(p->value->grad));
        state[j] = arena_alloc(&I->pass, sizeof(Binding) * (size_t)(p->nstate + 1));
        for (int s = 0; s < p->nstate; s++) {
            state[j][s] = (Binding){ p->state[s].name, tensor_value(tensor_copy(&I->pass, p->state[s].v.t)) };
            frame_set(&f, p->state[s].name, state[j][s].v);
        }
        StepContext sc = { m, params[j].l, p };
        I->mode.updating = p;
        I->mode.updating_layer = params[j].l;
        DiagContext ctx[2];
        enter_update(I, ctx, &sc, def, loc);
        exec_block(I, &f, def->node->a);
        diag_context = ctx[0].prev;
    }
    diag_pop(&failed);
    for (int j = 0; j < np; j++) {
        tensor_copy_into(params[j].p->value, value[j]);
        for (int s = 0; s < nstate[j]; s++) tensor_copy_into(params[j].p->state[s].v.t, state[j][s].v.t);
    }
}

/* The body as a fused loop (optcompile.h), its number part run in the
 * context of the first parameter's update, where the interpreter would fail
 * first.  Nothing to undo on failure: the number part runs before any write. */
static bool fused_update(Interp *I, Model *m, const Callable *def, const Value *hyper, struct Snapshot *before,
                         SrcLoc loc, bool *weights_finite) {
    *weights_finite = false;
    if (I->interpret_optimizer) return false;
    int first = 0;
    while (first < m->nlayers && m->layers[first].nparams == 0) first++;
    if (first == m->nlayers) return false;
    StepContext sc = { m, &m->layers[first], &m->layers[first].params[0] };
    DiagContext ctx[2];
    enter_update(I, ctx, &sc, def, loc);
    UpdateCopies copies = { 0 };
    if (before) copies.n = snapshot_pending_copies(before, &copies.from, &copies.to);
    bool done = opt_fused_update(I, opt_program(I, def), hyper, m->steps, m, copies.n ? &copies : NULL, weights_finite);
    diag_context = ctx[0].prev;
    if (done && before) before->weights_later = false;     /* the update made the copies */
    return done;
}

/* The settings of an optimizer setting: bound (bind_all) on its first update
 * and kept in perm for the updates after, so that an update binds nothing.
 * Each `optimizer` statement makes a new setting (setting_function), which
 * is bound afresh.  A setting with a default that is not a constant (it may
 * read a global, which may change between updates) is bound on every
 * update, in the pass arena, and so is every setting when the tests ask for
 * interpreted updates: those are what the fused ones are compared with.
 * `now` is one update's values: the bound ones with every schedule called. */
typedef struct BoundSettings {
    const Callable *opt;
    Value *bound, *now;
    bool   schedules;          /* a setting is a function: `now` differs from `bound` */
    int    lr_at, decay_at;    /* which settings are lr and decay (update_lr), -1 for none */
} BoundSettings;

static bool constant_expr(const Node *n) {
    if (n) stack_guard(n->loc);       /* the walk nests as deep as the code */
    switch (n->kind) {
    case N_NUM: case N_BOOL: case N_STR: return true;
    case N_NEG: return constant_expr(n->a);
    case N_BINARY: return constant_expr(n->a) && constant_expr(n->b);
    default: return false;
    }
}

/* whether every default bind_all evaluates for the parameters opt leaves unset is a constant */
static bool defaults_constant(const Callable *opt, const Callable *def) {
    for (int h = 0; h < def->nparams; h++) {
        bool given = false;
        for (int k = 0; opt->kind == C_PARTIAL && k < opt->nbound; k++) given |= opt->bound[k].name == def->param_names[h];
        const Node *d = def->param_defaults[h];
        if (!given && d && d != &optional_param && !constant_expr(d)) return false;
    }
    return true;
}

static BoundSettings *bound_settings(Interp *I, const Callable *opt, const Callable *def) {
    BoundSettings *s = I->optimizer_settings;
    if (s && s->opt == opt && !I->interpret_optimizer) return s;
    Value *bound = bind_all(I, def, NULL, 0, opt->kind == C_PARTIAL ? opt->bound : NULL,
                            opt->kind == C_PARTIAL ? opt->nbound : 0, I->optimizer.loc);
    bool keep = !I->interpret_optimizer && defaults_constant(opt, def);
    Arena *a = keep ? &I->perm : &I->pass;
    s = arena_alloc(a, sizeof *s);
    s->bound = arena_alloc(a, sizeof(Value) * (size_t)(def->nparams + 1));
    s->now = arena_alloc(a, sizeof(Value) * (size_t)(def->nparams + 1));
    static const char *lr_name, *decay_name;      /* interned once: names live as long as the process */
    if (!lr_name) { lr_name = intern("lr"); decay_name = intern("decay"); }
    s->lr_at = s->decay_at = -1;
    for (int h = 0; h < def->nparams; h++) {
        s->bound[h] = keep ? persist_value(I, bound[h]) : bound[h];
        s->schedules |= s->bound[h].kind == V_FUNC;
        if (def->param_names[h] == lr_name) s->lr_at = h;
        if (def->param_names[h] == decay_name) s->decay_at = h;
    }
    if (keep) {
        s->opt = opt;
        I->optimizer_settings = s;
    }
    return s;
}

/* the learning rate an update uses: the `lr` setting (after its schedule),
 * divided by 1 + decay·t with a `decay` setting (Keras' decay, as the stdlib's
 * optimizers apply it); NAN without an `lr` setting */
static double update_lr(const Model *m, const BoundSettings *s, const Value *hyper) {
    double lr = NAN, decay = 0;
    const Value *v = s->lr_at >= 0 ? &hyper[s->lr_at] : NULL;
    if (v && v->kind == V_TENSOR && v->t->size == 1) lr = tensor_get(v->t, 0);
    v = s->decay_at >= 0 ? &hyper[s->decay_at] : NULL;
    if (v && v->kind == V_TENSOR && v->t->size == 1) decay = tensor_get(v->t, 0);
    return lr / (1 + decay * (double)m->steps);
}

/* What a state starts as when that is one number known before the update: a
 * number literal (sgd's `state v = 0`), or a setting that is one number
 * (adagrad's `state acc = initial_accumulator_value`); else false. */
static bool state_start(const Callable *def, const Value *hyper, const Node *init, double *start) {
    if (init->kind == N_NUM) { *start = init->num; return true; }
    if (init->kind != N_NAME) return false;
    for (int h = 0; h < def->nparams; h++)
        if (def->param_names[h] == init->name) {
            if (hyper[h].kind != V_TENSOR || hyper[h].t->size != 1) return false;
            *start = tensor_get(hyper[h].t, 0);
            return true;
        }
    return false;
}

/* Before the first update of a compiled body, the states it declares are
 * made as its `state` statements would make them (opt_state), when each
 * starts as one number and has a name of its own: that update is then fused
 * too, and the first step (the check pass's only one) allocates no copy of
 * the model and no temporaries the size of a parameter (with H = 2048, the
 * interpreted first update peaked at 100 MB above the model).  False, having
 * made nothing, otherwise: the interpreted update makes them, as always. */
static bool make_states_first(Interp *I, Model *m, const Callable *def, const Value *hyper) {
    int nparams = 0;
    for (int i = 0; i < m->nlayers; i++)       /* first: every later update returns here */
        for (int k = 0; k < m->layers[i].nparams; k++, nparams++)
            if (m->layers[i].params[k].nstate) return false;
    if (!nparams || I->interpret_optimizer || I->mode.watch || opt_program_refusal(opt_program(I, def), NULL))
        return false;
    const Node *body = def->node->a;
    int nstates = 0;
    for (int i = 0; i < body->kids.n; i++) {
        const Node *s = body->kids.items[i];
        for (int k = 0; s->kind == N_STATE && k < s->kids.n; k++, nstates++) {
            const Node *kv = s->kids.items[k];
            double start;
            if (!state_start(def, hyper, kv->a, &start)) return false;
            if (kv->name == intern("w") || kv->name == intern("g") || kv->name == intern("t")) return false;
            for (int h = 0; h < def->nparams; h++) if (def->param_names[h] == kv->name) return false;
            for (int j = 0; j < i; j++)          /* declared twice: the interpreter says so */
                for (int q = 0; body->kids.items[j]->kind == N_STATE && q < body->kids.items[j]->kids.n; q++)
                    if (body->kids.items[j]->kids.items[q]->name == kv->name) return false;
            for (int q = 0; q < k; q++) if (s->kids.items[q]->name == kv->name) return false;
        }
    }
    if (!nstates) return false;
    for (int i = 0; i < m->nlayers; i++)
        for (int k = 0; k < m->layers[i].nparams; k++) {
            Param *p = &m->layers[i].params[k];
            p->state = arena_alloc(&I->perm, sizeof(Binding) * (size_t)nstates);
            for (int b = 0; b < body->kids.n; b++) {
                const Node *s = body->kids.items[b];
                for (int q = 0; s->kind == N_STATE && q < s->kids.n; q++) {
                    double start = 0;
                    state_start(def, hyper, s->kids.items[q]->a, &start);
                    Tensor *st = tensor_like(&I->perm, p->value);
                    tensor_fill(st, start);
                    p->state[p->nstate++] = (Binding){ s->kids.items[q]->name, tensor_value(st) };
                }
            }
        }
    return true;
}

/* the states make_states_first made, forgotten when their update failed (as
 * the interpreted update forgets the ones it made) */
static void forget_states(Model *m) {
    for (int i = 0; i < m->nlayers; i++)
        for (int k = 0; k < m->layers[i].nparams; k++) m->layers[i].params[k].nstate = 0;
}

/* What one update is given: optimizer_step's arguments and settings. */
typedef struct UpdateArgs {
    Interp          *I;
    Model           *m;
    const Callable  *def;
    const Value     *hyper;
    struct Snapshot *before;
    SrcLoc           loc;
} UpdateArgs;

/* the update itself, fused or interpreted */
static bool update_parameters(const UpdateArgs *a) {
    Interp *I = a->I;
    Model *m = a->m;
    bool weights_finite;
    if (fused_update(I, m, a->def, a->hyper, a->before, a->loc, &weights_finite)) {
        I->updates_fused++;
        return weights_finite;
    }
    if (a->before) snapshot_copy_weights(a->before);
    Tensor *t = new_scalar(I, (double)m->steps);
    int np = 0;
    for (int i = 0; i < m->nlayers; i++) np += m->layers[i].nparams;
    Updated *params = arena_alloc(&I->pass, sizeof(Updated) * (size_t)(np + 1));
    np = 0;
    for (int i = 0; i < m->nlayers; i++)
        for (int k = 0; k < m->layers[i].nparams; k++) params[np++] = (Updated){ &m->layers[i].params[k], &m->layers[i] };
    interpreted_update(I, m, a->def, a->hyper, t, params, np, a->loc);
    I->updates_interpreted++;
    return false;
}

bool optimizer_step(Interp *I, Model *m, struct Snapshot *before, SrcLoc loc) {
    const Callable *opt = I->optimizer.fn;
    const Callable *def = opt->kind == C_PARTIAL ? opt->base : opt;
    if (m->state_owner != opt) {        /* each `optimizer` statement starts afresh: state and t */
        for (int i = 0; i < m->nlayers; i++)
            for (int k = 0; k < m->layers[i].nparams; k++) m->layers[i].params[k].nstate = 0;
        m->state_owner = opt;
        m->steps = m->epochs = 0;
    }
    BoundSettings *settings = bound_settings(I, opt, def);
    EvalMode saved = I->mode;
    I->mode.tape.recording = false;
    Value *hyper = settings->schedules ? settings->now : settings->bound;   /* no schedule: as bound */
    for (int h = 0; settings->schedules && h < def->nparams; h++) {
        Value v = settings->bound[h];
        hyper[h] = v.kind == V_FUNC ? schedule_value(I, m, v, def->param_names[h]) : v;
    }
    m->last_lr = update_lr(m, settings, hyper);
    UpdateArgs args = { I, m, def, hyper, before, loc };
    const UpdateArgs *volatile a = &args;      /* in memory: read after the setjmp below */
    DiagHandler failed;
    bool fresh = make_states_first(I, m, def, hyper);
    SubnormalMode mode = subnormals_flushed();   /* for the update, fused or interpreted: subnormal.h */
    diag_push(&failed);
    if (setjmp(failed.env) != 0) {
        subnormals_restored(mode);
        if (fresh) forget_states(a->m);
        diag_throw();
    }
    bool weights_finite = update_parameters(a);
    diag_pop(&failed);
    subnormals_restored(mode);
    a->I->mode = saved;
    a->m->steps++;
    return weights_finite;
}
