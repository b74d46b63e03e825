/* model.c — models: expanding each `dense 2 sigmoid` line into a layer built
 * from its nnl definition, inferring every parameter's and state's shape
 * before anything runs, initialising them, and running the layers forward in
 * the evaluator's mode (training or evaluation; keeping the state a forward
 * writes or not).  Must not: compute losses or update parameters (train.c). */
#include "base/stack.h"
#include "autodiff/tape.h"
#include "base/arena.h"
#include "base/diag.h"
#include "front/ast.h"
#include "lang/eval.h"
#include "lang/model.h"
#include "lang/settings.h"
#include "tensor/rng.h"
#include "tensor/tensor.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>

static Value scalar_value(Interp *I, double v) { return tensor_value(new_scalar(I, v)); }

/* The frame a layer's code runs in: `training`, constructor arguments,
 * `in`, parameters and state. */
static void layer_frame(Interp *I, Layer *l, Frame *f) {
    *f = (Frame){ .arena = &I->pass };
    frame_set(f, intern("training"), scalar_value(I, I->mode.training));
    for (int i = 0; i < l->nargs; i++) frame_set(f, l->args[i].name, l->args[i].v);
    frame_set(f, intern("in"), scalar_value(I, l->in_dim));
    for (int i = 0; i < l->nparams; i++) frame_set(f, l->params[i].name, tensor_value(l->params[i].value));
    for (int i = 0; i < l->nstates; i++) frame_set(f, l->states[i].name, tensor_value(l->states[i].value));
}

static const Node *layer_forward_node(const Layer *l) {
    const Node *body = l->def->node->a;
    for (int i = 0; i < body->kids.n; i++)
        if (body->kids.items[i]->kind == N_FORWARD) return body->kids.items[i];
    return NULL;
}

static void describe_layer(FILE *out, const void *arg) {
    const Layer *l = arg;
    fprintf(out, "in layer %d (%s) of model '%s'", l->index, l->def->name, l->model->name);
}

/* a replay of this step must write the state here too, after the ops so far */
static void note_state_write(Interp *I, Tensor *state, Tensor *value) {
    StepRecording *r = I->mode.recording_step;
    if (!r) return;
    if (r->nwrites == r->cap_writes) {
        int grown = r->cap_writes ? 2 * r->cap_writes : 8;
        r->writes = arena_grow(r->arena, r->writes, sizeof *r->writes * (size_t)r->nwrites,
                               sizeof *r->writes * (size_t)grown);
        r->cap_writes = grown;
    }
    r->writes[r->nwrites++] = (StateWrite){ state, value, I->tape.n };
}

/* What a forward left in its state names (a state name is a local that
 * starts as the stored state).  Written back when the mode says so (train);
 * otherwise only handed to the tape, so that a recorded pass can apply them
 * later (the REPL's `update`). */
static Tensor **state_after(Interp *I, Layer *l, Frame *f) {
    if (l->nstates == 0) return NULL;
    Tensor **after = arena_alloc(&I->pass, sizeof(Tensor *) * (size_t)l->nstates);
    for (int k = 0; k < l->nstates; k++) {
        Param *st = &l->states[k];
        Tensor *v = expect_tensor(*frame_find(f, st->name), st->loc, st->name);
        if (v->size == 1 && !tensor_same_shape(v, st->value)) {   /* a number fills it */
            not_replayable(I, v, st->loc, "fills a layer's state with a number that changes every step");
            Tensor *filled = tensor_like(&I->pass, st->value);
            tensor_fill(filled, tensor_get(v, 0));
            v = filled;
        }
        if (!tensor_same_shape(v, st->value))
            fail_at(st->loc, "the forward of layer %d (%s) leaves state '%s' with shape %s; it is declared %s",
                    l->index, l->def->name, st->name, shape_str(v), shape_str(st->value));
        after[k] = v;
        if (I->mode.write_state && v != st->value) {
            tensor_copy_into(st->value, v);
            note_state_write(I, st->value, v);
        }
    }
    return after;
}

