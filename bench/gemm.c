/* gemm.c — the floor for the mnist workload: the matrix products one epoch of
 * 784-256-128-10 training needs, timed as plain cblas_sgemm calls on buffers
 * allocated once (run with OPENBLAS_NUM_THREADS=1, as nnl and PyTorch are).
 * Per batch of B rows and per dense layer (in -> out, W stored [out, in]):
 *   forward   A[B,out]  = X[B,in] · Wᵀ            (NoTrans, Trans)
 *   ∂W        dW[out,in] = dAᵀ[out,B] · X[B,in]    (Trans, NoTrans)
 *   ∂X        dX[B,in]  = dA[B,out] · W[out,in]   (NoTrans, NoTrans), not for
 *             layer 1: its input is the data, whose gradient nobody needs
 *             (nnl and PyTorch both skip it); timed separately.
 * Prints "gemm_s S" and "gemm_flops F" for one epoch, and the same with the
 * layer-1 ∂X ("all9_s", "all9_flops").  Usage: gemm [ROWS [BATCH [WIDTHS]]],
 * WIDTHS another net's widths ("784,1024,1024,10", for bench/scaling.sh).
 * `gemm --start-only` returns at once: what starting a program that links
 * OpenBLAS costs (its initialisation runs before main).
 * Must not: compute anything but products (no bias, activation or update):
 * it is the time no implementation can go below with this BLAS. */
#include <cblas.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

enum { MAX_LAYERS = 8 };
static int LAYERS = 3;
static int widths[MAX_LAYERS + 1] = { 784, 256, 128, 10 };

/* "784,256,256,10" into widths; false when it is not 2 to MAX_LAYERS + 1 positive numbers */
static int parse_widths(const char *text) {
    int n = 0;
    for (const char *p = text; *p;) {
        char *end;
        long v = strtol(p, &end, 10);
        if (end == p || v < 1 || v > 100000 || n > MAX_LAYERS) return 0;
        widths[n++] = (int)v;
        p = *end == ',' ? end + 1 : end;
        if (*end && *end != ',') return 0;
    }
    LAYERS = n - 1;
    return n >= 2;
}

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static float *filled(size_t n, unsigned seed) {
    float *p = malloc(n * sizeof *p);
    if (!p) { fprintf(stderr, "gemm: out of memory\n"); exit(1); }
    for (size_t i = 0; i < n; i++) { seed = seed * 1103515245u + 12345u; p[i] = (float)(seed >> 16) / 65536.0f - 0.5f; }
    return p;
}

/* one epoch of products; with_input_grad adds layer 1's ∂X; returns flops */
static double epoch(int rows, int batch, float **act, float **w, float **dw, float **delta, float *dx,
                    int with_input_grad) {
    double flops = 0;
    for (int from = 0; from < rows; from += batch) {
        int b = rows - from < batch ? rows - from : batch;
        for (int l = 0; l < LAYERS; l++) {
            int in = widths[l], out = widths[l + 1];
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, b, out, in, 1.0f, act[l], in, w[l], in, 0.0f,
                        act[l + 1], out);
            flops += 2.0 * b * in * out;
        }
        for (int l = LAYERS - 1; l >= 0; l--) {
            int in = widths[l], out = widths[l + 1];
            cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, out, in, b, 1.0f, delta[l], out, act[l], in, 0.0f,
                        dw[l], in);
            flops += 2.0 * b * in * out;
            if (l > 0 || with_input_grad) {
                cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, b, in, out, 1.0f, delta[l], out, w[l], in,
                            0.0f, l > 0 ? delta[l - 1] : dx, in);
                flops += 2.0 * b * in * out;
            }
        }
    }
    return flops;
}

int main(int argc, char **argv) {
    if (argc > 1 && strcmp(argv[1], "--start-only") == 0) return 0;
    int rows = argc > 1 ? atoi(argv[1]) : 60000, batch = argc > 2 ? atoi(argv[2]) : 64;
    if (rows < 1 || batch < 1 || (argc > 3 && !parse_widths(argv[3]))) {
        fprintf(stderr, "usage: gemm [ROWS [BATCH [WIDTHS like 784,256,256,10]]]\n");
        return 2;
    }
    float *act[MAX_LAYERS + 1], *w[MAX_LAYERS], *dw[MAX_LAYERS], *delta[MAX_LAYERS];
    for (int l = 0; l <= LAYERS; l++) act[l] = filled((size_t)batch * widths[l], 1u + l);
    for (int l = 0; l < LAYERS; l++) {
        w[l] = filled((size_t)widths[l] * widths[l + 1], 10u + l);
        dw[l] = filled((size_t)widths[l] * widths[l + 1], 20u + l);
        delta[l] = filled((size_t)batch * widths[l + 1], 30u + l);
    }
    float *dx = filled((size_t)batch * widths[0], 40u);
    epoch(batch, batch, act, w, dw, delta, dx, 1);          /* warm-up: OpenBLAS's buffers, caches */
    /* one epoch each: bench/run.sh runs this once per round, between the
     * implementations' runs, so that all see the same load of the machine */
    double t = now();
    double flops = epoch(rows, batch, act, w, dw, delta, dx, 0);
    t = now() - t;
    double t9 = now();
    double flops9 = epoch(rows, batch, act, w, dw, delta, dx, 1);
    t9 = now() - t9;
    printf("gemm_s %.6f\ngemm_flops %.0f\n", t, flops);
    printf("all9_s %.6f\nall9_flops %.0f\n", t9, flops9);
    return 0;
}
