"""Where dalgo's data files are: one lookup for every loader (clustering core and NAS).

Loaders that read files take ``data_dir``. When it is ``None`` the environment variable
``DALGO_DATA`` names the folder. There is no other fallback: a library must not guess at
folders beside its own installation. A missing file raises :class:`FileNotFoundError`
listing every path that was looked at and how to point dalgo at the data
(``data_dir=...``, ``--data-dir`` on the command line, or ``DALGO_DATA``). Nothing is ever
downloaded.
"""

from __future__ import annotations

import gzip
import os
from collections.abc import Iterable
from pathlib import Path

__all__ = ["DATA_ENV_VAR", "HOW_TO", "find_data_file", "get_data_dir", "read_bytes"]

#: Environment variable naming the data directory.
DATA_ENV_VAR = "DALGO_DATA"

#: How to point dalgo at the data; the last line of every "not found" message.
HOW_TO = (
    "Point dalgo at the folder that holds the data with the data_dir= argument, "
    "the --data-dir option of the `dalgo` command, or the environment variable "
    f"{DATA_ENV_VAR}. dalgo never downloads data."
)


def get_data_dir(data_dir=None) -> Path | None:
    """The data directory given by the user: the argument, else ``$DALGO_DATA``, else None.

    Parameters
    ----------
    data_dir : str or path-like or None, default=None
        Explicit directory; ``~`` is expanded.

    Returns
    -------
    pathlib.Path or None
        None when neither the argument nor the environment variable is set.

    Examples
    --------
    >>> str(get_data_dir("/data/dalgo"))
    '/data/dalgo'
    """
    if data_dir is not None:
        return Path(os.fspath(data_dir)).expanduser()
    env = os.environ.get(DATA_ENV_VAR)
    if env:
        return Path(env).expanduser()
    return None


def find_data_file(relative_candidates: Iterable[str | os.PathLike], data_dir=None, *,
                   what="data file") -> Path:
    """Return the first existing ``data_dir / candidate``; raise a helpful error if none exists.

    Parameters
    ----------
    relative_candidates : iterable of str or path-like
        Paths relative to the data directory, tried in order.
    data_dir : str or path-like or None, default=None
        The data directory; None: ``$DALGO_DATA``.
    what : str, default="data file"
        Named in the error message (e.g. ``"CIFAR-10 test set"``).

    Returns
    -------
    pathlib.Path
        The first candidate that exists (file or directory).

    Raises
    ------
    FileNotFoundError
        Naming every path looked at and how to point dalgo at the data.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> with tempfile.TemporaryDirectory() as d:
    ...     _ = (pathlib.Path(d) / "b.txt").write_text("hi")
    ...     find_data_file(["a.txt", "b.txt"], data_dir=d).name
    'b.txt'
    """
    candidates = [Path(os.fspath(c)) for c in relative_candidates]
    if not candidates:
        raise ValueError("relative_candidates is empty")
    root = get_data_dir(data_dir)
    names = ", ".join(str(c) for c in candidates)
    if root is None:
        raise FileNotFoundError(
            f"{what} not found: no data directory was given (no data_dir argument and "
            f"${DATA_ENV_VAR} is not set); looked for: {names}.\n{HOW_TO}"
        )
    looked = []
    for cand in candidates:
        path = root / cand
        if path.exists():
            return path
        looked.append(str(path))
    origin = "data_dir argument" if data_dir is not None else f"${DATA_ENV_VAR}"
    listing = "\n  ".join(looked)
    raise FileNotFoundError(
        f"{what} not found (data directory {root} from the {origin}); looked at:\n  "
        f"{listing}\n{HOW_TO}"
    )


def read_bytes(path) -> bytes:
    """Read a file, decompressing it when it is gzip (detected by content, not by name).

    Raises
    ------
    ValueError
        For a corrupt gzip stream, naming the file.
    """
    path = Path(path)
    with open(path, "rb") as fh:
        head = fh.read(2)
    if head == b"\x1f\x8b":
        try:
            with gzip.open(path, "rb") as fh:
                return fh.read()
        except (OSError, EOFError) as exc:
            raise ValueError(f"{path}: corrupt gzip file ({exc})") from exc
    return path.read_bytes()
