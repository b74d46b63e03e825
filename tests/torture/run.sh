#!/usr/bin/env bash
# The torture suite: nnl under hostile conditions — low memory (ulimit -v),
# a small stack (ulimit -s), a full disk (a small tmpfs, when this user may
# mount one), Ctrl-C at seeded random points of training, loading and
# saving, pipes and device files as inputs, racing saves, and inputs whose
# work must grow linearly.  Each case checks the exit status, the message,
# and that no file was lost or half-written (a target is its old bytes or
# its new ones, no temporary file is left).  One "PASS what", "FAIL what:
# why" or "SKIP why" line per check (tests/run.sh counts them).
#   usage: NNL=build/nnl tests/torture/run.sh [quick|long]
# quick (make test): a few seconds; long (make torture): larger inputs and
# more signal points.  Never writes to a real device node: the devices
# written to are made in a temporary folder.
set -u
NNL=${NNL:-build/nnl}
MODE=${1:-quick}
SEED=${TORTURE_SEED:-20}
RANDOM=$SEED
tmp=$(mktemp -d)
mounted=""
trap '[ -n "$mounted" ] && umount "$mounted" 2> /dev/null; rm -rf "$tmp"' EXIT
failures=0
check() { if [ "$1" = 0 ]; then echo "PASS $2"; else echo "FAIL $2: ${3:-}"; failures=$((failures + 1)); fi; }
first() { head -c 300 "$1" | tr '\n' ' '; }
long() { [ "$MODE" = long ]; }
# ASan reserves terabytes of address space: ulimit -v cannot apply to it
sanitized=false
if ldd "$NNL" 2> /dev/null | grep -q 'libasan\|libubsan'; then sanitized=true; fi
# --foreground: otherwise timeout makes a process group of its own and passes
# a SIGINT it is sent both to nnl and to that group, so nnl gets two at once
# (a second Ctrl-C ends nnl before it can say anything)
T="timeout --foreground -k 5 60"

# a model to save and load: W is 1 MiB of float32 per 512 units squared
model_script() {   # model_script UNITS SEED PATH
    cat <<NNL
model net { input $1; dense $1 relu; dense 2; }
seed $2
save net "$3"
print "saved"
NNL
}
no_temporaries() { ! ls -a "$1" | grep -q '^\.nnl-'; }

# ---- 1. work that must stay linear: doubling the input doubles the steps --
# NNL_COUNT_STEPS=1 prints the steps of the scans that used to be quadratic
# (base/budget.h); a quadratic path would quadruple them.
steps() { NNL_COUNT_STEPS=1 $T "$@" 2>&1 >/dev/null | sed -n 's/^steps: //p' | tail -1; }
linear() {   # linear WHAT STEPS_AT_N STEPS_AT_2N
    local a=${2:-0} b=${3:-0}
    [ "$a" -gt 100 ] && [ $((b * 10)) -le $((a * 25)) ]
    check $? "$1: steps grow linearly (n: $a, 2n: $b)" "a quadratic path quadruples them"
}
n=$(long && echo 200000 || echo 20000)
for k in $n $((2 * n)); do
    awk -v n=$k 'BEGIN { for (i = 0; i < n; i++) printf "c%d,", i; print "y";
                         for (r = 0; r < 2; r++) { for (i = 0; i < n; i++) printf "1,"; print r } }' > "$tmp/wide$k.csv"
    echo "d = csv(\"$tmp/wide$k.csv\", target=\"y\")" > "$tmp/wide$k.nnl"
done
linear "a CSV of $n and $((2 * n)) columns" "$(steps "$NNL" "$tmp/wide$n.nnl")" "$(steps "$NNL" "$tmp/wide$((2 * n)).nnl")"
n=$(long && echo 80000 || echo 5000)
for k in $n $((2 * n)); do
    { echo "x = ["; for ((i = 0; i < k; i++)); do echo "  $((i % 7)),"; done; echo "  0]"; echo "print sum(x)"; } > "$tmp/block$k.nnl"
    for ((i = 0; i < k / 4; i++)); do echo "print nosuch$((i % 3))"; done > "$tmp/errors$k.nnl"
    for ((i = 0; i < k / 4; i++)); do echo 'warn("careful")'; done > "$tmp/warnings$k.nnl"
