/* prims.c — forward and backward rule of every differentiable primitive, and
 * the table that names them.  Must not: record anything (tape.c does) or know
 * about layers, models or the language. */
#include "autodiff/prims.h"
#include "base/arena.h"
#include "base/diag.h"
#include "base/text.h"
#include "autodiff/kernels.h"
#include "tensor/matmul.h"
#include "tensor/tensor.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>

void ensure_grad(Arena *a, Tensor *t) {
    if (t->grad) return;
    t->grad = tensor_like(a, t);
    t->grad->varies = true;
}

/* A call's output, made on its first run.  A replayed call (replay.c) comes
 * back with the output it made then, of the same shape, and every forward
 * rule writes all of its output, so nothing is allocated or zeroed again. */
static Tensor *output(Arena *a, PrimCall *c, DType dt, int nd, const int *shape, bool zeroed) {
    if (!c->out) c->out = zeroed ? tensor_new(a, dt, nd, shape) : tensor_new_raw(a, dt, nd, shape);
    return c->out;
}

static bool wants_grad(const Tensor *t) { return t->requires_grad; }

/* ---- broadcasting ------------------------------------------------------ */

/* Walks the elements of a broadcast result, keeping one offset per input. */
typedef struct Bcast {
    int ndim, shape[MAX_DIMS], size, nin;
    int stride[MAX_PRIM_INPUTS][MAX_DIMS];
    int idx[MAX_DIMS], off[MAX_PRIM_INPUTS];
} Bcast;

static void bcast_setup(Bcast *b, Tensor **in, int nin, SrcLoc loc) {
    memset(b, 0, sizeof *b);
    b->nin = nin;
    for (int k = 0; k < nin; k++) if (in[k]->ndim > b->ndim) b->ndim = in[k]->ndim;
    for (int d = 0; d < b->ndim; d++) b->shape[d] = 1;
    for (int k = 0; k < nin; k++) {
        int shift = b->ndim - in[k]->ndim;
        for (int d = 0; d < in[k]->ndim; d++) {
            int n = in[k]->shape[d], *o = &b->shape[d + shift];
            if (n == *o || n == 1) continue;
            if (*o == 1) { *o = n; continue; }
            if (nin == 2)
                fail_at(loc, "shapes %s and %s do not broadcast", shape_str(in[0]), shape_str(in[1]));
            fail_at(loc, "shapes %s, %s and %s do not broadcast",
                    shape_str(in[0]), shape_str(in[1]), shape_str(in[2]));
        }
    }
    if (!dims_fit(b->ndim, b->shape))
        fail_at(loc, "the result of shape %s would have more than %d elements", dims_str(b->ndim, b->shape), MAX_ELEMENTS);
    b->size = 1;
    for (int d = 0; d < b->ndim; d++) b->size *= b->shape[d];
    for (int k = 0; k < nin; k++) {
        int shift = b->ndim - in[k]->ndim, s = 1;
        for (int d = in[k]->ndim - 1; d >= 0; d--) {
            b->stride[k][d + shift] = in[k]->shape[d] == 1 ? 0 : s;
            s *= in[k]->shape[d];
        }
    }
}

static inline void bcast_next(Bcast *b) {
    for (int d = b->ndim - 1; d >= 0; d--) {
        b->idx[d]++;
        for (int k = 0; k < b->nin; k++) b->off[k] += b->stride[k][d];
        if (b->idx[d] < b->shape[d]) return;
        for (int k = 0; k < b->nin; k++) b->off[k] -= b->stride[k][d] * b->shape[d];
        b->idx[d] = 0;
    }
}

/* ---- elementwise binary ------------------------------------------------ */

/* a case of binary_forward's broadcast walk: z = op(x, y) at the walk's offsets */
#define WALK_CASE(OP, EXPR)                                                       \
    case OP:                                                                      \
        for (int i = 0; i < b.size; i++, bcast_next(&b)) {                        \
            T u = x[b.off[0]], v = y[b.off[1]];                                   \
            z[i] = (EXPR);                                                        \
        }                                                                         \
        break;
static void binary_forward(Arena *a, PrimCall *c, SrcLoc loc) {
    if (c->pattern && binary_fast(c->op, c->pattern, c->in[0], c->in[1], c->out)) return;
    Pattern p;
    if (pattern_of(c->in, 2, &p)) {
        output(a, c, c->in[0]->dtype, p.ndim, p.shape, false);
        if (binary_fast(c->op, &p, c->in[0], c->in[1], c->out)) return;
    }
    Bcast b;
    bcast_setup(&b, c->in, 2, loc);
    Tensor *out = output(a, c, c->in[0]->dtype, b.ndim, b.shape, true);
    FOR_DTYPE(out, T, {
        const T *x = c->in[0]->data, *y = c->in[1]->data;
        T *z = out->data;
        switch (c->op) {
        BINARY_ELEMENT_OPS(WALK_CASE)
        default: for (int i = 0; i < b.size; i++) z[i] = (T)NAN;
        }
    });
}

