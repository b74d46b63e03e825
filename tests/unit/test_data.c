/* Unit tests of the data stages: loading is linear (arena bytes and
 * allocations counted for 10,000 vs 40,000 CSV rows, 1,000 vs 4,000 IDX
 * items and inline-table rows), the arena's O(1) accounting and in-place
 * growth, IDX element types, the generators, split orders, normalisation
 * statistics, the confusion matrix of a fixed prediction, summary's counts
 * (a 784-15-10 net has 11,935) and the file cache shared by two
 * interpreters (the check pass and the run). */
#include "cli/toplevel.h"
#include "lang/eval.h"
#include "lang/model.h"
#include "train/evaluation.h"
#include "data/dataload.h"
#include "lang/interp.h"
#include "check.h"
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ---- helpers ---------------------------------------------------------------- */

static char *csv_text(int rows, int cols, size_t *len) {
    size_t cap = (size_t)rows * (size_t)cols * 8 + 64 * (size_t)cols;
    char *t = malloc(cap), *p = t;
    for (int c = 0; c < cols; c++) p += sprintf(p, c ? ",f%d" : "f%d", c);
    p += sprintf(p, ",label\n");
    for (int r = 0; r < rows; r++) {
        for (int c = 0; c < cols; c++) p += sprintf(p, "%d.5,", (r * 7 + c) % 100);
        p += sprintf(p, "%s\n", r % 3 == 0 ? "cat" : r % 3 == 1 ? "dog" : "\"emu\"");
    }
    *len = (size_t)(p - t);
    return t;
}

static char *output_of(void (*fn)(FILE *, void *), void *arg) {
    char *buf = NULL;
    size_t n = 0;
    FILE *f = open_memstream(&buf, &n);
    fn(f, arg);
    fclose(f);
    return buf;
}

/* ---- the arena ------------------------------------------------------------- */

static void test_arena(void) {
    Arena a = { 0 };
    size_t sum = 0;
    for (int i = 0; i < 5000; i++) {
        size_t n = (size_t)(i % 97) * 40 + 1;
        arena_alloc(&a, n);
        sum += (n + 15) & ~(size_t)15;
    }
    CHECK(arena_used(&a) == sum, "arena_used counts every allocation across blocks (%zu)", sum);
    CHECK(a.allocs == 5000, "the arena counts its allocations");
    int *p = arena_alloc(&a, 4 * sizeof(int));
    for (int i = 0; i < 4; i++) p[i] = i + 1;
    int *q = arena_grow(&a, p, 4 * sizeof(int), 64 * sizeof(int));
    CHECK(q == p && q[3] == 4 && q[4] == 0 && q[63] == 0, "the last allocation grows in place, the new part zeroed");
    size_t before = arena_used(&a);
    arena_alloc(&a, 16);
    int *r = arena_grow(&a, q, 64 * sizeof(int), 128 * sizeof(int));
    CHECK(r != q && r[3] == 4 && arena_used(&a) > before, "an allocation that is not the last is copied when grown");
    arena_reset(&a);
    CHECK(arena_used(&a) == 0, "reset: nothing used");
    unsigned char *z = arena_alloc(&a, 1000);
    bool zero = true;
    for (int i = 0; i < 1000; i++) zero &= z[i] == 0;
    CHECK(zero, "memory reused after a reset is zeroed again");
    arena_free(&a);
}

/* ---- CSV --------------------------------------------------------------------- */

