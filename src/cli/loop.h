/* Top-level statements that hold other top-level statements (loop.c): a
 * sweep `for NAME in [VALUE, ...] { ... }` and a top-level `if`. */
#ifndef NNL_LOOP_H
#define NNL_LOOP_H
#include "lang/interp.h"

/* How the body's statements run: toplevel.c's exec_toplevel, handed in so
 * that this file does not call back up into the one that dispatches it. */
typedef void StatementRunner(Interp *I, const Node *stmt);

/* N_FOR: the body's statements once per value, NAME bound to it. */
void exec_for(Interp *I, const Node *s, StatementRunner *run);
/* N_IF at the top level: the branch taken runs as top-level statements, so
 * it may define models and train them as a loop's body may. */
void exec_toplevel_if(Interp *I, const Node *s, StatementRunner *run);

#endif
