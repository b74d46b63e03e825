# Compares two outputs number by number: every number in the expected file must
# match the one in the same place of the actual output within TOL (absolute
# plus relative) or within the rounding of the digits the actual output
# printed (nnl prints 9 significant digits, or 6 for progress and evaluate;
# fewer digits shown mean trailing zeros, so at least 6 are assumed); the words
# around them must be identical.
# usage: awk -v tol=1e-5 -f tests/numdiff.awk expected actual
function tokens(file, arr,   n, line, i, parts, m) {
    n = 0
    while ((getline line < file) > 0) {
        gsub(/[][,=();]/, " & ", line)
        m = split(line, parts, /[ \t]+/)
        for (i = 1; i <= m; i++) if (parts[i] != "") arr[++n] = parts[i]
    }
    close(file)
    return n
}
function isnum(s) { return s ~ /^[-+]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][-+]?[0-9]+)?$/ }
# half a unit in the last significant digit of a printed number
function rounding(s,   mant, x, k, frac, digits, place) {
    sub(/^[-+]/, "", s)
    x = 0
    if (match(s, /[eE]/)) { x = substr(s, RSTART + 1) + 0; s = substr(s, 1, RSTART - 1) }
    mant = s
    frac = index(mant, ".") ? length(mant) - index(mant, ".") : 0
    digits = mant
    gsub(/\./, "", digits)
    sub(/^0+/, "", digits)
    if (digits == "") return 0
    place = 10 ^ (x - frac)
    for (k = length(digits); k < 6; k++) place /= 10
    return place / 2
}
BEGIN {
    if (tol == "") tol = 1e-5
    ne = tokens(ARGV[1], exp_); na = tokens(ARGV[2], act)
    bad = 0
    if (ne != na) { printf "  token count differs: expected %d, got %d\n", ne, na; bad = 1 }
    for (i = 1; i <= ne && i <= na && bad < 5; i++) {
        e = exp_[i]; a = act[i]
        if (isnum(e) && isnum(a)) {
            d = e - a; if (d < 0) d = -d
            s = e < 0 ? -e : e
            if (d > tol * (1 + s) + rounding(a)) { printf "  token %d: expected %s, got %s\n", i, e, a; bad++ }
        } else if (e != a) { printf "  token %d: expected '%s', got '%s'\n", i, e, a; bad++ }
    }
    exit bad ? 1 : 0
}
