/* The REPL's commands (commands.c): their dispatch, and their names and
 * usage for help and tab completion. */
#ifndef NNL_COMMANDS_H
#define NNL_COMMANDS_H
#include "lang/interp.h"
/* step, next, show, explain, update, help, ... */
void exec_command(Interp *I, const Node *n);
const char *command_name(int i);     /* the i-th command or statement help knows, NULL past the end */
const char *command_usage(const char *name);   /* "gradcheck NET on DATA [rows N]" */
#endif
