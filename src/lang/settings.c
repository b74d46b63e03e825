/* settings.c — what the `init`, `loss`, `optimizer` and `regularize` settings
 * name (a function with its settings fixed by partial application), and
 * finding a model or data set by name with a "did you mean".
 * Must not: run a pass or train (train/), or print (callers report). */
#include "base/arena.h"
#include "base/diag.h"
#include "front/ast.h"
#include "lang/eval.h"
#include "lang/settings.h"
#include <string.h>

void need_setting(Setting *s, const char *stmt, const char *example, SrcLoc loc) {
    if (!s->set) fail_at(loc, "'%s' needs %s first", stmt, example);
}

/* ---- settings ------------------------------------------------------------ */

static const char *setting_what(int kind) {
    switch (kind) {
    case SETTING_INIT: return "initialiser";
    case SETTING_LOSS: return "loss";
    case SETTING_REGULARIZE: return "regularizer";
    default: return "optimizer";
    }
}

/* The parameter a positional setting of a regularizer fills: l2(0.001) sets
 * the first parameter that is not w, the weights it is called with. */
static const char *regularizer_setting(const Callable *fn, int k, SrcLoc loc) {
    const Callable *base = fn->kind == C_PARTIAL ? fn->base : fn;
    for (int i = 0; i < base->nparams; i++)
        if (base->param_names[i] != intern("w") && k-- == 0) return base->param_names[i];
    fail_at(loc, "regularizer '%s' has no more settings for this value", base->name);
}

/* The function an `init`, `loss` or `optimizer` setting names (n is an
 * N_SETTING: in a statement, or a layer's own `init`), with its settings fixed
 * by partial application, kept beyond the statement. */
const Callable *setting_function(Interp *I, const Node *n) {
    const Node *callee = n->a->kind == N_CALL ? n->a->a : n->a;
    const char *what = setting_what(n->op);
    Value *v = global_find(I, callee->name);
    int want = n->op == SETTING_OPTIMIZER ? C_OPTIMIZER : C_DEF;
    bool ok = v && v->kind == V_FUNC &&
              (n->op == SETTING_OPTIMIZER ? v->fn->kind == C_OPTIMIZER
                                          : v->fn->kind != C_OPTIMIZER && v->fn->kind != C_LAYER);
    if (!ok) {
        const char *s = suggest(I, NULL, callee->name, want);
        if (v) fail_at(callee->loc, "'%s' is %s, not %s %s", callee->name, value_kind_name(*v),
                       n->op == SETTING_INIT ? "an" : "a", what);
        if (s) fail_at(callee->loc, "unknown %s '%s'; did you mean '%s'?", what, callee->name, s);
        fail_at(callee->loc, "unknown %s '%s'", what, callee->name);
    }
    const Callable *fn = v->fn;
    if (n->a->kind == N_CALL) {
        int k = n->a->kids.n;
        Binding *kw = arena_alloc(&I->pass, sizeof(Binding) * (size_t)(k + 1));
        int positional = 0;
        for (int i = 0; i < k; i++) {
            const Node *a = n->a->kids.items[i];
            if (a->kind == N_KWARG) kw[i] = (Binding){ a->name, eval_expr(I, NULL, a->a) };
            else if (n->op == SETTING_REGULARIZE && i == positional)
                kw[i] = (Binding){ regularizer_setting(fn, positional++, a->loc), eval_expr(I, NULL, a) };
            else if (n->op == SETTING_REGULARIZE) fail_at(a->loc, "positional argument after keyword arguments");
            else fail_at(a->loc, "give the %s's settings by name, like %s(lr=0.1)", what, callee->name);
        }
        fn = partial_apply(I, fn, kw, k, n->a->loc);
    } else if (n->op == SETTING_OPTIMIZER) {
        fn = partial_apply(I, fn, NULL, 0, n->a->loc);   /* a new setting: fresh state */
    }
    if (n->op == SETTING_REGULARIZE) {
        const Callable *base = fn->kind == C_PARTIAL ? fn->base : fn;
        bool takes_w = false;
        for (int i = 0; i < base->nparams; i++) takes_w |= base->param_names[i] == intern("w");
        if (!takes_w)
            fail_at(callee->loc, "a regularizer is a function of w, the weights it penalises (like l2), "
                    "and '%s' has no parameter w", callee->name);
    }
    return persist_value(I, (Value){ .kind = V_FUNC, .fn = fn }).fn;
}

void exec_setting(Interp *I, const Node *n) {
    if (n->op == SETTING_REGULARIZE) {       /* regularize NET l2(0.001) */
        Model *m = find_model(I, n->name, n->b->loc);
        m->regularizer = setting_function(I, n);
        m->regularizer_loc = n->loc;
        return;
    }
    Setting s = { .fn = setting_function(I, n), .loc = n->loc, .set = true };
    if (n->op == SETTING_INIT) I->init = s;
    else if (n->op == SETTING_LOSS) I->loss = s;
    else I->optimizer = s;
}

/* ---- models and data by name ------------------------------------------------ */

Dataset *find_data(Interp *I, const char *name, SrcLoc loc) {
    Value *v = global_find(I, name);
    if (v && v->kind == V_DATA) return data_one(v->data, loc);
    if (v) fail_at(loc, "'%s' is %s, not a data set", name, value_kind_name(*v));
    fail_at(loc, "unknown data set '%s'", name);
}

Model *find_model(Interp *I, const char *name, SrcLoc loc) {
    Value *v = global_find(I, name);
    if (v && v->kind == V_MODEL) return v->model;
    if (v) fail_at(loc, "'%s' is %s, not a model", name, value_kind_name(*v));
    for (int i = 0; i < I->nglobals; i++)
        if (I->globals[i].v.kind == V_MODEL && levenshtein(name, I->globals[i].name) <= 2)
            fail_at(loc, "unknown model '%s'; did you mean '%s'?", name, I->globals[i].name);
    fail_at(loc, "unknown model '%s'", name);
}

