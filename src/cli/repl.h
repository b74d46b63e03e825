/* The REPL (repl.c): statements from standard input, interactive on a terminal. */
#ifndef NNL_REPL_H
#define NNL_REPL_H
#include "lang/interp.h"
/* Reads and runs statements until the end of input; returns the exit status
 * (1 if a statement failed when not on a terminal). */
int  repl_run(Interp *I);
/* Ctrl-C stops `train` after the current batch (and clears the prompt's line). */
void signals_install(void);
#endif
