/* onnx_write.c — `export`: a model as an ONNX ModelProto (IR version 8,
 * opset 17), built with the protobuf-c structures compiled from onnx.proto
 * and packed by libprotobuf-c.  Each stdlib layer becomes its ops (dense:
 * Gemm with transB=1; batchnorm: BatchNormalization with the running
 * averages; prelu: PRelu; maxout: Gemm, Reshape, ReduceMax; dropout:
 * nothing, it is the identity at inference), each stdlib activation its op
 * (stdlib_ops.c).  Names say where a node or tensor came from (net.2.W,
 * net.2.Gemm); doc strings carry the nnl source line.  Must not: touch
 * files (commands.c), or export what it cannot say exactly — a user's layer
 * or activation is refused, naming the layer. */
#ifdef NNL_HAVE_ONNX
#include "base/arena.h"
#include "base/diag.h"
#include "export/onnx.h"
#include "export/onnx.pb-c.h"
#include "export/stdlib_ops.h"
#include "front/ast.h"
#include "lang/eval.h"
#include "lang/model.h"
#include "tensor/tensor.h"
#include <stdint.h>
#include <string.h>

typedef struct Graph {
    Interp *I;
    Arena *a;
    Onnx__GraphProto *g;
    int32_t elem_type;          /* FLOAT or DOUBLE: the model's precision */
    SrcLoc loc;                 /* the export statement */
} Graph;

/* a message of type T with its defaults (desc: T's descriptor) */
static void *message(Graph *G, size_t size, const ProtobufCMessageDescriptor *desc) {
    void *m = arena_alloc(G->a, size);
    protobuf_c_message_init(desc, m);
    return m;
}
#define NEW(G, T, desc) ((T *)message((G), sizeof(T), &(desc)))
/* appends item to the protobuf-c array (field, n_field) */
#define PUSH(G, arr, n, item) do {                                                        \
        (arr) = arena_grow((G)->a, (arr), sizeof *(arr) * (n), sizeof *(arr) * ((n) + 1)); \
        (arr)[(n)++] = (item);                                                             \
    } while (0)

static char *str(Graph *G, const char *s) { return arena_strdup(G->a, s); }

/* "examples/xor.nnl:15: dense 2 sigmoid" */
static char *source_doc(Graph *G, SrcLoc loc, const char *what) {
    char line[200];
    if (!loc.file) return str(G, what);
    if (!diag_source_line(loc, line, sizeof line)) line[0] = 0;
    return arena_printf(G->a, "%s (%s:%d: %s)", what, loc.file, loc.line, line);
}

static Onnx__NodeProto *node(Graph *G, const char *op, const char *name, const char *doc, int nin,
                             const char *const *in, const char *out) {
    Onnx__NodeProto *n = NEW(G, Onnx__NodeProto, onnx__node_proto__descriptor);
    n->op_type = str(G, op);
    n->name = str(G, name);
    n->doc_string = (char *)doc;
    for (int i = 0; i < nin; i++) PUSH(G, n->input, n->n_input, str(G, in[i]));
    PUSH(G, n->output, n->n_output, str(G, out));
    PUSH(G, G->g->node, G->g->n_node, n);
    return n;
}

static Onnx__AttributeProto *attr(Graph *G, Onnx__NodeProto *n, const char *name, Onnx__AttributeProto__AttributeType t) {
    Onnx__AttributeProto *a = NEW(G, Onnx__AttributeProto, onnx__attribute_proto__descriptor);
    a->name = str(G, name);
    a->has_type = true;
    a->type = t;
    PUSH(G, n->attribute, n->n_attribute, a);
    return a;
}

static void attr_float(Graph *G, Onnx__NodeProto *n, const char *name, double v) {
    Onnx__AttributeProto *a = attr(G, n, name, ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__FLOAT);
    a->has_f = true;
    a->f = (float)v;
}

static void attr_int(Graph *G, Onnx__NodeProto *n, const char *name, int64_t v) {
    Onnx__AttributeProto *a = attr(G, n, name, ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__INT);
    a->has_i = true;
    a->i = v;
}

