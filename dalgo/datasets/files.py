"""The user's own files: one file = one clustering instance, or one labelled table.

Formats, chosen by the file's suffix (case-insensitive):

* ``.npz`` — an array ``X`` of shape (n_samples, n_features) and optionally ``y`` (integer
  labels), as written by ``np.savez(path, X=X, y=y)``; read with ``allow_pickle=False``.
* ``.npy`` — ``X`` alone (no labels).
* ``.csv`` / ``.tsv`` — a table read by pandas. The first row names the columns (if every
  entry of the first row is a number, the file has no header and the columns are named
  ``"0"``, ``"1"``, …). ``label_column`` names the column of labels (integers, or any text:
  class names are numbered in sorted order); every other column is a feature and must be
  numeric.
* ``.parquet`` — the same as a table, read by pandas with pyarrow.

pandas (and pyarrow for parquet) are imported only when a table is read; without them the
error says what to install.

Every problem with a file raises :class:`InstanceFileError` (a :class:`ValueError`) whose
message starts with the file's path and says where in the file it is (line and column for
text tables, ``X[row, column]`` for arrays): an unreadable file, NaN or inf, a ragged table,
non-numeric feature columns (all named), a missing label, fewer distinct points than k, an
instance whose k differs from the others, an empty folder. A missing path raises
:class:`FileNotFoundError`. Nothing is computed before every file has been read and checked.

Examples
--------
>>> import tempfile, pathlib
>>> import numpy as np
>>> from dalgo.datasets.files import read_instances, read_table
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> rng = np.random.default_rng(0)
>>> for i in range(3):
...     X = np.concatenate([rng.normal(c, 0.5, size=(10, 2)) for c in (0, 5, 10)])
...     np.savez(folder / f"run{i}.npz", X=X, y=np.repeat([0, 1, 2], 10))
>>> X, y = read_table(folder / "run0.npz")
>>> X.shape, np.bincount(y).tolist()
((30, 2), [10, 10, 10])
>>> items = read_instances([folder])
>>> [(pathlib.Path(it.name).name, it.n_clusters) for it in items]
[('run0.npz', 3), ('run1.npz', 3), ('run2.npz', 3)]
"""

from __future__ import annotations

import csv
import glob
import re
import zipfile
from pathlib import Path
from typing import NamedTuple

import numpy as np

from .._validation import check_positive_int, count_distinct_rows, n_clusters_from_labels
from .dataset import Dataset

__all__ = [
    "INSTANCE_SUFFIXES",
    "InstanceFile",
    "InstanceFileError",
    "check_instance_file",
    "expand_paths",
    "load_table_dataset",
    "read_instances",
    "read_table",
]

#: The file types dalgo reads as instances or tables.
INSTANCE_SUFFIXES = (".npz", ".npy", ".csv", ".tsv", ".parquet")
_TABLE_SUFFIXES = (".csv", ".tsv", ".parquet")
_GLOB_CHARS = "*?["


class InstanceFileError(ValueError):
    """A file cannot be used as an instance or a table; the message names the file.

    Attributes
    ----------
    path : str
        The offending file (or folder, or pattern).
    problem : str
        What is wrong, in one line.
    """

    def __init__(self, path, problem):
        self.path = str(path)
        self.problem = " ".join(str(problem).split())  # one line
        super().__init__(f"{path}: {self.problem}")

    def __reduce__(self):  # picklable, e.g. across joblib workers
        return (type(self), (self.path, self.problem))


class InstanceFile(NamedTuple):
    """One instance read from a file: what :class:`dalgo.FixedInstances` takes as an item.

    Attributes
    ----------
    X : ndarray of shape (n_samples, n_features)
        Finite float64 points.
    y : ndarray of shape (n_samples,) or None
        int64 labels (-1 and below mark noise), or None.
    n_clusters : int
        k: as asked for, else the number of distinct labels >= 0.
    name : str
        The file's path.
    """

    X: np.ndarray
    y: np.ndarray | None
    n_clusters: int
    name: str


