#!/usr/bin/env bash
# Runs every test: C unit tests, golden outputs of the examples, error
# messages of bad scripts, PyTorch reference values, and a bounded fuzz run.
# Ends with the line "N passed, N failed".
set -u
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
export NNL=$BUILD/nnl
passed=0
failed=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

skipped=0
ok()   { passed=$((passed + 1)); [ -n "${VERBOSE:-}" ] && echo "ok   $1"; return 0; }
# a test that needs a tool this machine lacks: counted apart, never as passed
skip() { skipped=$((skipped + 1)); echo "SKIP $1"; return 0; }
# The results of a checker that prints one "PASS what", "FAIL what: why" or
# "SKIP why" line per check: each counted under LABEL; a checker that ran no
# check, or exited non-zero without saying which check failed, fails too.
checks() {   # checks LABEL FILE EXIT_STATUS
    local label=$1 file=$2 rc=$3 line
    while IFS= read -r line; do
        case "$line" in
            "PASS "*) ok "$label: ${line#PASS }" ;;
            "FAIL "*) fail "$label: ${line#FAIL }" ;;
            "SKIP "*) skip "$label: ${line#SKIP }" ;;
        esac
    done < "$file"
    grep -q '^PASS \|^SKIP ' "$file" || fail "$label: ran no check" "$file"
    if [ "$rc" -ne 0 ] && ! grep -q '^FAIL ' "$file"; then fail "$label: exited with $rc" "$file"; fi
}
fail() { failed=$((failed + 1)); echo "FAIL $1"; [ -n "${2:-}" ] && sed 's/^/     /' "$2" | head -40; return 0; }

# OpenBLAS picks its kernels for the CPU it runs on, and kernels add a
# product's terms in different orders, so the last digit of a golden output
# would depend on the machine.  The tests pin the generic x86-64 kernels
# (every x86-64 CPU runs them; the goldens were made with them).
export OPENBLAS_CORETYPE=Prescott

# examples/mnist.nnl and examples/fashion.nnl read the folders NNL_MNIST and
# NNL_FASHION name: here a few hundred made-up images in the real sets' format
# (tests/tools/synth_idx.c), so their golden outputs do not need `make data`
for set in mnist:digits fashion:fashion; do
    mkdir -p "$tmp/${set%%:*}"
    "$BUILD/tools/synth_idx" "${set#*:}" "$tmp/${set%%:*}" 600 200 || fail "synth_idx ${set#*:}"
done
export NNL_MNIST=$tmp/mnist NNL_FASHION=$tmp/fashion

# 1. C unit tests: one PASS/FAIL line per check
for t in "$BUILD"/tests/*; do
    [ -x "$t" ] || continue
    name=$(basename "$t")
    "$t" > "$tmp/unit.out" 2>&1
    rc=$?
    p=$(grep -c '^PASS ' "$tmp/unit.out"); f=$(grep -c '^FAIL ' "$tmp/unit.out")
    passed=$((passed + p)); failed=$((failed + f)); skipped=$((skipped + $(grep -c '^SKIP ' "$tmp/unit.out")))
    grep '^SKIP ' "$tmp/unit.out" | sed "s/^SKIP /SKIP $name: /"
    grep '^FAIL ' "$tmp/unit.out" | sed "s/^/$name: /"
    if [ $rc -ne 0 ] && [ "$f" -eq 0 ]; then fail "$name exited with $rc" "$tmp/unit.out"; fi
done

# the update's second thread is not used when the user asks for one
"$BUILD/tests/test_lanes" 1 > "$tmp/unit.out" 2>&1; checks "test_lanes with OPENBLAS_NUM_THREADS=1" "$tmp/unit.out" $?

# a replayed step is bit-identical to the interpreted one with whatever
# kernels OpenBLAS picks for this CPU, not only the pinned generic ones
env -u OPENBLAS_CORETYPE "$BUILD/tests/test_replay" > "$tmp/unit.out" 2>&1
if [ $? -eq 0 ] && ! grep -q '^FAIL ' "$tmp/unit.out"; then ok "test_replay with this CPU's OpenBLAS kernels"
else fail "test_replay with this CPU's OpenBLAS kernels" "$tmp/unit.out"; fi

# 2. golden tests: each example (and each tests/golden/*.nnl) against its expected output
for src in examples/*.nnl tests/golden/*.nnl; do
    [ -f "$src" ] || continue
    expected=tests/golden/$(basename "${src%.nnl}").out
    if [ ! -f "$expected" ]; then fail "$src: no expected output $expected"; continue; fi
    "$NNL" "$src" > "$tmp/out" 2>&1
    echo "exit $?" >> "$tmp/out"
    if diff -u "$expected" "$tmp/out" > "$tmp/diff"; then ok "$src"; else fail "$src" "$tmp/diff"; fi
    # training steps replayed from their recording and an optimizer run as a
    # fused loop must not change a digit: the same script, all interpreted
    if grep -q '^ *train ' "$src"; then
        "$NNL" --interpret "$src" > "$tmp/out" 2>&1
        echo "exit $?" >> "$tmp/out"
        if diff -u "$expected" "$tmp/out" > "$tmp/diff"; then ok "$src --interpret"; else fail "$src --interpret" "$tmp/diff"; fi
    fi
done

# BLAS is loaded at the first large product, and its absence only costs
# speed: with no library to load, large_product's products run on nnl's own
# loops (same digits, whole numbers), one warning says so, and a run without
# a large product (xor) never tries to load one
NNL_BLAS=/nonexistent/libcblas.so "$NNL" tests/golden/large_product.nnl > "$tmp/out" 2> "$tmp/stderr"
echo "exit $?" >> "$tmp/out"
if diff -u tests/golden/large_product.out "$tmp/out" > "$tmp/diff" &&
   diff -u tests/golden/large_product_noblas.err "$tmp/stderr" > "$tmp/diff"
then ok "large products without a BLAS library"; else fail "large products without a BLAS library" "$tmp/diff"; fi
NNL_BLAS=/nonexistent/libcblas.so "$NNL" examples/xor.nnl > /dev/null 2> "$tmp/stderr"; st=$?
if [ $st -eq 0 ] && [ ! -s "$tmp/stderr" ]; then ok "xor does not load BLAS"; else fail "xor does not load BLAS" "$tmp/stderr"; fi
# nor does a small classifier's training whose batches stay on nnl's loops,
# though its initial-loss check reads 1024 rows (train.c's check_slice)
sed -e "s|\"data/digits.csv\"|\"$(pwd)/examples/data/digits.csv\"|" -e 's/^evaluate .*/print validation/' examples/digits.nnl > "$tmp/digits_train.nnl"
NNL_BLAS=/nonexistent/libcblas.so "$NNL" "$tmp/digits_train.nnl" > "$tmp/out" 2> "$tmp/stderr"; st=$?
if [ $st -eq 0 ] && [ ! -s "$tmp/stderr" ] && grep -q 'initial loss .* over 1024 rows' "$tmp/out"; then ok "digits' training does not load BLAS"
else fail "digits' training does not load BLAS" "$tmp/stderr"; fi

