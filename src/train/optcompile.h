/* The optimizer's body compiled once into a fused elementwise loop
 * (optcompile.c).  Only optstep.c's optimizer_step calls it; it decides when an
 * update may run this way and keeps the interpreter for the rest. */
#ifndef NNL_OPTCOMPILE_H
#define NNL_OPTCOMPILE_H
#include "lang/interp.h"

typedef struct OptProgram OptProgram;

/* Copies the update makes of the old values of what it overwrites, each
 * chunk just before it is rewritten (while the update has it in cache
 * anyway): from[i]'s elements go to to[i].  A parameter or state not listed
 * is not copied.  (train.c: the snapshot of the last finite step.) */
typedef struct UpdateCopies {
    const Tensor **from;
    Tensor       **to;
    int            n;
} UpdateCopies;

/* The compiled form of the optimizer definition `def`, made on its first use
 * and kept for the interpreter's lifetime.  Never NULL: a body the loop cannot
 * run gives a program that says why (opt_program_refusal). */
OptProgram *opt_program(Interp *I, const Callable *def);

/* NULL when the body compiled; otherwise what the loop does not handle
 * ("calls 'clip', which is not a primitive") and where in the body. */
const char *opt_program_refusal(const OptProgram *p, SrcLoc *where);

/* NULL when the number part compiled into a scalar program, which computes
 * it without the evaluator and without allocating; otherwise what it does
 * not compute ("calls 'sum', which is not elementwise") and where.  A body
 * that did not compile has no number program (NULL). */
const char *opt_program_numbers_refusal(const OptProgram *p, SrcLoc *where);

/* The name of the hand-fused loop (train/optkernels.h: "adam", "sgd", ...)
 * that ran the last fused update, NULL when the body's instructions ran one
 * at a time (a body of the user's, or one interpreted). */
const char *opt_program_kernel(const OptProgram *p);

/* Whether the last fused update found its number part the same for every
 * t, so that the next with the same settings skips it (sgd without decay;
 * not adam, whose bias correction reads t): for tests. */
bool opt_program_steady(const OptProgram *p);

/* What the body sees besides w, g and the state, bound in f: def's settings
 * for this update (settings[0..def->nparams)), then t (the updates made
 * before this one).  The interpreted update binds them so in each
 * parameter's frame, the fused one in the frame of its number part when the
 * evaluator runs it; compile() expects this order. */
void opt_bind_numbers(Frame *f, const Callable *def, const Value *settings, Tensor *t);

/* One update of every parameter of m by the compiled body, with the
 * settings for this update and t.  The number part (the parts of the body
 * that involve only numbers) runs first, once: as a scalar program that
 * allocates nothing, or with the evaluator where that program gives up (a
 * failing `require` then unwinds from there, before anything has changed:
 * the caller has the diagnostic context of the first parameter in place, as
 * for an interpreted update).  Then one loop per parameter writes its new w
 * and state in place.  Returns false, having changed nothing, when this
 * update must be interpreted: the body did not compile, the REPL's `update`
 * watches its lines, a parameter has no state yet (the first update creates
 * it), a setting is not a single number, a function it calls was
 * redefined.  *weights_finite: every new w was seen to be finite (the
 * loop checks each chunk it writes), so training need not check again. */
bool opt_fused_update(Interp *I, OptProgram *p, const Value *settings, long t, Model *m, const UpdateCopies *copies,
                      bool *weights_finite);

#endif
