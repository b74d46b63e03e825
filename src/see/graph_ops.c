/* graph_ops.c — the pass per op as a DOT graph, micrograd's draw_dot: one
 * node per tape entry (its number, primitive and source line) and one per
 * value it reads or makes, with `data | grad` at the cursor; the entries
 * grouped by layer (the model around them, the loss), the op the step just
 * taken ran highlighted with the values it computed (forward) or passed a
 * gradient to (backward), the next op outlined.  Must not: compute a value
 * or move the cursor (teach/trace.c). */
#include "autodiff/prims.h"
#include "base/arena.h"
#include "base/diag.h"
#include "see/graph.h"
#include "see/graph_dot.h"
#include "tensor/tensor.h"
#include <stdlib.h>
#include <string.h>

/* a value an entry reads or makes, drawn in the group (trace_group) of the entry that first names it */
typedef struct OpsValue { const Tensor *v; int group; bool hot; } OpsValue;
typedef struct OpsGraph { OpsValue *vals; int n, cap; } OpsGraph;

static int value_of(const OpsGraph *g, const Tensor *v) {
    for (int i = 0; i < g->n; i++) if (g->vals[i].v == v) return i;
    return -1;
}

static void add_value(OpsGraph *g, const Tensor *v, int group) {
    if (value_of(g, v) >= 0) return;
    g->vals = dot_grow(g->vals, &g->cap, g->n + 1, sizeof *g->vals);
    g->vals[g->n++] = (OpsValue){ v, group, false };
}

static const char *value_title(Interp *I, const Trace *t, const Tensor *v) {
    const char *label = trace_label(I, t, v);
    if (label) return label;
    int p = v->producer;
    if (p >= 0 && p < t->n && t->entries[p].call.out == v) return arena_printf(&I->pass, "(op %d)", p + 1);
    return "const";
}

static const char *value_fill(Interp *I, const Trace *t, const Tensor *v) {
    if (v == t->loss) return DOT_LOSS_FILL;
    if (v->producer >= 0) return DOT_VALUE_FILL;
    const char *label = trace_label(I, t, v);
    return label && v != t->x && v != t->y ? DOT_PARAM_FILL : DOT_INPUT_FILL;
}

/* an op: its number and primitive, the line of source that applied it */
static void op_node(Dot *d, const Trace *t, int i, bool hot, bool next) {
    const TapeEntry *e = &t->entries[i];
    char line[200];
    char *src = diag_source_line(e->loc, line, sizeof line) ? line : line + sizeof line - 1;
    line[sizeof line - 1] = 0;
    while (*src == ' ' || *src == '\t') src++;
    size_t cut = 50;                       /* a long line is cut, at a character's first byte */
    if (strlen(src) > cut + 3) {
        while (cut > 0 && ((unsigned char)src[cut] & 0xC0) == 0x80) cut--;
        memcpy(src + cut, "...", 4);
    }
    fprintf(d->f, "    o%d [shape=box, style=\"rounded,filled%s\", fillcolor=\"%s\", color=\"%s\", penwidth=%d, label=<",
            i, next ? ",dashed" : "", hot ? DOT_HOT_FILL : "#ffffff", hot ? DOT_HOT : next ? DOT_CURSOR : "#777777",
            hot || next ? 3 : 1);
    if (next) fputs("<FONT COLOR=\"" DOT_CURSOR "\"><B>next ▸</B></FONT> ", d->f);
    fprintf(d->f, "<B>%s</B> <FONT POINT-SIZE=\"9\">op %d</FONT>", prims[e->call.op].name, i + 1);
    if (*src) {
        fputs("<BR/><FONT POINT-SIZE=\"8\" COLOR=\"#555555\">", d->f);
        dot_html(d, src);
        fputs("</FONT>", d->f);
    }
    fputs(">];\n", d->f);
}

static const char *group_label(Interp *I, const Trace *t, int group) {
    if (group < 0) return arena_printf(&I->pass, "loss %s", t->loss_name);
    const Layer *l = &t->model->layers[group - 1];
    return arena_printf(&I->pass, "layer %d: %s", group, l->def->name);
}

char *graph_pass_ops(Interp *I, const Trace *t, size_t *len) {
    OpsGraph g = { 0 };
    for (int i = 0; i < t->n; i++) {
        const PrimCall *c = &t->entries[i].call;
        for (int k = 0; k < c->nin; k++) add_value(&g, c->in[k], trace_group(t, i));
        add_value(&g, c->out, trace_group(t, i));
    }
    bool *hot_op = calloc((size_t)(t->n + 1), sizeof *hot_op);
    if (!hot_op) diag_out_of_memory(sizeof *hot_op * (size_t)t->n);
    int from, to;
    if (dot_last_step(t, &from, &to))
        for (int p = from; p < to; p++) {
            int e = trace_entry_at(t, p);
            const PrimCall *c = &t->entries[e].call;
            hot_op[e] = true;
            if (p < t->n) g.vals[value_of(&g, c->out)].hot = true;
            else
                for (int k = 0; k < c->nin; k++) if (c->in[k]->requires_grad) g.vals[value_of(&g, c->in[k])].hot = true;
        }
    bool moved = t->applied || trace_stale(t);
    int next = !moved && t->pos < trace_total(t) ? trace_entry_at(t, t->pos) : -1;
    Dot d;
    dot_open(&d);
    dot_begin(&d, t->model->name, "LR", dot_pass_title(I, t, "per op"));
    for (int group = -1; group <= t->model->nlayers; group++) {
        bool any = false;
        for (int i = 0; i < t->n; i++) any |= trace_group(t, i) == group;
        if (!any) continue;
        if (group != 0) {         /* what the model does around its layers is not a box of its own */
            fprintf(d.f, "  subgraph cluster_%d {\n    style=\"rounded,filled\"; color=\"#bbbbbb\"; fillcolor=\"#f7f8fb\"; "
                         "fontsize=11; label=", group + 1);
            dot_quoted(&d, group_label(I, t, group));
            fputs(";\n", d.f);
        }
        for (int i = 0; i < t->n; i++) if (trace_group(t, i) == group) op_node(&d, t, i, hot_op[i], i == next);
        for (int v = 0; v < g.n; v++) {
            const OpsValue *val = &g.vals[v];
            if (val->group != group) continue;
            ValueNode vn = { arena_printf(&I->pass, "v%d", v), value_title(I, t, val->v), NULL,
                             value_fill(I, t, val->v), val->v, val->hot };
            fputs("  ", d.f);
            dot_value_node(&d, I, t, &vn);
        }
        if (group != 0) fputs("  }\n", d.f);
    }
    for (int i = 0; i < t->n; i++) {
        const PrimCall *c = &t->entries[i].call;
        /* an edge into another layer leaves a rank between the layers' boxes, so they line up */
        for (int k = 0; k < c->nin; k++) {
            int v = value_of(&g, c->in[k]);
            fprintf(d.f, "  v%d -> o%d [minlen=%d];\n", v, i, g.vals[v].group != trace_group(t, i) ? 2 : 1);
        }
        fprintf(d.f, "  o%d -> v%d;\n", i, value_of(&g, c->out));
    }
    dot_end(&d);
    free(hot_op);
    free(g.vals);
    return dot_close(&d, len);
}
