/* Unit tests of the tensor engine's storage layer: tensors (src/tensor/tensor.c:
 * creation, copying, get/set, shapes, the printed literal format), arenas
 * (src/base/arena.c: alignment, zeroing, reuse after arena_reset) and gemm
 * (src/tensor/matmul.c: small loop and large CBLAS paths, transposes, beta = 1)
 * against a naive double-precision reference, and transposing in place. */
#include "check.h"
#include "tensor/matmul.h"
#include "tensor/tensor.h"
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* ---- a tiny deterministic RNG (xorshift64) ----------------------------- */

static uint64_t rng_state = 0x2545F4914F6CDD1Du;

static double uniform(double lo, double hi) {
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return lo + (hi - lo) * (double)(rng_state >> 11) * 0x1.0p-53;
}

/* ---- tensors -------------------------------------------------------------- */

static Tensor *from_values(Arena *a, DType dt, int ndim, const int *shape, const double *v) {
    Tensor *t = tensor_new(a, dt, ndim, shape);
    for (int i = 0; i < t->size; i++) tensor_set(t, i, v[i]);
    return t;
}

static bool all_equal(const Tensor *t, double v) {
    for (int i = 0; i < t->size; i++) if (tensor_get(t, i) != v) return false;
    return true;
}

static void test_creation(Arena *a) {
    Tensor *t = tensor_new(a, DT_F32, 3, (int[]){ 2, 3, 4 });
    CHECK(t->ndim == 3 && t->size == 24 && t->shape[0] == 2 && t->shape[2] == 4 && t->dtype == DT_F32,
          "tensor_new sets ndim, shape, size and dtype");
    CHECK(all_equal(t, 0), "tensor_new is zeroed");
    CHECK(!t->grad && t->producer == -1 && !t->requires_grad && !t->made_by && !t->made_from,
          "tensor_new is a leaf without a gradient");
    CHECK(((uintptr_t)t->data & 15) == 0, "tensor data is 16-byte aligned");

    Tensor *s = tensor_scalar(a, DT_F64, 2.5);
    CHECK(s->ndim == 0 && s->size == 1 && tensor_get(s, 0) == 2.5, "tensor_scalar holds one value, 0 dims");
    CHECK(tensor_rows(s) == 1 && tensor_rows(t) == 2, "tensor_rows is shape[0], 1 for scalars");

    Tensor *e = tensor_new(a, DT_F64, 2, (int[]){ 0, 3 });
    CHECK(e->size == 0 && e->shape[1] == 3, "a tensor with a zero dimension has size 0");

    Tensor *l = tensor_like(a, t);
    CHECK(tensor_same_shape(l, t) && l->dtype == DT_F32 && l->data != t->data && all_equal(l, 0),
          "tensor_like: same shape and dtype, fresh zeroed data");
    CHECK(dtype_size(DT_F32) == 4 && dtype_size(DT_F64) == 8, "dtype_size");
}

static void test_get_set_copy(Arena *a) {
    Tensor *f = tensor_new(a, DT_F32, 1, (int[]){ 3 });
    tensor_set(f, 1, 0.1);
    CHECK(tensor_get(f, 1) == (double)0.1f, "float32 set/get rounds to float");
    CHECK(tensor_get(f, 0) == 0 && tensor_get(f, 2) == 0, "tensor_set touches one element");
    Tensor *d = tensor_new(a, DT_F64, 1, (int[]){ 3 });
    tensor_set(d, 2, 0.1);
    CHECK(tensor_get(d, 2) == 0.1, "float64 set/get is exact");

    tensor_fill(f, -1.25);
    CHECK(all_equal(f, -1.25), "tensor_fill");

    Tensor *c = tensor_copy(a, f);
    tensor_set(c, 0, 7);
    CHECK(tensor_same_shape(c, f) && tensor_get(c, 0) == 7 && tensor_get(f, 0) == -1.25 && tensor_get(c, 1) == -1.25,
          "tensor_copy copies data into independent storage");

    Tensor *wide = tensor_convert(a, f, DT_F64);
    CHECK(wide->dtype == DT_F64 && tensor_same_shape(wide, f) && all_equal(wide, -1.25), "tensor_convert to float64");
    tensor_set(wide, 0, 1.0 / 3);
    Tensor *narrow = tensor_convert(a, wide, DT_F32);
    CHECK(narrow->dtype == DT_F32 && tensor_get(narrow, 0) == (double)(float)(1.0 / 3),
          "tensor_convert to float32 rounds");
    Tensor *same = tensor_convert(a, wide, DT_F64);
    CHECK(same != wide && same->data != wide->data && tensor_get(same, 0) == 1.0 / 3,
          "tensor_convert to the same dtype copies");

    tensor_copy_into(d, narrow);
    CHECK(tensor_get(d, 0) == (double)(float)(1.0 / 3) && tensor_get(d, 2) == -1.25,
          "tensor_copy_into converts between dtypes");

    Tensor *r23 = tensor_new(a, DT_F32, 2, (int[]){ 2, 3 }), *r32 = tensor_new(a, DT_F32, 2, (int[]){ 3, 2 });
    Tensor *v6 = tensor_new(a, DT_F64, 1, (int[]){ 6 }), *r23d = tensor_new(a, DT_F64, 2, (int[]){ 2, 3 });
    CHECK(!tensor_same_shape(r23, r32) && !tensor_same_shape(r23, v6) && tensor_same_shape(r23, r23d),
          "tensor_same_shape compares dims, not size or dtype");
}

