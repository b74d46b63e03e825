/* persist.c — `save NET "FILE"` and `load NET "FILE"`: a model's structure,
 * parameters and optimizer state in a versioned binary file with a CRC-32
 * (docs/persistence.md).  Saving writes a temporary file in the target's
 * folder, flushes it to the disk and renames it over the target, so a crash
 * leaves the old file or the new one, never half of one.  Loading reads the
 * whole file and checks every byte of it against the model before the model
 * changes at all.
 * Owns: the file format and the dry run's files (the check pass saves into
 * memory, so a `load` after a `save` is checked against what would be
 * written; export and import use them too).  Must not: build models or run an optimizer (model.c, train.c);
 * longjmp while it holds malloc'd memory (errors are collected as text and
 * reported after freeing). */
#define _XOPEN_SOURCE 700      /* realpath */
#include "base/stack.h"
#include "base/arena.h"
#include "base/diag.h"
#include "base/files.h"
#include "front/ast.h"
#include "io/persist.h"
#include "lang/eval.h"
#include "lang/loaders.h"
#include "lang/model.h"
#include "lang/settings.h"
#include "tensor/tensor.h"
#include "train/history.h"
#include "train/snapshot.h"
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

const unsigned char persist_magic[8] = { 0x89, 'N', 'N', 'L', '\r', '\n', 0x1a, '\n' };

/* ---- what a layer keeps in a file ------------------------------------------ */

/* A tensor of a layer that a file holds: a trainable parameter (with its
 * optimizer state), or, role ROLE_LAYER_STATE, a tensor a layer keeps
 * without training it (`state running_mean[in]`: batchnorm's running
 * averages).  Every tensor a layer keeps must be listed by layer_tensors, or
 * it is not saved. */
enum { ROLE_PARAM = 0, ROLE_LAYER_STATE = 1 };
typedef struct LayerTensor {
    int role;
    const char *name;
    Tensor *value;
    Param *param;           /* the parameter whose optimizer state goes with it; NULL for layer state */
} LayerTensor;

static int layer_tensors(Layer *l, LayerTensor *out) {
    int n = 0;
    for (int k = 0; k < l->nparams; k++, n++)
        if (out) out[n] = (LayerTensor){ ROLE_PARAM, l->params[k].name, l->params[k].value, &l->params[k] };
    for (int k = 0; k < l->nstates; k++, n++)
        if (out) out[n] = (LayerTensor){ ROLE_LAYER_STATE, l->states[k].name, l->states[k].value, NULL };
    return n;
}

/* "dense(units=3, activation=leaky_relu(alpha=0.2))": the layer's kind and
 * arguments, compared as text between the file and the model.  Numbers have
 * 7 significant digits, so float32 and double agree. */
static void value_text(Interp *I, FILE *f, Value v) {
    switch (v.kind) {
    case V_TENSOR: tensor_print_digits(f, v.t, 7); break;
    case V_STRING: fprintf(f, "\"%s\"", v.s); break;
    case V_NONE: fputs("none", f); break;
    case V_FUNC:
        if (v.fn->kind != C_PARTIAL) { fputs(v.fn->name, f); break; }
        fprintf(f, "%s(", v.fn->base->name);
        for (int i = 0; i < v.fn->nbound; i++) {
            fprintf(f, "%s%s=", i ? ", " : "", v.fn->bound[i].name);
            value_text(I, f, v.fn->bound[i].v);
        }
        fputc(')', f);
        break;
    default: print_value(I, f, v); break;
    }
}

static const char *layer_signature(Interp *I, const Layer *l) {
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    if (!f) abort();
    fprintf(f, "%s(", l->def->name);
    for (int i = 0; i < l->def->nparams && i < l->nargs; i++) {
        fprintf(f, "%s%s=", i ? ", " : "", l->args[i].name);
        value_text(I, f, l->args[i].v);
    }
    fputc(')', f);
    fclose(f);
    char *copy = arena_strdup(&I->pass, text);
    free(text);
    return copy;
}

static const char *optimizer_name(const Callable *opt) {
    return opt ? (opt->kind == C_PARTIAL ? opt->base : opt)->name : "";
}