static Tensor *layer_forward(Interp *I, Layer *l, Tensor *x) {
    const Node *fwd = layer_forward_node(l);
    Frame f;
    layer_frame(I, l, &f);
    frame_set(&f, fwd->name, tensor_value(x));
    EvalMode saved = I->mode;
    I->mode.layer = l;
    I->mode.tape.layer = l->index;
    I->mode.tape.layer_loc = l->loc;
    int first = I->tape.n;
    DiagContext ctx = { l->loc, describe_layer, l, diag_context };
    diag_context = &ctx;
    Value v = exec_block(I, &f, fwd->a);
    Tensor **after = state_after(I, l, &f);
    diag_context = ctx.prev;
    Tensor *y = expect_tensor(v, fwd->loc, "the result of a layer's forward");
    tape_layer(&I->tape, x, y, first, after, l->nstates);
    I->mode = saved;
    if (y->ndim != 2 || y->shape[0] != x->shape[0])
        fail_at(l->loc, "layer %d (%s) must give one row per input row: for input %s it gave %s",
                l->index, l->def->name, shape_str(x), shape_str(y));
    return y;
}

static const Callable *find_layer_def(Interp *I, const Node *use) {
    Value *v = global_find(I, use->name);
    if (v && v->kind == V_FUNC && v->fn->kind == C_LAYER) return v->fn;
    if (v) fail_at(use->loc, "'%s' is %s, not a layer", use->name, value_kind_name(*v));
    const char *s = suggest(I, NULL, use->name, C_LAYER);
    if (s) fail_at(use->loc, "unknown layer '%s'; did you mean '%s'?", use->name, s);
    fail_at(use->loc, "unknown layer '%s'", use->name);
}

static void bind_layer_args(Interp *I, Layer *l, const Node *use) {
    int n = use->kids.n, nargs = 0, nkw = 0;
    Value *args = arena_alloc(&I->pass, sizeof(Value) * (size_t)(n + 1));
    Binding *kw = arena_alloc(&I->pass, sizeof(Binding) * (size_t)(n + 1));
    for (int i = 0; i < n; i++) {
        const Node *a = use->kids.items[i];
        const Node *e = a->kind == N_KWARG ? a->a : a;
        const char *param = a->kind == N_KWARG ? a->name
                          : nargs < l->def->nparams ? l->def->param_names[nargs] : NULL;
        /* `dense 2 sigmoidd` is an unknown activation, not just an unknown name */
        const Node *callee = e->kind == N_CALL ? e->a : e;
        if (param == intern("activation") && callee->kind == N_NAME && !global_find(I, callee->name)) {
            const char *s = suggest(I, NULL, callee->name, C_DEF);
            if (s) fail_at(callee->loc, "unknown activation '%s'; did you mean '%s'?", callee->name, s);
            fail_at(callee->loc, "unknown activation '%s'", callee->name);
        }
        if (a->kind != N_KWARG && nkw) fail_at(a->loc, "positional argument after keyword arguments");
        Value v = eval_expr(I, NULL, e);
        /* `dense 4 prelu`: prelu is a layer of its own */
        if (param == intern("activation") && v.kind == V_FUNC && v.fn->kind == C_LAYER)
            fail_at(e->loc, "'%s' is a layer, not an activation: put it on a line of its own after this "
                    "layer, and leave this one linear", v.fn->name);
        if (a->kind == N_KWARG) kw[nkw++] = (Binding){ a->name, v };
        else args[nargs++] = v;
    }
    Value *vals = bind_all(I, l->def, args, nargs, kw, nkw, use->loc);
    l->nargs = l->def->nparams;
    l->args = arena_alloc(&I->perm, sizeof(Binding) * (size_t)(l->nargs + 1));
    for (int i = 0; i < l->nargs; i++) l->args[i] = (Binding){ l->def->param_names[i], persist_value(I, vals[i]) };
}

/* does the code below n read the name `training`? */
static bool reads_name(const Node *n, const char *name) {
    if (n) stack_guard(n->loc);       /* the walk nests as deep as the code */
    if (!n) return false;
    if (n->kind == N_NAME && n->name == name) return true;
    if (reads_name(n->a, name) || reads_name(n->b, name) || reads_name(n->c, name)) return true;
    for (int i = 0; i < n->kids.n; i++) if (reads_name(n->kids.items[i], name)) return true;
    return false;
}

