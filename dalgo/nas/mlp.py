"""An ensemble of fully-connected ReLU networks (BANANAS' predictor), trained in PyTorch.

PyTorch is imported inside :meth:`MLPEnsemble.fit` only; the fitted weights are stored as
numpy arrays, so prediction, pickling and loading need no torch.
"""

from __future__ import annotations

import contextlib
import numbers

import numpy as np

from dalgo._validation import InvalidParameterError, check_positive_int
from dalgo.random_state import int_seed

__all__ = ["MLPEnsemble", "torch_threads"]


@contextlib.contextmanager
def torch_threads(n_threads):
    """Run the block with ``torch.set_num_threads(n_threads)``; restore the old count after.

    ``n_threads=None`` leaves torch's setting alone.
    """
    import torch

    old = torch.get_num_threads()
    if n_threads is not None:
        torch.set_num_threads(int(n_threads))
    try:
        yield
    finally:
        torch.set_num_threads(old)


def _check_params(est):
    for name in ("n_estimators", "n_layers", "n_units", "n_epochs"):
        check_positive_int(getattr(est, name), name)
    check_positive_int(est.batch_size, "batch_size", allow_none=True)
    check_positive_int(est.n_threads, "n_threads", allow_none=True)
    lr = est.learning_rate
    if isinstance(lr, bool) or not isinstance(lr, numbers.Real) or not lr > 0:
        raise InvalidParameterError(f"learning_rate must be a positive float, got {lr!r}")
    if est.init not in ("uniform", "glorot"):
        raise InvalidParameterError(f"init must be 'uniform' or 'glorot', got {est.init!r}")
    eps = est.eps
    if isinstance(eps, bool) or not isinstance(eps, numbers.Real) or not eps > 0:
        raise InvalidParameterError(f"eps must be a positive float, got {eps!r}")
    if est.loss not in ("mae", "mse"):
        raise InvalidParameterError(f"loss must be 'mae' or 'mse', got {est.loss!r}")
    b2 = est.beta2
    if isinstance(b2, bool) or not isinstance(b2, numbers.Real) or not 0 <= b2 < 1:
        raise InvalidParameterError(f"beta2 must be a float in [0, 1), got {b2!r}")


def _check_X(X, n_features=None):
    X = np.ascontiguousarray(X, dtype=np.float64)
    if X.ndim != 2:
        raise ValueError(f"X must be 2-D (n_samples, n_features), got shape {X.shape}")
    if X.shape[0] < 1:
        raise ValueError("X has no samples")
    if not np.isfinite(X).all():
        raise ValueError("X contains NaN or infinity")
    if n_features is not None and X.shape[1] != n_features:
        raise ValueError(f"X has {X.shape[1]} features, but the model was fitted with {n_features}")
    return X


