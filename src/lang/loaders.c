/* loaders.c — the data functions a script calls: csv(...), idx(...),
 * generate(...), split(...) and normalize(...), and exists(...) to ask
 * whether a file is there.  Binds their arguments,
 * resolves paths (relative to the script that names them), keeps loaded files
 * in a process-wide cache so the check pass and the real run share one
 * tensor, and reports a stage's error at the call.
 * Owns: those builtins and the cache.  Must not: parse files or compute
 * statistics itself (csv.c, idx.c, datagen.c, dataops.c do). */
#include "base/arena.h"
#include "base/budget.h"
#include "base/diag.h"
#include "base/text.h"
#include "data/dataload.h"
#include "front/ast.h"
#include "lang/builtins.h"
#include "lang/dataset.h"
#include "lang/eval.h"
#include "lang/loaders.h"
#include "tensor/tensor.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* ---- the cache ----------------------------------------------------------- */

/* A loaded file is keyed by what was asked (path, options, precision) and
 * the file's size and modification time; its memory is never given back. */
typedef struct CacheEntry { const char *key; Arena arena; Table t; struct CacheEntry *next; } CacheEntry;
static CacheEntry *cache;
static Arena cache_keys;

static CacheEntry *cache_find(const char *key) {
    for (CacheEntry *e = cache; e; e = e->next) if (strcmp(e->key, key) == 0) return e;
    return NULL;
}

/* file identity for the key: a regular file changed on disk is loaded again;
 * anything else (a FIFO, /dev/stdin) can be read only once, so its first
 * read is the one the check pass and the run share, whatever its times say */
static const char *file_stamp(Interp *I, const char *path) {
    struct stat st;
    if (stat(path, &st) != 0) return "missing";
    if (!S_ISREG(st.st_mode)) return arena_printf(&I->pass, "stream.%lld.%lld", (long long)st.st_dev, (long long)st.st_ino);
    return arena_printf(&I->pass, "%lld.%lld.%ld", (long long)st.st_size, (long long)st.st_mtim.tv_sec,
                        (long)st.st_mtim.tv_nsec);
}

typedef bool (*LoadFn)(const void *args, Arena *ar, Table *t, DataError *err);

static const Table *cached_load(const char *key, LoadFn load, const void *args, SrcLoc loc) {
    CacheEntry *e = cache_find(key);
    if (e) return &e->t;
    e = arena_alloc(&cache_keys, sizeof *e);
    DataError err;
    if (!load(args, &e->arena, &e->t, &err)) {
        arena_free(&e->arena);
        fail_at(loc, "%s", err.msg);
    }
    e->key = arena_strdup(&cache_keys, key);
    e->next = cache;
    cache = e;
    return &e->t;
}

/* ---- arguments ------------------------------------------------------------ */

static const char *string_arg(Value v, SrcLoc loc, const char *what) {
    if (v.kind != V_STRING) fail_at(loc, "%s must be a string, not %s", what, value_kind_name(v));
    return v.s;
}

static bool flag_arg(Interp *I, Value v, SrcLoc loc, const char *what) {
    return expect_number(I, v, loc, what) != 0;
}

static long whole_arg(Interp *I, Value v, SrcLoc loc, const char *what, double lo, double hi) {
    double d = expect_number(I, v, loc, what);
    if (d != floor(d) || d < lo || d > hi) fail_at(loc, "%s must be a whole number from %.0f to %.0f, got %s", what, lo, hi, number_text(d));
    return (long)d;
}

/* a seed given, or one derived from the script's `seed` and the function's name */
static uint64_t seed_arg(Interp *I, Value v, SrcLoc loc, const char *salt) {
    if (v.kind != V_NONE) return (uint64_t)whole_arg(I, v, loc, "the seed", 0, 9007199254740992.0);
    uint64_t h = I->seed ^ 0x646174615f736565u;
    for (const char *c = salt; *c; c++) h = (h ^ (unsigned char)*c) * 1099511628211u;
    return h;
}

