/* fuzz_idx.c — libFuzzer target for the IDX loader (src/data/idx.c): any bytes as
 * an IDX file, read from memory with a limit taken from the first byte, then
 * as labels made one-hot.  Must load or fail with a message that names the
 * file, never crash or leak.  Built by `make fuzz` / `make test` into
 * $(BUILD)/fuzz/fuzz_idx. */
#include "data/dataload.h"
#include <stdint.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size < 1) return 0;
    ByteSource s;
    source_memory(&s, "fuzz.idx", data + 1, size - 1);
    Arena ar = { 0 };
    Tensor *t;
    DataError err;
    if (idx_read(&s, (data[0] & 1) ? DT_F64 : DT_F32, 1, data[0] >> 1, &ar, &t, &err)) {
        if (t->ndim != 2 || t->shape[0] < 1) __builtin_trap();
        if (t->shape[1] == 1) {
            Table table;
            if (labels_to_table("fuzz.idx", t, (data[0] & 2) ? "a,b,c" : NULL, &ar, &table, &err) &&
                table.y->shape[1] != table.nclasses)
                __builtin_trap();
        }
    } else if (!memchr(err.msg, 0, sizeof err.msg) || strncmp(err.msg, "fuzz.idx", 8) != 0) {
        __builtin_trap();
    }
    arena_free(&ar);
    return 0;
}
