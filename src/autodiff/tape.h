/* The tape: every primitive applied during a pass, in order.  It is the single
 * source of truth for a pass — backward walks it, gradient checks perturb its
 * inputs, the REPL steps through it one entry at a time (trace.h keeps a
 * finished tape as a pass that outlives its statement). */
#ifndef NNL_TAPE_H
#define NNL_TAPE_H
#include "autodiff/prims.h"

typedef struct TapeEntry {
    PrimCall    call;        /* op, inputs, output */
    SrcLoc      loc;         /* the expression that applied it */
    int         layer;       /* 1-based layer of the model being run, 0 outside */
    SrcLoc      layer_loc;   /* that layer's line in its model */
    const char *name;        /* the first intermediate it produced ("a", "z"), or NULL */
} TapeEntry;

/* A name a layer's forward gave a value (`a = ...`, `z = ...`).  Kept apart
 * from the entries because one tensor may have two names (z = linear(a) is a)
 * and a name may hold a tensor no op of this layer made. */
typedef struct TapeName {
    int         layer;
    const char *name;
    Tensor     *value;
    const void *stmt;        /* the assignment (a Node) that named it */
} TapeName;

/* What a layer took and gave, in the order the layers ran. */
typedef struct TapeLayer {
    int     layer;
    Tensor *in, *out;
    int     first, end;      /* its entries are [first, end) */
    Tensor **state;          /* what its state variables hold after it ran (nstate of them) */
    int     nstate;
} TapeLayer;

/* How ops are recorded right now: part of the evaluator's mode (interp.h),
 * saved and restored with it as a unit. */
typedef struct TapeMode {
    bool recording;          /* off: ops run but nothing is kept */
    bool record_all;         /* a trace: also ops that carry no gradient, and names and layers */
    int  layer;              /* stamped on new entries, with ... */
    SrcLoc layer_loc;        /* ... the layer's line in its model */
} TapeMode;

typedef struct Tape {
    TapeEntry *entries;
    int        n, cap;
    TapeName  *names;
    int        nnames, cap_names;
    TapeLayer *layers;
    int        nlayers, cap_layers;
    TapeMode  *mode;
    Arena     *arena;        /* where outputs and gradients of this pass live */
} Tape;

void    tape_init(Tape *t, Arena *arena, TapeMode *mode);
void    tape_free(Tape *t);
void    tape_clear(Tape *t);                 /* forget the entries (keep capacity) */
/* Runs prims[op] on `in`; records it when recording and any input requires a
 * gradient (or always, in record_all mode).  The output requires a gradient
 * iff an input does. */
Tensor *tape_apply(Tape *t, PrimOp op, Tensor **in, int nin, int axis, SrcLoc loc);
/* What running c charges the work budget (budget.h). */
long long tape_op_work(const PrimCall *c);
/* Appends a recorded entry (a replayed step shows its ops this way). */
void    tape_push(Tape *t, const TapeEntry *e);
/* In record_all mode: note a named intermediate / a layer's extent. */
void    tape_name(Tape *t, const char *name, Tensor *value, const void *stmt);
void    tape_layer(Tape *t, Tensor *in, Tensor *out, int first, Tensor **state, int nstate);
/* Seeds ∂C/∂loss = 1 and walks the tape backwards, accumulating gradients. */
void    tape_backward(Tape *t, Tensor *loss);
/* One backward entry (the REPL's `step`): returns false if it had no gradient to pass on. */
bool    tape_backward_entry(Tape *t, int i);

#endif
