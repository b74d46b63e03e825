/* document.c — the server's documents: each parsed and checked like `nnl
 * --check FILE` whenever it changes, its messages caught from the diag
 * stream and turned into LSP diagnostics with ranges.
 * Must not: answer requests (query.c, server.c), or run anything beyond the
 * check pass (nothing is written, nothing printed). */
#include "base/diag.h"
#include "lang/resolve.h"
#include "lsp/document.h"
#include "train/lint.h"
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

static char *copy(const char *s) {
    size_t n = strlen(s) + 1;
    char *c = malloc(n);
    if (!c) abort();
    return memcpy(c, s, n);
}

Doc *doc_find(Doc *docs, const char *uri) {
    for (Doc *d = docs; d; d = d->next) if (strcmp(d->uri, uri) == 0) return d;
    return NULL;
}

static void forget(Doc *d, const LspRunner *r) {
    if (d->checked) r->stop(&d->I);
    d->checked = false;
    arena_free(&d->ast);
    d->program = NULL;
}

Doc *doc_open(Doc **docs, const char *uri, const char *text, const LspRunner *r) {
    Doc *d = calloc(1, sizeof *d);
    if (!d) abort();
    d->uri = copy(uri);
    char *path = uri_to_path(uri);
    d->path = intern(path);
    free(path);
    d->text = copy(text);
    d->next = *docs;
    *docs = d;
    (void)r;
    return d;
}

void doc_change(Doc *d, const char *text, const LspRunner *r) {
    (void)r;                             /* the last check stays for queries until the new text parses */
    diag_add_source(d->path, "");        /* the old text is freed: diag must not show its lines */
    free(d->text);
    d->text = copy(text);
}

void doc_close(Doc **docs, Doc *d, const LspRunner *r) {
    forget(d, r);
    diag_add_source(d->path, "");
    for (Doc **p = docs; *p; p = &(*p)->next)
        if (*p == d) { *p = d->next; break; }
    free(d->uri);
    free(d->text);
    free(d);
}

/* ---- positions ------------------------------------------------------------ */

size_t doc_offset(const char *text, int line, int character) {
    size_t i = 0;
    for (int l = 0; l < line && text[i]; i++) if (text[i] == '\n') l++;
    for (int units = 0; units < character && text[i] && text[i] != '\n';) {
        unsigned char c = (unsigned char)text[i];
        int len = c < 0x80 ? 1 : c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
        units += len == 4 ? 2 : 1;
        for (int k = 0; k < len && text[i] && text[i] != '\n'; k++) i++;
    }
    return i;
}

int utf16_column(const char *line_start, size_t at) {
    int units = 0;
    for (size_t i = 0; i < at; i++) {
        unsigned char c = (unsigned char)line_start[i];
        if ((c & 0xC0) != 0x80) units += c >= 0xF0 ? 2 : 1;
    }
    return units;
}

static cJSON *position(int line, int character) {
    cJSON *p = cJSON_CreateObject();
    cJSON_AddNumberToObject(p, "line", line);
    cJSON_AddNumberToObject(p, "character", character);
    return p;
}

/* (doc_range) the range of the token at nnl's line:col (1-based, in characters): a name or
 * number runs to its end, anything else is one character */
cJSON *doc_range(const char *text, int line, int col) {
    const char *p = text;
    for (int l = 1; l < line && p; l++) { p = strchr(p, '\n'); if (p) p++; }
    if (!p) p = text + strlen(text);
    size_t at = 0;
    for (int c = 1; c < col && p[at] && p[at] != '\n'; c++) {
        at++;
        while (p[at] && ((unsigned char)p[at] & 0xC0) == 0x80) at++;
    }
    size_t end = at;
    while (isalnum((unsigned char)p[end]) || p[end] == '_' || p[end] == '.') end++;
    if (end == at && p[end] && p[end] != '\n') end++;
    cJSON *r = cJSON_CreateObject();
    cJSON_AddItemToObject(r, "start", position(line - 1, utf16_column(p, at)));
    cJSON_AddItemToObject(r, "end", position(line - 1, utf16_column(p, end)));
    return r;
}

