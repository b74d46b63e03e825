/* irprint.c — `nnl --ir`: the program after checking, with each model
 * expanded into layers, shapes and parameters.  Must not: change state. */
#include "irprint.h"

void ir_print(FILE *f, Interp *I, const Node *program) {
    (void)program;
    for (int g = 0; g < I->nglobals; g++) {
        Value v = I->globals[g].v;
        if (v.kind != V_MODEL) continue;
        Model *m = v.model;
        fprintf(f, "model %s  (%s:%d)  input [%d] -> output [%d], %d parameters\n", m->name, m->loc.file,
                m->loc.line, m->in_dim, m->out_dim, model_param_count(m));
        for (int i = 0; i < m->nlayers; i++) {
            Layer *l = &m->layers[i];
            fprintf(f, "  layer %d%s%s: %s(", l->index, l->label ? " " : "", l->label ? l->label : "", l->def->name);
            for (int a = 0; a < l->nargs; a++) {
                fprintf(f, "%s%s=", a ? ", " : "", l->args[a].name);
                print_value(I, f, l->args[a].v);
            }
            fprintf(f, ")  [%d] -> [%d]\n", l->in_dim, l->out_dim);
            for (int k = 0; k < l->nparams; k++) {
                Param *p = &l->params[k];
                fprintf(f, "    param %s %s  init ", p->name, shape_str(p->value));
                if (p->hand_set) fputs("given", f);
                else if (p->init) ast_print_expr(f, p->init);
                else fputs("(model initialiser)", f);
                fputc('\n', f);
            }
        }
    }
}
