/* stdlib_ops.c — the table of the stdlib's activations and their ONNX ops,
 * shared by export (onnx_write.c) and import (onnx_read.c), and the test of
 * whether a function or layer IS the stdlib's: a primitive, or a definition
 * whose source is the embedded stdlib text (its file name is the embedded
 * table's own string, which no user file can be).  Must not: write or read
 * ONNX. */
#include "base/arena.h"
#include "base/diag.h"
#include "export/stdlib_ops.h"
#include "front/ast.h"
#include "lang/eval.h"
#include "lang/stdlib_embed.h"
#include <string.h>

static const OnnxActivation activations[] = {
    { "linear", NULL, false, 0 },
    { "sigmoid", "Sigmoid", false, 0 },
    { "tanh", "Tanh", false, 0 },
    { "relu", "Relu", false, 0 },
    { "leaky_relu", "LeakyRelu", true, 0.01f },
    { "elu", "Elu", true, 1.0f },
    { "softplus", "Softplus", false, 0 },
    { "softsign", "Softsign", false, 0 },
    { "softmax", "Softmax", false, 0 },
};
enum { NACTIVATIONS = sizeof activations / sizeof activations[0] };

bool stdlib_is(const Callable *fn, const char *name) {
    if (!fn || strcmp(fn->name, name) != 0) return false;
    if (fn->kind == C_PRIM) return true;           /* only builtins_register makes primitives */
    if (!fn->node) return false;
    for (const StdlibFile *f = nnl_stdlib_files; f->name; f++)
        if (fn->node->loc.file == f->name) return true;
    return false;
}

double stdlib_default_alpha(Interp *I, const OnnxActivation *a, SrcLoc loc) {
    Value *v = global_find(I, intern(a->nnl));
    const Callable *fn = v && v->kind == V_FUNC ? v->fn : NULL;
    if (fn && fn->kind == C_PARTIAL) fn = fn->base;
    if (!stdlib_is(fn, a->nnl) || fn->nparams < 2 || !fn->param_defaults[1])
        fail_at(loc, "'%s' is not the stdlib's activation here: it is redefined", a->nnl);
    return expect_number(I, eval_expr(I, NULL, fn->param_defaults[1]), loc, "alpha");
}

const OnnxActivation *onnx_activation_of(Interp *I, const Callable *fn, double *alpha, SrcLoc loc) {
    const Callable *base = fn->kind == C_PARTIAL ? fn->base : fn;
    for (int i = 0; i < NACTIVATIONS; i++) {
        const OnnxActivation *a = &activations[i];
        if (!stdlib_is(base, a->nnl)) continue;
        *alpha = 0;
        if (!a->has_alpha) return fn == base ? a : NULL;
        *alpha = stdlib_default_alpha(I, a, loc);
        for (int k = 0; fn != base && k < fn->nbound; k++) {
            if (fn->bound[k].name != intern("alpha")) return NULL;
            *alpha = expect_number(I, fn->bound[k].v, loc, "alpha");
        }
        return a;
    }
    return NULL;
}

bool stdlib_named(const char *name) {
    for (int i = 0; i < NACTIVATIONS; i++) if (strcmp(activations[i].nnl, name) == 0) return true;
    return false;
}

const OnnxActivation *onnx_activation_by_op(const char *op) {
    for (int i = 0; i < NACTIVATIONS; i++)
        if (activations[i].op && strcmp(activations[i].op, op) == 0) return &activations[i];
    return NULL;
}

const char *onnx_activation_list(Interp *I) {
    const char *s = "";
    for (int i = 1; i < NACTIVATIONS; i++)
        s = arena_printf(&I->pass, "%s%s%s", s, i > 1 ? ", " : "", activations[i].nnl);
    return s;
}

Value layer_arg(const Layer *l, const char *name) {
    for (int i = 0; i < l->nargs; i++) if (strcmp(l->args[i].name, name) == 0) return l->args[i].v;
    return (Value){ .kind = V_NONE };
}

Tensor *layer_tensor(const Layer *l, const char *name) {
    for (int i = 0; i < l->nparams; i++) if (strcmp(l->params[i].name, name) == 0) return l->params[i].value;
    for (int i = 0; i < l->nstates; i++) if (strcmp(l->states[i].name, name) == 0) return l->states[i].value;
    return NULL;
}

void export_refuse(SrcLoc loc, const Layer *l, const char *format, const char *why) {
    diag_error(loc, "cannot export model '%s' to %s: layer %d (%s) %s", l->model->name, format, l->index, l->def->name,
               why);
    diag_note(l->loc, "layer %d is defined here", l->index);
    diag_throw();
}

const char *layer_origin(Interp *I, const Layer *l) {
    const Callable *def = l->def;
    return def->node && def->node->loc.file
         ? arena_printf(&I->pass, "a layer defined at %s:%d", def->node->loc.file, def->node->loc.line)
         : "another layer";
}

const OnnxActivation *export_activation(Interp *I, SrcLoc loc, const Layer *l, const char *format, const char *has_op,
                                        double *alpha) {
    Value v = layer_arg(l, "activation");
    if (v.kind != V_FUNC) return NULL;
    const OnnxActivation *a = onnx_activation_of(I, v.fn, alpha, l->loc);
    if (a) return a;
    const Callable *fn = v.fn->kind == C_PARTIAL ? v.fn->base : v.fn;
    const char *where = fn->node && fn->node->loc.file
                      ? arena_printf(&I->pass, " (defined at %s:%d)", fn->node->loc.file, fn->node->loc.line) : "";
    if (stdlib_named(fn->name))
        export_refuse(loc, l, format, arena_printf(&I->pass, "has the activation '%s'%s, the script's own function, "
                      "not the stdlib's '%s': %s of that name would compute something else", fn->name, where, fn->name,
                      strcmp(format, "ONNX") == 0 ? "ONNX's op" : "PyTorch's function"));
    export_refuse(loc, l, format, arena_printf(&I->pass, "has the activation '%s'%s, which is not one of the stdlib's "
                  "activations %s (%s)", fn->name, where, has_op, onnx_activation_list(I)));
}
