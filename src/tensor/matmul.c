/* matmul.c — the one place matrix products are computed.
 * Must not: know about shapes of nnl values (prims.c checks them). */
#include "tensor/vectorize.h"
#include "base/diag.h"
#include "tensor/blas.h"
#include "tensor/matmul.h"
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

/* Threads only pay for large products: below this many multiply-adds one
 * thread is faster, and a second one would only spin.  OPENBLAS_NUM_THREADS,
 * when set, is left to decide (max_threads is 0 then). */
enum { THREADED_PRODUCT = 1 << 20 };

/* false: no room for OpenBLAS's buffers, nnl's loops do the product */
static bool choose_threads(const Blas *blas, long macs) {
    static int now;
    if (!now) now = blas->threads;           /* blas.c loads OpenBLAS with one, or the user's count */
    if (!blas->set_threads) return true;      /* not OpenBLAS: no buffers of its own */
    int want = blas->max_threads <= 1 ? now : macs >= THREADED_PRODUCT ? blas->max_threads : 1;
    int fit = blas_threads_that_fit(want);   /* room for their buffers */
    if (fit == 0) return false;
    if (fit != now) { blas->set_threads(fit); now = fit; }
    return true;
}

/* Up to GEMM_OWN_LOOPS_UP_TO multiply-adds nnl's loops do the product: the
 * result does not depend on which CPU kernel OpenBLAS picks, and a script
 * whose products are all that small never loads OpenBLAS (its dlopen, ~16 M
 * instructions and the page faults of a 30 MB library: ~3 ms of a 47 ms
 * digits run).  Measured per product on the development machine (an
 * AVX-512 Xeon), the tiled loops against OpenBLAS 0.3.21's kernels, one
 * thread: 32×32×64 3.1 µs against 5.6 µs (Prescott, what OpenBLAS picks on
 * that CPU), 2.6 µs (Haswell), 1.8 µs (SkylakeX); 32×64×32 2.4 µs against
 * 4.8, 1.9, 0.8.  So at this size the loops lose at most ~2 µs a product to
 * the best kernels, and win against the generic ones. */
enum { SMALL_PRODUCT = GEMM_OWN_LOOPS_UP_TO };

/* The products BLAS does not get (small ones, or all when no BLAS library
 * is there).  Each C[i][j] is Σ_p A[i][p] B[p][j] summed in the order p = 0, 1, ...
 * from 0 (the result tests and goldens were made with), but the loops run
 * p outside j over a strip of a row's sums, so the compiler vectorises the
 * inner loop over j where B's row is contiguous (not transposed). */
enum { STRIP = 256, COLUMN_ROWS = 8 };
/* a few columns (xor's nets): one sum at a time, no strip; the test of beta
 * outside the loops (the products are so small that it shows).  A sum of
 * K = 1 to 4 terms has its own copy of the loops with K a constant, which
 * the compiler writes out term by term (xor's products have k = 1, 2 or 4:
 * a counted loop's increments and tests were half of their instructions);
 * still s = 0, then + the term of p = 0, 1, ... in that order. */
#define FEW_COLUMNS_SUMS(T, K, STORE)                                              \
    for (int i = 0; i < m; i++, c += n)                                            \
        for (int j = 0; j < n; j++) {                                              \
            const T *ar = a + (size_t)i * ai, *bc = b + (size_t)j * bj;            \
            T s = 0;                                                               \
            for (int p = 0; p < (K); p++) s += ar[(size_t)p * ap] * bc[(size_t)p * bp]; \
            c[j] = STORE;                                                          \
        }
#define FEW_COLUMNS_BY_K(T, STORE)                                                 \
    switch (k) {                                                                   \
    case 1: FEW_COLUMNS_SUMS(T, 1, STORE) break;                                   \
    case 2: FEW_COLUMNS_SUMS(T, 2, STORE) break;                                   \
    case 3: FEW_COLUMNS_SUMS(T, 3, STORE) break;                                   \
    case 4: FEW_COLUMNS_SUMS(T, 4, STORE) break;                                   \
    default: FEW_COLUMNS_SUMS(T, k, STORE) break;                                  \
    }
