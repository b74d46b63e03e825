/* eval.c — runs the AST: expressions, calls, and the statements of a block.
 * Owns: values (a data set's too: one, not a group, and how it prints),
 * frames, globals, calling conventions.
 * Must not: implement primitives (prims.c) or training loops (train.c), or
 * call the files of lang above it: calling a model, a model's or layer's
 * field and x[i] go through I->hooks (model.c, index.c; set by language.c),
 * and builtins come as Callables.  Everything else in lang calls this file. */
#include "autodiff/prims.h"
#include "autodiff/tape.h"
#include "base/arena.h"
#include "base/budget.h"
#include "base/diag.h"
#include "base/stack.h"
#include "base/text.h"
#include "front/ast.h"
#include "lang/eval.h"
#include "tensor/tensor.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ---- the C stack ---------------------------------------------------------- */

void stack_check(Interp *I, SrcLoc loc) {
    (void)I;
    stack_guard(loc);
}

/* ---- values ------------------------------------------------------------- */

Value tensor_value(Tensor *t) { Value v = { .kind = V_TENSOR, .t = t }; return v; }

Tensor *new_scalar(Interp *I, double v) { return tensor_scalar(&I->pass, I->dtype, v); }

const char *value_kind_name(Value v) {
    switch (v.kind) {
    case V_NONE: return "nothing";
    case V_TENSOR: return v.t->ndim == 0 ? "a number" : "a tensor";
    case V_STRING: return "a string";
    case V_FUNC:
        switch (v.fn->kind) {
        case C_LAYER: return "a layer definition";
        case C_OPTIMIZER: return "an optimizer definition";
        default: return "a function";
        }
    case V_MODEL: return "a model";
    case V_LAYER: return "a layer";
    case V_DATA: return "a data set";
    }
    return "?";
}

Tensor *expect_tensor(Value v, SrcLoc loc, const char *what) {
    if (v.kind != V_TENSOR) fail_at(loc, "%s must be a number or tensor, not %s", what, value_kind_name(v));
    return v.t;
}

void not_replayable(Interp *I, const Tensor *value, SrcLoc loc, const char *why) {
    StepRecording *r = I->mode.recording_step;
    if (!r || r->refusal || (value && !value->varies)) return;
    r->refusal = why;
    r->refusal_loc = loc;
}

void note_random_draw(Interp *I, RandomDraw *d) {
    StepRecording *r = I->mode.recording_step;
    if (!r) return;
    if (r->ndraws == r->cap_draws) {
        int grown = r->cap_draws ? 2 * r->cap_draws : 8;
        r->draws = arena_grow(r->arena, r->draws, sizeof *r->draws * (size_t)r->ndraws, sizeof *r->draws * (size_t)grown);
        r->cap_draws = grown;
    }
    d->after = I->tape.n;
    d->out->varies = true;
    r->draws[r->ndraws++] = *d;
}

void check_literal(Interp *I, double v, SrcLoc loc, int index) {
    if (dtype_holds(I->dtype, v)) return;
    const char *why = dtype_too_large(isinf(v) ? DT_F64 : I->dtype);    /* the lexer's inf: beyond even float64 */
    if (index < 0) fail_at(loc, "this number is %s", why);
    if (isinf(v)) fail_at(loc, "element %d of this list is %s", index + 1, why);
    fail_at(loc, "element %d of this list (%s) is %s", index + 1, number_text(v), why);
}

double expect_number(Interp *I, Value v, SrcLoc loc, const char *what) {
    Tensor *t = expect_tensor(v, loc, what);
    not_replayable(I, t, loc, "takes a number from a value that changes every step (an if, a require, a setting)");
    if (t->size != 1) fail_at(loc, "%s must be a single number, got a tensor of shape %s", what, shape_str(t));
    return tensor_get(t, 0);
}

int count_number(double d, SrcLoc loc, const char *what) {
    if (isnan(d)) fail_at(loc, "%s is NaN (not a number); it must be a whole number from 1 to 10^9", what);
    if (d > 1e9) fail_at(loc, "%s is too large: %s (the limit is 10^9)", what, number_text(d));
    if (d != floor(d) || d < 1) fail_at(loc, "%s must be a whole number of at least 1, got %s", what, number_text(d));
    return (int)d;
}

int expect_count(Interp *I, Value v, SrcLoc loc, const char *what) {
    return count_number(expect_number(I, v, loc, what), loc, what);
}

Dataset *data_one(Dataset *d, SrcLoc loc) {
    if (d->nparts)
        fail_at(loc, "this is %d data sets, not one; name each: data %s = ...", d->nparts,
                d->nparts == 2 ? "training, validation" : "training, validation, test");
    return d;
}

/* ---- names -------------------------------------------------------------- */

Value *frame_find(Frame *f, const char *name) {
    if (!f) return NULL;
    for (int i = f->n - 1; i >= 0; i--) if (f->b[i].name == name) return &f->b[i].v;
    return NULL;
}

