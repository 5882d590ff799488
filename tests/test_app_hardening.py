"""Issue 18, the app: no tracebacks for remote visitors, no remote fetches from a dataset's README."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from streamlit import config
from streamlit.testing.v1 import AppTest

from webapp.safe_markdown import offline_markdown
from graph.stores.embedded import EmbeddedStore
from tests.small_tables import small_tables

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "app.py")
REMOTE = re.compile(r"(?:https?|ftp)://|www\.", re.IGNORECASE)

README = """# 数据集说明

![tracking pixel](https://tracker.example/p.png?visitor=1 "t")
![ref image][logo]

来源见 [官网](https://data.example/x) 与 <https://auto.example> 以及 http://bare.example/path。

[logo]: https://cdn.example/logo.png
<img src="https://html.example/i.png">
"""


def test_offline_markdown_leaves_no_image_or_link():
    out = offline_markdown(README)
    assert "![" not in out and "](" not in out
    assert "［图片：tracking pixel］" in out and "［图片：ref image］" in out
    # every remaining address is inside a code span (shown, not a link, never fetched)
    outside_code = re.sub(r"`[^`]*`", "", out)
    assert not REMOTE.search(outside_code), outside_code
    assert "<img" not in out and "&lt;img" in out


@pytest.fixture()
def dataset_store(tmp_path, monkeypatch):
    ds = tmp_path / "ds"
    ds.mkdir()
    (ds / "README.md").write_text(README, encoding="utf-8")
    secret = tmp_path / "secret.md"
    secret.write_text("TOP-SECRET-LINE", encoding="utf-8")
    os.symlink(secret, ds / "SOURCES.md")  # a link is not followed
    store = tmp_path / "g.lbug"
    s = EmbeddedStore(store, read_only=False)
    s.write(small_tables(), meta={"dataset": str(ds)})
    s.close()
    monkeypatch.setenv("INDMAP_STORE", str(store))
    monkeypatch.chdir(ROOT)
    return store


def test_data_page_renders_the_readme_without_remote_resources(dataset_store):
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    at.switch_page("app_pages/data.py")
    at.run()
    assert not at.exception
    shown = "\n".join(str(m.value) for m in at.markdown)
    assert "数据集说明" in shown and "［图片：tracking pixel］" in shown
    assert "](" not in shown and "![" not in shown
    assert not REMOTE.search(re.sub(r"`[^`]*`", "", shown)), shown
    assert "TOP-SECRET-LINE" not in shown and "SOURCES.md" not in [e.label for e in at.expander]


@pytest.mark.parametrize("address,want", [("0.0.0.0", "none"), ("", "none"), ("10.1.2.3", "none"), ("127.0.0.1", "full"), ("localhost", "full")])
def test_tracebacks_only_on_loopback(dataset_store, address, want):
    old_addr, old_details = config.get_option("server.address"), config.get_option("client.showErrorDetails")
    try:
        config.set_option("server.address", address or None)
        config.set_option("client.showErrorDetails", "full")
        at = AppTest.from_file(APP, default_timeout=60)
        at.run()
        assert config.get_option("client.showErrorDetails") == want
    finally:
        config.set_option("server.address", old_addr)
        config.set_option("client.showErrorDetails", old_details)


def test_run_script_turns_details_off_beyond_loopback():
    text = (ROOT / "scripts" / "run").read_text()
    assert '--client.showErrorDetails "$details"' in text and "details=none" in text
    assert 'address = "127.0.0.1"' in (ROOT / ".streamlit" / "config.toml").read_text()
