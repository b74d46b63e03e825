# make install / make uninstall (included by the Makefile).
#   make install PREFIX=P DESTDIR=D   copies into D/P (default PREFIX /usr/local,
#                                     no root needed for a PREFIX of one's own)
#   make uninstall PREFIX=P DESTDIR=D removes exactly what install copied, and
#                                     the folders it made once they are empty
# What goes where is one list, INSTALLED: pairs SOURCE=DEST (DEST under the
# prefix); both targets read it, so they cannot disagree.

PREFIX  ?= /usr/local
DESTDIR ?=
ROOT     = $(DESTDIR)$(PREFIX)

INSTALLED  = $(BUILD)/nnl=bin/nnl man/nnl.1=share/man/man1/nnl.1
INSTALLED += $(foreach f,$(wildcard examples/*.nnl examples/data/*.csv),$(f)=share/nnl/$(f))
INSTALLED += $(foreach f,$(wildcard docs/*.md docs/*.ipynb docs/img/*.* docs/img/*/*.*),$(f)=share/nnl/$(f))
INSTALLED += $(foreach f,$(STDLIB),$(f)=share/nnl/$(f))
INSTALLED += README.md=share/nnl/README.md
# the editors' files, generated in $(BUILD)/editors (mk/editors.mk)
INSTALLED += $(BUILD)/editors/nnl.vim=share/vim/vimfiles/syntax/nnl.vim
INSTALLED += $(BUILD)/editors/ftdetect/nnl.vim=share/vim/vimfiles/ftdetect/nnl.vim
INSTALLED += $(BUILD)/editors/nnl.tmLanguage.json=share/nnl/editors/nnl.tmLanguage.json
# the Jupyter kernel: its spec finds nnl-kernel from wherever PREFIX is
INSTALLED += editors/jupyter/nnl-kernel=bin/nnl-kernel editors/jupyter/kernel.json=share/jupyter/kernels/nnl/kernel.json
# the VS Code extension's folder, with the grammar in it (docs/editors.md)
INSTALLED += $(foreach f,package.json extension.js language-configuration.json,editors/vscode/$(f)=share/nnl/editors/vscode/$(f))
INSTALLED += $(BUILD)/editors/nnl.tmLanguage.json=share/nnl/editors/vscode/syntaxes/nnl.tmLanguage.json

# every folder a file goes into, deepest first, up to (not including) the prefix
INSTALL_DIRS = $(shell for p in $(foreach i,$(INSTALLED),$(dir $(lastword $(subst =, ,$(i))))); do \
                   d=$${p%/}; while [ -n "$$d" ] && [ "$$d" != . ]; do echo "$$d"; d=$$(dirname "$$d"); done; \
               done | sort -u | awk '{ print length($$0) "\t" $$0 }' | sort -rn | cut -f2)

install: $(foreach i,$(INSTALLED),$(firstword $(subst =, ,$(i))))
	@for i in $(INSTALLED); do \
	    src=$${i%%=*}; dst="$(ROOT)/$${i#*=}"; mode=644; \
	    [ -x "$$src" ] && case "$$dst" in */bin/*) mode=755 ;; esac; \
	    mkdir -p "$$(dirname "$$dst")" && install -m $$mode "$$src" "$$dst" || exit 1; \
	done
	@echo "installed nnl into $(ROOT) (make uninstall PREFIX=$(PREFIX) removes it)"

uninstall:
	@for i in $(INSTALLED); do rm -f "$(ROOT)/$${i#*=}"; done
	@for d in $(INSTALL_DIRS); do [ -d "$(ROOT)/$$d" ] && rmdir --ignore-fail-on-non-empty "$(ROOT)/$$d"; done; true
	@echo "removed nnl from $(ROOT)"

.PHONY: install uninstall
