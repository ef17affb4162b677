"""Tabular tasks: known rows of the tables, best values, data-dir resolution, safe unpickling."""

import csv
import os
import pickle

import numpy as np
import pytest

import dalgo.nas as nas
from dalgo.datasets.safe_pickle import safe_load
from dalgo.nas.benchmarks import NB201_DEVICES, NBGRAPH_DATASETS, TNB101_MICRO_TASKS


@pytest.fixture(scope="module")
def nb201_task():
    return nas.load_task("nb201-cifar10")


def test_nb201_known_rows(nb201_task, shared_data):
    task = nb201_task
    assert len(task) == 15625
    # index 1 of the nas-without-training table (cifar10valid_valid_acc, cifar10_test_acc)
    # and of the NAS-Landscapes table (train-all-time)
    a1 = task.space.from_string("|nor_conv_3x3~0|+|nor_conv_3x3~0|avg_pool_3x3~1|+"
                                "|skip_connect~0|nor_conv_3x3~1|skip_connect~2|")
    r = task.query(a1)
    assert r.valid_accuracy == pytest.approx(90.769333)
    assert r.test_accuracy == pytest.approx(93.66)
    assert r.cost == pytest.approx(2169.641376)
    assert task.space.to_index(a1) == 1
    # the string form queries the same row
    assert task.query(task.space.to_string(a1)) == r
    # best test accuracy: 94.37 at index 6111 (data README); best validation 91.61
    assert task.best_test == pytest.approx(94.373333)
    assert task.space.to_index(task.archs[int(np.argmax(task.test))]) == 6111
    assert round(task.best_valid, 2) == 91.61
    # rows agree with a direct read of the csv at random positions
    with open(shared_data / "nas" / "nb201_cifar10_nwot" / "arch_score_acc.csv", newline="") as fh:
        rows = list(csv.DictReader(fh))
    for i in np.random.default_rng(0).choice(15625, 50, replace=False):
        row = rows[i]
        q = task.query(task.space.from_string(row["arch_str"]))
        assert q.valid_accuracy == float(row["cifar10valid_valid_acc"])
        assert q.test_accuracy == float(row["cifar10_test_acc"])


def test_regret_normalisation(nb201_task):
    t = nb201_task
    assert t.regret(t.best_valid) == 0.0 and t.regret(t.worst_valid) == 1.0
    assert t.regret(t.best_test, "test") == 0.0
    assert t.regret(t.best_valid, normalized=False) == 0.0
    with pytest.raises(ValueError):
        t.regret(90.0, metric="train")


def test_latency_task(shared_data):
    t = nas.load_task("nb201-cifar10-lat:pixel3")
    full = nas.load_task("nb201-cifar10")
    lat = t.extra["latency_ms"]
    assert (lat <= t.latency_limit).all()
    assert 7000 < len(t) < 8700  # about half of the cells at the median
    path = shared_data / "nas" / "nb201_latency_help" / "nb201_latency_ms.csv"
    with open(path, newline="") as fh:
        col = np.array([float(r["pixel3"]) for r in csv.DictReader(fh)])
    assert t.latency_limit == pytest.approx(np.median(col))
    assert len(t) == int((col <= t.latency_limit).sum())
    assert t.best_valid <= full.best_valid
    a = t.archs[0]
    assert t.query(a) == full.query(a)
    outside = full.archs[int(np.argmax(col))]
    with pytest.raises(ValueError):
        t.query(outside)
    # explicit limit
    t2 = nas.load_task("nb201-cifar10-lat:pixel3", latency_limit=float(np.quantile(col, 0.1)))
    assert len(t2) < len(t)
    with pytest.raises(ValueError, match="available"):
        nas.load_task("nb201-cifar10-lat:abacus")


