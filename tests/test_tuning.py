"""tune(): exact ERM over α checked against direct runs; baselines; parallel; cache."""

import json
import math

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

import dalgo.tuning  # noqa: E402
import dalgo.tuning.config  # noqa: E402
import dalgo.tuning.evaluation  # noqa: E402
from dalgo import (  # noqa: E402
    AlphaBetaKMeans,
    DataDrivenKMeans,
    Instance,
    PiecewiseConstant,
    TuneResult,
    dalpha_seeding,
    hamming_loss,
    local_search,
    normalized_cost,
    tune,
)
from dalgo.datasets import load_digits  # noqa: E402
from dalgo.instances import ClassSubsampling, GaussianGrid  # noqa: E402

# ---------------------------------------------------------------------------
# helpers
# ---------------------------------------------------------------------------


def grid_instances(n, seed, k=3, m=8):
    return GaussianGrid(grid_size=3, n_clusters=k, n_per_cluster=m).sample(n, random_state=seed)


def digits_instances(n, seed, k=3, m=10):
    dist = ClassSubsampling.from_dataset(load_digits(), n_clusters=k, n_per_class=m,
                                         scale="minmax")
    return dist.sample(n, random_state=seed)


def direct_loss(inst, alpha, beta=2.0, center="euclidean"):
    """One plain run: d^α seeding with the instance's z, β local search, Hamming loss."""
    seeds = dalpha_seeding(inst.X, inst.n_clusters, alpha, inst.z)
    res = local_search(inst.X, seeds, beta=beta, center=center)
    return hamming_loss(inst.y, res.labels)


def seq_mean(values):
    """Mean summed left to right, as the exact curve average does."""
    total = 0.0
    for v in values:
        total += v
    return total / len(values)


def comparable(result):
    d = result.to_dict()
    d.pop("timings")
    return d


def probe_grid(result, lo, hi, n=301):
    """A dense α grid over the range, plus points inside every minimising interval
    and the training curve's breakpoints (both sides)."""
    top = hi if np.isfinite(hi) else 25.0
    pts = list(np.linspace(lo, top, n))
    for a, b in result.argmin_intervals:
        bb = b if np.isfinite(b) else a + 10.0
        pts += [a, 0.5 * (a + bb), np.nextafter(bb, -np.inf)]
    for curve in result.train_curves.values():
        for x in curve.breakpoints[1:-1]:
            pts += [x, np.nextafter(x, -np.inf)]
    if np.isinf(hi):
        pts.append(np.inf)
    return sorted({p for p in pts if lo <= p <= hi})


# ---------------------------------------------------------------------------
# exactness of the ERM against direct runs
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("source, alpha_range", [
    ("grid", (0.0, 10.0)),
    ("digits", (0.0, np.inf)),
])
def test_erm_equals_minimum_of_direct_mean(source, alpha_range):
    make = grid_instances if source == "grid" else digits_instances
    train, test = make(4, 0), make(3, 1)
    res = tune(train, test, alpha_range=alpha_range, progress=False, selection="exact")
    assert isinstance(res, TuneResult)
    lo, hi = alpha_range
    curve = res.train_curves[2.0]
    assert curve.domain == (lo, hi)
    pts = probe_grid(res, lo, hi)
    direct_mean = np.array([seq_mean([direct_loss(i, a) for i in train]) for a in pts])
    # the exact mean training curve equals the mean of direct runs everywhere
    np.testing.assert_allclose(curve(np.array(pts)), direct_mean, rtol=0, atol=1e-12)
    # ERM value <= every direct mean on the grid, and attained inside the interval
    assert np.all(res.train_loss <= direct_mean + 1e-12)
    a, b = res.alpha_interval
    assert (a, b) == res.argmin_intervals[0]
    inside = [m for p, m in zip(pts, direct_mean) if a <= p < b or (np.isinf(b) and p == b)]
    assert inside, "no grid point inside the reported interval"
    assert min(inside) == pytest.approx(res.train_loss, abs=1e-12)
    assert max(inside) == pytest.approx(res.train_loss, abs=1e-12)
    # the representative α lies in the interval and realises the ERM value
    assert a <= res.alpha <= b
    assert abs(seq_mean([direct_loss(i, res.alpha) for i in train]) - res.train_loss) <= 1e-12
    assert res.train_loss == res.train_loss_by_beta[2.0] == curve.min()
    assert res.n_train == 4 and res.n_test == 3
    assert len(res.n_leaves["train"]) == 4 and all(n >= 1 for n in res.n_leaves["train"])


