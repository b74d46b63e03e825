/* budget.c — the limits of budget.h and the error when a run goes past them.
 * Must not: decide what counts as work (the callers of budget_charge do). */
#include "base/budget.h"
#include "base/diag.h"
#include <stdio.h>
#include <stdlib.h>

Budget nnl_budget = { 0, 0, MAX_ELEMENTS, false };

void budget_set(long long work_limit, int max_elements, bool files_below_script) {
    nnl_budget = (Budget){ work_limit, 0, max_elements > 0 ? max_elements : MAX_ELEMENTS, files_below_script };
}

void budget_restart(void) { nnl_budget.work_used = 0; }

_Noreturn void budget_exhausted(SrcLoc loc) {
    fail_at(loc, "this run did more than %lld units of work, the limit set for it", nnl_budget.work_limit);
}