/* ---- the check pass, its messages caught ---------------------------------- */

/* "PATH:LINE:COL: KIND: message" for this document; *msg points into line */
static bool parse_message(const char *line, const char *path, int *l, int *c, char *kind, const char **msg) {
    size_t n = strlen(path);
    if (strncmp(line, path, n) != 0 || line[n] != ':') return false;
    int used = 0;
    if (sscanf(line + n, ":%d:%d: %15[a-z]: %n", l, c, kind, &used) != 3 || used == 0) return false;
    *msg = line + n + used;
    return true;
}

static cJSON *diagnostics_from(const char *out, const Doc *d) {
    cJSON *list = cJSON_CreateArray();
    cJSON *last = NULL;
    const char *p = out;
    while (*p) {
        const char *e = strchr(p, '\n');
        size_t len = e ? (size_t)(e - p) : strlen(p);
        char *line = malloc(len + 1);
        if (!line) abort();
        memcpy(line, p, len);
        line[len] = 0;
        int l, c;
        char kind[16];
        const char *msg;
        if (parse_message(line, d->path, &l, &c, kind, &msg) && strcmp(kind, "note") != 0) {
            last = cJSON_CreateObject();
            cJSON_AddItemToObject(last, "range", doc_range(d->text, l, c));
            cJSON_AddNumberToObject(last, "severity", strcmp(kind, "error") == 0 ? 1 : 2);
            cJSON_AddStringToObject(last, "source", "nnl");
            cJSON_AddStringToObject(last, "message", msg);
            cJSON_AddItemToArray(list, last);
        } else if (last && line[0] != ' ' && strstr(line, "note: ")) {
            /* a note (at another place, or about this one): part of the message */
            cJSON *m = cJSON_GetObjectItemCaseSensitive(last, "message");
            size_t size = strlen(m->valuestring) + strlen(line) + 2;
            char *joined = malloc(size);
            if (!joined) abort();
            snprintf(joined, size, "%s\n%s", m->valuestring, line);
            cJSON_SetValuestring(m, joined);
            free(joined);
        }
        free(line);
        p += len + (e ? 1 : 0);
    }
    return list;
}

cJSON *doc_check(Doc *d, const LspRunner *r) {
    char *out = NULL;
    size_t size = 0;
    FILE *catch = open_memstream(&out, &size);
    if (!catch) abort();
    diag_set_stream(catch);
    Arena ast = { 0 };
    Node *program = parse_source(&ast, d->path, d->text);
    if (!program) arena_free(&ast);     /* text being typed: the last check's names and models stay */
    else {
        forget(d, r);
        d->ast = ast;
        d->program = program;
        r->start(&d->I);
        d->checked = true;
        if (r->run(&d->I, d->program) && resolve_definitions(&d->I, d->program)) lint_unused(d->program);
    }
    diag_set_stream(stderr);
    fclose(catch);
    cJSON *list = diagnostics_from(out ? out : "", d);
    free(out);
    return list;
}

/* ---- URIs ----------------------------------------------------------------- */

static int hex(int c) { return isdigit(c) ? c - '0' : tolower(c) - 'a' + 10; }

char *uri_to_path(const char *uri) {
    if (strncmp(uri, "file://", 7) != 0) return copy(uri);
    const char *s = uri + 7;
    char *p = malloc(strlen(s) + 1), *o = p;
    if (!p) abort();
    for (; *s; s++) {
        if (*s == '%' && isxdigit((unsigned char)s[1]) && isxdigit((unsigned char)s[2])) {
            *o++ = (char)(hex(s[1]) * 16 + hex(s[2]));
            s += 2;
        } else *o++ = *s;
    }
    *o = 0;
    return p;
}

char *path_to_uri(const char *path) {
    char *u = malloc(strlen(path) * 3 + 8), *o = u;
    if (!u) abort();
    o += sprintf(o, "file://");
    for (const unsigned char *s = (const unsigned char *)path; *s; s++) {
        if (isalnum(*s) || strchr("/-_.~", *s)) *o++ = (char)*s;
        else o += sprintf(o, "%%%02X", *s);
    }
    *o = 0;
    return u;
}
