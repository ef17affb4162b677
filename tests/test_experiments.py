"""Smoke runs of the clustering experiment scripts (issue 4), so that they cannot rot.

Every script runs with ``--smoke`` (tiny instances, few draws) into a temporary directory,
in-process (one import of numpy/matplotlib/dalgo for all of them), and its outputs are
checked for existence and shape, and for dalgo's one spelling of ∞ in JSON (``"inf"``,
:mod:`dalgo.jsonio`; no ``1e308`` stand-ins, no ``*_is_inf`` flags).  The full runs are not
part of the test suite; see ``docs/results.md``.
"""

import importlib
import math
import os
import re
import sys
from pathlib import Path

import pytest

from dalgo.jsonio import decode_float, read_json, write_json

pytest.importorskip("matplotlib")

EXP = Path(__file__).resolve().parents[1] / "experiments"


@pytest.fixture(scope="module")
def data_dir():
    """The data folder: ``$DALGO_DATA`` (tests/conftest.py sets it to the shared folder when
    it finds one beside the checkout)."""
    path = os.environ.get("DALGO_DATA")
    if not path or not Path(path).is_dir():
        pytest.skip("no data folder: set DALGO_DATA")
    return Path(path)


def read_output(path):
    """A JSON output of a script, checked for the one spelling of ∞ (and strict JSON)."""
    text = Path(path).read_text()
    assert "Infinity" not in text and "NaN" not in text
    doc = read_json(path)

    def walk(x):
        if isinstance(x, dict):
            for k, v in x.items():
                assert not str(k).endswith("_is_inf"), k
                walk(v)
        elif isinstance(x, list):
            for v in x:
                walk(v)
        elif isinstance(x, float):
            assert abs(x) < 1e300, "∞ must be written as \"inf\""

    walk(doc)
    return doc


@pytest.fixture(scope="module")
def scripts():
    sys.path.insert(0, str(EXP))
    try:
        yield {name: importlib.import_module(name) for name in (
            "clustering_loss_vs_alpha", "clustering_benchmark_suite", "generalization",
            "tree_size", "beta", "selection", "linkage", "seeding_draws",
            "selection_escalation", "selection_fold_repeats")}
    finally:
        sys.path.remove(str(EXP))


def test_pool_helpers_equal_the_whole_pool(scripts, data_dir):
    """The chunked and by-index pools of experiments/common.py are the same instances as
    :func:`pool` (they only hold fewer points in memory at once)."""
    import common as C

    whole = C.pool("gaussian_grid", 7, data_dir, smoke=True)
    chunked = [inst for start, chunk in C.pool_chunks("gaussian_grid", 7, data_dir, smoke=True,
                                                      chunk=3)
               for inst in chunk]
    picked = C.pool_instances("gaussian_grid", [5, 0, 3], data_dir, smoke=True)
    hashes = [inst.content_hash() for inst in whole]
    assert [inst.content_hash() for inst in chunked] == hashes
    assert [inst.content_hash() for inst in picked] == [hashes[5], hashes[0], hashes[3]]


def _common_args(tmp_path, data_dir):
    return ["--smoke", "--out-dir", str(tmp_path / "out"), "--cache", str(tmp_path / "cache"),
            "--n-jobs", "1", "--data-dir", str(data_dir)]


def test_heldout_split_partitions_the_pool(scripts):
    """The held-out splits of experiments/common.py (used by selection.py and the TPE
    benchmark): disjoint, covering the pool, and the ends / blocks they say."""
    import common as C
    import numpy as np

    for how, rep in (("last", 0), ("first", 0), ("rotate", 0), ("rotate", 6)):
        held, rest = C.heldout_split(11, 4, how, blocks=5, rep=rep)
        assert sorted(held.tolist() + rest.tolist()) == list(range(11))
    assert C.heldout_split(11, 4, "last")[0].tolist() == [7, 8, 9, 10]
    assert C.heldout_split(11, 4, "first")[0].tolist() == [0, 1, 2, 3]
    assert C.heldout_split(11, 4, "rotate", blocks=5, rep=6)[0].tolist() == [3, 4]
    with pytest.raises(ValueError, match="'middle'"):
        C.heldout_split(11, 4, "middle")
    assert np.array_equal(C.heldout_split(11, 4)[1], np.arange(7))


