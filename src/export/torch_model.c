/* torch_model.c — the model, loss and optimizer parts of the PyTorch
 * program `export NET "F.py"` writes (docs/export.md): the stdlib's layers
 * as nn.Linear, nn.BatchNorm1d, nn.PReLU, nn.Dropout (maxout: a Linear and
 * a max over its pieces), the stdlib's activations as torch's functions, the
 * weights as lists of the shortest decimals that read back as the same
 * float32; the stdlib's losses and regularizers as their formulas; the
 * stdlib's optimizers as torch.optim.SGD where it computes the same, else as
 * a few lines of nnl's formula.  Must not: write what it cannot say exactly —
 * a user's layer, activation, loss, regularizer or optimizer, or a schedule,
 * is refused with a message naming it — or touch files (commands.c). */
#include "base/arena.h"
#include "base/diag.h"
#include "base/text.h"
#include "export/stdlib_ops.h"
#include "export/torch_parts.h"
#include "front/ast.h"
#include "lang/eval.h"
#include "lang/model.h"
#include "lang/stdnames.h"
#include "tensor/tensor.h"
#include <math.h>
#include <stdint.h>
#include <string.h>

const char *torch_source(Interp *I, SrcLoc loc) {
    char line[200];
    if (!loc.file) return "nnl";
    if (!diag_source_line(loc, line, sizeof line)) return arena_printf(&I->pass, "%s:%d", loc.file, loc.line);
    const char *s = line;
    while (*s == ' ' || *s == '\t') s++;
    return arena_printf(&I->pass, "%s:%d: %s", loc.file, loc.line, s);
}

void torch_number(TorchWriter *w, double v) {
    char buf[64];
    if (isnan(v)) { fputs("float(\"nan\")", w->f); return; }
    if (isinf(v)) { fputs(v > 0 ? "float(\"inf\")" : "-float(\"inf\")", w->f); return; }
    format_shortest(buf, sizeof buf, v, w->single);
    fputs(buf, w->f);
}

/* ---- layers --------------------------------------------------------------- */

typedef enum { L_DENSE, L_BATCHNORM, L_PRELU, L_MAXOUT, L_DROPOUT } LayerKind;
static const char *const layer_names[] = { "dense", "batchnorm", "prelu", "maxout", "dropout" };

static LayerKind layer_kind(Interp *I, SrcLoc loc, const Layer *l) {
    for (int k = 0; k < 5; k++) if (stdlib_is(l->def, layer_names[k])) return (LayerKind)k;
    export_refuse(loc, l, "PyTorch", arena_printf(&I->pass, "is %s, not one of the stdlib layers the PyTorch export "
                                                  "knows (dense, batchnorm, prelu, maxout, dropout)", layer_origin(I, l)));
}

static const OnnxActivation *activation_of(Interp *I, SrcLoc loc, const Layer *l, double *alpha) {
    return export_activation(I, loc, l, "PyTorch", "that the PyTorch export knows", alpha);
}

static double number(Interp *I, const Layer *l, const char *name) {
    return expect_number(I, layer_arg(l, name), l->loc, name);
}

/* "Net" for model net: the class's name */
static const char *class_name(Interp *I, const Model *m) {
    char *s = arena_strdup(&I->pass, m->name);
    if (s[0] >= 'a' && s[0] <= 'z') s[0] = (char)(s[0] - 'a' + 'A');
    return s[0] == '_' ? arena_printf(&I->pass, "Model%s", s) : s;
}

/* the layer's module, as __init__ builds it */
static void write_module(TorchWriter *w, const Layer *l) {
    FILE *f = w->f;
    fprintf(f, "        self.layer%d = ", l->index);
    switch (layer_kind(w->I, w->loc, l)) {
    case L_DENSE: fprintf(f, "nn.Linear(%d, %d)", l->in_dim, l->out_dim); break;
    case L_BATCHNORM:
        fprintf(f, "nn.BatchNorm1d(%d, eps=", l->in_dim);
        torch_number(w, number(w->I, l, "epsilon"));
        fputs(", momentum=", f);
        torch_number(w, number(w->I, l, "momentum"));
        fputc(')', f);
        break;
    case L_PRELU: fprintf(f, "nn.PReLU(%d)", l->in_dim); break;
    case L_MAXOUT: fprintf(f, "nn.Linear(%d, %d)", l->in_dim, l->out_dim * (int)number(w->I, l, "pieces")); break;
    case L_DROPOUT:
        fputs("nn.Dropout(", f);
        torch_number(w, number(w->I, l, "rate"));
        fputc(')', f);
        break;
    }
    fprintf(f, "    # %s\n", torch_source(w->I, l->loc));
}

