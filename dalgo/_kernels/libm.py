"""``exp`` and ``log`` of the C math library, called by the kernels without the wrappers.

numba lowers ``np.exp`` / ``np.log`` of a float to LLVM's intrinsics, which reach glibc's
``exp`` / ``log`` through numba's helper and the oldest versioned symbols llvmlite was linked
against (``exp@GLIBC_2.2.5``). Those, and glibc's current ``exp@@GLIBC_2.29`` too, are
wrappers: they check the result in order to set ``errno`` and then call the implementation,
``__ieee754_exp`` / ``__ieee754_log``. A digits execution tree spends about a third of its
time in ``exp`` and ``log``, and a third of that in the wrappers and their call stubs
(``docs/benchmarks.md``).

This module binds, under private names (``dalgo_exp``, ``dalgo_log``: every other numba
user's ``exp`` is left alone), the first of

1. glibc's ``__exp_finite`` / ``__log_finite`` (exported for binary compatibility since
   glibc 2.15: the implementation itself, without the ``errno`` check);
2. the math library's default ``exp`` / ``log``;

and exposes them as numba external functions :data:`exp` and :data:`log`. All of these run
the same implementation as numba's ``np.exp`` / ``np.log`` on the same machine, so the values
are the same bit for bit (the tests compare them on over a million arguments, the special values
included) and no cached result changes. Where no math library can be opened by name (e.g.
Windows), :data:`exp` and :data:`log` are jitted calls of ``np.exp`` / ``np.log``.

Call them with float64 arguments only (an external function has one signature).
"""

import ctypes
import ctypes.util

import numpy as np
from numba import njit, types

__all__ = ["SOURCE", "exp", "log"]

#: glibc versions under which ``__exp_finite`` / ``__log_finite`` were first exported
#: (x86_64 and most others: 2.15; architectures added later: their first version).
_FINITE_VERSIONS = (b"GLIBC_2.15", b"GLIBC_2.17", b"GLIBC_2.18", b"GLIBC_2.27")


def _open_libm():
    path = ctypes.util.find_library("m")
    if path is None:
        return None
    try:
        return ctypes.CDLL(path)
    except OSError:
        return None


def _finite_address(libm, name):
    """Address of glibc's ``__<name>_finite``, or None where there is no such symbol."""
    try:
        dlvsym = ctypes.CDLL(None).dlvsym
    except (OSError, AttributeError, TypeError):
        return None
    dlvsym.restype = ctypes.c_void_p
    dlvsym.argtypes = (ctypes.c_void_p, ctypes.c_char_p, ctypes.c_char_p)
    for version in _FINITE_VERSIONS:
        address = dlvsym(libm._handle, f"__{name}_finite".encode(), version)
        if address:
            return address
    return None


def _default_address(libm, name):
    try:
        return ctypes.cast(getattr(libm, name), ctypes.c_void_p).value
    except AttributeError:
        return None


def _addresses():
    """``(source, {name: address})`` for ``exp`` and ``log``, or ``(None, None)``."""
    libm = _open_libm()
    if libm is None:
        return None, None
    for source, find in (("glibc __exp_finite / __log_finite", _finite_address),
                         ("libm exp / log", _default_address)):
        found = {name: find(libm, name) for name in ("exp", "log")}
        if all(found.values()):
            return source, found
    return None, None


@njit(cache=True, nogil=True, inline="always")
def _np_exp(x):
    return np.exp(x)


@njit(cache=True, nogil=True, inline="always")
def _np_log(x):
    return np.log(x)


def _bind():
    import llvmlite.binding as llvm

    source, found = _addresses()
    if source is None:
        return "numba np.exp / np.log", _np_exp, _np_log
    bound = []
    for name, address in found.items():
        llvm.add_symbol(f"dalgo_{name}", address)
        bound.append(types.ExternalFunction(f"dalgo_{name}", types.float64(types.float64)))
    return (source, *bound)


#: Which functions :data:`exp` and :data:`log` call (reported by the benchmarks).
SOURCE, exp, log = _bind()
