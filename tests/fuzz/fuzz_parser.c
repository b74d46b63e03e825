/* fuzz_parser.c — libFuzzer target for the front end: the flex lexer and the
 * bison parser (grammar/nnl.l, grammar/nnl.y) via parse_source(), including
 * their error paths and diagnostics.  Nothing is resolved or evaluated.
 * Built by `make fuzz` / `make test` into $(BUILD)/fuzz/fuzz_parser. */
#include "front/ast.h"
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    static int init;
    if (!init) { diag_set_stream(fopen("/dev/null", "w")); init = 1; }
    if (memchr(data, 0, size)) return -1;         /* sources never hold NUL */
    char *text = malloc(size + 1);
    if (!text) return 0;
    memcpy(text, data, size);
    text[size] = 0;
    Arena arena = {0};
    parse_source(&arena, "fuzz.nnl", text);
    arena_free(&arena);
    /* Freed at once on purpose: diag keeps `text` for "fuzz.nnl" until the
     * next parse_source replaces it, so ASan reports any later read of it. */
    free(text);
    return 0;
}
