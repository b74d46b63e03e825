/* One optimizer update of a model (optstep.c): what `train` runs after each
 * batch's backward pass and the REPL's `update` and `sanity` run once. */
#ifndef NNL_OPTSTEP_H
#define NNL_OPTSTEP_H
#include "lang/interp.h"

/* Updates every parameter of m with the optimizer set (I->optimizer), all or
 * nothing; on an error in the optimizer's code nothing has changed.
 * true: every new weight is known to be finite (the fused loop checked them).
 * `before` (or NULL): a snapshot_retake_before_update whose copies of the
 * weights and optimizer state the update makes, before it changes them. */
struct Snapshot;
bool optimizer_step(Interp *I, Model *m, struct Snapshot *before, SrcLoc loc);

#endif
