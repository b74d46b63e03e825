/* What each elementwise primitive computes on one element (the one
 * definition every loop over elements expands), and fast loops for them in
 * the broadcasts that training meets all the time: the same shape, a single
 * number, a row repeated down a matrix (a bias) or a column repeated across
 * it.  prims.c uses them when pattern_of() recognises the shapes and its
 * general broadcast walk otherwise; both give bit-identical results. */
#ifndef NNL_KERNELS_H
#define NNL_KERNELS_H
#include "autodiff/prims.h"
#include <math.h>

/* The value of each elementwise primitive on one element, as an expression
 * of u (and v) in T, the precision of its tensors: float32 + - * / and the
 * comparisons in float arithmetic, the functions computed in double and
 * rounded (float32 u ^ 2 as u·u: pow's u·u is exact in double, so it
 * rounds as u·u does in float).  The one definition that prims.c's broadcast walk and unary
 * loop, binary_fast below and the optimizer's compiled loops (optcompile.c,
 * optnumbers.c) all expand, so that they cannot compute differently.
 * X(op, expression). */
#define BINARY_ELEMENT_OPS(X)          \
    X(P_ADD, u + v)                    \
    X(P_SUB, u - v)                    \
    X(P_MUL, u * v)                    \
    X(P_DIV, u / v)                    \
    X(P_POW, (sizeof(T) == sizeof(float) && v == 2 ? u * u : (T)pow(u, v))) \
    X(P_MAXIMUM, u > v || u != u ? u : v)   /* NaN wins, from either side (PyTorch) */ \
    X(P_MINIMUM, u < v || u != u ? u : v)        \
    X(P_GT, (T)(u > v))                \
    X(P_GE, (T)(u >= v))               \
    X(P_LT, (T)(u < v))                \
    X(P_LE, (T)(u <= v))               \
    X(P_EQ, (T)(u == v))               \
    X(P_NE, (T)(u != v))
#define UNARY_ELEMENT_OPS(X)           \
    X(P_NEG, (T)-(double)u)            \
    X(P_EXP, (T)exp(u))                \
    X(P_LOG, (T)log(u))                \
    X(P_SQRT, (T)sqrt(u))              \
    X(P_ABS, (T)fabs(u))               \
    X(P_TANH, (T)tanh(u))              \
    X(P_SIGMOID, (T)sigmoid_of(u))     \
    X(P_FLOOR, (T)floor(u))            \
    X(P_STEP, (T)(u > 0))

/* ∂op(u)/∂u for the unary ops above that have one, from u and y = op(u),
 * in T: prims.c's rules and fused.c's fused ones (floor's is 0) */
#define UNARY_DERIVATIVES(X)           \
    X(P_NEG, -1)                       \
    X(P_EXP, y)                        \
    X(P_LOG, 1 / u)                    \
    X(P_SQRT, 1 / (2 * y))             \
    X(P_ABS, (T)((u > 0) - (u < 0)))   \
    X(P_TANH, 1 - y * y)               \
    X(P_SIGMOID, y * (1 - y))

/* 2 or 1 for a primitive defined above (its operands), 0 for the others */
#define ELEMENT_ARITY_2(OP, EXPR) case OP: return 2;
#define ELEMENT_ARITY_1(OP, EXPR) case OP: return 1;
static inline int element_arity(PrimOp op) {
    switch (op) {
    BINARY_ELEMENT_OPS(ELEMENT_ARITY_2)
    UNARY_ELEMENT_OPS(ELEMENT_ARITY_1)
    default: return 0;
    }
}
#undef ELEMENT_ARITY_2
#undef ELEMENT_ARITY_1

/* 1 / (1 + e^-x) without overflowing e^-x for very negative x */
static inline double sigmoid_of(double x) {
    if (x >= 0) return 1 / (1 + exp(-x));
    double e = exp(x);
    return e / (1 + e);
}

/* The output is [rows, cols] (cols: its last size, or its whole size in one
 * row when every input has its shape); element (r, c) of input k is at
 * r * row[k] + c * col[k]. */
typedef struct Pattern {
    int rows, cols, row[MAX_PRIM_INPUTS], col[MAX_PRIM_INPUTS];
    int ndim, shape[MAX_DIMS];       /* the output's shape */
} Pattern;

bool pattern_of(Tensor *const *in, int nin, Pattern *p);

/* out = op(x, y) elementwise; false for an op it does not handle */
bool binary_fast(PrimOp op, const Pattern *p, const Tensor *x, const Tensor *y, Tensor *out);
/* x->grad and y->grad (where not NULL) += the op's partial derivatives times g;
 * false for an op it does not handle */
bool binary_backward_fast(PrimOp op, const Pattern *p, const Tensor *x, const Tensor *y, const Tensor *g,
                          Tensor *gx, Tensor *gy);
void where_fast(const Pattern *p, const Tensor *cond, const Tensor *x, const Tensor *y, Tensor *out);
void where_backward_fast(const Pattern *p, const Tensor *cond, const Tensor *g, Tensor *gx, Tensor *gy);

#endif
