"""The user's own instances: reading files (dalgo.datasets.files), ``dalgo tune --instances``,
``--dataset PATH``, ``dalgo cluster``, ``AlphaBetaKMeans.from_tune_result``, running on a
Dask cluster, and the user guide's "Tune on your own data" section run end to end."""

import json
import os
import pickle
import re
import shlex
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from dalgo import AlphaBetaKMeans, Dataset, TuneResult, tune
from dalgo.cli import main
from dalgo.datasets.files import (
    InstanceFileError,
    check_instance_file,
    expand_paths,
    load_table_dataset,
    read_instances,
    read_table,
)
from dalgo.instances import ClassSubsampling, FixedInstances, GaussianGrid
from dalgo.protocols import protocol_distribution

pd = pytest.importorskip("pandas")

REPO = Path(__file__).resolve().parents[1]


def blobs(seed, n_per=20, k=3):
    """k Gaussian blobs of n_per points in the plane, labels 0..k-1."""
    rng = np.random.default_rng(seed)
    centres = rng.uniform(-10, 10, size=(k, 2))
    X = np.concatenate([c + rng.normal(size=(n_per, 2)) for c in centres])
    return X, np.repeat(np.arange(k), n_per)


def write_csv(path, X, y=None, label="cluster"):
    frame = pd.DataFrame(X, columns=[f"x{j + 1}" for j in range(X.shape[1])])
    if y is not None:
        frame[label] = y
    frame.to_csv(path, index=False)
    return path


@pytest.fixture
def labelled(tmp_path):
    """6 labelled CSV files (3 blobs x 20 points), train/ holds 4, test/ 2."""
    for part, seeds in (("train", range(4)), ("test", range(4, 6))):
        (tmp_path / part).mkdir()
        for s in seeds:
            write_csv(tmp_path / part / f"exp_{s}.csv", *blobs(s))
    return tmp_path


@pytest.fixture
def unlabelled(tmp_path):
    folder = tmp_path / "npy"
    folder.mkdir()
    for s in range(6):
        np.save(folder / f"run_{s}.npy", blobs(10 + s)[0])
    return folder


def tree(path):
    """Every file under ``path`` with its size and mtime: to check nothing was written."""
    return {str(p): (p.stat().st_size, p.stat().st_mtime_ns)
            for p in sorted(Path(path).rglob("*")) if p.is_file()}


# -- reading files ---------------------------------------------------------------------------

def test_read_every_format_gives_the_same_points(tmp_path):
    X, y = blobs(0, n_per=5)
    np.savez(tmp_path / "a.npz", X=X, y=y)
    np.save(tmp_path / "b.npy", X)
    write_csv(tmp_path / "c.csv", X, y)
    frame = pd.DataFrame(X, columns=["u", "v"])
    frame["kind"] = np.array(["setosa", "versicolor", "virginica"])[y]  # text labels
    frame.to_csv(tmp_path / "d.tsv", sep="\t", index=False)
    np.savetxt(tmp_path / "e.csv", X, delimiter=",")  # no header row
    for name, kw, labels in (("a.npz", {}, True), ("b.npy", {}, False),
                             ("c.csv", {"label_column": "cluster"}, True),
                             ("d.tsv", {"label_column": "kind"}, True),
                             ("e.csv", {}, False)):
        Xr, yr = read_table(tmp_path / name, **kw)
        assert Xr.dtype == np.float64 and Xr.flags.c_contiguous
        np.testing.assert_array_equal(Xr, X)
        if labels:
            np.testing.assert_array_equal(yr, y)
        else:
            assert yr is None
    _, _, names = read_table(tmp_path / "d.tsv", "kind", return_feature_names=True)
    assert names == ["u", "v"]
    # a CSV with labels read without --label-column keeps the numeric label as a feature
    assert read_table(tmp_path / "c.csv")[0].shape == (15, 3)


def test_parquet_needs_pyarrow(tmp_path, monkeypatch):
    X, y = blobs(0, n_per=5)
    path = tmp_path / "p.parquet"
    try:
        import pyarrow  # noqa: F401
    except ImportError:
        path.write_bytes(b"PAR1 not really")
    else:
        frame = pd.DataFrame(X, columns=["a", "b"])
        frame["lab"] = y
        frame.to_parquet(path)
        Xr, yr = read_table(path, "lab")
        np.testing.assert_array_equal(Xr, X)
        np.testing.assert_array_equal(yr, y)
    monkeypatch.setitem(sys.modules, "pyarrow", None)  # import pyarrow now fails
    with pytest.raises(InstanceFileError, match=r"p\.parquet: .*needs pyarrow: pip install"):
        read_table(path, "lab")


