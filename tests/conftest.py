"""Shared test configuration: deterministic hypothesis profile, seeds, data paths."""

import os
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, settings

# Deterministic by default (CI); DALGO_HYPOTHESIS_PROFILE=explore searches more widely.
settings.register_profile(
    "ci",
    derandomize=True,
    database=None,
    deadline=None,
    max_examples=60,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.register_profile(
    "explore",
    deadline=None,
    max_examples=1000,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile(os.environ.get("DALGO_HYPOTHESIS_PROFILE", "ci"))

# The library has no developer-folder fallback: the tests point it at the data folder
# through the documented environment variable — the caller's $DALGO_DATA if set, else the
# shared folder beside the checkout.
if not os.environ.get("DALGO_DATA"):
    _beside = Path(__file__).resolve().parents[1].parent / "shared" / "data"
    if _beside.is_dir():
        os.environ["DALGO_DATA"] = str(_beside)
SHARED_DATA = Path(os.environ.get("DALGO_DATA", "shared-data-not-found"))


@pytest.fixture(params=[0, 1, 42])
def global_random_seed(request):
    """A few fixed seeds; every test builds its own generator from one."""
    return request.param


@pytest.fixture(scope="session")
def shared_data():
    """The read-only data folder, ``$DALGO_DATA`` (skips when absent)."""
    if not SHARED_DATA.is_dir():
        pytest.skip(f"shared data folder not found at {SHARED_DATA}")
    return SHARED_DATA


@pytest.fixture
def rng(global_random_seed):
    return np.random.default_rng(global_random_seed)
