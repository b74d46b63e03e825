/* blas.c — finds and loads a CBLAS library the first time a product is
 * large enough to want one.
 * Must not: multiply anything itself, or fail a run because no library is
 * there (nnl's own loops still give the right answer, only slower). */
#define _DEFAULT_SOURCE      /* MAP_ANONYMOUS, MAP_NORESERVE */
#include "base/diag.h"
#include "tensor/blas.h"
#include <dlfcn.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <unistd.h>

/* ---- room for OpenBLAS's buffers ----------------------------------------
 * OpenBLAS maps a work buffer per thread (BUFFER_SIZE, 32 << 22 = 128 MiB on
 * x86-64) and, when that mmap fails, its allocator retries for ever at 100 %
 * CPU: under `ulimit -v 250000` a 200x200 product never returned.  So before
 * loading it, and before giving it more threads, nnl checks that the address
 * space left holds the buffers (an mmap of that size, PROT_NONE, counts
 * against RLIMIT_AS and RLIMIT_DATA like OpenBLAS's own, and is given back
 * at once).  Measured with 0.3.21: loading takes 40 MiB, each thread 128 MiB
 * of buffer and its stack. */
enum { LIBRARY_MIB = 48, THREAD_MIB = 140 };

static size_t mib(int n) { return (size_t)n << 20; }

static bool limited(void) {
    struct rlimit as, data;
    return (getrlimit(RLIMIT_AS, &as) == 0 && as.rlim_cur != RLIM_INFINITY) ||
           (getrlimit(RLIMIT_DATA, &data) == 0 && data.rlim_cur != RLIM_INFINITY);
}