def test_test_loss_and_baselines_equal_direct_runs():
    train, test = grid_instances(4, 2), grid_instances(5, 3)
    res = tune(train, test, alpha_range=(0.0, np.inf), betas=(1.0, 2.0), progress=False,
               selection="exact")
    # test loss: mean of direct runs at the learned (α, β)
    losses = [direct_loss(i, res.alpha, res.beta) for i in test]
    assert res.test_loss == pytest.approx(np.mean(losses), abs=1e-12)
    assert res.test_se == pytest.approx(np.std(losses, ddof=1) / math.sqrt(len(losses)),
                                        abs=1e-12)
    # baselines: direct runs at α ∈ {0, 1, 2, ∞} with the same z, for every β
    for beta in (1.0, 2.0):
        base = res.baselines_by_beta[beta]
        assert set(base) == {"0", "1", "2", "inf"}
        for label, alpha in (("0", 0.0), ("1", 1.0), ("2", 2.0), ("inf", np.inf)):
            vals = [direct_loss(i, alpha, beta) for i in test]
            assert base[label]["test_loss"] == pytest.approx(np.mean(vals), abs=1e-12)
            assert base[label]["test_se"] == pytest.approx(
                np.std(vals, ddof=1) / math.sqrt(len(vals)), abs=1e-12)
            # and the exact test curve agrees with the baseline at that α
            assert res.test_curves[beta](alpha) == pytest.approx(np.mean(vals), abs=1e-12)
    assert res.baselines == res.baselines_by_beta[res.beta]
    # β chosen by the lowest training loss
    assert res.beta == min(res.train_loss_by_beta, key=res.train_loss_by_beta.get)
    # test standard-error curve: piecewise standard error of the per-instance test curves
    for beta in (1.0, 2.0):
        for a in (0.0, 1.5, 7.0, np.inf):
            vals = [direct_loss(i, a, beta) for i in test]
            assert res.test_se_curves[beta](a) == pytest.approx(
                np.std(vals, ddof=1) / math.sqrt(len(vals)), abs=1e-12)


def test_tuples_objective_loss_and_determinism():
    """(X, y) tuples get z from random_state; an objective loss needs no labels."""
    rng = np.random.default_rng(0)
    data = [(rng.normal(size=(20, 2)) + rng.integers(0, 3, size=(20, 1)) * 4.0, None)
            for _ in range(3)]
    r1 = tune(data, n_clusters=3, loss="kmeans", alpha_range=(0, 5), progress=False,
              random_state=7)
    r2 = tune(data, n_clusters=3, loss="kmeans", alpha_range=(0, 5), progress=False,
              random_state=7)
    assert comparable(r1) == comparable(r2)
    assert math.isnan(r1.test_loss) and r1.baselines == {} and r1.n_test == 0
    # recover the z that tune drew and check the curve against direct runs
    seq_train, _ = np.random.SeedSequence(7).spawn(2)
    zs = [np.random.default_rng(s).random(3) for s in seq_train.spawn(3)]
    for a in (0.0, 0.7, 2.0, 4.9):
        vals = []
        for (X, _), z in zip(data, zs):
            res = local_search(X, dalpha_seeding(X, 3, a, z))
            vals.append(normalized_cost(X, res.centers, 2.0, labels=res.labels))
        assert r1.train_curves[2.0](a) == pytest.approx(seq_mean(vals), abs=1e-12)


