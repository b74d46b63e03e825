/* onnx_read.c — `import`: an ONNX model of an MLP read with libprotobuf-c
 * (every allocation in I->pass, so a refusal leaks nothing) and turned into
 * an nnl model of the stdlib's layers: Gemm, or MatMul + Add, is a dense
 * layer, the activation after it its activation; BatchNormalization is a
 * batchnorm layer with its running averages as state, PRelu a prelu layer,
 * Dropout a dropout layer; Identity disappears, Flatten or Reshape may flatten
 * the input.  The model is built as `model NAME { input N; dense ... }`
 * would be (lang/model.c) and its tensors set as `with W = ...` would set
 * them, so everything downstream works on it.  Anything else is refused with
 * the op's name and position.  Must not: read files (commands.c), or guess:
 * an op whose attributes nnl's layer cannot reproduce is refused. */
#ifdef NNL_HAVE_ONNX
#include "base/arena.h"
#include "base/budget.h"
#include "base/diag.h"
#include "base/text.h"
#include "export/onnx.h"
#include "export/onnx.pb-c.h"
#include "export/stdlib_ops.h"
#include "front/ast.h"
#include "lang/eval.h"
#include "lang/model.h"
#include "tensor/tensor.h"
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

enum LayerKind { L_DENSE, L_BATCHNORM, L_PRELU, L_DROPOUT };

/* one nnl layer to build, with the file's numbers */
typedef struct Spec {
    enum LayerKind kind;
    int in, units;
    const OnnxActivation *act;      /* NULL: linear */
    double alpha, rate, epsilon, momentum;
    double *t[4];                   /* dense: W [units, in], b; batchnorm: gamma, beta, mean, var; prelu: alpha */
    bool awaiting_bias;             /* made by a MatMul: an Add may give its bias */
} Spec;

typedef struct Reader {
    Interp *I;
    Arena *a;
    const char *file;
    SrcLoc loc;
    Onnx__GraphProto *g;
    int opset;
    int node;                       /* the node being read (0-based), -1 outside the nodes */
    Spec *specs;
    int nspecs;
    bool open;                      /* the last layer ends here and takes an activation */
} Reader;

