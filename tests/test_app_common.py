"""Small pure helpers of the app: console parameters, demo detection."""

from __future__ import annotations

import pytest

from app_pages.common import is_demo
from app_pages.params import parse_params


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
    from app_pages.common import md

    assert md("正常企业") == "正常企业"
    assert md("[点我](javascript:alert(1))") == "\\[点我\\]\\(javascript\\:alert\\(1\\)\\)"
    assert md(":red[假标签] *粗* $x$") == "\\:red\\[假标签\\] \\*粗\\* \\$x\\$"
    assert md(None) == ""