BAD_FILES = {
    # name: (content, label_column, expected message after the path)
    "nan.csv": ("x1,x2,cluster\n1,2,0\n\n3,nan,1\n5,6,1\n", "cluster",
                "missing value (empty or NaN) at line 4, column 'x2'"),
    "empty_field.csv": ("x1,x2,cluster\n1,2,0\n3,,1\n", "cluster",
                        "missing value (empty or NaN) at line 3, column 'x2'"),
    "inf.csv": ("x1,x2,cluster\n1,2,0\n3,inf,1\n", "cluster",
                "non-finite value inf at line 3, column 'x2'"),
    "long_row.csv": ("x1,x2,cluster\n1,2,0\n3,4,1\n5,6,7,1\n", "cluster",
                     "ragged table: line 4 has 4 fields, expected 3"),
    "short_row.csv": ("x1,x2,cluster\n1,2,0\n3,4\n5,6,1\n", "cluster",
                      "ragged table: line 3 has fewer fields than the 3 columns"),
    "text.csv": ("x1,name,x2,site,cluster\n1,a,2,s,0\n3,b,4,t,1\n", "cluster",
                 "non-numeric feature column(s) ['name', 'site'] (e.g. 'a' at line 2, "
                 "column 'name')"),
    "typo.csv": ("x1,x2,cluster\n1,2,0\n3,4O,1\n", "cluster",
                 "non-numeric feature column(s) ['x2'] (e.g. '4O' at line 3"),
    "no_label.csv": ("x1,x2,cluster\n1,2,0\n3,4,\n", "cluster",
                     "missing label at line 3, column 'cluster'"),
    "wrong_label.csv": ("x1,x2,cls\n1,2,0\n", "cluster",
                        "no label column 'cluster'; the columns are ['x1', 'x2', 'cls']"),
    "index.csv": (",x1,x2\n0,1,2\n1,3,4\n", None,
                  "column 1 has no name in the header (a row index saved by "
                  "DataFrame.to_csv? write it with index=False)"),
    "empty.csv": ("", None, "the file is empty"),
    "header_only.csv": ("x1,x2\n", None, "the table has no rows"),
    "garbage.npz": ("not a zip", None, "cannot read it as .npz"),
    "garbage.npy": ("\x93NUMPY garbage", None, "cannot read it as .npy"),
    "notes.txt": ("hello", None, "unsupported file type '.txt'"),
}


@pytest.mark.parametrize("name", sorted(BAD_FILES))
def test_bad_file_messages_name_file_and_place(tmp_path, name):
    content, label, expected = BAD_FILES[name]
    path = tmp_path / name
    path.write_text(content)
    with pytest.raises(InstanceFileError) as exc:
        read_table(path, label)
    message = str(exc.value)
    assert message.startswith(f"{path}: ")
    assert expected in message
    assert "\n" not in message
    assert exc.value.path == str(path)
    again = pickle.loads(pickle.dumps(exc.value))
    assert str(again) == message and again.path == str(path)


def test_bad_arrays(tmp_path):
    X = np.ones((4, 2))
    X[2, 1] = np.inf
    np.save(tmp_path / "inf.npy", X)
    with pytest.raises(InstanceFileError, match=r"inf\.npy: 1 non-finite .* X\[2, 1\] = inf"):
        read_table(tmp_path / "inf.npy")
    np.save(tmp_path / "flat.npy", np.arange(4.0))
    with pytest.raises(InstanceFileError, match=r"flat\.npy: X must be 2-D .*reshape"):
        read_table(tmp_path / "flat.npy")
    np.savez(tmp_path / "noX.npz", data=np.ones((3, 2)))
    with pytest.raises(InstanceFileError, match=r"noX\.npz: no array 'X' .*\['data'\]"):
        read_table(tmp_path / "noX.npz")
    np.savez(tmp_path / "obj.npz", X=np.array([{"a": 1}], dtype=object))
    with pytest.raises(InstanceFileError, match=r"obj\.npz: .*pickled objects are never"):
        read_table(tmp_path / "obj.npz")
    np.savez(tmp_path / "ylen.npz", X=np.ones((3, 2)), y=[0, 1])
    with pytest.raises(InstanceFileError, match=r"ylen\.npz: y must have shape \(3,\)"):
        read_table(tmp_path / "ylen.npz")
    np.save(tmp_path / "text.npy", np.array([["a", "b"]]))
    with pytest.raises(InstanceFileError, match=r"text\.npy: X holds <U1 values"):
        read_table(tmp_path / "text.npy")
    with pytest.raises(FileNotFoundError, match="missing.csv"):
        read_table(tmp_path / "missing.csv")