#define FEW_COLUMNS_GEMM(T)                                                        \
    do {                                                                           \
        const T *a = A, *b = B; T *c = C;                                          \
        /* where A[i][p] and B[p][j] are, as strides */                             \
        size_t ai = trans_a ? 1 : (size_t)k, ap = trans_a ? (size_t)m : 1;          \
        size_t bp = trans_b ? 1 : (size_t)n, bj = trans_b ? (size_t)k : 1;          \
        if (beta == 0) { FEW_COLUMNS_BY_K(T, s) }                                  \
        else { FEW_COLUMNS_BY_K(T, (T)(beta * c[j]) + s) }                         \
    } while (0)
#define SMALL_GEMM(T)                                                              \
    do {                                                                           \
        const T *a = A, *b = B; T *c = C;                                          \
        int lda = trans_a ? m : k, ldb = trans_b ? k : n;                          \
        T sum[STRIP];                                                              \
        int i = 0;                                                                 \
        /* four rows at a time share each load of B's row (each row's sums    \
         * still in the order p = 0, 1, ...), from the first column TILE_GEMM \
         * left */                                                             \
        for (; !trans_b && i + 4 <= m; i += 4)                                     \
            for (int j0 = tiled; j0 < n; j0 += STRIP) {                            \
                int w = n - j0 < STRIP ? n - j0 : STRIP;                           \
                T s0[STRIP], s1[STRIP], s2[STRIP], s3[STRIP];                      \
                for (int j = 0; j < w; j++) s0[j] = s1[j] = s2[j] = s3[j] = 0;     \
                for (int p = 0; p < k; p++) {                                      \
                    T a0 = trans_a ? a[p * lda + i] : a[i * lda + p];              \
                    T a1 = trans_a ? a[p * lda + i + 1] : a[(i + 1) * lda + p];    \
                    T a2 = trans_a ? a[p * lda + i + 2] : a[(i + 2) * lda + p];    \
                    T a3 = trans_a ? a[p * lda + i + 3] : a[(i + 3) * lda + p];    \
                    const T *bp = b + (size_t)p * ldb + j0;                        \
                    for (int j = 0; j < w; j++) {                                  \
                        T bj = bp[j];                                              \
                        s0[j] += a0 * bj; s1[j] += a1 * bj;                        \
                        s2[j] += a2 * bj; s3[j] += a3 * bj;                        \
                    }                                                              \
                }                                                                  \
                T *rows_sums[4] = { s0, s1, s2, s3 };                              \
                for (int r = 0; r < 4; r++) {                                      \
                    T *cr = c + (size_t)(i + r) * n + j0, *sr = rows_sums[r];      \
                    if (beta == 0) for (int j = 0; j < w; j++) cr[j] = sr[j];      \
                    else for (int j = 0; j < w; j++) cr[j] = (T)(beta * cr[j]) + sr[j]; \
                }                                                                  \
            }                                                                      \
        for (; i < m; i++)                                                         \
            for (int j0 = 0; j0 < n; j0 += STRIP) {                                \
                int w = n - j0 < STRIP ? n - j0 : STRIP;                           \
                for (int j = 0; j < w; j++) sum[j] = 0;                            \
                for (int p = 0; p < k; p++) {                                      \
                    T av = trans_a ? a[p * lda + i] : a[i * lda + p];              \
                    if (trans_b) {                                                 \
                        const T *bp = b + (size_t)j0 * ldb + p;                    \
                        for (int j = 0; j < w; j++) sum[j] += av * bp[(size_t)j * ldb]; \
                    } else {                                                       \
                        const T *bp = b + (size_t)p * ldb + j0;                    \
                        for (int j = 0; j < w; j++) sum[j] += av * bp[j];          \
                    }                                                              \
                }                                                                  \
                T *cr = c + (size_t)i * n + j0;                                    \
                if (beta == 0) for (int j = 0; j < w; j++) cr[j] = sum[j];         \
                else for (int j = 0; j < w; j++) cr[j] = (T)(beta * cr[j]) + sum[j]; \
            }                                                                      \
    } while (0)

