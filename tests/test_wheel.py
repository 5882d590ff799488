"""The built wheel carries its data: installed in a fresh venv, it ingests from another folder and the app renders.

What a user of ``pip install indmap-….whl`` gets, checked end to end:

* the wheel is built from a copy of the packaged sources (nothing left in the work tree), with
  pip's cache, so the build backend is not downloaded again;
* it is installed ``--no-deps`` into a fresh venv whose dependencies come from this project's
  ``.venv`` (one ``.pth`` line, written after the install), so nothing is downloaded;
* from an empty folder, ``indmap ingest <data/sample>`` validates with the built-in region codes
  (package data) and writes the default store under ``./data/store/``;
* every module imports from the venv, not from this checkout;
* the installed ``app.py`` renders through ``AppTest`` on that store, and the chain map inlines
  vis-network from the package (there is no ``static/`` beside an installed ``app.py``).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
_SETUP = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]
# the packages the wheel ships, read from pyproject (a package added there is packaged and imported here too)
PACKAGES = [p.rstrip("*") for p in _SETUP["packages"]["find"]["include"]]
PACKAGED = ["pyproject.toml", "README.md", "LICENSE", *(m + ".py" for m in _SETUP["py-modules"]), *PACKAGES]

pytestmark = pytest.mark.slow

APP_CHECK = r"""
import importlib, json, sys
from pathlib import Path
from streamlit.testing.v1 import AppTest
import app
here = [m.__file__ for m in [app] + [importlib.import_module(name) for name in sys.argv[1:]]]
at = AppTest.from_file(app.__file__, default_timeout=120).run()
errors = [e.message for e in at.exception]
at.switch_page("app_pages/chain_map.py").run()
errors += [e.message for e in at.exception]
html = [el.proto.srcdoc for el in at.get("iframe")]
from webapp import serve  # python -m webapp.serve: finds the wheel's app.py and imports what it imports
print(json.dumps({"serve": [str(serve.app_file()) == app.__file__, serve.warm()], "files": here, "errors": errors, "titles": [t.value for t in at.title], "html": [len(h) for h in html], "inline_vis": any("vis-network" in h and "/app/static/" not in h for h in html)}))
"""


def _run(cmd: list[str], *, cwd: Path, env: dict[str, str] | None = None, timeout: int = 600) -> subprocess.CompletedProcess:
    res = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    assert res.returncode == 0, f"{' '.join(map(str, cmd))} -> {res.returncode}\n{res.stdout[-3000:]}\n{res.stderr[-3000:]}"
    return res


@pytest.fixture(scope="module")
def venv(tmp_path_factory) -> Path:
    tmp = tmp_path_factory.mktemp("wheel")
    src = tmp / "src"
    src.mkdir()
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info")
    for name in PACKAGED:
        p = ROOT / name
        (shutil.copytree(p, src / name, ignore=ignore) if p.is_dir() else shutil.copy2(p, src / name))
    _run([sys.executable, "-m", "pip", "wheel", str(src), "--no-deps", "-q", "-w", str(tmp / "dist")], cwd=tmp)
    (wheel,) = (tmp / "dist").glob("indmap-*.whl")
    env_dir = tmp / "venv"
    _run([sys.executable, "-m", "venv", "--without-pip", str(env_dir)], cwd=tmp)
    py = env_dir / "bin" / "python"
    _run([sys.executable, "-m", "pip", "--python", str(py), "install", "--no-deps", "-q", str(wheel)], cwd=tmp)
    site = Path(_run([str(py), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"], cwd=tmp).stdout.strip())
    # the dependencies: this project's .venv (after the install, so pip never sees the editable indmap there)
    (site / "_indmap_test_deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")
    return env_dir


def _clean_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("INDMAP_", "PYTHON"))}
    env["INDMAP_SETTINGS_FILE"] = "/nonexistent/indmap.toml"
    return env


def test_installed_wheel_ingests_from_another_folder_and_the_app_renders(venv, tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = _clean_env()
    res = _run([str(venv / "bin" / "indmap"), "ingest", str(ROOT / "data" / "sample")], cwd=elsewhere, env=env)
    store = elsewhere / "data" / "store" / "indmap.lbug"
    assert store.exists(), res.stderr
    assert "已导入" in res.stderr + res.stdout

    env["INDMAP_STORE"] = str(store)
    # served on this machine only, like the checkout's .streamlit/config.toml: without one Streamlit listens on every
    # interface and the app rightly asks for a login first (issue 12)
    (elsewhere / ".streamlit").mkdir()
    (elsewhere / ".streamlit" / "config.toml").write_text('[server]\naddress = "127.0.0.1"\n', encoding="utf-8")
    out = _run([str(venv / "bin" / "python"), "-c", APP_CHECK, *PACKAGES], cwd=elsewhere, env=env).stdout
    got = json.loads(out.strip().splitlines()[-1])
    assert len(got["files"]) == len(PACKAGES) + 1 and "reports" in PACKAGES
    assert all(str(venv) in f for f in got["files"]), got["files"]  # the wheel's copy, not this checkout
    assert not got["errors"], got["errors"]
    assert got["serve"] == [True, []], got["serve"]
    assert "产业链图谱" in got["titles"]
    assert got["inline_vis"] and max(got["html"]) > 300_000  # vis-network inlined from the package data
