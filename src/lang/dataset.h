/* Data sets as values (dataset.c): `data NAME { ... }` tables, `data a, b =
 * EXPR`, and printing one. */
#ifndef NNL_DATASET_H
#define NNL_DATASET_H
#include "lang/interp.h"

Dataset *data_build(Interp *I, const Node *n);
void     data_assign(Interp *I, const Node *n);          /* data a, b = EXPR */
Dataset *data_one(Dataset *d, SrcLoc loc);               /* fails on a group of parts */
void     data_print(FILE *f, const Dataset *d);

#endif
