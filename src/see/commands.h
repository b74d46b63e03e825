/* The `graph` command (commands.c), added to the REPL's commands
 * (teach/command_table.h) by the command line at start-up; plot.h adds `plot`. */
#ifndef NNL_SEE_COMMANDS_H
#define NNL_SEE_COMMANDS_H
void graph_register_commands(void);
#endif
