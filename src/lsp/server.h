/* nnl lsp: the Language Server Protocol over standard input and output. */
#ifndef NNL_LSP_SERVER_H
#define NNL_LSP_SERVER_H
#include "lsp/document.h"

/* Serves until "exit" or the end of input; returns the exit status (0 after
 * shutdown then exit, 1 otherwise, as the protocol says).  Standard output
 * carries the protocol only: anything else printed goes to standard error. */
int lsp_serve(const LspRunner *runner);

#endif
