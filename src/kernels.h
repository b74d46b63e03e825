/* Fast loops for the elementwise primitives in the broadcasts that training
 * meets all the time: the same shape, a single number, a row repeated down a
 * matrix (a bias) or a column repeated across it.  prims.c uses them when
 * pattern_of() recognises the shapes and its general broadcast walk
 * otherwise; both give bit-identical results. */
#ifndef NNL_KERNELS_H
#define NNL_KERNELS_H
#include "prims.h"

/* The output is [rows, cols] (cols: its last size); element (r, c) of input
 * k is at r * row[k] + c * col[k]. */
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
