/* steps.c — the linear-work counter of steps.h and its report at exit.
 * Must not: limit anything (budget.c does) or print unless asked. */
#include "base/steps.h"
#include <stdio.h>
#include <stdlib.h>

long long nnl_steps;

void steps_report(void) {
    const char *on = getenv("NNL_COUNT_STEPS");
    if (on && *on && *on != '0') fprintf(stderr, "steps: %lld\n", nnl_steps);
}