static void test_shape_str(Arena *a) {
    Tensor *t = tensor_new(a, DT_F32, 2, (int[]){ 2, 3 }), *v = tensor_new(a, DT_F32, 1, (int[]){ 4 });
    CHECK(strcmp(shape_str(t), "[2, 3]") == 0, "shape_str of a matrix is \"[2, 3]\"");
    CHECK(strcmp(shape_str(tensor_scalar(a, DT_F32, 1)), "[]") == 0, "shape_str of a scalar is \"[]\"");
    const char *s1 = shape_str(t), *s2 = shape_str(v);
    CHECK(strcmp(s1, "[2, 3]") == 0 && strcmp(s2, "[4]") == 0, "two shape_str results fit in one message");
    CHECK(strcmp(dims_str(4, (int[]){ 1, 22, 333, 4444 }), "[1, 22, 333, 4444]") == 0, "dims_str of 4 dims");
}

/* tensor_print into a string */
static const char *printed(const Tensor *t) {
    static char buf[512];
    FILE *f = tmpfile();
    if (!f) return "(no tmpfile)";
    tensor_print(f, t);
    rewind(f);
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    buf[n] = '\0';
    fclose(f);
    return buf;
}

typedef struct PrintCase {
    DType       dt;
    int         ndim, shape[MAX_DIMS];
    double      v[8];
    const char *want;
} PrintCase;

static const PrintCase print_cases[] = {
    { DT_F32, 2, { 2, 2 }, { 0.25, -1.5, 3, 4 }, "[[0.25, -1.5], [3, 4]]" },
    { DT_F32, 0, { 0 }, { 2.5 }, "2.5" },
    { DT_F32, 0, { 0 }, { 0.1 }, "0.100000001" },
    { DT_F64, 0, { 0 }, { 0.1 }, "0.1" },
    { DT_F64, 0, { 0 }, { -0.0 }, "0" },
    { DT_F32, 1, { 3 }, { 1, -2, 1e-10 }, "[1, -2, 1.00000001e-10]" },
    { DT_F64, 1, { 2 }, { 123456789, 1e20 }, "[123456789, 1e+20]" },
    { DT_F32, 1, { 1 }, { 16777217 }, "[16777216]" },
    { DT_F64, 3, { 2, 1, 2 }, { 1, 2, 3, 4 }, "[[[1, 2]], [[3, 4]]]" },
    { DT_F32, 1, { 0 }, { 0 }, "[]" },
    { DT_F64, 2, { 1, 3 }, { 1.0 / 3, 2.0 / 3, -1 }, "[[0.333333333, 0.666666667, -1]]" },
};

static void test_print(Arena *a) {
    for (size_t i = 0; i < sizeof print_cases / sizeof print_cases[0]; i++) {
        const PrintCase *p = &print_cases[i];
        const char *got = printed(from_values(a, p->dt, p->ndim, p->shape, p->v));
        bool ok = strcmp(got, p->want) == 0;
        CHECK(ok, "%s prints as %s%s%.100s", p->dt == DT_F64 ? "float64" : "float32", p->want,
              ok ? "" : ", got ", ok ? "" : got);
    }
}

/* ---- arenas ------------------------------------------------------------------ */

enum { NALLOCS = 40 };
/* sizes that overflow the first 64 KiB block, and one bigger than a block */
static size_t alloc_size(int i) { return i == 20 ? 200000 : (size_t)(i * 997) % 9000 + 1; }