/* appends to a growable array of bindings living in `ar` */
static void bindings_push(Arena *ar, Binding **b, int *n, int *cap, const char *name, Value v) {
    if (*n == *cap) {
        int grown = *cap ? *cap * 2 : 8;
        *b = arena_grow(ar, *b, sizeof(Binding) * (size_t)*n, sizeof(Binding) * (size_t)grown);
        *cap = grown;
    }
    (*b)[(*n)++] = (Binding){ name, v };
}

void frame_set(Frame *f, const char *name, Value v) {
    Value *p = frame_find(f, name);
    if (p) *p = v;
    else bindings_push(f->arena, &f->b, &f->n, &f->cap, name, v);
}

/* Globals are found through a hash of their (interned) names: every name a
 * body uses that is not local is looked up here, many times per step. */
static size_t name_hash(const char *name) { return ((uintptr_t)name >> 4) * 0x9E3779B97F4A7C15u; }

static void index_global(Interp *I, int g) {
    if (2 * (I->nglobals + 1) > I->index_cap) {
        int cap = I->index_cap ? I->index_cap * 2 : 256;
        while (cap < 2 * (I->nglobals + 1)) cap *= 2;
        I->global_index = arena_alloc(&I->perm, sizeof(int) * (size_t)cap);
        I->index_cap = cap;
        for (int i = 0; i < cap; i++) I->global_index[i] = -1;
        for (int i = 0; i < I->nglobals; i++) if (i != g) index_global(I, i);
    }
    size_t mask = (size_t)I->index_cap - 1;
    for (size_t h = name_hash(I->globals[g].name) & mask;; h = (h + 1) & mask)
        if (I->global_index[h] < 0) { I->global_index[h] = g; return; }
}

Value *global_find(Interp *I, const char *name) {
    if (!I->index_cap) return NULL;
    size_t mask = (size_t)I->index_cap - 1;
    for (size_t h = name_hash(name) & mask; I->global_index[h] >= 0; h = (h + 1) & mask)
        if (I->globals[I->global_index[h]].name == name) return &I->globals[I->global_index[h]].v;
    return NULL;
}

void global_set(Interp *I, const char *name, Value v) {
    Value *p = global_find(I, name);
    if (p && p->kind == V_MODEL && !(v.kind == V_MODEL && v.model == p->model) && strcmp(p->model->name, name) == 0) {
        p->model->redefined = true;      /* the old model lives on in a pass or the undo stack: stale there */
        p->model->revision++;
    }
    if (p) { *p = v; return; }
    bindings_push(&I->perm, &I->globals, &I->nglobals, &I->cap_globals, name, v);
    index_global(I, I->nglobals - 1);
}

/* C_DEF stands for any function; the others for themselves */
static bool kind_matches(const Callable *fn, int want_kind) {
    if (want_kind == C_DEF) return fn->kind != C_LAYER && fn->kind != C_OPTIMIZER;
    return (int)fn->kind == want_kind;
}

/* want_kind: -1 any value; otherwise a CallableKind the name should have. */
const char *suggest(Interp *I, Frame *f, const char *name, int want_kind) {
    const char *best = NULL;
    int best_d = 3;
    int limit = strlen(name) <= 3 ? 1 : 2;
    for (int pass = 0; pass < 2; pass++) {
        Binding *b = pass ? I->globals : f ? f->b : NULL;
        int n = pass ? I->nglobals : f ? f->n : 0;
        for (int i = 0; i < n; i++) {
            if (want_kind >= 0 && !(b[i].v.kind == V_FUNC && kind_matches(b[i].v.fn, want_kind))) continue;
            if (strchr(b[i].name, '(') || strlen(b[i].name) < 3) continue;
            int d = levenshtein(name, b[i].name);
            if (d <= limit && d < best_d) { best = b[i].name; best_d = d; }
        }
    }
    return best;
}

Value lookup_name(Interp *I, Frame *f, const char *name, SrcLoc loc) {
    Value *v = frame_find(f, name);
    if (!v) v = global_find(I, name);
    if (v) return *v;
    const char *s = suggest(I, f, name, -1);
    if (!s) s = lex_word_near(name);     /* a mistyped command: explian */
    if (s) fail_at(loc, "unknown name '%s'; did you mean '%s'?", name, s);
    fail_at(loc, "unknown name '%s'", name);
}

/* ---- calls -------------------------------------------------------------- */

Node optional_param = { .kind = N_NAME, .name = "optional" };

/* Keras' name for a setting nnl names otherwise: `learning_rate` is an
 * optimizer's `lr` (when it has no parameter of that name itself). */
static const char *setting_name(const Callable *fn, const char *name) {
    static const char *learning_rate, *lr;
    if (!lr) { learning_rate = intern("learning_rate"); lr = intern("lr"); }
    if (fn->kind != C_OPTIMIZER || name != learning_rate) return name;
    for (int i = 0; i < fn->nparams; i++) if (fn->param_names[i] == name) return name;
    return lr;
}

