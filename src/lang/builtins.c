/* builtins.c — the names nnl code starts with: every primitive of the table in
 * prims.c, and the non-differentiable helpers (tensor constructors and random
 * draws used by the initialisers, `rows`, `warn` for messages at the user's
 * statement, `env` for a script's settings from outside).  Must not:
 * define anything the stdlib can write in nnl itself. */
#include "autodiff/prims.h"
#include "base/arena.h"
#include "base/diag.h"
#include "base/text.h"
#include "front/ast.h"
#include "lang/builtins.h"
#include "lang/eval.h"
#include "tensor/rng.h"
#include "tensor/tensor.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* A shape argument: a whole number n (meaning [n]) or a 1-D tensor of sizes. */
static int shape_arg(Interp *I, Value v, SrcLoc loc, int *shape) {
    Tensor *t = expect_tensor(v, loc, "a shape");
    if (t->ndim > 1 || t->size > MAX_DIMS)
        fail_at(loc, "a shape is a list of up to %d sizes, got a tensor of shape %s", MAX_DIMS, shape_str(t));
    for (int i = 0; i < t->size; i++) {
        double d = tensor_get(t, i);
        if (d < 0 || d != floor(d) || d > 1e8) fail_at(loc, "a shape needs whole sizes >= 0, got %s", number_text(d));
        shape[i] = (int)d;
    }
    (void)I;
    int nd = t->ndim == 0 ? 1 : t->size;
    if (!dims_fit(nd, shape))
        fail_at(loc, "a tensor of shape %s would have more than %d elements", dims_str(nd, shape), MAX_ELEMENTS);
    return nd;
}

static Tensor *new_of_shape(Interp *I, Value v, SrcLoc loc) {
    int shape[MAX_DIMS], nd = shape_arg(I, v, loc, shape);
    return tensor_new(&I->pass, I->dtype, nd, shape);
}

static Value b_full(Interp *I, Value *a, SrcLoc loc) {
    Tensor *t = new_of_shape(I, a[0], loc);
    tensor_fill(t, expect_number(I, a[1], loc, "the fill value"));
    return tensor_value(t);
}

/* The random tensors: t filled from the stream r with the distribution's
 * two numbers (lo and hi, or mean and std).  One function per kind, so that
 * a replayed training step (replay.c) draws exactly as the builtin does. */
static void fill_uniform(Tensor *t, double lo, double hi, Rng *r) {
    for (int i = 0; i < t->size; i++) tensor_set(t, i, lo + (hi - lo) * rng_uniform(r));
}

static void fill_normal(Tensor *t, double mean, double std, Rng *r) {
    for (int i = 0; i < t->size; i++) tensor_set(t, i, mean + std * rng_normal(r));
}

/* TensorFlow's truncated_normal, which Keras' *_normal initialisers use:
 * normal(mean, std), every value more than 2 std from the mean drawn again */
static void fill_truncated_normal(Tensor *t, double mean, double std, Rng *r) {
    for (int i = 0; i < t->size; i++) {
        double z;
        do z = rng_normal(r); while (fabs(z) > 2);
        tensor_set(t, i, mean + std * z);
    }
}

/* rand_*(shape, a, b), its two numbers refused where NumPy and PyTorch
 * refuse them: a negative std, hi below lo, a NaN or an infinity */
static Value random_tensor(Interp *I, Value *a, SrcLoc loc, RandomFill fill, const char *na, const char *nb) {
    Tensor *t = new_of_shape(I, a[0], loc);
    double first = expect_number(I, a[1], loc, na), second = expect_number(I, a[2], loc, nb);
    if (fill != fill_uniform && !(second >= 0))     /* a normal's spread: NaN or negative is no distribution */
        fail_at(loc, isnan(second) ? "std is NaN (not a number); it must be ≥ 0" : "std must be ≥ 0, got %g", second);
    if (!isfinite(first) || !isfinite(second))
        fail_at(loc, "%s and %s of a random draw must be finite numbers, not %s and %s", na, nb, number_text(first), number_text(second));
    if (fill == fill_uniform && second < first)
        fail_at(loc, "a uniform draw needs %s <= %s, not %s = %s above %s = %s", na, nb, na, number_text(first), nb, number_text(second));
    RandomDraw d = { .fill = fill, .out = t, .a = first, .b = second, .rng = I->mode.draw };
    random_draw(&d);
    note_random_draw(I, &d);
    return tensor_value(t);
}

void random_draw(const RandomDraw *d) { d->fill(d->out, d->a, d->b, d->rng); }

static Value b_rand_uniform(Interp *I, Value *a, SrcLoc loc) { return random_tensor(I, a, loc, fill_uniform, "lo", "hi"); }
static Value b_rand_normal(Interp *I, Value *a, SrcLoc loc) { return random_tensor(I, a, loc, fill_normal, "mean", "std"); }
static Value b_rand_truncated_normal(Interp *I, Value *a, SrcLoc loc) {
    return random_tensor(I, a, loc, fill_truncated_normal, "mean", "std");
}