/* the layer's line of forward: x = ACTIVATION(self.layerN(x)) */
static void write_forward(TorchWriter *w, const Layer *l) {
    FILE *f = w->f;
    const char *e = arena_printf(&w->I->pass, "self.layer%d(x)", l->index);
    if (layer_kind(w->I, w->loc, l) == L_MAXOUT)
        e = arena_printf(&w->I->pass, "%s.view(-1, %d, %d).max(-1).values", e, l->out_dim, (int)number(w->I, l, "pieces"));
    double alpha;
    const OnnxActivation *a = activation_of(w->I, w->loc, l, &alpha);
    const char *fn = !a || !a->op ? NULL
                   : strcmp(a->nnl, "leaky_relu") == 0 ? "F.leaky_relu" : strcmp(a->nnl, "elu") == 0 ? "F.elu"
                   : strcmp(a->nnl, "softplus") == 0 ? "F.softplus" : strcmp(a->nnl, "softsign") == 0 ? "F.softsign"
                   : arena_printf(&w->I->pass, "torch.%s", a->nnl);
    fputs("        x = ", f);
    if (!fn) { fprintf(f, "%s\n", e); return; }
    fprintf(f, "%s(%s", fn, e);
    if (a->has_alpha) { fputs(", ", f); torch_number(w, alpha); }
    if (strcmp(a->nnl, "softmax") == 0) fputs(", dim=-1", f);
    fputs(")\n", f);
}

/* the tensors of a layer: torch's name, nnl's */
static int layer_weights(Interp *I, SrcLoc loc, const Layer *l, const char *torch[4], const char *nnl[4]) {
    static const char *const lin[] = { "weight", "bias" }, *const lin_nnl[] = { "W", "b" };
    static const char *const bn[] = { "weight", "bias", "running_mean", "running_var" },
                      *const bn_nnl[] = { "gamma", "beta", "running_mean", "running_var" };
    int n = 0;
    switch (layer_kind(I, loc, l)) {
    case L_DENSE: case L_MAXOUT: n = 2; memcpy(torch, lin, sizeof lin); memcpy(nnl, lin_nnl, sizeof lin_nnl); break;
    case L_BATCHNORM: n = 4; memcpy(torch, bn, sizeof bn); memcpy(nnl, bn_nnl, sizeof bn_nnl); break;
    case L_PRELU: n = 1; torch[0] = "weight"; nnl[0] = "alpha"; break;
    case L_DROPOUT: break;
    }
    return n;
}

/* a tensor as nested lists, a matrix a row a line */
static void write_values(TorchWriter *w, const Tensor *t) {
    int cols = t->ndim == 2 ? t->shape[1] : t->size, rows = t->ndim == 2 ? t->shape[0] : 1;
    if (t->ndim == 2) fputs("[\n", w->f);
    for (int r = 0; r < rows; r++) {
        fputs(t->ndim == 2 ? "        [" : "[", w->f);
        long width = 0;
        for (int c = 0; c < cols; c++) {
            if (c) {
                bool wrap = width > 90;
                fputs(wrap ? ",\n         " : ", ", w->f);
                if (wrap) width = 0;
            }
            long at = ftell(w->f);
            torch_number(w, tensor_get(t, r * cols + c));
            width += ftell(w->f) - at + 2;
        }
        fputs(t->ndim == 2 ? "],\n" : "]", w->f);
    }
    if (t->ndim == 2) fputs("    ]", w->f);
}