/* `param P[...]` or `state S[...]`: its shape, from the arguments and helpers */
static void declare(Interp *I, Layer *l, Frame *f, const Node *s, Param *p) {
    const char *what = s->kind == N_PARAM ? "parameter" : "state";
    for (int i = 0; i < l->nparams; i++)
        if (l->params[i].name == s->name && &l->params[i] != p) fail_at(s->loc, "layer '%s' declares '%s' twice", l->def->name, s->name);
    for (int i = 0; i < l->nstates; i++)
        if (l->states[i].name == s->name && &l->states[i] != p) fail_at(s->loc, "layer '%s' declares '%s' twice", l->def->name, s->name);
    int shape[MAX_DIMS];
    if (s->kids.n > MAX_DIMS) fail_at(s->loc, "a %s has at most %d dimensions", what, MAX_DIMS);
    for (int d = 0; d < s->kids.n; d++)
        shape[d] = expect_count(I, eval_expr(I, f, s->kids.items[d]), s->kids.items[d]->loc,
                                s->kind == N_PARAM ? "a parameter size" : "a state size");
    if (!dims_fit(s->kids.n, shape))
        fail_at(s->loc, "%s %s of shape %s would have more than %d elements", what, s->name,
                dims_str(s->kids.n, shape), MAX_ELEMENTS);
    p->name = s->name;
    p->loc = s->loc;
    p->init = s->a;
    p->value = tensor_new(&I->perm, I->dtype, s->kids.n, shape);
    if (s->kind == N_PARAM) {
        p->value->requires_grad = true;
        p->value->grad = tensor_like(&I->perm, p->value);
    }
}

static void create_params(Interp *I, Layer *l) {
    const Node *body = l->def->node->a;
    Frame f;
    layer_frame(I, l, &f);
    int nparams = 0, nstates = 0;
    for (int i = 0; i < body->kids.n; i++) {
        nparams += body->kids.items[i]->kind == N_PARAM;
        nstates += body->kids.items[i]->kind == N_LAYER_STATE;
    }
    l->params = arena_alloc(&I->perm, sizeof(Param) * (size_t)(nparams + 1));
    l->states = arena_alloc(&I->perm, sizeof(Param) * (size_t)(nstates + 1));
    for (int i = 0; i < body->kids.n; i++) {
        const Node *s = body->kids.items[i];
        switch (s->kind) {
        case N_ASSIGN: {   /* helper values: seen by shapes, init and forward */
            Value v = persist_value(I, eval_expr(I, &f, s->a));
            frame_set(&f, s->name, v);
            l->args = arena_grow(&I->perm, l->args, sizeof(Binding) * (size_t)l->nargs,
                                 sizeof(Binding) * (size_t)(l->nargs + 1));
            l->args[l->nargs++] = (Binding){ s->name, v };
            break;
        }
        case N_REQUIRE:    /* the arguments' domain, checked once when the layer is built */
            exec_block(I, &f, &(Node){ .kind = N_BLOCK, .kids = { (Node *[]){ (Node *)s }, 1, 1 } });
            break;
        case N_PARAM: declare(I, l, &f, s, &l->params[l->nparams++]); break;
        case N_LAYER_STATE: declare(I, l, &f, s, &l->states[l->nstates++]); break;
        case N_FORWARD: l->uses_mode = reads_name(s->a, intern("training")); break;
        default:
            fail_at(s->loc, "a layer definition holds 'param', 'state', 'require', 'forward' and assignments, not %s",
                    node_kind_name(s->kind));
        }
    }
    if (!layer_forward_node(l)) fail_at(l->def->node->loc, "layer '%s' has no forward", l->def->name);
}

/* a parameter or a state of l by name */
static Param *find_param(Layer *l, const char *name) {
    for (int i = 0; i < l->nparams; i++) if (l->params[i].name == name) return &l->params[i];
    for (int i = 0; i < l->nstates; i++) if (l->states[i].name == name) return &l->states[i];
    return NULL;
}

static const char *param_list(Interp *I, Layer *l) {
    if (l->nparams + l->nstates == 0) return "no parameters";
    char *s = arena_printf(&I->pass, "parameters ");
    for (int i = 0; i < l->nparams; i++)
        s = arena_printf(&I->pass, "%s%s%s", s, i ? ", " : "", l->params[i].name);
    if (l->nparams == 0) s = "";
    for (int i = 0; i < l->nstates; i++)
        s = arena_printf(&I->pass, "%s%s%s", s, i ? ", " : l->nparams ? " and state " : "state ", l->states[i].name);
    return s;
}

