#!/usr/bin/env bash
# make install / make uninstall into a temporary PREFIX (and DESTDIR): every
# fixed path is there, installed nnl runs from there, uninstall leaves the
# tree empty; nnl --version; the man page passes mandoc's lint (or man
# --warnings).  One line "PASS what", "FAIL what: why" or "SKIP what: why"
# per check.  usage: BUILD=build tests/workplace/install.sh
set -u
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
check() { if [ "$1" = 0 ]; then echo "PASS $2"; else echo "FAIL $2: ${3:-}"; fi; }

# the fixed forms other tests rely on (issue 22), relative to the prefix
fixed="bin/nnl share/man/man1/nnl.1 share/vim/vimfiles/syntax/nnl.vim share/vim/vimfiles/ftdetect/nnl.vim
       share/jupyter/kernels/nnl/kernel.json bin/nnl-kernel"

for how in "PREFIX=$tmp/p" "PREFIX=/usr/local DESTDIR=$tmp/d"; do
    case "$how" in *DESTDIR*) root=$tmp/d/usr/local ;; *) root=$tmp/p ;; esac
    # shellcheck disable=SC2086
    make -s install BUILD="$BUILD" $how > "$tmp/log" 2>&1 || { check 1 "make install $how" "$(tail -5 "$tmp/log")"; continue; }
    missing=""
    for f in $fixed; do [ -f "$root/$f" ] || missing="$missing $f"; done
    find "$root/share" -name nnl.tmLanguage.json | grep -q . || missing="$missing share/.../nnl.tmLanguage.json"
    check "$([ -z "$missing" ]; echo $?)" "make install $how puts every fixed path" "missing:$missing"
    [ -x "$root/bin/nnl" ] && "$root/bin/nnl" "$root/share/nnl/examples/xor.nnl" > "$tmp/out" 2>&1 &&
        grep -q '^accuracy = 1' "$tmp/out"
    check $? "the installed nnl runs the installed examples/xor.nnl ($how)" "$(tail -3 "$tmp/out")"
    # shellcheck disable=SC2086
    make -s uninstall BUILD="$BUILD" $how > "$tmp/log" 2>&1
    left=$(cd "$root" && find . -mindepth 1 | head -5)
    check "$([ -z "$left" ]; echo $?)" "make uninstall $how leaves the tree empty" "left: $left"
done

# uninstall removes exactly what install put: a file of the user's in the same folders stays
make -s install BUILD="$BUILD" PREFIX="$tmp/q" > /dev/null 2>&1
echo mine > "$tmp/q/bin/other"; echo mine > "$tmp/q/share/man/man1/other.1"
make -s uninstall BUILD="$BUILD" PREFIX="$tmp/q" > /dev/null 2>&1
left=$(cd "$tmp/q" && find . -type f | sort | tr '\n' ' ')
check "$([ "$left" = "./bin/other ./share/man/man1/other.1 " ]; echo $?)" "make uninstall keeps files it did not install" "left: $left"

# nnl --version: the version, then what it was built with; BLAS as found now
"$BUILD/nnl" --version > "$tmp/v" 2>&1
grep -q '^nnl [0-9][0-9.]*$' "$tmp/v" && grep -q '^BLAS: ' "$tmp/v" && grep -q '^Graphviz: ' "$tmp/v" &&
    grep -q '^readline: ' "$tmp/v" && grep -q '^libmicrohttpd: ' "$tmp/v"
check $? "nnl --version names the version, BLAS, Graphviz, readline, libmicrohttpd" "$(cat "$tmp/v")"
NNL_BLAS=/nonexistent/libcblas.so "$BUILD/nnl" --version 2>&1 | grep -q '^BLAS: *none found'
check $? "nnl --version with NNL_BLAS naming no library says none is found"

# the man page: no warning from mandoc's lint (Debian mandoc), else man --warnings
if command -v mandoc > /dev/null 2>&1; then
    mandoc -T lint -W warning man/nnl.1 > "$tmp/lint" 2>&1
    check $? "man/nnl.1 passes mandoc -T lint" "$(cat "$tmp/lint")"
    # the lint bites: a misspelt macro is a warning
    sed 's/^\.Sh FILES/.Sj FILES/' man/nnl.1 > "$tmp/bad.1"
    mandoc -T lint -W warning "$tmp/bad.1" > /dev/null 2>&1
    check "$([ $? -ne 0 ]; echo $?)" "mandoc -T lint finds a planted fault in the man page"
elif man --help 2>&1 | grep -q -- --warnings; then
    MANWIDTH=80 man --warnings -l man/nnl.1 > /dev/null 2> "$tmp/lint"
    check "$([ ! -s "$tmp/lint" ]; echo $?)" "man/nnl.1 passes man --warnings" "$(cat "$tmp/lint")"
else
    echo "SKIP man page lint: neither mandoc nor man --warnings is here (.ci/install-deps installs mandoc)"
fi
for s in NAME SYNOPSIS DESCRIPTION ENVIRONMENT FILES "EXIT STATUS"; do grep -q "^\.Sh $s" man/nnl.1 || echo "FAIL man page has no $s section"; done
for v in NNL_BLAS NNL_MEMORY_LIMIT NNL_MNIST NNL_FASHION OPENBLAS_NUM_THREADS; do
    grep -q "$v" man/nnl.1 || echo "FAIL the man page does not mention $v"
done