void torch_check_model(Interp *I, Model *m, SrcLoc loc) {
    for (int i = 0; i < m->nlayers; i++) {
        double alpha;
        layer_kind(I, loc, &m->layers[i]);
        activation_of(I, loc, &m->layers[i], &alpha);
    }
}

void torch_write_model(TorchWriter *w) {
    FILE *f = w->f;
    Model *m = w->m;
    const char *cls = class_name(w->I, m);
    fprintf(f, "\n\n# ---- the model: %s\n\nclass %s(nn.Module):\n    \"\"\"model %s: %d", torch_source(w->I, m->loc), cls,
            m->name, m->in_dim);
    for (int i = 0; i < m->nlayers; i++)
        if (!stdlib_is(m->layers[i].def, "dropout")) fprintf(f, " -> %d", m->layers[i].out_dim);
    fputs("; layer N of nnl is self.layerN\"\"\"\n\n    def __init__(self):\n        super().__init__()\n", f);
    for (int i = 0; i < m->nlayers; i++) write_module(w, &m->layers[i]);
    fputs("\n    def forward(self, x):\n", f);
    for (int i = 0; i < m->nlayers; i++) write_forward(w, &m->layers[i]);
    fputs("        return x\n\n\n", f);
    fprintf(f, "# the weights %s had when it was exported, as state_dict() names them: nnl's\n"
               "# %s.1.W [out, in] is layer1.weight, %s.1.b layer1.bias, batchnorm's gamma and beta\n"
               "# weight and bias, prelu's alpha weight\n", m->name, m->name, m->name);
    if (w->weights_file)
        fprintf(f, "# They are in %s, next to this file: %d numbers, too many to list here, as\n"
                   "# little-endian %s in this order, each of this shape.\nWEIGHTS_FILE = \"%s\"\nSHAPES = {\n",
                w->weights_file, torch_value_count(m), w->single ? "float32" : "float64", w->weights_file);
    else
        fputs("WEIGHTS = {\n", f);
    size_t at = 0, width = w->single ? 4 : 8;
    for (int i = 0; i < m->nlayers; i++) {
        const Layer *l = &m->layers[i];
        const char *torch[4], *nnl[4];
        int n = layer_weights(w->I, w->loc, l, torch, nnl);
        for (int k = 0; k < n; k++) {
            const Tensor *t = layer_tensor(l, nnl[k]);
            fprintf(f, "    # %s.%d.%s\n    \"layer%d.%s\": ", m->name, l->index, nnl[k], l->index, torch[k]);
            if (w->weights_file) {
                fprintf(f, t->ndim == 2 ? "[%d, %d]" : "[%d]", t->shape[0], t->ndim == 2 ? t->shape[1] : 0);
                for (int e = 0; e < t->size; e++, at += width) {
                    double v = tensor_get(t, e);
                    uint64_t bits = 0;
                    if (w->single) { float x = (float)v; uint32_t b; memcpy(&b, &x, 4); bits = b; }
                    else memcpy(&bits, &v, 8);
                    for (size_t byte = 0; byte < width; byte++) w->bin[at + byte] = (unsigned char)(bits >> (8 * byte));
                }
            } else {
                write_values(w, t);
            }
            fputs(",\n", f);
        }
    }
    fputs("}\n\n\ndef weights():\n    \"\"\"{state_dict() name: tensor}\"\"\"\n", f);
    if (w->weights_file)
        fprintf(f, "    values = np.fromfile(os.path.join(HERE, WEIGHTS_FILE), dtype=\"<%s\")\n"
                   "    out, at = {}, 0\n    for name, shape in SHAPES.items():\n        count = math.prod(shape)\n"
                   "        out[name] = torch.from_numpy(values[at:at + count].copy()).reshape(shape)\n"
                   "        at += count\n    return out\n", w->single ? "f4" : "f8");
    else
        fputs("    return {name: torch.tensor(values, dtype=DTYPE) for name, values in WEIGHTS.items()}\n", f);
    fprintf(f, "\n\ndef model():\n    \"\"\"the nn.Module with the weights %s had when it was exported\"\"\"\n"
               "    net = %s()\n    state = net.state_dict()\n    for name, values in weights().items():\n"
               "        state[name].copy_(values)\n    return net\n", m->name, cls);
}

