# Rewrites the ```output blocks of a Markdown file with what its ```nnl
# blocks printed: the output block after the Nth nnl block (only blank lines
# between, as tests/doc_examples.awk pairs them) becomes DIR/N.out.  Prints
# the new file.  usage: awk -v dir=DIR -f scripts/doc_outputs.awk docs/tutorial.md
function copy(file,   line) {
    while ((getline line < file) > 0) print line
    close(file)
}
skip && /^```$/    { skip = 0; print; next }
skip               { next }
/^```nnl$/         { n++; innl = 1; print; next }
innl && /^```$/    { innl = 0; after = 1; print; next }
innl               { print; next }
after && /^```output$/ { print; copy(dir "/" n ".out"); skip = 1; after = 0; next }
/[^ \t]/           { after = 0 }
                   { print }
