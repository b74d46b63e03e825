# bench/report.awk — the report of `make bench`, from bench/run.sh's files:
#   awk -f bench/report.awk FACTS RUNS.tsv
# FACTS: "key value..." lines (machine, GEMM floor, skipped peers, ...);
# RUNS.tsv: one line per run: workload, implementation, training s, process s,
# peak KiB, final loss.  Prints per workload a table with the median of each
# implementation's runs and nnl's ratio to each peer, whether the final losses
# agree, the GEMM floor of mnist, and the targets of issues #10 and #21.
# Must not: measure anything (run.sh does) or hide a peer that was skipped.

function median(list,    n, v, i, j, t) {
    n = split(list, v, " ")
    for (i = 2; i <= n; i++)
        for (j = i; j > 1 && v[j - 1] + 0 > v[j] + 0; j--) { t = v[j]; v[j] = v[j - 1]; v[j - 1] = t }
    return n % 2 ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2
}
function rel(a, b,    d) { d = (a - b) / b; return d < 0 ? -d : d }
function secs(x) { return x >= 10 ? sprintf("%.1f", x) : x >= 1 ? sprintf("%.2f", x) : x >= 0.01 ? sprintf("%.3f", x) : sprintf("%.4f", x) }
function times(x) { return x >= 10 ? sprintf("%.0f×", x) : sprintf("%.3g×", x) }
function verdict(value, limit) {
    return value <= limit ? "met" : sprintf("NOT MET (%s the limit)", times(value / limit))
}
function target(what, measured, value, limit) {
    printf "  %s: %s: %s\n", what, measured, verdict(value, limit)
}

FNR == NR {
    key = $1; $1 = ""; sub(/^ /, "")
    if (key == "skip") { sub(/ /, "\t"); split($0, s, "\t"); skipped[s[1]] = s[2]; next }
    fact[key] = $0
    many[key] = many[key] " " $0        # gemm_s and all9_s: one per round
    next
}
{
    FS = "\t"; $0 = $0
    k = $1 SUBSEP $2
    if (!(k in train)) { order[$1] = order[$1] SUBSEP $2; nruns[k] = 0 }
    train[k] = train[k] " " $3; wall[k] = wall[k] " " $4; rss[k] = rss[k] " " $5; loss[k] = $6
    nruns[k]++
}

function describe(w) {
    if (w == "xor") return "xor: 2-2-1 sigmoid, mse, sgd lr 0.5, full batch (4 rows), 10,000 steps"
    if (w == "digits") return "digits: 64-32-10 relu, softmax + cross-entropy, 1,797 rows x/16, adam lr 0.001, batch 32, 20 epochs"
    return "mnist: 784-256-128-10 relu, softmax + cross-entropy, 60,000 rows, sgd lr 0.01 momentum 0.9, batch 64, 1 epoch"
}
function samples(w) { return w == "xor" ? 40000 : w == "digits" ? 20 * 1797 : 60000 }
# float32 rounding differs between implementations (summation order, fused
# steps); over 938 mnist updates it reaches ~3e-4 (PyTorch float32 against
# float64), so mnist is compared to 1e-3 here and to 1e-5 by run.sh --double
function tolerance(w) { return w == "xor" ? 1e-5 : w == "digits" ? 1e-4 : 1e-3 }

function table(w,    n, impls, i, k, t, p, base, bt, bp, speed) {
    print ""
    print describe(w)
    printf "  %-36s %11s %10s %11s %13s %9s\n", "implementation", "training s", "process s", "samples/s", "final loss", "peak MiB"
    n = split(substr(order[w], 2), impls, SUBSEP)
    base = w SUBSEP "nnl"
    bt = median(train[base]); bp = median(wall[base])
    for (i = 1; i <= n; i++) {
        k = w SUBSEP impls[i]
        t = median(train[k]); p = median(wall[k])
        med_train[k] = t; med_wall[k] = p; med_rss[k] = median(rss[k]) / 1024
        if (impls[i] ~ /OPENBLAS_CORETYPE/) continue      # shown with the GEMM floor
        printf "  %-36s %11s %10s %11.3g %13.6g %9.1f\n", impls[i], secs(t), secs(p), samples(w) / t, loss[k], med_rss[k]
    }
    for (i = 1; i <= n; i++) {
        if (impls[i] ~ /^nnl/ || impls[i] ~ /OPENBLAS_CORETYPE/) continue
        k = w SUBSEP impls[i]
        speed = bt < med_train[k] ? sprintf("nnl %s faster in training", times(med_train[k] / bt)) : sprintf("nnl %s slower in training", times(bt / med_train[k]))
        printf "  %-36s %11s %10s   %s\n", "nnl / " impls[i], sprintf("%.3g", bt / med_train[k]), sprintf("%.3g", bp / med_wall[k]), speed
    }
    for (p in skipped)
        if (w != "mnist" || p != "fann") printf "  %s: skipped — %s\n", p, skipped[p]
    agreement(w, impls, n)
}

