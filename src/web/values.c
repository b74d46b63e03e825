/* values.c — the pass's values at its cursor, as JSON for the page: rows of
 * a tensor, each layer's a(l), z(l), δ(l), ∂C/∂W, ∂C/∂b (null where the
 * REPL's `show` would say "not reached yet"), the loss, the list of steps and
 * the step just taken.  Numbers are printed with %.9g (a float32 round-trips).
 * Must not: move the cursor or compute a number the REPL does not show: it
 * reads the trace (teach/trace.h) and the model. */
#include "autodiff/prims.h"
#include "base/diag.h"
#include "lang/model.h"
#include "teach/explain.h"
#include "tensor/tensor.h"
#include "web/values.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

cJSON *json_num(double v) {
    if (!isfinite(v)) return cJSON_CreateNull();
    char b[40];
    snprintf(b, sizeof b, "%.9g", v);
    return cJSON_CreateRaw(b);
}

cJSON *json_rows(const Tensor *t, int max_rows) {
    cJSON *rows = cJSON_CreateArray();
    int n = t->ndim <= 1 ? 1 : t->shape[0];
    int cols = n ? t->size / n : 0;
    for (int r = 0; r < n && r < max_rows; r++) {
        cJSON *row = cJSON_CreateArray();
        for (int c = 0; c < cols; c++) cJSON_AddItemToArray(row, json_num(tensor_get(t, r * cols + c)));
        cJSON_AddItemToArray(rows, row);
    }
    return rows;
}

cJSON *json_flat(const Tensor *t) {
    cJSON *a = cJSON_CreateArray();
    for (int i = 0; i < t->size; i++) cJSON_AddItemToArray(a, json_num(tensor_get(t, i)));
    return a;
}

/* the layer's weight matrix [units, in] (W, else the first parameter of
 * that shape) or its bias [units] */
const Param *view_param(const Layer *l, bool matrix) {
    const char *name = matrix ? "W" : "b";
    const Param *found = NULL;
    for (int i = 0; i < l->nparams; i++) {
        const Tensor *v = l->params[i].value;
        if (!v) continue;
        bool fits = matrix ? v->ndim == 2 && v->shape[0] == l->out_dim && v->shape[1] == l->in_dim
                           : v->ndim == 1 && v->shape[0] == l->out_dim;
        if (fits && strcmp(l->params[i].name, name) == 0) return &l->params[i];
        if (fits && !found) found = &l->params[i];
    }
    return found;
}

static cJSON *reached_rows(const Trace *t, const Tensor *v) {
    return v && trace_forward_reached(t, v) ? json_rows(v, VIEW_MAX_ROWS) : cJSON_CreateNull();
}

static cJSON *grad_of(const Trace *t, const Tensor *v, bool rows) {
    if (!v || !trace_grad_reached(t, v)) return cJSON_CreateNull();
    return rows ? json_rows(v->grad, VIEW_MAX_ROWS) : v->grad->ndim == 2 ? json_rows(v->grad, 1 << 30) : json_flat(v->grad);
}

cJSON *view_layer_values(const Trace *t, int l) {
    cJSON *o = cJSON_CreateObject();
    const Layer *layer = &t->model->layers[l - 1];
    const TapeLayer *tl = trace_layer(t, l);
    const char *pre_name;
    Tensor *a = tl ? trace_preactivation(t, l, &pre_name) : NULL;
    Tensor *z = trace_named(t, l, "z");
    if (!z && tl) z = tl->out;
    const Param *W = view_param(layer, true), *b = view_param(layer, false);
    cJSON_AddItemToObject(o, "a", reached_rows(t, a));
    cJSON_AddItemToObject(o, "z", reached_rows(t, z));
    cJSON_AddItemToObject(o, "delta", grad_of(t, a, true));
    cJSON_AddItemToObject(o, "gradW", grad_of(t, W ? W->value : NULL, false));
    cJSON_AddItemToObject(o, "gradb", grad_of(t, b ? b->value : NULL, false));
    return o;
}

cJSON *view_loss(const Trace *t) {
    if (!t->loss || !trace_forward_reached(t, t->loss)) return cJSON_CreateNull();
    return json_num(tensor_get(t->loss, 0));
}

static int entry_of(const Trace *t, int k) { return k < t->n ? k : 2 * t->n - 1 - k; }

