/* Teaching diagnostics: the statements gradcheck, gradients, activations,
 * sanity and history (diagnose.c, gradcheck.c; history's table is curve.c's). */
#ifndef NNL_DIAGNOSE_H
#define NNL_DIAGNOSE_H
#include "lang/interp.h"
#include "train/lint.h"

/* Runs cmd if it is one of the diagnostic statements; false if it is not. */
bool exec_diagnostic(Interp *I, const Node *cmd);

/* The numbers `gradients` and `activations` print, for the pictures that
 * show them (see/plot.c); the norms are tensor_l2_norm's (tensor/tensor.h),
 * of the weight layer_weight picks (lang/model.h), as train's history's are */
/* "2 sigmoid": a layer's index and activation (or kind), in I->pass */
const char *layer_title(Interp *I, const Layer *l);
/* where an activation saturates, by its name (layer_activation) */
typedef enum { SAT_NONE, SAT_SIGMOID, SAT_TANH, SAT_RELU } Saturation;
Saturation saturation_of(const char *act);
/* z's mean, std, the share of saturated values and (relu) the units 0 on every row */
typedef struct ActStats { double mean, std, sat; int dead, units; Saturation kind; } ActStats;
ActStats activation_stats(const Tensor *z, Saturation kind);
/* the range a histogram of z spans: the activation's own (sigmoid [0, 1], tanh
 * [-1, 1], ...) or z's */
void activation_range(const char *act, const Tensor *z, double *lo, double *hi);

/* gradcheck.c */
void exec_gradcheck(Interp *I, const Node *cmd);

#endif