static int param_index(const Callable *fn, const char *name) {
    name = setting_name(fn, name);
    for (int i = 0; i < fn->nparams; i++) if (fn->param_names[i] == name) return i;
    return -1;
}

static const char *callable_what(const Callable *fn) {
    switch (fn->kind) {
    case C_LAYER: return "layer";
    case C_OPTIMIZER: return "optimizer";
    default: return "function";
    }
}

static void unknown_keyword(const Callable *fn, const char *key, SrcLoc loc) {
    const char *best = NULL;
    int best_d = 3;
    for (int i = 0; i < fn->nparams; i++) {
        int d = levenshtein(key, fn->param_names[i]);
        if (d < best_d) { best = fn->param_names[i]; best_d = d; }
    }
    if (best) fail_at(loc, "%s '%s' has no parameter '%s'; did you mean '%s'?", callable_what(fn), fn->name, key, best);
    fail_at(loc, "%s '%s' has no parameter '%s'", callable_what(fn), fn->name, key);
}

/* Matches positional and keyword arguments to fn's parameters.  Fills
 * out[nparams] (V_NONE where nothing was given) and returns whether every
 * required parameter got a value. */
static bool bind_args(const Callable *fn, Value *args, int nargs, const Binding *kw, int nkw,
                      Value *out, SrcLoc loc) {
    if (nargs > fn->nparams)
        fail_at(loc, "%s '%s' takes %d argument%s, got %d", callable_what(fn), fn->name, fn->nparams,
                fn->nparams == 1 ? "" : "s", nargs);
    for (int i = 0; i < fn->nparams; i++) out[i] = (Value){ 0 };
    for (int i = 0; i < nargs; i++) out[i] = args[i];
    for (int k = 0; k < nkw; k++) {
        int i = param_index(fn, kw[k].name);
        if (i < 0) unknown_keyword(fn, kw[k].name, loc);
        if (out[i].kind != V_NONE)
            fail_at(loc, "argument '%s' of '%s' is given twice", fn->param_names[i], fn->name);
        out[i] = kw[k].v;
    }
    bool complete = true;
    for (int i = 0; i < fn->nparams; i++)
        if (out[i].kind == V_NONE && !fn->param_defaults[i]) complete = false;
    return complete;
}

/* A default may use the parameters before it (def f(n, m = n * 2)), as the
 * static check (resolve.c) scopes it. */
static void fill_defaults(Interp *I, const Callable *fn, Value *vals, SrcLoc loc) {
    Frame earlier = { .arena = &I->pass };
    for (int i = 0; i < fn->nparams; i++) {
        if (vals[i].kind == V_NONE) {
            if (!fn->param_defaults[i])
                fail_at(loc, "%s '%s' is missing argument '%s'", callable_what(fn), fn->name, fn->param_names[i]);
            if (fn->param_defaults[i] != &optional_param) vals[i] = eval_expr(I, &earlier, fn->param_defaults[i]);
        }
        if (vals[i].kind != V_NONE) frame_set(&earlier, fn->param_names[i], vals[i]);
    }
}

Value *bind_all(Interp *I, const Callable *fn, Value *args, int nargs, const Binding *kw, int nkw, SrcLoc loc) {
    Value *vals = arena_alloc(&I->pass, sizeof(Value) * (size_t)(fn->nparams + 1));
    bind_args(fn, args, nargs, kw, nkw, vals, loc);
    fill_defaults(I, fn, vals, loc);
    return vals;
}

/* A value that must outlive the current statement (a global, a layer's
 * argument, a setting) is copied out of the pass arena. */
Value persist_value(Interp *I, Value v) {
    if (v.kind == V_TENSOR && arena_owns(&I->pass, v.t)) v.t = tensor_copy(&I->perm, v.t);
    if (v.kind == V_STRING && arena_owns(&I->pass, v.s)) v.s = arena_strdup(&I->perm, v.s);
    if (v.kind == V_FUNC && v.fn->kind == C_PARTIAL && arena_owns(&I->pass, v.fn)) {
        Callable *p = arena_alloc(&I->perm, sizeof *p);
        *p = *v.fn;
        p->bound = arena_alloc(&I->perm, sizeof(Binding) * (size_t)(p->nbound ? p->nbound : 1));
        for (int i = 0; i < p->nbound; i++)
            p->bound[i] = (Binding){ v.fn->bound[i].name, persist_value(I, v.fn->bound[i].v) };
        v.fn = p;
    }
    return v;
}

/* Partials live in the pass arena like other values; persist_value keeps one. */
static Value make_partial(Interp *I, const Callable *fn, const Binding *kw, int nkw) {
    Callable *p = arena_alloc(&I->pass, sizeof *p);
    *p = *fn;
    p->kind = C_PARTIAL;
    p->base = fn->kind == C_PARTIAL ? fn->base : fn;
    int total = nkw + (fn->kind == C_PARTIAL ? fn->nbound : 0);
    p->bound = arena_alloc(&I->pass, sizeof(Binding) * (size_t)(total ? total : 1));
    p->nbound = 0;
    if (fn->kind == C_PARTIAL)   /* later keyword arguments override earlier ones */
        for (int i = 0; i < fn->nbound; i++) {
            bool overridden = false;
            for (int k = 0; k < nkw; k++) overridden |= kw[k].name == fn->bound[i].name;
            if (!overridden) p->bound[p->nbound++] = fn->bound[i];
        }
    for (int i = 0; i < nkw; i++) p->bound[p->nbound++] = kw[i];
    Value r = { .kind = V_FUNC, .fn = p };
    return r;
}

