/* names.c — the names of the language, listed from the lexer and from an
 * interpreter's globals (nothing here is a list of its own to keep in step).
 * Must not: load the standard library or run anything (the caller does). */
#include "lsp/names.h"
#include <string.h>

const char *name_kind_word(NameKind k) {
    static const char *const words[] = { "keyword", "command", "function", "layer", "optimizer" };
    return words[k];
}

void names_each(const Interp *I, void (*fn)(void *ctx, NameKind kind, const char *name), void *ctx) {
    for (int i = 0; lex_keyword(i); i++) fn(ctx, NAME_KEYWORD, lex_keyword(i));
    for (int i = 0; lex_command_word(i); i++) fn(ctx, NAME_COMMAND, lex_command_word(i));
    for (int i = 0; i < I->nglobals; i++) {
        const Value *v = &I->globals[i].v;
        if (v->kind != V_FUNC || strchr(I->globals[i].name, '(')) continue;   /* not a fused loss(inner(...)) */
        NameKind k = v->fn->kind == C_LAYER ? NAME_LAYER : v->fn->kind == C_OPTIMIZER ? NAME_OPTIMIZER : NAME_FUNCTION;
        fn(ctx, k, I->globals[i].name);
    }
}

static void dump_one(void *ctx, NameKind kind, const char *name) {
    fprintf((FILE *)ctx, "%s %s\n", name_kind_word(kind), name);
}

void names_dump(FILE *out, const Interp *I) { names_each(I, dump_one, out); }
