/* C = alpha * op(A) @ op(B) + beta * C, row-major, for float or double.
 * Small products use plain loops (deterministic, no call overhead); large
 * ones go to CBLAS (OpenBLAS, loaded on first use: blas.h). */
#ifndef NNL_MATMUL_H
#define NNL_MATMUL_H
#include "tensor/tensor.h"
/* Products of up to this many multiply-adds are nnl's own loops, each entry
 * summed in the order p = 0, 1, ... (the same bits on every machine); larger
 * ones are BLAS's (matmul.c says why this size). */
enum { GEMM_OWN_LOOPS_UP_TO = 64 * 32 * 32 };
void gemm(DType dt, bool trans_a, bool trans_b, int m, int n, int k,
          const void *A, const void *B, double beta, void *C);
/* dst = (or, accumulating, +=) the rows×cols row-major matrix src transposed */
void transpose_matrix(DType dt, const void *src, int rows, int cols, void *dst, bool accumulate);
/* the rows×cols row-major matrix in data turned into its cols×rows transpose
 * where it lies, no second matrix: each element e written as 0 + e, which is
 * what transpose_matrix accumulating onto zeros writes (a −0 becomes +0) */
void transpose_in_place(DType dt, void *data, int rows, int cols);
#endif