# xor must actually learn XOR, whatever the golden file says
if "$NNL" examples/xor.nnl > "$tmp/xor" 2>&1 && awk '/^loss = / { loss = $3 } /^accuracy = / { acc = $3 }
        END { exit !(loss != "" && loss < 0.01 && acc == 1) }' "$tmp/xor"; then ok "xor learns (loss < 0.01, accuracy 1)"
else fail "xor learns (loss < 0.01, accuracy 1)" "$tmp/xor"; fi

# one layer must fail at XOR (loss log 2) and two layers must learn it
if "$NNL" examples/xor_one_layer_fails.nnl > "$tmp/xor1" 2>&1 && awk '/^loss = / { loss[++n] = $3 } /^accuracy = / { acc[++m] = $3 }
        END { exit !(n == 2 && loss[1] > 0.69 && acc[1] < 1 && loss[2] < 0.01 && acc[2] == 1) }' "$tmp/xor1"
then ok "one layer cannot learn xor, two can"
else fail "one layer cannot learn xor, two can" "$tmp/xor1"; fi

# without their data, mnist.nnl and fashion.nnl stop before anything runs and
# say how to get it
for ex in mnist fashion; do
    NNL_MNIST=$tmp/nowhere NNL_FASHION=$tmp/nowhere "$NNL" examples/$ex.nnl > "$tmp/stdout" 2> "$tmp/stderr"
    echo "exit $?" >> "$tmp/stderr"
    cat "$tmp/stdout" >> "$tmp/stderr"
    if diff -u "tests/golden/${ex}_missing.err" "$tmp/stderr" > "$tmp/diff"; then ok "$ex.nnl without its data"
    else fail "$ex.nnl without its data" "$tmp/diff"; fi
done

# predict ... to FILE: tests/predict/NAME.nnl runs in a scratch folder (with
# the fixture fruit.csv); its output must be NAME.out, every file it writes
# must equal tests/predict/FILE, and no other file (no temporary one) is left
for src in tests/predict/*.nnl; do
    rm -rf "$tmp/predict"; mkdir -p "$tmp/predict"
    cp "$src" tests/data/fruit.csv "$tmp/predict/"
    (cd "$tmp/predict" && "$OLDPWD/$NNL" "$(basename "$src")" > stdout 2>&1; echo "exit $?" >> stdout)
    name=$(basename "$src" .nnl)
    { diff -u "tests/predict/$name.out" "$tmp/predict/stdout"
      for f in tests/predict/*.csv; do diff -u "$f" "$tmp/predict/$(basename "$f")"; done
      (cd "$tmp/predict" && ls) | grep -v -x -e stdout -e fruit.csv -e "$name.nnl" |
          while read -r f; do [ -f "tests/predict/$f" ] || echo "unexpected file $f"; done
    } > "$tmp/diff" 2>&1
    if [ -s "$tmp/diff" ]; then fail "$src" "$tmp/diff"; else ok "$src"; fi
done

# early stopping must put back the best epoch's weights: evaluate on the
# validation data then gives the validation loss the message names
if "$NNL" examples/early_stopping.nnl > "$tmp/es" 2>&1 && awk '/weights restored to epoch/ { s = $0; sub(/.*\(valid loss /, "", s); sub(/\).*/, "", s); best = s }
        /^loss = / { loss = $3 }
        END { exit !(best != "" && loss == best) }' "$tmp/es"; then ok "early stopping restores the best weights"
else fail "early stopping restores the best weights" "$tmp/es"; fi

# batchnorm lets the deep sigmoid net learn the circle; without it, it stays at chance
if "$NNL" examples/batchnorm.nnl > "$tmp/bn" 2>&1 && awk '/^accuracy = / { acc[++n] = $3 } END { exit !(n == 2 && acc[1] < 0.6 && acc[2] >= 0.9) }' "$tmp/bn"
then ok "batchnorm trains the deep sigmoid net, the plain one stalls"
else fail "batchnorm trains the deep sigmoid net, the plain one stalls" "$tmp/bn"; fi

