/* Minimal test harness for the C unit tests: each CHECK prints one
 * "PASS name" or "FAIL name: why" line; tests/run.sh counts them. */
#ifndef NNL_CHECK_H
#define NNL_CHECK_H
#include <math.h>
#include <stdio.h>

static int check_failures;

#define CHECK(cond, ...)                                                       \
    do {                                                                       \
        char name_[256];                                                       \
        snprintf(name_, sizeof name_, __VA_ARGS__);                            \
        if (cond) printf("PASS %s\n", name_);                                  \
        else { printf("FAIL %s (%s:%d: %s)\n", name_, __FILE__, __LINE__, #cond); check_failures++; } \
    } while (0)

#define CHECK_NEAR(got, want, tol, ...)                                        \
    do {                                                                       \
        double g_ = (got), w_ = (want);                                        \
        char name_[256];                                                       \
        snprintf(name_, sizeof name_, __VA_ARGS__);                            \
        if (fabs(g_ - w_) <= (tol) * (1 + fabs(w_))) printf("PASS %s\n", name_); \
        else { printf("FAIL %s: got %.10g, want %.10g (%s:%d)\n", name_, g_, w_, __FILE__, __LINE__); check_failures++; } \
    } while (0)

#define CHECK_DONE() return check_failures ? 1 : 0

#endif
