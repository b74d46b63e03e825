/* fuzz_onnx.c — libFuzzer target for `import` (src/export/onnx_read.c): any
 * bytes as an ONNX file.  An import must give a model, which then runs
 * forward on a row of zeros, or fail with a message naming the file; never
 * crash, leak or read past the bytes.  Seeds: tests/onnx's fixtures and the
 * files `export` writes of tests/fuzz/load_models.nnl (tests/fuzz/seeds.sh).
 * Built by `make fuzz` / `make test` into $(BUILD)/fuzz/fuzz_onnx; without
 * ONNX support it only checks that it was built. */
#include "base/budget.h"
#include "cli/toplevel.h"
#include "export/onnx.h"
#include "lang/eval.h"
#include "lang/model.h"
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static Interp I;
static FILE *devnull;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (!devnull) {
        devnull = fopen("/dev/null", "w");
        diag_set_stream(devnull);
        interp_init(&I, false);
        I.out = devnull;
        interp_load_stdlib(&I);
        budget_set(20000000, 1 << 16, true);     /* no input may claim a huge tensor */
    }
    budget_restart();
#ifdef NNL_HAVE_ONNX
    arena_reset(&I.pass);
    SrcLoc loc = { "fuzz.nnl", 1, 1 };
    DiagHandler h;
    diag_push(&h);
    if (setjmp(h.env) == 0) {
        Model *m = onnx_decode(&I, "m", "fuzz.onnx", data, size, loc);
        Tensor *x = tensor_new(&I.pass, I.dtype, 2, (int[]){ 1, m->in_dim });
        I.mode.tape.recording = false;
        model_forward(&I, m, x, loc);
        diag_pop(&h);
    }
    I.mode = interp_default_mode(&I);
#else
    (void)data; (void)size;
#endif
    return 0;
}
