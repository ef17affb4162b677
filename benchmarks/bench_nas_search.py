"""Timing of dalgo.nas searches: one run of 150 queries per algorithm, task loading, the MLP
ensemble fit.

Usage::

    python benchmarks/bench_nas_search.py [--repeats 5] [--out docs/results/bench_nas_search.md]

Goals (issue 5): one BANANAS run of 150 queries <= 10 s on 2 cores; RS / RE / LS well under
a second. Reports the median and the range over repeats (different seeds) and the machine's
load average, since the machine may be shared.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))


def timeit(fn, repeats):
    """Wall and CPU seconds (this process) of ``fn(i)`` for i in range(repeats)."""
    out = []
    for i in range(repeats):
        t, c = time.perf_counter(), time.process_time()
        fn(i)
        out.append((time.perf_counter() - t, time.process_time() - c))
    return np.array(out).reshape(-1, 2)


def fmt(a):
    a = np.asarray(a, float).reshape(len(a), -1)
    w = a[:, 0]
    s = f"{np.median(w):.3g} s (min {w.min():.3g}, max {w.max():.3g})"
    return s + (f" | {np.median(a[:, 1]):.3g} s" if a.shape[1] > 1 else " | –")


def main(argv=None):
    p = argparse.ArgumentParser()
    p.add_argument("--repeats", type=int, default=5)
    p.add_argument("--threads2", action="store_true", help="also time BANANAS with n_threads=2")
    p.add_argument("--skip-nbgraph", action="store_true")
    p.add_argument("--out", default=str(REPO / "docs" / "results" / "bench_nas_search.md"))
    args = p.parse_args(argv)

    import torch

    import dalgo.nas as nas
    from dalgo.nas import MLPEnsemble

    rows = []
    load0 = os.getloadavg()
    t = time.perf_counter()
    task = nas.load_task("nb201-cifar10")
    rows.append(("load_task('nb201-cifar10'), first call (CSV parse)",
                 f"{time.perf_counter() - t:.3g} s | –"))
    for name in ["nbgraph-cora", "tnb101micro-jigsaw"]:
        t = time.perf_counter()
        nas.load_task(name)
        rows.append((f"load_task('{name}'), first call", f"{time.perf_counter() - t:.3g} s | –"))

    # warm-up: torch import and first kernels
    nas.search(task, "bananas", budget=20, random_state=123)
    for alg in ["rs", "re", "ls"]:
        a = timeit(lambda i, alg=alg: nas.search(task, alg, budget=150, random_state=i),
                   max(10, args.repeats))
        rows.append((f"search(nb201-cifar10, '{alg}', budget=150)", fmt(a)))
    for n_threads in ((1, 2) if args.threads2 else (1,)):
        a = timeit(lambda i, n_threads=n_threads: nas.search(
            task, "bananas", budget=150, random_state=i, n_threads=n_threads), args.repeats)
        label = "default" if n_threads == 1 else "non-default"
        rows.append((f"search(nb201-cifar10, 'bananas', budget=150), n_threads={n_threads} "
                     f"({label})", fmt(a)))
    if not args.skip_nbgraph:
        g = nas.load_task("nbgraph-cora")
        a = timeit(lambda i: nas.search(g, "bananas", budget=150, random_state=i), args.repeats)
        rows.append(("search(nbgraph-cora, 'bananas', budget=150)", fmt(a)))

    rng = np.random.default_rng(0)
    X = task.space.encode_many([task.space.sample(rng) for _ in range(150)], "path")
    y = rng.random(150)
    a = timeit(lambda i: MLPEnsemble(random_state=i).fit(X, y), args.repeats)
    rows.append(("MLPEnsemble().fit on 150 x 155 path encodings (5 nets, 10x20, 150 epochs, "
                 "full batch)", fmt(a)))
    a = timeit(lambda i: MLPEnsemble(random_state=i, batch_size=32).fit(X, y), args.repeats)
    rows.append(("MLPEnsemble(batch_size=32).fit, same data", fmt(a)))
    load1 = os.getloadavg()

    lines = [
        "## dalgo.nas search timings",
        "",
        f"Command: `python {' '.join(['benchmarks/bench_nas_search.py'] + sys.argv[1:])}`; "
        "median over repeats (seeds 0..), min and max. "
        f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}.",
        f"Machine: {platform.processor() or platform.machine()}, {os.cpu_count()} CPUs (shared), "
        f"Python {platform.python_version()}, torch {torch.__version__}, numpy {np.__version__}. "
        f"Load average at start / end: {load0[0]:.2f} / {load1[0]:.2f} (other jobs were running, "
        "so these are upper bounds on an idle machine).",
        "",
        "| what | wall time: median (min, max) | CPU time, median |",
        "|---|---|---|",
    ] + [f"| {w} | {v} |" for w, v in rows] + [
        "",
        "Goals: BANANAS 150 queries <= 10 s on 2 cores; RS/RE/LS well under a second. "
        "Threads: BANANAS' MLP training uses `n_threads` torch threads (1 by default); the "
        "rest is single-threaded numpy.",
        "",
    ]
    text = "\n".join(lines)
    print(text)
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(text)


if __name__ == "__main__":
    main()
