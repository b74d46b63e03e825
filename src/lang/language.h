/* The language assembled in an interpreter (language.c). */
#ifndef NNL_LANGUAGE_H
#define NNL_LANGUAGE_H
#include "lang/interp.h"

/* the primitives, builtins and data functions as globals, and the
 * evaluator's hooks (interp.h's EvalHooks); once, on a fresh interpreter */
void language_init(Interp *I);

#endif
