#!/bin/sh
# bench/run.sh — what `make bench` runs (never part of `make test`): the xor,
# digits and mnist workloads of bench/ in nnl, PyTorch and FANN, from the same
# starting weights, in the same row order, on one thread each; then a report
# (bench/report.awk) with training-loop time, whole-process time, samples/s,
# final loss, peak memory, nnl's ratio to each peer, the GEMM floor of mnist
# and the targets of issue #10; then the scaling table of bench/scaling.sh.
# See bench/README.md.
#
#   bench/run.sh            time everything: REPEAT rounds of every run (default 3), the medians
#   bench/run.sh --double   only check the losses in float64 (nnl's
#                           `precision double` against PyTorch in float64)
#
# Environment: BUILD (default build), CC (default cc), REPEAT.  Writes to
# $BUILD/bench/ (tools, weights, raw runs in runs.tsv, report.txt) and
# bench/data/ (digits16.csv; MNIST linked from examples/data/mnist, or 60,000
# seeded made-up digits of its shape when `make data` has not fetched it).
set -u
cd "$(dirname "$0")/.." || exit 1
BUILD=${BUILD:-build}
CC=${CC:-cc}
REPEAT=${REPEAT:-3}
PY=/usr/bin/python3
OUT=$BUILD/bench
NNL=$(pwd)/$BUILD/nnl
case $BUILD in /*) NNL=$BUILD/nnl ;; esac
MODE=${1:-time}
# one thread everywhere: OpenBLAS (nnl, the GEMM floor, PyTorch's BLAS) and OpenMP
export OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 MKL_NUM_THREADS=1
mkdir -p "$OUT" bench/data
FACTS=$OUT/facts
: > "$FACTS"
: > "$OUT/runs.tsv"
fact() { printf '%s\n' "$*" >> "$FACTS"; }
say() { printf 'bench: %s\n' "$*" >&2; }

[ -x "$NNL" ] || { say "no $NNL: run make first"; exit 1; }

# ---- tools ----------------------------------------------------------------
CFLAGS_BENCH="-std=c11 -D_POSIX_C_SOURCE=200809L -O2 -Wall -Wextra -Werror"
tool() {        # tool NAME LIBS...: bench/NAME.c -> $OUT/NAME
    name=$1; shift
    # shellcheck disable=SC2086
    $CC $CFLAGS_BENCH -o "$OUT/$name" "bench/$name.c" "$@"
}
if ! { tool runstat && tool gemm -lopenblas; }; then say "building the bench tools failed"; exit 1; fi
have_fann=""
if [ -f /usr/include/floatfann.h ]; then
    tool peer_fann -lfloatfann -lm && have_fann=yes
else
    fact "skip fann FANN is not installed (Debian: libfann-dev; bench/setup installs it)"
fi
have_torch=""
if [ -x $PY ] && $PY -c 'import torch, numpy' 2>/dev/null; then
    have_torch=yes
    fact "torch $($PY -c 'import torch; print(torch.__version__)')"
else
    fact "skip pytorch PyTorch is not installed (Debian: python3-torch; never installed by bench/setup or CI)"
fi

# ---- data -------------------------------------------------------------------
# digits scaled to 0..1: x/16 is exact in decimal and in float32
awk -F, 'NR == 1 { print; next } { for (i = 1; i < NF; i++) printf "%s,", $i / 16; print $NF }' \
    examples/data/digits.csv > bench/data/digits16.csv
mnist_src=examples/data/mnist
if [ -f $mnist_src/train-images-idx3-ubyte.gz ] && [ -f $mnist_src/train-labels-idx1-ubyte.gz ]; then
    for f in train-images-idx3-ubyte.gz train-labels-idx1-ubyte.gz; do
        rm -f "bench/data/$f"
        ln -s "../../$mnist_src/$f" "bench/data/$f"
    done
    fact "mnist_data MNIST's 60,000 training images (examples/data/mnist)"
else
    # the made-up digits of the tests (tests/tools/synth_idx.c, built by make bench)
    if [ -L bench/data/train-images-idx3-ubyte.gz ] || [ ! -f bench/data/train-images-idx3-ubyte.gz ]; then
        rm -f bench/data/train-images-idx3-ubyte.gz bench/data/train-labels-idx1-ubyte.gz
        say "MNIST is not there (make data fetches it): writing 60,000 made-up digits of its shape"
        "$BUILD/tools/synth_idx" digits bench/data 60000 1 || exit 1
        rm -f bench/data/t10k-*
    fi
    fact "mnist_data 60,000 made-up seven-segment digits of MNIST's shape (tests/tools/synth_idx.c, seeded; make data fetches MNIST)"
fi

# ---- starting weights ------------------------------------------------------
# nnl initialises each model from its script's init and seed; its parameters
# are printed (9 significant digits are exact for float32, 17 for float64)
# and handed to the peers.
layers_of() { case $1 in mnist) echo 3 ;; *) echo 2 ;; esac; }
dump_weights() {        # dump_weights NAME [double]
    name=$1 prec=${2:-}
    {
        [ -n "$prec" ] && printf 'precision double\nset precision 17\n'
        sed '/^train /,$d' "bench/$name.nnl"
        i=1
        while [ $i -le "$(layers_of "$name")" ]; do printf 'print full net.%d.W\nprint full net.%d.b\n' $i $i; i=$((i + 1)); done
    } | (cd bench && "$NNL") > "$OUT/$name$prec.weights" || { say "printing the weights of $name failed"; exit 1; }
}

# ---- float64 check ---------------------------------------------------------
if [ "$MODE" = --double ]; then
    [ -n "$have_torch" ] || { say "the float64 check needs PyTorch (python3-torch)"; exit 1; }
    for name in xor digits mnist; do
        dump_weights $name double
        say "$name in float64: nnl and PyTorch"
        nnl_loss=$({ echo 'precision double'; cat "bench/$name.nnl"; } | (cd bench && "$NNL") | awk '/^epoch / { l = $NF } END { print l }')
        torch_loss=$($PY bench/peer_torch.py "$name" "$OUT/${name}double.weights" bench/data double | awk '$1 == "loss" { print $2 }')
        awk -v n="$name" -v a="$nnl_loss" -v b="$torch_loss" 'BEGIN {
            d = (a - b) / b; if (d < 0) d = -d
            printf "%-7s float64: nnl %s, pytorch %s: %s (relative difference %.1e)\n", n, a, b,
                   d <= 1e-5 ? "agree" : "DIFFER", d; exit d > 1e-5 }' || status=1
    done
    exit "${status:-0}"
fi

# ---- runs -------------------------------------------------------------------
# measure WORKLOAD IMPL CMD...: one run under runstat, one line in runs.tsv:
# workload, implementation, training s, process s, peak KiB, final loss
measure() {
    w=$1 impl=$2
    shift 2
    say "$w: $impl"
    if ! "$OUT/runstat" "$OUT/rs" "$@" > "$OUT/stdout" 2> "$OUT/stderr"; then
        say "$impl on $w failed:"; cat "$OUT/stderr" >&2; return 1
    fi
    case $impl in
    nnl*) train=$(awk '/^time: .* train [0-9.]+ ms$/ { print $(NF - 1) / 1000 }' "$OUT/stderr")
          loss=$(awk '/^epoch / { l = $NF } END { print l }' "$OUT/stdout") ;;
    *)    train=$(awk '$1 == "train_s" { print $2 }' "$OUT/stdout")
          loss=$(awk '$1 == "loss" { print $2 }' "$OUT/stdout") ;;
    esac
    read -r wall rss < "$OUT/rs"
    printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$w" "$impl" "$train" "$wall" "$rss" "$loss" >> "$OUT/runs.tsv"
}

fact "date $(date '+%Y-%m-%d %H:%M %Z')"
fact "cpu $(grep -m1 '^model name' /proc/cpuinfo | sed 's/.*: //') (family $(grep -m1 '^cpu family' /proc/cpuinfo | sed 's/.*: //'), model $(grep -m1 '^model' /proc/cpuinfo | grep -v name | sed 's/.*: //'))"
fact "cores $(getconf _NPROCESSORS_ONLN)"     # not nproc: it obeys OMP_NUM_THREADS
fact "memory $(awk '/^MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)"
fact "core $(OPENBLAS_VERBOSE=2 "$OUT/gemm" 64 64 2>&1 | sed -n 's/^Core: //p')"
fact "load_before $(cut -d' ' -f1-3 /proc/loadavg)"
fact "repeat $REPEAT"

for name in xor digits mnist; do dump_weights $name; done
# REPEAT rounds, each running every implementation of every workload once (and
# the GEMM floor with mnist), so that a change in the machine's load touches
# all of them alike
round=1
while [ $round -le "$REPEAT" ]; do
    say "round $round of $REPEAT"
    for name in xor digits mnist; do
        measure $name nnl "$NNL" --time "bench/$name.nnl" || exit 1
        if [ -n "$have_torch" ]; then
            measure $name pytorch $PY bench/peer_torch.py $name "$OUT/$name.weights" bench/data || exit 1
            if [ $name = digits ]; then
                measure $name "pytorch (torch.optim.Adam)" $PY bench/peer_torch.py $name "$OUT/$name.weights" bench/data stock-adam || exit 1
            fi
        fi
        if [ -n "$have_fann" ] && [ $name != mnist ]; then
            measure $name fann "$OUT/peer_fann" $name "$OUT/$name.weights" bench/data/digits16.csv || exit 1
        fi
    done
    say "mnist: the same products with cblas_sgemm alone"
    "$OUT/gemm" >> "$FACTS" || exit 1
    round=$((round + 1))
done

# why FANN's xor loss differs: nnl's formulas with and without FANN's clipping
if command -v python3 > /dev/null; then
    python3 bench/xor_formulas.py "$OUT/xor.weights" | sed 's/^/formula_/' >> "$FACTS"
fi

# the GEMM floor of mnist and both programs with the BLAS kernels of this
# CPU's instruction set, which OpenBLAS 0.3.21 does not pick by itself
alt=""
grep -q ' avx512f' /proc/cpuinfo && alt=SkylakeX
[ -z "$alt" ] && grep -q ' avx2' /proc/cpuinfo && alt=Haswell
if [ -n "$alt" ] && ! grep -q "^core $alt\$" "$FACTS"; then
    fact "alt_core $alt"
    say "mnist with OPENBLAS_CORETYPE=$alt"
    OPENBLAS_CORETYPE=$alt "$OUT/gemm" | sed 's/^/alt_/' >> "$FACTS"
    measure mnist "nnl, OPENBLAS_CORETYPE=$alt" env OPENBLAS_CORETYPE=$alt "$NNL" --time bench/mnist.nnl || exit 1
    if [ -n "$have_torch" ]; then
        measure mnist "pytorch, OPENBLAS_CORETYPE=$alt" env OPENBLAS_CORETYPE=$alt \
            $PY bench/peer_torch.py mnist "$OUT/mnist.weights" bench/data || exit 1
    fi
fi

# nnl examples/xor.nnl from start to exit, and what it is made of: the
# median of 11 runs of each
median11() {    # median11 FIELD CMD...: the median of field FIELD of runstat (1 wall, 2 peak) or, with
                # FIELD train, of the train statement's --time
    field=$1; shift
    i=0
    : > "$OUT/samples"
    while [ $i -lt 11 ]; do
        "$OUT/runstat" "$OUT/rs" "$@" > /dev/null 2> "$OUT/stderr" || { say "$* failed"; cat "$OUT/stderr" >&2; exit 1; }
        if [ "$field" = train ]; then awk '/^time: .* train [0-9.]+ ms$/ { print $(NF - 1) / 1000 }' "$OUT/stderr" >> "$OUT/samples"
        else cut -d' ' -f"$field" "$OUT/rs" >> "$OUT/samples"; fi
        i=$((i + 1))
    done
    sort -n "$OUT/samples" | sed -n 6p
}
say "examples/xor.nnl start to exit, and starting nnl on an empty script (11 runs each)"
fact "xor_example_s $(median11 1 "$NNL" examples/xor.nnl)"
fact "xor_example_train_s $(median11 train "$NNL" --time examples/xor.nnl)"
fact "empty_script_s $(median11 1 "$NNL" /dev/null)"
fact "blas_start_s $(median11 1 "$OUT/gemm" --start-only)"
# steady-state allocation: tests/unit/test_replay.c counts arena allocations
# per replayed step and per whole train statement (60 epochs against 20)
if [ -x "$BUILD/tests/test_replay" ]; then
    NNL="$NNL" "$BUILD/tests/test_replay" > "$OUT/test_replay.out" 2>&1
    fact "alloc_checks $(grep -c '^PASS .*allocate' "$OUT/test_replay.out") $(grep -c '^FAIL .*allocate' "$OUT/test_replay.out")"
fi
fact "load_after $(cut -d' ' -f1-3 /proc/loadavg)"

awk -f bench/report.awk "$FACTS" "$OUT/runs.tsv" | tee "$OUT/report.txt"

# the scaling table: 784-H-H-10 at several widths and batch sizes, one thread
# and two, beside the GEMM floor and PyTorch, and memory per parameter
BUILD=$BUILD REPEAT=$REPEAT bench/scaling.sh | tee -a "$OUT/report.txt"
