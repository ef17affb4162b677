"""Benchmark: exact Euclidean β ≠ 2 loss curves in high dimension, Gram path vs coordinates.

One MNIST instance drawn as in issue 12 (5 classes × 100 points, pixels / 255, k = 5, a
uniform z, α ∈ [0, 20]; numpy seed 0) and one digits instance drawn the same way (d = 64,
near the Gram path's threshold).  For β ∈ {1, 3}, ``dalgo.loss_curve`` runs

* on the ``"beta_gram"`` path (what ``plan_local_search`` picks: β-centres as combinations
  of their members on the members' Gram matrix), ``--repeats`` times, and
* on the coordinate path ``"beta_center"`` (the path before issue 12; forced here by
  raising ``dalgo.local_search.BETA_GRAM_MIN_FEATURES``), ``--coordinate-repeats`` times
  (over a minute per MNIST run), interleaved with the Gram runs.

Reported per case: wall and CPU seconds (median and all runs), pieces, whether the two
curves are identical (breakpoints and values), the machine's load average before and after
each run.  Both sides are single-threaded (serial numba kernels, BLAS held at one thread
for the Gram matrix), so wall ≈ CPU on an idle machine.

Run from the repository root (about 4 min idle, most of it the coordinate runs)::

    python benchmarks/bench_beta_center.py
    python benchmarks/bench_beta_center.py --coordinate-repeats 0   # Gram path only, ~1 min
"""

import argparse
import importlib
import os
import platform
import sys
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "experiments"))

import common as C  # noqa: E402

from dalgo import loss_curve  # noqa: E402
from dalgo.datasets import load_digits, load_mnist  # noqa: E402

ls_module = importlib.import_module("dalgo.local_search")
GRAM_MIN_FEATURES = ls_module.BETA_GRAM_MIN_FEATURES


def instance(name, data_dir):
    """The issue-12 draw: 5 classes × 100 points, z uniform (numpy seed 0)."""
    if name == "mnist":
        ds = load_mnist(data_dir)
        X = np.asarray(ds.X) / 255.0
    else:
        ds = load_digits()
        X = np.asarray(ds.X, dtype=float)
    y = np.asarray(ds.y)
    rng = np.random.default_rng(0)
    classes = np.sort(rng.choice(10, 5, replace=False))
    idx = np.concatenate([rng.choice(np.flatnonzero(y == c), 100, replace=False)
                          for c in classes])
    return np.ascontiguousarray(X[idx]), y[idx], rng.random(5)


def timed_curve(X, y, z, beta, path):
    ls_module.BETA_GRAM_MIN_FEATURES = GRAM_MIN_FEATURES if path == "beta_gram" else 10**9
    try:
        assert ls_module.plan_local_search(*X.shape, beta=beta).path == path
        load0 = os.getloadavg()[0]
        t0, c0 = time.perf_counter(), time.process_time()
        curve = loss_curve(X, 5, z, y=y, alpha_range=(0, 20), beta=beta)
        wall, cpu = time.perf_counter() - t0, time.process_time() - c0
        return curve, {"wall": wall, "cpu": cpu, "load": (load0, os.getloadavg()[0])}
    finally:
        ls_module.BETA_GRAM_MIN_FEATURES = GRAM_MIN_FEATURES


def fmt(runs, key):
    if not runs:
        return "—"
    vals = [r[key] for r in runs]
    return f"{np.median(vals):.2f} ({', '.join(f'{v:.2f}' for v in vals)})"


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--data-dir", default=C.DEFAULT_DATA_DIR)
    p.add_argument("--repeats", type=int, default=3)
    p.add_argument("--coordinate-repeats", type=int, default=1)
    p.add_argument("--datasets", nargs="+", default=["mnist", "digits"],
                   choices=["mnist", "digits"])
    p.add_argument("--betas", type=float, nargs="+", default=[1.0, 3.0])
    p.add_argument("--out", default=str(REPO / "docs" / "results" / "bench_beta_center.md"))
    args = p.parse_args(argv)
    import numba

    rows = []
    for name in args.datasets:
        X, y, z = instance(name, args.data_dir)
        for beta in args.betas:
            # compile / load the kernels of both paths outside the timed runs
            Xs, ys = X[:40], y[:40]
            for path in ("beta_gram", "beta_center"):
                ls_module.BETA_GRAM_MIN_FEATURES = (GRAM_MIN_FEATURES if path == "beta_gram"
                                                    else 10**9)
                loss_curve(Xs, 5, z, y=ys, alpha_range=(0, 2), beta=beta)
            ls_module.BETA_GRAM_MIN_FEATURES = GRAM_MIN_FEATURES
            gram, coord, curves = [], [], {}
            for rep in range(max(args.repeats, args.coordinate_repeats)):
                for path, runs in (("beta_gram", gram), ("beta_center", coord)):
                    limit = args.repeats if path == "beta_gram" else args.coordinate_repeats
                    if rep >= limit:
                        continue
                    curve, t = timed_curve(X, y, z, beta, path)
                    runs.append(t)
                    curves[path] = curve
                    print(f"{name} β={beta:g} {path:11s} wall {t['wall']:.2f} s, CPU "
                          f"{t['cpu']:.2f} s, {len(curve.values)} pieces, load "
                          f"{t['load'][0]:.1f} → {t['load'][1]:.1f}", flush=True)
            same = None
            if len(curves) == 2:
                a, b = curves["beta_gram"], curves["beta_center"]
                same = (np.array_equal(a.breakpoints, b.breakpoints)
                        and np.array_equal(a.values, b.values))
            rows.append({"name": name, "n": X.shape[0], "d": X.shape[1], "beta": beta,
                         "pieces": len(curves["beta_gram"].values), "gram": gram,
                         "coord": coord, "same": same})
    loads = [v for r in rows for t in r["gram"] + r["coord"] for v in t["load"]]
    lines = [
        "# Euclidean β ≠ 2 loss curves in high dimension: Gram path vs coordinates",
        "",
        f"`python benchmarks/bench_beta_center.py` on "
        f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, {platform.machine()}, "
        f"{os.cpu_count()} cores, numba threads {numba.get_num_threads()} (both paths run "
        f"serial kernels; BLAS held at one thread), load average {min(loads):.1f}–"
        f"{max(loads):.1f} during the runs.  One exact `loss_curve` (α ∈ [0, 20], k = 5, "
        "Hamming loss) of the issue-12 instance; seconds as median (all runs); Gram and "
        "coordinate runs interleaved.",
        "",
        "| instance | n × d | β | pieces | Gram path wall (s) | Gram path CPU (s) | "
        "coordinates wall (s) | coordinates CPU (s) | CPU ratio Gram / coord. | "
        "curves identical |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        ratio = (f"{np.median([t['cpu'] for t in r['gram']]) / np.median([t['cpu'] for t in r['coord']]):.3f}"  # noqa: E501
                 if r["coord"] else "—")
        lines.append(
            f"| {r['name']} | {r['n']} × {r['d']} | {r['beta']:g} | {r['pieces']} | "
            f"{fmt(r['gram'], 'wall')} | {fmt(r['gram'], 'cpu')} | {fmt(r['coord'], 'wall')} | "
            f"{fmt(r['coord'], 'cpu')} | {ratio} | "
            f"{'—' if r['same'] is None else ('yes' if r['same'] else 'no')} |")
    Path(args.out).write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