def test_expand_paths_folders_globs_and_errors(tmp_path):
    (tmp_path / "d").mkdir()
    for name in ("b.csv", "a.npz", "c.npy", "README.md", ".hidden.csv"):
        (tmp_path / "d" / name).write_text("")
    (tmp_path / "d" / "sub").mkdir()
    assert [p.name for p in expand_paths(tmp_path / "d")] == ["a.npz", "b.csv", "c.npy"]
    assert [p.name for p in expand_paths(str(tmp_path / "d" / "*.np?"))] == ["a.npz", "c.npy"]
    (tmp_path / "empty").mkdir()
    with pytest.raises(InstanceFileError, match=r"empty: the folder holds no instance file"):
        expand_paths([tmp_path / "d", tmp_path / "empty"])
    with pytest.raises(InstanceFileError, match=r"\*\.parquet: the pattern matches no"):
        expand_paths(str(tmp_path / "d" / "*.parquet"))
    with pytest.raises(FileNotFoundError, match="nowhere"):
        expand_paths(tmp_path / "nowhere")
    with pytest.raises(InstanceFileError, match=r"b\.csv: named twice"):
        expand_paths([tmp_path / "d", tmp_path / "d" / "b.csv"])
    with pytest.raises(InstanceFileError, match=r"README\.md: unsupported file type"):
        expand_paths(tmp_path / "d" / "README.md")


def test_read_instances_k_rules(labelled, unlabelled, tmp_path):
    items = read_instances(labelled / "train", label_column="cluster")
    assert [Path(it.name).name for it in items] == [f"exp_{s}.csv" for s in range(4)]
    assert {it.n_clusters for it in items} == {3}
    assert all(it.X.shape == (60, 2) and it.y.shape == (60,) for it in items)
    # --k overrides the labels
    assert {it.n_clusters for it in read_instances(labelled / "train", label_column="cluster",
                                                   n_clusters=2)} == {2}
    # k differing between files: both files named
    X, y = blobs(7, k=4)
    odd = write_csv(labelled / "train" / "exp_9.csv", X, y)
    with pytest.raises(InstanceFileError) as exc:
        read_instances(labelled / "train", label_column="cluster")
    assert str(exc.value).startswith(f"{odd}: k=4")
    assert "exp_0.csv has k=3" in str(exc.value)
    # no labels: k must be given; the Hamming loss needs labels
    with pytest.raises(InstanceFileError, match=r"run_0\.npy: no labels to take k from; give k"):
        read_instances(unlabelled)
    with pytest.raises(InstanceFileError, match=r"run_0\.npy: no labels, but the Hamming loss"):
        read_instances(unlabelled, n_clusters=3, needs_labels=True)
    assert len(read_instances(unlabelled, n_clusters=3)) == 6
    # fewer distinct points than k
    np.save(tmp_path / "dup.npy", np.repeat([[0.0, 1.0], [2.0, 3.0]], 5, axis=0))
    with pytest.raises(InstanceFileError, match=r"dup\.npy: 2 distinct point\(s\), fewer than k=3"):
        read_instances(tmp_path / "dup.npy", n_clusters=3)
    # the items are what FixedInstances takes
    insts = FixedInstances(items).sample(None, random_state=0)
    assert [i.name for i in insts] == [f"{it.name}#{j}" for j, it in enumerate(items)]
    np.testing.assert_array_equal(insts[1].X, items[1].X)


def test_noise_labels_do_not_count_as_a_cluster(tmp_path):
    X, y = blobs(0, n_per=5)
    y = y.copy()
    y[0] = -1
    np.savez(tmp_path / "noisy.npz", X=X, y=y)
    assert read_instances(tmp_path / "noisy.npz")[0].n_clusters == 3
    assert check_instance_file("x", X, y) == 3


