"""Code health, checked: short modules and functions, and the import arrows between the layers.

* no module over 500 lines and no function over 80 in the product's folders (and the demo
  builder); a file another issue is rewriting may be listed in :data:`KNOWN_EXCEPTIONS` with that
  issue, and leaves the list when it lands;
* no block of six or more lines repeated verbatim in those folders and ``bench/`` (blank lines,
  comments, imports and lone brackets aside; indentation ignored): one piece of code serves both places;
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


REPEAT_LINES = 6
_TRIVIAL = {")", "]", "}", "),", "],", "},", '"""', "else:", "try:", "pass", "return", "continue", "break"}


def _blocks(f: Path):
    """Every run of REPEAT_LINES meaningful lines of ``f`` (stripped), with the line it starts on."""
    lines = [(i + 1, t.strip()) for i, t in enumerate(f.read_text(encoding="utf-8").splitlines())]
    kept = [(n, t) for n, t in lines if t and t not in _TRIVIAL and not t.startswith(("#", "import ", "from "))]
    for k in range(len(kept) - REPEAT_LINES + 1):
        yield tuple(t for _, t in kept[k : k + REPEAT_LINES]), kept[k][0]


def repeated_blocks(files: list[Path]) -> dict[tuple[str, ...], list[str]]:
    """Blocks of REPEAT_LINES meaningful lines found in more than one place.

    >>> import tempfile
    >>> d = Path(tempfile.mkdtemp())
    >>> body = "".join(f"    x{i} = f({i})\\n" for i in range(6))
    >>> _ = (d / "a.py").write_text("def a():\\n" + body), (d / "b.py").write_text("def b():\\n" + body)
    >>> [sorted(p.split("/")[-1] for p in places) for places in repeated_blocks([d / "a.py", d / "b.py"]).values()]
    [['a.py:2', 'b.py:2']]
    """
    seen: dict[tuple[str, ...], list[str]] = {}
    for f in files:
        for block, line in _blocks(f):
            seen.setdefault(block, []).append(f"{f}:{line}")
    return {b: places for b, places in seen.items() if len(places) > 1}


def test_no_block_of_six_lines_repeated_verbatim():
    files = _modules() + sorted((ROOT / "bench").rglob("*.py")) + [ROOT / "app.py"]
    found = [[p.replace(str(ROOT) + "/", "") for p in places] for places in repeated_blocks(files).values()]
    assert not found, f"blocks of {REPEAT_LINES} lines written more than once (make one function): {found[:10]}"
