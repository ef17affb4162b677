"""Performance predictors for NAS: one fit/predict interface, four models, rank metrics.

Models (all regressors on a feature matrix ``X`` -- an encoding, zero-cost proxies, or
both, see :meth:`dalgo.nas.suite_zero.ZCTask.features`):

* ``"mlp"``: BANANAS' ensemble of MLPs (:class:`dalgo.nas.MLPEnsemble`, needs torch);
* ``"gp"``: Gaussian process, Matern-5/2 ARD-free kernel + white noise, on standardised X;
* ``"lgbm"``: gradient-boosted trees with LightGBM (small trees, ``n_jobs=1``);
* ``"ridge"``: ridge regression on standardised X (baseline).

Metrics compare predicted and true scores by rank: :func:`kendall_tau`,
:func:`spearman_rho`, :func:`precision_at_k`.  :func:`evaluate_predictor` runs the
NAS-Bench-Suite-Zero protocol: train on ``train_size`` random architectures, test on all
the others.

Randomness: every ``random_state`` (None, int, SeedSequence or Generator) becomes one int seed
at the start of ``fit`` (:func:`dalgo.random_state.int_seed`: an int is used as is, a
Generator gives one draw), the seed of the underlying library's model.
"""

from __future__ import annotations

import numpy as np
from scipy import stats

from dalgo._validation import check_positive_int
from dalgo.random_state import check_random_state, int_seed

__all__ = [
    "PREDICTORS",
    "Predictor",
    "RidgePredictor",
    "GPPredictor",
    "LGBMPredictor",
    "MLPPredictor",
    "make_predictor",
    "kendall_tau",
    "spearman_rho",
    "precision_at_k",
    "evaluate_predictor",
]

PREDICTORS = ("lgbm", "gp", "mlp", "ridge")


def _check_Xy(X, y=None):
    X = np.ascontiguousarray(X, dtype=np.float64)
    if X.ndim != 2:
        raise ValueError(f"X must be 2-D (n_samples, n_features), got shape {X.shape}")
    if not np.isfinite(X).all():
        raise ValueError("X contains NaN or infinity")
    if y is None:
        return X
    y = np.asarray(y, dtype=np.float64).ravel()
    if len(y) != len(X):
        raise ValueError(f"X has {len(X)} rows but y has {len(y)} values")
    if not np.isfinite(y).all():
        raise ValueError("y contains NaN or infinity")
    if len(y) < 2:
        raise ValueError(f"need at least 2 training samples, got {len(y)}")
    return X, y


class Predictor:
    """Base class: ``fit(X, y) -> self``, ``predict(X) -> ndarray``.

    Subclasses store keyword arguments in ``__init__`` only and implement ``_fit`` and
    ``_predict`` on validated float arrays.  Targets are standardised before ``_fit``.
    """

    def get_params(self):
        return {k: getattr(self, k) for k in self._param_names}

    def __repr__(self):
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_params().items())
        return f"{type(self).__name__}({args})"

    def fit(self, X, y):
        """Fit on features ``X`` (n_samples, n_features) and scores ``y`` (n_samples,)."""
        X, y = _check_Xy(X, y)
        self.n_features_in_ = X.shape[1]
        self.y_mean_ = float(y.mean())
        self.y_scale_ = float(y.std()) or 1.0
        self._fit(X, (y - self.y_mean_) / self.y_scale_)
        return self

    def predict(self, X):
        """Predicted scores, shape (n_samples,)."""
        if not hasattr(self, "n_features_in_"):
            raise RuntimeError(f"{type(self).__name__} is not fitted; call fit first")
        X = _check_Xy(X)
        if X.shape[1] != self.n_features_in_:
            raise ValueError(
                f"X has {X.shape[1]} features, the model was fit on {self.n_features_in_}")
        return self._predict(X) * self.y_scale_ + self.y_mean_


class _Standardised(Predictor):
    def _scale_fit(self, X):
        self.x_mean_ = X.mean(axis=0)
        sd = X.std(axis=0)
        self.x_scale_ = np.where(sd > 0, sd, 1.0)
        return (X - self.x_mean_) / self.x_scale_

    def _scale(self, X):
        return (X - self.x_mean_) / self.x_scale_


class RidgePredictor(_Standardised):
    """Ridge regression on standardised features (closed form).

    Parameters
    ----------
    alpha : float, default=1.0
        L2 penalty.
    random_state : None, int, SeedSequence or Generator, default=None
        Accepted (and validated) like the other predictors' but unused: the fit is
        deterministic.

    Examples
    --------
    >>> X = np.arange(10.0).reshape(-1, 1); y = 2 * X.ravel() + 1
    >>> RidgePredictor(alpha=1e-9, random_state=0).fit(X, y).predict([[20.0]]).round(6)
    array([41.])
    """

    _param_names = ("alpha", "random_state")

    def __init__(self, *, alpha=1.0, random_state=None):
        self.alpha = alpha
        self.random_state = random_state

    def _fit(self, X, y):
        check_random_state(self.random_state)  # validated like the others' (unused)
        Z = self._scale_fit(X)
        A = Z.T @ Z + float(self.alpha) * np.eye(Z.shape[1])
        self.coef_ = np.linalg.solve(A, Z.T @ y)

    def _predict(self, X):
        return self._scale(X) @ self.coef_