# 3. error tests: exact message on stderr, exit status 1 (or NAME.status), and
#    stdout equal to NAME.out where there is one (nothing runs before a check fails);
#    NAME.env holds environment settings for the run (like NNL_MEMORY_LIMIT=64)
for src in tests/errors/*.nnl; do
    [ -f "$src" ] || continue
    base=${src%.nnl}
    want_status=1
    [ -f "$base.status" ] && want_status=$(cat "$base.status")
    envs=""
    [ -f "$base.env" ] && envs=$(cat "$base.env")
    # shellcheck disable=SC2086
    env $envs "$NNL" "$src" > "$tmp/stdout" 2> "$tmp/stderr"
    status=$?
    if [ $status -ne "$want_status" ]; then
        echo "exit status $status, expected $want_status" > "$tmp/why"; cat "$tmp/stderr" >> "$tmp/why"
        fail "$src" "$tmp/why"
    elif ! diff -u "$base.err" "$tmp/stderr" > "$tmp/diff"; then fail "$src" "$tmp/diff"
    elif [ -f "$base.out" ] && ! diff -u "$base.out" "$tmp/stdout" > "$tmp/diff"; then fail "$src (stdout)" "$tmp/diff"
    else ok "$src"; fi
    # a failure during training (a NaN) reads the same from a replayed step
    if grep -q 'during training\|at epoch' "$base.err"; then
        # shellcheck disable=SC2086
        env $envs "$NNL" --interpret "$src" > /dev/null 2> "$tmp/stderr"
        if diff -u "$base.err" "$tmp/stderr" > "$tmp/diff"; then ok "$src --interpret"; else fail "$src --interpret" "$tmp/diff"; fi
    fi
done

# 4. reference values from PyTorch (tests/reference/gen_reference.py wrote *.expected),
#    within 1e-5 or the tolerance in NAME.tol (1e-9 for cases in double precision)
for src in tests/reference/*.nnl; do
    [ -f "$src" ] || continue
    tol=1e-5
    [ -f "${src%.nnl}.tol" ] && tol=$(cat "${src%.nnl}.tol")
    "$NNL" "$src" > "$tmp/out" 2>&1; st=$?
    if [ $st -eq 0 ] && awk -v tol="$tol" -f tests/numdiff.awk "${src%.nnl}.expected" "$tmp/out" > "$tmp/why" 2>&1; then ok "$src (tolerance $tol)"
    else echo "exit status $st" >> "$tmp/why"; cat "$tmp/out" >> "$tmp/why"; fail "$src" "$tmp/why"; fi
done

# the files docs/tutorial.md's blocks wrote (plots as SVG, graphs as DOT, the
# offline view page) are the committed docs/img/tutorial/ ones, byte for byte;
# an SVG there that no block wrote must be the layout of a DOT file that one did
tutorial_pictures_check() {
    local made=$1 f name stale=""
    for f in "$made"/*; do
        [ -f "$f" ] || continue
        name=$(basename "$f")
        if cmp -s "$f" "docs/img/tutorial/$name"; then ok "docs/tutorial.md picture $name"
        else fail "docs/tutorial.md picture $name differs from docs/img/tutorial/$name: run make docs"; fi
    done
    for f in docs/img/tutorial/*.svg docs/img/tutorial/*.dot docs/img/tutorial/*.html; do
        [ -f "$f" ] || continue
        name=$(basename "$f")
        [ -f "$made/$name" ] || [ -f "$made/${name%.svg}.dot" ] || stale="$stale $name"
    done
    if [ -z "$stale" ]; then ok "docs/img/tutorial holds only what the tutorial makes"
    else fail "docs/img/tutorial:$stale: made by no block of docs/tutorial.md: run make docs"; fi
}

# 5. every ```nnl example in the docs runs, and prints its ```output block if it has one
#    (examples that read files are written as if in examples/: data/*.csv is there)
#    docs/tutorial.md's blocks write their pictures to img/tutorial/ (below)
#    README.md's tour too: each of its ```nnl blocks runs on its own (issue 19)
for doc in docs/language.md docs/stdlib.md docs/tutorial.md README.md; do
    rm -rf "$tmp/doc"; mkdir -p "$tmp/doc/data" "$tmp/doc/img/tutorial"
    cp examples/data/*.csv "$tmp/doc/data/"
    awk -v dir="$tmp/doc" -f tests/doc_examples.awk "$doc"
    for ex in "$tmp"/doc/*.nnl; do
        [ -f "$ex" ] || continue
        n=$(basename "$ex" .nnl)
        cp "$ex" "$tmp/doc/demo.nnl"
        (cd "$tmp/doc" && "$OLDPWD/$NNL" demo.nnl > out 2>&1; echo $? > status)
        if [ -f "$tmp/doc/$n.expected" ]; then
            # an example that shows an error exits 1, any other 0
            want=0; grep -q '^demo\.nnl:[0-9]*:[0-9]*: error: ' "$tmp/doc/$n.expected" && want=1
            if diff -u "$tmp/doc/$n.expected" "$tmp/doc/out" > "$tmp/diff" && [ "$(cat "$tmp/doc/status")" = $want ]; then ok "$doc example $n"
            else echo "exit $(cat "$tmp/doc/status"), expected $want" >> "$tmp/diff"; fail "$doc example $n" "$tmp/diff"; fi
        elif [ "$(cat "$tmp/doc/status")" = 0 ]; then ok "$doc example $n"
        else fail "$doc example $n (exit $(cat "$tmp/doc/status"))" "$tmp/doc/out"; fi
    done
    [ "$doc" = docs/tutorial.md ] && tutorial_pictures_check "$tmp/doc/img/tutorial"
done

# docs/repl.md is a transcript: typed at nnl, it prints exactly what it shows;
# so is the README's ```repl block
for doc in docs/repl.md README.md; do
    rm -rf "$tmp/repl"; mkdir -p "$tmp/repl"
    awk -v dir="$tmp/repl" -f tests/repl_doc.awk "$doc"
    "$NNL" < "$tmp/repl/input" > "$tmp/repl/out" 2>&1; st=$?
    if [ -s "$tmp/repl/input" ] && [ $st -eq 0 ] && diff -u "$tmp/repl/expected" "$tmp/repl/out" > "$tmp/diff"; then ok "$doc transcript"
    else fail "$doc transcript" "$tmp/diff"; fi
done
# ... and docs/repl.md reads in a terminal 100 columns wide: no line of it is wider
widest=$(LC_ALL=C.UTF-8 wc -L < docs/repl.md)
if [ "$widest" -le 100 ]; then ok "docs/repl.md fits 100 columns (widest line: $widest)"
else LC_ALL=C.UTF-8 awk 'length($0) > 100 { print FILENAME ":" FNR ": " length($0) " columns" }' docs/repl.md > "$tmp/wide"
     fail "docs/repl.md has lines wider than 100 columns" "$tmp/wide"; fi

# 6. the command line: --ir output, --check runs nothing, misuse exits with 2
for src in examples/*.nnl; do
    expected=tests/golden/$(basename "${src%.nnl}").ir
    [ -f "$expected" ] || continue
    "$NNL" --ir "$src" > "$tmp/out" 2>&1; st=$?
    if [ $st -eq 0 ] && diff -u "$expected" "$tmp/out" > "$tmp/diff"; then ok "--ir $src"; else echo "exit $st" >> "$tmp/diff"; fail "--ir $src" "$tmp/diff"; fi
done
# what nnl prints, nnl reads: the --ir output of every example and golden
# script runs, in a folder laid out like the original's, to the same output
# and exit status (words compared, references to FILE:LINE left out)
mkdir -p "$tmp/ir/examples" "$tmp/ir/tests/golden"
ln -s "$PWD/examples/data" "$tmp/ir/examples/data"; ln -s "$PWD/tests/data" "$tmp/ir/tests/data"
ir_words() { tr -s ' \n' '\n\n' | grep -v '\.nnl:[0-9]'; }
for src in examples/*.nnl tests/golden/*.nnl; do
    if ! "$NNL" --ir "$src" > "$tmp/ir/$src" 2> "$tmp/why"; then fail "--ir $src" "$tmp/why"; continue; fi
    "$NNL" "$src" 2> /dev/null | ir_words > "$tmp/want"; s1=${PIPESTATUS[0]}
    (cd "$tmp/ir/$(dirname "$src")" && "$OLDPWD/$NNL" "$(basename "$src")" 2> /dev/null | ir_words > "$tmp/got"; exit "${PIPESTATUS[0]}"); s2=$?
    if [ "$s1" = "$s2" ] && diff -u "$tmp/want" "$tmp/got" > "$tmp/diff"; then ok "--ir $src runs to the same result"
    else echo "exit $s1, --ir output exits $s2" >> "$tmp/diff"; fail "--ir $src runs to the same result" "$tmp/diff"; fi
done
"$NNL" --check examples/xor.nnl > "$tmp/out" 2>&1; st=$?
if [ $st -eq 0 ] && [ ! -s "$tmp/out" ]; then ok "--check prints nothing"; else fail "--check prints nothing" "$tmp/out"; fi
"$NNL" --check tests/errors/shape_data_vs_input.nnl > /dev/null 2>&1
[ $? -eq 1 ] && ok "--check finds a shape error" || fail "--check finds a shape error"
echo 'print 1 + 1' | "$NNL" > "$tmp/out" 2>&1; st=$?
if [ $st -eq 0 ] && [ "$(cat "$tmp/out")" = 2 ]; then ok "no file: statements from stdin"; else fail "no file: statements from stdin" "$tmp/out"; fi
"$NNL" --check > /dev/null 2>&1; [ $? -eq 2 ] && ok "--check without a file: exit 2" || fail "--check without a file: exit 2"
"$NNL" --quiet examples/xor.nnl > "$tmp/out" 2>&1; st=$?
if [ $st -eq 0 ] && ! grep -q '^epoch' "$tmp/out" && grep -q '^accuracy = 1' "$tmp/out"; then ok "--quiet: no progress, same result"
else fail "--quiet: no progress, same result" "$tmp/out"; fi
# --time: the same output, and on stderr the wall time of each phase and each
# statement in order (the numbers vary; the train statement must dominate)
"$NNL" --time examples/xor.nnl > "$tmp/out" 2> "$tmp/err"; st=$?
"$NNL" examples/xor.nnl > "$tmp/plain" 2>&1
sed -E 's/ [0-9]+\.[0-9]{3} ms$/ MS/' "$tmp/err" > "$tmp/shape"
printf 'time: %s MS\n' stdlib check stdlib "examples/xor.nnl:3 data" "examples/xor.nnl:10 model" "examples/xor.nnl:16 setting" \
    "examples/xor.nnl:17 setting" "examples/xor.nnl:18 setting" "examples/xor.nnl:19 seed" "examples/xor.nnl:21 train" \
    "examples/xor.nnl:22 print" "examples/xor.nnl:23 evaluate" total > "$tmp/want"
if [ $st -eq 0 ] && cmp -s "$tmp/out" "$tmp/plain" && diff -u "$tmp/want" "$tmp/shape" > "$tmp/diff" &&
   awk '/ train / { train = $(NF - 1) } / total / { total = $(NF - 1) } / (data|model|setting|seed|print|evaluate) / { if ($(NF - 1) > other) other = $(NF - 1) }
        END { exit !(train > other && total >= train) }' "$tmp/err"
then ok "--time: a line per phase and statement"
else cat "$tmp/err" >> "$tmp/diff"; fail "--time: a line per phase and statement" "$tmp/diff"; fi
"$NNL" --time --check examples/xor.nnl > /dev/null 2>&1; [ $? -eq 2 ] && ok "--time with --check: exit 2" || fail "--time with --check: exit 2"
# --time says when an optimizer cannot run as a fused loop, and why (once);
# xor's sgd above is fused, so it said nothing
"$NNL" --time tests/data/optimizer_interpreted.nnl > "$tmp/out" 2> "$tmp/err"; st=$?
want="time: optimizer 'halved' runs interpreted, not as a fused loop: its body calls 'half', which is not a primitive (tests/data/optimizer_interpreted.nnl:5)"
if [ $st -eq 0 ] && [ "$(grep -c '^time: optimizer' "$tmp/err")" = 1 ] && grep -qxF "$want" "$tmp/err"
then ok "--time: an optimizer that is not fused, and why"
else fail "--time: an optimizer that is not fused, and why" "$tmp/err"; fi
"$NNL" --time < /dev/null > /dev/null 2>&1; [ $? -eq 2 ] && ok "--time without a file: exit 2" || fail "--time without a file: exit 2"
"$NNL" --bogus x.nnl > /dev/null 2>&1; [ $? -eq 2 ] && ok "unknown option: exit 2" || fail "unknown option: exit 2"
"$NNL" tests/does-not-exist.nnl > /dev/null 2> "$tmp/err"; st=$?
if [ $st -eq 1 ] && grep -q "tests/does-not-exist.nnl" "$tmp/err"; then ok "missing file"; else fail "missing file" "$tmp/err"; fi

# 7. REPL sessions: statements on stdin (NAME.in), exact stdout (NAME.out),
#    stderr (NAME.err) and exit status (NAME.status, else 0); NAME.args are
#    extra command-line arguments (like -i FILE)
for src in tests/repl/*.in; do
    [ -f "$src" ] || continue
    base=${src%.in}
    want_status=0
    [ -f "$base.status" ] && want_status=$(cat "$base.status")
    args=""
    [ -f "$base.args" ] && args=$(cat "$base.args")
    envs=""
    [ -f "$base.env" ] && envs=$(cat "$base.env")
    # shellcheck disable=SC2086
    env $envs "$NNL" $args < "$src" > "$tmp/stdout" 2> "$tmp/stderr"
    status=$?
    if [ $status -ne "$want_status" ]; then
        echo "exit status $status, expected $want_status" > "$tmp/why"; cat "$tmp/stderr" >> "$tmp/why"
        fail "$src" "$tmp/why"
    elif ! diff -u "$base.out" "$tmp/stdout" > "$tmp/diff"; then fail "$src (stdout)" "$tmp/diff"
    elif ! diff -u "${base}.err" "$tmp/stderr" > "$tmp/diff" 2>&1; then fail "$src (stderr)" "$tmp/diff"
    else ok "$src"; fi
done

# help knows every definition of the stdlib, from the stdlib itself: `help NAME`
# shows each one's file:line and its source line, and each primitive the
# stdlib's comments list ("#   sigmoid(x) ...") as a primitive
grep -nE '^(def|layer|optimizer) [a-z_0-9]+' stdlib/*.nnl > "$tmp/defs"
grep -hoE '^#   [a-z_]+\(' stdlib/*.nnl | sed -E 's/^#   //; s/\($//' | sort -u > "$tmp/prims"
{ sed -E 's/^[^:]*:[0-9]+:[a-z]+ ([a-z_0-9]+).*/help \1/' "$tmp/defs" | sort -u; sed 's/^/help /' "$tmp/prims"; } > "$tmp/help.in"
"$NNL" < "$tmp/help.in" > "$tmp/help.out" 2>&1; st=$?
: > "$tmp/why"
while IFS= read -r hit; do
    where=${hit%%:[a-z]*}; line=${hit#*:*:}
    grep -qE -- " in $where\$" "$tmp/help.out" || echo "no help names $where" >> "$tmp/why"
    grep -qxF -- "  $line" "$tmp/help.out" || echo "no help shows: $line" >> "$tmp/why"
done < "$tmp/defs"
while IFS= read -r p; do grep -q "^$p(.*-- a primitive" "$tmp/help.out" || echo "no help on the primitive $p" >> "$tmp/why"; done < "$tmp/prims"
n=$(wc -l < "$tmp/defs")
if [ $st -eq 0 ] && [ "$n" -gt 40 ] && [ ! -s "$tmp/why" ]; then ok "help for each of the stdlib's $n definitions"
else cat "$tmp/help.out" >> "$tmp/why"; fail "help for every stdlib definition (exit $st)" "$tmp/why"; fi

# 8. the interactive REPL in a real terminal (tmux): prompts, history, completion, Ctrl-C
if command -v tmux > /dev/null 2>&1; then
    if NNL="$NNL" tests/repl/terminal.sh > "$tmp/tty" 2>&1; then ok "interactive REPL in tmux"
    else fail "interactive REPL in tmux" "$tmp/tty"; fi
else
    fail "interactive REPL in tmux: tmux is not installed (.ci/install-deps installs it)"
fi

# 9. bounded fuzz run of each fuzz target that was built (parser, CSV, IDX,
#    whole scripts, load); the script fuzzer runs each input twice (check
#    pass and run), so it gets fewer runs
for bin in "$BUILD"/fuzz/fuzz_*; do
    [ -x "$bin" ] && [ -f "$bin" ] || continue
    case "$bin" in *.o) continue ;; esac
    name=${bin##*/fuzz_}
    runs=20000; len=512
    [ "$name" = script ] && runs=3000
    [ "$name" = load ] && len=4096     # a whole model file
    [ "$name" = onnx ] && len=4096     # a whole ONNX file
    if ! seeds=$(tests/fuzz/seeds.sh "$name" "$BUILD" 2> "$tmp/fuzz"); then fail "fuzz_$name: seeds" "$tmp/fuzz"; continue; fi
    rm -rf "$tmp/fuzzcorpus"; mkdir -p "$tmp/fuzzcorpus"   # libFuzzer writes new inputs to the first folder: not the seeds
    if "$bin" -runs=$runs -seed=1 -max_len=$len -timeout=10 -artifact_prefix="$BUILD/fuzz/$name-" \
           "$tmp/fuzzcorpus" "$seeds" > "$tmp/fuzz" 2>&1; then ok "fuzz_$name $runs runs"
    else fail "fuzz_$name" "$tmp/fuzz"; fi
done

# fuzz targets need clang with libFuzzer (the Makefile builds them only then)
ls "$BUILD"/fuzz/fuzz_* > /dev/null 2>&1 || skip "fuzz targets: clang cannot link -fsanitize=fuzzer here (Debian: clang, libclang-rt-dev)"

# writing files: never in place of a FIFO, a device or a read-only file, the
# mode kept, names at the length limit (every statement that writes a file)
NNL="$NNL" tests/files.sh > "$tmp/files" 2>&1
files_rc=$?
checks "files" "$tmp/files" $files_rc

# numbers on the way in: every loader and literal refuses NaN, Inf and what
# the precision cannot hold, naming the file and the place (tests/finite.sh)
NNL="$NNL" tests/finite.sh > "$tmp/finite" 2>&1
checks "finite" "$tmp/finite" $?

# pictures: tests/golden/plots.nnl's plots written as SVG hold the numbers
# the run printed (the history, the gradients table), one panel per layer,
# one point per row
if command -v python3 > /dev/null 2>&1; then
    mkdir -p "$tmp/plots"
    { cat tests/golden/plots.nnl
      for p in "loss:loss" "gradients:gradients net on d rows 50" "activations:activations net on d" "regions:net on d"; do
          echo "plot ${p#*:} to \"$tmp/plots/${p%%:*}.svg\""
      done
      echo 'gradients net on d rows 50'; } > "$tmp/plots/run.nnl"
    "$NNL" "$tmp/plots/run.nnl" > "$tmp/plots/out" 2>&1 || fail "plots as SVG: the script failed" "$tmp/plots/out"
    sed -n '/^history of net/,/^[^ h]/p' "$tmp/plots/out" > "$tmp/plots/history"
    sed -n '/^gradients of net on d:/,$p' "$tmp/plots/out" > "$tmp/plots/gradients"
    python3 tests/plots_svg.py "$tmp/plots" "$tmp/plots/history" "$tmp/plots/gradients" > "$tmp/plots/check" 2>&1
    checks "plot" "$tmp/plots/check" 0
else
    skip "plots as SVG: python3 is not installed"
fi

# make mutate's list names lines of code: it must follow the code as it moves
if python3 tests/mutate.py --check > "$tmp/mutate" 2>&1; then ok "tests/mutations.txt matches the code"
else fail "tests/mutations.txt no longer matches the code (update the list)" "$tmp/mutate"; fi

# 10. the layering: src/ is a stack of stages (src/LAYERS) that only call
#     downward, from the objects' symbols and the #include lines
if python3 tests/layers.py "$BUILD" > "$tmp/layers" 2>&1; then ok "layering: $(head -1 "$tmp/layers")"
else fail "layering (src/LAYERS, docs/architecture.md)" "$tmp/layers"; fi
#     ... and the check bites: a planted call up, an include up, two files
#     calling each other and a folder it does not know are each named
mkdir -p "$tmp/lay/src" "$tmp/lay/build"
cp -r src/. "$tmp/lay/src/"
for d in "$BUILD"/*/; do
    case "$d" in */tests/|*/tools/|*/fuzz/|*/bench/) continue ;; esac
    mkdir -p "$tmp/lay/build/$(basename "$d")"; cp "$d"*.o "$d"*.c "$tmp/lay/build/$(basename "$d")/" 2>/dev/null
