/* A model's training history (history.c): every epoch `train` finished, kept
 * per model across `train` statements and after Ctrl-C, in runs.
 *
 * What reads it: `history NET` (the table, a sparkline, the CSV file of
 * `history NET to "FILE"`), curve.c's rules after each `train`, and the
 * pictures of the loss, the learning rate and the gradients.  Read it with
 * history_of() and history_run(); train.c alone writes it.
 *
 * A **run** starts at a model's first `train` and again at the first
 * `train` after `reset NET` or `load NET "FILE"` (new weights: the curve
 * before them says nothing of what follows).  `undo` puts the history back
 * as it was before what it undoes: undo of a `train` takes its epochs out,
 * undo of a reset or load reopens the run it closed (snapshot.c keeps a
 * HistoryMark).  Epochs are numbered from 1 in each run. */
#ifndef NNL_HISTORY_H
#define NNL_HISTORY_H
#include "lang/interp.h"
#include <stdio.h>

/* One run: its epochs as parallel arrays of n numbers (index i = epoch i + 1). */
typedef struct HistoryRun {
    int     n, cap;
    double *loss;           /* the training loss: the mean over the epoch's batches of each batch's loss
                               (weighted by its rows; the regularizers' penalty is not in it) */
    double *valid_loss;     /* the loss on `valid DATA` after the epoch, evaluation mode; NAN without valid */
    double *valid_accuracy; /* the accuracy there (0 to 1), NAN without valid or when the targets are not classes */
    double *lr;             /* the learning rate of the epoch's last update, as the update used it: the
                               optimizer's `lr` setting after its schedule, divided by 1 + decay·t when the
                               optimizer has a `decay` setting (sgd, adagrad, rmsprop, adam); Adam's bias
                               correction is not in it.  NAN when the optimizer has no `lr` setting */
    /* With `track gradients` on: grad_norm[i * nlayers + (l - 1)] is ‖∂C/∂W(l)‖ in epoch i + 1, the L2
     * norm of layer l's weight gradient (its first matrix, else its first parameter: layer_weight),
     * averaged over the epoch's batches (the mean of each batch's norm; a one-batch epoch gives that
     * batch's norm, which `gradients NET on DATA` prints for the same weights).  C is what training
     * minimises: the loss plus any penalty.  NAN for a layer without parameters and for every epoch
     * trained while tracking was off.  grad_norm is NULL until an epoch of the run was tracked.
     * δ(l) is not kept: a replayed step does not name the layers' pre-activations. */
    int     nlayers;
    double *grad_norm;
    int    *starts;         /* the index of the first epoch of each `train` statement of the run */
    int     nstarts;
    int     restored_epoch; /* 1-based: the epoch whose weights early stopping put back (the last time
                               it did in this run), 0 if it never did */
} HistoryRun;

typedef struct History {
    HistoryRun *runs;       /* oldest first; the last is the current run */
    int     nruns, cap;
    bool    closed;         /* reset or load: the next `train` starts a new run */
} History;

/* m's history, NULL if it was never trained */
const History *history_of(const Model *m);
/* run r (0 first; -1 the current, i.e. the last), or NULL if there is none */
const HistoryRun *history_run(const Model *m, int r);
/* ‖∂C/∂W(l)‖ of epoch e (1-based) of run, layer l (1-based); NAN if not tracked */
double history_grad_norm(const HistoryRun *run, int e, int l);

/* ---- recording (train.c) ---- */
/* a `train` starts: its first epoch's index in the current run (a new run if
 * there is none or it was closed); nothing is recorded in the check pass */
int  history_begin(Interp *I, Model *m);
/* room made at once for the `epochs` a `train` is about to add (up to 65,536),
 * rather than grown as they come */
void history_expect(Interp *I, Model *m, int epochs);
/* one finished epoch of the current run; grad_norm: nlayers numbers or NULL */
void history_add(Interp *I, Model *m, double loss, double valid_loss, double valid_accuracy, double lr,
                 const double *grad_norm);
/* early stopping put back the weights of epoch e (1-based) of the `train` whose first index was `first` */
void history_restored(Model *m, int first, int e);
/* reset and load: the next `train` of m starts a new run */
void history_end_run(Model *m);

/* where m's history stands, to go back to (undo): a mark, then
 * history_rewind drops what was recorded after it, and reopens a run closed
 * after it.  Marks are rewound to newest first. */
typedef struct HistoryMark { int nruns, n, nstarts, restored_epoch; bool closed; } HistoryMark;
HistoryMark history_mark(const Model *m);
void history_rewind(Model *m, HistoryMark k);

/* ---- history NET ---- */
/* the table of the current run (20 epochs spread over it, or all) and its sparkline */
void history_print(Interp *I, const Model *m, bool all);
/* every run's epochs as CSV: epoch,loss,valid_loss,valid_accuracy,lr then grad_norm_L for each layer L
 * with parameters when a run was tracked, then run when there are several runs; a NAN is an empty
 * field; numbers with the digits of the model's type (7 for float32, 15 for float64).  False if f
 * had a write error. */
bool history_write_csv(FILE *f, const Model *m);

#endif
