"""NAS search algorithms on tabular tasks: random search, regularized evolution, local search
and BANANAS.

Every algorithm takes a task, a query budget and a ``random_state`` and returns a
:class:`Trajectory`.
Conventions shared by all of them:

* The budget counts *distinct* architectures queried. Tabular queries are deterministic, so an
  algorithm that proposes an architecture it has already seen re-uses the value for free and
  proposes again (after 100 consecutive repeats it draws an unseen architecture at random).
* A budget larger than the task's space is clipped to the space size (with a warning).
* All randomness comes from one ``numpy.random.Generator``, ``np.random.default_rng(seed)``
  with ``seed = dalgo.random_state.int_seed(random_state)`` (an int is used as is); BANANAS'
  networks get their seeds from it. No global generator is used.
"""

from __future__ import annotations

import time
import warnings
from collections import deque
from dataclasses import dataclass

import numpy as np

from dalgo._validation import check_positive_int
from dalgo.random_state import check_random_state, int_seed

from ._deprecation import random_state_or_seed
from .spaces import CellSpace

__all__ = ["search", "Trajectory", "ALGORITHMS", "random_search", "regularized_evolution",
           "local_search", "bananas"]


@dataclass
class Trajectory:
    """What a search did, query by query.

    Attributes
    ----------
    task : str
    algorithm : str
    seed : int
        The int seed of the run's generator: ``search(..., random_state=seed)`` repeats it.
    hyperparameters : dict
        The values used, defaults included.
    archs : list of tuple
        Distinct architectures in query order.
    valid, test, cost : ndarray of shape (n_queries,)
        Tabulated metrics of each query.
    best_valid : ndarray of shape (n_queries,)
        Best validation metric so far (non-decreasing).
    best_test : ndarray of shape (n_queries,)
        Test metric of the incumbent (the first architecture reaching ``best_valid``).
    incumbent : ndarray of int
        Query position of the incumbent after each query.
    wall_time : ndarray of shape (n_queries,)
        Seconds since the start of the search after each query.
    regret_valid, regret_test : ndarray of shape (n_queries,)
        Normalised regrets of the incumbent, ``(best - value) / (best - worst)`` over the space
        (NaN without a test metric).
    """

    task: str
    algorithm: str
    seed: int
    hyperparameters: dict
    archs: list
    valid: np.ndarray
    test: np.ndarray
    cost: np.ndarray
    best_valid: np.ndarray
    best_test: np.ndarray
    incumbent: np.ndarray
    wall_time: np.ndarray
    regret_valid: np.ndarray
    regret_test: np.ndarray

    def __len__(self):
        return len(self.archs)

    def __repr__(self):
        final = ", ".join(f"final_regret_{m}={self.final_regret(m):.4g}"
                          for m in ("valid", "test") if len(self) and
                          not np.isnan(self.final_regret(m)))
        return (f"Trajectory(task={self.task!r}, algorithm={self.algorithm!r}, "
                f"seed={self.seed}, n_queries={len(self)}" + (f", {final}" if final else "")
                + ")")

    def regret(self, metric="valid"):
        """Normalised regret curve for ``metric`` in {"valid", "test"}."""
        if metric not in ("valid", "test"):
            raise ValueError(f"metric must be 'valid' or 'test', got {metric!r}")
        return self.regret_valid if metric == "valid" else self.regret_test

    def final_regret(self, metric="valid"):
        """Normalised regret after the last query."""
        return float(self.regret(metric)[-1])

    def to_dict(self):
        """JSON-ready dict (lists instead of arrays)."""
        d = {k: getattr(self, k) for k in self.__dataclass_fields__}
        d["archs"] = [list(a) for a in self.archs]
        for k, v in d.items():
            if isinstance(v, np.ndarray):
                d[k] = [None if isinstance(x, float) and np.isnan(x) else x for x in v.tolist()]
        return d


