/* The statements that record a pass for the REPL to step (pass.c):
 * `backward NET X -> Y`, `backward NET on DATA`, `forward NET X`. */
#ifndef NNL_PASS_H
#define NNL_PASS_H
#include "lang/interp.h"

void exec_backward(Interp *I, const Node *n);
void exec_forward_pass(Interp *I, const Node *n);
/* A new pass of the current pass's model on the same rows (and targets), on
 * the weights as they are now, printed as `backward` (or `forward`) prints it. */
void pass_again(Interp *I, SrcLoc loc);

#endif