static void attr_ints(Graph *G, Onnx__NodeProto *n, const char *name, int count, const int64_t *v) {
    Onnx__AttributeProto *a = attr(G, n, name, ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__INTS);
    a->ints = arena_alloc(G->a, sizeof *a->ints * (size_t)count);
    memcpy(a->ints, v, sizeof *v * (size_t)count);
    a->n_ints = (size_t)count;
}

/* an initializer: dims, then the elements' little-endian bytes */
static Onnx__TensorProto *initializer(Graph *G, const char *name, const char *doc, int ndim, const int64_t *dims,
                                      int32_t type, size_t bytes) {
    Onnx__TensorProto *t = NEW(G, Onnx__TensorProto, onnx__tensor_proto__descriptor);
    t->name = str(G, name);
    t->doc_string = (char *)doc;
    t->dims = arena_alloc(G->a, sizeof *t->dims * (size_t)(ndim + 1));
    memcpy(t->dims, dims, sizeof *dims * (size_t)ndim);
    t->n_dims = (size_t)ndim;
    t->has_data_type = true;
    t->data_type = type;
    t->has_raw_data = true;
    t->raw_data.len = bytes;
    t->raw_data.data = arena_alloc_raw(G->a, bytes + 1);
    PUSH(G, G->g->initializer, G->g->n_initializer, t);
    return t;
}

static void put_le(uint8_t *p, uint64_t v, int bytes) {
    for (int i = 0; i < bytes; i++) p[i] = (uint8_t)(v >> (8 * i));
}

/* a tensor of the model, its IEEE bits as they are */
static void tensor_init(Graph *G, const char *name, const char *doc, const Tensor *v) {
    int64_t dims[MAX_DIMS];
    for (int d = 0; d < v->ndim; d++) dims[d] = v->shape[d];
    size_t w = dtype_size(v->dtype);
    Onnx__TensorProto *t = initializer(G, name, doc, v->ndim, dims, G->elem_type, w * (size_t)v->size);
    for (int i = 0; i < v->size; i++) {
        uint64_t bits = 0;
        if (v->dtype == DT_F64) memcpy(&bits, (const double *)v->data + i, 8);
        else { uint32_t b; memcpy(&b, (const float *)v->data + i, 4); bits = b; }
        put_le(t->raw_data.data + w * (size_t)i, bits, (int)w);
    }
}

static void int64_init(Graph *G, const char *name, const char *doc, int n, const int64_t *v) {
    int64_t dims[1] = { n };
    Onnx__TensorProto *t = initializer(G, name, doc, 1, dims, ONNX__TENSOR_PROTO__DATA_TYPE__INT64, 8 * (size_t)n);
    for (int i = 0; i < n; i++) put_le(t->raw_data.data + 8 * i, (uint64_t)v[i], 8);
}

/* input or output: a float tensor [batch, width], batch symbolic */
static Onnx__ValueInfoProto *value_info(Graph *G, const char *name, const char *doc, int width) {
    Onnx__ValueInfoProto *v = NEW(G, Onnx__ValueInfoProto, onnx__value_info_proto__descriptor);
    v->name = str(G, name);
    v->doc_string = (char *)doc;
    Onnx__TypeProto *type = v->type = NEW(G, Onnx__TypeProto, onnx__type_proto__descriptor);
    type->value_case = ONNX__TYPE_PROTO__VALUE_TENSOR_TYPE;
    Onnx__TypeProto__Tensor *tt = type->tensor_type = NEW(G, Onnx__TypeProto__Tensor, onnx__type_proto__tensor__descriptor);
    tt->has_elem_type = true;
    tt->elem_type = G->elem_type;
    Onnx__TensorShapeProto *shape = tt->shape = NEW(G, Onnx__TensorShapeProto, onnx__tensor_shape_proto__descriptor);
    Onnx__TensorShapeProto__Dimension *d0 = NEW(G, Onnx__TensorShapeProto__Dimension, onnx__tensor_shape_proto__dimension__descriptor);
    d0->value_case = ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_PARAM;
    d0->dim_param = str(G, "batch");
    Onnx__TensorShapeProto__Dimension *d1 = NEW(G, Onnx__TensorShapeProto__Dimension, onnx__tensor_shape_proto__dimension__descriptor);
    d1->value_case = ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_VALUE;
    d1->dim_value = width;
    PUSH(G, shape->dim, shape->n_dim, d0);
    PUSH(G, shape->dim, shape->n_dim, d1);
    return v;
}

