/* matmul.c — the one place matrix products are computed.
 * Must not: know about shapes of nnl values (prims.c checks them). */
#include "matmul.h"
#include <cblas.h>
#include <stdlib.h>

/* OpenBLAS's own (its cblas.h may be the reference one that lacks them) */
void openblas_set_num_threads(int num_threads);
int openblas_get_num_threads(void);

/* Threads only pay for large products: below this many multiply-adds one
 * thread is faster, and a second one would only spin.  OPENBLAS_NUM_THREADS,
 * when set, is left to decide. */
enum { THREADED_PRODUCT = 1 << 20 };

static void choose_threads(long macs) {
    static int all = -1, now = -1;
    if (all < 0) all = getenv("OPENBLAS_NUM_THREADS") ? 0 : openblas_get_num_threads();
    if (all <= 1) return;
    int want = macs >= THREADED_PRODUCT ? all : 1;
    if (want != now) { openblas_set_num_threads(want); now = want; }
}

/* Below this many multiply-adds the loop beats BLAS's call overhead, and the
 * result does not depend on which CPU kernel OpenBLAS picks. */
enum { SMALL_PRODUCT = 32 * 32 * 32 };

#define SMALL_GEMM(T)                                                              \
    {                                                                              \
        const T *a = A, *b = B; T *c = C;                                          \
        int lda = trans_a ? m : k, ldb = trans_b ? k : n;                          \
        for (int i = 0; i < m; i++)                                                \
            for (int j = 0; j < n; j++) {                                          \
                T s = 0;                                                           \
                for (int p = 0; p < k; p++) {                                      \
                    T av = trans_a ? a[p * lda + i] : a[i * lda + p];              \
                    T bv = trans_b ? b[j * ldb + p] : b[p * ldb + j];              \
                    s += av * bv;                                                  \
                }                                                                  \
                c[i * n + j] = beta == 0 ? s : (T)(beta * c[i * n + j]) + s;       \
            }                                                                      \
    }

void gemm(DType dt, bool trans_a, bool trans_b, int m, int n, int k,
          const void *A, const void *B, double beta, void *C) {
    if (m == 0 || n == 0) return;
    if ((long)m * n * k <= SMALL_PRODUCT) {
        if (dt == DT_F64) SMALL_GEMM(double) else SMALL_GEMM(float)
        return;
    }
    choose_threads((long)m * n * k);
    enum CBLAS_TRANSPOSE ta = trans_a ? CblasTrans : CblasNoTrans;
    enum CBLAS_TRANSPOSE tb = trans_b ? CblasTrans : CblasNoTrans;
    int lda = trans_a ? m : k, ldb = trans_b ? k : n;
    if (dt == DT_F64)
        cblas_dgemm(CblasRowMajor, ta, tb, m, n, k, 1.0, A, lda, B, ldb, beta, C, n);
    else
        cblas_sgemm(CblasRowMajor, ta, tb, m, n, k, 1.0f, A, lda, B, ldb, (float)beta, C, n);
}
