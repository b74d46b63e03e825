#!/usr/bin/env bash
# Writing files never replaces what is not a regular writable file, keeps a
# file's mode, and works for a name at the file system's limit: every
# statement that writes a file, against every kind of target (a device node
# of its own, in a temporary folder, never the real /dev/null).  One line
# "PASS what" or "FAIL what: why" per check.  usage: NNL=build/nnl tests/files.sh
set -u
NNL=${NNL:-build/nnl}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
check() { if [ "$1" = 0 ]; then echo "PASS $2"; else echo "FAIL $2: ${3:-}"; fi; }

# a model and data to write from
cat > "$tmp/base.nnl" <<'NNL'
data d {
  [0, 0] -> [0]
  [1, 1] -> [1]
}
model net { input 2; dense 1 sigmoid with W = [[1, 1]], b = [0]; }
loss mse
NNL
# each writer: the statement, with TARGET standing for the path
writers=(
  'save net "TARGET"'
  'predict net on d to "TARGET"'
  'history net to "TARGET"'
)
for w in "${writers[@]}"; do
    name=${w%% *}
    # a FIFO: refused at the check pass, not replaced, nothing hangs
    mkfifo "$tmp/fifo"
    { cat "$tmp/base.nnl"; echo "${w//TARGET/$tmp/fifo}"; } > "$tmp/s.nnl"
    timeout 10 "$NNL" "$tmp/s.nnl" > "$tmp/out" 2>&1; rc=$?
    [ $rc -eq 1 ] && [ -p "$tmp/fifo" ] && grep -q "not a regular file" "$tmp/out"
    check $? "$name refuses a FIFO and leaves it" "rc $rc: $(head -1 "$tmp/out")"
    rm -f "$tmp/fifo"
    # a read-only file: refused, unchanged, mode kept
    echo "keep me" > "$tmp/ro"; chmod 444 "$tmp/ro"
    { cat "$tmp/base.nnl"; echo "${w//TARGET/$tmp/ro}"; } > "$tmp/s.nnl"
    "$NNL" "$tmp/s.nnl" > "$tmp/out" 2>&1; rc=$?
    [ $rc -eq 1 ] && grep -q "read-only" "$tmp/out" && [ "$(cat "$tmp/ro")" = "keep me" ] &&
        [ "$(stat -c %a "$tmp/ro")" = 444 ]
    check $? "$name refuses a read-only file and leaves it" "rc $rc: $(head -1 "$tmp/out")"
    chmod 644 "$tmp/ro"; rm -f "$tmp/ro"
    # a device: a null device of our own (never the real /dev/null: a bug
    # would replace the machine's), which needs root to make
    if mknod -m 666 "$tmp/null" c 1 3 2> /dev/null; then
        { cat "$tmp/base.nnl"; echo "${w//TARGET/$tmp/null}"; } > "$tmp/s.nnl"
        "$NNL" "$tmp/s.nnl" > "$tmp/out" 2>&1; rc=$?
        [ $rc -eq 1 ] && [ -c "$tmp/null" ] && grep -q "not a regular file" "$tmp/out"
        check $? "$name refuses a device and leaves it a device" "rc $rc: $(head -1 "$tmp/out")"
        rm -f "$tmp/null"
    else
        echo "SKIP $name refuses a device: making a device node needs root"
    fi
    # an existing regular file with mode 600 keeps it
    echo old > "$tmp/mine"; chmod 600 "$tmp/mine"; cp "$tmp/mine" "$tmp/old"
    { cat "$tmp/base.nnl"; echo "${w//TARGET/$tmp/mine}"; } > "$tmp/s.nnl"
    "$NNL" "$tmp/s.nnl" > "$tmp/out" 2>&1; rc=$?
    [ $rc -eq 0 ] && [ "$(stat -c %a "$tmp/mine")" = 600 ] && ! cmp -s "$tmp/mine" "$tmp/old"
    check $? "$name replaces a regular file and keeps its mode" "rc $rc mode $(stat -c %a "$tmp/mine")"
    # a name of 249 bytes (the limit is 255): the temporary name must not overflow it
    long=$tmp/$(printf 'n%.0s' $(seq 249))
    { cat "$tmp/base.nnl"; echo "${w//TARGET/$long}"; } > "$tmp/s.nnl"
    "$NNL" "$tmp/s.nnl" > "$tmp/out" 2>&1; rc=$?
    [ $rc -eq 0 ] && [ -s "$long" ] && [ -z "$(find "$tmp" -name '.nnl-*')" ]
    check $? "$name writes a 249-byte name, leaving no temporary file" "rc $rc: $(head -1 "$tmp/out")"
    rm -f "$long" "$tmp/mine"
