/* graph_pass.c — the pass per layer as a DOT graph: z(0), then per layer
 * its parameters and the values its forward named (a(l), z(l), ...), then
 * the target and the loss C; each node shows `data | grad` at the cursor as
 * show reports it (not reached yet, no gradient, partial), the values the
 * step just taken computed (or passed a gradient into) are highlighted.
 * An edge joins two nodes when the ops between them go through no other
 * node.  Must not: compute a value or move the cursor (teach/trace.c). */
#include "autodiff/prims.h"
#include "base/arena.h"
#include "base/diag.h"
#include "lang/model.h"
#include "see/graph.h"
#include "see/graph_dot.h"
#include "tensor/tensor.h"
#include <stdlib.h>
#include <string.h>

typedef struct GNode {
    const Tensor *v;
    const char *title, *subtitle, *fill;
    int cluster;              /* its layer, 0 before the layers, -1 the loss */
    bool hot;
} GNode;

typedef struct Graph {
    Interp *I;
    const Trace *t;
    GNode *nodes;
    int n, cap;
    int *edges;               /* pairs from, to */
    int nedges, cap_edges;
    int *seen;                /* seen[entry]: the node whose sources were last looked for through it */
} Graph;

static int node_of(const Graph *g, const Tensor *v) {
    for (int i = 0; i < g->n; i++) if (g->nodes[i].v == v) return i;
    return -1;
}

/* a node for v, or another name for the node it has (z = linear(a) is a) */
static void add(Graph *g, const Tensor *v, const char *title, int cluster, const char *fill, const char *subtitle) {
    int i = node_of(g, v);
    if (i >= 0) {
        g->nodes[i].title = arena_printf(&g->I->pass, "%s = %s", g->nodes[i].title, title);
        return;
    }
    g->nodes = dot_grow(g->nodes, &g->cap, g->n + 1, sizeof *g->nodes);
    g->nodes[g->n++] = (GNode){ v, title, subtitle, fill, cluster, false };
}

static void add_edge(Graph *g, int from, int to) {
    for (int e = 0; e < g->nedges; e++) if (g->edges[2 * e] == from && g->edges[2 * e + 1] == to) return;
    g->edges = dot_grow(g->edges, &g->cap_edges, 2 * (g->nedges + 1), sizeof *g->edges);
    g->edges[2 * g->nedges] = from;
    g->edges[2 * g->nedges++ + 1] = to;
}

/* the entry that computed v in this pass, or -1 */
static int producer(const Trace *t, const Tensor *v) {
    int p = v->producer;
    return p >= 0 && p < t->n && t->entries[p].call.out == v ? p : -1;
}

/* an edge to target from each node v is computed from through ops that make no node */
static void sources(Graph *g, const Tensor *v, int target) {
    int p = producer(g->t, v);
    if (p < 0 || g->seen[p] == target) return;
    g->seen[p] = target;
    const PrimCall *c = &g->t->entries[p].call;
    for (int k = 0; k < c->nin; k++) {
        int i = node_of(g, c->in[k]);
        if (i >= 0) add_edge(g, i, target);
        else sources(g, c->in[k], target);
    }
}

/* the node an op's output flows into first (itself if it is one), or -1 */
static int flows_into(Graph *g, int entry) {
    const Trace *t = g->t;
    int i = node_of(g, t->entries[entry].call.out);
    if (i >= 0) return i;
    const Tensor **chain = malloc(sizeof *chain * (size_t)(t->n + 1));
    if (!chain) diag_out_of_memory(sizeof *chain * (size_t)t->n);
    int nchain = 0, found = -1;
    chain[nchain++] = t->entries[entry].call.out;
    for (int j = entry + 1; j < t->n && found < 0; j++) {
        const PrimCall *c = &t->entries[j].call;
        bool uses = false;
        for (int k = 0; k < c->nin && !uses; k++)
            for (int q = 0; q < nchain && !uses; q++) uses = c->in[k] == chain[q];
        if (!uses) continue;
        found = node_of(g, c->out);
        chain[nchain++] = c->out;
    }
    free(chain);
    return found;
}

/* The step just taken: forward, the nodes its ops computed (or the node an
 * unnamed result flows into); backward, the nodes its ops passed a gradient
 * to (or, when none is a node, the node whose backward it is inside). */
static void mark_hot(Graph *g) {
    const Trace *t = g->t;
    int from, to;
    if (!dot_last_step(t, &from, &to)) return;
    for (int p = from; p < to; p++) {
        int e = trace_entry_at(t, p);
        const PrimCall *c = &t->entries[e].call;
        bool any = false;
        if (p >= t->n)
            for (int k = 0; k < c->nin; k++) {
                int i = c->in[k]->requires_grad ? node_of(g, c->in[k]) : -1;
                if (i >= 0) g->nodes[i].hot = any = true;
            }
        if (!any) {
            int i = flows_into(g, e);
            if (i >= 0) g->nodes[i].hot = true;
        }
    }
}