/* ---- writing ------------------------------------------------------------------ */

typedef struct Out { unsigned char *p; size_t n, cap; } Out;

static void put(Out *o, const void *bytes, size_t n) {
    if (n == 0) return;                     /* bytes may be NULL then (a layer without a label) */
    if (o->n + n > o->cap) {
        while (o->n + n > o->cap) o->cap = o->cap ? 2 * o->cap : 4096;
        o->p = realloc(o->p, o->cap);
        if (!o->p) { fputs("nnl: out of memory saving a model\n", stderr); exit(70); }
    }
    memcpy(o->p + o->n, bytes, n);
    o->n += n;
}

/* numbers are little-endian whatever the machine */
static void put_uint(Out *o, uint64_t v, int bytes) {
    unsigned char b[8];
    for (int i = 0; i < bytes; i++) b[i] = (unsigned char)(v >> (8 * i));
    put(o, b, (size_t)bytes);
}

static void put_str(Out *o, const char *s) {
    size_t n = s ? strlen(s) : 0;
    put_uint(o, n, 4);
    put(o, s, n);
}

/* dtype, rank, sizes, then the elements' IEEE bits */
static void put_tensor(Out *o, const Tensor *t) {
    put_uint(o, t->dtype == DT_F64, 1);
    put_uint(o, (uint64_t)t->ndim, 1);
    for (int d = 0; d < t->ndim; d++) put_uint(o, (uint64_t)t->shape[d], 4);
    for (int i = 0; i < t->size; i++) {
        if (t->dtype == DT_F64) {
            uint64_t bits;
            memcpy(&bits, (const double *)t->data + i, 8);
            put_uint(o, bits, 8);
        } else {
            uint32_t bits;
            memcpy(&bits, (const float *)t->data + i, 4);
            put_uint(o, bits, 4);
        }
    }
}

unsigned char *persist_encode(Interp *I, Model *m, size_t *len) {
    Out o = { 0 };
    put(&o, persist_magic, 8);
    put_uint(&o, PERSIST_VERSION, 4);
    put_uint(&o, 0, 4);                       /* flags: none yet */
    put_uint(&o, 0, 8);                       /* payload length and CRC, filled in below */
    put_uint(&o, 0, 8);
    put_str(&o, m->name);
    put_uint(&o, (uint64_t)m->in_dim, 4);
    put_uint(&o, (uint64_t)m->nlayers, 4);
    put_str(&o, optimizer_name(m->state_owner));
    put_uint(&o, (uint64_t)m->steps, 8);
    put_uint(&o, (uint64_t)m->epochs, 8);
    for (int i = 0; i < m->nlayers; i++) {
        Layer *l = &m->layers[i];
        put_str(&o, l->def->name);
        put_str(&o, l->label);
        put_str(&o, layer_signature(I, l));
        put_uint(&o, (uint64_t)l->in_dim, 4);
        put_uint(&o, (uint64_t)l->out_dim, 4);
        int n = layer_tensors(l, NULL);
        LayerTensor *ts = arena_alloc(&I->pass, sizeof *ts * (size_t)(n + 1));
        layer_tensors(l, ts);
        put_uint(&o, (uint64_t)n, 4);
        for (int k = 0; k < n; k++) {
            put_uint(&o, (uint64_t)ts[k].role, 1);
            put_str(&o, ts[k].name);
            put_tensor(&o, ts[k].value);
            int nstate = ts[k].param && m->state_owner ? ts[k].param->nstate : 0;
            put_uint(&o, (uint64_t)nstate, 4);
            for (int s = 0; s < nstate; s++) {
                put_str(&o, ts[k].param->state[s].name);
                put_tensor(&o, ts[k].param->state[s].v.t);
            }
        }
    }
    size_t payload = o.n - PERSIST_HEADER_BYTES;
    uint32_t crc = (uint32_t)crc32_z(crc32_z(0, Z_NULL, 0), o.p + PERSIST_HEADER_BYTES, payload);
    for (int i = 0; i < 8; i++) o.p[16 + i] = (unsigned char)((uint64_t)payload >> (8 * i));
    for (int i = 0; i < 4; i++) o.p[24 + i] = (unsigned char)(crc >> (8 * i));
    *len = o.n;
    return o.p;
}

