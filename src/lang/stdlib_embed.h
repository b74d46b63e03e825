/* The stdlib sources, compiled into the binary by src/embed_stdlib.awk. */
#ifndef NNL_STDLIB_EMBED_H
#define NNL_STDLIB_EMBED_H
typedef struct { const char *name; const char *text; } StdlibFile;
extern const StdlibFile nnl_stdlib_files[];   /* ends with { 0, 0 } */
#endif
