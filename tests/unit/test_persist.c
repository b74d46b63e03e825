/* Tests of save and load (src/io/persist.c): every layer type of the stdlib
 * (dense, batchnorm with its running averages, dropout, prelu, maxout, and a
 * user layer with a 4-D parameter) saved after training with Adam and
 * loaded into a model with other weights comes back bit for bit — values,
 * optimizer state, update and epoch counts — in float32 and in double, and
 * training both models on gives bit-identical weights; a file cut at any
 * byte, or with any one bit flipped, is refused and leaves the model as it
 * was; a file whose checksum was recomputed after damage never crashes the
 * reader; a model of another shape gets a message naming the layer, the
 * parameter and both shapes; a process killed after writing the temporary
 * file and before the rename leaves the old file intact. */
#include "base/files.h"
#include "cli/toplevel.h"
#include "lang/eval.h"
#include "io/persist.h"
#include "check.h"
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zlib.h>

static const char *program =
    "%s\n"
    "layer cube(k = 2) {\n"
    "  param K[k, 1, 2, in] init normal(std=0.5)\n"
    "  forward(x) {\n"
    "    z = x * sum(sum(sum(K, 0), 0), 0)\n"
    "  }\n"
    "}\n"
    "data d {\n"
    "  [0.5, -1, 2] -> [1, 0]\n"
    "  [1, 0.25, -0.5] -> [0, 1]\n"
    "  [-1, 1, 1] -> [1, 0]\n"
    "  [2, 0, -1] -> [0, 1]\n"
    "}\n"
    "model %s {\n"
    "  input 3\n"
    "  h: dense 4 tanh\n"
    "  batchnorm\n"
    "  dropout 0.25\n"
    "  prelu\n"
    "  maxout 3 pieces=2\n"
    "  cube 3\n"
    "  dense 4 leaky_relu(alpha=0.2)\n"
    "  dense 2 softmax\n"
    "}\n"
    "loss cross_entropy\n"
    "optimizer adam(lr=0.05)\n"
    "seed %d\n"
    "train %s on d epochs 3 batch 2 shuffle false\n";

static bool run(Interp *I, Arena *ast, const char *text) {
    Node *root = parse_source(ast, "persist.nnl", text);
    return root && interp_run(I, root);
}

static Model *model_named(Interp *I, const char *name) {
    Value *v = global_find(I, intern(name));
    return v && v->kind == V_MODEL ? v->model : NULL;
}

static bool same_tensor(const Tensor *x, const Tensor *y) {
    return x->dtype == y->dtype && x->size == y->size &&
           memcmp(x->data, y->data, dtype_size(x->dtype) * (size_t)x->size) == 0;
}

/* every parameter, optimizer state and layer state of a and b has the same bytes */
static bool same_bits(const Model *a, const Model *b) {
    if (a->nlayers != b->nlayers || a->steps != b->steps || a->epochs != b->epochs) return false;
    for (int i = 0; i < a->nlayers; i++) {
        if (a->layers[i].nstates != b->layers[i].nstates) return false;
        for (int k = 0; k < a->layers[i].nstates; k++)
            if (!same_tensor(a->layers[i].states[k].value, b->layers[i].states[k].value)) return false;
    }
    for (int i = 0; i < a->nlayers; i++)
        for (int k = 0; k < a->layers[i].nparams; k++) {
            const Param *p = &a->layers[i].params[k], *q = &b->layers[i].params[k];
            size_t bytes = dtype_size(p->value->dtype) * (size_t)p->value->size;
            if (p->value->dtype != q->value->dtype || memcmp(p->value->data, q->value->data, bytes) != 0) return false;
            if (p->nstate != q->nstate) return false;
            for (int s = 0; s < p->nstate; s++)
                if (p->state[s].name != q->state[s].name ||
                    memcmp(p->state[s].v.t->data, q->state[s].v.t->data, bytes) != 0)
                    return false;
        }
    return true;
}

static bool bytes_equal(Interp *I, Model *m, const unsigned char *want, size_t want_len) {
    size_t len;
    unsigned char *got = persist_encode(I, m, &len);
    bool same = len == want_len && memcmp(got, want, len) == 0;
    free(got);
    return same;
}

static void set_crc(unsigned char *file, size_t len) {
    uint32_t crc = (uint32_t)crc32_z(crc32_z(0, Z_NULL, 0), file + PERSIST_HEADER_BYTES, len - PERSIST_HEADER_BYTES);
    for (int i = 0; i < 4; i++) file[24 + i] = (unsigned char)(crc >> (8 * i));
}

