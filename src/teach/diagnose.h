/* Teaching diagnostics: the statements gradcheck, gradients, activations,
 * sanity and history (diagnose.c, gradcheck.c; history's table is curve.c's). */
#ifndef NNL_DIAGNOSE_H
#define NNL_DIAGNOSE_H
#include "lang/interp.h"
#include "train/lint.h"

/* Runs cmd if it is one of the diagnostic statements; false if it is not. */
bool exec_diagnostic(Interp *I, const Node *cmd);

/* `NET on DATA` and `NAME N` options of a diagnostic statement, from its words
 * starting at `from`; options: names (NULL-terminated), values: defaults in,
 * given values out.  x and y are the first `rows` rows (option `rows`).  With
 * a loss, the targets must fit the model's output and a loss must be set. */
typedef struct Operands { Model *m; Dataset *d; Tensor *x, *y; int rows; } Operands;
void diagnostic_operands(Interp *I, const Node *cmd, int from, bool with_loss, const char *const *options,
                         double *values, Operands *o);

/* gradcheck.c */
void exec_gradcheck(Interp *I, const Node *cmd);

#endif