#undef WALK_CASE

static void binary_backward(Arena *a, PrimCall *c) {
    Tensor *x = c->in[0], *y = c->in[1], *out = c->out;
    bool gx_on = wants_grad(x), gy_on = wants_grad(y);
    if (gx_on) ensure_grad(a, x);
    if (gy_on) ensure_grad(a, y);
    Pattern p;
    const Pattern *kept = c->pattern ? c->pattern : pattern_of(c->in, 2, &p) ? &p : NULL;
    if (kept && binary_backward_fast(c->op, kept, x, y, out->grad, gx_on ? x->grad : NULL, gy_on ? y->grad : NULL))
        return;
    Bcast b;
    bcast_setup(&b, c->in, 2, (SrcLoc){0});
    PrimOp op = c->op;
    FOR_DTYPE(out, T, {
        const T *xv = x->data, *yv = y->data, *zv = out->data, *g = out->grad->data;
        T *gx = gx_on ? x->grad->data : NULL, *gy = gy_on ? y->grad->data : NULL;
        for (int i = 0; i < b.size; i++, bcast_next(&b)) {
            int i0 = b.off[0], i1 = b.off[1];
            T u = xv[i0], v = yv[i1], gi = g[i];
            T dx = 0, dy = 0;
            switch (op) {
            case P_ADD: dx = gi; dy = gi; break;
            case P_SUB: dx = gi; dy = -gi; break;
            case P_MUL: dx = gi * v; dy = gi * u; break;
            case P_DIV: dx = gi / v; dy = -gi * u / (v * v); break;
            case P_POW:
                dx = v == 0 ? 0 : (T)(gi * v * pow(u, v - 1));
                dy = u > 0 ? (T)(gi * zv[i] * log(u)) : 0;
                break;
            case P_MAXIMUM: case P_MINIMUM: {
                /* ties split the gradient, as PyTorch does */
                bool first = (op == P_MAXIMUM ? u > v : u < v) || u != u;   /* the side the forward took */
                if (u == v) { dx = gi / 2; dy = gi / 2; }
                else if (first) dx = gi; else dy = gi;
                break;
            }
            default: break;
            }
            if (gx) gx[i0] += dx;
            if (gy) gy[i1] += dy;
        }
    });
}

/* ---- elementwise unary ------------------------------------------------- */

#define UNARY_CASE(OP, EXPR) case OP: for (int i = 0; i < n; i++) { T u = xv[i]; z[i] = (EXPR); } break;
static void unary_forward(Arena *a, PrimCall *c, SrcLoc loc) {
    (void)loc;
    Tensor *x = c->in[0], *out = output(a, c, x->dtype, x->ndim, x->shape, false);
    int n = x->size;
    FOR_DTYPE(out, T, {     /* the op chosen once, not per element */
        const T *xv = x->data;
        T *z = out->data;
        switch (c->op) {
        UNARY_ELEMENT_OPS(UNARY_CASE)
        default: for (int i = 0; i < n; i++) z[i] = (T)NAN;
        }
    });
}

#undef UNARY_CASE

#define DERIVATIVE_CASE(OP, EXPR) case OP: d = (EXPR); break;
static void unary_backward(Arena *a, PrimCall *c) {
    Tensor *x = c->in[0], *out = c->out;
    if (!wants_grad(x)) return;
    ensure_grad(a, x);
    PrimOp op = c->op;
    FOR_DTYPE(out, T, {
        const T *xv = x->data, *yv = out->data, *g = out->grad->data;
        T *gx = x->grad->data;
        for (int i = 0; i < x->size; i++) {
            T u = xv[i], y = yv[i], d;
            (void)u; (void)y;
            switch (op) {
            UNARY_DERIVATIVES(DERIVATIVE_CASE)
            default: d = 0;     /* floor: 0 almost everywhere, as PyTorch has it */
            }
            gx[i] += g[i] * d;
        }
    });
}

/* ---- matrix product and transpose ------------------------------------- */

/* A 1-D left operand is a row vector, a 1-D right operand a column vector;
 * the result drops the dimension that was added, as in NumPy and PyTorch. */
