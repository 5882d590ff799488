"""``indmap parks`` on the hand-built province (tests/park_fixture.py): JSON keys, --set home_region, Chinese tables."""

from __future__ import annotations

import csv
import io
import json

import pytest

import cli.analysis as ca
from cli import main
from graph.view import GraphView
from tests.park_fixture import park_tables


@pytest.fixture()
def province(monkeypatch):
    view = GraphView(park_tables())
    monkeypatch.setattr(ca, "load_view", lambda args, settings: view)
    monkeypatch.delenv("INDMAP_ANALYSIS__HOME_REGION", raising=False)
    return view


def run(capsys, *argv):
    rc = main(list(argv))
    out, err = capsys.readouterr()
    return rc, out, err


def test_json_gains_ranking_by_city_and_cohesion(province, capsys):
    rc, out, err = run(capsys, "parks", "--format", "json")
    assert rc == 0
    d = json.loads(out)
    assert set(d) == {"period", "previous_period", "overlap", "concentration", "scale", "speed", "ranking", "by_city", "cohesion"}
    top = d["ranking"]["scale"][0]
    assert {k: top[k] for k in ("park_id", "park_name", "city_code", "score", "rank")} == {"park_id": "Z1", "park_name": "郑州高新区", "city_code": "4101", "score": 1.0, "rank": 1}
    assert top["parts"] == {"revenue": 1.0, "fixed_investment": 1.0, "tax": 1.0, "profit": 1.0}
    assert d["ranking"]["speed"][0]["park_id"] == "H3" and d["scale"] == d["ranking"]["scale"]
    assert d["by_city"][0] == {"city_code": "4101", "city_name": "郑州市", "home": False, "parks": 4, "top10_scale": 4, "top10_speed": 3, "star2plus": 4}
    assert {r["park_id"]: (r["cohesion"], r["flag"]) for r in d["cohesion"]}["H2"] == (0.0, "区内企业关联性不强")
    assert d["ranking"]["home_region"] == "410300" and d["ranking"]["home_inferred"] is True
    assert "本市按本地企业最多的城市推断为洛阳市" in err


def test_the_home_note_is_printed_once(province, capsys):
    # the full table printed 本市按…推断为洛阳市… twice on a terminal: on stderr and again under 本市对比
    rc, out, err = run(capsys, "parks")
    assert rc == 0 and (out + err).count("本市按本地企业最多的城市推断为洛阳市") == 1
    rc, out, err = run(capsys, "parks", "--report", "scale")
    assert rc == 0 and (out + err).count("本市按本地企业最多的城市推断为洛阳市") == 1


def test_set_home_region_like_other_settings(province, capsys):
    rc, out, err = run(capsys, "parks", "--format", "json", "--report", "by_city", "--set", "home_region=4101")
    assert rc == 0
    rows = json.loads(out)
    assert [r["city_code"] for r in rows if r["home"]] == ["4101"]
    assert '"home_region":"410100"' in err and "本市：郑州市（4101，按「本市」设置）" in err
    rc, _, err = run(capsys, "parks", "--set", "home_region=999999")
    assert rc == 2 and "错误：「本市」设置 '999999' 不是已知的行政区划代码" in err


def test_table_is_chinese_with_units_and_no_none(province, capsys):
    rc, out, _ = run(capsys, "parks")
    assert rc == 0
    for text in ("十强中本市 2 家，最多的郑州市 4 家", "十快中本市 3 家，与郑州市、焦作市并列最多", "== 十强（规模） (scale)，2025 较 2024 ==",
                 "得分(0–1)", "1000万元", "0.3万元/亩", "区内企业关联性不强", "75.0%", "无数据", "-50.0个百分点", "缺少税收数据（计0）"):
        assert text in out, text
    assert "None" not in out and "nan" not in out.lower()
    rc, out, _ = run(capsys, "parks", "--report", "by_city")
    assert out.splitlines()[1].split() == ["城市", "城市代码", "本市", "园区数", "十强", "十快", "二星级及以上"]


def test_csv_one_report_with_english_keys(province, capsys):
    rc, out, _ = run(capsys, "parks", "--report", "cohesion", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert rc == 0 and [r["park_id"] for r in rows] == ["H1", "H2", "H3"]
    assert rows[0]["cohesion"] == str(2 / 3) and rows[2]["cohesion"] == ""
    rc, _, err = run(capsys, "parks", "--format", "csv")
    assert rc == 2 and "请用 --report 指定" in err


def test_overlap_table_names_shared_segments_csv_and_json_keep_ids(province, capsys):
    # the round-10 audit: the 同质化 table listed shared segments by id (B1 …) where people read names
    names = dict(zip(province.tables["segments"].get_column("id").to_list(), province.tables["segments"].get_column("name").to_list()))
    rc, out, _ = run(capsys, "parks", "--report", "overlap")
    row = next(line for line in out.splitlines() if line.startswith("洛阳高新区  洛阳经开区"))
    assert rc == 0 and row.split()[-1] == names["B1"]
    rc, out, _ = run(capsys, "parks", "--report", "overlap", "--format", "json")
    assert rc == 0 and json.loads(out)[0]["shared_segments"] == ["B1"]
    rc, out, _ = run(capsys, "parks", "--report", "overlap", "--format", "csv")
    assert rc == 0 and "B1" in next(csv.DictReader(io.StringIO(out)))["shared_segments"]


def test_per_mu_and_area_read_like_the_app(province, capsys):
    # the round-10 audit: 9万元/亩 beside 26.6万元/亩, and 60430亩 where the app shows 60,430亩
    rc, out, _ = run(capsys, "parks", "--report", "figures")
    assert rc == 0
    zheng = next(line for line in out.splitlines() if line.startswith("郑州高新区")).split()
    assert zheng[3:6] == ["10,000亩", "0.1万元/亩", "0.0万元/亩"]
    assert "0万元/亩" not in out.replace("0.0万元/亩", "")