done
linear "a $n-line block piped to the REPL" "$(steps "$NNL" < "$tmp/block$n.nnl")" "$(steps "$NNL" < "$tmp/block$((2 * n)).nnl")"
linear "$((n / 4)) erroring lines piped to the REPL" "$(steps "$NNL" < "$tmp/errors$n.nnl")" "$(steps "$NNL" < "$tmp/errors$((2 * n)).nnl")"
linear "$((n / 4)) warnings piped to the REPL" "$(steps "$NNL" < "$tmp/warnings$n.nnl")" "$(steps "$NNL" < "$tmp/warnings$((2 * n)).nnl")"

# ---- 2. low memory: OpenBLAS's buffers do not fit -------------------------
cat > "$tmp/product.nnl" <<'NNL'
a = ones([200, 200])
print sum(a @ a)
NNL
# pretended (both builds): the address space left is 100 MiB
NNL_BLAS_ROOM_MIB=100 $T "$NNL" "$tmp/product.nnl" > "$tmp/out" 2>&1; rc=$?
[ $rc -eq 0 ] && grep -q "no room for a BLAS library" "$tmp/out" && grep -qx 8000000 "$tmp/out"
check $? "no room for OpenBLAS: nnl's own loops, with a warning" "rc $rc: $(first "$tmp/out")"
if $sanitized; then
    echo "SKIP a 200x200 product under ulimit -v: ASan reserves more address space than any such limit"
else
    for kb in $(long && echo 150000 200000 250000 300000 || echo 250000); do
        for threads in "" 2; do
            (ulimit -v $kb && exec env ${threads:+OPENBLAS_NUM_THREADS=$threads} timeout -k 5 30 "$NNL" "$tmp/product.nnl") \
                > "$tmp/out" 2>&1; rc=$?
            [ $rc -eq 0 ] && grep -qx 8000000 "$tmp/out"
            check $? "a 200x200 product under ulimit -v $kb${threads:+ with $threads OpenBLAS threads}: done, not spinning" \
                "rc $rc (124: killed after 30 s): $(first "$tmp/out")"
        done
    done
fi

# ---- 3. a small stack: deep brackets piped to the REPL --------------------
{ e=1; for i in $(seq 3000); do e="($e"; done; echo "print $e$(printf ')%.0s' $(seq 3000))"; } > "$tmp/deep.nnl"
for kb in 256 128; do
    (ulimit -s $kb 2> /dev/null && exec timeout -k 5 60 "$NNL") < "$tmp/deep.nnl" > "$tmp/out" 2>&1; rc=$?
    { [ $rc -eq 0 ] && grep -qx 1 "$tmp/out"; } || { [ $rc -eq 1 ] && grep -q "nested too deeply" "$tmp/out"; }
    check $? "3000 nested brackets piped under ulimit -s $kb: the answer or 'nested too deeply'" "rc $rc: $(first "$tmp/out")"
done

# ---- 4. Ctrl-C --------------------------------------------------------------
# waits until FILE has PATTERN (the process got that far), at most 30 s
wait_for() { for _ in $(seq 300); do grep -q "$2" "$1" 2> /dev/null && return 0; sleep 0.1; done; return 1; }
cat > "$tmp/train.nnl" <<NNL
data xor {
  [0, 0] -> [0]
  [0, 1] -> [1]
  [1, 0] -> [1]
  [1, 1] -> [0]
}
model net { input 2; dense 8 tanh; dense 1 sigmoid; }
loss mse
optimizer sgd(lr=0.1)
seed 1
train net on xor epochs 100000000 batch 1
save net "$tmp/trained.nnlm"
NNL
# training, as a script and piped to the REPL: stopped, told, exit 130, nothing after it runs
for how in script piped; do
    rm -f "$tmp/trained.nnlm"
    if [ $how = script ]; then $T "$NNL" "$tmp/train.nnl" > "$tmp/out" 2>&1 & pid=$!
    else $T "$NNL" < "$tmp/train.nnl" > "$tmp/out" 2>&1 & pid=$!; fi
    wait_for "$tmp/out" "^epoch"; sleep 0.$((RANDOM % 5)); kill -INT $pid; wait $pid; rc=$?
    [ $rc -eq 130 ] && grep -q "interrupted: training stopped" "$tmp/out" && [ ! -e "$tmp/trained.nnlm" ]
    check $? "Ctrl-C during train ($how): exit 130, said, the statements after it do not run" "rc $rc: $(first "$tmp/out")"
