"""Benchmarks of the execution tree and the exact loss curve (issues 3 and 12).

(a) Exact loss curve against a 100-point α grid, the way a user waits for it.
    Instances: 5 classes × 100 points of MNIST (pixels / 255) and of digits
    (``dalgo.datasets.load_digits``, d = 64); k = 5, α ∈ [0, 20], β = 2,
    Euclidean centres, Hamming loss.  The curve is ``loss_curves`` (one call:
    tree + leaf searches + losses); the grid is, for 100 α, ``dalpha_seeding``
    with the same z and scikit-learn ``KMeans(init=X[seeds], n_init=1,
    algorithm="lloyd", tol=0)`` plus the Hamming loss.  Each repetition runs,
    interleaved, the curve and the grid with their default threads (numba's
    and scikit-learn's OpenMP/BLAS pools: all cores) and then both with one
    thread (``numba.set_num_threads(1)``, ``threadpoolctl.threadpool_limits(1)``).
    Wall and CPU seconds of this process; medians over repetitions, then over
    instances; the ratio both ways.
(b) Scaling of the tree (``alpha_pieces``) and of the curve against n (MNIST,
    k = 5: n ∈ {500, 1000, 2000, 5000}) and against k (n = 1000: k ∈ {3, 5,
    10}), α ∈ [0, 20].  Each configuration runs in a fresh interpreter, so its
    peak resident memory (``resource.getrusage``) is its own; the memory after
    imports and warm-up is given beside it.  The fitted exponent is the slope of
    log time against log n (or k), least squares.  Above ``GRAM_MAX_SAMPLES``
    (4096) the leaves take the coordinate ("lloyd") path, hours at n = 5000: the
    curve time there is estimated from a sample of leaves (marked "est.")
    unless ``--full-curves`` is given.

Run from the repository root::

    python benchmarks/bench_tree.py            # full run, writes docs/results/bench_tree.md
    python benchmarks/bench_tree.py --quick    # small run, prints only

The machine's load average is printed before and after each part: wall times
on a busy machine are inflated (and threads that wait for a descheduled
partner inflate them more), CPU times much less.
"""

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import time
from functools import partial
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import numba  # noqa: E402
import sklearn  # noqa: E402
from sklearn.cluster import KMeans  # noqa: E402
from threadpoolctl import threadpool_limits  # noqa: E402

import dalgo  # noqa: E402
from benchmarks.settle import settle  # noqa: E402
from benchmarks.threads import describe_pools  # noqa: E402
from dalgo import (  # noqa: E402
    SharedLocalSearch,
    alpha_pieces,
    dalpha_seeding,
    hamming_loss,
    loss_curves,
)
from dalgo.datasets import load_digits, load_mnist  # noqa: E402
from dalgo.seeding import MATH_FUNCTIONS  # noqa: E402

OUT = REPO / "docs" / "results" / "bench_tree.md"
K, PER_CLASS, ALPHA = 5, 100, (0.0, 20.0)
GRID = np.linspace(ALPHA[0], ALPHA[1], 100)


def data_dir():
    return os.environ.get("DALGO_DATA") or str(REPO.parent / "shared" / "data")


def load(name):
    ds = load_mnist(data_dir()) if name == "mnist" else load_digits()
    X = np.asarray(ds.X, dtype=np.float64)
    if name == "mnist":
        X = X / 255.0
    return X, np.asarray(ds.y)


def draw_instance(X, y, k, n, rng):
    """n points drawn from k random classes (equal shares when they exist; else from the
    union of those classes, with further random classes added while it has fewer than n)."""
    order = rng.permutation(np.unique(y))
    classes = np.sort(order[:k])
    pool = [np.flatnonzero(y == c) for c in classes]
    per = n // k
    if all(len(p) >= per for p in pool):
        idx = np.concatenate([rng.choice(p, per, replace=False) for p in pool])
    else:
        extra = list(order[k:])
        while sum(len(p) for p in pool) < n:
            pool.append(np.flatnonzero(y == extra.pop(0)))
        idx = rng.choice(np.concatenate(pool), n, replace=False)
    idx = np.sort(idx)
    return np.ascontiguousarray(X[idx]), y[idx], rng.random(k)