static void test_csv_linear(void) {
    size_t bytes[2], allocs[2];
    int rows[2] = { 10000, 40000 }, cols = 8;
    for (int k = 0; k < 2; k++) {
        size_t len;
        char *text = csv_text(rows[k], cols, &len);
        CsvOptions o = { .target = "label", .nfeature_index = -1, .delimiter = ',', .header = true,
                         .classify = -1, .dtype = DT_F32 };
        Arena ar = { 0 };
        Table t;
        DataError err;
        bool ok = csv_parse("gen.csv", text, len, &o, &ar, &t, &err);
        CHECK(ok, "%d generated rows load", rows[k]);
        if (!ok) { printf("  %s\n", err.msg); free(text); return; }
        CHECK(t.x->shape[0] == rows[k] && t.x->shape[1] == cols && t.y->shape[1] == 3 && t.nclasses == 3,
              "%d rows: x [%d, %d], 3 classes", rows[k], t.x->shape[0], t.x->shape[1]);
        CHECK(strcmp(t.classes[0], "cat") == 0 && strcmp(t.classes[2], "emu") == 0, "class names sorted, quotes undone");
        CHECK(tensor_get(t.x, cols + 1) == 8.5f && tensor_get(t.y, 2 * 3 + 2) == 1, "values and one-hot targets in place");
        bytes[k] = arena_used(&ar);
        allocs[k] = ar.allocs;
        arena_free(&ar);
        free(text);
    }
    double ratio = (double)bytes[1] / (double)bytes[0];
    CHECK(ratio > 3.9 && ratio < 4.1, "4x the rows take 4x the memory (%zu -> %zu bytes, ratio %.3f)", bytes[0], bytes[1], ratio);
    double per = (double)bytes[1] / (40000.0 * (cols + 3));
    CHECK(per < 4.2, "about 4 bytes per number kept: the float32 tensors themselves (%.2f)", per);
    CHECK(allocs[0] == allocs[1], "the number of allocations does not grow with the rows (%zu, %zu)", allocs[0], allocs[1]);
}

/* Every number a CSV cell holds reads as strtod reads it (bit for bit, in
 * double), whether it takes the plain-decimal fast path or not. */
static void test_csv_numbers(void) {
    static const char *fixed[] = { "0", "-0", "+0", "1", "-1", "+1.5", "1.", ".5", "-.25", "007", "0.1", "0.3",
                                   "123456789012345", "-999999999999999", "1234567890123456", "0.000000000000001",
                                   "3.14159265358979", "2.718281828459045", "1e5", "-2.5E-3", "1e-320", "9007199254740993",
                                   "0.1000000000000000055511151231257827", "00000000000000000001" };
    enum { NRANDOM = 4000 };
    int n = (int)(sizeof fixed / sizeof *fixed) + NRANDOM;
    char (*cells)[40] = malloc(sizeof *cells * (size_t)n);
    unsigned long long s = 12345;
    for (int i = 0; i < n; i++) {
        if (i < (int)(sizeof fixed / sizeof *fixed)) { snprintf(cells[i], sizeof cells[i], "%s", fixed[i]); continue; }
        s = s * 6364136223846793005ULL + 1442695040888963407ULL;
        int digits = 1 + (int)((s >> 33) % 17), point = (int)((s >> 20) % (unsigned)(digits + 2)), k = 0;
        if ((s >> 10) & 1) cells[i][k++] = '-';
        for (int d = 0; d < digits; d++) {
            if (d == point) cells[i][k++] = '.';
            s = s * 6364136223846793005ULL + 1442695040888963407ULL;
            cells[i][k++] = (char)('0' + (s >> 40) % 10);
        }
        cells[i][k] = 0;
    }
    size_t cap = (size_t)n * 48 + 16, len = 0;
    char *text = malloc(cap);
    len += (size_t)snprintf(text, cap, "a,y\n");
    for (int i = 0; i < n; i++) len += (size_t)snprintf(text + len, cap - len, "%s,0\n", cells[i]);
    CsvOptions o = { .target = "y", .nfeature_index = -1, .delimiter = ',', .header = true, .classify = 0,
                     .dtype = DT_F64 };
    Arena ar = { 0 };
    Table t;
    DataError err;
    bool ok = csv_parse("numbers.csv", text, len, &o, &ar, &t, &err);
    CHECK(ok, "%d numbers load", n);
    if (ok) {
        int differ = 0;
        for (int i = 0; i < n; i++) {
            double want = strtod(cells[i], NULL), got = tensor_get(t.x, i);
            if (memcmp(&want, &got, sizeof want) != 0) {
                if (differ++ < 5) printf("  '%s': strtod %.17g, csv %.17g\n", cells[i], want, got);
            }
        }
        CHECK(differ == 0, "each of %d numbers reads as strtod reads it, bit for bit (%d differ)", n, differ);
    } else printf("  %s\n", err.msg);
    arena_free(&ar);
    free(text);
    free(cells);
}

