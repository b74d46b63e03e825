/* blas.c — finds and loads a CBLAS library the first time a product is
 * large enough to want one.
 * Must not: multiply anything itself, or fail a run because no library is
 * there (nnl's own loops still give the right answer, only slower). */
#include "base/diag.h"
#include "tensor/blas.h"
#include <dlfcn.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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

static bool threads_chosen_by_user(void) {
    static const char *const vars[] = { "OPENBLAS_NUM_THREADS", "GOTO_NUM_THREADS", "OMP_NUM_THREADS" };
    for (size_t i = 0; i < sizeof vars / sizeof *vars; i++) if (getenv(vars[i])) return true;
    return false;
}

/* OpenBLAS reads its thread count from the environment when it is loaded */
static bool load_one_thread(const char *name, Blas *blas, char *why, size_t why_size) {
    bool user = threads_chosen_by_user();
    if (!user) setenv("OPENBLAS_NUM_THREADS", "1", 1);
    bool ok = load(name, blas, why, why_size);
    if (!user) unsetenv("OPENBLAS_NUM_THREADS");
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
    if (chosen && *chosen) return load(chosen, &b, why, sizeof why) ? chosen : NULL;
    return load_default(&b, why, sizeof why);
}

const Blas *blas_library(void) {
    static Blas blas;
    static enum { UNTRIED, LOADED, MISSING } state = UNTRIED;
    if (state != UNTRIED) return state == LOADED ? &blas : NULL;
    state = MISSING;
    char why[512] = "";
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
