/* Loops that should run as SIMD instructions.  At -O2, GCC 12 vectorises
 * only loops that need neither a remainder loop nor a run-time check that
 * two arrays do not overlap, which leaves out almost every elementwise loop
 * over a tensor of any size; the dynamic cost model lets it weigh those.
 * Vectorising changes no result: each element gets the same IEEE operations
 * in the same order (no reassociation is allowed).  It may also assume that
 * no floating-point operation traps (nnl never enables FP exceptions, and
 * this changes no value), so that a select after a comparison vectorises
 * (relu's gradient).  Clang vectorises at -O2
 * without being asked.  Wrap the functions whose loops matter:
 *     VECTORIZE_BEGIN ... VECTORIZE_END */
#ifndef NNL_VECTORIZE_H
#define NNL_VECTORIZE_H
/* SIMD_CLONES before a hot kernel compiles it twice, for AVX2 and for the
 * x86-64 baseline, and the loader picks the one this CPU runs (an ifunc):
 * twice as wide where the CPU has it, never an illegal instruction where it
 * does not.  The same IEEE operations in the same order either way: C11
 * mode does not contract a * b + c into one fused multiply-add. */
#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) && defined(__linux__)
#define SIMD_CLONES __attribute__((target_clones("avx2", "default")))
#else
#define SIMD_CLONES
#endif
#if defined(__GNUC__) && !defined(__clang__)
#define VECTORIZE_BEGIN _Pragma("GCC push_options") _Pragma("GCC optimize(\"vect-cost-model=dynamic\", \"no-trapping-math\")")
#define VECTORIZE_END _Pragma("GCC pop_options")
#else
#define VECTORIZE_BEGIN
#define VECTORIZE_END
#endif
/* Tensors of a few elements: a vector loop's set-up (overlap checks, a
 * remainder loop, the ifunc's indirect call) costs more than its work on a
 * row of 1 to 7 numbers (xor's nets).  A kernel whose body is a
 * TWIN_BODY function is compiled twice, vectorised inside VECTORIZE_BEGIN
 * with SIMD_CLONES and as plain loops outside it (GCC's -O2 vectorises no
 * loop that needs a remainder), and the caller picks by row length: the
 * same IEEE operations in the same order either way. */
#define TWIN_BODY static inline __attribute__((always_inline))
enum { VECTOR_ROW = 8 };      /* rows shorter than this run the plain twin */
#endif