static void test_csv_errors(void) {
    CsvOptions o = { .target = "y", .nfeature_index = -1, .delimiter = ',', .header = true, .classify = -1 };
    Arena ar = { 0 };
    Table t;
    DataError err;
    const char *nul = "a,y\n1,2\n3\0,4\n";
    CHECK(!csv_parse("f.csv", nul, 13, &o, &ar, &t, &err) && strcmp(err.msg, "f.csv:3: the file contains a NUL byte; a CSV file is text") == 0,
          "a NUL byte is an error with its line (%.100s)", err.msg);
    const char *inf = "a,y\n1e999,2\n";
    CHECK(!csv_parse("f.csv", inf, strlen(inf), &o, &ar, &t, &err) && strstr(err.msg, "f.csv:2: '1e999'"),
          "a number too large for a double is not a number (%.100s)", err.msg);
    const char *hex = "a,y\n0x10,2\n";
    CHECK(!csv_parse("f.csv", hex, strlen(hex), &o, &ar, &t, &err), "hexadecimal is not a CSV number");
    const char *blank = "\n  \n";
    CHECK(!csv_parse("f.csv", blank, strlen(blank), &o, &ar, &t, &err) && strcmp(err.msg, "f.csv: the file is empty") == 0,
          "only blank lines: empty");
    const char *many = "a,y\n1,a\n2,b\n";
    o.classify = 0;
    CHECK(!csv_parse("f.csv", many, strlen(many), &o, &ar, &t, &err) && strstr(err.msg, "f.csv:2:"),
          "classify=false with names fails at the first name's line");
    arena_free(&ar);
}

/* Every row error names the line it is on, counted in the file as an editor
 * counts it (blank lines, the header, CRLF endings, a last line without a
 * newline), and the column, by its header name or, without a header, its
 * number from 0.  A quoted cell cannot span lines: it is reported as not
 * closed on the line it opens. */
