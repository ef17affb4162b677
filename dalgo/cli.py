"""Command line: ``dalgo tune`` learns α and β for a kind of data."""

import argparse
import sys
from pathlib import Path

import numpy as np

__all__ = ["main", "build_parser"]

def exponent(text):
    """A command-line α or β: a number, or ``inf``."""
    if text.strip().lower() in ("inf", "infinity"):
        return np.inf
    try:
        return float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected a number or 'inf'; got {text!r}") from None


def build_parser():
    parser = argparse.ArgumentParser(
        prog="dalgo",
        description="Data-driven algorithm configuration for clustering: learn the "
                    "seeding exponent alpha (exactly) and the local-search exponent beta "
                    "from many instances of your kind of data.",
    )
    sub = parser.add_subparsers(dest="command", required=True)
    t = sub.add_parser(
        "tune",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
        help="learn (alpha, beta) on sampled instances and test it on held-out ones",
        description="Sample clustering instances (k classes x m points) from a data set, "
                    "compute the exact loss of every alpha on each, pick the minimiser of "
                    "the mean training loss, and report its loss on separate test "
                    "instances next to alpha = 0, 1, 2 (k-means++) and inf "
                    "(farthest-first).",
    )
    t.add_argument("--dataset", default="digits",
                   help="digits (embedded, default), gaussian_grid (synthetic), mnist, "
                        "cifar10, cnae9, or <battery>/<name> of the clustering benchmark "
                        "suite")
    t.add_argument("--data-dir", default=None,
                   help="folder holding the data files (default: $DALGO_DATA)")
    t.add_argument("--k", type=int, default=None,
                   help="clusters per instance (default: the protocol's, see dalgo.protocols)")
    t.add_argument("--per-class", type=int, default=None,
                   help="points drawn per class (0 = all points of the class; default: the "
                        "protocol's)")
    t.add_argument("--n-train", type=int, default=60, help="training instances")
    t.add_argument("--n-test", type=int, default=60, help="test instances")
    t.add_argument("--alpha-min", type=float, default=0.0)
    t.add_argument("--alpha-max", type=exponent, default=np.inf,
                   help="upper end of the alpha range; 'inf' includes farthest-first "
                        "(default)")
    t.add_argument("--betas", type=exponent, nargs="+", default=[2.0],
                   help="beta grid (2 = k-means, 1 = k-median, inf = k-center)")
    t.add_argument("--center", choices=("euclidean", "medoid"), default="euclidean")
    t.add_argument("--selection", choices=("cv", "exact"), default="cv",
                   help="cv (default): cross-validated choice among the classical members, "
                        "the exact ERM and smoothed ERMs, keeping k-means++ unless something "
                        "beats it by more than one s.e.; exact: the paper's exact ERM")
    t.add_argument("--loss", default="hamming",
                   choices=("hamming", "kmeans", "kmedian", "kcenter"))
    t.add_argument("--jobs", type=int, default=2, help="processes (default 2)")
    t.add_argument("--cache", default=None,
                   help="cache folder: finished instances are kept and reused")
    t.add_argument("--out", default="dalgo-output",
                   help="output folder for tune_result.json and tune_curves.png")
    t.add_argument("--seed", type=int, default=0, help="seed of the instance sampling")
    t.add_argument("--no-progress", action="store_true", help="no progress bar")
    from .nas.cli import add_nas_parser

    add_nas_parser(sub)
    return parser


def _distribution(args):
    from .protocols import protocol_distribution

    return protocol_distribution(args.dataset, args.data_dir, n_clusters=args.k,
                                 n_per_class=args.per_class)


def _run_tune(args):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from .random_state import spawn_seeds
    from .tuning import tune

    dist = _distribution(args)
    train_seed, test_seed = spawn_seeds(2, args.seed)
    train = dist.sample(args.n_train, random_state=train_seed)
    test = dist.sample(args.n_test, random_state=test_seed)
    print(f"dalgo tune: {args.dataset}, {args.n_train} train / {args.n_test} test instances, "
          f"n={train[0].n_samples}, k={train[0].n_clusters}, "
          f"alpha in [{args.alpha_min:g}, {args.alpha_max:g}], betas {args.betas}",
          flush=True)
    result = tune(train, test, alpha_range=(args.alpha_min, args.alpha_max),
                  betas=args.betas, loss=args.loss, center=args.center, n_jobs=args.jobs,
                  selection=args.selection,
                  cache_dir=args.cache, progress=not args.no_progress)
    result.config.update({"dataset": args.dataset, "seed": args.seed,
                          "distribution": repr(dist)})
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    result.to_json(out / "tune_result.json")
    fig, ax = plt.subplots(figsize=(10.5, 4.8))
    result.plot(ax=ax)
    ax.set_title(f"{args.dataset}: loss vs α, exact curves smoothed ({result.n_train} train / "
                 f"{result.n_test} test instances)", fontsize=10)
    fig.tight_layout()
    fig.savefig(out / "tune_curves.png", dpi=120)
    plt.close(fig)
    print()
    print(result.table())
    print(f"relative improvement over k-means++: {100 * result.improvement_over('2'):.1f} %")
    print(f"wrote {out / 'tune_result.json'} and {out / 'tune_curves.png'}")
    return 0


def main(argv=None):
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        if args.command == "tune":
            return _run_tune(args)
        if args.command == "nas":
            from .nas.cli import run_nas

            return run_nas(args)
    except (FileNotFoundError, ValueError) as exc:
        print(f"dalgo: error: {exc}", file=sys.stderr)
        return 2
    return 1  # pragma: no cover


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
