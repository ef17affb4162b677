"""Every JSON file dalgo writes: one spelling of infinity, strict JSON, atomic writes.

JSON has no infinity and no NaN. dalgo writes ``±inf`` as the strings ``"inf"`` and
``"-inf"`` and NaN as ``null``, in every file (tuning results, the per-instance cache,
experiment outputs); :func:`decode_float` reads them back (and also accepts the
non-standard ``Infinity`` that Python's :mod:`json` writes by default). Files are written
to a temporary name and renamed into place, so an interruption never leaves half a file.

Long float arrays (the curves of a tuning result) go beside the JSON in a NumPy ``.npz``
file (:func:`write_arrays`): exact float64 (∞ as IEEE ∞), compressed, and byte-for-byte
the same for the same arrays, so the JSON can name it by its SHA-256.
"""

import hashlib
import io
import json
import math
import os
import zipfile
from pathlib import Path

import numpy as np

__all__ = ["decode_float", "dumps", "encode_float", "read_arrays", "read_json", "to_jsonable",
           "write_arrays", "write_atomic", "write_json"]


def encode_float(x):
    """``x`` as a JSON value: a float, ``"inf"``/``"-inf"``, or None for NaN.

    Examples
    --------
    >>> encode_float(float("inf")), encode_float(2.5), encode_float(float("nan"))
    ('inf', 2.5, None)
    """
    x = float(x)
    if math.isnan(x):
        return None
    if math.isinf(x):
        return "inf" if x > 0 else "-inf"
    return x


def decode_float(v):
    """The float a JSON value written by :func:`encode_float` stands for.

    Examples
    --------
    >>> decode_float("inf"), decode_float(None), decode_float(3), decode_float("2.0")
    (inf, nan, 3.0, 2.0)
    """
    if v is None:
        return float("nan")
    if isinstance(v, str):
        text = v.strip().lower()
        if text in ("inf", "+inf", "infinity", "+infinity"):
            return float("inf")
        if text in ("-inf", "-infinity"):
            return float("-inf")
        try:  # a number written as a string, e.g. a β key "2.0"
            return float(text)
        except ValueError:
            raise ValueError(f"not a number in a dalgo JSON file: {v!r}") from None
    return float(v)


def to_jsonable(obj):
    """``obj`` with floats encoded by :func:`encode_float`, numpy values turned into Python
    ones, tuples into lists and dict keys into strings (recursively).

    Examples
    --------
    >>> to_jsonable({"a": (1.0, np.inf), 2: np.float64("nan")})
    {'a': [1.0, 'inf'], '2': None}
    """
    if isinstance(obj, dict):
        return {str(k): to_jsonable(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [to_jsonable(v) for v in obj]
    if isinstance(obj, np.ndarray):
        return [to_jsonable(v) for v in obj.tolist()]
    if isinstance(obj, (bool, np.bool_)):
        return bool(obj)
    if isinstance(obj, (int, np.integer)):
        return int(obj)
    if isinstance(obj, (float, np.floating)):
        return encode_float(obj)
    if obj is None or isinstance(obj, str):
        return obj
    if isinstance(obj, Path):
        return str(obj)
    raise TypeError(f"cannot write a {type(obj).__name__} to JSON: {obj!r}")


def dumps(obj, *, indent=None, sort_keys=False):
    """Strict JSON text of :func:`to_jsonable` (``obj``)."""
    return json.dumps(to_jsonable(obj), indent=indent, sort_keys=sort_keys, allow_nan=False)


def write_json(path, obj, *, indent=1, sort_keys=False):
    """Write ``obj`` as strict JSON to ``path`` atomically (parent folders are created).

    Returns the path.
    """
    text = dumps(obj, indent=indent, sort_keys=sort_keys)
    return write_atomic(path, lambda tmp: tmp.write_text(text))


def write_atomic(path, write):
    """Write ``path`` all at once: ``write(tmp)`` fills a temporary file beside it, which is
    then renamed into place (parent folders are created). If ``write`` fails, ``path`` is
    untouched and no temporary file is left. The one atomic-write rule of dalgo's outputs.

    Returns the path.

    Examples
    --------
    >>> import tempfile
    >>> out = Path(tempfile.mkdtemp()) / "a" / "note.txt"
    >>> write_atomic(out, lambda tmp: tmp.write_text("done")).read_text()
    'done'
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f"{path.name}.tmp{os.getpid()}")
    try:
        write(tmp)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return path


def read_json(path):
    """The parsed JSON document at ``path`` (floats left as written; see :func:`decode_float`).

    Raises
    ------
    ValueError
        Naming the file, if it is not valid JSON.
    """
    path = Path(path)
    try:
        return json.loads(path.read_text())
    except json.JSONDecodeError as exc:
        raise ValueError(f"{path} is not valid JSON: {exc}") from None


def write_arrays(path, arrays):
    """Write ``{name: array}`` to ``path`` as a compressed ``.npz``, atomically.

    The bytes depend only on the arrays (fixed zip timestamps, names in the given order),
    so equal arrays give equal files. ``np.load(path)`` reads it (no pickles). Returns the
    file's SHA-256 (hex).
    """
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, arr in arrays.items():
            info = zipfile.ZipInfo(f"{name}.npy", date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            with zf.open(info, "w", force_zip64=True) as fh:
                np.lib.format.write_array(fh, np.ascontiguousarray(arr), allow_pickle=False)
    data = buf.getvalue()
    write_atomic(path, lambda tmp: tmp.write_bytes(data))
    return hashlib.sha256(data).hexdigest()


def read_arrays(path, sha256=None):
    """The ``{name: array}`` of :func:`write_arrays`; with ``sha256``, check the file first.

    Raises
    ------
    FileNotFoundError
        If ``path`` does not exist.
    ValueError
        Naming the file, if its checksum differs from ``sha256`` or it is not an ``.npz``.
    """
    path = Path(path)
    data = path.read_bytes()
    if sha256 is not None and hashlib.sha256(data).hexdigest() != sha256:
        raise ValueError(f"{path} does not match the checksum its JSON file records: it was "
                         "changed or belongs to another result.")
    try:
        with np.load(io.BytesIO(data), allow_pickle=False) as npz:
            return {name: npz[name] for name in npz.files}
    except (OSError, ValueError, zipfile.BadZipFile) as exc:
        raise ValueError(f"{path} is not a dalgo array file: {exc}") from None
