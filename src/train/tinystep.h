/* A replayed training step of tiny tensors as one flat list of micro-ops
 * (tinystep.c), for replay.c only.  A net of a few numbers a layer (xor's
 * 2-2-1) spends more on dispatching each op — the replay's loop, each
 * kernel's shape reads, checks and calls — than on its arithmetic; here a
 * dense layer's product, bias and activation are one op forward and one
 * backward (autodiff/prims.h's DenseLayer), mse's three ops one, and the
 * step runs the list with nothing left to decide.  The same operations on
 * every element as the replay's ops, in the same order: bit-identical. */
#ifndef NNL_TINYSTEP_H
#define NNL_TINYSTEP_H
#include "autodiff/tape.h"
#include "base/arena.h"

typedef struct TinyStep TinyStep;

/* What replay.c decided about its recorded entries (its StepPlan's fields
 * of the same names): the forward and backward lists, the products that
 * read W with a transpose flag, the fused groups, the gradients zeroed. */
typedef struct TinyPlan {
    TapeEntry      *entries;
    const int      *forward, *backward;
    int             nforward, nbackward;
    const Tensor  **transposed;
    const bool     *grad_into_w, *squared_error;
    const int      *with_activation, *group_last;
    Tensor *const  *grads;
    int             ngrads;
    Tensor         *loss;         /* the objective, whose gradient is 1 */
} TinyPlan;

/* The step as micro-ops, allocated in a; NULL when some op of it is not
 * one they cover (anything but dense layers with a unary activation and
 * mse), a tensor is not tiny, or the step has no backward: the replay
 * then runs its ops one by one, as always. */
TinyStep *tiny_step_compile(Arena *a, const TinyPlan *plan);

/* One step: the forward, the gradients zeroed, the backward. */
void tiny_step_run(const TinyStep *s);

#endif