/* relative to the directory of the script that names the file */
const char *script_path(Interp *I, const char *path, SrcLoc loc) {
    if (nnl_budget.files_below_script && (path[0] == '/' || strstr(path, "..")))
        fail_at(loc, "'%s': this run may only name files inside its script's folder", path);
    const char *slash = loc.file ? strrchr(loc.file, '/') : NULL;
    if (path[0] == '/' || !slash) return path;
    return arena_printf(&I->pass, "%.*s/%s", (int)(slash - loc.file), loc.file, path);
}

static const char *base_name(const char *path) {
    const char *s = strrchr(path, '/');
    return intern(s ? s + 1 : path);
}

static Dataset *new_dataset(Interp *I, const char *name, SrcLoc loc, const Table *t) {
    Dataset *d = arena_alloc(&I->perm, sizeof *d);
    d->name = name;
    d->loc = loc;
    d->x = t->x;
    d->y = t->y;
    d->classes = t->classes;
    d->nclasses = t->nclasses;
    return d;
}

static Value data_value(Dataset *d) { Value v = { .kind = V_DATA, .data = d }; return v; }

/* the call that made data set `part` of the nout it gave (for export) */
static DataCall *new_call(Interp *I, DataCallKind kind, SrcLoc loc, int nout) {
    DataCall *c = arena_alloc(&I->perm, sizeof *c);
    c->kind = kind;
    c->loc = loc;
    c->nout = nout;
    return c;
}

static Dataset *made_by(Dataset *d, DataCall *c, int part) {
    d->made_by = c;
    d->part = part;
    return d;
}

static Dataset *data_arg(Value v, SrcLoc loc, const char *what) {
    if (v.kind != V_DATA) fail_at(loc, "%s must be a data set, not %s", what, value_kind_name(v));
    return data_one(v.data, loc);
}

/* ---- csv ---------------------------------------------------------------- */

typedef struct CsvArgs { const char *path; CsvOptions o; } CsvArgs;

static bool load_csv(const void *args, Arena *ar, Table *t, DataError *err) {
    const CsvArgs *a = args;
    char *text;
    size_t len;
    if (!read_text_file(a->path, &text, &len, err)) return false;
    bool ok = csv_parse(a->path, text, len, &a->o, ar, t, err);
    free(text);
    return ok;
}

