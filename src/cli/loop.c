/* loop.c — sweeps: `for lr in [0.1, 0.01] { ... }` runs its body's
 * statements as top-level statements (models, settings, train, print) once
 * per value, the loop's name bound to the value as a global; and a top-level
 * `if`, whose branch may hold the same statements.
 * Owns: evaluating the list once, binding the name, stopping on Ctrl-C, the
 * note that says which value a failing round had.
 * Must not: know what the body's statements do (toplevel.c dispatches them). */
#include "base/arena.h"
#include "base/diag.h"
#include "base/interrupt.h"
#include "cli/loop.h"
#include "front/ast.h"
#include "lang/eval.h"
#include <stdio.h>

static void run_block(Interp *I, const Node *block, StatementRunner *run) {
    for (int i = 0; i < block->kids.n && !I->interrupted && !nnl_interrupt; i++) run(I, block->kids.items[i]);
}

typedef struct Round { Interp *I; const char *name; Value v; } Round;

static void describe_round(FILE *out, const void *arg) {
    const Round *r = arg;
    fprintf(out, "in the loop's round with %s = ", r->name);
    print_value(r->I, out, r->v);
}

void exec_for(Interp *I, const Node *s, StatementRunner *run) {
    int n = s->kids.n;
    /* every value first, kept beyond the statements of the body (each
     * starts a new pass arena) */
    Value *vals = arena_alloc(&I->perm, sizeof(Value) * (size_t)(n ? n : 1));
    for (int i = 0; i < n; i++) vals[i] = persist_value(I, eval_expr(I, NULL, s->kids.items[i]));
    for (int i = 0; i < n; i++) {
        global_set(I, s->name, vals[i]);
        Round r = { I, s->name, vals[i] };
        DiagContext ctx = { s->kids.items[i]->loc, describe_round, &r, diag_context };
        diag_context = &ctx;
        run_block(I, s->a, run);
        diag_context = ctx.prev;
        if (I->interrupted || nnl_interrupt) {
            if (!I->dry_run) {
                fprintf(I->out, "interrupted: the loop stopped in its round with %s = ", s->name);
                print_value(I, I->out, vals[i]);
                fputc('\n', I->out);
            }
            I->interrupted = true;
            nnl_interrupt = 0;
            return;
        }
    }
}

void exec_toplevel_if(Interp *I, const Node *s, StatementRunner *run) {
    Value c = eval_expr(I, NULL, s->a);
    const Node *branch = expect_number(I, c, s->a->loc, "a condition") != 0 ? s->b : s->c;
    if (branch) run_block(I, branch, run);
}
