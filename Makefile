# nnl — build, test and demo.  Everything generated goes to $(BUILD).
#   make            build $(BUILD)/nnl
#   make test       build and run every test (ends with "N passed, N failed")
#   make demo       build and run examples/xor.nnl
#   make fuzz       run every fuzz target (parser, CSV and IDX loaders, whole
#                   scripts, load) for
#                   FUZZ_TIME seconds each (default 60; needs clang with
#                   libFuzzer); make test runs each briefly if it can
#   make data       fetch MNIST and Fashion-MNIST into examples/data/ (git
#                   ignores them; see docs/data.md)
#   make bench      the benchmarks of bench/ against PyTorch and FANN
#                   (bench/README.md; never part of make test); REPEAT=N
#                   runs each N times (default 3)
#   make docs       remake the output blocks and pictures of docs/tutorial.md
#   make mutate     plant each one-line bug of tests/mutations.txt in a scratch
#                   copy and report which tests catch it (tests/mutate.py;
#                   long, never part of make test)
#   make torture    tests/torture/run.sh long (low memory and stack, a full
#                   disk, Ctrl-C at random points, pipes, racing saves,
#                   linear work) with the plain build and with build-san/
#                   (SAN=1); make test runs it briefly
#   make clean      remove $(BUILD)
#   make SAN=1 ...  build with -fsanitize=address,undefined into build-san/

CC      ?= cc
SAN     ?=
ifeq ($(SAN),1)
BUILD   ?= build-san
SANFLAGS = -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
OPT      = -O1
else
BUILD   ?= build
SANFLAGS =
OPT      = -O2
endif

CFLAGS  ?= $(OPT) -g
WARN     = -Wall -Wextra -Werror
# -fno-math-errno: nnl never reads errno after a math function, and without
# it sqrt (Adam's √v) cannot be vectorised; no value changes
ALLFLAGS = -std=c11 -D_POSIX_C_SOURCE=200809L -fno-math-errno $(WARN) $(CFLAGS) $(SANFLAGS) -Isrc -I$(BUILD)
# OpenBLAS is not linked: src/tensor/blas.c loads it at the first large product
LDLIBS   = -lreadline -lz -lm -ldl
# Graphviz's C library lays out and renders `graph ... to "FILE.svg"`
# (src/see/graph_render.c); without its headers (or with NO_GVC=1) .svg says
# how to get it.  Not linked: loaded at the first .svg (src/base/dynlib.c)
ifeq ($(NO_GVC)$(shell pkg-config --exists libgvc 2>/dev/null && echo yes),yes)
ALLFLAGS += -DNNL_HAVE_GVC $(shell pkg-config --cflags libgvc)
endif
# the view (src/web/): an HTTP server and JSON (Debian: libmicrohttpd-dev,
# libcjson-dev); libmicrohttpd is not linked but loaded when the view starts
WEBLIBS := $(shell pkg-config --libs libcjson 2>/dev/null || echo -lcjson)
LDLIBS  += $(WEBLIBS) -lpthread