static void hand_set(Interp *I, Layer *l, const NodeList *with) {
    for (int i = 0; i < with->n; i++) {
        const Node *kv = with->items[i];
        for (int j = 0; j < i; j++)
            if (with->items[j]->name == kv->name) {
                diag_error(kv->loc, "'%s' is given twice; the first value would be silently lost", kv->name);
                diag_note(with->items[j]->loc, "'%s' is first given here", kv->name);
                diag_throw();
            }
        Param *p = find_param(l, kv->name);
        if (!p) fail_at(kv->loc, "layer %d (%s) has no parameter '%s'; it has %s", l->index, l->def->name,
                        kv->name, param_list(I, l));
        Tensor *v = expect_tensor(eval_expr(I, NULL, kv->a), kv->a->loc, kv->name);
        if (!tensor_same_shape(v, p->value))
            fail_at(kv->a->loc, "shape mismatch: %s is given as %s but layer %d (%s) needs %s", kv->name,
                    shape_str(v), l->index, l->def->name, shape_str(p->value));
        for (int k = 0; k < v->size; k++)     /* 0/0 or 1e20^2 would only show later, as a NaN loss */
            if (!isfinite(tensor_get(v, k)))
                fail_at(kv->a->loc, "%s of layer %d is %s at element %d: weights must be finite numbers", kv->name,
                        l->index, isnan(tensor_get(v, k)) ? "NaN" : "infinite", k + 1);
        tensor_copy_into(p->value, v);
        p->hand_set = true;
        p->given = kv->a;
    }
}

/* Shape inference: run the layer once on a zero batch of one row, in
 * evaluation mode, keeping no state and drawing from a stream of its own (so
 * that defining a model changes no random number drawn later). */
static void infer_output(Interp *I, Layer *l) {
    int shape[2] = { 1, l->in_dim };
    EvalMode saved = I->mode;
    Rng scratch;
    rng_seed(&scratch, 0);
    I->mode.tape.recording = false;
    I->mode.training = false;
    I->mode.write_state = false;
    I->mode.draw = &scratch;
    Tensor *y = layer_forward(I, l, tensor_new(&I->pass, I->dtype, 2, shape));
    I->mode = saved;
    l->out_dim = y->shape[1];
}

Model *model_build(Interp *I, const Node *n) {
    Model *m = arena_alloc(&I->perm, sizeof *m);
    m->name = n->name;
    m->loc = n->loc;
    if (n->kids.n == 0 || n->kids.items[0]->kind != N_INPUT)
        fail_at(n->kids.n ? n->kids.items[0]->loc : n->loc, "a model starts with 'input N'");
    const Node *in = n->kids.items[0];
    if (in->kids.n != 1) fail_at(in->loc, "'input' takes one size (the number of features)");
    m->in_dim = expect_count(I, eval_expr(I, NULL, in->kids.items[0]), in->kids.items[0]->loc, "the input size");
    m->input_loc = in->loc;
    m->nlayers = n->kids.n - 1;
    if (m->nlayers == 0) fail_at(n->loc, "model '%s' has no layers", n->name);
    m->layers = arena_alloc(&I->perm, sizeof(Layer) * (size_t)m->nlayers);
    int width = m->in_dim;
    for (int i = 0; i < m->nlayers; i++) {
        const Node *use = n->kids.items[i + 1];
        if (use->kind == N_INPUT) fail_at(use->loc, "'input' must be the first line of a model, and only once");
        Layer *l = &m->layers[i];
        l->index = i + 1;
        l->label = use->label;
        l->loc = use->loc;
        l->model = m;
        l->in_dim = width;
        l->def = find_layer_def(I, use);
        for (int j = 0; j < i; j++)
            if (use->label && m->layers[j].label == use->label)
                fail_at(use->loc, "two layers are named '%s'", use->label);
        DiagContext ctx = { l->loc, describe_layer, l, diag_context };
        diag_context = &ctx;
        bind_layer_args(I, l, use);
        if (use->a) {
            l->init = setting_function(I, use->a);
            l->init_loc = use->a->loc;
        }
        if (use->b) {
            l->regularizer = setting_function(I, use->b);
            l->regularizer_loc = use->b->loc;
        }
        create_params(I, l);
        hand_set(I, l, &use->more);
        diag_context = ctx.prev;
        infer_output(I, l);     /* runs the forward, which pushes its own context */
        width = l->out_dim;
    }
    m->out_dim = width;
    return m;
}

