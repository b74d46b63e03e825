/* fused.c — a layer's bias and its activation, and mse's P - T, ^ k and
 * mean, each as one pass forward and one backward, for replayed training
 * steps (replay.c chooses where); a tiny dense layer's product, bias and
 * activation as one (train/tinystep.c chooses where).
 * Must not: compute anything differently from the primitives it stands in
 * for: each element gets the expressions of kernels.h and the additions of
 * prims.c's rules, in the same order, so a replay stays bit-identical to the
 * interpreter. */
#include "autodiff/kernels.h"
#include "tensor/vectorize.h"
#include "autodiff/prims.h"

/* A = M + b with M 2-D and b a row of its width, all of one dtype */
static bool bias_add(const PrimCall *add) {
    const Tensor *m = add->in[0], *b = add->in[1];
    return add->op == P_ADD && m->ndim == 2 && b->ndim == 1 && b->size == m->shape[1] && m->dtype == b->dtype &&
           add->out && add->out->dtype == m->dtype;
}

bool bias_activation_fusable(const PrimCall *add, const PrimCall *act) {
    return bias_add(add) && act->nin == 1 && act->in[0] == add->out && act->op >= P_NEG && act->op <= P_SIGMOID &&
           act->out && act->out->dtype == add->out->dtype;
}

bool bias_relu_fusable(const PrimCall *add, const PrimCall *gt, const PrimCall *sel) {
    DType dt = add->out ? add->out->dtype : DT_F32;
    return bias_add(add) && gt->op == P_GT && gt->in[0] == add->out && gt->in[1]->size == 1 &&
           gt->in[1]->dtype == dt && gt->out && !gt->out->requires_grad && gt->out->dtype == dt &&
           sel->op == P_WHERE && sel->in[0] == gt->out && sel->in[1] == add->out && sel->in[2]->size == 1 &&
           !sel->in[2]->requires_grad && sel->in[2]->dtype == dt && sel->out && sel->out->dtype == dt;
}

/* D = P - T, Q = D ^ k, L = mean(Q): mse as the stdlib writes it */
bool squared_error_fusable(const PrimCall *sub, const PrimCall *pw, const PrimCall *mean) {
    const Tensor *pr = sub->in[0], *t = sub->in[1];
    DType dt = pr->dtype;
    return sub->op == P_SUB && sub->out && tensor_same_shape(pr, t) && tensor_same_shape(pr, sub->out) &&
           t->dtype == dt && sub->out->dtype == dt && !t->requires_grad && pr->size > 0 &&
           pw->op == P_POW && pw->in[0] == sub->out && pw->in[1]->size == 1 && pw->in[1]->dtype == dt &&
           !pw->in[1]->requires_grad && pw->out && tensor_same_shape(pw->out, pr) && pw->out->dtype == dt &&
           mean->op == P_MEAN && mean->in[0] == pw->out && mean->axis == AXIS_ALL && mean->out && mean->out->dtype == dt;
}

/* ∂M += ∂A and ∂b += ∂A, row by row as add's rule adds them, with ∂A for
 * element i made by the statements given (ga = 0, then they add to it, as the
 * activation's rule adds into a zeroed gradient) */
#define ADD_GRADS(T, ...)                                                             \
    for (int r = 0; r < rows; r++) {                                                  \
        size_t at = (size_t)r * (size_t)n;                                            \
        T *gmr = gm ? gm + at : NULL;                                                 \
        if (gmr && gb)                                                                \
            for (int c = 0; c < n; c++) { size_t i = at + c; T ga = 0; __VA_ARGS__ gmr[c] += ga; gb[c] += ga; } \
        else if (gmr)                                                                 \
            for (int c = 0; c < n; c++) { size_t i = at + c; T ga = 0; __VA_ARGS__ gmr[c] += ga; } \
        else if (gb)                                                                  \
            for (int c = 0; c < n; c++) { size_t i = at + c; T ga = 0; __VA_ARGS__ gb[c] += ga; } \
    }

#define UNARY_AT(OP, EXPR) case OP: for (int c = 0; c < n; c++) { T u = mr[c] + bv[c]; ar[c] = u; zr[c] = (EXPR); } break;

VECTORIZE_BEGIN

