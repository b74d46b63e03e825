/* nnl.y — the grammar.  Builds the AST (src/front/ast.h); checks nothing beyond
 * syntax: names, arity and shapes are the resolver's and evaluator's job. */
%define api.pure full
%define parse.error detailed
%locations
%expect 0
%param {void *scanner}
%parse-param {struct ParseCtx *ctx}

%code requires {
#include "front/ast.h"
typedef struct ParseCtx { Arena *ar; const char *file; Node *root; int failed;
                          SrcLoc too_deep; Node *spare; } ParseCtx;
}

%code {
#include "front/lexer.h"
const char *lex_mistyped_first_word(const LexState *s, SrcLoc *at);   /* nnl.l */
#define LOC(l) ((SrcLoc){ ctx->file, (l).first_line, (l).first_column })
#define NEW(kind, l) new_node(ctx, kind, LOC(l))
static void yyerror(YYLTYPE *l, void *scanner, ParseCtx *ctx, const char *msg);
/* records the expression's height; remembers the first that is too deep */
static Node *nest(ParseCtx *ctx, Node *n) {
    int d = 0;
    if (n->a && n->a->depth > d) d = n->a->depth;
    if (n->b && n->b->depth > d) d = n->b->depth;
    for (int i = 0; i < n->kids.n; i++) if (n->kids.items[i]->depth > d) d = n->kids.items[i]->depth;
    n->depth = d + 1;
    if (n->depth > MAX_EXPR_DEPTH && !ctx->too_deep.file) ctx->too_deep = n->loc;
    return n;
}
static Node *binary(ParseCtx *ctx, YYLTYPE l, int op, Node *a, Node *b) {
    Node *n = node_new(ctx->ar, N_BINARY, LOC(l));
    n->op = op; n->a = a; n->b = b;
    return nest(ctx, n);
}
static Node *with_kids(Node *n, NodeList l) { n->kids = l; return n; }

/* A layer line's `init` goes to use->a, its `regularize` to use->b. */
static void layer_options(ParseCtx *ctx, Node *use, NodeList opts) {
    for (int i = 0; i < opts.n; i++) {
        Node *s = opts.items[i], **slot = s->op == SETTING_INIT ? &use->a : &use->b;
        if (*slot) {
            diag_error(s->loc, "this layer's '%s' is given twice", s->op == SETTING_INIT ? "init" : "regularize");
            ctx->failed = 1;
        }
        *slot = s;
    }
}

/* Nodes folded into a numeric list are reused for the next ones, so a table
 * of numbers costs 8 bytes per number, not one node each. */
static Node *new_node(ParseCtx *ctx, NodeKind kind, SrcLoc loc) {
    Node *n = ctx->spare;
    if (!n) return node_new(ctx->ar, kind, loc);
    ctx->spare = n->a;
    memset(n, 0, sizeof *n);
    n->kind = kind;
    n->loc = loc;
    return n;
}
static void recycle(ParseCtx *ctx, Node *n) { n->a = ctx->spare; ctx->spare = n; }

/* A layer line's words are its arguments, so `dense sizes [0]` is two; but
 * `dense sizes[0] relu`, the list right after the name, is an index. */
static void layer_arg_push(ParseCtx *ctx, NodeList *args, Node *arg) {
    Node *prev = args->n ? args->items[args->n - 1] : NULL;
    if (prev && prev->kind == N_NAME && arg->kind == N_LIST && (arg->kids.n || arg->nvals) &&
        prev->loc.line == arg->loc.line && prev->loc.col + (int)strlen(prev->name) == arg->loc.col) {
        Node *ix = node_new(ctx->ar, N_INDEX, arg->loc);
        ix->a = prev;
        for (int i = 0; i < arg->nvals; i++) {
            Node *k = node_new(ctx->ar, N_NUM, arg->loc);
            k->num = arg->vals[i];
            list_push(ctx->ar, &ix->kids, k);
        }
        for (int i = 0; i < arg->kids.n; i++) list_push(ctx->ar, &ix->kids, arg->kids.items[i]);
        args->items[args->n - 1] = nest(ctx, ix);
        return;
    }
    list_push(ctx->ar, args, arg);
}

/* a number as written: 3 or -3 */
static int literal_number(const Node *e, double *v) {
    if (e->kind == N_NUM) { *v = e->num; return 1; }
    if (e->kind == N_NEG && e->a->kind == N_NUM) { *v = -e->a->num; return 1; }
    return 0;
}

/* Appends e to the list being built.  While every element is a number
 * literal they are kept in list->vals; the first other element turns them
 * back into nodes (they come before it, so no error can point at them). */
static Node *list_add(ParseCtx *ctx, Node *list, Node *e) {
    double v;
    if (list->kids.n == 0 && literal_number(e, &v)) {
        int n = list->nvals;
        if (n == 0 || (n >= 8 && (n & (n - 1)) == 0))      /* capacity: 8, then doubling */
            list->vals = arena_grow(ctx->ar, list->vals, sizeof(double) * (size_t)n,
                                    sizeof(double) * (size_t)(n ? 2 * n : 8));
        list->vals[list->nvals++] = v;
        if (e->kind == N_NEG) recycle(ctx, e->a);
        recycle(ctx, e);
        return list;
    }
    for (int i = 0; i < list->nvals; i++) {
        Node *k = new_node(ctx, N_NUM, list->loc);
        k->num = list->vals[i];
        list_push(ctx->ar, &list->kids, k);
    }
    list->nvals = 0;
    list_push(ctx->ar, &list->kids, e);
    return list;
}
}