static void test_arena(void) {
    Arena a = { 0 };
    void *first[NALLOCS];
    bool aligned = true, zeroed = true;
    for (int i = 0; i < NALLOCS; i++) {
        unsigned char *p = first[i] = arena_alloc(&a, alloc_size(i));
        aligned &= ((uintptr_t)p & 15) == 0;
        for (size_t j = 0; j < alloc_size(i); j++) zeroed &= p[j] == 0;
        memset(p, 0xAB, alloc_size(i));
    }
    CHECK(aligned, "arena_alloc is 16-byte aligned");
    CHECK(zeroed, "arena_alloc is zeroed");
    size_t used = arena_used(&a), high = a.high_water;
    CHECK(used >= 200000 && high >= used, "arena_used and high_water count allocations");

    arena_reset(&a);
    CHECK(arena_used(&a) == 0, "arena_used is 0 after arena_reset");
    bool same = true;
    zeroed = true;
    for (int i = 0; i < NALLOCS; i++) {
        unsigned char *p = arena_alloc(&a, alloc_size(i));
        same &= p == first[i];
        for (size_t j = 0; j < alloc_size(i); j++) zeroed &= p[j] == 0;
    }
    CHECK(same, "after arena_reset the same allocations reuse the same memory");
    CHECK(zeroed, "reused memory is zeroed again");
    CHECK(arena_used(&a) == used && a.high_water == high, "the same allocations use the same amount");

    char *s = arena_strdup(&a, "layer");
    char *f = arena_printf(&a, "%s %d of %s", "layer", 2, "net");
    CHECK(strcmp(s, "layer") == 0 && strcmp(f, "layer 2 of net") == 0, "arena_strdup and arena_printf");
    int *g = arena_alloc(&a, 4 * sizeof *g);
    for (int i = 0; i < 4; i++) g[i] = i + 1;
    int *h = arena_grow(&a, g, 4 * sizeof *g, 8 * sizeof *g);
    CHECK(h[0] == 1 && h[3] == 4 && h[4] == 0 && h[7] == 0, "arena_grow keeps the old contents, zeroes the rest");

    arena_free(&a);
    CHECK(!a.first && !a.cur, "arena_free gives the blocks back");
    int *again = arena_alloc(&a, sizeof *again);
    CHECK(again && *again == 0, "a freed arena can be used again");
    arena_free(&a);
}

/* ---- gemm ---------------------------------------------------------------------- */

typedef struct GemmCase { DType dt; bool ta, tb; int m, n, k; double beta; } GemmCase;

static double elem(const void *p, DType dt, int i) {
    return dt == DT_F64 ? ((const double *)p)[i] : ((const float *)p)[i];
}

/* C = op(A) @ op(B) + beta C in double, with A stored [m,k] (or [k,m] if ta) etc. */
static void gemm_reference(const GemmCase *g, const void *A, const void *B, const void *C0, double *want) {
    for (int i = 0; i < g->m; i++)
        for (int j = 0; j < g->n; j++) {
            double s = 0;
            for (int p = 0; p < g->k; p++)
                s += elem(A, g->dt, g->ta ? p * g->m + i : i * g->k + p) *
                     elem(B, g->dt, g->tb ? j * g->k + p : p * g->n + j);
            want[i * g->n + j] = s + (g->beta != 0 ? g->beta * elem(C0, g->dt, i * g->n + j) : 0);
        }
}

/* nnl's own loops (products up to GEMM_OWN_LOOPS_UP_TO) sum each entry in the order p = 0, 1,
 * ... in the tensors' own precision, however they block and vectorise: the
 * goldens and the replay's bit-identity rest on it */
#define SEQUENTIAL_EXACT(T)                                                              \
    for (int i = 0; i < g->m; i++)                                                       \
        for (int j = 0; j < g->n; j++) {                                                 \
            int ci = i * g->n + j;                                                       \
            T s = 0;                                                                     \
            for (int p = 0; p < g->k; p++)                                               \
                s += ((const T *)A)[g->ta ? p * g->m + i : i * g->k + p] *               \
                     ((const T *)B)[g->tb ? j * g->k + p : p * g->n + j];                \
            T want = g->beta == 0 ? s : (T)(g->beta * ((const T *)C0)[ci]) + s;         \
            if (memcmp(&want, (const T *)C + ci, sizeof want) != 0) return false;        \
        }
static bool gemm_sequential_exact(const GemmCase *g, const void *A, const void *B, const void *C0, const void *C) {
    if (g->dt == DT_F64) { SEQUENTIAL_EXACT(double) } else { SEQUENTIAL_EXACT(float) }
    return true;
}
#undef SEQUENTIAL_EXACT