def test_study_each_merges_and_writes_after_every_data_set(scripts, tmp_path):
    import common as C

    path = tmp_path / "doc.json"
    write_json(path, {"kept": {"x": 1}})
    seen = []

    def study(name, args, log):
        if name == "boom":
            raise RuntimeError("interrupted")
        seen.append(read_json(path))  # what an interruption at this point would leave
        return {"name": name, "args": args}

    doc = C.study_each(["a", "b"], study, 7, path, timed=True)
    assert set(doc) == {"kept", "a", "b"} and read_json(path) == doc
    assert doc["a"]["args"] == 7 and doc["a"]["seconds"] >= 0
    assert "a" in seen[1] and "b" not in seen[1]
    with pytest.raises(RuntimeError):
        C.study_each(["c", "boom"], study, 0, path)
    assert set(read_json(path)) == {"kept", "a", "b", "c"} and "seconds" not in read_json(path)["c"]


def test_loss_vs_alpha_smoke(scripts, tmp_path, data_dir, capsys):
    scripts["clustering_loss_vs_alpha"].main(
        _common_args(tmp_path, data_dir) + ["--datasets", "gaussian_grid", "cnae9"])
    out = tmp_path / "out"
    for name in ("gaussian_grid", "cnae9"):
        doc = read_output(out / f"clustering_{name}.json")
        assert set(doc) == {"dataset", "n_train", "n_test", "k", "erm", "baselines",
                            "selection"}
        # dalgo's default selection beside the exact ERM, with its honest estimates
        sel = doc["selection"]
        assert sel["center"] == "euclidean" and sel["rule"] and sel["reason"]
        assert 0.0 <= sel["test_loss"] <= 1.0 and 0.0 <= sel["cv_loss"] <= 1.0
        assert "epsilon" in sel["uniform_bound"] and "upper_epsilon" in sel["uniform_bound"]
        assert doc["dataset"] == name and doc["n_train"] == 3 and doc["n_test"] == 3
        assert {"alpha_lo", "alpha_hi", "beta", "train_loss", "test_loss",
                "test_se"} <= set(doc["erm"])
        assert decode_float(doc["erm"]["alpha_hi"]) > doc["erm"]["alpha_lo"] >= 0.0
        # the ERM is over the family: Euclidean β = 2 and medoids with β ∈ {1, 2, 3}
        details = read_output(out / f"loss_vs_alpha_{name}.json")
        assert details["alpha_range"] == [0.0, "inf"]
        assert details["curves_on_grid"]["alpha"][-1] == "inf"
        family = {(r["center"], r["beta"]) for r in details["per_configuration"]}
        assert {("euclidean", 2.0), ("medoid", 1.0), ("medoid", 2.0), ("medoid", 3.0)} <= family
        best = min(details["per_configuration"], key=lambda r: r["train_loss"])
        assert doc["erm"]["train_loss"] == best["train_loss"]
        assert (doc["erm"]["center"], doc["erm"]["beta"]) == (best["center"], best["beta"])
        assert (out / f"loss_vs_alpha_family_{name}.png").stat().st_size > 0
        assert set(doc["baselines"]) == {"0", "1", "2", "inf"}
        for v in doc["baselines"].values():
            assert set(v) == {"test_loss", "test_se"}
            assert 0.0 <= v["test_loss"] <= 1.0
        assert (out / f"loss_vs_alpha_{name}.png").stat().st_size > 0
    # a rerun is served from the cache
    scripts["clustering_loss_vs_alpha"].main(
        _common_args(tmp_path, data_dir) + ["--datasets", "gaussian_grid"])
    assert "| ERM α" in capsys.readouterr().out