# src/STAGE/*.c, one folder a stage (docs/architecture.md; the order of the
# stages is src/LAYERS, which make test checks).  Objects mirror the folders;
# the generated parser, lexer and embedded stdlib go to their stage's folder.
SRCS     = $(wildcard src/*/*.c)
HDRS     = $(wildcard src/*/*.h)
GENOBJS  = $(BUILD)/front/parser.o $(BUILD)/front/lexer.o $(BUILD)/lang/stdlib_embed.o $(BUILD)/web/assets.o
# ONNX (src/export/, docs/export.md): onnx.proto as Debian's python3-onnx
# ships it, compiled by protoc-c into $(BUILD)/export/ (never in git).
# Without protoc-c, libprotobuf-c or the proto, nnl builds without ONNX and
# `export`/`import` say how to get it (.ci/install-deps installs them).
ONNX_PROTO ?= /usr/lib/python3/dist-packages/onnx/onnx.proto
ONNX    := $(shell command -v protoc-c >/dev/null 2>&1 && pkg-config --exists libprotobuf-c 2>/dev/null && test -f $(ONNX_PROTO) && echo yes)
ifeq ($(ONNX),yes)
GENOBJS += $(BUILD)/export/onnx.pb-c.o
ONNXFLAGS = -DNNL_HAVE_ONNX $(shell pkg-config --cflags libprotobuf-c)
ALLFLAGS += $(ONNXFLAGS)
LDLIBS  += $(shell pkg-config --libs libprotobuf-c)
endif
OBJS     = $(patsubst src/%.c,$(BUILD)/%.o,$(SRCS)) $(GENOBJS)
LIBOBJS  = $(filter-out $(BUILD)/cli/main.o,$(OBJS))
STDLIB   = $(sort $(wildcard stdlib/*.nnl))
UNIT_SRCS = $(wildcard tests/unit/*.c)
UNIT_BINS = $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(UNIT_SRCS))
# helpers the tests run (not tests themselves): tests/tools/NAME.c -> $(BUILD)/tools/NAME
TOOL_BINS = $(patsubst tests/tools/%.c,$(BUILD)/tools/%,$(wildcard tests/tools/*.c))

all: $(BUILD)/nnl $(TOOL_BINS)

$(BUILD)/nnl: $(OBJS)
	$(CC) $(ALLFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/front/parser.c $(BUILD)/front/parser.h &: grammar/nnl.y
	@mkdir -p $(BUILD)/front
	bison -Wall -Werror --defines=$(BUILD)/front/parser.h -o $(BUILD)/front/parser.c $<

$(BUILD)/front/lexer.c $(BUILD)/front/lexer.h &: grammar/nnl.l
	@mkdir -p $(BUILD)/front
	flex --header-file=$(BUILD)/front/lexer.h -o $(BUILD)/front/lexer.c $<

# The stdlib is compiled into the binary so nnl runs from anywhere.
$(BUILD)/lang/stdlib_embed.c: $(STDLIB) src/lang/embed_stdlib.awk
	@mkdir -p $(BUILD)/lang
	awk -f src/lang/embed_stdlib.awk $(STDLIB) > $@

# The view's page (web/view.html, .css, .js) is compiled in the same way.
WEBFILES = web/view.html web/view.css web/view.js
$(BUILD)/web/assets.c: $(WEBFILES) src/web/embed_assets.awk
	@mkdir -p $(BUILD)/web
	awk -f src/web/embed_assets.awk $(WEBFILES) > $@
$(BUILD)/web/assets.o: $(BUILD)/web/assets.c
	$(CC) $(ALLFLAGS) -c -o $@ $<
$(BUILD)/fuzz/web/assets.o: $(BUILD)/web/assets.c
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZFLAGS) -c -o $@ $<

$(BUILD)/front/parser.o: $(BUILD)/front/parser.c $(BUILD)/front/lexer.h
	$(CC) $(ALLFLAGS) -c -o $@ $<
$(BUILD)/front/lexer.o: $(BUILD)/front/lexer.c $(BUILD)/front/parser.h
	$(CC) $(ALLFLAGS) -Wno-unused-function -c -o $@ $<
$(BUILD)/lang/stdlib_embed.o: $(BUILD)/lang/stdlib_embed.c
	$(CC) $(ALLFLAGS) -c -o $@ $<

ifeq ($(ONNX),yes)
$(BUILD)/export/onnx.pb-c.c $(BUILD)/export/onnx.pb-c.h &: $(ONNX_PROTO)
	@mkdir -p $(BUILD)/export
	cp $(ONNX_PROTO) $(BUILD)/export/onnx.proto
	cd $(BUILD)/export && protoc-c --c_out=. onnx.proto
$(BUILD)/export/onnx.pb-c.o: $(BUILD)/export/onnx.pb-c.c
	$(CC) $(ALLFLAGS) -c -o $@ $<
$(BUILD)/fuzz/export/onnx.pb-c.o: $(BUILD)/export/onnx.pb-c.c
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZFLAGS) -c -o $@ $<
$(patsubst src/%.c,$(BUILD)/%.o,$(wildcard src/export/*.c)) \
$(patsubst src/%.c,$(BUILD)/fuzz/%.o,$(wildcard src/export/*.c)): $(BUILD)/export/onnx.pb-c.h
endif

$(BUILD)/%.o: src/%.c $(HDRS) $(BUILD)/front/parser.h $(BUILD)/front/lexer.h
	@mkdir -p $(dir $@)
	$(CC) $(ALLFLAGS) -c -o $@ $<

$(BUILD)/tests/%: tests/unit/%.c $(LIBOBJS) $(HDRS)
	@mkdir -p $(BUILD)/tests
	$(CC) $(ALLFLAGS) -o $@ $< $(LIBOBJS) $(LDLIBS)

$(BUILD)/tools/%: tests/tools/%.c | $(BUILD)
	@mkdir -p $(BUILD)/tools
	$(CC) $(ALLFLAGS) -o $@ $< -lz

$(BUILD):
	mkdir -p $(BUILD)

# libFuzzer targets (tests/fuzz/fuzz_NAME.c: the parser, the CSV and IDX
# loaders, whole scripts, model files for `load`), built with clang from the library sources (not the $(CC) objects)
# into $(BUILD)/fuzz/.  make test builds them only when clang can link a
# -fsanitize=fuzzer program; otherwise they are skipped.
FUZZ_CC    ?= clang
FUZZ_TIME  ?= 60
FUZZFLAGS   = -std=c11 -D_POSIX_C_SOURCE=200809L $(WARN) -O1 -g -fno-omit-frame-pointer \
              -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined -Isrc -I$(BUILD)
FUZZFLAGS  += $(ONNXFLAGS)
# -O1 vectorises no loop: a loop's vectorize(assume_safety) hint (train/optkernels.c) is not an error there
FUZZFLAGS  += -Wno-pass-failed
FUZZ_OBJS   = $(patsubst src/%.c,$(BUILD)/fuzz/%.o,$(filter-out src/cli/main.c,$(SRCS))) \
              $(patsubst $(BUILD)/%,$(BUILD)/fuzz/%,$(GENOBJS))
FUZZ_NAMES  = $(patsubst tests/fuzz/fuzz_%.c,%,$(wildcard tests/fuzz/fuzz_*.c))
FUZZ_BINS   = $(patsubst %,$(BUILD)/fuzz/fuzz_%,$(FUZZ_NAMES))
ifneq ($(filter test,$(MAKECMDGOALS)),)
FUZZ_OK    := $(shell printf 'int LLVMFuzzerTestOneInput(const char *d, unsigned long n) { (void)d; (void)n; return 0; }\n' \
                | $(FUZZ_CC) -x c -fsanitize=fuzzer,address,undefined -o /dev/null - >/dev/null 2>&1 && echo yes)
endif

$(BUILD)/fuzz/front/parser.o: $(BUILD)/front/parser.c $(BUILD)/front/lexer.h
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZFLAGS) -c -o $@ $<
$(BUILD)/fuzz/front/lexer.o: $(BUILD)/front/lexer.c $(BUILD)/front/parser.h
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZFLAGS) -Wno-unused-function -c -o $@ $<
$(BUILD)/fuzz/lang/stdlib_embed.o: $(BUILD)/lang/stdlib_embed.c
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZFLAGS) -c -o $@ $<
$(BUILD)/fuzz/%.o: src/%.c $(HDRS) $(BUILD)/front/parser.h $(BUILD)/front/lexer.h
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZFLAGS) -c -o $@ $<
$(BUILD)/fuzz/fuzz_%: tests/fuzz/fuzz_%.c $(FUZZ_OBJS) $(HDRS) $(BUILD)/front/parser.h
	$(FUZZ_CC) $(FUZZFLAGS) -o $@ $< $(FUZZ_OBJS) $(LDLIBS)

# libFuzzer writes new inputs to its first corpus directory, so that is
# $(BUILD)/fuzz/corpus-NAME (kept between runs); the seeds are only read
# (tests/fuzz/seeds.sh says where they are: the script fuzzer's are every
# script of the tree, the load fuzzer's are models saved by $(BUILD)/nnl).
# Crashing inputs are written to $(BUILD)/fuzz/NAME-crash-*.
fuzz: $(FUZZ_BINS) $(BUILD)/nnl
	@for t in $(FUZZ_NAMES); do \
	    seeds=$$(tests/fuzz/seeds.sh $$t $(BUILD)) || exit 1; \
	    mkdir -p $(BUILD)/fuzz/corpus-$$t; \
	    echo "fuzz_$$t for $(FUZZ_TIME) s, seeds from $$seeds"; \
	    $(BUILD)/fuzz/fuzz_$$t -max_total_time=$(FUZZ_TIME) -max_len=4096 -timeout=10 \
	        -artifact_prefix=$(BUILD)/fuzz/$$t- $(BUILD)/fuzz/corpus-$$t $$seeds || exit 1; \
	done

test: $(BUILD)/nnl $(UNIT_BINS) $(TOOL_BINS) $(if $(FUZZ_OK),$(FUZZ_BINS))
	BUILD=$(BUILD) tests/run.sh

demo: $(BUILD)/nnl
	$(BUILD)/nnl examples/xor.nnl

data:
	scripts/fetch-data

# bench/setup installs FANN if it is missing (not .ci/install-deps: CI does
# not benchmark); bench/run.sh builds its small tools into $(BUILD)/bench/;
# synth_idx makes MNIST-shaped data when MNIST is not there.
bench: $(BUILD)/nnl $(BUILD)/tools/synth_idx $(BUILD)/tests/test_replay
	bench/setup
	BUILD=$(BUILD) CC=$(CC) bench/run.sh

clean:
	rm -rf build build-san build-clang

mutate:
	python3 tests/mutate.py

.PHONY: all test demo fuzz data bench clean mutate
# the fuzz objects are built by pattern rules for pattern targets: keep them
.SECONDARY: $(FUZZ_OBJS)

# make install / make uninstall (PREFIX, DESTDIR): mk/install.mk
include mk/install.mk
# the editors' syntax files, generated from the language: mk/editors.mk
include mk/editors.mk
# make docs: runs every ```nnl block of docs/tutorial.md, rewrites its
# ```output blocks and remakes its pictures in docs/img/tutorial/
# (scripts/make-docs); make test checks that they are up to date
docs: $(BUILD)/nnl
	BUILD=$(BUILD) scripts/make-docs
.PHONY: docs

# make torture: the torture suite at length, in this build and the sanitizer one
torture: $(BUILD)/nnl
	$(MAKE) SAN=1 BUILD=build-san build-san/nnl
	NNL=$(BUILD)/nnl tests/torture/run.sh long
	NNL=build-san/nnl tests/torture/run.sh long
.PHONY: torture

# make check-torch: the PyTorch programs `export NET "F.py"` writes, run with
# Debian's python3-torch (which CI does not install): outputs, one training
# step of every optimizer, torchrun on two processes (tests/torch/check_torch.py,
# docs/export.md).  MNIST and Fashion-MNIST are made-up images, as in make test.
check-torch: $(BUILD)/nnl $(BUILD)/tools/synth_idx
	@tmp=$$(mktemp -d) && mkdir -p $$tmp/mnist $$tmp/fashion && \
	$(BUILD)/tools/synth_idx digits $$tmp/mnist 600 200 && $(BUILD)/tools/synth_idx fashion $$tmp/fashion 600 200 && \
	NNL_MNIST=$$tmp/mnist NNL_FASHION=$$tmp/fashion /usr/bin/python3 tests/torch/check_torch.py $(BUILD); \
	rc=$$?; rm -rf $$tmp; exit $$rc
.PHONY: check-torch
