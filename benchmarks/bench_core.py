"""Benchmarks of the core (issue 2): local search and seeding vs scikit-learn, the
β variants, and peak memory, on the MNIST test set (10,000 × 784, k = 10).

Run from the repository root::

    python benchmarks/bench_core.py            # full run, writes docs/results/bench_core.md
    python benchmarks/bench_core.py --quick    # tiny run (n = 2,000), prints only

Pixels are read in place from ``$DALGO_DATA/mnist/t10k-images-idx3-ubyte.gz``
(default ``../shared/data``)
and scaled to [0, 1] (uint8 / 255) as float64. Competitors run in the same
process, interleaved with ours, after a warm-up (numba compilation).

The headline comparisons (local search, seeding) report what a user waits for:
the median wall time over interleaved repetitions with each side's default
threads, the median CPU time (all threads of the process), the thread counts of
both sides (numba, BLAS and OpenMP via threadpoolctl), the ratio both ways, the
same figures with both sides held at one thread, and ``os.getloadavg()`` before
and after. ``--headline`` runs only those two comparisons.
"""

import argparse
import gzip
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
from threadpoolctl import threadpool_info, threadpool_limits

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import numba  # noqa: E402
import scipy  # noqa: E402
import sklearn  # noqa: E402
from sklearn.cluster import KMeans, kmeans_plusplus  # noqa: E402

import dalgo  # noqa: E402
from benchmarks.settle import settle  # noqa: E402
from benchmarks.threads import thread_counts  # noqa: E402
from dalgo import SharedLocalSearch, dalpha_seeding, draw_z, local_search  # noqa: E402
from dalgo.local_search import GRAM_MAX_SAMPLES, gram_matrix, plan_local_search  # noqa: E402

DEFAULT_DATA = (Path(os.environ["DALGO_DATA"]) if os.environ.get("DALGO_DATA")
                else REPO.parent / "shared" / "data") / "mnist" / "t10k-images-idx3-ubyte.gz"
K = 10


def load_mnist(path):
    with gzip.open(path) as f:
        raw = f.read()
    n = int.from_bytes(raw[4:8], "big")
    X = np.frombuffer(raw, np.uint8, offset=16).reshape(n, 784)
    return np.ascontiguousarray(X, dtype=np.float64) / 255.0


def best_of(fns, reps):
    """Run the callables interleaved ``reps`` times; best time of each (secondary rows)."""
    times = [[] for _ in fns]
    out = [None] * len(fns)
    for _ in range(reps):
        for j, fn in enumerate(fns):
            t = time.perf_counter()
            out[j] = fn()
            times[j].append(time.perf_counter() - t)
    return [min(t) for t in times], out


class one_thread:
    """numba and every threadpoolctl pool at one thread; restored on exit."""

    def __enter__(self):
        self._numba = numba.get_num_threads()
        numba.set_num_threads(1)
        self._limits = threadpool_limits(limits=1)
        return self

    def __exit__(self, *exc):
        self._limits.restore_original_limits()
        numba.set_num_threads(self._numba)



def _interleaved(fns, reps):
    wall = [[] for _ in fns]
    cpu = [[] for _ in fns]
    for f in fns:  # warm-up (compilation, thread pools)
        f()
    for _ in range(reps):
        for j, f in enumerate(fns):
            settle()
            c = time.process_time()
            t = time.perf_counter()
            f()
            wall[j].append(time.perf_counter() - t)
            cpu[j].append(time.process_time() - c)
    return ([float(np.median(w)) for w in wall], [float(np.median(c)) for c in cpu],
            [float(min(w)) for w in wall])


def compare(ours, theirs, reps):
    """Median wall and CPU time of ``ours`` and ``theirs``, interleaved, with the
    default threads and with both held at one thread; threads and load beside."""
    load_before = os.getloadavg()
    threads = thread_counts()
    wall, cpu, best = _interleaved([ours, theirs], reps)
    with one_thread():
        threads1 = thread_counts()
        wall1, cpu1, _ = _interleaved([ours, theirs], reps)
    return dict(reps=reps, threads=threads, threads1=threads1,
                ours=wall[0], sklearn=wall[1], ours_cpu=cpu[0], sklearn_cpu=cpu[1],
                ours_best=best[0], sklearn_best=best[1],
                ours_1=wall1[0], sklearn_1=wall1[1], ours_cpu_1=cpu1[0], sklearn_cpu_1=cpu1[1],
                load_before=load_before, load_after=os.getloadavg())


