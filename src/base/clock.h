/* A monotonic clock (clock.c): --time's report and train's progress line. */
#ifndef NNL_CLOCK_H
#define NNL_CLOCK_H

/* seconds since an arbitrary fixed point; never goes back */
double wall_seconds(void);

#endif
