/* query.c — hover, completion and definition: the name under the cursor
 * (net, net.1, net.1.W, relu, xor) looked up in the interpreter the
 * document's check pass left, described from what the interpreter knows
 * (a model's summary table, a data set's rows and columns, a function's
 * parameters, its comment, a primitive's forward and backward rule).
 * Must not: run any of the document's statements again. */
#define _XOPEN_SOURCE 700      /* realpath */
#include "autodiff/prims.h"
#include "base/diag.h"
#include "lang/eval.h"
#include "lang/model.h"
#include "lang/stdlib_embed.h"
#include "lsp/names.h"
#include "lsp/query.h"
#include "teach/command_table.h"
#include "teach/help.h"
#include "teach/summary.h"
#include "tensor/tensor.h"
#include <ctype.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

QueryText doc_query(Doc *d) { return (QueryText){ d->text, d->path, d->uri, d->checked ? &d->I : NULL }; }

static bool name_char(char c) { return isalnum((unsigned char)c) || c == '_' || c == '.'; }

/* true when byte at of text is in a comment (a '#' before it on its line, outside a string) */
static bool in_comment(const char *text, size_t at) {
    size_t start = at;
    while (start > 0 && text[start - 1] != '\n') start--;
    bool quoted = false;
    for (size_t i = start; i < at; i++) {
        if (text[i] == '"') quoted = !quoted;
        else if (text[i] == '\\' && quoted && i + 1 < at) i++;
        else if (text[i] == '#' && !quoted) return true;
    }
    return false;
}

/* the name before the position (upto) or the one under it, to the end of
 * the part the position is in (on the 1 of net.1.W: net.1), in buf */
static bool word_at(const QueryText *q, int line, int character, bool upto, char *buf, size_t size) {
    size_t at = doc_offset(q->text, line, character), from = at, to = at;
    if (in_comment(q->text, at)) return false;
    while (from > 0 && name_char(q->text[from - 1])) from--;
    if (!upto) while (name_char(q->text[to]) && q->text[to] != '.') to++;
    if (to - from >= size) return false;
    memcpy(buf, q->text + from, to - from);
    buf[to - from] = 0;
    return true;
}

/* the source text of a file: the document's, or the standard library's */
static const char *source_text(const QueryText *q, const char *file) {
    if (!file) return NULL;
    if (strcmp(file, q->path) == 0) return q->text;
    for (const StdlibFile *f = nnl_stdlib_files; f->name; f++) if (strcmp(f->name, file) == 0) return f->text;
    return NULL;
}

/* the comment lines just above line `line` of text, '#' removed, in out */
static void comment_above(FILE *out, const char *text, int line) {
    const char *starts[64];
    int n = 0;
    const char *p = text;
    for (int l = 1; l < line && p; l++) {
        const char *e = strchr(p, '\n');
        if (p[0] == '#') { if (n < 64) starts[n++] = p; }
        else n = 0;
        p = e ? e + 1 : NULL;
    }
    for (int i = 0; i < n; i++) {
        const char *s = starts[i] + 1, *e = strchr(s, '\n');
        if (*s == ' ') s++;
        fprintf(out, "%.*s\n", (int)(e ? e - s : (long)strlen(s)), s);
    }
}

static void describe_function(FILE *out, const QueryText *q, const Callable *fn) {
    static const char *const kinds[] = { [C_DEF] = "def", [C_LAYER] = "layer", [C_OPTIMIZER] = "optimizer" };
    const char *kind = fn->kind == C_DEF || fn->kind == C_LAYER || fn->kind == C_OPTIMIZER ? kinds[fn->kind] : "";
    fprintf(out, "```nnl\n%s%s%s(", kind, *kind ? " " : "", fn->name);
    for (int i = 0; i < fn->nparams; i++) {
        fprintf(out, "%s%s", i ? ", " : "", fn->param_names[i]);
        const Node *dflt = fn->param_defaults ? fn->param_defaults[i] : NULL;
        if (dflt && dflt != &optional_param) { fputs(" = ", out); ast_print_expr(out, dflt); }
    }
    fputs(")\n```\n", out);
    if (fn->kind == C_PRIM) {
        const Prim *p = &prims[fn->prim];
        fprintf(out, "primitive: %s\n\nbackward: %s\n", p->forward_math, p->backward_math);
    } else if (fn->kind == C_BUILTIN) {
        fputs("builtin\n", out);
    } else if (fn->node) {
        char line[512];
        if (fn->kind == C_DEF && diag_source_line(fn->node->loc, line, sizeof line)) fprintf(out, "`%s`\n\n", line);
        const char *text = source_text(q, fn->node->loc.file);
        if (text) comment_above(out, text, fn->node->loc.line);
    }
}

