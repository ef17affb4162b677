"""Summary statistics dalgo reports: a mean with its standard error, and paired differences."""

import numpy as np

__all__ = ["mean_se", "paired_mean_se"]


def mean_se(values, axis=None):
    """Mean and standard error of the mean (``std(ddof=1) / sqrt(n)``; NaN for one value).

    With ``axis``, arrays of means and standard errors along that axis.

    Examples
    --------
    >>> mean_se([1.0, 2.0, 3.0])
    (2.0, 0.5773502691896258)
    >>> mean_se([[1.0, 2.0], [3.0, 2.0]], axis=0)
    (array([2., 2.]), array([1., 0.]))
    """
    values = np.asarray(values, dtype=np.float64)
    if axis is None:
        values = values.ravel()
        axis = 0
    n = values.shape[axis] if values.ndim else 0
    if n == 0:
        raise ValueError("mean_se needs at least one value.")
    mean = values.mean(axis=axis)
    if n > 1:
        se = values.std(axis=axis, ddof=1) / np.sqrt(n)
    else:
        se = np.full_like(mean, np.nan)
    if np.ndim(mean) == 0:
        return float(mean), float(se)
    return mean, se


def paired_mean_se(a, b):
    """Mean and standard error of ``a - b`` over paired samples (same instances, same z).

    Examples
    --------
    >>> paired_mean_se([0.2, 0.3, 0.4], [0.1, 0.3, 0.2])
    (0.10000000000000002, 0.05773502691896258)
    """
    a = np.asarray(a, dtype=np.float64).ravel()
    b = np.asarray(b, dtype=np.float64).ravel()
    if a.shape != b.shape:
        raise ValueError(f"paired samples need equal lengths; got {a.size} and {b.size}.")
    return mean_se(a - b)