def test_nbgraph_known_rows():
    t = nas.load_task("nbgraph-cora")
    assert len(t) == 26206
    r = t.query(t.space.validate(nas.NBGraph.key_to_arch(0)))  # key 0: link 0000, gat x 4
    assert r.valid_accuracy == pytest.approx(0.7733333333333334)
    assert r.test_accuracy == pytest.approx(0.797)
    assert np.isnan(r.cost)
    r = t.query(nas.NBGraph.key_to_arch(10000))
    assert (r.valid_accuracy, r.test_accuracy) == pytest.approx(
        (0.7993333333333333, 0.8143333333333334))
    p = nas.load_task("nbgraph-proteins")
    assert len(p) == 2021
    r = p.query(nas.NBGraph.key_to_arch(1111))  # gcn x 4
    assert r.valid_accuracy == pytest.approx(0.7763333333333332)
    # proteins only uses gcn, sage, arma, fc, skip
    assert {nas.NBGraph.ops[i] for i in p.space.op_ids} == {"gcn", "sage", "arma", "fc", "skip"}


def test_tnb_known_rows():
    t = nas.load_task("tnb101micro-class_scene")
    assert len(t) == 4096 and not t.has_test
    # record idx 0 of the zen file: arch (2, 3, 2, 3, 2, 3), val_accuracy 53.836585998535156
    assert t.query((2, 3, 2, 3, 2, 3)).valid_accuracy == 53.836585998535156
    assert t.query((0, 0, 2, 1, 2, 3)).valid_accuracy == 30.423965454101562
    assert np.isnan(t.query((0, 0, 2, 1, 2, 3)).test_accuracy)
    with pytest.raises(ValueError, match="test metric"):
        t.regret(50.0, "test")
    rl = nas.load_task("tnb101micro-room_layout")
    assert rl.best_valid < 0  # negative loss, higher is better


def test_list_tasks_and_unknown_name():
    names = nas.list_tasks()
    expected = (["nb201-cifar10"] + [f"nb201-cifar10-lat:{d}" for d in NB201_DEVICES]
                + [f"nbgraph-{d}" for d in NBGRAPH_DATASETS]
                + [f"tnb101micro-{t}" for t in TNB101_MICRO_TASKS])
    assert names == expected
    with pytest.raises(ValueError) as e:
        nas.load_task("nb201-cifar1000")
    assert "nb201-cifar10" in str(e.value) and "tnb101micro-jigsaw" in str(e.value)


def test_missing_file_message(tmp_path, monkeypatch):
    with pytest.raises(FileNotFoundError) as e:
        nas.load_task("nb201-cifar10", data_dir=tmp_path)
    msg = str(e.value)
    assert str(tmp_path) in msg and "DALGO_DATA" in msg and "data_dir" in msg
    # without an argument: $DALGO_DATA is the only place looked at (no ../shared/data guess)
    monkeypatch.setenv("DALGO_DATA", str(tmp_path / "nowhere"))
    monkeypatch.chdir(tmp_path)
    with pytest.raises(FileNotFoundError) as e:
        nas.find_nas_file("nb201_cifar10_nwot/does_not_exist.csv")
    msg = str(e.value)
    assert str(tmp_path / "nowhere" / "nas" / "nb201_cifar10_nwot" / "does_not_exist.csv") in msg
    assert "shared" not in msg
    monkeypatch.delenv("DALGO_DATA")
    with pytest.raises(FileNotFoundError, match="DALGO_DATA"):
        nas.find_nas_file("nb201_cifar10_nwot/arch_score_acc.csv")
    assert "nb201-cifar10" not in nas.list_tasks()


def test_env_var_and_nas_dir_argument(shared_data, monkeypatch, tmp_path):
    monkeypatch.setenv("DALGO_DATA", str(shared_data))
    monkeypatch.chdir(tmp_path)
    path = nas.find_nas_file("nb201_cifar10_nwot/arch_score_acc.csv")
    assert path == shared_data / "nas" / "nb201_cifar10_nwot" / "arch_score_acc.csv"
    # a data_dir pointing at nas/ itself also works
    assert nas.find_nas_file("nb201_cifar10_nwot/arch_score_acc.csv", shared_data / "nas") == path