def _fmt_threads(t):
    blas = "/".join(map(str, t["blas"])) or "–"
    omp = "/".join(map(str, t["openmp"])) or "–"
    return f"numba {t['numba']}, BLAS {blas}, OpenMP {omp}"


def _fmt_load(load):
    return ", ".join(f"{v:.1f}" for v in load)


def comparison_table(rows):
    """Markdown rows for :func:`compare` results: ``rows`` = [(label, result)]."""
    L = ["| comparison | threads (both sides) | dalgo wall (s) | scikit-learn wall (s) | "
         "dalgo / sklearn | sklearn / dalgo | dalgo CPU (s) | scikit-learn CPU (s) | "
         "load before → after |",
         "|---|---|---:|---:|---:|---:|---:|---:|---|"]
    for label, r in rows:
        for mode, sfx, th in (("default", "", r["threads"]), ("one thread", "_1",
                                                              r["threads1"])):
            o, t = r["ours" + sfx], r["sklearn" + sfx]
            oc = r["ours_cpu" + ("_1" if sfx else "")]
            tc = r["sklearn_cpu" + ("_1" if sfx else "")]
            L.append(f"| {label}, {mode} | {_fmt_threads(th)} | {o:.4f} | {t:.4f} | "
                     f"**{o / t:.2f}** | {t / o:.2f} | {oc:.4f} | {tc:.4f} | "
                     f"{_fmt_load(r['load_before'])} → {_fmt_load(r['load_after'])} |")
    return L


def print_comparison(label, r):
    print(f"  {label}: default threads ({_fmt_threads(r['threads'])}): dalgo "
          f"{r['ours']:.4f}s (cpu {r['ours_cpu']:.4f}) sklearn {r['sklearn']:.4f}s (cpu "
          f"{r['sklearn_cpu']:.4f}) ratio {r['ours'] / r['sklearn']:.2f} "
          f"(inverse {r['sklearn'] / r['ours']:.2f}); one thread: dalgo {r['ours_1']:.4f}s "
          f"sklearn {r['sklearn_1']:.4f}s ratio {r['ours_1'] / r['sklearn_1']:.2f}; load "
          f"{_fmt_load(r['load_before'])} -> {_fmt_load(r['load_after'])}", flush=True)


# ---------------------------------------------------------------------------
# (a) local search vs scikit-learn KMeans
# ---------------------------------------------------------------------------


