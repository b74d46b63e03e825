/* kernels.c — the fast loops of the elementwise primitives (see kernels.h).
 * Each computes exactly what prims.c's general broadcast walk computes, in
 * the same order and the same precision, with the op chosen once per call
 * instead of once per element.
 * Must not: allocate, record, or handle a broadcast pattern_of rejects. */
#include "tensor/vectorize.h"
#include "autodiff/kernels.h"
#include <math.h>

VECTORIZE_BEGIN

bool pattern_of(Tensor *const *in, int nin, Pattern *p) {
    const Tensor *big = in[0];
    for (int k = 1; k < nin; k++)
        if (in[k]->size > big->size || (in[k]->size == big->size && in[k]->ndim > big->ndim)) big = in[k];
    if (big->size == 0) return false;
    p->ndim = big->ndim;
    for (int d = 0; d < big->ndim; d++) p->shape[d] = big->shape[d];
    p->cols = big->ndim ? big->shape[big->ndim - 1] : 1;
    p->rows = big->size / p->cols;
    for (int k = 0; k < nin; k++) {
        const Tensor *t = in[k];
        if (tensor_same_shape(t, big)) { p->row[k] = p->cols; p->col[k] = 1; continue; }
        if (t->ndim > big->ndim) return false;
        if (t->size == 1) { p->row[k] = 0; p->col[k] = 0; continue; }
        if (t->size == p->cols && t->shape[t->ndim - 1] == p->cols) { p->row[k] = 0; p->col[k] = 1; continue; }
        if (big->ndim == 2 && t->ndim == 2 && t->shape[0] == p->rows && t->shape[1] == 1) {
            p->row[k] = 1; p->col[k] = 0;
            continue;
        }
        return false;
    }
    /* every input of the output's shape or a single number: one row of all
     * the elements, so a loop is set up once, not once per row of a thin
     * matrix ([4, 1]) */
    bool whole = true;
    for (int k = 0; k < nin; k++) whole &= (p->row[k] == p->cols && p->col[k] == 1) || (p->row[k] == 0 && p->col[k] == 0);
    if (whole) {
        p->cols = big->size;
        p->rows = 1;
        for (int k = 0; k < nin; k++) if (p->col[k]) p->row[k] = p->cols;
    }
    return true;
}

/* BODY runs for every output element (r, c) with u, v the inputs; the
 * common strides get loops of their own so that they vectorise. */
#define EACH_PAIR(T, BODY)                                                                  \
    for (int r = 0; r < p->rows; r++) {                                                     \
        const T *xr = (const T *)x->data + (size_t)r * (size_t)p->row[0];                   \
        const T *yr = (const T *)y->data + (size_t)r * (size_t)p->row[1];                   \
        T *zr = (T *)out->data + (size_t)r * (size_t)p->cols;                               \
        int n = p->cols;                                                                    \
        if (p->col[0] && p->col[1]) for (int c = 0; c < n; c++) { T u = xr[c], v = yr[c]; BODY } \
        else if (p->col[0]) { T v = yr[0]; for (int c = 0; c < n; c++) { T u = xr[c]; BODY } } \
        else if (p->col[1]) { T u = xr[0]; for (int c = 0; c < n; c++) { T v = yr[c]; BODY } } \
        else { T u = xr[0], v = yr[0]; for (int c = 0; c < n; c++) { BODY } }            \
    }

#define FAST_CASE(OP, EXPR) case OP: EACH_PAIR(T, zr[c] = (EXPR);) return true;
TWIN_BODY bool binary_fast_body(PrimOp op, const Pattern *p, const Tensor *x, const Tensor *y, Tensor *out) {
    FOR_DTYPE(out, T, {
        switch (op) {
        BINARY_ELEMENT_OPS(FAST_CASE)
        default: return false;
        }
    });
    return false;
}
#undef FAST_CASE

/* BODY computes dx and dy from u, v and gi for element (r, c); they are added
 * into gx and gy at the inputs' positions, in the order of the general walk. */
