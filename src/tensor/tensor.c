/* tensor.c — creating, copying and printing tensors.
 * Must not: know about the tape or gradients' meaning (see tape.c, prims.c). */
#include "tensor/vectorize.h"
#include "base/arena.h"
#include "base/budget.h"
#include "base/text.h"
#include "tensor/tensor.h"
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>


/* float32: what rounds to FLT_MAX at most, i.e. below FLT_MAX + half its ulp (2^104) */
bool dtype_holds(DType dt, double v) { return isfinite(v) && (dt == DT_F64 || fabs(v) < (double)FLT_MAX + 0x1p103); }

const char *dtype_too_large(DType dt) {
    return dt == DT_F64 ? "too large for float64 (beyond ±1.7976931e+308)"
                        : "too large for float32 (beyond ±3.4028235e+38; 'precision double' holds it)";
}

const char *dtype_refusal(DType dt, double v, char *buf, size_t size) {
    if (isnan(v)) return "NaN (not a number)";
    if (isinf(v)) return "infinite";
    if (dtype_holds(dt, v)) return NULL;
    snprintf(buf, size, "%.9g, %s", v, dtype_too_large(dt));
    return buf;
}

bool dims_fit(int ndim, const int *shape) {
    long long n = 1;
    for (int i = 0; i < ndim; i++) {
        if (shape[i] < 0) return false;
        n *= shape[i];
        if (n > nnl_budget.max_elements) return false;
    }
    return true;
}

static Tensor *make(Arena *a, DType dt, int ndim, const int *shape, bool zero) {
    Tensor *t = arena_alloc(a, sizeof *t);
    t->ndim = ndim;
    t->size = 1;
    for (int i = 0; i < ndim; i++) { t->shape[i] = shape[i]; t->size *= shape[i]; }
    t->dtype = dt;
    size_t bytes = dtype_size(dt) * (size_t)t->size;
    t->data = zero ? arena_alloc(a, bytes) : arena_alloc_raw(a, bytes);
    t->producer = -1;
    return t;
}

Tensor *tensor_new(Arena *a, DType dt, int ndim, const int *shape) { return make(a, dt, ndim, shape, true); }

Tensor *tensor_new_coded(Arena *a, DType dt, int ndim, const int *shape) {
    Tensor *t = arena_alloc(a, sizeof *t);
    t->ndim = ndim;
    t->size = 1;
    for (int i = 0; i < ndim; i++) { t->shape[i] = shape[i]; t->size *= shape[i]; }
    t->dtype = dt;
    t->producer = -1;
    t->codes = arena_alloc_raw(a, (size_t)t->size);
    t->code_values = arena_alloc(a, dtype_size(dt) * 256);
    return t;
}

/* the decoded copies of tensors kept as bytes: never freed, as the tensors are not */
static Arena plain_arena;

Tensor *tensor_plain(Tensor *t) {
    if (!t->codes) return t;
    if (!t->plain) {
        Tensor *p = tensor_new_raw(&plain_arena, t->dtype, t->ndim, t->shape);
        FOR_DTYPE(t, T, {
            const T *of = t->code_values;
            T *d = p->data;
            for (int i = 0; i < t->size; i++) d[i] = of[t->codes[i]];
        });
        t->plain = p;
    }
    return t->plain;
}
Tensor *tensor_new_raw(Arena *a, DType dt, int ndim, const int *shape) { return make(a, dt, ndim, shape, false); }

/* A value is NaN or infinite exactly when its exponent bits are all ones:
 * with the sign cleared, its bits as an integer are then above the largest
 * finite number's.  The largest of those integers, taken over the values,
 * vectorises to one max per vector (an OR of compares did not: 2.4
 * instructions a float), where a sum of x·0 would wait on each addition in
 * turn.  The optimizer's update checks each chunk of w with it. */
