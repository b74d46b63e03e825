/* clock.c — the monotonic wall clock that --time and train's live progress
 * line read.  Must not: print or decide anything about what it measures. */
#include "base/clock.h"
#include <time.h>

double wall_seconds(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}