def clock(fn, *args):
    settle()
    w, c = time.perf_counter(), time.process_time()
    out = fn(*args)
    return out, time.perf_counter() - w, time.process_time() - c


def layer():
    try:
        return numba.threading_layer()
    except ValueError:  # no parallel region has run yet
        return numba.config.THREADING_LAYER


def load_text():
    return "{:.2f} {:.2f} {:.2f}".format(*os.getloadavg())


# ---------------------------------------------------------------------------
# (a) curve against grid
# ---------------------------------------------------------------------------


def curve(X, y, z):
    curves, pieces = loss_curves(X, K, z, y=y, alpha_range=ALPHA, return_pieces=True)
    return curves[2.0], len(pieces)


def grid(X, y, z):
    losses = np.empty(GRID.shape[0])
    for i, a in enumerate(GRID):
        seeds = dalpha_seeding(X, K, a, z)
        km = KMeans(n_clusters=K, init=X[seeds], n_init=1, algorithm="lloyd", tol=0.0,
                    max_iter=300).fit(X)
        losses[i] = hamming_loss(y, km.labels_)
    return losses


def one_thread(fn, *args):
    default = numba.get_num_threads()
    numba.set_num_threads(1)
    try:
        with threadpool_limits(1):
            return fn(*args)
    finally:
        numba.set_num_threads(default)


