/* The values of the pass at its cursor as JSON (values.c), for the page's
 * object (passjson.c) and its frames (walk.c): numbers, rows of tensors,
 * each layer's a, z, δ and gradients, the step just taken. */
#ifndef NNL_WEB_VALUES_H
#define NNL_WEB_VALUES_H
#include "lang/interp.h"
#include "teach/trace.h"
#include <cjson/cJSON.h>

/* at most this many rows of a batch go into the page */
enum { VIEW_MAX_ROWS = 64 };

/* Which part of the page a step belongs to: one entry per step of the pass
 * (positions 0..total-1), as the REPL's `next` groups them (walk.c). */
typedef struct PassSteps {
    int    total;
    int   *layer;          /* 1..L, L+1 for the loss, 0 for none */
    bool  *boundary;       /* boundary[p], p in 0..total: a `next` from the start stops at p */
    char **explain;        /* explain[p] at a boundary: what `explain` prints after that `next` */
    int    serial;         /* the pass (Trace.serial) they describe */
} PassSteps;

cJSON *json_num(double v);                          /* %.9g, or null when not finite */
cJSON *json_rows(const Tensor *t, int max_rows);    /* rows × columns (a vector: one row) */
cJSON *json_flat(const Tensor *t);                  /* every element in one list */
const Param *view_param(const Layer *l, bool matrix);   /* W [units, in] or b [units] */

/* {a, z, delta, gradW, gradb} of layer l at the cursor (null where not reached) */
cJSON *view_layer_values(const Trace *t, int l);
/* C once the forward pass reached it, else null */
cJSON *view_loss(const Trace *t);
/* the step list, and the highlight of the step(s) from..to of kind k */
cJSON *view_steps(Interp *I, const Trace *t, const PassSteps *s);
cJSON *view_last(Interp *I, const Trace *t, const PassSteps *s, int from, int to, StepKind k);
/* what `explain` prints now, or NULL (malloc'd) */
char  *view_explain_text(Interp *I);

#endif
