#!/bin/sh
# tests/fuzz/seeds.sh NAME BUILD — prints the folder of seeds for fuzz target
# NAME, making it first where the seeds come from the tree:
#   script  every script in the tree: examples, golden, error and REPL tests,
#           the ```nnl examples of the docs  ->  BUILD/fuzz/seeds-script
#   load    the models of tests/fuzz/load_models.nnl saved by BUILD/nnl, in
#           float32 and double, with each choice byte  ->  BUILD/fuzz/seeds-load
#   onnx    tests/onnx's ONNX files and those of tests/fuzz/load_models.nnl
#           written by `export`  ->  BUILD/fuzz/seeds-onnx
#   others  tests/fuzz/corpus-NAME (the parser's: tests/fuzz/corpus)
# Run from the top of the tree.
set -e
name=$1
build=${2:-build}
out=$build/fuzz/seeds-$name
case $name in
script)
    rm -rf "$out"; mkdir -p "$out/docs"
    for f in examples/*.nnl tests/golden/*.nnl tests/errors/*.nnl tests/repl/*.in tests/reference/*.nnl; do
        [ -f "$f" ] && cp "$f" "$out/$(echo "$f" | tr / _)"
    done
    for doc in docs/*.md; do
        awk -v dir="$out/docs" -f tests/doc_examples.awk "$doc"
        for ex in "$out"/docs/*.nnl; do
            [ -f "$ex" ] && mv "$ex" "$out/$(basename "$doc" .md)-$(basename "$ex")"
        done
        rm -f "$out"/docs/*
    done
    rmdir "$out/docs"
    ;;
load)
    rm -rf "$out"; mkdir -p "$out"
    work=$(mktemp -d)
    for precision in 0 1; do
        { [ $precision = 1 ] && echo "precision double"
          cat tests/fuzz/load_models.nnl
          for k in 1 2 3; do echo "save m$k \"m$k.model\""; done; } > "$work/models.nnl"
        "$build/nnl" "$work/models.nnl" > /dev/null 2> "$work/err" || { cat "$work/err" >&2; exit 1; }   # warnings are expected
        for k in 0 1 2; do
            for crc in 0 8; do
                choice=$((precision | k << 1 | crc))
                { printf "\\$(printf '%03o' $choice)"; cat "$work/m$((k + 1)).model"; } > "$out/m$((k + 1))-$choice"
            done
        done
    done
    rm -rf "$work"
    ;;
onnx)
    # the ONNX files of tests/onnx and those `export` writes of the load fuzzer's models
    rm -rf "$out"; mkdir -p "$out"
    cp tests/onnx/fixtures/*.onnx tests/onnx/torch/*.onnx "$out/"
    work=$(mktemp -d)
    { cat tests/fuzz/load_models.nnl
      for k in 2 3; do echo "export m$k \"m$k.onnx\""; done; } > "$work/models.nnl"   # m1 has a layer of its own
    if "$build/nnl" "$work/models.nnl" > /dev/null 2> "$work/err"; then cp "$work"/m*.onnx "$out/"
    elif ! grep -q 'built without ONNX' "$work/err"; then cat "$work/err" >&2; rm -rf "$work"; exit 1; fi
    rm -rf "$work"
    ;;
*)
    out=tests/fuzz/corpus-$name
    [ -d "$out" ] || out=tests/fuzz/corpus
    ;;
esac
echo "$out"