const Callable *partial_apply(Interp *I, const Callable *fn, const Binding *kw, int nkw, SrcLoc loc) {
    const Callable *base = fn->kind == C_PARTIAL ? fn->base : fn;
    Binding *named = arena_alloc(&I->pass, sizeof(Binding) * (size_t)(nkw ? nkw : 1));
    for (int k = 0; k < nkw; k++) {
        if (param_index(base, kw[k].name) < 0) unknown_keyword(base, kw[k].name, loc);
        named[k] = (Binding){ setting_name(base, kw[k].name), kw[k].v };   /* lr, also when written learning_rate */
        for (int j = 0; j < k; j++)
            if (named[j].name == named[k].name)
                fail_at(loc, "argument '%s' is given twice%s", named[k].name,
                        kw[j].name != kw[k].name ? " ('learning_rate' is Keras' name for 'lr')" : "");
    }
    return make_partial(I, fn, named, nkw).fn;
}

/* The outermost call that returned a tensor names it: `relu(a)` is made by
 * relu even though where() computed it.  Only tensors of the current pass are
 * tagged: a parameter or global returned by a function outlives its argument. */
static void tag_result(Interp *I, Value r, const Callable *fn, Value *vals) {
    if (r.kind == V_TENSOR && vals[0].kind == V_TENSOR && r.t != vals[0].t && arena_owns(&I->pass, r.t)) {
        r.t->made_by = fn;
        r.t->made_from = vals[0].t;
    }
}

/* A builtin reads its arguments' values outside the primitives, so a replay
 * would not see them change; rows and shape read only sizes, warn says its
 * message once.  Random draws differ every step. */
static void builtin_replayable(Interp *I, const Callable *fn, Value *vals, SrcLoc loc) {
    if (!I->mode.recording_step) return;
    const char *name = fn->name;
    bool sizes_only = strcmp(name, "rows") == 0 || strcmp(name, "shape") == 0;
    if (sizes_only && vals[0].kind == V_TENSOR && vals[0].t->varies) I->mode.recording_step->sizes_read = true;
    if (sizes_only || strcmp(name, "warn") == 0) return;
    if (strncmp(name, "rand_", 5) == 0) {      /* drawn again by the replay (note_random_draw), if from constants */
        for (int i = 0; i < fn->nparams; i++)
            if (vals[i].kind == V_TENSOR)
                not_replayable(I, vals[i].t, loc, "draws random numbers with a shape or distribution that changes every step");
        return;
    }
    for (int i = 0; i < fn->nparams; i++)
        if (vals[i].kind == V_TENSOR)
            not_replayable(I, vals[i].t, loc, "passes a value that changes every step to a builtin function");
}

static Value call_prim(Interp *I, const Callable *fn, Value *vals, SrcLoc loc) {
    const Prim *p = &prims[fn->prim];
    Tensor *in[MAX_PRIM_INPUTS];
    for (int i = 0; i < p->arity; i++) in[i] = expect_tensor(vals[i], loc, fn->param_names[i]);
    int axis = AXIS_ALL;
    if (p->takes_axis && vals[1].kind != V_NONE) {
        double d = expect_number(I, vals[1], loc, "axis");
        if (d != floor(d) || fabs(d) > MAX_DIMS)
            fail_at(loc, "axis must be a whole number from -%d to %d, got %s", MAX_DIMS, MAX_DIMS - 1, number_text(d));
        axis = (int)d;
    }
    return tensor_value(tape_apply(&I->tape, (PrimOp)fn->prim, in, p->arity, axis, loc));
}

enum { MAX_CALL_DEPTH = 500 };

static void describe_call(FILE *out, const void *arg) {
    fprintf(out, "in a call to '%s'", ((const Callable *)arg)->name);
}

static Value call_def(Interp *I, const Callable *fn, Value *vals, SrcLoc loc) {
    if (I->mode.call_depth >= MAX_CALL_DEPTH)
        fail_at(loc, "calls nested more than %d deep (does '%s' call itself forever?)", MAX_CALL_DEPTH, fn->name);
    Frame f = { .arena = &I->pass };
    for (int i = 0; i < fn->nparams; i++) frame_set(&f, fn->param_names[i], vals[i]);
    const Node *body = fn->node->a;
    DiagContext ctx = { loc, describe_call, fn, diag_context };
    diag_context = &ctx;
    I->mode.call_depth++;
    SrcLoc outer = I->mode.call_loc;
    I->mode.call_loc = loc;
    Value r = body->kind == N_BLOCK ? exec_block(I, &f, body) : eval_expr(I, &f, body);
    I->mode.call_loc = outer;
    I->mode.call_depth--;
    diag_context = ctx.prev;
    return r;
}

