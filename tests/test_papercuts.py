"""Regression tests for what a new user tripped over (issue 16, the items fixed so far)."""

import warnings

import numpy as np
import pytest

from dalgo import AlphaBetaKMeans, InvalidParameterError, tune
from dalgo.cli import build_parser, main
from dalgo.instances import GaussianGrid
from dalgo.tuning import TuneConfig, evaluate_instances


def grid(n, seed):
    return GaussianGrid(grid_size=3, n_clusters=3, n_per_cluster=8).sample(n, random_state=seed)


def test_a_single_tuple_is_named_as_such():
    inst = grid(1, 0)[0]
    with pytest.raises(TypeError, match="single"):
        tune((inst.X, inst.y), progress=False)


@pytest.mark.parametrize("kwargs", [{"n_clusters": "3"}, {"alpha_range": ("0", "inf")},
                                    {"alpha_range": (0, "inf")}])
def test_strings_are_refused_like_everywhere_else(kwargs):
    inst = grid(1, 0)[0]
    with pytest.raises(InvalidParameterError):
        tune([(inst.X, inst.y)], progress=False, **kwargs)
    with pytest.raises(InvalidParameterError):
        AlphaBetaKMeans(alpha="2").fit(inst.X)


def test_negative_sample_weight_is_an_error_not_a_warning():
    X = np.random.default_rng(0).normal(size=(50, 2))
    with pytest.raises(ValueError, match="sample_weight"):
        AlphaBetaKMeans(3).fit(X, sample_weight=-np.ones(50))


def test_cli_says_what_a_bad_exponent_is_and_shows_defaults(capsys):
    with pytest.raises(SystemExit):
        main(["tune", "--betas", "two"])
    err = capsys.readouterr().err
    assert "expected a number or 'inf'" in err and "'two'" in err
    tune_parser = build_parser()._subparsers._group_actions[0].choices["tune"]
    text = tune_parser.format_help()
    assert "(default: 60)" in text and "(default: [2.0])" in text and "(default: 0)" in text
    # each option states its default once, not "(default 2) (default: 2)"
    options = " ".join(text.split()).split(" --")[1:]
    assert all(opt.count("default") <= 1 for opt in options if "--help" not in opt), options


def test_warm_cache_rerun_is_quiet(tmp_path):
    insts = grid(3, 1)
    cfg = TuneConfig(alpha_range=(0, 4))
    evaluate_instances(insts, cfg, cache_dir=tmp_path, progress=False, n_jobs=2)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        evaluate_instances(insts, cfg, cache_dir=tmp_path, progress=False, n_jobs=2)


def test_identical_runs_compare_equal_despite_timings():
    a = tune(grid(3, 2), grid(2, 3), alpha_range=(0, 5), progress=False)
    b = tune(grid(3, 2), grid(2, 3), alpha_range=(0, 5), progress=False)
    assert a.timings != b.timings and a == b
    c = tune(grid(3, 2), alpha_range=(0, 5), progress=False)  # NaN test fields
    assert c == tune(grid(3, 2), alpha_range=(0, 5), progress=False)
    assert a != c


def test_alpha_beta_kmeans_pandas_output_and_feature_names():
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    pd = pytest.importorskip("pandas")
    X = np.random.default_rng(0).normal(size=(40, 3))
    pipe = make_pipeline(StandardScaler(), AlphaBetaKMeans(4, random_state=0))
    out = pipe.set_output(transform="pandas").fit(X).transform(X)
    assert isinstance(out, pd.DataFrame) and out.shape == (40, 4)
    assert list(pipe[-1].get_feature_names_out()) == [f"alphabetakmeans{i}" for i in range(4)]


# -- second part: one set of defaults, the README's twin of `dalgo tune`, the estimator,
# -- the written result, the figure, the docs

