/* A training step recorded once and replayed.  The first step of a batch
 * size runs through the evaluator as always, with every op recorded (the
 * trace's record-everything mode); later steps of that size rerun the
 * recorded primitives on the same tensors — the new batch copied into the
 * step's input, every op writing into the output it made the first time —
 * with no AST walk and no allocation.  A last, shorter batch reruns them too,
 * on the first rows of those tensors, when every op works row by row (else
 * it is recorded as a size of its own).  A step whose course could differ from
 * one batch to the next (an `if` on a value computed from the batch, random
 * numbers, a print, ...) is noticed while it is recorded (StepRecording in
 * interp.h) and then runs interpreted every time, so results never depend on
 * which way a step ran: they are bit-identical (tests/unit/test_replay.c).
 * Only train.c's train_epochs calls this. */
#ifndef NNL_REPLAY_H
#define NNL_REPLAY_H
#include "lang/interp.h"
#include "train/train.h"

typedef struct StepPlan StepPlan;

/* The plans of one `train` statement: the full batches', and a last,
 * shorter batch's where that one cannot rerun the full batches' with fewer
 * rows; each usable or saying why not. */
typedef struct StepPlans {
    StepPlan *plan[2];
    int       n;
    StepPlan *last;            /* the plan the last step replayed, or NULL */
    bool      told;            /* --time has said how the steps run */
} StepPlans;

/* Forward, loss and backward on one batch in the caller's mode (train.c). */
typedef Objective (*StepFn)(Interp *I, Model *m, Tensor *x, Tensor *y, SrcLoc loc);

/* One training step on rows order[from], ..., order[from + count - 1] of x
 * and y (order NULL: from, from + 1, ...): replayed from the plan for this
 * batch size, or run by `run` (recording a plan if this size has none yet;
 * never in the check pass or with I->interpret_steps).  The objective's
 * tensors live until the next step. */
Objective replay_step(Interp *I, StepPlans *ps, Model *m, const Tensor *x, const Tensor *y, const int *order,
                      int from, int count, StepFn run, SrcLoc loc);

/* After a replayed step went wrong (a NaN): its ops onto I->tape, so that the
 * notes can say which op made the first non-finite value. */
void replay_expose(Interp *I, StepPlans *ps);

void replay_free(StepPlans *ps);

#endif