def part_a(names, n_instances, reps, seed, lines):
    rows = []
    for name in names:
        X, y = load(name)
        rng = np.random.default_rng(seed)
        Xw, yw, zw = draw_instance(X, y, K, 10 * K, rng)
        curve(Xw, yw, zw)  # warm-up: numba compilation or cache load, imports
        grid(Xw, yw, zw)
        one_thread(curve, Xw, yw, zw)
        for i in range(n_instances):
            Xi, yi, zi = draw_instance(X, y, K, K * PER_CLASS, rng)
            t = {key: [] for key in ("cw", "cc", "gw", "gc", "cw1", "cc1", "gw1", "gc1")}
            load_start = load_text()
            for _ in range(reps):
                (cv, leaves), w, c = clock(curve, Xi, yi, zi)
                t["cw"].append(w)
                t["cc"].append(c)
                sk, w, c = clock(grid, Xi, yi, zi)
                t["gw"].append(w)
                t["gc"].append(c)
                _, w, c = clock(one_thread, curve, Xi, yi, zi)
                t["cw1"].append(w)
                t["cc1"].append(c)
                _, w, c = clock(one_thread, grid, Xi, yi, zi)
                t["gw1"].append(w)
                t["gc1"].append(c)
            med = {key: float(np.median(v)) for key, v in t.items()}
            row = dict(data=name, instance=i, leaves=leaves, pieces=cv.n_pieces,
                       exact_min=cv.min(), grid_min=float(sk.min()),
                       grid_equal=int(np.sum(cv(GRID) == sk)),
                       missed=int(cv.n_pieces - np.unique(cv.piece_index(GRID)).size),
                       load=f"{load_start} → {load_text()}", **med)
            rows.append(row)
            print(f"  (a) {name} {i}: {leaves} leaves; curve {med['cw']:.3f} s wall "
                  f"({med['cc']:.3f} CPU), grid {med['gw']:.3f} s wall ({med['gc']:.3f} CPU); "
                  f"one thread {med['cw1']:.3f} vs {med['gw1']:.3f}; ratio wall "
                  f"{med['cw'] / med['gw']:.2f}; load {row['load']}", flush=True)
    lines += [
        "## (a) Exact curve vs a 100-point α grid (5 classes × 100 points, k = 5, "
        "α ∈ [0, 20], β = 2, Hamming loss)",
        "",
        f"Per instance the median of {reps} interleaved repetitions (curve, grid, curve on "
        "one thread, grid on one thread), each call after a 0.2 s pause (`SETTLE_SECONDS`: "
        "OpenMP pools spin-wait after a parallel region). Default threads: numba "
        f"{numba.get_num_threads()} (dalgo; `exp` / `log`: {MATH_FUNCTIONS}), scikit-learn "
        f"{describe_pools()}; one thread: "
        "`numba.set_num_threads(1)` and `threadpool_limits(1)`. Wall = what a user waits "
        "for; CPU = process CPU time (all threads). Ratio = curve / grid (< 1: the exact "
        "curve is faster) and grid / curve.",
        "",
        "| data | inst. | leaves | pieces | curve wall s | grid wall s | **curve/grid wall** "
        "| grid/curve wall | curve CPU s | grid CPU s | curve/grid CPU | 1 thread: curve "
        "wall s | grid wall s | curve/grid | load (1 min) start → end |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        lines.append(
            f"| {r['data']} | {r['instance']} | {r['leaves']} | {r['pieces']} | {r['cw']:.3f} | "
            f"{r['gw']:.3f} | **{r['cw'] / r['gw']:.2f}** | {r['gw'] / r['cw']:.2f} | "
            f"{r['cc']:.3f} | {r['gc']:.3f} | {r['cc'] / r['gc']:.2f} | {r['cw1']:.3f} | "
            f"{r['gw1']:.3f} | {r['cw1'] / r['gw1']:.2f} | {r['load']} |")
    lines += ["", "Medians over the instances:", "",
              "| data | curve wall s | grid wall s | **curve/grid wall** | grid/curve wall | "
              "curve/grid CPU | curve/grid, 1 thread | grid points where scikit-learn equals "
              "the curve | loss pieces without a grid point | exact min (median) | grid min "
              "(median) |", "|---|---|---|---|---|---|---|---|---|---|---|"]
    summary = {}
    for name in names:
        rs = [r for r in rows if r["data"] == name]

        def m(f, rs=rs):
            return float(np.median([f(r) for r in rs]))

        summary[name] = dict(cw=m(lambda r: r["cw"]), gw=m(lambda r: r["gw"]),
                             ratio=m(lambda r: r["cw"] / r["gw"]),
                             ratio_cpu=m(lambda r: r["cc"] / r["gc"]),
                             ratio1=m(lambda r: r["cw1"] / r["gw1"]))
        s = summary[name]
        lines.append(
            f"| {name} | {s['cw']:.3f} | {s['gw']:.3f} | **{s['ratio']:.2f}** | "
            f"{1 / s['ratio']:.2f} | {s['ratio_cpu']:.2f} | {s['ratio1']:.2f} | "
            f"{m(lambda r: r['grid_equal']):.0f}/100 | {m(lambda r: r['missed']):.0f}/"
            f"{m(lambda r: r['pieces']):.0f} | {m(lambda r: r['exact_min']):.4f} | "
            f"{m(lambda r: r['grid_min']):.4f} |")
    lines.append("")
    return summary


# ---------------------------------------------------------------------------
# (b) scaling, one configuration per interpreter
# ---------------------------------------------------------------------------


