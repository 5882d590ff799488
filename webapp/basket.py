"""The what-if basket: targets and projects chosen on any page to be treated as landed on 推演."""

from __future__ import annotations

import streamlit as st

WHATIF_KEY = "whatif_basket"


def basket() -> list[dict]:
    """Targets and projects chosen for 推演: dicts with kind, enterprise_id, segment_id, project_id, label."""
    return st.session_state.setdefault(WHATIF_KEY, [])


def add_to_basket(item: dict) -> bool:
    """Add ``item`` unless the same (kind, enterprise, segment, project) is already there; True if added."""
    b = basket()
    ident = (item.get("kind"), item.get("enterprise_id"), item.get("segment_id"), item.get("project_id"))
    if any((x.get("kind"), x.get("enterprise_id"), x.get("segment_id"), x.get("project_id")) == ident for x in b):
        return False
    b.append(item)
    return True


def clear_basket() -> None:
    st.session_state[WHATIF_KEY] = []
