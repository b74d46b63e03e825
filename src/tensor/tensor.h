/* Tensors: contiguous row-major float32 (or float64) arrays of up to 4 dims. */
#ifndef NNL_TENSOR_H
#define NNL_TENSOR_H
#include "base/arena.h"
#include "base/budget.h"
#include <stdbool.h>
#include <stdio.h>

enum { MAX_DIMS = 4 };
typedef enum { DT_F32, DT_F64 } DType;

typedef struct Tensor Tensor;
struct Tensor {
    int     ndim;
    int     shape[MAX_DIMS];
    int     size;
    DType   dtype;
    void   *data;
    Tensor *grad;           /* ∂C/∂this; NULL until backward reaches it */
    int     producer;       /* tape entry that computed it, -1 for a leaf */
    bool    requires_grad;  /* a parameter, or computed from one */
    /* Its value may differ from one training step to the next: the batch, a
     * parameter, a layer's state, a gradient, or computed from them.  A step
     * recorded to be replayed (replay.h) must not decide anything by it. */
    bool    varies;
    /* Made by transposing a 2-D tensor: a matrix product reading it computes
     * its gradient as (Gᵀ X)ᵀ (prims.c's matmul rules say why). */
    bool    transposed;
    /* The last nnl function call that returned this tensor, and its first
     * argument: lets a loss see "softmax(a)" and fuse with it. */
    const void *made_by;
    Tensor     *made_from;
    /* Kept as the bytes it came as (an IDX file's pixels, in a data set: a
     * quarter of the memory of float32): data is NULL and element i is
     * code_values[codes[i]], a table of 256 numbers of dtype.  Only
     * tensor_gather_rows (a training batch), tensor_get and tensor_plain
     * read such a tensor; everything else asks tensor_plain for the numbers. */
    unsigned char *codes;
    void          *code_values;
    Tensor        *plain;          /* tensor_plain's copy, made once */
};

/* Iterate a body once per dtype with T bound to float or double. */
#define FOR_DTYPE(t, T, ...)                                                   \
    do {                                                                       \
        if ((t)->dtype == DT_F64) { typedef double T; __VA_ARGS__ }            \
        else                      { typedef float T;  __VA_ARGS__ }            \
    } while (0)

bool    dims_fit(int ndim, const int *shape);
Tensor *tensor_new(Arena *a, DType dt, int ndim, const int *shape);   /* zeroed */
Tensor *tensor_new_raw(Arena *a, DType dt, int ndim, const int *shape);   /* for outputs written whole */
/* a tensor kept as byte codes (see codes above): codes and code_values to be written */
Tensor *tensor_new_coded(Arena *a, DType dt, int ndim, const int *shape);
/* t's numbers as an ordinary tensor: t itself, or for a tensor kept as
 * bytes its decoded copy, made at the first call and kept as long as the
 * process (such tensors are data sets' files, which are never freed) */
Tensor *tensor_plain(Tensor *t);
bool    tensor_all_finite(const Tensor *t);                            /* no NaN, no Inf */
double  tensor_l2_norm(const Tensor *t);            /* the L2 norm √(Σ t_i²), summed in double in element order */
bool    values_all_finite(DType dt, const void *data, int n);
Tensor *tensor_scalar(Arena *a, DType dt, double v);
Tensor *tensor_like(Arena *a, const Tensor *t);                        /* zeroed */
Tensor *tensor_copy(Arena *a, const Tensor *t);                        /* data only */
Tensor *tensor_convert(Arena *a, const Tensor *t, DType dt);
/* the first `rows` rows of a 2-D t, sharing its data (a view: t must not be
 * written while it is used); t itself when it has no more rows */
Tensor *tensor_first_rows(Arena *a, Tensor *t, int rows);
double  tensor_get(const Tensor *t, int i);
void    tensor_set(Tensor *t, int i, double v);
void    tensor_fill(Tensor *t, double v);
void    tensor_copy_into(Tensor *dst, const Tensor *src);   /* same size */
/* rows from, from + 1, ... of dst's count taken from src: row idx[from + r]
 * (or from + r without idx) of the 2-D src becomes row r of dst (decoded
 * while copied when src is kept as bytes) */
void    tensor_gather_rows(Tensor *dst, const Tensor *src, const int *idx, int from);
/* inline: every elementwise op asks it of each input, on every call */
static inline bool tensor_same_shape(const Tensor *a, const Tensor *b) {
    if (a->ndim != b->ndim) return false;
    for (int i = 0; i < a->ndim; i++) if (a->shape[i] != b->shape[i]) return false;
    return true;
}
int     tensor_rows(const Tensor *t);                       /* shape[0], or 1 for scalars */
/* "[2, 3]"; returns a static buffer, rotating among a few so two fit in one message */
const char *shape_str(const Tensor *t);
const char *dims_str(int ndim, const int *shape);
/* A tensor as an nnl literal, 9 significant digits (round-trips float32). */
void    tensor_print(FILE *f, const Tensor *t);
void    tensor_print_digits(FILE *f, const Tensor *t, int digits);   /* digits 0: the shortest that reads back */
/* Over PRINT_SUMMARY_OVER values a tensor is printed as NumPy summarises
 * it: the first and last PRINT_EDGE entries along each dimension, "..."
 * between, a row a line (it does not read back: the caller says so). */
enum { PRINT_SUMMARY_OVER = 1000, PRINT_EDGE = 3 };
bool    tensor_is_large(const Tensor *t);
void    tensor_print_summary(FILE *f, const Tensor *t, int digits);
void    print_number(FILE *f, double v, int digits);   /* never "-0" or "-nan" */
void    print_number_shortest(FILE *f, double v, DType dt);   /* 0.15, not 0.150000006 */
/* inline: the replay and the snapshot ask it for tiny tensors on every step */
static inline size_t dtype_size(DType dt) { return dt == DT_F64 ? sizeof(double) : sizeof(float); }
/* Numbers on their way in (a file, a literal): v is one of dt's finite
 * numbers — not NaN or ±Inf, and not beyond dt's range (1e39 is inf in
 * float32).  dtype_refusal says why not, to follow "is": "NaN (not a
 * number)", "infinite", "1e+39, too large for float32 (beyond ...)" (written
 * in buf); NULL when it is.  dtype_too_large is the phrase alone, "too large
 * for float32 (beyond ...)" (a decimal beyond even float64 reads as inf). */
enum { DTYPE_REFUSAL_SIZE = 160 };
bool    dtype_holds(DType dt, double v);
const char *dtype_refusal(DType dt, double v, char *buf, size_t size);
const char *dtype_too_large(DType dt);

#endif
