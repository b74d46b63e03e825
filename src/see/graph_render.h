/* Where a graph goes (graph_render.c): printed as DOT text, written to a
 * .dot file, or laid out by Graphviz's C library (libgvc) into a .svg file. */
#ifndef NNL_GRAPH_RENDER_H
#define NNL_GRAPH_RENDER_H
#include "lang/interp.h"

/* an error unless path ends in .dot or .svg (and .svg can be made: nnl was
 * built with libgvc) and could be written; the check pass calls it too */
void graph_check_file(Interp *I, const char *path, SrcLoc loc);
/* prints dot (path NULL) or writes it to path, as it is or rendered to SVG;
 * frees dot in every case, an error too; what names the graph in the
 * message saying where it went */
void graph_emit(Interp *I, char *dot, size_t len, const char *path, const char *what, SrcLoc loc);

/* Graphviz's version ("2.42.2") when nnl was built with libgvc (.svg graphs), else NULL */
const char *graph_library(void);

#endif