/* Every call goes through here (functions, layers' code, models, and the
 * default arguments they evaluate); the stack is checked here and at every
 * expression. */
Value call_value(Interp *I, Value callee, Value *args, int nargs, const Binding *kw, int nkw, SrcLoc loc) {
    stack_check(I, loc);
    if (callee.kind == V_MODEL) {
        if (nargs != 1 || nkw) fail_at(loc, "a model takes one input");
        return tensor_value(I->hooks.call_model(I, callee.model, expect_tensor(args[0], loc, "model input"), loc));
    }
    if (callee.kind != V_FUNC) fail_at(loc, "%s cannot be called", value_kind_name(callee));
    const Callable *fn = callee.fn;
    if (fn->kind == C_LAYER) fail_at(loc, "layer '%s' can only be used inside a model", fn->name);
    if (fn->kind == C_OPTIMIZER) fail_at(loc, "optimizer '%s' is chosen with 'optimizer %s(...)', not called", fn->name, fn->name);
    if (fn->kind == C_PARTIAL) {
        Binding *all = arena_alloc(&I->pass, sizeof(Binding) * (size_t)(nkw + fn->nbound + 1));
        int n = 0;
        for (int i = 0; i < fn->nbound; i++) {
            bool overridden = false;
            for (int k = 0; k < nkw; k++) overridden |= kw[k].name == fn->bound[i].name;
            if (!overridden) all[n++] = fn->bound[i];
        }
        for (int k = 0; k < nkw; k++) all[n++] = kw[k];
        Value r = call_value(I, (Value){ .kind = V_FUNC, .fn = fn->base }, args, nargs, all, n, loc);
        /* softmax(temp=2)(a) is not softmax(a): a fused loss must not apply */
        if (r.kind == V_TENSOR && r.t->made_by == fn->base) r.t->made_by = fn;
        return r;
    }
    Value *vals = arena_alloc(&I->pass, sizeof(Value) * (size_t)(fn->nparams + 1));
    bool complete = bind_args(fn, args, nargs, kw, nkw, vals, loc);
    if (!complete && nargs == 0 && nkw > 0) return make_partial(I, fn, kw, nkw);
    fill_defaults(I, fn, vals, loc);
    Value r;
    switch (fn->kind) {
    case C_PRIM: r = call_prim(I, fn, vals, loc); break;
    case C_BUILTIN:
        builtin_replayable(I, fn, vals, loc);
        r = fn->builtin(I, vals, loc);
        budget_charge(WORK_PER_CALL + (r.kind == V_TENSOR ? r.t->size : 0), loc);    /* zeros(), rand_normal() fill tensors */
        break;
    case C_DEF: budget_charge(WORK_PER_CALL, loc); r = call_def(I, fn, vals, loc); break;
    default: fail_at(loc, "cannot call %s", fn->name);
    }
    if (fn->nparams > 0) tag_result(I, r, fn, vals);
    return r;
}

/* ---- expressions -------------------------------------------------------- */

static Tensor *stack(Interp *I, Tensor **items, int n, SrcLoc *locs, SrcLoc loc) {
    if (n == 0) { int z = 0; return tensor_new(&I->pass, I->dtype, 1, &z); }
    Tensor *first = items[0];
    if (first->ndim + 1 > MAX_DIMS) fail_at(loc, "tensor literal has more than %d dimensions", MAX_DIMS);
    for (int i = 1; i < n; i++)
        if (!tensor_same_shape(items[i], first))
            fail_at(locs[i], "elements of a tensor literal must have the same shape: %s and %s",
                    shape_str(first), shape_str(items[i]));
    int shape[MAX_DIMS] = { n };
    for (int d = 0; d < first->ndim; d++) shape[d + 1] = first->shape[d];
    Tensor *t = tensor_new(&I->pass, I->dtype, first->ndim + 1, shape);
    for (int i = 0; i < n; i++)
        for (int j = 0; j < first->size; j++) tensor_set(t, i * first->size + j, tensor_get(items[i], j));
    return t;
}

static PrimOp binary_prim(int op) {
    switch (op) {
    case '+': return P_ADD;
    case '-': return P_SUB;
    case '*': return P_MUL;
    case '/': return P_DIV;
    case '^': return P_POW;
    case '@': return P_MATMUL;
    case '<': return P_LT;
    case '>': return P_GT;
    case 'L': return P_LE;
    case 'G': return P_GE;
    case 'E': return P_EQ;
    default: return P_NE;
    }
}

