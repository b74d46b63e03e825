# The editors' syntax files, generated at build time from the language's own
# names (nnl --dump-names: the lexer's keywords and command words, the
# stdlib's and builtins' functions) by editors/gen_syntax.awk; included by
# the Makefile.  Never committed: they are in $(BUILD)/editors/.
EDITOR_FILES = $(BUILD)/editors/nnl.vim $(BUILD)/editors/ftdetect/nnl.vim $(BUILD)/editors/nnl.tmLanguage.json

all: $(EDITOR_FILES)
test: $(EDITOR_FILES)

$(BUILD)/editors/names.txt: $(BUILD)/nnl
	@mkdir -p $(BUILD)/editors/ftdetect
	$(BUILD)/nnl --dump-names > $@.tmp && mv $@.tmp $@
$(BUILD)/editors/nnl.vim: $(BUILD)/editors/names.txt editors/gen_syntax.awk
	awk -v out=vim -f editors/gen_syntax.awk $< > $@.tmp && mv $@.tmp $@
$(BUILD)/editors/ftdetect/nnl.vim: $(BUILD)/editors/names.txt editors/gen_syntax.awk
	awk -v out=ftdetect -f editors/gen_syntax.awk $< > $@.tmp && mv $@.tmp $@
$(BUILD)/editors/nnl.tmLanguage.json: $(BUILD)/editors/names.txt editors/gen_syntax.awk
	awk -v out=textmate -f editors/gen_syntax.awk $< > $@.tmp && mv $@.tmp $@
