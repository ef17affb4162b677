"""Command line: ``dalgo tune`` learns α and β for a kind of data, ``dalgo cluster`` applies
what it learned to a new file.

Each sub-command is a function ``add_<name>_parser(subparsers)`` that creates its parser and
sets ``run=`` (a function ``args -> exit status``) with ``set_defaults``; :func:`build_parser`
calls them in turn and :func:`main` runs ``args.run``. A bad input — a missing or broken file,
a bad value — is one line on stderr, ``dalgo: error: ...``, and exit status 2, before any
work and before anything is written.
"""

import argparse
import contextlib
import csv
import sys
from pathlib import Path

import numpy as np

from ._kernels.cache_guard import tree_kernels_cached
from .tuning.config import DEFAULT_N_INSTANCES  # --n-train / --n-test when not given

__all__ = ["add_cluster_parser", "add_tune_parser", "build_parser", "main"]

#: Held-out share of --instances when neither --test-instances nor --test-fraction is given.
DEFAULT_TEST_FRACTION = 0.25


class _HelpFormatter(argparse.ArgumentDefaultsHelpFormatter):
    """Shows defaults, except None and False (they would only say "not given") and where the
    help already states the default."""

    def _get_help_string(self, action):
        if action.default is None or action.default is False or "default" in (action.help or ""):
            return action.help
        return super()._get_help_string(action)


def exponent(text):
    """A command-line α or β: a number, or ``inf``."""
    if text.strip().lower() in ("inf", "infinity"):
        return np.inf
    try:
        return float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected a number or 'inf'; got {text!r}") from None


