/* graph_dot.c — the DOT writing every graph shares: a text buffer, escaping,
 * the graph's header with its title, and one value of the pass as a node
 * with its `data | grad` cells.  Must not: decide what a picture contains
 * (graph_model.c, graph_pass.c, graph_ops.c) or compute a value: numbers
 * come from the pass as show reports them (teach/trace.h). */
#include "base/arena.h"
#include "base/diag.h"
#include "see/graph_dot.h"
#include "tensor/tensor.h"
#include <stdlib.h>
#include <string.h>

void dot_open(Dot *d) {
    *d = (Dot){ 0 };
    d->f = open_memstream(&d->text, &d->len);
    if (!d->f) diag_out_of_memory(4096);
}

char *dot_close(Dot *d, size_t *len) {
    if (fclose(d->f) != 0) diag_out_of_memory(d->len);
    d->f = NULL;
    *len = d->len;
    return d->text;
}

void *dot_grow(void *p, int *cap, int need, size_t size) {
    if (need <= *cap) return p;
    *cap = *cap ? *cap * 2 : 16;
    if (*cap < need) *cap = need;
    void *q = realloc(p, size * (size_t)*cap);
    if (!q) diag_out_of_memory(size * (size_t)*cap);
    return q;
}

void dot_html(Dot *d, const char *s) {
    for (; *s; s++) {
        switch (*s) {
        case '&': fputs("&amp;", d->f); break;
        case '<': fputs("&lt;", d->f); break;
        case '>': fputs("&gt;", d->f); break;
        case '"': fputs("&quot;", d->f); break;
        case '\n': fputs("<BR/>", d->f); break;
        default: fputc(*s, d->f);
        }
    }
}

void dot_quoted(Dot *d, const char *s) {
    fputc('"', d->f);
    for (; *s; s++) {
        if (*s == '"' || *s == '\\') fputc('\\', d->f);
        if (*s == '\n') { fputs("\\n", d->f); continue; }
        fputc(*s, d->f);
    }
    fputc('"', d->f);
}

void dot_begin(Dot *d, const char *name, const char *rankdir, const char *title) {
    fputs("digraph ", d->f);
    dot_quoted(d, name);
    fprintf(d->f, " {\n  graph [rankdir=%s, fontname=\"Helvetica,Arial,sans-serif\", fontsize=14, labelloc=t, "
                  "nodesep=0.3, ranksep=0.35, label=", rankdir);
    dot_quoted(d, title);
    fputs("];\n  node [shape=plaintext, fontname=\"Helvetica,Arial,sans-serif\", fontsize=11];\n"
          "  edge [fontname=\"Helvetica,Arial,sans-serif\", fontsize=10, color=\"#555555\", arrowsize=0.7];\n", d->f);
}

void dot_end(Dot *d) { fputs("}\n", d->f); }

/* ---- values ---------------------------------------------------------------- */

static void put_number(Dot *d, Interp *I, const Tensor *v, int i) {
    print_number(d->f, tensor_get(v, i), trace_digits(I));
}

static void put_row(Dot *d, Interp *I, const Tensor *v, int from, int n) {
    fputc('[', d->f);
    for (int j = 0; j < n; j++) {
        if (j) fputs(", ", d->f);
        put_number(d, I, v, from + j);
    }
    fputc(']', d->f);
}

void dot_tensor(Dot *d, Interp *I, const Trace *t, const Tensor *v) {
    enum { FEW = 4, VECTOR = 8 };
    Tensor view = trace_view(I, t, v);
    if (view.ndim == 0) { put_number(d, I, &view, 0); return; }
    if (view.ndim == 1 && view.size <= VECTOR) { put_row(d, I, &view, 0, view.size); return; }
    if (view.ndim == 2 && view.shape[0] <= FEW && view.shape[1] <= FEW) {
        for (int r = 0; r < view.shape[0]; r++) {
            if (r) fputs("<BR ALIGN=\"LEFT\"/>", d->f);
            put_row(d, I, &view, r * view.shape[1], view.shape[1]);
        }
        return;
    }
    fprintf(d->f, "%s<BR ALIGN=\"LEFT\"/>", shape_str(&view));
    for (int i = 0; i < FEW && i < view.size; i++) {
        if (i) fputs(", ", d->f);
        put_number(d, I, &view, i);
    }
    if (view.size > FEW) fputs(", …", d->f);
}