%union { double num; const char *str; Node *node; NodeList list; }

%token <num> NUM "number"
%token <str> NAME "name" STRING "string"
%token NL "end of line" ARROW "'->'" EQ "'=='" NE "'!='" LE "'<='" GE "'>='"
%token PLUSEQ "'+='" MINUSEQ "'-='" TIMESEQ "'*='" DIVEQ "'/='"
%token DATA "'data'" MODEL "'model'" INPUT "'input'" INIT "'init'" LOSS "'loss'"
%token OPTIMIZER "'optimizer'" SEED "'seed'" PRECISION "'precision'" TRAIN "'train'"
%token BACKWARD "'backward'" EVALUATE "'evaluate'" ON "'on'" PRINT "'print'" GRAD "'grad'"
%token DEF "'def'" LAYER "'layer'" PARAM "'param'" FORWARD "'forward'" STATE "'state'"
%token IF "'if'" ELSE "'else'" TRUE "'true'" FALSE "'false'" WITH "'with'" SUMMARY "'summary'" PREDICT "'predict'"
%token REGULARIZE "'regularize'"
%token BAD "invalid token" REQUIRE "'require'"
%token SAVE "'save'" LOAD "'load'" FOR "'for'" FULL "'full'"
%token <str> COMMAND "command"

%type <node> for_in stmt expr postfix access primary arg block callee layer_arg kwarg else_part command_word layer_use elems index
%type <list> lines args arglist data_lines model_lines layer_args layer_opts kwargs opts exprs command_words names indices

%nonassoc EQ NE '<' LE '>' GE
%left '+' '-'
%left '*' '/' '@'
%precedence UMINUS GRAD
%right '^'

%%

program: lines                  { ctx->root = with_kids(NEW(N_BLOCK, @$), $1); }
       ;

lines: %empty                   { $$ = (NodeList){0}; }
     | lines NL                 { $$ = $1; }
     | lines stmt NL            { $$ = $1; list_push(ctx->ar, &$$, $2); }
     ;

for_in: FOR NAME NAME           { if (strcmp($3, "in") != 0) {
                                      diag_error(LOC(@3), "a loop is written 'for NAME in [VALUE, ...] { ... }'");
                                      ctx->failed = 1;
                                      YYERROR;
                                  }
                                  $$ = NEW(N_FOR, @1); $$->name = $2; }

block: '{' lines '}'            { $$ = with_kids(NEW(N_BLOCK, @1), $2); }
     ;