/* csv(file, target, features, delimiter, header, classify) */
static Value b_csv(Interp *I, Value *a, SrcLoc loc) {
    CsvArgs args = { script_path(I, string_arg(a[0], loc, "the file name"), loc), { .nfeature_index = -1 } };
    CsvOptions *o = &args.o;
    o->dtype = I->dtype;
    if (a[1].kind == V_STRING) o->target = a[1].s;
    else o->target_index = (int)whole_arg(I, a[1], loc, "target (a column name or number)", -1e6, 1e6);
    const char *features = "all";
    if (a[2].kind == V_STRING) features = arena_printf(&I->pass, "names:%s", o->features = a[2].s);
    else if (a[2].kind != V_NONE) {
        Tensor *f = expect_tensor(a[2], loc, "features (column names in a string, or a list of column numbers)");
        if (f->ndim > 1) fail_at(loc, "features must be a list of column numbers, got shape %s", shape_str(f));
        int *idx = arena_alloc(&I->pass, sizeof(int) * (size_t)(f->size + 1));
        char *desc = arena_printf(&I->pass, "numbers:");
        for (int i = 0; i < f->size; i++) {
            double d = tensor_get(f, i);
            if (d != floor(d) || fabs(d) > 1e6) fail_at(loc, "features must be whole column numbers, got %s", number_text(d));
            idx[i] = (int)d;
            desc = arena_printf(&I->pass, "%s%d,", desc, idx[i]);
        }
        o->feature_index = idx;
        o->nfeature_index = f->size;
        features = desc;
    }
    const char *delim = string_arg(a[3], loc, "the delimiter");
    if (strlen(delim) != 1) fail_at(loc, "the delimiter is one character, like \",\", \";\" or \"\\t\"; got \"%s\"", delim);
    o->delimiter = delim[0];
    o->header = flag_arg(I, a[4], loc, "header");
    o->classify = a[5].kind == V_NONE ? -1 : flag_arg(I, a[5], loc, "classify");
    const char *key = arena_printf(&I->pass, "csv\n%s\n%s\n%s\n%d\n%s\n%c%d%d%d", args.path, file_stamp(I, args.path),
                                   o->target ? o->target : "", o->target_index, features, o->delimiter, o->header,
                                   o->classify, o->dtype);
    Dataset *d = new_dataset(I, base_name(args.path), loc, cached_load(key, load_csv, &args, loc));
    DataCall *c = new_call(I, DATA_CSV, loc, 1);
    c->file = arena_strdup(&I->perm, args.path);
    c->csv = *o;
    if (o->target) c->csv.target = arena_strdup(&I->perm, o->target);
    if (o->features) c->csv.features = arena_strdup(&I->perm, o->features);
    if (o->nfeature_index > 0) {
        int *idx = arena_alloc(&I->perm, sizeof(int) * (size_t)o->nfeature_index);
        memcpy(idx, o->feature_index, sizeof(int) * (size_t)o->nfeature_index);
        c->csv.feature_index = idx;
    }
    return data_value(made_by(d, c, 0));
}

/* ---- idx ------------------------------------------------------------------ */

typedef struct IdxArgs { const char *images, *labels, *names; double scale; long limit; DType dt; } IdxArgs;

static bool load_idx(const void *args, Arena *ar, Table *t, DataError *err) {
    const IdxArgs *a = args;
    return idx_load(a->images, a->labels, a->dt, a->scale, a->limit, a->names, ar, t, err);
}

/* idx(images, labels, scale, limit, names) */
static Value b_idx(Interp *I, Value *a, SrcLoc loc) {
    IdxArgs args = { script_path(I, string_arg(a[0], loc, "the images file"), loc),
                     script_path(I, string_arg(a[1], loc, "the labels file"), loc), NULL,
                     expect_number(I, a[2], loc, "scale"), 0, I->dtype };
    char why[DTYPE_REFUSAL_SIZE];
    if (!dtype_holds(I->dtype, args.scale))     /* 0/0: every value would be NaN */
        fail_at(loc, "scale is %s; it multiplies every value read", dtype_refusal(I->dtype, args.scale, why, sizeof why));
    if (a[3].kind != V_NONE) args.limit = whole_arg(I, a[3], loc, "limit", 1, MAX_ELEMENTS);
    if (a[4].kind != V_NONE) args.names = string_arg(a[4], loc, "names (class names separated by commas)");
    const char *key = arena_printf(&I->pass, "idx\n%s\n%s\n%s\n%s\n%.17g\n%ld\n%s\n%d", args.images,
                                   file_stamp(I, args.images), args.labels, file_stamp(I, args.labels), args.scale,
                                   args.limit, args.names ? args.names : "", args.dt);
    Dataset *d = new_dataset(I, base_name(args.images), loc, cached_load(key, load_idx, &args, loc));
    DataCall *c = new_call(I, DATA_IDX, loc, 1);
    c->file = arena_strdup(&I->perm, args.images);
    c->labels = arena_strdup(&I->perm, args.labels);
    c->scale = args.scale;
    c->limit = args.limit;
    return data_value(made_by(d, c, 0));
}

/* ---- generate ------------------------------------------------------------ */

