"""The what-if basket: targets and projects chosen on any page to be treated as landed on 推演.

The basket lives in the session (so it follows the user from page to page) and, on the 推演 page, in the
URL too (``?add=ENTERPRISE~SEGMENT&add=…&proj=PROJECT…``): a reload or a shared link shows the same
scenario. A named scenario saved in the workspace opens with ``?scenario=ID``.
"""

from __future__ import annotations

from typing import Any, Mapping

import streamlit as st

WHATIF_KEY = "whatif_basket"
ADD, PROJ, SCENARIO = "add", "proj", "scenario"
SEP = "~"


def basket() -> list[dict]:
    """Targets and projects chosen for 推演: dicts with kind, enterprise_id, segment_id, project_id, label."""
    return st.session_state.setdefault(WHATIF_KEY, [])


def _ident(item: Mapping[str, Any]) -> tuple:
    return (item.get("kind"), item.get("enterprise_id"), item.get("segment_id"), item.get("project_id"))


def add_to_basket(item: dict) -> bool:
    """Add ``item`` unless the same (kind, enterprise, segment, project) is already there; True if added."""
    b = basket()
    if any(_ident(x) == _ident(item) for x in b):
        return False
    b.append(item)
    return True


def clear_basket() -> None:
    st.session_state[WHATIF_KEY] = []


def set_basket(items: list[dict]) -> None:
    st.session_state[WHATIF_KEY] = list(items)


def to_params(items: list[dict]) -> dict[str, list[str]]:
    """Query parameters of a basket (labels are not carried: the page names things from the data).

    >>> to_params([{"kind": "target", "enterprise_id": "X1", "segment_id": "S2"}, {"kind": "project", "project_id": "PJ1"}])
    {'add': ['X1~S2'], 'proj': ['PJ1']}
    """
    return {
        ADD: [f"{x['enterprise_id']}{SEP}{x['segment_id']}" for x in items if x.get("kind") == "target"],
        PROJ: [str(x["project_id"]) for x in items if x.get("kind") == "project"],
    }


def from_params(adds: list[str], projs: list[str]) -> list[dict]:
    """A basket from query parameters (malformed entries are skipped).

    >>> from_params(["X1~S2", "bad"], ["PJ1"])
    [{'kind': 'target', 'enterprise_id': 'X1', 'segment_id': 'S2', 'label': None}, {'kind': 'project', 'project_id': 'PJ1', 'label': None}]
    """
    out: list[dict] = []
    for a in adds:
        ent, sep, seg = a.partition(SEP)
        if sep and ent and seg:
            out.append({"kind": "target", "enterprise_id": ent, "segment_id": seg, "label": None})
    out += [{"kind": "project", "project_id": p, "label": None} for p in projs if p]
    return out


def sync_with_url() -> list[dict]:
    """On the 推演 page: a basket in the URL (a reload, a shared link) replaces the session's; then the
    session's basket is written back to the URL. Returns the basket."""
    qp = st.query_params
    from_url = from_params(qp.get_all(ADD), qp.get_all(PROJ))
    current = basket()
    if from_url and [_ident(x) for x in from_url] != [_ident(x) for x in current]:
        labels = {_ident(x): x.get("label") for x in current}
        set_basket([{**x, "label": labels.get(_ident(x))} for x in from_url])
    write_url()
    return basket()


def write_url() -> None:
    """Put the session's basket into the URL (``add``/``proj``), nothing when it is empty."""
    params = to_params(basket())
    for key, values in params.items():
        if values:
            if st.query_params.get_all(key) != values:
                st.query_params[key] = values
        elif key in st.query_params:
            del st.query_params[key]
