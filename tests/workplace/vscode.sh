#!/usr/bin/env bash
# The VS Code extension as VS Code runs it, without VS Code (which cannot be
# installed here): make install into a temporary PREFIX, then
# tests/workplace/vscode/client.js loads the installed extension with npm's
# vscode-languageclient and a stand-in `vscode` module, checks its
# package.json against what VS Code and the client require, activates it (it
# starts PREFIX/bin/nnl lsp), and compares the diagnostics, hovers,
# completions and definitions it gets with tests/workplace/vscode/client.out.
# One line "PASS what", "FAIL what: why" or "SKIP what: why" per check.
set -u
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
check() { if [ "$1" = 0 ]; then echo "PASS $2"; else echo "FAIL $2: ${3:-}"; fi; }
npm_modules=$(pwd)/build/npm/node_modules
if ! command -v node > /dev/null 2>&1 || [ ! -d "$npm_modules/vscode-languageclient" ]; then
    echo "SKIP the VS Code extension's client: node or npm's vscode-languageclient is missing (.ci/install-deps installs them into build/npm)"
    exit 0
fi
make -s install BUILD="$BUILD" PREFIX="$tmp/p" > "$tmp/log" 2>&1 || { check 1 "make install for the extension" "$(tail -3 "$tmp/log")"; exit 0; }
ext=$tmp/p/share/nnl/editors/vscode
NODE_PATH=$npm_modules timeout 120 node tests/workplace/vscode/client.js "$tmp/p/bin/nnl" "$ext" > "$tmp/out" 2>&1
check $? "the extension activates, serves an nnl file and deactivates under vscode-languageclient" "$(tail -5 "$tmp/out")"
for part in manifest activated opened after hover completion while definition deactivated messages; do
    diff <(grep "^$part" tests/workplace/vscode/client.out) <(grep "^$part" "$tmp/out") > "$tmp/diff" 2>&1
    check "$([ ! -s "$tmp/diff" ] && grep -q "^$part" "$tmp/out"; echo $?)" "vscode client: the $part lines are the golden ones" "$(head -20 "$tmp/diff")"
done
diff -u tests/workplace/vscode/client.out "$tmp/out" > "$tmp/diff" 2>&1
check $? "vscode client: the whole session is the golden one (hover texts, diagnostics' ranges)" "$(head -30 "$tmp/diff")"
# the check bites: a package.json that asks for too old a VS Code is wrong
cp -r "$ext" "$tmp/ext"
sed -i 's/"vscode": "^1.82.0"/"vscode": "^1.70.0"/' "$tmp/ext/package.json"
NODE_PATH=$npm_modules timeout 120 node tests/workplace/vscode/client.js "$tmp/p/bin/nnl" "$tmp/ext" 2>&1 | grep -q "^manifest: WRONG engines"
check $? "vscode client: a package.json asking for VS Code 1.70 is found wrong"
