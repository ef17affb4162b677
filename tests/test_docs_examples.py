"""Executable documentation: every code block of the user-facing pages runs as written.

Each page's ```python blocks run in order, in one namespace, as one script in a fresh
subprocess (working directory: a temporary folder, ``DALGO_DATA`` from ``conftest.py``,
matplotlib without a display). The script keeps the page's line numbers — every other line
is blank — so a traceback's ``File ".../user_guide.md.py", line 123`` is line 123 of the page.

A block may be preceded by a marker comment (invisible when the page is rendered):

* ``<!-- docs-test: script -->`` — run as its own script, alone (a complete example, e.g.
  one that starts worker processes and so needs ``if __name__ == "__main__":``);
* ``<!-- docs-test: skip REASON -->`` — not run; the reason is required.

```bash blocks are not run unless marked ``<!-- docs-test: run -->`` (none is so far: they
install packages or are full-size runs); every bash block must say which, so a new command
cannot go untested by accident. The `dalgo tune` the README's Python example stands for is
checked in ``tests/test_papercuts.py`` (same seeds, same α) at a small size.

To cover another page, add it to ``PAGES`` (or to ``NOT_YET_RUN`` with the reason).
"""

import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

PAGES = ["README.md", "docs/user_guide.md", "docs/nas.md"]
# Pages whose examples read data files ($DALGO_DATA); skipped where the folder is missing.
NEEDS_DATA = {"docs/user_guide.md", "docs/nas.md"}
# Pages whose examples are not run yet, and why (move them to PAGES once they run).
NOT_YET_RUN = {}

_FENCE = re.compile(r"^(?P<indent>[ \t]*)```(?P<lang>[\w+-]*)\s*$")
_MARKER = re.compile(r"^\s*<!--\s*docs-test:\s*(?P<what>run|skip|script)\b\s*(?P<why>.*?)"
                     r"\s*-->\s*$")


def code_blocks(text):
    """``(language, first_line, source, marker, reason)`` for every fenced block of ``text``.

    ``first_line`` is the 1-based page line of the block's first source line; ``source`` is
    dedented by the fence's indentation; ``marker`` is ``run``/``skip``/``script`` or None.
    """
    lines = text.splitlines()
    blocks, i = [], 0
    while i < len(lines):
        m = _FENCE.match(lines[i])
        if not m or not m["lang"]:
            i += 1
            continue
        j = i + 1
        while j < len(lines) and lines[j].strip() != "```":
            j += 1
        prev = next((lines[p] for p in range(i - 1, -1, -1) if lines[p].strip()), "")
        mark = _MARKER.match(prev)
        indent = len(m["indent"])
        body = "\n".join(line[indent:] if line[:indent].strip() == "" else line
                         for line in lines[i + 1:j])
        blocks.append((m["lang"], i + 2, textwrap.dedent(body),
                       mark["what"] if mark else None, mark["why"] if mark else ""))
        i = j + 1
    return blocks


def page_script(blocks, n_lines):
    """The page's run-in-order python blocks as one script, aligned with the page's lines."""
    out = [""] * (n_lines + 1)
    for lang, first, source, marker, _ in blocks:
        if lang == "python" and marker is None:
            for k, line in enumerate(source.splitlines()):
                out[first - 1 + k] = line
    return "\n".join(out[:n_lines]) + "\n"


def run_script(source, name, tmp_path, timeout=300):
    script = tmp_path / f"{Path(name).name}.py"
    script.write_text(source)
    env = dict(os.environ, MPLBACKEND="Agg", PYTHONPATH=os.pathsep.join(
        [str(ROOT)] + [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]))
    proc = subprocess.run([sys.executable, script.name], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=timeout)
    assert proc.returncode == 0, (
        f"{name}: an example fails as written (line numbers are the page's):\n"
        f"{proc.stdout[-3000:]}\n{proc.stderr[-6000:]}")
    return proc.stdout


def _blocks(page):
    return code_blocks((ROOT / page).read_text())


def test_the_extractor_keeps_page_lines_and_markers():
    page = textwrap.dedent("""\
        text
        ```python
        a = 1
        ```
        * item:

          ```python
          b = a + 1
          ```
        <!-- docs-test: skip needs a cluster -->
        ```python
        c = undefined
        ```
        <!-- docs-test: script -->
        ```python
        d = 4
        ```
        ```bash
        dalgo tune
        ```
        """)
    blocks = code_blocks(page)
    assert [(b[0], b[1], b[2], b[3]) for b in blocks] == [
        ("python", 3, "a = 1", None), ("python", 8, "b = a + 1", None),
        ("python", 12, "c = undefined", "skip"), ("python", 16, "d = 4", "script"),
        ("bash", 19, "dalgo tune", None)]
    assert blocks[2][4] == "needs a cluster"
    script = page_script(blocks, len(page.splitlines())).splitlines()
    assert script[2] == "a = 1" and script[7] == "b = a + 1" and "undefined" not in script


def test_every_page_is_covered_or_excused():
    pages = {str(p.relative_to(ROOT)) for p in [ROOT / "README.md", *ROOT.glob("docs/*.md")]
             if any(b[0] == "python" for b in code_blocks(p.read_text()))}
    assert pages <= set(PAGES) | set(NOT_YET_RUN), (
        f"pages with python examples that no test runs: {pages - set(PAGES) - set(NOT_YET_RUN)}")
    assert all(reason for reason in NOT_YET_RUN.values())


@pytest.mark.parametrize("page", PAGES)
def test_every_block_is_run_or_excused(page):
    for lang, line, _, marker, why in _blocks(page):
        if marker == "skip":
            assert why, f"{page}:{line}: a skipped block must say why"
        if lang not in ("python", "text", ""):
            assert marker in ("run", "skip"), (
                f"{page}:{line}: a {lang} block must be marked <!-- docs-test: run --> or "
                "<!-- docs-test: skip REASON -->")
            assert marker == "skip", f"{page}:{line}: running {lang} blocks is not wired up"


@pytest.mark.parametrize("page", PAGES)
def test_page_examples_run_as_written(page, tmp_path, request):
    if page in NEEDS_DATA:
        request.getfixturevalue("shared_data")  # skips without the data folder
    blocks = _blocks(page)
    n_lines = len((ROOT / page).read_text().splitlines())
    assert any(b[0] == "python" and b[3] is None for b in blocks), f"{page}: nothing to run"
    run_script(page_script(blocks, n_lines), page, tmp_path)
    for lang, line, source, marker, _ in blocks:
        if lang == "python" and marker == "script":
            run_script(source, f"{Path(page).stem}-line{line}", tmp_path)
