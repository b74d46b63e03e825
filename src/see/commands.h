/* The commands of the pictures stage (commands.c), added to the REPL's
 * (teach/commands.h) by the command line at start-up. */
#ifndef NNL_SEE_COMMANDS_H
#define NNL_SEE_COMMANDS_H
void see_register_commands(void);
#endif