/* A = M + b and Z = act(A) (A is written too: act's rule may read it) */
TWIN_BODY void bias_activation_forward_body(PrimCall *add, PrimCall *act) {
    const Tensor *m = add->in[0], *b = add->in[1];
    int rows = m->shape[0], n = m->shape[1];
    FOR_DTYPE(m, T, {
        const T *bv = b->data;
        for (int r = 0; r < rows; r++) {
            size_t at = (size_t)r * (size_t)n;
            const T *mr = (const T *)m->data + at;
            T *ar = (T *)add->out->data + at, *zr = (T *)act->out->data + at;
            switch (act->op) {
            UNARY_ELEMENT_OPS(UNARY_AT)
            default: break;      /* bias_activation_fusable admits no other op */
            }
        }
    });
}

#define DERIVATIVE_CASE(OP, EXPR)                                                     \
    case OP: ADD_GRADS(T, { T u = xv[i], y = yv[i], d = (EXPR); (void)u; (void)y; ga += g[i] * d; }) break;

/* act's rule, ∂A = 0 + ∂Z·act'(A) (A's gradient is not kept: only act
 * reads A), then add's */
TWIN_BODY void bias_activation_backward_body(Arena *a, PrimCall *add, PrimCall *act) {
    Tensor *m = add->in[0], *b = add->in[1];
    int rows = m->shape[0], n = m->shape[1];
    if (m->requires_grad) ensure_grad(a, m);
    if (b->requires_grad) ensure_grad(a, b);
    PrimOp op = act->op;
    FOR_DTYPE(m, T, {
        const T *xv = add->out->data, *yv = act->out->data, *g = act->out->grad->data;
        T *gm = m->requires_grad ? m->grad->data : NULL, *gb = b->requires_grad ? b->grad->data : NULL;
        switch (op) {      /* the op outside the loops, so that each vectorises */
        UNARY_DERIVATIVES(DERIVATIVE_CASE)
        default: break;      /* bias_activation_fusable admits no other op */
        }
    });
}

/* A = M + b, C = A > k, Z = where(C, A, y0) */
TWIN_BODY void bias_relu_forward_body(PrimCall *add, PrimCall *gt, PrimCall *sel) {
    const Tensor *m = add->in[0], *b = add->in[1];
    int rows = m->shape[0], n = m->shape[1];
    FOR_DTYPE(m, T, {
        const T *bv = b->data;
        T k = *(const T *)gt->in[1]->data, y0 = *(const T *)sel->in[2]->data;
        for (int r = 0; r < rows; r++) {
            size_t at = (size_t)r * (size_t)n;
            const T *mr = (const T *)m->data + at;
            T *ar = (T *)add->out->data + at, *cr = (T *)gt->out->data + at, *zr = (T *)sel->out->data + at;
            for (int c = 0; c < n; c++) {
                T u = mr[c] + bv[c], cond = (T)(u > k);
                ar[c] = u;
                cr[c] = cond;
                zr[c] = cond != 0 ? u : y0;
            }
        }
    });
}

/* where's rule, ∂A = 0 + (C ? ∂Z : -0.0) as where_backward_fast adds it,
 * then add's */
TWIN_BODY void bias_relu_backward_body(Arena *a, PrimCall *add, PrimCall *gt, PrimCall *sel) {
    Tensor *m = add->in[0], *b = add->in[1];
    int rows = m->shape[0], n = m->shape[1];
    if (m->requires_grad) ensure_grad(a, m);
    if (b->requires_grad) ensure_grad(a, b);
    FOR_DTYPE(m, T, {
        const T *cv = gt->out->data, *g = sel->out->grad->data;
        T *gm = m->requires_grad ? m->grad->data : NULL, *gb = b->requires_grad ? b->grad->data : NULL;
        ADD_GRADS(T, { T gi = g[i]; ga += cv[i] != 0 ? gi : (T)-0.0; })
    });
}

VECTORIZE_END

/* q = pow's expression of kernels.h for u ^ v, in T */
#define POW_OF(OP, EXPR) case OP: q = (EXPR); break;

/* sub's, pow's and mean's forward rules element by element: D and Q
 * written, Q's elements summed in double in order, as reduce_forward does */
void squared_error_forward(PrimCall *sub, PrimCall *pw, PrimCall *mean) {
    int n = sub->out->size;
    double scale = 1.0 / n;
    FOR_DTYPE(sub->out, T, {
        const T *pv = sub->in[0]->data, *tv = sub->in[1]->data;
        T *dv = sub->out->data, *qv = pw->out->data, v = *(const T *)pw->in[1]->data;
        double s = 0;
        for (int i = 0; i < n; i++) {
            T u = pv[i] - tv[i], q = 0;
            dv[i] = u;
            switch (P_POW) { BINARY_ELEMENT_OPS(POW_OF) default: break; }
            qv[i] = q;
            s += qv[i];
        }
        *(T *)mean->out->data = (T)(s * scale);
    });
}