def bench_local_search(X, n_iter, reps, headline_only=False):
    rows = []
    seeds = dalpha_seeding(X, K, 2.0, draw_z(K, 0))
    init = X[seeds]

    def ours():
        return local_search(X, init, max_iter=n_iter, tol=0.0)

    def theirs():
        return KMeans(n_clusters=K, init=init, n_init=1, algorithm="lloyd", tol=0,
                      max_iter=n_iter).fit(X)

    assert plan_local_search(*X.shape, init="centers").path == "lloyd"
    headline = compare(ours, theirs, reps)
    r, km = ours(), theirs()
    headline.update(n=X.shape[0], iters=(r.n_iter, int(km.n_iter_)),
                    same_labels=float(np.mean(r.labels == km.labels_)))
    if headline_only:
        return headline, rows, None
    rows.append(dict(path="Lloyd (centres init)", n=X.shape[0],
                     iters=(r.n_iter, int(km.n_iter_)), ours=headline["ours_best"],
                     sklearn=headline["sklearn_best"],
                     same_labels=float(np.mean(r.labels == km.labels_))))

    # Gram path: point-index init, n <= GRAM_MAX_SAMPLES
    ng = min(GRAM_MAX_SAMPLES, X.shape[0])
    Xg = np.ascontiguousarray(X[:ng])
    seeds_g = dalpha_seeding(Xg, K, 2.0, draw_z(K, 0))

    def gram_total():
        return local_search(Xg, seeds_g, max_iter=n_iter, algorithm="gram")

    G = gram_matrix(Xg)

    # SharedLocalSearch with the Gram matrix given runs the plain Gram path
    # (β = 2 with more than PARTITION_MAX_FEATURES features is not shareable)
    given = SharedLocalSearch(Xg, beta=2.0, max_iter=n_iter, gram=G)
    assert given.plan.path == "gram", given.plan

    def gram_iters():
        return given.run(seeds_g)

    def gram_build():
        gram_matrix(Xg)

    def lloyd_g():
        return local_search(Xg, seeds_g, max_iter=n_iter, algorithm="lloyd")

    def theirs_g():
        return KMeans(n_clusters=K, init=Xg[seeds_g], n_init=1, algorithm="lloyd", tol=0,
                      max_iter=n_iter).fit(Xg)

    for f in (gram_total, gram_iters, lloyd_g, theirs_g):
        f()
    (t_tot, t_it, t_build, t_lg, t_skg), (rg, rgi, _, rl, kmg) = best_of(
        [gram_total, gram_iters, gram_build, lloyd_g, theirs_g], reps)
    rows.append(dict(path="Lloyd (index init)", n=ng,
                     iters=(rl.n_iter, int(kmg.n_iter_)), ours=t_lg, sklearn=t_skg,
                     same_labels=float(np.mean(rl.labels == kmg.labels_))))
    rows.append(dict(path="Gram, incl. building the Gram matrix", n=ng,
                     iters=(rg.n_iter, int(kmg.n_iter_)), ours=t_tot, sklearn=t_skg,
                     same_labels=float(np.mean(rg.labels == kmg.labels_))))
    rows.append(dict(path="Gram, iterations only (matrix given)", n=ng,
                     iters=(rgi.n_iter, int(kmg.n_iter_)), ours=t_it, sklearn=t_skg,
                     same_labels=float(np.mean(rgi.labels == kmg.labels_))))
    return headline, rows, t_build


# ---------------------------------------------------------------------------
# (b) seeding vs kmeans_plusplus(n_local_trials=1)
# ---------------------------------------------------------------------------


def bench_seeding(X, reps, headline_only=False):
    z = draw_z(K, 0)

    def ours():
        return dalpha_seeding(X, K, 2.0, z)

    def theirs():
        return kmeans_plusplus(X, K, n_local_trials=1, random_state=0)

    headline = compare(ours, theirs, reps)
    if headline_only:
        return headline
    t_inf, _ = best_of([lambda: dalpha_seeding(X, K, np.inf, z),
                        lambda: dalpha_seeding(X, K, 50.0, z)], reps)
    headline.update(alpha_inf=t_inf[0], alpha_50=t_inf[1])
    return headline


# ---------------------------------------------------------------------------
# (c) β variants: time per iteration vs n
# ---------------------------------------------------------------------------

VARIANTS = [("β = 2 (Lloyd)", 2.0, "euclidean"), ("β = 1 (Weiszfeld)", 1.0, "euclidean"),
            ("β = 3 (IRLS)", 3.0, "euclidean"), ("β = ∞ (MEB)", np.inf, "euclidean"),
            ("medoid, β = 2", 2.0, "medoid"), ("medoid, β = 1", 1.0, "medoid")]


def bench_variants(X, sizes, max_iter):
    # warm-up / compile on a small slice
    for _, beta, center in VARIANTS:
        local_search(X[:300], np.arange(K), beta=beta, center=center, max_iter=2)
    table = {}
    for n in sizes:
        Xn = np.ascontiguousarray(X[:n])
        seeds = dalpha_seeding(Xn, K, 2.0, draw_z(K, 0))
        for name, beta, center in VARIANTS:
            init = Xn[seeds] if center == "euclidean" else seeds
            t = time.perf_counter()
            r = local_search(Xn, init, beta=beta, center=center, max_iter=max_iter)
            dt = time.perf_counter() - t
            table[(name, n)] = (dt / r.n_iter, r.n_iter)
            print(f"  {name:<20} n={n:>6}: {dt / r.n_iter:8.4f} s/iter ({r.n_iter} iters)",
                  flush=True)
    return table


# ---------------------------------------------------------------------------
# (d) peak memory, each case in a fresh interpreter
# ---------------------------------------------------------------------------

