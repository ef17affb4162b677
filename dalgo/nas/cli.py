"""Command line ``dalgo nas``: search a tabular NAS task, zero-cost proxies, list tasks.

``dalgo nas search TASK``
    Runs :func:`dalgo.nas.search` for several seeds; prints the mean normalised regret (with
    its standard error) at a few query counts, writes every trajectory and the summary to
    ``OUT/nas_search.json`` and the regret curves to ``OUT/nas_search.png``.
``dalgo nas zero-cost ARCH [ARCH ...]``
    Computes :func:`dalgo.nas.zero_cost` for NAS-Bench-201 arch strings; prints a table and,
    with ``--out``, writes a CSV (one row per architecture).
``dalgo nas tasks``
    Lists the search tasks (:func:`dalgo.nas.load_task`) whose data are present and the
    zero-cost tables (:func:`dalgo.nas.load_suite_zero_task`).

Bad input (an unknown task, algorithm, proxy or hyperparameter, a malformed arch string or
number) gives one line on stderr and exit status 2, before anything is written; files are
written whole (to a temporary name, then renamed).
"""

from __future__ import annotations

import argparse
import ast
import csv
import io
import sys
from pathlib import Path

import numpy as np

from ..cli import int_at_least
from ..jsonio import write_atomic, write_json

__all__ = ["add_nas_parser", "run_nas"]

_PROG = "dalgo nas"


class _OneLineParser(argparse.ArgumentParser):
    """Usage errors as one line on stderr, exit status 2."""

    def error(self, message):
        self.exit(2, f"{_PROG}: error: {message}\n")


_positive_int = int_at_least(1, "a positive integer")
_nonneg_int = int_at_least(0)


def _hyperparameter(text):
    """``name=value``; the value is read as a Python literal (number, None, True, string)."""
    name, sep, value = text.partition("=")
    if not sep or not name.strip():
        raise argparse.ArgumentTypeError(f"expected name=value, got {text!r}")
    try:
        v = ast.literal_eval(value.strip())
    except (ValueError, SyntaxError):
        v = value.strip()
    return name.strip(), v


def add_nas_parser(subparsers):
    """Register the ``nas`` sub-command (with ``search``, ``zero-cost``, ``tasks``).

    Parameters
    ----------
    subparsers : argparse._SubParsersAction
        The sub-command registry of the ``dalgo`` parser.

    Returns
    -------
    parser : argparse.ArgumentParser
        The ``nas`` parser.
    """
    nas = subparsers.add_parser(
        "nas", help="neural architecture search on tabular benchmarks, zero-cost proxies",
        description="Neural architecture search on offline (tabular) benchmarks and "
                    "zero-cost proxies of NAS-Bench-201 networks (dalgo.nas).")
    nas.error = _OneLineParser.error.__get__(nas)
    sub = nas.add_subparsers(dest="nas_command", required=True, parser_class=_OneLineParser,
                             metavar="{search,zero-cost,tasks}")
    s = sub.add_parser(
        "search", formatter_class=argparse.ArgumentDefaultsHelpFormatter,
        help="run a NAS algorithm on a task for several seeds",
        description="Run dalgo.nas.search on a task for seeds s0, s0+1, ...; print the mean "
                    "normalised regret (± s.e.) at a few query counts, write every "
                    "trajectory to OUT/nas_search.json and the curves to OUT/nas_search.png.")
    s.add_argument("task", help="task name (see `dalgo nas tasks`), e.g. nb201-cifar10")
    s.add_argument("--algorithm", default="bananas", help="rs, re, ls or bananas")
    s.add_argument("--budget", type=_positive_int, default=150, help="queries per run")
    s.add_argument("--seeds", type=_positive_int, default=10, help="number of runs")
    s.add_argument("--seed-start", type=_nonneg_int, default=0, help="seed of the first run")
    s.add_argument("--set", type=_hyperparameter, action="append", default=[],
                   metavar="NAME=VALUE",
                   help="algorithm hyperparameter (repeatable), e.g. --set acquisition=ucb")
    s.add_argument("--data-dir", default=None, help="data folder (default: $DALGO_DATA)")
    s.add_argument("--out", default="dalgo-nas-output",
                   help="output folder for nas_search.json and nas_search.png")
    s.add_argument("--no-figure", action="store_true", help="do not draw the figure")

    z = sub.add_parser(
        "zero-cost", formatter_class=argparse.ArgumentDefaultsHelpFormatter,
        help="zero-cost proxies of NAS-Bench-201 architectures",
        description="Compute zero-cost proxies (dalgo.nas.zero_cost) of NAS-Bench-201 "
                    "architectures at initialisation, on a CIFAR-10 test minibatch.")
    z.add_argument("archs", nargs="+", metavar="ARCH",
                   help="NB201 arch string, e.g. "
                        "'|nor_conv_3x3~0|+|none~0|skip_connect~1|+|avg_pool_3x3~0|none~1|"
                        "nor_conv_1x1~2|'")
    z.add_argument("--proxies", nargs="+", default=None,
                   help="proxy names (default: the 13 reference proxies)")
    z.add_argument("--batch-size", type=_positive_int, default=32)
    z.add_argument("--seed", type=_nonneg_int, default=0,
                   help="seeds the initialisation, the minibatch and zen's inputs")
    z.add_argument("--threads", type=_positive_int, default=1,
                   help="torch threads (default 1: the same scores on any machine)")
    z.add_argument("--data-dir", default=None, help="data folder (default: $DALGO_DATA)")
    z.add_argument("--out", default=None, help="CSV file to write")

    t = sub.add_parser("tasks", help="list the available tasks",
                       description="List the search tasks whose data are present and the "
                                   "zero-cost tables.")
    t.add_argument("--data-dir", default=None, help="data folder (default: $DALGO_DATA)")
    return nas


