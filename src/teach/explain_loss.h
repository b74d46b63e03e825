/* The output layer's lesson (explain_loss.c): for the stdlib's losses, the
 * course's formulas of ∂C/∂ŷ and δ(L) with the pass's numbers. */
#ifndef NNL_EXPLAIN_LOSS_H
#define NNL_EXPLAIN_LOSS_H
#include "teach/trace.h"

/* explain at the loss's backward step: ∂C/∂ŷ with its numbers, or for a loss
 * fused with the output's activation what δ(L) is; false when the loss is
 * not the stdlib's (explain.c lists its ops' rules instead) */
bool explain_loss_backward(Interp *I, const Trace *t);
/* δ(l) of the output layer l, whose pre-activation is a, when the loss is
 * fused with its activation: the course's formula, its numbers and nnl's
 * result; false otherwise */
bool explain_output_delta(Interp *I, const Trace *t, int l, const Tensor *a);

#endif
