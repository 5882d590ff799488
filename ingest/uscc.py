"""The one check of 统一社会信用代码 (unified social credit code, GB 32100), and how codes are made.

The rule is python-stdnum's :mod:`stdnum.cn.uscc`, which matches the data contract (18
characters; the first 8 digits, the rest from the code's alphabet without I, O, S, V, Z; the
GB 32100 check character last). :func:`valid` applies it to a whole column at once with numpy
(a million codes in milliseconds, where stdnum takes seconds); a test holds its verdicts equal
to stdnum's. :func:`why_invalid` lets stdnum say what is wrong with one code. :func:`make_codes`
builds well-formed codes for the demo and benchmark generators.

>>> valid(pl.Series(["91110000600037341L", "91110000600037341A", None, "9111000060003734IL"])).to_list()
[True, False, False, False]
>>> make_codes(["370102"], [[1, 2, 3, 4, 5, 6, 7, 8]])[0]
'91370102123456788X'
"""

from __future__ import annotations

from typing import Sequence

import numpy as np
import polars as pl

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = np.array((1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28), dtype=np.int64)
ORG_WEIGHTS = np.array((3, 7, 9, 10, 5, 8, 4, 2), dtype=np.int64)  # GB 11714 organisation code
FORMAT_RE = r"^[0-9]{8}[0-9A-HJ-NPQRTUWXY]{10}$"
_LUT = np.zeros(256, dtype=np.int64)
for _j, _ch in enumerate(ALPHABET):
    _LUT[ord(_ch)] = _j


def _check_values(values: np.ndarray) -> np.ndarray:
    """GB 32100 check values (alphabet indexes) of ``(n, 17)`` alphabet indexes."""
    return (31 - (values[:, :17] @ WEIGHTS) % 31) % 31


def valid(codes: pl.Series) -> pl.Series:
    """True where the code is valid (stdnum's rule, vectorised); null and malformed are False."""
    fmt = codes.str.contains(FORMAT_RE).fill_null(False)
    ok = np.zeros(len(codes), dtype=bool)
    idx = fmt.arg_true().to_numpy()
    if len(idx):
        blob = codes.gather(idx).str.join("").item().encode("ascii")
        v = _LUT[np.frombuffer(blob, dtype=np.uint8).reshape(-1, 18)]
        ok[idx] = v[:, 17] == _check_values(v)
    return pl.Series(ok)


def why_invalid(code: str) -> tuple[str, dict]:
    """Why ``code`` (already compacted) is invalid: a reason key and its details, from stdnum.

    >>> why_invalid("91110000600037341"), why_invalid("91110000600037341A")
    (('length', {'n': 17}), ('checksum', {'want': 'L', 'got': 'A'}))
    >>> why_invalid("9111000060003734IL"), why_invalid("9111000A600037341L")
    (('char', {'char': 'I'}), ('head', {'char': 'A'}))
    """
    from stdnum.cn import uscc  # imported for an invalid code only (an ingest of valid codes never imports stdnum)
    from stdnum.exceptions import InvalidChecksum, InvalidLength, ValidationError

    try:
        uscc.validate(code)
    except InvalidLength:
        return "length", {"n": len(code)}
    except InvalidChecksum:
        return "checksum", {"want": uscc.calc_check_digit(code), "got": code[-1]}
    except ValidationError:
        bad = [c for c in code[:8] if not c.isdigit()]
        if bad:
            return "head", {"char": bad[0]}
        bad = [c for c in code[8:] if c not in ALPHABET]
        return ("char", {"char": bad[0]}) if bad else ("other", {})
    return "other", {}


def compact(code: str) -> str:
    """stdnum's spelling of a code: spaces and hyphens dropped, upper case."""
    from stdnum.cn import uscc

    return uscc.compact(code)


def _org_check(org: np.ndarray) -> np.ndarray:
    """GB 11714 check of ``(n, 8)`` organisation-code values (digits 0-9, letters A=10 ...): 0-10, 10 = 'X'."""
    return (11 - (org * ORG_WEIGHTS).sum(axis=1) % 11) % 11  # 11 -> 0 by the % 11


def org_check_char(base8: str) -> str:
    """The GB 11714 check character of an 8-character organisation code.

    >>> org_check_char("D2143569")  # the standard's worked example
    'X'
    """
    vals = np.array([[int(c) if c.isdigit() else ord(c) - 55 for c in base8]], dtype=np.int64)
    c = int(_org_check(vals)[0])
    return "X" if c == 10 else str(c)


def make_codes(regions: Sequence[str], org_digits: Sequence[Sequence[int]] | np.ndarray) -> list[str]:
    """Well-formed codes: ``9`` (市场监管) ``1`` (企业), the region, an organisation code of 8 digits
    plus its GB 11714 check character, then the GB 32100 check character."""
    n = len(regions)
    if n == 0:
        return []
    reg = np.frombuffer("".join(regions).encode("ascii"), dtype=np.uint8).reshape(n, 6).astype(np.int64) - ord("0")
    org = np.asarray(org_digits, dtype=np.int64).reshape(n, 8)
    c9 = _org_check(org)
    c9_val = np.where(c9 == 10, ALPHABET.index("X"), c9)
    vals = np.concatenate([np.full((n, 1), 9), np.full((n, 1), 1), reg, org, c9_val[:, None]], axis=1)
    vals = np.concatenate([vals, _check_values(vals)[:, None]], axis=1)
    chars = np.frombuffer(ALPHABET.encode("ascii"), dtype=np.uint8)[vals].astype(np.uint8)
    return chars.view("S18").ravel().astype("U18").tolist()
