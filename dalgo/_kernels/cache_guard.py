"""Drop numba's on-disk caches of the kernels when any kernel source changes.

numba keys a cached function by the modification time and size of its own source
file only.  A kernel that calls (or inlines) a kernel of another module keeps its
compiled copy of the callee after the callee's file changes: in a working tree
updated by ``git pull`` or an edit, a caller in an untouched file would silently run
the old callee (or crash, if its arguments changed).  So the kernels' caches are
keyed here by one hash of all kernel sources: when it differs from the stamp
beside the cache files, every cache file of the kernels is deleted before any is
loaded, and numba recompiles.  An installed release is unaffected either way
(installing rewrites every file).
"""

import hashlib
import os
from pathlib import Path

#: Name of the file, in each cache folder, that holds the hash of the sources the
#: cached kernels were compiled from.
STAMP_NAME = "dalgo-kernels.sha256"


def kernel_source_hash(source_dir, extra=""):
    """SHA-256 of every ``*.py`` file of ``source_dir``, names and contents, in name order,
    and of ``extra`` when given: what else the compiled code depends on (the ``exp`` / ``log``
    the kernels were bound to, :data:`dalgo._kernels.libm.SOURCE`)."""
    digest = hashlib.sha256()
    for path in sorted(Path(source_dir).glob("*.py")):
        digest.update(path.name.encode())
        digest.update(b"\0")
        digest.update(path.read_bytes())
        digest.update(b"\0")
    if extra:
        digest.update(extra.encode())
    return digest.hexdigest()


def numba_cache_dirs(source_dir):
    """The folder numba keeps the kernels' cache files in, as a list (empty if none).

    numba takes the first usable of: ``$NUMBA_CACHE_DIR`` (mirroring the source
    path), the source folder's ``__pycache__``, a per-user folder (a release
    installed read-only); asking its locators the same way creates the folder, so
    the stamp is written before the first kernel is cached.
    """
    from numba.core import caching

    py_file = str(Path(source_dir) / "__init__.py")
    for locator in (caching.UserProvidedCacheLocator, caching.InTreeCacheLocator,
                    caching.UserWideCacheLocator):
        try:
            found = locator.from_function(_placeholder, py_file)
        except Exception:  # a numba whose locators differ: fall through to the next
            found = None
        if found is not None:
            return [Path(found.get_cache_path())]
    return []


def _placeholder():
    """Stands in for a kernel when asking numba's locators for a folder."""


def drop_stale_caches(source_dir, cache_dirs, extra=""):
    """Delete the numba cache files in ``cache_dirs`` unless their stamp matches the sources
    (and ``extra``, see :func:`kernel_source_hash`).

    Returns the number of files deleted.  Folders that cannot be written are left
    as they are (numba's per-file check still applies there).
    """
    key = kernel_source_hash(source_dir, extra)
    deleted = 0
    for folder in cache_dirs:
        stamp = Path(folder) / STAMP_NAME
        try:
            if stamp.read_text() == key:
                continue
        except OSError:
            pass
        try:
            for path in Path(folder).iterdir():
                if path.suffix in (".nbi", ".nbc"):
                    path.unlink(missing_ok=True)
                    deleted += 1
            partial = stamp.with_name(f"{STAMP_NAME}.{os.getpid()}.tmp")
            partial.write_text(key)
            os.replace(partial, stamp)  # atomic: a concurrent reader sees old or new
        except OSError:
            continue
    return deleted


#: The kernel whose cache file tells whether a tuning run will compile first: the
#: execution tree's batch expansion, the largest single compilation of a run.
_WITNESS_PREFIX = "tree.expand_batch-"


def tree_kernels_cached(source_dir=None):
    """Whether numba's cache holds the execution tree's kernels (a run will not compile them).

    False on a new installation (or after a kernel source changed): the first tuning run
    then spends about half a minute compiling, which the command line announces.
    """
    source_dir = Path(__file__).parent if source_dir is None else Path(source_dir)
    for folder in numba_cache_dirs(source_dir):
        try:
            if any(p.name.startswith(_WITNESS_PREFIX) and p.suffix == ".nbi"
                   for p in folder.iterdir()):
                return True
        except OSError:
            continue
    return False