int torch_value_count(const Model *m) {
    int n = 0;
    for (int i = 0; i < m->nlayers; i++) {
        const Layer *l = &m->layers[i];
        for (int k = 0; k < l->nparams; k++) n += l->params[k].value->size;
        for (int k = 0; k < l->nstates; k++) n += l->states[k].value->size;
    }
    return n;
}

/* ---- settings of the stdlib's functions -------------------------------------- */

/* the setting `name` of fn: a partial's keyword, else the definition's default */
static Value setting(Interp *I, const Callable *fn, const char *name, SrcLoc loc) {
    const Callable *def = fn->kind == C_PARTIAL ? fn->base : fn;
    for (int k = 0; fn->kind == C_PARTIAL && k < fn->nbound; k++)
        if (strcmp(fn->bound[k].name, name) == 0) return fn->bound[k].v;
    for (int h = 0; h < def->nparams; h++)
        if (strcmp(def->param_names[h], name) == 0 && def->param_defaults[h])
            return eval_expr(I, NULL, def->param_defaults[h]);
    fail_at(loc, "'%s' has no setting '%s'", def->name, name);
}

/* a setting that must be a number for the program (a schedule is refused
 * at the export, loc, with a note at `set`, where the setting was given) */
static double setting_number(Interp *I, const Callable *fn, const char *name, const char *what, SrcLoc loc, SrcLoc set) {
    Value v = setting(I, fn, name, set);
    if (v.kind == V_FUNC) {
        diag_error(loc, "cannot export to PyTorch: %s's %s is a schedule (%s); the PyTorch program has constant "
                   "settings: give %s a number before the export", what, name, v.fn->name, name);
        diag_note(set, "%s is set here", what);
        diag_throw();
    }
    return expect_number(I, v, set, name);
}

/* where a stdlib definition is: "stdlib/optimizers.nnl:69" */
static const char *defined_at(Interp *I, const Callable *fn) {
    const Callable *def = fn->kind == C_PARTIAL ? fn->base : fn;
    return def->node && def->node->loc.file ? arena_printf(&I->pass, "%s:%d", def->node->loc.file, def->node->loc.line)
                                            : "nnl";
}

/* ---- the loss and the penalty ------------------------------------------------ */

typedef struct LossForm { const char *names[2], *doc, *expr; } LossForm;
static const LossForm losses[] = {
    { { "mse", "mean_squared_error" }, "mean((y - t)²) over all elements (PyTorch's MSELoss)",
      "((output - target) ** 2).mean()" },
    { { "mae", "mean_absolute_error" }, "mean(|y - t|) over all elements (PyTorch's L1Loss)",
      "(output - target).abs().mean()" },
    { { "binary_cross_entropy", "binary_crossentropy" },
      "mean(-(t log y + (1 - t) log(1 - y))) over all elements: PyTorch's BCELoss\n    without its clamp of log at -100",
      "-(target * output.log() + (1 - target) * (1 - output).log()).mean()" },
    { { "cross_entropy", "categorical_crossentropy" },
      "the mean over rows of -Σ_j t_j log y_j, for probabilities y (a softmax output)\n"
      "    and one-hot t; no clipping of y (Keras clips it to [1e-7, 1 - 1e-7]); PyTorch's\n"
      "    CrossEntropyLoss would take logits and class numbers instead",
      "-(target * output.log()).sum(-1).mean()" },
    { { "cross_entropy_logits", NULL },
      "the mean over rows of -Σ_j t_j log softmax(a)_j, for logits a (PyTorch's\n"
      "    CrossEntropyLoss with probabilities as targets)",
      "-(target * torch.log_softmax(output, -1)).sum(-1).mean()" },
};
enum { NLOSSES = sizeof losses / sizeof losses[0] };