/* ---- layers --------------------------------------------------------------- */

static double number_arg(Graph *G, const Layer *l, const char *name) {
    return expect_number(G->I, layer_arg(l, name), l->loc, name);
}

typedef struct LayerOut {
    const Layer *l;
    const char *prefix;         /* "net.2" */
    const char *doc;            /* the layer's source line */
} LayerOut;

/* prefix.NAME, an initializer of the layer's tensor NAME */
static const char *tensor_of(Graph *G, LayerOut *o, const char *name) {
    const char *full = arena_printf(G->a, "%s.%s", o->prefix, name);
    bool state = false;
    for (int i = 0; i < o->l->nstates; i++) state |= strcmp(o->l->states[i].name, name) == 0;
    tensor_init(G, full, arena_printf(G->a, "%s %s of layer %d (%s) of model '%s'", state ? "state" : "parameter",
                                      name, o->l->index, o->l->def->name, o->l->model->name), layer_tensor(o->l, name));
    return full;
}

_Noreturn static void refuse(Graph *G, const Layer *l, const char *why) { export_refuse(G->loc, l, "ONNX", why); }

/* the layer's activation as a node from x to out; returns false for linear (no node) */
static bool activation(Graph *G, LayerOut *o, const char *x, const char *out) {
    double alpha;
    const OnnxActivation *a = export_activation(G->I, G->loc, o->l, "ONNX", "that ONNX has an op for", &alpha);
    if (!a) return false;
    if (!a->op) return false;
    Onnx__NodeProto *n = node(G, a->op, arena_printf(G->a, "%s.%s", o->prefix, a->op), o->doc, 1, &x, out);
    if (a->has_alpha) attr_float(G, n, "alpha", alpha);
    if (strcmp(a->op, "Softmax") == 0) attr_int(G, n, "axis", -1);
    return true;
}

/* x @ W' + b: Gemm with transB=1, into out */
static void gemm(Graph *G, LayerOut *o, const char *x, const char *out) {
    const char *in[3] = { x, tensor_of(G, o, "W"), tensor_of(G, o, "b") };
    Onnx__NodeProto *n = node(G, "Gemm", arena_printf(G->a, "%s.Gemm", o->prefix), o->doc, 3, in, out);
    attr_int(G, n, "transB", 1);
}

/* a layer and then its activation: the layer's ops into `a`, or straight into out when linear */
static const char *with_activation(Graph *G, LayerOut *o, const char *out, bool *linear) {
    Value v = layer_arg(o->l, "activation");
    double alpha;
    const OnnxActivation *a = v.kind == V_FUNC ? onnx_activation_of(G->I, v.fn, &alpha, o->l->loc) : NULL;
    *linear = a && !a->op;
    return *linear ? out : arena_printf(G->a, "%s.a", o->prefix);
}