def test_n_jobs_2_equals_serial():
    train, test = grid_instances(4, 4), grid_instances(2, 5)
    serial = tune(train, test, alpha_range=(0, 10), betas=(2.0, 1.0), n_jobs=1,
                  progress=False)
    parallel = tune(train, test, alpha_range=(0, 10), betas=(2.0, 1.0), n_jobs=2,
                    progress=False)
    assert comparable(serial) == comparable(parallel)
    for b in (1.0, 2.0):
        assert serial.train_curves[b] == parallel.train_curves[b]
        assert serial.test_curves[b] == parallel.test_curves[b]


# ---------------------------------------------------------------------------
# the cache
# ---------------------------------------------------------------------------


class _Counter:
    """Wraps evaluate_instance; counts calls and can fail at call ``fail_at``."""

    def __init__(self, fail_at=None):
        self.calls = 0
        self.fail_at = fail_at
        self.original = dalgo.tuning.evaluation.evaluate_instance

    def __call__(self, *args, **kwargs):
        self.calls += 1
        if self.fail_at is not None and self.calls == self.fail_at:
            raise KeyboardInterrupt("simulated interruption")
        return self.original(*args, **kwargs)


def test_interrupted_run_resumes_without_recomputing(tmp_path, monkeypatch):
    train, test = grid_instances(4, 6), grid_instances(3, 7)
    kwargs = dict(alpha_range=(0.0, 8.0), progress=False, n_jobs=1)
    reference = tune(train, test, **kwargs)

    cache = tmp_path / "cache"
    interrupted = _Counter(fail_at=4)  # three instances finish, the fourth is interrupted
    monkeypatch.setattr(dalgo.tuning.evaluation, "evaluate_instance", interrupted)
    with pytest.raises(KeyboardInterrupt):
        tune(train, test, cache_dir=cache, **kwargs)
    assert len(list(cache.glob("*.json"))) == 3
    assert not list(cache.glob("*.tmp*"))

    resumed = _Counter()
    monkeypatch.setattr(dalgo.tuning.evaluation, "evaluate_instance", resumed)
    result = tune(train, test, cache_dir=cache, **kwargs)
    assert resumed.calls == len(train) + len(test) - 3
    assert comparable(result) == comparable(reference)
    assert len(list(cache.glob("*.json"))) == len(train) + len(test)

    # a complete cache: nothing is recomputed, same answer
    again = _Counter()
    monkeypatch.setattr(dalgo.tuning.evaluation, "evaluate_instance", again)
    assert comparable(tune(train, test, cache_dir=cache, **kwargs)) == comparable(reference)
    assert again.calls == 0

    # another configuration does not reuse the stored instances
    other = _Counter()
    monkeypatch.setattr(dalgo.tuning.evaluation, "evaluate_instance", other)
    tune(train, test, cache_dir=cache, **{**kwargs, "alpha_range": (0.0, 9.0)})
    assert other.calls == len(train) + len(test)
    # nor does the same data with another z
    moved = [i.with_z(np.roll(i.z, 1)) for i in train]
    other.calls = 0
    tune(moved, cache_dir=cache, **kwargs)
    assert other.calls == len(moved)
    # nor does another version of dalgo (its numerical code may differ)
    monkeypatch.setattr(dalgo.tuning.config, "__version__", "0.0.0-other")
    other.calls = 0
    tune(train, cache_dir=cache, **kwargs)
    assert other.calls == len(train)


