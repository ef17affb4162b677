"""Regression test: computing every proxy for many architectures in one process leaks nothing.

fisher once registered a backward hook that closed over the very tensor it was registered
on, a reference cycle through autograd that the garbage collector cannot break: every
activation, its graph and the copied network stayed alive (~200 MB per full-size network).
"""

import gc
import importlib

import numpy as np
import pytest

torch = pytest.importorskip("torch")
psutil = pytest.importorskip("psutil")

zc = importlib.import_module("dalgo.nas.zero_cost")
from dalgo.nas.spaces import NB201  # noqa: E402


def _live_tensors():
    gc.collect()
    # type(), not isinstance(): no attribute access on deprecated lazy objects
    return sum(1 for o in gc.get_objects() if issubclass(type(o), torch.Tensor))


def test_every_proxy_on_twelve_architectures_keeps_memory_flat():
    rng = np.random.default_rng(0)
    X = rng.integers(0, 256, size=(16, 16, 16, 3), dtype=np.uint8)
    y = np.arange(16) % 10
    space = NB201()
    archs = [space.sample(np.random.default_rng(s)) for s in range(12)]
    proc = psutil.Process()
    tensors, rss = [], []
    with zc.torch_threads(1):
        for a in archs:
            s = zc.zero_cost(a, data=(X, y), C=8, n_cells=2)
            assert set(zc.PROXIES) <= set(s)
            tensors.append(_live_tensors())
            rss.append(proc.memory_info().rss)
    # after a warm-up of two architectures, no tensor survives a call ...
    assert max(tensors[2:]) - tensors[1] <= 2, tensors
    # ... and the resident set does not grow (20 MB of slack for the allocator)
    assert max(rss[2:]) - rss[1] <= 20e6, [r / 1e6 for r in rss]