static cJSON *layer_number(const Trace *t, const PassSteps *s, int k) {
    int l = s && k >= 0 && k < s->total ? s->layer[k] : 0;
    (void)t;
    return l > 0 ? cJSON_CreateNumber(l) : cJSON_CreateNull();
}

/* "a(2)" -> "a", "C" -> "loss"; NULL when the value has no label */
static const char *label_kind(Interp *I, const Trace *t, const Tensor *v, char *buf, size_t size) {
    const char *label = trace_label(I, t, v);
    if (!label) return NULL;
    if (strcmp(label, "C") == 0) return "loss";
    snprintf(buf, size, "%.*s", (int)strcspn(label, "("), label);
    return buf;
}

cJSON *view_steps(Interp *I, const Trace *t, const PassSteps *s) {
    cJSON *steps = cJSON_CreateArray();
    int total = trace_total(t);
    for (int k = 0; k < total; k++) {
        const TapeEntry *e = &t->entries[entry_of(t, k)];
        bool backward = k >= t->n;
        cJSON *o = cJSON_CreateObject();
        cJSON_AddItemToObject(o, "layer", layer_number(t, s, k));
        cJSON_AddStringToObject(o, "direction", backward ? "backward" : "forward");
        char line[200];
        cJSON_AddStringToObject(o, "text", diag_source_line(e->loc, line, sizeof line) ? line : "");
        const char *label = trace_label(I, t, e->call.out);
        char name[120];
        if (label) snprintf(name, sizeof name, "%s%s", backward ? "∂" : "", label);
        else snprintf(name, sizeof name, "%sop %d", backward ? "∂" : "", entry_of(t, k) + 1);
        cJSON_AddStringToObject(o, "name", name);
        cJSON_AddStringToObject(o, "op", prims[e->call.op].name);
        cJSON_AddItemToArray(steps, o);
    }
    return steps;
}

/* what one op step produced: forward its output's kind, backward the
 * gradient it completed (δ, ∂C/∂W, ∂C/∂b), else the op's name */
static const char *op_what(Interp *I, const Trace *t, int k, char *buf, size_t size) {
    const PrimCall *c = &t->entries[entry_of(t, k)].call;
    if (k < t->n) {
        const char *kind = label_kind(I, t, c->out, buf, size);
        return kind ? kind : prims[c->op].name;
    }
    for (int i = 0; i < c->nin; i++) {
        const char *kind = label_kind(I, t, c->in[i], buf, size);
        if (!kind) continue;
        if (strcmp(kind, "a") == 0) return "delta";
        if (strcmp(kind, "W") == 0) return "gradW";
        if (strcmp(kind, "b") == 0) return "gradb";
    }
    return prims[c->op].name;
}

cJSON *view_last(Interp *I, const Trace *t, const PassSteps *s, int from, int to, StepKind kind) {
    if (to <= from || to <= 0 || kind == STEP_UPDATE) return cJSON_CreateNull();
    int k = to - 1, L = t->model->nlayers;
    bool backward = k >= t->n;
    cJSON *o = cJSON_CreateObject();
    cJSON_AddItemToObject(o, "layer", layer_number(t, s, k));
    cJSON_AddStringToObject(o, "direction", backward ? "backward" : "forward");
    char buf[64];
    const char *what;
    if (kind == STEP_OP && to - from == 1) what = op_what(I, t, k, buf, sizeof buf);
    else if (s && s->layer[k] == L + 1) what = "loss";
    else what = backward ? "delta" : "z";
    cJSON_AddStringToObject(o, "what", what);
    return o;
}

/* explain into I->out; an error says nothing */
static void explain_quietly(Interp *I) {
    DiagHandler h;
    diag_push(&h);
    if (setjmp(h.env) == 0) {
        trace_explain(I, (SrcLoc){ 0 });
        diag_pop(&h);
    }
}

char *view_explain_text(Interp *I) {
    const Trace *t = I->trace;
    if (!t || (t->last == STEP_NONE && t->last_to <= t->last_from)) return NULL;
    char *text = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&text, &len);
    if (!mem) return NULL;
    FILE *saved = I->out;
    I->out = mem;
    explain_quietly(I);
    I->out = saved;
    fclose(mem);
    while (len && text[len - 1] == '\n') text[--len] = 0;
    return text;
}
