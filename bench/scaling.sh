#!/bin/sh
# bench/scaling.sh — the scaling table of `make bench` (bench/run.sh runs it
# after its own report; never part of make test): the 784-H-H-10 relu net,
# sgd(lr=0.01, momentum=0.9), one epoch over the first SCALE_ROWS rows of
# bench/data's MNIST-shaped images, rows in file order, for H = 64, 256,
# 1024, 2048 at batch 64 and H = 256 at batch 1, 8, 512.  Each case runs
#   nnl       one thread (OPENBLAS_NUM_THREADS=1) and two (nnl chooses its
#             BLAS threads per product size, as it does by default)
#   nnl alt   one thread with the CPU's own OpenBLAS kernels (OPENBLAS_CORETYPE,
#             as run.sh's alt_core) when OpenBLAS does not pick them itself
#   floor     bench/gemm.c: the same products as cblas_sgemm alone, one and
#             two threads (and with the alt kernels)
#   pytorch   from the same starting weights, one thread and two (skipped
#             when python3-torch is not installed)
# in SCALE_REPEAT interleaved rounds; the table gives medians: training
# time, nnl's ratio to the floor and to PyTorch, each one's speed-up with a
# second thread, and nnl's peak memory per parameter once the data (kept
# in its own type: a byte a pixel) is taken off.
#
# Environment: BUILD, SCALE_ROWS (default 10000), SCALE_REPEAT (default
# REPEAT, else 3), SCALE_CASES (default "64:64 256:64 1024:64 2048:64 256:1
# 256:8 256:512", H:BATCH).  Needs bench/run.sh's tools in $BUILD/bench
# (runstat, gemm) and bench/data (run.sh makes both).  Writes
# $BUILD/bench/scaling.tsv (every run) and prints the table.
# $ONE and $TWO below are `env` with settings, split into words on purpose
# shellcheck disable=SC2086
set -u
cd "$(dirname "$0")/.." || exit 1
BUILD=${BUILD:-build}
OUT=$BUILD/bench
ROWS=${SCALE_ROWS:-10000}
ROUNDS=${SCALE_REPEAT:-${REPEAT:-3}}
CASES=${SCALE_CASES:-"64:64 256:64 1024:64 2048:64 256:1 256:8 256:512"}
PY=/usr/bin/python3
NNL=$(pwd)/$BUILD/nnl
case $BUILD in /*) NNL=$BUILD/nnl ;; esac
DATA=$(pwd)/bench/data
say() { printf 'bench scaling: %s\n' "$*" >&2; }
for tool in runstat gemm; do
    [ -x "$OUT/$tool" ] || { say "no $OUT/$tool: run bench/run.sh (make bench) first"; exit 1; }
done
[ -f "$DATA/train-images-idx3-ubyte.gz" ] || { say "no bench/data: run bench/run.sh (make bench) first"; exit 1; }
have_torch=""
if [ -x $PY ] && $PY -c 'import torch, numpy' 2>/dev/null; then have_torch=yes
else say "PyTorch is not installed (Debian: python3-torch): its columns are left empty"; fi
alt=""
grep -q ' avx512f' /proc/cpuinfo && alt=SkylakeX
[ -z "$alt" ] && grep -q ' avx2' /proc/cpuinfo && alt=Haswell
own=$(OPENBLAS_VERBOSE=2 OPENBLAS_NUM_THREADS=1 "$OUT/gemm" 1 1 2>&1 | sed -n 's/^Core: //p')
[ "$own" = "$alt" ] && alt=""

TSV=$OUT/scaling.tsv
: > "$TSV"
# what nnl holds before any data or model (the program, libc, readline…):
# taken off the peak with the data to give the bytes a parameter costs
"$OUT/runstat" "$OUT/scale.rs" "$NNL" /dev/null || exit 1
read -r _ base_kib < "$OUT/scale.rs"
script() {      # script H BATCH [weights]: the case's nnl script on stdout
    [ "${3:-}" = weights ] || printf 'data mnist = idx("%s/train-images-idx3-ubyte.gz", "%s/train-labels-idx1-ubyte.gz", scale=1/255, limit=%s)\n' \
        "$DATA" "$DATA" "$ROWS"
    printf 'model net {\n  input 784\n  dense %s relu\n  dense %s relu\n  dense 10 softmax\n}\n' "$1" "$1"
    printf 'init he\nloss cross_entropy\noptimizer sgd(lr=0.01, momentum=0.9)\nseed 1\n'
    if [ "${3:-}" = weights ]; then
        for l in 1 2 3; do printf 'print full net.%d.W\nprint full net.%d.b\n' $l $l; done
    else
        printf 'train net on mnist epochs 1 batch %s shuffle false\n' "$2"
    fi
}
# run CASE IMPL CMD...: one run, one line of scaling.tsv: case, impl, train s, peak KiB
run() {
    c=$1 impl=$2
    shift 2
    if ! "$OUT/runstat" "$OUT/scale.rs" "$@" > "$OUT/scale.out" 2> "$OUT/scale.err"; then
        say "$impl on $c failed:"; cat "$OUT/scale.err" >&2; return 1
    fi
    case $impl in
    nnl*)  train=$(awk '/^time: .* train [0-9.]+ ms$/ { print $(NF - 1) / 1000 }' "$OUT/scale.err") ;;
    floor*) train=$(awk '$1 == "gemm_s" { print $2 }' "$OUT/scale.out") ;;
    *)     train=$(awk '$1 == "train_s" { print $2 }' "$OUT/scale.out") ;;
    esac
    read -r wall rss < "$OUT/scale.rs"
    printf '%s\t%s\t%s\t%s\t%s\n' "$c" "$impl" "$train" "$rss" "$wall" >> "$TSV"
}
ONE="env OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 MKL_NUM_THREADS=1"
TWO="env -u OPENBLAS_NUM_THREADS -u OMP_NUM_THREADS -u MKL_NUM_THREADS"

rm -f "$OUT"/scale-*.weights
for c in $CASES; do
    h=${c%%:*} b=${c#*:}
    script "$h" "$b" > "$OUT/scale-$h-$b.nnl"
    [ -f "$OUT/scale-$h.weights" ] && continue          # one set of starting weights per width
    script "$h" "$b" weights > "$OUT/scale-weights.nnl"
    $ONE "$NNL" "$OUT/scale-weights.nnl" > "$OUT/scale-$h.weights" || { say "weights of $c failed"; exit 1; }
done
round=1
while [ "$round" -le "$ROUNDS" ]; do
    for c in $CASES; do
        h=${c%%:*} b=${c#*:}
        say "round $round of $ROUNDS: 784-$h-$h-10, batch $b, $ROWS rows"
        s=$OUT/scale-$h-$b.nnl
        run "$c" nnl $ONE "$NNL" --time "$s" || exit 1
        run "$c" nnl2 $TWO "$NNL" --time "$s" || exit 1
        run "$c" floor $ONE "$OUT/gemm" "$ROWS" "$b" "784,$h,$h,10" || exit 1
        run "$c" floor2 $TWO OPENBLAS_NUM_THREADS=2 "$OUT/gemm" "$ROWS" "$b" "784,$h,$h,10" || exit 1
        if [ -n "$alt" ] && [ "$b" = 64 ]; then
            run "$c" nnl_alt $ONE OPENBLAS_CORETYPE=$alt "$NNL" --time "$s" || exit 1
            run "$c" floor_alt $ONE OPENBLAS_CORETYPE=$alt "$OUT/gemm" "$ROWS" "$b" "784,$h,$h,10" || exit 1
        fi
        if [ -n "$have_torch" ]; then
            run "$c" torch $ONE $PY bench/peer_torch.py "scale-$h-$b-$ROWS" "$OUT/scale-$h.weights" "$DATA" || exit 1
            run "$c" torch2 $TWO $PY bench/peer_torch.py "scale-$h-$b-$ROWS" "$OUT/scale-$h.weights" "$DATA" threads=2 || exit 1
        fi
    done
    round=$((round + 1))
done

# medians of the rounds, then one row per case
awk -F'\t' -v rows="$ROWS" -v alt="$alt" -v rounds="$ROUNDS" -v base="$base_kib" '
function median(k,   n, i, j, t, v) {
    n = cnt[k]; if (!n) return ""
    for (i = 1; i <= n; i++) v[i] = val[k, i]
    for (i = 2; i <= n; i++) { t = v[i]; for (j = i - 1; j >= 1 && v[j] > t; j--) v[j + 1] = v[j]; v[j + 1] = t }
    return n % 2 ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2
}
function cell(x, fmt) { return x == "" ? "–" : sprintf(fmt, x) }
function ratio(a, b) { return a == "" || b == "" || b == 0 ? "" : a / b }
{
    k = $1 SUBSEP $2; cnt[k]++; val[k, cnt[k]] = $3
    m = $1 SUBSEP $2 SUBSEP "rss"; cnt[m]++; val[m, cnt[m]] = $4
    if (!($1 in seen)) { seen[$1] = 1; order[++ncases] = $1 }
}
END {
    printf "\nscaling: 784-H-H-10 relu, sgd momentum 0.9, one epoch of the first %d rows, medians of %d round%s\n",
        rows, rounds, rounds == 1 ? "" : "s"
    printf "times are the training loop in seconds; floor = the same products as cblas_sgemm alone;\n"
    printf "bytes/param: nnl'"'"'s peak less the data (a byte a pixel) and nnl'"'"'s own %.1f MiB, per parameter\n", base / 1024
    printf "| H | batch | params | nnl 1t | floor 1t | nnl/floor | torch 1t | torch/nnl | nnl 2t | nnl 2t speed-up | torch 2t speed-up | floor 2t | %s| nnl peak MiB | bytes/param beyond the data |\n",
        alt != "" ? "nnl " alt " | floor " alt " | nnl/floor " alt " " : ""
    printf "|---|---|---|---|---|---|---|---|---|---|---|---|%s---|---|\n", alt != "" ? "---|---|---|" : ""
    for (i = 1; i <= ncases; i++) {
        c = order[i]; split(c, hb, ":"); h = hb[1]; b = hb[2]
        params = 784 * h + h + h * h + h + h * 10 + 10
        n1 = median(c SUBSEP "nnl"); n2 = median(c SUBSEP "nnl2"); f1 = median(c SUBSEP "floor"); f2 = median(c SUBSEP "floor2")
        t1 = median(c SUBSEP "torch"); t2 = median(c SUBSEP "torch2")
        na = median(c SUBSEP "nnl_alt"); fa = median(c SUBSEP "floor_alt")
        rss = median(c SUBSEP "nnl" SUBSEP "rss")
        data = rows * 784 + rows * 10 * 4 + base * 1024   # the images as bytes, the one-hot targets, nnl itself
        altcells = alt != "" ? sprintf("%s | %s | %s | ", cell(na, "%.3f"), cell(fa, "%.3f"), cell(ratio(na, fa), "%.2f×")) : ""
        printf "| %d | %d | %d | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s%s | %s |\n", h, b, params,
            cell(n1, "%.3f"), cell(f1, "%.3f"), cell(ratio(n1, f1), "%.2f×"), cell(t1, "%.3f"), cell(ratio(t1, n1), "%.2f×"),
            cell(n2, "%.3f"), cell(ratio(n1, n2), "%.2f×"), cell(ratio(t1, t2), "%.2f×"), cell(f2, "%.3f"), altcells,
            cell(rss / 1024, "%.1f"), cell((rss * 1024 - data) / params, "%.1f")
        r1[c] = ratio(n1, f1); ra[c] = ratio(na, fa); tn[c] = ratio(t1, n1); s2[c] = ratio(n1, n2); st[c] = ratio(t1, t2)
        bpp[c] = (rss * 1024 - data) / params
    }
    print "\ntargets (issue #21)"
    verdict("batch 1 (H = 256): nnl within 2.5× the floor", "256:1", r1, 2.5, 1)
    verdict("batch 1 (H = 256): faster than PyTorch (torch/nnl above 1)", "256:1", tn, 1, 0)
    verdict("batch 8 (H = 256): nnl within 1.5× the floor", "256:8", r1, 1.5, 1)
    for (h = 256; h <= 2048; h *= 2)
        if ((h ":64") in seen && alt != "") verdict("batch 64 (H = " h "): nnl within 1.25× the floor, " alt " kernels", h ":64", ra, 1.25, 1)
    if ("1024:64" in seen && st["1024:64"] != "")
        printf "  two threads (H = 1024, batch 64): nnl %.2f× faster than with one, PyTorch %.2f×: %s\n", s2["1024:64"],
            st["1024:64"], (s2["1024:64"] >= st["1024:64"] ? "met" : "NOT MET")
    verdict("memory (H = 2048, batch 64): peak ≤ 24 bytes a parameter beyond the data", "2048:64", bpp, 24, 1)
}
# what: the target; c: the case; v: its figures; limit; below: 1 when the figure must be at most the limit, 0 above it
function verdict(what, c, v, limit, below) {
    if (!(c in seen) || v[c] == "") { printf "  %s: not measured\n", what; return }
    printf "  %s: %.2f: %s\n", what, v[c], (below ? v[c] <= limit : v[c] > limit) ? "met" : "NOT MET"
}' "$TSV"