MEM_SCRIPT = r"""
import json, resource, sys, tracemalloc
import numpy as np
sys.path.insert(0, {repo!r})
from benchmarks.bench_core import load_mnist
from dalgo import local_search, dalpha_seeding, draw_z
X = load_mnist({path!r})[: {n}]
beta, center, algorithm = float({beta!r}), {center!r}, {algorithm!r}
seeds = dalpha_seeding(X, 10, 2.0, draw_z(10, 0))
init = X[seeds] if algorithm == "lloyd" and center == "euclidean" else seeds
local_search(X[:300], np.arange(10), beta=beta, center=center, max_iter=1)  # compile
def hwm_kib():
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM"):
            return int(line.split()[1])
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss

def rss_kib():
    for line in open("/proc/self/status"):
        if line.startswith("VmRSS"):
            return int(line.split()[1])

try:  # reset the peak-RSS high-water mark (Linux >= 4.0)
    with open("/proc/self/clear_refs", "w") as f:
        f.write("5")
    reset = True
except OSError:
    reset = False
base = rss_kib()
tracemalloc.start()
local_search(X, init, beta=beta, center=center, max_iter={max_iter},
             algorithm=algorithm if center == "euclidean" and beta == 2.0 else "auto")
_, peak = tracemalloc.get_traced_memory()
after = hwm_kib()
print(json.dumps(dict(base_mib=base / 1024, rss_increase_mib=(after - base) / 1024,
                      traced_peak_mib=peak / 2**20, x_mib=X.nbytes / 2**20,
                      hwm_reset=reset)))
"""


def bench_memory(path, n, max_iter):
    cases = [("β = 2, Lloyd path (holds a float32 copy of X)", n, 2.0, "euclidean", "lloyd"),
             ("β = 1", n, 1.0, "euclidean", "auto"),
             ("β = ∞", n, np.inf, "euclidean", "auto"),
             ("medoid, β = 2 (distance matrix only if n ≤ 4096)", n, 2.0, "medoid",
              "auto"),
             ("β = 2, Gram path (builds the n×n Gram matrix)", min(n, 4096), 2.0,
              "euclidean", "gram")]
    rows = []
    for name, nn, beta, center, algorithm in cases:
        code = MEM_SCRIPT.format(repo=str(REPO), path=str(path), n=nn, beta=str(beta),
                                 center=center, algorithm=algorithm,
                                 max_iter=max_iter if beta == 2.0 and center == "euclidean"
                                 else 2)
        proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                              cwd=str(REPO))
        if proc.returncode != 0:
            rows.append((name, nn, None, proc.stderr[-500:]))
            continue
        rows.append((name, nn, json.loads(proc.stdout.strip().splitlines()[-1]), None))
        print(f"  {name}: {rows[-1][2]}", flush=True)
    return rows


# ---------------------------------------------------------------------------


def machine_info():
    cpu = platform.processor() or platform.machine()
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        load = os.getloadavg()
    except OSError:
        load = None
    blas = sorted({f"{i['internal_api']} {i['version']} ({i['num_threads']} threads)"
                   for i in threadpool_info() if i["user_api"] == "blas"})
    return dict(cpu=cpu, cores=os.cpu_count(), load=load, python=platform.python_version(),
                numpy=np.__version__, numba=numba.__version__, scipy=scipy.__version__,
                sklearn=sklearn.__version__, dalgo=dalgo.__version__, blas=blas,
                numba_threads=numba.get_num_threads(),
                threading_layer=_threading_layer())


def _threading_layer():
    try:
        return numba.threading_layer()
    except ValueError:
        return "not yet initialised"