def rss_mib():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def one_config(n, k, reps, seed, full_curve, sample):
    """Measure one (n, k) in this interpreter; prints one JSON line."""
    X, y = load("mnist")
    rng = np.random.default_rng(seed)
    Xw, yw, zw = draw_instance(X, y, k, 12 * k, rng)
    loss_curves(Xw, k, zw, y=yw, alpha_range=ALPHA)  # warm-up
    Xi, yi, zi = draw_instance(X, y, k, n, rng)
    base = rss_mib()
    tree_w, tree_c = [], []
    for _ in range(reps):
        pieces, w, c = clock(partial(alpha_pieces, Xi, k, zi, alpha_range=ALPHA))
        tree_w.append(w)
        tree_c.append(c)
    out = dict(n=int(Xi.shape[0]), k=k, leaves=len(pieces), tree_wall=float(np.median(tree_w)),
               tree_cpu=float(np.median(tree_c)), base_mib=base)
    shared = SharedLocalSearch(Xi, beta=2.0, want_centers=False)
    out["path"] = shared.plan.path
    if full_curve or shared.plan.path == "gram":
        cw, cc = [], []
        for _ in range(reps if shared.plan.path == "gram" else 1):
            (curves, _), w, c = clock(partial(loss_curves, Xi, k, zi, y=yi,
                                                      alpha_range=ALPHA, return_pieces=True))
            cw.append(w)
            cc.append(c)
        out.update(curve_wall=float(np.median(cw)), curve_cpu=float(np.median(cc)),
                   pieces=curves[2.0].n_pieces, estimated=False)
    else:
        # the leaf searches of a sample of leaves, scaled to all leaves, plus the tree
        pick = np.random.default_rng(0).choice(len(pieces), min(sample, len(pieces)),
                                               replace=False)
        seeds = np.array([pieces[i].seeds for i in pick])
        _, w, c = clock(shared.run_many, seeds)
        scale = len(pieces) / len(pick)
        out.update(curve_wall=out["tree_wall"] + w * scale, curve_cpu=out["tree_cpu"] + c * scale,
                   pieces=None, estimated=True)
    out["peak_mib"] = rss_mib()
    print("RESULT " + json.dumps(out), flush=True)


def run_config(n, k, reps, seed, full_curve, sample):
    cmd = [sys.executable, __file__, "--one", f"{n},{k}", "--reps", str(reps), "--seed",
           str(seed), "--sample", str(sample)] + (["--full-curves"] if full_curve else [])
    load_start = load_text()
    done = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"n={n}, k={k} failed:\n{done.stderr[-3000:]}")
    line = [s for s in done.stdout.splitlines() if s.startswith("RESULT ")][-1]
    out = json.loads(line[len("RESULT "):])
    out["load"] = f"{load_start} → {load_text()}"
    return out


def slope(xs, ys):
    """Least-squares slope of log y against log x."""
    return float(np.polyfit(np.log(xs), np.log(ys), 1)[0])