def _suffix(path):
    return Path(path).suffix.lower()


def expand_paths(paths):
    """The instance files named by ``paths``: files, folders and glob patterns.

    Parameters
    ----------
    paths : str, path-like, or a sequence of them
        A file is taken as it is (it must have a suffix of :data:`INSTANCE_SUFFIXES`); a
        folder means every file in it with such a suffix (not its sub-folders; hidden files
        and other suffixes are skipped), sorted by name; a pattern with ``*``, ``?`` or
        ``[`` is expanded with :func:`glob.glob` (``**`` recurses), sorted.

    Returns
    -------
    list of Path
        In the order given (each folder and pattern sorted).

    Raises
    ------
    FileNotFoundError
        A path that does not exist.
    InstanceFileError
        An empty folder, a pattern that matches no instance file, an unsupported suffix, or
        a file named twice.

    Examples
    --------
    >>> expand_paths("no/such/folder")
    Traceback (most recent call last):
    ...
    FileNotFoundError: no/such/folder: no such file or folder
    """
    if isinstance(paths, (str, Path)):
        paths = [paths]
    paths = list(paths)
    if not paths:
        raise InstanceFileError("(no path)", "no instance files were given")
    found = []
    for p in paths:
        text = str(p)
        path = Path(p)
        if any(c in text for c in _GLOB_CHARS) and not path.exists():
            matches = [Path(m) for m in sorted(glob.glob(text, recursive=True))]
            files = [m for m in matches if m.is_file() and _suffix(m) in INSTANCE_SUFFIXES]
            if not files:
                raise InstanceFileError(text, "the pattern matches no instance file ("
                                        + ", ".join(INSTANCE_SUFFIXES) + ")")
            found.extend(files)
        elif path.is_dir():
            files = sorted(f for f in path.iterdir()
                           if f.is_file() and not f.name.startswith(".")
                           and _suffix(f) in INSTANCE_SUFFIXES)
            if not files:
                raise InstanceFileError(text, "the folder holds no instance file ("
                                        + ", ".join(INSTANCE_SUFFIXES) + ")")
            found.extend(files)
        elif path.exists():
            if _suffix(path) not in INSTANCE_SUFFIXES:
                raise InstanceFileError(text, f"unsupported file type {path.suffix!r}; dalgo "
                                        "reads " + ", ".join(INSTANCE_SUFFIXES))
            found.append(path)
        else:
            raise FileNotFoundError(f"{text}: no such file or folder")
    seen = {}
    for f in found:
        key = f.resolve()
        if key in seen:
            raise InstanceFileError(f, f"named twice (also as {seen[key]}); each file is one "
                                    "instance")
        seen[key] = f
    return found


# -- arrays ------------------------------------------------------------------------------

def _unreadable(path, kind, exc):
    if "pickle" in str(exc):
        return InstanceFileError(path, f"cannot read it as {kind}: not a NumPy file of numeric "
                                 "arrays (pickled objects are never loaded)")
    return InstanceFileError(path, f"cannot read it as {kind} ({exc})")


def _read_npz(path):
    try:
        archive = np.load(path, allow_pickle=False)
    except (OSError, ValueError, EOFError, zipfile.BadZipFile) as exc:
        raise _unreadable(path, ".npz", exc) from None
    if not isinstance(archive, np.lib.npyio.NpzFile):
        raise InstanceFileError(path, "not an .npz archive (a single array: name it .npy)")
    with archive:
        names = list(archive.files)
        if "X" not in names:
            raise InstanceFileError(path, f"no array 'X' in the archive (it holds {names}); "
                                    "write it with np.savez(path, X=X, y=y)")
        try:
            X = archive["X"]
            y = archive["y"] if "y" in names else None
        except (OSError, ValueError, EOFError, zipfile.BadZipFile) as exc:
            raise _unreadable(path, ".npz", exc) from None
    return X, y


