/* The REPL's commands (commands.c): their dispatch.  Their names and usage,
 * and adding one, are command_table.h's. */
#ifndef NNL_COMMANDS_H
#define NNL_COMMANDS_H
#include "lang/interp.h"

/* step, next, show, explain, update, help, ... and the added ones */
void exec_command(Interp *I, const Node *n);
#endif
