# nnl — build, test and demo.  Everything generated goes to $(BUILD).
#   make            build $(BUILD)/nnl
#   make test       build and run every test (ends with "N passed, N failed")
#   make demo       build and run examples/xor.nnl
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
ALLFLAGS = -std=c11 -D_POSIX_C_SOURCE=200809L $(WARN) $(CFLAGS) $(SANFLAGS) -Isrc -I$(BUILD)
LDLIBS   = -lopenblas -lm

SRCS     = $(wildcard src/*.c)
OBJS     = $(patsubst src/%.c,$(BUILD)/%.o,$(SRCS)) $(BUILD)/parser.o $(BUILD)/lexer.o $(BUILD)/stdlib_embed.o
LIBOBJS  = $(filter-out $(BUILD)/main.o,$(OBJS))
STDLIB   = $(sort $(wildcard stdlib/*.nnl))
UNIT_SRCS = $(wildcard tests/unit/*.c)
UNIT_BINS = $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(UNIT_SRCS))

all: $(BUILD)/nnl

$(BUILD)/nnl: $(OBJS)
	$(CC) $(ALLFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/parser.c $(BUILD)/parser.h: grammar/nnl.y | $(BUILD)
	bison -Wall -Werror --defines=$(BUILD)/parser.h -o $(BUILD)/parser.c $<

$(BUILD)/lexer.c $(BUILD)/lexer.h: grammar/nnl.l | $(BUILD)
	flex --header-file=$(BUILD)/lexer.h -o $(BUILD)/lexer.c $<

# The stdlib is compiled into the binary so nnl runs from anywhere.
$(BUILD)/stdlib_embed.c: $(STDLIB) src/embed_stdlib.awk | $(BUILD)
	awk -f src/embed_stdlib.awk $(STDLIB) > $@

$(BUILD)/parser.o: $(BUILD)/parser.c $(BUILD)/lexer.h
	$(CC) $(ALLFLAGS) -c -o $@ $<
$(BUILD)/lexer.o: $(BUILD)/lexer.c $(BUILD)/parser.h
	$(CC) $(ALLFLAGS) -Wno-unused-function -c -o $@ $<
$(BUILD)/stdlib_embed.o: $(BUILD)/stdlib_embed.c
	$(CC) $(ALLFLAGS) -c -o $@ $<

$(BUILD)/%.o: src/%.c $(wildcard src/*.h) $(BUILD)/parser.h $(BUILD)/lexer.h | $(BUILD)
	$(CC) $(ALLFLAGS) -c -o $@ $<

$(BUILD)/tests/%: tests/unit/%.c $(LIBOBJS) | $(BUILD)
	@mkdir -p $(BUILD)/tests
	$(CC) $(ALLFLAGS) -o $@ $< $(LIBOBJS) $(LDLIBS)

$(BUILD):
	mkdir -p $(BUILD)

test: $(BUILD)/nnl $(UNIT_BINS)
	BUILD=$(BUILD) tests/run.sh

demo: $(BUILD)/nnl
	$(BUILD)/nnl examples/xor.nnl

clean:
	rm -rf build build-san build-clang

.PHONY: all test demo clean
