/* torch_program.c — `export NET "F.py"`: the PyTorch program of a model and
 * its last `train` (docs/export.md).  Writes the file's head, the data
 * loading (the csv/idx files read as nnl reads them, split with nnl's own
 * row order, normalize with the statistics nnl computed, rows the script
 * wrote as lists), the model, loss and optimizer (torch_model.c), and
 * main(): the training loop with the script's epochs, batch and shuffle, on
 * one process or under torchrun with DistributedDataParallel.  Must not:
 * touch files (commands.c) or write a program that computes something else
 * than nnl did — what it cannot say is refused before anything is written. */
#include "base/arena.h"
#include "base/diag.h"
#include "export/torch.h"
#include "export/torch_parts.h"
#include "front/ast.h"
#include "lang/dataset.h"
#include "lang/model.h"
#include "lang/settings.h"
#include "train/train.h"
#include "tensor/tensor.h"
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ---- the data: what load_data() computes ------------------------------------ */

/* A value load_data() holds: part `part` of what a data function call gave, or rows the script wrote. */
typedef struct DataVal { const DataCall *call; int part; const Dataset *rows; } DataVal;
/* One line of load_data(): a call, or a data set written as rows. */
typedef struct DataStep { const DataCall *call; const Dataset *rows; const char *var[3]; } DataStep;
typedef struct DataPlan {
    DataStep steps[64];
    int      nsteps;
    DataVal  train, valid;      /* what load_data() returns */
    bool     has_valid;
} DataPlan;

static DataVal val_of(const Dataset *d) {
    return d->made_by ? (DataVal){ d->made_by, d->part, NULL } : (DataVal){ NULL, 0, d };
}

static bool same_val(DataVal a, DataVal b) {
    return a.call ? a.call == b.call && a.part == b.part : !b.call && a.rows->x == b.rows->x && a.rows->y == b.rows->y;
}

static bool step_gives(const DataStep *s, DataVal v) {
    return s->call ? s->call == v.call : !v.call && s->rows->x == v.rows->x && s->rows->y == v.rows->y;
}

/* the steps computing d, inputs first */
static void plan_data(Interp *I, DataPlan *p, const Dataset *d, SrcLoc loc) {
    DataVal v = val_of(d);
    for (int i = 0; i < p->nsteps; i++) if (step_gives(&p->steps[i], v)) return;
    if (v.call)
        for (int i = 0; i < v.call->nin; i++) plan_data(I, p, v.call->in[i], loc);
    if (p->nsteps == 64) fail_at(loc, "cannot export to PyTorch: the data is made in more than 64 steps");
    p->steps[p->nsteps++] = (DataStep){ v.call, v.call ? NULL : d, { NULL, NULL, NULL } };
}

/* whether step k or a later one, or what load_data returns, reads v */
static bool read_later(const DataPlan *p, int k, DataVal v) {
    if (same_val(p->train, v) || (p->has_valid && same_val(p->valid, v))) return true;
    for (int i = k + 1; i < p->nsteps; i++)       /* step k's own inputs are read before its outputs are named */
        for (int j = 0; p->steps[i].call && j < p->steps[i].call->nin; j++)
            if (same_val(val_of(p->steps[i].call->in[j]), v)) return true;
    return false;
}

static const char *const reserved[] = {
    "False", "None", "True", "and", "as", "assert", "async", "await", "break", "class", "continue", "def", "del",
    "elif", "else", "except", "finally", "for", "from", "global", "if", "import", "in", "is", "lambda", "nonlocal",
    "not", "or", "pass", "raise", "return", "try", "while", "with", "yield", "torch", "nn", "F", "os", "csv", "gzip",
    "math", "np", "model", "loss_fn", "optimizer", "penalty", "main", "load_data", "read_csv", "read_idx", "split",
    "normalize", "row_order", "rows", "report", "accuracy", "all", "any", "dict", "dir", "filter", "float", "format",
    "hash", "id", "input", "int", "iter", "len", "list", "map", "max", "min", "next", "object", "open", "print",
    "range", "round", "set", "str", "sum", "type", "vars", "zip", NULL };

