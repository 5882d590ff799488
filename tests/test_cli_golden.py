"""Golden JSON snapshots of the analysis CLI on data/sample (regenerate: INDMAP_UPDATE_GOLDEN=1)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cli import main
from tests.helpers import check_golden, norm

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = ROOT / "tests" / "golden"

COMMANDS = {
    "gaps": ["gaps"],
    "gaps_pv_park": ["gaps", "--chain", "PV", "--scope", "park:P01"],
    "chains": ["chains"],
    "targets_pv_m03": ["targets", "--segment", "PV-M03", "--top", "10"],
    "targets_nev_u07_nogates": ["targets", "--segment", "NEV-U07", "--no-gates"],
    "parks": ["parks"],
    "projects": ["projects", "--as-of", "2026-11-27"],
    "whatif": ["whatif", "--segment", "PV-M03", "--add", "300274.SZ"],
}


@pytest.fixture(scope="module")
def sample_store(tmp_path_factory):
    store = str(tmp_path_factory.mktemp("sample") / "sample.lbug")
    assert main(["ingest", str(ROOT / "data" / "sample"), "--store", store, "--quiet"]) == 0
    return store


@pytest.mark.parametrize("name", list(COMMANDS))
def test_cli_json_matches_golden(name, sample_store, capsys):
    capsys.readouterr()
    rc = main(COMMANDS[name] + ["--store", sample_store, "--format", "json"])
    out = capsys.readouterr()
    assert rc == 0, out.err
    got = json.loads(out.out)
    assert got, f"{name}: empty output"
    # float sums may differ in the last bit between runs (parallel group-by order): compare to 9 digits
    check_golden(GOLDEN / f"cli_sample_{name}.json", got, normalise=norm)


@pytest.mark.parametrize("fmt", ["table", "csv"])
def test_cli_other_formats(fmt, sample_store, capsys):
    capsys.readouterr()
    assert main(["gaps", "--chain", "PV", "--store", sample_store, "--format", fmt]) == 0
    out = capsys.readouterr().out
    assert "PV-M03" in out and "光伏逆变器" in out


@pytest.mark.parametrize("value", ["0", "", "yes", "true"])
def test_golden_files_are_rewritten_only_with_1(value, tmp_path, monkeypatch):
    monkeypatch.setenv("INDMAP_UPDATE_GOLDEN", value)
    path = tmp_path / "g.json"
    path.write_text('{"a": 1}\n', encoding="utf-8")
    with pytest.raises(AssertionError, match="differs"):
        check_golden(path, {"a": 2})
    assert json.loads(path.read_text(encoding="utf-8")) == {"a": 1}
    monkeypatch.setenv("INDMAP_UPDATE_GOLDEN", "1")
    check_golden(path, {"a": 2})
    assert json.loads(path.read_text(encoding="utf-8")) == {"a": 2}
