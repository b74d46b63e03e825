#!/usr/bin/env bash
# The Jupyter kernel: NNL_SVG_OUT=1 makes plot and graph without `to` print
# their SVG between markers (what the kernel shows); the kernel spec installed
# into a temporary PREFIX runs docs/tutorial.ipynb under jupyter nbconvert
# --execute, with every cell's output there (text, SVG, the tagged error).
# One line "PASS what", "FAIL what: why" or "SKIP what: why" per check.
set -u
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
check() { if [ "$1" = 0 ]; then echo "PASS $2"; else echo "FAIL $2: ${3:-}"; fi; }

cat > "$tmp/pic.nnl" <<'NNL'
data d {
  [0, 0] -> [0]
  [1, 1] -> [1]
}
model net { input 2; dense 1 sigmoid; }
loss mse
optimizer sgd(lr=0.5)
seed 1
train net on d epochs 5 batch 2
plot loss
graph net
NNL
NNL_SVG_OUT=1 "$BUILD/nnl" --quiet "$tmp/pic.nnl" > "$tmp/svg.out" 2>&1
python3 - "$tmp/svg.out" > "$tmp/why" 2>&1 <<'PY'
import sys, xml.etree.ElementTree as ET
text = open(sys.argv[1]).read()
parts = text.split("--- nnl svg begin ---\n")[1:]
assert len(parts) == 2, "%d pictures" % len(parts)
for p in parts:
    svg, rest = p.split("--- nnl svg end ---\n", 1)
    root = ET.fromstring(svg.encode())
    assert root.tag.endswith("svg"), root.tag
PY
check $? "NNL_SVG_OUT=1: plot and graph without to print one SVG each between markers" "$(cat "$tmp/why")"
"$BUILD/nnl" --quiet "$tmp/pic.nnl" 2>&1 | grep -q "nnl svg"
check "$([ $? -ne 0 ]; echo $?)" "without NNL_SVG_OUT no SVG is printed"

# the notebook, with Debian's jupyter-nbconvert and python3-ipykernel
if ! command -v jupyter > /dev/null 2>&1 || ! jupyter nbconvert --version > /dev/null 2>&1; then
    echo "SKIP the tutorial notebook: jupyter nbconvert is not installed (.ci/install-deps installs jupyter-nbconvert, python3-ipykernel)"
    exit 0
fi
make -s install BUILD="$BUILD" PREFIX="$tmp/p" > "$tmp/log" 2>&1 || { check 1 "make install for the kernel" "$(tail -3 "$tmp/log")"; exit 0; }
JUPYTER_PATH=$tmp/p/share/jupyter jupyter kernelspec list > "$tmp/specs" 2>&1
grep -q "^ *nnl *$tmp/p/share/jupyter/kernels/nnl" "$tmp/specs"
check $? "JUPYTER_PATH=PREFIX/share/jupyter finds the installed kernel spec" "$(cat "$tmp/specs")"
(cd "$tmp" && JUPYTER_PATH=$tmp/p/share/jupyter PYDEVD_DISABLE_FILE_VALIDATION=1 timeout 300 \
    jupyter nbconvert --to notebook --execute "$OLDPWD/docs/tutorial.ipynb" --output-dir "$tmp/out" \
    --ExecutePreprocessor.timeout=120) > "$tmp/nb.log" 2>&1
check $? "jupyter nbconvert --execute runs docs/tutorial.ipynb with the nnl kernel" "$(tail -5 "$tmp/nb.log")"

# the kernel as a notebook drives it (jupyter_client, with Jupyter's own Python):
# Tab and Shift-Tab answered by nnl from the live session, an interrupted train,
# cells left inside an open bracket; tests/workplace/kernel.out holds the replies
py=$(sed -n '1s/^#! *//p' "$(command -v jupyter)")
"$py" -c 'import jupyter_client' > /dev/null 2>&1 || py=python3
if "$py" -c 'import jupyter_client' > /dev/null 2>&1; then
    (cd "$tmp" && JUPYTER_PATH=$tmp/p/share/jupyter PYDEVD_DISABLE_FILE_VALIDATION=1 timeout 300 \
        "$py" "$OLDPWD/tests/workplace/kernel_client.py") > "$tmp/client.out" 2> "$tmp/client.err"
    check $? "jupyter_client drives the kernel to the end" "$(tail -5 "$tmp/client.err")"
    ! grep -q "NO REPLY\|NO IDLE" "$tmp/client.out"
    check $? "the kernel answers every request (no cell hangs it)" "$(grep "NO REPLY\|NO IDLE" "$tmp/client.out")"
    for part in complete inspect is_complete interrupt open; do
        case $part in
            complete) pat="^complete" ;; inspect) pat="^inspect" ;; is_complete) pat="^is_complete" ;;
            interrupt) pat="train started|^interrupted|^execute (after the interrupt|a second train)" ;;
            open) pat="^execute (open|after the open|an error)" ;;
        esac
        diff -u <(awk -v p="$pat" '/^[a-z]/ { on = $0 ~ p } on' tests/workplace/kernel.out) \
                <(awk -v p="$pat" '/^[a-z]/ { on = $0 ~ p } on' "$tmp/client.out") > "$tmp/diff" 2>&1
        [ -s "$tmp/client.out" ] && [ -n "$(awk -v p="$pat" '/^[a-z]/ { on = $0 ~ p } on' "$tmp/client.out")" ]
        check "$([ $? = 0 ] && [ ! -s "$tmp/diff" ]; echo $?)" "jupyter_client: $part replies are the golden ones" "$(head -30 "$tmp/diff")"
    done
else
    echo "SKIP the kernel through jupyter_client: python3-jupyter-client is not installed (.ci/install-deps installs jupyter-client)"
fi

[ -f "$tmp/out/tutorial.ipynb" ] || exit 0
python3 - "$tmp/out/tutorial.ipynb" <<'PY'
import json, sys
cells = [c for c in json.load(open(sys.argv[1]))["cells"] if c["cell_type"] == "code"]
def text(c):
    return "".join("".join(o.get("text", "")) for o in c["outputs"] if o["output_type"] == "stream")
def svgs(c):
    return [o for o in c["outputs"] if "image/svg+xml" in o.get("data", {})]
def errors(c):
    return [o for o in c["outputs"] if o["output_type"] == "error"]
def check(ok, what):
    print(("PASS " if ok else "FAIL ") + what)
src = ["".join(c["source"]) for c in cells]
at = {k: next(i for i, s in enumerate(src) if s.startswith(k)) for k in ("data", "model", "init", "plot", "graph", "print net.3")}
check(not any(errors(c) for i, c in enumerate(cells) if i != at["print net.3"]), "tutorial: no cell but the tagged one fails")
check("model net: 2 -> 2 -> 1" in text(cells[at["model"]]), "tutorial: the model cell shows its summary")
t = text(cells[at["init"]])
check("epoch 2000/2000" in t and "[[0.0" in t, "tutorial: the train cell shows its progress and the answers")
for k in ("plot", "graph"):
    s = svgs(cells[at[k]])
    check(len(s) == 1 and "<svg" in "".join(s[0]["data"]["image/svg+xml"]), "tutorial: %s shows one image/svg+xml" % k)
e = errors(cells[at["print net.3"]])
check(len(e) == 1 and e[0]["evalue"].startswith("cell:1:11: error: model 'net' has layers 1 to 2"),
      "tutorial: the mistake is a Jupyter error at the cell's line and column")
check(cells[at["data"]]["execution_count"] == 1 and all(c["execution_count"] for c in cells), "tutorial: every cell ran")
PY