static const LossForm *loss_form(Interp *I, SrcLoc loc) {
    const Callable *fn = I->loss.fn;
    const char *name = fn ? stdlib_name(I, fn) : NULL;
    for (int i = 0; name && i < NLOSSES; i++)
        for (int k = 0; k < 2; k++)
            if (losses[i].names[k] && strcmp(name, losses[i].names[k]) == 0) return &losses[i];
    if (!fn) fail_at(loc, "cannot export to PyTorch: no loss is set; add e.g. 'loss mse' before the export");
    fail_at(loc, "cannot export to PyTorch: the loss '%s'%s is not one of the stdlib's losses the PyTorch export "
            "knows (mse, mae, binary_cross_entropy, cross_entropy, cross_entropy_logits)", fn->name,
            fn->node && fn->node->loc.file ? arena_printf(&I->pass, " (defined at %s:%d)", fn->node->loc.file,
                                                          fn->node->loc.line) : "");
}

/* the regularizer on layer l's weight matrices, or NULL */
static const Callable *regularizer_of(const Layer *l) {
    return l->regularizer ? l->regularizer : l->model->regularizer;
}

static const char *penalty_expr(Interp *I, const Callable *r, SrcLoc loc, const char *w) {
    const char *name = stdlib_name(I, r);
    char a[64], b[64];
    bool single = I->dtype != DT_F64;
    if (name && strcmp(name, "l1") == 0) {
        format_shortest(a, sizeof a, setting_number(I, r, "lambda", "l1", loc, loc), single);
        return arena_printf(&I->pass, "%s * %s.abs().sum()", a, w);
    }
    if (name && strcmp(name, "l2") == 0) {
        format_shortest(a, sizeof a, setting_number(I, r, "lambda", "l2", loc, loc), single);
        return arena_printf(&I->pass, "%s * (%s ** 2).sum()", a, w);
    }
    if (name && strcmp(name, "elastic") == 0) {
        format_shortest(a, sizeof a, setting_number(I, r, "l1", "elastic", loc, loc), single);
        format_shortest(b, sizeof b, setting_number(I, r, "l2", "elastic", loc, loc), single);
        return arena_printf(&I->pass, "%s * %s.abs().sum() + %s * (%s ** 2).sum()", a, w, b, w);
    }
    fail_at(loc, "cannot export to PyTorch: the regularizer '%s' is not one of the stdlib's (l1, l2, elastic)", r->name);
}

void torch_write_loss(TorchWriter *w) {
    const LossForm *lf = loss_form(w->I, w->loc);
    FILE *f = w->f;
    fprintf(f, "\n\n# ---- the loss: %s\n# nnl's %s, %s\n\ndef loss_fn(output, target):\n    \"\"\"%s\"\"\"\n"
               "    return %s\n", torch_source(w->I, w->I->loss.loc), lf->names[0], defined_at(w->I, w->I->loss.fn),
            lf->doc, lf->expr);
    if (!w->penalty) return;
    fprintf(f, "\n\n# ---- the penalty training adds to the loss: nnl's regularizers (stdlib/regularizers.nnl)\n\n"
               "def penalty(net):\n    \"\"\"the sum of the regularizers' penalties on the weight matrices\"\"\"\n"
               "    return (\n");
    bool first = true;
    for (int i = 0; i < w->m->nlayers; i++) {
        const Layer *l = &w->m->layers[i];
        const Callable *r = regularizer_of(l);
        if (!r || !layer_tensor(l, "W")) continue;
        SrcLoc rl = l->regularizer ? l->regularizer_loc : w->m->regularizer_loc;
        fprintf(f, "        %s%s  # %s\n", first ? "" : "+ ",
                penalty_expr(w->I, r, rl, arena_printf(&w->I->pass, "net.layer%d.weight", l->index)),
                torch_source(w->I, rl));
        first = false;
    }
    fputs("    )\n", f);
}

/* ---- the optimizer ------------------------------------------------------------ */

typedef struct OptimizerForm {
    const char *name;
    const char *settings[5];
    const char *formula;        /* the class's docstring: nnl's rule */
    const char *state_init;     /* lines making a parameter's state */
    const char *update;         /* lines of the update of w from g and lr_t */
} OptimizerForm;

