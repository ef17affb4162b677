"""Tuning: learn α exactly (and β over a grid) from sampled clustering instances.

The pipeline, each step public so that the command line, the estimators, the experiments
and the benchmarks all use the same code:

1. :class:`TuneConfig` — what is computed for each instance (α range, β grid, centres,
   loss, ``max_iter``, seeding draws per instance), validated once; its
   :meth:`~TuneConfig.cache_key` names cached results.
2. :func:`as_instances` — user input (Instances or ``(X, y[, k])`` tuples) as validated
   :class:`~dalgo.Instance` objects, z drawn for tuples.
3. :func:`evaluate_instances` — per instance, exact loss curves for every β and the baseline
   runs α ∈ {0, 1, 2, ∞} with the same z (:class:`InstanceResult`), cached and in parallel;
   the work is the family's (:mod:`dalgo.tuning.families`: Lloyd's, or α-linkage).
4. :func:`summarize` — the exact ERM over the training curves, assessed on the test
   instances, as a :class:`TuneResult` (report, figure, JSON that round-trips).

:func:`tune` is these four steps.
"""

import time
from dataclasses import replace

import numpy as np

from .._validation import check_enough_distinct, check_positive_int, n_clusters_from_labels
from ..instances import Instance
from ..random_state import spawn_seeds
from ..seeding import draw_z
from .config import (
    BASELINE_ALPHAS,
    CACHE_FORMAT,
    TuneConfig,
    beta_key,
    check_n_draws,
    loss_id,
    resolve_n_draws,
)
from .evaluation import (
    InstanceCache,
    InstanceResult,
    evaluate_instance,
    evaluate_instances,
    seeding_draws,
)
from .families import FAMILIES, Family, get_family
from .model_selection import representative_alpha
from .result import TuneResult, baseline_label
from .selection import check_loss_range, mean_curve, summarize, test_curve_stats

__all__ = [
    "BASELINE_ALPHAS",
    "CACHE_FORMAT",
    "FAMILIES",
    "Family",
    "InstanceCache",
    "InstanceResult",
    "TuneConfig",
    "TuneResult",
    "as_instances",
    "baseline_label",
    "beta_key",
    "evaluate_instance",
    "evaluate_instances",
    "get_family",
    "loss_id",
    "mean_curve",
    "representative_alpha",
    "seeding_draws",
    "summarize",
    "test_curve_stats",
    "tune",
]


def _as_instance(item, n_clusters, seed, what, i):
    if isinstance(item, Instance):
        if n_clusters is not None and item.n_clusters != n_clusters:
            raise ValueError(f"{what}[{i}] has n_clusters={item.n_clusters} but n_clusters="
                             f"{n_clusters} was asked for.")
        return item
    try:
        parts = tuple(item)
    except TypeError:
        raise TypeError(f"{what}[{i}] must be an Instance or a tuple (X, y[, n_clusters]); "
                        f"got {type(item).__name__}.") from None
    if len(parts) not in (2, 3):
        raise TypeError(f"{what}[{i}] must be (X, y) or (X, y, n_clusters).")
    X, y = parts[0], parts[1]
    k = check_positive_int(parts[2], f"{what}[{i}] n_clusters") if len(parts) == 3 else (
        n_clusters)
    if k is None:
        if y is None:
            raise ValueError(f"{what}[{i}]: give n_clusters or labels y.")
        k = n_clusters_from_labels(y)
    z = draw_z(int(k), np.random.default_rng(seed))
    try:
        return Instance(X=X, y=y, n_clusters=int(k), z=z, name=f"{what}[{i}]")
    except ValueError as exc:
        raise ValueError(f"{what}[{i}]: {exc}") from None


