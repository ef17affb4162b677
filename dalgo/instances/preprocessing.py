"""Preprocessing applied once to a whole data set before instances are drawn from it.

:func:`scale_data` (min-max to [0, 1], division by a constant, per-feature standardisation)
and :func:`pca_transform` (projection on the first principal components, the same numbers as
scikit-learn's ``PCA(svd_solver="full")`` or ``"covariance_eigh"``, computed with numpy's
LAPACK routines directly).
"""

from __future__ import annotations

import numbers

import numpy as np

from .._validation import InvalidParameterError, check_positive_int

__all__ = ["PCA_SOLVERS", "SCALES", "check_pca_solver", "check_scale", "pca_transform",
           "scale_data"]

#: Accepted values of ``scale``.
SCALES = (None, "minmax", "unit", "standard")

#: Accepted values of ``pca_solver``.
PCA_SOLVERS = ("full", "covariance_eigh")


def check_scale(scale, scale_max=None):
    """Validate ``scale`` (one of :data:`SCALES`) and ``scale_max`` (positive, finite)."""
    if scale not in SCALES:
        raise InvalidParameterError(f"scale must be one of {SCALES}, got {scale!r}")
    if scale_max is not None and (
            isinstance(scale_max, bool) or not isinstance(scale_max, numbers.Real)
            or not np.isfinite(scale_max) or scale_max <= 0):
        raise InvalidParameterError(
            f"scale_max must be a positive finite number, got {scale_max!r}")
    return scale, scale_max


def check_pca_solver(solver):
    """Validate ``solver`` (one of :data:`PCA_SOLVERS`)."""
    if solver not in PCA_SOLVERS:
        raise InvalidParameterError(
            f"pca_solver must be 'full' or 'covariance_eigh', got {solver!r}")
    return solver


def scale_data(X, scale=None, scale_max=None) -> np.ndarray:
    """``X`` scaled as a whole.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
    scale : {None, "minmax", "unit", "standard"}, default=None
        None: ``X`` itself. ``"minmax"``: ``(X - min) / (max - min)`` with the *global* min
        and max (pixels → [0, 1]); ``"unit"``: ``X / scale_max`` (``scale_max`` defaults to
        the global max of ``|X|``, e.g. 255 for pixels); ``"standard"``: per feature, zero
        mean and unit variance (constant features → 0).
    scale_max : float or None, default=None
        Divisor for ``scale="unit"``.

    Returns
    -------
    ndarray of shape (n_samples, n_features)

    Examples
    --------
    >>> scale_data(np.array([[0.0, 8.0], [4.0, 16.0]]), "minmax")
    array([[0.  , 0.5 ],
           [0.25, 1.  ]])
    """
    check_scale(scale, scale_max)
    if scale is None:
        return X
    if scale == "minmax":
        lo, hi = X.min(), X.max()
        return (X - lo) / (hi - lo) if hi > lo else X - lo
    if scale == "unit":
        m = scale_max if scale_max is not None else float(np.abs(X).max())
        return X / m if m > 0 else X
    mu, sd = X.mean(axis=0), X.std(axis=0)
    sd[sd == 0] = 1.0
    return (X - mu) / sd


def pca_transform(X, n_components, solver="full") -> np.ndarray:
    """Project ``X`` on its first ``n_components`` principal components.

    As scikit-learn's ``PCA(n_components, svd_solver=solver).fit_transform``: components
    from the full SVD of the centred data (``"full"``) or from the eigenvectors of its
    covariance matrix (``"covariance_eigh"``, much faster when n_samples ≫ n_features,
    slightly less accurate); signs fixed so that the largest-magnitude entry of each component
    is positive (scikit-learn's ``svd_flip(u_based_decision=False)``). numpy's LAPACK
    routines are called directly: deterministic, and on a busy machine much faster than
    scikit-learn's scipy call.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
    n_components : int
        At most ``min(n_samples, n_features)``.
    solver : {"full", "covariance_eigh"}, default="full"

    Returns
    -------
    ndarray of shape (n_samples, n_components)
        C-contiguous float64.

    Examples
    --------
    >>> X = np.array([[0.0, 0.0], [2.0, 0.0], [4.0, 0.0]])
    >>> pca_transform(X, 1).ravel()
    array([-2.,  0.,  2.])
    """
    p = check_positive_int(n_components, "pca")
    if p > min(X.shape):
        raise InvalidParameterError(
            f"pca={p} exceeds min(n_samples, n_features) = {min(X.shape)}")
    check_pca_solver(solver)
    Xc = X - X.mean(axis=0)
    if solver == "full":
        _, _, vt = np.linalg.svd(Xc, full_matrices=False)
        vt = vt[:p]
    else:
        _, evecs = np.linalg.eigh(Xc.T @ Xc)
        vt = evecs[:, ::-1][:, :p].T.copy()
    signs = np.sign(vt[np.arange(vt.shape[0]), np.argmax(np.abs(vt), axis=1)])
    signs[signs == 0] = 1.0
    vt *= signs[:, None]
    return np.ascontiguousarray(Xc @ vt.T, dtype=np.float64)