static void matmul_dims(const Tensor *x, const Tensor *y, int *m, int *k, int *n, SrcLoc loc) {
    if (x->ndim < 1 || x->ndim > 2 || y->ndim < 1 || y->ndim > 2)
        fail_at(loc, "matrix product needs 1-D or 2-D operands, got %s @ %s", shape_str(x), shape_str(y));
    *m = x->ndim == 2 ? x->shape[0] : 1;
    *k = x->shape[x->ndim - 1];
    int ky = y->shape[0];
    *n = y->ndim == 2 ? y->shape[1] : 1;
    if (*k != ky)
        fail_at(loc, "matrix product needs matching inner sizes: %s @ %s", shape_str(x), shape_str(y));
}

static void matmul_forward(Arena *a, PrimCall *c, SrcLoc loc) {
    Tensor *x = c->in[0], *y = c->in[1];
    int m, k, n;
    matmul_dims(x, y, &m, &k, &n, loc);
    int shape[2], nd = 0;
    if (x->ndim == 2) shape[nd++] = m;
    if (y->ndim == 2) shape[nd++] = n;
    if (!dims_fit(nd, shape))
        fail_at(loc, "the product of shape %s would have more than %d elements", dims_str(nd, shape), MAX_ELEMENTS);
    output(a, c, x->dtype, nd, shape, true);
    gemm(x->dtype, false, false, m, n, k, x->data, y->data, 0, c->out->data);
}

/* ∂C/∂Y = Xᵀ G for a Y that is transpose(W), as the transpose of Gᵀ X
 * (into scratch, n×k): the sums of ∂C/∂W = Gᵀ X itself, which a replay
 * (replay.c) adds straight into W's gradient without writing Y's out.  BLAS
 * kernels round Xᵀ G and Gᵀ X differently on some CPUs, so both ways must
 * compute the one product. */
static void transposed_operand_grad(const Tensor *x, const Tensor *g, int m, int k, int n, void *scratch, Tensor *y) {
    gemm(x->dtype, true, false, n, k, m, g->data, x->data, 0, scratch);
    transpose_matrix(x->dtype, scratch, n, k, y->grad->data, true);
}

static void matmul_backward(Arena *a, PrimCall *c) {
    Tensor *x = c->in[0], *y = c->in[1], *g = c->out->grad;
    int m, k, n;
    matmul_dims(x, y, &m, &k, &n, (SrcLoc){0});
    if (wants_grad(x)) {   /* ∂C/∂X = G Yᵀ */
        ensure_grad(a, x);
        gemm(x->dtype, false, true, m, k, n, g->data, y->data, 1, x->grad->data);
    }
    if (wants_grad(y)) {   /* ∂C/∂Y = Xᵀ G */
        bool fresh = !y->grad;
        ensure_grad(a, y);
        if (y->transposed && fresh) {
            /* Y's gradient is (Gᵀ X)ᵀ whole: Gᵀ X made in its memory and
             * turned round there, with no W-sized scratch beside it (the peak
             * of an interpreted step of a large model: bench/README.md) */
            gemm(x->dtype, true, false, n, k, m, g->data, x->data, 0, y->grad->data);
            transpose_in_place(x->dtype, y->grad->data, n, k);
        } else if (y->transposed) {     /* the scratch lives for this product only, not as long as a recorded step's arena */
            size_t bytes = dtype_size(x->dtype) * (size_t)n * (size_t)k;
            void *scratch = malloc(bytes);
            if (!scratch) diag_out_of_memory(bytes);
            transposed_operand_grad(x, g, m, k, n, scratch, y);
            free(scratch);
        } else
            gemm(x->dtype, true, false, k, n, m, x->data, g->data, 1, y->grad->data);
    }
}

/* The same product and rules when the right operand Y is transpose(W) and
 * W is at hand: the product reads W with a transpose flag instead of Y, so a
 * replay need not write Y out every step.  BLAS sums each entry in the same
 * order either way (tests/unit/test_replay.c compares). */
/* matmul_dims of a call that has run (a replayed one): the shapes were checked then */
static inline void checked_dims(const Tensor *x, const Tensor *y, int *m, int *k, int *n) {
    *m = x->ndim == 2 ? x->shape[0] : 1;
    *k = x->shape[x->ndim - 1];
    *n = y->ndim == 2 ? y->shape[1] : 1;
}

void matmul_bt_forward(PrimCall *c, const Tensor *w) {
    Tensor *x = c->in[0];
    int m, k, n;
    checked_dims(x, c->in[1], &m, &k, &n);
    gemm(x->dtype, false, true, m, n, k, x->data, w->data, 0, c->out->data);
}

