/* What `train` prints while it runs (progress.c).
 *
 * Not on a terminal (a pipe, a file, CI): one plain line per reported epoch,
 *     epoch  10/100  loss 0.267702  valid loss 0.513256  valid accuracy 0.8
 * and nothing else — no carriage return, no control byte, nothing timed.
 * On a terminal: the line of the current epoch is rewritten in place (at
 * most 10 times a second, by the wall clock) with a bar over its batches,
 * samples a second, the time since the statement began and the time left,
 * and the epoch's loss so far; a reported epoch's line is finished with the
 * plain line's numbers and stays, an unreported one is overwritten.
 * Reported: the first epoch, the last, every `log every N`-th (a tenth by
 * default), and the one early stopping stopped at; `log every 0` and
 * --quiet print none, the check pass nothing. */
#ifndef NNL_PROGRESS_H
#define NNL_PROGRESS_H
#include "lang/interp.h"
#include <stdio.h>

/* One epoch's numbers: the mean loss (and penalty) over its batches, and the
 * loss and accuracy on the validation data after it. */
typedef struct EpochStats {
    double loss, penalty, valid_loss, valid_accuracy;
    bool   has_penalty, has_valid, has_accuracy;
} EpochStats;

/* whether `train` reports epoch e of E: the first, the last and every
 * `every`-th (every 0: the default E/10; negative: none) */
bool progress_due(const Interp *I, int e, int epochs, int every);

typedef struct Progress {
    FILE  *out;
    bool   live;            /* a terminal: the current epoch's line is rewritten in place */
    bool   drawn;           /* a live line is on the screen and not finished */
    bool   no_speed;        /* a narrow terminal: the live line leaves out samples/s */
    int    epochs, every, rows, batches, bar, cols;
    double start, last_draw;
    const Interp *I;
} Progress;

/* a `train` of `epochs` epochs of `rows` rows in batches of `batch` starts */
void progress_begin(Progress *p, const Interp *I, int epochs, int every, int rows, int batch);
/* after batch b of epoch e, `done` rows of the epoch so far, their mean loss
 * `loss`: the live line, if a tenth of a second has passed since the last */
void progress_batch(Progress *p, int e, int b, int done, double loss);
/* epoch e is finished: its line if it is reported (or `force`d) */
void progress_epoch(Progress *p, int e, const EpochStats *s, bool force);
/* Ctrl-C after batch b of epoch e: the live line as it stands, finished */
void progress_interrupted(Progress *p, int e, int b, int done, double loss);
/* the statement is over (or failed): a live line left open is finished */
void progress_end(Progress *p);

/* The live line's text, without the loss's details, for a terminal of any
 * width (tests/unit/test_progress.c): `epoch  3/10 [=====>....] 4/8
 * 1,234 samples/s  0:03 ETA 0:12  loss 0.4321`; eta < 0 leaves out the ETA
 * (a finished epoch), loss NAN the loss; bar 0 leaves out the bar; the speed
 * is left out until some time has passed.  Returns its length. */
typedef struct ProgressLine {
    int    epoch, epochs, batch, batches, bar;
    long   samples;         /* rows trained on since the statement began */
    double elapsed, eta;    /* seconds */
    double loss;
    bool   no_speed;        /* leave out the samples a second (a narrow terminal) */
} ProgressLine;
int progress_format(char *buf, size_t size, const ProgressLine *l);
/* 75 -> "1:15", 3725 -> "1:02:05" */
const char *progress_clock(char *buf, size_t size, double seconds);

#endif
