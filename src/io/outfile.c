/* outfile.c — writing a text file whole or not at all: into a temporary
 * file in the same folder, renamed over the target at the end; and the
 * check pass's test that it could be written.
 * Must not: decide what goes into a file (the callers' writers do) or
 * replace anything but a regular file.  (persist.c keeps its own byte
 * writer, which also syncs to the disk.) */
#include "base/arena.h"
#include "base/diag.h"
#include "io/outfile.h"
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* why FILE may not be replaced, or NULL */
static const char *not_replaceable(const char *file) {
    struct stat st;
    if (lstat(file, &st) != 0) return NULL;
    if (S_ISLNK(st.st_mode) && stat(file, &st) != 0) return NULL;   /* a dangling link: renamed over */
    if (S_ISDIR(st.st_mode)) return "it is a folder";
    if (!S_ISREG(st.st_mode)) return "it is not a regular file";
    return NULL;
}

void outfile_check(Interp *I, const char *file, SrcLoc loc) {
    const char *why = not_replaceable(file);
    if (why) fail_at(loc, "%s: cannot write: %s", file, why);
    const char *slash = strrchr(file, '/');
    const char *dir = !slash ? "." : slash == file ? "/" : arena_printf(&I->pass, "%.*s", (int)(slash - file), file);
    if (access(dir, W_OK | X_OK) != 0) fail_at(loc, "%s: cannot write: %s", file, strerror(errno));
}

void outfile_write(Interp *I, const char *file, SrcLoc loc, OutfileWrite write, const void *ctx) {
    const char *why = not_replaceable(file);
    if (why) fail_at(loc, "%s: cannot write: %s", file, why);
    char *tmp = arena_printf(&I->pass, "%s.tmp-XXXXXX", file);
    int fd = mkstemp(tmp);
    if (fd < 0) fail_at(loc, "%s: cannot write: %s", file, strerror(errno));
    FILE *f = fdopen(fd, "w");
    if (!f) {
        int e = errno;
        close(fd);
        unlink(tmp);
        fail_at(loc, "%s: cannot write: %s", file, strerror(e));
    }
    /* mkstemp makes the file readable by its owner only; give it what a new file gets */
    mode_t mask = umask(0);
    umask(mask);
    fchmod(fd, 0666 & ~mask);
    DiagHandler h;              /* an error while writing (out of memory) leaves no temporary file */
    diag_push(&h);
    if (setjmp(h.env) != 0) {
        fclose(f);
        unlink(tmp);
        diag_throw();
    }
    write(I, f, ctx);
    diag_pop(&h);
    errno = 0;
    bool ok = fflush(f) == 0 && !ferror(f);
    int e = errno;
    ok = fclose(f) == 0 && ok;
    if (!ok && !e) e = errno;
    if (ok && rename(tmp, file) != 0) { e = errno; ok = false; }
    if (!ok) {
        unlink(tmp);
        fail_at(loc, "%s: cannot write: %s", file, strerror(e ? e : EIO));
    }
}