void matmul_bt_backward(Arena *a, PrimCall *c, const Tensor *w, bool grad_into_w, void *scratch) {
    Tensor *x = c->in[0], *y = c->in[1], *g = c->out->grad;
    int m, k, n;
    checked_dims(x, y, &m, &k, &n);
    if (wants_grad(x)) {   /* ∂C/∂X = G Yᵀ = G W */
        ensure_grad(a, x);
        gemm(x->dtype, false, false, m, k, n, g->data, w->data, 1, x->grad->data);
    }
    if (grad_into_w)       /* ∂C/∂W = Gᵀ X, the one term of W's gradient: written whole */
        gemm(x->dtype, true, false, n, k, m, g->data, x->data, 0, w->grad->data);
    else if (wants_grad(y)) {
        ensure_grad(a, y);
        transposed_operand_grad(x, g, m, k, n, scratch, y);
    }
}

static void transpose_into(const Tensor *src, Tensor *dst, bool accumulate) {
    transpose_matrix(src->dtype, src->data, src->shape[0], src->shape[1], dst->data, accumulate);
}

static void transpose_forward(Arena *a, PrimCall *c, SrcLoc loc) {
    Tensor *x = c->in[0];
    if (x->ndim > 2) fail_at(loc, "transpose needs a 1-D or 2-D tensor, got %s", shape_str(x));
    if (x->ndim < 2) { tensor_copy_into(output(a, c, x->dtype, x->ndim, x->shape, false), x); return; }
    int shape[2] = { x->shape[1], x->shape[0] };
    transpose_into(x, output(a, c, x->dtype, 2, shape, false), false);
    c->out->transposed = true;
}

static void transpose_backward(Arena *a, PrimCall *c) {
    Tensor *x = c->in[0];
    if (!wants_grad(x)) return;
    ensure_grad(a, x);
    if (x->ndim < 2) {
        FOR_DTYPE(x, T, { T *gx = x->grad->data; const T *g = c->out->grad->data;
                          for (int i = 0; i < x->size; i++) gx[i] += g[i]; });
        return;
    }
    transpose_into(c->out->grad, x->grad, true);
}

/* ---- reductions --------------------------------------------------------- */

/* Views x as [outer, n, inner] around the reduced axis. */
static void reduce_dims(const Tensor *x, int axis, int *outer, int *n, int *inner) {
    if (axis == AXIS_ALL) { *outer = 1; *n = x->size; *inner = 1; return; }
    *outer = *inner = 1;
    for (int d = 0; d < axis; d++) *outer *= x->shape[d];
    *n = x->shape[axis];
    for (int d = axis + 1; d < x->ndim; d++) *inner *= x->shape[d];
}

static int normalize_axis(const Tensor *x, int axis, SrcLoc loc) {
    if (axis == AXIS_ALL) return axis;
    int ax = axis < 0 ? axis + x->ndim : axis;
    if (ax < 0 || ax >= x->ndim)
        fail_at(loc, "axis %d is out of range for a tensor of shape %s", axis, shape_str(x));
    return ax;
}

static void reduce_forward(Arena *a, PrimCall *c, SrcLoc loc) {
    Tensor *x = c->in[0];
    c->axis = normalize_axis(x, c->axis, loc);
    int outer, n, inner, shape[MAX_DIMS], nd = 0;
    reduce_dims(x, c->axis, &outer, &n, &inner);
    if (c->axis != AXIS_ALL)
        for (int d = 0; d < x->ndim; d++) if (d != c->axis) shape[nd++] = x->shape[d];
    Tensor *out = output(a, c, x->dtype, nd, shape, true);
    double scale = c->op != P_MEAN ? 1.0 : n ? 1.0 / n : NAN;     /* the mean of nothing is NaN, as in numpy and torch */
    FOR_DTYPE(x, T, {
        const T *xv = x->data;
        T *z = out->data;
        for (int o = 0; o < outer; o++)
            for (int i = 0; i < inner; i++) {
                double s = 0;
                for (int j = 0; j < n; j++) s += xv[(o * n + j) * inner + i];
                z[o * inner + i] = (T)(s * scale);
            }
    });
}

static void reduce_backward(Arena *a, PrimCall *c) {
    Tensor *x = c->in[0];
    if (!wants_grad(x)) return;
    ensure_grad(a, x);
    int outer, n, inner;
    reduce_dims(x, c->axis, &outer, &n, &inner);
    double scale = c->op == P_MEAN ? 1.0 / (n ? n : 1) : 1.0;
    FOR_DTYPE(x, T, {
        const T *g = c->out->grad->data;
        T *gx = x->grad->data;
        for (int o = 0; o < outer; o++)
            for (int j = 0; j < n; j++)
                for (int i = 0; i < inner; i++)
                    gx[(o * n + j) * inner + i] += (T)(g[o * inner + i] * scale);
    });
}