static void describe_model(FILE *out, const QueryText *q, Model *m) {
    /* the summary statement's table, as `summary net` prints it */
    Node n = { .kind = N_SUMMARY, .loc = m->loc, .name = m->name };
    FILE *was = q->I->out;
    bool dry = q->I->dry_run;
    q->I->out = out;
    q->I->dry_run = false;
    fputs("```\n", out);
    DiagHandler h;
    diag_push(&h);
    if (setjmp(h.env) == 0) { exec_summary(q->I, &n); diag_pop(&h); }
    fputs("```\n", out);
    q->I->out = was;
    q->I->dry_run = dry;
}

static void describe_data(FILE *out, const Dataset *s) {
    if (!s->x) { fprintf(out, "data %s\n", s->name); return; }
    int rows = s->x->ndim > 0 ? s->x->shape[0] : 1;
    long in = s->x->ndim > 1 ? s->x->size / (rows ? rows : 1) : 1;
    fprintf(out, "data %s: %d rows, %ld input%s", s->name, rows, in, in == 1 ? "" : "s");
    if (s->y) {
        long t = s->y->ndim > 1 ? s->y->size / (rows ? rows : 1) : 1;
        fprintf(out, " → %ld target%s", t, t == 1 ? "" : "s");
    }
    if (s->nclasses > 0) {
        fputs(" (classes", out);
        for (int i = 0; i < s->nclasses; i++) fprintf(out, "%s %s", i ? "," : "", s->classes[i]);
        fputs(")", out);
    }
    fputs("\n\nx " , out);
    fputs(shape_str(s->x), out);
    if (s->y) fprintf(out, ", y %s", shape_str(s->y));
    fputc('\n', out);
}

/* net.1 or net.h1: the layer; NULL if it is not one */
static const Layer *find_layer(const Model *m, const char *which) {
    for (int l = 0; l < m->nlayers; l++) {
        char num[16];
        snprintf(num, sizeof num, "%d", l + 1);
        if (strcmp(which, num) == 0 || (m->layers[l].label && strcmp(which, m->layers[l].label) == 0))
            return &m->layers[l];
    }
    return NULL;
}

static void describe_field(FILE *out, const Model *m, const char *rest) {
    char layer[128];
    const char *dot = strchr(rest, '.');
    snprintf(layer, sizeof layer, "%.*s", (int)(dot ? dot - rest : (long)strlen(rest)), rest);
    const Layer *l = find_layer(m, layer);
    if (!l) return;
    const char *act = layer_activation(l);
    if (!dot || !dot[1]) {
        fprintf(out, "layer %d of %s: %s%s%s, %d → %d\n", l->index, m->name, l->def->name, act ? " " : "",
                act ? act : "", l->in_dim, l->out_dim);
        for (int p = 0; p < l->nparams; p++) fprintf(out, "\n- %s %s", l->params[p].name, shape_str(l->params[p].value));
        for (int p = 0; p < l->nstates; p++) fprintf(out, "\n- state %s %s", l->states[p].name, shape_str(l->states[p].value));
        fputc('\n', out);
        return;
    }
    for (int p = 0; p < l->nparams; p++)
        if (strcmp(l->params[p].name, dot + 1) == 0)
            fprintf(out, "%s.%s: parameter %s of layer %d (%s), shape %s\n", m->name, rest, dot + 1, l->index,
                    l->def->name, shape_str(l->params[p].value));
    for (int p = 0; p < l->nstates; p++)
        if (strcmp(l->states[p].name, dot + 1) == 0)
            fprintf(out, "%s.%s: state %s of layer %d (%s), shape %s\n", m->name, rest, dot + 1, l->index,
                    l->def->name, shape_str(l->states[p].value));
}

