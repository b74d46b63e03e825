/* passjson.c — the page's object (docs/view-json.md) from the session: the
 * model and its weights, the current pass at its cursor (values.c), its steps
 * as the REPL's `next` groups them (walk.c; kept per pass for the live page),
 * the loss history of train (train/curve.h) and, for 2-input models, the
 * plane (plane.c).  Runs on the interpreter's thread only.
 * Must not: print, or compute a number the REPL would not. */
#include "base/diag.h"
#include "lang/eval.h"
#include "lang/model.h"
#include "tensor/tensor.h"
#include "train/history.h"
#include "web/passjson.h"
#include "web/plane.h"
#include "web/values.h"
#include "web/walk.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>

Model *view_model(Interp *I) {
    if (I->trace) return I->trace->model;
    if (I->nbuilt) return I->built[I->nbuilt - 1].model;
    Model *m = NULL;
    for (int i = 0; i < I->nglobals; i++) if (I->globals[i].v.kind == V_MODEL) m = I->globals[i].v.model;
    return m;
}

int view_rows(Interp *I) {
    if (!I->trace) return 0;
    int rows = I->trace->single ? 1 : tensor_rows(I->trace->x);
    return rows < VIEW_MAX_ROWS ? rows : VIEW_MAX_ROWS;
}

static int width(const Tensor *t) { return t->ndim <= 1 ? t->size : t->size / (t->shape[0] ? t->shape[0] : 1); }

const char *view_dataset(Interp *I, Model *m) {
    const char *fits = NULL;
    int nfit = 0;
    for (int i = 0; i < I->nglobals; i++) {
        const Dataset *d = I->globals[i].v.kind == V_DATA ? I->globals[i].v.data : NULL;
        if (!d || !d->x || !d->y) continue;
        if (I->trace && I->trace->model == m && (I->trace->x == d->x || I->trace->x == d->x->plain)) return I->globals[i].name;
        if (width(d->x) == m->in_dim && width(d->y) == m->out_dim) { fits = I->globals[i].name; nfit++; }
    }
    return nfit == 1 ? fits : NULL;
}

static cJSON *history(const Model *m) {
    const HistoryRun *h = history_run(m, -1);      /* the current run, as `plot loss` draws it */
    if (!h || h->n == 0) return cJSON_CreateNull();
    cJSON *o = cJSON_CreateObject();
    cJSON *epoch = cJSON_AddArrayToObject(o, "epoch"), *loss = cJSON_AddArrayToObject(o, "loss");
    bool valid = false;
    for (int e = 0; e < h->n; e++) {
        cJSON_AddItemToArray(epoch, cJSON_CreateNumber(e + 1));
        cJSON_AddItemToArray(loss, json_num(h->loss[e]));
        valid |= isfinite(h->valid_loss[e]);
    }
    cJSON *v = valid ? cJSON_CreateArray() : cJSON_CreateNull();
    for (int e = 0; valid && e < h->n; e++) cJSON_AddItemToArray(v, json_num(h->valid_loss[e]));
    cJSON_AddItemToObject(o, "valid_loss", v);
    return o;
}

static cJSON *layer_json(const Model *m, int l) {
    const Layer *layer = &m->layers[l - 1];
    cJSON *o = cJSON_CreateObject();
    cJSON_AddNumberToObject(o, "index", l);
    cJSON_AddStringToObject(o, "kind", layer->def ? layer->def->name : "layer");
    cJSON_AddItemToObject(o, "label", layer->label ? cJSON_CreateString(layer->label) : cJSON_CreateNull());
    cJSON_AddNumberToObject(o, "units", layer->out_dim);
    const char *act = layer_activation(layer);
    cJSON_AddStringToObject(o, "activation", act ? act : "");
    const Param *W = view_param(layer, true), *b = view_param(layer, false);
    bool ready = m->initialised;
    cJSON_AddItemToObject(o, "W", ready && W ? json_rows(W->value, 1 << 30) : cJSON_CreateNull());
    cJSON_AddItemToObject(o, "b", ready && b ? json_flat(b->value) : cJSON_CreateNull());
    return o;
}