/* The tiles of C that fill two SIMD vectors of a row, four rows at a time:
 * SMALL_GEMM's sums live in arrays, loaded and stored again for every p;
 * here the 4 × 2 vectors of a tile's sums stay in registers over the whole
 * sum, and each p costs two loads of B's row, four numbers of A and eight
 * multiply-adds.  Each entry is still summed in the order p = 0, 1, ... from
 * 0, a rounded product added to a rounded sum (C11 does not contract the two
 * into a fused multiply-add): the same bits.  Sets `tiled` to the columns it
 * did; SMALL_GEMM does the rest.  B is read row by row (not transposed). */
#if defined(__GNUC__)
#define HAVE_TILES 1
typedef float  f32_vector __attribute__((vector_size(32)));
typedef double f64_vector __attribute__((vector_size(32)));
#define TILE_GEMM(T, V)                                                            \
    do {                                                                           \
        enum { L = sizeof(V) / sizeof(T) };                                        \
        const T *a = A, *b = B; T *c = C;                                          \
        int lda = trans_a ? m : k;                                                 \
        tiled = n / (2 * L) * (2 * L);                                             \
        for (int i = 0; i + 4 <= m; i += 4)                                        \
            for (int j = 0; j < tiled; j += 2 * L) {                               \
                V s00 = { 0 }, s01 = { 0 }, s10 = { 0 }, s11 = { 0 };              \
                V s20 = { 0 }, s21 = { 0 }, s30 = { 0 }, s31 = { 0 };              \
                for (int p = 0; p < k; p++) {                                      \
                    V b0, b1;                                                      \
                    memcpy(&b0, b + (size_t)p * n + j, sizeof b0);                 \
                    memcpy(&b1, b + (size_t)p * n + j + L, sizeof b1);             \
                    const T *ap = trans_a ? a + (size_t)p * lda + i : a + (size_t)i * lda + p; \
                    size_t next = trans_a ? 1 : (size_t)lda;                       \
                    T a0 = ap[0], a1 = ap[next], a2 = ap[2 * next], a3 = ap[3 * next]; \
                    s00 += a0 * b0; s01 += a0 * b1;                                \
                    s10 += a1 * b0; s11 += a1 * b1;                                \
                    s20 += a2 * b0; s21 += a2 * b1;                                \
                    s30 += a3 * b0; s31 += a3 * b1;                                \
                }                                                                  \
                V rows[4][2] = { { s00, s01 }, { s10, s11 }, { s20, s21 }, { s30, s31 } }; \
                for (int r = 0; r < 4; r++)                                        \
                    for (int h = 0; h < 2; h++) {                                  \
                        T *cr = c + (size_t)(i + r) * n + j + h * L;               \
                        V old;                                                     \
                        memcpy(&old, cr, sizeof old);                              \
                        /* beta 1 (a gradient added to): (T)(1 · c) is c */        \
                        if (beta == 1) rows[r][h] = old + rows[r][h];              \
                        else if (beta != 0)                                        \
                            for (int l = 0; l < L; l++) rows[r][h][l] = (T)(beta * cr[l]) + rows[r][h][l]; \
                        memcpy(cr, &rows[r][h], sizeof old);                       \
                    }                                                              \
            }                                                                      \
    } while (0)
#endif

/* float 8×8 blocks transposed in registers: eight rows loaded, three rounds
 * of shuffles (pairs of rows interleaved, then pairs of pairs, then the
 * halves swapped), eight rows stored: a copy, so the values are the same
 * bits.  GCC's and clang's spellings of a shuffle differ. */
