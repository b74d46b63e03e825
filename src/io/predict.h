/* `predict NET on DATA [to FILE] [rows N]` (predict.c). */
#ifndef NNL_PREDICT_H
#define NNL_PREDICT_H
#include "lang/interp.h"

void exec_predict(Interp *I, const Node *n);

#endif
