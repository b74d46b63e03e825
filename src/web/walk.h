/* Walking the current pass with the REPL's own stepping (walk.c): where
 * `next` stops, what `explain` says there, and the page's frame at every
 * position, the cursor put back where it was. */
#ifndef NNL_WEB_WALK_H
#define NNL_WEB_WALK_H
#include "web/values.h"

/* Fills s (pass_steps_free frees it) and, when frames is not NULL, *frames
 * with the state at every position 0..total (docs/view-json.md).  The pass
 * must not be stale.  Prints nothing; an error is raised after the cursor
 * is put back. */
void pass_walk(Interp *I, Trace *t, PassSteps *s, cJSON **frames, SrcLoc loc);
void pass_steps_free(PassSteps *s);

#endif
