/* idx.c — IDX files, the format of MNIST and Fashion-MNIST: two zero bytes,
 * a type byte, the number of dimensions, each size as a big-endian 32-bit
 * number, then the values in row-major order (big-endian when wider than a
 * byte).  An images file becomes [items, pixels]; a labels file one-hot
 * targets.
 * Owns: checking the header against the data, converting the values, the
 * images/labels pairing.  Reads in fixed chunks: the only memory it takes is
 * the tensor it fills.  Must not: open files itself (gzfile.c) or know the
 * interpreter (loaders.c). */
#include "base/arena.h"
#include "data/dataload.h"
#include "tensor/tensor.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct IdxType { unsigned char code; int size; const char *name; } IdxType;

static const IdxType idx_types[] = {
    { 0x08, 1, "unsigned byte" }, { 0x09, 1, "signed byte" }, { 0x0B, 2, "short" },
    { 0x0C, 4, "int" }, { 0x0D, 4, "float" }, { 0x0E, 8, "double" },
};

/* reads exactly n bytes unless the file ends; returns how many, -1 on error */
static long read_full(ByteSource *s, unsigned char *buf, size_t n, DataError *err) {
    size_t got = 0;
    while (got < n) {
        long k = s->read(s->ctx, buf + got, n - got, err);
        if (k < 0) return -1;
        if (k == 0) break;
        got += (size_t)k;
    }
    return (long)got;
}

static bool read_failed(ByteSource *s, size_t offset, DataError *err) {
    char why[400];
    snprintf(why, sizeof why, "%.300s", err->msg);
    return data_error(err, "%s: byte %zu: cannot read it: %s", s->name, offset, why);
}

static bool truncated(ByteSource *s, long long at, long items, long long width, const IdxType *type,
                      DataError *err) {
    return data_error(err, "%s: truncated at byte %lld: the header promises %ld items of %lld %s%s "
                           "(%lld bytes after the header)", s->name, at, items, width, type->name,
                      width == 1 ? "" : "s", (long long)items * width * type->size);
}

static uint32_t be32(const unsigned char *b) {
    return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
}

static double value_at(const IdxType *t, const unsigned char *b) {
    switch (t->code) {
    case 0x08: return b[0];
    case 0x09: return (signed char)b[0];
    case 0x0B: return (int16_t)(uint16_t)(b[0] << 8 | b[1]);
    case 0x0C: return (int32_t)be32(b);
    case 0x0D: { uint32_t u = be32(b); float f; memcpy(&f, &u, 4); return f; }
    default: {
        uint64_t u = (uint64_t)be32(b) << 32 | be32(b + 4);
        double d;
        memcpy(&d, &u, 8);
        return d;
    }
    }
}

/* The header: type and sizes.  *items and *width describe the data. */
static bool read_header(ByteSource *s, const IdxType **type, long *items, long long *width, size_t *offset,
                        DataError *err) {
    unsigned char head[4 + 4 * 8];
    long got = read_full(s, head, 4, err);
    if (got < 0) return read_failed(s, 0, err);
    if (got == 0) return data_error(err, "%s: the file is empty", s->name);
    if (got < 4) return data_error(err, "%s: truncated at byte %ld: an IDX header has at least 8 bytes", s->name, got);
    if (head[0] != 0 || head[1] != 0)
        return data_error(err, "%s: byte 0: not an IDX file: it starts with %02x %02x %02x %02x, "
                               "not 00 00 followed by a type and the number of dimensions",
                          s->name, head[0], head[1], head[2], head[3]);
    *type = NULL;
    for (size_t i = 0; i < sizeof idx_types / sizeof *idx_types; i++)
        if (idx_types[i].code == head[2]) *type = &idx_types[i];
    if (!*type)
        return data_error(err, "%s: byte 2: unknown IDX element type 0x%02x (known: 08 unsigned byte, "
                               "09 signed byte, 0B short, 0C int, 0D float, 0E double)", s->name, head[2]);
    int ndim = head[3];
    if (ndim < 1 || ndim > 8)
        return data_error(err, "%s: byte 3: %d dimensions; an IDX file nnl reads has 1 to 8", s->name, ndim);
    size_t need = 4 * (size_t)ndim;
    got = read_full(s, head + 4, need, err);
    if (got < 0) return read_failed(s, 4, err);
    if ((size_t)got < need)
        return data_error(err, "%s: truncated at byte %ld: the header of %d dimensions has %zu bytes",
                          s->name, 4 + got, ndim, 4 + need);
    *items = be32(head + 4);
    *width = 1;
    bool empty = *items == 0, huge = false;
    for (int d = 1; d < ndim; d++) {
        uint32_t k = be32(head + 4 + 4 * d);
        if (k == 0) empty = true;
        else if (*width > MAX_ELEMENTS / k) huge = true;     /* checked before multiplying: no overflow */
        else *width *= k;
    }
    *offset = 4 + need;
    if (empty) return data_error(err, "%s: byte 4: the file holds no values (a size is 0)", s->name);
    if (huge) return data_error(err, "%s: byte 8: one item has more than %d values", s->name, MAX_ELEMENTS);
    if ((long long)*items * *width > MAX_ELEMENTS)
        return data_error(err, "%s: byte 4: %ld items of %lld values is more than %d numbers",
                          s->name, *items, *width, MAX_ELEMENTS);
    return true;
}