/* generate(kind, n, noise, seed, onehot): made anew each time (it is cheap) */
static Value b_generate(Interp *I, Value *a, SrcLoc loc) {
    const char *kind = string_arg(a[0], loc, "the kind of data set");
    bool known = false;
    for (int i = 0; datagen_kinds[i]; i++) known |= strcmp(kind, datagen_kinds[i]) == 0;
    if (!known) {
        for (int i = 0; datagen_kinds[i]; i++)
            if (levenshtein(kind, datagen_kinds[i]) <= 2)
                fail_at(loc, "unknown data set '%s'; did you mean '%s'?", kind, datagen_kinds[i]);
        fail_at(loc, "unknown data set '%s'; generate makes circle, xor, gauss, spiral or moons", kind);
    }
    int n = (int)whole_arg(I, a[1], loc, "n", 2, nnl_budget.max_elements / 2);
    double noise = expect_number(I, a[2], loc, "noise");
    Table t;
    DataError err;
    if (!datagen(kind, n, noise, seed_arg(I, a[3], loc, kind), flag_arg(I, a[4], loc, "onehot"), I->dtype,
                 &I->perm, &t, &err))
        fail_at(loc, "%s", err.msg);
    return data_value(new_dataset(I, intern(kind), loc, &t));
}

/* ---- split ---------------------------------------------------------------- */

static Dataset *group(Interp *I, Dataset **parts, int n, SrcLoc loc) {
    Dataset *g = arena_alloc(&I->perm, sizeof *g);
    g->name = intern("parts");
    g->loc = loc;
    g->parts = arena_alloc(&I->perm, sizeof(Dataset *) * (size_t)n);
    memcpy(g->parts, parts, sizeof(Dataset *) * (size_t)n);
    g->nparts = n;
    return g;
}

/* split(data, fraction, valid, seed, shuffle): two parts, or three with valid */
static Value b_split(Interp *I, Value *a, SrcLoc loc) {
    Dataset *d = data_arg(a[0], loc, "the data to split");
    int rows = d->x->shape[0];
    double frac[2] = { expect_number(I, a[1], loc, "the fraction"), 0 };
    int nparts = a[2].kind == V_NONE ? 2 : 3;
    if (nparts == 3) frac[1] = expect_number(I, a[2], loc, "the validation fraction");
    for (int i = 0; i < nparts - 1; i++)
        if (!(frac[i] > 0 && frac[i] < 1)) fail_at(loc, "split fractions are between 0 and 1, got %s", number_text(frac[i]));
    if (frac[0] + frac[1] >= 1) fail_at(loc, "the fractions %s and %s leave nothing for the test part", number_text(frac[0]), number_text(frac[1]));
    int count[3];
    count[0] = (int)lround(frac[0] * rows);
    count[1] = nparts == 3 ? (int)lround(frac[1] * rows) : rows - count[0];
    count[2] = rows - count[0] - count[1];
    for (int i = 0; i < nparts; i++)
        if (count[i] <= 0)
            fail_at(loc, "part %d of the split would be empty: '%s' has only %d row%s", i + 1, d->name, rows,
                    rows == 1 ? "" : "s");
    int *order = arena_alloc(&I->pass, sizeof(int) * (size_t)rows);
    DataCall *c = new_call(I, DATA_SPLIT, loc, nparts);
    c->in[0] = d;
    c->nin = 1;
    c->seed = seed_arg(I, a[3], loc, "split");
    c->shuffle = flag_arg(I, a[4], loc, "shuffle");
    memcpy(c->count, count, sizeof count);
    row_order(order, rows, c->seed, c->shuffle);
    Dataset *parts[3];
    for (int i = 0, from = 0; i < nparts; from += count[i++]) {
        Table t = { take_rows(&I->perm, d->x, order + from, count[i]), take_rows(&I->perm, d->y, order + from, count[i]),
                    d->classes, d->nclasses };
        parts[i] = made_by(new_dataset(I, d->name, loc, &t), c, i);
    }
    return data_value(group(I, parts, nparts, loc));
}

/* ---- normalize -------------------------------------------------------------- */

