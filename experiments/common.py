"""What is specific to the clustering experiments (docs/conventions.md, "The reference
protocol"; issue 4).

Everything general comes from dalgo: the protocol distributions
(:func:`dalgo.protocols.protocol_distribution`), the per-instance evaluation and its cache
(:func:`dalgo.tuning.evaluate_instances`), the ERM and its report
(:func:`dalgo.tuning.summarize`), JSON output (:func:`dalgo.jsonio.write_json`), mean ±
s.e. (:mod:`dalgo.stats`) and step plots (:mod:`dalgo.plotting`). Here remain the paths, the
per-data-set seeds of the instance streams (:data:`SEEDS`), the α range of the experiments,
and thin helpers:

* :func:`pool` — instances ``start .. start+n-1`` of a data set's fixed stream
  (:func:`pool_chunks` the same a chunk at a time, :func:`pool_instances` chosen ones);
* :func:`pool_results` — :func:`evaluate_pool` of a pool, a chunk in memory at a time;
* :func:`evaluate_pool` — :func:`dalgo.tuning.evaluate_instances` with every instance
  evaluated with its baselines (α ∈ {0, 1, 2, ∞} with the same z), so one pool can be split
  into train and test sets in any way afterwards, and every script asking for the same
  (instance, z, configuration) reuses the same cache file (a rerun after an interruption is
  free).
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run from a checkout without installing
    sys.path.insert(0, str(ROOT))

from dalgo.jsonio import read_json, write_json
from dalgo.protocols import protocol_distribution
from dalgo.tuning import TuneConfig, evaluate_instances

#: The data folder: ``$DALGO_DATA`` when set, else ``shared/data`` beside the checkout.
DEFAULT_DATA_DIR = os.environ.get("DALGO_DATA") or str(ROOT.parent / "shared" / "data")
DEFAULT_CACHE = "/tmp/dalgo_exp_cache"
RESULTS = ROOT / "docs" / "results"
DATASETS = ("mnist", "cifar10", "cnae9", "gaussian_grid", "digits")
ALPHA_RANGE = (0.0, np.inf)  # [0, 20] plus the farthest-first piece; see ALPHA_MAX
ALPHA_MAX = 20.0  # the protocol: α ∈ [0, 20] plus ∞ (figures draw the finite part up to here)
#: The seeds of each data set's instance stream (train and test are disjoint draws).
SEEDS = {"mnist": 1001, "cifar10": 1002, "cnae9": 1003, "gaussian_grid": 1004, "digits": 1005}
#: Instances :func:`pool_chunks` holds in memory at once: a whole pool of 1,100 CIFAR-10
#: instances is 13.5 GB of points, and two such processes exhaust this 24 GB machine.
POOL_CHUNK = 100


def pool(name, n, data_dir=DEFAULT_DATA_DIR, *, smoke=False, start=0):
    """Instances ``start .. start+n-1`` of the data set's fixed stream (smaller with smoke)."""
    dist = protocol_distribution(name, data_dir, smoke=smoke)
    return dist.sample(n, random_state=SEEDS[name], start=start)


def pool_chunks(name, n, data_dir=DEFAULT_DATA_DIR, *, smoke=False, chunk=POOL_CHUNK):
    """:func:`pool` ``(name, n)`` a chunk at a time: yields ``(start, instances)`` for
    instances ``start .. start+chunk-1``, so that only one chunk's points are in memory."""
    dist = protocol_distribution(name, data_dir, smoke=smoke)
    for start in range(0, n, chunk):
        yield start, dist.sample(min(chunk, n - start), random_state=SEEDS[name], start=start)


def pool_instances(name, indices, data_dir=DEFAULT_DATA_DIR, *, smoke=False):
    """The instances of the data set's stream at ``indices`` (instance ``i`` equals
    ``pool(name, i + 1)[i]``)."""
    dist = protocol_distribution(name, data_dir, smoke=smoke)
    return [dist.sample(1, random_state=SEEDS[name], start=int(i))[0] for i in indices]


#: How the held-out instances are taken from a pool: its last or first ``n_test``, or (in
#: :mod:`selection`) a rotating block.
HELDOUT_SPLITS = ("last", "first", "rotate")
#: What an output file's name gets for each split (the default split adds nothing).
HELDOUT_SUFFIX = {"last": "", "first": "_heldout_first", "rotate": "_heldout_rotate"}


