/* What the language server answers about a place in a document: hover,
 * completion, go-to-definition — from the interpreter its check pass left
 * and the language's names.  The Jupyter kernel (cli/kernel.c) asks the
 * same of a notebook's live interpreter. */
#ifndef NNL_LSP_QUERY_H
#define NNL_LSP_QUERY_H
#include "lsp/document.h"

/* What a query looks at: a text, the file name its statements' locations
 * carry (a def's comment is found in it), its URI (for definition's
 * answer), and the interpreter that ran it (NULL: none has yet). */
typedef struct QueryText {
    const char *text, *path, *uri;
    Interp     *I;
} QueryText;

/* a document's */
QueryText doc_query(Doc *d);

/* Hover's result ({contents: markdown}) for the name at (line, character), or NULL */
cJSON *query_hover(const QueryText *q, int line, int character);
/* CompletionItem[] for what is typed before (line, character) */
cJSON *query_completion(const QueryText *q, int line, int character);
/* Location of the definition of the name at (line, character), or NULL */
cJSON *query_definition(const QueryText *q, int line, int character);

#endif