class GPPredictor(_Standardised):
    """Gaussian-process regression (scikit-learn) on standardised features.

    Kernel: ``ConstantKernel * Matern(nu=2.5) + WhiteKernel``, hyperparameters by maximum
    likelihood with ``n_restarts`` restarts.

    Parameters
    ----------
    n_restarts : int, default=1
    random_state : None, int, SeedSequence or Generator, default=None
    """

    _param_names = ("n_restarts", "random_state")

    def __init__(self, *, n_restarts=1, random_state=None):
        self.n_restarts = n_restarts
        self.random_state = random_state

    def _fit(self, X, y):
        import warnings

        from sklearn.exceptions import ConvergenceWarning
        from sklearn.gaussian_process import GaussianProcessRegressor
        from sklearn.gaussian_process.kernels import ConstantKernel, Matern, WhiteKernel

        Z = self._scale_fit(X)
        kernel = ConstantKernel(1.0, (1e-3, 1e3)) * Matern(
            length_scale=np.sqrt(Z.shape[1]), length_scale_bounds=(1e-2, 1e3), nu=2.5
        ) + WhiteKernel(0.1, (1e-6, 1e1))
        self.model_ = GaussianProcessRegressor(
            kernel=kernel, n_restarts_optimizer=int(self.n_restarts),
            random_state=int_seed(self.random_state),
        )
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            self.model_.fit(Z, y)

    def _predict(self, X):
        return self.model_.predict(self._scale(X))


class LGBMPredictor(Predictor):
    """Gradient-boosted regression trees with LightGBM.

    Small trees by default, single-threaded and deterministic.

    Parameters
    ----------
    n_estimators : int, default=100
    num_leaves : int, default=15
    learning_rate : float, default=0.1
    min_child_samples : int, default=3
        Small so that 10-sample training sets can still split.
    subsample : float, default=1.0
    colsample_bytree : float, default=1.0
    random_state : None, int, SeedSequence or Generator, default=None
    n_jobs : int, default=1

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> X = rng.random((100, 3)); y = X[:, 0] - X[:, 1]
    >>> p = LGBMPredictor(random_state=0).fit(X[:80], y[:80])
    >>> bool(kendall_tau(y[80:], p.predict(X[80:])) > 0.6)
    True
    """

    _param_names = ("n_estimators", "num_leaves", "learning_rate", "min_child_samples",
                    "subsample", "colsample_bytree", "random_state", "n_jobs")

    def __init__(self, *, n_estimators=100, num_leaves=15, learning_rate=0.1,
                 min_child_samples=3, subsample=1.0, colsample_bytree=1.0,
                 random_state=None, n_jobs=1):
        self.n_estimators = n_estimators
        self.num_leaves = num_leaves
        self.learning_rate = learning_rate
        self.min_child_samples = min_child_samples
        self.subsample = subsample
        self.colsample_bytree = colsample_bytree
        self.random_state = random_state
        self.n_jobs = n_jobs

    def _fit(self, X, y):
        import lightgbm

        self.model_ = lightgbm.LGBMRegressor(
            n_estimators=int(self.n_estimators), num_leaves=int(self.num_leaves),
            learning_rate=float(self.learning_rate),
            min_child_samples=int(self.min_child_samples), min_child_weight=1e-3,
            subsample=float(self.subsample), subsample_freq=1 if self.subsample < 1 else 0,
            colsample_bytree=float(self.colsample_bytree),
            random_state=int_seed(self.random_state), n_jobs=int(self.n_jobs),
            deterministic=True, force_col_wise=True, min_data_in_bin=1, verbose=-1,
        )
        self.model_.fit(X, y)

    def _predict(self, X):
        return self.model_.predict(X)


