"""Array copies for the kernels.

``dst[:] = src`` between two arrays makes numba compile its broadcasting check,
whose error message (shapes formatted into a string) costs about two seconds of
compilation the first time a kernel family is used: that is paid by every new
user's first run and by every fresh test process.  The copies here are plain
loops with no error path; the callers guarantee the shapes.
"""

from numba import njit


@njit(cache=True, nogil=True, inline="always")
def copy_into(dst, src):
    """``dst[i] = src[i]`` for every ``i`` of the 1-D ``dst`` (``src`` at least as long)."""
    for i in range(dst.shape[0]):
        dst[i] = src[i]


@njit(cache=True, nogil=True, inline="always")
def copy_rows_into(dst, src):
    """``dst[r, f] = src[r, f]`` for every row ``r`` and column ``f`` of the 2-D ``dst``."""
    for r in range(dst.shape[0]):
        for f in range(dst.shape[1]):
            dst[r, f] = src[r, f]
