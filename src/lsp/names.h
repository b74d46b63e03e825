/* The language's names by kind, from the language itself: the lexer's
 * keywords and command words, and every function an interpreter with the
 * standard library knows (primitives, builtins, the stdlib's def, layer and
 * optimizer).  The editors' syntax files are generated from these
 * (`nnl --dump-names`, editors/gen_syntax.awk); completion offers them. */
#ifndef NNL_LSP_NAMES_H
#define NNL_LSP_NAMES_H
#include "lang/interp.h"
#include <stdio.h>

typedef enum { NAME_KEYWORD, NAME_COMMAND, NAME_FUNCTION, NAME_LAYER, NAME_OPTIMIZER } NameKind;

/* "keyword", "command", "function", "layer", "optimizer" */
const char *name_kind_word(NameKind k);
/* calls fn for each name: keywords, commands, then I's global functions in
 * the order they were defined (I has the standard library loaded) */
void names_each(const Interp *I, void (*fn)(void *ctx, NameKind kind, const char *name), void *ctx);
/* one line "KIND NAME" per name: what `nnl --dump-names` prints */
void names_dump(FILE *out, const Interp *I);

#endif