/* a cell: a small caption above the numbers, or a grey word instead of them */
static void cell_open(Dot *d, const char *caption) {
    fprintf(d->f, "<TD ALIGN=\"LEFT\" BALIGN=\"LEFT\"><FONT POINT-SIZE=\"8\" COLOR=\"#666666\">%s</FONT><BR ALIGN=\"LEFT\"/>",
            caption);
}
static void cell_grey(Dot *d, const char *caption, const char *word) {
    fprintf(d->f, "<TD ALIGN=\"LEFT\" BALIGN=\"LEFT\" BGCOLOR=\"#f2f2f2\"><FONT POINT-SIZE=\"8\" COLOR=\"#666666\">%s</FONT>"
                  "<BR ALIGN=\"LEFT\"/><FONT COLOR=\"" DOT_GREY "\"><I>%s</I></FONT></TD>", caption, word);
}

static void grad_cell(Dot *d, Interp *I, const Trace *t, const Tensor *v) {
    int run, users;
    switch (trace_grad_state(t, v, &run, &users)) {
    case GRAD_NO_BACKWARD: return;
    case GRAD_NONE: cell_grey(d, "grad", "no gradient"); return;
    case GRAD_NOT_REACHED: case GRAD_LOSS_NOT_REACHED: cell_grey(d, "grad", "not reached"); return;
    case GRAD_WHOLE: case GRAD_PARTIAL: case GRAD_DONE: break;     /* before the backward half: the whole backward's */
    }
    if (!v->grad) { cell_grey(d, "grad", "not reached"); return; }
    cell_open(d, run < users ? "grad (partial)" : "grad");
    dot_tensor(d, I, t, v->grad);
    if (run < users) fprintf(d->f, "<BR ALIGN=\"LEFT\"/><FONT POINT-SIZE=\"8\">%d of %d uses run</FONT>", run, users);
    fputs("</TD>", d->f);
}

void dot_value_node(Dot *d, Interp *I, const Trace *t, const ValueNode *n) {
    bool grad = t->loss != NULL;
    fprintf(d->f, "  %s [label=<<TABLE BORDER=\"%d\" CELLBORDER=\"1\" CELLSPACING=\"0\" CELLPADDING=\"4\" COLOR=\"%s\">"
                  "<TR><TD COLSPAN=\"%d\" BGCOLOR=\"%s\"><B>",
            n->id, n->hot ? 3 : 0, n->hot ? DOT_HOT : "#555555", grad ? 2 : 1, n->hot ? DOT_HOT_FILL : n->fill);
    dot_html(d, n->title);
    Tensor view = trace_view(I, t, n->v);
    fprintf(d->f, "</B>&#160;&#160;<FONT POINT-SIZE=\"9\" COLOR=\"#444444\">%s</FONT>", shape_str(&view));
    if (n->subtitle) {
        fputs("<BR/><FONT POINT-SIZE=\"9\">", d->f);
        dot_html(d, n->subtitle);
        fputs("</FONT>", d->f);
    }
    fputs("</TD></TR><TR>", d->f);
    if (trace_forward_reached(t, n->v)) {
        cell_open(d, "data");
        dot_tensor(d, I, t, n->v);
        fputs("</TD>", d->f);
    } else {
        cell_grey(d, "data", "not reached");
    }
    if (grad) grad_cell(d, I, t, n->v);
    fputs("</TR></TABLE>>];\n", d->f);
}

bool dot_last_step(const Trace *t, int *from, int *to) {
    if (t->applied || trace_stale(t) || (t->last != STEP_OP && t->last != STEP_GROUP)) return false;
    if (t->last_to != t->pos || t->last_from >= t->last_to) return false;
    *from = t->last_from;
    *to = t->last_to;
    return true;
}

const char *dot_pass_title(Interp *I, const Trace *t, const char *view) {
    int rows = t->single ? 1 : tensor_rows(t->x);
    return arena_printf(&I->pass, "pass of %s on %d sample%s (%s%s): %s", t->model->name, rows, rows == 1 ? "" : "s",
                        view, t->loss ? arena_printf(&I->pass, ", loss %s", t->loss_name) : ", forward only",
                        trace_position(I, t));
}
