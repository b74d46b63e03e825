/* stdnames.h — which functions are the stdlib's own, by identity: the
 * callables bound to the stdlib's names when it finished loading.  Lints,
 * diagnostics and pictures that know what `sigmoid` or `cross_entropy` mean
 * ask here, so a script's own function of the same name is the script's. */
#ifndef NNL_LANG_STDNAMES_H
#define NNL_LANG_STDNAMES_H
#include "lang/interp.h"

/* remembers every function the globals hold now (after the stdlib loaded) */
void stdlib_capture(Interp *I);
/* the stdlib name fn is (or a partial of, like softmax(temp=2)), or NULL when
 * it is not a stdlib function: a script's, even under a stdlib name */
const char *stdlib_name(const Interp *I, const Callable *fn);
/* the stdlib name of a layer's `activation` argument, or NULL */
const char *layer_stdlib_activation(const Interp *I, const Layer *l);

#endif
