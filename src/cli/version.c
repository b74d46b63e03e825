/* version.c — `nnl --version`: the version and the libraries this build
 * uses, BLAS as it is found now (it is loaded at run time, not linked).
 * Must not: load BLAS for products or warn (blas_probe only looks). */
#include "cli/version.h"
#include "see/graph_render.h"
#include "tensor/blas.h"
#include <cjson/cJSON.h>
#include <microhttpd.h>
#include <readline/readline.h>

void version_print(FILE *out) {
    const char *blas = blas_probe(), *gvc = graph_library();
    fprintf(out, "nnl %s\n", NNL_VERSION);
    if (blas) fprintf(out, "BLAS:          %s (loaded at run time; NNL_BLAS chooses another)\n", blas);
    else fprintf(out, "BLAS:          none found (large products run on nnl's own loops; NNL_BLAS names a CBLAS library)\n");
    if (gvc) fprintf(out, "Graphviz:      %s (graph ... to \"F.svg\")\n", gvc);
    else fprintf(out, "Graphviz:      no (graph ... to \"F.svg\" is refused; .dot works)\n");
    fprintf(out, "readline:      %s\n", rl_library_version ? rl_library_version : "yes");
    fprintf(out, "libmicrohttpd: %s\n", MHD_get_version());
    fprintf(out, "cJSON:         %s\n", cJSON_Version());
}