_Noreturn static void bad(Reader *R, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
_Noreturn static void bad(Reader *R, const char *fmt, ...) {
    char msg[500];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (R->node < 0) fail_at(R->loc, "%s: %s", R->file, msg);
    const Onnx__NodeProto *n = R->g->node[R->node];
    fail_at(R->loc, "%s: node %d (%s%s%s%s): %s", R->file, R->node + 1, n->op_type ? n->op_type : "?",
            n->name && n->name[0] ? " '" : "", n->name && n->name[0] ? n->name : "", n->name && n->name[0] ? "'" : "",
            msg);
}

static bool same(const char *a, const char *b) { return a && b && strcmp(a, b) == 0; }

/* ---- tensors ---------------------------------------------------------------- */

/* an initializer, or the value of a Constant node before node `before`, by name */
static const Onnx__TensorProto *constant(Reader *R, const char *name, int before) {
    if (!name || !name[0]) return NULL;
    for (size_t i = 0; i < R->g->n_initializer; i++)
        if (same(R->g->initializer[i]->name, name)) return R->g->initializer[i];
    for (int i = 0; i < before && i < (int)R->g->n_node; i++) {
        const Onnx__NodeProto *n = R->g->node[i];
        if (!same(n->op_type, "Constant") || n->n_output != 1 || !same(n->output[0], name)) continue;
        for (size_t k = 0; k < n->n_attribute; k++)
            if (same(n->attribute[k]->name, "value") && n->attribute[k]->t) return n->attribute[k]->t;
    }
    return NULL;
}

static int64_t elements_of(Reader *R, const Onnx__TensorProto *t, const char *what) {
    int64_t n = 1;
    for (size_t d = 0; d < t->n_dims; d++) {
        if (t->dims[d] < 1 || t->dims[d] > nnl_budget.max_elements)
            bad(R, "%s has a dimension of size %lld", what, (long long)t->dims[d]);
        n *= t->dims[d];
        if (n > nnl_budget.max_elements) bad(R, "%s has more than %d elements", what, nnl_budget.max_elements);
    }
    return n;
}

static uint64_t le(const uint8_t *p, int bytes) {
    uint64_t v = 0;
    for (int i = 0; i < bytes; i++) v |= (uint64_t)p[i] << (8 * i);
    return v;
}

/* the elements of a FLOAT, DOUBLE or INT64 tensor as doubles (exact for float) */
static double *numbers(Reader *R, const Onnx__TensorProto *t, const char *what, int64_t *count) {
    int64_t n = elements_of(R, t, what);
    if (t->has_data_location && t->data_location == ONNX__TENSOR_PROTO__DATA_LOCATION__EXTERNAL)
        bad(R, "%s keeps its data in another file (external data), which import does not read", what);
    int type = t->has_data_type ? t->data_type : 0;
    int w = type == ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT ? 4 : type == ONNX__TENSOR_PROTO__DATA_TYPE__DOUBLE ? 8
          : type == ONNX__TENSOR_PROTO__DATA_TYPE__INT64 ? 8 : 0;
    if (!w) bad(R, "%s has element type %d; import reads float, double and int64 tensors", what, type);
    size_t listed = type == ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT ? t->n_float_data
                  : type == ONNX__TENSOR_PROTO__DATA_TYPE__DOUBLE ? t->n_double_data : t->n_int64_data;
    if (t->has_raw_data && t->raw_data.len != (size_t)n * (size_t)w)   /* checked before anything is allocated */
        bad(R, "%s should have %lld bytes of data for its shape but has %zu", what, (long long)(n * w), t->raw_data.len);
    if (!t->has_raw_data && listed != (size_t)n)
        bad(R, "%s has %zu numbers but its shape needs %lld", what, listed, (long long)n);
    double *v = arena_alloc_raw(R->a, sizeof *v * (size_t)n);
    if (t->has_raw_data) {
        for (int64_t i = 0; i < n; i++) {
            uint64_t bits = le(t->raw_data.data + (size_t)i * (size_t)w, w);
            if (type == ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT) { uint32_t b = (uint32_t)bits; float f; memcpy(&f, &b, 4); v[i] = f; }
            else if (type == ONNX__TENSOR_PROTO__DATA_TYPE__DOUBLE) memcpy(&v[i], &bits, 8);
            else v[i] = (double)(int64_t)bits;
        }
    } else {
        for (int64_t i = 0; i < n; i++)
            v[i] = type == ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT ? t->float_data[i]
                 : type == ONNX__TENSOR_PROTO__DATA_TYPE__DOUBLE ? t->double_data[i] : (double)t->int64_data[i];
    }
    char why[DTYPE_REFUSAL_SIZE];
    for (int64_t i = 0; i < n; i++)       /* a NaN, or a double beyond float32, would load as NaN or inf */
        if (!dtype_holds(R->I->dtype, v[i]))
            bad(R, "element %lld of %s is %s", (long long)i, what, dtype_refusal(R->I->dtype, v[i], why, sizeof why));
    *count = n;
    return v;
}

/* input k of node n, which must be a constant (an initializer or a Constant) */
static const Onnx__TensorProto *const_input(Reader *R, const Onnx__NodeProto *n, size_t k, const char *what) {
    const Onnx__TensorProto *t = k < n->n_input ? constant(R, n->input[k], R->node) : NULL;
    if (!t) bad(R, "its %s (input %zu) must be a constant tensor (an initializer): import reads weights, not computed values",
                what, k + 1);
    return t;
}

/* a vector of `width` numbers: shape [width] or [1, width] */
static double *vector(Reader *R, const Onnx__TensorProto *t, int width, const char *what) {
    int64_t count;
    double *v = numbers(R, t, what, &count);
    bool ok = count == width && (t->n_dims == 1 || (t->n_dims == 2 && t->dims[0] == 1));
    if (!ok) bad(R, "%s should have %d numbers (one per unit) but has shape %s", what, width,
                 t->n_dims == 1 ? arena_printf(R->a, "[%lld]", (long long)t->dims[0])
                 : t->n_dims == 2 ? arena_printf(R->a, "[%lld, %lld]", (long long)t->dims[0], (long long)t->dims[1])
                 : arena_printf(R->a, "of %zu dimensions", t->n_dims));
    return v;
}

/* ---- attributes ---------------------------------------------------------------- */

static const Onnx__AttributeProto *attribute(const Onnx__NodeProto *n, const char *name) {
    for (size_t k = 0; k < n->n_attribute; k++) if (same(n->attribute[k]->name, name)) return n->attribute[k];
    return NULL;
}

/* the shortest decimal that is the float f (0.01f -> 0.01), so that the layer's
 * argument is what its author wrote, in float32 and in double */
static double decimal(float f) {
    char buf[40];
    for (int p = 1; p <= 9; p++) {
        snprintf(buf, sizeof buf, "%.*g", p, (double)f);
        double d = strtod(buf, NULL);
        if ((float)d == f) return d;
    }
    return f;
}

static double float_attr(Reader *R, const Onnx__NodeProto *n, const char *name, double dflt) {
    const Onnx__AttributeProto *a = attribute(n, name);
    if (!a) return dflt;
    if (!a->has_f) bad(R, "its attribute %s is not a number", name);
    if (!isfinite(a->f)) bad(R, "its attribute %s is %s", name, number_text((double)a->f));
    return decimal(a->f);
}

static int64_t int_attr(Reader *R, const Onnx__NodeProto *n, const char *name, int64_t dflt) {
    const Onnx__AttributeProto *a = attribute(n, name);
    if (!a) return dflt;
    if (!a->has_i) bad(R, "its attribute %s is not an integer", name);
    return a->i;
}

/* ---- the chain of ops ---------------------------------------------------------------- */

static Spec *add_spec(Reader *R, enum LayerKind kind, int in, int units) {
    R->specs = arena_grow(R->a, R->specs, sizeof *R->specs * (size_t)R->nspecs, sizeof *R->specs * (size_t)(R->nspecs + 1));
    Spec *s = &R->specs[R->nspecs++];
    *s = (Spec){ .kind = kind, .in = in, .units = units };
    return s;
}

/* Gemm(x, B, C) with alpha = beta = 1, transA = 0; B [N, K] (transB = 1) or [K, N] */
static int gemm(Reader *R, const Onnx__NodeProto *n, int width) {
    if (float_attr(R, n, "alpha", 1) != 1 || float_attr(R, n, "beta", 1) != 1 || int_attr(R, n, "transA", 0) != 0)
        bad(R, "only a Gemm with alpha = 1, beta = 1 and transA = 0 is a dense layer");
    int64_t transB = int_attr(R, n, "transB", 0), count;
    const Onnx__TensorProto *B = const_input(R, n, 1, "weight matrix B");
    double *w = numbers(R, B, "its weight matrix B", &count);
    if (B->n_dims != 2) bad(R, "its weight matrix B has %zu dimensions, not 2", B->n_dims);
    int64_t k = transB ? B->dims[1] : B->dims[0], units = transB ? B->dims[0] : B->dims[1];
    if (k != width) bad(R, "its weight matrix B takes %lld inputs but the node before gives %d", (long long)k, width);
    Spec *s = add_spec(R, L_DENSE, width, (int)units);
    s->t[0] = arena_alloc_raw(R->a, sizeof(double) * (size_t)count);
    for (int64_t j = 0; j < units; j++)       /* nnl's W is [units, in] */
        for (int64_t i = 0; i < k; i++) s->t[0][j * k + i] = transB ? w[j * k + i] : w[i * units + j];
    s->t[1] = n->n_input > 2 && n->input[2][0] ? vector(R, const_input(R, n, 2, "bias C"), (int)units, "its bias C")
                                                : arena_alloc(R->a, sizeof(double) * (size_t)units);
    return (int)units;
}

static int matmul(Reader *R, const Onnx__NodeProto *n, int width) {
    int64_t count;
    const Onnx__TensorProto *B = const_input(R, n, 1, "weight matrix");
    double *w = numbers(R, B, "its weight matrix", &count);
    if (B->n_dims != 2) bad(R, "its weight matrix has %zu dimensions, not 2", B->n_dims);
    if (B->dims[0] != width) bad(R, "its weight matrix takes %lld inputs but the node before gives %d", (long long)B->dims[0], width);
    int units = (int)B->dims[1];
    Spec *s = add_spec(R, L_DENSE, width, units);
    s->t[0] = arena_alloc_raw(R->a, sizeof(double) * (size_t)count);
    for (int j = 0; j < units; j++)
        for (int i = 0; i < width; i++) s->t[0][(size_t)j * (size_t)width + (size_t)i] = w[(size_t)i * (size_t)units + (size_t)j];
    s->t[1] = arena_alloc(R->a, sizeof(double) * (size_t)units);
    s->awaiting_bias = true;
    return units;
}

static void batchnorm(Reader *R, const Onnx__NodeProto *n, int width) {
    if (int_attr(R, n, "training_mode", 0) != 0) bad(R, "a BatchNormalization in training mode is not a model's inference");
    if (n->n_input != 5) bad(R, "BatchNormalization needs 5 inputs, it has %zu", n->n_input);
    Spec *s = add_spec(R, L_BATCHNORM, width, width);
    const char *what[4] = { "scale", "bias B", "running mean", "running variance" };
    for (int k = 0; k < 4; k++)
        s->t[k] = vector(R, const_input(R, n, (size_t)k + 1, what[k]), width, arena_printf(R->a, "its %s", what[k]));
    s->epsilon = float_attr(R, n, "epsilon", 1e-5);
    double m = float_attr(R, n, "momentum", 0.9);
    s->momentum = decimal((float)(1 - m));     /* ONNX's momentum weighs the old average, nnl's the new batch */
    if (!(s->epsilon > 0)) bad(R, "its epsilon is %s; nnl's batchnorm needs it above 0", number_text(s->epsilon));
    if (!(m >= 0 && m <= 1)) bad(R, "its momentum is %s; it must be from 0 to 1", number_text(m));
}

static void prelu(Reader *R, const Onnx__NodeProto *n, int width) {
    const Onnx__TensorProto *t = const_input(R, n, 1, "slope");
    int64_t count;
    double *v = numbers(R, t, "its slope", &count);
    Spec *s = add_spec(R, L_PRELU, width, width);
    s->t[0] = arena_alloc_raw(R->a, sizeof(double) * (size_t)width);
    if (count == 1) for (int i = 0; i < width; i++) s->t[0][i] = v[0];     /* one slope for all (PyTorch's default) */
    else s->t[0] = vector(R, t, width, "its slope");
}

static void dropout(Reader *R, const Onnx__NodeProto *n, int width) {
    double rate = float_attr(R, n, "ratio", 0.5);          /* opsets before 12 */
    if (n->n_input > 1 && n->input[1][0]) {
        int64_t count;
        double *v = numbers(R, const_input(R, n, 1, "ratio"), "its ratio", &count);
        if (count != 1) bad(R, "its ratio has %lld numbers, not one", (long long)count);
        rate = decimal((float)v[0]);
    }
    if (n->n_input > 2 && n->input[2][0]) {
        int64_t count;
        double *v = numbers(R, const_input(R, n, 2, "training_mode"), "its training_mode", &count);
        if (count != 1 || v[0] != 0) bad(R, "a Dropout in training mode is not a model's inference");
    }
    if (!(rate >= 0 && rate < 1)) bad(R, "its ratio is %s; it must be at least 0 and below 1", number_text(rate));
    add_spec(R, L_DROPOUT, width, width)->rate = rate;
}

/* the activation op n on the layer before */
static void activation(Reader *R, const Onnx__NodeProto *n, const OnnxActivation *a) {
    if (!R->open)
        bad(R, "an activation must follow a Gemm, a MatMul (+ Add) or a BatchNormalization, whose nnl layer it "
               "becomes the activation of; here it follows %s", R->nspecs ? "another activation, a PRelu or a Dropout" : "the input");
    Spec *s = &R->specs[R->nspecs - 1];
    s->act = a;
    s->awaiting_bias = false;
    R->open = false;
    if (a->has_alpha) s->alpha = float_attr(R, n, "alpha", decimal(a->onnx_alpha));
    if (same(a->op, "Softmax")) {
        int64_t axis = int_attr(R, n, "axis", R->opset >= 13 ? -1 : 1);
        if (axis != -1 && axis != 1) bad(R, "a Softmax over axis %lld; nnl's softmax is over each row (axis 1 or -1)", (long long)axis);
    }
}

/* Flatten or Reshape before the first layer: rows of `width` numbers */
static void flatten(Reader *R, const Onnx__NodeProto *n, int width) {
    if (R->nspecs) bad(R, "%s is imported only at the input, to flatten it into rows", n->op_type);
    if (same(n->op_type, "Flatten")) {
        if (int_attr(R, n, "axis", 1) != 1) bad(R, "a Flatten with axis other than 1 mixes the rows");
        return;
    }
    int64_t count;
    double *s = numbers(R, const_input(R, n, 1, "shape"), "its shape", &count);
    if (int_attr(R, n, "allowzero", 0) != 0) bad(R, "a Reshape with allowzero = 1 is not a flattening");
    bool ok = count == 2 && ((s[0] == -1 && s[1] == width) || (s[0] == 0 && (s[1] == -1 || s[1] == width)));
    if (!ok) bad(R, "only a Reshape to [-1, %d] or [0, -1] (rows of the input's %d numbers) is imported", width, width);
}

static const char *const IMPORTED =
    "import reads Gemm, MatMul + Add, the activations Sigmoid, Tanh, Relu, LeakyRelu, Elu, Softplus, Softsign and Softmax, "
    "PRelu, BatchNormalization, Dropout, Identity, and Flatten or Reshape at the input";

/* the graph's one input that is not an initializer, and its width */
static const Onnx__ValueInfoProto *graph_input(Reader *R, int *width, int *rank) {
    const Onnx__ValueInfoProto *in = NULL;
    for (size_t i = 0; i < R->g->n_input; i++) {
        if (constant(R, R->g->input[i]->name, 0)) continue;
        if (in) bad(R, "the graph has more than one input ('%s' and '%s'); an MLP has one", in->name, R->g->input[i]->name);
        in = R->g->input[i];
    }
    if (!in || !in->name) bad(R, "the graph has no input");
    const Onnx__TypeProto *t = in->type;
    const Onnx__TensorShapeProto *s = t && t->value_case == ONNX__TYPE_PROTO__VALUE_TENSOR_TYPE && t->tensor_type
                                    ? t->tensor_type->shape : NULL;
    if (!s) bad(R, "the input '%s' is not a tensor of known shape", in->name);
    if (s->n_dim < 2) bad(R, "the input '%s' has %zu dimensions; an MLP's input is [batch, features]", in->name, s->n_dim);
    int64_t w = 1;
    for (size_t d = 1; d < s->n_dim; d++) {
        const Onnx__TensorShapeProto__Dimension *dim = s->dim[d];
        if (dim->value_case != ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_VALUE || dim->dim_value < 1)
            bad(R, "dimension %zu of the input '%s' has no fixed size; import needs the number of features", d + 1, in->name);
        w *= dim->dim_value;
        if (w > nnl_budget.max_elements) bad(R, "the input '%s' is wider than %d features", in->name, nnl_budget.max_elements);
    }
    *width = (int)w;
    *rank = (int)s->n_dim;
    return in;
}

/* a node's outputs after the first must be unused (Dropout's mask, BatchNormalization's training outputs) */
static void unused_extra_outputs(Reader *R, const Onnx__NodeProto *n) {
    for (size_t k = 1; k < n->n_output; k++) {
        if (!n->output[k][0]) continue;
        for (size_t j = 0; j < R->g->n_node; j++)
            for (size_t i = 0; i < R->g->node[j]->n_input; i++)
                if (same(R->g->node[j]->input[i], n->output[k])) bad(R, "its output '%s' is used; import reads a chain", n->output[k]);
        for (size_t j = 0; j < R->g->n_output; j++)
            if (same(R->g->output[j]->name, n->output[k])) bad(R, "its output '%s' is an output of the graph", n->output[k]);
    }
}

static void read_chain(Reader *R, int *in_dim) {
    int width, rank;
    const char *cur = graph_input(R, &width, &rank)->name;
    *in_dim = width;
    for (R->node = 0; R->node < (int)R->g->n_node; R->node++) {
        const Onnx__NodeProto *n = R->g->node[R->node];
        const char *op = n->op_type ? n->op_type : "";
        if (n->domain && n->domain[0] && !same(n->domain, "ai.onnx"))
            bad(R, "an op of the domain '%s'; %s", n->domain, IMPORTED);
        if (same(op, "Constant")) continue;
        if (n->n_output < 1 || !n->output[0][0]) bad(R, "it has no output");
        bool takes = n->n_input >= 1 && same(n->input[0], cur);
        if (same(op, "Add") && n->n_input == 2 && same(n->input[1], cur) && !same(n->input[0], cur)) takes = true;
        if (!takes) bad(R, "it does not take the output of the op before it ('%s'): import reads a chain of ops, an MLP", cur);
        unused_extra_outputs(R, n);
        const OnnxActivation *act = onnx_activation_by_op(op);
        bool layer_op = !same(op, "Identity") && !same(op, "Flatten") && !same(op, "Reshape");
        if (layer_op && rank != 2) bad(R, "its input has %d dimensions; put a Flatten before the first layer", rank);
        if (same(op, "Identity")) {
        } else if (same(op, "Flatten") || same(op, "Reshape")) {
            flatten(R, n, width);
            rank = 2;
        } else if (same(op, "Gemm")) {
            width = gemm(R, n, width);
            R->open = true;
        } else if (same(op, "MatMul")) {
            width = matmul(R, n, width);
            R->open = true;
        } else if (same(op, "Add")) {
            Spec *s = R->nspecs ? &R->specs[R->nspecs - 1] : NULL;
            if (!s || !s->awaiting_bias) bad(R, "an Add is imported only right after a MatMul, as its bias");
            s->t[1] = vector(R, const_input(R, n, same(n->input[0], cur) ? 1 : 0, "bias"), width, "its bias");
            s->awaiting_bias = false;
        } else if (act) {
            activation(R, n, act);
        } else if (same(op, "PRelu")) {
            prelu(R, n, width);
            R->open = false;
        } else if (same(op, "BatchNormalization")) {
            batchnorm(R, n, width);
            R->open = true;
        } else if (same(op, "Dropout")) {
            dropout(R, n, width);
            R->open = false;
        } else {
            bad(R, "not an op of an MLP; %s", IMPORTED);
        }
        if (R->nspecs && !same(op, "MatMul")) R->specs[R->nspecs - 1].awaiting_bias &= same(op, "Identity");
        cur = n->output[0];
    }
    R->node = -1;
    if (R->g->n_output != 1) bad(R, "the graph has %zu outputs; an MLP has one", R->g->n_output);
    if (!same(R->g->output[0]->name, cur))
        bad(R, "the graph's output '%s' is not the end of its chain of ops ('%s')", R->g->output[0]->name ? R->g->output[0]->name : "", cur);
    if (!R->nspecs) bad(R, "the graph has no layers (no Gemm, MatMul, BatchNormalization, PRelu or Dropout)");
}

/* ---- the nnl model ----------------------------------------------------------------- */

static Node *ast(Reader *R, NodeKind kind) { return node_new(&R->I->perm, kind, R->loc); }

static Node *num(Reader *R, double v) {
    Node *n = ast(R, N_NUM);
    n->num = v;
    return n;
}

static Node *kwarg(Reader *R, const char *name, Node *value) {
    Node *n = ast(R, N_KWARG);
    n->name = intern(name);
    n->a = value;
    return n;
}

/* import builds with the stdlib's layers and activations by name: they must be the stdlib's */
static void need_stdlib(Reader *R, const char *name) {
    Value *v = global_find(R->I, intern(name));
    const Callable *fn = v && v->kind == V_FUNC ? v->fn : NULL;
    if (!stdlib_is(fn, name)) {
        const char *where = fn && fn->node && fn->node->loc.file
                          ? arena_printf(R->a, " at %s:%d", fn->node->loc.file, fn->node->loc.line) : "";
        fail_at(R->loc, "import builds the model from the stdlib's '%s', but '%s' is redefined%s", name, name, where);
    }
}

static Node *activation_expr(Reader *R, const Spec *s) {
    const OnnxActivation *a = s->act;
    const char *name = a ? a->nnl : "linear";
    need_stdlib(R, name);
    Node *f = ast(R, N_NAME);
    f->name = intern(name);
    if (!a || !a->has_alpha) return f;
    double dflt = stdlib_default_alpha(R->I, a, R->loc);
    if (tensor_get(tensor_scalar(R->a, R->I->dtype, s->alpha), 0) == tensor_get(tensor_scalar(R->a, R->I->dtype, dflt), 0))
        return f;                       /* leaky_relu, not leaky_relu(alpha=0.3): as its author wrote it */
    Node *call = ast(R, N_CALL);
    call->a = f;
    list_push(&R->I->perm, &call->kids, kwarg(R, "alpha", num(R, s->alpha)));
    return call;
}

static Node *layer_use(Reader *R, const Spec *s) {
    static const char *const kinds[] = { "dense", "batchnorm", "prelu", "dropout" };
    Node *use = ast(R, N_LAYER_USE);
    use->name = intern(kinds[s->kind]);
    need_stdlib(R, use->name);
    Arena *p = &R->I->perm;
    switch (s->kind) {
    case L_DENSE:
        list_push(p, &use->kids, num(R, s->units));
        list_push(p, &use->kids, activation_expr(R, s));
        break;
    case L_BATCHNORM:
        list_push(p, &use->kids, activation_expr(R, s));
        list_push(p, &use->kids, kwarg(R, "momentum", num(R, s->momentum)));
        list_push(p, &use->kids, kwarg(R, "epsilon", num(R, s->epsilon)));
        break;
    case L_PRELU: break;
    case L_DROPOUT: list_push(p, &use->kids, num(R, s->rate)); break;
    }
    return use;
}

static void set_tensor(Reader *R, Layer *l, const char *name, const double *v) {
    Param *p = NULL;
    for (int k = 0; k < l->nparams; k++) if (strcmp(l->params[k].name, name) == 0) p = &l->params[k];
    for (int k = 0; k < l->nstates; k++) if (strcmp(l->states[k].name, name) == 0) p = &l->states[k];
    if (!p) fail_at(R->loc, "internal: the stdlib's %s has no '%s'", l->def->name, name);
    for (int i = 0; i < p->value->size; i++) tensor_set(p->value, i, v[i]);
    Node *from = ast(R, N_STR);
    from->name = arena_strdup(&R->I->perm, R->file);
    p->hand_set = true;
    p->given = from;
}

static void *pb_alloc(void *arena, size_t n) { return arena_alloc_raw(arena, n ? n : 1); }
static void pb_free(void *arena, void *p) { (void)arena; (void)p; }

Model *onnx_decode(Interp *I, const char *name, const char *file, const unsigned char *bytes, size_t len, SrcLoc loc) {
    Reader R = { I, &I->pass, file, loc, NULL, 0, -1, NULL, 0, false };
    ProtobufCAllocator alloc = { pb_alloc, pb_free, &I->pass };
    Onnx__ModelProto *m = onnx__model_proto__unpack(&alloc, len, bytes);
    if (!m) bad(&R, "not an ONNX model (the bytes are not a ModelProto in protobuf's encoding)");
    if (!m->graph) bad(&R, "the ONNX model has no graph");
    R.g = m->graph;
    for (size_t i = 0; i < m->n_opset_import; i++) {
        const Onnx__OperatorSetIdProto *o = m->opset_import[i];
        if ((!o->domain || !o->domain[0] || same(o->domain, "ai.onnx")) && o->has_version) R.opset = (int)o->version;
    }
    if (R.opset < 1) bad(&R, "the model imports no version of the standard ONNX ops");
    int in_dim;
    read_chain(&R, &in_dim);

    Node *def = ast(&R, N_MODEL);
    def->name = intern(name);
    Node *input = ast(&R, N_INPUT);
    list_push(&I->perm, &input->kids, num(&R, in_dim));
    list_push(&I->perm, &def->kids, input);
    for (int i = 0; i < R.nspecs; i++) list_push(&I->perm, &def->kids, layer_use(&R, &R.specs[i]));
    Model *model = model_build(I, def);
    static const char *const names[][4] = {
        [L_DENSE] = { "W", "b" }, [L_BATCHNORM] = { "gamma", "beta", "running_mean", "running_var" }, [L_PRELU] = { "alpha" },
    };
    for (int i = 0; i < R.nspecs; i++)
        for (int k = 0; k < 4 && names[R.specs[i].kind][k]; k++)
            set_tensor(&R, &model->layers[i], names[R.specs[i].kind][k], R.specs[i].t[k]);
    model_ensure_initialised(I, model);
    return model;
}
#endif
