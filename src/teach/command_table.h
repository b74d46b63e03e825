/* The table of the REPL's commands (command_table.c): their names and usage
 * for help, usage errors and tab completion, and the commands added by the
 * stages above teach. */
#ifndef NNL_COMMAND_TABLE_H
#define NNL_COMMAND_TABLE_H
#include "lang/interp.h"
/* What help says of a command: `usage` on one line, `what` it does, an example. */
typedef struct CommandInfo { const char *name, *usage, *what, *example; } CommandInfo;
typedef void (*CommandRun)(Interp *I, const Node *cmd);
/* A command of a stage above teach (a picture, the web view), added by the
 * command line at start-up; its word must also be in the lexer's list of
 * command words (grammar/nnl.l).  Adding a name again replaces its handler. */
void command_add(const CommandInfo *info, CommandRun run);
/* the handler of an added command, NULL if name is not one */
CommandRun command_added(const char *name);

const CommandInfo *command_info(int i);   /* the i-th command, NULL past the end */
const char *command_name(int i);     /* the i-th command or statement help knows, NULL past the end */
const char *command_usage(const char *name);   /* "gradcheck NET on DATA [rows N]" */
#endif
