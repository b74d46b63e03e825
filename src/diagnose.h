/* Teaching diagnostics: the statements gradcheck, gradients, activations,
 * sanity and history (diagnose.c, gradcheck.c, curve.c), the initial loss
 * check at the start of `train` (diagnose.c) and the lints (lint.c). */
#ifndef NNL_DIAGNOSE_H
#define NNL_DIAGNOSE_H
#include "interp.h"

/* Runs cmd if it is one of the diagnostic statements; false if it is not. */
bool exec_diagnostic(Interp *I, const Node *cmd);

/* The first batch's loss of a model's first training, next to the log(n) a
 * net that has learnt nothing gives for n classes; warns when far off. */
void initial_loss_check(Interp *I, Model *m, const Dataset *d, double loss, SrcLoc loc);

/* Warnings about an output layer that cannot reach the targets (lint.c). */
void lint_targets(Interp *I, const Model *m, const Dataset *d);
/* Warnings about data, models and layer definitions a script never uses. */
void lint_unused(const Node *program);

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
