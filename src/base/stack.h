/* The C stack guard: every recursive path (evaluating an expression, calls,
 * printing and walking the AST) asks it before going deeper, so that a deep
 * input is an error ("nested too deeply"), never a crash, whatever `ulimit -s`
 * nnl runs under (stack.c). */
#ifndef NNL_STACK_H
#define NNL_STACK_H
#include <stdbool.h>

/* Where the stack starts: main's first local.  Later calls keep the first
 * origin; a program that never calls it (a test, a fuzz target) gets the
 * first statement's. */
void stack_guard_start(const void *origin);
/* true when the stack in use is past the budget (the limit less a reserve
 * for reporting the error) */
bool stack_low(void);
/* an error at loc, "nested too deeply …", when the stack is low */
#include "base/diag.h"
void stack_guard(SrcLoc loc);

#endif