#define EACH_GRAD(T, BODY)                                                                  \
    for (int r = 0; r < p->rows; r++) {                                                     \
        const T *xr = (const T *)x->data + (size_t)r * (size_t)p->row[0];                   \
        const T *yr = (const T *)y->data + (size_t)r * (size_t)p->row[1];                   \
        const T *gr = (const T *)g->data + (size_t)r * (size_t)p->cols;                     \
        T *gxr = gx ? (T *)gx->data + (size_t)r * (size_t)p->row[0] : NULL;                 \
        T *gyr = gy ? (T *)gy->data + (size_t)r * (size_t)p->row[1] : NULL;                 \
        int xc = p->col[0], yc = p->col[1], n = p->cols;                                    \
        /* the usual strides get loops of their own, which vectorise */                    \
        if (xc && yc && gxr && gyr)       /* a bias: x + b */                               \
            for (int c = 0; c < n; c++) {                                                   \
                T u = xr[c], v = yr[c], gi = gr[c], dx, dy;                                 \
                (void)u; (void)v;                                                           \
                BODY                                                                        \
                gxr[c] += dx;                                                               \
                gyr[c] += dy;                                                               \
            }                                                                               \
        else if (xc && yc && gxr)         /* the other operand a constant */               \
            for (int c = 0; c < n; c++) {                                                   \
                T u = xr[c], v = yr[c], gi = gr[c], dx, dy;                                 \
                (void)u; (void)v; (void)dy;                                                 \
                BODY                                                                        \
                gxr[c] += dx;                                                               \
            }                                                                               \
        else if (xc && gxr && !gyr) {     /* times or minus a constant number */          \
            T v = yr[0];                                                                    \
            for (int c = 0; c < n; c++) {                                                   \
                T u = xr[c], gi = gr[c], dx, dy;                                            \
                (void)u; (void)v; (void)dy;                                                 \
                BODY                                                                        \
                gxr[c] += dx;                                                               \
            }                                                                               \
        } else                                                                              \
            for (int c = 0; c < n; c++) {                                                   \
                T u = xr[c * xc], v = yr[c * yc], gi = gr[c], dx, dy;                       \
                (void)u; (void)v;                                                           \
                BODY                                                                        \
                if (gxr) gxr[c * xc] += dx;                                                 \
                if (gyr) gyr[c * yc] += dy;                                                 \
            }                                                                               \
    }

TWIN_BODY bool binary_backward_body(PrimOp op, const Pattern *p, const Tensor *x, const Tensor *y, const Tensor *g,
                                    Tensor *gx, Tensor *gy) {
    FOR_DTYPE(g, T, {
        switch (op) {
        case P_ADD: EACH_GRAD(T, dx = gi; dy = gi;) return true;
        case P_SUB: EACH_GRAD(T, dx = gi; dy = -gi;) return true;
        case P_MUL: EACH_GRAD(T, dx = gi * v; dy = gi * u;) return true;
        case P_DIV: EACH_GRAD(T, dx = gi / v; dy = -gi * u / (v * v);) return true;
        case P_POW:     /* x ^ c (mse's square): prims.c's rule, with pow(u, 1) = u exactly */
            if (gy) return false;
            EACH_GRAD(T, dx = v == 0 ? 0 : (T)(gi * v * (v == 2 ? (double)u : pow(u, v - 1))); dy = 0;)
            return true;
        case P_MAXIMUM: case P_MINIMUM: {
            bool max = op == P_MAXIMUM;
            /* ties split the gradient, as PyTorch does */
            EACH_GRAD(T, bool first = (max ? u > v : u < v) || u != u;   /* the side the forward took */
                         if (u == v) { dx = gi / 2; dy = gi / 2; }
                         else if (first) { dx = gi; dy = 0; }
                         else { dx = 0; dy = gi; })
            return true;
        }
        default: return false;
        }
    });
    return false;
}

