"""The app in a real browser: Debian's Chromium driven by Playwright, fully offline.

Starts the app as ``scripts/run`` does (``python -m webapp.serve``: ``streamlit run app.py`` with the
app's modules and the store's view loaded before the server listens) on a store built from the demo dataset (the
small test fixture when the demo is not there), visits every page and fails on

* any request to a host other than localhost / 127.0.0.1 (CDNs, fonts, telemetry),
* any JavaScript exception (``pageerror``) or Streamlit exception element,
* a chain map whose canvas has no drawn pixels,
* an export that does not download or does not read back (Chinese headers, values, rounding),
* a report (Word, PDF) that does not download, or a print view that shows the sidebar.

Screenshots go to ``artifacts/screenshots/`` (the chain map one is also copied
to ``docs/chain-map.png`` for the README when ``INDMAP_UPDATE_SCREENSHOT=1``); each page's render time (click in
the sidebar → script idle, no spinner, page title shown) goes to
``artifacts/page_times.json`` and is printed.

Needs ``/usr/bin/chromium`` and CJK fonts: ``scripts/install-browser`` installs
them with apt (run here when missing). ``INDMAP_SKIP_BROWSER=1`` skips.
"""

from __future__ import annotations

import getpass
import io
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlparse

import pytest

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = ROOT / "artifacts"
SHOTS = ARTIFACTS / "screenshots"
LOCAL_HOSTS = {"localhost", "127.0.0.1"}
BROWSER_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

# (sidebar label, url path, page title)
PAGES = [
    ("总览", "", "招商产业链图谱 · 总览"),
    ("产业链图谱", "chain", "产业链图谱"),
    ("缺链清单", "gaps", "缺链清单"),
    ("招商目标", "targets", "招商目标"),
    ("推演", "whatif", "推演：补链之后"),
    ("线索", "leads", "招商线索"),
    ("变化", "history", "变化与趋势"),
    ("项目", "projects", "项目跟踪"),
    ("企业", "company", "企业"),
    ("园区", "parks", "园区"),
    ("Cypher 查询", "cypher", "Cypher 查询"),
    ("数据", "data", "数据"),
]
GRAPH_PAGES = {"chain", "parks"}
# the bureau's pages: no English, None or nan in what a person reads (the Cypher console is for analysts)
CHECKED_PAGES = {p for _, p, _ in PAGES} - {"cypher"}
VISIBLE_JS = (ROOT / "tests" / "visible_text.js").read_text(encoding="utf-8")

pytestmark = pytest.mark.browser


def offline_context(browser, external: list[str], *, height: int = 1000):
    """A Chinese browser context whose requests to anything but this machine are refused and kept in ``external``."""
    context = browser.new_context(viewport={"width": 1440, "height": height}, accept_downloads=True, locale="zh-CN")

    def guard(route):
        u = urlparse(route.request.url)
        if u.scheme in ("http", "https", "ws", "wss") and u.hostname not in LOCAL_HOSTS:
            external.append(route.request.url)
            return route.abort()
        return route.continue_()

    context.route("**/*", guard)
    return context


def _ensure_browser() -> None:
    if os.environ.get("INDMAP_SKIP_BROWSER") == "1":
        pytest.skip("INDMAP_SKIP_BROWSER=1: browser test skipped on request")
    if not Path(CHROMIUM).exists() or not _has_cjk_font():
        subprocess.run(["bash", str(ROOT / "scripts" / "install-browser")], check=True, timeout=900)
    assert Path(CHROMIUM).exists(), "scripts/install-browser did not install /usr/bin/chromium"