/* normalize(data, valid, test, method): statistics from data, applied to all */
static Value b_normalize(Interp *I, Value *a, SrcLoc loc) {
    static const char *methods[] = { "standard", "minmax", "mean" };
    const char *m = string_arg(a[3], loc, "the method");
    int method = -1;
    for (int i = 0; i < 3; i++) if (strcmp(m, methods[i]) == 0) method = i;
    if (method < 0) {
        for (int i = 0; i < 3; i++)
            if (levenshtein(m, methods[i]) <= 2) fail_at(loc, "unknown method '%s'; did you mean '%s'?", m, methods[i]);
        fail_at(loc, "unknown method '%s'; normalize knows standard, minmax and mean", m);
    }
    Dataset *in[3], *out[3];
    int n = 0;
    for (int i = 0; i < 3; i++)
        if (a[i].kind != V_NONE) in[n++] = data_arg(a[i], loc, i ? "each data set to normalise" : "the data to normalise");
    DataCall *c = new_call(I, DATA_NORMALIZE, loc, n);
    NormStats s = c->stats = norm_fit(&I->perm, tensor_plain(in[0]->x), (NormMethod)method);
    memcpy(c->in, in, sizeof(Dataset *) * (size_t)n);
    c->nin = n;
    for (int i = 0; i < n; i++) {
        if (in[i]->x->shape[1] != in[0]->x->shape[1])
            fail_at(loc, "'%s' has %d features but '%s' has %d", in[i]->name, in[i]->x->shape[1], in[0]->name,
                    in[0]->x->shape[1]);
        Table t = { norm_apply(&I->perm, tensor_plain(in[i]->x), &s), in[i]->y, in[i]->classes, in[i]->nclasses };
        out[i] = made_by(new_dataset(I, in[i]->name, loc, &t), c, i);
    }
    return data_value(n == 1 ? out[0] : group(I, out, n, loc));
}

/* exists(file): 1 if the file (relative to the script, as the loaders read
 * it) can be read, else 0 */
static Value b_exists(Interp *I, Value *a, SrcLoc loc) {
    const char *path = script_path(I, string_arg(a[0], loc, "the file name"), loc);
    return tensor_value(new_scalar(I, access(path, R_OK) == 0));
}

/* ---- registration ------------------------------------------------------------ */

static Node d_true = { .kind = N_BOOL, .num = 1 }, d_one = { .kind = N_NUM, .num = 1 },
            d_zero = { .kind = N_NUM, .num = 0 }, d_200 = { .kind = N_NUM, .num = 200 },
            d_comma = { .kind = N_STR, .name = "," }, d_standard = { .kind = N_STR, .name = "standard" };

void loaders_register(Interp *I) {
    Node *opt = &optional_param;
    builtin_define(I, "csv", b_csv, 6,
                   (const char *[]){ "file", "target", "features", "delimiter", "header", "classify" },
                   (Node *[]){ NULL, NULL, opt, &d_comma, &d_true, opt });
    builtin_define(I, "idx", b_idx, 5, (const char *[]){ "images", "labels", "scale", "limit", "names" },
                   (Node *[]){ NULL, NULL, &d_one, opt, opt });
    builtin_define(I, "exists", b_exists, 1, (const char *[]){ "file" }, NULL);
    builtin_define(I, "generate", b_generate, 5, (const char *[]){ "kind", "n", "noise", "seed", "onehot" },
                   (Node *[]){ NULL, &d_200, &d_zero, opt, &d_true });
    builtin_define(I, "split", b_split, 5, (const char *[]){ "data", "fraction", "valid", "seed", "shuffle" },
                   (Node *[]){ NULL, NULL, opt, opt, &d_true });
    builtin_define(I, "normalize", b_normalize, 4, (const char *[]){ "data", "valid", "test", "method" },
                   (Node *[]){ NULL, opt, opt, &d_standard });
}