def test_one_default_alpha_range_everywhere_and_it_includes_infinity():
    import inspect

    import dalgo
    from dalgo.execution_tree import DEFAULT_ALPHA_RANGE

    assert DEFAULT_ALPHA_RANGE == (0.0, np.inf)
    for fn in (dalgo.alpha_pieces, dalgo.loss_curve):
        assert inspect.signature(fn).parameters["alpha_range"].default == DEFAULT_ALPHA_RANGE
    # tune's default is the family's range, which for Lloyd's is the same one
    from dalgo.tuning.families import get_family

    assert inspect.signature(dalgo.tune).parameters["alpha_range"].default is None
    assert get_family("lloyd").default_alpha_range == DEFAULT_ALPHA_RANGE
    assert TuneConfig().alpha_range == DEFAULT_ALPHA_RANGE
    assert dalgo.DataDrivenKMeans().alpha_range == DEFAULT_ALPHA_RANGE
    args = build_parser().parse_args(["tune"])
    assert (args.alpha_min, args.alpha_max) == DEFAULT_ALPHA_RANGE
    # and by default the API can choose farthest-first: its curve reaches α = ∞
    res = tune(grid(3, 4), progress=False)
    assert np.isinf(res.train_curves[2.0].breakpoints[-1])


def test_readme_example_is_dalgo_tune_in_python(tmp_path, capsys):
    """The README's recipe (spawn_seeds(2, seed), the protocol's scaling) gives the instances,
    the α and the table of `dalgo tune` — here at a small size."""
    import dalgo
    from dalgo.instances import ClassSubsampling
    from dalgo.random_state import spawn_seeds
    from dalgo.tuning import TuneResult

    assert main(["tune", "--n-train", "5", "--n-test", "5", "--per-class", "10", "--jobs", "1",
                 "--no-progress", "--out", str(tmp_path)]) == 0
    printed = capsys.readouterr().out
    cli = TuneResult.from_json(tmp_path / "tune_result.json")
    dist = ClassSubsampling.from_dataset(dalgo.load_digits(), n_clusters=5, n_per_class=10,
                                         scale="unit", scale_max=16)
    train_seed, test_seed = spawn_seeds(2, 0)
    api = tune(dist.sample(5, random_state=train_seed), dist.sample(5, random_state=test_seed),
               progress=False)
    assert api.alpha == cli.alpha and api.beta == cli.beta
    assert api.train_curves == cli.train_curves and api.baselines == cli.baselines
    assert api.table().split("\n")[:8] == printed.split("\n")[2:10]


def test_improvement_over_takes_the_number_and_says_when_there_is_no_test():
    res = tune(grid(3, 5), grid(2, 6), alpha_range=(0, 5), progress=False)
    assert res.improvement_over(2) == res.improvement_over("2")
    assert res.improvement_over(np.inf) == res.improvement_over("inf")
    with pytest.raises(ValueError, match="no test instances"):
        tune(grid(3, 5), alpha_range=(0, 5), progress=False).improvement_over(2)


def test_the_tuned_estimator_carries_the_tuned_centres():
    res = tune(grid(3, 7), alpha_range=(0, 5), center="medoid", betas=(1.0,), progress=False)
    est = res.make_estimator(random_state=0)
    assert (est.n_clusters, est.center, est.beta, est.alpha, est.tol) == (
        3, "medoid", 1.0, res.alpha, 0.0)
    X = grid(1, 8)[0].X
    by_hand = AlphaBetaKMeans(3, alpha=res.alpha, beta=1.0, center="medoid", tol=0.0,
                              random_state=0)
    np.testing.assert_array_equal(est.fit_predict(X), by_hand.fit_predict(X))


