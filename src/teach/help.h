/* help and apropos (help.c): every command, statement, stdlib name,
 * primitive and builtin, the stdlib's read from its own sources. */
#ifndef NNL_HELP_H
#define NNL_HELP_H
#include "lang/interp.h"
void exec_help(Interp *I, const Node *cmd);      /* help | help NAME */
void exec_apropos(Interp *I, const Node *cmd);   /* apropos WORD */
/* what `help NAME` prints of a statement or command (train, model, loss,
 * step, ...) to out; false if name is none */
bool help_statement(FILE *out, const char *name);
#endif