/* mean's, pow's and sub's rules in turn on each element: ∂Q and ∂D written
 * whole, as 0 + the one term each gets (the replay does not zero them),
 * then ∂P += ∂D */
void squared_error_backward(Arena *a, PrimCall *sub, PrimCall *pw, PrimCall *mean) {
    Tensor *pr = sub->in[0];
    ensure_grad(a, sub->out);
    ensure_grad(a, pw->out);
    if (pr->requires_grad) ensure_grad(a, pr);
    int n = sub->out->size;
    double scale = 1.0 / n;
    FOR_DTYPE(sub->out, T, {
        const T *dv = sub->out->data, g = *(const T *)mean->out->grad->data, v = *(const T *)pw->in[1]->data;
        T *gq = pw->out->grad->data, *gd = sub->out->grad->data, *gp = pr->requires_grad ? pr->grad->data : NULL;
        for (int i = 0; i < n; i++) {
            T gi = (T)0 + (T)(g * scale), u = dv[i];
            gq[i] = gi;
            T dx = v == 0 ? 0 : (T)(gi * v * (v == 2 ? (double)u : pow(u, v - 1)));
            gd[i] = (T)0 + dx;
            if (gp) gp[i] += gd[i];
        }
    });
}

/* each vectorised (SIMD_CLONES) and plain for rows of a few numbers (vectorize.h's TWIN_BODY) */
VECTORIZE_BEGIN
SIMD_CLONES static void bias_activation_forward_vector(PrimCall *add, PrimCall *act) {
    bias_activation_forward_body(add, act);
}
SIMD_CLONES static void bias_activation_backward_vector(Arena *a, PrimCall *add, PrimCall *act) {
    bias_activation_backward_body(a, add, act);
}
SIMD_CLONES static void bias_relu_forward_vector(PrimCall *add, PrimCall *gt, PrimCall *sel) {
    bias_relu_forward_body(add, gt, sel);
}
SIMD_CLONES static void bias_relu_backward_vector(Arena *a, PrimCall *add, PrimCall *gt, PrimCall *sel) {
    bias_relu_backward_body(a, add, gt, sel);
}
VECTORIZE_END

static bool short_rows(const PrimCall *add) { return add->in[0]->shape[1] < VECTOR_ROW; }

void bias_activation_forward(PrimCall *add, PrimCall *act) {
    if (short_rows(add)) bias_activation_forward_body(add, act); else bias_activation_forward_vector(add, act);
}

void bias_activation_backward(Arena *a, PrimCall *add, PrimCall *act) {
    if (short_rows(add)) bias_activation_backward_body(a, add, act); else bias_activation_backward_vector(a, add, act);
}

void bias_relu_forward(PrimCall *add, PrimCall *gt, PrimCall *sel) {
    if (short_rows(add)) bias_relu_forward_body(add, gt, sel); else bias_relu_forward_vector(add, gt, sel);
}

void bias_relu_backward(Arena *a, PrimCall *add, PrimCall *gt, PrimCall *sel) {
    if (short_rows(add)) bias_relu_backward_body(a, add, gt, sel); else bias_relu_backward_vector(a, add, gt, sel);
}

/* ---- a tiny dense layer --------------------------------------------------- */

bool dense_layer_of(const PrimCall *mm, const Tensor *w, PrimCall *add, PrimCall *act, PrimCall *sel, DenseLayer *d) {
    Tensor *x = mm->in[0], *p = mm->out;
    if (mm->op != P_MATMUL || !p || add->in[0] != p) return false;
    if (sel ? !bias_relu_fusable(add, act, sel) : !bias_activation_fusable(add, act)) return false;
    if (x->ndim != 2 || w->ndim != 2 || p->ndim != 2 || x->dtype != p->dtype || w->dtype != p->dtype ||
        w->shape[1] != x->shape[1] || p->shape[0] != x->shape[0] || p->shape[1] != w->shape[0])
        return false;
    bool has_derivative = sel != NULL;          /* relu's where has its rule; a unary op needs one */
#define HAS_DERIVATIVE(OP, EXPR) has_derivative |= act->op == OP;
    UNARY_DERIVATIVES(HAS_DERIVATIVE)
#undef HAS_DERIVATIVE
    Tensor *b = add->in[1], *z = sel ? sel->out : act->out;
    if (!has_derivative || !p->grad || !b->grad || !w->grad || !z->grad || (x->requires_grad && !x->grad) ||
        !w->requires_grad || !b->requires_grad || !p->requires_grad)
        return false;
    *d = (DenseLayer){ add, act, sel, x, (Tensor *)w, p, x->shape[0], w->shape[0], x->shape[1] };
    return true;
}