static void test_precision(const char *precision) {
    Arena ast = { 0 };
    Interp I;
    interp_init(&I, false);
    I.out = fopen("/dev/null", "w");
    interp_load_stdlib(&I);
    char src[4096];
    snprintf(src, sizeof src, program, precision, "a", 1, "a");
    bool ok = run(&I, &ast, src);
    snprintf(src, sizeof src, program, "", "b", 11, "b");   /* not 2: seed 1 with "a" and seed 2 with "b" collide (model.c XORs the seed with the name) */
    ok = ok && run(&I, &ast, strstr(src, "model b"));   /* the same model, other weights and 3 epochs of Adam */
    CHECK(ok, "%s: both programs run", precision);
    Model *a = model_named(&I, "a"), *b = model_named(&I, "b");
    if (!ok || !a || !b) return;
    CHECK(a->layers[0].params[0].nstate == 2 && a->steps == 6 && a->epochs == 3,
          "%s: Adam's state m, v and 6 updates in 3 epochs are there to save", precision);
    CHECK(a->layers[1].nstates == 2 && tensor_get(a->layers[1].states[0].value, 0) != 0,
          "%s: batchnorm's running mean has moved in training", precision);
    CHECK(!same_bits(a, b), "%s: the two models differ before loading", precision);

    size_t len;
    unsigned char *file = persist_encode(&I, a, &len);
    size_t b_len;
    unsigned char *b_before = persist_encode(&I, b, &b_len);
    char err[600];

    /* damage: cut at every byte, flip every bit, none may load or change b */
    int refused = 0, cuts = 0, flips = 0;
    for (size_t cut = 0; cut < len; cut++, cuts++)
        refused += !persist_load_bytes(&I, b, "cut.model", file, cut, (SrcLoc){ 0 }, err, sizeof err);
    CHECK(refused == cuts, "%s: a file cut at any of its %zu bytes is refused (%d of %d)", precision, len, refused, cuts);
    persist_load_bytes(&I, b, "cut.model", file, len / 2, (SrcLoc){ 0 }, err, sizeof err);
    CHECK(strstr(err, "cut.model: truncated at byte") != NULL, "%s: the message says truncated: %.150s", precision, err);
    refused = 0;
    for (size_t i = 0; i < len; i++)
        for (int bit = 0; bit < 8; bit++, flips++) {
            file[i] ^= (unsigned char)(1 << bit);
            refused += !persist_load_bytes(&I, b, "flip.model", file, len, (SrcLoc){ 0 }, err, sizeof err);
            file[i] ^= (unsigned char)(1 << bit);
        }
    CHECK(refused == flips, "%s: any one of the %d bits flipped is refused (%d)", precision, flips, refused);
    file[len - 1] ^= 1;
    persist_load_bytes(&I, b, "flip.model", file, len, (SrcLoc){ 0 }, err, sizeof err);
    file[len - 1] ^= 1;
    CHECK(strstr(err, "flip.model: checksum mismatch") != NULL, "%s: a flipped data bit is a checksum mismatch", precision);
    CHECK(bytes_equal(&I, b, b_before, b_len), "%s: after all refused loads b is as it was", precision);

    /* damage behind a valid checksum, loaded into a (whose name the file
     * holds): refused with a message that names the file and leaves a as it
     * was, or loaded so that a is a model again (saved, it loads back to
     * itself); never a crash.  Then a's own file puts it back. */
    unsigned char *copy = malloc(len), *cur = malloc(len);
    size_t cur_len = len;
    memcpy(cur, file, len);
    srand(7);
    int loaded = 0, refused_ok = 0, loaded_ok = 0;
    for (int trial = 0; trial < 3000; trial++) {
        memcpy(copy, file, len);
        for (int k = 0; k < 1 + trial % 4; k++)
            copy[PERSIST_HEADER_BYTES + (size_t)rand() % (len - PERSIST_HEADER_BYTES)] = (unsigned char)rand();
        set_crc(copy, len);
        err[0] = 0;
        if (persist_load_bytes(&I, a, "fuzz.model", copy, len, (SrcLoc){ 0 }, err, sizeof err)) {
            loaded++;
            free(cur);
            cur = persist_encode(&I, a, &cur_len);
            /* what the loader accepted is a model: saved, it loads back to itself (the
             * name and fields a load ignores, like the optimizer's name, may differ) */
            loaded_ok += persist_load_bytes(&I, a, "again.model", cur, cur_len, (SrcLoc){ 0 }, err, sizeof err) &&
                         bytes_equal(&I, a, cur, cur_len);
        } else {
            refused_ok += strncmp(err, "fuzz.model", 10) == 0 && bytes_equal(&I, a, cur, cur_len);
        }
    }
    free(copy);
    free(cur);
    CHECK(refused_ok == 3000 - loaded && loaded_ok == loaded && loaded < 3000,
          "%s: 3000 damaged files with a recomputed checksum: %d refused, naming the file and leaving the model as "
          "it was (%d), %d loaded, the model then saving a file that loads back to itself (%d)", precision, 3000 - loaded,
          refused_ok, loaded, loaded_ok);
    CHECK(persist_load_bytes(&I, a, "a.model", file, len, (SrcLoc){ 0 }, err, sizeof err) && bytes_equal(&I, a, file, len),
          "%s: a's own file puts a back", precision);

    /* the real thing: b becomes a, bit for bit, and trains on the same */
    snprintf(src, sizeof src, "optimizer adam(lr=0.05)\n");
    run(&I, &ast, src);       /* a new optimizer statement: a and b are both loaded into the one in force */
    CHECK(persist_load_bytes(&I, b, "a.model", file, len, (SrcLoc){ 0 }, err, sizeof err), "%s: a's file loads into b", precision);
    CHECK(same_bits(a, b), "%s: every parameter, state tensor and count of b equals a's, bit for bit", precision);
    CHECK(b->layers[0].params[0].value->dtype == (strstr(precision, "double") ? DT_F64 : DT_F32),
          "%s: the parameters keep their precision", precision);
    CHECK(persist_load_bytes(&I, a, "a.model", file, len, (SrcLoc){ 0 }, err, sizeof err), "%s: a's file loads back into a", precision);
    run(&I, &ast, "seed 9\ntrain a on d epochs 2 batch 2 shuffle false\nseed 9\ntrain b on d epochs 2 batch 2 shuffle false\n");
    CHECK(same_bits(a, b) && a->steps == 10, "%s: 2 more epochs of Adam from the file give the same bits (10 updates; "
          "the same dropout masks)", precision);

    /* another model: the message names the layer, the parameter and both shapes */
    run(&I, &ast, "model c {\n  input 3\n  h: dense 5 tanh\n  batchnorm\n  dropout 0.25\n  prelu\n  maxout 3 pieces=2\n  cube 3\n"
                  "  dense 4 leaky_relu(alpha=0.2)\n  dense 2 softmax\n}\n");
    Model *c = model_named(&I, "c");
    bool refused_c = c && !persist_load_bytes(&I, c, "a.model", file, len, (SrcLoc){ 0 }, err, sizeof err);
    CHECK(refused_c && strcmp(err, "a.model: layer 1 is dense(units=4, activation=tanh) in the file but "
                                   "dense(units=5, activation=tanh) in model 'c'") == 0,
          "%s: a model of other widths is named: %.150s", precision, err);
    run(&I, &ast, "model e {\n  input 3\n  h: dense 4 tanh\n  batchnorm\n  dropout 0.25\n  prelu\n  maxout 3 pieces=2\n  cube 3\n"
                  "  dense 4 leaky_relu(alpha=0.3)\n  dense 2 softmax\n}\n");
    Model *e = model_named(&I, "e");
    bool refused_e = e && !persist_load_bytes(&I, e, "a.model", file, len, (SrcLoc){ 0 }, err, sizeof err);
    CHECK(refused_e && strstr(err, "layer 7 is dense(units=4, activation=leaky_relu(alpha=0.2)) in the file") != NULL,
          "%s: another activation setting is named: %.150s", precision, err);
    free(file);
    free(b_before);
    fclose(I.out);
    interp_free(&I);
    arena_free(&ast);
}

