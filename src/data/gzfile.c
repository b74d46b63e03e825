/* gzfile.c — bytes from files, gzipped or plain (zlib's gzread reads both), or
 * from memory (for tests and fuzzing), and the shared data_error.
 * Owns: opening, reading and closing data files.  Must not: interpret what
 * it reads (csv.c, idx.c do). */
#include "base/files.h"
#include "base/interrupt.h"
#include "data/dataload.h"
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <zlib.h>

bool data_error(DataError *e, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(e->msg, sizeof e->msg, fmt, ap);
    va_end(ap);
    return false;
}

static long gz_read(void *ctx, void *buf, size_t n, DataError *err) {
    gzFile f = ctx;
    if (n > (1u << 30)) n = 1u << 30;
    int got = gzread(f, buf, (unsigned)n);
    if (got >= 0) return got;
    int code;
    const char *why = gzerror(f, &code);
    data_error(err, "%s", code == Z_ERRNO ? file_error_text(errno) : code == Z_DATA_ERROR ? "corrupt gzip data" : why);
    return -1;
}

bool source_open(ByteSource *s, const char *path, DataError *err) {
    struct stat st;
    if (stat(path, &st) != 0) return data_error(err, "cannot open '%s': %s", path, strerror(errno));
    if (S_ISDIR(st.st_mode)) return data_error(err, "'%s' is a directory, not a data file", path);
    gzFile f = gzopen(path, "rb");
    if (!f) return data_error(err, "cannot open '%s': %s", path, errno ? file_error_text(errno) : "out of memory");
    gzbuffer(f, 1 << 17);
    *s = (ByteSource){ gz_read, f, path, NULL, 0, gzdirect(f) ? (long long)st.st_size : -1 };
    return true;
}

void source_close(ByteSource *s) {
    if (s->read == gz_read && s->ctx) gzclose(s->ctx);
    s->ctx = NULL;
}

static long mem_read(void *ctx, void *buf, size_t n, DataError *err) {
    (void)err;
    ByteSource *s = ctx;
    if (n > s->left) n = s->left;
    if (n) memcpy(buf, s->mem, n);
    s->mem += n;
    s->left -= n;
    return (long)n;
}

void source_memory(ByteSource *s, const char *name, const void *data, size_t len) {
    *s = (ByteSource){ mem_read, s, name, data, len, (long long)len };
}

/* The most text a data file may hold (gunzipped): far more than MAX_ELEMENTS
 * numbers need in CSV, and a gzip bomb stops here (or at NNL_MEMORY_LIMIT). */
#define TEXT_CAP ((size_t)1 << 30)

bool read_text_file(const char *path, char **text, size_t *len, DataError *err) {
    ByteSource s;
    if (!source_open(&s, path, err)) return false;
    size_t limit = file_read_cap(TEXT_CAP);
    size_t cap = 1 << 16, n = 0;
    char *buf = malloc(cap);
    for (;;) {
        if (!buf) { source_close(&s); return data_error(err, "out of memory reading '%s'", path); }
        long got = s.read(s.ctx, buf + n, cap - n - 1, err);
        if (got < 0) {
            char why[400];
            snprintf(why, sizeof why, "%.300s", err->msg);
            free(buf);
            source_close(&s);
            return data_error(err, "%s: cannot read it: %s", path, why);
        }
        if (got == 0) break;
        bool nul = memchr(buf + n, 0, (size_t)got) != NULL;   /* not text (/dev/zero): stop now */
        n += (size_t)got;
        if (nul) break;
        if (nnl_interrupt) {                  /* Ctrl-C: a large (or gzipped) file stops here */
            free(buf);
            source_close(&s);
            return data_error(err, "%s: reading stopped: interrupted (Ctrl-C)", path);
        }
        if (n > limit) {
            free(buf);
            source_close(&s);
            return data_error(err, "'%s' is too large: more than %zu MiB of text (or NNL_MEMORY_LIMIT)", path,
                              limit >> 20);
        }
        if (n + 1 == cap) {
            cap *= 2;
            char *grown = realloc(buf, cap);
            if (!grown) free(buf);
            buf = grown;
        }
    }
    source_close(&s);
    buf[n] = 0;
    *text = buf;
    *len = n;
    return true;
}
