/* A replayed training step with tiny dense layers as one flat list of
 * micro-ops (tinystep.c), for replay.c only.  A net of a few numbers a layer
 * (xor's 2-2-1) spends more on dispatching each op — the replay's loop,
 * each kernel's shape reads, checks and calls — than on its arithmetic;
 * here a dense layer's product, bias and activation are one op forward and
 * one backward (autodiff/prims.h's DenseLayer), and the step runs the list
 * with nothing left to decide.  The same operations on every element as
 * the replay's ops, in the same order: bit-identical. */
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
    int             n;
    const int      *forward, *backward;
    int             nforward, nbackward;
    const Tensor  **transposed;
    const bool     *grad_into_w, *squared_error;
    const int      *with_activation, *group_last;
    Tensor *const  *grads;
    int             ngrads;
    Tensor         *loss;         /* the objective, whose gradient is 1 */
    void           *scratch;      /* matmul_bt_backward's room */
} TinyPlan;

/* The step as micro-ops, allocated in a: each tiny dense layer (X @ W' +
 * b and a unary activation or relu) one op forward and one backward, every
 * other op the call replay.c makes for it.  NULL when no layer is tiny or
 * the step has no backward: the replay then runs its ops as always.  The
 * plan must draw no random numbers and write no layer state (replay.c's
 * between_ops has nothing to do). */
TinyStep *tiny_step_compile(Arena *a, const TinyPlan *plan);

/* One step: the forward, the gradients zeroed, the backward. */
void tiny_step_run(const TinyStep *s);

#endif