static const OptimizerForm optimizers[] = {
    { "sgd", { "lr", "momentum", "nesterov", "decay", NULL },
      "v ← momentum·v - lr_t·g;  w ← w + v  (nesterov: w ← w + momentum·v - lr_t·g)",
      "                    state[\"v\"] = torch.zeros_like(w)\n",
      "            v = state[\"v\"]\n"
      "            v.mul_(group[\"momentum\"]).sub_(lr_t * g)\n"
      "            if group[\"nesterov\"]:\n"
      "                w.add_(group[\"momentum\"] * v - lr_t * g)\n"
      "            else:\n"
      "                w.add_(v)\n" },
    { "adagrad", { "lr", "epsilon", "decay", "initial_accumulator_value", NULL },
      "acc ← acc + g² (acc starting at initial_accumulator_value);  w ← w - lr_t·g / (√acc + epsilon)\n"
      "    (torch.optim.Adagrad's formula, but its acc starts at 0 and its eps is 1e-10)",
      "                    state[\"acc\"] = torch.full_like(w, group[\"initial_accumulator_value\"])\n",
      "            acc = state[\"acc\"]\n"
      "            acc.add_(g * g)\n"
      "            w.sub_(lr_t * g / (acc.sqrt() + group[\"epsilon\"]))\n" },
    { "rmsprop", { "lr", "rho", "epsilon", "decay", NULL },
      "s ← rho·s + (1 - rho)·g²;  w ← w - lr_t·g / (√s + epsilon)\n"
      "    (torch.optim.RMSprop's formula, with alpha for rho; the defaults differ)",
      "                    state[\"s\"] = torch.zeros_like(w)\n",
      "            s = state[\"s\"]\n"
      "            s.mul_(group[\"rho\"]).add_((1 - group[\"rho\"]) * g * g)\n"
      "            w.sub_(lr_t * g / (s.sqrt() + group[\"epsilon\"]))\n" },
    { "adam", { "lr", "beta_1", "beta_2", "epsilon", "decay" },
      "the bias corrections folded into the step size,\n"
      "        lr_t = lr / (1 + decay·t) · √(1 - beta_2^(t+1)) / (1 - beta_1^(t+1))\n"
      "        m ← beta_1·m + (1 - beta_1)·g;  v ← beta_2·v + (1 - beta_2)·g²\n"
      "        w ← w - lr_t·m / (√v + epsilon)\n"
      "    so epsilon is added to √v, not to √v̂ as torch.optim.Adam adds it",
      "                    state[\"m\"] = torch.zeros_like(w)\n"
      "                    state[\"v\"] = torch.zeros_like(w)\n",
      "            m, v = state[\"m\"], state[\"v\"]\n"
      "            m.mul_(group[\"beta_1\"]).add_((1 - group[\"beta_1\"]) * g)\n"
      "            v.mul_(group[\"beta_2\"]).add_((1 - group[\"beta_2\"]) * g * g)\n"
      "            w.sub_(lr_t * m / (v.sqrt() + group[\"epsilon\"]))\n" },
};
enum { NOPTIMIZERS = sizeof optimizers / sizeof optimizers[0] };

static const OptimizerForm *optimizer_form(Interp *I, SrcLoc loc) {
    const Callable *fn = I->optimizer.fn;
    if (!fn) fail_at(loc, "cannot export to PyTorch: no optimizer is set; add e.g. 'optimizer sgd(lr=0.1)' before the export");
    const char *name = stdlib_name(I, fn);
    for (int i = 0; name && i < NOPTIMIZERS; i++) {
        if (strcmp(name, optimizers[i].name) != 0) continue;
        for (int k = 0; k < 5 && optimizers[i].settings[k]; k++)
            setting_number(I, fn, optimizers[i].settings[k], name, loc, I->optimizer.loc);
        return &optimizers[i];
    }
    const Callable *def = fn->kind == C_PARTIAL ? fn->base : fn;
    fail_at(loc, "cannot export to PyTorch: the optimizer '%s' (defined at %s) is not one of the stdlib's optimizers "
            "the PyTorch export knows (sgd, adagrad, rmsprop, adam)", def->name, defined_at(I, fn));
}

void torch_check_training(Interp *I, Model *m, SrcLoc loc) {
    loss_form(I, loc);
    optimizer_form(I, loc);
    for (int i = 0; i < m->nlayers; i++) {
        const Callable *r = regularizer_of(&m->layers[i]);
        if (r) penalty_expr(I, r, loc, "w");
    }
}

