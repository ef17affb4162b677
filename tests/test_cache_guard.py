"""The kernels' numba caches are dropped when any kernel source changes (cache_guard)."""

import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import dalgo._kernels as kernels
from dalgo._kernels import libm
from dalgo._kernels.cache_guard import (
    STAMP_NAME,
    drop_stale_caches,
    kernel_source_hash,
    numba_cache_dirs,
)


def test_stale_cache_files_are_deleted_once_per_source_change(tmp_path):
    src = tmp_path / "src"
    cache = tmp_path / "cache"
    src.mkdir()
    cache.mkdir()
    (src / "a.py").write_text("x = 1\n")
    for name in ("a.f-1.py311.nbi", "a.f-1.py311.1.nbc", "notes.txt"):
        (cache / name).write_text("old")
    assert drop_stale_caches(src, [cache]) == 2  # no stamp: provenance unknown
    assert sorted(p.name for p in cache.iterdir()) == sorted([STAMP_NAME, "notes.txt"])
    assert (cache / STAMP_NAME).read_text() == kernel_source_hash(src)
    (cache / "a.f-1.py311.nbi").write_text("compiled from these sources")
    assert drop_stale_caches(src, [cache]) == 0  # stamp matches: cache kept
    (src / "b.py").write_text("y = 2\n")  # another kernel file changes
    assert drop_stale_caches(src, [cache]) == 1
    assert not (cache / "a.f-1.py311.nbi").exists()


def test_missing_folders_are_left_alone(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    (src / "a.py").write_text("x = 1\n")
    assert drop_stale_caches(src, [tmp_path / "missing"]) == 0


def test_importing_dalgo_stamps_the_kernels_cache_folder():
    here = Path(kernels.__file__).parent
    folders = numba_cache_dirs(here)
    assert folders, "numba found no cache folder for the kernels"
    assert (folders[0] / STAMP_NAME).read_text() == kernel_source_hash(here, libm.SOURCE)


def test_the_bound_math_functions_are_part_of_the_key(tmp_path):
    """Kernels compiled against one ``exp`` / ``log`` binding are dropped under another."""
    src, cache = tmp_path / "src", tmp_path / "cache"
    src.mkdir()
    cache.mkdir()
    (src / "a.py").write_text("x = 1\n")
    assert drop_stale_caches(src, [cache], extra="libm exp / log") == 0
    (cache / "a.f-1.py311.nbi").write_bytes(b"index")
    assert drop_stale_caches(src, [cache], extra="libm exp / log") == 0
    assert drop_stale_caches(src, [cache], extra="numba np.exp / np.log") == 1
    assert kernel_source_hash(src) != kernel_source_hash(src, "numba np.exp / np.log")


_CALLEE = "from numba import njit\n\n\n@njit(cache=True)\ndef f():\n    return {}\n"
_CALLER = textwrap.dedent("""
    from numba import njit

    from .callee import f


    @njit(cache=True)
    def g():
        return f() + 10
""")
_INIT_GUARDED = textwrap.dedent("""
    from pathlib import Path

    from dalgo._kernels.cache_guard import drop_stale_caches, numba_cache_dirs

    drop_stale_caches(Path(__file__).parent, numba_cache_dirs(Path(__file__).parent))
""")


def _run_caller(root):
    env = {**os.environ, "PYTHONPATH": f"{root}{os.pathsep}{os.environ.get('PYTHONPATH', '')}"}
    env.pop("NUMBA_CACHE_DIR", None)
    out = subprocess.run([sys.executable, "-c", "from pkg.caller import g; print(g())"],
                         env=env, capture_output=True, text=True, check=True)
    return int(out.stdout)


def _edit_callee(pkg, value):
    time.sleep(0.05)  # a new modification time for numba's per-file check
    (pkg / "callee.py").write_text(_CALLEE.format(value))


def _package(root, init):
    pkg = root / "pkg"
    pkg.mkdir(parents=True)
    (pkg / "__init__.py").write_text(init)
    (pkg / "callee.py").write_text(_CALLEE.format(1))
    (pkg / "caller.py").write_text(_CALLER)
    return pkg


def test_a_caller_sees_its_edited_callee_only_with_the_guard(tmp_path):
    # the hazard: numba keeps the caller's compiled copy of the callee
    plain = _package(tmp_path / "plain", "")
    assert _run_caller(tmp_path / "plain") == 11
    _edit_callee(plain, 2)
    assert _run_caller(tmp_path / "plain") == 11  # stale
    # the guard drops the caller's cache along with the callee's
    guarded = _package(tmp_path / "guarded", _INIT_GUARDED)
    assert _run_caller(tmp_path / "guarded") == 11
    _edit_callee(guarded, 2)
    assert _run_caller(tmp_path / "guarded") == 12


def test_tree_kernels_cached_looks_for_the_tree_kernel_in_numbas_folder(tmp_path):
    from dalgo._kernels.cache_guard import tree_kernels_cached

    src = tmp_path / "src"
    src.mkdir()
    (src / "__init__.py").write_text("x = 1\n")  # numba locates caches by a source file
    assert not tree_kernels_cached(src)
    folder = numba_cache_dirs(src)[0]
    (folder / "seeding.first_seed-25.py311.nbi").write_text("")
    assert not tree_kernels_cached(src)
    (folder / "tree.expand_batch-367.py311.nbi").write_text("")
    assert tree_kernels_cached(src)


def test_the_installed_tree_kernel_is_cached_after_a_curve():
    import numpy as np

    from dalgo import alpha_pieces
    from dalgo._kernels.cache_guard import tree_kernels_cached

    X = np.random.default_rng(0).normal(size=(30, 2))
    alpha_pieces(X, 3, np.array([0.1, 0.5, 0.9]), (0.0, 5.0))
    assert tree_kernels_cached()