VECTORIZE_BEGIN
SIMD_CLONES bool values_all_finite(DType dt, const void *data, int n) {
    if (dt == DT_F64) {
        const uint64_t *d = data;
        uint64_t most = 0;
        for (int i = 0; i < n; i++) { uint64_t u = d[i] & 0x7fffffffffffffffu; most = u > most ? u : most; }
        return most <= 0x7fefffffffffffffu;
    }
    const uint32_t *d = data;
    uint32_t most = 0;
    for (int i = 0; i < n; i++) { uint32_t u = d[i] & 0x7fffffffu; most = u > most ? u : most; }
    return most <= 0x7f7fffffu;
}

bool tensor_all_finite(const Tensor *t) { return values_all_finite(t->dtype, t->data, t->size); }
VECTORIZE_END

double tensor_l2_norm(const Tensor *t) {
    double s = 0;
    for (int i = 0; i < t->size; i++) s += tensor_get(t, i) * tensor_get(t, i);
    return sqrt(s);
}

Tensor *tensor_scalar(Arena *a, DType dt, double v) {
    Tensor *t = tensor_new(a, dt, 0, NULL);
    tensor_set(t, 0, v);
    return t;
}

Tensor *tensor_like(Arena *a, const Tensor *t) { return tensor_new(a, t->dtype, t->ndim, t->shape); }

Tensor *tensor_copy(Arena *a, const Tensor *t) {
    Tensor *c = tensor_new_raw(a, t->dtype, t->ndim, t->shape);
    memcpy(c->data, t->data, dtype_size(t->dtype) * (size_t)t->size);
    c->varies = t->varies;
    return c;
}

Tensor *tensor_convert(Arena *a, const Tensor *t, DType dt) {
    if (t->dtype == dt) return tensor_copy(a, t);
    Tensor *c = tensor_new(a, dt, t->ndim, t->shape);
    for (int i = 0; i < t->size; i++) tensor_set(c, i, tensor_get(t, i));
    c->varies = t->varies;
    return c;
}

Tensor *tensor_first_rows(Arena *a, Tensor *t, int rows) {
    if (rows >= t->shape[0]) return t;
    Tensor *v = arena_alloc(a, sizeof *v);
    *v = *t;
    v->shape[0] = rows;
    v->size = rows * t->shape[1];
    v->grad = NULL;
    return v;
}

double tensor_get(const Tensor *t, int i) {
    const void *d = t->data;
    if (!d) { d = t->code_values; i = t->codes[i]; }     /* kept as bytes */
    return t->dtype == DT_F64 ? ((const double *)d)[i] : ((const float *)d)[i];
}

void tensor_set(Tensor *t, int i, double v) {
    if (t->dtype == DT_F64) ((double *)t->data)[i] = v;
    else ((float *)t->data)[i] = (float)v;
}

void tensor_fill(Tensor *t, double v) {
    if (v == 0 && !signbit(v)) { memset(t->data, 0, dtype_size(t->dtype) * (size_t)t->size); return; }  /* +0.0 is all zero bits */
    FOR_DTYPE(t, T, { T *d = t->data; for (int i = 0, n = t->size; i < n; i++) d[i] = (T)v; });
}

void tensor_copy_into(Tensor *dst, const Tensor *src) {
    if (dst->dtype == src->dtype) memcpy(dst->data, src->data, dtype_size(src->dtype) * (size_t)src->size);
    else for (int i = 0; i < src->size; i++) tensor_set(dst, i, tensor_get(src, i));
}

