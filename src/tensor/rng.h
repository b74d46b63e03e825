/* The seeded random number generator (xoshiro256**): same seed, same numbers
 * on every machine. */
#ifndef NNL_RNG_H
#define NNL_RNG_H
#include <stdint.h>
typedef struct Rng { uint64_t s[4]; } Rng;
void     rng_seed(Rng *r, uint64_t seed);
uint64_t rng_next(Rng *r);
double   rng_uniform(Rng *r);                 /* [0, 1) */
double   rng_normal(Rng *r);                  /* mean 0, std 1 */
int      rng_below(Rng *r, int n);            /* 0 .. n-1 */
#endif
