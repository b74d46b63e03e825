/* The optimizer's body compiled once into a fused elementwise loop
 * (optcompile.c).  Only train.c's optimizer_step calls it; it decides when an
 * update may run this way and keeps the interpreter for the rest. */
#ifndef NNL_OPTCOMPILE_H
#define NNL_OPTCOMPILE_H
#include "interp.h"

typedef struct OptProgram OptProgram;

/* The compiled form of the optimizer definition `def`, made on its first use
 * and kept for the interpreter's lifetime.  Never NULL: a body the loop cannot
 * run gives a program that says why (opt_program_refusal). */
OptProgram *opt_program(Interp *I, const Callable *def);

/* NULL when the body compiled; otherwise what the loop does not handle
 * ("calls 'clip', which is not a primitive") and where in the body. */
const char *opt_program_refusal(const OptProgram *p, SrcLoc *where);

/* One update of params[0..np) by the compiled body.  `numbers` binds the
 * settings and t (what the body sees besides w, g and the state).  The
 * parts of the body that involve only numbers run first, once, with the
 * evaluator (a failing `require` unwinds from there, before anything has
 * changed: the caller has the diagnostic context of the first parameter in
 * place, as for an interpreted update); then one loop per parameter writes
 * its new w and state in place.  Returns false, having changed nothing, when
 * this update must be interpreted: the body did not compile, the REPL's
 * `update` watches its lines, a parameter has no state yet (the first
 * update creates it), a setting is not a single number, a function it calls
 * was redefined. */
bool opt_fused_update(Interp *I, OptProgram *p, Frame *numbers, Param *const *params, int np);

#endif
