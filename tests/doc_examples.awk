# Splits a Markdown file into its ```nnl examples and the ```output block
# that follows each (if any): DIR/N.nnl and DIR/N.expected.  tests/run.sh runs
# each example as DIR/demo.nnl and compares, so the docs cannot drift.
# usage: awk -v dir=DIR -f tests/doc_examples.awk docs/language.md
/^```nnl$/    { n++; file = dir "/" n ".nnl"; printf "" > file; inblock = 1; last = "nnl"; next }
/^```output$/ { if (last == "nnl-done") { file = dir "/" n ".expected"; printf "" > file; inblock = 1 } else inblock = -1; next }
/^```/        { if (inblock) { if (inblock > 0) close(file); inblock = 0; if (last == "output") last = "" ; else if (last == "nnl") last = "nnl-done" } else last = ""; next }
inblock > 0   { print > file; next }
inblock < 0   { next }
/[^ \t]/      { if (last == "nnl-done") last = "" }
