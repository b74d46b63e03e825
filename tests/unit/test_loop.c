/* cli/loop.c's sweep stopped by Ctrl-C between two statements of its body
 * (nothing that polls the flag runs there, so the loop is what notices it):
 * the round's other statements and the later rounds do not run, the loop
 * says where it stopped (not in the check pass), the interpreter is left
 * interrupted (a script then ends with 130) and the flag is cleared.  The
 * body runs through a StatementRunner of the test's that presses Ctrl-C
 * after the body's first statement, so no signal and no timing is needed. */
#include "base/arena.h"
#include "base/diag.h"
#include "base/interrupt.h"
#include "cli/loop.h"
#include "cli/toplevel.h"
#include "front/ast.h"
#include "check.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int statements_run;

static void ctrl_c_after_one(Interp *I, const Node *stmt) {
    (void)I;
    (void)stmt;
    statements_run++;
    nnl_interrupt = 1;
}

static void stopped_between_statements(bool dry_run) {
    const char *pass = dry_run ? "check pass" : "run";
    Interp I;
    memset(&I, 0, sizeof I);
    interp_init(&I, dry_run);
    char *log = NULL;
    size_t log_size = 0;
    I.out = open_memstream(&log, &log_size);
    diag_set_stream(I.out);
    Arena ast = { 0 };
    Node *root = parse_source(&ast, "loop.nnl", "for lr in [0.5, 0.25, 0.125] {\n  a = lr\n  b = lr\n}\n");
    CHECK(root && root->kids.n == 1, "%s: the script is one for statement", pass);
    statements_run = 0;
    nnl_interrupt = 0;
    if (root && root->kids.n == 1) exec_for(&I, root->kids.items[0], ctrl_c_after_one);
    fflush(I.out);
    CHECK(statements_run == 1, "%s: Ctrl-C after the body's first statement: no other statement runs (%d ran)", pass,
          statements_run);
    CHECK(I.interrupted, "%s: the interpreter is left interrupted", pass);
    CHECK(nnl_interrupt == 0, "%s: the Ctrl-C flag is cleared", pass);
    const char *said = "interrupted: the loop stopped in its round with lr = 0.5\n";
    if (dry_run) CHECK(log && log[0] == 0, "check pass: nothing said (%s)", log ? log : "");
    else CHECK(log && strcmp(log, said) == 0, "run: the loop says where it stopped (%.*s)", log ? (int)strcspn(log, "\n") : 0,
               log ? log : "");
    nnl_interrupt = 0;
    diag_set_stream(stderr);
    fclose(I.out);
    free(log);
    interp_free(&I);
    arena_free(&ast);
}

int main(void) {
    stopped_between_statements(false);
    stopped_between_statements(true);
    CHECK_DONE();
}
