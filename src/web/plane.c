/* plane.c — a 2-input model over the plane: its own forward (model_forward,
 * in evaluation mode, recorded on the tape only to read each layer's output)
 * on a PLANE_N × PLANE_N grid spanning the data, for every unit's heatmap
 * and the decision regions.  The mode and the tape are saved and restored
 * as trace_record does, so the REPL's pass and state are untouched.
 * Must not: change a weight or a layer's state, or draw (the page does). */
#include "autodiff/tape.h"
#include "base/diag.h"
#include "lang/model.h"
#include "lang/stdnames.h"
#include "tensor/tensor.h"
#include "web/plane.h"
#include "web/values.h"
#include <math.h>
#include <string.h>

static int label_of(const Tensor *y, int r) {
    if (!y) return 0;
    int cols = y->ndim <= 1 ? 1 : y->size / y->shape[0];
    if (cols == 1) return tensor_get(y, r) > 0.5;
    int best = 0;
    for (int c = 1; c < cols; c++) if (tensor_get(y, r * cols + c) > tensor_get(y, r * cols + best)) best = c;
    return best;
}

/* the colour range of a layer's units: the stdlib activation's own (a
 * script's own sigmoid may reach anything), else the values' */
static void range_of(const Interp *I, const Layer *l, const Tensor *z, double *lo, double *hi) {
    const char *act = layer_stdlib_activation(I, l);
    if (!act) act = "";
    if (strcmp(act, "sigmoid") == 0 || strcmp(act, "softmax") == 0) { *lo = 0; *hi = 1; return; }
    if (strcmp(act, "tanh") == 0) { *lo = -1; *hi = 1; return; }
    *lo = INFINITY; *hi = -INFINITY;
    for (int i = 0; i < z->size; i++) {
        double v = tensor_get(z, i);
        if (isfinite(v)) { *lo = fmin(*lo, v); *hi = fmax(*hi, v); }
    }
    if (!(*lo < *hi)) { double c = isfinite(*lo) ? *lo : 0; *lo = c - 1; *hi = c + 1; }
}

static void span(const Tensor *x, int col, int rows, double *lo, double *hi) {
    *lo = INFINITY; *hi = -INFINITY;
    for (int r = 0; r < rows; r++) {
        double v = tensor_get(x, r * 2 + col);
        if (isfinite(v)) { *lo = fmin(*lo, v); *hi = fmax(*hi, v); }
    }
    if (!(*lo <= *hi)) { *lo = -1; *hi = 1; }
    double pad = fmax((*hi - *lo) * 0.1, 0.5);
    *lo -= pad;
    *hi += pad;
}

cJSON *view_plane(Interp *I, Model *m, const Tensor *x, const Tensor *y, SrcLoc loc) {
    if (m->in_dim != 2 || !m->initialised || !x || x->size % 2) return cJSON_CreateNull();
    int rows = x->size / 2, n = PLANE_N;
    double x0, x1, y0, y1;
    span(x, 0, rows, &x0, &x1);
    span(x, 1, rows, &y0, &y1);
    Tensor *grid = tensor_new(&I->pass, x->dtype, 2, (int[]){ n * n, 2 });
    for (int r = 0; r < n; r++)
        for (int c = 0; c < n; c++) {
            tensor_set(grid, (r * n + c) * 2, x0 + (x1 - x0) * c / (n - 1));
            tensor_set(grid, (r * n + c) * 2 + 1, y1 - (y1 - y0) * r / (n - 1));
        }
    EvalMode saved = I->mode;
    tape_clear(&I->tape);
    I->mode.tape.recording = true;
    I->mode.tape.record_all = true;        /* to read each layer's output */
    I->mode.training = false;
    I->mode.write_state = false;
    DiagHandler h;
    diag_push(&h);
    if (setjmp(h.env) != 0) {
        I->mode = saved;
        tape_clear(&I->tape);
        return cJSON_CreateNull();
    }
    Tensor *out = model_forward(I, m, grid, loc);
    diag_pop(&h);
    cJSON *p = cJSON_CreateObject();
    cJSON_AddItemToObject(p, "xmin", json_num(x0));
    cJSON_AddItemToObject(p, "xmax", json_num(x1));
    cJSON_AddItemToObject(p, "ymin", json_num(y0));
    cJSON_AddItemToObject(p, "ymax", json_num(y1));
    cJSON_AddNumberToObject(p, "n", n);
    cJSON *neurons = cJSON_AddArrayToObject(p, "neurons");
    cJSON *zmin = cJSON_AddArrayToObject(p, "zmin"), *zmax = cJSON_AddArrayToObject(p, "zmax");
    for (int l = 1; l <= m->nlayers; l++) {
        const Tensor *z = NULL;
        for (int i = 0; i < I->tape.nlayers; i++) if (I->tape.layers[i].layer == l) z = I->tape.layers[i].out;
        cJSON *units = cJSON_CreateArray();
        double lo = 0, hi = 1;
        int width = m->layers[l - 1].out_dim;
        if (z && z->size == n * n * width) {
            range_of(I, &m->layers[l - 1], z, &lo, &hi);
            for (int j = 0; j < width; j++) {
                cJSON *map = cJSON_CreateArray();
                for (int g = 0; g < n * n; g++) cJSON_AddItemToArray(map, json_num(tensor_get(z, g * width + j)));
                cJSON_AddItemToArray(units, map);
            }
        }
        cJSON_AddItemToArray(neurons, units);
        cJSON_AddItemToArray(zmin, json_num(lo));
        cJSON_AddItemToArray(zmax, json_num(hi));
    }
    cJSON *output = cJSON_AddArrayToObject(p, "output");
    int k = m->out_dim;
    for (int g = 0; g < n * n && out->size == n * n * k; g++) {
        if (k == 1) { cJSON_AddItemToArray(output, json_num(tensor_get(out, g))); continue; }
        int best = 0;
        for (int c = 1; c < k; c++) if (tensor_get(out, g * k + c) > tensor_get(out, g * k + best)) best = c;
        cJSON_AddItemToArray(output, cJSON_CreateNumber(best));
    }
    cJSON_AddItemToObject(p, "classes", k > 1 ? cJSON_CreateNumber(k) : cJSON_CreateNull());
    cJSON *points = cJSON_AddArrayToObject(p, "points");
    for (int r = 0; r < rows && r < PLANE_MAX_POINTS; r++) {
        cJSON *pt = cJSON_CreateObject();
        cJSON_AddItemToObject(pt, "x", json_num(tensor_get(x, r * 2)));
        cJSON_AddItemToObject(pt, "y", json_num(tensor_get(x, r * 2 + 1)));
        cJSON_AddNumberToObject(pt, "label", label_of(y, r));
        cJSON_AddItemToArray(points, pt);
    }
    I->mode = saved;
    tape_clear(&I->tape);
    return p;
}
