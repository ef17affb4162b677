"""Input validation shared by the public functions (done once, at the boundary).

One exception policy: a bad parameter value or type raises
:class:`InvalidParameterError`, which is both a :class:`ValueError` and a
:class:`TypeError` (as scikit-learn's ``InvalidParameterError``), so callers may
catch either; the message names the parameter and the value.  Bad data (NaN,
wrong shape, too few distinct points) raises :class:`ValueError`.
"""

import numbers

import numpy as np
from sklearn.utils import check_array

__all__ = [
    "CENTERS",
    "InvalidParameterError",
    "check_alpha",
    "check_beta",
    "check_center",
    "check_enough_distinct",
    "check_n_clusters",
    "check_nonnegative_int",
    "check_points",
    "check_positive_int",
    "check_probability",
    "check_sample_weight",
    "check_z",
    "count_distinct_rows",
    "n_clusters_from_labels",
]

CENTERS = ("euclidean", "medoid")


class InvalidParameterError(ValueError, TypeError):
    """A parameter has a wrong value or type.

    Both a :class:`ValueError` and a :class:`TypeError`, so code written for
    either keeps working whichever of the two a check used to raise.

    Examples
    --------
    >>> from dalgo import InvalidParameterError
    >>> issubclass(InvalidParameterError, ValueError), issubclass(InvalidParameterError, TypeError)
    (True, True)
    """


def check_positive_int(value, name, *, minimum=1, allow_none=False):
    """``value`` as an int >= ``minimum``; booleans and non-integers are refused.

    Examples
    --------
    >>> check_positive_int(3, "max_iter")
    3
    >>> check_positive_int(0, "max_iter")
    Traceback (most recent call last):
    ...
    dalgo._validation.InvalidParameterError: max_iter must be an integer >= 1; got 0.
    """
    if allow_none and value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise InvalidParameterError(
            f"{name} must be an integer >= {minimum}; got {value!r}."
        )
    if value < minimum:
        raise InvalidParameterError(f"{name} must be an integer >= {minimum}; got {value}.")
    return int(value)


def check_nonnegative_int(value, name, *, allow_none=False):
    """``value`` as an int >= 0."""
    return check_positive_int(value, name, minimum=0, allow_none=allow_none)


