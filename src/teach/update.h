/* `update`, `undo` and `reset NET` (update.c): one optimizer step on the
 * pass's gradients, and taking changes back. */
#ifndef NNL_UPDATE_H
#define NNL_UPDATE_H
#include "lang/interp.h"

void exec_update(Interp *I, SrcLoc loc);
void exec_undo(Interp *I, SrcLoc loc);
void exec_reset(Interp *I, Model *m, SrcLoc loc);

#endif