function agreement(w, impls, n,    i, k, l0, d, tol) {
    l0 = loss[w SUBSEP "nnl"]
    tol = tolerance(w)
    for (i = 1; i <= n; i++) {
        k = w SUBSEP impls[i]
        if (impls[i] ~ /^nnl/) continue
        if (impls[i] ~ /OPENBLAS_CORETYPE/) continue    # the same programs with another BLAS kernel
        d = rel(l0, loss[k])
        if (impls[i] == "pytorch") {
            printf "  loss: nnl %s, pytorch %.9g: %s (relative difference %.1e, tolerance %g)\n", l0, loss[k],
                   d <= tol ? "agree" : "DIFFER", d, tol
            if (d > tol) disagreements++
        } else if (impls[i] ~ /torch.optim.Adam/) {
            printf "  loss: torch.optim.Adam %s differs from nnl's by %.1e: it adds epsilon to √v̂, Keras and nnl to √v\n", loss[k], d
        } else if (impls[i] == "fann" && w == "xor") {
            printf "  loss: fann %s %s nnl's: FANN clips y to [0.01, 0.99] in σ'(y) = y(1 - y).\n", loss[k], d <= tol ? "agrees with" : "differs from"
            fx = fact["formula_exact"]; fc = fact["formula_fann_clip"]
            if (fx != "")
                printf "        bench/xor_formulas.py (float64) from the same weights: %s exact, %s with FANN's clipping: %s\n",
                       fx, fc, rel(fc, loss[k]) <= 1e-4 && rel(fx, l0) <= tol ? "both agree" : "DIFFER"
        } else if (impls[i] == "fann") {
            printf "  loss: fann %s is not comparable: FANN has no relu, softmax, cross-entropy or adam (sigmoid units, MSE, gradient descent)\n", loss[k]
        }
    }
}

