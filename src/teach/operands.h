/* The words of a diagnostic statement (operands.c): `NET on DATA [NAME N]...`,
 * read for diagnose.c, gradcheck.c and see/plot.c. */
#ifndef NNL_OPERANDS_H
#define NNL_OPERANDS_H
#include "lang/interp.h"

/* `NET on DATA` and `NAME N` options of a diagnostic statement, from its words
 * starting at `from`; options: names (NULL-terminated), values: defaults in,
 * given values out.  x and y are the first `rows` rows (option `rows`).  With
 * a loss, the targets must fit the model's output and a loss must be set. */
typedef struct Operands { Model *m; Dataset *d; Tensor *x, *y; int rows; } Operands;
void diagnostic_operands(Interp *I, const Node *cmd, int from, bool with_loss, const char *const *options,
                         double *values, Operands *o);

/* w is the word `text` (an N_NAME) */
bool diagnostic_word(const Node *w, const char *text);
/* "usage: ..." of the statement cmd, at the word `at` (or cmd itself) */
_Noreturn void diagnostic_usage(const Node *cmd, const Node *at);
#endif