def _read_npy(path):
    try:
        X = np.load(path, allow_pickle=False)
    except (OSError, ValueError, EOFError) as exc:
        raise _unreadable(path, ".npy", exc) from None
    if not isinstance(X, np.ndarray):
        raise InstanceFileError(path, "cannot read it as .npy (not a single array)")
    return X, None


def _check_array_X(path, X):
    if X.dtype.kind not in "biuf":
        raise InstanceFileError(path, f"X holds {X.dtype} values, not real numbers")
    if X.ndim != 2:
        hint = "; for one feature, save X.reshape(-1, 1)" if X.ndim == 1 else ""
        raise InstanceFileError(path, f"X must be 2-D (n_samples, n_features), got shape "
                                f"{X.shape}{hint}")
    if X.shape[0] == 0 or X.shape[1] == 0:
        raise InstanceFileError(path, f"X is empty (shape {X.shape})")
    X = np.ascontiguousarray(X, dtype=np.float64)
    bad = ~np.isfinite(X)
    if bad.any():
        r, c = np.argwhere(bad)[0]
        raise InstanceFileError(path, f"{int(bad.sum())} non-finite value(s) (NaN or inf) in "
                                f"X; the first is X[{r}, {c}] = {X[r, c]}")
    return X


def _labels_from_values(values, where_missing):
    """int64 labels from a 1-D array of numbers or text; ``where_missing(i)`` names row i."""
    values = np.asarray(values)
    if values.dtype.kind in "iub":
        return values.astype(np.int64)
    if values.dtype.kind == "f":
        missing = ~np.isfinite(values)
        if missing.any():
            raise where_missing(int(np.flatnonzero(missing)[0]))
        if np.all(values == np.round(values)):
            return values.astype(np.int64)
    # text (or fractional numbers): class names, numbered in sorted order
    as_text = values.astype(str) if values.dtype.kind != "O" else values
    missing = np.array([v is None or (isinstance(v, float) and v != v) for v in as_text])
    if missing.any():
        raise where_missing(int(np.flatnonzero(missing)[0]))
    _, codes = np.unique(np.asarray([str(v) for v in as_text]), return_inverse=True)
    return codes.astype(np.int64).reshape(-1)


def _check_array_y(path, y, n):
    if y is None:
        return None
    if y.ndim != 1 or y.shape[0] != n:
        raise InstanceFileError(path, f"y must have shape ({n},) to match X, got {y.shape}")

    def missing(i):
        return InstanceFileError(path, f"label y[{i}] is missing (NaN)")

    return _labels_from_values(y, missing)


# -- tables ------------------------------------------------------------------------------

def _pandas(path):
    try:
        import pandas
    except ImportError:
        raise InstanceFileError(path, "reading .csv, .tsv and .parquet files needs pandas: "
                                "pip install pandas (or 'dalgo[files]')") from None
    return pandas


def _is_number(text):
    try:
        float(str(text))
    except ValueError:
        return False
    return True


