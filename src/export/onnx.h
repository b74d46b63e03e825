/* ONNX files of models (onnx_write.c, onnx_read.c; docs/export.md), without
 * the file system, for the commands, the unit tests and the fuzz target.
 * Both report a model or a file they cannot take with fail_at(loc, ...),
 * naming the layer or the file and node; everything they allocate lives in
 * I->pass, so an error leaks nothing.  Built only with NNL_HAVE_ONNX. */
#ifndef NNL_ONNX_H
#define NNL_ONNX_H
#include "lang/interp.h"

enum { ONNX_IR_VERSION = 8, ONNX_OPSET = 17 };
/* the largest ONNX file import reads */
#define ONNX_MAX_BYTES ((size_t)512 << 20)

/* m as an ONNX model (its bytes, in I->pass); loc: the statement, for errors */
unsigned char *onnx_encode(Interp *I, Model *m, SrcLoc loc, size_t *len);
/* The model an ONNX file of an MLP describes, named `name`, built from the
 * stdlib's layers with the file's weights (not yet defined as a global). */
Model *onnx_decode(Interp *I, const char *name, const char *file, const unsigned char *bytes, size_t len, SrcLoc loc);

#endif