/* BODY(N) for N the number of terms of each sum, a constant 1 to 4 (which
 * the loops marked UNROLLED then write out term by term: xor's sums have
 * 1, 2 or 4 terms) or `terms` */
#define UNROLLED _Pragma("GCC unroll 4")
#define TERMS_CASES(terms, BODY)                                                      \
    switch (terms) {                                                                  \
    case 1: BODY(1) break;                                                            \
    case 2: BODY(2) break;                                                            \
    case 3: BODY(3) break;                                                            \
    case 4: BODY(4) break;                                                            \
    default: BODY(terms) break;                                                       \
    }

/* P = X Wᵀ: each entry summed from 0 in the order q = 0, 1, ..., as gemm's
 * own loops sum it (matmul.h) */
#define FORWARD_SUMS(K)                                                               \
    for (int i = 0; i < m; i++)                                                       \
        for (int j = 0; j < n; j++) {                                                 \
            const T *xr = xv + (size_t)i * (size_t)(K), *wr = wv + (size_t)j * (size_t)(K); \
            T s = 0;                                                                  \
            UNROLLED for (int q = 0; q < (K); q++) s += xr[q] * wr[q];                \
            pv[(size_t)i * (size_t)n + (size_t)j] = s;                                \
        }

void dense_forward(const DenseLayer *d) {
    int m = d->m, n = d->n, k = d->k;
    FOR_DTYPE(d->x, T, {
        const T *xv = d->x->data, *wv = d->w->data;
        T *pv = d->p->data;
        TERMS_CASES(k, FORWARD_SUMS)
    });
    /* their plain twins: dense layers are tiny */
    if (d->sel) bias_relu_forward_body(d->add, d->act, d->sel);
    else bias_activation_forward_body(d->add, d->act);
}

/* matmul_bt_backward's two products: ∂X += ∂P W (gemm's beta 1: the sum
 * added to the old value) and ∂W = ∂Pᵀ X (beta 0: the sum), each entry's
 * terms summed from 0 in gemm's order */
#define INPUT_GRAD_SUMS(N)                                                            \
    for (int i = 0; i < m; i++)                                                       \
        for (int q = 0; q < k; q++) {                                                 \
            const T *gr = gp + (size_t)i * (size_t)(N);                               \
            T s = 0;                                                                  \
            UNROLLED for (int j = 0; j < (N); j++) s += gr[j] * wv[(size_t)j * (size_t)k + (size_t)q]; \
            gx[(size_t)i * (size_t)k + (size_t)q] = gx[(size_t)i * (size_t)k + (size_t)q] + s; \
        }
#define WEIGHT_GRAD_SUMS(M)                                                           \
    for (int j = 0; j < n; j++)                                                       \
        for (int q = 0; q < k; q++) {                                                 \
            T s = 0;                                                                  \
            UNROLLED for (int i = 0; i < (M); i++) s += gp[(size_t)i * (size_t)n + (size_t)j] * xv[(size_t)i * (size_t)k + (size_t)q]; \
            gw[(size_t)j * (size_t)k + (size_t)q] = s;                                \
        }

void dense_backward(Arena *a, const DenseLayer *d) {
    /* ∂P and ∂b added to */
    if (d->sel) bias_relu_backward_body(a, d->add, d->act, d->sel);
    else bias_activation_backward_body(a, d->add, d->act);
    int m = d->m, n = d->n, k = d->k;
    FOR_DTYPE(d->x, T, {
        const T *gp = d->p->grad->data, *xv = d->x->data, *wv = d->w->data;
        T *gw = d->w->grad->data;
        if (d->x->requires_grad) {
            T *gx = d->x->grad->data;
            TERMS_CASES(n, INPUT_GRAD_SUMS)
        }
        TERMS_CASES(m, WEIGHT_GRAD_SUMS)
    });
}