static Value eval_call(Interp *I, Frame *f, const Node *e) {
    Value callee = eval_expr(I, f, e->a);
    int n = e->kids.n, nargs = 0, nkw = 0;
    Value *args = arena_alloc(&I->pass, sizeof(Value) * (size_t)(n + 1));
    Binding *kw = arena_alloc(&I->pass, sizeof(Binding) * (size_t)(n + 1));
    for (int i = 0; i < n; i++) {
        const Node *a = e->kids.items[i];
        if (a->kind == N_KWARG) {
            for (int k = 0; k < nkw; k++)
                if (kw[k].name == a->name) fail_at(a->loc, "argument '%s' is given twice", a->name);
            kw[nkw++] = (Binding){ a->name, eval_expr(I, f, a->a) };
        } else {
            if (nkw) fail_at(a->loc, "positional argument after keyword arguments");
            args[nargs++] = eval_expr(I, f, a);
        }
    }
    return call_value(I, callee, args, nargs, kw, nkw, e->loc);
}

/* "data/" + name: '+' on two strings joins them (the only string operator) */
static Value concat_strings(Interp *I, const Node *e, Value l, Value r) {
    if (l.kind != V_STRING || r.kind != V_STRING)
        fail_at(e->loc, "'+' joins two strings or adds numbers, not %s and %s", value_kind_name(l),
                value_kind_name(r));
    return (Value){ .kind = V_STRING, .s = arena_printf(&I->pass, "%s%s", l.s, r.s) };
}

/* grad net.1.W[0] is (grad net.1.W)[0]: part of the gradient */
static Value eval_grad(Interp *I, Frame *f, const Node *e) {
    const Node *part = e->a->kind == N_INDEX ? e->a : NULL, *of = part ? part->a : e->a;
    Value v = eval_expr(I, f, of);
    Tensor *t = expect_tensor(v, of->loc, "the operand of 'grad'");
    if (!t->grad) fail_at(e->loc, "'grad' needs a parameter (like net.1.W); this value has no gradient");
    not_replayable(I, NULL, e->loc, "reads a gradient while the pass runs");
    if (part) return tensor_value(I->hooks.index(I, f, t->grad, part));
    return tensor_value(tensor_copy(&I->pass, t->grad));
}

Value eval_expr(Interp *I, Frame *f, const Node *e) {
    /* expressions nest inside calls that nest inside expressions; reported at
     * the innermost call (or the expression outside any), not at whichever
     * node the stack ran out in */
    stack_check(I, I->mode.call_loc.file ? I->mode.call_loc : e->loc);
    switch (e->kind) {
    case N_NUM: check_literal(I, e->num, e->loc, -1); return tensor_value(new_scalar(I, e->num));
    case N_BOOL: return tensor_value(new_scalar(I, e->num));
    case N_STR: { Value v = { .kind = V_STRING, .s = e->name }; return v; }
    case N_NAME: return lookup_name(I, f, e->name, e->loc);
    case N_LIST: {
        if (e->nvals) {
            Tensor *t = tensor_new(&I->pass, I->dtype, 1, &e->nvals);
            for (int i = 0; i < e->nvals; i++) { check_literal(I, e->vals[i], e->loc, i); tensor_set(t, i, e->vals[i]); }
            return tensor_value(t);
        }
        int n = e->kids.n;
        Tensor **items = arena_alloc(&I->pass, sizeof(Tensor *) * (size_t)(n + 1));
        SrcLoc *locs = arena_alloc(&I->pass, sizeof(SrcLoc) * (size_t)(n + 1));
        for (int i = 0; i < n; i++) {
            locs[i] = e->kids.items[i]->loc;
            items[i] = expect_tensor(eval_expr(I, f, e->kids.items[i]), locs[i], "an element of a tensor literal");
            if (items[i]->requires_grad)   /* stacking is not on the tape: the gradient would stop here */
                fail_at(locs[i], "a tensor literal cannot hold values computed from parameters; "
                                 "combine them with arithmetic instead");
            not_replayable(I, items[i], locs[i], "puts a value that changes every step into a tensor literal");
        }
        return tensor_value(stack(I, items, n, locs, e->loc));
    }
    case N_BINARY: {
        Value l = eval_expr(I, f, e->a), r = eval_expr(I, f, e->b);
        if (e->op == '+' && (l.kind == V_STRING || r.kind == V_STRING)) return concat_strings(I, e, l, r);
        Tensor *in[2];
        in[0] = expect_tensor(l, e->a->loc, "an operand");
        in[1] = expect_tensor(r, e->b->loc, "an operand");
        return tensor_value(tape_apply(&I->tape, binary_prim(e->op), in, 2, AXIS_ALL, e->loc));
    }
    case N_NEG: {
        Tensor *x = expect_tensor(eval_expr(I, f, e->a), e->a->loc, "the operand of '-'");
        return tensor_value(tape_apply(&I->tape, P_NEG, &x, 1, AXIS_ALL, e->loc));
    }
    case N_TRANSPOSE: {
        Tensor *x = expect_tensor(eval_expr(I, f, e->a), e->a->loc, "the operand of '''");
        return tensor_value(tape_apply(&I->tape, P_TRANSPOSE, &x, 1, AXIS_ALL, e->loc));
    }
    case N_GRAD: return eval_grad(I, f, e);
    case N_INDEX: return tensor_value(I->hooks.index(I, f, expect_tensor(eval_expr(I, f, e->a), e->a->loc,
                                                                      "what is indexed"), e));
    case N_CALL: return eval_call(I, f, e);
    case N_FIELD: {
        Value obj = eval_expr(I, f, e->a);
        if (obj.kind == V_MODEL) return I->hooks.model_field(I, obj.model, e->name, e->loc);
        if (obj.kind == V_LAYER) return I->hooks.layer_field(I, obj.layer, e->name, e->loc);
        if (obj.kind == V_DATA && strcmp(e->name, "x") == 0) return tensor_value(tensor_plain(data_one(obj.data, e->loc)->x));
        if (obj.kind == V_DATA && strcmp(e->name, "y") == 0) return tensor_value(data_one(obj.data, e->loc)->y);
        if (obj.kind == V_DATA)
            fail_at(e->loc, "a data set has fields x (its inputs) and y (its targets), not '%s'", e->name);
        fail_at(e->loc, "%s has no field '%s'", value_kind_name(obj), e->name);
    }
    default:
        fail_at(e->loc, "%s is not an expression", node_kind_name(e->kind));
    }
}

