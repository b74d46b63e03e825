/* nnl --kernel (kernel.c): the nnl end of the Jupyter kernel's pipe. */
#ifndef NNL_KERNEL_H
#define NNL_KERNEL_H
#include "lang/interp.h"

/* Serves the kernel's requests (execute, complete, inspect) from standard
 * input until its end; returns 1 if a statement failed, else 0. */
int kernel_run(Interp *I);

#endif