SIMD_CLONES void where_fast(const Pattern *p, const Tensor *cond, const Tensor *x, const Tensor *y, Tensor *out) {
    FOR_DTYPE(out, T, {
        for (int r = 0; r < p->rows; r++) {
            const T *cr = (const T *)cond->data + (size_t)r * (size_t)p->row[0];
            const T *xr = (const T *)x->data + (size_t)r * (size_t)p->row[1];
            const T *yr = (const T *)y->data + (size_t)r * (size_t)p->row[2];
            T *zr = (T *)out->data + (size_t)r * (size_t)p->cols;
            int cc = p->col[0], xc = p->col[1], yc = p->col[2];
            if (cc && xc && !yc) {      /* relu's where(x > 0, x, 0): a loop that vectorises */
                T y0 = yr[0];
                for (int c = 0, n = p->cols; c < n; c++) {
                    T xv = xr[c];   /* loaded either way: GCC selects only between loaded values */
                    zr[c] = cr[c] != 0 ? xv : y0;
                }
                continue;
            }
            for (int c = 0; c < p->cols; c++) zr[c] = cr[c * cc] != 0 ? xr[c * xc] : yr[c * yc];
        }
    });
}

/* gx[i] += g[i] where cond[i] != 0, for relu's gradient, as a loop that
 * vectorises: every element gets an addition, of -0.0 where cond is 0, which
 * leaves every value as it was (-0.0 + -0.0 included) */
#define SELECT_ADD(NAME, T)                                                     \
    static void NAME(T *gx, const T *cond, const T *g, int n) {                \
        for (int i = 0; i < n; i++) {                                           \
            T gi = g[i];                                                        \
            gx[i] += cond[i] != 0 ? gi : (T)-0.0;                               \
        }                                                                       \
    }
SELECT_ADD(select_add_f, float)
SELECT_ADD(select_add_d, double)

SIMD_CLONES void where_backward_fast(const Pattern *p, const Tensor *cond, const Tensor *g, Tensor *gx, Tensor *gy) {
    FOR_DTYPE(g, T, {
        for (int r = 0; r < p->rows; r++) {
            const T *cr = (const T *)cond->data + (size_t)r * (size_t)p->row[0];
            const T *gr = (const T *)g->data + (size_t)r * (size_t)p->cols;
            T *gxr = gx ? (T *)gx->data + (size_t)r * (size_t)p->row[1] : NULL;
            T *gyr = gy ? (T *)gy->data + (size_t)r * (size_t)p->row[2] : NULL;
            int cc = p->col[0], xc = p->col[1], yc = p->col[2];
            if (cc && xc && gxr && !gyr) {      /* relu's: every element stored, as a select */
                if (sizeof(T) == sizeof(float)) select_add_f((float *)gxr, (const float *)cr, (const float *)gr, p->cols);
                else select_add_d((double *)gxr, (const double *)cr, (const double *)gr, p->cols);
                continue;
            }
            for (int c = 0; c < p->cols; c++) {
                bool pick_x = cr[c * cc] != 0;
                if (pick_x && gxr) gxr[c * xc] += gr[c];
                if (!pick_x && gyr) gyr[c * yc] += gr[c];
            }
        }
    });
}
VECTORIZE_END

/* the twins of binary_fast and binary_backward_fast (vectorize.h's TWIN_BODY) */
VECTORIZE_BEGIN
SIMD_CLONES static bool binary_fast_vector(PrimOp op, const Pattern *p, const Tensor *x, const Tensor *y, Tensor *out) {
    return binary_fast_body(op, p, x, y, out);
}
SIMD_CLONES static bool binary_backward_vector(PrimOp op, const Pattern *p, const Tensor *x, const Tensor *y,
                                               const Tensor *g, Tensor *gx, Tensor *gy) {
    return binary_backward_body(op, p, x, y, g, gx, gy);
}
VECTORIZE_END

bool binary_fast(PrimOp op, const Pattern *p, const Tensor *x, const Tensor *y, Tensor *out) {
    return p->cols < VECTOR_ROW ? binary_fast_body(op, p, x, y, out) : binary_fast_vector(op, p, x, y, out);
}

bool binary_backward_fast(PrimOp op, const Pattern *p, const Tensor *x, const Tensor *y, const Tensor *g,
                          Tensor *gx, Tensor *gy) {
    return p->cols < VECTOR_ROW ? binary_backward_body(op, p, x, y, g, gx, gy)
                                : binary_backward_vector(op, p, x, y, g, gx, gy);
}
