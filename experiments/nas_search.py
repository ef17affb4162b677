"""Regret curves of RS, RE, LS and BANANAS on the offline NAS tasks, and BANANAS / RE tuned
over tasks (leave-one-task-out) against their defaults.

Writes ``<out>/nas_search.json`` and figures ``<out>/nas_regret_*.png``, ``<out>/nas_tuning.png``.

Usage::

    python experiments/nas_search.py                 # full protocol (30 seeds, all tasks)
    python experiments/nas_search.py --smoke --out /tmp/x   # seconds; for the test suite
    python experiments/nas_search.py --seeds 10 --tuning-seeds 5 --cache /tmp/nas_runs.json

``--cache`` stores every finished (task, algorithm, seed) curve and tuning result, so an
interrupted run resumes where it stopped.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import dalgo.nas as nas  # noqa: E402
from dalgo import stats  # noqa: E402
from dalgo.nas.benchmarks import NBGRAPH_DATASETS, TNB101_MICRO_TASKS  # noqa: E402

ALGOS = ["rs", "re", "ls", "bananas"]
FULL_TASKS = (["nb201-cifar10"] + [f"nbgraph-{d}" for d in NBGRAPH_DATASETS]
              + [f"tnb101micro-{t}" for t in TNB101_MICRO_TASKS])
SMOKE_TASKS = ["nb201-cifar10", "nbgraph-proteins", "tnb101micro-jigsaw"]

RE_GRID = {"population_size": [10, 20, 30, 50], "sample_size": [3, 5, 10]}
BANANAS_GRID = {"acquisition": ["its", "ucb", "ei"], "n_init": [10, 30]}
SMOKE_RE_GRID = {"population_size": [10, 30]}
SMOKE_BANANAS_GRID = {"acquisition": ["its", "ucb"]}


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--smoke", action="store_true", help="tiny sizes (a few seconds)")
    p.add_argument("--seeds", type=int, default=30, help="seeds per (task, algorithm) curve")
    p.add_argument("--budget", type=int, default=150)
    p.add_argument("--bananas-seeds", type=int, default=None,
                   help="fewer seeds for the BANANAS curves (reduced runs; recorded in the output)")
    p.add_argument("--tasks", nargs="*", default=None, help="task names (default: all curve tasks)")
    p.add_argument("--tuning-seeds", type=int, default=5, help="seeds per (config, task) in tuning")
    p.add_argument("--re-tuning-seeds", type=int, default=30)
    p.add_argument("--tuning-budget", type=int, default=None,
                   help="query budget in tuning (default: --budget)")
    p.add_argument("--skip-tuning", action="store_true")
    p.add_argument("--skip-curves", action="store_true")
    p.add_argument("--cached-only", action="store_true",
                   help="only assemble runs found in --cache (and list the missing ones)")
    p.add_argument("--n-jobs", type=int, default=1)
    p.add_argument("--cache", default=None, help="JSON file of finished runs (resumable)")
    p.add_argument("--out", default=str(REPO / "docs" / "results"))
    return p.parse_args(argv)


class Cache:
    def __init__(self, path):
        self.path = Path(path) if path else None
        self.data = {}
        if self.path and self.path.is_file():
            self.data = json.loads(self.path.read_text())

    def get(self, key):
        return self.data.get(key)

    def put(self, key, value):
        self.data[key] = value
        if self.path:
            tmp = self.path.with_name(f"{self.path.name}.{os.getpid()}.tmp")
            tmp.write_text(json.dumps(self.data))
            os.replace(tmp, self.path)


_TASKS = {}


def run_curve(task_name, alg, seed, budget):
    if task_name not in _TASKS:  # one load per worker process and task
        _TASKS.clear()
        _TASKS[task_name] = nas.load_task(task_name)
    task = _TASKS[task_name]
    tr = nas.search(task, alg, budget=budget, random_state=seed)
    return dict(valid=tr.regret_valid.tolist(),
                test=None if not task.has_test else tr.regret_test.tolist(),
                wall=float(tr.wall_time[-1]))


def mean_se(rows):
    """Mean and s.e. over runs, per column (:func:`dalgo.stats.mean_se` along axis 0)."""
    return stats.mean_se(np.asarray(rows, dtype=float), axis=0)


def curves(args, tasks, seeds, cache):
    from joblib import Parallel, delayed

    out = {}
    missing = []
    t0 = time.time()
    for task_name in tasks:
        out[task_name] = {}
        for alg in ALGOS:
            alg_seeds = seeds
            # reduced: the first seeds, plus any already run
            if alg == "bananas" and args.bananas_seeds:
                alg_seeds = seeds[: args.bananas_seeds] + [
                    s for s in seeds[args.bananas_seeds :]
                    if cache.get(f"curve|{task_name}|{alg}|{s}|{args.budget}") is not None]
            keys = [f"curve|{task_name}|{alg}|{s}|{args.budget}" for s in alg_seeds]
            todo = [s for s, k in zip(alg_seeds, keys) if cache.get(k) is None]
            if args.cached_only:  # assemble what was run; record what was not
                if todo:
                    missing.append(dict(task=task_name, algorithm=alg, seeds=todo))
                keys = [k for k in keys if cache.get(k) is not None]
                todo = []
                if not keys:
                    continue
            chunk = max(1, 2 * args.n_jobs)  # store finished runs chunk by chunk (resumable)
            for c in range(0, len(todo), chunk):
                part = todo[c : c + chunk]
                res = Parallel(n_jobs=args.n_jobs)(
                    delayed(run_curve)(task_name, alg, s, args.budget) for s in part)
                for s, r in zip(part, res):
                    cache.put(f"curve|{task_name}|{alg}|{s}|{args.budget}", r)
            runs = [cache.get(k) for k in keys]
            seeds_used = [int(k.split("|")[3]) for k in keys]
            mv, sv = mean_se([r["valid"] for r in runs])
            entry = dict(mean=mv.tolist(), se=sv.tolist(), final_mean=float(mv[-1]),
                         final_se=float(sv[-1]),
                         wall_mean=float(np.mean([r["wall"] for r in runs])), n_seeds=len(runs),
                         seeds=seeds_used)
            if runs[0]["test"] is not None:
                mt, st = mean_se([r["test"] for r in runs])
                entry.update(test_mean=mt.tolist(), test_se=st.tolist(),
                             test_final_mean=float(mt[-1]),
                             test_final_se=float(st[-1]))
            out[task_name][alg] = entry
            print(f"[{time.time() - t0:7.1f}s] {task_name:28s} {alg:8s} final valid regret "
                  f"{entry['final_mean']:.4f} ± {entry['final_se']:.4f}  "
                  f"({entry['wall_mean']:.2f} s/run)",
                  flush=True)
    out = {t: e for t, e in out.items() if e}  # tasks with no run at all (--cached-only)
    if missing:
        out["_missing"] = missing
    return out


def tuning(args, tasks, cache, smoke):
    out = {}
    specs = [("re", SMOKE_RE_GRID if smoke else RE_GRID, 1 if smoke else args.re_tuning_seeds),
             ("bananas", SMOKE_BANANAS_GRID if smoke else BANANAS_GRID,
              1 if smoke else args.tuning_seeds)]
    budget = 20 if smoke else (args.tuning_budget or args.budget)
    for alg, grid, n_seeds in specs:
        key = (f"tuning|{alg}|{json.dumps(grid, sort_keys=True)}|{','.join(tasks)}|{n_seeds}"
               f"|{budget}")
        res = cache.get(key)
        if res is None and args.cached_only:
            print(f"tuning {alg}: not in the cache, skipped", flush=True)
            continue
        if res is None:
            t0 = time.time()
            r = nas.tune_over_tasks(tasks, alg, grid, budget=budget, seeds=range(n_seeds),
                                    metric="valid", n_jobs=args.n_jobs)
            res = r.to_dict()
            res["wall_seconds"] = time.time() - t0
            cache.put(key, res)
        s = res["summary"]
        print(f"tuning {alg}: held-out regret tuned {s['tuned_held_out_mean']:.4f} ± "
              f"{s['tuned_held_out_se']:.4f} "
              f"vs default {s['default_held_out_mean']:.4f} ± {s['default_held_out_se']:.4f}; "
              f"wins/ties/losses {s['wins']}/{s['ties']}/{s['losses']}; "
              f"best on all tasks: {res['best_config']}",
              flush=True)
        out[alg] = res
    return out


def plot(results, out_dir):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    colors = dict(rs="tab:gray", re="tab:green", ls="tab:orange", bananas="tab:blue")
    groups = {"nb201": [], "nbgraph": [], "tnb101micro": []}
    for t in results["curves"]:
        if not t.startswith("_"):
            groups[t.split("-")[0]].append(t)
    files = []
    for g, names in groups.items():
        if not names:
            continue
        ncol = min(3, len(names))
        nrow = int(np.ceil(len(names) / ncol))
        fig, axes = plt.subplots(nrow, ncol, figsize=(4.2 * ncol, 3.2 * nrow), squeeze=False)
        for ax, t in zip(axes.ravel(), names):
            e = None
            for alg, e in results["curves"][t].items():
                use_test = "test_mean" in e
                m = np.array(e["test_mean" if use_test else "mean"])
                s = np.array(e["test_se" if use_test else "se"])
                x = np.arange(1, len(m) + 1)
                ax.plot(x, np.maximum(m, 1e-5), color=colors[alg],
                        label=f"{alg} (n={e['n_seeds']})")
                ax.fill_between(x, np.maximum(m - s, 1e-5), np.maximum(m + s, 1e-5),
                                color=colors[alg], alpha=0.2)
            ax.set_yscale("log")
            ax.set_title(t + (" (test)" if "test_mean" in e else " (valid)"), fontsize=9)
            ax.set_xlabel("queries")
            ax.set_ylabel("normalised regret")
        for ax in axes.ravel()[len(names):]:
            ax.axis("off")
        axes.ravel()[0].legend(fontsize=8)
        fig.suptitle("Normalised regret of the incumbent, mean ± s.e. over n seeds", fontsize=10)
        fig.tight_layout()
        f = Path(out_dir) / f"nas_regret_{g}.png"
        fig.savefig(f, dpi=110)
        plt.close(fig)
        files.append(f.name)
    if results.get("tuning"):
        algs = list(results["tuning"])
        fig, axes = plt.subplots(1, len(algs), figsize=(6.5 * len(algs), 3.8), squeeze=False)
        for ax, alg in zip(axes[0], algs):
            folds = results["tuning"][alg]["folds"]
            names = [f["held_out"] for f in folds]
            x = np.arange(len(names))
            ax.bar(x - 0.2, [f["default_held_out_regret"] for f in folds], 0.4, label="default",
                   color="tab:gray")
            ax.bar(x + 0.2, [f["held_out_regret"] for f in folds], 0.4, label="tuned (LOTO)",
                   color="tab:blue")
            ax.set_xticks(x)
            ax.set_xticklabels(names, rotation=70, fontsize=7)
            ax.set_ylabel("held-out normalised valid regret")
            ax.set_title(f"{alg}: tuned on the other tasks vs default", fontsize=10)
            ax.legend(fontsize=8)
        fig.tight_layout()
        f = Path(out_dir) / "nas_tuning.png"
        fig.savefig(f, dpi=110)
        plt.close(fig)
        files.append(f.name)
    return files


def main(argv=None):
    args = parse_args(argv)
    if args.smoke:
        args.seeds, args.budget = 2, 20
    tasks = args.tasks or (SMOKE_TASKS if args.smoke else FULL_TASKS)
    seeds = list(range(args.seeds))
    out_dir = Path(args.out)
    out_dir.mkdir(parents=True, exist_ok=True)
    cache = Cache(args.cache)
    t0 = time.time()
    results = dict(
        config=dict(smoke=args.smoke, seeds=seeds, bananas_seeds=args.bananas_seeds,
                    budget=args.budget, tasks=tasks, algorithms=ALGOS,
                    regret="normalised (best - incumbent) / (best - worst) over the task's space; "
                           "curves store the validation regret ('mean') and, where the task has a "
                           "test metric, the test regret of the incumbent ('test_mean')",
                    tuning=dict(re_grid=SMOKE_RE_GRID if args.smoke else RE_GRID,
                                bananas_grid=SMOKE_BANANAS_GRID if args.smoke else BANANAS_GRID,
                                re_seeds=1 if args.smoke else args.re_tuning_seeds,
                                bananas_seeds=1 if args.smoke else args.tuning_seeds,
                                budget=20 if args.smoke else (args.tuning_budget or args.budget),
                                split="leave-one-task-out",
                                metric="valid"),
                    n_jobs=args.n_jobs, python=platform.python_version(),
                    machine=platform.machine(), cpus=os.cpu_count()),
    )
    if not args.skip_curves:
        results["curves"] = curves(args, tasks, seeds, cache)
    t1 = time.time()
    if not args.skip_tuning:
        results["tuning"] = tuning(args, tasks, cache, args.smoke)
    results["wall_seconds"] = dict(curves=t1 - t0, tuning=time.time() - t1, total=time.time() - t0)
    results["figures"] = plot(results, out_dir) if "curves" in results else []
    (out_dir / "nas_search.json").write_text(json.dumps(results, indent=1))
    print(f"wrote {out_dir / 'nas_search.json'} in {time.time() - t0:.1f} s", flush=True)


if __name__ == "__main__":
    main()