stmt: expr                      { $$ = NEW(N_EXPR_STMT, @1); $$->a = $1; }
    | NAME '=' expr             { $$ = NEW(N_ASSIGN, @1); $$->name = $1; $$->op = '='; $$->a = $3; }
    | NAME PLUSEQ expr          { $$ = NEW(N_ASSIGN, @1); $$->name = $1; $$->op = '+'; $$->a = $3; }
    | NAME MINUSEQ expr         { $$ = NEW(N_ASSIGN, @1); $$->name = $1; $$->op = '-'; $$->a = $3; }
    | NAME TIMESEQ expr         { $$ = NEW(N_ASSIGN, @1); $$->name = $1; $$->op = '*'; $$->a = $3; }
    | NAME DIVEQ expr           { $$ = NEW(N_ASSIGN, @1); $$->name = $1; $$->op = '/'; $$->a = $3; }
    | IF expr block else_part   { $$ = NEW(N_IF, @1); $$->a = $2; $$->b = $3; $$->c = $4; }
    | PRINT exprs               { $$ = with_kids(NEW(N_PRINT, @1), $2); $$->a = $2.items[0]; }
    | PRINT FULL exprs          { $$ = with_kids(NEW(N_PRINT, @1), $3); $$->a = $3.items[0]; $$->op = 1; }
    /* for lr in [0.1, 0.01] { ... }: `in` stays a name (a layer's input width) */
    | for_in '[' exprs ']' block { $$ = with_kids($1, $3); $$->a = $5; }
    | for_in '[' ']' block      { $$ = $1; $$->a = $4; }     /* runs no round */
    | DATA NAME '{' data_lines '}' { $$ = with_kids(NEW(N_DATA, @1), $4); $$->name = $2; }
    | DATA names '=' expr       { $$ = with_kids(NEW(N_DATA_EXPR, @1), $2); $$->name = $2.items[0]->name; $$->a = $4; }
    | MODEL NAME '{' model_lines '}' { $$ = with_kids(NEW(N_MODEL, @1), $4); $$->name = $2; }
    | INIT callee               { $$ = NEW(N_SETTING, @1); $$->op = SETTING_INIT; $$->a = $2; }
    | LOSS callee               { $$ = NEW(N_SETTING, @1); $$->op = SETTING_LOSS; $$->a = $2; }
    | OPTIMIZER callee          { $$ = NEW(N_SETTING, @1); $$->op = SETTING_OPTIMIZER; $$->a = $2; }
    | REGULARIZE NAME callee    { $$ = NEW(N_SETTING, @1); $$->op = SETTING_REGULARIZE; $$->name = $2; $$->a = $3;
                                  $$->b = NEW(N_NAME, @2); $$->b->name = $2; }
    | OPTIMIZER NAME '(' args ')' block
                                { $$ = with_kids(NEW(N_OPTIMIZER_DEF, @1), $4); $$->name = $2; $$->a = $6; }
    | SEED expr                 { $$ = NEW(N_SEED, @1); $$->a = $2; }
    | PRECISION NAME            { $$ = NEW(N_PRECISION, @1); $$->name = $2; $$->loc = LOC(@2); }
    | TRAIN NAME ON NAME opts   { $$ = with_kids(NEW(N_TRAIN, @1), $5); $$->name = $2; $$->label = $4; }
    | BACKWARD NAME ON NAME     { $$ = NEW(N_BACKWARD, @1); $$->name = $2; $$->label = $4; }
    | BACKWARD NAME expr ARROW expr
                                { $$ = NEW(N_BACKWARD, @1); $$->name = $2; $$->a = $3; $$->b = $5; }
    | FORWARD NAME ON NAME      { $$ = NEW(N_FORWARD_PASS, @1); $$->name = $2; $$->label = $4; }
    | FORWARD NAME expr         { $$ = NEW(N_FORWARD_PASS, @1); $$->name = $2; $$->a = $3; }
    | COMMAND command_words     { $$ = with_kids(NEW(N_COMMAND, @1), $2); $$->name = $1; }
    | EVALUATE NAME ON NAME     { $$ = NEW(N_EVALUATE, @1); $$->name = $2; $$->label = $4; }
    | SUMMARY NAME              { $$ = NEW(N_SUMMARY, @1); $$->name = $2; }
    | PREDICT NAME ON NAME opts { $$ = with_kids(NEW(N_PREDICT, @1), $5); $$->name = $2; $$->label = $4; }
    | SAVE NAME expr            { $$ = NEW(N_SAVE, @1); $$->name = $2; $$->a = $3; }
    | LOAD NAME expr            { $$ = NEW(N_LOAD, @1); $$->name = $2; $$->a = $3; }
    | DEF NAME '(' args ')' '=' expr
                                { $$ = with_kids(NEW(N_DEF, @1), $4); $$->name = $2; $$->a = $7; }
    | DEF NAME '(' args ')' block
                                { $$ = with_kids(NEW(N_DEF, @1), $4); $$->name = $2; $$->a = $6; }
    | LAYER NAME '(' args ')' block
                                { $$ = with_kids(NEW(N_LAYER_DEF, @1), $4); $$->name = $2; $$->a = $6; }
    | PARAM NAME '[' exprs ']'  { $$ = with_kids(NEW(N_PARAM, @1), $4); $$->name = $2; }
    | PARAM NAME '[' exprs ']' INIT expr
                                { $$ = with_kids(NEW(N_PARAM, @1), $4); $$->name = $2; $$->a = $7; }
    | FORWARD '(' NAME ')' block { $$ = NEW(N_FORWARD, @1); $$->name = $3; $$->a = $5; }
    | STATE kwargs              { $$ = with_kids(NEW(N_STATE, @1), $2); }
    | REQUIRE expr ',' STRING   { $$ = NEW(N_REQUIRE, @1); $$->a = $2; $$->name = $4; }
    | STATE NAME '[' exprs ']'  { $$ = with_kids(NEW(N_LAYER_STATE, @1), $4); $$->name = $2; }
    | STATE NAME '[' exprs ']' INIT expr
                                { $$ = with_kids(NEW(N_LAYER_STATE, @1), $4); $$->name = $2; $$->a = $7; }
    ;

