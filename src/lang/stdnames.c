/* stdnames.c — the stdlib's functions by identity.  After the stdlib loads,
 * the callables its names are bound to are remembered; a function is the
 * stdlib's `sigmoid` when it is that very callable (or a partial of it), not
 * when it is called sigmoid.  A script that redefines `cross_entropy` gets
 * its own function treated as its own: no stdlib lint or diagnosis.
 * Owns: the list of the stdlib's callables.  Must not: compare the names of
 * what a script defined, or keep anything but pointers into the interpreter. */
#include "base/arena.h"
#include "front/ast.h"
#include "lang/stdnames.h"
#include <string.h>

void stdlib_capture(Interp *I) {
    int n = 0;
    for (int i = 0; i < I->nglobals; i++) n += I->globals[i].v.kind == V_FUNC;
    I->stdlib_fns = arena_alloc(&I->perm, sizeof(Binding) * (size_t)(n ? n : 1));
    I->nstdlib_fns = 0;
    for (int i = 0; i < I->nglobals; i++)
        if (I->globals[i].v.kind == V_FUNC) I->stdlib_fns[I->nstdlib_fns++] = I->globals[i];
}

const char *stdlib_name(const Interp *I, const Callable *fn) {
    if (fn && fn->kind == C_PARTIAL) fn = fn->base;
    for (int i = 0; fn && i < I->nstdlib_fns; i++)
        if (I->stdlib_fns[i].v.fn == fn) return I->stdlib_fns[i].name;
    return NULL;
}

const char *layer_stdlib_activation(const Interp *I, const Layer *l) {
    for (int i = 0; i < l->nargs; i++)
        if (l->args[i].name == intern("activation") && l->args[i].v.kind == V_FUNC)
            return stdlib_name(I, l->args[i].v.fn);
    return NULL;
}