class MLPEnsemble:
    """Ensemble of ReLU MLP regressors with mean and spread predictions (BANANAS' predictor).

    Each member is ``n_layers`` hidden layers of ``n_units`` ReLU units and a linear output,
    trained from its own random initialisation with Adam on the full batch (or minibatches)
    to minimise the mean absolute error (``loss="mae"``) of the standardised targets. The
    ensemble's mean and standard deviation over members are the prediction and its
    uncertainty, as in BANANAS (White, Neiswanger & Savani, AAAI 2021).

    Parameters
    ----------
    n_estimators : int, default=5
        Number of networks.
    n_layers : int, default=10
        Hidden layers per network.
    n_units : int, default=20
        Units per hidden layer.
    learning_rate : float, default=0.01
        Adam step size.
    beta2 : float, default=0.999
        Adam's second-moment decay (torch's default; BANANAS' reference uses 0.99).
    n_epochs : int, default=150
        Passes over the training data.
    batch_size : int or None, default=None
        Minibatch size; None trains on the full batch (one Adam step per epoch).
    loss : {"mae", "mse"}, default="mae"
    random_state : None, int, SeedSequence or Generator, default=None
        Becomes one int seed at the start of ``fit`` (:func:`dalgo.random_state.int_seed`:
        an int is used as is, a Generator gives one draw), which seeds a private
        ``torch.Generator`` (initialisation and minibatch order); the global torch and numpy
        generators are not touched.
    n_threads : int or None, default=1
        torch intra-op threads during ``fit`` (restored afterwards); None keeps torch's value.
        Small networks run fastest on one thread, and a fixed count keeps results
        reproducible.
    init : {"uniform", "glorot"}, default="uniform"
        ``"uniform"``: ``torch.nn.Linear``'s rule, weights and biases uniform in
        ``±1/sqrt(fan_in)``. ``"glorot"``: Keras' ``Dense`` default, as in BANANAS' reference
        (``naszilla/meta_neural_net.py``): weights uniform in ``±sqrt(6/(fan_in+fan_out))``,
        biases zero.
    eps : float, default=1e-8
        Adam's epsilon (torch's default; Keras', used by BANANAS' reference, is 1e-7).
    standardize : bool, default=True
        Train on standardised targets ``(y - mean) / std``; False trains on ``y`` as given
        (BANANAS' reference trains on the raw validation loss in percent).

    Attributes
    ----------
    coefs_ : list of ndarray of shape (n_estimators, fan_in, fan_out)
    intercepts_ : list of ndarray of shape (n_estimators, fan_out)
    n_features_in_ : int
    y_mean_, y_scale_ : float
        Target standardisation.
    loss_curve_ : ndarray of shape (n_epochs,)
        Mean training loss over members (standardised units) per epoch.

    Notes
    -----
    The members are trained together as one batched network (weights of shape
    ``(n_estimators, fan_in, fan_out)``) with the sum of the members' losses; since the
    losses do not share parameters and Adam is elementwise, this is exactly independent
    training, only faster. Cost per epoch is O(n_estimators * n_samples * n_layers *
    n_units**2). All weights live in one flat tensor (the layers are views of it), so
    each Adam step is one elementwise update instead of one per layer -- the same arithmetic.

    Examples
    --------
    >>> import numpy as np
    >>> from dalgo.nas import MLPEnsemble
    >>> rng = np.random.default_rng(0)
    >>> X = rng.random((60, 4)); y = X @ np.array([1.0, -2.0, 0.5, 0.0])
    >>> model = MLPEnsemble(n_epochs=100, random_state=0).fit(X, y)
    >>> mean, std = model.predict(X[:3], return_std=True)
    >>> mean.shape, std.shape, bool(np.abs(mean - y[:3]).max() < 0.5)
    ((3,), (3,), True)
    """

    def __init__(
        self,
        n_estimators=5,
        *,
        n_layers=10,
        n_units=20,
        learning_rate=0.01,
        n_epochs=150,
        batch_size=None,
        loss="mae",
        random_state=None,
        n_threads=1,
        beta2=0.999,
        init="uniform",
        eps=1e-8,
        standardize=True,
    ):
        self.n_estimators = n_estimators
        self.beta2 = beta2
        self.n_layers = n_layers
        self.n_units = n_units
        self.learning_rate = learning_rate
        self.n_epochs = n_epochs
        self.batch_size = batch_size
        self.loss = loss
        self.random_state = random_state
        self.n_threads = n_threads
        self.init = init
        self.eps = eps
        self.standardize = standardize

    def get_params(self, deep=True):
        return {k: getattr(self, k) for k in (
            "n_estimators", "n_layers", "n_units", "learning_rate", "n_epochs",
            "batch_size", "loss", "random_state", "n_threads", "beta2", "init", "eps",
            "standardize")}

    def set_params(self, **params):
        valid = self.get_params()
        for k, v in params.items():
            if k not in valid:
                raise InvalidParameterError(f"invalid parameter {k!r} for MLPEnsemble")
            setattr(self, k, v)
        return self

    def __repr__(self):
        default = MLPEnsemble().get_params()
        changed = {k: v for k, v in self.get_params().items() if v != default[k]}
        return "MLPEnsemble(" + ", ".join(f"{k}={v!r}" for k, v in changed.items()) + ")"

    def fit(self, X, y):
        """Train the networks on ``X`` (n_samples, n_features) and targets ``y`` (n_samples,).

        Returns
        -------
        self
        """
        _check_params(self)
        X = _check_X(X)
        y = np.asarray(y, dtype=np.float64).ravel()
        if y.shape[0] != X.shape[0]:
            raise ValueError(f"X has {X.shape[0]} samples but y has {y.shape[0]}")
        if not np.isfinite(y).all():
            raise ValueError("y contains NaN or infinity")
        seed = int_seed(self.random_state)

        self.y_mean_, self.y_scale_ = 0.0, 1.0
        if self.standardize:
            self.y_mean_ = float(y.mean())
            scale = float(y.std())
            self.y_scale_ = scale if scale > 0 else 1.0
        ys = (y - self.y_mean_) / self.y_scale_
        self.n_features_in_ = X.shape[1]

        import torch

        with torch_threads(self.n_threads), torch.no_grad():
            gen = torch.Generator().manual_seed(seed)
            E, n = self.n_estimators, X.shape[0]
            sizes = [X.shape[1]] + [self.n_units] * self.n_layers + [1]
            params = []
            for fan_in, fan_out in zip(sizes[:-1], sizes[1:]):
                if self.init == "uniform":
                    bound = 1.0 / np.sqrt(fan_in)
                    W = (torch.rand((E, fan_in, fan_out), generator=gen) * 2 - 1) * bound
                    b = (torch.rand((E, 1, fan_out), generator=gen) * 2 - 1) * bound
                else:
                    bound = np.sqrt(6.0 / (fan_in + fan_out))
                    W = (torch.rand((E, fan_in, fan_out), generator=gen) * 2 - 1) * bound
                    b = torch.zeros((E, 1, fan_out))
                params += [W, b]
            # One flat leaf tensor holds every weight and bias, the layers are views of it:
            # Adam is elementwise, so one optimiser step over the flat tensor is the same
            # arithmetic as one per layer (bit for bit), with 2 * (n_layers + 1) times fewer
            # small-tensor calls (the bulk of the cost at BANANAS' sizes).
            shapes = [p.shape for p in params]
            flat = torch.cat([p.reshape(-1) for p in params]).requires_grad_()
            Xt = torch.as_tensor(X, dtype=torch.float32)
            yt = torch.as_tensor(ys, dtype=torch.float32)
            opt = torch.optim.Adam([flat], lr=float(self.learning_rate),
                                   betas=(0.9, float(self.beta2)), eps=float(self.eps))
            sections = [int(np.prod(sh)) for sh in shapes]
            bs = n if self.batch_size is None else min(int(self.batch_size), n)
            losses = np.empty(self.n_epochs)
            Xfull = Xt.expand(E, n, X.shape[1])
            yfull = yt.expand(E, n)
            for epoch in range(self.n_epochs):
                if bs == n:
                    batches = [(Xfull, yfull)]
                else:
                    perm = torch.stack([torch.randperm(n, generator=gen) for _ in range(E)])
                    batches = [
                        (Xt[perm[:, s : s + bs]], yt[perm[:, s : s + bs]]) for s in range(0, n, bs)
                    ]
                total = 0.0
                for xb, yb in batches:
                    with torch.enable_grad():
                        params = [v.view(sh) for v, sh in zip(flat.split(sections), shapes)]
                        out = _forward_torch(params, xb)
                        err = out - yb
                        if self.loss == "mae":
                            per_member = err.abs().mean(dim=1)
                        else:
                            per_member = (err**2).mean(dim=1)
                        obj = per_member.sum()
                        opt.zero_grad(set_to_none=True)
                        obj.backward()
                    opt.step()
                    total += float(obj) / E * yb.shape[1]
                losses[epoch] = total / n
            params = [v.view(sh) for v, sh in zip(flat.detach().split(sections), shapes)]
            self.coefs_ = [p.numpy().astype(np.float64) for p in params[0::2]]
            self.intercepts_ = [p.numpy()[:, 0, :].astype(np.float64) for p in params[1::2]]
        self.loss_curve_ = losses
        return self

    def _check_fitted(self):
        if not hasattr(self, "coefs_"):
            raise AttributeError("this MLPEnsemble is not fitted yet; call fit(X, y) first")

    def predict_members(self, X):
        """Predictions of every member, shape ``(n_estimators, n_samples)``."""
        self._check_fitted()
        X = _check_X(X, self.n_features_in_)
        H = np.broadcast_to(X, (self.n_estimators,) + X.shape)
        last = len(self.coefs_) - 1
        for i, (W, b) in enumerate(zip(self.coefs_, self.intercepts_)):
            H = np.matmul(H, W) + b[:, None, :]
            if i < last:
                np.maximum(H, 0.0, out=H)
        return H[:, :, 0] * self.y_scale_ + self.y_mean_

    def predict(self, X, return_std=False):
        """Ensemble mean prediction; with ``return_std=True`` also the spread over members.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        return_std : bool, default=False

        Returns
        -------
        mean : ndarray of shape (n_samples,)
        std : ndarray of shape (n_samples,)
            Only with ``return_std=True``: standard deviation over members (ddof=0).
        """
        P = self.predict_members(X)
        mean = P.mean(axis=0)
        if return_std:
            return mean, P.std(axis=0)
        return mean

    def score(self, X, y):
        """Coefficient of determination R^2 of :meth:`predict`."""
        y = np.asarray(y, dtype=np.float64).ravel()
        p = self.predict(X)
        ss = ((y - y.mean()) ** 2).sum()
        return 1.0 - ((y - p) ** 2).sum() / ss if ss > 0 else 0.0


def _forward_torch(params, x):
    import torch

    h = x
    last = len(params) // 2 - 1
    for i in range(last + 1):
        h = torch.baddbmm(params[2 * i + 1], h, params[2 * i])
        if i < last:
            h = torch.relu(h)
    return h[..., 0]
