/* The syntax tree built by grammar/nnl.y.  Every node carries its source
 * location; identifier strings are interned so names compare by pointer. */
#ifndef NNL_AST_H
#define NNL_AST_H
#include "base/arena.h"
#include "base/diag.h"

typedef enum {
    /* expressions */
    N_NUM,        /* num */
    N_STR,        /* name = the string */
    N_BOOL,       /* num = 0 or 1 */
    N_NAME,       /* name */
    N_LIST,       /* kids = elements: [a, b, ...]; or vals[nvals] when all are number literals */
    N_BINARY,     /* op, a, b */
    N_NEG,        /* -a */
    N_GRAD,       /* grad a */
    N_TRANSPOSE,  /* a' */
    N_CALL,       /* a = callee, kids = arguments (N_KWARG for key=value) */
    N_FIELD,      /* a.name (numeric fields keep their digits in name) */
    N_KWARG,      /* name = a; a training option of two words (log every 10) keeps the second in label */
    /* statements */
    N_EXPR_STMT,  /* a */
    N_ASSIGN,     /* name op= a; op is '=' or one of + - * / */
    N_IF,         /* if a b else c */
    N_BLOCK,      /* kids */
    N_PRINT,      /* print kids (a: the first); op = 1: print full (no summary of a large tensor) */
    N_DATA,       /* data name { kids = N_ROW } */
    N_ROW,        /* a -> b */
    N_DATA_EXPR,  /* data kids = N_NAME... = a   (a loader, split, normalize, another data set) */
    N_MODEL,      /* model name { kids = N_INPUT / N_LAYER_USE } */
    N_INPUT,      /* input kids (dimensions) */
    N_LAYER_USE,  /* [label:] name kids [init a] [regularize b] [with more]; a, b are N_SETTINGs */
    N_SETTING,    /* op = SettingKind, a = NAME or CALL; regularize at top level: name, b = the model */
    N_SEED,       /* seed a */
    N_PRECISION,  /* precision name */
    N_TRAIN,      /* train name on label, kids = N_KWARG options */
    N_BACKWARD,   /* backward name on label  |  backward name a -> b */
    N_FORWARD_PASS, /* forward name on label  |  forward name a */
    N_COMMAND,    /* name = step, show, ...; kids = its words (names, numbers, strings, a.b.c) */
    N_EVALUATE,   /* evaluate name on label */
    N_SUMMARY,    /* summary name */
    N_PREDICT,    /* predict name on label, kids = N_KWARG options (to, limit) */
    N_DEF,        /* def name(kids) = a   or  def name(kids) { a = block } */
    N_LAYER_DEF,  /* layer name(kids) { a = block } */
    N_OPTIMIZER_DEF, /* optimizer name(kids) { a = block } */
    N_PARAM,      /* param name[kids] init a */
    N_FORWARD,    /* forward(name) a = block */
    N_STATE,      /* state kids = N_KWARG (in an optimizer) */
    N_REQUIRE,    /* require a, "name": a setting's domain, checked where it runs */
    N_LAYER_STATE,/* state name[kids] init a (in a layer: not trained, kept between passes) */
    N_SAVE,       /* save name a   (a: the file, an expression giving a string) */
    N_LOAD,       /* load name a */
    N_INDEX,      /* a[kids]: each kid an expression (an index) or an N_SLICE */
    N_SLICE,      /* a:b inside an index; a or b NULL when left out */
    N_FOR,        /* for name in [kids] a = block */
    N_KIND_COUNT
} NodeKind;

typedef struct Node Node;
typedef struct NodeList { Node **items; int n, cap; } NodeList;

struct Node {
    NodeKind    kind;
    SrcLoc      loc;
    int         op;
    double      num;
    const char *name;
    const char *label;
    Node       *a, *b, *c;
    NodeList    kids, more;
    double     *vals;       /* N_LIST of number literals: the numbers, kids empty */
    int         nvals;
    int         depth;      /* expressions: height of the tree below (bounded by the parser) */
};

/* Evaluation recurses once per level: deeper expressions are a parse error. */
enum { MAX_EXPR_DEPTH = 1000 };

typedef enum { SETTING_INIT = 1, SETTING_LOSS, SETTING_OPTIMIZER, SETTING_REGULARIZE } SettingKind;

Node *node_new(Arena *ar, NodeKind kind, SrcLoc loc);
void  list_push(Arena *ar, NodeList *l, Node *n);
const char *intern(const char *s);           /* process-wide, never freed */
const char *node_kind_name(NodeKind k);
const char *op_name(int op);                 /* "+", "@", "<=", ... */
/* whether command `word` (N_COMMAND) appears anywhere in n, blocks included */
bool ast_has_command(const Node *n, const char *word);

/* Parse a whole source text.  On error reports it (file:line:col) and returns
 * NULL.  The tree lives in `ar`. */
Node *parse_source(Arena *ar, const char *file, const char *text);
/* Part of a longer text (the REPL's input) whose first line is `first_line`;
 * the caller registers the whole text with diag_add_source. */
Node *parse_chunk(Arena *ar, const char *file, const char *text, int first_line);

/* The command word or statement keyword a mistyped word may have been meant
 * as (`explian`, `Show`), or NULL (the lexer knows them). */
const char *lex_word_near(const char *w);
/* The lexer's reserved words (data, model, train, ...) and its command
 * words (step, show, plot, ...), the i-th from 0; NULL past the last. */
const char *lex_keyword(int i);
const char *lex_command_word(int i);

/* Print an expression back as nnl source (used by --ir and messages). */
void ast_print_expr(FILE *f, const Node *n);
/* A statement (and any block in it), indented. */
void ast_print_stmt(FILE *f, const Node *n, int indent);

#endif