class _Table:
    """A table as read, with what is needed to point at a line of the file."""

    def __init__(self, path):
        self.path = Path(path)
        self.suffix = _suffix(path)
        self.sep = "\t" if self.suffix == ".tsv" else ","
        self.header = True
        self.frame = self._read()

    def _read(self):
        pd = _pandas(self.path)
        if self.suffix == ".parquet":
            try:
                import pyarrow  # noqa: F401
            except ImportError:
                raise InstanceFileError(self.path, "reading .parquet files needs pyarrow: "
                                        "pip install pyarrow") from None
            try:
                frame = pd.read_parquet(self.path)
            except (OSError, ValueError) as exc:
                raise InstanceFileError(self.path, f"cannot read it as parquet ({exc})") from None
            self.header = None
            frame.columns = [str(c) for c in frame.columns]
            return frame
        frame = self._read_text(pd, header="infer")
        if len(frame.columns) and all(_is_number(c) for c in frame.columns):
            # the first row is data: no header
            self.header = False
            frame = self._read_text(pd, header=None)
            frame.columns = [str(i) for i in range(frame.shape[1])]
        return frame

    def _read_text(self, pd, header):
        try:
            return pd.read_csv(self.path, sep=self.sep, header=header)
        except pd.errors.EmptyDataError:
            raise InstanceFileError(self.path, "the file is empty") from None
        except pd.errors.ParserError as exc:
            m = re.search(r"Expected (\d+) fields in line (\d+), saw (\d+)", str(exc))
            if m:
                expected, line, saw = m.groups()
                raise InstanceFileError(self.path, f"ragged table: line {line} has {saw} "
                                        f"fields, expected {expected} as in the first line"
                                        ) from None
            raise InstanceFileError(self.path, f"cannot parse the table ({exc})") from None
        except UnicodeDecodeError as exc:
            raise InstanceFileError(self.path, f"not a text table ({exc})") from None
        except (OSError, ValueError) as exc:
            raise InstanceFileError(self.path, f"cannot read it ({exc})") from None

    def where(self, row):
        """Where data row ``row`` (0-based) is: ``"line L"`` of a text file, else ``"row r"``;
        and whether that line has fewer fields than the table has columns."""
        if self.header is None:
            return f"row {row}", False
        with open(self.path, newline="", encoding="utf-8", errors="replace") as fh:
            reader = csv.reader(fh, delimiter=self.sep)
            data_row = -1 if self.header else 0
            for fields in reader:
                if not fields or (len(fields) == 1 and not fields[0].strip()):
                    continue  # pandas skips blank lines
                if data_row == row:
                    return f"line {reader.line_num}", len(fields) < self.frame.shape[1]
                data_row += 1
        return f"row {row}", False  # pragma: no cover - pandas and csv disagree

    def error_at(self, row, column, problem):
        where, short = self.where(row)
        if short:
            return InstanceFileError(self.path, f"ragged table: {where} has fewer fields "
                                     f"than the {self.frame.shape[1]} columns")
        return InstanceFileError(self.path, f"{problem} at {where}, column {column!r}")


def _split_table(table, label_column):
    frame = table.frame
    pd = _pandas(table.path)
    columns = [str(c) for c in frame.columns]
    frame.columns = columns
    if frame.shape[0] == 0:
        raise InstanceFileError(table.path, "the table has no rows")
    unnamed = [i for i, c in enumerate(columns) if table.header and re.fullmatch(
        r"Unnamed: \d+", c)]
    if unnamed:
        raise InstanceFileError(table.path, f"column {unnamed[0] + 1} has no name in the header "
                                "(a row index saved by DataFrame.to_csv? write it with "
                                "index=False); name the column or remove it")
    if label_column is not None:
        label_column = str(label_column)
        if label_column not in columns:
            raise InstanceFileError(table.path, f"no label column {label_column!r}; the "
                                    f"columns are {columns}")
    features = [c for c in columns if c != label_column]
    if not features:
        raise InstanceFileError(table.path, "no feature column (only the labels)")
    non_numeric = [c for c in features if not pd.api.types.is_numeric_dtype(frame[c])]
    if non_numeric:
        first = non_numeric[0]
        col = frame[first]
        coerced = pd.to_numeric(col, errors="coerce")
        bad = np.flatnonzero((coerced.isna() & col.notna()).to_numpy())
        example = ""
        if bad.size:
            where, _ = table.where(int(bad[0]))
            example = f" (e.g. {col.iloc[bad[0]]!r} at {where}, column {first!r})"
        hint = ("; name the label column (--label-column, label_column=) or remove them"
                if label_column is None else "; remove them or convert them to numbers")
        raise InstanceFileError(table.path, f"non-numeric feature column(s) "
                                f"{non_numeric}{example}{hint}")
    X = np.ascontiguousarray(frame[features].to_numpy(dtype=np.float64))
    bad = ~np.isfinite(X)
    if bad.any():
        r, c = np.argwhere(bad)[0]
        what = ("missing value (empty or NaN)" if np.isnan(X[r, c])
                else f"non-finite value {X[r, c]}")
        raise table.error_at(int(r), features[c], what)
    y = None
    if label_column is not None:
        col = frame[label_column]

        def missing(i):
            return table.error_at(i, label_column, "missing label")

        if col.isna().any():
            raise missing(int(np.flatnonzero(col.isna().to_numpy())[0]))
        y = _labels_from_values(col.to_numpy(), missing)
    return X, y, features