def fraction(text):
    """A command-line fraction in (0, 1)."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number in (0, 1); got {text!r}") from None
    if not 0.0 < value < 1.0:
        raise argparse.ArgumentTypeError(f"expected a number in (0, 1); got {text!r}")
    return value


def int_at_least(minimum, what=None):
    """A command-line type: an integer ``>= minimum`` (``what`` names it in the message)."""
    what = what or f"an integer >= {minimum}"

    def parse(text):
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected {what}; got {text!r}") from None
        if value < minimum:
            raise argparse.ArgumentTypeError(f"expected {what}; got {text!r}")
        return value

    parse.__name__ = what  # argparse names the type in its own messages
    return parse


#: A command-line count >= 1.
positive_int = int_at_least(1, "a positive integer")


_draw_count = int_at_least(1, "a positive integer or 'auto'")


def n_draws_arg(text):
    """A command-line ``--n-draws``: ``auto`` or a positive integer."""
    return text if text == "auto" else _draw_count(text)


n_draws_arg.__name__ = _draw_count.__name__


def add_tune_parser(sub):
    """The ``tune`` sub-command."""
    t = sub.add_parser(
        "tune",
        formatter_class=_HelpFormatter,
        help="learn (alpha, beta) on instances and test it on held-out ones",
        description="Compute the exact loss of every alpha on each training instance, choose "
                    "the configuration (cross-validated over instances), and report its loss "
                    "on held-out test instances next to alpha = 0, 1, 2 (k-means++) and inf "
                    "(farthest-first). Instances are sampled from a data set (--dataset: a "
                    "built-in name or your labelled table, k classes x m points each) or are "
                    "your own files (--instances: one file = one instance). Writes "
                    "tune_result.json and tune_curves.png to --out.",
    )
    src = t.add_argument_group("instances")
    src.add_argument("--dataset", default=None, metavar="NAME_OR_PATH",
                     help="digits (embedded; the default), gaussian_grid (synthetic), mnist, "
                          "cifar10, cnae9, <battery>/<name> of the clustering benchmark "
                          "suite, or the path of a labelled table (.csv, .tsv, .parquet with "
                          "--label-column; .npz with X and y), cut into instances of k "
                          "classes x --per-class points")
    src.add_argument("--instances", nargs="+", default=None, metavar="PATH",
                     help="your own instances: files (.npz with X [and y], .npy, .csv, .tsv, "
                          ".parquet), folders (every such file in them) or glob patterns; "
                          "one file = one instance")
    src.add_argument("--test-instances", nargs="+", default=None, metavar="PATH",
                     help="held-out instances, as --instances")
    src.add_argument("--test-fraction", type=fraction, default=None, metavar="F",
                     help="hold out this share of --instances at random (seeded by --seed) "
                          f"instead of --test-instances (default: {DEFAULT_TEST_FRACTION})")
    src.add_argument("--label-column", default=None, metavar="NAME",
                     help="the column of labels in .csv/.tsv/.parquet files; every other "
                          "column is a feature")
    src.add_argument("--data-dir", default=None,
                     help="folder holding the built-in data files (default: $DALGO_DATA)")
    src.add_argument("--k", type=positive_int, default=None,
                     help="clusters per instance (default: the protocol's for a data set; "
                          "the number of distinct labels of each file for --instances)")
    src.add_argument("--per-class", type=int, default=None,
                     help="points drawn per class of a data set (0 = all points of the "
                          "class; default: the protocol's)")
    src.add_argument("--n-train", type=int, default=None,
                     help=f"training instances drawn from a data set "
                          f"(default: {DEFAULT_N_INSTANCES})")
    src.add_argument("--n-test", type=int, default=None,
                     help=f"test instances drawn from a data set (default: {DEFAULT_N_INSTANCES})")
    t.add_argument("--family", choices=("lloyd", "linkage-minmax"), default="lloyd",
                   help="lloyd (default): d^alpha seeding + beta-Lloyd's; linkage-minmax: "
                        "alpha-linkage alpha*min + (1 - alpha)*max, alpha in [0, 1], "
                        "against single / complete / average linkage")
    t.add_argument("--alpha-min", type=float, default=0.0, help="lower end of the alpha range")
    t.add_argument("--alpha-max", type=exponent, default=np.inf,
                   help="upper end of the alpha range; 'inf' includes farthest-first "
                        "(default; for linkage-minmax inf means 1, the end of its range)")
    t.add_argument("--betas", type=exponent, nargs="+", default=[2.0],
                   help="beta grid (2 = k-means, 1 = k-median, inf = k-center)")
    t.add_argument("--center", choices=("euclidean", "medoid"), default="euclidean",
                   help="centres anywhere (euclidean) or cluster members (medoid)")
    t.add_argument("--selection", choices=("cv", "exact"), default="cv",
                   help="cv (default): cross-validated choice among the classical members, "
                        "the exact ERM and smoothed ERMs, keeping k-means++ unless something "
                        "beats it by more than one s.e.; exact: the paper's exact ERM")
    t.add_argument("--n-draws", type=n_draws_arg, default=1,
                   help="seeding draws z per instance, each one exact curve (lloyd only); "
                        "with m < 60 training instances, about 60 / m (at most 8) costs "
                        "what the default run costs and lets the selection's nested check "
                        "see real gains one draw hides; 'auto' is that number "
                        "(docs/results.md §10)")
    t.add_argument("--loss", default="hamming",
                   choices=("hamming", "kmeans", "kmedian", "kcenter"),
                   help="hamming needs labels; the objectives (normalised k-means, k-median, "
                        "k-center cost) work without")
    run = t.add_argument_group("running")
    run.add_argument("--jobs", type=int, default=2, help="processes on this machine")
    run.add_argument("--scheduler", default=None, metavar="ADDRESS",
                     help="run the instances on an existing Dask cluster instead, e.g. "
                          "tcp://scheduler:8786 (needs dask.distributed: pip install "
                          "'dalgo[dist]')")
    run.add_argument("--cache", default=None,
                     help="cache folder: finished instances are kept and reused")
    run.add_argument("--out", default="dalgo-output",
                     help="output folder for tune_result.json (with its exact curves in "
                          "tune_result.curves.npz) and tune_curves.png")
    run.add_argument("--seed", type=int, default=0,
                     help="seed of the instance sampling, the test split and the z draws")
    run.add_argument("--no-progress", action="store_true", help="no progress bar")
    t.set_defaults(run=_run_tune)
    return t


def add_cluster_parser(sub):
    """The ``cluster`` sub-command."""
    c = sub.add_parser(
        "cluster",
        formatter_class=_HelpFormatter,
        help="cluster a new file with the configuration dalgo tune learned",
        description="Cluster the points of DATA with the (alpha, beta, centre) of a "
                    "tune_result.json: one d^alpha seeding and a beta-Lloyd's run, exactly "
                    "the tuned member of the family. Writes one label per input row and "
                    "prints the objective.",
    )
    c.add_argument("data", metavar="DATA",
                   help="the points: .npz (X), .npy, .csv, .tsv or .parquet")
    c.add_argument("--config", required=True, metavar="TUNE_RESULT",
                   help="the tune_result.json written by dalgo tune")
    c.add_argument("--k", type=positive_int, default=None,
                   help="number of clusters (default: the distinct labels of DATA if it has "
                        "labels, else the k of the tuned instances)")
    c.add_argument("--label-column", default=None, metavar="NAME",
                   help="a column of DATA holding labels: not used as a feature; the Hamming "
                        "loss against it is printed")
    c.add_argument("--out", default="labels.csv",
                   help="CSV with a 'label' column, one row per row of DATA, in order")
    c.add_argument("--centers", default=None, metavar="PATH",
                   help="also write the k centres (one row each, the feature columns) here")
    c.add_argument("--seed", type=int, default=0, help="seed of the seeding randomness")
    c.set_defaults(run=_run_cluster)
    return c


def build_parser():
    parser = argparse.ArgumentParser(
        prog="dalgo",
        description="Data-driven algorithm configuration for clustering: learn the "
                    "seeding exponent alpha (exactly) and the local-search exponent beta "
                    "from many instances of your kind of data, then apply them.",
    )
    sub = parser.add_subparsers(dest="command", required=True)
    add_tune_parser(sub)
    add_cluster_parser(sub)
    from .nas.cli import add_nas_parser, run_nas

    add_nas_parser(sub).set_defaults(run=run_nas)
    return parser


# -- dalgo tune ------------------------------------------------------------------------------

def _usage_error(message):
    from . import InvalidParameterError

    return InvalidParameterError(message)


def _check_tune_arguments(args):
    if args.instances is None:
        for flag, value in (("--test-instances", args.test_instances),
                            ("--test-fraction", args.test_fraction)):
            if value is not None:
                raise _usage_error(f"{flag} goes with --instances.")
        return
    if args.dataset is not None:
        raise _usage_error("give either --dataset or --instances, not both.")
    for flag, value in (("--n-train", args.n_train), ("--n-test", args.n_test),
                        ("--per-class", args.per_class), ("--data-dir", args.data_dir)):
        if value is not None:
            raise _usage_error(f"{flag} applies to --dataset; with --instances every file is "
                               "one instance.")
    if args.test_instances is not None and args.test_fraction is not None:
        raise _usage_error("give either --test-instances or --test-fraction, not both.")


def _is_path(name):
    from .datasets.files import INSTANCE_SUFFIXES

    return Path(name).suffix.lower() in INSTANCE_SUFFIXES or Path(name).is_file()


def _sampled_instances(args, train_seed, test_seed):
    """Instances drawn from a built-in data set or the user's labelled table."""
    from .losses import hamming_loss_range
    from .protocols import protocol_distribution

    name = args.dataset or "digits"
    if _is_path(name):
        from .datasets.files import load_table_dataset

        dataset = load_table_dataset(name, args.label_column)
        try:
            dist = protocol_distribution(dataset, n_clusters=args.k,
                                         n_per_class=args.per_class)
        except ValueError as exc:
            raise ValueError(f"{name}: {exc}") from None
        label = dataset.name
    else:
        if args.label_column is not None:
            raise _usage_error("--label-column applies to files (--dataset PATH or "
                               "--instances), not to the built-in data sets.")
        dist = protocol_distribution(name, args.data_dir, n_clusters=args.k,
                                     n_per_class=args.per_class)
        label = name
    n_train = DEFAULT_N_INSTANCES if args.n_train is None else args.n_train
    n_test = DEFAULT_N_INSTANCES if args.n_test is None else args.n_test
    train = dist.sample(n_train, random_state=train_seed)
    test = dist.sample(n_test, random_state=test_seed)
    # every instance of these distributions has k classes and is cut into k clusters, so
    # the Hamming loss is certified to lie in [0, 1 - 1/k] (tightens the uniform bound)
    k = dist.n_clusters
    extra = {"dataset": name, "distribution": repr(dist),
             "loss_range": hamming_loss_range(k, k) if args.loss == "hamming" else None}
    return train, test, label, extra, ""


