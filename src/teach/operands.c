/* operands.c — the words of a diagnostic statement (gradcheck, gradients,
 * activations, sanity, and the pictures of see/plot.c): `NET on DATA`, its
 * `NAME N` options, the first rows of the data, and the usage error naming
 * the statement's usage.  Must not: run a pass, print, or reach the
 * statements that use it (diagnose.c, gradcheck.c call it, not back). */
#include "base/diag.h"
#include "lang/eval.h"
#include "lang/model.h"
#include "lang/settings.h"
#include "teach/command_table.h"
#include "teach/operands.h"
#include "tensor/tensor.h"
#include "train/train.h"
#include <string.h>

bool diagnostic_word(const Node *w, const char *text) { return w->kind == N_NAME && strcmp(w->name, text) == 0; }

_Noreturn void diagnostic_usage(const Node *cmd, const Node *at) {
    fail_at(at ? at->loc : cmd->loc, "usage: %s", command_usage(cmd->name));
}

void diagnostic_operands(Interp *I, const Node *cmd, int from, bool with_loss, const char *const *options,
                         double *values, Operands *o) {
    const NodeList *w = &cmd->kids;
    if (w->n < from + 3) diagnostic_usage(cmd, w->n > from ? w->items[from] : NULL);
    const Node *net = w->items[from], *on = w->items[from + 1], *data = w->items[from + 2];
    if (net->kind != N_NAME || !diagnostic_word(on, "on") || data->kind != N_NAME) diagnostic_usage(cmd, net);
    Node at = { .kind = N_COMMAND, .name = net->name, .label = data->name, .loc = net->loc };
    if (with_loss) {
        model_on_data(I, &at, cmd->name, &o->m, &o->d);
    } else {                                    /* a forward pass: the input width is checked by the model */
        o->m = find_model(I, net->name, net->loc);
        o->d = find_data(I, data->name, data->loc);
    }
    int rows_option = -1;
    for (int j = 0; options[j]; j++) if (strcmp(options[j], "rows") == 0) rows_option = j;
    for (int i = from + 3; i < w->n; i += 2) {
        const Node *k = w->items[i];
        int which = -1;
        for (int j = 0; options[j] && k->kind == N_NAME; j++) if (strcmp(options[j], k->name) == 0) which = j;
        if (which < 0) diagnostic_usage(cmd, k);
        if (i + 1 >= w->n || w->items[i + 1]->kind != N_NUM)
            fail_at(k->loc, "'%s' needs a number after it (usage: %s)", k->name, command_usage(cmd->name));
        values[which] = count_number(w->items[i + 1]->num, w->items[i + 1]->loc, k->name);
    }
    o->rows = o->d->x->shape[0];
    if (rows_option >= 0 && values[rows_option] < o->rows) o->rows = (int)values[rows_option];
    o->x = tensor_first_rows(&I->pass, tensor_plain(o->d->x), o->rows);
    o->y = tensor_first_rows(&I->pass, o->d->y, o->rows);
    model_ensure_initialised(I, o->m);
}
