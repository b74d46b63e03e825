/* svg_out.c — NNL_SVG_OUT: a picture printed as SVG between markers, for
 * the Jupyter kernel.  Must not: draw anything (plot.c and graph_render.c
 * make the SVG). */
#include "see/svg_out.h"
#include <stdlib.h>
#include <string.h>

bool svg_out_wanted(void) {
    const char *v = getenv("NNL_SVG_OUT");
    return v && strcmp(v, "1") == 0;
}

void svg_out_print(FILE *out, const char *svg, size_t len) {
    fprintf(out, "%s\n", SVG_OUT_BEGIN);
    fwrite(svg, 1, len, out);
    if (len == 0 || svg[len - 1] != '\n') fputc('\n', out);
    fprintf(out, "%s\n", SVG_OUT_END);
    fflush(out);
}
