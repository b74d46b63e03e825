/* Subnormal numbers (below 1.2e-38 in float32, 2.2e-308 in float64) flushed
 * to zero for the span of an optimizer's update.  A momentum or moment
 * state whose gradient stays 0 decays by its factor every step until it is
 * subnormal, and x86 CPUs take ~100 cycles for each operation on one: at
 * batch 1 that made the update 2.6 times slower than everything else in a
 * step together.  Such a number added to a weight changes nothing, so the
 * update treats it as 0 (x86's MXCSR: FTZ for results, DAZ for inputs),
 * the fused loop and the interpreted update alike, so that their weights
 * stay the same bits; passes and everything else keep IEEE subnormals.
 * Elsewhere than x86 nothing changes. */
#ifndef NNL_SUBNORMAL_H
#define NNL_SUBNORMAL_H
#if defined(__SSE2__)
#include <xmmintrin.h>
typedef unsigned int SubnormalMode;
enum { FLUSH_BITS = 0x8040 };      /* FTZ (bit 15) and DAZ (bit 6) */
static inline SubnormalMode subnormals_flushed(void) {
    SubnormalMode was = _mm_getcsr();
    _mm_setcsr(was | FLUSH_BITS);
    return was;
}
static inline void subnormals_restored(SubnormalMode was) { _mm_setcsr(was); }
#else
typedef int SubnormalMode;
static inline SubnormalMode subnormals_flushed(void) { return 0; }
static inline void subnormals_restored(SubnormalMode was) { (void)was; }
#endif
#endif
