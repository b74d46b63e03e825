/* The graphs `graph` draws, as Graphviz DOT text (malloc'd; the caller
 * frees it; *len is its length).  They read the model and the recorded pass
 * (teach/trace.h) and compute no number of their own. */
#ifndef NNL_GRAPH_H
#define NNL_GRAPH_H
#include "lang/interp.h"
#include "teach/trace.h"

/* the model: input, one box per layer, output (graph_model.c) */
char *graph_model(Interp *I, const Model *m, size_t *len);
/* the pass per layer: z(0), each layer's named values and parameters, the
 * loss, each with data | grad at the cursor (graph_pass.c) */
char *graph_pass(Interp *I, const Trace *t, size_t *len);
/* the pass per op: every tape entry and the values it reads and makes,
 * micrograd's draw_dot (graph_ops.c) */
char *graph_pass_ops(Interp *I, const Trace *t, size_t *len);

#endif