def test_load_table_dataset_and_protocol(tmp_path):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(60, 3))
    y = np.repeat(["a", "b", "c", "d", "e", "f"], 10)
    frame = pd.DataFrame(X, columns=["p", "q", "r"])
    frame["cell_type"] = y
    frame.to_csv(tmp_path / "cells.csv", index=False)
    ds = load_table_dataset(tmp_path / "cells.csv", "cell_type")
    assert isinstance(ds, Dataset) and ds.name == "cells" and ds.n_classes == 6
    dist = protocol_distribution(ds, n_per_class=4)
    assert isinstance(dist, ClassSubsampling)
    inst = dist.sample(1, random_state=0)[0]
    assert inst.n_clusters == 5 and inst.X.shape == (20, 3)  # the "other names" rule
    with pytest.raises(InstanceFileError, match=r"cells\.csv: non-numeric .*'cell_type'"):
        load_table_dataset(tmp_path / "cells.csv")  # the labels read as a feature
    write_csv(tmp_path / "plain.csv", X)
    with pytest.raises(InstanceFileError, match=r"plain\.csv: no labels; .*--label-column"):
        load_table_dataset(tmp_path / "plain.csv")
    np.save(tmp_path / "x.npy", X)
    with pytest.raises(InstanceFileError, match=r"x\.npy: no labels; .*as y in an \.npz"):
        load_table_dataset(tmp_path / "x.npy")


# -- applying a tuning result ----------------------------------------------------------------

@pytest.fixture(scope="module")
def medoid_result():
    grid = GaussianGrid(grid_size=3, n_clusters=3, n_per_cluster=8)
    return tune(grid.sample(3, random_state=0), grid.sample(2, random_state=1),
                alpha_range=(0.0, np.inf), center="medoid", selection="exact", max_iter=50,
                progress=False)


def test_from_tune_result_carries_alpha_beta_center(medoid_result, tmp_path):
    res = medoid_result
    path = tmp_path / "tune_result.json"
    res.to_json(path)
    for source in (res, path, str(path), res.to_dict()):
        est = AlphaBetaKMeans.from_tune_result(source, random_state=3)
        assert (est.alpha, est.beta, est.center) == (res.alpha, res.beta, "medoid")
        assert (est.n_clusters, est.max_iter, est.tol, est.random_state) == (3, 50, 0.0, 3)
    est = AlphaBetaKMeans.from_tune_result(res, n_clusters=2, n_init=4)
    assert (est.n_clusters, est.n_init) == (2, 4)
    X = GaussianGrid(grid_size=3, n_clusters=3, n_per_cluster=8).sample(
        1, random_state=5)[0].X
    fitted = AlphaBetaKMeans.from_tune_result(path, random_state=0).fit(X)
    # medoid centres are data points
    assert all(any(np.array_equal(c, x) for x in X) for c in fitted.cluster_centers_)
    same = AlphaBetaKMeans(3, alpha=res.alpha, beta=res.beta, center="medoid", tol=0.0,
                           max_iter=50, random_state=0).fit(X)
    np.testing.assert_array_equal(fitted.labels_, same.labels_)


def test_from_tune_result_alpha_inf_interval_and_k(medoid_result, tmp_path):
    d = medoid_result.to_dict()
    d["alpha"], d["alpha_interval"] = "inf", [4.0, "inf"]  # farthest-first was selected
    path = tmp_path / "inf.json"
    path.write_text(json.dumps(d))
    est = AlphaBetaKMeans.from_tune_result(path)
    assert np.isinf(est.alpha)
    X = np.array([[0.0, 0.0], [0.1, 0.0], [10.0, 0.0], [0.0, 10.0], [10.1, 0.0]])
    assert len(set(est.set_params(n_clusters=3).fit(X).labels_)) == 3
    d["alpha"], d["alpha_interval"] = "nan", [1.0, 3.0]  # only the interval known
    assert AlphaBetaKMeans.from_tune_result(d).alpha == 2.0
    d["n_clusters"] = {"train": [3, 4], "test": [3]}
    with pytest.raises(ValueError, match=r"k in \[3, 4\]; give n_clusters"):
        AlphaBetaKMeans.from_tune_result(d)
    assert AlphaBetaKMeans.from_tune_result(d, n_clusters=4).n_clusters == 4
    del d["config"]["center"]
    with pytest.raises(ValueError, match="does not record its centre type"):
        AlphaBetaKMeans.from_tune_result(d, n_clusters=4)