END {
    printf "nnl benchmarks, %s\n", fact["date"]
    printf "machine: %s, %s cores, %s; OpenBLAS core %s, 1 thread", fact["cpu"], fact["cores"], fact["memory"], fact["core"]
    if ("torch" in fact) printf "; PyTorch %s, 1 thread", fact["torch"]
    print ""
    printf "load average (1, 5, 15 min): %s before, %s after\n", fact["load_before"], fact["load_after"]
    printf "figures: the median of %s runs; training = the training loop (nnl: the train statement, by --time); process = start to exit\n", fact["repeat"]
    printf "mnist data: %s\n", fact["mnist_data"]
    table("xor"); table("digits"); table("mnist")

    # the GEMM floor: the median over the rounds
    gf = fact["gemm_flops"] / 1e9
    fact["gemm_s"] = median(many["gemm_s"]); fact["all9_s"] = median(many["all9_s"])
    fact["gemm_gflops"] = gf / fact["gemm_s"]
    if ("alt_core" in fact) fact["alt_gemm_gflops"] = gf / fact["alt_gemm_s"]
    print ""
    printf "mnist matrix products: 8 per batch (forward 3, ∂W 3, ∂X 2: layer 1 has no input gradient), %.1f GFLOP in the epoch\n", gf
    printf "  %-36s %11s %10s %11s\n", "", "seconds", "GFLOP/s", "x floor"
    printf "  %-36s %11s %10.1f %11s\n", "cblas_sgemm alone (" fact["core"] ")", secs(fact["gemm_s"]), fact["gemm_gflops"], "1"
    for (m = 1; m <= 2; m++) {
        name = m == 1 ? "nnl" : "pytorch"
        k = "mnist" SUBSEP name
        if (k in med_train)
            printf "  %-36s %11s %10.1f %11.2f\n", name " (training loop)", secs(med_train[k]), gf / med_train[k], med_train[k] / fact["gemm_s"]
    }
    if ("alt_core" in fact) {
        a = fact["alt_core"]
        printf "  %-36s %11s %10.1f %11s\n", "cblas_sgemm alone (" a ")", secs(fact["alt_gemm_s"]), fact["alt_gemm_gflops"], "1"
        for (m = 1; m <= 2; m++) {
            name = (m == 1 ? "nnl" : "pytorch")
            k = "mnist" SUBSEP name ", OPENBLAS_CORETYPE=" a
            if (k in med_train)
                printf "  %-36s %11s %10.1f %11.2f\n", name " (" a ", 1 run)", secs(med_train[k]), gf / med_train[k], med_train[k] / fact["alt_gemm_s"]
        }
        printf "  (OpenBLAS picks its %s kernels on this CPU; with OPENBLAS_CORETYPE=%s it uses those of the CPU's instruction set)\n", fact["core"], a
    }
    printf "  the 9th product, layer 1's ∂X, would add %s s (9 products: %s s)\n", secs(fact["all9_s"] - fact["gemm_s"]), secs(fact["all9_s"])

    # the targets of issue #10
    print ""
    print "targets (issue #10)"
    x = "xor" SUBSEP "nnl"; xf = "xor" SUBSEP "fann"
    if (xf in med_wall)
        target("xor: nnl's process ≤ 2 × FANN's process", sprintf("%s s vs 2 × %s s", secs(med_wall[x]), secs(med_wall[xf])),
               med_wall[x], 2 * med_wall[xf])
    d = "digits" SUBSEP "nnl"; dt = "digits" SUBSEP "pytorch"
    if (dt in med_train)
        target("digits: nnl's process (csv load included) ≤ PyTorch's training / 10",
               sprintf("%s s vs %s s / 10", secs(med_wall[d]), secs(med_train[dt])), med_wall[d], med_train[dt] / 10)
    m = "mnist" SUBSEP "nnl"; mt = "mnist" SUBSEP "pytorch"
    if (mt in med_train)
        target("mnist: nnl's training ≤ PyTorch's training / 1.5",
               sprintf("%s s vs %s s / 1.5", secs(med_train[m]), secs(med_train[mt])), med_train[m], med_train[mt] / 1.5)
    target("mnist: nnl's training ≤ 1.5 × the GEMM floor", sprintf("%s s vs 1.5 × %s s", secs(med_train[m]), secs(fact["gemm_s"])),
           med_train[m], 1.5 * fact["gemm_s"])
    target("examples/xor.nnl start to exit < 10 ms (median of 11)", sprintf("%.1f ms", fact["xor_example_s"] * 1e3),
           fact["xor_example_s"] * 1e3, 10)
    printf "    of which its train statement (2,000 steps) %.1f ms; nnl on an empty script takes %.1f ms, a program that only links OpenBLAS %.1f ms\n",
           fact["xor_example_train_s"] * 1e3, fact["empty_script_s"] * 1e3, fact["blas_start_s"] * 1e3
    # x [60000, 784] and one-hot y [60000, 10] in float32, and the 235,146 parameters
    need = (60000 * 784 + 60000 * 10 + 235146) * 4 / 1048576
    target("mnist: peak memory ≤ 1.5 × (data in float32 + parameters)", sprintf("%.0f MiB vs 1.5 × %.0f MiB", med_rss[m], need),
           med_rss[m], 1.5 * need)
    if ("alloc_checks" in fact) {
        split(fact["alloc_checks"], ac, " ")
        printf "  steady-state training allocates nothing per step: tests/unit/test_replay.c, %d checks passed, %d failed: %s\n",
               ac[1], ac[2], (ac[1] > 0 && ac[2] == 0) ? "met" : "NOT MET"
    } else print "  steady-state training allocates nothing per step: not measured (no $BUILD/tests/test_replay)"

    # the targets of issue #21 (bench/scaling.sh prints the rest under its table)
    print ""
    print "targets (issue #21)"
    if (xf in med_train) {
        target("xor: nnl's training ≤ FANN's training", sprintf("%s s vs %s s", secs(med_train[x]), secs(med_train[xf])),
               med_train[x], med_train[xf])
        target("xor: nnl's process ≤ 1.5 × FANN's process", sprintf("%s s vs 1.5 × %s s", secs(med_wall[x]), secs(med_wall[xf])),
               med_wall[x], 1.5 * med_wall[xf])
    } else print "  xor against FANN: not measured (FANN was skipped)"
    da = "digits" SUBSEP "pytorch (torch.optim.Adam)"
    if (da in med_train)
        target("digits: nnl's process ≤ torch.optim.Adam's training / 10",
               sprintf("%s s vs %s s / 10", secs(med_wall[d]), secs(med_train[da])), med_wall[d], med_train[da] / 10)
    else print "  digits against torch.optim.Adam: not measured (PyTorch was skipped)"
    target("mnist: peak memory ≤ 100 MiB", sprintf("%.0f MiB", med_rss[m]), med_rss[m], 100)
    if (disagreements) { print ""; printf "%d comparison(s) of final losses DIFFER\n", disagreements; exit 1 }
}