/* max over everything or one axis; the gradient goes to the largest
 * element, split evenly among ties (like torch.amax) */
static void max_forward(Arena *a, PrimCall *c, SrcLoc loc) {
    Tensor *x = c->in[0];
    c->axis = normalize_axis(x, c->axis, loc);
    int outer, n, inner, shape[MAX_DIMS], nd = 0;
    reduce_dims(x, c->axis, &outer, &n, &inner);
    if (n == 0) fail_at(loc, "max of an empty tensor (shape %s)", shape_str(x));
    if (c->axis != AXIS_ALL)
        for (int d = 0; d < x->ndim; d++) if (d != c->axis) shape[nd++] = x->shape[d];
    Tensor *out = output(a, c, x->dtype, nd, shape, true);
    FOR_DTYPE(x, T, {
        const T *xv = x->data;
        T *z = out->data;
        for (int o = 0; o < outer; o++)
            for (int i = 0; i < inner; i++) {
                T m = xv[o * n * inner + i];
                for (int j = 1; j < n; j++) {        /* a NaN anywhere is the max, in any order (PyTorch) */
                    T e = xv[(o * n + j) * inner + i];
                    if (e > m || e != e) m = e;
                }
                z[o * inner + i] = m;
            }
    });
}

static void max_backward(Arena *a, PrimCall *c) {
    Tensor *x = c->in[0];
    if (!wants_grad(x)) return;
    ensure_grad(a, x);
    int outer, n, inner;
    reduce_dims(x, c->axis, &outer, &n, &inner);
    FOR_DTYPE(x, T, {
        const T *xv = x->data, *z = c->out->data, *g = c->out->grad->data;
        T *gx = x->grad->data;
        for (int o = 0; o < outer; o++)
            for (int i = 0; i < inner; i++) {
                /* the gradient goes to the elements equal to the max (a NaN max: the NaNs) */
                T m = z[o * inner + i];
                int ties = 0;
                for (int j = 0; j < n; j++) { T e = xv[(o * n + j) * inner + i]; ties += e == m || (e != e && m != m); }
                for (int j = 0; j < n; j++) {
                    T e = xv[(o * n + j) * inner + i];
                    if (e == m || (e != e && m != m)) gx[(o * n + j) * inner + i] += g[o * inner + i] / (T)ties;
                }
            }
    });
}

/* reshape(x, shape): the same elements in the same order; one size may be
 * -1, meaning whatever makes the element count match */
static void reshape_forward(Arena *a, PrimCall *c, SrcLoc loc) {
    Tensor *x = c->in[0], *s = c->in[1];
    if (s->ndim > 1 || s->size > MAX_DIMS)
        fail_at(loc, "reshape needs a shape: a list of up to %d sizes, got a tensor of shape %s", MAX_DIMS, shape_str(s));
    int shape[MAX_DIMS], given[MAX_DIMS], nd = s->ndim == 0 ? 1 : s->size, infer = -1;
    long long known = 1;
    for (int d = 0; d < nd; d++) {
        double v = tensor_get(s, d);
        if (v == -1 && infer < 0) { infer = d; shape[d] = given[d] = -1; continue; }
        if (v < 0 || v != floor(v) || v > MAX_ELEMENTS)
            fail_at(loc, "reshape needs whole sizes >= 0 (and at most one -1), got %s", number_text(v));
        shape[d] = given[d] = (int)v;
        known *= shape[d];
    }
    if (infer >= 0 && known > 0 && x->size % known == 0) shape[infer] = (int)(x->size / known);
    if ((infer >= 0 && (known == 0 || x->size % known != 0)) || (infer < 0 && known != x->size))
        fail_at(loc, "cannot reshape a tensor of shape %s (%d elements) to %s",
                shape_str(x), x->size, dims_str(nd, given));
    output(a, c, x->dtype, nd, shape, true);
    memcpy(c->out->data, x->data, dtype_size(x->dtype) * (size_t)x->size);
}

static void reshape_backward(Arena *a, PrimCall *c) {
    Tensor *x = c->in[0];
    if (!wants_grad(x)) return;
    ensure_grad(a, x);
    FOR_DTYPE(x, T, { T *gx = x->grad->data; const T *g = c->out->grad->data;
                      for (int i = 0; i < x->size; i++) gx[i] += g[i]; });
}