def render(args, info, ls_head, ls_rows, t_build, seed, variants, sizes, memory, wall):
    L = []
    L.append("# Core benchmarks (issues 2 and 12)\n")
    L.append(f"Command: `{args.command}` (wall time {wall:.0f} s).\n")
    L.append(f"Machine: {info['cpu']}, {info['cores']} cores, shared with other "
             f"sessions (load average at the end: "
             f"{_fmt_load(info['load']) if info['load'] else '?'}; each comparison states "
             "the load before and after it).\n")
    L.append(f"Versions: Python {info['python']}, numpy {info['numpy']}, numba "
             f"{info['numba']} ({info['numba_threads']} threads, layer "
             f"{info['threading_layer']}), scipy {info['scipy']}, scikit-learn "
             f"{info['sklearn']}, dalgo {info['dalgo']}; BLAS: {'; '.join(info['blas'])}.\n")
    L.append(f"Data: MNIST test images, {args.n} × 784, pixels as float64 scaled to "
             "[0, 1] (uint8 / 255), read in place; k = 10; seeds from "
             "`dalpha_seeding(X, 10, 2.0, draw_z(10, 0))`.\n")

    L.append("\n## Headline comparisons (what a user waits for)\n")
    L.append(f"Median of {args.reps} interleaved repetitions after a warm-up."
             " Every timed call starts after a 0.2 s pause (`SETTLE_SECONDS`): an OpenMP "
             "pool spin-waits after a parallel region, and on 2 cores the previous "
             "library's spinning threads would steal the cores from the next call "
             "(seeding right after scikit-learn: 37.7 ms instead of 13.7 ms). *default*: "
             "each side with its default threads (dalgo: numba's threads, BLAS held at "
             "one thread inside its kernels; scikit-learn: its OpenMP and BLAS threads); "
             "*one thread*: numba and every threadpoolctl pool at one thread. CPU = "
             "process time of all threads. Goals (wall, default threads): local search "
             "≤ 0.8, seeding ≤ 1.0 (dalgo / sklearn).\n")
    L.append(f"* local search: `local_search(X, C, max_iter={args.iters}, tol=0)` (path "
             f"\"lloyd\") vs `KMeans(init=C, n_init=1, max_iter={args.iters}, "
             "algorithm=\"lloyd\", tol=0).fit(X)`, same initial centres C; iterations "
             f"{ls_head['iters'][0]} / {ls_head['iters'][1]}, same labels "
             f"{100 * ls_head['same_labels']:.2f}%.")
    L.append("* seeding: `dalpha_seeding(X, 10, 2.0, z)` vs "
             "`kmeans_plusplus(X, 10, n_local_trials=1)`.\n")
    L += comparison_table([("β = 2 local search", ls_head), ("α = 2 seeding", seed)])
    L.append("")
    if ls_rows is None:
        return "\n".join(L)

    L.append("\n## (a) Local search vs scikit-learn `KMeans(init=centres, n_init=1, "
             f"algorithm=\"lloyd\", tol=0, max_iter={args.iters})`, all paths\n")
    L.append("Same initial centres, same number of iterations (columns *iters*: ours, "
             f"scikit-learn), best of {args.reps}, default threads. Ratio = ours / "
             "scikit-learn.\n")
    L.append("| path | n | iters | dalgo (s) | scikit-learn (s) | ratio | same labels |")
    L.append("|---|---:|---|---:|---:|---:|---:|")
    for r in ls_rows:
        L.append(f"| {r['path']} | {r['n']} | {r['iters'][0]} / {r['iters'][1]} | "
                 f"{r['ours']:.3f} | {r['sklearn']:.3f} | **{r['ours'] / r['sklearn']:.2f}** "
                 f"| {100 * r['same_labels']:.2f}% |")
    L.append(f"\nBuilding the {min(args.n, GRAM_MAX_SAMPLES)}² Gram matrix alone: "
             f"{t_build:.3f} s. The Gram path pays off when many local searches share one "
             "matrix (the execution tree runs one per leaf); per iteration it costs "
             "O(n k + moves·n) instead of O(n k d).\n")

    L.append("\n## (b) Seeding for other α (best of the repetitions, default threads)\n")
    L.append("| α = 2 (s) | α = ∞ (s) | α = 50 (s) |")
    L.append("|---:|---:|---:|")
    L.append(f"| {seed['ours_best']:.4f} | {seed['alpha_inf']:.4f} | {seed['alpha_50']:.4f} |")
    L.append("\n(`dalpha_seeding` includes input validation; the distinct-points check "
             "comes free from the kernel.)\n")

    L.append(f"\n## (c) β variants: seconds per iteration (max_iter = {args.variant_iters})\n")
    L.append("| variant | " + " | ".join(f"n = {n}" for n in sizes) + " |")
    L.append("|---|" + "---:|" * len(sizes))
    for name, _, _ in VARIANTS:
        cells = []
        for n in sizes:
            t, it = variants[(name, n)]
            cells.append(f"{t:.4f}")
        L.append(f"| {name} | " + " | ".join(cells) + " |")
    mod = sys.modules["dalgo.local_search"]  # the module (the attribute is the function)
    L.append("\nScaling: Lloyd, Weiszfeld and IRLS grow about linearly in n (inner "
             "solver iterations vary with the cluster; the inner solvers stop at a "
             f"relative step of {mod.BETA_CENTER_RTOL:g} or {mod.BETA_CENTER_MAX_ITER} "
             "iterations); exact medoids are quadratic in the cluster size (all m² "
             "member pairs per cluster; for n ≤ 4096 one n×n distance matrix is built "
             "per run, its cost included above, larger n recomputes distances per "
             "candidate); the β = ∞ Frank-Wolfe solver runs to a relative duality gap "
             f"of {mod.MEB_RTOL:g} (at most {mod.MEB_MAX_ITER} steps per centre) and is "
             "the slowest euclidean variant.\n")

    L.append("\n## (d) Peak memory (fresh process per case)\n")
    L.append("`rss increase` = peak resident set during the local search minus the "
             "resident set just before it (after loading X and compiling; the "
             "high-water mark is reset through /proc/self/clear_refs); `traced peak` = "
             "tracemalloc's peak of Python/numpy allocations (numba-internal "
             "allocations are not traced, so the RSS column is the one to read). An "
             f"n×n float64 matrix at n = {args.n} would be "
             f"{args.n ** 2 * 8 / 2**20:.0f} MiB.\n")
    L.append("| case | n | X (MiB) | rss increase (MiB) | traced peak (MiB) |")
    L.append("|---|---:|---:|---:|---:|")
    for name, n, m, err in memory:
        if m is None:
            L.append(f"| {name} | {n} | – | failed: {err!r} | |")
        else:
            L.append(f"| {name} | {n} | {m['x_mib']:.1f} | {m['rss_increase_mib']:.1f} | "
                     f"{m['traced_peak_mib']:.1f} |")
    L.append("")
    return "\n".join(L)


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--quick", action="store_true", help="tiny run (n = 2000), no file")
    p.add_argument("--headline", action="store_true",
                   help="only the local-search and seeding comparisons, printed, no file")
    p.add_argument("--reps", type=int, default=None,
                   help="repetitions per comparison (default 2 quick, 9 full)")
    p.add_argument("--data", default=str(DEFAULT_DATA))
    p.add_argument("--out", default=str(REPO / "docs" / "results" / "bench_core.md"))
    args = p.parse_args(argv)
    args.command = "python benchmarks/bench_core.py" + "".join(
        f" {a}" for a in (argv if argv is not None else sys.argv[1:]))
    if not Path(args.data).exists():
        sys.exit(f"MNIST not found at {args.data}")
    t0 = time.perf_counter()
    X = load_mnist(args.data)
    if args.quick:
        args.n, args.iters, reps, args.variant_iters = 2000, 5, 2, 2
        sizes = [500, 1000, 2000]
    else:
        args.n, args.iters, reps, args.variant_iters = X.shape[0], 20, 9, 3
        sizes = [1000, 2000, 5000, 10000]
    args.reps = args.reps or reps
    X = np.ascontiguousarray(X[: args.n])
    print(f"(a) local search, n={args.n}, {args.iters} iterations", flush=True)
    ls_head, ls_rows, t_build = bench_local_search(X, args.iters, args.reps, args.headline)
    print_comparison("local search", ls_head)
    for r in ls_rows or []:
        print(f"  {r['path']:<40} n={r['n']:>6} ours {r['ours']:.3f}s sklearn "
              f"{r['sklearn']:.3f}s ratio {r['ours'] / r['sklearn']:.2f} iters {r['iters']}",
              flush=True)
    print("(b) seeding", flush=True)
    seed = bench_seeding(X, args.reps, args.headline)
    print_comparison("seeding", seed)
    variants = memory = None
    if not args.headline:
        print("(c) variants", flush=True)
        variants = bench_variants(X, sizes, args.variant_iters)
        print("(d) memory", flush=True)
        memory = bench_memory(args.data, args.n, args.iters)
    info = machine_info()
    md = render(args, info, ls_head, None if args.headline else ls_rows, t_build, seed,
                variants, sizes, memory, time.perf_counter() - t0)
    if args.quick or args.headline:
        print(md)
    else:
        Path(args.out).parent.mkdir(parents=True, exist_ok=True)
        Path(args.out).write_text(md)
        print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
