/* Static name checking of every definition's body (see resolve.c). */
#ifndef NNL_RESOLVE_H
#define NNL_RESOLVE_H
#include "interp.h"
/* false after reporting the first unknown name */
bool resolve_definitions(Interp *I, const Node *program);
#endif