def _has_cjk_font() -> bool:
    try:
        out = subprocess.run(["fc-list"], capture_output=True, text=True, timeout=30).stdout
    except (OSError, subprocess.SubprocessError):
        return False
    return "Noto Sans CJK" in out


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _build_store(path: Path) -> str:
    """Ingest the demo dataset with the CLI (as a user would); the test fixture if there is no valid demo."""
    demo = Path(os.environ.get("INDMAP_BROWSER_DATASET") or ROOT / "data" / "demo")
    if (demo / "enterprises.csv").exists() or demo.suffix == ".xlsx":
        res = subprocess.run(
            [sys.executable, "-m", "cli", "ingest", str(demo), "--store", str(path), "--quiet"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=600,
        )
        if res.returncode == 0:
            return "demo"
        print(f"demo ingest failed (exit {res.returncode}), using the test fixture:\n{res.stderr[-2000:]}")
    sys.path.insert(0, str(ROOT))
    from graph.stores.embedded import EmbeddedStore
    from tests.small_tables import small_tables

    s = EmbeddedStore(path, read_only=False)
    s.write(small_tables(12), meta={"dataset": "tests/small_tables", "demo": True})
    s.close()
    return "fixture"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    _ensure_browser()
    store = tmp_path_factory.mktemp("browser") / "indmap.lbug"
    source = _build_store(store)
    port = _free_port()
    env = dict(os.environ, INDMAP_STORE=str(store), PYTHONUNBUFFERED="1")
    log = open(tmp_path_factory.mktemp("log") / "streamlit.log", "w+")
    started = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-m", "webapp.serve", "--server.headless", "true", "--server.port", str(port), "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none", "--server.runOnSave", "false"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.time() + 90
        while True:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if proc.poll() is not None or time.time() > deadline:
                log.seek(0)
                pytest.fail(f"streamlit did not start:\n{log.read()[-3000:]}")
            time.sleep(0.3)
        start_s = round(time.perf_counter() - started, 2)  # the warm start (webapp.serve) until the server answers
        yield {"url": url, "source": source, "log": log, "start_s": start_s, "dataset": Path(os.environ.get("INDMAP_BROWSER_DATASET") or ROOT / "data" / "demo")}
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


WAIT_IDLE = """(title) => {
  const app = document.querySelector('[data-testid="stApp"]');
  if (!app || app.getAttribute('data-test-script-state') !== 'notRunning') return false;
  if (document.querySelector('[data-testid="stSpinner"]') || document.querySelector('[data-testid="stSkeleton"]')) return false;
  const h1 = document.querySelector('[data-testid="stMain"] h1');
  return !!h1 && h1.textContent.trim().startsWith(title);
}"""

CANVAS_PIXELS = """() => {
  const c = document.querySelector('#net canvas');
  if (!c || !c.width || !c.height) return -1;
  const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
  let n = 0;
  for (let i = 0; i < d.length; i += 4) {
    if (d[i + 3] > 0 && !(d[i] > 245 && d[i + 1] > 245 && d[i + 2] > 245)) n++;
  }
  return n;
}"""


MAP_PIXELS = """() => {
  // the clickable chain map (st.components.v2): its canvas lives in the component's shadow root
  for (const h of document.querySelectorAll('*')) {
    const c = h.shadowRoot && h.shadowRoot.querySelector('.net[data-drawn="1"] canvas');
    if (!c || !c.width || !c.height) continue;
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let n = 0;
    for (let i = 0; i < d.length; i += 4) {
      if (d[i + 3] > 0 && !(d[i] > 245 && d[i + 1] > 245 && d[i + 2] > 245)) n++;
    }
    return n;
  }
  return -1;
}"""

NODE_XY = """(id) => {
  const n = window.indmapChainMap;
  const p = n.canvasToDOM(n.getPosition(id));
  const r = n.body.container.getBoundingClientRect();
  return [r.left + p.x, r.top + p.y];
}"""


def _map_pixels(page, timeout_s: float = 30) -> int:
    """Drawn pixels of the page's clickable chain map, once it has drawn (-1 if it never did)."""
    deadline = time.time() + timeout_s
    n = -1
    while time.time() < deadline:
        n = page.evaluate(MAP_PIXELS)
        if n > 0:
            return n
        time.sleep(0.2)
    return n


def _visible_problems(page, vocabulary: set[str]) -> list[str]:
    from tests.visible_text import problems

    return problems(page.evaluate(VISIBLE_JS), vocabulary)


def _graph_frame(page, timeout_s: float = 30):
    deadline = time.time() + timeout_s
    while time.time() < deadline:
        for fr in page.frames:
            if fr is page.main_frame:
                continue
            try:
                if fr.evaluate("() => document.body && document.body.getAttribute('data-drawn') === '1'"):
                    return fr
            except Exception:  # noqa: BLE001 - frame navigating / detached
                continue
        time.sleep(0.2)
    return None


def _full_screenshot(page, path: Path) -> None:
    h = page.evaluate("() => { const m = document.querySelector('[data-testid=\"stMain\"]'); return m ? m.scrollHeight : 1000; }")
    page.set_viewport_size({"width": 1440, "height": int(min(max(h, 900), 6000))})
    time.sleep(1.2)  # data grids draw on their canvases after a resize
    page.screenshot(path=str(path))
    page.set_viewport_size({"width": 1440, "height": 900})


def test_every_page_offline_in_chromium(server):
    from playwright.sync_api import sync_playwright

    from tests.visible_text import dataset_vocabulary

    SHOTS.mkdir(parents=True, exist_ok=True)
    external: list[str] = []
    page_errors: list[str] = []
    times: dict[str, float] = {}
    wrong: dict[str, list[str]] = {}
    vocabulary = dataset_vocabulary(server["dataset"]) if server["source"] == "demo" else set()
    vocabulary.add(getpass.getuser())  # who ran the CLI ingest: a person's account name, shown as 导入人 on 数据
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=BROWSER_ARGS)
        context = offline_context(browser, external, height=900)
        page = context.new_page()
        page.on("pageerror", lambda e: page_errors.append(str(e)))

        t0 = time.perf_counter()
        page.goto(server["url"] + "/")
        page.wait_for_function(WAIT_IDLE, arg=PAGES[0][2], timeout=120_000)
        times["首次打开（总览）"] = round(time.perf_counter() - t0, 2)

        added_target = False
        for label, path, title in PAGES:
            t0 = time.perf_counter()
            page.locator('[data-testid="stSidebarNav"] a').filter(has_text=label).first.click()
            page.wait_for_function(WAIT_IDLE, arg=title, timeout=120_000)
            if path in GRAPH_PAGES:
                pixels = _map_pixels(page)
                times[title] = round(time.perf_counter() - t0, 2)
                assert pixels > 500, f"{title}: the chain map did not draw ({pixels})"
            else:
                times[title] = round(time.perf_counter() - t0, 2)
            assert page.locator('[data-testid="stException"]').count() == 0, f"{title}: Streamlit exception on the page"
            if path in CHECKED_PAGES:
                wrong[title] = _visible_problems(page, vocabulary)
            if path == "targets":
                # the first target goes to the what-if basket (the next page shows its effect)
                add = page.get_by_role("button", name=re.compile("加入推演"))
                if add.count():
                    add.first.click()
                    added_target = True
                    time.sleep(0.5)
                    page.wait_for_function(WAIT_IDLE, arg=title, timeout=120_000)
                    # ... and becomes a 招商线索 in one click once the user's name is known
                    name = page.get_by_label("我的名字（记录人）", exact=True).and_(page.locator("input"))
                    name.fill("浏览器测试员")
                    name.press("Enter")
                    time.sleep(0.5)
                    page.wait_for_function(WAIT_IDLE, arg=title, timeout=120_000)
                    page.get_by_role("button", name=re.compile("为第 1 名建线索")).click()
                    time.sleep(0.5)
                    page.wait_for_function(WAIT_IDLE, arg=title, timeout=120_000)
                    assert page.get_by_text("线索 #1").count() > 0, "no link to the new lead"
            if path == "cypher":
                # a query returning nodes and relationships: table plus result graph, drawn offline
                box = page.get_by_label("查询语句")
                box.fill("MATCH (s:Segment)-[r:SUPPLIES]->(t:Segment) RETURN s, r, t LIMIT 25")
                box.press("Control+Enter")
                time.sleep(0.5)
                page.wait_for_function(WAIT_IDLE, arg=title, timeout=120_000)
                page.get_by_role("button", name="运行查询").click()
                time.sleep(0.5)
                page.wait_for_function(WAIT_IDLE, arg=title, timeout=120_000)
                assert page.get_by_text("行，用时").count() > 0, "the console shows no result line"
                page.get_by_role("tab", name=re.compile("图（")).click()
                frame = _graph_frame(page)
                assert frame is not None and frame.evaluate(CANVAS_PIXELS) > 200, "console result graph is blank"
            if path == "whatif" and added_target:
                assert page.get_by_text("环节变化").count() > 0, "what-if shows no result for the added target"
            name = path or "overview"
            if path == "chain":
                # the README picture: the first screen of the chain map page
                page.set_viewport_size({"width": 1440, "height": 1000})
                time.sleep(0.8)
                page.screenshot(path=str(SHOTS / "chain-map.png"))
                if os.environ.get("INDMAP_UPDATE_SCREENSHOT"):  # refresh the README's picture on request only
                    shutil.copyfile(SHOTS / "chain-map.png", ROOT / "docs" / "chain-map.png")
            _full_screenshot(page, SHOTS / f"{name}.png")

        if added_target:
            # the lead is kept in the workspace: a fresh load of its link (a new session) shows it
            page.goto(server["url"] + "/leads?lead=1&user=浏览器测试员")
            page.wait_for_function(WAIT_IDLE, arg="招商线索", timeout=120_000)
            page.reload()
            page.wait_for_function(WAIT_IDLE, arg="招商线索", timeout=120_000)
            assert page.get_by_text(re.compile("线索 #1：")).count() > 0, "the lead is gone after a reload"
            assert page.get_by_label("我的名字（记录人）", exact=True).and_(page.locator("input")).input_value() == "浏览器测试员"
            assert page.locator('[data-testid="stException"]').count() == 0
            _full_screenshot(page, SHOTS / "lead.png")

        # a shareable link opens the same chain and segment
        page.goto(server["url"] + "/gaps")
        page.wait_for_function(WAIT_IDLE, arg="缺链清单", timeout=120_000)
        # export: CSV (BOM) and Excel, read back
        with page.expect_download(timeout=60_000) as dl:
            page.get_by_role("button", name="导出 CSV").click()
        raw = Path(dl.value.path()).read_bytes()
        assert raw.startswith(b"\xef\xbb\xbf"), "CSV export must start with a UTF-8 BOM"
        header = raw.decode("utf-8-sig").splitlines()[0].split(",")
        assert {"产业链", "环节", "标签", "补链优先级（0–100）", "理由"} <= set(header), header
        with page.expect_download(timeout=60_000) as dl:
            page.get_by_role("button", name="导出 Excel").click()
        import openpyxl

        wb = openpyxl.load_workbook(io.BytesIO(Path(dl.value.path()).read_bytes()))
        assert wb.sheetnames == ["缺链清单", "参数", "说明"]
        ws = wb["缺链清单"]
        assert ws.max_row == len(raw.decode("utf-8-sig").splitlines())
        heads = [c.value for c in ws[1]]
        assert "本地营收（万元）" in heads and not any(re.fullmatch(r"[a-z_]+", h or "") for h in heads), heads  # Chinese headers with units
        cols = {h: [row[j] for row in ws.iter_rows(min_row=2, values_only=True)] for j, h in enumerate(heads)}
        assert set(cols["标签"]) <= {"断链", "缺链", "弱链", "强链"} and cols["标签"], "labels in Chinese"
        assert set(cols["位置"]) <= {"上游", "中游", "下游"}
        prio = [v for v in cols["补链优先级（0–100）"] if isinstance(v, (int, float))]
        assert prio and all(round(v, 1) == v for v in prio), "priorities rounded to one decimal"
        assert all(round(v, 1) == v for v in cols["本地营收（万元）"] if isinstance(v, (int, float)))
        assert [c.value for c in wb["参数"][1]] == ["参数", "取值"] and wb["参数"].max_row > 10
        assert "数据来源" in [c.value for c in wb["说明"]["A"]]

        # 生成报告 on the chain map page: a Word file with the map picture and tables, a PDF with its text
        page.goto(server["url"] + "/chain")
        page.wait_for_function(WAIT_IDLE, arg="产业链图谱", timeout=120_000)
        with page.expect_download(timeout=120_000) as dl:
            page.get_by_role("button", name="生成报告（Word）").click()
        import docx

        doc = docx.Document(io.BytesIO(Path(dl.value.path()).read_bytes()))
        assert doc.paragraphs[0].text.endswith("招商报告") and len(doc.inline_shapes) == 1 and len(doc.tables) >= 3
        with page.expect_download(timeout=120_000) as dl:
            page.get_by_role("button", name="生成报告（PDF）").click()
        from pypdf import PdfReader

        pdf_text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(Path(dl.value.path()).read_bytes())).pages)
        assert doc.paragraphs[0].text in re.sub(r"\s+", "", pdf_text)

        # the browser's print view hides the sidebar and menus
        page.emulate_media(media="print")
        assert not page.locator('[data-testid="stSidebar"]').is_visible()
        assert not page.locator('[data-testid="stHeader"]').is_visible()
        assert page.locator('[data-testid="stMain"] h1').is_visible()
        page.screenshot(path=str(SHOTS / "chain-print.png"), full_page=False)
        page.emulate_media(media="screen")
        assert page.locator('[data-testid="stSidebar"]').is_visible()

        assert page.locator('[data-testid="stException"]').count() == 0
        browser.close()

    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "page_times.json").write_text(json.dumps({"store": server["source"], "seconds": times, "server_start_s": server["start_s"]}, ensure_ascii=False, indent=1), encoding="utf-8")
    print(f"\npage render times (s), store from {server['source']}:")
    for k, v in times.items():
        print(f"  {k:<16} {v:6.2f}")
    assert external == [], f"requests left localhost: {sorted(set(external))[:10]}"
    # no English, None or nan in the visible text of the bureau's pages
    assert {k: v for k, v in wrong.items() if v} == {}, wrong
    server["log"].seek(0)
    log_text = server["log"].read()
    # the server itself must not look up its external IP (checkip.amazonaws.com) either
    assert "External URL" not in log_text and "external IP" not in log_text, log_text[-2000:]
    assert page_errors == [], f"JavaScript errors: {page_errors[:5]}"


