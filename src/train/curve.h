/* What the shape of a loss curve says (curve.c).
 *
 * After each `train` the rules below read that statement's epochs of the
 * history (history.h) and, when something is off, print a paragraph saying
 * what and why.  The rules are a pure function of the numbers
 * (curve_diagnose), so they are tested on made-up histories
 * (tests/unit/test_curve.c). */
#ifndef NNL_CURVE_H
#define NNL_CURVE_H
#include "lang/interp.h"
#include <math.h>

typedef enum {
    CURVE_FINE,             /* nothing to say */
    CURVE_NONFINITE,        /* a loss became NaN or infinite */
    CURVE_RISING,           /* it ended well above where it started */
    CURVE_OSCILLATING,      /* it went up and down */
    CURVE_FLAT,             /* it barely fell */
    CURVE_OVERFITTING,      /* validation rose from its best while training kept falling */
} CurveKind;

typedef struct Diagnosis {
    CurveKind kind;
    int    epoch;           /* 1-based: where it appeared (NONFINITE), or the best validation epoch (OVERFITTING) */
    int    ups;             /* OSCILLATING: epochs whose loss rose by more than 5 % */
    double worst_rise;      /* OSCILLATING: the largest rise, as a fraction */
    bool   unchanged;       /* FLAT: the same loss in every epoch */
} Diagnosis;

/* The thresholds the rules use, named here so the docs and tests agree. */
#define CURVE_RISE_FACTOR     1.10   /* RISING: the last loss above 110 % of the first */
#define CURVE_UP_STEP         1.05   /* OSCILLATING: an epoch counts as up when it rose above 105 % ... */
#define CURVE_UP_SPAN         0.10   /* ... by a tenth of the curve's whole range (max - min) ... */
#define CURVE_UP_SHARE        0.25   /* ... and at least a quarter of the epochs did */
#define CURVE_FLAT_DROP       0.01   /* FLAT: fell by less than 1 % of the first loss, ... */
#define CURVE_FLAT_FLOOR      1e-3   /* ... which was not already this small (a converged net) */
#define CURVE_OVERFIT_FACTOR  1.10   /* OVERFITTING: validation 10 % above its best */
enum { CURVE_MIN_EPOCHS = 10 };     /* fewer epochs say too little for the shape rules */

/* Reads epochs [0, n) of train (and valid, or NULL). */
Diagnosis curve_diagnose(const double *train, const double *valid, int n);

/* after a `train` that finished: the paragraph, if its epochs from `first` on
 * (of the current run) call for one (not overfitting when early stopping put
 * back the best weights) */
void curve_report(Interp *I, Model *m, int first, bool stopped_early);
/* a loss, parameter or layer state became NaN or infinite in epoch `epoch`:
 * notes saying where it first appeared and why (the caller has reported the
 * error); `updated`: some update of this training ran before it; `cause`:
 * what the caller knows happened (a 0/0 in the optimizer's step), said at
 * the optimizer instead of "numbers overflowed", or NULL */
void curve_overflow_notes(Interp *I, Model *m, int first, int epoch, bool updated, const char *cause, SrcLoc loc);

#endif
