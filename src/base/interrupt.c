/* interrupt.c — the Ctrl-C flags: set by the SIGINT handler (cli/repl.c),
 * polled by long statements, which stop at a safe point when they see them.
 * Must not: install a handler or print (the command line does). */
#include "base/interrupt.h"

volatile sig_atomic_t nnl_interrupt, nnl_training;