#ifdef HAVE_TILES
typedef int i32_vector __attribute__((vector_size(32)));
#ifdef __clang__
#define SHUFFLE(a, b, ...) __builtin_shufflevector(a, b, __VA_ARGS__)
#else
#define SHUFFLE(a, b, ...) __builtin_shuffle(a, b, (i32_vector){ __VA_ARGS__ })
#endif
#define LOAD_ROW(V, S, LDS, Q) memcpy(&V, (S) + (size_t)(Q) * (LDS), sizeof V)
#define STORE_ROW(D, LDD, Q, V) memcpy((D) + (size_t)(Q) * (LDD), &V, sizeof V)
#define LOW_PAIRS(a, b) SHUFFLE(a, b, 0, 8, 1, 9, 4, 12, 5, 13)
#define HIGH_PAIRS(a, b) SHUFFLE(a, b, 2, 10, 3, 11, 6, 14, 7, 15)
#define LOW_QUADS(a, b) SHUFFLE(a, b, 0, 1, 8, 9, 4, 5, 12, 13)
#define HIGH_QUADS(a, b) SHUFFLE(a, b, 2, 3, 10, 11, 6, 7, 14, 15)
#define LOW_HALVES(a, b) SHUFFLE(a, b, 0, 1, 2, 3, 8, 9, 10, 11)
#define HIGH_HALVES(a, b) SHUFFLE(a, b, 4, 5, 6, 7, 12, 13, 14, 15)
/* written out, not looped: arrays of vectors would live in memory */
#define TRANSPOSE_8X8(S, LDS, D, LDD)                                              \
    do {                                                                           \
        f32_vector x0, x1, x2, x3, x4, x5, x6, x7;                                 \
        LOAD_ROW(x0, S, LDS, 0); LOAD_ROW(x1, S, LDS, 1); LOAD_ROW(x2, S, LDS, 2); \
        LOAD_ROW(x3, S, LDS, 3); LOAD_ROW(x4, S, LDS, 4); LOAD_ROW(x5, S, LDS, 5); \
        LOAD_ROW(x6, S, LDS, 6); LOAD_ROW(x7, S, LDS, 7);                          \
        f32_vector t0 = LOW_PAIRS(x0, x1), t1 = HIGH_PAIRS(x0, x1);                \
        f32_vector t2 = LOW_PAIRS(x2, x3), t3 = HIGH_PAIRS(x2, x3);                \
        f32_vector t4 = LOW_PAIRS(x4, x5), t5 = HIGH_PAIRS(x4, x5);                \
        f32_vector t6 = LOW_PAIRS(x6, x7), t7 = HIGH_PAIRS(x6, x7);                \
        /* u_c: column c of rows 0-3 (4-7) and column c + 4 */                     \
        f32_vector u0 = LOW_QUADS(t0, t2), u1 = HIGH_QUADS(t0, t2);                \
        f32_vector u2 = LOW_QUADS(t1, t3), u3 = HIGH_QUADS(t1, t3);                \
        f32_vector u4 = LOW_QUADS(t4, t6), u5 = HIGH_QUADS(t4, t6);                \
        f32_vector u6 = LOW_QUADS(t5, t7), u7 = HIGH_QUADS(t5, t7);                \
        f32_vector c0 = LOW_HALVES(u0, u4), c4 = HIGH_HALVES(u0, u4);              \
        f32_vector c1 = LOW_HALVES(u1, u5), c5 = HIGH_HALVES(u1, u5);              \
        f32_vector c2 = LOW_HALVES(u2, u6), c6 = HIGH_HALVES(u2, u6);              \
        f32_vector c3 = LOW_HALVES(u3, u7), c7 = HIGH_HALVES(u3, u7);              \
        STORE_ROW(D, LDD, 0, c0); STORE_ROW(D, LDD, 1, c1); STORE_ROW(D, LDD, 2, c2); \
        STORE_ROW(D, LDD, 3, c3); STORE_ROW(D, LDD, 4, c4); STORE_ROW(D, LDD, 5, c5); \
        STORE_ROW(D, LDD, 6, c6); STORE_ROW(D, LDD, 7, c7);                        \
    } while (0)
#endif

