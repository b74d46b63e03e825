/* matmul.c — the one place matrix products are computed.
 * Must not: know about shapes of nnl values (prims.c checks them). */
#include "tensor/vectorize.h"
#include "tensor/blas.h"
#include "tensor/matmul.h"
#include <stdbool.h>
#include <stdlib.h>

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

/* Below this many multiply-adds the loop beats BLAS's call overhead, and the
 * result does not depend on which CPU kernel OpenBLAS picks. */
enum { SMALL_PRODUCT = 32 * 32 * 32 };

/* The products BLAS does not get (small ones, or all when no BLAS library
 * is there).  Each C[i][j] is Σ_p A[i][p] B[p][j] summed in the order p = 0, 1, ...
 * from 0 (the result tests and goldens were made with), but the loops run
 * p outside j over a strip of a row's sums, so the compiler vectorises the
 * inner loop over j where B's row is contiguous (not transposed). */
enum { STRIP = 256, COLUMN_ROWS = 8 };
/* a few columns (xor's nets): one sum at a time, no strip */
#define FEW_COLUMNS_GEMM(T)                                                        \
    do {                                                                           \
        const T *a = A, *b = B; T *c = C;                                          \
        int lda = trans_a ? m : k, ldb = trans_b ? k : n;                          \
        /* where A[i][p] and B[p][j] are, as strides */                             \
        size_t ai = trans_a ? 1 : (size_t)lda, ap = trans_a ? (size_t)lda : 1;      \
        size_t bp = trans_b ? 1 : (size_t)ldb, bj = trans_b ? (size_t)ldb : 1;      \
        for (int i = 0; i < m; i++)                                                \
            for (int j = 0; j < n; j++) {                                          \
                const T *ar = a + i * ai, *bc = b + j * bj;                        \
                T s = 0;                                                           \
                for (int p = 0; p < k; p++) s += ar[p * ap] * bc[p * bp];          \
                c[i * n + j] = beta == 0 ? s : (T)(beta * c[i * n + j]) + s;       \
            }                                                                      \
    } while (0)
#define SMALL_GEMM(T)                                                              \
    do {                                                                           \
        const T *a = A, *b = B; T *c = C;                                          \
        int lda = trans_a ? m : k, ldb = trans_b ? k : n;                          \
        T sum[STRIP];                                                              \
        int i = 0;                                                                 \
        /* four rows at a time share each load of B's row (each row's sums    \
         * still in the order p = 0, 1, ...) */                                \
        for (; !trans_b && i + 4 <= m; i += 4)                                     \
            for (int j0 = 0; j0 < n; j0 += STRIP) {                                \
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

/* dst = (or +=) the r×cl matrix src transposed, in tiles, so that both the
 * rows read and the rows written stay in cache */
void transpose_matrix(DType dt, const void *src, int r, int cl, void *dst, bool accumulate) {
    enum { TILE = 32 };
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

/* B transposed into a buffer kept for the next product (grown, never
 * shrunk: a training step's products need the same sizes every time), or
 * NULL if there is no memory for it. */
static const void *transposed_copy(DType dt, const void *B, int rows, int cols) {
    static void *buffer;
    static size_t have;
    size_t need = (dt == DT_F64 ? sizeof(double) : sizeof(float)) * (size_t)rows * (size_t)cols;
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

void gemm(DType dt, bool trans_a, bool trans_b, int m, int n, int k,
          const void *A, const void *B, double beta, void *C) {
    if (m == 0 || n == 0) return;
    long macs = (long)m * n * k;
    if (k == 1 && beta == 0 && macs > SMALL_PRODUCT) { outer_product(dt, m, n, A, B, C); return; }
    const Blas *blas = macs > SMALL_PRODUCT ? blas_library() : NULL;
    if (!blas || !choose_threads(blas, macs)) {
        bool narrow = n % 8 != 0 && n < 16 && m >= 16;      /* COLUMN_GEMM */
        if (narrow && column_gemm(dt, trans_a, trans_b, m, n, k, A, B, beta, C)) return;
        if (n < 8) few_columns_gemm(dt, trans_a, trans_b, m, n, k, A, B, beta, C);
        else strip_gemm(dt, trans_a, trans_b, m, n, k, A, B, beta, C);
        return;
    }
    enum CBLAS_TRANSPOSE ta = trans_a ? CblasTrans : CblasNoTrans;
    enum CBLAS_TRANSPOSE tb = trans_b ? CblasTrans : CblasNoTrans;
    int lda = trans_a ? m : k, ldb = trans_b ? k : n;
    if (dt == DT_F64)
        blas->dgemm(CblasRowMajor, ta, tb, m, n, k, 1.0, A, lda, B, ldb, beta, C, n);
    else
        blas->sgemm(CblasRowMajor, ta, tb, m, n, k, 1.0f, A, lda, B, ldb, (float)beta, C, n);
}