def test_generalization_smoke(scripts, tmp_path, data_dir):
    scripts["generalization"].main(_common_args(tmp_path, data_dir)
                                   + ["--datasets", "gaussian_grid"])
    doc = read_output(tmp_path / "out" / "generalization.json")
    rows = doc["gaussian_grid"]["rows"]
    assert [r["m"] for r in rows] == [5, 10]
    for r in rows:
        assert r["uniform_deviation"][0] >= 0 and r["excess_test_loss"][0] >= 0
        assert r["rademacher_bound"] > 0
        # the exact-Rademacher bound is certified, and tighter than counting pieces
        assert 0 < r["exact_rademacher_bound"] < r["rademacher_bound"]
        assert r["empirical_rademacher"] < 1
    assert (tmp_path / "out" / "generalization_gaussian_grid.png").exists()


def test_selection_smoke(scripts, tmp_path, data_dir):
    scripts["selection"].main(_common_args(tmp_path, data_dir) + ["--datasets", "gaussian_grid"])
    doc = read_output(tmp_path / "out" / "selection.json")["gaussian_grid"]
    assert [r["m"] for r in doc["rows"]] == [10, 25]
    assert doc["default_variant"] == "guard_1"
    for row in doc["rows"]:
        assert set(row["rules"]) >= {"exact", "grid", "kmeans++", "cv_1se", "guard_1"}
        for v in row["variants"].values():
            assert 0 <= v["guard_kept"] <= v["kmeanspp_kept"] <= 1 and v["cv_abs_gap"][0] >= 0
    # the rotating view: every instance of the pool is held out in turn
    scripts["selection"].main(_common_args(tmp_path, data_dir)
                              + ["--datasets", "gaussian_grid", "--heldout", "rotate"])
    rot = read_output(tmp_path / "out" / "selection_heldout_rotate.json")["gaussian_grid"]
    assert rot["blocks"] == 5 and rot["rows"][0]["variants"]["guard_1"]["cv_abs_gap"][0] >= 0
    # 60 / m draws per training instance beside the one-draw default, same training sets
    scripts["selection"].main(_common_args(tmp_path, data_dir)
                              + ["--datasets", "gaussian_grid", "--budget-draws"])
    drw = read_output(tmp_path / "out" / "selection_budget_draws.json")["gaussian_grid"]
    assert [r["budget_draws"] for r in drw["rows"]] == [6, 3]
    for row, one in zip(drw["rows"], doc["rows"]):
        assert row["rules"]["guard_1"] == one["rules"]["guard_1"]  # the one-draw column
        assert 0 <= row["variants"]["guard_1+draws"]["kmeanspp_kept"] <= 1
        gain, se = row["draws_gain_over_default"]
        assert se >= 0 and math.isfinite(gain)


def test_beta_smoke(scripts, tmp_path, data_dir):
    scripts["beta"].main(_common_args(tmp_path, data_dir)
                         + ["--datasets", "gaussian_grid", "--center", "euclidean",
                            "--betas", "1", "2"])
    doc = read_output(tmp_path / "out" / "beta_gaussian_grid_euclidean.json")
    assert doc["betas"] == [1.0, 2.0]
    assert len(doc["heatmap"]["mean_test_loss"]) == 2
    assert doc["heatmap"]["alpha"][-1] == "inf"
    for q in doc["per_beta"].values():
        lo, hi = (decode_float(a) for a in q["erm_interval"])
        assert 0.0 <= lo < hi
    assert (tmp_path / "out" / "beta_gaussian_grid_euclidean.png").exists()
    scripts["beta"].main(_common_args(tmp_path, data_dir) + ["--datasets", "digits"])
    doc = read_output(tmp_path / "out" / "beta_digits_medoid.json")
    assert doc["betas"] == [1.0, 2.0, 3.0] and doc["center"] == "medoid"


def test_tree_size_smoke(scripts, tmp_path, data_dir):
    args = _common_args(tmp_path, data_dir)
    args.remove("--cache")
    args.remove(str(tmp_path / "cache"))
    scripts["tree_size"].main(args)
    doc = read_output(tmp_path / "out" / "tree_size.json")
    for rows in doc["sweeps"].values():
        for r in rows:
            # the leaves tile [0, 20]: more leaves for a larger α_hi, and within the bound
            lv = [r["leaves"][repr(a)][0] for a in doc["alpha_his"]]
            assert lv == sorted(lv) and lv[0] >= 1
            assert r["leaves"]["20.0"][0] <= r["bound"]["20.0"][0]
    assert (tmp_path / "out" / "tree_size.png").exists()


