/* fuzz_load.c — libFuzzer target for `load` (src/io/persist.c): any bytes as a
 * model file, loaded into one of the models of tests/fuzz/load_models.nnl
 * (read from the working directory: run from the top of the tree), in
 * float32 or double.  The first byte chooses: bit 0 the precision, bits 1-2
 * the model, bit 3 whether the CRC-32 is recomputed first (so damage behind
 * a valid checksum reaches the reader).  A load must succeed, after which
 * the model trains one epoch, or fail with a message that names the file
 * and leaves the model as it was; never crash or leak.  Built by
 * `make fuzz` / `make test` into $(BUILD)/fuzz/fuzz_load. */
#include "cli/toplevel.h"
#include "lang/eval.h"
#include "io/persist.h"
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

typedef struct Setup {
    Interp I;
    Arena ast;
    Model *models[3];
    unsigned char *original[3];   /* each model's file as it was set up */
    size_t original_len[3];
    Node *train[3];               /* train mN on d epochs 1 */
    char *text;                   /* the program: its nodes and messages point into it */
} Setup;

static Setup setups[2];
static FILE *devnull;

static char *read_models_script(void) {
    FILE *f = fopen("tests/fuzz/load_models.nnl", "rb");
    if (!f) { fputs("fuzz_load: run from the top of the tree (tests/fuzz/load_models.nnl)\n", stderr); abort(); }
    static char text[8192];
    size_t n = fread(text, 1, sizeof text - 1, f);
    fclose(f);
    text[n] = 0;
    return text;
}

static void set_up(Setup *s, bool dbl) {
    interp_init(&s->I, false);
    s->I.out = devnull;
    interp_load_stdlib(&s->I);
    char *src = read_models_script();
    s->text = malloc(strlen(src) + 32);
    sprintf(s->text, "%s%s", dbl ? "precision double\n" : "", src);
    Node *program = parse_source(&s->ast, "load_models.nnl", s->text);
    if (!program || !interp_run(&s->I, program)) abort();
    for (int k = 0; k < 3; k++) {
        char name[8], stmt[64];
        snprintf(name, sizeof name, "m%d", k + 1);
        Value *v = global_find(&s->I, intern(name));
        if (!v || v->kind != V_MODEL) abort();
        s->models[k] = v->model;
        s->original[k] = persist_encode(&s->I, v->model, &s->original_len[k]);
        snprintf(stmt, sizeof stmt, "train %s on d epochs 1\n", name);
        s->train[k] = parse_source(&s->ast, "train.nnl", stmt)->kids.items[0];
    }
}

static bool same_model(Setup *s, int k) {
    size_t len;
    unsigned char *now = persist_encode(&s->I, s->models[k], &len);
    bool same = len == s->original_len[k] && memcmp(now, s->original[k], len) == 0;
    free(now);
    return same;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (!devnull) {
        devnull = fopen("/dev/null", "w");
        diag_set_stream(devnull);
        set_up(&setups[0], false);
        set_up(&setups[1], true);
    }
    if (size < 1) return 0;
    Setup *s = &setups[data[0] & 1];
    int k = (data[0] >> 1 & 3) % 3;
    unsigned char *file = malloc(size);
    if (!file) return 0;
    memcpy(file, data + 1, size - 1);
    size_t len = size - 1;
    if ((data[0] & 8) && len >= PERSIST_HEADER_BYTES) {
        uint32_t crc = (uint32_t)crc32_z(crc32_z(0, Z_NULL, 0), file + PERSIST_HEADER_BYTES, len - PERSIST_HEADER_BYTES);
        for (int i = 0; i < 4; i++) file[24 + i] = (unsigned char)(crc >> (8 * i));
    }
    char err[600];
    arena_reset(&s->I.pass);
    SrcLoc loc = { "fuzz.nnl", 1, 1 };
    if (persist_load_bytes(&s->I, s->models[k], "fuzz.model", file, len, loc, err, sizeof err)) {
        interp_run_statement(&s->I, s->train[k]);      /* may fail (a NaN loaded), must not crash */
        char restore[600];
        if (!persist_load_bytes(&s->I, s->models[k], "original", s->original[k], s->original_len[k], loc, restore,
                                sizeof restore))
            __builtin_trap();
    } else if (strncmp(err, "fuzz.model: ", 12) != 0 || !same_model(s, k)) {
        __builtin_trap();
    }
    free(file);
    return 0;
}