/* dst = (or +=) the r×cl matrix src transposed, in tiles, so that both the
 * rows read and the rows written stay in cache; a float copy's whole 8×8
 * blocks by TRANSPOSE_8X8 (a replayed X @ W' transposes W every step) */
VECTORIZE_BEGIN
SIMD_CLONES void transpose_matrix(DType dt, const void *src, int r, int cl, void *dst, bool accumulate) {
    enum { TILE = 32 };
#ifdef HAVE_TILES
    if (dt == DT_F32 && !accumulate) {
        const float *s = src;
        float *d = dst;
        int r8 = r / 8 * 8, c8 = cl / 8 * 8;
        for (int i = 0; i < r8; i += 8)
            for (int j = 0; j < c8; j += 8) TRANSPOSE_8X8(s + (size_t)i * cl + j, cl, d + (size_t)j * r + i, r);
        for (int i = 0; i < r; i++)          /* the rows and columns left over */
            for (int j = i < r8 ? c8 : 0; j < cl; j++) d[(size_t)j * r + i] = s[(size_t)i * cl + j];
        return;
    }
#endif
    Tensor type = { .dtype = dt };
    FOR_DTYPE(&type, T, {
        const T *s = src;
        T *d = dst;
        for (int i0 = 0; i0 < r; i0 += TILE)
            for (int j0 = 0; j0 < cl; j0 += TILE) {
                int i1 = i0 + TILE < r ? i0 + TILE : r, j1 = j0 + TILE < cl ? j0 + TILE : cl;
                if (accumulate) {
                    for (int i = i0; i < i1; i++)
                        for (int j = j0; j < j1; j++) d[(size_t)j * r + i] += s[(size_t)i * cl + j];
                } else {
                    for (int i = i0; i < i1; i++)
                        for (int j = j0; j < j1; j++) d[(size_t)j * r + i] = s[(size_t)i * cl + j];
                }
            }
    });
}
VECTORIZE_END

/* A square matrix: the tiles either side of the diagonal swapped.  Any
 * other: each cycle of the permutation p -> p·rows mod (n − 1) (element
 * (i, j) at p = i·cols + j goes to j·rows + i) followed once, a bit a
 * position marking those moved. */
void transpose_in_place(DType dt, void *data, int r, int cl) {
    enum { TILE = 32 };
    size_t n = (size_t)r * (size_t)cl;
    Tensor type = { .dtype = dt };
    if (n < 2) {
        FOR_DTYPE(&type, T, { T *a = data; for (size_t p = 0; p < n; p++) a[p] = 0 + a[p]; });
        return;
    }
    if (r == cl) {
        FOR_DTYPE(&type, T, {
            T *a = data;
            size_t w = (size_t)r;
            for (int i0 = 0; i0 < r; i0 += TILE)
                for (int j0 = i0; j0 < r; j0 += TILE) {
                    int i1 = i0 + TILE < r ? i0 + TILE : r, j1 = j0 + TILE < r ? j0 + TILE : r;
                    for (int i = i0; i < i1; i++)
                        for (int j = j0 == i0 ? i : j0; j < j1; j++) {
                            T t = a[(size_t)i * w + j];
                            a[(size_t)i * w + j] = 0 + a[(size_t)j * w + i];
                            a[(size_t)j * w + i] = 0 + t;
                        }
                }
        });
        return;
    }
    unsigned char *moved = calloc(n / 8 + 1, 1);
    if (!moved) diag_out_of_memory(n / 8 + 1);
    FOR_DTYPE(&type, T, {
        T *a = data;
        a[0] = 0 + a[0];
        a[n - 1] = 0 + a[n - 1];
        for (size_t s = 1; s + 1 < n; s++) {
            if (moved[s / 8] & (1u << (s % 8))) continue;
            size_t p = s;
            T v = a[s];
            do {
                size_t q = p * (size_t)r % (n - 1);
                T t = a[q];
                a[q] = 0 + v;
                v = t;
                moved[q / 8] |= (unsigned char)(1u << (q % 8));
                p = q;
            } while (p != s);
        }
    });
    free(moved);
}