done
printf '#include "lang/interp.h"\nvoid exec_train(Interp *I, const Node *n);\nvoid planted(Interp *I) { exec_train(I, 0); }\n' > "$tmp/lay/src/base/planted.c"
${CC:-cc} -Isrc -I"$BUILD" -c -o "$tmp/lay/build/base/planted.o" "$tmp/lay/src/base/planted.c"
printf '#include "teach/trace.h"\n' >> "$tmp/lay/src/tensor/rng.c"
printf 'void pong(int n);\nvoid ping(int n) { if (n) pong(n - 1); }\n' > "$tmp/lay/src/base/ping.c"
printf 'void ping(int n);\nvoid pong(int n) { if (n) ping(n - 1); }\n' > "$tmp/lay/src/base/pong.c"
for f in ping pong; do ${CC:-cc} -c -o "$tmp/lay/build/base/$f.o" "$tmp/lay/src/base/$f.c"; done
mkdir -p "$tmp/lay/src/extra"; : > "$tmp/lay/src/extra/new.c"
python3 tests/layers.py "$tmp/lay/build" "$tmp/lay/src" > "$tmp/layers" 2>&1
if [ $? -eq 1 ] &&
   grep -q "base/planted calls train/train (exec_train): stage 'base' reaches up to 'train'" "$tmp/layers" &&
   grep -q "src/tensor/rng.c:[0-9]*: includes \"teach/trace.h\": stage 'tensor' reaches up to 'teach'" "$tmp/layers" &&
   grep -q "extra/new.c: folder 'extra' is not a stage" "$tmp/layers" &&
   grep -q "a circle of 2 files in stage 'base' .*: base/ping base/pong" "$tmp/layers"
