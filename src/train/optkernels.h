/* Hand-fused loops for the update bodies of the stdlib's optimizers
 * (optkernels.c).  Only optcompile.c uses them: when the instructions it
 * chose for an update are, as data flow, exactly those of a known body, one
 * of these loops runs them over each element in registers instead of one
 * pass over a chunk buffer per instruction. */
#ifndef NNL_OPTKERNELS_H
#define NNL_OPTKERNELS_H
#include "tensor/tensor.h"

enum { KERNEL_NUMBERS = 16 };        /* the most numbers a known body reads */

/* One update of elements [from, from + n) of a parameter: mem holds w, g and
 * its states as the update found them (0 w, 1 g, 2... the states), out where
 * the new w and states go (mem itself, or other memory: optcompile.c's
 * update_large); numbers the body's numbers in the order the signature
 * first reads them.  Each element gets the operations of the instructions
 * in their order, in T, as optcompile.c's run_chunk would compute them. */
typedef void KernelFn(const double *numbers, Tensor *const *mem, Tensor *const *out, int from, int n);

typedef struct OptKernel {
    const char *name;         /* the optimizer's ("adam"), for tests and profiles */
    const char *signature;    /* the instructions as data flow: see optcompile.c's kernel_signature */
    KernelFn   *run;
    KernelFn   *run_short;    /* the same loop not vectorised, for fewer than VECTOR_ROW elements (vectorize.h) */
} OptKernel;

/* the hand-fused loop whose signature is `signature`, or NULL */
const OptKernel *opt_kernel_find(const char *signature);

#endif
