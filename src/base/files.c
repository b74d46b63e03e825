/* files.c — writing a file atomically: a temporary file next to the target
 * (a short name of its own, so a target name at the file system's limit
 * still works), synced, renamed over it; and the checks that keep a write
 * from replacing a device, a FIFO, a folder or a read-only file.
 * Must not: know what is written (callers encode), or report errors itself
 * (it returns why, the caller says where). */
#define _XOPEN_SOURCE 700      /* realpath */
#include "base/files.h"
#include "base/arena.h"
#include "base/interrupt.h"
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

void (*file_crash_hook)(const char *tmp_path);

/* the folder part of path ("." for a bare name), malloc'd */
static char *folder_of(const char *path) {
    const char *slash = strrchr(path, '/');
    if (!slash) return strdup(".");
    size_t n = slash == path ? 1 : (size_t)(slash - path);
    char *d = malloc(n + 1);
    if (d) { memcpy(d, path, n); d[n] = 0; }
    return d;
}

/* Why path cannot be replaced, or NULL; *target is where to write (path, or
 * what a symlink names), malloc'd; *mode the mode the new file gets. */
static const char *target_of(const char *path, char **target, mode_t *mode) {
    struct stat st;
    *target = NULL;
    if (!*path) return "no file name";
    if (stat(path, &st) == 0) {
        if (S_ISDIR(st.st_mode)) return "it is a folder";
        if (!S_ISREG(st.st_mode)) return "not a regular file (a device, a FIFO or a socket is never replaced)";
        /* no write permission for anyone is read-only even for root, who may write anything */
        if (!(st.st_mode & (S_IWUSR | S_IWGRP | S_IWOTH))) return "it is read-only";
        if (access(path, W_OK) != 0) return errno == EACCES || errno == EROFS ? "it is read-only" : strerror(errno);
        *mode = st.st_mode & 07777;
        struct stat lst;
        if (lstat(path, &lst) == 0 && S_ISLNK(lst.st_mode)) *target = realpath(path, NULL);
        else *target = strdup(path);
    } else if (errno == ENOENT) {
        mode_t mask = umask(0);
        umask(mask);
        *mode = 0666 & ~mask;
        *target = strdup(path);
    } else {
        return strerror(errno);
    }
    if (!*target) return strerror(errno ? errno : ENOMEM);
    char *dir = folder_of(*target);
    if (!dir) return "out of memory";
    const char *why = NULL;
    if (stat(dir, &st) != 0) why = strerror(errno);
    else if (!S_ISDIR(st.st_mode)) why = "its folder is not a folder";
    else if (access(dir, W_OK | X_OK) != 0) why = strerror(errno);
    free(dir);
    return why;
}

const char *file_check_writable(const char *path) {
    char *target;
    mode_t mode;
    const char *why = target_of(path, &target, &mode);
    free(target);
    return why;
}

/* the temporary file being written, for the SIGINT handler: a fixed buffer,
 * as only async-signal-safe calls may touch it there */
static char writing[4096];

void file_abandon_temporary(void) {
    if (writing[0]) unlink(writing);
}

const char *file_write_atomically(const char *path, const void *bytes, size_t len) {
    char *target;
    mode_t mode;
    const char *why = target_of(path, &target, &mode);
    if (why) { free(target); return why; }
    char *dir = folder_of(target);
    char *tmp = dir ? malloc(strlen(dir) + 16) : NULL;
    if (!tmp) { free(dir); free(target); return "out of memory"; }
    strcpy(tmp, dir);
    strcat(tmp, "/.nnl-XXXXXX");
    int fd = mkstemp(tmp);
    if (fd < 0) { int e = errno; free(tmp); free(dir); free(target); return strerror(e); }
    if (strlen(tmp) < sizeof writing) memcpy(writing, tmp, strlen(tmp) + 1);
    size_t done = 0;
    while (!why && done < len) {              /* a MiB at a time, so that Ctrl-C is seen */
        if (nnl_interrupt) { why = "interrupted (Ctrl-C); nothing was written"; break; }
        size_t chunk = len - done < (1u << 20) ? len - done : 1u << 20;
        ssize_t w = write(fd, (const char *)bytes + done, chunk);
        if (w < 0 && errno != EINTR) why = strerror(errno);
        else if (w > 0) done += (size_t)w;
    }
    if (!why && fchmod(fd, mode) != 0) why = strerror(errno);
    if (!why && fsync(fd) != 0) why = strerror(errno);
    if (close(fd) != 0 && !why) why = strerror(errno);
    if (!why && file_crash_hook) file_crash_hook(tmp);
    if (!why && rename(tmp, target) != 0) why = strerror(errno);
    if (why) unlink(tmp);
    writing[0] = 0;
    if (!why) {                                   /* make the rename itself durable */
        int d = open(dir, O_RDONLY);
        if (d >= 0) { fsync(d); close(d); }
    }
    free(tmp);
    free(dir);
    free(target);
    return why;
}

/* ---- reading ------------------------------------------------------------------ */

size_t file_read_cap(size_t format_cap) {
    size_t memory = arena_limit();
    return memory && memory < format_cap ? memory : format_cap;
}

bool file_stop_at_nul(const char *bytes, size_t n) { return memchr(bytes, 0, n) != NULL; }

const char *file_error_text(int e) {
    return e == EINTR && nnl_interrupt ? "interrupted (Ctrl-C)" : strerror(e);
}

static char *read_failed(char *buf, FILE *f, char *why, size_t size, const char *fmt, const char *path,
                         const char *reason) {
    snprintf(why, size, fmt, path, reason);
    free(buf);
    if (f) fclose(f);
    return NULL;
}

char *file_read_all(const char *path, size_t cap, ReadStop stop, size_t *len, char *why, size_t why_size) {
    FILE *f = fopen(path, "rb");
    struct stat st;
    if (!f || fstat(fileno(f), &st) != 0)       /* a FIFO with no writer waits in open: Ctrl-C ends it */
        return read_failed(NULL, f, why, why_size, "cannot open '%s': %s", path, file_error_text(errno));
    if (S_ISDIR(st.st_mode)) return read_failed(NULL, f, why, why_size, "'%s' is %s", path, "a folder, not a file");
    size_t size = S_ISREG(st.st_mode) && st.st_size > 0 ? (size_t)st.st_size + 1 : 1 << 16, n = 0;
    if (size > cap + 1) size = cap + 1;
    char *buf = malloc(size);
    for (;;) {
        if (!buf) return read_failed(buf, f, why, why_size, "cannot read '%s': %s", path, "out of memory");
        size_t got = fread(buf + n, 1, size - n - 1, f);
        if (ferror(f)) return read_failed(buf, f, why, why_size, "cannot read '%s': %s", path, file_error_text(errno));
        n += got;
        if (stop && got && stop(buf, n)) break;
        if (got == 0) break;
        if (nnl_interrupt)
            return read_failed(buf, f, why, why_size, "cannot read '%s': %s", path, "interrupted (Ctrl-C)");
        if (n > cap) {
            char limit[64];
            snprintf(limit, sizeof limit, "more than %zu MiB", cap >> 20 ? cap >> 20 : 1);
            return read_failed(buf, f, why, why_size, "'%s' is too large: %s (what a file of its kind may hold, "
                               "or NNL_MEMORY_LIMIT)", path, limit);
        }
        if (n + 1 == size) {
            size = size * 2 > cap + 2 ? cap + 2 : size * 2;
            char *grown = realloc(buf, size);
            if (!grown) free(buf);
            buf = grown;
        }
    }
    fclose(f);
    buf[n] = 0;
    *len = n;
    return buf;
}
