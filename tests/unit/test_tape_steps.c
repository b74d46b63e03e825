/* Tests the trace the REPL steps through: after `backward`, each entry knows
 * its layer and the intermediate it produced (a, z); every op is recorded,
 * also those without a gradient (relu's mask, ops on the targets); `step`
 * through the whole backward half visits every entry once, in reverse order,
 * and ends with the same gradients as the whole backward; the forward values
 * are those `print net(X)` gives. */
#include "cli/toplevel.h"
#include "lang/eval.h"
#include "teach/trace.h"
#include "check.h"
#include <stdlib.h>
#include <string.h>

static const char *program =
    "data d {\n"
    "  [0, 1] -> [1]\n"
    "  [1, 1] -> [0]\n"
    "}\n"
    "model net {\n"
    "  input 2\n"
    "  dense 3 tanh\n"
    "  dense 2 relu\n"
    "  dense 1 sigmoid\n"
    "}\n"
    "loss mse\n"
    "seed 3\n"
    "backward net on d\n";

static const TapeEntry *find_named(const Trace *t, int layer, const char *name) {
    for (int i = 0; i < t->n; i++)
        if (t->entries[i].layer == layer && t->entries[i].name && strcmp(t->entries[i].name, name) == 0)
            return &t->entries[i];
    return NULL;
}

static bool run(Interp *I, Arena *ast, const char *file, const char *src) {
    Node *root = parse_source(ast, file, src);
    return root && interp_run(I, root);
}

int main(void) {
    Arena ast = { 0 };
    Interp I;
    interp_init(&I, false);
    char *log = NULL;
    size_t log_size = 0;
    I.out = open_memstream(&log, &log_size);
    interp_load_stdlib(&I);
    CHECK(run(&I, &ast, "steps.nnl", program), "program runs");
    Trace *t = I.trace;
    CHECK(t && t->n > 0, "backward leaves a trace (%d entries)", t ? t->n : 0);
    if (!t) return 1;
    for (int layer = 1; layer <= 3; layer++) {
        const TapeEntry *a = find_named(t, layer, "a"), *z = find_named(t, layer, "z");
        CHECK(a && a->call.op == P_ADD, "layer %d: 'a' is the add of x W' + b", layer);
        bool from_a = false;
        for (int i = 0; z && a && i < z->call.nin; i++) from_a |= z->call.in[i] == a->call.out;
        CHECK(from_a, "layer %d: z is computed from a", layer);
        CHECK(a && a->loc.file && strcmp(a->loc.file, "stdlib/layers.nnl") == 0,
              "layer %d: 'a' points at the dense definition", layer);
        CHECK(trace_named(t, layer, "z") != NULL, "layer %d: the name z is kept", layer);
    }
    int mask = 0, on_targets = 0;
    for (int i = 0; i < t->n; i++) {
        mask += t->entries[i].call.op == P_GT && t->entries[i].layer == 2;
        on_targets += i >= t->nforward;
    }
    CHECK(mask == 1, "relu's x > 0 mask is recorded (no gradient, still an op of layer 2)");
    CHECK(on_targets >= 3, "the loss's ops are recorded after the model's (%d)", on_targets);

    /* the full backward's gradients, to compare with stepping */
    Model *m = t->model;
    Tensor *full[8];
    int k = 0;
    for (int l = 0; l < m->nlayers; l++)
        for (int p = 0; p < m->layers[l].nparams; p++) full[k++] = tensor_copy(&I.perm, m->layers[l].params[p].value->grad);

    /* step through everything: forward n ops, backward n ops */
    fflush(I.out);
    size_t start = log_size;
    CHECK(run(&I, &ast, "steps2.nnl", "step\n"), "step runs");
    int n = t->n;
    char *steps = malloc(20 * (size_t)(2 * n) + 1);
    strcpy(steps, "");
    for (int i = 1; i < 2 * n; i++) strcat(steps, "step\n");
    CHECK(run(&I, &ast, "steps3.nnl", steps), "stepping the whole pass works");
    fflush(I.out);
    CHECK(t->pos == 2 * n, "the cursor is at the end (%d of %d)", t->pos, 2 * n);
    /* the log names each op as "op K/N ..." (forward) or "op K/N backward ..." */
    int expect_fwd = 1, expect_bwd = n, order_ok = 1, visited = 0;
    for (char *line = strtok(log + start, "\n"); line; line = strtok(NULL, "\n")) {
        int kk, nn;
        if (sscanf(line, "op %d/%d", &kk, &nn) != 2) continue;
        if (strstr(line, " backward ")) { order_ok &= kk == expect_bwd; expect_bwd--; visited++; }
        else { order_ok &= kk == expect_fwd; expect_fwd++; }
    }
    CHECK(order_ok && expect_fwd == n + 1, "stepping forward shows every op once, in order");
    CHECK(order_ok && visited == n && expect_bwd == 0, "stepping backward visits every op once, in reverse (%d of %d)",
          visited, n);
    k = 0;
    for (int l = 0; l < m->nlayers; l++)
        for (int p = 0; p < m->layers[l].nparams; p++, k++) {
            Tensor *g = m->layers[l].params[p].value->grad;
            double worst = 0;
            for (int j = 0; j < g->size; j++) {
                double d = tensor_get(g, j) - tensor_get(full[k], j);
                if (d < 0) d = -d;
                if (d > worst) worst = d;
            }
            CHECK(worst == 0, "stepping gives the same grad of layer %d %s", l + 1, m->layers[l].params[p].name);
        }

    /* the forward values are what net(X) gives */
    Tensor *out = t->out;
    Value v = eval_expr(&I, NULL, parse_source(&ast, "steps4.nnl", "net(d.x)\n")->kids.items[0]->a);
    double worst = 0;
    for (int j = 0; j < out->size; j++) {
        double d = tensor_get(out, j) - tensor_get(v.t, j);
        if (d < 0) d = -d;
        if (d > worst) worst = d;
    }
    CHECK(worst == 0 && out->size == v.t->size, "the pass's output equals net(d.x)");
    free(steps);
    fclose(I.out);
    free(log);
    interp_free(&I);
    arena_free(&ast);
    CHECK_DONE();
}