def test_data_driven_kmeans_as_a_user_calls_it(capsys):
    from dalgo import DataDrivenKMeans

    train, new = grid(4, 9), grid(1, 10)[0]
    with pytest.raises(TypeError, match=r"instances .* fit\(\[\(X, y\)\]\)"):
        DataDrivenKMeans(alpha_range=(0, 5)).fit(new.X, new.y)
    with pytest.raises(TypeError, match="single data set"):
        tune(new.X, progress=False)
    capsys.readouterr()
    model = DataDrivenKMeans(alpha_range=(0, 5), random_state=0, progress=True).fit(train)
    assert "4/4" in capsys.readouterr().err  # the progress bar
    DataDrivenKMeans(alpha_range=(0, 5), random_state=0).fit(train)
    assert capsys.readouterr().err == ""  # progress=False (the default) is quiet
    labels = model.predict(new.X)  # no fit_predict needed first
    assert labels.shape == (new.n_samples,)
    dist = model.transform(new.X)
    assert dist.shape == (new.n_samples, 3)
    np.testing.assert_array_equal(dist.argmin(axis=1), labels)
    assert model.score(new.X) == model.make_estimator().fit(new.X).score(new.X) < 0


def test_written_result_is_a_small_summary_beside_exact_compact_curves(tmp_path):
    from dalgo.tuning import TuneResult

    res = tune(grid(4, 11), grid(3, 12), betas=(1.0, 2.0), progress=False)
    path = tmp_path / "out" / "tune_result.json"
    text = res.to_json(path)
    curves = path.with_name("tune_result.curves.npz")
    assert curves.is_file() and path.read_text() == text
    assert "breakpoints" not in text and len(text) < 20_000
    back = TuneResult.from_json(path)
    assert back == res and back.timings == res.timings
    for b in (1.0, 2.0):  # exact: the same floats, ∞ included
        assert back.train_curves[b] == res.train_curves[b]
        assert back.test_se_curves[b] == res.test_se_curves[b]
    # the same result writes the same bytes (no timestamps in the curves file)
    first = curves.read_bytes()
    res.to_json(path)
    assert curves.read_bytes() == first
    # the text form carries everything
    assert TuneResult.from_json(res.to_json()) == res
    # a curves file that does not belong to the summary is refused
    other = tune(grid(4, 13), betas=(1.0, 2.0), progress=False)
    other.to_json(tmp_path / "other.json")
    curves.write_bytes((tmp_path / "other.curves.npz").read_bytes())
    with pytest.raises(ValueError, match="checksum"):
        TuneResult.from_json(path)
    with pytest.raises(ValueError, match="from_json"):
        TuneResult.from_dict(__import__("json").loads(text))


def test_three_betas_make_a_readable_figure():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    res = tune(grid(4, 14), grid(3, 15), betas=(1.0, 2.0, 3.0), progress=False)
    fig, ax = plt.subplots()
    res.plot(ax=ax)
    labels = [line.get_label() for line in ax.lines if not line.get_label().startswith("_")]
    plt.close(fig)
    curve_lines = [lab for lab in labels if "smoothed" in lab]
    assert len(curve_lines) == 4  # selected β: train + test; the others: one test line each
    assert sum(f"β={res.beta:g}" in lab for lab in curve_lines) == 2


def test_no_citation_of_a_document_that_does_not_ship():
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    files = [p for p in (root / "dalgo").rglob("*.py") if "nas" not in p.parts]
    files += [root / "README.md", *[p for p in (root / "docs").glob("*.md") if p.name != "nas.md"]]
    cited = [str(p.relative_to(root)) for p in files if "SPEC" in p.read_text()]
    assert cited == []
    assert (root / "docs" / "conventions.md").is_file()


def test_conftest_follows_dalgo_data(tmp_path):
    import os
    import subprocess
    import sys
    from pathlib import Path

    conftest = Path(__file__).with_name("conftest.py")
    code = (f"import importlib.util as u; s = u.spec_from_file_location('c', {str(conftest)!r}); "
            "m = u.module_from_spec(s); s.loader.exec_module(m); print(m.SHARED_DATA)")
    env = dict(os.environ, DALGO_DATA=str(tmp_path))
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                         check=True).stdout.strip()
    assert out == str(tmp_path)
