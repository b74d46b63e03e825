/* Ctrl-C: the SIGINT handler (cli/repl.c) sets nnl_interrupt; long work
 * polls it at safe points and stops; the statement that was running then
 * ends as interrupted (cli/toplevel.c): a script exits 130 (the check pass
 * too), the REPL returns to its prompt with its state, a piped REPL stops
 * with 130.  `train` (which sets nnl_training while it runs) stops on its
 * own after the current batch, keeping its weights. */
#ifndef NNL_INTERRUPT_H
#define NNL_INTERRUPT_H
#include "base/diag.h"
#include <signal.h>

extern volatile sig_atomic_t nnl_interrupt, nnl_training;

/* stops the running statement: an error at it saying it was interrupted */
_Noreturn void interrupt_stop(void);

/* a safe point of long work (every op and call: budget_charge; loaders'
 * loops): stops the statement when Ctrl-C was pressed, unless training,
 * which stops at the end of its batch */
static inline void interrupt_poll(void) {
    if (nnl_interrupt && !nnl_training) interrupt_stop();
}

#endif