else_part: %empty               { $$ = NULL; }
         | ELSE block           { $$ = $2; }
         | ELSE IF expr block else_part
                                { Node *n = NEW(N_IF, @2); n->a = $3; n->b = $4; n->c = $5;
                                  $$ = NEW(N_BLOCK, @2); list_push(ctx->ar, &$$->kids, n); }
         ;

names: NAME                     { $$ = (NodeList){0}; Node *n = NEW(N_NAME, @1); n->name = $1; list_push(ctx->ar, &$$, n); }
     | names ',' NAME           { $$ = $1; Node *n = NEW(N_NAME, @3); n->name = $3; list_push(ctx->ar, &$$, n); }
     ;

callee: NAME                    { $$ = NEW(N_NAME, @1); $$->name = $1; }
      | NAME '(' args ')'       { Node *f = NEW(N_NAME, @1); f->name = $1;
                                  $$ = with_kids(NEW(N_CALL, @1), $3); $$->a = f; }
      ;

command_words: %empty           { $$ = (NodeList){0}; }
             | command_words command_word { $$ = $1; list_push(ctx->ar, &$$, $2); }
             ;
/* net.1.W, 2, delta, "text": words a command takes (command_word in ast.h) */
command_word: NAME              { $$ = NEW(N_NAME, @1); $$->name = $1; }
            | NUM               { $$ = NEW(N_NUM, @1); $$->num = $1; }
            | STRING            { $$ = NEW(N_STR, @1); $$->name = $1; }
            | command_word '.' NAME { $$ = NEW(N_FIELD, @3); $$->a = $1; $$->name = $3; }
            | command_word '.' NUM  { $$ = NEW(N_FIELD, @3); $$->a = $1;
                                      char buf[32]; snprintf(buf, sizeof buf, "%.17g", $3);   /* not (long): 1e300 */
                                      $$->name = intern(buf); }
            ;

