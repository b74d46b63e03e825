/* Training (train.c): the loss and its fused forms, the regularizers' penalty,
 * one pass, and the statements train and evaluate (the update: optstep.h). */
#ifndef NNL_TRAIN_H
#define NNL_TRAIN_H
#include "lang/interp.h"

void exec_train(Interp *I, const Node *n);
/* what the train statement n does — its model, data and options — checked, without training (export) */
struct TrainRecord train_plan(Interp *I, const Node *n, Model **m);
/* `NET on DATA` of a statement (n->name, n->label): shapes checked, a loss set */
void model_on_data(Interp *I, const Node *n, const char *stmt, Model **m, Dataset **d);
/* forward, loss and (if backward) the backward pass on one batch; the loss */
double train_pass(Interp *I, Model *m, Tensor *x, Tensor *y, bool backward, SrcLoc loc);
/* the data's input and target widths against the model's, an error naming both */
void check_fit(Model *m, Dataset *d, SrcLoc loc);
Tensor *model_outputs(Interp *I, Model *m, Tensor *x, SrcLoc loc);
Tensor *compute_loss(Interp *I, Tensor *y, Tensor *t, SrcLoc loc);
/* the fused form `def loss(F(a), t)` compute_loss uses for outputs y, or NULL */
const Callable *fused_loss(Interp *I, const Tensor *y);
/* What training minimises: the loss of outputs `out` against targets `y`
 * plus the penalty of m's regularizers (NULL without one), on the tape. */
typedef struct Objective { Tensor *loss, *penalty, *total; } Objective;
Objective objective(Interp *I, Model *m, Tensor *out, Tensor *y, SrcLoc loc);

void exec_evaluate(Interp *I, const Node *n);

#endif