def check_probability(value, name, *, open_low=True, open_high=True):
    """``value`` as a float in (0, 1) (ends included where ``open_*`` is False)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise InvalidParameterError(f"{name} must be a real number in (0, 1); got {value!r}.")
    v = float(value)
    low_ok = v > 0 if open_low else v >= 0
    high_ok = v < 1 if open_high else v <= 1
    if not (np.isfinite(v) and low_ok and high_ok):
        lo, hi = "(" if open_low else "[", ")" if open_high else "]"
        raise InvalidParameterError(f"{name} must lie in {lo}0, 1{hi}; got {value!r}.")
    return v


def n_clusters_from_labels(y):
    """The default number of clusters for labels ``y``: its distinct labels >= 0.

    This is dalgo's one rule for "the default k": negative labels (the
    clustering benchmark suite and DBSCAN write noise as -1) mark points that
    belong to no cluster, so they do not count as a cluster of their own.

    Examples
    --------
    >>> n_clusters_from_labels([0, 1, 1, -1, 2])
    3
    """
    y = np.asarray(y)
    if y.ndim != 1:
        raise ValueError(f"labels must be 1-D; got shape {y.shape}.")
    k = int(np.unique(y[y >= 0]).size) if y.dtype.kind in "iuf" else int(np.unique(y).size)
    if k < 1:
        raise ValueError("labels have no non-negative label: cannot infer n_clusters; give it.")
    return k


def check_points(X, *, name="X", min_samples=1, ensure_all_finite=True):
    """Return ``X`` as a C-contiguous float64 2-D array with finite values.

    Raises ``TypeError`` for object/complex/string arrays and ``ValueError`` for
    empty input, NaN or inf, naming the problem.  ``ensure_all_finite=False``
    skips the NaN/inf pass over the data, for a caller that detects non-finite
    values on its own first pass and then calls this again for the error.
    """
    arr = np.asarray(X) if not hasattr(X, "toarray") else X
    if hasattr(arr, "dtype") and arr.dtype.kind in "OUSVc":
        raise TypeError(
            f"{name} must hold real numbers; got an array of dtype {arr.dtype}."
        )
    try:
        out = check_array(
            X,
            dtype=np.float64,
            order="C",
            ensure_all_finite=ensure_all_finite,
            ensure_min_samples=min_samples,
            input_name=name,
        )
    except ValueError as exc:
        raise ValueError(f"invalid {name}: {exc}") from None
    return out


def check_n_clusters(n_clusters, n_samples=None):
    if isinstance(n_clusters, bool) or not isinstance(n_clusters, numbers.Integral):
        raise InvalidParameterError(f"n_clusters must be an integer; got {n_clusters!r}.")
    if n_clusters < 1:
        raise InvalidParameterError(f"n_clusters must be >= 1; got {n_clusters}.")
    if n_samples is not None and n_clusters > n_samples:
        raise ValueError(
            f"n_clusters={n_clusters} is larger than the number of samples "
            f"({n_samples})."
        )
    return int(n_clusters)


def check_alpha(alpha):
    if isinstance(alpha, bool) or not isinstance(alpha, numbers.Real):
        raise InvalidParameterError(f"alpha must be a real number or np.inf; got {alpha!r}.")
    alpha = float(alpha)
    if np.isnan(alpha) or alpha < 0:
        raise InvalidParameterError(f"alpha must be >= 0 (np.inf allowed); got {alpha}.")
    return alpha


def check_beta(beta):
    if isinstance(beta, bool) or not isinstance(beta, numbers.Real):
        raise InvalidParameterError(f"beta must be a real number or np.inf; got {beta!r}.")
    beta = float(beta)
    if np.isnan(beta) or beta < 1:
        raise InvalidParameterError(f"beta must be >= 1 (np.inf allowed); got {beta}.")
    return beta


def check_center(center):
    if center not in CENTERS:
        raise InvalidParameterError(f"center must be one of {CENTERS}; got {center!r}.")
    return center


def check_z(z, n_clusters):
    """``z`` as float64 of shape ``(n_clusters,)`` with values in [0, 1)."""
    try:
        z = np.asarray(z, dtype=np.float64)
    except (TypeError, ValueError):
        raise TypeError(f"z must be an array of floats; got {z!r}.") from None
    if z.shape != (n_clusters,):
        raise ValueError(
            f"z must have shape ({n_clusters},) (one uniform draw per centre); "
            f"got shape {z.shape}."
        )
    if not np.all(np.isfinite(z)) or np.any(z < 0) or np.any(z >= 1):
        raise ValueError(f"z must lie in [0, 1); got {z}.")
    return np.ascontiguousarray(z)


def check_sample_weight(sample_weight, n_samples):
    if sample_weight is None:
        return np.ones(n_samples, dtype=np.float64)
    w = np.asarray(sample_weight)
    if w.dtype.kind in "OUSVc":
        raise TypeError(f"sample_weight must be numeric; got dtype {w.dtype}.")
    w = np.ascontiguousarray(w, dtype=np.float64)
    if w.ndim == 0:
        return np.full(n_samples, float(w))
    if w.shape != (n_samples,):
        raise ValueError(
            f"sample_weight must have shape ({n_samples},); got {w.shape}."
        )
    if not np.all(np.isfinite(w)) or np.any(w < 0):
        raise ValueError("sample_weight must be finite and non-negative.")
    if not np.any(w > 0):
        raise ValueError("sample_weight is zero everywhere: at least one weight must be positive.")
    return w


def count_distinct_rows(X):
    """Number of distinct rows of ``X``."""
    return np.unique(X, axis=0).shape[0]


def check_enough_distinct(X, n_clusters):
    n_distinct = count_distinct_rows(X)
    if n_distinct < n_clusters:
        raise ValueError(
            f"n_clusters={n_clusters} is larger than the number of distinct points "
            f"in X ({n_distinct}); seeding needs {n_clusters} distinct points."
        )