class _Recorder:
    """Queries the task, enforces the budget on distinct architectures, keeps the history."""

    def __init__(self, task, budget, rng):
        self.task = task
        self.budget = budget
        self.rng = rng
        self.rows = []
        self.seen = {}
        self.times = []
        self.t0 = time.perf_counter()
        self._unseen_pool = None

    @property
    def done(self):
        return len(self.rows) >= self.budget

    @property
    def remaining(self):
        return self.budget - len(self.rows)

    def value(self, arch):
        """Validation metric of an already-queried architecture, else None."""
        r = self.seen.get(arch)
        return None if r is None else float(self.task.valid[r])

    def query(self, arch):
        """Validation metric of ``arch``; charges the budget the first time only."""
        r = self.seen.get(arch)
        if r is not None:
            return float(self.task.valid[r])
        if self.done:
            raise RuntimeError("query budget exhausted")
        r = self.task.row(arch)
        self.seen[arch] = r
        self.rows.append(r)
        self.times.append(time.perf_counter() - self.t0)
        return float(self.task.valid[r])

    def random_unseen(self):
        """A uniformly random architecture not yet queried."""
        space = self.task.space
        for _ in range(100):
            a = space.sample(self.rng)
            if a not in self.seen:
                return a
        pool = [a for a in self.task.archs if a not in self.seen]
        return pool[int(self.rng.integers(len(pool)))]

    def propose(self, make):
        """Call ``make()`` until it yields an unseen architecture (100 tries, then random)."""
        for _ in range(100):
            a = make()
            if a not in self.seen:
                return a
        return self.random_unseen()

    def best(self, k=1):
        """The ``k`` best queried architectures by validation metric (ties: earlier first)."""
        rows = np.array(self.rows)
        order = np.argsort(-self.task.valid[rows], kind="stable")[:k]
        return [self.task.archs[rows[i]] for i in order]


def _finish(rec, algorithm, seed, hyper):
    task = rec.task
    rows = np.array(rec.rows, dtype=np.intp)
    valid, test, cost = task.valid[rows], task.test[rows], task.cost[rows]
    # incumbent: first query reaching the running maximum
    inc = np.zeros(len(rows), dtype=np.intp)
    best = -np.inf
    b = 0
    for i, v in enumerate(valid):
        if v > best:
            best, b = v, i
        inc[i] = b
    best_valid = valid[inc]
    best_test = test[inc]
    return Trajectory(
        task=task.name, algorithm=algorithm, seed=int(seed), hyperparameters=dict(hyper),
        archs=[task.archs[r] for r in rows], valid=valid.copy(), test=test.copy(), cost=cost.copy(),
        best_valid=best_valid, best_test=best_test, incumbent=inc,
        wall_time=np.array(rec.times), regret_valid=task.regret(best_valid, "valid"),
        regret_test=task.regret(best_test, "test") if task.has_test else np.full(len(rows), np.nan),
    )


# --------------------------------------------------------------------------- algorithms

def random_search(rec):
    """Query distinct architectures drawn uniformly at random (without replacement)."""
    n = len(rec.task.archs)
    for r in rec.rng.choice(n, size=rec.budget, replace=False):
        rec.query(rec.task.archs[int(r)])


def regularized_evolution(rec, *, population_size=30, sample_size=10):
    """Regularized (aging) evolution, Real et al. (AAAI 2019).

    Start with ``population_size`` random architectures; then repeatedly draw ``sample_size``
    members uniformly without replacement, mutate the best of them (one op change), query the
    child, append it and remove the oldest member.
    """
    check_positive_int(population_size, "population_size")
    check_positive_int(sample_size, "sample_size")
    if sample_size > population_size:
        raise ValueError(f"sample_size={sample_size} exceeds population_size={population_size}")
    space = rec.task.space
    pop = deque()
    while len(pop) < population_size and not rec.done:
        a = rec.random_unseen()
        pop.append((a, rec.query(a)))
    while not rec.done:
        idx = rec.rng.choice(len(pop), size=min(sample_size, len(pop)), replace=False)
        parent = max((pop[int(i)] for i in sorted(idx)), key=lambda p: p[1])[0]
        child = rec.propose(lambda parent=parent: space.mutate(parent, rec.rng))
        pop.append((child, rec.query(child)))
        pop.popleft()


def local_search(rec, *, n_init=10, strategy="best"):
    """Local search over the one-op neighbourhood (White, Nolen, Savani & Neiswanger, 2021).

    Start from the best of ``n_init`` random architectures. ``strategy="best"`` queries the
    whole neighbourhood (in random order) and moves to its best member if it improves;
    ``"first"`` moves as soon as a neighbour improves. At a local optimum, restart from a
    random unseen architecture.
    """
    check_positive_int(n_init, "n_init")
    if strategy not in ("best", "first"):
        raise ValueError(f"strategy must be 'best' or 'first', got {strategy!r}")
    space = rec.task.space
    for _ in range(n_init):
        if rec.done:
            return
        rec.query(rec.random_unseen())
    current = rec.best(1)[0]
    cur_val = rec.value(current)
    while not rec.done:
        nb = space.neighbours(current)
        order = rec.rng.permutation(len(nb))
        best_nb, best_val = None, cur_val
        for i in order:
            a = nb[int(i)]
            v = rec.value(a)
            if v is None:
                if rec.done:
                    return
                v = rec.query(a)
            if v > best_val:
                best_nb, best_val = a, v
                if strategy == "first":
                    break
        if best_nb is None:  # local optimum: restart
            if rec.done:
                return
            current = rec.random_unseen()
            cur_val = rec.query(current)
        else:
            current, cur_val = best_nb, best_val


