/* version.c — `nnl --version`: the version and the libraries this build
 * uses: BLAS, Graphviz and libmicrohttpd as they are found now (they are
 * loaded at run time, not linked).
 * Must not: load BLAS for products or warn (blas_probe only looks). */
#include "cli/version.h"
#include "see/graph_render.h"
#include "tensor/blas.h"
#include "web/server.h"
#include <cjson/cJSON.h>
#include <readline/readline.h>

void version_print(FILE *out) {
    const char *blas = blas_probe(), *gvc = graph_library();
    fprintf(out, "nnl %s\n", NNL_VERSION);
    if (blas) fprintf(out, "BLAS:          %s (loaded at run time; NNL_BLAS chooses another)\n", blas);
    else fprintf(out, "BLAS:          none found (large products run on nnl's own loops; NNL_BLAS names a CBLAS library)\n");
    if (gvc) fprintf(out, "Graphviz:      %s (graph ... to \"F.svg\")\n", gvc);
    else fprintf(out, "Graphviz:      not found (graph ... to \"F.svg\" is refused; .dot works; Debian: libgvc6)\n");
    fprintf(out, "readline:      %s\n", rl_library_version ? rl_library_version : "yes");
    char mhd_version[64];
    const char *mhd = server_library(mhd_version, sizeof mhd_version);
    if (mhd) fprintf(out, "libmicrohttpd: %s (%s, loaded when the view starts)\n", mhd_version, mhd);
    else fprintf(out, "libmicrohttpd: not found (nnl --view and `view` need it; Debian: libmicrohttpd12)\n");
    fprintf(out, "cJSON:         %s\n", cJSON_Version());
}
