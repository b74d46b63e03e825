/* dataops.c — what is done to tables once loaded: one-hot targets, taking
 * rows (for split), a seeded row order, and the normalisation statistics
 * (standard, min-max, mean) fitted on one table and applied to others.
 * Owns: the arithmetic of those.  Must not: read files or know the
 * interpreter (loaders.c decides what to call). */
#include "base/arena.h"
#include "data/dataload.h"
#include "tensor/rng.h"
#include "tensor/tensor.h"
#include <math.h>
#include <string.h>

Tensor *one_hot(Arena *ar, DType dt, const int *labels, int rows, int nclasses) {
    int shape[2] = { rows, nclasses };
    Tensor *t = tensor_new(ar, dt, 2, shape);
    for (int r = 0; r < rows; r++) tensor_set(t, r * nclasses + labels[r], 1);
    return t;
}

Tensor *take_rows(Arena *ar, const Tensor *t, const int *idx, int count) {
    int shape[2] = { count, t->shape[1] };
    Tensor *out = tensor_new(ar, t->dtype, 2, shape);
    tensor_gather_rows(out, t, idx, 0);
    return out;
}

/* Fisher–Yates from its own stream: the same seed gives the same order
 * whatever else drew random numbers before. */
void row_order(int *order, int n, uint64_t seed, bool shuffle) {
    for (int i = 0; i < n; i++) order[i] = i;
    if (!shuffle) return;
    Rng r;
    rng_seed(&r, seed);
    for (int i = n - 1; i > 0; i--) {
        int j = rng_below(&r, i + 1), tmp = order[i];
        order[i] = order[j];
        order[j] = tmp;
    }
}

/* Per column: standard (x - mean) / std with the population std, as
 * scikit-learn's StandardScaler; minmax (x - min) / (max - min); mean
 * x - mean.  A constant column keeps scale 1, so it becomes 0, not NaN. */
NormStats norm_fit(Arena *ar, const Tensor *x, NormMethod method) {
    int rows = x->shape[0], w = x->shape[1];
    NormStats s = { method, w, arena_alloc(ar, sizeof(double) * (size_t)w), arena_alloc(ar, sizeof(double) * (size_t)w) };
    for (int j = 0; j < w; j++) {
        double sum = 0, lo = INFINITY, hi = -INFINITY;
        for (int r = 0; r < rows; r++) {
            double v = tensor_get(x, r * w + j);
            sum += v;
            if (v < lo) lo = v;
            if (v > hi) hi = v;
        }
        double mean = rows ? sum / rows : 0, ss = 0;
        for (int r = 0; r < rows && method == NORM_STANDARD; r++) {
            double d = tensor_get(x, r * w + j) - mean;
            ss += d * d;
        }
        double sd = rows ? sqrt(ss / rows) : 0;
        switch (method) {
        case NORM_STANDARD: s.offset[j] = mean; s.scale[j] = sd > 0 ? sd : 1; break;
        case NORM_MINMAX: s.offset[j] = lo; s.scale[j] = hi > lo ? hi - lo : 1; break;
        case NORM_MEAN: s.offset[j] = mean; s.scale[j] = 1; break;
        }
    }
    return s;
}

Tensor *norm_apply(Arena *ar, const Tensor *x, const NormStats *s) {
    Tensor *t = tensor_like(ar, x);
    int w = x->shape[1];
    for (int i = 0; i < x->size; i++) tensor_set(t, i, (tensor_get(x, i) - s->offset[i % w]) / s->scale[i % w]);
    return t;
}