def as_instances(items, *, n_clusters=None, random_state=None, what="instances",
                 needs_labels=False):
    """Validated :class:`~dalgo.Instance` objects from Instances or ``(X, y[, k])`` tuples.

    Parameters
    ----------
    items : iterable
        Consumed once (a generator is fine).
    n_clusters : int, default=None
        k for tuples without one (default: :func:`dalgo._validation.n_clusters_from_labels`
        of their labels — distinct labels >= 0, noise -1 not counted); Instances must agree.
    random_state : None, int, SeedSequence or Generator
        Tuples get z from child seed ``i`` (:func:`dalgo.random_state.spawn_seeds`).
    what : str, default="instances"
        Named in error messages (``"train[3]: ..."``).
    needs_labels : bool, default=False
        Raise if an instance has no labels (the Hamming loss needs them).

    Returns
    -------
    list of Instance
    """
    if isinstance(items, (Instance, tuple)) and len(items) in (2, 3) and np.ndim(items[0]) == 2:
        raise TypeError(f"{what} must be a sequence of instances; got a single (X, y) tuple — "
                        "wrap it in a list: [(X, y)].")
    if isinstance(items, np.ndarray):
        raise TypeError(f"{what} must be a sequence of instances (data sets); got one array "
                        f"of shape {items.shape} — for a single data set pass [(X, y)].")
    items = list(items)
    if not items:
        raise ValueError(f"{what} is empty: give at least one instance.")
    n_clusters = check_positive_int(n_clusters, "n_clusters", allow_none=True)
    seeds = spawn_seeds(len(items), random_state)
    out = []
    for i, item in enumerate(items):
        inst = _as_instance(item, n_clusters, seeds[i], what, i)
        try:
            check_enough_distinct(inst.X, inst.n_clusters)
        except ValueError as exc:
            raise ValueError(f"{what}[{i}] ({inst.name}): {exc}") from None
        if needs_labels and inst.y is None:
            raise ValueError(f"loss='hamming' needs labels, but {what}[{i}] has none.")
        out.append(inst)
    return out