/* a statement's help (train, model, loss, ...), as `help train` prints it */
static void describe_statement(FILE *out, const char *word) {
    char *text = NULL;
    size_t size = 0;
    FILE *help = open_memstream(&text, &size);
    if (!help) return;
    bool found = help_statement(help, word);
    fclose(help);
    if (found) fprintf(out, "```\n%s```\n", text);
    free(text);
}

static bool is_command_word(const char *word) {
    for (int i = 0; lex_command_word(i); i++) if (strcmp(lex_command_word(i), word) == 0) return true;
    return false;
}

static Value *lookup(const QueryText *q, const char *name) {
    return q->I ? global_find(q->I, intern(name)) : NULL;
}

cJSON *query_hover(const QueryText *q, int line, int character) {
    char word[256];
    if (!word_at(q, line, character, false, word, sizeof word) || !word[0]) return NULL;
    char *text = NULL;
    size_t size = 0;
    FILE *out = open_memstream(&text, &size);
    if (!out) return NULL;
    char *dot = strchr(word, '.');
    if (dot) *dot = 0;
    Value *v = lookup(q, word);
    if (v && v->kind == V_MODEL && dot) describe_field(out, v->model, dot + 1);
    else if (v && v->kind == V_MODEL) describe_model(out, q, v->model);
    else if (v && v->kind == V_FUNC) describe_function(out, q, v->fn);
    else if (v && v->kind == V_DATA) describe_data(out, v->data);
    else if (v && v->kind == V_TENSOR) fprintf(out, "%s: %s %s\n", word, value_kind_name(*v), shape_str(v->t));
    else if (is_command_word(word)) fprintf(out, "```\n%s\n```\n", command_usage(word));
    else describe_statement(out, word);
    fclose(out);
    cJSON *r = NULL;
    if (size > 0) {
        r = cJSON_CreateObject();
        cJSON *c = cJSON_AddObjectToObject(r, "contents");
        cJSON_AddStringToObject(c, "kind", "markdown");
        cJSON_AddStringToObject(c, "value", text);
    }
    free(text);
    return r;
}

/* ---- completion ----------------------------------------------------------- */

enum { KIND_FUNCTION = 3, KIND_FIELD = 5, KIND_VARIABLE = 6, KIND_CLASS = 7, KIND_KEYWORD = 14, KIND_STRUCT = 22 };

static void item(cJSON *list, const char *prefix, const char *label, int kind, const char *detail) {
    if (strncmp(label, prefix, strlen(prefix)) != 0) return;
    for (cJSON *i = list->child; i; i = i->next)      /* once each */
        if (strcmp(cJSON_GetObjectItemCaseSensitive(i, "label")->valuestring, label) == 0) return;
    cJSON *c = cJSON_CreateObject();
    cJSON_AddStringToObject(c, "label", label);
    cJSON_AddNumberToObject(c, "kind", kind);
    if (detail) cJSON_AddStringToObject(c, "detail", detail);
    cJSON_AddItemToArray(list, c);
}

typedef struct { cJSON *list; const char *prefix; } Collect;

static void add_name(void *ctx, NameKind k, const char *name) {
    Collect *c = ctx;
    if (k == NAME_KEYWORD || k == NAME_COMMAND) item(c->list, c->prefix, name, KIND_KEYWORD, name_kind_word(k));
}

cJSON *query_completion(const QueryText *q, int line, int character) {
    cJSON *list = cJSON_CreateArray();
    char typed[256];
    if (!word_at(q, line, character, true, typed, sizeof typed)) return list;
    char *dot = strrchr(typed, '.');
    if (dot) {
        /* net.  then its layers;  net.1.  then the layer's parameters */
        *dot = 0;
        const char *prefix = dot + 1;
        char *inner = strchr(typed, '.');
        if (inner) *inner = 0;
        Value *v = lookup(q, typed);
        if (!v || v->kind != V_MODEL) return list;
        Model *m = v->model;
        if (!inner) {
            for (int l = 0; l < m->nlayers; l++) {
                char num[16];
                snprintf(num, sizeof num, "%d", l + 1);
                item(list, prefix, num, KIND_FIELD, m->layers[l].def->name);
                if (m->layers[l].label) item(list, prefix, m->layers[l].label, KIND_FIELD, m->layers[l].def->name);
            }
            return list;
        }
        const Layer *l = find_layer(m, inner + 1);
        for (int p = 0; l && p < l->nparams; p++)
            item(list, prefix, l->params[p].name, KIND_FIELD, shape_str(l->params[p].value));
        for (int p = 0; l && p < l->nstates; p++)
            item(list, prefix, l->states[p].name, KIND_FIELD, shape_str(l->states[p].value));
        return list;
    }
    if (q->I) {
        Collect c = { list, typed };
        names_each(q->I, add_name, &c);
        for (int i = 0; i < q->I->nglobals; i++) {
            const Binding *b = &q->I->globals[i];
            if (strchr(b->name, '(')) continue;
            int kind = b->v.kind == V_FUNC ? KIND_FUNCTION : b->v.kind == V_MODEL ? KIND_CLASS
                     : b->v.kind == V_DATA ? KIND_STRUCT : KIND_VARIABLE;
            item(list, typed, b->name, kind, value_kind_name(b->v));
        }
    } else {
        for (int i = 0; lex_keyword(i); i++) item(list, typed, lex_keyword(i), KIND_KEYWORD, "keyword");
        for (int i = 0; lex_command_word(i); i++) item(list, typed, lex_command_word(i), KIND_KEYWORD, "command");
    }
    return list;
}

