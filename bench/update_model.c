/* update_model.c — a stand-alone model of one training step of 784-H-H-10
 * (bench/gemm.c's products as cblas_sgemm calls them) with sgd momentum's
 * update and the copy of the last finite step's weights and momentum, run
 * at different places and in different ways, to see what each costs before
 * building it in nnl (bench/README.md, "the update beside the products").
 * Not part of make bench: x86-64 with AVX-512 only, built by hand:
 *   cc -O2 -march=native -o update_model bench/update_model.c -lopenblas
 *   OPENBLAS_NUM_THREADS=1 [OPENBLAS_CORETYPE=SkylakeX] ./update_model STEPS BATCH H ROWS_PER_BLOCK
 * Each step runs every way in turn (so that the machine's load falls on all
 * alike); prints each way's median step time and its ratio to the products
 * alone.  Must not: be read as nnl's own times (nnl's step already does
 * better than the "traded" way here), only as their order. */
#include <cblas.h>
#include <immintrin.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

enum { LAYERS = 3, WAYS = 9 };
static int widths[LAYERS + 1] = { 784, 1024, 1024, 10 };
static float *act[LAYERS + 1], *w[LAYERS], *v[LAYERS], *dw[LAYERS], *delta[LAYERS], *ws[LAYERS], *vs[LAYERS];

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static float *filled(size_t n, unsigned seed) {
    float *p = aligned_alloc(64, (n * sizeof(float) + 63) / 64 * 64);
    if (!p) exit(1);
    for (size_t i = 0; i < n; i++) { seed = seed * 1103515245u + 12345u; p[i] = ((float)(seed >> 16) / 65536.0f - 0.5f) * 1e-3f; }
    return p;
}

/* v = 0.9 v - 0.01 g; w += v over [from, from + n) of layer l: the new
 * values into ws, vs (traded afterwards), or in place with the old ones
 * streamed to ws, vs (stream), or in place with no copy */
typedef enum { TRADED, STREAMED, NO_COPY } How;
static void update(int l, size_t from, size_t n, How how) {
    float *W = w[l] + from, *V = v[l] + from, *G = dw[l] + from, *Ws = ws[l] + from, *Vs = vs[l] + from;
    float *ow = how == TRADED ? Ws : W, *ov = how == TRADED ? Vs : V;
    __m512 k0 = _mm512_set1_ps(0.9f), k1 = _mm512_set1_ps(0.01f);
    size_t i = 0;
    for (; i + 16 <= n; i += 16) {
        __m512 a = _mm512_loadu_ps(W + i), b = _mm512_loadu_ps(V + i), g = _mm512_loadu_ps(G + i);
        if (how == STREAMED) { _mm512_stream_ps(Ws + i, a); _mm512_stream_ps(Vs + i, b); }   /* from is a multiple of 16 */
        __m512 nv = _mm512_sub_ps(_mm512_mul_ps(k0, b), _mm512_mul_ps(k1, g));
        _mm512_storeu_ps(ov + i, nv);
        _mm512_storeu_ps(ow + i, _mm512_add_ps(a, nv));
    }
    for (; i < n; i++) {
        if (how == STREAMED) { Ws[i] = W[i]; Vs[i] = V[i]; }
        float nv = 0.9f * V[i] - 0.01f * G[i];
        ov[i] = nv;
        ow[i] = W[i] + nv;
    }
}

static void trade(int l) {
    float *t = w[l]; w[l] = ws[l]; ws[l] = t;
    t = v[l]; v[l] = vs[l]; vs[l] = t;
}

/* nnl's chunked way: each 256-element chunk's old w and v streamed by a copy of its own, then updated in place */
static void chunked(int l, size_t n) {
    for (size_t f = 0; f < n; f += 256) {
        size_t k = n - f < 256 ? n - f : 256, i = 0;
        for (; i + 16 <= k; i += 16) {
            _mm512_stream_ps(ws[l] + f + i, _mm512_loadu_ps(w[l] + f + i));
            _mm512_stream_ps(vs[l] + f + i, _mm512_loadu_ps(v[l] + f + i));
        }
        for (; i < k; i++) { ws[l][f + i] = w[l][f + i]; vs[l][f + i] = v[l][f + i]; }
        update(l, f, k, NO_COPY);
    }
}