# --------------------------------------------------------------------------- helpers


def _checkpoints(budget):
    marks = [q for q in (1, 10, 20, 50, 100, 150, 200, 300, 500, 1000, 2000, 5000) if q < budget]
    return marks + [budget]


def _fmt(mean, se):
    if not np.isfinite(mean):
        return "-"
    return f"{mean:.4f}" if not np.isfinite(se) else f"{mean:.4f} ± {se:.4f}"


# --------------------------------------------------------------------------- search


def _run_search(args):
    from dalgo.stats import mean_se

    from .benchmarks import load_task
    from .search import ALGORITHMS, default_hyperparameters, search

    if args.algorithm not in ALGORITHMS:
        raise ValueError(f"unknown algorithm {args.algorithm!r}; choose from "
                         f"{', '.join(sorted(ALGORITHMS))}")
    hyper = dict(args.set)
    unknown = sorted(set(hyper) - set(default_hyperparameters(args.algorithm)))
    if unknown:
        raise ValueError(f"unknown hyperparameters {unknown} for {args.algorithm!r}; valid: "
                         f"{', '.join(sorted(default_hyperparameters(args.algorithm)))}")
    task = load_task(args.task, args.data_dir)
    budget = min(args.budget, len(task.archs))
    seeds = [args.seed_start + i for i in range(args.seeds)]
    print(f"dalgo nas search: {task.name} ({len(task.archs)} architectures), "
          f"{args.algorithm}, budget {budget}, seeds {seeds[0]}..{seeds[-1]}", flush=True)
    trajs = []
    for s in seeds:
        trajs.append(search(task, args.algorithm, budget=budget, random_state=s, **hyper))
        print(f"  seed {s}: final regret valid {trajs[-1].final_regret('valid'):.4f}",
              flush=True)
    R = {m: np.array([t.regret(m) for t in trajs]) for m in ("valid", "test")}
    rows = []
    for q in _checkpoints(budget):
        row = {"queries": q}
        for m in ("valid", "test"):
            mean, se = mean_se(R[m][:, q - 1]) if task.has_test or m == "valid" else (
                float("nan"), float("nan"))
            row[f"regret_{m}"], row[f"regret_{m}_se"] = mean, se
        rows.append(row)
    lines = [f"{'queries':>8}  {'regret (valid)':>17}  {'regret (test)':>17}"]
    for r in rows:
        lines.append(f"{r['queries']:>8}  {_fmt(r['regret_valid'], r['regret_valid_se']):>17}  "
                     f"{_fmt(r['regret_test'], r['regret_test_se']):>17}")
    table = "\n".join(lines)
    print()
    print(f"mean normalised regret over {len(seeds)} seeds (± s.e.)")
    print(table)

    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    result = {"task": task.name, "algorithm": args.algorithm, "budget": budget, "seeds": seeds,
              "hyperparameters": trajs[0].hyperparameters, "summary": rows,
              "trajectories": [t.to_dict() for t in trajs]}
    write_json(out / "nas_search.json", result)
    written = [out / "nas_search.json"]
    if not args.no_figure:
        write_atomic(out / "nas_search.png", lambda p: _plot(R, task, args, budget, p))
        written.append(out / "nas_search.png")
    print(f"wrote {' and '.join(str(w) for w in written)}")
    return 0