/* ---- definition ----------------------------------------------------------- */

/* a standard library file on disk: installed beside nnl (PREFIX/share/nnl/) or
 * in the source tree nnl was built in (build/nnl: ../stdlib/); malloc'd or NULL */
static char *stdlib_file(const char *name) {
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n <= 0) return NULL;
    exe[n] = 0;
    char *slash = strrchr(exe, '/');
    if (!slash) return NULL;
    *slash = 0;
    static const char *const places[] = { "%s/../share/nnl/%s", "%s/../%s" };
    for (size_t i = 0; i < sizeof places / sizeof *places; i++) {
        char path[PATH_MAX + 64], real[PATH_MAX];
        snprintf(path, sizeof path, places[i], exe, name);
        if (realpath(path, real) && access(real, R_OK) == 0) {
            char *r = malloc(strlen(real) + 1);
            if (r) strcpy(r, real);
            return r;
        }
    }
    return NULL;
}

/* the column of name on at's line from at.col on (`layer dense(...)`: dense), else at.col */
static int name_column(const char *text, SrcLoc at, const char *name) {
    const char *p = text;
    for (int l = 1; l < at.line && p; l++) { p = strchr(p, '\n'); if (p) p++; }
    if (!p) return at.col;
    const char *e = strchr(p, '\n');
    size_t n = strlen(name), len = e ? (size_t)(e - p) : strlen(p);
    for (size_t i = (size_t)(at.col - 1); i + n <= len; i++)
        if (strncmp(p + i, name, n) == 0 && (i == 0 || !name_char(p[i - 1])) && !name_char(p[i + n]))
            return (int)i + 1;      /* columns count bytes here: names are ASCII */
    return at.col;
}

cJSON *query_definition(const QueryText *q, int line, int character) {
    char word[256];
    if (!word_at(q, line, character, false, word, sizeof word) || !word[0]) return NULL;
    char *dot = strchr(word, '.');
    if (dot) *dot = 0;
    Value *v = lookup(q, word);
    SrcLoc at = { 0 };
    if (v && v->kind == V_MODEL) at = v->model->loc;
    else if (v && v->kind == V_DATA) at = v->data->loc;
    else if (v && v->kind == V_FUNC && v->fn->node) at = v->fn->node->loc;
    if (v && v->kind == V_MODEL && dot) {
        const Layer *l = find_layer(v->model, dot + 1);
        char *inner = strchr(dot + 1, '.');
        if (inner) { *inner = 0; l = find_layer(v->model, dot + 1); }
        if (l) at = l->loc;
    }
    const char *text = source_text(q, at.file);
    if (!at.file || !text) return NULL;
    cJSON *loc = cJSON_CreateObject();
    if (strcmp(at.file, q->path) == 0) cJSON_AddStringToObject(loc, "uri", q->uri);
    else {
        char *path = stdlib_file(at.file);
        if (!path) { cJSON_Delete(loc); return NULL; }
        char *uri = path_to_uri(path);
        cJSON_AddStringToObject(loc, "uri", uri);
        free(uri);
        free(path);
    }
    cJSON_AddItemToObject(loc, "range", doc_range(text, at.line, name_column(text, at, word)));
    return loc;
}