class MLPPredictor(Predictor):
    """BANANAS' MLP ensemble (:class:`dalgo.nas.MLPEnsemble`) behind this interface.

    Parameters
    ----------
    n_estimators : int, default=5
    n_layers : int, default=10
    n_units : int, default=20
    n_epochs : int, default=150
    learning_rate : float, default=0.01
    random_state : None, int, SeedSequence or Generator, default=None
    """

    _param_names = ("n_estimators", "n_layers", "n_units", "n_epochs", "learning_rate",
                    "random_state")

    def __init__(self, *, n_estimators=5, n_layers=10, n_units=20, n_epochs=150,
                 learning_rate=0.01, random_state=None):
        self.n_estimators = n_estimators
        self.n_layers = n_layers
        self.n_units = n_units
        self.n_epochs = n_epochs
        self.learning_rate = learning_rate
        self.random_state = random_state

    def _fit(self, X, y):
        from .mlp import MLPEnsemble

        self.model_ = MLPEnsemble(
            n_estimators=self.n_estimators, n_layers=self.n_layers, n_units=self.n_units,
            n_epochs=self.n_epochs, learning_rate=self.learning_rate,
            random_state=int_seed(self.random_state), n_threads=1,
        ).fit(X, y)

    def _predict(self, X):
        return self.model_.predict(X)


def make_predictor(name, *, random_state=None, **params):
    """Build a predictor by name (``"lgbm"``, ``"gp"``, ``"mlp"``, ``"ridge"``)."""
    if name == "lgbm":
        return LGBMPredictor(random_state=random_state, **params)
    if name == "gp":
        return GPPredictor(random_state=random_state, **params)
    if name == "mlp":
        return MLPPredictor(random_state=random_state, **params)
    if name == "ridge":
        return RidgePredictor(random_state=random_state, **params)
    raise ValueError(f"unknown predictor {name!r}; choose from {PREDICTORS}")


# --------------------------------------------------------------------------- metrics


def kendall_tau(y_true, y_pred):
    """Kendall's tau-b between true and predicted scores (scipy's definition).

    Examples
    --------
    >>> kendall_tau([1, 2, 3, 4], [1, 3, 2, 4]).round(4)
    np.float64(0.6667)
    """
    return stats.kendalltau(np.asarray(y_true, float), np.asarray(y_pred, float))[0]


def spearman_rho(y_true, y_pred):
    """Spearman's rank correlation (scipy's definition, ties get average ranks)."""
    return stats.spearmanr(np.asarray(y_true, float), np.asarray(y_pred, float))[0]


def precision_at_k(y_true, y_pred, k=None, *, frac=0.1):
    """Fraction of the true top-``k`` architectures among the predicted top-``k``.

    Parameters
    ----------
    y_true, y_pred : array-like of shape (n,)
        Higher is better.
    k : int, default=None
        None uses ``max(1, round(frac * n))``.
    frac : float, default=0.1

    Notes
    -----
    Ties are broken by position (stable sort of the negated scores).

    Examples
    --------
    >>> precision_at_k([5, 4, 3, 2, 1], [5, 1, 4, 3, 2], k=2)
    0.5
    """
    y_true = np.asarray(y_true, float)
    y_pred = np.asarray(y_pred, float)
    n = len(y_true)
    if k is None:
        k = max(1, int(round(frac * n)))
    if not 1 <= k <= n:
        raise ValueError(f"k must be in 1..{n}, got {k}")
    top_true = np.argsort(-y_true, kind="stable")[:k]
    top_pred = np.argsort(-y_pred, kind="stable")[:k]
    return len(np.intersect1d(top_true, top_pred)) / k


def evaluate_predictor(predictor, X, y, train_size, *, random_state=None, k=None):
    """Train on ``train_size`` random rows, test on all others; rank metrics.

    Parameters
    ----------
    predictor : Predictor
        Fitted in place.
    X : array-like of shape (n_samples, n_features)
    y : array-like of shape (n_samples,)
    train_size : int
    random_state : None, int, SeedSequence or Generator, default=None
        Chooses the training rows: ``check_random_state(random_state).permutation(n)``
        (:func:`dalgo.random_state.check_random_state`; an int ``s`` permutes with
        ``np.random.default_rng(s)``).
    k : int, default=None
        For precision@k; None uses 10% of the test set.

    Returns
    -------
    dict with ``kendall_tau``, ``spearman_rho``, ``precision_at_k``, ``n_test``.
    """
    X, y = _check_Xy(X, y)
    n = len(y)
    train_size = check_positive_int(train_size, "train_size", minimum=2)
    if not train_size < n:
        raise ValueError(f"train_size must be in 2..{n - 1}, got {train_size}")
    rng = check_random_state(random_state)
    perm = rng.permutation(n)
    tr, te = perm[:train_size], perm[train_size:]
    pred = predictor.fit(X[tr], y[tr]).predict(X[te])
    if np.ptp(pred) == 0.0:  # constant prediction: no ranking information
        tau = rho = 0.0
    else:
        tau, rho = kendall_tau(y[te], pred), spearman_rho(y[te], pred)
    return {
        "kendall_tau": float(tau), "spearman_rho": float(rho),
        "precision_at_k": float(precision_at_k(y[te], pred, k)), "n_test": int(len(te)),
    }