/* value k of the file (0-based, after the header at byte `start`) is not one
 * of the tensor's numbers: NaN or Inf in a float file, or too large once
 * scaled or in float32 */
static bool not_finite(ByteSource *s, size_t start, const IdxType *type, long long k, long long width, double scale,
                       double v, DType dt, DataError *err) {
    char why[DTYPE_REFUSAL_SIZE];
    return data_error(err, "%s: byte %lld: value %lld of item %lld%s is %s", s->name,
                      (long long)start + k * type->size, k % width, k / width, scale != 1 ? " (times scale)" : "",
                      dtype_refusal(dt, v, why, sizeof why));
}

/* scale: a finite number (the caller checks) */
static bool read_values(ByteSource *s, const IdxType *type, long items, long rows, long long width, double scale,
                        Tensor *t, size_t offset, DataError *err) {
    enum { CHUNK = 1 << 16 };
    unsigned char buf[CHUNK];
    long long total = (long long)rows * width, done = 0;
    size_t start = offset;
    bool byte_too_large = false;             /* some byte times scale is beyond the tensor's type */
    for (int v = 0; v < 256; v++) byte_too_large |= !dtype_holds(t->dtype, v * scale);
    while (done < total) {
        long long want = (total - done) * type->size;
        if (want > CHUNK) want = CHUNK;
        long got = read_full(s, buf, (size_t)want, err);
        if (got < 0) return read_failed(s, offset, err);
        long long whole = got / type->size;
        if (type->code == 0x08 && byte_too_large) {
            for (long long i = 0; i < whole; i++)
                if (!dtype_holds(t->dtype, buf[i] * scale))
                    return not_finite(s, start, type, done + i, width, scale, buf[i] * scale, t->dtype, err);
        } else if (type->code != 0x08) {
            for (long long i = 0; i < whole; i++) {
                double v = value_at(type, buf + i * type->size) * scale;
                if (!dtype_holds(t->dtype, v)) return not_finite(s, start, type, done + i, width, scale, v, t->dtype, err);
            }
        }
        FOR_DTYPE(t, T, {
            if (type->code == 0x08) {   /* bytes (MNIST's pixels): 256 values, each converted once */
                T local[256], *of_byte = t->codes ? (T *)t->code_values : local;
                for (int v = 0; v < 256; v++) of_byte[v] = dtype_holds(t->dtype, v * scale) ? (T)((double)v * scale) : 0;
                if (t->codes) memcpy(t->codes + done, buf, (size_t)whole);   /* kept as bytes, with the table */
                else {
                    T *d = (T *)t->data + done;
                    for (long long i = 0; i < whole; i++) d[i] = of_byte[buf[i]];
                }
            } else {
                T *d = (T *)t->data + done;
                for (long long i = 0; i < whole; i++) d[i] = (T)(value_at(type, buf + i * type->size) * scale);
            }
        });
        offset += (size_t)got;
        done += whole;
        if (got < want) return truncated(s, (long long)offset, items, width, type, err);
    }
    if (rows == items) {
        unsigned char extra;
        long got = read_full(s, &extra, 1, err);
        if (got < 0) return read_failed(s, offset, err);
        if (got > 0)
            return data_error(err, "%s: byte %zu: the file goes on after the %ld items its header promises",
                              s->name, offset, items);
    }
    return true;
}

