/* Models and layers (model.c): building one from its definition, initialising
 * it, running its forward pass, and its fields (net.1.W).  The evaluator calls
 * a model and reads its fields through I->hooks (language.c sets them). */
#ifndef NNL_MODEL_H
#define NNL_MODEL_H
#include "lang/interp.h"

Model  *model_build(Interp *I, const Node *n);
void    model_ensure_initialised(Interp *I, Model *m);
Tensor *model_forward(Interp *I, Model *m, Tensor *x, SrcLoc loc);
/* x with other sizes, on the tape (gradients flow through) */
Tensor *reshaped(Interp *I, Tensor *x, int ndim, const int *shape, SrcLoc loc);
Value   model_field(Interp *I, Model *m, const char *field, SrcLoc loc);
Value   layer_field(Interp *I, Layer *l, const char *field, SrcLoc loc);
void    model_zero_grad(Model *m);
int     model_param_count(const Model *m);

/* the parameter that stands for a layer's weights W(l) (gradients, history):
 * its first matrix, else its first parameter; NULL for a layer without any */
const Param *layer_weight(const Layer *l);
/* the name of a layer's `activation` argument ("sigmoid"), or NULL */
const char *layer_activation(const Layer *l);

#endif