/* ---- softmax and the fused softmax + cross-entropy --------------------- */

static int last_dim(const Tensor *x) { return x->ndim ? x->shape[x->ndim - 1] : 1; }

/* the largest entry mx of a row of length n and lse = log Σ exp(src - mx),
 * declared for what follows; then log softmax of entry j in the row's type */
#define ROW_LOGSUMEXP(T, src, n, mx, lse)                                       \
    T mx = src[0];                                                              \
    for (int j = 1; j < n; j++) if (src[j] > mx) mx = src[j];                   \
    double lse;                                                                 \
    {                                                                           \
        double s = 0;                                                           \
        for (int j = 0; j < n; j++) s += exp((double)src[j] - mx);              \
        lse = log(s);                                                           \
    }
#define LOG_SOFTMAX(T, src, j, mx, lse) ((T)(src[j] - mx - lse))

static void softmax_forward(Arena *a, PrimCall *c, SrcLoc loc) {
    (void)loc;
    Tensor *x = c->in[0], *out = output(a, c, x->dtype, x->ndim, x->shape, true);
    int n = last_dim(x), rows = n ? x->size / n : 0;
    FOR_DTYPE(x, T, {
        for (int r = 0; r < rows; r++) {
            const T *src = (const T *)x->data + r * n;
            T *dst = (T *)out->data + r * n;
            ROW_LOGSUMEXP(T, src, n, mx, lse)
            for (int j = 0; j < n; j++) dst[j] = (T)exp(src[j] - mx - lse);
        }
    });
}

static void softmax_backward(Arena *a, PrimCall *c) {
    Tensor *x = c->in[0];
    if (!wants_grad(x)) return;
    ensure_grad(a, x);
    int n = last_dim(x), rows = n ? x->size / n : 0;
    FOR_DTYPE(x, T, {
        const T *y = c->out->data, *g = c->out->grad->data;
        T *gx = x->grad->data;
        for (int r = 0; r < rows; r++) {      /* ∂x = y ⊙ (g − Σ g⊙y) */
            double dot = 0;
            for (int j = 0; j < n; j++) dot += g[r * n + j] * y[r * n + j];
            for (int j = 0; j < n; j++) gx[r * n + j] += (T)(y[r * n + j] * (g[r * n + j] - dot));
        }
    });
}

static void xent_check(const PrimCall *c, SrcLoc loc) {
    const Tensor *x = c->in[0], *t = c->in[1];
    if (!tensor_same_shape(x, t) || x->ndim < 1 || x->ndim > 2)
        fail_at(loc, "softmax_cross_entropy needs logits and targets of the same 1-D or 2-D shape, got %s and %s",
                shape_str(x), shape_str(t));
}

/* C = −(1/B) Σ_b Σ_j t_bj log softmax(x_b)_j */
static void xent_forward(Arena *a, PrimCall *c, SrcLoc loc) {
    xent_check(c, loc);
    Tensor *x = c->in[0], *t = c->in[1];
    int n = last_dim(x), rows = n ? x->size / n : 0;
    output(a, c, x->dtype, 0, NULL, true);
    if (!c->kept || c->kept[0] != rows) c->kept = arena_alloc_raw(a, sizeof(double) * (size_t)(2 * rows + 1));
    c->kept[0] = rows;
    double total = 0;
    FOR_DTYPE(x, T, {
        for (int r = 0; r < rows; r++) {
            const T *src = (const T *)x->data + r * n, *tv = (const T *)t->data + r * n;
            ROW_LOGSUMEXP(T, src, n, mx, lse)
            c->kept[1 + 2 * r] = mx;
            c->kept[2 + 2 * r] = lse;
            for (int j = 0; j < n; j++) if (tv[j] != 0) total -= (double)tv[j] * LOG_SOFTMAX(T, src, j, mx, lse);
        }
    });
    tensor_set(c->out, 0, rows ? total / rows : 0);
}