/* the steps of the live pass, walked once per pass */
static PassSteps live_steps;

static const PassSteps *steps_of(Interp *I, Trace *t, cJSON **frames, SrcLoc loc) {
    if (frames || live_steps.serial != t->serial || !live_steps.layer) {
        if (trace_stale(t) || t->applied) return live_steps.serial == t->serial && live_steps.layer ? &live_steps : NULL;
        pass_steps_free(&live_steps);
        pass_walk(I, t, &live_steps, frames, loc);
    }
    return &live_steps;
}

char *view_json(Interp *I, int row, bool live, SrcLoc loc) {
    Model *m = view_model(I);
    Trace *t = I->trace;
    if (!m) fail_at(loc, "there is no model to view yet: define one with 'model NET { ... }'");
    cJSON *frames = NULL;
    const PassSteps *s = t ? steps_of(I, t, live ? NULL : &frames, loc) : NULL;
    cJSON *o = cJSON_CreateObject();
    cJSON_AddNumberToObject(o, "version", 1);
    cJSON_AddStringToObject(o, "model", m->name);
    cJSON_AddNumberToObject(o, "inputs", m->in_dim);
    cJSON *layers = cJSON_AddArrayToObject(o, "layers");
    for (int l = 1; l <= m->nlayers; l++) {
        cJSON *layer = layer_json(m, l);
        cJSON *values = t ? view_layer_values(t, l) : NULL;
        static const char *const fields[] = { "gradW", "gradb", "a", "z", "delta" };
        for (int f = 0; f < 5; f++) {
            cJSON *v = values ? cJSON_DetachItemFromObject(values, fields[f]) : NULL;
            cJSON_AddItemToObject(layer, fields[f], v ? v : cJSON_CreateNull());
        }
        cJSON_Delete(values);
        cJSON_AddItemToArray(layers, layer);
    }
    int rows = view_rows(I);
    cJSON_AddItemToObject(o, "x", t ? json_rows(t->x, VIEW_MAX_ROWS) : cJSON_CreateArray());
    cJSON_AddItemToObject(o, "y", t && t->y ? json_rows(t->y, VIEW_MAX_ROWS) : cJSON_CreateNull());
    cJSON_AddNumberToObject(o, "rows", rows);
    cJSON_AddNumberToObject(o, "row", row >= 0 && row < rows ? row : 0);
    cJSON_AddNumberToObject(o, "cursor", t ? t->pos : 0);
    cJSON_AddNumberToObject(o, "total", t ? trace_total(t) : 0);
    cJSON_AddItemToObject(o, "steps", t ? view_steps(I, t, s) : cJSON_CreateArray());
    cJSON_AddItemToObject(o, "last", t ? view_last(I, t, s, t->last_from, t->last_to, t->last) : cJSON_CreateNull());
    char *explain = view_explain_text(I);
    cJSON_AddItemToObject(o, "explain", explain ? cJSON_CreateString(explain) : cJSON_CreateNull());
    free(explain);
    cJSON_AddItemToObject(o, "loss", t ? view_loss(t) : cJSON_CreateNull());
    cJSON_AddItemToObject(o, "loss_name", t && t->loss ? cJSON_CreateString(t->loss_name) : cJSON_CreateNull());
    cJSON_AddNumberToObject(o, "digits", trace_digits(I));
    cJSON_AddItemToObject(o, "history", history(m));
    const Tensor *px = t ? t->x : NULL, *py = t ? t->y : NULL;
    const char *data = view_dataset(I, m);
    Value *d = data ? global_find(I, data) : NULL;
    if (d && d->kind == V_DATA) { px = tensor_plain(d->data->x); py = d->data->y; }
    cJSON_AddItemToObject(o, "plane", view_plane(I, m, px, py, loc));
    cJSON_AddItemToObject(o, "frames", frames ? frames : cJSON_CreateNull());
    cJSON_AddBoolToObject(o, "live", live);
    cJSON_AddBoolToObject(o, "stale", t && (t->applied || trace_stale(t)));
    char *text = cJSON_PrintUnformatted(o);
    cJSON_Delete(o);
    if (!text) diag_out_of_memory(0);
    return text;
}