def heldout_split(n, n_test, heldout="last", *, blocks=5, rep=0):
    """``(held_out, candidates)``: pool indices of the held-out instances and of the rest.

    ``heldout`` is ``"last"`` (the last ``n_test`` of the pool), ``"first"`` (the first
    ``n_test``: the other split of the same pool) or ``"rotate"`` (the pool in ``blocks``
    blocks, block ``rep mod blocks`` held out; ``n_test`` is then ignored).

    Examples
    --------
    >>> [a.tolist() for a in heldout_split(5, 2, "first")]
    [[0, 1], [2, 3, 4]]
    """
    if heldout == "last":
        idx = np.arange(n - n_test, n)
    elif heldout == "first":
        idx = np.arange(n_test)
    elif heldout == "rotate":
        idx = np.array_split(np.arange(n), blocks)[rep % blocks]
    else:
        raise ValueError(f"heldout must be one of {HELDOUT_SPLITS}; got {heldout!r}.")
    return idx, np.setdiff1d(np.arange(n), idx)


def tune_config(*, betas=(2.0,), center="euclidean", alpha_range=ALPHA_RANGE, loss="hamming",
                max_iter=300, n_draws=1):
    """The :class:`dalgo.tuning.TuneConfig` of the experiments (α ∈ [0, ∞] by default)."""
    return TuneConfig(alpha_range=alpha_range, betas=betas, center=center, loss=loss,
                      max_iter=max_iter, n_draws=n_draws)


def evaluate_pool(instances, config=None, *, cache_dir=DEFAULT_CACHE, n_jobs=1, progress=False,
                  log=None):
    """Per-instance exact results (:class:`dalgo.tuning.InstanceResult`), baselines included.

    ``config`` is a :class:`~dalgo.tuning.TuneConfig` (default :func:`tune_config`: β = 2,
    Euclidean centres, α ∈ [0, ∞]). Finished instances are cached as they arrive; ``log``
    (e.g. :func:`logger`) is told the progress chunk by chunk.
    """
    config = tune_config() if config is None else config
    instances = list(instances)
    t0 = time.time()
    out = []
    chunk = max(2 * max(n_jobs, 1), 10)  # in chunks so that progress is visible in the log
    for s in range(0, len(instances), chunk):
        out.extend(evaluate_instances(instances[s:s + chunk], config, baselines=True,
                                      cache_dir=cache_dir, n_jobs=n_jobs, progress=progress))
        if log is not None:
            log(f"  {len(out)}/{len(instances)} instances, {time.time() - t0:.0f} s")
    return out


def pool_results(name, n, config=None, data_dir=DEFAULT_DATA_DIR, *, smoke=False,
                 cache_dir=DEFAULT_CACHE, n_jobs=1, log=None):
    """:func:`evaluate_pool` of :func:`pool` ``(name, n)``, generated and evaluated a chunk at
    a time (:func:`pool_chunks`): only the results stay in memory, not the points."""
    out = []
    for _, instances in pool_chunks(name, n, data_dir, smoke=smoke):
        out.extend(evaluate_pool(instances, config, cache_dir=cache_dir, n_jobs=n_jobs))
        if log is not None:
            log(f"  {len(out)}/{n} instances")
    return out


def logger(prefix):
    """A ``log(msg)`` that prints ``[HH:MM:SS] prefix: msg`` at once."""
    def log(msg):
        print(f"[{time.strftime('%H:%M:%S')}] {prefix}: {msg}", flush=True)

    return log


def study_each(names, study, args, path, *, timed=False):
    """``study(name, args, log)`` for every data set in ``names``, each result merged into the
    JSON document at ``path`` (existing entries of other data sets are kept) and written
    after every data set, so that an interrupted run keeps the finished ones. With
    ``timed``, each entry gets ``"seconds"``: the wall time of its study. Returns the
    document."""
    path = Path(path)
    doc = read_json(path) if path.exists() else {}
    for name in names:
        t0 = time.time()
        doc[name] = study(name, args, logger(name))
        if timed:
            doc[name]["seconds"] = time.time() - t0
        write_json(path, doc)
    return doc


def common_args(parser, *, cache=True):
    """The options every experiment script takes."""
    parser.add_argument("--data-dir", default=DEFAULT_DATA_DIR,
                        help="folder with mnist/, cifar10/, cnae9/, clustering-data-v1/ "
                             "(default: $DALGO_DATA)")
    parser.add_argument("--out-dir", default=str(RESULTS), help="where figures/JSON go")
    if cache:
        parser.add_argument("--cache", default=DEFAULT_CACHE,
                            help="per-instance result cache (resumable runs)")
    parser.add_argument("--n-jobs", type=int, default=2)
    parser.add_argument("--smoke", action="store_true", help="tiny sizes (for the tests)")
    return parser