static void xent_backward(Arena *a, PrimCall *c) {
    Tensor *x = c->in[0], *t = c->in[1];
    int n = last_dim(x), rows = n ? x->size / n : 0;
    double g = tensor_get(c->out->grad, 0) / (rows ? rows : 1);
    if (wants_grad(x)) ensure_grad(a, x);
    if (wants_grad(t)) ensure_grad(a, t);
    FOR_DTYPE(x, T, {
        for (int r = 0; r < rows; r++) {
            const T *src = (const T *)x->data + r * n, *tv = (const T *)t->data + r * n;
            T mx;
            double lse;
            if (c->kept && c->kept[0] == rows) {    /* the forward's, bit for bit */
                mx = (T)c->kept[1 + 2 * r];
                lse = c->kept[2 + 2 * r];
            } else {
                ROW_LOGSUMEXP(T, src, n, mx_again, lse_again)
                mx = mx_again;
                lse = lse_again;
            }
            double tsum = 0;
            for (int j = 0; j < n; j++) tsum += tv[j];
            for (int j = 0; j < n; j++) {   /* ∂x = (softmax(x) Σt − t) / B */
                T ls = LOG_SOFTMAX(T, src, j, mx, lse);
                if (wants_grad(x)) ((T *)x->grad->data)[r * n + j] += (T)(g * (exp(ls) * tsum - tv[j]));
                if (wants_grad(t)) ((T *)t->grad->data)[r * n + j] += (T)(-g * ls);
            }
        }
    });
}

/* ---- where -------------------------------------------------------------- */

static void where_forward(Arena *a, PrimCall *c, SrcLoc loc) {
    if (c->pattern) {
        where_fast(c->pattern, c->in[0], c->in[1], c->in[2], c->out);
        return;
    }
    Pattern p;
    if (pattern_of(c->in, 3, &p)) {
        output(a, c, c->in[1]->dtype, p.ndim, p.shape, false);
        where_fast(&p, c->in[0], c->in[1], c->in[2], c->out);
        return;
    }
    Bcast b;
    bcast_setup(&b, c->in, 3, loc);
    Tensor *out = output(a, c, c->in[1]->dtype, b.ndim, b.shape, true);
    FOR_DTYPE(out, T, {
        const T *cond = c->in[0]->data, *x = c->in[1]->data, *y = c->in[2]->data;
        T *z = out->data;
        for (int i = 0; i < b.size; i++, bcast_next(&b))
            z[i] = cond[b.off[0]] != 0 ? x[b.off[1]] : y[b.off[2]];
    });
}

static void where_backward(Arena *a, PrimCall *c) {
    Tensor *x = c->in[1], *y = c->in[2];
    bool gx_on = wants_grad(x), gy_on = wants_grad(y);
    if (gx_on) ensure_grad(a, x);
    if (gy_on) ensure_grad(a, y);
    Pattern p;
    const Pattern *kept = c->pattern ? c->pattern : pattern_of(c->in, 3, &p) ? &p : NULL;
    if (kept) {
        where_backward_fast(kept, c->in[0], c->out->grad, gx_on ? x->grad : NULL, gy_on ? y->grad : NULL);
        return;
    }
    Bcast b;
    bcast_setup(&b, c->in, 3, (SrcLoc){0});
    FOR_DTYPE(x, T, {
        const T *cond = c->in[0]->data, *g = c->out->grad->data;
        for (int i = 0; i < b.size; i++, bcast_next(&b)) {
            bool pick_x = cond[b.off[0]] != 0;
            if (pick_x && gx_on) ((T *)x->grad->data)[b.off[1]] += g[i];
            if (!pick_x && gy_on) ((T *)y->grad->data)[b.off[2]] += g[i];
        }
    });
}

bool prim_keep_pattern(Arena *a, PrimCall *c) {
    c->pattern = NULL;
    bool elementwise = prims[c->op].forward == binary_forward || c->op == P_WHERE;
    Pattern p;
    if (!elementwise || !c->out || !pattern_of(c->in, c->nin, &p) || p.ndim != c->out->ndim) return false;
    for (int d = 0; d < p.ndim; d++) if (p.shape[d] != c->out->shape[d]) return false;
    Pattern *kept = arena_alloc(a, sizeof *kept);
    *kept = p;
    c->pattern = kept;
    return true;
}

/* ---- the table ------------------------------------------------------------ */

/* name, tensor inputs, takes an axis, differentiable, forward and backward
 * math, forward and backward rule; other fields follow by name */
#define PRIM(nm, ar, ax, df, fm, bm, fw, bw)                                     \
    .name = nm, .arity = ar, .takes_axis = ax, .differentiable = df, .forward_math = fm, \
    .backward_math = bm, .forward = fw, .backward = bw
#define BIN(nm, fm, bm) { PRIM(nm, 2, false, true, fm, bm, binary_forward, binary_backward) }
#define CMP(nm, fm) { PRIM(nm, 2, false, false, fm, "no gradient", binary_forward, NULL) }
#define UN(nm, fm, bm) { PRIM(nm, 1, false, true, fm, bm, unary_forward, unary_backward) }