def test_benchmark_suite_smoke(scripts, tmp_path, data_dir):
    """A battery leaves one data set out at a time; --exclude takes a data set out of the
    run, whatever its size, and says so."""
    scripts["clustering_benchmark_suite"].main(
        _common_args(tmp_path, data_dir) + ["--batteries", "wut", "other",
                                            "--exclude", "wut/x3", "other/iris"])
    doc = read_output(tmp_path / "out" / "suite_batteries.json")
    assert doc["batteries"], "no battery evaluated"
    for s in doc["batteries"].values():
        assert s["n_better"] + s["n_worse"] + s["n_equal"] == len(s["lodo"])
    assert ["wut", "x3", "excluded (--exclude)"] in doc["skipped"]
    assert doc["exclude"] == ["wut/x3", "other/iris"]
    assert [row["dataset"] for row in doc["batteries"]["wut"]["lodo"]] == ["x1", "x2", "z1"]
    assert (tmp_path / "out" / "suite_batteries.png").exists()


def test_linkage_smoke(scripts, tmp_path, data_dir):
    scripts["linkage"].main(_common_args(tmp_path, data_dir)
                            + ["--datasets", "gaussian_grid", "digits"])
    doc = read_output(tmp_path / "out" / "linkage.json")
    assert [r["dataset"] for r in doc["datasets"]] == ["gaussian_grid", "digits"]
    for r in doc["datasets"]:
        assert set(r["linkage"]["baselines"]) == {"single", "complete", "average"}
        assert set(r["lloyd"]["baselines"]) == {"0", "1", "2", "inf"}
        assert 0.0 <= decode_float(r["linkage"]["alpha"]) <= 1.0
        assert set(r["lloyd_minus_linkage"]) == {"mean_diff", "se"}
    assert [t["n"] for t in doc["tree_sizes"]] == [20, 40]
    assert (tmp_path / "out" / "linkage.md").read_text().startswith("| data set")


def test_seeding_draws_smoke(scripts, tmp_path, data_dir):
    """Variance components are non-negative and one draw is the reference of the budget."""
    scripts["seeding_draws"].main(_common_args(tmp_path, data_dir)
                                  + ["--datasets", "gaussian_grid"])
    doc = read_output(tmp_path / "out" / "seeding_draws.json")["gaussian_grid"]
    assert doc["within_variance_mean"] >= 0 and doc["between_variance_mean"] >= 0
    rows = {r["n_draws"]: r for r in doc["rows"]}
    assert set(rows) == {1, 2, 4}
    assert rows[1]["relative_variance_per_budget_mean_over_grid"] == pytest.approx(1.0)
    assert all(r["cpu_seconds_per_instance"] > 0 for r in rows.values())


def test_selection_escalation_smoke(scripts, tmp_path, data_dir):
    """The counterfactual takes the eight-draw held-out loss exactly where the recomputed
    one-draw selection was guarded, and refuses a benchmark JSON whose recorded rule is not
    the one-draw selection of those instances."""
    mod = scripts["selection_escalation"]
    picks = [[0, 1, 2, 3, 4, 5], [6, 7, 8, 9, 10, 11]]
    rows = []
    for r, pick in enumerate(picks):
        rule, _ = mod.one_draw_selection("gaussian_grid", pick, data_dir, True)
        rows.append({"pick": pick, "rules": {mod.ONE: rule},
                     "held_out": {mod.ONE: 0.3 + r, mod.EIGHT: 0.2 + r, mod.TPE: 0.25 + r}})
    bench = tmp_path / "bench.json"
    write_json(bench, {"runs": {"a": {"datasets": {"gaussian_grid": {"rows": rows}}}}})
    args = ["--smoke", "--out-dir", str(tmp_path), "--data-dir", str(data_dir),
            "--bench-json", str(bench)]
    mod.main(args)
    doc = read_output(tmp_path / "selection_escalation.json")["datasets"]["gaussian_grid"]
    for row in doc["rows"]:
        assert row["escalated"] == (row["eight_draws"] if row["guarded"] else row["one_draw"])
    assert doc["summary"]["n_escalated"] == sum(row["guarded"] for row in doc["rows"])
    assert doc["summary"]["tpe_minus_one_draw"]["mean"] == pytest.approx(-0.05)
    rows[0]["rules"][mod.ONE] = "not a rule"
    write_json(bench, {"runs": {"a": {"datasets": {"gaussian_grid": {"rows": rows}}}}})
    with pytest.raises(RuntimeError, match="not the same curves"):
        mod.main(args)


