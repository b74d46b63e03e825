/* language.c — the language assembled in an interpreter, as Lua's linit.c
 * opens its libraries: the primitives and builtins (builtins.c), the data
 * functions (loaders.c), and what the evaluator leaves to the files above it
 * (I->hooks: calling a model and its fields, model.c; x[i], index.c).
 * It sits on top of lang so that eval.c need not know the files that call it.
 * Must not: define a builtin or evaluate anything itself. */
#include "lang/builtins.h"
#include "lang/index.h"
#include "lang/language.h"
#include "lang/loaders.h"
#include "lang/model.h"

void language_init(Interp *I) {
    I->hooks = (EvalHooks){ .call_model = model_forward, .model_field = model_field, .layer_field = layer_field,
                            .index = index_tensor };
    builtins_register(I);
    loaders_register(I);
}