static void die_before_rename(const char *tmp) {
    (void)tmp;
    _exit(3);
}

/* a process killed between writing the temporary file and renaming it */
static void test_atomic_save(void) {
    char dir[] = "/tmp/nnl-persist-XXXXXX";
    if (!mkdtemp(dir)) { CHECK(0, "a temporary folder"); return; }
    char script[512];
    snprintf(script, sizeof script,
             "model m {\n  input 2\n  dense 1 with W = [[1, 2]], b = [3]\n}\nsave m \"%s/m.model\"\n", dir);
    Arena ast = { 0 };
    Interp I;
    interp_init(&I, false);
    interp_load_stdlib(&I);
    CHECK(run(&I, &ast, script), "a model is saved");
    char path[600];
    snprintf(path, sizeof path, "%s/m.model", dir);
    FILE *f = fopen(path, "rb");
    unsigned char before[4096];
    size_t n_before = f ? fread(before, 1, sizeof before, f) : 0;
    if (f) fclose(f);
    pid_t pid = fork();
    if (pid == 0) {
        file_crash_hook = die_before_rename;
        run(&I, &ast, "model m {\n  input 2\n  dense 1 with W = [[5, 6]], b = [7]\n}\n");
        char again[600];
        snprintf(again, sizeof again, "save m \"%s/m.model\"\n", dir);
        run(&I, &ast, again);
        _exit(0);
    }
    int status = 0;
    waitpid(pid, &status, 0);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 3, "the second save was stopped before its rename");
    f = fopen(path, "rb");
    unsigned char after[4096];
    size_t n_after = f ? fread(after, 1, sizeof after, f) : 0;
    if (f) fclose(f);
    CHECK(n_before > 0 && n_after == n_before && memcmp(before, after, n_before) == 0,
          "the file is the first save's, whole (%zu bytes)", n_after);
    char cmd[700];
    snprintf(cmd, sizeof cmd, "ls -A %s | grep -c '^[.]nnl-' > %s/count", dir, dir);
    int found = system(cmd) == 0;
    snprintf(cmd, sizeof cmd, "%s/count", dir);
    f = fopen(cmd, "r");
    int stray = 0;
    if (f) { found = fscanf(f, "%d", &stray) == 1 && found; fclose(f); }
    CHECK(found && stray == 1, "what the killed save wrote is a temporary file beside it");
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd) != 0) CHECK(0, "clean up %s", dir);
    interp_free(&I);
    arena_free(&ast);
}

int main(void) {
    diag_set_stream(fopen("/dev/null", "w"));
    test_precision("precision float");
    test_precision("precision double");
    test_atomic_save();
    CHECK_DONE();
}
