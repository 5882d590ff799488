"""An ingest imports only what it needs before the engine's first COPY: the header guesser (rapidfuzz) and
the credit-code explainer (python-stdnum) only when a header is left to guess or a code is invalid."""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import DEMO, ROOT

RUN = (
    "import sys\n"
    "import cli\n"
    "cli.exit_now = lambda code: None\n"
    "code = cli.main(['ingest', sys.argv[1], '--store', sys.argv[2], '--quiet'])\n"
    "print(code, 'rapidfuzz' in sys.modules, 'stdnum' in sys.modules)\n"
)


def _ingest(folder, store) -> list[str]:
    out = subprocess.run([sys.executable, "-c", RUN, str(folder), str(store)], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    return out.stdout.split()[-3:]


def test_an_ingest_of_matching_headers_and_valid_codes_imports_neither_rapidfuzz_nor_stdnum(tmp_path):
    assert _ingest(DEMO, tmp_path / "s.lbug") == ["0", "False", "False"]


def test_an_invalid_credit_code_is_still_explained_by_stdnum(tmp_path):
    import shutil

    folder = tmp_path / "ds"
    shutil.copytree(DEMO, folder)
    ent = folder / "enterprises.csv"
    lines = ent.read_text(encoding="utf-8").splitlines()
    header = lines[0].split(",")
    col = header.index("credit_code")
    row = lines[1].split(",")
    row[col] = row[col][:-1] + ("A" if row[col][-1] != "A" else "B")  # a wrong check character
    lines[1] = ",".join(row)
    ent.write_text("\n".join(lines) + "\n", encoding="utf-8")
    code, fuzzy, stdnum = _ingest(folder, tmp_path / "s.lbug")
    assert (fuzzy, stdnum) == ("False", "True")
