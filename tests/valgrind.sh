#!/bin/sh
# Runs every example, the save/load golden tests and a REPL session under
# valgrind's memcheck: no invalid access, no use of uninitialised memory, no
# leak (--leak-check=full; any definite or possible leak fails; tests/valgrind.supp
# names the blocks GLib, Pango, fontconfig and Graphviz keep or lose themselves).  Needs
# valgrind (.ci/install-deps installs it) and BUILD/nnl; .ci/run calls it.
# Prints one line per run and ends with "N passed, N failed".
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
NNL=$BUILD/nnl
export OPENBLAS_NUM_THREADS=1       # one thread: faster under valgrind, and no thread stacks to account for
passed=0
failed=0
log=$(mktemp)
sets=$(mktemp -d)
trap 'rm -rf "$log" "$sets"' EXIT
# examples/mnist.nnl and fashion.nnl run on a few made-up images, as in tests/run.sh
for set in mnist:digits fashion:fashion; do
    mkdir -p "$sets/${set%%:*}"
    "$BUILD/tools/synth_idx" "${set#*:}" "$sets/${set%%:*}" 200 50 > /dev/null ||
        { echo "tests/valgrind.sh: $BUILD/tools/synth_idx is missing: make test builds it"; exit 1; }
done
export NNL_MNIST=$sets/mnist NNL_FASHION=$sets/fashion
check() {
    name=$1; shift
    if valgrind -q --suppressions=tests/valgrind.supp --leak-check=full --errors-for-leak-kinds=definite,indirect,possible --error-exitcode=99 \
           "$@" > /dev/null 2> "$log"; then status=0; else status=$?; fi
    # 99: valgrind found something; above 128: killed by a signal
    if [ $status -eq 99 ] || [ $status -gt 128 ]; then failed=$((failed + 1)); echo "FAIL $name"; sed 's/^/     /' "$log" | head -40
    else passed=$((passed + 1)); echo "ok   $name"; fi
}
for src in examples/*.nnl tests/golden/save_load*.nnl; do
    check "$src" "$NNL" "$src"
done
# graph writes files next to its script: the scripts run in the scratch folder;
# svg.nnl goes through Graphviz's library (its still-reachable blocks are not leaks)
cp tests/graph/graphs.nnl tests/graph/svg.nnl "$sets/"
for src in graphs svg; do
    check "tests/graph/$src.nnl" "$NNL" "$sets/$src.nnl"
done
check "tests/repl/save_load.in" "$NNL" < tests/repl/save_load.in
check "tests/errors/load_truncated.nnl (an error)" "$NNL" tests/errors/load_truncated.nnl
echo "$passed passed, $failed failed"
[ $failed -eq 0 ]
