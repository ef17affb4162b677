"""Benchmark: one exact loss curve, timed in two or more checkouts of dalgo, interleaved.

An internal change (the assignment step's distance bounds of issue 12, say) has no
competitor in the same process: its competitor is the code before it. This script runs
the same curve with each given checkout in a fresh interpreter (``PYTHONPATH`` = the
checkout; numba's cache warmed by one untimed call first), ``--reps`` times in turn, and
reports per checkout the median wall seconds of the tree, the leaf searches and the whole
call, each side's default threads, and a hash of the curve: the hashes must agree, since
such a change must not alter a single breakpoint or value.

The instance is a data set of the clustering benchmark suite (``--dataset battery/name``,
noise points dropped, k = its number of clusters in ``labels0``) with the seeding draw
``z`` of ``--seed``, or ``--dataset gaussian_grid`` / ``digits`` (a protocol instance,
``experiments/common.py``); β = 2, Euclidean centres, Hamming loss, α in ``--alpha``.

Run from the repository root, e.g. the commit before a change against the working tree::

    git worktree add /tmp/before HEAD~1
    python benchmarks/bench_checkouts.py /tmp/before . --dataset sipu/s1 --alpha 1.5 2.5
"""

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]

#: What each checkout's interpreter runs: build the instance, warm up, time one curve.
CHILD = r"""
import hashlib, json, sys, time
import numpy as np
import dalgo
from dalgo.execution_tree import instance_loss_curves
from dalgo.instances import Instance
from dalgo.losses import get_loss
from dalgo.seeding import draw_z
args = json.loads(sys.argv[1])
if "/" in args["dataset"]:
    from dalgo.datasets import load_clustering_benchmark
    battery, name = args["dataset"].split("/")
    ds = load_clustering_benchmark(battery, name, args["data_dir"], labels=0, drop_noise=True)
    k = int(ds.n_classes)
    inst = Instance(ds.X, ds.y, k, draw_z(k, args["seed"]), args["dataset"])
else:
    sys.path.insert(0, args["experiments"])
    import common as C
    inst = C.pool_instances(args["dataset"], [args["seed"]], args["data_dir"])[0]
loss = get_loss("hamming")
def curve(alpha):
    t0 = time.perf_counter()
    curves, pieces, timing = instance_loss_curves(
        inst, loss_fn=loss, betas=[2.0], center="euclidean", alpha_range=alpha, max_iter=300)
    return curves[2.0], len(pieces), timing, time.perf_counter() - t0
lo = args["alpha"][0]
curve((lo, lo + 1e-3))  # compile or load every kernel before the clock starts
c, leaves, timing, wall = curve(tuple(args["alpha"]))
digest = hashlib.sha256(c.breakpoints.tobytes() + c.values.tobytes()).hexdigest()[:16]
print(json.dumps({"dalgo": dalgo.__file__, "leaves": leaves, "pieces": c.n_pieces,
                  "tree": timing["tree_seconds"], "search": timing["search_seconds"],
                  "wall": wall, "hash": digest}))
"""


def run_child(checkout, payload):
    env = dict(os.environ, PYTHONPATH=str(Path(checkout).resolve()))
    done = subprocess.run([sys.executable, "-c", CHILD, json.dumps(payload)], env=env,
                          capture_output=True, text=True, check=False, cwd=str(checkout))
    if done.returncode != 0:
        raise SystemExit(f"{checkout}: the curve failed:\n{done.stderr[-3000:]}")
    out = json.loads(done.stdout.strip().splitlines()[-1])
    expected = str(Path(checkout).resolve() / "dalgo")
    if not out["dalgo"].startswith(expected):
        raise SystemExit(f"{checkout}: imported dalgo from {out['dalgo']}, not from {expected}")
    return out


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("checkouts", nargs="+", help="folders holding a dalgo checkout")
    p.add_argument("--dataset", default="sipu/s1")
    p.add_argument("--alpha", type=float, nargs=2, default=(1.5, 2.5))
    p.add_argument("--seed", type=int, default=12345,
                   help="seed of z (suite data sets) or index in the protocol pool")
    p.add_argument("--reps", type=int, default=2)
    p.add_argument("--data-dir", default=os.environ.get("DALGO_DATA")
                   or str(REPO.parent / "shared" / "data"))
    args = p.parse_args(argv)
    for c in args.checkouts:
        if not (Path(c) / "dalgo" / "__init__.py").is_file():
            p.error(f"{c} holds no dalgo checkout (no dalgo/__init__.py)")
    payload = {"dataset": args.dataset, "alpha": list(args.alpha), "seed": args.seed,
               "data_dir": args.data_dir, "experiments": str(REPO / "experiments")}
    runs = {c: [] for c in args.checkouts}
    load = [os.getloadavg()[0]]
    for _ in range(args.reps):
        for c in args.checkouts:
            runs[c].append(run_child(c, payload))
            load.append(os.getloadavg()[0])
    print(f"{args.dataset}, α ∈ [{args.alpha[0]}, {args.alpha[1]}], z seed {args.seed}; "
          f"{args.reps} interleaved runs per checkout; load (1 min) {min(load):.2f}–"
          f"{max(load):.2f}; {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}")
    print("| checkout | leaves | pieces | tree s | search s | wall s | curve hash |")
    print("|---|---|---|---|---|---|---|")
    for c, rs in runs.items():
        med = {key: float(np.median([r[key] for r in rs])) for key in ("tree", "search", "wall")}
        hashes = sorted({r["hash"] for r in rs})
        print(f"| {c} | {rs[0]['leaves']} | {rs[0]['pieces']} | {med['tree']:.2f} | "
              f"{med['search']:.2f} | {med['wall']:.2f} | {', '.join(hashes)} |")
    if len({r["hash"] for rs in runs.values() for r in rs}) != 1:
        raise SystemExit("the checkouts' curves differ")


if __name__ == "__main__":
    main()
