#!/usr/bin/env bash
# nnl lsp: scripted sessions (tests/lsp/NAME.jsonl) through tests/lsp/client.py,
# every message the server sends compared with tests/lsp/NAME.out; and the
# protocol's stream stays clean when a document prints.  One line "PASS
# what", "FAIL what: why" or "SKIP what: why" per check.
set -u
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
check() { if [ "$1" = 0 ]; then echo "PASS $2"; else echo "FAIL $2: ${3:-}"; fi; }
command -v python3 > /dev/null 2>&1 || { echo "SKIP nnl lsp: python3 is not installed"; exit 0; }

for session in tests/lsp/*.jsonl; do
    name=$(basename "$session" .jsonl)
    python3 tests/lsp/client.py "$BUILD/nnl" "$session" > "$tmp/$name.out" 2>&1
    diff -u "tests/lsp/$name.out" "$tmp/$name.out" > "$tmp/diff" 2>&1
    check $? "nnl lsp session $name gives the golden replies" "$(head -30 "$tmp/diff")"
done

# the VS Code extension's folder: its package.json names files that the folder
# (with the grammar install copies into it) has; VS Code itself is not run here
python3 - > "$tmp/vscode" 2>&1 <<'PY'
import json, os
pkg = json.load(open("editors/vscode/package.json"))
assert os.path.exists(os.path.join("editors/vscode", pkg["main"])), pkg["main"]
assert pkg["contributes"]["languages"][0]["extensions"] == [".nnl"]
assert pkg["contributes"]["grammars"][0]["path"] == "./syntaxes/nnl.tmLanguage.json"
assert "share/nnl/editors/vscode/syntaxes/nnl.tmLanguage.json" in open("mk/install.mk").read()
json.load(open("editors/vscode/language-configuration.json"))
PY
check $? "editors/vscode: package.json, its client and the grammar's installed place agree" "$(cat "$tmp/vscode")"
