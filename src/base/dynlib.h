/* Libraries loaded at their first use (dynlib.c), so that a run which never
 * draws a graph or starts the view does not pay for loading Graphviz or
 * libmicrohttpd (and GnuTLS, pango, cairo… behind them) at start-up. */
#ifndef NNL_DYNLIB_H
#define NNL_DYNLIB_H
#include <stdbool.h>
#include <stddef.h>

/* one symbol to resolve: its name and where its address goes (a function
 * pointer, as POSIX's dlsym example writes it: (void **)&fn) */
typedef struct DynSym { const char *name; void **slot; } DynSym;

/* A library and what nnl needs of it: the file names to try in order
 * (NULL-terminated) and the symbols (nsyms of them).  `loaded` and `tried`
 * are dynlib_load's, zero to start with. */
typedef struct DynLib {
    const char *const *names;
    const DynSym *syms;
    size_t nsyms;
    const char *loaded;        /* the name that loaded, or NULL */
    bool tried;
    char why[256];             /* why none loaded */
} DynLib;

/* Loads the first of lib->names that opens and has every symbol, once: true
 * when it did (this call or an earlier one); else false, and lib->why says
 * why the last name failed (dlerror's text or the missing symbol). */
bool dynlib_load(DynLib *lib);

#endif
