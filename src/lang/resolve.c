/* resolve.c — static name checking of definitions.  The check pass runs
 * every top-level statement, but a function body only runs when called and
 * an `if` branch only when taken; this walks every def, layer and optimizer
 * body so a misspelt name there is reported before anything runs too.
 * Must not: evaluate anything. */
#include "base/stack.h"
#include "base/diag.h"
#include "front/ast.h"
#include "lang/eval.h"
#include "lang/resolve.h"
#include <string.h>

typedef struct Scope { const char *names[256]; int n; } Scope;

static void add(Scope *s, const char *name) {
    for (int i = 0; i < s->n; i++) if (s->names[i] == name) return;
    if (s->n < 256) s->names[s->n++] = name;
}

static bool has(const Scope *s, const char *name) {
    for (int i = 0; i < s->n; i++) if (s->names[i] == name) return true;
    return false;
}

/* every name a body assigns, at any depth, is local to it */
static void collect(Scope *s, const Node *n) {
    if (n) stack_guard(n->loc);       /* the walk nests as deep as the code */
    if (!n) return;
    switch (n->kind) {
    case N_ASSIGN: add(s, n->name); break;
    case N_PARAM: case N_LAYER_STATE: add(s, n->name); break;
    case N_FORWARD: add(s, n->name); collect(s, n->a); break;
    case N_STATE: for (int i = 0; i < n->kids.n; i++) add(s, n->kids.items[i]->name); break;
    case N_IF: collect(s, n->b); collect(s, n->c); break;
    case N_BLOCK: for (int i = 0; i < n->kids.n; i++) collect(s, n->kids.items[i]); break;
    default: break;
    }
}

static void check(Interp *I, const Scope *s, const Node *n) {
    if (n) stack_guard(n->loc);       /* the walk nests as deep as the code */
    if (!n) return;
    if (n->kind == N_NAME) {
        if (has(s, n->name) || global_find(I, n->name)) return;
        const char *best = NULL;
        int best_d = 3;
        for (int i = 0; i < s->n; i++) {
            int d = levenshtein(n->name, s->names[i]);
            if (d < best_d) { best = s->names[i]; best_d = d; }
        }
        if (!best) best = suggest(I, NULL, n->name, -1);
        if (best) fail_at(n->loc, "unknown name '%s'; did you mean '%s'?", n->name, best);
        fail_at(n->loc, "unknown name '%s'", n->name);
    }
    if (n->kind == N_FIELD) { check(I, s, n->a); return; }   /* field names are not variables */
    check(I, s, n->a);
    check(I, s, n->b);
    check(I, s, n->c);
    for (int i = 0; i < n->kids.n; i++) check(I, s, n->kids.items[i]);
    for (int i = 0; i < n->more.n; i++) check(I, s, n->more.items[i]);
}

static void check_definition(Interp *I, const Node *def) {
    Scope s = { .n = 0 };
    for (int i = 0; i < def->kids.n; i++) {
        const Node *p = def->kids.items[i];
        if (p->kind == N_KWARG) check(I, &s, p->a);      /* a default sees the parameters before it */
        if (p->kind == N_NAME || p->kind == N_KWARG) add(&s, p->name);
        else if (p->kind == N_CALL && p->kids.n == 1) add(&s, p->kids.items[0]->name);
    }
    if (def->kind == N_LAYER_DEF) { add(&s, intern("in")); add(&s, intern("training")); }
    if (def->kind == N_OPTIMIZER_DEF) { add(&s, intern("w")); add(&s, intern("g")); add(&s, intern("t")); }
    collect(&s, def->a);
    check(I, &s, def->a);
}

/* ---- names that would hide each other ------------------------------------ */

typedef struct Declared { const char *name; SrcLoc loc; const char *what; } Declared;

_Noreturn static void clash(const Node *def, const Declared *first, const char *what, const char *name, SrcLoc loc) {
    const char *kind = def->kind == N_LAYER_DEF ? "layer" : "optimizer";
    if (strcmp(first->what, what) == 0)
        diag_error(loc, "%s '%s' is declared twice in %s '%s'", what, name, kind, def->name);
    else
        diag_error(loc, "%s '%s' has the name of %s '%s' of %s '%s': one would silently hide the other",
                   what, name, first->what, name, kind, def->name);
    diag_note(first->loc, "%s '%s' is declared here", first->what, name);
    diag_throw();
}

static void declare(const Node *def, Declared *d, int *n, const char *what, const char *name, SrcLoc loc,
                    bool may_repeat) {
    for (int i = 0; i < *n; i++)
        if (d[i].name == name) {
            if (may_repeat && strcmp(d[i].what, what) == 0) return;   /* a helper computed in steps */
            clash(def, &d[i], what, name, loc);
        }
    if (*n < 256) d[(*n)++] = (Declared){ name, loc, what };
}

void check_definition_names(const Node *def) {
    Declared d[256];
    int n = 0;
    if (def->kind == N_OPTIMIZER_DEF) {
        static const char *const given[] = { "w", "g", "t" }, *const meaning[] = { "the parameter", "its gradient",
                                                                                     "the update count" };
        for (int i = 0; i < def->kids.n; i++)
            for (int k = 0; k < 3; k++)
                if (def->kids.items[i]->name == intern(given[k]))
                    fail_at(def->kids.items[i]->loc, "an optimizer's body sees %s as '%s', so a setting cannot be "
                            "called '%s'", meaning[k], given[k], given[k]);
        return;
    }
    if (def->kind != N_LAYER_DEF) return;
    for (int i = 0; i < def->kids.n; i++) {
        const Node *p = def->kids.items[i];
        if (p->name == intern("in"))
            fail_at(p->loc, "'in' is the number of inputs a layer receives; an argument cannot be called 'in'");
        declare(def, d, &n, "argument", p->name, p->loc, false);
    }
    declare(def, d, &n, "the input width", intern("in"), def->loc, false);
    const Node *body = def->a, *forward = NULL;
    for (int i = 0; i < body->kids.n; i++) {
        const Node *s = body->kids.items[i];
        if (s->kind == N_PARAM) declare(def, d, &n, "param", s->name, s->loc, false);
        else if (s->kind == N_ASSIGN) declare(def, d, &n, "helper value", s->name, s->loc, true);
        else if (s->kind == N_FORWARD) {
            if (forward) {
                diag_error(s->loc, "layer '%s' has two forward blocks", def->name);
                diag_note(forward->loc, "the first is here");
                diag_throw();
            }
            forward = s;
        }
    }
    if (forward) declare(def, d, &n, "forward's input", forward->name, forward->loc, false);
}

bool resolve_definitions(Interp *I, const Node *program) {
    DiagHandler h;
    diag_push(&h);
    if (setjmp(h.env) != 0) return false;
    for (int i = 0; i < program->kids.n; i++) {
        const Node *n = program->kids.items[i];
        if (n->kind == N_DEF || n->kind == N_LAYER_DEF || n->kind == N_OPTIMIZER_DEF) check_definition(I, n);
    }
    diag_pop(&h);
    return true;
}
