/* The REPL's commands (commands.c): their dispatch, and their names and
 * usage for help and tab completion. */
#ifndef NNL_COMMANDS_H
#define NNL_COMMANDS_H
#include "lang/interp.h"
/* What help says of a command: `usage` on one line, `what` it does, an example. */
typedef struct CommandInfo { const char *name, *usage, *what, *example; } CommandInfo;
typedef void (*CommandRun)(Interp *I, const Node *cmd);
/* A command of a stage above teach (a picture, the web view), added by the
 * command line at start-up; its word must also be in the lexer's list of
 * command words (grammar/nnl.l).  Adding a name again replaces its handler. */
void command_add(const CommandInfo *info, CommandRun run);

/* step, next, show, explain, update, help, ... and the added ones */
void exec_command(Interp *I, const Node *n);
const CommandInfo *command_info(int i);   /* the i-th command, NULL past the end */
const char *command_name(int i);     /* the i-th command or statement help knows, NULL past the end */
const char *command_usage(const char *name);   /* "gradcheck NET on DATA [rows N]" */
#endif