done
# sanity overfit for a hundred million epochs
# (the signal only once the run has begun: a fixed sleep let a slow sanitizer
# build be killed before its handler was installed, saying nothing)
sed 's/^train .*/print "started"\nsanity overfit net on xor epochs 100000000/; s/lr=0.1/lr=0.0000001/' "$tmp/train.nnl" > "$tmp/overfit.nnl"
$T "$NNL" "$tmp/overfit.nnl" > "$tmp/out" 2>&1 & pid=$!
wait_for "$tmp/out" "^started"; sleep 0.5; kill -INT $pid; wait $pid; rc=$?
[ $rc -eq 130 ] && grep -q "error: interrupted (Ctrl-C)" "$tmp/out" && [ ! -e "$tmp/trained.nnlm" ]
check $? "Ctrl-C during sanity overfit: exit 130, said" "rc $rc: $(first "$tmp/out")"
# Graphviz laying out the ops of a 600-layer pass (13 s here): Ctrl-C
# kills its process at once; no picture is written and no process is left
if "$NNL" --version | grep -q '^Graphviz:'; then
    { printf 'data d {\n  [0, 1] -> [1]\n}\nmodel net {\n  input 2\n'
      for _ in $(seq 600); do printf '  dense 4 relu\n'; done
      printf '  dense 1 sigmoid\n}\nloss mse\nforward net on d\nbackward net on d\n'
      printf 'graph pass ops to "%s"\n' "$tmp/layers600.svg"; } > "$tmp/layers600.nnl"
    $T "$NNL" "$tmp/layers600.nnl" > "$tmp/out" 2>&1 & pid=$!
    # (the signal once Graphviz's process runs: a third process with the
    # script's name, after timeout and nnl; stdout to a file is not flushed)
    for _ in $(seq 600); do [ "$(pgrep -f "$tmp/layers600.nnl" | wc -l)" -ge 3 ] && break; sleep 0.1; done
    sleep 0.5; kill -INT $pid; wait $pid; rc=$?
    [ $rc -eq 130 ] && grep -q "error: interrupted (Ctrl-C)" "$tmp/out" && [ ! -e "$tmp/layers600.svg" ] &&
        ! pgrep -f "$tmp/layers600.nnl" > /dev/null
    check $? "Ctrl-C while Graphviz lays a graph out: exit 130, said, no picture, its process gone" "rc $rc: $(first "$tmp/out")"
else
    echo "SKIP Ctrl-C while Graphviz lays a graph out: nnl has no Graphviz"
fi
# the check pass, held reading a FIFO: exit 130, the run never starts
mkfifo "$tmp/fifo.csv"
printf 'd = csv("%s", target="y")\nprint "ran"\n' "$tmp/fifo.csv" > "$tmp/held.nnl"
$T "$NNL" "$tmp/held.nnl" > "$tmp/out" 2>&1 & pid=$!
# (the signal once nnl holds the FIFO open, i.e. is in the check pass's csv())
# ($pid is timeout's: look for the FIFO among every process's files)
for _ in $(seq 300); do ls -l /proc/[0-9]*/fd/ 2> /dev/null | grep -q "$tmp/fifo.csv" && break; sleep 0.1; done
kill -INT $pid; wait $pid; rc=$?
[ $rc -eq 130 ] && ! grep -q "^ran" "$tmp/out" && grep -q "interrupted (Ctrl-C)" "$tmp/out"
check $? "Ctrl-C during the check pass: exit 130, nothing runs" "rc $rc: $(first "$tmp/out")"
rm -f "$tmp/fifo.csv"
# a long csv() load, at seeded random points: 130 and said, or done (0)
rows=$(long && echo 3000000 || echo 400000)
awk -v n=$rows 'BEGIN { print "a,b,y"; for (i = 0; i < n; i++) print i % 97 "," i % 13 "," i % 2 }' > "$tmp/big.csv"
printf 'd = csv("%s", target="y")\nprint "loaded"\n' "$tmp/big.csv" > "$tmp/load.nnl"
for i in $(seq $(long && echo 8 || echo 2)); do
    delay=0.$((RANDOM % 6))$((RANDOM % 10))
    $T "$NNL" "$tmp/load.nnl" > "$tmp/out" 2>&1 & pid=$!
    sleep "$delay"; kill -INT $pid 2> /dev/null; wait $pid; rc=$?
    # (130 with nothing said: the signal came before nnl had started)
    { [ $rc -eq 130 ] && { grep -q "interrupted (Ctrl-C)" "$tmp/out" || [ ! -s "$tmp/out" ]; } &&
        ! grep -q "^loaded" "$tmp/out"; } ||
        { [ $rc -eq 0 ] && grep -q "^loaded" "$tmp/out"; }
    check $? "Ctrl-C at ${delay} s of a $rows-row csv(): exit 130 and said, or loaded" "rc $rc: $(first "$tmp/out")"
