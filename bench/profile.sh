#!/bin/sh
# bench/profile.sh — where nnl's time goes on the xor and mnist workloads.
# For xor, callgrind (valgrind) counts the instructions of every function
# exactly: the top functions by their own instructions and including callees.
# For every workload, perf (Debian linux-perf; bench/setup linux-perf installs it) samples the
# whole process with DWARF call graphs (xor at 4 kHz: it is short; the
# others at 250 Hz, which keeps the recording small); prints for each workload the
# functions with the most time of their own ("self") and the most time
# including what they call ("children"), as in bench/README.md.
#   bench/profile.sh [xor|mnist|digits ...]      (default: xor mnist)
# Run `make bench` first (it prepares bench/data/).  Writes $BUILD/bench/NAME.perf
# and $BUILD/bench/xor.callgrind.
set -u
cd "$(dirname "$0")/.." || exit 1
BUILD=${BUILD:-build}
OUT=$BUILD/bench
TOP=${TOP:-15}
export OPENBLAS_NUM_THREADS=1
command -v perf > /dev/null || { echo "bench/profile.sh: perf is not installed (bench/setup linux-perf)" >&2; exit 1; }
[ -x "$BUILD/nnl" ] || { echo "bench/profile.sh: no $BUILD/nnl: run make first" >&2; exit 1; }
mkdir -p "$OUT"
# the function column of callgrind_annotate without the file's folder and the binary
short() { sed -e 's|[^ ]*/src/||' -e 's| \[[^]]*\]$||' -e 's|[^ ]*/sysdeps/[^:]*:||'; }
[ $# -gt 0 ] || set -- xor mnist
for name in "$@"; do
    if [ "$name" = xor ] && command -v valgrind > /dev/null; then
        cg=$OUT/xor.callgrind
        valgrind -q --tool=callgrind --callgrind-out-file="$cg" "$BUILD/nnl" bench/xor.nnl > /dev/null || exit 1
        echo "== xor: callgrind, instructions of the function itself, top $TOP"
        callgrind_annotate --inclusive=no "$cg" 2>/dev/null | grep -E '^ *[0-9,]+ \(' | head -n $((TOP + 1)) | short
        echo "== xor: callgrind, instructions including callees, top $TOP below main"
        callgrind_annotate --inclusive=yes "$cg" 2>/dev/null | grep -E '^ *[0-9,]+ \(' | short |
            grep -v -E 'PROGRAM TOTALS|[?][?][?]|below main|libc-start|:(main|interp_run|interp_run_statement|exec_toplevel)$' |
            awk '{ fn = $NF; sub(/.*:/, "", fn); if (!(fn in seen)) { seen[fn]; print } }' | head -n "$TOP"
    fi
    data=$OUT/$name.perf
    rate=250
    [ "$name" = xor ] && rate=4000
    perf record -q -F $rate --call-graph dwarf,16384 -o "$data" -- "$BUILD/nnl" "bench/$name.nnl" > /dev/null || exit 1
    samples=$(perf report -i "$data" --stdio -g none 2>/dev/null | sed -n 's/^# Samples: \([^ ]*\).*/\1/p' | head -1)
    echo "== $name: self (time spent in the function itself), top $TOP of ${samples:-?} samples"
    perf report -i "$data" --no-children --sort symbol --stdio -g none --percent-limit 0.5 2>/dev/null |
        grep -v '^#' | grep -v '^$' | sed 's/ *- *- *$//' | head -n "$TOP"
    echo "== $name: children (time in the function and what it calls), top $TOP below main"
    perf report -i "$data" --children --sort symbol --stdio -g none --percent-limit 2 2>/dev/null |
        grep -v '^#' | grep -v '^$' | sed 's/ *- *- *$//' |
        grep -v -E '\] (_start|__libc_start|main$|interp_run|exec_toplevel)' | head -n "$TOP"
done
