/* walk.c — the pass walked by the REPL's own `next` and `step` (teach/trace.h)
 * with their output thrown away: where each `next` from the start stops and
 * which layer it shows (the page's step groups), what `explain` prints there
 * and after each single step, and, for the offline page, the values at every
 * position.  The cursor, the last step and every gradient are put back as
 * they were: the walk ends by stepping from the start to the old position.
 * Must not: compute a value of the pass by other means than the REPL's
 * stepping, or leave the cursor anywhere else. */
#include "base/diag.h"
#include "teach/explain.h"
#include "web/walk.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void pass_steps_free(PassSteps *s) {
    if (s->explain)
        for (int p = 0; p <= s->total; p++) free(s->explain[p]);
    free(s->explain);
    free(s->layer);
    free(s->boundary);
    memset(s, 0, sizeof *s);
}

/* the layer a run of entries shows: the last one of a layer, L+1 for the loss */
static int group_shown(const Trace *t, int from, int to) {
    int g = 0;
    for (int p = from; p < to; p++) {
        int i = p < t->n ? p : 2 * t->n - 1 - p;
        int e = i >= t->nforward ? t->model->nlayers + 1 : t->entries[i].layer;
        if (e != 0) g = e;
    }
    return g;
}

static void *zalloc(size_t n, size_t size) {
    void *p = calloc(n ? n : 1, size);
    if (!p) diag_out_of_memory(n * size);
    return p;
}

/* the frame at the cursor: {cursor, last, explain, loss, layers} */
static cJSON *frame_now(Interp *I, Trace *t, const PassSteps *s, const char *explain) {
    cJSON *f = cJSON_CreateObject();
    cJSON_AddNumberToObject(f, "cursor", t->pos);
    cJSON_AddItemToObject(f, "last", view_last(I, t, s, t->last_from, t->last_to, t->last));
    cJSON_AddItemToObject(f, "explain", explain ? cJSON_CreateString(explain) : cJSON_CreateNull());
    cJSON_AddItemToObject(f, "loss", view_loss(t));
    cJSON *layers = cJSON_AddArrayToObject(f, "layers");
    for (int l = 1; l <= t->model->nlayers; l++) cJSON_AddItemToArray(layers, view_layer_values(t, l));
    return f;
}

void pass_walk(Interp *I, Trace *t, PassSteps *s, cJSON **frames, SrcLoc loc) {
    int total = trace_total(t);
    memset(s, 0, sizeof *s);
    s->total = total;
    s->serial = t->serial;
    s->layer = zalloc((size_t)total, sizeof *s->layer);
    s->boundary = zalloc((size_t)total + 1, sizeof *s->boundary);
    s->explain = zalloc((size_t)total + 1, sizeof *s->explain);
    int pos = t->pos, from = t->last_from, to = t->last_to;
    StepKind last = t->last;
    bool dry = I->dry_run;
    FILE *out = I->out, *sink = fopen("/dev/null", "w");
    if (!sink) fail_at(loc, "cannot open /dev/null to walk the pass quietly");
    I->out = sink;
    I->dry_run = false;
    cJSON *all = frames ? cJSON_CreateArray() : NULL;
    DiagHandler h;
    diag_push(&h);
    volatile bool failed = false;
    if (setjmp(h.env) == 0) {
        /* where `next` stops, and what explain says there */
        t->pos = 0;
        s->boundary[0] = true;
        while (t->pos < total) {
            int at = t->pos;
            trace_next(I, loc);
            int g = group_shown(t, at, t->pos);
            for (int k = at; k < t->pos; k++) s->layer[k] = g;
            s->boundary[t->pos] = true;
            s->explain[t->pos] = view_explain_text(I);
        }
        /* every position by `step` */
        if (all) {
            t->pos = 0;
            t->last = STEP_NONE;
            t->last_from = t->last_to = 0;
            cJSON_AddItemToArray(all, frame_now(I, t, s, NULL));
            while (t->pos < total) {
                trace_step(I, loc);
                char *op = s->boundary[t->pos] ? NULL : view_explain_text(I);
                if (s->boundary[t->pos]) {       /* as `next` got there: the layer's explain */
                    t->last = STEP_GROUP;
                    for (t->last_from = t->pos - 1; t->last_from > 0 && !s->boundary[t->last_from]; t->last_from--) {}
                }
                cJSON_AddItemToArray(all, frame_now(I, t, s, op ? op : s->explain[t->pos]));
                free(op);
            }
        }
        /* back to where the REPL was */
        t->pos = 0;
        while (t->pos < pos) trace_step(I, loc);
        diag_pop(&h);
    } else {
        failed = true;
    }
    t->pos = pos;
    t->last = last;
    t->last_from = from;
    t->last_to = to;
    I->out = out;
    I->dry_run = dry;
    fclose(sink);
    if (failed) {
        cJSON_Delete(all);
        pass_steps_free(s);
        diag_throw();
    }
    if (frames) *frames = all;
}