def test_selection_fold_repeats_smoke(scripts, tmp_path, data_dir):
    """One partition is the default selection itself; averaging over several partitions
    may only change what the rule sees, and the script refuses no partition at all."""
    import common as C

    from dalgo.tuning.evaluation import evaluate_instances
    from dalgo.tuning.model_selection import cross_validate

    mod = scripts["selection_fold_repeats"]
    config = C.tune_config()
    train = evaluate_instances(C.pool("gaussian_grid", 12, data_dir, smoke=True), config,
                               baselines=False, progress=False)
    assert mod.averaged_selection(train, config, 1)[0] == cross_validate(train, config).selected
    sel, cands = mod.averaged_selection(train, config, 3)
    assert 0 <= sel < len(cands)
    mod.main(["--smoke", "--out-dir", str(tmp_path), "--data-dir", str(data_dir),
              "--cache", str(tmp_path / "cache"), "--datasets", "gaussian_grid",
              "--repeats", "1"])
    doc = read_output(tmp_path / "selection_fold_repeats.json")["gaussian_grid"]
    for row in doc["rows"]:
        assert row["one_partition"] == row["averaged"]
        assert row["kept_one"] == row["kept_averaged"]
    with pytest.raises(SystemExit):
        mod.main(["--smoke", "--out-dir", str(tmp_path), "--repeats", "0"])


def test_linkage_suite_smoke(scripts, tmp_path, data_dir):
    """The suite batteries, leave one data set out (smoke: data sets cut to 30 points); the
    protocol results of linkage.json are not touched by a suite-only run."""
    scripts["linkage"].main(_common_args(tmp_path, data_dir)
                            + ["--datasets", "--tree-n", "--suite"])
    assert not (tmp_path / "out" / "linkage.json").exists()
    doc = read_output(tmp_path / "out" / "linkage_suite.json")
    assert doc["suite_max_n"] == 30 and set(doc["batteries"]) >= {"fcps", "uci", "wut"}
    for s in doc["batteries"].values():
        for row in s["datasets"]:
            assert row["n"] <= 30 and 0.0 <= decode_float(row["linkage"]["alpha"]) <= 1.0
            for key in ("single", "complete", "average"):
                assert 0.0 <= row[key] <= 1.0
        assert len(s["lloyd_minus_linkage"]) == 2
    assert (tmp_path / "out" / "linkage_suite.md").read_text().startswith("| battery")


# the clustering experiments (not the nas_* scripts) and the names they may use
SCRIPTS = ("common", "beta", "clustering_benchmark_suite", "clustering_loss_vs_alpha",
           "generalization", "tree_size", "selection", "linkage", "seeding_draws",
           "selection_escalation", "selection_fold_repeats")


@pytest.mark.parametrize("name", SCRIPTS)
def test_scripts_use_only_public_dalgo_names(name):
    """experiments/ import no private dalgo module or name (issue 10)."""
    text = (EXP / f"{name}.py").read_text()
    private = re.findall(r"\bdalgo(?:\.\w+)*\._\w+", text)
    for line in re.findall(r"^from dalgo\S* import [^\n]*(?:\n[ )][^\n]*)*", text, re.M):
        private += [n for n in re.findall(r"\b\w+\b", line.split(" import ", 1)[1])
                    if n.startswith("_")]
    assert not private, f"{name}.py uses private dalgo names: {private}"
    assert "json_float" not in text and "1e308" not in text and "_tuning" not in text