static bool room_for(size_t bytes) {
    if (getenv("NNL_BLAS_ROOM_MIB")) return mib(atoi(getenv("NNL_BLAS_ROOM_MIB"))) >= bytes;  /* tests */
    if (!limited()) return true;
    void *p = mmap(NULL, bytes, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (p == MAP_FAILED) return false;
    munmap(p, bytes);
    return true;
}

/* the threads whose buffers OpenBLAS has (it maps one at a thread's first
 * product and keeps it) */
static int buffers;

int blas_user_threads(void) {
    static const char *const vars[] = { "OPENBLAS_NUM_THREADS", "GOTO_NUM_THREADS", "OMP_NUM_THREADS" };
    for (size_t i = 0; i < sizeof vars / sizeof *vars; i++)
        if (getenv(vars[i])) { int n = atoi(getenv(vars[i])); return n > 0 ? n : 1; }
    return 0;
}

int blas_threads_that_fit(int want) {
    if (want <= buffers) return want;
    int fit = want;
    while (fit > buffers && !room_for(mib(THREAD_MIB * (fit - buffers)))) fit = fit > 2 ? fit / 2 : fit - 1;
    if (fit < want) {
        static bool told;
        if (!told && fit > 0)
            diag_warning(diag_statement, "the address space left (ulimit -v) has no room for OpenBLAS's buffers "
                         "for %d threads (%d MiB each): large matrix products use %d", want, THREAD_MIB, fit);
        else if (!told)
            diag_warning(diag_statement, "the address space left (ulimit -v) has no room for OpenBLAS's buffers "
                         "(%d MiB): large matrix products run on nnl's own loops, which are slower", THREAD_MIB);
        told = true;
    }
    if (fit > buffers) buffers = fit;
    return fit;
}


/* OpenBLAS's run-time package first (libopenblas0 on Debian has only the
 * .so.0), then its development link, then whatever the system's BLAS
 * alternative is (Debian's reference libblas3 includes CBLAS). */
static const char *const default_names[] = {
    "libopenblas.so.0", "libopenblas.so", "libblas.so.3",
};

static bool load(const char *name, Blas *blas, char *why, size_t why_size) {
    void *lib = dlopen(name, RTLD_NOW | RTLD_LOCAL);
    if (!lib) {
        snprintf(why, why_size, "%s", dlerror());
        return false;
    }
    blas->sgemm = (SgemmFn *)dlsym(lib, "cblas_sgemm");
    blas->dgemm = (DgemmFn *)dlsym(lib, "cblas_dgemm");
    if (!blas->sgemm || !blas->dgemm) {
        snprintf(why, why_size, "%s has no cblas_sgemm and cblas_dgemm", name);
        dlclose(lib);
        return false;
    }
    blas->set_threads = (void (*)(int))dlsym(lib, "openblas_set_num_threads");
    return true;
}

/* OpenBLAS reads its thread count from the environment when it is loaded;
 * a count the user chose that has no room is brought down to one (and
 * matmul.c's blas_threads_that_fit says so) */
static bool load_one_thread(const char *name, Blas *blas, char *why, size_t why_size) {
    int asked = blas_user_threads();
    bool user = asked > 0;
    if (user && !room_for(mib(LIBRARY_MIB + THREAD_MIB * asked))) user = false;
    char *saved[3] = { NULL, NULL, NULL };
    static const char *const vars[] = { "OPENBLAS_NUM_THREADS", "GOTO_NUM_THREADS", "OMP_NUM_THREADS" };
    if (!user) {
        for (int i = 0; i < 3; i++) if (getenv(vars[i])) saved[i] = strdup(getenv(vars[i]));
        unsetenv("GOTO_NUM_THREADS");
        unsetenv("OMP_NUM_THREADS");
        setenv("OPENBLAS_NUM_THREADS", "1", 1);
    }
    bool ok = load(name, blas, why, why_size);
    if (!user) {
        unsetenv("OPENBLAS_NUM_THREADS");
        for (int i = 0; i < 3; i++) if (saved[i]) { setenv(vars[i], saved[i], 1); free(saved[i]); }
    }
    blas->threads = user ? asked : 1;
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    blas->max_threads = user || !blas->set_threads ? 0 : cpus > 64 ? 64 : cpus < 1 ? 1 : (int)cpus;
    return ok;
}

/* the first of default_names that loads; its name, or NULL */
static const char *load_default(Blas *blas, char *why, size_t why_size) {
    for (size_t i = 0; i < sizeof default_names / sizeof *default_names; i++)
        if (load_one_thread(default_names[i], blas, why, why_size)) return default_names[i];
    return NULL;
}

const char *blas_probe(void) {
    Blas b;
    char why[512];
    const char *chosen = getenv("NNL_BLAS");
    if (chosen && *chosen) return load_one_thread(chosen, &b, why, sizeof why) ? chosen : NULL;
    return load_default(&b, why, sizeof why);
}

const Blas *blas_library(void) {
    static Blas blas;
    static enum { UNTRIED, LOADED, MISSING } state = UNTRIED;
    if (state != UNTRIED) return state == LOADED ? &blas : NULL;
    state = MISSING;
    char why[512] = "";
    if (!room_for(mib(LIBRARY_MIB + THREAD_MIB))) {
        diag_warning(diag_statement, "the address space left (ulimit -v) has no room for a BLAS library and "
                     "its buffers (%d MiB): large matrix products run on nnl's own loops, which are slower",
                     LIBRARY_MIB + THREAD_MIB);
        return NULL;
    }
    const char *chosen = getenv("NNL_BLAS");
    if (chosen && *chosen) {
        if (load_one_thread(chosen, &blas, why, sizeof why)) state = LOADED;
        else diag_warning(diag_statement, "NNL_BLAS=%s cannot be used (%s): large matrix products "
                          "run on nnl's own loops, which are slower", chosen, why);
        return state == LOADED ? &blas : NULL;
    }
    if (load_default(&blas, why, sizeof why)) {
        state = LOADED;
        return &blas;
    }
    diag_warning(diag_statement, "no BLAS library was found (tried libopenblas.so.0, libopenblas.so, "
                 "libblas.so.3): large matrix products run on nnl's own loops, which are slower; "
                 "install OpenBLAS (Debian: libopenblas0) or set NNL_BLAS to a CBLAS library");
    return NULL;
}