# -- dalgo tune on files ---------------------------------------------------------------------

TINY = ["--alpha-max", "10", "--jobs", "1", "--no-progress"]


def test_cli_tune_labelled_csv_folder(labelled, capsys):
    out = labelled / "out"
    code = main(["tune", "--instances", str(labelled / "train"), "--test-instances",
                 str(labelled / "test"), "--label-column", "cluster", "--out", str(out),
                 *TINY])
    assert code == 0
    printed = capsys.readouterr().out
    assert "4 train / 2 test instances" in printed and "k=3" in printed
    result = TuneResult.from_json(out / "tune_result.json")
    assert result.n_train == 4 and result.n_test == 2
    assert result.n_clusters == {"train": [3] * 4, "test": [3, 3]}
    assert [Path(p).name for p in result.config["instances"]] == [f"exp_{s}.csv"
                                                                   for s in range(4)]
    assert result.config["label_column"] == "cluster" and result.config["loss"] == "hamming"
    assert (out / "tune_curves.png").read_bytes()[:4] == b"\x89PNG"


def test_cli_tune_test_fraction_is_seeded(labelled, capsys):
    argv = ["tune", "--instances", str(labelled / "train"), str(labelled / "test"),
            "--label-column", "cluster", "--test-fraction", "0.34", *TINY]
    held = []
    for seed, out in ((1, "a"), (1, "b"), (2, "c")):
        assert main(argv + ["--seed", str(seed), "--out", str(labelled / out)]) == 0
        cfg = json.loads((labelled / out / "tune_result.json").read_text())["config"]
        assert len(cfg["instances"]) == 4 and len(cfg["test_instances"]) == 2
        assert not set(cfg["instances"]) & set(cfg["test_instances"])
        held.append(cfg["test_instances"])
    assert held[0] == held[1]
    capsys.readouterr()


def test_cli_tune_unlabelled_npy_with_objective_loss(unlabelled, tmp_path, capsys):
    out = tmp_path / "out"
    code = main(["tune", "--instances", str(unlabelled / "*.npy"), "--k", "3", "--loss",
                 "kmeans", "--out", str(out), *TINY])
    assert code == 0, capsys.readouterr().err
    d = json.loads((out / "tune_result.json").read_text())
    assert d["config"]["loss"] == "kmeans" and d["n_train"] + d["n_test"] == 6
    assert "uniform bound" not in capsys.readouterr().out  # only for losses in [0, 1]


def test_cli_tune_dataset_path(tmp_path, capsys):
    X, y = blobs(0, n_per=15, k=5)
    write_csv(tmp_path / "cells.csv", X, np.array(list("abcde"))[y], label="cell_type")
    out = tmp_path / "out"
    code = main(["tune", "--dataset", str(tmp_path / "cells.csv"), "--label-column",
                 "cell_type", "--k", "3", "--per-class", "8", "--n-train", "3", "--n-test",
                 "2", "--out", str(out), *TINY])
    assert code == 0, capsys.readouterr().err
    d = json.loads((out / "tune_result.json").read_text())
    assert d["n_train"] == 3 and d["n_test"] == 2 and d["n_clusters"]["train"] == [3, 3, 3]
    assert "ClassSubsampling" in d["config"]["distribution"]
    # k larger than the classes: named with the file, exit 2
    code = main(["tune", "--dataset", str(tmp_path / "cells.csv"), "--label-column",
                 "cell_type", "--k", "7", "--out", str(tmp_path / "o2"), *TINY])
    assert code == 2
    assert "cells.csv: n_clusters=7 exceeds the number of classes" in capsys.readouterr().err


def _assert_one_line_error(capsys, *fragments):
    err = capsys.readouterr().err
    assert err.startswith("dalgo: error: ") and err.count("\n") == 1, err
    assert "Traceback" not in err
    for fragment in fragments:
        assert fragment in err, err
    return err


@pytest.mark.parametrize("bad", ["nan", "ragged", "text_column", "few_points", "other_k",
                                 "unreadable"])