/* B transposed into a buffer kept for the next product (grown, never
 * shrunk: a training step's products need the same sizes every time), or
 * NULL if there is no memory for it. */
static const void *transposed_copy(DType dt, const void *B, int rows, int cols) {
    static void *buffer;
    static size_t have;
    size_t need = dtype_size(dt) * (size_t)rows * (size_t)cols;
    if (need > have) {
        void *grown = realloc(buffer, need);
        if (!grown) return NULL;
        buffer = grown;
        have = need;
    }
    transpose_matrix(dt, B, rows, cols, buffer, false);
    return buffer;
}

/* C with a few columns that do not fill a vector (n = 10: a 10-class output
 * layer) and rows enough to fill several: the loops of SMALL_GEMM would run
 * over j, one vector and a scalar remainder of 2 for every A[i][p].  Here each
 * column of C is summed down a strip of its rows instead, i inside p, so the
 * loop over i vectorises and every load of B is one number for the whole
 * strip.  A is read as Aᵀ (its columns contiguous): as it is when trans_a,
 * else from a transposed copy (1/n of the product's work).  Each entry is
 * still summed in the order p = 0, 1, ... from 0: the same bits. */
#define COLUMN_GEMM(T)                                                             \
    do {                                                                           \
        const T *at = A, *b = B; T *c = C;                                         \
        size_t bp = trans_b ? 1 : (size_t)n, bj = trans_b ? (size_t)k : 1;         \
        int i0 = 0;                                                                \
        /* eight rows a vector, kept in a register over the whole sum */         \
        for (; i0 + COLUMN_ROWS <= m; i0 += COLUMN_ROWS)                           \
            for (int j = 0; j < n; j++) {                                          \
                T s[COLUMN_ROWS] = { 0 };                                          \
                for (int p = 0; p < k; p++) {                                      \
                    T bpj = b[(size_t)p * bp + (size_t)j * bj];                    \
                    const T *ap = at + (size_t)p * m + i0;                         \
                    for (int r = 0; r < COLUMN_ROWS; r++) s[r] += ap[r] * bpj;     \
                }                                                                  \
                T *cj = c + (size_t)i0 * n + j;                                    \
                for (int r = 0; r < COLUMN_ROWS; r++)                              \
                    cj[(size_t)r * n] = beta == 0 ? s[r] : (T)(beta * cj[(size_t)r * n]) + s[r]; \
            }                                                                      \
        for (int i = i0; i < m; i++)                                               \
            for (int j = 0; j < n; j++) {                                          \
                T s = 0;                                                           \
                for (int p = 0; p < k; p++) s += at[(size_t)p * m + i] * b[(size_t)p * bp + (size_t)j * bj]; \
                T *cij = c + (size_t)i * n + j;                                    \
                *cij = beta == 0 ? s : (T)(beta * *cij) + s;                       \
            }                                                                      \
    } while (0)

/* its own function: the strips' sums (10 KB of stack) are not set up for
 * the tiny products of a tiny net */
static void few_columns_gemm(DType dt, bool trans_a, bool trans_b, int m, int n, int k,
                             const void *A, const void *B, double beta, void *C) {
    if (dt == DT_F64) FEW_COLUMNS_GEMM(double); else FEW_COLUMNS_GEMM(float);
}

VECTORIZE_BEGIN
SIMD_CLONES static void strip_gemm(DType dt, bool trans_a, bool trans_b, int m, int n, int k,
                                   const void *A, const void *B, double beta, void *C) {
    /* a transposed B (a replayed X @ W') read down its columns would keep
     * the strips from vectorising: they read a copy the right way round,
     * which costs 1/m of the product */
    const void *bt;
    if (trans_b && m >= 4 && (bt = transposed_copy(dt, B, n, k))) B = bt, trans_b = false;
    int tiled = 0;           /* the columns of C's first rows done by TILE_GEMM */
#ifdef HAVE_TILES
    if (!trans_b && m >= 4) {
        if (dt == DT_F64) TILE_GEMM(double, f64_vector); else TILE_GEMM(float, f32_vector);
    }
#endif
    if (dt == DT_F64) SMALL_GEMM(double); else SMALL_GEMM(float);
}

