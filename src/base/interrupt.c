/* interrupt.c — the Ctrl-C flags: set by the SIGINT handler (cli/repl.c),
 * polled by long statements, which stop at a safe point when they see them.
 * Must not: install a handler, or clear the flag (the statement's end does,
 * cli/toplevel.c, so that every caller up the stack sees it). */
#include "base/interrupt.h"

volatile sig_atomic_t nnl_interrupt, nnl_training;

/* said at the user's statement: where in a layer or the stdlib the work
 * was when it stopped is no help (the context notes are dropped, as the
 * unwinding would drop them anyway) */
_Noreturn void interrupt_stop(void) {
    diag_context = NULL;
    fail_at(diag_statement, "interrupted (Ctrl-C)");
}
