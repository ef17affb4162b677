"""`dalgo nas`: search, zero-cost and tasks sub-commands; bad input gives one line, status 2."""

import csv
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from dalgo.cli import main

REPO = Path(__file__).resolve().parents[2]
ARCH = "|nor_conv_3x3~0|+|none~0|skip_connect~1|+|avg_pool_3x3~0|none~1|nor_conv_1x1~2|"
DEAD = "|none~0|+|nor_conv_3x3~0|avg_pool_3x3~1|+|none~0|skip_connect~1|none~2|"


def test_tasks_lists_both_namespaces(capsys, shared_data):
    assert main(["nas", "tasks", "--data-dir", str(shared_data)]) == 0
    out = capsys.readouterr().out
    assert "  nb201-cifar10\n" in out and "  NB201-CF10\n" in out
    assert "load_suite_zero_task" in out


def test_search_writes_table_json_and_figure(tmp_path, capsys, shared_data):
    out = tmp_path / "run"
    argv = ["nas", "search", "nb201-cifar10", "--algorithm", "re", "--budget", "30",
            "--seeds", "3", "--seed-start", "5", "--set", "population_size=10",
            "--data-dir", str(shared_data), "--out", str(out)]
    assert main(argv) == 0
    text = capsys.readouterr().out
    assert "regret (valid)" in text and "±" in text
    d = json.loads((out / "nas_search.json").read_text())
    assert d["seeds"] == [5, 6, 7] and d["budget"] == 30 and len(d["trajectories"]) == 3
    assert d["hyperparameters"]["population_size"] == 10
    assert [r["queries"] for r in d["summary"]] == [1, 10, 20, 30]
    import dalgo.nas as nas

    tr = nas.search("nb201-cifar10", "re", budget=30, random_state=6, population_size=10)
    assert d["trajectories"][1]["regret_valid"] == pytest.approx(tr.regret_valid.tolist())
    mean = np.mean([t["regret_valid"][-1] for t in d["trajectories"]])
    assert d["summary"][-1]["regret_valid"] == pytest.approx(mean)
    assert (out / "nas_search.png").stat().st_size > 1000
    assert sorted(p.name for p in out.iterdir()) == ["nas_search.json", "nas_search.png"]


def test_search_bananas_small_budget(tmp_path, shared_data):
    out = tmp_path / "b"
    assert main(["nas", "search", "nb201-cifar10", "--budget", "20", "--seeds", "1",
                 "--no-figure", "--data-dir", str(shared_data), "--out", str(out)]) == 0
    d = json.loads((out / "nas_search.json").read_text())
    assert d["algorithm"] == "bananas" and len(d["trajectories"][0]["archs"]) == 20
    assert not (out / "nas_search.png").exists()


def test_zero_cost_csv(tmp_path, capsys, shared_data):
    if not (shared_data / "cifar10" / "cifar10_test.npz").is_file():
        pytest.skip("CIFAR-10 test set not available")
    from dalgo.nas import zero_cost

    path = tmp_path / "zc.csv"
    argv = ["nas", "zero-cost", ARCH, DEAD, "--proxies", "params", "flops", "jacov",
            "--batch-size", "4", "--threads", "1", "--data-dir", str(shared_data),
            "--out", str(path)]
    assert main(argv) == 0
    rows = list(csv.DictReader(path.open()))
    assert [r["arch"] for r in rows] == [ARCH, DEAD]
    expect = zero_cost(ARCH, ["params", "flops", "jacov"], batch_size=4,
                       data_dir=shared_data)
    for p, v in expect.items():
        assert float(rows[0][p]) == v
    assert float(rows[1]["jacov"]) == -1e8  # dead cell: the worst score, never NaN
    assert ARCH in capsys.readouterr().out


@pytest.mark.parametrize("argv, words", [
    (["nas"], "required"),
    (["nas", "search", "no-such-task"], "unknown NAS task"),
    (["nas", "search", "NB201-CF10"], "load_suite_zero_task"),
    (["nas", "search", "nb201-cifar10", "--algorithm", "sa"], "unknown algorithm"),
    (["nas", "search", "nb201-cifar10", "--budget", "0"], "positive integer"),
    (["nas", "search", "nb201-cifar10", "--seeds", "x"], "positive integer"),
    (["nas", "search", "nb201-cifar10", "--set", "popsize=3", "--algorithm", "re"],
     "unknown hyperparameters"),
    (["nas", "search", "nb201-cifar10", "--set", "n_init=abc"], "n_init"),
    (["nas", "search", "nb201-cifar10", "--set", "noequals"], "name=value"),
    (["nas", "zero-cost", "|nor_conv_3x3~0|"], "arch"),
    (["nas", "zero-cost", ARCH, "--proxies", "bogus"], "unknown proxies"),
    (["nas", "zero-cost", ARCH, "--out", "/nonexistent/dir/x.csv"], "no folder"),
])
def test_bad_input_one_line_status_2_nothing_written(argv, words, tmp_path, capsys,
                                                      shared_data, monkeypatch):
    out = tmp_path / "out"
    extra = [] if argv == ["nas"] or "--out" in argv else ["--out", str(out)]
    monkeypatch.setenv("DALGO_DATA", str(shared_data))
    try:
        code = main(argv + extra)
    except SystemExit as exc:  # argparse
        code = exc.code
    assert code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("dalgo nas: error:") and words in err
    assert "Traceback" not in err
    assert not out.exists()


def test_bad_input_from_a_shell(tmp_path, shared_data):
    env = dict(os.environ, DALGO_DATA=str(shared_data), PYTHONPATH=str(REPO))
    r = subprocess.run([sys.executable, "-m", "dalgo.cli", "nas", "search", "NB201-CF10",
                        "--out", str(tmp_path / "o")], capture_output=True, text=True, env=env,
                       cwd=tmp_path, timeout=120)
    assert r.returncode == 2 and r.stderr.count("\n") == 1 and "Traceback" not in r.stderr
    assert not (tmp_path / "o").exists()
