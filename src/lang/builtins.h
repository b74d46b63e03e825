/* Builtin functions (builtins.c): zeros, rand_normal, ... and the means to
 * define one. */
#ifndef NNL_BUILTINS_H
#define NNL_BUILTINS_H
#include "lang/interp.h"

extern Node optional_param;   /* a default meaning: may be left out (V_NONE) */
void builtins_register(Interp *I);
/* a builtin function; defaults[i] NULL (or defaults NULL): required */
void builtin_define(Interp *I, const char *name, BuiltinFn fn, int nparams, const char *const *params,
                    Node *const *defaults);


/* draws d's random numbers into its tensor (again, when a replay repeats it) */
void random_draw(const RandomDraw *d);

#endif