const Prim prims[P_COUNT] = {
    [P_ADD] = BIN("add", "x + y", "∂x = g, ∂y = g (summed over broadcast dims)"),
    [P_SUB] = BIN("sub", "x - y", "∂x = g, ∂y = -g"),
    [P_MUL] = BIN("mul", "x * y", "∂x = g y, ∂y = g x"),
    [P_DIV] = BIN("div", "x / y", "∂x = g / y, ∂y = -g x / y²"),
    [P_POW] = BIN("pow", "x ^ y", "∂x = g y x^(y-1), ∂y = g x^y log x"),
    [P_MAXIMUM] = BIN("maximum", "max(x, y) elementwise", "g goes to the larger (split on ties)"),
    [P_MINIMUM] = BIN("minimum", "min(x, y) elementwise", "g goes to the smaller (split on ties)"),
    [P_GT] = CMP("gt", "x > y"), [P_GE] = CMP("ge", "x >= y"),
    [P_LT] = CMP("lt", "x < y"), [P_LE] = CMP("le", "x <= y"),
    [P_EQ] = CMP("eq", "x == y"), [P_NE] = CMP("ne", "x != y"),
    [P_NEG] = UN("neg", "-x", "∂x = -g"),
    [P_EXP] = UN("exp", "e^x", "∂x = g e^x"),
    [P_LOG] = UN("log", "ln x", "∂x = g / x"),
    [P_SQRT] = UN("sqrt", "√x", "∂x = g / (2√x)"),
    [P_ABS] = UN("abs", "|x|", "∂x = g sign(x)"),
    [P_TANH] = UN("tanh", "tanh x", "∂x = g (1 - tanh² x)"),
    [P_SIGMOID] = UN("sigmoid", "σ(x) = 1 / (1 + e^-x)", "∂x = g σ(x)(1 - σ(x))"),
    [P_FLOOR] = UN("floor", "⌊x⌋, the largest whole number <= x", "∂x = 0"),
    [P_STEP] = { PRIM("step", 1, false, false, "1 if x > 0, else 0", "none: a backward pass reaching it is an error",
                      unary_forward, NULL), .forward_only = true },
    [P_MATMUL] = { PRIM("matmul", 2, false, true, "X @ Y", "∂X = G Yᵀ, ∂Y = Xᵀ G",
                   matmul_forward, matmul_backward) },
    [P_TRANSPOSE] = { PRIM("transpose", 1, false, true, "Xᵀ", "∂X = Gᵀ", transpose_forward, transpose_backward) },
    [P_SUM] = { PRIM("sum", 1, true, true, "Σ x (over all, or one axis)", "∂x = g broadcast back",
                reduce_forward, reduce_backward) },
    [P_MEAN] = { PRIM("mean", 1, true, true, "Σ x / n", "∂x = g / n broadcast back",
                 reduce_forward, reduce_backward) },
    [P_MAX] = { PRIM("max", 1, true, true, "the largest x (over all, or along one axis)",
                "∂x = g at the largest (split on ties)", max_forward, max_backward) },
    [P_RESHAPE] = { PRIM("reshape", 2, false, true, "x with the sizes in shape (one may be -1)", "∂x = g with x's sizes",
                    reshape_forward, reshape_backward), .operands = { "x", "shape" } },
    [P_SOFTMAX] = { PRIM("softmax", 1, false, true, "e^x_j / Σ_k e^x_k along the last axis",
                    "∂x = y ⊙ (g − Σ g⊙y)", softmax_forward, softmax_backward) },
    [P_SOFTMAX_CROSS_ENTROPY] = { PRIM("softmax_cross_entropy", 2, false, true,
                    "−(1/B) Σ t ⊙ log softmax(x)", "∂x = g (softmax(x) Σt − t) / B",
                    xent_forward, xent_backward) },
    [P_WHERE] = { PRIM("where", 3, false, true, "c ? x : y elementwise", "∂x = g where c, ∂y = g elsewhere",
                  where_forward, where_backward), .operands = { "cond", "x", "y" } },
};

const char *prim_operand(PrimOp op, int k) {
    static const char *const xyz[MAX_PRIM_INPUTS] = { "x", "y", "z" };
    return prims[op].operands[k] ? prims[op].operands[k] : xyz[k];
}

Tensor *prim_forward(Arena *a, PrimOp op, Tensor **in, int nin, int axis, SrcLoc loc) {
    PrimCall c = { .op = op, .nin = nin, .axis = axis };
    for (int i = 0; i < nin; i++) c.in[i] = in[i];
    prims[op].forward(a, &c, loc);
    return c.out;
}