def read_table(path, label_column=None, *, return_feature_names=False):
    """Points and labels of one file (``.npz``, ``.npy``, ``.csv``, ``.tsv``, ``.parquet``).

    Parameters
    ----------
    path : str or path-like
    label_column : str, default=None
        For tables: the column holding the labels (integers, or text class names numbered in
        sorted order); every other column is a feature. None: no labels, every column is a
        feature. Arrays ignore it (``.npz`` keeps its labels in ``y``, ``.npy`` has none).
    return_feature_names : bool, default=False
        Also return the feature names (the table's columns; ``"x0"``, ``"x1"``, … for
        arrays).

    Returns
    -------
    X : ndarray of shape (n_samples, n_features)
        Finite float64 values, C-contiguous.
    y : ndarray of shape (n_samples,) or None
        int64 labels.
    feature_names : list of str
        Only with ``return_feature_names=True``.

    Raises
    ------
    FileNotFoundError
        The file does not exist.
    InstanceFileError
        Naming the file (and the line/row and column where it helps): unreadable, a suffix
        dalgo does not read, NaN or inf, a ragged table, non-numeric feature columns, a
        missing label or label column.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "points.csv"
    >>> _ = path.write_text("x,y,kind\\n0,0,a\\n0,1,a\\n5,5,b\\n")
    >>> X, y = read_table(path, label_column="kind")
    >>> X.tolist(), y.tolist()
    ([[0.0, 0.0], [0.0, 1.0], [5.0, 5.0]], [0, 0, 1])
    >>> _ = path.write_text("x,y\\n0,0\\n0,nan\\n")
    >>> try:
    ...     read_table(path)
    ... except ValueError as exc:
    ...     print(exc)  # doctest: +ELLIPSIS
    /.../points.csv: missing value (empty or NaN) at line 3, column 'y'
    """
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"{path}: no such file")
    if path.is_dir():
        raise InstanceFileError(path, "is a folder, not a file")
    suffix = _suffix(path)
    if suffix not in INSTANCE_SUFFIXES:
        raise InstanceFileError(path, f"unsupported file type {path.suffix!r}; dalgo reads "
                                + ", ".join(INSTANCE_SUFFIXES))
    if suffix in _TABLE_SUFFIXES:
        X, y, names = _split_table(_Table(path), label_column)
    else:
        X, y = _read_npz(path) if suffix == ".npz" else _read_npy(path)
        X = _check_array_X(path, X)
        y = _check_array_y(path, y, X.shape[0])
        names = [f"x{j}" for j in range(X.shape[1])]
    return (X, y, names) if return_feature_names else (X, y)


