/* The trace: one recorded pass of a model that outlives the statement that
 * made it — every op (with its expression, layer and the intermediate it
 * produced), the loss, the forward/backward boundary and a cursor.  The REPL's
 * stepping walks it, `explain` reads it, `update` applies its gradients.
 *
 * The cursor counts steps: positions 0..n run the n entries forward (for
 * display: their values were computed when the pass was recorded), positions
 * n..2n run them backward for real, one tape_backward_entry at a time, so
 * every gradient seen while stepping is exactly the state at that point. */
#ifndef NNL_TRACE_H
#define NNL_TRACE_H
#include "lang/interp.h"

typedef enum { STEP_NONE, STEP_OP, STEP_GROUP, STEP_UPDATE } StepKind;

/* A line an optimizer ran during `update`, with the value it assigned. */
/* A line an optimizer ran in `update`: the value it assigned; for `w += s`
 * and `w -= s`, change is the step it computed (s, -s), which `update` shows
 * rather than the difference of the two rounded weights. */
typedef struct UpdateLine { const Param *param; const Layer *layer; const Node *stmt; Tensor *value, *change; } UpdateLine;

typedef struct Trace {
    Arena      arena;          /* every tensor of the pass: inputs, outputs, gradients */
    TapeEntry *entries;
    int        n;
    TapeName  *names;
    int        nnames;
    TapeLayer *layers;
    int        nlayers;
    Model     *model;
    Tensor    *x, *y;          /* the input as given, the targets (NULL: forward only) */
    Tensor    *out, *loss;     /* ŷ and C (NULL: forward only) */
    Tensor    *data_loss, *penalty;  /* C = data_loss + penalty; penalty NULL without a regularizer */
    bool       training;       /* its layers ran in training mode (backward), not evaluation (forward) */
    int        nforward;       /* entries [0, nforward) run the model; the rest compute the loss */
    bool      *live;           /* live[i]: entry i's output reaches the loss, so backward passes through it */
    bool       single;         /* one sample given as a vector: shown as vectors */
    const char *loss_name;     /* "mse", or the fused form used */
    int        pos;            /* the cursor, 0 .. total (see above) */
    StepKind   last;           /* what the last step did, for explain */
    int        last_from, last_to;   /* the positions it went from and to */
    bool       applied;        /* `update` applied its gradients: the weights moved on */
    bool       stale;          /* the weights changed otherwise (reset, undo, sanity) ... */
    long       revision;       /* ... or the model's revision moved on from this (train, load) */
    int        serial;         /* tells passes apart (undo knows which one an update applied) */
    UpdateLine *lines;         /* what the last `update` ran */
    int        nlines, cap_lines;
} Trace;

Trace *trace_record(Interp *I, Model *m, Tensor *x, Tensor *y, SrcLoc loc);
void   trace_free(Trace *t);
void   trace_discard(Interp *I);                 /* forget the current pass */
void   trace_announce(Interp *I, const Trace *t);
int    trace_total(const Trace *t);
/* the weights changed since the pass was recorded: its numbers are not theirs */
bool   trace_stale(const Trace *t);
/* fails at loc when the pass is stale, saying why (the model redefined, or
 * its weights changed) and to run `again` ("'backward'") again */
void   trace_refuse_stale(const Trace *t, SrcLoc loc, const char *again);

/* stepping; `loc` is the command's, for errors */
void trace_step(Interp *I, SrcLoc loc);
void trace_next(Interp *I, SrcLoc loc);
void trace_continue(Interp *I, bool finish, SrcLoc loc);
void trace_where(Interp *I, SrcLoc loc);
void trace_list(Interp *I, SrcLoc loc);
void trace_show(Interp *I, const Node *cmd);
Trace *trace_need(Interp *I, SrcLoc loc);        /* the current pass, or an error saying how to make one */

/* shared with explain.c */
int    trace_digits(const Interp *I);
void   trace_print(Interp *I, const Trace *t, const Tensor *v);      /* a vector for one sample */
const char *trace_label(Interp *I, const Trace *t, const Tensor *v); /* "W(1)", "a(2)", "z(0)", or NULL */
const TapeLayer *trace_layer(const Trace *t, int layer);
Tensor *trace_named(const Trace *t, int layer, const char *name);
/* the pre-activation whose gradient is δ(l): the value named `a`, else the
 * first value the layer's forward named that is computed from its parameters,
 * else its output; *name says which */
Tensor *trace_preactivation(const Trace *t, int layer, const char **name);
bool   trace_forward_reached(const Trace *t, const Tensor *v);
/* What show says of v's gradient at the cursor: GRAD_PARTIAL and GRAD_DONE
 * mean v->grad holds it (*run of the *users ops using v have run backward);
 * otherwise v->grad is not the state at the cursor and must not be shown. */
typedef enum {
    GRAD_NO_BACKWARD,       /* a forward-only pass */
    GRAD_NONE,              /* v does not depend on a parameter */
    GRAD_NOT_STEPPED,       /* a parameter at the start: the recorded backward filled it, stepping has not */
    GRAD_NOT_REACHED,       /* the backward pass has not come to it */
    GRAD_LOSS_NOT_REACHED,  /* C, before the backward pass starts with it */
    GRAD_PARTIAL,           /* some of the ops using it have run backward */
    GRAD_DONE,
} GradState;
GradState trace_grad_state(const Trace *t, const Tensor *v, int *run, int *users);
/* v as shown: one sample's [1, k] as the vector [k] */
Tensor trace_view(Interp *I, const Trace *t, const Tensor *v);
/* "forward, next op 16/27 transpose (layer 1)", "at the start", ... (where) */
const char *trace_position(Interp *I, const Trace *t);
int    trace_entry_at(const Trace *t, int p);    /* the entry the step from position p runs */
int    trace_group(const Trace *t, int i);       /* entry i's layer (1..L), 0 around the layers, -1 the loss */
int    trace_backward_done(const Trace *t);       /* entries [that, n) have run backward */
/* stepping backward has reached v's gradient (show would print it, maybe partial) */
bool   trace_grad_reached(const Trace *t, const Tensor *v);
const char *activation_name(const Layer *l, const Node *callee);

#endif