/* fan-in and fan-out as PyTorch computes them: W[out, in, ...] */
static void fans(const Tensor *t, int *fan_in, int *fan_out) {
    if (t->ndim < 2) { *fan_in = *fan_out = t->ndim ? t->shape[0] : 1; return; }
    int field = 1;
    for (int d = 2; d < t->ndim; d++) field *= t->shape[d];
    *fan_in = t->shape[1] * field;
    *fan_out = t->shape[0] * field;
}

static void describe_init(FILE *out, const void *arg) {
    const Param *p = arg;
    fprintf(out, "while initialising %s %s of this layer", p->value->grad ? "parameter" : "state", p->name);
}

/* Each parameter draws from its own stream, derived from the seed and its
 * name (net.2.W): changing one layer does not change another's initial
 * values, and the order of statements does not matter. */
static Rng param_stream(Interp *I, Layer *l, Param *p) {
    uint64_t h = I->seed ^ 0x6e6e6c5f696e6974u;
    const char *parts[2] = { l->model->name, p->name };
    for (int k = 0; k < 2; k++) {
        for (const char *c = parts[k]; *c; c++) h = (h ^ (unsigned char)*c) * 1099511628211u;
        h = (h ^ (uint64_t)l->index) * 1099511628211u;
    }
    Rng r;
    rng_seed(&r, h);
    return r;
}

/* A parameter without an initialiser of its own gets the layer's or the
 * model's; a state without one starts at 0. */
static void init_param(Interp *I, Layer *l, Param *p, bool is_state) {
    Rng stream = param_stream(I, l, p);
    EvalMode saved = I->mode;   /* an error unwinding from here resets it (interp_run_statement) */
    I->mode.draw = &stream;
    DiagContext ctx = { l->loc, describe_init, p, diag_context };
    diag_context = &ctx;
    Value init;
    SrcLoc loc;
    if (p->init) {
        Frame f;
        layer_frame(I, l, &f);
        init = eval_expr(I, &f, p->init);
        loc = p->init->loc;
    } else if (is_state) {
        init = tensor_value(new_scalar(I, 0));
        loc = p->loc;
    } else if (l->init) {
        init = (Value){ .kind = V_FUNC, .fn = l->init };
        loc = l->init_loc;
    } else if (I->init.set) {
        init = (Value){ .kind = V_FUNC, .fn = I->init.fn };
        loc = I->init.loc;
    } else {
        init = lookup_name(I, NULL, intern("xavier"), l->loc);
        loc = l->loc;
    }
    if (init.kind == V_FUNC) {
        p->init_used = persist_value(I, init).fn;
        int fan_in, fan_out;
        fans(p->value, &fan_in, &fan_out);
        int nd = p->value->ndim;
        Tensor *shape = tensor_new(&I->pass, I->dtype, 1, &nd);
        for (int d = 0; d < nd; d++) tensor_set(shape, d, p->value->shape[d]);
        /* pass only what the initialiser asks for */
        Binding kw[3];
        int nkw = 0;
        const char *names[3] = { intern("shape"), intern("fan_in"), intern("fan_out") };
        Value vals[3] = { tensor_value(shape), tensor_value(new_scalar(I, fan_in)), tensor_value(new_scalar(I, fan_out)) };
        for (int i = 0; i < 3; i++)
            for (int j = 0; j < init.fn->nparams; j++)
                if (init.fn->param_names[j] == names[i]) kw[nkw++] = (Binding){ names[i], vals[i] };
        init = call_value(I, init, NULL, 0, kw, nkw, loc);
    }
    Tensor *v = expect_tensor(init, loc, "an initial value");
    if (v->size == 1) tensor_fill(p->value, tensor_get(v, 0));
    else if (tensor_same_shape(v, p->value)) tensor_copy_into(p->value, v);
    else fail_at(loc, "the initialiser gave shape %s for %s of layer %d, which needs %s",
                 shape_str(v), p->name, l->index, shape_str(p->value));
    diag_context = ctx.prev;
    I->mode = saved;
}