class _Evil:
    def __reduce__(self):
        return (os.system, ("echo pwned",))


def test_safe_unpickle_refuses_code(tmp_path):
    """The NAS tables go through dalgo's one restricted unpickler."""
    p = tmp_path / "evil.bench"
    p.write_bytes(pickle.dumps({0: _Evil()}))
    with pytest.raises(pickle.UnpicklingError):
        safe_load(p)
    ok = tmp_path / "ok.bench"
    ok.write_bytes(pickle.dumps({1: {"perf": np.float64(0.5), "valid_perf": 0.25}}))
    assert safe_load(ok) == {1: {"perf": 0.5, "valid_perf": 0.25}}
    obj = tmp_path / "obj.bench"
    obj.write_bytes(pickle.dumps(np.array(["a"], dtype=object)))
    with pytest.raises(pickle.UnpicklingError):
        safe_load(obj)


def test_nbgraph_tables_read_by_the_safe_unpickler():
    """Every NAS-Bench-Graph table loads with dalgo's restricted unpickler into plain
    containers of numbers (what the NAS copy of the unpickler used to allow)."""
    light = nas.nas_bench_graph_dir()
    for d in NBGRAPH_DATASETS:
        bench = safe_load(light / f"{d}.bench")
        assert isinstance(bench, dict) and len(bench) > 1000
        rec = next(iter(bench.values()))
        assert {"valid_perf", "perf", "latency", "para"} <= set(rec)
        assert all(isinstance(float(rec[c]), float) for c in ("valid_perf", "perf"))


def test_nbgraph_read_without_importing_package():
    import subprocess
    import sys

    code = ("import sys, dalgo.nas as n; t = n.load_task('nbgraph-citeseer'); "
            "assert len(t) == 26206; assert 'nas_bench_graph' not in sys.modules; print('ok')")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.stdout.strip() == "ok", out.stderr


def test_import_without_torch():
    import subprocess
    import sys

    code = ("import sys; import dalgo, dalgo.nas; t = dalgo.nas.load_task('nbgraph-cora'); "
            "dalgo.nas.search(t, 're', budget=30, random_state=0); "
            "assert 'torch' not in sys.modules; print('ok')")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.stdout.strip() == "ok", out.stderr


def test_naslib_tuples_match_nb201_rows(nb201_task, shared_data):
    """The NASLib tuple convention maps NAS-Bench-Suite-Zero records onto the right rows:
    their val_accuracy agrees with our validation accuracy (README: Pearson 0.998)."""
    import json

    zc = json.loads((shared_data / "nas" / "naslib_zc" / "zc_nasbench201.json").read_text())
    recs = list(zc["cifar10"].values())
    ours = [nb201_task.query(tuple(int(x) for x in r["arch"].strip("()").split(","))).valid_accuracy
            for r in recs]
    theirs = [r["val_accuracy"] for r in recs]
    assert len(recs) > 700
    assert np.corrcoef(ours, theirs)[0, 1] > 0.99
    # a wrong convention (e.g. string edge order instead of tuple order) would not match
    perm = (0, 1, 3, 2, 4, 5)
    wrong = [nb201_task.query(tuple(int(r["arch"].strip("()").split(",")[p])
                                    for p in perm)).valid_accuracy
             for r in recs]
    assert np.corrcoef(wrong, theirs)[0, 1] < 0.95


def test_unknown_task_names_the_other_namespace():
    with pytest.raises(ValueError, match="load_suite_zero_task") as e:
        nas.load_task("NB201-CF10")
    assert "zero-cost table" in str(e.value)
    with pytest.raises(ValueError, match="load_suite_zero_task"):
        nas.load_task("no-such-task")
