/* commands.c — the statements `export NET "FILE.onnx"`, `export NET
 * "FILE.py"` (the format by the file's extension) and `import NET
 * "FILE.onnx"`: their arguments, the files (base/files.h: bounded reads;
 * writes through a temporary file renamed over the target, never over
 * something that is not a regular file; in the check pass, files in memory
 * as io/persist.c keeps them), and their help.  Must not: know ONNX's encoding (onnx_write.c,
 * onnx_read.c) or what the PyTorch program holds (torch_program.c). */
#include "base/arena.h"
#include "base/diag.h"
#include "base/files.h"
#include "export/export.h"
#include "export/onnx.h"
#include "export/torch.h"
#include "front/ast.h"
#include "io/persist.h"
#include "lang/eval.h"
#include "lang/loaders.h"
#include "lang/model.h"
#include "lang/settings.h"
#include "teach/command_table.h"
#include <stdlib.h>
#include <string.h>

/* NET "FILE": the model's name and the file's path (relative to the script) */
static const char *arguments(Interp *I, const Node *n, const char **path) {
    const Node *k = n->kids.n ? n->kids.items[0] : NULL, *f = n->kids.n > 1 ? n->kids.items[1] : NULL;
    if (n->kids.n != 2 || k->kind != N_NAME || f->kind != N_STR)
        fail_at(n->loc, "usage: %s", command_usage(n->name));
    if (!f->name[0]) fail_at(f->loc, "the file name is empty");
    *path = script_path(I, f->name, f->loc);
    return k->name;
}

#ifndef NNL_HAVE_ONNX
_Noreturn static void no_onnx(const Node *n) {
    fail_at(n->loc, "this nnl was built without ONNX: install protobuf-c-compiler, libprotobuf-c-dev and python3-onnx "
            "(.ci/install-deps does) and run make again");
}
#endif

static bool ends_with(const char *s, const char *tail) {
    size_t n = strlen(s), k = strlen(tail);
    return n > k && strcmp(s + n - k, tail) == 0;
}

/* the bytes written (in the check pass, kept in memory); what: "ONNX" or "a PyTorch program" */
static void write_export(Interp *I, const Node *n, Model *m, const char *path, const void *bytes, size_t len,
                         const char *what) {
    const char *why;
    if (I->dry_run) {
        if ((why = persist_dry_write(I, path, bytes, len))) fail_at(n->loc, "cannot export to '%s': %s", path, why);
        return;
    }
    if ((why = file_write_atomically(path, bytes, len))) fail_at(n->loc, "cannot export to '%s': %s", path, why);
    if (I->interactive)
        fprintf(I->out, "exported %s to %s: %s, %d parameters (%zu bytes)\n", m->name, path, what,
                model_param_count(m), len);
}

static void run_export(Interp *I, const Node *n) {
    const char *path;
    Model *m = find_model(I, arguments(I, n, &path), n->kids.items[0]->loc);
    const Node *file = n->kids.items[1];
    if (ends_with(file->name, ".py")) {
        TorchProgram p = torch_program(I, m, n->loc, path);
        if (p.weights_path) write_export(I, n, m, p.weights_path, p.weights, p.weights_len, "its weights");
        write_export(I, n, m, path, p.text, p.len, "a PyTorch program");
        return;
    }
    if (!ends_with(file->name, ".onnx"))
        fail_at(file->loc, "export writes FILE.onnx (ONNX) or FILE.py (a PyTorch program), chosen by the extension; "
                "'%s' has neither", file->name);
#ifndef NNL_HAVE_ONNX
    no_onnx(n);
#else
    size_t len;
    unsigned char *bytes = onnx_encode(I, m, n->loc, &len);
    write_export(I, n, m, path, bytes, len, "ONNX");
#endif
}

static void run_import(Interp *I, const Node *n) {
    const char *path;
    const char *name = arguments(I, n, &path);
#ifndef NNL_HAVE_ONNX
    (void)name;
    no_onnx(n);
#else
    size_t len = 0;
    const unsigned char *bytes = I->dry_run ? persist_dry_read(I, path, &len) : NULL;
    if (!bytes) {
        char why[600];
        unsigned char *owned = (unsigned char *)file_read_all(path, file_read_cap(ONNX_MAX_BYTES), NULL, &len, why,
                                                              sizeof why);
        if (!owned) fail_at(n->loc, "%s", why);
        unsigned char *copy = arena_alloc_raw(&I->pass, len + 1);    /* errors below unwind: nothing malloc'd */
        memcpy(copy, owned, len);
        free(owned);
        bytes = copy;
    }
    Model *m = onnx_decode(I, name, path, bytes, len, n->loc);
    global_set(I, m->name, (Value){ .kind = V_MODEL, .model = m });
    if (I->interactive && !I->dry_run)
        fprintf(I->out, "imported %s from %s: input [%d] -> output [%d], %d layers, %d parameters\n", m->name, path,
                m->in_dim, m->out_dim, m->nlayers, model_param_count(m));
#endif
}

static const CommandInfo export_info = {
    "export", "export NET \"FILE.onnx\" | export NET \"FILE.py\"",
    "Writes model NET as an ONNX file (IR 8, opset 17) that ONNX Runtime runs and Netron shows: dense layers as Gemm, "
    "each activation as its op, batchnorm with its running averages, dropout left out.  FILE.py: a PyTorch program "
    "of NET with its weights, the loss, the optimizer, the data and the training of its last train, which "
    "python3 runs on one machine and torchrun on several (DistributedDataParallel).  docs/export.md.",
    "export net \"net.onnx\"" };
static const CommandInfo import_info = {
    "import", "import NET \"FILE.onnx\"",
    "Defines model NET from an ONNX file of an MLP (Gemm or MatMul + Add, activations, BatchNormalization, PRelu, "
    "Dropout), made of the stdlib's layers with the file's weights.  docs/export.md.",
    "import net \"net.onnx\"" };

void export_register_commands(void) {
    command_add(&export_info, run_export);
    command_add(&import_info, run_import);
}