then ok "layering check names a planted call up, include up, circle and unknown folder"
else fail "layering check names a planted call up, include up, circle and unknown folder" "$tmp/layers"; fi

# 11. the web view's page in headless Chromium (tests/browser/test_view.py:
#     one PASS/FAIL line per check, or SKIP with the reason)
python3 tests/browser/test_view.py > "$tmp/browser" 2>&1
browser_rc=$?
checks "browser" "$tmp/browser" $browser_rc

# 11b. the view against nnl itself (tests/browser/test_live.py): the offline
#      file nnl writes, and nnl's live server driven from the page and the prompt
BUILD="$BUILD" python3 tests/browser/test_live.py > "$tmp/live" 2>&1
live_rc=$?
checks "view" "$tmp/live" $live_rc

# 13. train's progress and history (tests/history): each NAME.nnl runs in a
#     scratch folder; its output must be NAME.out, every tests/history/NAME*.csv
#     must equal the file it wrote, and no temporary file may be left
for src in tests/history/*.nnl; do
    name=$(basename "$src" .nnl)
    rm -rf "$tmp/hist"; mkdir -p "$tmp/hist"
    cp "$src" "$tmp/hist/"
    (cd "$tmp/hist" && "$OLDPWD/$NNL" "$name.nnl" > stdout 2>&1; echo "exit $?" >> stdout)
    { diff -u "tests/history/$name.out" "$tmp/hist/stdout"
      for f in tests/history/"$name"*.csv; do [ -f "$f" ] && diff -u "$f" "$tmp/hist/$(basename "$f")"; done
      find "$tmp/hist" -name '.nnl-*' | sed 's/^/temporary file left: /'
    } > "$tmp/diff" 2>&1
    if [ -s "$tmp/diff" ]; then fail "$src" "$tmp/diff"; else ok "$src"; fi
done
# a tracked epoch of one batch keeps the norms `gradients` printed for the same weights
(cd "$tmp" && cp "$OLDPWD/tests/history/grad_equal.nnl" . && "$OLDPWD/$NNL" grad_equal.nnl > grad_equal.out 2>&1)
if awk -F, 'FNR == NR { for (i = 1; i < NF; i++) if ($i ~ /∂C\/∂W\([0-9]+\)$/) { l = $i; gsub(/[^0-9]/, "", l); shown[l] = $(i + 1) }; next }
            FNR == 1 { for (i = 1; i <= NF; i++) if ($i ~ /^grad_norm_/) { c = $i; sub(/grad_norm_/, "", c); col[c] = i }; next }
            { for (l in shown) { n++; if (!(l in col) || sprintf("%.4g", $(col[l])) != shown[l]) bad++ } }
            END { exit !(n >= 2 && !bad) }' FS=' ' "$tmp/grad_equal.out" FS=',' "$tmp/grad_equal.csv"
then ok "track gradients: a one-batch epoch's norms are what gradients shows"
else cat "$tmp/grad_equal.csv" >> "$tmp/grad_equal.out"; fail "track gradients: a one-batch epoch's norms are what gradients shows" "$tmp/grad_equal.out"; fi
# tracking changes no trained number: the same script with `track off` prints the same
sed 's/^track gradients$/track off/' tests/history/track_same.nnl > "$tmp/track_off.nnl"
"$NNL" tests/history/track_same.nnl > "$tmp/on" 2>&1; "$NNL" "$tmp/track_off.nnl" > "$tmp/off" 2>&1
if grep -qx 'track off' "$tmp/track_off.nnl" && cmp -s "$tmp/on" "$tmp/off"; then ok "track gradients changes no trained number"
else diff -u "$tmp/on" "$tmp/off" > "$tmp/diff"; fail "track gradients changes no trained number" "$tmp/diff"; fi
# what nnl prints off a terminal is plain text: no expected output holds a
# control byte (a carriage return, an escape sequence); tabs and newlines only
LC_ALL=C grep -l $'[\x01-\x08\x0b-\x1f\x7f]' tests/golden/*.out tests/repl/*.out tests/errors/*.out tests/errors/*.err \
    tests/predict/*.out tests/history/*.out > "$tmp/ctl" 2>/dev/null
if [ ! -s "$tmp/ctl" ]; then ok "no control bytes in expected outputs"; else fail "control bytes in expected outputs" "$tmp/ctl"; fi
# on a terminal: the live line rewritten in place, finished epochs kept, Ctrl-C (tmux)
if command -v tmux > /dev/null 2>&1; then
    if NNL="$NNL" tests/repl/progress.sh > "$tmp/tty" 2>&1; then ok "train's live progress line in tmux"
    else fail "train's live progress line in tmux" "$tmp/tty"; fi
else
    fail "train's live progress line in tmux: tmux is not installed (.ci/install-deps installs it)"
fi

# 12. the charts' SVG files (src/see/): each kind written by test_chart must
#     parse as XML, and each data group named in NAME.expect must hold exactly
#     the numbers the chart was given (python3, else xmllint; else skipped)
rm -rf "$tmp/svg"; mkdir -p "$tmp/svg"
NNL_CHART_SVG_DIR=$tmp/svg "$BUILD/tests/test_chart" > "$tmp/svg/run.out" 2>&1 ||
    fail "test_chart writing the SVG files exited with $?" "$tmp/svg/run.out"
if command -v python3 > /dev/null 2>&1; then svgcheck=python3
elif command -v xmllint > /dev/null 2>&1; then svgcheck=xmllint
else svgcheck=""; skip "the charts' SVG files are not parsed (neither python3 nor xmllint is installed)"; fi
ls "$tmp"/svg/*.svg > /dev/null 2>&1 || fail "test_chart wrote no SVG files" "$tmp/svg/run.out"
for svg in "$tmp"/svg/*.svg; do
    [ -n "$svgcheck" ] && [ -f "$svg" ] || continue
    name=$(basename "$svg" .svg)
    expect=${svg%.svg}.expect
    [ -f "$expect" ] || expect=/dev/null
    if [ "$svgcheck" = python3 ]; then
        python3 - "$svg" "$expect" > "$tmp/why" 2>&1 <<'PY'
import math, sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
assert root.tag == "{http://www.w3.org/2000/svg}svg", root.tag
groups = {g.get("data-name"): g for g in root.iter("{http://www.w3.org/2000/svg}g") if g.get("data-name") is not None}
for line in open(sys.argv[2], encoding="utf-8"):
    attr, name, *want = line.split()
    got = groups[name].get(attr).split()
    assert len(got) == len(want), (name, len(got), len(want))
    for g, w in zip(got, want):
        assert math.isclose(float(g), float(w), rel_tol=1e-8), (name, g, w)
PY
    else
        ( xmllint --noout "$svg" &&
          while read -r attr gname values; do
              got=$(xmllint --xpath "string(//*[local-name()='g'][@data-name='$gname']/@$attr)" "$svg") || exit 1
              awk -v got="$got" -v want="$values" 'BEGIN { n = split(got, g, " "); m = split(want, w, " "); if (n != m) exit 1
                  for (i = 1; i <= n; i++) { d = g[i] - w[i]; if (d < 0) d = -d; a = w[i] < 0 ? -w[i] : w[i]; if (d > 1e-8 * a) exit 1 } }' || exit 1
          done < "$expect" ) > "$tmp/why" 2>&1
    fi
    if [ $? -eq 0 ]; then ok "chart $name.svg parses ($svgcheck) and holds its data"
    else fail "chart $name.svg parses ($svgcheck) and holds its data" "$tmp/why"; fi
done

# 13. graph (tests/graph): graphs.nnl runs in a scratch folder; its output
#     must be graphs.out and each DOT file it writes tests/graph/FILE, which
#     Graphviz's dot must read; svg.nnl's SVG files, laid out through
#     libgvc, must parse as XML with one node per layer (model) or op (ops)
rm -rf "$tmp/graph"; mkdir -p "$tmp/graph"
cp tests/graph/*.nnl "$tmp/graph/"
(cd "$tmp/graph" && "$OLDPWD/$NNL" graphs.nnl > stdout 2>&1; echo "exit $?" >> stdout)
{ diff -u tests/graph/graphs.out "$tmp/graph/stdout"
  for f in tests/graph/*.dot; do diff -u "$f" "$tmp/graph/$(basename "$f")"; done
  for f in "$tmp"/graph/*.dot; do [ -f "tests/graph/$(basename "$f")" ] || echo "unexpected file $(basename "$f")"; done
} > "$tmp/diff" 2>&1
if [ -s "$tmp/diff" ]; then fail "tests/graph/graphs.nnl" "$tmp/diff"; else ok "tests/graph/graphs.nnl"; fi
if command -v dot > /dev/null 2>&1; then
    for f in tests/graph/*.dot; do
        if dot -Tsvg "$f" -o /dev/null 2> "$tmp/dot"; then ok "dot reads $f"; else fail "dot reads $f" "$tmp/dot"; fi
    done
else
    skip "dot reads tests/graph/*.dot: Graphviz's dot is not installed (Debian: graphviz)"
fi
# (under SAN=1, LeakSanitizer is told of Graphviz's own leaks: tests/lsan.supp)
(cd "$tmp/graph" && LSAN_OPTIONS="suppressions=$OLDPWD/tests/lsan.supp:print_suppressions=0" \
    "$OLDPWD/$NNL" svg.nnl > svg.out 2>&1; echo "exit $?" >> svg.out)
if grep -q "built without Graphviz's library" "$tmp/graph/svg.out"; then
    skip "graph to .svg: nnl was built without libgvc (Debian: libgraphviz-dev)"
elif python3 - "$tmp/graph" > "$tmp/why" 2>&1 <<'PY'
import re, sys, xml.etree.ElementTree as ET
d = sys.argv[1]
out = open(d + "/svg.out").read()
assert out.endswith("exit 0\n"), out
ops = len(re.findall(r"^(?:=>|<=|  ) +\d+  ", out, re.M))
ns = "{http://www.w3.org/2000/svg}"
def nodes(name):   # title -> the words the node shows
    root = ET.parse(d + "/" + name).getroot()
    return {g.find(ns + "title").text: " ".join(t.text or "" for t in g.iter(ns + "text"))
            for g in root.iter(ns + "g") if g.get("class") == "node"}
titles = nodes
model = titles("model.svg")
layers = [t for t in model if re.fullmatch(r"L\d+", t)]
assert len(layers) == 6 and "input" in model and "output" in model, model
ops_svg = {t: w for t, w in nodes("ops.svg").items() if re.fullmatch(r"o\d+", t)}
assert ops > 0 and len(ops_svg) == ops, (len(ops_svg), ops)
for i in range(ops):     # each op drawn as nnl's box: its primitive and number
    assert "op %d" % (i + 1) in ops_svg.get("o%d" % i, ""), ("o%d" % i, ops_svg.get("o%d" % i))
for i in range(1, 7): assert ("layer %d" % i) in model["L%d" % i], model
nodes = titles("pass.svg")
assert len(nodes) > 6, nodes
print("model: %d layers, ops: %d ops, pass: %d nodes" % (len(layers), len(ops_svg), len(nodes)))
PY
then ok "graph to .svg through libgvc: $(cat "$tmp/why")"
else fail "graph to .svg through libgvc" "$tmp/why"; fi
# 12. ONNX: export and import (tests/onnx/test_onnx.py, with Debian's python3
#     and its python3-onnx; ONNX Runtime from tests/onnx/node_modules): one
#     PASS/FAIL/SKIP line per check
if [ -x /usr/bin/python3 ]; then
    /usr/bin/python3 tests/onnx/test_onnx.py "$BUILD" > "$tmp/onnx" 2>&1
    onnx_rc=$?
    checks "onnx" "$tmp/onnx" $onnx_rc
else
    skip "ONNX tests: /usr/bin/python3 is not installed"
fi

# 13. the PyTorch export (tests/torch/test_export.py, no torch needed): every
#     example's programs compile, golden programs, refusals' exact messages
if [ -x /usr/bin/python3 ]; then
    /usr/bin/python3 tests/torch/test_export.py "$BUILD" > "$tmp/torch" 2>&1
    torch_rc=$?
    checks "torch export" "$tmp/torch" $torch_rc
else
    skip "PyTorch export tests: /usr/bin/python3 is not installed"
fi

# 14. what seed, split and normalize mean, from what nnl prints (tests/meanings.py:
#     the same seed the same run, another seed another init, shuffle and dropout
#     mask; split's parts and sizes; normalize's statistics)
if command -v python3 > /dev/null 2>&1; then
    python3 tests/meanings.py "$NNL" > "$tmp/meanings" 2>&1
    meanings_rc=$?
    checks "meaning" "$tmp/meanings" $meanings_rc
else
    skip "seed, split and normalize meanings: python3 is not installed"
fi

# where people work (tests/workplace/*.sh): make install and uninstall, --version,
# the man page, the editor files, the language server, the Jupyter kernel
for t in tests/workplace/*.sh; do
    BUILD="$BUILD" "$t" > "$tmp/workplace" 2>&1
    rc=$?
    checks "${t##*/}" "$tmp/workplace" $rc
done

# explain's numbers are nnl's: every substituted line `explain` prints (the
# output layer's δ(L) and ∂C/∂ŷ of each stdlib loss, each optimizer line, the
# layers' formulas) evaluates to the result printed under it
if command -v python3 > /dev/null 2>&1; then
    if python3 tests/explain_numbers.py tests/repl/*.out docs/repl.md > "$tmp/explained" 2>&1
    then ok "explain's substituted formulas give its results: $(tail -1 "$tmp/explained")"
    else fail "explain's substituted formulas give its results" "$tmp/explained"; fi
else
    skip "explain's substituted formulas: python3 is not installed"
fi

# the torture suite, briefly (tests/torture/run.sh: low memory and stack,
# a full disk, Ctrl-C, pipes and devices, racing saves, linear work); make
# torture runs it long in the plain and the sanitizer builds
tests/torture/run.sh quick > "$tmp/torture" 2>&1
checks "torture" "$tmp/torture" $?

if [ $skipped -gt 0 ]; then echo "$passed passed, $failed failed, $skipped skipped"
else echo "$passed passed, $failed failed"; fi
[ $failed -eq 0 ]