/* false: no memory for Aᵀ (strip_gemm does the product) */
SIMD_CLONES static bool column_gemm(DType dt, bool trans_a, bool trans_b, int m, int n, int k,
                                    const void *A, const void *B, double beta, void *C) {
    if (!trans_a && !(A = transposed_copy(dt, A, m, k))) return false;
    if (dt == DT_F64) COLUMN_GEMM(double); else COLUMN_GEMM(float);
    return true;
}
VECTORIZE_END

/* C = A B with k = 1 and nothing to add to: an outer product, C[i][j] =
 * a_i b_j, in one pass that writes C once (BLAS zeroes C, copies A and B
 * into its panels and then adds: three passes; batch 1's weight gradients
 * are all such products).  Each entry is one rounded product, as in any
 * BLAS kernel, with or without FMA; 0 + a_i b_j gives +0 where a_i b_j is
 * -0, as BLAS's zeroed C plus the product does.  A and B are contiguous
 * whether transposed or not (one column, one row). */
VECTORIZE_BEGIN
SIMD_CLONES static void outer_product(DType dt, int m, int n, const void *A, const void *B, void *C) {
#define OUTER(T)                                                                   \
    do {                                                                           \
        const T *a = A, *b = B;                                                    \
        for (int i = 0; i < m; i++) {                                              \
            T ai = a[i], *row = (T *)C + (size_t)i * (size_t)n;                    \
            for (int j = 0; j < n; j++) row[j] = (T)0 + ai * b[j];                 \
        }                                                                          \
    } while (0)
    if (dt == DT_F64) OUTER(double); else OUTER(float);
#undef OUTER
}
VECTORIZE_END

/* nnl's own loops for C = A B (+ beta C): a few columns one sum at a time, a
 * narrow product in column blocks, else strips */
static void own_gemm(DType dt, bool trans_a, bool trans_b, int m, int n, int k,
                     const void *A, const void *B, double beta, void *C) {
    bool narrow = n % 8 != 0 && n < 16 && m >= 16;      /* COLUMN_GEMM */
    if (narrow && column_gemm(dt, trans_a, trans_b, m, n, k, A, B, beta, C)) return;
    if (n < 8) few_columns_gemm(dt, trans_a, trans_b, m, n, k, A, B, beta, C);
    else strip_gemm(dt, trans_a, trans_b, m, n, k, A, B, beta, C);
}

void gemm(DType dt, bool trans_a, bool trans_b, int m, int n, int k,
          const void *A, const void *B, double beta, void *C) {
    if (m == 0 || n == 0) return;
    long macs = (long)m * n * k;
    /* a small product (a tiny net's first: nothing else to decide) */
    if (macs <= SMALL_PRODUCT) { own_gemm(dt, trans_a, trans_b, m, n, k, A, B, beta, C); return; }
    if (k == 1 && beta == 0) { outer_product(dt, m, n, A, B, C); return; }
    const Blas *blas = blas_library();
    if (!blas || !choose_threads(blas, macs)) { own_gemm(dt, trans_a, trans_b, m, n, k, A, B, beta, C); return; }
    enum CBLAS_TRANSPOSE ta = trans_a ? CblasTrans : CblasNoTrans;
    enum CBLAS_TRANSPOSE tb = trans_b ? CblasTrans : CblasNoTrans;
    int lda = trans_a ? m : k, ldb = trans_b ? k : n;
    if (dt == DT_F64)
        blas->dgemm(CblasRowMajor, ta, tb, m, n, k, 1.0, A, lda, B, ldb, beta, C, n);
    else
        blas->sgemm(CblasRowMajor, ta, tb, m, n, k, 1.0f, A, lda, B, ldb, (float)beta, C, n);
}