done
# saving over an existing model, at seeded random points: the old bytes or the new, no temporary left
units=$(long && echo 1500 || echo 700)
mkdir -p "$tmp/saves"
model_script $units 1 "$tmp/saves/old.nnlm" > "$tmp/s1.nnl"; $T "$NNL" "$tmp/s1.nnl" > "$tmp/out" 2>&1
model_script $units 2 "$tmp/saves/new.nnlm" > "$tmp/s2.nnl"; $T "$NNL" "$tmp/s2.nnl" > "$tmp/out" 2>&1
model_script $units 2 "$tmp/saves/m.nnlm" > "$tmp/save.nnl"
for i in $(seq $(long && echo 8 || echo 3)); do
    cp "$tmp/saves/old.nnlm" "$tmp/saves/m.nnlm"
    delay=0.$((RANDOM % 8))$((RANDOM % 10))
    $T "$NNL" "$tmp/save.nnl" > "$tmp/out" 2>&1 & pid=$!
    sleep "$delay"; kill -INT $pid 2> /dev/null; wait $pid; rc=$?
    { [ $rc -eq 130 ] || [ $rc -eq 0 ]; } && no_temporaries "$tmp/saves" &&
        { cmp -s "$tmp/saves/m.nnlm" "$tmp/saves/old.nnlm" || cmp -s "$tmp/saves/m.nnlm" "$tmp/saves/new.nnlm"; }
    check $? "Ctrl-C at ${delay} s of a save: the old model or the new, whole, no temporary file" \
        "rc $rc: $(ls -a "$tmp/saves" | tr '\n' ' ') $(first "$tmp/out")"
done
# a second Ctrl-C ends the process at once, and removes the half-written file
for i in $(seq $(long && echo 4 || echo 1)); do
    cp "$tmp/saves/old.nnlm" "$tmp/saves/m.nnlm"
    delay=0.$((RANDOM % 8))$((RANDOM % 10))
    $T "$NNL" "$tmp/save.nnl" > "$tmp/out" 2>&1 & pid=$!
    sleep "$delay"; kill -INT $pid 2> /dev/null; kill -INT $pid 2> /dev/null; wait $pid; rc=$?
    { [ $rc -eq 130 ] || [ $rc -eq 0 ]; } && no_temporaries "$tmp/saves" &&
        { cmp -s "$tmp/saves/m.nnlm" "$tmp/saves/old.nnlm" || cmp -s "$tmp/saves/m.nnlm" "$tmp/saves/new.nnlm"; }
    check $? "two Ctrl-C at ${delay} s of a save: ended, the old model or the new, no temporary file" \
        "rc $rc: $(ls -a "$tmp/saves" | tr '\n' ' ') $(first "$tmp/out")"
done

# ---- 5. racing saves: whichever wins, the file is one whole model ---------
for round in $(seq $(long && echo 5 || echo 2)); do
    cp "$tmp/saves/old.nnlm" "$tmp/saves/m.nnlm"
    pids=""
    for s in 1 2 1 2; do
        model_script $units $s "$tmp/saves/m.nnlm" > "$tmp/race$s.nnl"
        $T "$NNL" "$tmp/race$s.nnl" > "$tmp/race.out.$s.$RANDOM" 2>&1 & pids="$pids $!"
    done
    bad=0
    for p in $pids; do wait $p || bad=1; done
    [ $bad -eq 0 ] && no_temporaries "$tmp/saves" &&
        { cmp -s "$tmp/saves/m.nnlm" "$tmp/saves/old.nnlm" || cmp -s "$tmp/saves/m.nnlm" "$tmp/saves/new.nnlm"; }
    check $? "four saves racing to one file (round $round): every one ends well, the file is one whole model" \
        "$(ls -a "$tmp/saves" | tr '\n' ' ')"
