#!/usr/bin/env bash
# Numbers on their way in are finite in the precision they land in: every
# loader (CSV, gzipped CSV, IDX, IDX's scale, a saved model, ONNX import) and
# every number literal (`with W = [...]`, data rows, expressions) refuses NaN,
# Inf and what float32 cannot hold (1e39), naming the file and the place
# (line and column, byte, element), with the exact message.  The fixtures are
# made here, a few bytes each.  One line "PASS what" or "FAIL what: why" per
# check.  usage: NNL=build/nnl tests/finite.sh
set -u
NNL=$(realpath "${NNL:-build/nnl}")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp" || exit 1

# expect NAME SCRIPT MESSAGE: the script (its text) fails with exactly that
# first line on stderr, exit status 1
expect() {
    printf '%s\n' "$2" > "$1.nnl"
    "$NNL" "$1.nnl" > /dev/null 2> "$1.err"; local rc=$?
    local got
    got=$(head -1 "$1.err")
    if [ $rc -eq 1 ] && [ "$got" = "$3" ]; then echo "PASS $1"
    else echo "FAIL $1: exit $rc, got: $got"; fi
}
# works NAME SCRIPT: runs cleanly
works() {
    printf '%s\n' "$2" > "$1.nnl"
    if "$NNL" "$1.nnl" > "$1.out" 2>&1; then echo "PASS $1"; else echo "FAIL $1: $(head -1 "$1.out")"; fi
}
F32="too large for float32 (beyond ±3.4028235e+38; 'precision double' holds it)"
F64="too large for float64 (beyond ±1.7976931e+308)"

# ---- CSV: a feature cell, a target, plain and gzipped ---------------------------
printf 'a,b,y\n1,2,0\n3,1e39,1\n' > big.csv
printf 'a,b,y\n1,2,0\n3,1e400,1\n' > huge.csv
printf 'a,y\n1,0.5\n3,-1e39\n' > target.csv
gzip -c big.csv > bigz.csv.gz
expect csv_float32 'data d = csv("big.csv", "y")' \
    "csv_float32.nnl:1:10: error: big.csv:3: '1e39' in column 'b' is $F32"
expect csv_gzip 'data d = csv("bigz.csv.gz", "y")' \
    "csv_gzip.nnl:1:10: error: bigz.csv.gz:3: '1e39' in column 'b' is $F32"
expect csv_float64 'data d = csv("huge.csv", "y")' \
    "csv_float64.nnl:1:10: error: huge.csv:3: '1e400' in column 'b' is $F64"
expect csv_target 'data d = csv("target.csv", "y", classify=false)' \
    "csv_target.nnl:1:10: error: target.csv:3: the target '-1e39' is $F32"
works csv_double_holds_1e39 $'precision double\ndata d = csv("big.csv", "y")'

# ---- IDX: NaN and Inf in float images, scale -------------------------------------
# two items of two big-endian floats: 1, NaN, 0, +Inf
printf '\x00\x00\x0d\x02\x00\x00\x00\x02\x00\x00\x00\x02\x3f\x80\x00\x00\x7f\xc0\x00\x00\x00\x00\x00\x00\x7f\x80\x00\x00' > nan.idx
printf '\x00\x00\x0d\x02\x00\x00\x00\x02\x00\x00\x00\x02\x3f\x80\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\xff\x80\x00\x00' > inf.idx
# doubles: 1, 1e300
printf '\x00\x00\x0e\x02\x00\x00\x00\x01\x00\x00\x00\x02\x3f\xf0\x00\x00\x00\x00\x00\x00\x7e\x37\xe4\x3c\x88\x00\x75\x9c' > big.idx
printf '\x00\x00\x08\x02\x00\x00\x00\x01\x00\x00\x00\x02\x01\xff' > bytes.idx
printf '\x00\x00\x08\x01\x00\x00\x00\x02\x00\x01' > labels.idx
printf '\x00\x00\x08\x01\x00\x00\x00\x01\x00' > label.idx
expect idx_nan 'data d = idx("nan.idx", "labels.idx")' \
    "idx_nan.nnl:1:10: error: nan.idx: byte 16: value 1 of item 0 is NaN (not a number)"