def test_cli_bad_file_stops_before_any_work(labelled, capsys, bad):
    train, cache, out = labelled / "train", labelled / "cache", labelled / "out"
    argv = ["tune", "--instances", str(train), "--test-instances", str(labelled / "test"),
            "--label-column", "cluster", "--cache", str(cache), "--out", str(out), *TINY]
    assert main(argv) == 0  # a good run fills the cache
    capsys.readouterr()
    before = tree(labelled)
    path = train / "zz_bad.csv"
    if bad == "nan":
        path.write_text("x1,x2,cluster\n1,2,0\n3,nan,1\n4,4,2\n")
        expected = "missing value (empty or NaN) at line 3, column 'x2'"
    elif bad == "ragged":
        path.write_text("x1,x2,cluster\n1,2,0\n3,4,1,9\n")
        expected = "ragged table: line 3 has 4 fields"
    elif bad == "text_column":
        path.write_text("x1,site,cluster\n1,north,0\n3,south,1\n4,east,2\n")
        expected = "non-numeric feature column(s) ['site']"
    elif bad == "few_points":
        path.write_text("x1,x2,cluster\n1,2,0\n1,2,1\n1,2,2\n")
        expected = "1 distinct point(s), fewer than k=3"
    elif bad == "other_k":
        write_csv(path, *blobs(9, n_per=4, k=2))
        expected = "k=2 (its distinct labels), but"
    else:
        path = train / "zz_bad.npz"
        path.write_bytes(b"PK\x03\x04 truncated")
        expected = "cannot read it as .npz"
    before = {k: v for k, v in tree(labelled).items() if k != str(path)}
    assert main(argv) == 2
    _assert_one_line_error(capsys, f"{path}: {expected}")
    after = tree(labelled)
    after.pop(str(path))
    assert after == before  # nothing written to --out or the cache, old cache files intact
    path.unlink()
    assert main(argv) == 0  # the cached instances are still valid: reused, same result
    assert tree(cache) == {k: v for k, v in before.items() if k.startswith(str(cache))}


def test_cli_input_errors_exit_2(labelled, unlabelled, tmp_path, capsys, monkeypatch):
    out = tmp_path / "never"
    cases = [
        (["--instances", str(unlabelled), "--k", "3"], ["run_0.npy: no labels, but the Hamming"]),
        (["--instances", str(unlabelled)], ["no labels"]),
        (["--instances", str(tmp_path / "nothing_here")], ["nothing_here: no such file"]),
        (["--instances", str(labelled / "train"), "--dataset", "digits"], ["either --dataset"]),
        (["--instances", str(labelled / "train"), "--n-train", "3"], ["--n-train applies to"]),
        (["--test-fraction", "0.5"], ["--test-fraction goes with --instances"]),
        (["--instances", str(labelled / "train"), "--test-instances",
          str(labelled / "train" / "exp_0.csv"), "--label-column", "cluster"],
         ["exp_0.csv: both a training and a test instance"]),
        (["--instances", str(labelled / "train" / "exp_0.csv"), "--label-column", "cluster"],
         ["too few to hold"]),
        (["--dataset", "digits", "--label-column", "y"], ["--label-column applies to files"]),
        (["--dataset", str(tmp_path / "missing.csv")], ["missing.csv: no such file"]),
    ]
    (tmp_path / "empty").mkdir()
    cases.append((["--instances", str(tmp_path / "empty")], ["the folder holds no instance"]))
    for extra, fragments in cases:
        assert main(["tune", *extra, "--out", str(out), *TINY]) == 2, extra
        _assert_one_line_error(capsys, *fragments)
    monkeypatch.setitem(sys.modules, "distributed", None)
    assert main(["tune", "--instances", str(labelled / "train"), "--label-column", "cluster",
                 "--scheduler", "tcp://127.0.0.1:8786", "--out", str(out), *TINY]) == 2
    _assert_one_line_error(capsys, "--scheduler needs dask.distributed")
    assert not out.exists()
    with pytest.raises(SystemExit):
        main(["tune", "--instances", "x", "--test-fraction", "1.5"])
    with pytest.raises(SystemExit):
        main(["tune", "--k", "0"])


def test_progress_bar_with_eta(labelled, capsys):
    code = main(["tune", "--instances", str(labelled / "train"), "--test-instances",
                 str(labelled / "test"), "--label-column", "cluster", "--alpha-max", "10",
                 "--jobs", "1", "--out", str(labelled / "out")])
    assert code == 0
    err = capsys.readouterr().err
    assert "instances: 100%" in err and "6/6" in err
    assert re.search(r"\[\d\d:\d\d<\d\d:\d\d", err)  # elapsed<remaining: the ETA


# -- dalgo cluster ---------------------------------------------------------------------------