void model_ensure_initialised(Interp *I, Model *m) {
    if (m->initialised) return;
    for (int i = 0; i < m->nlayers; i++) {
        Layer *l = &m->layers[i];
        for (int k = 0; k < l->nparams; k++) if (!l->params[k].hand_set) init_param(I, l, &l->params[k], false);
        for (int k = 0; k < l->nstates; k++) if (!l->states[k].hand_set) init_param(I, l, &l->states[k], true);
    }
    m->initialised = true;
}

/* x viewed with other sizes, on the tape so gradients flow through it */
Tensor *reshaped(Interp *I, Tensor *x, int ndim, const int *shape, SrcLoc loc) {
    Tensor *sizes = tensor_new(&I->pass, x->dtype, 1, &ndim);   /* x's precision: no conversion */
    for (int d = 0; d < ndim; d++) tensor_set(sizes, d, shape[d]);
    Tensor *in[2] = { x, sizes };
    return tape_apply(&I->tape, P_RESHAPE, in, 2, AXIS_ALL, loc);
}

Tensor *model_forward(Interp *I, Model *m, Tensor *x, SrcLoc loc) {
    model_ensure_initialised(I, m);
    bool single = x->ndim <= 1;
    if ((single ? x->size : x->ndim == 2 ? x->shape[1] : -1) != m->in_dim)
        fail_at(loc, "shape mismatch: model '%s' takes input [%d] (rows of %d features), got %s",
                m->name, m->in_dim, m->in_dim, shape_str(x));
    if (single) x = reshaped(I, x, 2, (int[]){ 1, x->size }, loc);     /* one sample is a batch of one row */
    for (int i = 0; i < m->nlayers; i++) x = layer_forward(I, &m->layers[i], x);
    if (single) {
        Tensor *r = reshaped(I, x, 1, &x->shape[1], loc);
        r->made_by = x->made_by;
        r->made_from = x->made_from;
        x = r;
    }
    return x;
}

static Layer *find_layer(Interp *I, Model *m, const char *field, SrcLoc loc) {
    char *end;
    long k = strtol(field, &end, 10);
    if (*end == 0) {
        if (k == 0) fail_at(loc, "layer 0 of '%s' is its input; it has no parameters", m->name);
        if (k < 0 || k > m->nlayers)
            fail_at(loc, "model '%s' has layers 1 to %d, not %ld", m->name, m->nlayers, k);
        return &m->layers[k - 1];
    }
    for (int i = 0; i < m->nlayers; i++) if (m->layers[i].label == field) return &m->layers[i];
    (void)I;
    fail_at(loc, "model '%s' has no layer named '%s'", m->name, field);
}

Value model_field(Interp *I, Model *m, const char *field, SrcLoc loc) {
    Value v = { .kind = V_LAYER, .layer = find_layer(I, m, field, loc) };
    return v;
}

Value layer_field(Interp *I, Layer *l, const char *field, SrcLoc loc) {
    Param *p = find_param(l, field);
    if (!p) fail_at(loc, "layer %d (%s) has no parameter '%s'; it has %s", l->index, l->def->name, field,
                    param_list(I, l));
    model_ensure_initialised(I, l->model);
    return tensor_value(p->value);
}

void model_zero_grad(Model *m) {
    for (int i = 0; i < m->nlayers; i++)
        for (int k = 0; k < m->layers[i].nparams; k++) tensor_fill(m->layers[i].params[k].value->grad, 0);
}

int model_param_count(const Model *m) {
    int n = 0;
    for (int i = 0; i < m->nlayers; i++)
        for (int k = 0; k < m->layers[i].nparams; k++) n += m->layers[i].params[k].value->size;
    return n;
}

/* the name of a layer's `activation` argument ("sigmoid"), or NULL */
const Param *layer_weight(const Layer *l) {
    for (int k = 0; k < l->nparams; k++) if (l->params[k].value->ndim == 2) return &l->params[k];
    return l->nparams ? &l->params[0] : NULL;
}

const char *layer_activation(const Layer *l) {
    for (int i = 0; i < l->nargs; i++)
        if (l->args[i].name == intern("activation") && l->args[i].v.kind == V_FUNC) {
            const Callable *fn = l->args[i].v.fn;
            return fn->kind == C_PARTIAL ? fn->base->name : fn->name;
        }
    return NULL;
}