gzip -c inf.idx > inf.idx.gz
expect idx_inf_gzip 'data d = idx("inf.idx.gz", "labels.idx")' \
    "idx_inf_gzip.nnl:1:10: error: inf.idx.gz: byte 24: value 1 of item 1 is infinite"
expect idx_double_into_float32 'data d = idx("big.idx", "label.idx")' \
    "idx_double_into_float32.nnl:1:10: error: big.idx: byte 20: value 1 of item 0 is 1e+300, $F32"
works idx_double_holds_1e300 $'precision double\ndata d = idx("big.idx", "label.idx")'
expect idx_scale_nan 'data d = idx("bytes.idx", "label.idx", scale=0/0)' \
    "idx_scale_nan.nnl:1:10: error: scale is NaN (not a number); it multiplies every value read"
expect idx_scaled_bytes 'data d = idx("bytes.idx", "label.idx", scale=1e37)' \
    "idx_scaled_bytes.nnl:1:10: error: bytes.idx: byte 13: value 1 of item 0 (times scale) is 2.54999998e+39, $F32"

# ---- a model saved in double, loaded in float32; the same through ONNX -----------
works save_double $'precision double\nmodel net {\n  input 1\n  dense 1 with W = [[1e300]], b = [0]\n}\nsave net "big.model"\nexport net "big.onnx"'
expect load_double_into_float32 $'model net {\n  input 1\n  dense 1\n}\nload net "big.model"' \
    "load_double_into_float32.nnl:5:1: error: big.model: byte 145: element 0 of layer 1's W is 1e+300, $F32"
works load_double_into_double $'precision double\nmodel net {\n  input 1\n  dense 1\n}\nload net "big.model"'
if [ -s big.onnx ]; then
    expect import_double_into_float32 'import net "big.onnx"' \
        "import_double_into_float32.nnl:1:1: error: big.onnx: node 1 (Gemm 'net.1.Gemm'): element 0 of its weight matrix B is 1e+300, $F32"
else
    echo "SKIP import_double_into_float32: this nnl was built without ONNX"
fi

# ---- literals: with W = [...], data rows, expressions -----------------------------
expect with_literal $'model net {\n  input 1\n  dense 1 with W = [[1e39]], b = [0]\n}' \
    "with_literal.nnl:3:21: error: element 1 of this list (1e+39) is $F32"
expect data_row_literal $'data d {\n  [1, 1e39] -> [1]\n}' \
    "data_row_literal.nnl:2:3: error: element 2 of this list (1e+39) is $F32"
expect number_literal 'print 2 * 1e39' \
    "number_literal.nnl:1:11: error: this number is $F32"
expect number_beyond_float64 $'precision double\nprint 1e400' \
    "number_beyond_float64.nnl:2:7: error: this number is $F64"
works largest_float32 'print 3.4028234e38'
expect with_computed $'model net {\n  input 1\n  dense 1 with W = [[1]], b = [0 / 0]\n}' \
    "with_computed.nnl:3:31: error: b of layer 1 is NaN at element 1: weights must be finite numbers"

# ---- a float32 model file whose W is NaN (its checksum made right again) ----------
works save_float32 $'model net {\n  input 1\n  dense 1 with W = [[1.5]], b = [0]\n}\nsave net "one.model"'
if python3 - one.model nan.model <<'PY'
import struct, sys, zlib
b = bytearray(open(sys.argv[1], 'rb').read())
i = b.find(struct.pack('<f', 1.5))
b[i:i + 4] = struct.pack('<I', 0x7fc00000)
b[24:28] = struct.pack('<I', zlib.crc32(bytes(b[32:])))
open(sys.argv[2], 'wb').write(bytes(b))
PY
then
    expect load_nan $'model net {\n  input 1\n  dense 1\n}\nload net "nan.model"' \
        "load_nan.nnl:5:1: error: nan.model: byte 145: element 0 of layer 1's W is NaN (not a number)"
else
    echo "FAIL load_nan: could not make nan.model"
fi
