/* Gradient checks of the primitives (src/autodiff/prims.c) through the tape (src/autodiff/tape.c):
 * every differentiable primitive's backward rule is compared, in float64,
 * with central finite differences of a randomly weighted scalar loss, on
 * plain and broadcasting shapes.  Also: the comparisons are not
 * differentiable and produce 0/1, every differentiable primitive has a case
 * here, a forward-only primitive (step) computes its values and makes a
 * backward pass that reaches it an error, and shape errors unwind through
 * diag with both shapes in the message. */
#include "check.h"
#include "autodiff/prims.h"
#include "autodiff/tape.h"
#include <stdint.h>
#include <string.h>

enum { MAX_ERR_MSG = 1024 };
static const double FD_STEP = 1e-6, GRAD_TOL = 1e-6;

/* ---- a tiny deterministic RNG (xorshift64) ----------------------------- */

static uint64_t rng_state = 0x9E3779B97F4A7C15u;

static uint64_t rng_next(void) {
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

static double uniform(double lo, double hi) {
    return lo + (hi - lo) * (double)(rng_next() >> 11) * 0x1.0p-53;
}

/* ---- test inputs ---------------------------------------------------------- */

typedef struct { int ndim; int d[MAX_DIMS]; } Shape;
#define SCALAR   { 0, { 0 } }
#define V(a)     { 1, { a } }
#define M(a, b)  { 2, { a, b } }
#define T3(a, b, c) { 3, { a, b, c } }

/* What values an input holds; K_COND and K_SAME0 inputs are not checked. */
typedef enum {
    K_ANY,      /* uniform in [-2, 2] */
    K_POS,      /* [0.5, 2]: log, sqrt, pow bases */
    K_AWAY,     /* ±[0.3, 2]: divisors, abs (no kink within the step) */
    K_COND,     /* alternating 1, 0: a where condition */
    K_ONEHOT,   /* one 1 per row of the last axis */
    K_SOFT,     /* positive rows summing to 1 */
    K_SAME0,    /* the very tensor of input 0 (x * x) */
    K_SHAPE,    /* a 1-D tensor holding the case's Shape as values: reshape's target */
    K_GRID,     /* -1, 0 or 1: ties for maximum and minimum (central differences give the split 1/2) */
} Kind;

static const char *const kind_tag[] = {
    [K_ANY] = "", [K_POS] = "pos ", [K_AWAY] = "nonzero ", [K_COND] = "cond ",
    [K_ONEHOT] = "one-hot ", [K_SOFT] = "soft ", [K_SAME0] = "same ", [K_SHAPE] = "to ",
    [K_GRID] = "ties ",
};

static bool checked(Kind k) { return k != K_COND && k != K_SAME0 && k != K_SHAPE; }

static Tensor *make_input(Arena *a, Shape s, Kind k) {
    if (k == K_SHAPE) {
        Tensor *t = tensor_new(a, DT_F64, 1, &s.ndim);
        for (int i = 0; i < s.ndim; i++) tensor_set(t, i, s.d[i]);
        return t;
    }
    Tensor *t = tensor_new(a, DT_F64, s.ndim, s.d);
    int n = t->ndim ? t->shape[t->ndim - 1] : 1;
    for (int i = 0; i < t->size; i++) {
        double v;
        switch (k) {
        case K_POS: v = uniform(0.5, 2); break;
        case K_AWAY: v = (rng_next() & 1 ? 1 : -1) * uniform(0.3, 2); break;
        case K_COND: v = i % 2 == 0; break;
        case K_ONEHOT: v = 0; break;
        case K_SOFT: v = uniform(0.1, 1); break;
        case K_GRID: v = (double)(rng_next() % 3) - 1; break;
        default: v = uniform(-2, 2);
        }
        tensor_set(t, i, v);
    }
    for (int r = 0; r < t->size / n; r++) {
        double *row = (double *)t->data + r * n, total = 0;
        if (k == K_ONEHOT) row[rng_next() % (uint64_t)n] = 1;
        if (k != K_SOFT) continue;
        for (int j = 0; j < n; j++) total += row[j];
        for (int j = 0; j < n; j++) row[j] /= total;
    }
    return t;
}

/* ---- one gradient check ----------------------------------------------------- */

typedef struct GradCase {
    PrimOp op;
    Shape  shape[MAX_PRIM_INPUTS];
    Kind   kind[MAX_PRIM_INPUTS];
    int    axis;                     /* only for prims that take one */
} GradCase;

static void describe(const GradCase *c, char *buf, size_t size) {
    const Prim *p = &prims[c->op];
    int n = snprintf(buf, size, "%s(", p->name);
    for (int i = 0; i < p->arity; i++)
        n += snprintf(buf + n, size - (size_t)n, "%s%s%s", i ? ", " : "", kind_tag[c->kind[i]],
                      dims_str(c->shape[i].ndim, c->shape[i].d));
    if (p->takes_axis && c->axis == AXIS_ALL) n += snprintf(buf + n, size - (size_t)n, ", all");
    else if (p->takes_axis) n += snprintf(buf + n, size - (size_t)n, ", axis %d", c->axis);
    snprintf(buf + n, size - (size_t)n, ")");
}

/* loss = sum(op(in) * weights), without a tape; `scratch` is reset first */
static double plain_loss(Arena *scratch, const GradCase *c, Tensor **in, Tensor *weights) {
    arena_reset(scratch);
    SrcLoc loc = { 0 };
    Tensor *pair[2] = { prim_forward(scratch, c->op, in, prims[c->op].arity, c->axis, loc), weights };
    Tensor *prod = prim_forward(scratch, P_MUL, pair, 2, 0, loc);
    return tensor_get(prim_forward(scratch, P_SUM, &prod, 1, AXIS_ALL, loc), 0);
}

/* Compares t->grad with central differences of plain_loss; reports the worst element. */
static void compare_grad(Arena *scratch, const GradCase *c, Tensor **in, Tensor *weights,
                         Tensor *t, const char *what, int which) {
    if (!t->grad) { CHECK(false, "%s: input %d got a gradient", what, which); return; }
    int worst = 0;
    double worst_err = -1, worst_fd = 0;
    for (int j = 0; j < t->size; j++) {
        double v = tensor_get(t, j);
        tensor_set(t, j, v + FD_STEP);
        double up = plain_loss(scratch, c, in, weights);
        tensor_set(t, j, v - FD_STEP);
        double down = plain_loss(scratch, c, in, weights);
        tensor_set(t, j, v);
        double fd = (up - down) / (2 * FD_STEP), g = tensor_get(t->grad, j);
        double err = fabs(g - fd) / (1 + fabs(fd));
        if (isnan(err)) err = INFINITY;
        if (err > worst_err) { worst_err = err; worst = j; worst_fd = fd; }
    }
    CHECK_NEAR(tensor_get(t->grad, worst), worst_fd, GRAD_TOL,
               "%.120s: d/d input %d matches finite differences (worst of %d elements: %d)",
               what, which, t->size, worst);
}

static void run_case(const GradCase *c) {
    Arena arena = { 0 }, scratch = { 0 };
    char what[200];
    describe(c, what, sizeof what);
    int nin = prims[c->op].arity;
    Tensor *in[MAX_PRIM_INPUTS];
    for (int i = 0; i < nin; i++) {
        in[i] = c->kind[i] == K_SAME0 ? in[0] : make_input(&arena, c->shape[i], c->kind[i]);
        in[i]->requires_grad |= checked(c->kind[i]);
    }

    Tape tape;
    TapeMode mode = { .recording = true };
    tape_init(&tape, &arena, &mode);
    SrcLoc loc = { 0 };
    Tensor *out = tape_apply(&tape, c->op, in, nin, c->axis, loc);
    Tensor *weights = tensor_like(&arena, out);
    for (int i = 0; i < weights->size; i++) tensor_set(weights, i, uniform(-1, 1));
    Tensor *pair[2] = { out, weights };
    Tensor *prod = tape_apply(&tape, P_MUL, pair, 2, 0, loc);
    Tensor *loss = tape_apply(&tape, P_SUM, &prod, 1, AXIS_ALL, loc);
    tape_backward(&tape, loss);

    CHECK_NEAR(tensor_get(loss, 0), plain_loss(&scratch, c, in, weights), 1e-12,
               "%s: taped and untaped forward agree", what);
    for (int i = 0; i < nin; i++) {
        if (checked(c->kind[i])) compare_grad(&scratch, c, in, weights, in[i], what, i);
        else if (c->kind[i] == K_COND) CHECK(!in[i]->grad, "%s: no gradient for the condition", what);
    }
    tape_free(&tape);
    arena_free(&arena);
    arena_free(&scratch);
}

/* Every differentiable primitive must appear here (see check_coverage). */
static const GradCase cases[] = {
    { P_ADD, { M(3, 4), M(3, 4) }, { K_ANY, K_ANY }, 0 },
    { P_ADD, { M(3, 4), V(4) }, { K_ANY, K_ANY }, 0 },
    { P_ADD, { SCALAR, T3(2, 3, 2) }, { K_ANY, K_ANY }, 0 },
    { P_SUB, { M(3, 4), V(4) }, { K_ANY, K_ANY }, 0 },
    { P_SUB, { M(3, 1), M(1, 4) }, { K_ANY, K_ANY }, 0 },
    { P_SUB, { M(3, 4), M(3, 4) }, { K_ANY, K_SAME0 }, 0 },
    { P_MUL, { M(3, 4), M(3, 4) }, { K_ANY, K_ANY }, 0 },
    { P_MUL, { M(3, 1), M(1, 4) }, { K_ANY, K_ANY }, 0 },
    { P_MUL, { M(3, 4), M(3, 4) }, { K_ANY, K_SAME0 }, 0 },
    { P_DIV, { M(3, 4), M(3, 4) }, { K_ANY, K_AWAY }, 0 },
    { P_DIV, { SCALAR, M(2, 3) }, { K_ANY, K_AWAY }, 0 },
    { P_DIV, { M(2, 3), V(3) }, { K_ANY, K_AWAY }, 0 },
    { P_DIV, { M(3, 1), M(1, 4) }, { K_ANY, K_AWAY }, 0 },     /* a broadcast the fast kernels leave to prims.c */
    { P_POW, { M(3, 4), M(3, 4) }, { K_POS, K_ANY }, 0 },
    { P_POW, { M(3, 4), SCALAR }, { K_POS, K_ANY }, 0 },
    { P_POW, { V(4), M(3, 1) }, { K_POS, K_ANY }, 0 },
    { P_MAXIMUM, { M(3, 4), M(3, 4) }, { K_ANY, K_ANY }, 0 },
    { P_MAXIMUM, { M(3, 4), V(4) }, { K_ANY, K_ANY }, 0 },
    { P_MINIMUM, { M(3, 4), M(3, 4) }, { K_ANY, K_ANY }, 0 },
    { P_MINIMUM, { M(3, 1), M(1, 4) }, { K_ANY, K_ANY }, 0 },
    /* ties, in the fast kernels and in prims.c's broadcast */
    { P_MAXIMUM, { M(3, 4), M(3, 4) }, { K_GRID, K_GRID }, 0 },
    { P_MAXIMUM, { M(3, 1), M(1, 4) }, { K_GRID, K_GRID }, 0 },
    { P_MINIMUM, { M(3, 1), M(1, 4) }, { K_GRID, K_GRID }, 0 },
    { P_NEG, { M(3, 4) }, { K_ANY }, 0 },
    { P_EXP, { M(3, 4) }, { K_ANY }, 0 },
    { P_LOG, { M(3, 4) }, { K_POS }, 0 },
    { P_SQRT, { M(3, 4) }, { K_POS }, 0 },
    { P_ABS, { M(3, 4) }, { K_AWAY }, 0 },
    { P_TANH, { M(3, 4) }, { K_ANY }, 0 },
    { P_SIGMOID, { M(3, 4) }, { K_ANY }, 0 },
    { P_FLOOR, { M(3, 4) }, { K_ANY }, 0 },
    { P_MATMUL, { M(3, 4), M(4, 5) }, { K_ANY, K_ANY }, 0 },
    { P_MATMUL, { V(4), M(4, 5) }, { K_ANY, K_ANY }, 0 },
    { P_MATMUL, { M(3, 4), V(4) }, { K_ANY, K_ANY }, 0 },
    { P_MATMUL, { V(4), V(4) }, { K_ANY, K_ANY }, 0 },
    { P_MATMUL, { M(20, 40), M(40, 50) }, { K_ANY, K_ANY }, 0 },    /* large: CBLAS */
    { P_TRANSPOSE, { M(3, 4) }, { K_ANY }, 0 },
    { P_TRANSPOSE, { V(4) }, { K_ANY }, 0 },
    { P_SUM, { M(3, 4) }, { K_ANY }, AXIS_ALL },
    { P_SUM, { M(3, 4) }, { K_ANY }, 0 },
    { P_SUM, { M(3, 4) }, { K_ANY }, 1 },
    { P_SUM, { M(3, 4) }, { K_ANY }, -1 },
    { P_SUM, { T3(2, 3, 4) }, { K_ANY }, 1 },
    { P_MEAN, { M(3, 4) }, { K_ANY }, AXIS_ALL },
    { P_MEAN, { M(3, 4) }, { K_ANY }, 0 },
    { P_MEAN, { M(3, 4) }, { K_ANY }, 1 },
    { P_MEAN, { M(3, 4) }, { K_ANY }, -1 },
    { P_MEAN, { T3(2, 3, 4) }, { K_ANY }, -2 },
    { P_MAX, { M(3, 4) }, { K_ANY }, AXIS_ALL },
    { P_MAX, { M(3, 4) }, { K_ANY }, 0 },
    { P_MAX, { M(3, 4) }, { K_ANY }, -1 },
    { P_MAX, { T3(2, 3, 4) }, { K_ANY }, 1 },
    { P_RESHAPE, { M(3, 4), M(2, 6) }, { K_ANY, K_SHAPE }, 0 },
    { P_RESHAPE, { M(3, 4), T3(-1, 2, 2) }, { K_ANY, K_SHAPE }, 0 },
    { P_RESHAPE, { V(6), M(3, -1) }, { K_ANY, K_SHAPE }, 0 },
    { P_SOFTMAX, { M(3, 5) }, { K_ANY }, 0 },
    { P_SOFTMAX, { V(5) }, { K_ANY }, 0 },
    { P_SOFTMAX_CROSS_ENTROPY, { M(3, 5), M(3, 5) }, { K_ANY, K_ONEHOT }, 0 },
    { P_SOFTMAX_CROSS_ENTROPY, { M(3, 5), M(3, 5) }, { K_ANY, K_SOFT }, 0 },
    { P_SOFTMAX_CROSS_ENTROPY, { V(5), V(5) }, { K_ANY, K_SOFT }, 0 },
    /* targets whose rows do not sum to 1: the only ones that see the Σt of ∂x */
    { P_SOFTMAX_CROSS_ENTROPY, { M(3, 5), M(3, 5) }, { K_ANY, K_POS }, 0 },
    { P_WHERE, { M(3, 4), M(3, 4), M(3, 4) }, { K_COND, K_ANY, K_ANY }, 0 },
    { P_WHERE, { V(4), M(3, 4), M(3, 4) }, { K_COND, K_ANY, K_ANY }, 0 },
    { P_WHERE, { M(3, 1), M(3, 4), V(4) }, { K_COND, K_ANY, K_ANY }, 0 },
    { P_RESHAPE, { M(3, 4), M(4, 3) }, { K_ANY, K_SHAPE }, 0 },
    { P_RESHAPE, { V(5), M(1, 5) }, { K_ANY, K_SHAPE }, 0 },
};
enum { NCASES = sizeof cases / sizeof cases[0] };

/* ---- comparisons ------------------------------------------------------------ */

typedef struct { PrimOp op; const char *want; } Comparison;   /* x = [1, 2, 3] vs 2 */
static const Comparison comparisons[] = {
    { P_GT, "001" }, { P_GE, "011" }, { P_LT, "100" },
    { P_LE, "110" }, { P_EQ, "010" }, { P_NE, "101" },
};
enum { NCOMPARISONS = sizeof comparisons / sizeof comparisons[0] };

static void check_comparison(const Comparison *cmp) {
    Arena arena = { 0 };
    Tape tape;
    TapeMode mode = { .recording = true };
    tape_init(&tape, &arena, &mode);
    const char *name = prims[cmp->op].name;
    Tensor *in[2] = { tensor_new(&arena, DT_F64, 1, (int[]){ 3 }), tensor_scalar(&arena, DT_F64, 2) };
    for (int i = 0; i < 3; i++) tensor_set(in[0], i, i + 1);
    in[0]->requires_grad = true;
    Tensor *out = tape_apply(&tape, cmp->op, in, 2, 0, (SrcLoc){ 0 });
    bool ok = out->ndim == 1 && out->size == 3;
    for (int i = 0; ok && i < 3; i++) ok = tensor_get(out, i) == (cmp->want[i] == '1');
    CHECK(!prims[cmp->op].differentiable, "%s is not differentiable", name);
    CHECK(ok, "%s([1, 2, 3], 2) is [%c, %c, %c]", name, cmp->want[0], cmp->want[1], cmp->want[2]);
    CHECK(!out->requires_grad && tape.n == 0, "%s is not recorded on the tape", name);
    tape_free(&tape);
    arena_free(&arena);
}

/* ---- NaN, as PyTorch propagates it ------------------------------------------- */

/* maximum, minimum and max give NaN whichever side or place the NaN is in,
 * and the gradient goes to the NaN (the value the forward took), in float32
 * and float64, on the broadcast walk (a scalar operand) and the fast loops
 * (same shapes). */
static void check_nan_order(void) {
    for (int d = 0; d < 2; d++) {
        DType dt = d ? DT_F64 : DT_F32;
        const char *dn = d ? "float64" : "float32";
        for (int k = 0; k < 3; k++) {
            PrimOp op = k == 0 ? P_MAXIMUM : k == 1 ? P_MINIMUM : P_MAX;
            for (int nan_first = 0; nan_first < 2; nan_first++) {
                Arena arena = { 0 };
                Tape tape;
                TapeMode mode = { .recording = true };
                tape_init(&tape, &arena, &mode);
                Tensor *out;
                Tensor *x = tensor_new(&arena, dt, 1, (int[]){ 2 }), *y = tensor_new(&arena, dt, 1, (int[]){ 2 });
                tensor_set(x, 0, nan_first ? NAN : 1);
                tensor_set(x, 1, nan_first ? 1 : NAN);
                for (int i = 0; i < 2; i++) tensor_set(y, i, 0.5);
                x->requires_grad = y->requires_grad = true;
                if (op == P_MAX) out = tape_apply(&tape, op, &x, 1, AXIS_ALL, (SrcLoc){ 0 });
                else out = tape_apply(&tape, op, (Tensor *[]){ x, y }, 2, 0, (SrcLoc){ 0 });
                Tensor *loss = tape_apply(&tape, P_SUM, &out, 1, AXIS_ALL, (SrcLoc){ 0 });
                tape_backward(&tape, loss);
                int nan_at = nan_first ? 0 : 1;
                bool forward = op == P_MAX ? isnan(tensor_get(out, 0)) : isnan(tensor_get(out, nan_at)) &&
                               tensor_get(out, 1 - nan_at) == (op == P_MAXIMUM ? 1 : 0.5);
                bool grad = x->grad && tensor_get(x->grad, nan_at) == 1 &&
                            tensor_get(x->grad, 1 - nan_at) == (op == P_MINIMUM ? 0 : op == P_MAX ? 0 : 1);
                CHECK(forward, "%s %s: NaN %s propagates", prims[op].name, dn, nan_first ? "first" : "last");
                CHECK(grad, "%s %s: the gradient goes to the NaN (%s)", prims[op].name, dn, nan_first ? "first" : "last");
                tape_free(&tape);
                arena_free(&arena);
            }
        }
    }
}

/* ---- forward-only primitives ------------------------------------------------ */

typedef struct { PrimOp op; double in[3], want[3]; } ForwardOnly;   /* values at -1, 0, 2 */
static const ForwardOnly forward_only[] = {
    { P_STEP, { -1, 0, 2 }, { 0, 0, 1 } },
};
enum { NFORWARD_ONLY = sizeof forward_only / sizeof forward_only[0] };

/* Its values are right, and a backward pass that reaches it fails at the
 * layer that applied it (naming the primitive) instead of stopping silently. */
static void check_forward_only(const ForwardOnly *c) {
    Arena arena = { 0 };
    Tape tape;
    TapeMode mode = { .recording = true };
    tape_init(&tape, &arena, &mode);
    const char *name = prims[c->op].name;
    Tensor *x = tensor_new(&arena, DT_F64, 1, (int[]){ 3 });
    for (int i = 0; i < 3; i++) tensor_set(x, i, c->in[i]);
    x->requires_grad = true;
    mode.layer = 2;
    mode.layer_loc = (SrcLoc){ "model.nnl", 4, 3 };
    Tensor *out = tape_apply(&tape, c->op, &x, 1, AXIS_ALL, (SrcLoc){ "lib.nnl", 9, 5 });
    mode.layer = 0;
    mode.layer_loc = (SrcLoc){ 0 };
    bool ok = true;
    for (int i = 0; i < 3; i++) ok &= tensor_get(out, i) == c->want[i];
    CHECK(ok, "%s(-1, 0, 2) is (%g, %g, %g)", name, c->want[0], c->want[1], c->want[2]);
    CHECK(out->requires_grad && tape.n == 1, "%s is recorded, so a backward pass can find it", name);
    Tensor *loss = tape_apply(&tape, P_SUM, &out, 1, AXIS_ALL, (SrcLoc){ 0 });
    FILE *f = tmpfile();
    if (!f) { CHECK(false, "tmpfile for diagnostics"); return; }
    diag_set_stream(f);
    DiagHandler h;
    diag_push(&h);
    bool failed = true;
    if (setjmp(h.env) == 0) {
        tape_backward(&tape, loss);
        diag_pop(&h);
        failed = false;
    }
    diag_set_stream(NULL);
    char msg[MAX_ERR_MSG];
    rewind(f);
    size_t n = fread(msg, 1, sizeof msg - 1, f);
    msg[n] = '\0';
    fclose(f);
    CHECK(failed && !x->grad, "a backward pass through %s is an error, and gives no gradient", name);
    CHECK(strncmp(msg, "model.nnl:4:3: error: layer 2 applies '", 39) == 0 && strstr(msg, name) &&
          strstr(msg, "no derivative") && strstr(msg, "lib.nnl:9:5: note: "),
          "the error is at the layer's line and names %s: \"%.150s\"", name, msg);
    tape_free(&tape);
    arena_free(&arena);
}

/* Every differentiable prim has a gradcheck case (and a backward rule); every
 * forward-only prim has no backward rule and a check above; every other prim
 * is one of the comparisons checked above. */
static void check_coverage(void) {
    bool covered[P_COUNT] = { false }, compared[P_COUNT] = { false }, fwd[P_COUNT] = { false };
    for (int i = 0; i < NCASES; i++) covered[cases[i].op] = true;
    for (int i = 0; i < NCOMPARISONS; i++) compared[comparisons[i].op] = true;
    for (int i = 0; i < NFORWARD_ONLY; i++) fwd[forward_only[i].op] = true;
    for (int op = 0; op < P_COUNT; op++) {
        if (prims[op].differentiable)
            CHECK(covered[op] && prims[op].backward, "%s has a backward rule and a gradcheck case", prims[op].name);
        else if (prims[op].forward_only)
            CHECK(fwd[op] && !prims[op].backward, "forward-only %s has no backward rule and is checked", prims[op].name);
        else
            CHECK(compared[op], "non-differentiable %s is checked as a comparison", prims[op].name);
    }
}

/* ---- shape errors ------------------------------------------------------------ */

typedef struct ShapeError {
    PrimOp      op;
    Shape       shape[MAX_PRIM_INPUTS];
    int         axis;
    const char *want[2];     /* both must appear in the message */
    Kind        kind[MAX_PRIM_INPUTS];   /* K_ANY here means K_AWAY */
} ShapeError;

static const ShapeError shape_errors[] = {
    { P_ADD, { M(2, 3), V(4) }, 0, { "[2, 3]", "[4]" }, { K_ANY } },
    { P_MUL, { M(3, 1), M(2, 4) }, 0, { "[3, 1]", "[2, 4]" }, { K_ANY } },
    { P_MATMUL, { M(2, 3), M(4, 2) }, 0, { "[2, 3]", "[4, 2]" }, { K_ANY } },
    { P_MATMUL, { T3(2, 2, 2), M(2, 2) }, 0, { "[2, 2, 2]", "[2, 2]" }, { K_ANY } },
    { P_TRANSPOSE, { T3(2, 3, 4) }, 0, { "[2, 3, 4]", "transpose" }, { K_ANY } },
    { P_SUM, { M(2, 3) }, 2, { "[2, 3]", "axis 2" }, { K_ANY } },
    { P_MEAN, { M(2, 3) }, -3, { "[2, 3]", "axis -3" }, { K_ANY } },
    { P_SOFTMAX_CROSS_ENTROPY, { M(3, 5), M(3, 4) }, 0, { "[3, 5]", "[3, 4]" }, { K_ANY } },
    { P_WHERE, { V(2), V(3), V(3) }, 0, { "[2]", "[3]" }, { K_ANY } },
    { P_MAX, { M(2, 3) }, 2, { "[2, 3]", "axis 2" }, { K_ANY } },
    { P_RESHAPE, { M(2, 3), V(4) }, 0, { "[2, 3]", "to [4]" }, { K_ANY, K_SHAPE } },
    { P_RESHAPE, { M(2, 3), M(4, -1) }, 0, { "[2, 3]", "to [4, -1]" }, { K_ANY, K_SHAPE } },
};
enum { NSHAPE_ERRORS = sizeof shape_errors / sizeof shape_errors[0] };

/* true if the primitive failed (unwound through diag) */
static bool fails(Arena *a, PrimOp op, Tensor **in, int axis, SrcLoc loc) {
    DiagHandler h;
    diag_push(&h);
    if (setjmp(h.env) == 0) {
        prim_forward(a, op, in, prims[op].arity, axis, loc);
        diag_pop(&h);
        return false;
    }
    return true;
}

static void check_shape_error(const ShapeError *e) {
    Arena arena = { 0 };
    Tensor *in[MAX_PRIM_INPUTS];
    for (int i = 0; i < prims[e->op].arity; i++)
        in[i] = make_input(&arena, e->shape[i], e->kind[i] == K_ANY ? K_AWAY : e->kind[i]);
    FILE *f = tmpfile();
    if (!f) { CHECK(false, "tmpfile for diagnostics"); return; }
    diag_set_stream(f);
    int errors_before = diag_error_count();
    bool failed = fails(&arena, e->op, in, e->axis, (SrcLoc){ "shapes.nnl", 3, 7 });
    diag_set_stream(NULL);
    char msg[MAX_ERR_MSG];
    rewind(f);
    size_t n = fread(msg, 1, sizeof msg - 1, f);
    msg[n] = '\0';
    fclose(f);
    msg[strcspn(msg, "\n")] = '\0';
    const char *name = prims[e->op].name;
    CHECK(failed && diag_error_count() == errors_before + 1, "%s with %s and %s is an error",
          name, e->want[0], e->want[1]);
    CHECK(strncmp(msg, "shapes.nnl:3:7: error: ", 23) == 0 && strstr(msg, e->want[0]) && strstr(msg, e->want[1]),
          "%s error names %s and %s: \"%.150s\"", name, e->want[0], e->want[1], msg);
    arena_free(&arena);
}

/* max over an axis where several entries tie: the gradient is split evenly
 * among them (torch.amax), which central differences cannot check (nudging
 * one of three tied entries moves the max by half the step) */
static void check_max_ties(void) {
    Arena arena = { 0 };
    Tape tape;
    TapeMode mode = { .recording = true };
    tape_init(&tape, &arena, &mode);
    int shape[2] = { 2, 4 };
    Tensor *x = tensor_new(&arena, DT_F64, 2, shape);
    const double v[8] = { 1, 3, 3, 2,  5, 5, 5, -1 };
    for (int i = 0; i < 8; i++) tensor_set(x, i, v[i]);
    x->requires_grad = true;
    Tensor *m = tape_apply(&tape, P_MAX, &x, 1, -1, (SrcLoc){ 0 });
    Tensor *sum = tape_apply(&tape, P_SUM, &m, 1, AXIS_ALL, (SrcLoc){ 0 });
    tape_backward(&tape, sum);
    const double want[8] = { 0, 0.5, 0.5, 0,  1.0 / 3, 1.0 / 3, 1.0 / 3, 0 };
    bool ok = x->grad != NULL;
    for (int i = 0; ok && i < 8; i++) ok = fabs(tensor_get(x->grad, i) - want[i]) < 1e-15;
    CHECK(ok, "max over the last axis: ties of two and three share the gradient evenly");
    tape_free(&tape);
    arena_free(&arena);
}

int main(void) {
    check_max_ties();
    for (int i = 0; i < NCASES; i++) run_case(&cases[i]);
    for (int i = 0; i < NCOMPARISONS; i++) check_comparison(&comparisons[i]);
    for (int i = 0; i < NFORWARD_ONLY; i++) check_forward_only(&forward_only[i]);
    check_coverage();
    check_nan_order();
    for (int i = 0; i < NSHAPE_ERRORS; i++) check_shape_error(&shape_errors[i]);
    CHECK_DONE();
}