void torch_write_optimizer(TorchWriter *w) {
    Interp *I = w->I;
    FILE *f = w->f;
    const OptimizerForm *o = optimizer_form(I, w->loc);
    const Callable *fn = I->optimizer.fn;
    double v[5] = { 0 };
    int n = 0;
    for (; n < 5 && o->settings[n]; n++) v[n] = setting_number(I, fn, o->settings[n], o->name, w->loc, I->optimizer.loc);
    fprintf(f, "\n\n# ---- the optimizer: %s\n# nnl's %s, %s\n", torch_source(I, I->optimizer.loc), o->name,
            defined_at(I, fn));
    bool plain_sgd = strcmp(o->name, "sgd") == 0 && v[3] == 0;     /* no decay: torch.optim.SGD is the same */
    if (plain_sgd) {
        fputs("\ndef optimizer(params):\n    \"\"\"nnl's v ← momentum·v - lr·g, w ← w + v (nesterov: w ← w + momentum·v - lr·g)\n"
              "    is torch.optim.SGD's buf ← momentum·buf + g, w ← w - lr·buf (nesterov:\n"
              "    w ← w - lr·(g + momentum·buf)): the same steps for a constant lr\"\"\"\n"
              "    return torch.optim.SGD(params, lr=", f);
        torch_number(w, v[0]);
        fputs(", momentum=", f);
        torch_number(w, v[1]);
        fprintf(f, ", nesterov=%s)\n", v[2] != 0 && v[1] > 0 ? "True" : "False");
        return;
    }
    fprintf(f, "\nclass Nnl%c%s(torch.optim.Optimizer):\n    \"\"\"nnl's %s, Keras 2.2.4's formula, with t the updates made before this one\n"
               "    and lr_t = lr / (1 + decay·t) (Keras' decay):\n    %s\"\"\"\n\n"
               "    def __init__(self, params, %s", o->name[0] - 'a' + 'A', o->name + 1, o->name, o->formula,
            o->settings[0]);
    for (int k = 1; k < n; k++) fprintf(f, ", %s", o->settings[k]);
    fprintf(f, "):\n        super().__init__(params, dict(");
    for (int k = 0; k < n; k++) fprintf(f, "%s%s=%s", k ? ", " : "", o->settings[k], o->settings[k]);
    fputs("))\n        self.t = 0      # nnl's t: the updates made so far\n\n    @torch.no_grad()\n    def step(self, closure=None):\n"
          "        loss = None\n        if closure is not None:\n            with torch.enable_grad():\n"
          "                loss = closure()\n        for group in self.param_groups:\n", f);
    if (strcmp(o->name, "adam") == 0)
        fputs("            lr_t = (group[\"lr\"] / (1 + group[\"decay\"] * self.t)\n"
              "                    * math.sqrt(1 - group[\"beta_2\"] ** (self.t + 1)) / (1 - group[\"beta_1\"] ** (self.t + 1)))\n", f);
    else
        fputs("            lr_t = group[\"lr\"] / (1 + group[\"decay\"] * self.t)\n", f);
    fprintf(f, "            for w in group[\"params\"]:\n                if w.grad is None:\n                    continue\n"
               "                g, state = w.grad, self.state[w]\n                if not state:\n%s", o->state_init);
    /* the update's lines are written at the depth of the loop over w */
    for (const char *s = o->update; *s;) {
        const char *nl = strchr(s, '\n');
        fprintf(f, "    %.*s\n", (int)(nl - s), s);
        s = nl + 1;
    }
    fprintf(f, "        self.t += 1\n        return loss\n\n\ndef optimizer(params):\n    return Nnl%c%s(params",
            o->name[0] - 'a' + 'A', o->name + 1);
    for (int k = 0; k < n; k++) {
        fprintf(f, ", %s=", o->settings[k]);
        if (strcmp(o->settings[k], "nesterov") == 0) fputs(v[k] != 0 ? "True" : "False", f);
        else torch_number(w, v[k]);
    }
    fputs(")\n", f);
}
