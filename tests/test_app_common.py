"""Small pure helpers of the app: console parameters, demo detection."""

from __future__ import annotations

from pathlib import Path

import pytest

from webapp.context import is_demo
from webapp.params import parse_params


def test_params_from_json_and_lines():
    assert parse_params('{"chain": "NEV", "n": 3}') == {"chain": "NEV", "n": 3}
    assert parse_params('chain=NEV\nn=3\nids=["a", "b"]\n# comment\n\nflag=true') == {"chain": "NEV", "n": 3, "ids": ["a", "b"], "flag": True}
    assert parse_params("  ") == {}


def test_leading_zero_ids_stay_text():
    # not valid JSON: stays the text the analyst typed
    assert parse_params("code=00123") == {"code": "00123"}


@pytest.mark.parametrize(
    "text, message",
    [("{bad", "不是有效的 JSON"), ("[1, 2]", "必须是对象"), ("no equals sign", "名称=值"), ("1x=3", "名称=值")],
)
def test_bad_params_say_how_to_write_them(text, message):
    with pytest.raises(ValueError, match=message):
        parse_params(text)


def test_demo_detection():
    assert is_demo({"demo": True})
    assert is_demo({"dataset": "data/demo"}) and is_demo({"dataset": "/x/data/demo/"}) and is_demo({"dataset": "demo.xlsx"})
    assert not is_demo({"dataset": "data/mycity"}) and not is_demo({})
    assert is_demo({"dataset": {"demo": True}})


def test_markdown_escaping_of_data_text():
    from webapp.markdown import md

    assert md("正常企业") == "正常企业"
    assert md("[点我](javascript:alert(1))") == "\\[点我\\]\\(javascript\\:alert\\(1\\)\\)"
    assert md(":red[假标签] *粗* $x$") == "\\:red\\[假标签\\] \\*粗\\* \\$x\\$"
    assert md(None) == ""


def test_sidebar_sections_hold_every_setting_and_new_ones_land_in_other():
    from pydantic import Field
    from pydantic.fields import FieldInfo

    from graph.settings import AnalysisSettings
    from webapp.sidebar import ON_TARGETS_PAGE, OTHER_SECTION, WITH_THE_DATA, sections

    shown = [n for names in sections().values() for n in names]
    assert sorted(shown + list(ON_TARGETS_PAGE) + list(WITH_THE_DATA)) == sorted(AnalysisSettings.model_fields)
    fields: dict[str, FieldInfo] = dict(AnalysisSettings.model_fields)
    fields["some_new_setting"] = Field(None, title="新设置")
    assert sections(fields)[OTHER_SECTION] == ["some_new_setting"]


def test_sidebar_widgets_follow_the_field_metadata(tmp_path, monkeypatch):
    from streamlit.testing.v1 import AppTest

    from graph.settings import AnalysisSettings

    monkeypatch.setenv("INDMAP_STORE", str(tmp_path / "none.lbug"))
    at = AppTest.from_file(str(Path(__file__).resolve().parent.parent / "app.py"), default_timeout=60).run()
    assert not at.exception
    fields = AnalysisSettings.model_fields
    for name in ("overlap_threshold", "stall_days", "above_scale_revenue", "ties_saturation"):
        w = at.number_input(key=f"set__{name}")
        assert w.label == fields[name].title and w.help == fields[name].description
    assert at.number_input(key="set__overlap_threshold").max == 1.0 and at.number_input(key="set__overlap_threshold").min == 0.0
    assert at.number_input(key="set__stall_days").min == 1
    assert at.slider(key="set__priority_weights__demand").label == "本地需求"  # the title alone: no English key in a label
