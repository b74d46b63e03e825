/* The REPL's commands by name (for tab completion); their dispatch is
 * exec_command in interp.h. */
#ifndef NNL_COMMANDS_H
#define NNL_COMMANDS_H
#include "lang/interp.h"
const char *command_name(int i);     /* the i-th command or statement help knows, NULL past the end */
const char *command_usage(const char *name);   /* "gradcheck NET on DATA [rows N]" */
#endif