/* the variable of step k's output `part`: the script's name, unless a value still needed holds it */
static const char *name_output(Interp *I, DataPlan *p, int k, int part, const char *want) {
    char *base = arena_strdup(&I->pass, want ? want : "data");
    for (char *c = base; *c; c++) if (!(*c == '_' || (*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9'))) *c = '_';
    for (int r = 0; reserved[r]; r++)
        if (strcmp(base, reserved[r]) == 0) { base = arena_printf(&I->pass, "%s_data", base); break; }
    for (int n = 1;; n++) {
        const char *name = n == 1 ? base : arena_printf(&I->pass, "%s_%d", base, n);
        bool taken = false;
        for (int i = 0; i < k && !taken; i++)           /* held by an earlier step's value that is read later */
            for (int j = 0; j < 3 && !taken; j++) {
                if (!p->steps[i].var[j] || strcmp(p->steps[i].var[j], name) != 0) continue;
                DataVal v = p->steps[i].call ? (DataVal){ p->steps[i].call, j, NULL } : (DataVal){ NULL, 0, p->steps[i].rows };
                taken = read_later(p, k, v);
            }
        for (int j = 0; j < part && !taken; j++) taken = p->steps[k].var[j] && strcmp(p->steps[k].var[j], name) == 0;
        if (!taken) return name;
    }
}

static const char *var_of(const DataPlan *p, DataVal v, int before) {
    for (int i = before - 1; i >= 0; i--)
        if (step_gives(&p->steps[i], v)) return p->steps[i].var[v.call ? v.part : 0];
    return "?";
}

/* path made absolute (from the working folder) with "." and ".." taken out, as text: a
 * symbolic link is kept as the script named it */
static char *absolute(Interp *I, const char *path) {
    char cwd[4096] = "";
    if (path[0] != '/' && !getcwd(cwd, sizeof cwd)) cwd[0] = 0;
    char *full = arena_printf(&I->pass, "%s/%s/", cwd, path), *out = arena_alloc_raw(&I->pass, strlen(full) + 2);
    size_t n = 0;
    for (char *s = full; *s;) {
        while (*s == '/') s++;
        char *e = strchr(s, '/');
        if (!e) break;
        size_t len = (size_t)(e - s);
        if (len == 2 && s[0] == '.' && s[1] == '.') { while (n > 0 && out[--n] != '/') {} }
        else if (len && !(len == 1 && s[0] == '.')) { out[n++] = '/'; memcpy(out + n, s, len); n += len; }
        s = e;
    }
    out[n] = 0;
    return n ? out : "/";
}

/* file's path relative to the program's folder, as the program joins it to HERE */
static const char *relative_to(Interp *I, const char *file, const char *program) {
    char *a = absolute(I, file), *b = absolute(I, program), *slash = strrchr(b, '/');
    *slash = 0;                                          /* b: the program's folder ("" for /) */
    size_t i = 0, common = 0;
    while (a[i] && a[i] == b[i]) { if (a[i] == '/') common = i; i++; }
    if (!b[i] && a[i] == '/') common = i;               /* the folder holds the file */
    const char *ups = "";
    for (const char *s = b + common; *s; s++) if (*s == '/') ups = arena_printf(&I->pass, "%s../", ups);
    return arena_printf(&I->pass, "%s%s", ups, a + common + 1);
}

static void write_list(TorchWriter *w, const Tensor *t, int row) {
    int cols = t->shape[1];
    fputc('[', w->f);
    for (int c = 0; c < cols; c++) {
        if (c) fputs(", ", w->f);
        torch_number(w, tensor_get(t, row * cols + c));
    }
    fputc(']', w->f);
}

/* [a, b, ...] of doubles, exactly, wrapped after about 90 columns */
static void write_doubles(FILE *f, const double *v, int n) {
    fputc('[', f);
    for (int i = 0, width = 0; i < n; i++) {
        if (i) fputs(width > 90 ? ",\n            " : ", ", f);
        if (width > 90) width = 0;
        width += fprintf(f, "%.17g", v[i]) + 2;
    }
    fputc(']', f);
}

static void write_step(TorchWriter *w, DataPlan *p, int k, const char *program) {
    FILE *f = w->f;
    DataStep *s = &p->steps[k];
    Interp *I = w->I;
    if (!s->call) {
        s->var[0] = name_output(I, p, k, 0, s->rows->name);
        fprintf(f, "    # %s\n    %s = rows(\n        [", torch_source(I, s->rows->loc), s->var[0]);
        for (int r = 0; r < s->rows->x->shape[0]; r++) {
            if (r) fputs(", ", f);
            write_list(w, s->rows->x, r);
        }
        fputs("],\n        [", f);
        for (int r = 0; r < s->rows->y->shape[0]; r++) {
            if (r) fputs(", ", f);
            write_list(w, s->rows->y, r);
        }
        fputs("])\n", f);
        return;
    }
    const DataCall *c = s->call;
    for (int j = 0; j < c->nout; j++) s->var[j] = name_output(I, p, k, j, c->names[j]);
    fprintf(f, "    # %s\n    ", torch_source(I, c->loc));
    for (int j = 0; j < c->nout; j++) fprintf(f, "%s%s", j ? ", " : "", s->var[j]);
    fputs(" = ", f);
    switch (c->kind) {
    case DATA_CSV: {
        /* the classes are nnl's, in its order: a target's one-hot column is its place in the list */
        fprintf(f, "read_csv(\"%s\", ", relative_to(I, c->file, program));
        if (c->csv.target) fprintf(f, "target=\"%s\"", c->csv.target);
        else fprintf(f, "target=%d", c->csv.target_index);
        if (c->csv.features) fprintf(f, ", features=\"%s\".split(\",\")", c->csv.features);
        if (c->csv.nfeature_index > 0) {
            fputs(", features=[", f);
            for (int i = 0; i < c->csv.nfeature_index; i++) fprintf(f, "%s%d", i ? ", " : "", c->csv.feature_index[i]);
            fputc(']', f);
        }
        if (c->csv.delimiter != ',') fprintf(f, ", delimiter=\"%s\"", c->csv.delimiter == '\t' ? "\\t" : (char[]){ c->csv.delimiter, 0 });
        if (!c->csv.header) fputs(", header=False", f);
        fputs(", classes=CLASSES)\n", f);
        break;
    }
    case DATA_IDX:
        fprintf(f, "read_idx(\"%s\", \"%s\", scale=", relative_to(I, c->file, program), relative_to(I, c->labels, program));
        torch_number(w, c->scale);
        if (c->limit) fprintf(f, ", limit=%ld", c->limit);
        fputs(", classes=len(CLASSES))\n", f);
        break;
    case DATA_SPLIT:
        fprintf(f, "split(%s, [", var_of(p, val_of(c->in[0]), k));
        for (int j = 0; j < c->nout; j++) fprintf(f, "%s%d", j ? ", " : "", c->count[j]);
        fprintf(f, "], seed=%llu%s)\n", (unsigned long long)c->seed, c->shuffle ? "" : ", shuffle=False");
        break;
    case DATA_NORMALIZE:
        fputs("normalize(", f);
        for (int j = 0; j < c->nin; j++) fprintf(f, "%s%s", j ? ", " : "", var_of(p, val_of(c->in[j]), k));
        fprintf(f, ",\n        offset=");
        write_doubles(f, c->stats.offset, c->stats.n);
        fprintf(f, ",\n        scale=");
        write_doubles(f, c->stats.scale, c->stats.n);
        fputs(")\n", f);
        break;
    }
}

static bool plan_uses(const DataPlan *p, DataCallKind kind) {
    for (int i = 0; i < p->nsteps; i++) if (p->steps[i].call && p->steps[i].call->kind == kind) return true;
    return false;
}

static bool plan_rows(const DataPlan *p) {
    for (int i = 0; i < p->nsteps; i++) if (!p->steps[i].call) return true;
    return false;
}

static void write_data(TorchWriter *w, DataPlan *p, const char *program) {
    FILE *f = w->f;
    const struct TrainRecord *t = w->train;
    const Dataset *d = t->data;
    fputs("\n\n# ---- the data ------------------------------------------------------------------\n", f);
    if (d->classes) {
        fputs("\n# the classes, in the order of the targets' one-hot columns\nCLASSES = [", f);
        for (int i = 0; i < d->nclasses; i++) fprintf(f, "%s\"%s\"", i ? ", " : "", d->classes[i]);
        fputs("]\n", f);
    } else if (plan_uses(p, DATA_CSV)) {
        fputs("\nCLASSES = None    # the target is a number, not a class\n", f);
    }
    if (plan_rows(p)) fputs(py_rows, f);
    if (plan_uses(p, DATA_CSV)) fputs(py_read_csv, f);
    if (plan_uses(p, DATA_IDX)) fputs(py_read_idx, f);
    if (plan_uses(p, DATA_SPLIT)) fputs(py_split, f);
    if (plan_uses(p, DATA_NORMALIZE)) fputs(py_normalize, f);
    fprintf(f, "\n\ndef load_data():\n    \"\"\"(training, validation) as TensorDatasets of rows (x, target), targets as nnl\n"
               "    holds them (one-hot for classes): the data of `train`%s, as the script made it;\n"
               "    validation is None when the script has none\"\"\"\n",
            t->valid ? " and its `valid`" : p->has_valid ? " and of `evaluate`" : "");
    for (int k = 0; k < p->nsteps; k++) write_step(w, p, k, program);
    fprintf(f, "    return TensorDataset(*%s), ", var_of(p, p->train, p->nsteps));
    if (p->has_valid) fprintf(f, "TensorDataset(*%s)\n", var_of(p, p->valid, p->nsteps));
    else fputs("None\n", f);
}

/* ---- the program -------------------------------------------------------------- */

static void write_head(TorchWriter *w, const char *program) {
    FILE *f = w->f;
    Model *m = w->m;
    const char *base = strrchr(program, '/') ? strrchr(program, '/') + 1 : program;
    fprintf(f, "#!/usr/bin/env python3\n\"\"\"%s: model '%s' of %s and its training, as a PyTorch program.\n\n"
               "Written by nnl's `export %s \"%s\"` (%s).\n\n"
               "    python3 %s                          trains on one machine\n"
               "    torchrun --nproc_per_node=N %s      trains on N processes with DistributedDataParallel\n\n"
               "Imported, it offers model() (the nn.Module with the weights at the export),\n"
               "loss_fn(output, target), optimizer(params), load_data() and main().  Each part\n"
               "names the nnl line it came from; nnl's docs/export.md says what is the same.\n\"\"\"\n",
            base, m->name, m->loc.file ? m->loc.file : "the REPL", m->name, base, torch_source(w->I, w->loc), base, base);
    fputs("import csv\nimport gzip\nimport math\nimport os\n\nimport numpy as np\nimport torch\nimport torch.distributed as dist\n"
          "import torch.nn as nn\nimport torch.nn.functional as F\nfrom torch.nn.parallel import DistributedDataParallel\n"
          "from torch.utils.data import DataLoader, DistributedSampler, TensorDataset\n\n"
          "HERE = os.path.dirname(os.path.abspath(__file__))\n", f);
    fprintf(f, "DTYPE = torch.%s\ntorch.set_default_dtype(DTYPE)\n", w->single ? "float32" : "float64");
    fprintf(f, "SEED = %llu    # nnl's seed: torch's generator is another, so shuffles and dropout differ\n",
            (unsigned long long)w->I->seed);
}

static void write_training(TorchWriter *w) {
    FILE *f = w->f;
    const struct TrainRecord *t = w->train;
    fprintf(f, "\n\n# ---- the training: %s\n\n", torch_source(w->I, t->stmt->loc));
    fprintf(f, "EPOCHS = %d\nBATCH = %d          # rows per update; under torchrun each of N processes takes BATCH // N\n"
               "SHUFFLE = %s\nLOG_EVERY = %d\n", t->epochs, t->batch,
            t->shuffle ? "True" : "False", t->every > 0 ? t->every : t->every < 0 ? 0 : t->epochs >= 10 ? t->epochs / 10 : 1);
    fputs(py_accuracy, f);
    fprintf(f, py_main, w->penalty ? "(loss + penalty(net))" : "loss");
}

/* the first statement of kind `kind` on model m after the export in the script, or NULL */
static const Node *ahead(Interp *I, Model *m, NodeKind kind) {
    for (int i = I->statement + 1; I->program && i < I->program->kids.n; i++) {
        const Node *s = I->program->kids.items[i];
        if (s->kind == kind && strcmp(s->name, m->name) == 0) return s;
    }
    return NULL;
}

/* the model's last train, else the first `train NET ...` after the export in
 * the script; its data for evaluation: its valid, the last evaluate's, or the
 * next evaluate's */
static const struct TrainRecord *training_of(Interp *I, Model *m, SrcLoc loc) {
    struct TrainRecord *t = arena_alloc(&I->pass, sizeof *t);
    *t = m->last_train;
    const Node *s = t->stmt ? NULL : ahead(I, m, N_TRAIN);
    if (s) {
        Model *trained;
        Dataset *evaluated = t->evaluated;
        *t = train_plan(I, s, &trained);
        t->evaluated = evaluated;
    }
    if (!t->stmt)
        fail_at(loc, "cannot export model '%s' to PyTorch: the program trains as the script's `train %s on DATA ...` "
                "does, and there is none before or after this export", m->name, m->name);
    const Node *e = !t->valid && !t->evaluated ? ahead(I, m, N_EVALUATE) : NULL;
    if (e) t->evaluated = find_data(I, e->label, e->loc);
    return t;
}

/* "dir/net.py" -> "dir/net.weights" */
static const char *weights_path(Interp *I, const char *path) {
    size_t n = strlen(path);
    return arena_printf(&I->pass, "%.*s.weights", (int)(n > 3 && strcmp(path + n - 3, ".py") == 0 ? n - 3 : n), path);
}

TorchProgram torch_program(Interp *I, Model *m, SrcLoc loc, const char *path) {
    model_ensure_initialised(I, m);
    const struct TrainRecord *t = training_of(I, m, loc);
    torch_check_model(I, m, loc);
    torch_check_training(I, m, loc);
    DataPlan *p = arena_alloc(&I->pass, sizeof *p);
    plan_data(I, p, t->data, loc);
    p->train = val_of(t->data);
    const Dataset *v = t->valid ? t->valid : t->evaluated;
    if (v && !same_val(val_of(v), p->train)) {
        plan_data(I, p, v, loc);
        p->valid = val_of(v);
        p->has_valid = true;
    }
    TorchWriter w = { I, NULL, m, loc, I->dtype != DT_F64, false, t, NULL, NULL };
    TorchProgram out = { 0 };
    if (torch_value_count(m) > TORCH_INLINE_MAX) {
        out.weights_path = weights_path(I, path);
        w.weights_file = strrchr(out.weights_path, '/') ? strrchr(out.weights_path, '/') + 1 : out.weights_path;
        out.weights_len = (size_t)torch_value_count(m) * (w.single ? 4 : 8);
        out.weights = w.bin = arena_alloc_raw(&I->pass, out.weights_len + 1);
    }
    for (int i = 0; i < m->nlayers; i++) w.penalty |= m->layers[i].regularizer || m->regularizer;
    char *buf = NULL;
    size_t size = 0;
    w.f = open_memstream(&buf, &size);
    if (!w.f) fail_at(loc, "cannot export model '%s' to PyTorch: out of memory", m->name);
    write_head(&w, path);
    torch_write_model(&w);
    torch_write_loss(&w);
    torch_write_optimizer(&w);
    write_data(&w, p, path);
    write_training(&w);
    fclose(w.f);
    out.text = arena_alloc_raw(&I->pass, size + 1);
    memcpy(out.text, buf, size + 1);
    free(buf);
    out.len = size;
    return out;
}
