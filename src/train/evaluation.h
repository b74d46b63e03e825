/* What `evaluate` and `predict` print (evaluation.c): accuracy, the loss,
 * a confusion matrix, predictions as a table or CSV. */
#ifndef NNL_EVALUATION_H
#define NNL_EVALUATION_H
#include "lang/interp.h"

/* the fraction of rows classified right, or -1 if the targets are not classes
 * (one-hot rows, or one column of 0s and 1s) */
double accuracy_of(const Tensor *out, const Tensor *y);
/* loss, accuracy, the regularizers' penalty (NaN: none) and a confusion
 * matrix of outputs against d's targets */
void report_evaluation(FILE *f, const Tensor *out, const Dataset *d, double loss, double penalty);
/* outputs against d's targets, row by row: a table for a person (saying they
 * are the first of of_rows when d has fewer), or CSV */
void report_predictions(Arena *ar, FILE *f, const Tensor *out, const Dataset *d, int of_rows, bool csv);

#endif