/* ---- statements inside blocks ----------------------------------------- */

/* Names what a layer's forward computes ("a", "z") on the tape entry that
 * produced it, so the pass can be shown in the course's notation. */
static void name_intermediate(Interp *I, const Node *stmt, Value v) {
    if (!I->mode.layer || v.kind != V_TENSOR) return;
    tape_name(&I->tape, stmt->name, v.t, stmt);
    if (v.t->producer < 0 || v.t->producer >= I->tape.n) return;
    TapeEntry *te = &I->tape.entries[v.t->producer];
    if (te->call.out == v.t && te->layer == I->mode.layer->index && !te->name) te->name = stmt->name;
}

static void exec_assign(Interp *I, Frame *f, const Node *s) {
    Value v = eval_expr(I, f, s->a), rhs = v;
    if (s->op != '=') {
        Tensor *in[2] = { expect_tensor(lookup_name(I, f, s->name, s->loc), s->loc, s->name),
                          expect_tensor(v, s->a->loc, "the right-hand side") };
        v = tensor_value(tape_apply(&I->tape, binary_prim(s->op), in, 2, AXIS_ALL, s->loc));
    }
    name_intermediate(I, s, v);
    if (I->mode.watch) I->mode.watch(I, f, s, v, rhs, I->mode.watch_ctx);
    if (!f) {
        /* `w = net.1.W` keeps the value it has now, not the live parameter */
        if (v.kind == V_TENSOR && v.t->requires_grad && !arena_owns(&I->pass, v.t)) v.t = tensor_copy(&I->perm, v.t);
        global_set(I, s->name, persist_value(I, v));
        return;
    }
    Value *slot = frame_find(f, s->name);
    /* persistent slots (optimizer state, the parameter w) are updated in place */
    if (slot && slot->kind == V_TENSOR && f->persistent && f->persistent(f, s->name)) {
        Tensor *dst = slot->t, *src = expect_tensor(v, s->a->loc, s->name);
        if (src->size == 1) tensor_fill(dst, tensor_get(src, 0));
        else if (tensor_same_shape(src, dst)) tensor_copy_into(dst, src);
        else fail_at(s->loc, "cannot assign a value of shape %s to '%s' of shape %s",
                     shape_str(src), s->name, shape_str(dst));
        return;
    }
    frame_set(f, s->name, v);
}

static bool is_true(Interp *I, Value v, SrcLoc loc) { return expect_number(I, v, loc, "a condition") != 0; }

/* A name in expression e whose value holds a NaN (lr = 0/0), or NULL: a
 * `require lr >= 0` it fails says so rather than that lr is negative. */
static const char *nan_name(Interp *I, Frame *f, const Node *e) {
    if (!e) return NULL;
    if (e->kind == N_NAME) {
        Value *v = frame_find(f, e->name);
        if (!v) v = global_find(I, e->name);
        if (v && v->kind == V_TENSOR)
            for (int i = 0; i < v->t->size; i++) if (isnan(tensor_get(v->t, i))) return e->name;
        return NULL;
    }
    const char *n = nan_name(I, f, e->a);
    if (!n) n = nan_name(I, f, e->b);
    if (!n) n = nan_name(I, f, e->c);
    for (int i = 0; !n && i < e->kids.n; i++) n = nan_name(I, f, e->kids.items[i]);
    return n;
}

