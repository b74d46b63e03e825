/* `summary NET` (summary.c). */
#ifndef NNL_SUMMARY_H
#define NNL_SUMMARY_H
#include "lang/interp.h"

void exec_summary(Interp *I, const Node *n);

#endif