def read_instances(paths, *, label_column=None, n_clusters=None, needs_labels=False):
    """Read and check instance files; one file is one instance.

    Every file is read and checked before anything is returned, so a broken file stops the
    caller before any work.

    Parameters
    ----------
    paths : str, path-like, or a sequence of them
        Files, folders and glob patterns (:func:`expand_paths`).
    label_column : str, default=None
        The label column of tables (see :func:`read_table`).
    n_clusters : int, default=None
        k for every instance. None: each instance's number of distinct labels >= 0, which
        must then be the same for all.
    needs_labels : bool, default=False
        Every instance must have labels (the Hamming loss compares with them).

    Returns
    -------
    list of InstanceFile
        ``(X, y, n_clusters, name)`` per file, in the order of :func:`expand_paths`; a
        list that :class:`dalgo.FixedInstances` takes as it is.

    Raises
    ------
    FileNotFoundError, InstanceFileError
        The first problem found, naming its file: those of :func:`expand_paths` and
        :func:`read_table`, a file without labels when they are needed or when k must come
        from them, fewer distinct points than k, k different from the first file's.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> import numpy as np
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> np.save(folder / "a.npy", np.arange(8.0).reshape(4, 2))
    >>> np.save(folder / "b.npy", np.ones((4, 2)))
    >>> [it.n_clusters for it in read_instances(folder / "a.npy", n_clusters=2)]
    [2]
    >>> read_instances([folder], n_clusters=2)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    dalgo.datasets.files.InstanceFileError: .../b.npy: 1 distinct point(s), fewer than k=2
    """
    n_clusters = check_positive_int(n_clusters, "n_clusters", allow_none=True)
    files = expand_paths(paths)
    items = []
    first = None
    for f in files:
        X, y = read_table(f, label_column)
        k = check_instance_file(f, X, y, n_clusters, needs_labels=needs_labels)
        if first is None:
            first = (k, f)
        elif k != first[0]:
            raise InstanceFileError(f, f"k={k} (its distinct labels), but {first[1]} has "
                                    f"k={first[0]}; all instances must share k (give k "
                                    "with --k to cluster them all into k clusters)")
        items.append(InstanceFile(X, y, int(k), str(f)))
    return items


def check_instance_file(path, X, y, n_clusters=None, *, needs_labels=False):
    """The k of the instance read from ``path``, checked: the labels are there if needed
    and there are at least k distinct points.

    Parameters
    ----------
    path : str or path-like
        Named in the errors.
    X, y : what :func:`read_table` returned for it.
    n_clusters : int, default=None
        k. None: the number of distinct labels >= 0 (noise, -1, is not a cluster).
    needs_labels : bool, default=False
        The loss compares with labels (Hamming).

    Returns
    -------
    int

    Examples
    --------
    >>> check_instance_file("a.csv", np.zeros((3, 2)), None, 2)
    Traceback (most recent call last):
    ...
    dalgo.datasets.files.InstanceFileError: a.csv: 1 distinct point(s), fewer than k=2
    """
    if y is None and needs_labels:
        how = {".npy": "a .npy file holds X only: save X and y with np.savez",
               ".npz": "store the labels as the array y"}.get(
                   _suffix(path), "name the label column (--label-column)")
        raise InstanceFileError(path, "no labels, but the Hamming loss compares with labels; "
                                f"{how}, or use an objective loss (--loss kmeans, kmedian "
                                "or kcenter)")
    if n_clusters is None:
        if y is None:
            raise InstanceFileError(path, "no labels to take k from; give k (--k)")
        try:
            n_clusters = n_clusters_from_labels(y)
        except ValueError as exc:
            raise InstanceFileError(path, str(exc)) from None
    k = check_positive_int(n_clusters, "n_clusters")
    distinct = count_distinct_rows(X)
    if distinct < k:
        raise InstanceFileError(path, f"{distinct} distinct point(s), fewer than k={k}")
    return k


def load_table_dataset(path, label_column=None):
    """One labelled file as a :class:`~dalgo.datasets.Dataset`, to be cut into instances.

    Parameters
    ----------
    path : str or path-like
        ``.csv``, ``.tsv``, ``.parquet`` (with ``label_column``) or ``.npz`` (with ``y``).
    label_column : str, default=None
        The label column of a table (required for tables).

    Returns
    -------
    Dataset
        Named by the file's stem; the source path is in its description.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> import numpy as np
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "cells.npz"
    >>> np.savez(path, X=np.arange(12.0).reshape(6, 2), y=[0, 0, 1, 1, 2, 2])
    >>> load_table_dataset(path)
    Dataset(name='cells', n_samples=6, n_features=2, n_classes=3)
    """
    X, y = read_table(path, label_column)
    if y is None:
        how = ("name the label column (--label-column)" if _suffix(path) in _TABLE_SUFFIXES
               else "store the labels as y in an .npz file")
        raise InstanceFileError(path, f"no labels; a data set is cut into instances by class, "
                                f"so it needs them: {how}")
    return Dataset(X, y, name=Path(path).stem, description=f"read from {path}")