void tensor_gather_rows(Tensor *dst, const Tensor *src, const int *idx, int from) {
    if (src->codes) {               /* bytes: each one's number looked up as the row is copied */
        size_t width = (size_t)src->shape[1];
        FOR_DTYPE(dst, T, {
            const T *of = src->code_values;
            for (int r = 0; r < dst->shape[0]; r++) {
                const unsigned char *c = src->codes + width * (size_t)(idx ? idx[from + r] : from + r);
                T *d = (T *)dst->data + width * (size_t)r;
                for (size_t j = 0; j < width; j++) d[j] = of[c[j]];
            }
        });
        return;
    }
    /* each run of rows that follow one another in src copied as one block
     * (all of them when the rows are not shuffled) */
    size_t row_bytes = dtype_size(src->dtype) * (size_t)src->shape[1];
    for (int r = 0, rows = dst->shape[0]; r < rows;) {
        int first = idx ? idx[from + r] : from + r, run = 1;
        while (r + run < rows && (idx ? idx[from + r + run] : from + r + run) == first + run) run++;
        memcpy((char *)dst->data + row_bytes * (size_t)r, (const char *)src->data + row_bytes * (size_t)first,
               row_bytes * (size_t)run);
        r += run;
    }
}

int tensor_rows(const Tensor *t) { return t->ndim ? t->shape[0] : 1; }

const char *dims_str(int ndim, const int *shape) {
    static char bufs[4][64];
    static int next;
    char *b = bufs[next++ & 3];
    int n = snprintf(b, 64, "[");
    for (int i = 0; i < ndim; i++) n += snprintf(b + n, (size_t)(64 - n), i ? ", %d" : "%d", shape[i]);
    snprintf(b + n, (size_t)(64 - n), "]");
    return b;
}

const char *shape_str(const Tensor *t) { return dims_str(t->ndim, t->shape); }

void print_number(FILE *f, double v, int digits) {
    if (v == 0) v = 0;          /* no "-0" */
    if (isnan(v)) { fputs("nan", f); return; }   /* never "-nan" */
    fprintf(f, "%.*g", digits, v);
}

/* 0.15 rather than 0.150000006, as NumPy prints (base/text.h) */
void print_number_shortest(FILE *f, double v, DType dt) {
    char buf[40];
    format_shortest(buf, sizeof buf, v, dt == DT_F32);
    fputs(buf, f);
}

static void print_rec(FILE *f, const Tensor *t, int dim, int *offset, int digits) {
    if (dim == t->ndim) {
        double v = tensor_get(t, (*offset)++);
        if (digits) print_number(f, v, digits); else print_number_shortest(f, v, t->dtype);
        return;
    }
    fputc('[', f);
    for (int i = 0; i < t->shape[dim]; i++) {
        if (i) fputs(", ", f);
        print_rec(f, t, dim + 1, offset, digits);
    }
    fputc(']', f);
}

void tensor_print_digits(FILE *f, const Tensor *t, int digits) {
    int offset = 0;
    print_rec(f, t, 0, &offset, digits);
}

void tensor_print(FILE *f, const Tensor *t) { tensor_print_digits(f, t, 9); }

bool tensor_is_large(const Tensor *t) { return t->size > PRINT_SUMMARY_OVER; }

/* NumPy's summary: along each dimension longer than 2·PRINT_EDGE the first
 * and last PRINT_EDGE entries with "..." between; the rows one a line,
 * indented under their bracket.  base: the offset of this part's first value. */
static void print_summary_rec(FILE *f, const Tensor *t, int dim, long base, int digits) {
    if (dim == t->ndim) {
        double v = tensor_get(t, (int)base);
        if (digits) print_number(f, v, digits); else print_number_shortest(f, v, t->dtype);
        return;
    }
    long stride = 1;
    for (int d = dim + 1; d < t->ndim; d++) stride *= t->shape[d];
    int n = t->shape[dim];
    bool cut = n > 2 * PRINT_EDGE;
    fputc('[', f);
    for (int i = 0; i < n; i++) {
        if (i) {
            if (dim + 1 < t->ndim) fprintf(f, ",\n%*s", dim + 1, "");
            else fputs(", ", f);
        }
        if (cut && i == PRINT_EDGE) {
            fputs("...", f);
            i = n - PRINT_EDGE - 1;
            continue;
        }
        print_summary_rec(f, t, dim + 1, base + stride * i, digits);
    }
    fputc(']', f);
}

void tensor_print_summary(FILE *f, const Tensor *t, int digits) { print_summary_rec(f, t, 0, 0, digits); }