static void check_gemm(const GemmCase *g) {
    Arena a = { 0 };
    int sizes[3] = { g->m * g->k, g->k * g->n, g->m * g->n };
    Tensor *t[3];
    for (int i = 0; i < 3; i++) {
        t[i] = tensor_new(&a, g->dt, 1, &sizes[i]);
        for (int j = 0; j < sizes[i]; j++) tensor_set(t[i], j, uniform(-1, 1));
    }
    if (g->beta == 0) tensor_fill(t[2], NAN);    /* beta = 0 must not read C */
    double *want = arena_alloc(&a, sizeof *want * (size_t)sizes[2]);
    gemm_reference(g, t[0]->data, t[1]->data, t[2]->data, want);
    Tensor *c0 = tensor_new(&a, g->dt, 1, &sizes[2]);
    tensor_copy_into(c0, t[2]);
    gemm(g->dt, g->ta, g->tb, g->m, g->n, g->k, t[0]->data, t[1]->data, g->beta, t[2]->data);

    int worst = 0;
    double worst_err = -1;
    for (int i = 0; i < sizes[2]; i++) {
        double err = fabs(tensor_get(t[2], i) - want[i]) / (1 + fabs(want[i]));
        if (isnan(err)) err = INFINITY;
        if (err > worst_err) { worst_err = err; worst = i; }
    }
    long madds = (long)g->m * g->n * g->k;
    CHECK_NEAR(tensor_get(t[2], worst), want[worst], g->dt == DT_F64 ? 1e-12 : 1e-5,
               "gemm %s %c%c m=%d n=%d k=%d beta=%g (%s)", g->dt == DT_F64 ? "f64" : "f32",
               g->ta ? 'T' : 'N', g->tb ? 'T' : 'N', g->m, g->n, g->k, g->beta,
               madds > GEMM_OWN_LOOPS_UP_TO ? "cblas" : "loops");
    if (madds <= GEMM_OWN_LOOPS_UP_TO || (g->k == 1 && g->beta == 0))   /* above the loops' size: matmul.c's outer product */
        CHECK(gemm_sequential_exact(g, t[0]->data, t[1]->data, c0->data, t[2]->data),
              "gemm %s %c%c m=%d n=%d k=%d beta=%g: each entry summed in order, bit for bit", g->dt == DT_F64 ? "f64" : "f32",
              g->ta ? 'T' : 'N', g->tb ? 'T' : 'N', g->m, g->n, g->k, g->beta);
    arena_free(&a);
}

static void test_gemm(void) {
    static const int dims[][3] = {
        { 3, 4, 5 }, { 1, 7, 3 }, { 32, 32, 32 },     /* loops */
        { 9, 10, 7 }, { 6, 300, 5 }, { 4, 8, 1 },     /* loops: row blocks and a remainder, wide strips */
        { 32, 10, 32 }, { 17, 9, 5 }, { 300, 3, 20 }, { 16, 15, 1 },   /* loops: columns summed down strips of rows */
        { 13, 40, 9 }, { 4, 16, 1 }, { 8, 64, 30 },   /* loops: tiles of 4 rows × 2 vectors, columns and rows left over */
        { 32, 32, 64 }, { 32, 64, 32 },              /* loops: the largest (digits' first layer) */
        { 40, 37, 50 }, { 32, 32, 65 }, { 1, 300, 200 },   /* CBLAS */
        { 300, 200, 1 },                              /* an outer product (batch 1's weight gradient) */
    };
    for (size_t d = 0; d < sizeof dims / sizeof dims[0]; d++)
        for (int variant = 0; variant < 16; variant++) {
            GemmCase g = { variant & 1 ? DT_F64 : DT_F32, variant & 2, variant & 4,
                           dims[d][0], dims[d][1], dims[d][2], variant & 8 ? 1 : 0 };
            check_gemm(&g);
        }
    /* the outer product's -0 is +0, as BLAS's zeroed C plus the product gives */
    static float a[200], b[200], outer[200 * 200];
    for (int i = 0; i < 200; i++) { a[i] = i % 2 ? 0.5f : 0.0f; b[i] = -1.0f; }
    gemm(DT_F32, false, false, 200, 200, 1, a, b, 0, outer);
    CHECK(!signbit(outer[0]) && outer[0] == 0 && outer[200] == -0.5f, "an outer product gives +0 for 0 × -1");
    float c[2] = { 5, 6 };
    gemm(DT_F32, false, false, 1, 2, 0, c, c, 1, c);
    CHECK(c[0] == 5 && c[1] == 6, "gemm with k = 0 and beta = 1 leaves C alone");
    gemm(DT_F32, false, false, 1, 2, 0, c, c, 0, c);
    CHECK(c[0] == 0 && c[1] == 0, "gemm with k = 0 and beta = 0 zeroes C");
}