static void test_csv_error_positions(void) {
    static const struct { const char *text; bool header; const char *msg; } cases[] = {
        { "1,2,0\n3,x,1\n", false, "f.csv:2: 'x' in column '1' is not a number" },
        { "1,2,0\n3,4,1\n5,6,0\nz,6,0\n", false, "f.csv:4: 'z' in column '0' is not a number" },
        { "\n\n1,2,0\n3,x,1\n", false, "f.csv:4: 'x' in column '1' is not a number" },
        { "a,b,y\n1,2,0\n\n3,x,1\n", true, "f.csv:4: 'x' in column 'b' is not a number" },
        { "\n  \na,b,y\n1,x,0\n", true, "f.csv:4: 'x' in column 'b' is not a number" },
        { "a,b,y\r\n1,2,0\r\n3,x,1\r\n", true, "f.csv:3: 'x' in column 'b' is not a number" },
        { "1,2,0\r\n\r\n3,,1\r\n", false, "f.csv:3: the cell in column '1' is empty" },
        { "a,b,y\n1,2,0\n3,x,1", true, "f.csv:3: 'x' in column 'b' is not a number" },
        { "1,2,0\n3,1\n", false, "f.csv:2: this row has 2 cells but the first row has 3" },
        { "a,b,y\r\n1,2,0\r\n3,4,5,1\r\n", true, "f.csv:3: this row has 4 cells but the header has 3" },
        { "a,b,y\n1,\"two\nlines\",0\n3,4,1\n", true, "f.csv:2: a quoted cell is not closed (cell 2)" },
        { "1,2,0\n3,\"4\r\n5\",1\r\n", false, "f.csv:2: a quoted cell is not closed (cell 2)" },
        { "a,b,y\n1,\"2\",0\n\"x,y\",4,1\n", true, "f.csv:3: 'x,y' in column 'a' is not a number" },
        { "a,b,y\n1,\"2\" z,0\n", true, "f.csv:2: text after the closing quote of cell 2" },
        { "a,b,y\r\n1,2,0\r\n3,4,\r\n", true, "f.csv:3: the target cell (column 'y') is empty" },
        { "1,2,0\n\n\n3,4,\n", false, "f.csv:4: the target cell (column '2') is empty" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        CsvOptions o = { .target = cases[i].header ? "y" : NULL, .target_index = -1, .nfeature_index = -1,
                         .delimiter = ',', .header = cases[i].header, .classify = -1 };
        Arena ar = { 0 };
        Table t;
        DataError err = { 0 };
        bool ok = csv_parse("f.csv", cases[i].text, strlen(cases[i].text), &o, &ar, &t, &err);
        CHECK(!ok && strcmp(err.msg, cases[i].msg) == 0, "csv error position %zu: %s (got: %.120s)", i + 1,
              cases[i].msg, ok ? "no error" : err.msg);
        arena_free(&ar);
    }
}

/* ---- IDX ---------------------------------------------------------------------- */

static size_t idx_bytes(unsigned char *buf, int items, int width, unsigned char type, int size) {
    unsigned char *p = buf;
    *p++ = 0; *p++ = 0; *p++ = type; *p++ = 2;
    int dims[2] = { items, width };
    for (int d = 0; d < 2; d++) { *p++ = (unsigned char)(dims[d] >> 24); *p++ = (unsigned char)(dims[d] >> 16); *p++ = (unsigned char)(dims[d] >> 8); *p++ = (unsigned char)dims[d]; }
    for (int i = 0; i < items * width; i++) {
        if (size == 1) *p++ = (unsigned char)(i % 251);
        else { int v = -(i % 300); *p++ = (unsigned char)((v >> 8) & 0xff); *p++ = (unsigned char)(v & 0xff); }
    }
    return (size_t)(p - buf);
}

static void test_idx(void) {
    size_t bytes[2], allocs[2];
    int items[2] = { 1000, 4000 }, width = 49;
    unsigned char *buf = malloc(16 + 4000 * 49 * 2);
    for (int k = 0; k < 2; k++) {
        size_t len = idx_bytes(buf, items[k], width, 0x08, 1);
        ByteSource s;
        source_memory(&s, "mem.idx", buf, len);
        Arena ar = { 0 };
        Tensor *t;
        DataError err;
        CHECK(idx_read(&s, DT_F32, 1, 0, &ar, &t, &err), "%d IDX items read", items[k]);
        CHECK(t->shape[0] == items[k] && t->shape[1] == width && tensor_get(t, 300) == 300 % 251,
              "[items, pixels] with the values in order");
        bytes[k] = arena_used(&ar);
        allocs[k] = ar.allocs;
        arena_free(&ar);
    }
    double ratio = (double)bytes[1] / (double)bytes[0];
    CHECK(ratio > 3.9 && ratio < 4.1 && allocs[0] == allocs[1],
          "IDX: 4x the items, 4x the memory (ratio %.3f), the same allocations", ratio);
    size_t len = idx_bytes(buf, 3, 2, 0x0B, 2);
    ByteSource s;
    source_memory(&s, "short.idx", buf, len);
    Arena ar = { 0 };
    Tensor *t;
    DataError err;
    CHECK(idx_read(&s, DT_F64, 0.5, 2, &ar, &t, &err) && t->shape[0] == 2 && tensor_get(t, 3) == -1.5,
          "big-endian signed shorts, scaled, limited to 2 items");
    source_memory(&s, "short.idx", buf, len - 1);
    CHECK(!idx_read(&s, DT_F32, 1, 0, &ar, &t, &err) &&
          strcmp(err.msg, "short.idx: truncated at byte 23: the header promises 3 items of 2 shorts (12 bytes after the header)") == 0,
          "a short half an element short is truncated (%.100s)", err.msg);
    arena_free(&ar);
    free(buf);
}

/* An IDX file of bytes loaded as a data set keeps its pixels as bytes (a
 * quarter of float32's memory); the numbers a batch gets, tensor_plain and
 * tensor_get give are those of reading it as floats, bit for bit. */
static bool write_file(const char *path, const void *bytes, size_t len) {
    FILE *f = fopen(path, "wb");
    if (!f) return false;
    bool ok = fwrite(bytes, 1, len, f) == len;
    return fclose(f) == 0 && ok;
}

static void test_idx_bytes(void) {
    enum { ITEMS = 1000, WIDTH = 49 };
    unsigned char *buf = malloc(16 + ITEMS * WIDTH);
    char images[] = "/tmp/nnl-test-idx-images-XXXXXX", labels[] = "/tmp/nnl-test-idx-labels-XXXXXX";
    int fi = mkstemp(images), fl = mkstemp(labels);
    size_t len = idx_bytes(buf, ITEMS, WIDTH, 0x08, 1);
    bool written = fi >= 0 && fl >= 0 && write_file(images, buf, len);
    unsigned char lab[8 + ITEMS] = { 0, 0, 0x08, 1, 0, 0, ITEMS >> 8, ITEMS & 0xff };
    for (int i = 0; i < ITEMS; i++) lab[8 + i] = (unsigned char)(i % 10);
    written = written && write_file(labels, lab, sizeof lab);
    CHECK(written, "IDX bytes: the files are written");
    Arena ar = { 0 }, plain_ar = { 0 };
    Table t;
    Tensor *plain = NULL;
    DataError err;
    ByteSource s;
    source_memory(&s, "mem.idx", buf, len);
    bool ok = written && idx_load(images, labels, DT_F32, 1 / 255.0, 0, NULL, &ar, &t, &err) &&
              idx_read(&s, DT_F32, 1 / 255.0, 0, &plain_ar, &plain, &err);
    CHECK(ok, "IDX bytes: loaded as a data set and read as floats");
    if (ok) {
        CHECK(t.x->codes && !t.x->data && t.x->shape[0] == ITEMS && t.x->shape[1] == WIDTH,
              "the images are kept as bytes, [items, pixels]");
        CHECK(arena_used(&ar) < ITEMS * WIDTH + ITEMS * 10 * 4 + 8192,
              "their memory is a byte a pixel (%zu bytes in all)", arena_used(&ar));
        Tensor *dec = tensor_plain(t.x);
        CHECK(dec->data && memcmp(dec->data, plain->data, sizeof(float) * ITEMS * WIDTH) == 0 &&
              tensor_plain(t.x) == dec, "tensor_plain: the floats, bit for bit, made once");
        CHECK(tensor_get(t.x, 300) == tensor_get(plain, 300) && tensor_get(t.x, 300) == (float)(300 % 251 / 255.0),
              "tensor_get reads a byte's number");
        int order[3] = { 999, 0, 512 }, shape[2] = { 3, WIDTH };
        Tensor *batch = tensor_new(&ar, DT_F32, 2, shape);
        tensor_gather_rows(batch, t.x, order, 0);
        bool same = true;
        for (int r = 0; r < 3; r++)
            same &= memcmp((float *)batch->data + r * WIDTH, (float *)plain->data + order[r] * WIDTH,
                           sizeof(float) * WIDTH) == 0;
        CHECK(same, "a batch's rows, decoded while copied, are the floats' rows");
        Tensor *taken = take_rows(&ar, t.x, order, 3);
        CHECK(memcmp(taken->data, batch->data, sizeof(float) * 3 * WIDTH) == 0, "take_rows (split) decodes too");
    }
    arena_free(&ar);
    arena_free(&plain_ar);
    if (fi >= 0) { close(fi); unlink(images); }
    if (fl >= 0) { close(fl); unlink(labels); }
    free(buf);
}

/* ---- generators, split, normalize ----------------------------------------- */

static void test_generators(void) {
    for (int k = 0; datagen_kinds[k]; k++) {
        Arena ar = { 0 };
        Table a, b;
        DataError err;
        bool ok = datagen(datagen_kinds[k], 101, 0.1, 7, true, DT_F32, &ar, &a, &err) &&
                  datagen(datagen_kinds[k], 101, 0.1, 7, true, DT_F32, &ar, &b, &err);
        CHECK(ok && a.x->shape[0] == 101 && a.x->shape[1] == 2 && a.y->shape[1] == 2, "%s: 101 points of 2 coordinates", datagen_kinds[k]);
        int ones = 0;
        bool same = true;
        for (int i = 0; i < 101; i++) ones += tensor_get(a.y, 2 * i + 1) == 1;
        for (int i = 0; i < 202; i++) same &= tensor_get(a.x, i) == tensor_get(b.x, i);
        CHECK(same, "%s: the same seed gives the same points", datagen_kinds[k]);
        if (strcmp(datagen_kinds[k], "xor") == 0 || strcmp(datagen_kinds[k], "circle") == 0)
            CHECK(ones > 20 && ones < 81, "%s: both classes occur (%d of class 1)", datagen_kinds[k], ones);
        else
            CHECK(ones == 50 || ones == 51, "%s: the classes are half and half (%d of class 1)", datagen_kinds[k], ones);
        arena_free(&ar);
    }
    int order[50], seen[50] = { 0 }, order2[50];
    row_order(order, 50, 11, true);
    row_order(order2, 50, 11, true);
    bool perm = true, moved = false;
    for (int i = 0; i < 50; i++) { perm &= order[i] >= 0 && order[i] < 50 && !seen[order[i]]++; moved |= order[i] != i; }
    CHECK(perm && moved && memcmp(order, order2, sizeof order) == 0, "row_order: a seeded permutation");
}

static void test_normalize(void) {
    Arena ar = { 0 };
    int shape[2] = { 4, 3 };
    Tensor *x = tensor_new(&ar, DT_F64, 2, shape);
    double v[12] = { 1, 10, 5,  2, 20, 5,  3, 30, 5,  6, 40, 5 };
    for (int i = 0; i < 12; i++) tensor_set(x, i, v[i]);
    NormStats s = norm_fit(&ar, x, NORM_STANDARD);
    CHECK_NEAR(s.offset[0], 3, 1e-12, "standard: mean of column 0");
    CHECK_NEAR(s.scale[0], sqrt(3.5), 1e-12, "standard: population std of column 0 (sqrt 3.5)");
    CHECK(s.offset[2] == 5 && s.scale[2] == 1, "a constant column keeps scale 1");
    Tensor *y = norm_apply(&ar, x, &s);
    CHECK_NEAR(tensor_get(y, 9), 3 / sqrt(3.5), 1e-12, "standard: (6 - 3) / sqrt(3.5)");
    CHECK(tensor_get(y, 11) == 0, "the constant column becomes 0, not NaN");
    s = norm_fit(&ar, x, NORM_MINMAX);
    CHECK(s.offset[1] == 10 && s.scale[1] == 30, "minmax: min 10, range 30");
    Tensor *other = tensor_new(&ar, DT_F64, 2, (int[]){ 1, 3 });
    tensor_set(other, 1, 70);
    Tensor *oy = norm_apply(&ar, other, &s);
    CHECK(tensor_get(oy, 1) == 2, "the training statistics apply to other data: (70 - 10) / 30 = 2");
    s = norm_fit(&ar, x, NORM_MEAN);
    CHECK(s.offset[1] == 25 && s.scale[1] == 1, "mean: offset 25, scale 1");
    arena_free(&ar);
}

/* ---- reports -------------------------------------------------------------- */

typedef struct EvalCase { Tensor *out; Dataset *d; } EvalCase;
static void eval_case(FILE *f, void *arg) { EvalCase *c = arg; report_evaluation(f, c->out, c->d, 0.25, NAN); }

static void test_confusion(void) {
    Arena ar = { 0 };
    int shape[2] = { 5, 3 };
    Tensor *y = tensor_new(&ar, DT_F32, 2, shape), *out = tensor_new(&ar, DT_F32, 2, shape);
    int truth[5] = { 0, 1, 2, 2, 1 }, pred[5] = { 0, 2, 2, 2, 1 };
    for (int r = 0; r < 5; r++) { tensor_set(y, r * 3 + truth[r], 1); tensor_set(out, r * 3 + pred[r], 0.9); }
    const char *names[3] = { "cat", "dog", "emu" };
    Dataset d = { .name = "d", .x = y, .y = y, .classes = names, .nclasses = 3 };
    EvalCase c = { out, &d };
    char *got = output_of(eval_case, &c);
    const char *want =
        "loss = 0.25\n"
        "accuracy = 0.8\n"
        "confusion matrix (rows: true class, columns: predicted):\n"
        "true \\ predicted  cat  dog  emu\n"
        "cat                 1    0    0\n"
        "dog                 0    1    1\n"
        "emu                 0    0    2\n";
    CHECK(strcmp(got, want) == 0, "confusion matrix of a fixed prediction, with class names");
    if (strcmp(got, want) != 0) printf("%s", got);
    free(got);
    int s1[2] = { 4, 1 };
    Tensor *b = tensor_new(&ar, DT_F32, 2, s1), *bo = tensor_new(&ar, DT_F32, 2, s1);
    double bt[4] = { 1, 0, 1, 0 }, bp[4] = { 0.7, 0.6, 0.2, 0.1 };
    for (int i = 0; i < 4; i++) { tensor_set(b, i, bt[i]); tensor_set(bo, i, bp[i]); }
    Dataset bd = { .name = "b", .x = b, .y = b };
    c = (EvalCase){ bo, &bd };
    got = output_of(eval_case, &c);
    CHECK(strstr(got, "accuracy = 0.5\n") && strstr(got, "0                 1  1\n1                 1  1\n"),
          "a single 0/1 column: two classes, threshold 0.5");
    free(got);
    Tensor *reg = tensor_new(&ar, DT_F32, 2, s1);
    tensor_set(reg, 0, 0.5);
    bd.y = reg;
    c = (EvalCase){ bo, &bd };
    got = output_of(eval_case, &c);
    CHECK(strcmp(got, "loss = 0.25\n") == 0, "regression targets: only the loss");
    free(got);
    arena_free(&ar);
}

static const char *mnist_net =
    "model net {\n  input 784\n  h1: dense 15 sigmoid\n  dense 10 softmax\n}\nsummary net\n";

static void test_summary(void) {
    Arena ast = { 0 };
    Node *root = parse_source(&ast, "summary.nnl", mnist_net);
    Interp I;
    interp_init(&I, false);
    char *buf = NULL;
    size_t n = 0;
    I.out = open_memstream(&buf, &n);
    interp_load_stdlib(&I);
    bool ok = root && interp_run(&I, root);
    fclose(I.out);
    CHECK(ok, "summary runs");
    Value *v = global_find(&I, intern("net"));
    CHECK(v && model_param_count(v->model) == 11935, "a 784-15-10 dense net has 11,935 parameters");
    CHECK(buf && strstr(buf, "model net: 784 -> 15 -> 10\n"), "summary names the widths");
    CHECK(buf && strstr(buf, "1 h1: dense sigmoid   [15]           W [15, 784], b [15]   11,775\n"),
          "layer 1: label, kind, activation, shape, parameters, 11,775");
    CHECK(buf && strstr(buf, "2 dense softmax       [10]           W [10, 15], b [10]       160\n"), "layer 2: 160");
    CHECK(buf && strstr(buf, "total") && strstr(buf, "11,935\n"), "total 11,935");
    if (buf && !strstr(buf, "11,775")) printf("%s", buf);
    free(buf);
    interp_free(&I);
    arena_free(&ast);
}

/* ---- the cache: two interpreters share one loaded tensor ------------------- */

static void test_cache(void) {
    const char *path = "/tmp/nnl-test-cache.csv";
    FILE *f = fopen(path, "w");
    fputs("a,b,y\n1,2,x\n3,4,z\n", f);
    fclose(f);
    Arena ast = { 0 };
    Node *root = parse_source(&ast, "cache.nnl", "data d = csv(\"/tmp/nnl-test-cache.csv\", target=\"y\")\n");
    Tensor *x[2];
    for (int k = 0; k < 2; k++) {
        Interp I;
        interp_init(&I, k == 0);
        interp_load_stdlib(&I);
        CHECK(interp_run(&I, root), "pass %d loads the file", k + 1);
        x[k] = global_find(&I, intern("d"))->data->x;
        interp_free(&I);
    }
    CHECK(x[0] == x[1], "the check pass and the run share one loaded tensor");
    remove(path);
    arena_free(&ast);
}

/* ---- inline tables: the parser keeps numbers compactly --------------------- */

static void test_inline_table(void) {
    size_t bytes[2];
    int rows[2] = { 1000, 4000 }, width = 50;
    for (int k = 0; k < 2; k++) {
        size_t cap = (size_t)rows[k] * (size_t)width * 8 + 100;
        char *src = malloc(cap), *p = src;
        p += sprintf(p, "data d {\n");
        for (int r = 0; r < rows[k]; r++) {
            p += sprintf(p, "  [");
            for (int c = 0; c < width; c++) p += sprintf(p, c ? ", %d" : "%d", (r + c) % 10 - 3);
            p += sprintf(p, "] -> [%d]\n", r % 2);
        }
        sprintf(p, "}\n");
        Arena ast = { 0 };
        Node *root = parse_source(&ast, "table.nnl", src);
        CHECK(root && root->kids.items[0]->kids.n == rows[k], "%d rows parse", rows[k]);
        const Node *row = root->kids.items[0]->kids.items[1];
        CHECK(row->a->kind == N_LIST && row->a->nvals == width && row->a->kids.n == 0 && row->a->vals[0] == -2,
              "a row of number literals is a flat array (negative numbers too)");
        bytes[k] = arena_used(&ast);
        arena_free(&ast);
        free(src);
    }
    double ratio = (double)bytes[1] / (double)bytes[0], per = (double)bytes[1] / (4000.0 * (width + 1));
    CHECK(ratio > 3.8 && ratio < 4.2, "4x the rows, 4x the syntax tree (ratio %.3f)", ratio);
    CHECK(per < 24 && per < sizeof(Node) / 4.0, "about 8 bytes per number in the tree (%.1f with list capacity and "
          "3 nodes per row), not a node (%zu bytes) each", per, sizeof(Node));
}

int main(void) {
    test_arena();
    test_csv_linear();
    test_csv_numbers();
    test_csv_errors();
    test_csv_error_positions();
    test_idx();
    test_idx_bytes();
    test_generators();
    test_normalize();
    test_confusion();
    test_summary();
    test_cache();
    test_inline_table();
    CHECK_DONE();
}
