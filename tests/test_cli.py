"""The ``dalgo tune`` command line (the README's main job), on a tiny configuration."""

import json
import subprocess
import sys

import numpy as np
import pytest

from dalgo.cli import build_parser, main


def test_tune_digits_writes_json_and_png(tmp_path, capsys):
    out = tmp_path / "out"
    code = main(["tune", "--n-train", "3", "--n-test", "3", "--per-class", "20", "--k", "3",
                 "--jobs", "1", "--no-progress", "--alpha-max", "10", "--out", str(out)])
    assert code == 0
    printed = capsys.readouterr().out
    assert "k-means++" in printed and "farthest-first" in printed
    assert "tune_result.json" in printed
    d = json.loads((out / "tune_result.json").read_text())
    assert d["n_train"] == 3 and d["n_test"] == 3
    assert d["config"]["dataset"] == "digits"
    assert d["config"]["alpha_range"] == [0.0, 10.0]
    assert 0.0 <= d["train_loss"] <= 1.0 and 0.0 <= d["test_loss"] <= 1.0
    assert set(d["baselines"]) == {"0", "1", "2", "inf"}
    # 3 classes cut into 3 clusters: the bound uses the certified range 1 - 1/3
    assert d["uniform_bound"]["H"] == pytest.approx(2 / 3, rel=1e-15)
    png = (out / "tune_curves.png").read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 1000


@pytest.mark.parametrize("cached", [False, True])
def test_tune_announces_the_first_runs_compilation(tmp_path, capsys, monkeypatch, cached):
    """A new installation spends about half a minute compiling before the first instance
    finishes; the command says so instead of sitting at 0 %."""
    monkeypatch.setattr("dalgo.cli.tree_kernels_cached", lambda: cached)
    code = main(["tune", "--n-train", "2", "--n-test", "2", "--per-class", "10", "--k", "2",
                 "--jobs", "1", "--no-progress", "--alpha-max", "5", "--out", str(tmp_path)])
    assert code == 0
    printed = capsys.readouterr().out
    assert ("compiling dalgo's numba kernels" in printed) is not cached


def test_tune_gaussian_grid_with_beta_grid_and_cache(tmp_path, capsys):
    out, cache = tmp_path / "o", tmp_path / "c"
    argv = ["tune", "--dataset", "gaussian_grid", "--n-train", "2", "--n-test", "2",
            "--per-class", "10", "--k", "3", "--betas", "1", "2", "--jobs", "1",
            "--no-progress", "--cache", str(cache), "--out", str(out), "--seed", "3"]
    assert main(argv) == 0
    first = json.loads((out / "tune_result.json").read_text())
    assert first["config"]["alpha_range"] == [0.0, "inf"]  # default includes farthest-first
    assert set(first["train_curves"]) == {"1.0", "2.0"}
    assert len(list(cache.glob("*.json"))) == 4
    assert main(argv) == 0  # second run from the cache: same numbers
    second = json.loads((out / "tune_result.json").read_text())
    for key in ("alpha_interval", "train_loss", "test_loss", "baselines", "train_curves"):
        assert first[key] == second[key]


def test_tune_with_several_seeding_draws(tmp_path, capsys):
    out = tmp_path / "o"
    argv = ["tune", "--dataset", "gaussian_grid", "--n-train", "3", "--n-test", "2",
            "--per-class", "10", "--k", "3", "--n-draws", "2", "--jobs", "1", "--no-progress",
            "--out", str(out)]
    assert main(argv) == 0
    d = json.loads((out / "tune_result.json").read_text())
    assert d["config"]["n_draws"] == 2
    # α-linkage is deterministic: draws are refused before any work, naming the option
    code = main(["tune", "--family", "linkage-minmax", "--n-draws", "2", "--no-progress",
                 "--out", str(tmp_path / "l")])
    assert code == 2
    assert "n_draws" in capsys.readouterr().err and not (tmp_path / "l").exists()
    with pytest.raises(SystemExit):
        main(["tune", "--n-draws", "0"])
    with pytest.raises(SystemExit):
        main(["tune", "--n-draws", "many"])
    assert "'auto'" in capsys.readouterr().err


def test_tune_with_auto_draws_names_them(tmp_path, capsys):
    out = tmp_path / "o"
    argv = ["tune", "--dataset", "gaussian_grid", "--n-train", "20", "--n-test", "2",
            "--per-class", "10", "--k", "3", "--n-draws", "auto", "--jobs", "1",
            "--no-progress", "--out", str(out)]
    assert main(argv) == 0
    printed = capsys.readouterr().out
    assert "3 seeding draws per instance (auto)" in printed  # ceil(60 / 20)
    assert "(20 training instances × 3 seeding draws)" in printed
    assert json.loads((out / "tune_result.json").read_text())["config"]["n_draws"] == 3


def test_missing_data_dir_exit_code_2(tmp_path, capsys, monkeypatch):
    monkeypatch.delenv("DALGO_DATA", raising=False)
    code = main(["tune", "--dataset", "mnist", "--data-dir", "/nonexistent", "--no-progress",
                 "--out", str(tmp_path / "o")])
    assert code == 2
    err = capsys.readouterr().err
    assert err.startswith("dalgo: error:")
    assert "/nonexistent" in err  # names where it looked
    assert "DALGO_DATA" in err or "data-dir" in err or "data_dir" in err  # and how to fix it
    assert not (tmp_path / "o").exists()


def test_bad_arguments_exit_code_2(tmp_path, capsys):
    code = main(["tune", "--alpha-min", "5", "--alpha-max", "1", "--no-progress",
                 "--out", str(tmp_path / "o")])
    assert code == 2
    assert "lo < hi" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exc:
        main(["tune", "--loss", "nope"])
    assert exc.value.code == 2
    with pytest.raises(SystemExit) as exc:
        main([])
    assert exc.value.code == 2


def test_tune_linkage_family(tmp_path, capsys):
    out = tmp_path / "out"
    code = main(["tune", "--family", "linkage-minmax", "--n-train", "3", "--n-test", "3",
                 "--per-class", "10", "--k", "3", "--jobs", "1", "--no-progress",
                 "--out", str(out)])
    assert code == 0
    printed = capsys.readouterr().out
    assert "single linkage" in printed and "complete linkage" in printed
    d = json.loads((out / "tune_result.json").read_text())
    assert d["config"]["family"] == "linkage-minmax"
    assert d["config"]["alpha_range"] == [0.0, 1.0]
    assert set(d["baselines"]) == {"single", "complete", "average"}
    assert (out / "tune_curves.png").stat().st_size > 1000


def test_parser_defaults():
    args = build_parser().parse_args(["tune"])
    # not given: the digits protocol with DEFAULT_N_INSTANCES train and test instances
    assert args.dataset is None and args.n_train is None and args.n_test is None
    assert args.instances is None and args.scheduler is None
    assert args.alpha_min == 0.0 and np.isinf(args.alpha_max) and args.betas == [2.0]
    args = build_parser().parse_args(["tune", "--alpha-max", "inf", "--betas", "1", "inf"])
    assert np.isinf(args.alpha_max) and args.betas[0] == 1.0 and np.isinf(args.betas[1])


def test_console_help():
    proc = subprocess.run([sys.executable, "-m", "dalgo.cli", "tune", "--help"],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0
    assert "--data-dir" in proc.stdout and "--n-train" in proc.stdout