/* a batch's rows copied in runs of rows that follow one another in the
 * source: every row where it belongs, shuffled or in order */
static void test_gather_rows(Arena *a) {
    Tensor *src = tensor_new(a, DT_F32, 2, (int[]){ 10, 3 });
    for (int i = 0; i < src->size; i++) tensor_set(src, i, i);
    const int order[] = { 3, 4, 5, 0, 1, 9, 2, 8 };
    Tensor *dst = tensor_new(a, DT_F32, 2, (int[]){ 6, 3 });
    for (int shuffled = 0; shuffled < 2; shuffled++) {
        tensor_gather_rows(dst, src, shuffled ? order : NULL, 1);
        int wrong = 0;
        for (int r = 0; r < 6; r++)
            for (int j = 0; j < 3; j++) wrong += tensor_get(dst, r * 3 + j) != (shuffled ? order[1 + r] : 1 + r) * 3 + j;
        CHECK(wrong == 0, "tensor_gather_rows %s: each row from its place (%d wrong)", shuffled ? "shuffled" : "in order", wrong);
    }
}

/* transpose_in_place against transpose_matrix accumulating onto zeros, bit
 * for bit (−0 becoming +0 included): square (tiles and their edges), wide,
 * tall, a row, a column, one element, in float and double */
static void test_transpose_in_place(void) {
    static const int sizes[][2] = { { 70, 70 }, { 32, 32 }, { 3, 5 }, { 5, 3 }, { 37, 64 }, { 64, 37 }, { 1, 9 }, { 9, 1 },
                                    { 1, 1 }, { 2, 2 } };
    for (int dt = 0; dt < 2; dt++)
        for (size_t c = 0; c < sizeof sizes / sizeof sizes[0]; c++) {
            DType type = dt ? DT_F64 : DT_F32;
            int r = sizes[c][0], cl = sizes[c][1], n = r * cl;
            size_t es = dt ? sizeof(double) : sizeof(float);
            void *m = malloc(es * (size_t)n), *want = calloc((size_t)n, es);
            for (int i = 0; i < n; i++) {
                double v = i % 7 == 3 ? -0.0 : uniform(-1, 1);
                if (dt) ((double *)m)[i] = v; else ((float *)m)[i] = (float)v;
            }
            transpose_matrix(type, m, r, cl, want, true);
            transpose_in_place(type, m, r, cl);
            CHECK(memcmp(m, want, es * (size_t)n) == 0, "transpose_in_place %s %dx%d: the bits of 0 + the transpose",
                  dt ? "double" : "float", r, cl);
            free(m);
            free(want);
        }
}

/* transpose_matrix copying, against each element put in its place: whole
 * 8×8 blocks (float's shuffled ones), rows and columns left over, and too
 * small for a block, in float and double */
static void test_transpose_copy(void) {
    static const int sizes[][2] = { { 8, 8 }, { 32, 64 }, { 64, 32 }, { 13, 21 }, { 21, 13 }, { 7, 9 }, { 3, 5 },
                                    { 1, 17 }, { 17, 1 }, { 40, 8 } };
    for (int dt = 0; dt < 2; dt++)
        for (size_t c = 0; c < sizeof sizes / sizeof sizes[0]; c++) {
            DType type = dt ? DT_F64 : DT_F32;
            int r = sizes[c][0], cl = sizes[c][1], n = r * cl, wrong = 0;
            size_t es = dt ? sizeof(double) : sizeof(float);
            char *m = malloc(es * (size_t)n), *got = malloc(es * (size_t)n);
            for (int i = 0; i < n; i++) {
                if (dt) ((double *)m)[i] = i + 0.25; else ((float *)m)[i] = (float)i + 0.25f;
            }
            memset(got, 0xff, es * (size_t)n);
            transpose_matrix(type, m, r, cl, got, false);
            for (int i = 0; i < r; i++)
                for (int j = 0; j < cl; j++)
                    wrong += memcmp(got + es * ((size_t)j * r + i), m + es * ((size_t)i * cl + j), es) != 0;
            CHECK(wrong == 0, "transpose_matrix %s %dx%d: each element in its place (%d wrong)", dt ? "double" : "float",
                  r, cl, wrong);
            free(m);
            free(got);
        }
}

int main(void) {
    test_transpose_in_place();
    test_transpose_copy();
    Arena a = { 0 };
    test_creation(&a);
    test_gather_rows(&a);
    test_get_set_copy(&a);
    test_shape_str(&a);
    test_print(&a);
    arena_free(&a);
    test_arena();
    test_gemm();
    CHECK_DONE();
}
