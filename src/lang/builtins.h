/* Builtin functions (builtins.c): zeros, rand_normal, ... and the means to
 * define one. */
#ifndef NNL_BUILTINS_H
#define NNL_BUILTINS_H
#include "lang/interp.h"

/* the primitives and the builtins of this file (language.c calls it) */
void builtins_register(Interp *I);
/* a builtin function; defaults[i] NULL (or defaults NULL): required */
void builtin_define(Interp *I, const char *name, BuiltinFn fn, int nparams, const char *const *params,
                    Node *const *defaults);


/* draws d's random numbers into its tensor (again, when a replay repeats it) */
void random_draw(const RandomDraw *d);

#endif