static Value exec_stmt(Interp *I, Frame *f, const Node *s) {
    switch (s->kind) {
    case N_EXPR_STMT: return eval_expr(I, f, s->a);
    case N_ASSIGN: exec_assign(I, f, s); return (Value){ 0 };
    case N_IF:
        if (is_true(I, eval_expr(I, f, s->a), s->a->loc)) return exec_block(I, f, s->b);
        return s->c ? exec_block(I, f, s->c) : (Value){ 0 };
    case N_BLOCK: return exec_block(I, f, s);
    case N_PRINT: {     /* print a, b, c: the values on one line, a space between */
        not_replayable(I, NULL, s->loc, "prints");
        Value *v = arena_alloc(&I->pass, sizeof(Value) * (size_t)s->kids.n);
        for (int i = 0; i < s->kids.n; i++) v[i] = eval_expr(I, f, s->kids.items[i]);
        for (int i = 0; i < s->kids.n && !I->dry_run; i++) {
            if (i) fputc(' ', I->out);
            print_value_as(I, I->out, v[i], s->op == 1);
        }
        if (!I->dry_run) fputc('\n', I->out);
        return (Value){ 0 };
    }
    case N_REQUIRE: {   /* shown at the user's line when it fails in the stdlib (diag.c) */
        Tensor *c = expect_tensor(eval_expr(I, f, s->a), s->a->loc, "a requirement");
        not_replayable(I, c, s->loc, "checks a requirement on a value that changes every step");
        if (c->size != 1) fail_at(s->loc, "%s: got a tensor of shape %s where a single number belongs", s->name, shape_str(c));
        if (tensor_get(c, 0) == 0) {
            const char *nan = nan_name(I, f, s->a);
            if (nan) fail_at(s->loc, "%s is NaN (not a number): it must be a number (0/0, for one, gives NaN)", nan);
            fail_at(s->loc, "%s", s->name);
        }
        return (Value){ 0 };
    }
    case N_STATE:
        if (f && f->on_state) { f->on_state(I, f, s); return (Value){ 0 }; }
        fail_at(s->loc, "'state' is only allowed in an optimizer definition");
    case N_LAYER_STATE:
        fail_at(s->loc, "a layer's state is declared in the layer definition, next to its params, not inside a block");
    default:
        fail_at(s->loc, "'%s' belongs at the top level of a script, not inside a block", node_kind_name(s->kind));
    }
}

/* The value of a block is the value of its last statement; for an
 * assignment, the value assigned. */
Value exec_block(Interp *I, Frame *f, const Node *block) {
    Value last = { 0 };
    for (int i = 0; i < block->kids.n; i++) {
        const Node *s = block->kids.items[i];
        last = exec_stmt(I, f, s);
        if (s->kind == N_ASSIGN) last = f ? *frame_find(f, s->name) : *global_find(I, s->name);
    }
    return last;
}
/* ---- printing ------------------------------------------------------------ */

/* A tensor of more than PRINT_SUMMARY_OVER values is summarised as NumPy
 * does, with its shape after it, unless `full` (print full X). */
void print_value_as(Interp *I, FILE *f, Value v, bool full) {
    switch (v.kind) {
    case V_NONE: fputs("nothing", f); break;
    case V_TENSOR:
        if (full || !tensor_is_large(v.t)) { tensor_print_digits(f, v.t, I->digits); break; }   /* 0: the shortest that reads back */
        tensor_print_summary(f, v.t, I->digits);
        fprintf(f, "\n# shape %s, %d values: print full shows them all", shape_str(v.t), v.t->size);
        break;
    case V_STRING: fputs(v.s, f); break;
    case V_FUNC: fprintf(f, "<%s %s>", v.fn->kind == C_LAYER ? "layer" : v.fn->kind == C_OPTIMIZER ? "optimizer"
                                        : "function", v.fn->name); break;
    case V_MODEL: {
        Model *m = v.model;
        fprintf(f, "<model %s: %d", m->name, m->in_dim);
        for (int i = 0; i < m->nlayers; i++) fprintf(f, " -> %d", m->layers[i].out_dim);
        fputc('>', f);
        break;
    }
    case V_LAYER: fprintf(f, "<layer %d of %s: %s>", v.layer->index, v.layer->model->name, v.layer->def->name); break;
    case V_DATA: data_print(f, v.data); break;
    }
}

void print_value(Interp *I, FILE *f, Value v) { print_value_as(I, f, v, false); }

void data_print(FILE *f, const Dataset *d) {
    if (d->nparts) {
        fprintf(f, "<%d data sets:", d->nparts);
        for (int i = 0; i < d->nparts; i++) fprintf(f, "%s %d rows", i ? "," : "", d->parts[i]->x->shape[0]);
        fputc('>', f);
        return;
    }
    fprintf(f, "<data %s: %d rows, %d -> %d", d->name, d->x->shape[0], d->x->shape[1], d->y->shape[1]);
    if (d->classes) {
        fprintf(f, " classes (");
        for (int i = 0; i < d->nclasses && i < 10; i++) fprintf(f, "%s%s", i ? ", " : "", d->classes[i]);
        fprintf(f, "%s)", d->nclasses > 10 ? ", ..." : "");
    }
    fputc('>', f);
}

/* def f(g(a), t) is kept under the name "f(g(...))": not a name a user can write. */
const char *fusion_name(const char *outer, const char *inner) {
    char buf[256];
    snprintf(buf, sizeof buf, "%s(%s(...))", outer, inner);
    return intern(buf);
}