def _acquisition(mean, std, kind, rng, best, ucb_kappa, ei_calibration):
    if kind == "its":  # independent Thompson sampling
        return mean + std * rng.standard_normal(mean.shape)
    if kind == "ucb":
        return mean + ucb_kappa * std
    if kind == "ei":
        from scipy.stats import norm

        s = np.maximum(std / ei_calibration, 1e-12)
        z = (mean - best) / s
        return (mean - best) * norm.cdf(z) + s * norm.pdf(z)
    raise ValueError(f"acquisition must be 'its', 'ucb' or 'ei', got {kind!r}")


def _mutate_edgewise(space, arch, rng, prob):
    """BANANAS' reference mutation: each edge independently, with probability ``prob``,
    gets a different op drawn uniformly (it may leave the cell unchanged)."""
    t = list(space.validate(arch))
    for e in range(len(t)):
        if rng.random() < prob:
            a = int(rng.integers(space.n_ops - 1))
            t[e] = a + (a >= t[e])
    return tuple(t)


def _candidates_edgewise(rec, space, n_candidates, n_parents, max_mutations):
    """BANANAS' reference candidate set (naszilla ``get_candidates``, ``acq_opt_type=
    "mutation"``): the ``n_parents`` best queried architectures in turn, each mutated
    ``n_candidates // max_mutations`` times at every rate 1..``max_mutations`` (edge
    probability ``rate / (n_edges - 2)``), keeping unseen distinct cells, until at least
    ``n_candidates`` are collected."""
    cands, cset = [], set()
    edgewise = isinstance(space, CellSpace)
    for parent in rec.best(n_parents):
        if len(cands) >= n_candidates:
            break
        for _ in range(max(1, n_candidates // max_mutations)):
            for rate in range(1, max_mutations + 1):
                if edgewise:
                    a = _mutate_edgewise(space, parent, rec.rng, rate / (space.n_edges - 2))
                else:  # no edges (NAS-Bench-Graph): the space's own mutation, `rate` times
                    a = parent
                    for _ in range(rate):
                        a = space.mutate(a, rec.rng)
                if a not in rec.seen and a not in cset:
                    cands.append(a)
                    cset.add(a)
    return cands


def _candidates_one_edge(rec, space, n_candidates, n_parents, max_mutations):
    """dalgo's former rule: the ``n_parents`` best in turn (round robin), each candidate
    1..``max_mutations`` one-edge mutations of its parent."""
    parents = rec.best(n_parents)
    cands, cset = [], set()
    attempts = 0
    while len(cands) < n_candidates and attempts < 20 * n_candidates:
        a = parents[attempts % len(parents)]
        for _ in range(1 + int(rec.rng.integers(max_mutations))):
            a = space.mutate(a, rec.rng)
        attempts += 1
        if a not in rec.seen and a not in cset:
            cands.append(a)
            cset.add(a)
    return cands


_MUTATIONS = {"edgewise": _candidates_edgewise, "one_edge": _candidates_one_edge}


def bananas(
    rec,
    *,
    n_init=10,
    n_candidates=100,
    batch_size=10,
    n_parents=5,
    max_mutations=1,
    mutation="edgewise",
    acquisition="its",
    ucb_kappa=0.5,
    ei_calibration=5.0,
    encoding=None,
    n_estimators=5,
    n_layers=10,
    n_units=20,
    learning_rate=0.01,
    n_epochs=150,
    mlp_batch_size=32,
    adam_beta2=0.99,
    mlp_init="uniform",
    adam_eps=1e-8,
    mlp_standardize=True,
    n_threads=1,
):
    """BANANAS (White, Neiswanger & Savani, AAAI 2021), with the defaults of its reference
    implementation (``naszilla/nas_algorithms.py::bananas``, github.com/naszilla/naszilla).

    Query ``n_init`` random architectures; then, until the budget is spent: fit an ensemble
    of ``n_estimators`` MLPs (``n_layers`` x ``n_units``, MAE, Adam ``learning_rate`` with
    beta2 ``adam_beta2``, ``n_epochs`` over mini-batches of ``mlp_batch_size``; None: full
    batch) on (encoding, validation metric); generate candidates (``mutation``, below);
    score them with the acquisition (``"its"``: one normal draw per candidate from the
    ensemble's mean and standard deviation; ``"ucb"``: mean + ``ucb_kappa`` * std; ``"ei"``:
    expected improvement over the best queried value with the std divided by
    ``ei_calibration``) and query the ``batch_size`` best.  Random unseen architectures fill
    up when fewer than ``batch_size`` candidates exist.

    ``mutation="edgewise"`` (the reference's): the ``n_parents`` best queried architectures
    in turn, each mutated ``n_candidates // max_mutations`` times per rate 1..
    ``max_mutations``, every edge changing with probability ``rate / 4`` (``rate / (n_edges
    - 2)``), distinct unseen results kept until ``n_candidates`` are collected.
    ``mutation="one_edge"`` (dalgo's former rule, with ``n_parents=10``): the parents in
    turn, each candidate 1..``max_mutations`` one-edge mutations.

    ``encoding=None``: the full path encoding ``"path"`` (every input->output path, 155
    bits on NB201) where the space has it, else the space's default (one-hot for
    NAS-Bench-Graph).  This is the encoding of the BANANAS paper and of NASLib's BANANAS
    (``naslib/predictors/ensemble.py``: ``MLPPredictor(encoding_type=EncodingType.PATH)``);
    naszilla's NAS-Bench-201 runs truncate it to the first 30 bits (``"trunc_path"``, paths
    of length <= 2), which hides the edge 1->2 from the predictor and, in a pre-registered
    replication on 100 fresh seeds (docs/nas.md), made BANANAS no better than regularized
    evolution.  ``encoding="trunc_path"`` is naszilla's choice.

    dalgo's former defaults are ``n_parents=10, mutation="one_edge", ucb_kappa=1.0,
    ei_calibration=1.0, mlp_batch_size=None, adam_beta2=0.999``; the defaults with
    ``encoding="trunc_path"`` are naszilla's NAS-Bench-201 configuration (up to the Keras
    details listed in docs/nas.md, available as ``mlp_init``, ``adam_eps``,
    ``mlp_standardize``).
    """
    for name, v in (("n_init", n_init), ("n_candidates", n_candidates),
                    ("batch_size", batch_size), ("n_parents", n_parents),
                    ("max_mutations", max_mutations)):
        check_positive_int(v, name)
    check_positive_int(mlp_batch_size, "mlp_batch_size", allow_none=True)
    if acquisition not in ("its", "ucb", "ei"):
        raise ValueError(f"acquisition must be 'its', 'ucb' or 'ei', got {acquisition!r}")
    if mutation not in _MUTATIONS:
        raise ValueError(f"mutation must be 'edgewise' or 'one_edge', got {mutation!r}")
    if not (isinstance(ei_calibration, (int, float)) and ei_calibration > 0):
        raise ValueError(f"ei_calibration must be a positive number, got {ei_calibration!r}")
    from .mlp import MLPEnsemble

    space = rec.task.space
    if encoding is None:
        encoding = "path" if "path" in space.encodings else space.default_encoding
    space.encoding_size(encoding)  # validates the name for this space
    for _ in range(n_init):
        if rec.done:
            return
        rec.query(rec.random_unseen())
    model = MLPEnsemble(n_estimators, n_layers=n_layers, n_units=n_units,
                        learning_rate=learning_rate, n_epochs=n_epochs,
                        batch_size=mlp_batch_size, beta2=adam_beta2, init=mlp_init,
                        eps=adam_eps, standardize=mlp_standardize, n_threads=n_threads)
    while not rec.done:
        archs = [rec.task.archs[r] for r in rec.rows]
        X = space.encode_many(archs, encoding)
        y = rec.task.valid[np.array(rec.rows)]
        model.set_params(random_state=int(rec.rng.integers(2**62))).fit(X, y)
        cands = _MUTATIONS[mutation](rec, space, n_candidates, n_parents, max_mutations)
        cset = set(cands)
        n_unseen = len(rec.task.archs) - len(rec.rows)
        while len(cands) < min(batch_size, n_unseen):
            a = rec.random_unseen()
            if a not in cset:
                cands.append(a)
                cset.add(a)
        mean, std = model.predict(space.encode_many(cands, encoding), return_std=True)
        score = _acquisition(mean, std, acquisition, rec.rng, float(y.max()), ucb_kappa,
                             ei_calibration)
        for i in np.argsort(-score, kind="stable")[:batch_size]:
            if rec.done:
                return
            rec.query(cands[int(i)])


ALGORITHMS = {
    "rs": random_search,
    "re": regularized_evolution,
    "ls": local_search,
    "bananas": bananas,
}

_DEFAULTS = {
    "rs": {},
    "re": dict(population_size=30, sample_size=10),
    "ls": dict(n_init=10, strategy="best"),
    "bananas": dict(n_init=10, n_candidates=100, batch_size=10, n_parents=5, max_mutations=1,
                    mutation="edgewise", acquisition="its", ucb_kappa=0.5, ei_calibration=5.0,
                    encoding=None, n_estimators=5, n_layers=10, n_units=20, learning_rate=0.01,
                    n_epochs=150, mlp_batch_size=32, adam_beta2=0.99, mlp_init="uniform",
                    adam_eps=1e-8, mlp_standardize=True, n_threads=1),
}


def default_hyperparameters(algorithm):
    """Default hyperparameters of a named algorithm (a copy)."""
    if algorithm not in ALGORITHMS:
        raise ValueError(f"unknown algorithm {algorithm!r}; choose from {sorted(ALGORITHMS)}")
    return dict(_DEFAULTS[algorithm])


def search(task, algorithm, *, budget=150, random_state=0, data_dir=None, seed=None,
           **hyperparameters):
    """Run a NAS algorithm on a tabular task.

    Parameters
    ----------
    task : TabularTask or str
        A task or a task name for :func:`dalgo.nas.load_task`.
    algorithm : {"rs", "re", "ls", "bananas"}
    budget : int, default=150
        Number of distinct architectures to query; clipped to the space size.
    random_state : None, int, SeedSequence or Generator, default=0
        Becomes the run's int seed ``s = dalgo.random_state.int_seed(random_state)`` (an int
        is used as is; a Generator gives one draw) and its only random generator
        ``np.random.default_rng(s)``: same int, same trajectory. ``s`` is recorded in
        ``Trajectory.seed``.
    data_dir : str, default=None
        Passed to :func:`~dalgo.nas.load_task` when ``task`` is a name.
    seed : int, default=None
        Deprecated alias of ``random_state`` (same results); will be removed in the next
        release.
    **hyperparameters
        Algorithm hyperparameters (see :func:`random_search`, :func:`regularized_evolution`,
        :func:`local_search`, :func:`bananas`); unknown names raise ``ValueError``.

    Returns
    -------
    Trajectory

    Examples
    --------
    >>> from dalgo.nas import load_task, search
    >>> task = load_task("nb201-cifar10")
    >>> traj = search(task, "re", budget=100, random_state=0)
    >>> len(traj), bool((traj.best_valid[1:] >= traj.best_valid[:-1]).all())
    (100, True)
    >>> traj.archs == search(task, "re", budget=100, random_state=0).archs
    True
    """
    random_state = random_state_or_seed(random_state, seed, where="dalgo.nas.search", default=0)
    if isinstance(task, str):
        from .benchmarks import load_task

        task = load_task(task, data_dir)
    if algorithm not in ALGORITHMS:
        raise ValueError(f"unknown algorithm {algorithm!r}; choose from {sorted(ALGORITHMS)}")
    hyper = default_hyperparameters(algorithm)
    unknown = set(hyperparameters) - set(hyper)
    if unknown:
        raise ValueError(f"unknown hyperparameters {sorted(unknown)} for {algorithm!r}; "
                         f"valid: {sorted(hyper)}")
    hyper.update(hyperparameters)
    budget = check_positive_int(budget, "budget")
    seed = int_seed(random_state)
    n = len(task.archs)
    if budget > n:
        warnings.warn(f"budget {budget} exceeds the {n} architectures of {task.name}; "
                      f"clipped to {n}",
                      UserWarning, stacklevel=2)
        budget = n
    rec = _Recorder(task, budget, check_random_state(seed))
    ALGORITHMS[algorithm](rec, **hyper)
    return _finish(rec, algorithm, seed, hyper)
