"""The kernels' ``exp`` / ``log`` (:mod:`dalgo._kernels.libm`) equal numba's ``np.exp`` /
``np.log`` bit for bit: the execution tree's breakpoints and every cached result depend on it."""

import json
import os
import subprocess
import sys

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from numba import njit

from dalgo import dalpha_seeding
from dalgo._kernels import libm

SPECIAL = [0.0, -0.0, 1.0, -1.0, 5e-324, -5e-324, 2.2250738585072014e-308, 1e-300, 1e300,
           709.782712893384, 709.7827128933841, 710.0, -708.3964185322641, -745.1332191019411,
           -745.1332191019412, -746.0, 1e308, -1e308, np.inf, -np.inf, np.nan,
           np.float64(np.finfo(np.float64).max), np.nextafter(0.0, 1.0)]


@njit
def _apply_bound(x, out_exp, out_log):
    for i in range(x.shape[0]):
        out_exp[i] = libm.exp(x[i])
        out_log[i] = libm.log(x[i])


@njit
def _apply_numba(x, out_exp, out_log):
    for i in range(x.shape[0]):
        out_exp[i] = np.exp(x[i])
        out_log[i] = np.log(x[i])


def _bitwise_equal(x):
    x = np.ascontiguousarray(x, dtype=np.float64)
    outs = [np.empty_like(x) for _ in range(4)]
    _apply_bound(x, outs[0], outs[1])
    _apply_numba(x, outs[2], outs[3])
    for bound, reference in ((outs[0], outs[2]), (outs[1], outs[3])):
        same = bound.view(np.int64) == reference.view(np.int64)
        both_nan = np.isnan(bound) & np.isnan(reference)  # NaN payloads may differ
        bad = ~(same | both_nan)
        assert not bad.any(), (x[bad][:5], bound[bad][:5], reference[bad][:5])


def test_source_is_reported():
    assert libm.SOURCE in ("glibc __exp_finite / __log_finite", "libm exp / log",
                           "numba np.exp / np.log")


def test_bitwise_equal_to_numba_on_the_ranges_the_kernels_use():
    rng = np.random.default_rng(0)
    x = np.concatenate([
        rng.uniform(-800.0, 710.0, 300_000),  # the whole range of exp, under- and overflow
        rng.uniform(-50.0, 0.0, 300_000),  # weights exp(α (logd − top) + logw − wtop)
        rng.normal(0.0, 1e-3, 100_000),  # near 0, where exp ≈ 1 + x
        np.exp(rng.uniform(-700.0, 700.0, 300_000)),  # positive arguments of log
        rng.uniform(0.5, 2.0, 100_000),  # log near 1
        SPECIAL, np.negative(SPECIAL)])
    _bitwise_equal(x)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.floats(allow_nan=True, allow_infinity=True), min_size=1, max_size=50))
def test_bitwise_equal_to_numba_on_any_float(values):
    _bitwise_equal(np.array(values))


def test_fallback_without_a_math_library_gives_the_same_seeds(tmp_path):
    """Where no math library can be opened by name, the kernels call ``np.exp`` / ``np.log``
    through plain jitted functions: same seeds (fresh numba cache, so nothing is reused)."""
    rng = np.random.default_rng(3)
    X = rng.normal(size=(300, 4))
    z = rng.random(6)
    expected = [dalpha_seeding(X, 6, a, z).tolist() for a in (0.0, 0.5, 2.0, 7.5, np.inf)]
    code = (
        "import ctypes.util, json, sys, numpy as np\n"
        "ctypes.util.find_library = lambda name: None\n"
        "from dalgo import dalpha_seeding\n"
        "from dalgo._kernels import libm\n"
        "X, z = np.load(sys.argv[1]), np.load(sys.argv[2])\n"
        "seeds = [dalpha_seeding(X, 6, a, z).tolist() for a in (0.0, 0.5, 2.0, 7.5, np.inf)]\n"
        "print(json.dumps([libm.SOURCE, seeds]))\n")
    np.save(tmp_path / "X.npy", X)
    np.save(tmp_path / "z.npy", z)
    env = {**os.environ, "NUMBA_CACHE_DIR": str(tmp_path / "cache")}
    out = subprocess.run([sys.executable, "-c", code, str(tmp_path / "X.npy"),
                          str(tmp_path / "z.npy")], capture_output=True, text=True, env=env,
                         check=True)
    source, seeds = json.loads(out.stdout.strip().splitlines()[-1])
    assert source == "numba np.exp / np.log"
    assert seeds == expected
