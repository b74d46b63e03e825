/* page.c — one page from the template web/view.html: cut at its three
 * markers, joined with web/view.css, the JSON (every '<' written \u003c, so
 * nothing in a string can end the script element) and web/view.js; the text
 * put in is never searched again.  tests/browser/assemble.py does the same.
 * Must not: read the session (it gets the JSON as text) or touch files. */
#include "web/assets.h"
#include "web/page.h"
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

typedef struct Piece { const char *marker; const char *text; bool escape; } Piece;

char *view_page(const char *json, size_t *len) {
    Piece pieces[3] = { { "/*NNL-CSS*/", nnl_view_css, false }, { "NNL-PASS-JSON", json, true },
                        { "/*NNL-JS*/", nnl_view_js, false } };
    size_t lt = 0;
    for (const char *p = json; *p; p++) lt += *p == '<';
    size_t cap = strlen(nnl_view_html) + strlen(nnl_view_css) + strlen(nnl_view_js) + strlen(json) + 5 * lt + 1;
    char *out = malloc(cap), *w = out;
    if (!out) return NULL;
    const char *rest = nnl_view_html;
    for (;;) {
        Piece *next = NULL;
        const char *at = NULL;
        for (int i = 0; i < 3; i++) {
            const char *m = pieces[i].text ? strstr(rest, pieces[i].marker) : NULL;
            if (m && (!at || m < at)) { at = m; next = &pieces[i]; }
        }
        if (!next) break;
        memcpy(w, rest, (size_t)(at - rest));
        w += at - rest;
        for (const char *p = next->text; *p; p++) {
            if (next->escape && *p == '<') { memcpy(w, "\\u003c", 6); w += 6; }
            else *w++ = *p;
        }
        rest = at + strlen(next->marker);
        next->text = NULL;        /* each marker once */
    }
    size_t n = strlen(rest);
    memcpy(w, rest, n + 1);
    w += n;
    *len = (size_t)(w - out);
    return out;
}