@pytest.fixture
def tuned(labelled, capsys):
    out = labelled / "tuned"
    assert main(["tune", "--instances", str(labelled / "train"), "--test-instances",
                 str(labelled / "test"), "--label-column", "cluster", "--out", str(out),
                 *TINY]) == 0
    capsys.readouterr()
    return out / "tune_result.json"


def test_cli_cluster_writes_labels_and_centres(tuned, tmp_path, capsys):
    X, y = blobs(42)
    data = write_csv(tmp_path / "new.csv", X, y)
    labels, centres = tmp_path / "res" / "labels.csv", tmp_path / "res" / "centres.csv"
    code = main(["cluster", "--config", str(tuned), str(data), "--label-column", "cluster",
                 "--out", str(labels), "--centers", str(centres), "--seed", "1"])
    assert code == 0
    printed = capsys.readouterr().out
    result = TuneResult.from_json(tuned)
    est = AlphaBetaKMeans.from_tune_result(result, random_state=1).fit(X)
    got = pd.read_csv(labels)
    assert list(got.columns) == ["label"] and len(got) == len(X)
    np.testing.assert_array_equal(got["label"].to_numpy(), est.labels_)
    cen = pd.read_csv(centres)
    assert list(cen.columns) == ["x1", "x2"]
    np.testing.assert_array_equal(cen.to_numpy(), est.cluster_centers_)
    assert f"objective: {est.inertia_:.6g} (sum of squared distances" in printed
    assert "k=3 (from the labels of DATA)" in printed
    assert "Hamming loss against the labels of DATA: " in printed
    # an .npy without labels: k from the tuned instances; --k overrides
    np.save(tmp_path / "new.npy", X)
    assert main(["cluster", "--config", str(tuned), str(tmp_path / "new.npy"), "--out",
                 str(tmp_path / "l2.csv")]) == 0
    assert "k=3 (from the tuned instances)" in capsys.readouterr().out
    assert main(["cluster", "--config", str(tuned), str(tmp_path / "new.npy"), "--k", "4",
                 "--out", str(tmp_path / "l3.csv")]) == 0
    assert pd.read_csv(tmp_path / "l3.csv")["label"].nunique() == 4
    capsys.readouterr()


def test_cli_cluster_errors_write_nothing(tuned, tmp_path, capsys):
    out = tmp_path / "labels.csv"
    nan = tmp_path / "nan.csv"
    nan.write_text("x1,x2\n1,2\n,3\n")
    dup = tmp_path / "dup.npy"
    np.save(dup, np.zeros((5, 2)))
    bad_config = tmp_path / "bad.json"
    bad_config.write_text('{"alpha": 2}')
    good = tmp_path / "good.npy"
    np.save(good, blobs(3)[0])
    cases = [
        ([str(nan)], f"{nan}: missing value (empty or NaN) at line 3, column 'x1'"),
        ([str(dup)], f"{dup}: 1 distinct point(s), fewer than k=3"),
        ([str(tmp_path / "nope.csv")], "nope.csv: no such file"),
    ]
    for data, fragment in cases:
        assert main(["cluster", "--config", str(tuned), *data, "--out", str(out)]) == 2
        _assert_one_line_error(capsys, fragment)
    assert main(["cluster", "--config", str(bad_config), str(good), "--out", str(out)]) == 2
    _assert_one_line_error(capsys, "not a tune_result.json written by dalgo tune")
    assert main(["cluster", "--config", str(tmp_path / "none.json"), str(good)]) == 2
    _assert_one_line_error(capsys, "none.json: no such file")
    assert main(["cluster", "--config", str(tuned), str(good), "--out", str(tmp_path)]) == 2
    _assert_one_line_error(capsys, "is a folder")
    assert not out.exists()


# -- on a Dask cluster -----------------------------------------------------------------------

