/* What the language server answers about a place in a document: hover,
 * completion, go-to-definition — from the interpreter its check pass left
 * and the language's names. */
#ifndef NNL_LSP_QUERY_H
#define NNL_LSP_QUERY_H
#include "lsp/document.h"

/* Hover's result ({contents: markdown}) for the name at (line, character), or NULL */
cJSON *query_hover(Doc *d, int line, int character);
/* CompletionItem[] for what is typed before (line, character) */
cJSON *query_completion(Doc *d, int line, int character);
/* Location of the definition of the name at (line, character), or NULL */
cJSON *query_definition(Doc *d, int line, int character);

#endif