/* ---- reading and checking -------------------------------------------------------- */

typedef struct TensorImage {
    DType dtype;
    int ndim, shape[MAX_DIMS], size;
    const unsigned char *data;        /* size elements, little-endian */
} TensorImage;

/* What `load` will copy once everything is checked. */
typedef struct StateImage { const char *name; TensorImage t; } StateImage;
typedef struct TensorPlan { LayerTensor dst; TensorImage src; StateImage *state; int nstate; } TensorPlan;
typedef struct LoadPlan {
    TensorPlan *tensors;
    int         ntensors, cap;
    const char *optimizer;            /* "" if the file has no optimizer state */
    long        steps, epochs;
    const Callable *keep_for;         /* the optimizer in force, if it is the file's: its state is loaded */
} LoadPlan;

typedef struct In {
    const unsigned char *p;
    size_t len, pos;
    const char *file;
    char *err;
    size_t err_size;
    bool mismatch;                    /* the file is sound but does not fit the model */
    Interp *I;
} In;

static bool fail_in(In *in, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static bool fail_in(In *in, const char *fmt, ...) {
    int n = snprintf(in->err, in->err_size, "%s: ", in->file);
    va_list ap;
    va_start(ap, fmt);
    if (n >= 0 && (size_t)n < in->err_size) vsnprintf(in->err + n, in->err_size - (size_t)n, fmt, ap);
    va_end(ap);
    return false;
}

/* the file is sound (its checksum is right) but the model is another */
static bool mismatch(In *in, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static bool mismatch(In *in, const char *fmt, ...) {
    char msg[400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    in->mismatch = true;
    return fail_in(in, "%s", msg);
}

static bool need(In *in, size_t n, const char *what) {
    if (in->len - in->pos >= n) return true;
    return fail_in(in, "damaged at byte %zu: %s goes past the end of the data", in->pos, what);
}

static uint64_t uint_at(const unsigned char *p, int bytes) {
    uint64_t v = 0;
    for (int i = 0; i < bytes; i++) v |= (uint64_t)p[i] << (8 * i);
    return v;
}

static bool get_uint(In *in, int bytes, uint64_t *v, const char *what) {
    if (!need(in, (size_t)bytes, what)) return false;
    *v = uint_at(in->p + in->pos, bytes);
    in->pos += (size_t)bytes;
    return true;
}

/* a count that must fit in an int (and in what is left of the file) */
static bool get_count(In *in, int *v, const char *what) {
    uint64_t u;
    size_t at = in->pos;
    if (!get_uint(in, 4, &u, what)) return false;
    if (u > INT_MAX || u > in->len) return fail_in(in, "damaged at byte %zu: %s is %llu", at, what, (unsigned long long)u);
    *v = (int)u;
    return true;
}

static bool get_str(In *in, const char **s, const char *what) {
    int n;
    if (!get_count(in, &n, what) || !need(in, (size_t)n, what)) return false;
    if (memchr(in->p + in->pos, 0, (size_t)n)) return fail_in(in, "damaged at byte %zu: %s holds a NUL byte", in->pos, what);
    *s = arena_printf(&in->I->pass, "%.*s", n, (const char *)in->p + in->pos);
    in->pos += (size_t)n;
    return true;
}

/* element i of a tensor in the file */
static double image_value(const TensorImage *t, int i) {
    size_t w = dtype_size(t->dtype);
    uint64_t bits = uint_at(t->data + w * (size_t)i, (int)w);
    if (t->dtype == DT_F64) { double d; memcpy(&d, &bits, 8); return d; }
    uint32_t b32 = (uint32_t)bits;
    float f;
    memcpy(&f, &b32, 4);
    return f;
}

static bool get_tensor(In *in, TensorImage *t, const char *what) {
    uint64_t dtype, ndim;
    size_t at = in->pos;
    if (!get_uint(in, 1, &dtype, what) || !get_uint(in, 1, &ndim, what)) return false;
    if (dtype > 1) return fail_in(in, "damaged at byte %zu: %s has an unknown number type %d", at, what, (int)dtype);
    if (ndim > MAX_DIMS) return fail_in(in, "damaged at byte %zu: %s has %d dimensions", at, what, (int)ndim);
    t->dtype = dtype ? DT_F64 : DT_F32;
    t->ndim = (int)ndim;
    for (int d = 0; d < t->ndim; d++) {
        uint64_t size;
        if (!get_uint(in, 4, &size, what)) return false;
        if (size < 1 || size > INT_MAX) return fail_in(in, "damaged at byte %zu: %s has a size %llu", in->pos - 4, what,
                                                        (unsigned long long)size);
        t->shape[d] = (int)size;
    }
    if (!dims_fit(t->ndim, t->shape))
        return fail_in(in, "damaged at byte %zu: %s of shape %s is too large", at, what, dims_str(t->ndim, t->shape));
    t->size = 1;
    for (int d = 0; d < t->ndim; d++) t->size *= t->shape[d];
    size_t bytes = (size_t)t->size * dtype_size(t->dtype);
    if (!need(in, bytes, what)) return false;
    t->data = in->p + in->pos;
    for (int i = 0; i < t->size; i++) {     /* a NaN, or a double beyond float32, would load as NaN or inf */
        double v = image_value(t, i);
        char why[DTYPE_REFUSAL_SIZE];
        if (!dtype_holds(in->I->dtype, v))
            return fail_in(in, "byte %zu: element %d of %s is %s", in->pos + (size_t)i * dtype_size(t->dtype), i, what,
                           dtype_refusal(in->I->dtype, v, why, sizeof why));
    }
    in->pos += bytes;
    return true;
}

static bool same_dims(const TensorImage *t, const Tensor *v) {
    if (t->ndim != v->ndim) return false;
    for (int d = 0; d < t->ndim; d++) if (t->shape[d] != v->shape[d]) return false;
    return true;
}

static TensorPlan *plan_add(In *in, LoadPlan *plan) {
    if (plan->ntensors == plan->cap) {
        int cap = plan->cap ? 2 * plan->cap : 16;
        plan->tensors = arena_grow(&in->I->pass, plan->tensors, sizeof *plan->tensors * (size_t)plan->cap,
                                   sizeof *plan->tensors * (size_t)cap);
        plan->cap = cap;
    }
    return &plan->tensors[plan->ntensors++];
}

/* whether an optimizer's body declares `state NAME` (in any branch) */
static bool declares_state(const Node *n, const char *name) {
    if (n) stack_guard(n->loc);       /* the walk nests as deep as the code */
    if (!n) return false;
    if (n->kind == N_STATE) {
        for (int i = 0; i < n->kids.n; i++) if (strcmp(n->kids.items[i]->name, name) == 0) return true;
        return false;
    }
    if (n->kind == N_IF) return declares_state(n->b, name) || declares_state(n->c, name);
    if (n->kind != N_BLOCK) return false;
    for (int i = 0; i < n->kids.n; i++) if (declares_state(n->kids.items[i], name)) return true;
    return false;
}

/* the optimizer state of one parameter: each a tensor of the parameter's shape */
static bool read_state(In *in, const LoadPlan *plan, TensorPlan *tp, const char *what) {
    if (!get_count(in, &tp->nstate, "a state count")) return false;
    tp->state = arena_alloc(&in->I->pass, sizeof *tp->state * (size_t)(tp->nstate + 1));
    for (int s = 0; s < tp->nstate; s++) {
        StateImage *st = &tp->state[s];
        if (!get_str(in, &st->name, "a state name") || !get_tensor(in, &st->t, "optimizer state")) return false;
        for (int j = 0; j < s; j++)
            if (strcmp(tp->state[j].name, st->name) == 0)
                return fail_in(in, "damaged: %s has the optimizer state '%s' twice", what, st->name);
        if (tp->dst.role != ROLE_PARAM)
            return fail_in(in, "damaged: %s is not trained but has optimizer state", what);
        if (!same_dims(&st->t, tp->dst.value))
            return fail_in(in, "damaged: the optimizer state '%s' of %s is %s but %s is %s", st->name, what,
                           dims_str(st->t.ndim, st->t.shape), tp->dst.name, shape_str(tp->dst.value));
        const Callable *def = plan->keep_for ? (plan->keep_for->kind == C_PARTIAL ? plan->keep_for->base : plan->keep_for) : NULL;
        if (def && !declares_state(def->node->a, st->name))
            return mismatch(in, "the file has optimizer state '%s' for %s, which optimizer '%s' does not declare",
                            st->name, what, def->name);
    }
    return true;
}

static bool read_layer(In *in, Model *m, Layer *l, LoadPlan *plan) {
    Interp *I = in->I;
    const char *kind, *label, *signature;
    uint64_t in_dim, out_dim;
    int n;
    if (!get_str(in, &kind, "a layer's kind") || !get_str(in, &label, "a layer's label") ||
        !get_str(in, &signature, "a layer's arguments") || !get_uint(in, 4, &in_dim, "a layer's input width") ||
        !get_uint(in, 4, &out_dim, "a layer's output width") || !get_count(in, &n, "a tensor count"))
        return false;
    if (strcmp(kind, l->def->name) != 0)
        return mismatch(in, "layer %d is %s in the file but %s in model '%s'", l->index, kind, l->def->name, m->name);
    const char *ours = layer_signature(I, l);
    if (strcmp(signature, ours) != 0)
        return mismatch(in, "layer %d is %s in the file but %s in model '%s'", l->index, signature, ours, m->name);
    int nours = layer_tensors(l, NULL);
    LayerTensor *ts = arena_alloc(&I->pass, sizeof *ts * (size_t)(nours + 1));
    layer_tensors(l, ts);
    bool *seen = arena_alloc(&I->pass, sizeof *seen * (size_t)(nours + 1));
    for (int k = 0; k < n; k++) {
        uint64_t role;
        const char *name;
        if (!get_uint(in, 1, &role, "a tensor's role") || !get_str(in, &name, "a tensor's name")) return false;
        if (role > ROLE_LAYER_STATE) return fail_in(in, "damaged at byte %zu: unknown role %d", in->pos, (int)role);
        const char *what = arena_printf(&I->pass, "layer %d's %s", l->index, name);
        TensorPlan *tp = plan_add(in, plan);
        if (!get_tensor(in, &tp->src, what)) return false;
        int j = 0;
        while (j < nours && strcmp(ts[j].name, name) != 0) j++;
        if (j == nours || (int)role != ts[j].role)
            return mismatch(in, "the file has %s %s for layer %d (%s), which model '%s' does not have",
                            role == ROLE_PARAM ? "a parameter" : "layer state", name, l->index, l->def->name, m->name);
        if (seen[j]) return fail_in(in, "damaged: %s appears twice", what);
        seen[j] = true;
        tp->dst = ts[j];
        if (!same_dims(&tp->src, tp->dst.value))
            return mismatch(in, "%s is %s in the file but %s in model '%s'", what, dims_str(tp->src.ndim, tp->src.shape),
                            shape_str(tp->dst.value), m->name);
        if (!read_state(in, plan, tp, what)) return false;
    }
    for (int j = 0; j < nours; j++)
        if (!seen[j]) return mismatch(in, "layer %d's %s is not in the file", l->index, ts[j].name);
    /* after the parameters: their shapes say more than the widths they cause */
    if (in_dim != (uint64_t)l->in_dim || out_dim != (uint64_t)l->out_dim)
        return mismatch(in, "layer %d takes [%llu] and gives [%llu] in the file but takes [%d] and gives [%d] in model '%s'",
                        l->index, (unsigned long long)in_dim, (unsigned long long)out_dim, l->in_dim, l->out_dim, m->name);
    return true;
}

/* Checks the header, the checksum, then the payload against m. */
static bool read_file_image(In *in, Model *m, LoadPlan *plan) {
    if (in->len < 8 || memcmp(in->p, persist_magic, 8) != 0)
        return fail_in(in, "not an nnl model file (it does not start with nnl's signature bytes)");
    if (in->len < PERSIST_HEADER_BYTES)
        return fail_in(in, "truncated at byte %zu: the header alone is %d bytes", in->len, PERSIST_HEADER_BYTES);
    uint64_t version = uint_at(in->p + 8, 4), payload = uint_at(in->p + 16, 8);
    uint32_t crc = (uint32_t)uint_at(in->p + 24, 4);
    if (version != PERSIST_VERSION)
        return fail_in(in, "format version %llu%s; this nnl reads version %d", (unsigned long long)version,
                       version > PERSIST_VERSION ? ", from a newer nnl" : "", PERSIST_VERSION);
    if (uint_at(in->p + 12, 4) != 0 || uint_at(in->p + 28, 4) != 0)
        return fail_in(in, "damaged: the header's reserved bytes are not zero");
    size_t body = in->len - PERSIST_HEADER_BYTES;
    if (payload > body)
        return fail_in(in, "truncated at byte %zu: the header promises %llu bytes", in->len,
                       (unsigned long long)payload + PERSIST_HEADER_BYTES);
    if (payload < body)
        return fail_in(in, "%zu unexpected bytes after the end of the model at byte %llu", body - (size_t)payload,
                       (unsigned long long)payload + PERSIST_HEADER_BYTES);
    uint32_t actual = (uint32_t)crc32_z(crc32_z(0, Z_NULL, 0), in->p + PERSIST_HEADER_BYTES, (size_t)payload);
    if (actual != crc)
        return fail_in(in, "checksum mismatch: the file is damaged (its data has CRC-32 %08x, its header says %08x)",
                       actual, crc);
    in->pos = PERSIST_HEADER_BYTES;
    const char *name;
    uint64_t in_dim, steps, epochs;
    int nlayers;
    if (!get_str(in, &name, "the model's name") || !get_uint(in, 4, &in_dim, "the input width") ||
        !get_count(in, &nlayers, "the layer count") || !get_str(in, &plan->optimizer, "the optimizer's name") ||
        !get_uint(in, 8, &steps, "the update count") || !get_uint(in, 8, &epochs, "the epoch count"))
        return false;
    if (steps > LONG_MAX || epochs > LONG_MAX) return fail_in(in, "damaged: the update or epoch count is too large");
    plan->steps = (long)steps;
    plan->epochs = (long)epochs;
    const Callable *opt = in->I->optimizer.set ? in->I->optimizer.fn : NULL;
    if (plan->optimizer[0] && opt && strcmp(optimizer_name(opt), plan->optimizer) == 0) plan->keep_for = opt;
    if (in_dim != (uint64_t)m->in_dim)
        return mismatch(in, "the model in the file ('%s') takes input [%llu] but model '%s' takes [%d]", name,
                        (unsigned long long)in_dim, m->name, m->in_dim);
    if (nlayers != m->nlayers)
        return mismatch(in, "the model in the file ('%s') has %d layer%s but model '%s' has %d", name, nlayers,
                        nlayers == 1 ? "" : "s", m->name, m->nlayers);
    for (int i = 0; i < m->nlayers; i++)
        if (!read_layer(in, m, &m->layers[i], plan)) return false;
    if (in->pos != in->len) return fail_in(in, "damaged at byte %zu: data after the last layer", in->pos);
    return true;
}

/* ---- changing the model ------------------------------------------------------------ */

static void copy_image(Tensor *dst, const TensorImage *src) {
    size_t w = dtype_size(src->dtype);
    for (int i = 0; i < src->size; i++) {
        uint64_t bits = uint_at(src->data + w * (size_t)i, (int)w);
        if (dst->dtype == src->dtype && src->dtype == DT_F32) memcpy((float *)dst->data + i, &bits, 4);
        else if (dst->dtype == src->dtype) memcpy((double *)dst->data + i, &bits, 8);
        else tensor_set(dst, i, image_value(src, i));   /* another precision: converted, as PyTorch's load_state_dict does */
    }
}

/* p's state as the file has it: into the tensors it has if their names are
 * the same (an `undo` snapshot knows those), else into new ones */
static void load_state(Interp *I, Param *p, const TensorPlan *tp) {
    bool same = p->nstate == tp->nstate;
    for (int s = 0; same && s < tp->nstate; s++) same = strcmp(p->state[s].name, tp->state[s].name) == 0;
    if (!same) {
        p->state = arena_alloc(&I->perm, sizeof(Binding) * (size_t)(tp->nstate + 1));
        for (int s = 0; s < tp->nstate; s++)
            p->state[s] = (Binding){ intern(tp->state[s].name), tensor_value(tensor_like(&I->perm, p->value)) };
        p->nstate = tp->nstate;
    }
    for (int s = 0; s < tp->nstate; s++) copy_image(p->state[s].v.t, &tp->state[s].t);
}

static void apply_plan(Interp *I, Model *m, const LoadPlan *plan, const char *file, SrcLoc loc) {
    const Callable *opt = I->optimizer.set ? I->optimizer.fn : NULL;
    bool keep_state = plan->keep_for != NULL;
    if (plan->optimizer[0] && !keep_state)
        diag_warning(loc, "%s holds the state of optimizer '%s', but %s: only the weights are loaded (set "
                     "'optimizer %s(...)' before 'load' to go on training where it stopped)", file, plan->optimizer,
                     opt ? arena_printf(&I->pass, "the optimizer now is '%s'", optimizer_name(opt))
                         : "no optimizer is set", plan->optimizer);
    for (int k = 0; k < plan->ntensors; k++) {
        const TensorPlan *tp = &plan->tensors[k];
        copy_image(tp->dst.value, &tp->src);
        if (!tp->dst.param) continue;
        if (keep_state) load_state(I, tp->dst.param, tp);
        else tp->dst.param->nstate = 0;      /* kept for a later load: state_owner is cleared */
    }
    m->state_owner = keep_state ? opt : NULL;
    m->steps = keep_state ? plan->steps : 0;
    m->epochs = keep_state ? plan->epochs : 0;
    m->initialised = true;
    model_zero_grad(m);              /* the gradients were of the old weights */
    m->revision++;                   /* a pass recorded before is stale */
}

static bool check_bytes(Interp *I, Model *m, const char *file, const unsigned char *bytes, size_t len,
                        LoadPlan *plan, char *err, size_t err_size, bool *is_mismatch) {
    In in = { bytes, len, 0, file, err, err_size, false, I };
    *plan = (LoadPlan){ .optimizer = "" };
    bool ok = read_file_image(&in, m, plan);
    *is_mismatch = in.mismatch;
    return ok;
}

bool persist_load_bytes(Interp *I, Model *m, const char *file, const unsigned char *bytes, size_t len,
                        SrcLoc loc, char *err, size_t err_size) {
    LoadPlan plan;
    bool is_mismatch;
    if (!check_bytes(I, m, file, bytes, len, &plan, err, err_size, &is_mismatch)) return false;
    apply_plan(I, m, &plan, file, loc);
    return true;
}

/* ---- files -------------------------------------------------------------------------- */

/* The check pass's saves: kept in memory under the file's canonical name, so
 * a later `load` of the same file is checked against them. */
struct DrySave { const char *key; unsigned char *bytes; size_t len; struct DrySave *next; };

/* the folder's real path and the file's name: one key however the path is spelt */
static const char *file_key(Interp *I, const char *path) {
    const char *slash = strrchr(path, '/');
    const char *dir = slash ? arena_printf(&I->pass, "%.*s", (int)(slash - path + (slash == path)), path) : ".";
    char *real = realpath(dir, NULL);
    if (!real) return path;
    const char *key = arena_printf(&I->pass, "%s/%s", real, slash ? slash + 1 : path);
    free(real);
    return key;
}

static const char *file_arg(Interp *I, const Node *n) {
    Value v = eval_expr(I, NULL, n->a);
    if (v.kind != V_STRING) fail_at(n->a->loc, "the file name must be a string, not %s", value_kind_name(v));
    if (!v.s[0]) fail_at(n->a->loc, "the file name is empty");
    return script_path(I, v.s, n->a->loc);
}

static const char *state_summary(Interp *I, const Model *m) {
    if (!m->state_owner) return "no optimizer state";
    return arena_printf(&I->pass, "%s state after %ld update%s", optimizer_name(m->state_owner), m->steps,
                        m->steps == 1 ? "" : "s");
}

const char *persist_dry_write(Interp *I, const char *path, const unsigned char *bytes, size_t len) {
    const char *why = file_check_writable(path);
    if (why) return why;
    struct DrySave *s = arena_alloc(&I->perm, sizeof *s);
    *s = (struct DrySave){ arena_strdup(&I->perm, file_key(I, path)), arena_alloc(&I->perm, len), len, I->dry_saves };
    memcpy(s->bytes, bytes, len);
    I->dry_saves = s;
    return NULL;
}

const unsigned char *persist_dry_read(Interp *I, const char *path, size_t *len) {
    const char *key = file_key(I, path);
    for (struct DrySave *s = I->dry_saves; s; s = s->next)
        if (strcmp(s->key, key) == 0) { *len = s->len; return s->bytes; }
    return NULL;
}

void exec_save(Interp *I, const Node *n) {
    Model *m = find_model(I, n->name, n->loc);
    const char *path = file_arg(I, n);
    model_ensure_initialised(I, m);
    size_t len;
    unsigned char *bytes = persist_encode(I, m, &len);
    if (I->dry_run) {               /* check the target; keep the bytes for a `load` of the file */
        const char *why = persist_dry_write(I, path, bytes, len);
        free(bytes);
        if (why) fail_at(n->loc, "cannot save to '%s': %s", path, why);
        return;
    }
    const char *why = file_write_atomically(path, bytes, len);
    free(bytes);
    if (why) fail_at(n->loc, "cannot save to '%s': %s", path, why);
    if (I->interactive)
        fprintf(I->out, "saved %s to %s: %d parameters, %s (%zu bytes)\n", m->name, path, model_param_count(m),
                state_summary(I, m), len);
}

/* a model file's read ends as soon as its first bytes are not the signature */
static bool not_a_model(const char *bytes, size_t n) {
    size_t k = n < sizeof persist_magic ? n : sizeof persist_magic;
    return memcmp(bytes, persist_magic, k) != 0;
}

/* The whole file, bounded by what a file for m can hold: each parameter
 * with up to a few optimizer states in float64, names and headers (and the
 * memory limit), so /dev/zero or a huge file fails at once. */
static unsigned char *read_whole(const Model *m, const char *path, size_t *len, char *why, size_t why_size) {
    size_t cap = file_read_cap((size_t)model_param_count(m) * 8 * 8 + ((size_t)16 << 20));
    return (unsigned char *)file_read_all(path, cap, not_a_model, len, why, why_size);
}

void exec_load(Interp *I, const Node *n) {
    Model *m = find_model(I, n->name, n->loc);
    const char *path = file_arg(I, n);
    char err[600];
    const unsigned char *bytes = NULL;
    unsigned char *owned = NULL;
    size_t len = 0;
    if (I->dry_run) bytes = persist_dry_read(I, path, &len);
    if (!bytes && !(bytes = owned = read_whole(m, path, &len, err, sizeof err))) fail_at(n->loc, "%s", err);
    LoadPlan plan;
    bool is_mismatch;
    bool ok = check_bytes(I, m, path, bytes, len, &plan, err, sizeof err, &is_mismatch);
    if (!ok) {
        free(owned);
        diag_error(n->loc, "%s", err);
        if (is_mismatch) diag_note(m->loc, "model '%s' is defined here", m->name);
        diag_throw();
    }
    undo_remember(I, m, "load");
    apply_plan(I, m, &plan, path, n->loc);     /* the plan points into the bytes: free them after */
    free(owned);
    history_end_run(m);                         /* new weights: the next train starts a new run */
    if (I->interactive && !I->dry_run)
        fprintf(I->out, "loaded %s from %s: %d parameters, %s\n", m->name, path, model_param_count(m),
                state_summary(I, m));
}