opts: %empty                    { $$ = (NodeList){0}; }
    | opts NAME postfix         { $$ = $1; Node *k = NEW(N_KWARG, @2); k->name = $2; k->a = $3;
                                  list_push(ctx->ar, &$$, k); }
    | opts NAME NAME NUM        { $$ = $1; Node *k = NEW(N_KWARG, @2); k->name = $2; k->label = $3;   /* log every 10 */
                                  k->a = NEW(N_NUM, @4); k->a->num = $4; list_push(ctx->ar, &$$, k); }
    /* early_stop patience=5: an option with a setting of its own */
    | opts NAME NAME '=' postfix { $$ = $1; Node *k = NEW(N_KWARG, @2); k->name = $2;
                                  k->a = NEW(N_KWARG, @3); k->a->name = $3; k->a->a = $5;
                                  list_push(ctx->ar, &$$, k); }
    ;

data_lines: %empty              { $$ = (NodeList){0}; }
          | data_lines NL       { $$ = $1; }
          | data_lines expr ARROW expr NL
                                { $$ = $1; Node *r = NEW(N_ROW, @2); r->a = $2; r->b = $4;
                                  list_push(ctx->ar, &$$, r); }
          ;

model_lines: %empty             { $$ = (NodeList){0}; }
           | model_lines NL     { $$ = $1; }
           | model_lines INPUT exprs NL
                                { $$ = $1; list_push(ctx->ar, &$$, with_kids(NEW(N_INPUT, @2), $3)); }
           | model_lines layer_use NL
                                { $$ = $1; list_push(ctx->ar, &$$, $2); }
           | model_lines NAME ':' layer_use NL
                                { $$ = $1; $4->label = $2; list_push(ctx->ar, &$$, $4); }
           ;

/* dense 10 relu init he_normal regularize l2(0.01) with W = ..., b = ... */
layer_use: NAME layer_args layer_opts
                                { $$ = with_kids(NEW(N_LAYER_USE, @1), $2); $$->name = $1;
                                  layer_options(ctx, $$, $3); }
         | NAME layer_args layer_opts WITH kwargs
                                { $$ = with_kids(NEW(N_LAYER_USE, @1), $2); $$->name = $1;
                                  layer_options(ctx, $$, $3); $$->more = $5; }
         ;

/* the layer's own initialiser and regularizer, in either order */
layer_opts: %empty              { $$ = (NodeList){0}; }
          | layer_opts INIT callee
                                { $$ = $1; Node *s = NEW(N_SETTING, @2); s->op = SETTING_INIT; s->a = $3;
                                  list_push(ctx->ar, &$$, s); }
          | layer_opts REGULARIZE callee
                                { $$ = $1; Node *s = NEW(N_SETTING, @2); s->op = SETTING_REGULARIZE; s->a = $3;
                                  list_push(ctx->ar, &$$, s); }
          ;

layer_args: %empty              { $$ = (NodeList){0}; }
          | layer_args layer_arg { $$ = $1; layer_arg_push(ctx, &$$, $2); }
          ;

layer_arg: NUM                  { $$ = NEW(N_NUM, @1); $$->num = $1; }
         | '-' NUM              { $$ = NEW(N_NUM, @1); $$->num = -$2; }
         | STRING               { $$ = NEW(N_STR, @1); $$->name = $1; }
         | TRUE                 { $$ = NEW(N_BOOL, @1); $$->num = 1; }
         | FALSE                { $$ = NEW(N_BOOL, @1); $$->num = 0; }
         | '[' elems ']'        { $$ = $2; $$->loc = LOC(@1); nest(ctx, $$); }
         | callee               { $$ = $1; }
         | NAME '=' access      { $$ = NEW(N_KWARG, @1); $$->name = $1; $$->a = $3; }
         | NAME '=' '-' NUM     { $$ = NEW(N_KWARG, @1); $$->name = $1;
                                  $$->a = NEW(N_NUM, @3); $$->a->num = -$4; }
         ;

