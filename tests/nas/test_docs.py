"""docs/nas.md: its script-style code blocks print what they show (no bare expressions)."""

import ast
import re
from pathlib import Path

DOC = Path(__file__).resolve().parents[2] / "docs" / "nas.md"


def _script_blocks():
    blocks = re.findall(r"```python\n(.*?)```", DOC.read_text(), flags=re.S)
    return [b for b in blocks if not b.lstrip().startswith(">>>")]


def test_script_blocks_parse_and_have_no_bare_expressions():
    blocks = _script_blocks()
    assert blocks
    for code in blocks:
        tree = ast.parse(code)
        for node in tree.body:
            if isinstance(node, ast.Expr):
                call = node.value
                assert (isinstance(call, ast.Call) and isinstance(call.func, ast.Name)
                        and call.func.id == "print"), ast.unparse(node)
