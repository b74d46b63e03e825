/* The page (page.c): web/view.html with its style, script and the JSON put
 * in, by the rules of docs/view-json.md. */
#ifndef NNL_WEB_PAGE_H
#define NNL_WEB_PAGE_H
#include <stddef.h>

/* the whole page for the object `json` (malloc'd; NULL if out of memory) */
char *view_page(const char *json, size_t *len);

#endif
