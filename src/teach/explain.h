/* `explain` (explain.c): the formula of the step just taken, with its numbers. */
#ifndef NNL_EXPLAIN_H
#define NNL_EXPLAIN_H
#include "lang/interp.h"

void trace_explain(Interp *I, SrcLoc loc);

#endif
