/* Writing Graphviz DOT (graph_dot.c): the text builder, escaping, the look
 * every picture shares, and the node of one value of a pass with its
 * `data | grad` cells.  The pictures (graph_model.c, graph_pass.c,
 * graph_ops.c) write through these; none formats a number of its own. */
#ifndef NNL_GRAPH_DOT_H
#define NNL_GRAPH_DOT_H
#include "lang/interp.h"
#include "teach/trace.h"
#include <stdio.h>

/* DOT text being written: f writes into a malloc'd buffer */
typedef struct Dot { FILE *f; char *text; size_t len; } Dot;

void  dot_open(Dot *d);
/* the finished text (malloc'd; the caller frees it), its length in *len */
char *dot_close(Dot *d, size_t *len);

/* p (an array of *cap elements of size bytes) with room for need of them */
void *dot_grow(void *p, int *cap, int need, size_t size);

/* s as text inside an HTML-like label (& < > " escaped) */
void dot_html(Dot *d, const char *s);
/* s as a DOT "quoted string" */
void dot_quoted(Dot *d, const char *s);
/* `digraph "name" {` with the shared fonts and the title */
void dot_begin(Dot *d, const char *name, const char *rankdir, const char *title);
void dot_end(Dot *d);

/* The colours of the pictures (Netron's per layer kind, and the pass's). */
#define DOT_HOT        "#e66100"   /* the step just taken: border and header */
#define DOT_HOT_FILL   "#fdb863"
#define DOT_CURSOR     "#1f78b4"   /* the next op */
#define DOT_GREY       "#999999"   /* not reached, no gradient */
#define DOT_VALUE_FILL "#dbe8f7"   /* a(l), z(l), named values */
#define DOT_PARAM_FILL "#e1f0d8"   /* W(l), b(l) */
#define DOT_LOSS_FILL  "#f6dcdc"   /* C */
#define DOT_INPUT_FILL "#eeeeee"   /* x, t, constants */

/* The values of a tensor of the pass as a label shows them: a vector for
 * one sample, up to 4 rows of up to 4 numbers on lines of their own, or
 * the shape and the first 4 numbers; the REPL's precision (trace_digits). */
void dot_tensor(Dot *d, Interp *I, const Trace *t, const Tensor *v);

/* One value of the pass as a node: a header (title in bold, subtitle in
 * small type: the code that computed it), then the cells `data | grad`
 * exactly as show would report them at the cursor (not reached, no
 * gradient, partial); no grad cell in a forward-only pass.  hot: the step
 * just taken computed it (forward) or passed a gradient into it (backward). */
typedef struct ValueNode {
    const char *id, *title, *subtitle, *fill;
    const Tensor *v;
    bool hot;
} ValueNode;
void dot_value_node(Dot *d, Interp *I, const Trace *t, const ValueNode *n);

/* The positions the step just taken went through, [*from, *to): false when
 * there is none to highlight (at the start, after a long `continue`, after
 * `update`, or when the weights changed since). */
bool dot_last_step(const Trace *t, int *from, int *to);

/* what the pass's title says: "pass of net on 1 sample: forward, next op 16/27 ..." */
const char *dot_pass_title(Interp *I, const Trace *t, const char *view);

#endif
