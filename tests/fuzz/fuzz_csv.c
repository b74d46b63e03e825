/* fuzz_csv.c — libFuzzer target for the CSV loader (src/data/csv.c): any bytes as
 * a CSV file, read with options taken from the first byte (header or not,
 * delimiter, target by name or number, classify), must load or fail with a
 * message, never crash or leak.  Built by `make fuzz` / `make test` into
 * $(BUILD)/fuzz/fuzz_csv. */
#include "data/dataload.h"
#include <stdint.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size < 1) return 0;
    uint8_t opt = data[0];
    static const char delims[] = { ',', ';', '\t', ' ' };
    CsvOptions o = { .target = (opt & 1) ? "y" : NULL, .target_index = (opt & 2) ? -1 : 0, .nfeature_index = -1,
                     .delimiter = delims[(opt >> 2) & 3], .header = (opt & 16) != 0,
                     .classify = (opt >> 5) % 3 - 1, .dtype = (opt & 128) ? DT_F64 : DT_F32 };
    if (!o.header) o.target = NULL;
    Arena ar = { 0 };
    Table t;
    DataError err;
    if (csv_parse("fuzz.csv", (const char *)data + 1, size - 1, &o, &ar, &t, &err)) {
        /* a table that loads is consistent */
        if (t.x->shape[0] != t.y->shape[0] || (t.classes && t.y->shape[1] != t.nclasses)) __builtin_trap();
    } else if (!memchr(err.msg, 0, sizeof err.msg) || strncmp(err.msg, "fuzz.csv", 8) != 0) {
        __builtin_trap();      /* every error names the file */
    }
    arena_free(&ar);
    return 0;
}