def _file_instances(args, train_seed, test_seed, split_seed):
    """The user's instance files, read and checked (all of them) before any work."""
    from .datasets.files import expand_paths, read_instances
    from .instances import FixedInstances

    train_files = expand_paths(args.instances)
    test_files = [] if args.test_instances is None else expand_paths(args.test_instances)
    both = {f.resolve() for f in train_files} & {f.resolve() for f in test_files}
    if both:
        raise ValueError(f"{sorted(both)[0]}: both a training and a test instance.")
    items = read_instances(train_files + test_files, label_column=args.label_column,
                           n_clusters=args.k, needs_labels=args.loss == "hamming")
    if test_files:
        train_items, test_items = items[:len(train_files)], items[len(train_files):]
        how = "--test-instances given"
        fraction_used = None
    else:
        fraction_used = (DEFAULT_TEST_FRACTION if args.test_fraction is None
                         else args.test_fraction)
        n_test = max(1, int(round(fraction_used * len(items))))
        if len(items) - n_test < 1:
            raise ValueError(f"{len(items)} instance file(s): too few to hold "
                             f"{fraction_used:g} of them out; give more files or "
                             "--test-instances.")
        held = np.sort(np.random.default_rng(split_seed).permutation(len(items))[:n_test])
        is_test = np.zeros(len(items), dtype=bool)
        is_test[held] = True
        train_items = [it for it, t in zip(items, is_test) if not t]
        test_items = [it for it, t in zip(items, is_test) if t]
        how = (f"{n_test} of {len(items)} files held out at random: --test-fraction "
               f"{fraction_used:g}, --seed {args.seed}")
    train = FixedInstances(train_items, name="train").sample(None, random_state=train_seed)
    test = FixedInstances(test_items, name="test").sample(None, random_state=test_seed)
    folders = {str(Path(it.name).parent) for it in items}
    label = folders.pop() if len(folders) == 1 else "your instances"
    extra = {"instances": [it.name for it in train_items],
             "test_instances": [it.name for it in test_items],
             "label_column": args.label_column, "test_fraction": fraction_used}
    return train, test, label, extra, how


