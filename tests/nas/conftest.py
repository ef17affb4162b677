"""dalgo.nas tests: the data folder is the one the library uses ($DALGO_DATA).

``tests/conftest.py`` sets ``DALGO_DATA`` to the shared folder beside the repository when it
exists; this override lets the NAS tests also run from a checkout elsewhere (e.g. a git
worktree) when ``DALGO_DATA`` names the data folder.
"""

import os
from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def shared_data():
    """The read-only data folder named by ``DALGO_DATA`` (skips when absent)."""
    env = os.environ.get("DALGO_DATA")
    path = Path(env) if env else Path(__file__).resolve().parents[2].parent / "shared" / "data"
    if not path.is_dir():
        pytest.skip(f"data folder not found at {path} (set DALGO_DATA)")
    return path
