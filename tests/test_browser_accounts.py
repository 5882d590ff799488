"""A bureau's own data in the app, in a real browser (Debian's Chromium through Playwright, offline).

An editor logs in, uploads a bad dataset (the error rows are shown and exported; the store is unchanged),
uploads a good one (counts change), maps an enterprise-information export with foreign headers and imports
it, and reviews a link (确认, 应用到图谱: the link is confirmed in the store). A park account sees its three
pages only. A second server started with
``--server.address 0.0.0.0`` and no account shows a login page and no data; the test connects to it through
127.0.0.1 only — no request goes to any other address.
"""

from __future__ import annotations

import csv
import io
import os
import re
import subprocess
import sys
import time
import urllib.request
import zipfile
from pathlib import Path

import polars as pl
import pytest

from tests.test_browser import BROWSER_ARGS, CHROMIUM, WAIT_IDLE, _ensure_browser, _free_port, offline_context

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "data" / "sample"
EXPORT = ROOT / "tests" / "fixtures" / "export" / "企业信息导出.csv"
SHOTS = ROOT / "artifacts" / "screenshots"
PW = "correct horse"

pytestmark = pytest.mark.browser


def _cli(*args: str, stdin: str = "", env: dict | None = None) -> None:
    r = subprocess.run([sys.executable, "-m", "cli", *args], cwd=ROOT, input=stdin, capture_output=True, text=True, timeout=600, env={**os.environ, **(env or {})})
    assert r.returncode == 0, r.stderr[-2000:]


def _serve(store: Path, address: str, log: Path, env: dict | None = None) -> tuple[subprocess.Popen, str]:
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "webapp.serve", "--server.headless", "true", "--server.port", str(port), "--server.address", address,  # as scripts/run
         "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none", "--server.runOnSave", "false"],
        cwd=ROOT, env={**os.environ, "INDMAP_STORE": str(store), "PYTHONUNBUFFERED": "1", **(env or {})}, stdout=open(log, "w"), stderr=subprocess.STDOUT,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"  # only ever through the loopback address, whatever it listens on
    deadline = time.time() + 90
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    return proc, url
        except OSError:
            time.sleep(0.3)
        if proc.poll() is not None:
            break
    proc.terminate()
    pytest.fail(f"streamlit did not start:\n{log.read_text()[-3000:]}")


def _stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()


def _zip(folder: dict[str, bytes]) -> bytes:
    b = io.BytesIO()
    with zipfile.ZipFile(b, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in folder.items():
            z.writestr(f"示例数据/{name}", data)
    return b.getvalue()


def _datasets(tmp: Path) -> tuple[Path, Path]:
    """A bad and a good whole dataset as zip files: the sample, with two errors / with two more projects."""
    files = {p.name: p.read_bytes() for p in SAMPLE.glob("*.csv")}
    ent = files["enterprises.csv"].decode()
    bad = dict(files)
    bad["enterprises.csv"] = ent.replace("9111010611976872XD", "9111010611976872XX").encode()  # a wrong check digit
    bad["projects.csv"] = files["projects.csv"].decode().replace(",P05,PV-U05,", ",P05,PV-U99,", 1).encode()  # an unknown segment
    good = dict(files)
    good["projects.csv"] = files["projects.csv"] + "PX1,示例新项目一,lead,,P05,PV-U05,1000,10,2026-11-01,,,,,,招商一科,,\nPX2,示例新项目二,negotiating,,P05,PV-U06,2000,20,2026-11-02,,,,,,招商一科,,\n".encode()
    (tmp / "坏数据.zip").write_bytes(_zip(bad))
    (tmp / "好数据.zip").write_bytes(_zip(good))
    return tmp / "坏数据.zip", tmp / "好数据.zip"


def _store_state(store: Path) -> tuple[str, dict]:
    from graph.stores.embedded import EmbeddedStore

    s = EmbeddedStore(store)
    try:
        return s.version(), s.stats()["nodes"]
    finally:
        s.close()


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    _ensure_browser()
    tmp = tmp_path_factory.mktemp("browser-accounts")
    store = tmp / "indmap.lbug"
    _cli("ingest", str(SAMPLE), "--store", str(store), "--quiet")
    _cli("user", "add", "张编辑", "--role", "editor", "--password-stdin", "--store", str(store), stdin=PW + "\n")
    _cli("user", "add", "园区办", "--role", "viewer", "--park", "P02", "--password-stdin", "--store", str(store), stdin=PW + "\n")
    proc, url = _serve(store, "127.0.0.1", tmp / "a.log")
    open_proc, open_url = _serve(store, "0.0.0.0", tmp / "b.log", env={"INDMAP_WORKSPACE": str(tmp / "no-accounts.sqlite")})
    try:
        yield {"url": url, "open_url": open_url, "store": store, "tmp": tmp, "logs": [tmp / "a.log", tmp / "b.log"]}
    finally:
        _stop(proc)
        _stop(open_proc)


@pytest.fixture(scope="module")
def browser_page(site):
    from playwright.sync_api import sync_playwright

    external: list[str] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=BROWSER_ARGS)
        context = offline_context(browser, external)
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        yield page, external, errors
        browser.close()
    assert external == [], f"requests left localhost: {sorted(set(external))[:10]}"


