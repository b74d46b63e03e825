/* The limits a run can be held to: how much work it may do, how large one
 * tensor may be, and whether it may name files outside its script's folder.
 * Off by default (a script may train for as long as it likes); fuzz targets
 * turn them on so that no input can loop, train or allocate for ever, nor
 * read /dev/zero.  Work is counted in units: one per element an op computes
 * (m·n·k for a matrix product), per function call, per training epoch. */
#ifndef NNL_BUDGET_H
#define NNL_BUDGET_H
#include "base/diag.h"
#include "base/interrupt.h"
#include <stdbool.h>

/* What an op and a call of an nnl function cost beyond their elements: the
 * interpreter's own work, so that a million empty calls count too. */
enum { WORK_PER_OP = 32, WORK_PER_CALL = 100 };

/* The most elements one tensor may have (1 GiB of float32): shapes a user
 * writes are checked against it with dims_fit before anything is allocated. */
enum { MAX_ELEMENTS = 1 << 28 };

typedef struct Budget {
    long long work_limit;      /* 0: unlimited */
    long long work_used;
    int       max_elements;    /* the largest tensor a shape may ask for */
    bool      files_below_script;   /* no absolute paths, no '..' */
} Budget;

extern Budget nnl_budget;

/* sets limits and starts counting afresh; budget_set(0, 0, false) turns them off */
void budget_set(long long work_limit, int max_elements, bool files_below_script);
void budget_restart(void);
_Noreturn void budget_exhausted(SrcLoc loc);

/* also where long work sees Ctrl-C (base/interrupt.h) */
static inline void budget_charge(long long units, SrcLoc loc) {
    interrupt_poll();
    if (nnl_budget.work_limit && (nnl_budget.work_used += units) > nnl_budget.work_limit) budget_exhausted(loc);
}

#endif