def _goto(page, url: str, title: str) -> None:
    page.goto(url)
    page.wait_for_function(WAIT_IDLE, arg=title, timeout=120_000)


def _rerun_settled(page, title: str) -> None:
    time.sleep(0.6)
    page.wait_for_function(WAIT_IDLE, arg=title, timeout=120_000)


def _select_text(box) -> str:
    """A selectbox's label and the option shown (the option is the value of its input)."""
    return box.evaluate("(e) => e.textContent + ' ' + Array.from(e.querySelectorAll('input')).map((i) => i.value).join(' ')")


def _panel_title(page) -> str:
    return page.locator('[data-testid="stMain"] h4').first.inner_text()


def _metric(page, label: str) -> str:
    box = page.locator('[data-testid="stMetric"]').filter(has=page.locator('[data-testid="stMetricLabel"]', has_text=label)).first
    return box.locator('[data-testid="stMetricValue"]').inner_text().strip()


def test_the_bureaus_everyday_path(server):
    """Issue 11: a click on a map node changes the panel; the park page opens on the park's chain; the
    project figures follow the park filter; the what-if chart draws bars; the company search finds a
    company by part of its name and opens its page."""
    from playwright.sync_api import sync_playwright

    if server["source"] != "demo":
        pytest.skip("the everyday path is written against the demo dataset")
    SHOTS.mkdir(parents=True, exist_ok=True)
    url = server["url"]
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=BROWSER_ARGS)
        page = browser.new_context(viewport={"width": 1440, "height": 1000}, locale="zh-CN").new_page()
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))

        # ---- chain map: a click on a node selects that segment (panel, picker and URL follow)
        _goto(page, f"{url}/chain?chain=NEV&segment=NEV-M01", "产业链图谱")
        assert _map_pixels(page) > 500
        before = _panel_title(page)
        ids = page.evaluate("() => window.indmapChainMap.body.data.nodes.getIds().filter((i) => !String(i).startsWith('__'))")
        target = next(i for i in ids if i == "NEV-D01")  # 充换电基础设施
        x, y = page.evaluate(NODE_XY, target)
        page.mouse.click(x, y)
        _rerun_settled(page, "产业链图谱")
        deadline = time.time() + 20
        while "segment=NEV-D01" not in page.url and time.time() < deadline:
            time.sleep(0.2)
        assert "segment=NEV-D01" in page.url, page.url
        after = _panel_title(page)
        assert after != before and "充换电基础设施" in after, (before, after)
        picker = page.locator('[data-testid="stMain"] [data-testid="stSelectbox"]').filter(has_text="选择环节").first
        assert "充换电基础设施" in _select_text(picker)
        page.screenshot(path=str(SHOTS / "chain-click.png"))
        # scope 园区: the picker's label and the panel's label change together
        page.locator('[data-testid="stMain"] [data-testid="stButtonGroup"] button').filter(has_text="园区").click()
        _rerun_settled(page, "产业链图谱")
        label = _select_text(picker)
        panel = _panel_title(page)
        assert any(w in label and w in panel for w in ("断链", "缺链", "弱链", "强链")), (label, panel)

        # ---- 园区: a new-energy-vehicle park opens on its own chain, not the first chain of the list
        _goto(page, f"{url}/parks?park=P13", "园区")
        chain_box = page.locator('[data-testid="stMain"] [data-testid="stSelectbox"]').filter(has_text="产业链").first
        chosen = _select_text(chain_box)
        assert "主导产业链" in chosen and "集成电路" not in chosen, chosen
        assert _map_pixels(page) > 500

        # ---- 项目: every figure follows the park filter
        _goto(page, f"{url}/projects", "项目跟踪")
        total_all = int(_metric(page, "项目总数"))
        _goto(page, f"{url}/projects?park=P13", "项目跟踪")
        total_park = int(_metric(page, "项目总数"))
        assert 0 < total_park < total_all
        assert page.get_by_text("漏斗（东城区新能源汽车产业园）").count() == 1
        funnel_counts = page.locator('[data-testid="stMain"] [data-testid="stTab"]').first  # tabs follow too
        assert funnel_counts.count() == 1

        # ---- 推演: the before/after chart draws bars
        _goto(page, f"{url}/whatif?add=002364.SZ~NEV-D01", "推演：补链之后")
        chart = page.locator('[data-testid="stVegaLiteChart"]').first
        chart.scroll_into_view_if_needed()
        time.sleep(1.0)
        png = chart.screenshot()
        from PIL import Image

        img = Image.open(io.BytesIO(png)).convert("RGB")
        green = sum(1 for p in img.getdata() if abs(p[0] - 0x2E) < 20 and abs(p[1] - 0x9D) < 20 and abs(p[2] - 0x57) < 20)
        grey = sum(1 for p in img.getdata() if abs(p[0] - 0xA3) < 12 and abs(p[1] - 0xAA) < 12 and abs(p[2] - 0xB3) < 12)
        assert green > 300 and grey > 300, (green, grey)  # bars after (green) and before (grey)
        page.reload()
        page.wait_for_function(WAIT_IDLE, arg="推演：补链之后", timeout=120_000)
        assert page.get_by_text("推演清单（1）").count() == 1  # the basket survives the reload
        _full_screenshot(page, SHOTS / "whatif.png")

        # ---- 企业: part of a name finds the company; its link opens the profile
        _goto(page, f"{url}/company", "企业")
        box = page.get_by_label("查找企业", exact=True).and_(page.locator("input"))
        box.fill("宁德")
        box.press("Enter")
        _rerun_settled(page, "企业")
        first = page.locator('[data-testid="stMain"] [data-testid="stPageLink"] a').filter(has_text="宁德时代").first
        first.click()
        _rerun_settled(page, "企业")
        deadline = time.time() + 20
        while page.locator('[data-testid="stMain"] h3').filter(has_text="宁德时代").count() == 0 and time.time() < deadline:
            time.sleep(0.2)
        assert page.locator('[data-testid="stMain"] h3').filter(has_text="宁德时代").count() > 0
        _full_screenshot(page, SHOTS / "company.png")
        assert page.locator('[data-testid="stException"]').count() == 0
        browser.close()
    assert errors == [], errors[:5]
