/* summary.c — `summary NET`: layers, output shapes, parameters and their
 * count, like Keras' model.summary().
 * Must not: run the model or change it. */
#include "base/arena.h"
#include "base/diag.h"
#include "base/text.h"
#include "lang/eval.h"
#include "lang/model.h"
#include "teach/summary.h"
#include "tensor/tensor.h"
#include <string.h>


enum { SUMMARY_COLS = 4 };
typedef struct Row { const char *cell[SUMMARY_COLS]; } Row;

static void print_rows(FILE *f, const Row *rows, int n) {
    int width[SUMMARY_COLS] = { 0 };
    for (int r = 0; r < n; r++)
        for (int c = 0; c < SUMMARY_COLS; c++) {
            int w = (int)strlen(rows[r].cell[c]);
            if (w > width[c]) width[c] = w;
        }
    int total = 0;
    for (int c = 0; c < SUMMARY_COLS; c++) total += width[c] + (c ? 3 : 0);
    for (int r = 0; r < n; r++) {
        if (r == 1 || r == n - 1) fprintf(f, "%.*s\n", total, "==================================================="
                                          "=====================================================================");
        /* the last column (the count) is right-aligned; the last row has only a label and the total */
        fprintf(f, "%-*s   %-*s   %-*s   %*s\n", width[0], rows[r].cell[0], width[1], rows[r].cell[1],
                width[2], rows[r].cell[2], width[3], rows[r].cell[3]);
    }
}

void exec_summary(Interp *I, const Node *n) {
    Value *v = global_find(I, n->name);
    if (!v || v->kind != V_MODEL) {
        if (v) fail_at(n->loc, "'%s' is %s, not a model", n->name, value_kind_name(*v));
        fail_at(n->loc, "unknown model '%s'", n->name);
    }
    Model *m = v->model;
    if (I->dry_run) return;
    Row *rows = arena_alloc(&I->pass, sizeof(Row) * (size_t)(m->nlayers + 3));
    int k = 0;
    rows[k++] = (Row){ { "layer", "output shape", "parameters", "count" } };
    rows[k++] = (Row){ { "0 input", arena_printf(&I->pass, "[%d]", m->in_dim), "", "0" } };
    for (int i = 0; i < m->nlayers; i++) {
        const Layer *l = &m->layers[i];
        const char *act = layer_activation(l);
        char *params = arena_printf(&I->pass, "%s", "");
        for (int p = 0; p < l->nparams; p++)
            params = arena_printf(&I->pass, "%s%s%s %s", params, p ? ", " : "", l->params[p].name,
                                  shape_str(l->params[p].value));
        for (int p = 0; p < l->nstates; p++)     /* state is listed, not counted: nothing trains it */
            params = arena_printf(&I->pass, "%s%s%s %s", params, p ? ", " : l->nparams ? "; state " : "state ",
                                  l->states[p].name, shape_str(l->states[p].value));
        long count = 0;
        for (int p = 0; p < l->nparams; p++) count += l->params[p].value->size;
        rows[k++] = (Row){ { arena_printf(&I->pass, "%d %s%s%s%s%s", l->index, l->label ? l->label : "",
                                          l->label ? ": " : "", l->def->name, act ? " " : "", act ? act : ""),
                             arena_printf(&I->pass, "[%d]", l->out_dim), params,
                             arena_printf(&I->pass, "%s", thousands(count)) } };
    }
    rows[k++] = (Row){ { "total", "", "", arena_printf(&I->pass, "%s", thousands(model_param_count(m))) } };
    fprintf(I->out, "model %s: %d", m->name, m->in_dim);
    for (int i = 0; i < m->nlayers; i++) fprintf(I->out, " -> %d", m->layers[i].out_dim);
    fputc('\n', I->out);
    print_rows(I->out, rows, k);
}
