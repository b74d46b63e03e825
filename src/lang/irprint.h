/* Printing the checked program: `nnl --ir`. */
#ifndef NNL_IRPRINT_H
#define NNL_IRPRINT_H
#include "lang/interp.h"
void ir_print(FILE *f, Interp *I, const Node *program);
#endif