@contextlib.contextmanager
def _executor(args):
    """joblib's n_jobs for the run, inside the Dask backend when --scheduler is given."""
    if args.scheduler is None:
        yield args.jobs, ""
        return
    try:
        import joblib
        from distributed import Client
    except ImportError:
        raise ValueError("--scheduler needs dask.distributed: pip install 'dalgo[dist]'"
                         ) from None
    try:
        client = Client(args.scheduler, timeout="10s")
    except (OSError, TimeoutError, ValueError) as exc:
        raise ValueError(f"cannot connect to the Dask scheduler at {args.scheduler} "
                         f"({' '.join(str(exc).split())})") from None
    with client:
        n_workers = len(client.scheduler_info().get("workers", {}))
        with joblib.parallel_backend("dask"):
            yield -1, f" on the Dask cluster at {args.scheduler} ({n_workers} workers)"


def _check_out_folder(out):
    if out.exists() and not out.is_dir():
        raise ValueError(f"--out {out}: exists and is not a folder.")


def _run_tune(args):
    from .random_state import spawn_seeds

    if args.family != "lloyd" and np.isinf(args.alpha_max):
        args.alpha_max = 1.0
    _check_tune_arguments(args)
    out = Path(args.out)
    _check_out_folder(out)
    train_seed, test_seed, split_seed = spawn_seeds(3, args.seed)
    if args.instances is None:
        train, test, label, extra, how = _sampled_instances(args, train_seed, test_seed)
    else:
        train, test, label, extra, how = _file_instances(args, train_seed, test_seed,
                                                         split_seed)
    from .tuning import TuneConfig, tune
    from .tuning.config import resolve_n_draws

    # every parameter checked before any work (tune checks them again, cheaply)
    n_draws = resolve_n_draws(args.n_draws, len(train), args.family)
    TuneConfig(alpha_range=(args.alpha_min, args.alpha_max), betas=args.betas,
               center=args.center, loss=args.loss, family=args.family, n_draws=n_draws)
    draws = "" if n_draws == 1 else f", {n_draws} seeding draws per instance" + (
        " (auto)" if args.n_draws == "auto" else "")
    with _executor(args) as (n_jobs, where):
        sizes = sorted({inst.n_samples for inst in train + test})
        n_text = f"n={sizes[0]}" if len(sizes) == 1 else f"n={sizes[0]}..{sizes[-1]}"
        ks = sorted({inst.n_clusters for inst in train + test})
        print(f"dalgo tune: {label}, {len(train)} train / {len(test)} test instances"
              + (f" ({how})" if how else "") + f", {n_text}, k={','.join(map(str, ks))}, "
              f"alpha in [{args.alpha_min:g}, {args.alpha_max:g}], betas {args.betas}, "
              f"loss {args.loss}{draws}{where}", flush=True)
        if args.family == "lloyd" and not tree_kernels_cached():
            print("first run of this installation: compiling dalgo's numba kernels (about "
                  "half a minute, once; later runs reuse them)", flush=True)
        result = tune(train, test, alpha_range=(args.alpha_min, args.alpha_max),
                      betas=args.betas, loss=args.loss, center=args.center, n_jobs=n_jobs,
                      selection=args.selection, family=args.family, n_draws=n_draws,
                      cache_dir=args.cache,
                      progress=not args.no_progress, loss_range=extra.get("loss_range"))
    result.config.update({**extra, "seed": args.seed})
    _write_tune_outputs(result, out, label)
    print()
    print(result.table())
    default = "k-means++" if args.family == "lloyd" else "complete linkage"
    print(f"relative improvement over {default}: {100 * result.improvement_over():.1f} %")
    print(f"wrote {out / 'tune_result.json'} (curves in {out / 'tune_result.curves.npz'}) and "
          f"{out / 'tune_curves.png'}")
    return 0


