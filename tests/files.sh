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