kwargs: kwarg                   { $$ = (NodeList){0}; list_push(ctx->ar, &$$, $1); }
      | kwargs ',' kwarg        { $$ = $1; list_push(ctx->ar, &$$, $3); }
      ;
kwarg: NAME '=' expr            { $$ = NEW(N_KWARG, @1); $$->name = $1; $$->a = $3; }
     | SEED '=' expr            { $$ = NEW(N_KWARG, @1); $$->name = intern("seed"); $$->a = $3; }   /* split(d, 0.8, seed=1) */
     ;

exprs: expr                     { $$ = (NodeList){0}; list_push(ctx->ar, &$$, $1); }
     | exprs ',' expr           { $$ = $1; list_push(ctx->ar, &$$, $3); }
     ;

expr: postfix                   { $$ = $1; }
    | expr '+' expr             { $$ = binary(ctx, @2, '+', $1, $3); }
    | expr '-' expr             { $$ = binary(ctx, @2, '-', $1, $3); }
    | expr '*' expr             { $$ = binary(ctx, @2, '*', $1, $3); }
    | expr '/' expr             { $$ = binary(ctx, @2, '/', $1, $3); }
    | expr '@' expr             { $$ = binary(ctx, @2, '@', $1, $3); }
    | expr '^' expr             { $$ = binary(ctx, @2, '^', $1, $3); }
    | expr EQ expr              { $$ = binary(ctx, @2, 'E', $1, $3); }
    | expr NE expr              { $$ = binary(ctx, @2, 'N', $1, $3); }
    | expr '<' expr             { $$ = binary(ctx, @2, '<', $1, $3); }
    | expr LE expr              { $$ = binary(ctx, @2, 'L', $1, $3); }
    | expr '>' expr             { $$ = binary(ctx, @2, '>', $1, $3); }
    | expr GE expr              { $$ = binary(ctx, @2, 'G', $1, $3); }
    | '-' expr %prec UMINUS     { $$ = NEW(N_NEG, @1); $$->a = $2; nest(ctx, $$); }
    | GRAD expr                 { $$ = NEW(N_GRAD, @1); $$->a = $2; nest(ctx, $$); }
    ;

/* x[0] indexes what a postfix gives; a layer line's `act=f(x)` takes no
 * index, since a list may follow it as the layer's next argument */
postfix: access                 { $$ = $1; }
       | postfix '[' indices ']' { $$ = with_kids(NEW(N_INDEX, @2), $3); $$->a = $1; nest(ctx, $$); }
       ;

access: primary                 { $$ = $1; }
      | access '(' args ')'     { $$ = with_kids(NEW(N_CALL, @2), $3); $$->a = $1; $$->loc = $1->loc; nest(ctx, $$); }
      | access '.' NAME         { $$ = NEW(N_FIELD, @3); $$->a = $1; $$->name = $3; nest(ctx, $$); }
      | access '.' NUM          { if ($3 > 1e6 || $3 != (double)(long)$3) {
                                      diag_error(LOC(@3), "a layer number must be a whole number (write net.1.W)");
                                      ctx->failed = 1;
                                      YYERROR;
                                  }
                                  $$ = NEW(N_FIELD, @3); $$->a = $1;
                                  char buf[32]; snprintf(buf, sizeof buf, "%ld", (long)$3);
                                  $$->name = intern(buf); nest(ctx, $$); }
      | access '\''             { $$ = NEW(N_TRANSPOSE, @2); $$->a = $1; nest(ctx, $$); }
      ;

/* x[2], x[0:5], x[-1], W[:, 1:3]: an index or a slice per dimension */
indices: index                  { $$ = (NodeList){0}; list_push(ctx->ar, &$$, $1); }
       | indices ',' index      { $$ = $1; list_push(ctx->ar, &$$, $3); }
       ;
