/* The tape: every primitive applied during a pass, in order.  It is the single
 * source of truth for a pass — backward walks it, gradient checks perturb its
 * inputs, the REPL will step through it one entry at a time. */
#ifndef NNL_TAPE_H
#define NNL_TAPE_H
#include "prims.h"

typedef struct TapeEntry {
    PrimCall    call;        /* op, inputs, output */
    SrcLoc      loc;         /* the expression that applied it */
    int         layer;       /* 1-based layer of the model being run, 0 outside */
    const char *name;        /* the intermediate it produced ("a", "z"), or NULL */
} TapeEntry;

typedef struct Tape {
    TapeEntry *entries;
    int        n, cap;
    bool       recording;    /* off: ops run but nothing is kept */
    int        layer;        /* stamped on new entries */
    Arena     *arena;        /* where outputs and gradients of this pass live */
} Tape;

void    tape_init(Tape *t, Arena *arena);
void    tape_free(Tape *t);
void    tape_clear(Tape *t);                 /* forget the entries (keep capacity) */
/* Runs prims[op] on `in`; records it when recording and any input requires a
 * gradient.  The output requires a gradient iff an input does. */
Tensor *tape_apply(Tape *t, PrimOp op, Tensor **in, int nin, int axis, SrcLoc loc);
/* Seeds ∂C/∂loss = 1 and walks the tape backwards, accumulating gradients. */
void    tape_backward(Tape *t, Tensor *loss);
/* One backward entry (the REPL's `step`): returns false if it had no gradient to pass on. */
bool    tape_backward_entry(Tape *t, int i);

#endif