def _idle(page, title: str) -> None:
    time.sleep(0.4)
    page.wait_for_function(WAIT_IDLE, arg=title, timeout=180_000)
    assert page.locator('[data-testid="stException"]').count() == 0, f"{title}: Streamlit exception"


def _nav(page, label: str, title: str) -> None:
    page.locator('[data-testid="stSidebarNav"] a').filter(has_text=label).first.click()
    _idle(page, title)


def _upload(page, path: Path) -> None:
    """Upload a file and wait for its validation report (the upload itself and a rerun come first)."""
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(path))
    page.get_by_text(re.compile("校验通过|个错误、|未能读取")).first.wait_for(timeout=180_000)
    _idle(page, "数据")


def _remove_upload(page) -> None:
    page.locator('[data-testid="stFileChipDeleteBtn"] button').first.click()
    _idle(page, "数据")


def test_editor_uploads_maps_and_reviews(site, browser_page):
    page, _external, errors = browser_page
    SHOTS.mkdir(parents=True, exist_ok=True)
    bad, good = _datasets(site["tmp"])
    page.goto(site["url"] + "/data")  # a link to a page: the login first, then that page
    _idle(page, "招商产业链图谱 · 登录")
    assert page.locator('[data-testid="stMetric"]').count() == 0
    page.get_by_label("账号").fill("张编辑")
    page.get_by_label("密码").fill(PW)
    page.get_by_role("button", name="登录").click()
    _idle(page, "数据")
    assert page.get_by_text("张编辑（编辑）").count() > 0

    # a bad dataset: its error rows are shown (and exported), the store is not touched
    version0, nodes0 = _store_state(site["store"])
    _upload(page, bad)
    assert page.get_by_text(re.compile(r"有 2 个错误")).count() > 0
    with page.expect_download(timeout=60_000) as dl:
        page.locator('[data-testid="stDownloadButton"]').filter(has_text="导出 CSV").first.click()
    rows = list(csv.DictReader(io.StringIO(Path(dl.value.path()).read_bytes().decode("utf-8-sig"))))
    where = {(r["文件"], r["行"], r["列"]) for r in rows if r["级别"] == "错误"}
    assert where == {("enterprises.csv", "32", "credit_code/统一社会信用代码"), ("projects.csv", "2", "segment_id/补链环节")}, rows
    assert page.get_by_role("button", name="导入", exact=True).count() == 0
    page.screenshot(path=str(SHOTS / "upload-errors.png"), full_page=True)
    assert _store_state(site["store"]) == (version0, nodes0)
    _remove_upload(page)

    # a good one: 导入, and the counts change
    _upload(page, good)
    assert page.get_by_text("校验通过").count() > 0
    page.get_by_role("button", name="导入", exact=True).click()
    # the page may look idle before the import's rerun starts (seen under load): wait for its outcome first
    page.get_by_text(re.compile("已导入|导入失败")).first.wait_for(timeout=180_000)
    _idle(page, "数据")
    page.screenshot(path=str(SHOTS / "upload-imported.png"), full_page=True)
    assert page.get_by_text(re.compile("已导入")).count() > 0
    version1, nodes1 = _store_state(site["store"])
    assert version1 != version0 and nodes1["Project"] == nodes0["Project"] + 2
    _remove_upload(page)

    # an export with foreign headers: the file is taken for the enterprise table, its columns mapped
    _upload(page, EXPORT)
    assert page.get_by_text("列映射：企业信息导出.csv → 企业").count() > 0
    assert page.get_by_text("行政区划名称，导入时转为代码").count() > 0 or page.locator('[data-testid="stDataFrame"]').count() > 0
    page.screenshot(path=str(SHOTS / "upload-mapping.png"), full_page=True)
    page.get_by_role("button", name="导入", exact=True).click()
    _idle(page, "数据")
    _v2, nodes2 = _store_state(site["store"])
    assert nodes2["Enterprise"] == nodes1["Enterprise"] + 12
    assert page.get_by_text(re.compile("自动挂接")).count() > 0
    _remove_upload(page)

    # review a link: the strongest proposed link of the busiest segment, confirmed and applied
    _nav(page, "挂接审核", "挂接审核")
    ok = page.locator('[data-testid="stMain"] button[data-testid^="stBaseButton"]').filter(has_text="确认").first
    card = ok.locator('xpath=ancestor::div[@data-testid="stVerticalBlock"][.//strong][1]')  # the link's bordered card
    name = card.locator("strong").first.inner_text()
    ok.click()
    _idle(page, "挂接审核")
    assert page.get_by_text(re.compile("审核结论是上次导入之后作出的")).count() > 0
    page.get_by_role("button", name="应用到图谱").click()
    _idle(page, "挂接审核")
    page.screenshot(path=str(SHOTS / "review.png"), full_page=True)
    from graph.stores.embedded import EmbeddedStore

    s = EmbeddedStore(site["store"])
    t = s.read_tables()
    s.close()
    ent = t["enterprises"].filter(pl.col("name") == name).get_column("id").to_list()
    links = t["enterprise_segments"].filter(pl.col("enterprise_id").is_in(ent) & pl.col("source").str.starts_with("人工审核确认：张编辑"))
    assert links.height == 1 and links.item(0, "confidence") == "confirmed", name
    assert errors == [], errors