static const char *names[WAYS] = {
    "products only",
    "update after the backward pass, traded (nnl)",
    "update after each layer's dW, traded",
    "update after each row block of dW, traded",
    "after the backward pass, in place + streamed copy",
    "after each layer's dW, in place + streamed copy",
    "after each row block, in place + streamed copy",
    "after each layer, chunks: copy streamed, then update",
    "after each layer's dW, in place, no copy",
};

static void step(int b, int way, int rows) {
    for (int l = 0; l < LAYERS; l++) {
        int in = widths[l], out = widths[l + 1];
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, b, out, in, 1.0f, act[l], in, w[l], in, 0.0f, act[l + 1], out);
    }
    for (int l = LAYERS - 1; l >= 0; l--) {
        int in = widths[l], out = widths[l + 1];
        size_t n = (size_t)in * (size_t)out;
        if (l > 0)
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, b, in, out, 1.0f, delta[l], out, w[l], in, 0.0f,
                        delta[l - 1], in);
        bool blocks = way == 3 || way == 6;
        if (!blocks) cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, out, in, b, 1.0f, delta[l], out, act[l], in, 0.0f, dw[l], in);
        for (int r0 = 0; blocks && r0 < out; r0 += rows) {
            int r = out - r0 < rows ? out - r0 : rows;
            cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, r, in, b, 1.0f, delta[l] + r0, out, act[l], in, 0.0f,
                        dw[l] + (size_t)r0 * in, in);
            update(l, (size_t)r0 * in, (size_t)r * in, way == 3 ? TRADED : STREAMED);
        }
        if (way == 2) update(l, 0, n, TRADED);
        if (way == 2 || way == 3) trade(l);
        if (way == 5) update(l, 0, n, STREAMED);
        if (way == 7) chunked(l, n);
        if (way == 8) update(l, 0, n, NO_COPY);
    }
    for (int l = 0; l < LAYERS && (way == 1 || way == 4); l++) {
        update(l, 0, (size_t)widths[l] * widths[l + 1], way == 1 ? TRADED : STREAMED);
        if (way == 1) trade(l);
    }
}

static int by_value(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

int main(int argc, char **argv) {
    int steps = argc > 1 ? atoi(argv[1]) : 300, b = argc > 2 ? atoi(argv[2]) : 64;
    int h = argc > 3 ? atoi(argv[3]) : 1024, rows = argc > 4 ? atoi(argv[4]) : 64;
    if (steps < 1 || steps > 100000 || b < 1 || h < 1 || rows < 1) {
        fprintf(stderr, "usage: update_model [STEPS [BATCH [H [ROWS_PER_BLOCK]]]]\n");
        return 2;
    }
    widths[1] = widths[2] = h;
    for (int l = 0; l <= LAYERS; l++) act[l] = filled((size_t)b * widths[l], 1u + l);
    for (int l = 0; l < LAYERS; l++) {
        size_t n = (size_t)widths[l] * widths[l + 1];
        w[l] = filled(n, 10u + l); v[l] = filled(n, 50u + l); dw[l] = filled(n, 20u + l);
        ws[l] = filled(n, 60u + l); vs[l] = filled(n, 70u + l);
        delta[l] = filled((size_t)b * widths[l + 1], 30u + l);
    }
    double *t = malloc(sizeof(double) * (size_t)steps * WAYS);
    if (!t) return 1;
    for (int way = 0; way < WAYS; way++) step(b, way, rows);         /* warm-up */
    for (int s = 0; s < steps; s++)
        for (int way = 0; way < WAYS; way++) {
            double t0 = now();
            step(b, way, rows);
            t[(size_t)way * steps + s] = (now() - t0) * 1e3;
        }
    for (int way = 0; way < WAYS; way++) qsort(t + (size_t)way * steps, (size_t)steps, sizeof(double), by_value);
    double base = t[steps / 2];
    printf("784-%d-%d-10, batch %d, %d steps (row blocks of %d), median ms a step:\n", h, h, b, steps, rows);
    for (int way = 0; way < WAYS; way++) {
        double m = t[(size_t)way * steps + steps / 2];
        printf("  %-52s %8.3f  %.2fx\n", names[way], m, m / base);
    }
    free(t);
    return 0;
}
