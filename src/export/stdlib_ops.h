/* What ONNX op each of the stdlib's activations and layers is (stdlib_ops.c):
 * the one table both directions read, and how to tell the stdlib's own
 * function or layer from a user's of the same name. */
#ifndef NNL_STDLIB_OPS_H
#define NNL_STDLIB_OPS_H
#include "lang/interp.h"

/* An activation of stdlib/activations.nnl (or a primitive) and its ONNX op;
 * has_alpha: the op's `alpha` attribute is the function's alpha. */
typedef struct OnnxActivation {
    const char *nnl, *op;
    bool        has_alpha;
    float       onnx_alpha;     /* ONNX's default alpha, when the attribute is absent */
} OnnxActivation;

/* fn is the stdlib's `name` itself (a primitive, or defined in the stdlib files),
 * not a user's function or layer of that name */
bool stdlib_is(const Callable *fn, const char *name);

/* The activation a layer's `activation` argument is, or NULL if it is none
 * of the table's (a user's function, step); linear is the table's first
 * entry, with op NULL.  alpha: its alpha, bound or the default. */
const OnnxActivation *onnx_activation_of(Interp *I, const Callable *fn, double *alpha, SrcLoc loc);
/* name is one of the table's activations ("relu") */
bool stdlib_named(const char *name);
/* The activation of ONNX op `op`, or NULL. */
const OnnxActivation *onnx_activation_by_op(const char *op);
/* "Sigmoid, Tanh, Relu, ..." for messages */
const char *onnx_activation_list(Interp *I);
/* The default alpha of the stdlib's activation a (0.3 for leaky_relu), in I's precision. */
double stdlib_default_alpha(Interp *I, const OnnxActivation *a, SrcLoc loc);

/* ---- what both exports (ONNX, PyTorch) ask of a model's layers ---- */

/* a layer's constructor argument `name` (V_NONE if it has none) */
Value layer_arg(const Layer *l, const char *name);
/* a layer's parameter or state `name` (W, running_mean), or NULL */
Tensor *layer_tensor(const Layer *l, const char *name);
/* "cannot export model 'net' to FORMAT: layer 2 (dense) WHY", with a note at the layer */
_Noreturn void export_refuse(SrcLoc loc, const Layer *l, const char *format, const char *why);
/* "a layer defined at FILE:LINE" or "another layer": for refusing a layer that is not the stdlib's */
const char *layer_origin(Interp *I, const Layer *l);
/* The stdlib activation of a layer's `activation` argument (NULL if it has
 * none), or refused naming the layer: a script's own function, even under a
 * stdlib name, has no op (`has_op`: "that ONNX has an op for").  alpha: its alpha. */
const OnnxActivation *export_activation(Interp *I, SrcLoc loc, const Layer *l, const char *format, const char *has_op,
                                        double *alpha);

#endif
