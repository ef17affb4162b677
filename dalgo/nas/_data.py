"""Where the offline NAS tables live, and how to read them safely.

Nothing here downloads anything.  A data directory is the folder that *contains* ``nas/``
(the same convention as the rest of dalgo, whose data folder holds ``nas/``, ``mnist/``...).
"""

from __future__ import annotations

import importlib.util
import io
import os
import pickle
from pathlib import Path

__all__ = ["candidate_dirs", "resolve_nas_file", "nas_bench_graph_dir", "safe_unpickle"]

ENV_VAR = "DALGO_DATA"


def candidate_dirs(data_dir=None):
    """Data directories searched, in order, with a label saying why each is searched.

    Parameters
    ----------
    data_dir : str or path-like, default=None
        Explicit directory. When given, it is the only place searched.

    Returns
    -------
    list of (Path, str)
    """
    if data_dir is not None:
        return [(Path(data_dir).expanduser(), "argument data_dir")]
    out = []
    env = os.environ.get(ENV_VAR)
    if env:
        out.append((Path(env).expanduser(), f"environment variable {ENV_VAR}"))
    out.append((Path.cwd().parent / "shared" / "data", "../shared/data from the current directory"))
    import dalgo

    repo_root = Path(dalgo.__file__).resolve().parents[1]
    out.append((repo_root.parent / "shared" / "data", "../shared/data beside the repository"))
    return out


def resolve_nas_file(relpath, data_dir=None):
    """Return the path of ``nas/<relpath>`` in the first data directory that has it.

    A ``data_dir`` that itself ends in ``nas`` (i.e. that holds the files directly) is also
    accepted.

    Raises
    ------
    FileNotFoundError
        Naming every place looked at and how to point dalgo at the data.
    """
    looked = []
    for base, why in candidate_dirs(data_dir):
        for cand in (base / "nas" / relpath, base / relpath):
            if cand == base / relpath and base.name != "nas":
                continue
            looked.append(f"  {cand}  ({why})")
            if cand.is_file():
                return cand
    raise FileNotFoundError(
        f"NAS data file 'nas/{relpath}' not found. Looked in:\n" + "\n".join(looked)
        + f"\nPass data_dir=<folder containing nas/> or set the environment variable "
        f"{ENV_VAR} to that folder (see ../shared/data/nas/README.md). dalgo never "
        "downloads data."
    )


def nas_bench_graph_dir():
    """Folder of the ``nas-bench-graph`` package's tables, found without importing it.

    Raises
    ------
    FileNotFoundError
        If the package is not installed.
    """
    spec = importlib.util.find_spec("nas_bench_graph")
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError(
            "The NAS-Bench-Graph tables come with the PyPI package nas-bench-graph "
            "(pip install 'nas-bench-graph==1.4.0', or dalgo's 'nas' extra); it is not "
            "installed."
        )
    for loc in spec.submodule_search_locations:
        light = Path(loc) / "light"
        if light.is_dir():
            return light
    raise FileNotFoundError(
        f"nas_bench_graph is installed at {list(spec.submodule_search_locations)} but has "
        "no 'light/' folder of .bench tables."
    )


class _RestrictedUnpickler(pickle.Unpickler):
    """Unpickler that resolves only the few globals NAS-Bench-Graph tables need.

    Containers (dict, list, tuple), str, int, float, bool and None need no global;
    numpy float scalars are pickled as ``numpy.core.multiarray.scalar(dtype, bytes)``;
    only float and int dtypes are accepted.
    """

    def find_class(self, module, name):
        import numpy as np

        if module in ("numpy.core.multiarray", "numpy._core.multiarray") and name == "scalar":
            return _safe_scalar
        if module == "numpy" and name == "dtype":
            return _safe_dtype
        raise pickle.UnpicklingError(f"global '{module}.{name}' is not allowed in a data file")


def _safe_dtype(obj, align=False, copy=False):
    import numpy as np

    dt = np.dtype(obj)
    if dt.kind not in "fiu":
        raise pickle.UnpicklingError(f"dtype {dt} is not allowed in a data file")
    return np.dtype(obj, align, copy)


def _safe_scalar(dtype, data=None):
    import numpy as np

    if not isinstance(dtype, np.dtype) or dtype.kind not in "fiu" or not isinstance(data, bytes):
        raise pickle.UnpicklingError("only numeric numpy scalars are allowed in a data file")
    return np.frombuffer(data, dtype=dtype, count=1)[0]


def safe_unpickle(path):
    """Load a pickle of plain containers and numeric numpy scalars; refuse anything else."""
    with open(path, "rb") as fh:
        data = fh.read()
    return _RestrictedUnpickler(io.BytesIO(data)).load()
