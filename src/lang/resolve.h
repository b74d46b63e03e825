/* Static name checking of every definition's body (see resolve.c). */
#ifndef NNL_RESOLVE_H
#define NNL_RESOLVE_H
#include "lang/interp.h"
/* false after reporting the first unknown name */
bool resolve_definitions(Interp *I, const Node *program);
/* A layer or optimizer definition whose names would hide each other (an
 * argument, a param, a helper value and forward's input sharing a name; a
 * setting called w, g or t) is an error naming both places. */
void check_definition_names(const Node *def);
#endif
