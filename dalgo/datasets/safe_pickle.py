"""One restricted unpickler for every pickle dalgo reads (CIFAR-10 batches, NAS tables).

``pickle.load`` on a user's file can run any code. :func:`safe_load` resolves only the
globals that plain data needs — numpy's array reconstruction (``_reconstruct``,
``_frombuffer``), ``numpy.ndarray``, numeric ``numpy.dtype`` and numeric numpy scalars, and
``_codecs.encode`` restricted to str → latin-1 (protocol-2 pickles written by Python 3 encode
bytes through it). Containers, str, bytes, int, float, bool and None need no global. Anything
else, e.g. ``os.system``, raises :class:`pickle.UnpicklingError` naming the global.
"""

from __future__ import annotations

import io
import pickle
from pathlib import Path

import numpy as np

__all__ = ["ALLOWED_GLOBALS", "safe_load", "safe_loads"]

_NP_RECONSTRUCT = np.ndarray.__reduce__(np.zeros(1))[0]
_NP_FROMBUFFER = np.zeros(1).__reduce_ex__(5)[0]
_NUMERIC_KINDS = "biuf"


def _latin1_encode(obj, encoding="latin1", errors="strict"):
    """The only use of ``_codecs.encode`` that pickle protocol < 3 makes: str → latin-1."""
    normalized = str(encoding).lower().replace("-", "").replace("_", "")
    if not isinstance(obj, str) or normalized not in ("latin1", "iso88591"):
        raise pickle.UnpicklingError(
            f"refusing _codecs.encode({type(obj).__name__}, {encoding!r}): only str → latin-1 "
            "is allowed"
        )
    return obj.encode("latin-1", errors="strict")


def _numeric_dtype(obj, align=False, copy=False):
    dt = np.dtype(obj)
    if dt.kind not in _NUMERIC_KINDS:
        raise pickle.UnpicklingError(f"dtype {dt} is not allowed in a data file")
    return np.dtype(obj, align, copy)


def _numeric_scalar(dtype, data=None):
    if not isinstance(dtype, np.dtype) or dtype.kind not in _NUMERIC_KINDS or not isinstance(
            data, bytes):
        raise pickle.UnpicklingError("only numeric numpy scalars are allowed in a data file")
    return np.frombuffer(data, dtype=dtype, count=1)[0]


class _DataUnpickler(pickle.Unpickler):
    _ALLOWED = {
        ("numpy.core.multiarray", "_reconstruct"): _NP_RECONSTRUCT,
        ("numpy._core.multiarray", "_reconstruct"): _NP_RECONSTRUCT,
        ("numpy.core.numeric", "_frombuffer"): _NP_FROMBUFFER,
        ("numpy._core.numeric", "_frombuffer"): _NP_FROMBUFFER,
        ("numpy.core.multiarray", "scalar"): _numeric_scalar,
        ("numpy._core.multiarray", "scalar"): _numeric_scalar,
        ("numpy", "ndarray"): np.ndarray,
        ("numpy", "dtype"): _numeric_dtype,
        ("_codecs", "encode"): _latin1_encode,
    }

    def find_class(self, module, name):
        found = self._ALLOWED.get((module, name))
        if found is None:
            raise pickle.UnpicklingError(
                f"refusing to load global {module}.{name}: a data file may hold only "
                "containers, numbers, strings and numeric numpy arrays (restricted unpickler)"
            )
        return found


#: The (module, name) globals a data file may refer to.
ALLOWED_GLOBALS = frozenset(_DataUnpickler._ALLOWED)


def safe_loads(data: bytes, *, encoding="ASCII"):
    """Unpickle ``data`` with the restricted unpickler.

    Parameters
    ----------
    data : bytes
    encoding : str, default="ASCII"
        How Python 2 ``str`` objects are decoded; ``"bytes"`` keeps them as bytes (the
        CIFAR-10 python batches).

    Raises
    ------
    pickle.UnpicklingError
        For a forbidden global or a malformed stream.

    Examples
    --------
    >>> import pickle, numpy as np
    >>> safe_loads(pickle.dumps({"a": np.arange(3)}))["a"]
    array([0, 1, 2])
    >>> safe_loads(pickle.dumps(print))
    Traceback (most recent call last):
    ...
    _pickle.UnpicklingError: refusing to load global builtins.print: a data file may hold \
only containers, numbers, strings and numeric numpy arrays (restricted unpickler)
    """
    try:
        return _DataUnpickler(io.BytesIO(data), encoding=encoding).load()
    except pickle.UnpicklingError:
        raise
    except Exception as exc:  # malformed stream: EOFError, ValueError, TypeError, ...
        raise pickle.UnpicklingError(f"malformed pickle ({type(exc).__name__}: {exc})") from exc


def safe_load(path, *, encoding="ASCII"):
    """:func:`safe_loads` on the contents of the file ``path`` (gzip is detected).

    Errors name the file.
    """
    from .paths import read_bytes

    try:
        return safe_loads(read_bytes(Path(path)), encoding=encoding)
    except pickle.UnpicklingError as exc:
        raise pickle.UnpicklingError(f"{path}: {exc}") from None
