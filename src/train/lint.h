/* Warnings about a script that runs but cannot do what it seems to mean
 * (lint.c), and the loss before training next to log(n). */
#ifndef NNL_LINT_H
#define NNL_LINT_H
#include "lang/interp.h"

/* Warnings about an output layer that cannot reach the targets. */
void lint_targets(Interp *I, const Model *m, const Dataset *d);
/* Warnings about data, models and layer definitions a script never uses. */
void lint_unused(const Node *program);

/* The loss of a model before its first training (the mean over `rows` rows
 * of d), next to the log(n) a net that has learnt nothing gives for n
 * classes; warns when far off. */
void initial_loss_check(Interp *I, Model *m, const Dataset *d, double loss, int rows, SrcLoc loc);
/* the number of classes a cross-entropy over d's targets spreads over, or 0 */
int  cross_entropy_classes(Interp *I, const Dataset *d);
/* prints (if show) and judges a loss, the mean over `rows` rows, against log(n) */
void compare_initial_loss(Interp *I, const Model *m, int n, double loss, int rows, bool show, SrcLoc loc);

#endif