def _truncate(p):
    text = p.read_text()
    p.write_text(text[: len(text) // 2])


def _garble_value(p):
    """Valid JSON, but a stored number changed: the checksum no longer matches."""
    doc = json.loads(p.read_text())
    curve = next(iter(doc["result"]["curves"].values()))
    curve["values"][0] = curve["values"][0] + 0.25
    p.write_text(json.dumps(doc))


def _binary_junk(p):
    p.write_bytes(b"\x00\xff\xfe garbage \x80")


def _empty(p):
    p.write_text("")


def _wrong_shape(p):
    p.write_text(json.dumps([1, 2, 3]))


def _bad_curve_matching_checksum(p):
    """Checksum recomputed over a result whose curve is invalid."""
    import hashlib

    doc = json.loads(p.read_text())
    curve = next(iter(doc["result"]["curves"].values()))
    curve["breakpoints"] = curve["breakpoints"][::-1]
    payload = json.dumps(doc["result"], sort_keys=True)
    doc["checksum"] = hashlib.sha256(payload.encode()).hexdigest()
    p.write_text(json.dumps(doc))


@pytest.mark.parametrize("corrupt", [_truncate, _garble_value, _binary_junk, _empty,
                                     _wrong_shape, _bad_curve_matching_checksum])
def test_corrupt_cache_file_is_detected_and_recomputed(tmp_path, monkeypatch, corrupt):
    train, test = grid_instances(3, 8, m=6), grid_instances(2, 9, m=6)
    kwargs = dict(alpha_range=(0.0, 6.0), progress=False, cache_dir=tmp_path)
    reference = tune(train, test, **kwargs)
    files = sorted(tmp_path.glob("*.json"))
    assert len(files) == 5
    corrupt(files[1])
    counter = _Counter()
    monkeypatch.setattr(dalgo.tuning.evaluation, "evaluate_instance", counter)
    with pytest.warns(RuntimeWarning, match="corrupt cache file") as record:
        result = tune(train, test, **kwargs)
    assert sum("corrupt cache file" in str(w.message) for w in record) == 1
    assert str(files[1]) in str(record[0].message)
    assert counter.calls == 1
    assert comparable(result) == comparable(reference)
    # the file was rewritten: a third run is silent and computes nothing
    counter.calls = 0
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        tune(train, test, **kwargs)
    assert counter.calls == 0


# ---------------------------------------------------------------------------
# output
# ---------------------------------------------------------------------------


def test_to_json_round_trip_and_table(tmp_path):
    train, test = grid_instances(3, 10), grid_instances(3, 11)
    res = tune(train, test, alpha_range=(0.0, np.inf), betas=(2.0, np.inf), progress=False,
               selection="exact")
    path = tmp_path / "r.json"
    text = res.to_json(path)
    assert path.read_text() == text
    d = json.loads(text)

    def num(x):
        return np.inf if x == "inf" else x

    assert [num(x) for x in d["alpha_interval"]] == list(res.alpha_interval)
    assert num(d["alpha"]) == res.alpha
    assert d["beta"] == res.beta
    assert d["train_loss"] == res.train_loss
    assert d["test_loss"] == res.test_loss and d["test_se"] == res.test_se
    for label, v in res.baselines.items():
        assert d["baselines"][label]["test_loss"] == v["test_loss"]
        assert d["baselines"][label]["test_se"] == v["test_se"]
    assert d["n_train"] == 3 and d["n_test"] == 3
    assert d["n_leaves"] == res.n_leaves
    # the file keeps the curves beside it, exact, in a NumPy archive; the text form inline
    assert d["curves_file"]["name"] == "r.curves.npz"
    arrays = np.load(tmp_path / "r.curves.npz")
    inline = json.loads(res.to_json())
    for key, curves in (("train_curves", res.train_curves), ("test_curves", res.test_curves)):
        for beta, curve in curves.items():
            assert d[key][repr(beta)]["n_pieces"] == curve.n_pieces
            again = PiecewiseConstant(arrays[f"{key}/{beta!r}/breakpoints"],
                                      arrays[f"{key}/{beta!r}/values"])
            assert again == curve
            c = inline[key][repr(beta)]
            again = PiecewiseConstant([num(x) for x in c["breakpoints"]], c["values"])
            assert again == curve
    assert set(d["timings"]) >= {"tree_seconds", "search_seconds", "total_seconds"}
    assert d["config"]["alpha_range"] == [0.0, "inf"]
    # strict JSON: no NaN / Infinity tokens
    json.loads(text, parse_constant=lambda c: pytest.fail(f"non-standard JSON token {c}"))
    table = res.table()
    assert "k-means++" in table and "farthest-first" in table and "tuned: alpha=" in table
    assert "selection: exact ERM" in table and "optimistic" in table
    assert str(res) == table
    assert math.isfinite(res.improvement_over("2")) or res.baselines["2"]["test_loss"] == 0


def test_to_json_without_test_instances_is_strict():
    res = tune(grid_instances(2, 12), alpha_range=(0.0, 4.0), progress=False)
    d = json.loads(res.to_json(), parse_constant=lambda c: pytest.fail(f"token {c}"))
    assert d["test_loss"] is None and d["n_test"] == 0


def test_plot_runs():
    train, test = grid_instances(3, 13), grid_instances(2, 14)
    res = tune(train, test, alpha_range=(0.0, np.inf), betas=(1.0, 2.0), progress=False)
    fig, ax = plt.subplots()
    assert res.plot(ax=ax) is ax
    assert len(ax.get_lines()) >= 4
    plt.close(fig)
    ax = res.plot(betas=[2.0])
    plt.close(ax.figure)
    res_no_test = tune(train, alpha_range=(0.0, 5.0), progress=False)
    ax = res_no_test.plot()
    plt.close(ax.figure)


def test_plot_shows_the_baseline_at_the_start_of_the_range():
    # the uniform baseline sits at α = 0, the left end of the range: it must be drawn inside
    # the axes, not on their edge with half its marker cut off
    res = tune(grid_instances(3, 13), grid_instances(2, 14), alpha_range=(0.0, np.inf),
               progress=False)
    fig, ax = plt.subplots()
    res.plot(ax=ax)
    left, right = ax.get_xlim()
    plt.close(fig)
    assert left < 0.0 < right


def test_progress_bar_runs(capsys):
    tune(grid_instances(2, 15), alpha_range=(0.0, 3.0), progress=True)
    assert "instances" in capsys.readouterr().err


# ---------------------------------------------------------------------------
# errors
# ---------------------------------------------------------------------------


def test_empty_instance_lists():
    with pytest.raises(ValueError, match="train is empty"):
        tune([], progress=False)
    with pytest.raises(ValueError, match="test is empty"):
        tune(grid_instances(2, 0), [], progress=False)
    with pytest.raises(ValueError, match="train is empty"):
        tune(iter([]), progress=False)


def test_mismatched_labels():
    X = np.random.default_rng(0).normal(size=(10, 2))
    with pytest.raises(ValueError, match=r"train\[1\].*y must have shape"):
        tune([(X, np.zeros(10, int)), (X, np.zeros(9, int))], n_clusters=2, progress=False)
    with pytest.raises(ValueError, match=r"test\[0\].*y must have shape"):
        tune([(X, np.zeros(10, int))], [(X, np.zeros((10, 2), int))], n_clusters=2,
             progress=False)
    with pytest.raises(ValueError, match="needs labels"):
        tune([(X, None)], n_clusters=2, progress=False)


def test_other_bad_input():
    train = grid_instances(2, 0)
    with pytest.raises(ValueError, match="lo < hi"):
        tune(train, alpha_range=(3.0, 1.0), progress=False)
    with pytest.raises(ValueError, match=">= 0"):
        tune(train, alpha_range=(-1.0, 1.0), progress=False)
    with pytest.raises(ValueError, match="finite"):
        tune(train, alpha_range=(np.nan, 1.0), progress=False)
    with pytest.raises(ValueError, match="duplicates"):
        tune(train, betas=(2.0, 2.0), progress=False)
    with pytest.raises(ValueError, match="at least one"):
        tune(train, betas=(), progress=False)
    with pytest.raises(ValueError, match="beta"):
        tune(train, betas=(0.5,), progress=False)
    with pytest.raises(ValueError, match="n_clusters=5"):
        tune(train, n_clusters=5, progress=False)
    with pytest.raises(ValueError, match="center"):
        tune(train, center="mean", progress=False)
    with pytest.raises(ValueError, match="unknown loss"):
        tune(train, loss="nope", progress=False)
    with pytest.raises(ValueError, match="max_iter"):
        tune(train, max_iter=0, progress=False)
    X = np.zeros((6, 2))
    X[3:] = 1.0
    with pytest.raises(ValueError, match=r"train\[0\].*distinct"):
        tune([(X, np.array([0, 0, 0, 1, 1, 2]))], progress=False)
    with pytest.raises(TypeError, match=r"train\[0\]"):
        tune([42], n_clusters=2, progress=False)
    with pytest.raises(TypeError, match=r"train\[0\]"):
        tune([(X,)], n_clusters=2, progress=False)


# ---------------------------------------------------------------------------
# the meta-estimator
# ---------------------------------------------------------------------------


def test_data_driven_kmeans_fit_and_fit_predict():
    train = grid_instances(4, 20)
    new = grid_instances(1, 21)[0]
    model = DataDrivenKMeans(alpha_range=(0.0, 10.0), random_state=0)
    assert model.fit(train) is model
    ref = tune(train, alpha_range=(0.0, 10.0), progress=False, random_state=0)
    assert model.alpha_ == ref.alpha and model.beta_ == ref.beta
    assert model.alpha_interval_ == ref.alpha_interval
    assert comparable(model.tune_result_) == comparable(ref)
    labels = model.predict(new.X)
    assert labels.shape == (new.n_samples,)
    assert set(labels.tolist()) <= set(range(3))
    est = AlphaBetaKMeans(n_clusters=3, alpha=model.alpha_, beta=model.beta_, tol=0.0,
                          random_state=0).fit(new.X)
    np.testing.assert_array_equal(labels, est.labels_)
    np.testing.assert_array_equal(model.predict(new.X), labels)
    # the learned α is good on the training instances: its loss is the ERM value
    assert seq_mean([direct_loss(i, model.alpha_) for i in train]) == pytest.approx(
        ref.train_loss, abs=1e-12)


def test_data_driven_kmeans_from_tuples_and_mixed_k():
    rng = np.random.default_rng(1)
    tuples = []
    for k in (2, 3):
        X = np.vstack([rng.normal(size=(8, 2)) + 6.0 * j for j in range(k)])
        tuples.append((X, np.repeat(np.arange(k), 8)))
    model = DataDrivenKMeans(alpha_range=(0.0, 5.0), random_state=0).fit(tuples)
    with pytest.raises(ValueError, match="set n_clusters"):
        model.predict(tuples[0][0])
    model = DataDrivenKMeans(n_clusters=None, alpha_range=(0.0, 5.0), random_state=0)
    model.fit([Instance(tuples[1][0], tuples[1][1], 3, [0.1, 0.5, 0.9])])
    assert model.predict(tuples[1][0]).shape == (24,)


def test_data_driven_kmeans_passes_seeding_draws_to_tune():
    train = grid_instances(4, 20)
    model = DataDrivenKMeans(alpha_range=(0.0, 10.0), n_draws=3, random_state=0).fit(train)
    ref = tune(train, alpha_range=(0.0, 10.0), n_draws=3, progress=False, random_state=0)
    assert model.tune_result_.config["n_draws"] == 3
    assert comparable(model.tune_result_) == comparable(ref)
    with pytest.raises(ValueError, match="n_draws"):
        DataDrivenKMeans(n_draws=0).fit(train)
    auto = DataDrivenKMeans(alpha_range=(0.0, 10.0), n_draws="auto", random_state=0).fit(train)
    assert auto.tune_result_.config["n_draws"] == 8  # 4 instances: ceil(60 / 4), at most 8


@pytest.mark.parametrize("m, expected", [(4, 8), (10, 6), (20, 3), (30, 2), (60, 1), (90, 1)])
def test_auto_draws_give_the_training_set_the_main_jobs_budget(m, expected):
    assert dalgo.tuning.config.budget_draws(m) == expected
    assert dalgo.tuning.config.resolve_n_draws("auto", m) == expected
    assert dalgo.tuning.config.resolve_n_draws("auto", m, family="linkage-minmax") == 1


def test_tune_with_auto_draws_equals_tune_with_their_number():
    train, test = grid_instances(4, 21), grid_instances(2, 22)
    auto = tune(train, test, alpha_range=(0.0, 10.0), n_draws="auto", progress=False)
    eight = tune(train, test, alpha_range=(0.0, 10.0), n_draws=8, progress=False)
    assert auto.config["n_draws"] == 8
    assert comparable(auto) == comparable(eight)
    assert "(4 training instances × 8 seeding draws)" in auto.table()
    linkage = tune(train, alpha_range=(0.0, 1.0), n_draws="auto", family="linkage-minmax",
                   progress=False)
    assert linkage.config["n_draws"] == 1


@pytest.mark.parametrize("bad", ["Auto", "8", 0, -1, 2.5, None])
def test_bad_n_draws_is_refused_naming_it(bad):
    with pytest.raises(ValueError, match="n_draws"):
        tune(grid_instances(2, 23), alpha_range=(0.0, 5.0), n_draws=bad, progress=False)


def test_data_driven_kmeans_from_tuples_of_one_k():
    rng = np.random.default_rng(2)
    tuples = [(np.vstack([rng.normal(size=(8, 2)) + 6.0 * j for j in range(3)]),
               np.repeat(np.arange(3), 8)) for _ in range(3)]
    model = DataDrivenKMeans(alpha_range=(0.0, 5.0), random_state=0).fit(tuples)
    assert model.instance_n_clusters_ == 3
    assert model.predict(tuples[0][0]).shape == (24,)


# ---------------------------------------------------------------------------
# the certified loss range in the reported uniform bound
# ---------------------------------------------------------------------------


def test_loss_range_tightens_the_reported_bound():
    from dalgo import hamming_loss_range

    train, test = grid_instances(6, 0), grid_instances(3, 1)
    plain = tune(train, test, alpha_range=(0, 10), progress=False)
    H = hamming_loss_range(3, 3)
    ranged = tune(train, test, alpha_range=(0, 10), progress=False, loss_range=H)
    assert plain.uniform_bound["H"] == 1.0 and ranged.uniform_bound["H"] == H
    # every term of the bound is homogeneous of degree 1 in H (the draws are the same)
    for key in ("epsilon", "upper_epsilon", "massart_epsilon"):
        assert ranged.uniform_bound[key] < plain.uniform_bound[key]
    assert ranged.alpha == plain.alpha and ranged.cv_loss == plain.cv_loss


@pytest.mark.parametrize("bad", [0.0, -0.1, 1.5])
def test_loss_range_outside_unit_interval_is_rejected(bad):
    with pytest.raises(ValueError, match="loss_range"):
        tune(grid_instances(3, 0), alpha_range=(0, 10), progress=False, loss_range=bad)


def test_loss_range_below_a_training_loss_is_rejected():
    train = grid_instances(4, 0)
    worst = max(float(np.max(r.curve(2.0).values)) for r in
                dalgo.tuning.evaluate_instances(train, dalgo.tuning.TuneConfig(
                    alpha_range=(0, 10)), progress=False))
    assert worst > 0.0  # some α misclusters some point of these overlapping grids
    with pytest.raises(ValueError, match="below a training loss"):
        tune(train, alpha_range=(0, 10), progress=False, loss_range=worst / 2)