/* "a = x @ W' + b": the assignment that named a value */
static const char *stmt_text(Interp *I, const Node *stmt) {
    if (!stmt || stmt->kind != N_ASSIGN || !stmt->a) return NULL;
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    if (!f) diag_out_of_memory(256);
    if (stmt->op == '=') fprintf(f, "%s = ", stmt->name);
    else fprintf(f, "%s %c= ", stmt->name, stmt->op);
    ast_print_expr(f, stmt->a);
    fclose(f);
    const char *s = arena_strdup(&I->pass, text);
    free(text);
    return s;
}

static void collect(Graph *g) {
    Interp *I = g->I;
    const Trace *t = g->t;
    const Model *m = t->model;
    if (t->nlayers) add(g, t->layers[0].in, "z(0) = x", 0, DOT_INPUT_FILL, NULL);
    else add(g, t->x, "x", 0, DOT_INPUT_FILL, NULL);
    for (int l = 1; l <= m->nlayers; l++) {
        const Layer *layer = &m->layers[l - 1];
        for (int k = 0; k < layer->nparams; k++)
            add(g, layer->params[k].value, arena_printf(&I->pass, "%s(%d)", layer->params[k].name, l), l,
                DOT_PARAM_FILL, NULL);
        bool named = false;
        for (int i = 0; i < t->nnames; i++) {
            const TapeName *nm = &t->names[i];
            if (nm->layer != l) continue;
            add(g, nm->value, arena_printf(&I->pass, "%s(%d)", nm->name, l), l, DOT_VALUE_FILL, stmt_text(I, nm->stmt));
            named = true;
        }
        const TapeLayer *tl = trace_layer(t, l);
        if (!named && tl) add(g, tl->out, arena_printf(&I->pass, "z(%d)", l), l, DOT_VALUE_FILL, NULL);
    }
    if (t->out && t->loss) add(g, t->out, "ŷ", -1, DOT_VALUE_FILL, NULL);
    if (t->y) add(g, t->y, "t (target)", -1, DOT_INPUT_FILL, NULL);
    if (t->loss) add(g, t->loss, "C", -1, DOT_LOSS_FILL, arena_printf(&I->pass, "loss %s", t->loss_name));
}

static void write_node(Dot *d, Graph *g, int i) {
    const GNode *n = &g->nodes[i];
    ValueNode vn = { arena_printf(&g->I->pass, "n%d", i), n->title, n->subtitle, n->fill, n->v, n->hot };
    fputs("  ", d->f);
    dot_value_node(d, g->I, g->t, &vn);
}

static const char *cluster_label(Interp *I, const Layer *l) {
    const char *act = layer_activation(l);
    return arena_printf(&I->pass, "layer %d%s%s: %s%s%s", l->index, l->label ? " " : "", l->label ? l->label : "",
                        l->def->name, act ? " " : "", act ? act : "");
}

char *graph_pass(Interp *I, const Trace *t, size_t *len) {
    Graph g = { .I = I, .t = t };
    g.seen = malloc(sizeof *g.seen * (size_t)(t->n + 1));
    if (!g.seen) diag_out_of_memory(sizeof *g.seen * (size_t)t->n);
    collect(&g);
    for (int i = 0; i < t->n; i++) g.seen[i] = -1;
    for (int i = 0; i < g.n; i++) sources(&g, g.nodes[i].v, i);
    mark_hot(&g);
    Dot d;
    dot_open(&d);
    dot_begin(&d, t->model->name, "LR", dot_pass_title(I, t, "per layer"));
    for (int c = -1; c <= t->model->nlayers; c++) {
        bool any = false;
        for (int i = 0; i < g.n; i++) any |= g.nodes[i].cluster == c;
        if (!any) continue;
        if (c != 0) {
            fprintf(d.f, "  subgraph cluster_%d {\n    style=\"rounded,filled\"; color=\"#bbbbbb\"; fillcolor=\"#f7f8fb\"; "
                         "fontsize=11; label=", c < 0 ? 0 : c);
            dot_quoted(&d, c < 0 ? "loss" : cluster_label(I, &t->model->layers[c - 1]));
            fputs(";\n", d.f);
        }
        for (int i = 0; i < g.n; i++) if (g.nodes[i].cluster == c) write_node(&d, &g, i);
        if (c != 0) fputs("  }\n", d.f);
    }
    for (int e = 0; e < g.nedges; e++) {
        int from = g.edges[2 * e], to = g.edges[2 * e + 1], p = producer(t, g.nodes[to].v);
        fprintf(d.f, "  n%d -> n%d [", from, to);
        /* one op from this one value (sigmoid, relu): the edge says which */
        if (p >= 0 && t->entries[p].call.nin == 1 && t->entries[p].call.in[0] == g.nodes[from].v)
            fprintf(d.f, "label=\"%s\", ", prims[t->entries[p].call.op].name);
        /* an edge into another layer leaves a rank between the layers' boxes, so they line up */
        fprintf(d.f, "minlen=%d];\n", g.nodes[from].cluster != g.nodes[to].cluster ? 2 : 1);
    }
    dot_end(&d);
    free(g.nodes);
    free(g.edges);
    free(g.seen);
    return dot_close(&d, len);
}
