/* graph_model.c — the DOT picture of a model (Keras' plot_model, Netron's
 * boxes): the input, one box per layer with its kind (coloured by kind as
 * Netron does), label, activation and other arguments, output shape,
 * parameters and their count, edges labelled with the shape flowing along
 * them, the output.  Must not: run or initialise the model (it reads what
 * model_build made), write files (graph_render.c). */
#include "base/arena.h"
#include "lang/model.h"
#include "see/graph.h"
#include "see/graph_dot.h"
#include "tensor/tensor.h"
#include <string.h>

/* Netron's colours for its node categories: layer, activation,
 * normalization, dropout; a layer defined outside the stdlib is "custom" */
static const char *kind_colour(const Layer *l) {
    static const struct { const char *name, *colour; } kinds[] = {
        { "dense", "#335588" }, { "maxout", "#335588" }, { "prelu", "#702921" },
        { "batchnorm", "#335544" }, { "dropout", "#454770" },
    };
    const char *file = l->def->node ? l->def->node->loc.file : NULL;
    if (file && strncmp(file, "stdlib/", 7) == 0)
        for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
            if (strcmp(kinds[i].name, l->def->name) == 0) return kinds[i].colour;
    return "#6b6b6b";
}

static void row(Dot *d, const char *key) {
    fputs("<TR><TD ALIGN=\"LEFT\"><FONT COLOR=\"#555555\">", d->f);
    dot_html(d, key);
    fputs("</FONT></TD><TD ALIGN=\"LEFT\">", d->f);
}

/* an argument's value: a function by name, a number, a shape, a string */
static void put_arg(Dot *d, Interp *I, Value v) {
    if (v.kind == V_FUNC) {
        const Callable *fn = v.fn->kind == C_PARTIAL ? v.fn->base : v.fn;
        fputs("<B>", d->f);
        dot_html(d, fn->name);
        fputs("</B>", d->f);
    } else if (v.kind == V_TENSOR && v.t->size == 1) {
        print_number(d->f, tensor_get(v.t, 0), I->digits ? I->digits : 6);
    } else if (v.kind == V_TENSOR) {
        fputs(shape_str(v.t), d->f);
    } else if (v.kind == V_STRING) {
        dot_html(d, arena_printf(&I->pass, "\"%s\"", v.s));
    } else {
        fputs("?", d->f);
    }
}

static void layer_box(Dot *d, Interp *I, const Layer *l) {
    int count = 0;
    for (int k = 0; k < l->nparams; k++) count += l->params[k].value->size;
    fprintf(d->f, "  L%d [label=<<TABLE BORDER=\"1\" CELLBORDER=\"0\" CELLSPACING=\"0\" CELLPADDING=\"3\" COLOR=\"%s\" "
                  "BGCOLOR=\"#fafafa\"><TR><TD BGCOLOR=\"%s\" ALIGN=\"LEFT\"><FONT COLOR=\"white\"><B>",
            l->index, kind_colour(l), kind_colour(l));
    dot_html(d, l->def->name);
    fprintf(d->f, "</B></FONT></TD><TD BGCOLOR=\"%s\" ALIGN=\"RIGHT\"><FONT COLOR=\"white\">layer %d", kind_colour(l),
            l->index);
    if (l->label) { fputs(" · ", d->f); dot_html(d, l->label); }
    fputs("</FONT></TD></TR>", d->f);
    const char *act = layer_activation(l);
    if (act) { row(d, "activation"); fputs("<B>", d->f); dot_html(d, act); fputs("</B></TD></TR>", d->f); }
    for (int a = 0; a < l->nargs; a++) {
        if (strcmp(l->args[a].name, "activation") == 0 && act) continue;
        row(d, l->args[a].name);
        put_arg(d, I, l->args[a].v);
        fputs("</TD></TR>", d->f);
    }
    row(d, "output");
    fprintf(d->f, "[%d]</TD></TR>", l->out_dim);
    for (int k = 0; k < l->nparams + l->nstates; k++) {
        bool state = k >= l->nparams;
        const Param *p = state ? &l->states[k - l->nparams] : &l->params[k];
        row(d, p->name);
        fprintf(d->f, "%s%s</TD></TR>", shape_str(p->value), state ? " <FONT COLOR=\"#777777\">state</FONT>" : "");
    }
    fprintf(d->f, "<TR><TD COLSPAN=\"2\" ALIGN=\"LEFT\"><FONT POINT-SIZE=\"9\" COLOR=\"#555555\">%d parameter%s"
                  "</FONT></TD></TR></TABLE>>];\n", count, count == 1 ? "" : "s");
}

static void end_node(Dot *d, const char *id, const char *word, int dim) {
    fprintf(d->f, "  %s [shape=box, style=\"rounded,filled\", fillcolor=\"" DOT_INPUT_FILL "\", color=\"#777777\", "
                  "label=<<B>%s [%d]</B>>];\n", id, word, dim);
}

char *graph_model(Interp *I, const Model *m, size_t *len) {
    Dot d;
    dot_open(&d);
    int n = model_param_count(m);
    dot_begin(&d, m->name, "TB", arena_printf(&I->pass, "model %s: input [%d] → output [%d], %d parameter%s", m->name,
                                             m->in_dim, m->out_dim, n, n == 1 ? "" : "s"));
    end_node(&d, "input", "input", m->in_dim);
    for (int i = 0; i < m->nlayers; i++) layer_box(&d, I, &m->layers[i]);
    end_node(&d, "output", "output", m->out_dim);
    const char *prev = "input";
    int dim = m->in_dim;
    for (int i = 0; i < m->nlayers; i++) {
        fprintf(d.f, "  %s -> L%d [label=\" [%d]\"];\n", prev, m->layers[i].index, dim);
        prev = arena_printf(&I->pass, "L%d", m->layers[i].index);
        dim = m->layers[i].out_dim;
    }
    fprintf(d.f, "  %s -> output [label=\" [%d]\"];\n", prev, dim);
    dot_end(&d);
    return dot_close(&d, len);
}