/* the ops of one layer from x into out; false if it has none (dropout) */
static bool export_layer(Graph *G, LayerOut *o, const char *x, const char *out) {
    const Layer *l = o->l;
    bool linear;
    if (stdlib_is(l->def, "dense")) {
        const char *a = with_activation(G, o, out, &linear);
        gemm(G, o, x, a);
        if (!linear) activation(G, o, a, out);
    } else if (stdlib_is(l->def, "batchnorm")) {
        const char *a = with_activation(G, o, out, &linear);
        const char *in[5] = { x, tensor_of(G, o, "gamma"), tensor_of(G, o, "beta"), tensor_of(G, o, "running_mean"),
                              tensor_of(G, o, "running_var") };
        Onnx__NodeProto *n = node(G, "BatchNormalization", arena_printf(G->a, "%s.BatchNormalization", o->prefix),
                                  o->doc, 5, in, a);
        attr_float(G, n, "epsilon", number_arg(G, l, "epsilon"));
        attr_float(G, n, "momentum", 1 - number_arg(G, l, "momentum"));   /* ONNX weighs the old average */
        if (!linear) activation(G, o, a, out);
    } else if (stdlib_is(l->def, "prelu")) {
        const char *in[2] = { x, tensor_of(G, o, "alpha") };
        node(G, "PRelu", arena_printf(G->a, "%s.PRelu", o->prefix), o->doc, 2, in, out);
    } else if (stdlib_is(l->def, "maxout")) {
        const char *a = arena_printf(G->a, "%s.a", o->prefix), *pieces = arena_printf(G->a, "%s.pieces", o->prefix);
        gemm(G, o, x, a);
        int64_t shape[3] = { -1, (int64_t)number_arg(G, l, "units"), (int64_t)number_arg(G, l, "pieces") };
        const char *shape_name = arena_printf(G->a, "%s.shape", o->prefix);
        int64_init(G, shape_name, str(G, "[-1, units, pieces]: column j·pieces + k is piece k of unit j"), 3, shape);
        const char *in[2] = { a, shape_name };
        node(G, "Reshape", arena_printf(G->a, "%s.Reshape", o->prefix), o->doc, 2, in, pieces);
        Onnx__NodeProto *n = node(G, "ReduceMax", arena_printf(G->a, "%s.ReduceMax", o->prefix), o->doc, 1, &pieces, out);
        attr_ints(G, n, "axes", 1, (int64_t[]){ 2 });
        attr_int(G, n, "keepdims", 0);
    } else if (stdlib_is(l->def, "dropout")) {
        return false;
    } else {
        refuse(G, l, arena_printf(G->a, "is %s, not one of the stdlib layers export knows (dense, batchnorm, prelu, "
                                  "maxout, dropout)", layer_origin(G->I, l)));
    }
    return true;
}

unsigned char *onnx_encode(Interp *I, Model *m, SrcLoc loc, size_t *len) {
    model_ensure_initialised(I, m);
    Graph G = { I, &I->pass, NULL, I->dtype == DT_F64 ? ONNX__TENSOR_PROTO__DATA_TYPE__DOUBLE
                                                     : ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT, loc };
    G.g = NEW(&G, Onnx__GraphProto, onnx__graph_proto__descriptor);
    G.g->name = str(&G, m->name);
    G.g->doc_string = source_doc(&G, m->loc, arena_printf(G.a, "model '%s' of nnl", m->name));
    int last = -1;              /* the last layer with ops writes "output" */
    for (int i = 0; i < m->nlayers; i++)
        if (!stdlib_is(m->layers[i].def, "dropout")) last = i;
    const char *x = "input";
    for (int i = 0; i < m->nlayers; i++) {
        Layer *l = &m->layers[i];
        LayerOut o = { l, arena_printf(G.a, "%s.%d", m->name, l->index), NULL };
        o.doc = source_doc(&G, l->loc, arena_printf(G.a, "layer %d%s%s (%s) of model '%s'", l->index,
                                                    l->label ? " " : "", l->label ? l->label : "", l->def->name, m->name));
        const char *out = i == last ? "output" : arena_printf(G.a, "%s.z", o.prefix);
        if (export_layer(&G, &o, x, out)) x = out;
    }
    if (last < 0) node(&G, "Identity", "identity", str(&G, "every layer is dropout: the identity at inference"), 1, &x,
                       "output");
    PUSH(&G, G.g->input, G.g->n_input, value_info(&G, "input", source_doc(&G, m->input_loc, "the model's input"), m->in_dim));
    PUSH(&G, G.g->output, G.g->n_output, value_info(&G, "output", str(&G, "the model's output"), m->out_dim));

    Onnx__ModelProto *model = NEW(&G, Onnx__ModelProto, onnx__model_proto__descriptor);
    model->has_ir_version = true;
    model->ir_version = ONNX_IR_VERSION;
    Onnx__OperatorSetIdProto *opset = NEW(&G, Onnx__OperatorSetIdProto, onnx__operator_set_id_proto__descriptor);
    opset->domain = str(&G, "");
    opset->has_version = true;
    opset->version = ONNX_OPSET;
    PUSH(&G, model->opset_import, model->n_opset_import, opset);
    model->producer_name = str(&G, "nnl");
    model->doc_string = G.g->doc_string;
    model->graph = G.g;
    *len = onnx__model_proto__get_packed_size(model);
    unsigned char *bytes = arena_alloc_raw(G.a, *len + 1);
    onnx__model_proto__pack(model, bytes);
    return bytes;
}
#endif