/* warn("message"): a warning at the user's statement that led here (the
 * outermost call), shown once for that statement however often it runs */
static Value b_warn(Interp *I, Value *a, SrcLoc loc) {
    (void)I;
    if (a[0].kind != V_STRING) fail_at(loc, "warn needs a string, not %s", value_kind_name(a[0]));
    SrcLoc at = loc;
    for (const DiagContext *c = diag_context; c; c = c->prev) at = c->loc;
    diag_warning(at, "%s", a[0].s);
    return (Value){ 0 };
}

/* env("NAME", default): an environment variable, so a script can be pointed
 * elsewhere without editing it (examples/mnist.nnl reads NNL_MNIST) */
static Value b_env(Interp *I, Value *a, SrcLoc loc) {
    if (a[0].kind != V_STRING) fail_at(loc, "env needs the variable's name as a string, not %s", value_kind_name(a[0]));
    const char *value = getenv(a[0].s);
    if (value && *value) return (Value){ .kind = V_STRING, .s = arena_strdup(&I->pass, value) };
    if (a[1].kind == V_NONE) fail_at(loc, "the environment variable %s is not set", a[0].s);
    return a[1];
}

/* the number of rows of a batch: shape(x)[0], 1 for a number */
static Value b_rows(Interp *I, Value *a, SrcLoc loc) {
    return tensor_value(new_scalar(I, tensor_rows(expect_tensor(a[0], loc, "the argument of rows"))));
}

static Value b_shape(Interp *I, Value *a, SrcLoc loc) {
    Tensor *x = expect_tensor(a[0], loc, "the argument of shape");
    int n = x->ndim;
    Tensor *t = tensor_new(&I->pass, I->dtype, 1, &n);
    for (int i = 0; i < n; i++) tensor_set(t, i, x->shape[i]);
    return tensor_value(t);
}

typedef struct { const char *name; BuiltinFn fn; int nparams; const char *params[3]; } BuiltinSpec;

static const BuiltinSpec builtin_specs[] = {
    { "full", b_full, 2, { "shape", "value" } },
    { "rand_uniform", b_rand_uniform, 3, { "shape", "lo", "hi" } },
    { "rand_normal", b_rand_normal, 3, { "shape", "mean", "std" } },
    { "rand_truncated_normal", b_rand_truncated_normal, 3, { "shape", "mean", "std" } },
    { "warn", b_warn, 1, { "message" } },
    { "shape", b_shape, 1, { "x" } },
    { "rows", b_rows, 1, { "x" } },
};

static void add(Interp *I, Callable *c) {
    Value v = { .kind = V_FUNC, .fn = c };
    global_set(I, c->name, v);
}

static Callable *new_callable(Interp *I, CallableKind kind, const char *name, int nparams) {
    Callable *c = arena_alloc(&I->perm, sizeof *c);
    c->kind = kind;
    c->name = intern(name);
    c->nparams = nparams;
    c->param_names = arena_alloc(&I->perm, sizeof(char *) * (size_t)(nparams + 1));
    c->param_defaults = arena_alloc(&I->perm, sizeof(Node *) * (size_t)(nparams + 1));
    return c;
}

void builtins_register(Interp *I) {
    for (int p = 0; p < P_COUNT; p++) {
        const Prim *pr = &prims[p];
        Callable *c = new_callable(I, C_PRIM, pr->name, pr->arity + pr->takes_axis);
        c->prim = p;
        for (int i = 0; i < pr->arity; i++) c->param_names[i] = intern(prim_operand((PrimOp)p, i));
        if (pr->takes_axis) {
            c->param_names[pr->arity] = intern("axis");
            c->param_defaults[pr->arity] = &optional_param;
        }
        add(I, c);
    }
    for (size_t b = 0; b < sizeof builtin_specs / sizeof *builtin_specs; b++) {
        const BuiltinSpec *s = &builtin_specs[b];
        builtin_define(I, s->name, s->fn, s->nparams, s->params, NULL);
    }
    builtin_define(I, "env", b_env, 2, (const char *[]){ "name", "default" }, (Node *[]){ NULL, &optional_param });
}

void builtin_define(Interp *I, const char *name, BuiltinFn fn, int nparams, const char *const *params,
                    Node *const *defaults) {
    Callable *c = new_callable(I, C_BUILTIN, name, nparams);
    c->builtin = fn;
    for (int i = 0; i < nparams; i++) {
        c->param_names[i] = intern(params[i]);
        if (defaults) c->param_defaults[i] = defaults[i];
    }
    add(I, c);
}