def _plot(R, task, args, budget, path):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from dalgo.stats import mean_se

    fig, ax = plt.subplots(figsize=(6.4, 4.2))
    q = np.arange(1, budget + 1)
    positive = True
    for m, colour in (("valid", "C0"), ("test", "C1")):
        if m == "test" and not task.has_test:
            continue
        if len(R[m]) > 1:
            mean, se = mean_se(R[m], axis=0)
        else:
            mean, se = R[m][0], np.zeros(budget)
        positive &= bool(np.all(mean > 0))
        ax.plot(q, mean, color=colour, label=f"{m} regret")
        ax.fill_between(q, np.maximum(mean - se, mean / 10), mean + se, color=colour,
                        alpha=0.25, linewidth=0)
    ax.set_xlabel("queries")
    ax.set_ylabel("normalised regret (mean ± s.e.)")
    ax.set_title(f"{args.algorithm} on {task.name}, {len(R['valid'])} seeds", fontsize=10)
    if positive:  # mean regrets: a log axis shows the late queries
        ax.set_yscale("log")
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=120, format="png")
    plt.close(fig)


# --------------------------------------------------------------------------- zero-cost


def _run_zero_cost(args):
    from .networks import parse_nb201
    from .spaces import NB201
    from .zero_cost import PROXIES, PROXY_VARIANTS, zero_cost

    proxies = tuple(args.proxies) if args.proxies else PROXIES
    unknown = [p for p in proxies if p not in PROXIES + PROXY_VARIANTS]
    if unknown:
        raise ValueError(f"unknown proxies {unknown}; choose from "
                         f"{', '.join(PROXIES + PROXY_VARIANTS)}")
    space = NB201()
    archs = []
    for a in args.archs:
        parse_nb201(a)  # raises ValueError naming the string
        archs.append(space.to_string(space.from_string(a)))
    if args.out is not None:
        parent = Path(args.out).resolve().parent
        if not parent.is_dir():
            raise FileNotFoundError(f"no folder {parent} for --out {args.out}")
    rows = []
    for a in archs:
        s = zero_cost(a, proxies, batch_size=args.batch_size, random_state=args.seed,
                      data_dir=args.data_dir, n_threads=args.threads)
        rows.append([a] + [s[p] for p in proxies])
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(("arch",) + proxies)
    for r in rows:
        w.writerow([r[0]] + [repr(float(v)) for v in r[1:]])
    width = max(len(p) for p in proxies)
    for r in rows:
        print(r[0])
        for p, v in zip(proxies, r[1:]):
            print(f"  {p:<{width}}  {v:.6g}")
    if args.out is not None:
        write_atomic(args.out, lambda p: Path(p).write_text(buf.getvalue()))
        print(f"wrote {args.out}")
    return 0


# --------------------------------------------------------------------------- tasks


def _run_tasks(args):
    from .benchmarks import list_tasks
    from .suite_zero import SUITE_ZERO_TASKS

    names = list_tasks(args.data_dir)
    print("search tasks (dalgo.nas.load_task; `dalgo nas search TASK`):")
    for n in names:
        print(f"  {n}")
    if not names:
        print("  none found: point DALGO_DATA (or --data-dir) at the data folder")
    print("zero-cost tables (dalgo.nas.load_suite_zero_task):")
    for n in SUITE_ZERO_TASKS:
        print(f"  {n}")
    return 0


_COMMANDS = {"search": _run_search, "zero-cost": _run_zero_cost, "tasks": _run_tasks}


def run_nas(args):
    """Run a parsed ``dalgo nas`` command; returns the exit status.

    Errors in the input (``ValueError``, ``FileNotFoundError``, ``KeyError``) are reported as
    one line on stderr with exit status 2.
    """
    try:
        return _COMMANDS[args.nas_command](args)
    except (ValueError, FileNotFoundError, KeyError) as exc:
        msg = exc.args[0] if isinstance(exc, KeyError) and exc.args else exc
        print(f"{_PROG}: error: {msg}", file=sys.stderr)
        return 2