def _write_tune_outputs(result, out, label):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    out.mkdir(parents=True, exist_ok=True)
    result.to_json(out / "tune_result.json")
    fig, ax = plt.subplots(figsize=(10.5, 4.8))
    result.plot(ax=ax)
    ax.set_title(f"{label}: loss vs α, exact curves smoothed ({result.n_train} train / "
                 f"{result.n_test} test instances)", fontsize=10)
    fig.tight_layout()
    fig.savefig(out / "tune_curves.png", dpi=120)
    plt.close(fig)


# -- dalgo cluster ---------------------------------------------------------------------------

def _write_csv(path, header, rows):
    """Write a CSV atomically (:func:`dalgo.jsonio.write_atomic`)."""
    from .jsonio import write_atomic

    def write(tmp):
        with open(tmp, "w", newline="") as fh:
            writer = csv.writer(fh)
            writer.writerow(header)
            writer.writerows(rows)

    write_atomic(path, write)


def _objective_name(beta):
    if np.isinf(beta):
        return "largest distance to the nearest centre (beta = inf, k-center)"
    if beta == 2:
        return "sum of squared distances to the nearest centre (beta = 2, k-means)"
    if beta == 1:
        return "sum of distances to the nearest centre (beta = 1, k-median)"
    return f"sum of distances^{beta:g} to the nearest centre (beta = {beta:g})"


def _run_cluster(args):
    from .datasets.files import check_instance_file, read_table
    from .estimators import AlphaBetaKMeans
    from .losses import hamming_loss
    from .tuning import TuneResult

    config = Path(args.config)
    if not config.is_file():
        raise FileNotFoundError(f"--config {config}: no such file")
    try:
        result = TuneResult.from_json(config)
    except (ValueError, KeyError, TypeError) as exc:
        raise ValueError(f"--config {config}: not a tune_result.json written by dalgo tune "
                         f"({' '.join(str(exc).split())})") from None
    for flag, target in (("--out", args.out), ("--centers", args.centers)):
        if target is not None and Path(target).is_dir():
            raise ValueError(f"{flag} {target}: is a folder; give a file name.")
    X, y, names = read_table(args.data, args.label_column, return_feature_names=True)
    if args.k is not None:
        k, source = args.k, "--k"
    elif y is not None:
        k, source = check_instance_file(args.data, X, y), "the labels of DATA"
    else:
        k, source = None, "the tuned instances"
    try:
        est = AlphaBetaKMeans.from_tune_result(result, n_clusters=k, random_state=args.seed)
    except ValueError as exc:
        raise ValueError(f"--config {config}: {exc}") from None
    check_instance_file(args.data, X, y, est.n_clusters)
    est.fit(X)
    _write_csv(args.out, ["label"], ([int(v)] for v in est.labels_))
    if args.centers is not None:
        _write_csv(args.centers, names, ([repr(float(v)) for v in row]
                                         for row in est.cluster_centers_))
    print(f"dalgo cluster: {args.data}, {X.shape[0]} points, k={est.n_clusters} (from "
          f"{source}), alpha={est.alpha:g}, beta={est.beta:g}, center={est.center}, "
          f"seed {args.seed}")
    print(f"objective: {est.inertia_:.6g} ({_objective_name(est.beta)})")
    if y is not None:
        print(f"Hamming loss against the labels of DATA: {hamming_loss(y, est.labels_):.4f}")
    print(f"wrote {args.out}" + (f" and {args.centers}" if args.centers else ""))
    return 0


def main(argv=None):
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.run(args)
    except (OSError, ValueError) as exc:
        print(f"dalgo: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("dalgo: interrupted (finished instances are kept in --cache, if given)",
              file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
