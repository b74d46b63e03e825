/* dynlib.c — opens a library at its first use and resolves the symbols its
 * caller listed, remembering the outcome so it is tried once.
 * Must not: know which library it is loading, or report anything itself
 * (callers turn lib->why into their own error). */
#include "base/dynlib.h"
#include <dlfcn.h>
#include <stdio.h>

static bool open_one(DynLib *lib, const char *name) {
    void *h = dlopen(name, RTLD_NOW | RTLD_LOCAL);
    if (!h) {
        const char *e = dlerror();
        snprintf(lib->why, sizeof lib->why, "%s", e ? e : name);
        return false;
    }
    for (size_t i = 0; i < lib->nsyms; i++) {
        *lib->syms[i].slot = dlsym(h, lib->syms[i].name);
        if (!*lib->syms[i].slot) {
            snprintf(lib->why, sizeof lib->why, "%s has no %s", name, lib->syms[i].name);
            dlclose(h);
            return false;
        }
    }
    return true;
}

bool dynlib_load(DynLib *lib) {
    if (lib->tried) return lib->loaded != NULL;
    lib->tried = true;
    for (const char *const *n = lib->names; *n; n++)
        if (open_one(lib, *n)) { lib->loaded = *n; return true; }
    return false;
}