done

# ---- 6. a full disk: a 1 MiB tmpfs ----------------------------------------
mkdir -p "$tmp/small"
if mount -t tmpfs -o size=1m tmpfs "$tmp/small" 2> /dev/null; then
    mounted="$tmp/small"
    model_script 64 1 "$tmp/small/m.nnlm" > "$tmp/fit.nnl"
    $T "$NNL" "$tmp/fit.nnl" > "$tmp/out" 2>&1; cp "$tmp/small/m.nnlm" "$tmp/fits.nnlm"
    model_script $units 2 "$tmp/small/m.nnlm" > "$tmp/full.nnl"
    $T "$NNL" "$tmp/full.nnl" > "$tmp/out" 2>&1; rc=$?
    [ $rc -eq 1 ] && grep -q "No space left on device" "$tmp/out" && cmp -s "$tmp/small/m.nnlm" "$tmp/fits.nnlm" &&
        no_temporaries "$tmp/small"
    check $? "a save that fills the disk: an error, the old model kept, no temporary file" "rc $rc: $(first "$tmp/out")"
    umount "$tmp/small"; mounted=""
else
    echo "SKIP a full disk: mounting a tmpfs needs root (or CAP_SYS_ADMIN)"
fi

# ---- 7. pipes and device files as inputs ----------------------------------
printf 'x = [1, 2, 3]\nprint sum(x)\n' > "$tmp/small.nnl"
mkfifo "$tmp/script.fifo"
cat "$tmp/small.nnl" > "$tmp/script.fifo" &
$T "$NNL" "$tmp/script.fifo" > "$tmp/out" 2>&1; rc=$?
[ $rc -eq 0 ] && grep -qx 6 "$tmp/out"
check $? "a script from a FIFO" "rc $rc: $(first "$tmp/out")"
$T "$NNL" /dev/stdin < "$tmp/small.nnl" > "$tmp/out" 2>&1; rc=$?
[ $rc -eq 0 ] && grep -qx 6 "$tmp/out"
check $? "a script from /dev/stdin" "rc $rc: $(first "$tmp/out")"
printf 'a,y\n1,0\n2,1\n' > "$tmp/tiny.csv"
mkfifo "$tmp/data.fifo"
cat "$tmp/tiny.csv" > "$tmp/data.fifo" &
printf 'd = csv("%s", target="y")\nprint d\n' "$tmp/data.fifo" > "$tmp/fifo.nnl"
$T "$NNL" "$tmp/fifo.nnl" > "$tmp/out" 2>&1; rc=$?
[ $rc -eq 0 ] && grep -q "2 rows" "$tmp/out"
check $? "csv() from a FIFO, read once for the check and the run" "rc $rc: $(first "$tmp/out")"
printf 'd = csv("/dev/null", target=-1)\n' > "$tmp/null.nnl"
$T "$NNL" "$tmp/null.nnl" > "$tmp/out" 2>&1; rc=$?
[ $rc -eq 1 ] && grep -q "empty" "$tmp/out"
check $? "csv() of /dev/null (read, never written): the file is empty" "rc $rc: $(first "$tmp/out")"
printf 'model net { input 2; dense 1; }\nload net "/dev/zero"\n' > "$tmp/zero.nnl"
$T "$NNL" "$tmp/zero.nnl" > "$tmp/out" 2>&1; rc=$?
[ $rc -eq 1 ] && grep -q "/dev/zero" "$tmp/out"
check $? "load of /dev/zero: an error naming it, at once" "rc $rc: $(first "$tmp/out")"
if mknod -m 666 "$tmp/null" c 1 3 2> /dev/null; then
    printf 'model net { input 2; dense 1; }\nsave net "%s"\n' "$tmp/null" > "$tmp/dev.nnl"
    $T "$NNL" "$tmp/dev.nnl" > "$tmp/out" 2>&1; rc=$?
    [ $rc -eq 1 ] && [ -c "$tmp/null" ] && grep -q "not a regular file" "$tmp/out"
    check $? "save to a device node (our own, never /dev/null): refused, still a device" "rc $rc: $(first "$tmp/out")"
else
    echo "SKIP save to a device node: making one needs root"
fi
[ $failures -eq 0 ]