@pytest.mark.filterwarnings("ignore::DeprecationWarning")
@pytest.mark.filterwarnings("ignore::ResourceWarning")
def test_cli_tune_on_dask_cluster_equals_local(labelled, capsys):
    distributed = pytest.importorskip("distributed")
    argv = ["tune", "--instances", str(labelled / "train"), "--test-instances",
            str(labelled / "test"), "--label-column", "cluster", "--alpha-max", "10"]
    assert main(argv + ["--jobs", "1", "--no-progress", "--out", str(labelled / "local")]) == 0
    capsys.readouterr()
    from distributed.diagnostics.plugin import SchedulerPlugin

    class Finished(SchedulerPlugin):
        """Records (task key, worker) of every task the workers finish."""

        def __init__(self):
            self.done = []

        def transition(self, key, start, finish, *args, **kwargs):
            if finish == "memory":
                self.done.append((str(key), kwargs.get("worker")))

    finished = Finished()
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False,
                                  dashboard_address=None) as cluster:
        cluster.scheduler.add_plugin(finished)
        assert main(argv + ["--scheduler", cluster.scheduler_address,
                            "--out", str(labelled / "remote")]) == 0
        workers = set(cluster.scheduler.workers)
    captured = capsys.readouterr()
    ran = [(key, worker) for key, worker in finished.done if "evaluate_instance" in key]
    assert ran and {worker for _, worker in ran} <= workers  # the workers did the work
    assert f"on the Dask cluster at {cluster.scheduler_address} (2 workers)" in captured.out
    assert "instances: 100%" in captured.err and re.search(r"\[\d\d:\d\d<", captured.err)
    local, remote = (json.loads((labelled / d / "tune_result.json").read_text())
                     for d in ("local", "remote"))
    local.pop("timings")
    remote.pop("timings")
    assert local == remote


# -- the user guide, as written --------------------------------------------------------------

def guide_blocks():
    """(language, code) of the code blocks of the guide's "Tune on your own data" section."""
    text = (REPO / "docs" / "user_guide.md").read_text()
    start = text.index("Tune on your own data")
    end = text.find("\n## ", start)
    section = text[start:] if end < 0 else text[start:end]
    return re.findall(r"```(\w+)\n(.*?)```", section, flags=re.S)


@pytest.mark.slow
def test_user_guide_own_data_section_runs_as_written(tmp_path):
    """Every python and bash block of the section, in order, in an empty folder, with
    ``dalgo`` on the PATH running this checkout. ``JOBLIB_MULTIPROCESSING=0`` runs
    ``--jobs 2`` in one process (the results do not depend on it; starting worker
    processes would double the time of these tiny runs)."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    shim = bin_dir / "dalgo"
    shim.write_text(f"#!/bin/sh\nexec {shlex.quote(sys.executable)} -m dalgo.cli \"$@\"\n")
    shim.chmod(0o755)
    work = tmp_path / "work"
    work.mkdir()
    env = {**os.environ, "JOBLIB_MULTIPROCESSING": "0",
           "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
           "PYTHONPATH": os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")]),
           "MPLBACKEND": "Agg"}
    blocks = [(lang, code) for lang, code in guide_blocks() if lang in ("python", "bash")]
    assert [lang for lang, _ in blocks].count("bash") >= 4
    outputs = []
    for lang, code in blocks:
        cmd = [sys.executable, "-c", code] if lang == "python" else ["bash", "-e", "-c", code]
        proc = subprocess.run(cmd, cwd=work, env=env, capture_output=True, text=True,
                              timeout=300)
        assert proc.returncode == 0, f"{lang} block failed:\n{code}\n{proc.stderr}"
        outputs.append(proc.stdout + proc.stderr)
    log = "\n".join(outputs)
    # 1. tune on labelled CSV files
    result = TuneResult.from_json(work / "tuned" / "tune_result.json")
    assert result.n_train == 6 and result.n_test == 2 and result.config["loss"] == "hamming"
    assert (work / "tuned" / "tune_curves.png").stat().st_size > 1000
    # 3. cluster a new file: one label per row
    labels = pd.read_csv(work / "new_labels.csv")
    assert list(labels.columns) == ["label"] and len(labels) == 60
    assert len(pd.read_csv(work / "new_centers.csv")) == 3
    assert "objective: " in log
    # unlabelled .npy with an objective loss
    assert json.loads((work / "tuned-kmeans" / "tune_result.json").read_text())[
        "config"]["loss"] == "kmeans"
    # the broken file: one line, exit status 2, nothing written
    assert ("dalgo: error: my_instances/broken.csv: missing value (empty or NaN) at line 3, "
            "column 'x2'\n") in log
    assert "exit status 2" in log
    assert not (work / "tuned-again").exists()
    # and the guide shows what the commands print
    text = (REPO / "docs" / "user_guide.md").read_text()
    assert "dalgo: error: my_instances/broken.csv: missing value (empty or NaN) at line 3, " \
           "column 'x2'" in text
