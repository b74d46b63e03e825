/* Tests what the REPL's stepping will stand on: after `backward`, each tape
 * entry knows its layer and the intermediate it produced (a, z), and walking
 * the tape one entry at a time gives the same gradients as the whole walk. */
#include "../../src/interp.h"
#include "check.h"
#include <string.h>

static const char *program =
    "data d {\n"
    "  [0, 1] -> [1]\n"
    "  [1, 1] -> [0]\n"
    "}\n"
    "model net {\n"
    "  input 2\n"
    "  dense 3 tanh\n"
    "  dense 1 sigmoid\n"
    "}\n"
    "loss mse\n"
    "seed 3\n"
    "backward net on d\n";

static const TapeEntry *find_named(const Tape *t, int layer, const char *name) {
    for (int i = 0; i < t->n; i++)
        if (t->entries[i].layer == layer && t->entries[i].name && strcmp(t->entries[i].name, name) == 0)
            return &t->entries[i];
    return NULL;
}

int main(void) {
    Arena ast = { 0 };
    Node *root = parse_source(&ast, "steps.nnl", program);
    CHECK(root != NULL, "program parses");
    Interp I;
    interp_init(&I, false);
    I.out = fopen("/dev/null", "w");
    interp_load_stdlib(&I);
    CHECK(interp_run(&I, root), "program runs");

    Tape *t = &I.tape;
    CHECK(t->n > 0, "backward leaves its tape (%d entries)", t->n);
    for (int layer = 1; layer <= 2; layer++) {
        const TapeEntry *a = find_named(t, layer, "a"), *z = find_named(t, layer, "z");
        CHECK(a && a->call.op == P_ADD, "layer %d: 'a' is the add of x W' + b", layer);
        CHECK(z && z->call.op == (layer == 1 ? P_TANH : P_SIGMOID), "layer %d: 'z' is its activation", layer);
        CHECK(a && z && z->call.in[0] == a->call.out, "layer %d: z is computed from a", layer);
        CHECK(a && a->loc.file && strcmp(a->loc.file, "stdlib/layers.nnl") == 0,
              "layer %d: 'a' points at the dense definition", layer);
    }
    int outside = 0;
    for (int i = 0; i < t->n; i++) outside += t->entries[i].layer == 0;
    CHECK(outside > 0, "the loss's ops are outside any layer (%d)", outside);

    /* step backwards one entry at a time and compare with the full walk */
    Model *m = global_find(&I, intern("net"))->model;
    Tensor *full[4], *loss = NULL;
    int k = 0;
    for (int l = 0; l < m->nlayers; l++)
        for (int p = 0; p < m->layers[l].nparams; p++) full[k++] = tensor_copy(&I.perm, m->layers[l].params[p].value->grad);
    for (int i = 0; i < t->n; i++) {
        t->entries[i].call.out->grad = NULL;
        if (t->entries[i].layer == 0) loss = t->entries[i].call.out;
    }
    model_zero_grad(m);
    ensure_grad(t->arena, loss);
    tensor_fill(loss->grad, 1);
    int stepped = 0;
    for (int i = t->n - 1; i >= 0; i--) stepped += tape_backward_entry(t, i);
    CHECK(stepped == t->n, "every entry passed a gradient on (%d of %d)", stepped, t->n);
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
    fclose(I.out);
    interp_free(&I);
    arena_free(&ast);
    CHECK_DONE();
}
