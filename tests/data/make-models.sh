#!/bin/sh
# Makes the model files the error tests load (tests/errors/load_*.nnl) with
# BUILD/nnl: xor.model, a sound file of a 2-2-1 net with hand-set weights,
# and damaged copies of it.  Run from the top of the tree; the outputs are
# committed, so this is only needed if the format changes.
set -e
nnl=${1:-build}/nnl
dir=tests/data
cat > "$dir/xor-model.nnl" <<'NNL'
model net {
  input 2
  dense 2 sigmoid with W = [[5, 5], [-5, -5]], b = [-2, 8]
  dense 1 sigmoid with W = [[6, 6]], b = [-9]
}
save net "xor.model"
NNL
"$nnl" "$dir/xor-model.nnl"
rm "$dir/xor-model.nnl"
head -c 100 "$dir/xor.model" > "$dir/truncated.model"
# one payload byte changed: the checksum no longer matches
cp "$dir/xor.model" "$dir/damaged.model"
printf '\377' | dd of="$dir/damaged.model" bs=1 seek=60 conv=notrunc 2> /dev/null
# format version 2, as a newer nnl might write
cp "$dir/xor.model" "$dir/newer.model"
printf '\002' | dd of="$dir/newer.model" bs=1 seek=8 conv=notrunc 2> /dev/null
{ cat "$dir/xor.model"; printf 'junk'; } > "$dir/trailing.model"