index: expr                     { $$ = $1; }
     | ':'                      { $$ = NEW(N_SLICE, @1); }
     | expr ':'                 { $$ = NEW(N_SLICE, @2); $$->a = $1; nest(ctx, $$); }
     | ':' expr                 { $$ = NEW(N_SLICE, @1); $$->b = $2; nest(ctx, $$); }
     | expr ':' expr            { $$ = NEW(N_SLICE, @2); $$->a = $1; $$->b = $3; nest(ctx, $$); }
     ;

primary: NUM                    { $$ = NEW(N_NUM, @1); $$->num = $1; }
       | STRING                 { $$ = NEW(N_STR, @1); $$->name = $1; }
       | TRUE                   { $$ = NEW(N_BOOL, @1); $$->num = 1; }
       | FALSE                  { $$ = NEW(N_BOOL, @1); $$->num = 0; }
       | NAME                   { $$ = NEW(N_NAME, @1); $$->name = $1; }
       | '(' expr ')'           { $$ = $2; }
       | '[' elems ']'          { $$ = $2; $$->loc = LOC(@1); nest(ctx, $$); }
       | '[' ']'                { $$ = NEW(N_LIST, @1); }
       ;

elems: expr                     { $$ = list_add(ctx, NEW(N_LIST, @1), $1); }
     | elems ',' expr           { $$ = list_add(ctx, $1, $3); }
     | elems ','                { $$ = $1; }
     ;

args: %empty                    { $$ = (NodeList){0}; }
    | arglist                   { $$ = $1; }
    ;
arglist: arg                    { $$ = (NodeList){0}; list_push(ctx->ar, &$$, $1); }
       | arglist ',' arg        { $$ = $1; list_push(ctx->ar, &$$, $3); }
       ;
arg: expr                       { $$ = $1; }
   | kwarg                      { $$ = $1; }
   ;

%%

static void yyerror(YYLTYPE *l, void *scanner, ParseCtx *ctx, const char *msg) {
    LexState *ls = yyget_extra(scanner);
    ctx->failed = 1;
    if (ls->bad) return;           /* the lexer already said what was wrong */
    if (strcmp(msg, "memory exhausted") == 0) {     /* bison's own stack: the same limit as for expressions */
        diag_error(LOC(*l), "expression nested more than %d levels deep", MAX_EXPR_DEPTH);
        return;
    }
    SrcLoc word_at;
    const char *meant = lex_mistyped_first_word(ls, &word_at);
    if (meant) {
        diag_error(word_at, "unknown command or statement '%s'; did you mean '%s'?", ls->first_word, meant);
        return;
    }
    const char *prefix = "syntax error, ";
    if (strncmp(msg, prefix, strlen(prefix)) == 0) msg += strlen(prefix);
    diag_error(LOC(*l), "syntax error: %s", msg);
    int d = ls->depth - 1;
    SrcLoc at = LOC(*l);
    if (d >= 0 && d < MAX_OPEN_BRACKETS &&
        (ls->open[d].line < at.line || (ls->open[d].line == at.line && ls->open[d].col < at.col))) {
        diag_note(ls->open[d], "the '%c' opened here is not closed", ls->open_char[d]);
    }
}

Node *parse_source(Arena *ar, const char *file, const char *text) {
    diag_add_source(file, text);
    return parse_chunk(ar, file, text, 1);
}

Node *parse_chunk(Arena *ar, const char *file, const char *text, int first_line) {
    yyscan_t scanner;
    LexState ls = { .line = first_line, .col = 1, .file = file, .text = text, .at_start = 1 };
    ParseCtx ctx = { .ar = ar, .file = file };
    yylex_init_extra(&ls, &scanner);
    YY_BUFFER_STATE buf = yy_scan_string(text, scanner);
    int rc = yyparse(scanner, &ctx);
    if (rc == 0 && !ctx.failed && ctx.too_deep.file) {
        diag_error(ctx.too_deep, "expression nested more than %d levels deep", MAX_EXPR_DEPTH);
        ctx.failed = 1;
    }
    yy_delete_buffer(buf, scanner);
    yylex_destroy(scanner);
    return rc == 0 && !ctx.failed ? ctx.root : NULL;
}
