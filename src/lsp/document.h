/* An open document of the language server: its text, its parse, and the
 * interpreter its check pass left (models, data sets, functions: what hover,
 * completion and definition look at). */
#ifndef NNL_LSP_DOCUMENT_H
#define NNL_LSP_DOCUMENT_H
#include "lang/interp.h"
#include <cjson/cJSON.h>

/* What only the command line's stage can do for the server: start an
 * interpreter for a check pass with the standard library loaded, run a
 * program in it, and end it (cli/toplevel.c's interp_init, interp_run,
 * interp_free). */
typedef struct LspRunner {
    void (*start)(Interp *I);
    bool (*run)(Interp *I, const Node *program);
    void (*stop)(Interp *I);
} LspRunner;

typedef struct Doc {
    char       *uri;
    const char *path;        /* interned: the file name its errors name */
    char       *text;
    Arena       ast;
    Node       *program;     /* the last text that parsed (NULL: none did) */
    Interp      I;           /* after its check pass (as far as it went) */
    bool        checked;
    struct Doc *next;
} Doc;

/* the document at uri, or NULL */
Doc *doc_find(Doc *docs, const char *uri);
/* a new document (text copied), linked in front of *docs */
Doc *doc_open(Doc **docs, const char *uri, const char *text, const LspRunner *r);
/* its text replaced (copied); what the last check found stays until doc_check */
void doc_change(Doc *d, const char *text, const LspRunner *r);
void doc_close(Doc **docs, Doc *d, const LspRunner *r);
/* parses and checks it as `nnl --check` does; the LSP Diagnostic[] of what
 * was reported (errors and warnings at the document's own lines, notes
 * appended to their message).  Text that does not parse leaves the last
 * check's interpreter for hover and completion (the user is typing). */
cJSON *doc_check(Doc *d, const LspRunner *r);

/* a file URI's path (percent-escapes decoded; malloc'd), or a copy of uri */
char *uri_to_path(const char *uri);
/* "file://" and the path with what must be escaped escaped (malloc'd) */
char *path_to_uri(const char *path);
/* the byte offset of an LSP position (line from 0, character in UTF-16 units) */
size_t doc_offset(const char *text, int line, int character);
/* the LSP range of the token at nnl's line:col (1-based) of text: a name or
 * number to its end, else one character */
cJSON *doc_range(const char *text, int line, int col);
/* the UTF-16 column of byte `at` of its line (line start at line_start) */
int utf16_column(const char *line_start, size_t at);

#endif
