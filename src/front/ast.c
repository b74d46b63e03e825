/* ast.c — syntax tree nodes, interned names, and printing an expression back
 * as source.  Must not: evaluate or resolve anything. */
#include "base/stack.h"
#include "base/arena.h"
#include "front/ast.h"
#include <stdlib.h>
#include <string.h>

Node *node_new(Arena *ar, NodeKind kind, SrcLoc loc) {
    Node *n = arena_alloc(ar, sizeof *n);
    n->kind = kind;
    n->loc = loc;
    return n;
}

void list_push(Arena *ar, NodeList *l, Node *n) {
    if (l->n == l->cap) {
        int cap = l->cap ? l->cap * 2 : 4;
        l->items = arena_grow(ar, l->items, sizeof(Node *) * (size_t)l->n, sizeof(Node *) * (size_t)cap);
        l->cap = cap;
    }
    l->items[l->n++] = n;
}

/* A small open-addressing table; names live as long as the process. */
static const char **table;
static size_t table_cap, table_n;
static Arena names;

static size_t hash(const char *s) {
    size_t h = 1469598103934665603u;
    for (; *s; s++) h = (h ^ (unsigned char)*s) * 1099511628211u;
    return h;
}

const char *intern(const char *s) {
    if (table_n * 2 >= table_cap) {
        size_t cap = table_cap ? table_cap * 2 : 256;
        const char **t = calloc(cap, sizeof *t);
        if (!t) abort();
        for (size_t i = 0; i < table_cap; i++)
            if (table[i]) {
                size_t j = hash(table[i]) & (cap - 1);
                while (t[j]) j = (j + 1) & (cap - 1);
                t[j] = table[i];
            }
        free(table);
        table = t;
        table_cap = cap;
    }
    size_t j = hash(s) & (table_cap - 1);
    while (table[j]) {
        if (strcmp(table[j], s) == 0) return table[j];
        j = (j + 1) & (table_cap - 1);
    }
    table[j] = arena_strdup(&names, s);
    table_n++;
    return table[j];
}

const char *op_name(int op) {
    switch (op) {
    case 'E': return "==";
    case 'N': return "!=";
    case 'L': return "<=";
    case 'G': return ">=";
    default: {
        static char buf[8][2];
        static int next;
        char *b = buf[next++ & 7];
        b[0] = (char)op; b[1] = 0;
        return b;
    }
    }
}

static void print_list(FILE *f, const NodeList *l) {
    for (int i = 0; i < l->n; i++) {
        if (i) fputs(", ", f);
        ast_print_expr(f, l->items[i]);
    }
}

void ast_print_expr(FILE *f, const Node *n) {
    if (!n) return;
    if (stack_low()) { fputs("…", f); return; }   /* printing goes on, shortened, rather than crash */
    switch (n->kind) {
    case N_NUM: fprintf(f, "%.9g", n->num); break;
    case N_STR: fprintf(f, "\"%s\"", n->name); break;
    case N_BOOL: fputs(n->num ? "true" : "false", f); break;
    case N_NAME: fputs(n->name, f); break;
    case N_LIST:
        fputc('[', f);
        for (int i = 0; i < n->nvals; i++) fprintf(f, i ? ", %.9g" : "%.9g", n->vals[i]);
        print_list(f, &n->kids);
        fputc(']', f);
        break;
    case N_BINARY:
        fputc('(', f); ast_print_expr(f, n->a);
        fprintf(f, " %s ", op_name(n->op));
        ast_print_expr(f, n->b); fputc(')', f);
        break;
    case N_NEG: fputs("-", f); ast_print_expr(f, n->a); break;
    case N_GRAD: fputs("grad ", f); ast_print_expr(f, n->a); break;
    case N_TRANSPOSE: ast_print_expr(f, n->a); fputc('\'', f); break;
    case N_CALL: ast_print_expr(f, n->a); fputc('(', f); print_list(f, &n->kids); fputc(')', f); break;
    case N_FIELD: ast_print_expr(f, n->a); fprintf(f, ".%s", n->name); break;
    case N_KWARG: fprintf(f, "%s=", n->name); ast_print_expr(f, n->a); break;
    default: fprintf(f, "<%s>", node_kind_name(n->kind)); break;
    }
}

void ast_print_stmt(FILE *f, const Node *n, int indent) {
    if (stack_low()) { fprintf(f, "%*s…\n", indent, ""); return; }
    fprintf(f, "%*s", indent, "");
    switch (n->kind) {
    case N_EXPR_STMT: ast_print_expr(f, n->a); break;
    case N_ASSIGN:
        fprintf(f, "%s %s%s ", n->name, n->op == '=' ? "" : op_name(n->op), "=");
        ast_print_expr(f, n->a);
        break;
    case N_PRINT: fputs("print ", f); ast_print_expr(f, n->a); break;
    case N_BACKWARD: case N_FORWARD_PASS:
        fprintf(f, "%s %s ", n->kind == N_BACKWARD ? "backward" : "forward", n->name);
        if (n->label) fprintf(f, "on %s", n->label);
        else ast_print_expr(f, n->a);
        if (n->b) { fputs(" -> ", f); ast_print_expr(f, n->b); }
        break;
    case N_COMMAND:
        fputs(n->name, f);
        for (int i = 0; i < n->kids.n; i++) { fputc(' ', f); ast_print_expr(f, n->kids.items[i]); }
        break;
    case N_STATE: fputs("state ", f); print_list(f, &n->kids); break;
    case N_REQUIRE: fputs("require ", f); ast_print_expr(f, n->a); fprintf(f, ", \"%s\"", n->name); break;
    case N_SAVE: case N_LOAD:
        fprintf(f, "%s %s ", n->kind == N_SAVE ? "save" : "load", n->name);
        ast_print_expr(f, n->a);
        break;
    case N_IF:
        fputs("if ", f); ast_print_expr(f, n->a); fputs(" {\n", f);
        for (int i = 0; i < n->b->kids.n; i++) ast_print_stmt(f, n->b->kids.items[i], indent + 2);
        fprintf(f, "%*s}", indent, "");
        if (n->c) {
            fputs(" else {\n", f);
            for (int i = 0; i < n->c->kids.n; i++) ast_print_stmt(f, n->c->kids.items[i], indent + 2);
            fprintf(f, "%*s}", indent, "");
        }
        break;
    case N_BLOCK:
        fputs("{\n", f);
        for (int i = 0; i < n->kids.n; i++) ast_print_stmt(f, n->kids.items[i], indent + 2);
        fprintf(f, "%*s}", indent, "");
        break;
    default: fprintf(f, "<%s>", node_kind_name(n->kind)); break;
    }
    fputc('\n', f);
}

const char *node_kind_name(NodeKind k) {
    static const char *names_[N_KIND_COUNT] = {
        "number", "string", "bool", "name", "list", "binary", "neg", "grad",
        "transpose", "call", "field", "keyword argument", "expression", "assignment",
        "if", "block", "print", "data", "row", "data", "model", "input", "layer",
        "setting", "seed", "precision", "train", "backward", "forward", "command", "evaluate", "summary", "predict", "def",
        "layer definition", "optimizer definition", "param", "forward", "state", "require",
        "state", "save", "load",
    };
    return k < N_KIND_COUNT ? names_[k] : "?";
}
