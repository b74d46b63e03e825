/* Unit tests of base/dynlib.c: a library is loaded at its first use, its
 * symbols resolved, a missing file or symbol said plainly and tried once;
 * and nnl itself does not link Graphviz or libmicrohttpd (they are loaded
 * when a .svg graph or the view first needs them). */
#define _GNU_SOURCE          /* dl_iterate_phdr */
#include "base/dynlib.h"
#include "check.h"
#include <link.h>
#include <string.h>

static const char *(*zversion)(void);

/* true when a library whose name contains part is loaded in this process */
static const char *wanted;
static int seen(struct dl_phdr_info *info, size_t size, void *found) {
    (void)size;
    if (info->dlpi_name && strstr(info->dlpi_name, wanted)) *(int *)found = 1;
    return 0;
}
static int loaded(const char *part) {
    int found = 0;
    wanted = part;
    dl_iterate_phdr(seen, &found);
    return found;
}

int main(void) {
    CHECK(!loaded("libgvc") && !loaded("libmicrohttpd") && !loaded("libgnutls"),
          "Graphviz, libmicrohttpd and GnuTLS are not loaded at start-up");

    static const char *const none[] = { "libnnl-no-such-library.so.9", NULL };
    DynLib missing = { none, NULL, 0, NULL, false, "" };
    bool ok = dynlib_load(&missing);
    CHECK(!ok && strstr(missing.why, "libnnl-no-such-library.so.9"),
          "a library that is not there: false, and why names it (%.100s)", missing.why);
    CHECK(!dynlib_load(&missing) && missing.tried, "tried once, the answer kept");

    static const DynSym bad[] = { { "zlibVersion", (void **)&zversion }, { "nnl_no_such_symbol", (void **)&zversion } };
    static const char *const zlib[] = { "libnnl-no-such-library.so.9", "libz.so.1", NULL };
    DynLib lacking = { zlib, bad, 2, NULL, false, "" };
    ok = dynlib_load(&lacking);
    CHECK(!ok && strstr(lacking.why, "libz.so.1 has no nnl_no_such_symbol"),
          "a library without a symbol asked for is refused: %.100s", lacking.why);

    DynLib good = { zlib, bad, 1, NULL, false, "" };
    CHECK(dynlib_load(&good) && good.loaded && strcmp(good.loaded, "libz.so.1") == 0,
          "the first name that loads is taken (libz.so.1 after a missing one)");
    CHECK(zversion && zversion()[0] >= '1', "its symbol is resolved and callable");
    CHECK_DONE();
}