done

# ---- reading: files that are not files, and reads that would not end ------
# a FIFO and /dev/stdin as data: read once, shared by the check pass and the run
mkfifo "$tmp/data.csv"
printf 'a,b,y\n1,2,0\n3,4,1\n' > "$tmp/rows.csv"
(cat "$tmp/rows.csv" > "$tmp/data.csv" &)
printf 'data d = csv("%s", target="y")\nprint d\n' "$tmp/data.csv" > "$tmp/s.nnl"
out=$(timeout 10 "$NNL" "$tmp/s.nnl" 2>&1); rc=$?
[ $rc -eq 0 ] && [ "$out" = "<data d: 2 rows, 2 -> 2 classes (0, 1)>" ]
check $? "csv() reads a FIFO once for the check pass and the run" "rc $rc: $out"
printf 'data d = csv("/dev/stdin", target="y")\nprint d\n' > "$tmp/s.nnl"
out=$(timeout 10 "$NNL" "$tmp/s.nnl" < "$tmp/rows.csv" 2>&1); rc=$?
[ $rc -eq 0 ] && [ "$out" = "<data d: 2 rows, 2 -> 2 classes (0, 1)>" ]
check $? "csv() reads /dev/stdin" "rc $rc: $out"
# /dev/zero as a script, as CSV and as a model file: an error at once naming it
timeout 10 "$NNL" /dev/zero > "$tmp/out" 2>&1; rc=$?
[ $rc -eq 1 ] && grep -q "^/dev/zero:1:1: error: the file contains a NUL byte" "$tmp/out"
check $? "nnl /dev/zero stops at once: not text" "rc $rc: $(head -1 "$tmp/out")"
printf 'data d = csv("/dev/zero", target="y")\n' > "$tmp/s.nnl"
timeout 10 "$NNL" "$tmp/s.nnl" > "$tmp/out" 2>&1; rc=$?
[ $rc -eq 1 ] && grep -q "/dev/zero:1: the file contains a NUL byte" "$tmp/out"
check $? "csv(\"/dev/zero\") stops at once" "rc $rc: $(head -1 "$tmp/out")"
printf 'model m { input 2; dense 1; }\nload m "/dev/zero"\n' > "$tmp/s.nnl"
timeout 10 "$NNL" "$tmp/s.nnl" > "$tmp/out" 2>&1; rc=$?
[ $rc -eq 1 ] && grep -q "/dev/zero: not an nnl model file" "$tmp/out"
check $? "load m \"/dev/zero\" stops at once" "rc $rc: $(head -1 "$tmp/out")"
# a gzip bomb (2 MB of CSV text per 1 KB) stops at the memory limit, naming the file
{ echo 'a,b,y'; yes '1,2,3' | head -n 2000000; } | gzip -9 > "$tmp/bomb.csv.gz"
printf 'data d = csv("%s", target="y")\n' "$tmp/bomb.csv.gz" > "$tmp/s.nnl"
NNL_MEMORY_LIMIT=4 timeout 20 "$NNL" "$tmp/s.nnl" > "$tmp/out" 2>&1; rc=$?
[ $rc -eq 1 ] && grep -q "bomb.csv.gz' is too large: more than 4 MiB of text" "$tmp/out"
check $? "a gzip bomb stops at NNL_MEMORY_LIMIT" "rc $rc: $(head -1 "$tmp/out")"

# ---- the C stack: a 999-level expression inside 300 nested calls ---------
# 'nested too deeply' (or the answer) under any stack limit, never a crash
{ e=1; for i in $(seq 997); do e="(1 + $e)"; done
  echo "def f0(x) = x + $e"
  for i in $(seq 299); do echo "def f$i(x) = f$((i - 1))(x) + 1"; done
  echo 'print f299(1)'; } > "$tmp/deep.nnl"
for kb in 8192 1024 256 128 64; do
    (ulimit -s $kb 2> /dev/null && exec "$NNL" "$tmp/deep.nnl") > "$tmp/out" 2>&1; rc=$?
    { [ $rc -eq 0 ] && grep -qx 1298 "$tmp/out"; } || { [ $rc -eq 1 ] && grep -q "error: nested too deeply" "$tmp/out"; }
    check $? "a deep expression in deep calls under ulimit -s $kb: the answer or 'nested too deeply'" "rc $rc: $(head -c 200 "$tmp/out")"
done
