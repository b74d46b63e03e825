/* What the data stages share: csv.c, idx.c, datagen.c and dataops.c make
 * tables of tensors; gzfile.c reads files, plain or gzipped.  They know
 * tensors and arenas, not the interpreter: a failure returns false with a
 * message that names the file and the line (CSV) or byte offset (IDX), and
 * the caller (loaders.c) frees what it holds and reports it at the statement
 * that asked.  Nothing here longjmps, so each stage is usable from unit tests
 * and fuzz targets as it is. */
#ifndef NNL_DATALOAD_H
#define NNL_DATALOAD_H
#include "tensor/tensor.h"
#include <stdbool.h>
#include <stdint.h>

typedef struct Table {
    Tensor      *x, *y;          /* [rows, features], [rows, targets] */
    const char **classes;        /* names of the one-hot target columns, or NULL */
    int          nclasses;
} Table;

typedef struct DataError { char msg[512]; } DataError;
/* formats the message and returns false, so `return data_error(e, ...)` */
bool data_error(DataError *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

enum { MAX_CLASSES = 1000 };

/* ---- gzfile.c: files, gzipped or not (zlib reads both) ------------------ */
typedef struct ByteSource {
    /* reads up to n bytes; returns how many (0 at the end), or -1 after
     * writing why into err */
    long (*read)(void *ctx, void *buf, size_t n, DataError *err);
    void *ctx;
    const char *name;            /* the file, for messages */
    const unsigned char *mem;    /* source_memory: what is left to read */
    size_t left;
    long long size;              /* total bytes when known (memory, a file not gzipped), else -1 */
} ByteSource;
bool source_open(ByteSource *s, const char *path, DataError *err);
void source_close(ByteSource *s);
void source_memory(ByteSource *s, const char *name, const void *data, size_t len);
/* reads a whole file into a malloc'd, NUL-terminated buffer (the caller frees it) */
bool read_text_file(const char *path, char **text, size_t *len, DataError *err);

/* ---- csv.c ----------------------------------------------------------------- */
typedef struct CsvOptions {
    const char *target;          /* column name, or NULL for target_index */
    int         target_index;    /* 0-based; negative counts from the end */
    const char *features;        /* comma-separated column names, or NULL */
    const int  *feature_index;   /* or these columns (0-based, negative from the end) */
    int         nfeature_index;  /* -1: every column but the target */
    char        delimiter;
    bool        header;
    int         classify;        /* 1 classes, 0 numbers, -1 decide from the column */
    DType       dtype;
} CsvOptions;
bool csv_parse(const char *file, const char *text, size_t len, const CsvOptions *o, Arena *ar,
               Table *out, DataError *err);

/* ---- idx.c ----------------------------------------------------------------- */
/* An IDX tensor (MNIST's format) as [items, product of the other dims],
 * each value times scale; at most limit items (0: all). */
bool idx_read(ByteSource *s, DType dt, double scale, long limit, Arena *ar, Tensor **out, DataError *err);
/* images and labels files: labels become one-hot targets */
bool idx_load(const char *images, const char *labels, DType dt, double scale, long limit,
              const char *names, Arena *ar, Table *out, DataError *err);
/* labels [n, 1] of whole numbers 0..MAX_CLASSES-1 -> one-hot, class names "0".. or from names */
bool labels_to_table(const char *file, const Tensor *labels, const char *names, Arena *ar, Table *out,
                     DataError *err);

/* ---- datagen.c ------------------------------------------------------------- */
/* TensorFlow Playground's 2-D sets: "circle", "xor", "gauss", "spiral",
 * and "moons" (scikit-learn's); two classes, n points, noise in [0, 1]. */
extern const char *const datagen_kinds[];
bool datagen(const char *kind, int n, double noise, uint64_t seed, bool onehot, DType dt, Arena *ar,
             Table *out, DataError *err);

/* ---- dataops.c -------------------------------------------------------------- */
/* one-hot rows from class indices 0..nclasses-1 */
Tensor *one_hot(Arena *ar, DType dt, const int *labels, int rows, int nclasses);
/* the rows idx[0..count) of t */
Tensor *take_rows(Arena *ar, const Tensor *t, const int *idx, int count);
/* a permutation of 0..n-1 from seed (or 0..n-1 in order when !shuffle) */
void row_order(int *order, int n, uint64_t seed, bool shuffle);

typedef enum { NORM_STANDARD, NORM_MINMAX, NORM_MEAN } NormMethod;
typedef struct NormStats { NormMethod method; int n; double *offset, *scale; } NormStats;
/* statistics of x's columns: x' = (x - offset) / scale */
NormStats norm_fit(Arena *ar, const Tensor *x, NormMethod method);
Tensor   *norm_apply(Arena *ar, const Tensor *x, const NormStats *s);

#endif