def tune(train, test=None, *, n_clusters=None, alpha_range=None, betas=(2.0,),
         loss="hamming", center="euclidean", n_jobs=1, cache_dir=None, progress=True,
         max_iter=300, n_draws=1, selection="cv", n_folds=None, n_se=None,
         random_state=None, family="lloyd", loss_range=None):
    """Learn α (exactly) and β (over a grid) from sampled clustering instances.

    The algorithm family is a parameter: ``family="lloyd"`` (default) tunes d^α seeding +
    β-Lloyd's; ``family="linkage-minmax"`` tunes α-linkage α·min + (1 − α)·max
    (:mod:`dalgo.linkage`) and compares it with single, complete and average linkage —
    the same curves, selection, report, figure and JSON.

    Parameters
    ----------
    train : iterable of Instance or (X, y[, n_clusters]) tuples
        Training instances. Tuples get their seeding draw ``z`` from
        ``random_state`` (one child seed per instance).
    test : iterable, default=None
        Held-out instances, evaluated at the learned (α, β) and at the baselines
        α ∈ {0, 1, 2, ∞} with the same z.
    n_clusters : int, default=None
        k for tuples without one (default: their number of distinct labels >= 0);
        Instances must agree with it if given.
    alpha_range : (float, float), default=None
        The family's range by default: ``(0.0, inf)`` for Lloyd's (farthest-first
        included), ``(0.0, 1.0)`` for linkage.
    betas : sequence of float, default=(2.0,)
        β grid; the execution tree is shared, the local search rerun per β (Lloyd's only).
    loss : {"hamming", "kmeans", "kmedian", "kcenter"} or callable, default="hamming"
    center : {"euclidean", "medoid"}, default="euclidean"
    n_jobs : int, default=1
        Processes for joblib. Inside ``joblib.parallel_backend("dask")`` the
        instances run on a Dask cluster instead (see the user guide).
    cache_dir : str or Path, default=None
        Where finished instances are stored (one JSON file per instance, keyed
        by a content hash of the data, z and the configuration). A rerun
        after an interruption reuses them; a corrupt file is recomputed with a
        warning.
    progress : bool, default=True
        Show a tqdm progress bar.
    max_iter : int, default=300
        Local-search iterations per run.
    n_draws : int or "auto", default=1
        Seeding draws z per instance (see :class:`TuneConfig`); each costs one exact curve.
        With m < 60 training instances, about 60 / m draws (at most 8) cost what the
        default ``dalgo tune`` costs and let the selection's nested check see real gains
        that one draw hides; ``"auto"`` is that number
        (:func:`~dalgo.tuning.config.budget_draws`; one draw for α-linkage). Test instances
        get the same draws (docs/results.md §10).
    selection : {"cv", "exact"}, default="cv"
        ``"cv"``: model selection by K-fold cross-validation over the training instances
        among the classical members α ∈ {0, 1, 2, ∞}, the exact ERM and ERMs of the
        window-smoothed risk, for every β; k-means++ is kept unless something beats it by
        more than one paired s.e., else the best of the simplest kind of candidate within
        one paired s.e. of the best wins.
        ``"exact"``: the exact ERM of the paper (minimiser of the mean training curve).
        See :func:`summarize`.
    n_folds : int, default=None
        Folds of training instances for the cross-validation (default 5).
    n_se : float, default=None
        Paired standard errors by which a simpler candidate (k-means++ first) may trail the
        best and still be chosen (default 1: the one-standard-error rule).
    random_state : None, int, SeedSequence or Generator, default=None
        Seeds the z of tuple instances (:mod:`dalgo.random_state`).
    family : str, default="lloyd"
        A key of :data:`dalgo.tuning.FAMILIES`: ``"lloyd"`` or ``"linkage-minmax"``.
    loss_range : float, default=None
        Certified range of the Hamming loss on every instance of the distribution, used by
        the uniform bound (default 1, always valid); e.g.
        :func:`dalgo.losses.hamming_loss_range` ``(k, c)`` when every instance has at most
        k clusters and c classes. See :func:`summarize`.

    Returns
    -------
    TuneResult

    Notes
    -----
    validate (:class:`TuneConfig`, :func:`as_instances`) → evaluate
    (:func:`evaluate_instances`) → select and report (:func:`summarize`). For each
    instance the execution tree gives the loss as an exact piecewise-constant function of
    α; the mean over the training instances is the exact empirical risk. The exact ERM
    minimises it over all α in the range (not a grid); because that minimiser of a noisy
    risk is itself noisy, the default selection compares it by cross-validation with
    smoothed ERMs and the classical members and reports the cross-validated estimate
    (``cv_loss`` ± ``cv_se``). The test loss is measured on separate instances, paired with
    the baselines on the same instances and z.

    Examples
    --------
    >>> from dalgo import tune
    >>> from dalgo.instances import GaussianGrid
    >>> dist = GaussianGrid(grid_size=3, n_clusters=3, n_per_cluster=10)
    >>> res = tune(dist.sample(4, random_state=0), dist.sample(4, random_state=1),
    ...            alpha_range=(0, 10), progress=False)
    >>> res.n_train, res.n_test, res.beta, res.selection
    (4, 4, 2.0, 'cv')
    >>> res = tune(dist.sample(4, random_state=0), dist.sample(4, random_state=1),
    ...            family="linkage-minmax", progress=False)
    >>> sorted(res.baselines), res.config["family"]
    (['average', 'complete', 'single'], 'linkage-minmax')
    """
    started = time.perf_counter()
    n_draws = check_n_draws(n_draws)
    config = TuneConfig(alpha_range=alpha_range, betas=betas, center=center, loss=loss,
                        max_iter=max_iter, n_draws=1 if n_draws == "auto" else n_draws,
                        family=family)
    if loss_range is not None:
        check_loss_range(loss_range)
    seed_train, seed_test = spawn_seeds(2, random_state)
    train_set = as_instances(train, n_clusters=n_clusters, random_state=seed_train,
                             what="train", needs_labels=config.needs_labels)
    config = replace(config, n_draws=resolve_n_draws(n_draws, len(train_set), family))
    test_set = [] if test is None else as_instances(
        test, n_clusters=n_clusters, random_state=seed_test, what="test",
        needs_labels=config.needs_labels)
    results = evaluate_instances(train_set + test_set, config,
                                 baselines=[False] * len(train_set) + [True] * len(test_set),
                                 cache_dir=cache_dir, n_jobs=n_jobs, progress=progress)
    return summarize(results[:len(train_set)], results[len(train_set):], config,
                     selection=selection, n_folds=n_folds, n_se=n_se, started=started,
                     loss_range=loss_range)
