"""Code health, checked: short modules and functions, and the import arrows between the layers.

* no module over 500 lines and no function over 80 in the product's folders (and the demo
  builder); a file another issue is rewriting may be listed in :data:`KNOWN_EXCEPTIONS` with that
  issue, and leaves the list when it lands;
* ``graph`` imports neither ``ingest`` nor ``streamlit`` (nor the app's packages); ``reports``
  imports neither ``ingest`` nor ``streamlit``.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FOLDERS = ["graph", "ingest", "cli", "app_pages", "webapp", "reports", "demo_builder"]
MAX_MODULE_LINES = 500
MAX_FUNCTION_LINES = 80
# "path" or "path:function" -> the issue that owns it right now (none today)
KNOWN_EXCEPTIONS: dict[str, str] = {}
FORBIDDEN_IMPORTS = {
    "graph": ("ingest", "streamlit", "webapp", "app_pages", "cli", "reports"),
    "reports": ("ingest", "streamlit", "webapp", "app_pages"),
}


def _modules() -> list[Path]:
    return [f for d in FOLDERS for f in sorted((ROOT / d).rglob("*.py"))]


def _rel(f: Path) -> str:
    return str(f.relative_to(ROOT))


def test_no_module_over_500_lines():
    long = {_rel(f): n for f in _modules() if (n := len(f.read_text(encoding="utf-8").splitlines())) > MAX_MODULE_LINES}
    long = {k: v for k, v in long.items() if k not in KNOWN_EXCEPTIONS}
    assert not long, f"modules over {MAX_MODULE_LINES} lines (split them by role): {long}"


def _functions(tree: ast.AST):
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            start = node.decorator_list[0].lineno if node.decorator_list else node.lineno
            yield node.name, node.end_lineno - start + 1


def test_no_function_over_80_lines():
    long = {}
    for f in _modules():
        for name, n in _functions(ast.parse(f.read_text(encoding="utf-8"))):
            key = f"{_rel(f)}:{name}"
            if n > MAX_FUNCTION_LINES and key not in KNOWN_EXCEPTIONS and _rel(f) not in KNOWN_EXCEPTIONS:
                long[key] = n
    assert not long, f"functions over {MAX_FUNCTION_LINES} lines (one function per rule or step): {long}"


def test_the_limits_can_fail():
    long_function = "def f():\n" + "    x = 1\n" * 90
    assert [n for _, n in _functions(ast.parse(long_function))] == [91]


def _imports(f: Path) -> set[str]:
    out = set()
    for node in ast.walk(ast.parse(f.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            out.add(node.module.split(".")[0])
    return out


@pytest.mark.parametrize("layer", sorted(FORBIDDEN_IMPORTS))
def test_import_arrows(layer):
    bad = {_rel(f): sorted(_imports(f) & set(FORBIDDEN_IMPORTS[layer])) for f in sorted((ROOT / layer).rglob("*.py"))}
    bad = {k: v for k, v in bad.items() if v}
    assert not bad, f"{layer} must not import these: {bad}"