/* bytes: an unsigned-byte file's values are kept as bytes (tensor_new_coded) */
static bool idx_read_counted(ByteSource *s, DType dt, double scale, long limit, bool bytes, Arena *ar, Tensor **out,
                             long *items_in_file, DataError *err) {
    const IdxType *type = NULL;
    long items = 0;
    long long width = 0;
    size_t offset = 0;
    if (!read_header(s, &type, &items, &width, &offset, err)) return false;
    long rows = limit > 0 && limit < items ? limit : items;
    if (s->size >= 0 && (long long)offset + (long long)items * width * type->size > s->size)
        return truncated(s, s->size, items, width, type, err);      /* known before allocating */
    int shape[2] = { (int)rows, (int)width };
    *out = bytes && type->code == 0x08 ? tensor_new_coded(ar, dt, 2, shape) : tensor_new(ar, dt, 2, shape);
    *items_in_file = items;
    return read_values(s, type, items, rows, width, scale, *out, offset, err);
}

bool idx_read(ByteSource *s, DType dt, double scale, long limit, Arena *ar, Tensor **out, DataError *err) {
    long items;
    return idx_read_counted(s, dt, scale, limit, false, ar, out, &items, err);
}

bool labels_to_table(const char *file, const Tensor *labels, const char *names, Arena *ar, Table *out,
                     DataError *err) {
    int rows = labels->shape[0], top = -1;
    int *ids = malloc(sizeof(int) * (size_t)rows + 1);
    if (!ids) return data_error(err, "%s: out of memory", file);
    for (int r = 0; r < rows; r++) {
        double v = tensor_get(labels, r);
        if (v < 0 || v >= MAX_CLASSES || v != floor(v)) {
            free(ids);
            return data_error(err, "%s: item %d has the label %g; labels are whole numbers from 0 to %d",
                              file, r, v, MAX_CLASSES - 1);
        }
        ids[r] = (int)v;
        if (ids[r] > top) top = ids[r];
    }
    int n = top + 1, given = 0;
    if (names) {
        given = 1;
        for (const char *p = names; *p; p++) given += *p == ',';
        if (given < n) {
            free(ids);
            return data_error(err, "%s: the labels go up to %d but only %d class names are given", file, top, given);
        }
        n = given;           /* named classes that never occur still get a column */
    }
    if (n > MAX_CLASSES) { free(ids); return data_error(err, "%s: more than %d classes", file, MAX_CLASSES); }
    const char **classes = arena_alloc(ar, sizeof(char *) * (size_t)n);
    const char *p = names;
    for (int c = 0; c < n; c++) {
        if (!names) { classes[c] = arena_printf(ar, "%d", c); continue; }
        const char *e = strchr(p, ',');
        if (!e) e = p + strlen(p);
        classes[c] = arena_printf(ar, "%.*s", (int)(e - p), p);
        p = *e ? e + 1 : e;
    }
    out->y = one_hot(ar, labels->dtype, ids, rows, n);
    out->classes = classes;
    out->nclasses = n;
    free(ids);
    return true;
}

bool idx_load(const char *images, const char *labels, DType dt, double scale, long limit,
              const char *names, Arena *ar, Table *out, DataError *err) {
    ByteSource s;
    long nimages, nlabels;
    Tensor *lab;
    *out = (Table){ 0 };
    if (!source_open(&s, images, err)) return false;
    bool ok = idx_read_counted(&s, dt, scale, limit, true, ar, &out->x, &nimages, err);
    source_close(&s);
    if (!ok) return false;
    if (!source_open(&s, labels, err)) return false;
    ok = idx_read_counted(&s, dt, 1, limit, false, ar, &lab, &nlabels, err);
    source_close(&s);
    if (!ok) return false;
    if (lab->shape[1] != 1)
        return data_error(err, "%s: byte 3: labels are one number per item, but this file has %d values per item",
                          labels, lab->shape[1]);
    if (nlabels != nimages)
        return data_error(err, "%s: byte 4: %ld labels, but '%s' has %ld images", labels, nlabels, images, nimages);
    return labels_to_table(labels, lab, names, ar, out, err);
}
