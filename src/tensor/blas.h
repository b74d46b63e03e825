/* The CBLAS library that multiplies large matrices, loaded at the first
 * product that needs it (dlopen), so a run without one never pays for
 * loading OpenBLAS (a few milliseconds of relocations and thread start-up:
 * half of what `nnl examples/xor.nnl` would take).
 * Must not: decide which products go to BLAS (matmul.c does). */
#ifndef NNL_BLAS_H
#define NNL_BLAS_H
#include <cblas.h>

typedef void SgemmFn(enum CBLAS_ORDER, enum CBLAS_TRANSPOSE, enum CBLAS_TRANSPOSE,
                     int m, int n, int k, float alpha, const float *A, int lda,
                     const float *B, int ldb, float beta, float *C, int ldc);
typedef void DgemmFn(enum CBLAS_ORDER, enum CBLAS_TRANSPOSE, enum CBLAS_TRANSPOSE,
                     int m, int n, int k, double alpha, const double *A, int lda,
                     const double *B, int ldb, double beta, double *C, int ldc);

typedef struct Blas {
    SgemmFn *sgemm;
    DgemmFn *dgemm;
    /* OpenBLAS's own; NULL in a CBLAS that has no thread control */
    void (*set_threads)(int);
    /* the threads large products may use; 0: the user chose
     * (OPENBLAS_NUM_THREADS and the like), and nnl leaves them be */
    int max_threads;
    /* the threads it was loaded with (1, or the user's count) */
    int threads;
} Blas;

/* The library, loaded on the first call: $NNL_BLAS when set (a file name or
 * path), else OpenBLAS, else the system's libblas.so.3.  Unless the user set
 * its thread count, OpenBLAS starts with one thread (matmul.c adds the
 * others for large products): the threads it would start at once spin,
 * waiting for work, long after a small product (digits: a core busy in
 * sched_yield for most of the run).  NULL when none could
 * be loaded; the first such call warns once (at the running statement) that
 * large products fall back to nnl's own loops. */
const Blas *blas_library(void);
/* The name of the library blas_library would load ($NNL_BLAS or the first
 * default that loads), or NULL: for `nnl --version`; warns of nothing. */
const char *blas_probe(void);
/* How many of `want` threads OpenBLAS may be given for the next product:
 * their buffers (128 MiB a thread, mapped at a thread's first product) must
 * fit in the address space left (ulimit -v), or its allocator spins for
 * ever; fewer, with a warning once, when they do not; 0: not even one, the
 * product runs on nnl's own loops.  Loading checks room for the library and
 * one buffer first and gives no library when they do not fit.
 * NNL_BLAS_ROOM_MIB=N pretends N MiB are left (tests). */
int blas_threads_that_fit(int want);
/* the count of threads in OPENBLAS_NUM_THREADS, GOTO_NUM_THREADS or
 * OMP_NUM_THREADS (the first set; at least 1), 0 when none is set */
int blas_user_threads(void);

#endif
