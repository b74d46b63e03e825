/* irprint.c — `nnl --ir`: the program as the checker understood it, statement
 * by statement, each printed back as source (the output runs as a script to
 * the same result) after comments saying where it was and what the checker
 * found: data sets with their shapes, each model expanded into layers
 * (arguments with defaults filled in, shapes, parameters, the forward code).
 * Must not: change state. */
#include "front/ast.h"
#include "lang/eval.h"
#include "lang/irprint.h"
#include "lang/model.h"
#include "tensor/tensor.h"
#include <stdlib.h>
#include <string.h>

static void print_callable(FILE *f, Interp *I, const Callable *fn) {
    if (fn->kind != C_PARTIAL) { fputs(fn->name, f); return; }
    fprintf(f, "%s(", fn->base->name);
    for (int i = 0; i < fn->nbound; i++) {
        fprintf(f, "%s%s=", i ? ", " : "", fn->bound[i].name);
        print_value(I, f, fn->bound[i].v);
    }
    fputc(')', f);
}

static void print_model(FILE *f, Interp *I, Model *m) {
    fprintf(f, "model %s: input [%d] -> output [%d], %d parameters\n", m->name, m->in_dim, m->out_dim,
            model_param_count(m));
    for (int i = 0; i < m->nlayers; i++) {
        Layer *l = &m->layers[i];
        fprintf(f, "  layer %d%s%s: %s(", l->index, l->label ? " " : "", l->label ? l->label : "", l->def->name);
        for (int a = 0; a < l->nargs; a++) {
            fprintf(f, "%s%s=", a ? ", " : "", l->args[a].name);
            Value v = l->args[a].v;
            if (v.kind == V_FUNC) print_callable(f, I, v.fn);
            else print_value(I, f, v);
        }
        fprintf(f, ")  [%d] -> [%d]\n", l->in_dim, l->out_dim);
        for (int k = 0; k < l->nparams + l->nstates; k++) {
            bool state = k >= l->nparams;
            Param *p = state ? &l->states[k - l->nparams] : &l->params[k];
            fprintf(f, "    %s %s %s  init ", state ? "state" : "param", p->name, shape_str(p->value));
            if (p->hand_set) { fputs("given ", f); ast_print_expr(f, p->given); }
            else if (p->init) ast_print_expr(f, p->init);
            else if (state) fputs("0", f);
            else if (p->init_used) print_callable(f, I, p->init_used);
            else if (l->init) print_callable(f, I, l->init);
            else if (I->init.set) print_callable(f, I, I->init.fn);
            else fputs("xavier", f);
            if (!state && p->value->ndim >= 2 && (l->regularizer || m->regularizer)) {
                fputs("  regularize ", f);
                print_callable(f, I, l->regularizer ? l->regularizer : m->regularizer);
            }
            fputc('\n', f);
        }
        const Node *body = l->def->node->a;
        for (int s = 0; s < body->kids.n; s++) {
            const Node *fwd = body->kids.items[s];
            if (fwd->kind != N_FORWARD) continue;
            fprintf(f, "    forward(%s)\n", fwd->name);
            for (int j = 0; j < fwd->a->kids.n; j++) ast_print_stmt(f, fwd->a->kids.items[j], 6);
        }
    }
}

/* What the checker found out about a statement, if anything: the shapes of
 * a data set, a model expanded into layers. */
static void annotate(FILE *f, Interp *I, const Node *s) {
    if (s->kind == N_DATA || s->kind == N_DATA_EXPR) {
        for (int k = 0; k < (s->kind == N_DATA ? 1 : s->kids.n); k++) {
            const char *name = s->kind == N_DATA ? s->name : s->kids.items[k]->name;
            Value *v = global_find(I, name);
            if (v && v->kind == V_DATA && v->data->x)
                fprintf(f, "data %s: inputs %s, targets %s\n", name, shape_str(v->data->x), shape_str(v->data->y));
        }
    }
    if (s->kind == N_MODEL)
        for (int b = 0; b < I->nbuilt; b++)
            if (I->built[b].node == s) print_model(f, I, I->built[b].model);
}

/* Each statement as source that reads back, so the output runs as a script
 * to the same result; before it, as comments, where it was and what the
 * checker found out about it. */
void ir_print(FILE *f, Interp *I, const Node *program) {
    for (int i = 0; i < program->kids.n; i++) {
        const Node *s = program->kids.items[i];
        char *text = NULL;
        size_t len = 0;
        FILE *mem = open_memstream(&text, &len);
        if (!mem) abort();
        annotate(mem, I, s);
        fclose(mem);
        fprintf(f, "# %s:%d", s->loc.file, s->loc.line);
        for (char *line = text, *end; line && *line; line = end ? end + 1 : NULL) {
            end = strchr(line, '\n');
            fprintf(f, "%s%.*s\n", line == text ? ": " : "# ", end ? (int)(end - line) : (int)strlen(line), line);
        }
        if (!len) fputc('\n', f);
        free(text);
        ast_print_stmt(f, s, 0);
    }
}