def test_served_on_0000_without_login_shows_no_data(site, browser_page):
    page, _external, _errors = browser_page
    for path in ("/", "/data", "/targets"):
        page.goto(site["open_url"] + path)
        _idle(page, "招商产业链图谱 · 登录")
        assert page.locator('[data-testid="stMetric"]').count() == 0
        assert page.locator('[data-testid="stDataFrame"]').count() == 0
        assert page.locator('[data-testid="stSidebarNav"]').count() == 0
        html = page.content()
        assert "示例" not in html and "光伏" not in html  # nothing of the dataset, not even a chain's name
        assert page.get_by_text("还没有任何账号").count() > 0 and page.get_by_text(" user add admin --role admin").count() > 0
    page.screenshot(path=str(SHOTS / "login-open-address.png"))
    for log in site["logs"]:
        text = log.read_text()
        assert "External URL" not in text and "external IP" not in text, text[-2000:]


def test_a_park_account_has_its_three_pages(site, browser_page):
    page, _external, errors = browser_page
    page.goto(site["url"] + "/cypher")  # a link to the console: the login first, then its park (the console is not its page)
    _idle(page, "招商产业链图谱 · 登录")
    page.get_by_label("账号").fill("园区办")
    page.get_by_label("密码").fill(PW)
    page.get_by_role("button", name="登录").click()
    _idle(page, "园区")
    nav = page.locator('[data-testid="stSidebarNav"] a').all_inner_texts()  # each with its icon's name
    assert len(nav) == 3 and all(any(label in t for t in nav) for label in ("园区", "项目", "企业")), nav
    assert page.get_by_text("示例经济技术开发区").count() > 0 and page.get_by_text("Cypher").count() == 0
    assert errors == [], errors
