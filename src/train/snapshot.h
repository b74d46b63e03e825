/* Snapshots of a model (weights, layer state, optimizer state and counts)
 * and the undo stack that `undo` takes them back from. */
#ifndef NNL_SNAPSHOT_H
#define NNL_SNAPSHOT_H
#include "lang/interp.h"
#include "train/history.h"

typedef struct SavedParam {
    Param   *param;            /* a parameter, or a layer's state (which has no optimizer state) */
    Tensor  *value;            /* a copy of the value */
    Binding *state;            /* the state array and count as they were ... */
    int      nstate;
    Tensor **state_values;     /* ... and copies of the state tensors */
    bool     trainable;        /* a parameter (with its optimizer state), not a layer's state */
} SavedParam;

struct Snapshot {
    struct Snapshot *older;
    Arena       arena;
    const char *what;          /* what changed the weights after it: "update", "reset", "load", "train" */
    Model      *model;
    long        steps, epochs;
    const Callable *state_owner;
    bool        initialised;
    SavedParam *params;
    int         nparams;
    int         trace_serial;  /* the pass an update applied, 0 for none */
    HistoryMark history;       /* the model's history as it was (undo of a train takes its epochs out) */
    size_t      bytes;         /* what its copies hold */
    bool        weights_later; /* the copies of the parameters and their optimizer state are still to be
                                  made (snapshot_retake_before_update) */
    const Tensor **copy_from;  /* those copies: copy_from[i] goes to copy_to[i] */
    Tensor     **copy_to;
    int          ncopies;
    void       **home;         /* home[i]: copy_from[i]'s memory when taken; the update may swap the
                                  two tensors' memory instead of copying (optcompile.c), and
                                  snapshot_free gives each parameter its own back */
    Tensor     **all_to;       /* every copy of a retake, all_to[i] from the tensor in *all_from[i] */
    Tensor *const **all_from;  /*   (where the model holds it: read when copying, as copy_param does) */
    int          nall;
};

/* a copy of m's weights, layer state, optimizer state and counts, to put
 * back later: all of it, or only the weights and layer state (early
 * stopping's best epoch) */
struct Snapshot *snapshot_take(Interp *I, Model *m, const char *what);
/* s (or NULL) taken again of m: into its own copies when m's optimizer state
 * has the shape it had, else a new snapshot (train keeps the last finite
 * step's this way, once per step, without allocating) */
struct Snapshot *snapshot_retake(Interp *I, struct Snapshot *s, Model *m, const char *what);
/* snapshot_retake, but the copies of the parameters and their optimizer
 * state are left to the update that follows, which makes them while it reads
 * those numbers anyway (snapshot_pending_copies), or to snapshot_copy_weights
 * when the update runs otherwise: the step after a finite loss pays no pass
 * of its own over the weights. */
struct Snapshot *snapshot_retake_before_update(Interp *I, struct Snapshot *s, Model *m, const char *what);
/* The copies still to be made: (*from)[i] is to be copied into (*to)[i];
 * returns how many (0 when none is pending).  The arrays are the snapshot's. */
int  snapshot_pending_copies(const struct Snapshot *s, const Tensor ***from, Tensor ***to);
void snapshot_copy_weights(struct Snapshot *s);      /* makes the pending copies (none: does nothing) */
void snapshot_restore(struct Snapshot *s);           /* all of it, and the history as it was */
void snapshot_restore_weights(struct Snapshot *s);
void snapshot_free(struct Snapshot *s);

/* the undo stack: newest first, the oldest dropped past its depth (32) or
 * when together they hold more than 256 MiB (the newest is always kept) */
void undo_push(Interp *I, struct Snapshot *s);
struct Snapshot *undo_pop(Interp *I);              /* NULL when empty */
/* keeps m's weights and optimizer state for `undo` before `what` changes them */
void undo_remember(Interp *I, Model *m, const char *what);
void undo_free_all(Interp *I);

#endif
