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
    assert "(default: 60)" in tune_parser.format_help()


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
