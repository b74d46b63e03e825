#!/usr/bin/env bash
# The editors' syntax files generated from the language (mk/editors.mk): they
# hold every keyword and command word of the lexer and every stdlib name; a
# new name reaches all three files; Vim loads the syntax file without error
# and colours a script with it; VS Code's TextMate engine tokenises examples
# into the golden scopes of tests/workplace/scopes/.  One line "PASS what",
# "FAIL what: why" or "SKIP what: why" per check.
set -u
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
ed=$BUILD/editors
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
check() { if [ "$1" = 0 ]; then echo "PASS $2"; else echo "FAIL $2: ${3:-}"; fi; }

for f in nnl.vim ftdetect/nnl.vim nnl.tmLanguage.json; do
    [ -s "$ed/$f" ] || echo "FAIL $ed/$f was not generated (make builds it)"
done

# every word of the lexer's keywords[] and commands[], and every def, layer and
# optimizer of stdlib/*.nnl, read here from the sources themselves
{ sed -n '/keywords\[\] = {/,/^};/p' grammar/nnl.l | grep -o '"[a-z_]*"'
  sed -n '/commands\[\] = {/,/^};/p' grammar/nnl.l | grep -o '"[a-z_]*"'
  sed -n 's/^\(def\|layer\|optimizer\) \([a-z_0-9]*\).*/\2/p' stdlib/*.nnl; } | tr -d '"' | sort -u > "$tmp/words"
missing=""
while read -r w; do
    grep -qw "$w" "$ed/nnl.vim" && grep -qw "$w" "$ed/nnl.tmLanguage.json" || missing="$missing $w"
done < "$tmp/words"
check "$([ -z "$missing" ] && [ "$(wc -l < "$tmp/words")" -gt 80 ]; echo $?)" \
    "the syntax files hold all $(wc -l < "$tmp/words") words of the lexer and the stdlib" "missing:$missing"
# a name the language gains is in every file without editing a grammar
{ cat "$ed/names.txt"; echo "function brand_new_fn"; echo "command brand_new_cmd"; } > "$tmp/names"
for out in vim textmate; do
    awk -v out=$out -f editors/gen_syntax.awk "$tmp/names" > "$tmp/$out" 2>&1
    grep -q brand_new_fn "$tmp/$out" && grep -q brand_new_cmd "$tmp/$out"
    check $? "a new function and command reach the $out file"
done
# the generator refuses what it does not understand
echo "widget foo" | awk -v out=vim -f editors/gen_syntax.awk > /dev/null 2>&1
check "$([ $? -ne 0 ]; echo $?)" "gen_syntax.awk refuses an unknown kind of name"

# Vim: loads the file (an error makes vim -es exit non-zero) and colours xor.nnl
if command -v vim > /dev/null 2>&1; then
    mkdir -p "$tmp/rtp/syntax" "$tmp/rtp/ftdetect"
    cp "$ed/nnl.vim" "$tmp/rtp/syntax/"; cp "$ed/ftdetect/nnl.vim" "$tmp/rtp/ftdetect/"
    cat > "$tmp/check.vim" <<VIM
filetype on
syntax on
edit examples/xor.nnl
let out = [&filetype, get(b:, 'current_syntax', '')]
for [l, c] in [[3, 1], [3, 6], [12, 3], [12, 11], [18, 11], [1, 1], [4, 4]]
  call add(out, l . ':' . c . ' ' . synIDattr(synID(l, c, 1), 'name'))
endfor
call writefile(out, '$tmp/vim.out')
qall!
VIM
    vim -N -es -u NONE -i NONE --cmd "set rtp^=$tmp/rtp" -S "$tmp/check.vim" > "$tmp/vim.err" 2>&1
    check $? "vim -es loads the generated syntax file without error" "$(cat "$tmp/vim.err")"
    printf '%s\n' nnl nnl "3:1 nnlKeyword" "3:6 nnlDefined" "12:3 nnlLayer" "12:11 nnlFunction" \
        "18:11 nnlOptimizer" "1:1 nnlComment" "4:4 nnlNumber" > "$tmp/vim.want"
    diff "$tmp/vim.want" "$tmp/vim.out" > "$tmp/vim.diff" 2>&1
    check $? "vim detects .nnl and colours keywords, names, layers, functions, optimizers, comments, numbers" "$(cat "$tmp/vim.diff")"
    # the check bites: a broken syntax file is an error
    echo 'syn keyword' >> "$tmp/rtp/syntax/nnl.vim"
    vim -N -es -u NONE -i NONE --cmd "set rtp^=$tmp/rtp" -S "$tmp/check.vim" > /dev/null 2>&1
    check "$([ $? -ne 0 ]; echo $?)" "vim -es fails on a planted error in the syntax file"
else
    echo "SKIP the Vim syntax file: vim is not installed (.ci/install-deps installs it)"
fi

# TextMate: VS Code's engine, from npm into build/npm by .ci/install-deps
npm_modules=build/npm/node_modules
if command -v node > /dev/null 2>&1 && [ -d "$npm_modules/vscode-textmate" ] && [ -d "$npm_modules/vscode-oniguruma" ]; then
    for name in xor gates diagnose; do
        NODE_PATH=$npm_modules node tests/workplace/textmate.js "$ed/nnl.tmLanguage.json" "examples/$name.nnl" \
            > "$tmp/$name.scopes" 2>&1
        diff -u "tests/workplace/scopes/$name.scopes" "$tmp/$name.scopes" > "$tmp/diff" 2>&1
        check $? "vscode-textmate tokenises examples/$name.nnl into its golden scopes" "$(head -20 "$tmp/diff")"
    done
    NODE_PATH=$npm_modules node tests/workplace/textmate.js "$ed/nnl.tmLanguage.json" examples/*.nnl stdlib/*.nnl \
        > "$tmp/all" 2>&1
    check $? "vscode-textmate tokenises every example and the stdlib" "$(tail -3 "$tmp/all")"
else
    echo "SKIP the TextMate grammar: node or npm's vscode-textmate and vscode-oniguruma are missing (.ci/install-deps puts them in build/npm)"
fi
