/* The differentiable primitives: one table pairing each forward with its
 * backward rule.  Printing, gradient checking, the evaluator and (later) the
 * REPL all read names, arity and rules from here. */
#ifndef NNL_PRIMS_H
#define NNL_PRIMS_H
#include "base/diag.h"
#include "tensor/tensor.h"

typedef enum {
    P_ADD, P_SUB, P_MUL, P_DIV, P_POW, P_MAXIMUM, P_MINIMUM,
    P_GT, P_GE, P_LT, P_LE, P_EQ, P_NE,
    P_NEG, P_EXP, P_LOG, P_SQRT, P_ABS, P_TANH, P_SIGMOID, P_FLOOR, P_STEP,
    P_MATMUL, P_TRANSPOSE, P_SUM, P_MEAN, P_MAX, P_RESHAPE, P_SOFTMAX, P_SOFTMAX_CROSS_ENTROPY, P_WHERE,
    P_COUNT
} PrimOp;

enum { AXIS_ALL = 1000, MAX_PRIM_INPUTS = 3 };

typedef struct PrimCall {
    PrimOp  op;
    int     nin;
    Tensor *in[MAX_PRIM_INPUTS];
    int     axis;          /* sum/mean: an axis, or AXIS_ALL */
    Tensor *out;
    /* What a forward keeps for its backward, or NULL (softmax_cross_entropy:
     * the row count, then each row's max and log-sum-exp, so that the
     * backward need not compute them again: a third of its exp calls) */
    double *kept;
    /* The broadcast pattern of an elementwise call (binary ops, where),
     * worked out once for a call run again on tensors of the same shapes (a
     * replayed step: prim_keep_pattern), or NULL: worked out on every run */
    const struct Pattern *pattern;
} PrimCall;

typedef struct Prim {
    const char *name;        /* the name nnl code calls it by */
    int         arity;       /* tensor inputs */
    bool        takes_axis;  /* sum(x, axis) */
    bool        differentiable;
    const char *forward_math;
    const char *backward_math;
    /* Checks shapes (fail_at(loc) naming both on mismatch), allocates
     * c->out in `a` and computes it. */
    void (*forward)(Arena *a, PrimCall *c, SrcLoc loc);
    /* Adds ∂C/∂in[i] into in[i]->grad for every input that requires_grad,
     * given c->out->grad.  Allocates missing grads in `a`. */
    void (*backward)(Arena *a, PrimCall *c);
    /* The names its inputs are called by in nnl (NULL: x, y, z). */
    const char *operands[MAX_PRIM_INPUTS];
    /* Has no derivative but is recorded like a differentiable primitive, so
     * that a backward pass reaching it is an error (tape.c), not a gradient
     * that silently stops: `step`.  Its backward is NULL. */
    bool        forward_only;
} Prim;

extern const Prim prims[P_COUNT];

/* Run a primitive without recording it (the tape wraps this). */
Tensor *prim_forward(Arena *a, PrimOp op, Tensor **in, int nin, int axis, SrcLoc loc);
void ensure_grad(Arena *a, Tensor *t);
/* For a call that will run again on the same tensors (replay.c): keeps its
 * broadcast pattern in c->pattern (allocated in `a`) where its rules have a
 * fast loop for it; false (c->pattern NULL) where they do not. */
bool prim_keep_pattern(Arena *a, PrimCall *c);
/* matmul's forward and backward rule for a call X @ Y whose Y is transpose(w),
 * reading w instead of Y (a replayed step, replay.c, leaves Y unwritten);
 * grad_into_w: add ∂C/∂W = Gᵀ X to w's gradient instead of ∂C/∂Y to Y's;
 * scratch: room for an n×k matrix, where Y's gradient is made otherwise */
void matmul_bt_forward(PrimCall *c, const Tensor *w);
void matmul_bt_backward(Arena *a, PrimCall *c, const Tensor *w, bool grad_into_w, void *scratch);
/* For a replayed step (replay.c): add computes A = M + b (b a row of M's
 * width), act computes Z = act(A) with a unary primitive, and nothing else
 * reads A.  Then the two run as one pass forward and one backward, with the
 * same operations on every element (A's gradient is not written). */
bool bias_activation_fusable(const PrimCall *add, const PrimCall *act);
void bias_activation_forward(PrimCall *add, PrimCall *act);
void bias_activation_backward(Arena *a, PrimCall *add, PrimCall *act);
/* the same for relu as the stdlib writes it: gt computes C = A > k, sel
 * where(C, A, y0), k and y0 single numbers, only gt and sel reading A */
bool bias_relu_fusable(const PrimCall *add, const PrimCall *gt, const PrimCall *sel);
void bias_relu_forward(PrimCall *add, PrimCall *gt, PrimCall *sel);
void bias_relu_backward(Arena *a, PrimCall *add, PrimCall *gt, PrimCall *sel);
/* mse as the stdlib writes it, for a replayed step: sub computes D = P - T
 * (T of P's shape, no gradient), pw Q = D ^ k (k a single number, no
 * gradient), mean L = mean(Q) over all; only pw reads D and only mean Q.
 * Then the three run as one pass forward and one backward, with the same
 * operations on every element; ∂Q and ∂D are written whole (not added to). */
bool squared_error_fusable(const PrimCall *sub, const PrimCall *pw, const PrimCall *mean);
void squared_error_forward(PrimCall *sub, PrimCall *pw, PrimCall *mean);
void squared_error_backward(Arena *a, PrimCall *sub, PrimCall *pw, PrimCall *mean);
/* A dense layer of a replayed step of tiny tensors (train/tinystep.c): mm
 * computes P = X @ W' reading w (a matmul_bt), nothing else reading P; add
 * A = P + b, then either act Z = act(A) as bias_activation_fusable says
 * (sel NULL), or relu as the stdlib writes it, act C = A > k and sel Z =
 * where(C, A, y0), as bias_relu_fusable says.  The forward computes P (each
 * entry summed in the order of its terms from 0, as gemm's own loops do),
 * then A and Z as bias_activation_forward / bias_relu_forward; the backward
 * runs their rules (∂P and ∂b added to), then matmul's (∂X += ∂P W, ∂W =
 * ∂Pᵀ X written whole): the same bits as the ops run one by one, with no
 * call or shape read between. */
typedef struct DenseLayer {
    PrimCall *add, *act, *sel;
    Tensor   *x, *w, *p;
    int       m, n, k;        /* X is m×k, W n×k, P, A and Z m×n */
} DenseLayer;
/* false (d untouched) when the calls are not such a layer, or a gradient
 * the backward needs (∂P, ∂b, ∂W, ∂Z, and ∂X when X wants one) is not
 * there yet */
bool dense_layer_of(const PrimCall *mm, const Tensor *w, PrimCall *add, PrimCall *act, PrimCall *sel, DenseLayer *d);
void dense_forward(const DenseLayer *d);
void dense_backward(Arena *a, const DenseLayer *d);
/* What nnl calls input k of op: its operands entry, or x, y, z. */
const char *prim_operand(PrimOp op, int k);

#endif