def part_b(ns, ks, n_for_k, reps, seed, full_curves, sample, lines):
    runs = []
    for label, configs in (("n", [(n, K) for n in ns]), ("k", [(n_for_k, k) for k in ks])):
        rows = []
        for n, k in configs:
            r = run_config(n, k, reps, seed, full_curves, sample)
            rows.append(r)
            est = " (est.)" if r["estimated"] else ""
            print(f"  (b) n={r['n']} k={k}: {r['leaves']} leaves, tree {r['tree_wall']:.2f} s "
                  f"wall ({r['tree_cpu']:.2f} CPU), curve {r['curve_wall']:.2f}{est} s wall, "
                  f"path {r['path']}, peak {r['peak_mib']:.0f} MiB; load {r['load']}",
                  flush=True)
        runs.append((label, rows))
    lines += [
        "## (b) Scaling: tree and curve time against n and k (MNIST, α ∈ [0, 20], β = 2)",
        "",
        f"One instance per row (n points from k random classes), each in a fresh interpreter; "
        f"times are medians of {reps} runs with default threads (wall, CPU in brackets); "
        "curve = `loss_curves` (tree + leaf searches + losses). Peak = peak resident memory "
        "of the interpreter (`ru_maxrss`), base = after imports and warm-up, before the "
        "instance. Leaf-search path from `plan_local_search`.",
        "",
    ]
    for label, rows in runs:
        xs = [r[label] for r in rows]
        lines += [
            f"| {label} (varied) | n | k | leaves | path | tree s wall (CPU) | curve s wall "
            "(CPU) | "
            "peak MiB (base) | load (1 min) |",
            "|---|---|---|---|---|---|---|---|---|",
        ]
        for r in rows:
            est = " est." if r["estimated"] else ""
            lines.append(
                f"| {r[label]} | {r['n']} | {r['k']} | {r['leaves']} | {r['path']} | "
                f"{r['tree_wall']:.2f} ({r['tree_cpu']:.2f}) | {r['curve_wall']:.2f} "
                f"({r['curve_cpu']:.2f}){est} | {r['peak_mib']:.0f} ({r['base_mib']:.0f}) | "
                f"{r['load']} |")
        exact = [r for r in rows if not r["estimated"]]
        fits = [f"tree wall ~ {label}^{slope(xs, [r['tree_wall'] for r in rows]):.2f}",
                f"tree CPU ~ {label}^{slope(xs, [r['tree_cpu'] for r in rows]):.2f}",
                f"leaves ~ {label}^{slope(xs, [r['leaves'] for r in rows]):.2f}"]
        if len(exact) >= 2:
            fits.append(f"curve wall ~ {label}^"
                        f"{slope([r[label] for r in exact], [r['curve_wall'] for r in exact]):.2f}"
                        f" (measured rows only)")
        lines += ["", "Fitted exponents (log-log least squares): " + "; ".join(fits) + ".", ""]
    return runs


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true",
                        help="small run (1 instance, 2 repetitions, n ≤ 1000), print only")
    parser.add_argument("--instances", type=int, default=None,
                        help="instances per data set for (a) (default 3, quick 1)")
    parser.add_argument("--reps", type=int, default=None,
                        help="repetitions per timing, the median kept (default 3, quick 2)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--full-curves", action="store_true",
                        help="(b): run the whole curve above the Gram limit too (hours)")
    parser.add_argument("--sample", type=int, default=40,
                        help="(b): leaves timed to estimate a curve above the Gram limit")
    parser.add_argument("--out", default=str(OUT))
    parser.add_argument("--one", default=None, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    reps = args.reps or (2 if args.quick else 3)
    if args.one:
        n, k = (int(v) for v in args.one.split(","))
        one_config(n, k, reps, args.seed, args.full_curves, args.sample)
        return
    n_inst = args.instances or (1 if args.quick else 3)
    ns, ks, n_for_k = ([500, 1000], [3, 5], 500) if args.quick else (
        [500, 1000, 2000, 5000], [3, 5, 10], 1000)
    t0 = time.perf_counter()
    load_before = load_text()
    lines = []
    print(f"load {load_before}; numba threads {numba.get_num_threads()} "
          f"({layer()}), scikit-learn {describe_pools()}", flush=True)
    summary = part_a(["mnist", "digits"], n_inst, reps, args.seed, lines)
    part_b(ns, ks, n_for_k, reps, args.seed + 1, args.full_curves, args.sample, lines)
    elapsed = time.perf_counter() - t0
    cmd = "python benchmarks/bench_tree.py" + " ".join(
        [""] + [a for a in (argv if argv is not None else sys.argv[1:])])
    head = [
        "# Execution-tree benchmarks (issues 3 and 12)",
        "",
        f"Command: `{cmd}` (from the repository root), total {elapsed / 60:.1f} min wall.",
        "",
        f"Machine: {platform.processor() or platform.machine()}, {os.cpu_count()} CPU cores; "
        f"load average (1, 5, 15 min) {load_before} at the start and {load_text()} at the "
        f"end. Python {platform.python_version()}, numpy {np.__version__}, numba "
        f"{numba.__version__} (threading layer {layer()}, "
        f"{numba.get_num_threads()} threads), scikit-learn {sklearn.__version__} "
        f"({describe_pools()}), dalgo {dalgo.__version__}.",
        "",
        "Headline (median over instances, wall time, default threads on both sides): "
        + "; ".join(f"{name} curve/grid **{s['ratio']:.2f}** (grid/curve {1 / s['ratio']:.2f}"
                    f"; CPU {s['ratio_cpu']:.2f}; one thread each {s['ratio1']:.2f})"
                    for name, s in summary.items()) + ".",
        "",
    ]
    text = "\n".join(head + lines)
    print(text)
    if not args.quick:
        Path(args.out).write_text(text + "\n")
        print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
