/* steps.h — a counter of the work done by scans that must stay linear. */
#ifndef NNL_STEPS_H
#define NNL_STEPS_H

/* Steps of the scans that must stay linear in their input, whatever its
 * shape: a CSV header's columns, the REPL's reading of an open statement,
 * finding an error's line, looking a warning up among those shown.  Counted always (a plain
 * add); `NNL_COUNT_STEPS=1 nnl ...` prints the count at exit, and tests/torture checks that doubling
 * the input doubles it (not quadruples), which time cannot show reliably. */
extern long long nnl_steps;
void steps_report(void);

#endif
