"""Dataset documents (README.md, SOURCES.md) as markdown that makes no browser fetch anything.

A dataset comes from outside; its README is shown to every visitor of the 数据
page. A markdown image (``![x](https://tracker/pixel.png)``) would make each
visitor's browser request that URL. So images become text (their alt text,
no URL), links keep their text and show the address as code (not a link, not
fetched), bare URLs and ``<autolinks>`` become code too, and raw HTML is shown as text. Pure text in,
text out: no Streamlit here.
"""

from __future__ import annotations

import re

MAX_CHARS = 20_000
_IMAGE = re.compile(r"!\[([^\]]*)\]\(\s*<?([^)\s>]*)>?(?:\s+\"[^\"]*\")?\s*\)")
_IMAGE_REF = re.compile(r"!\[([^\]]*)\]\[([^\]]*)\]")
_AUTOLINK = re.compile(r"<((?:https?|ftp)://[^>\s]+)>", re.IGNORECASE)
_LINK = re.compile(r"(?<!!)\[([^\]]+)\]\(\s*<?([^)\s>]*)>?(?:\s+\"[^\"]*\")?\s*\)")
_REF_DEF = re.compile(r"^[ ]{0,3}\[([^\]]+)\]:[ \t]*<?(\S+?)>?(?:[ \t]+.*)?$", re.MULTILINE)
_URL_CHARS = r"""[^\s<>`)\]"'\u3000-\u303f\uff00-\uffef]+"""
_BARE = re.compile(rf"(?<![`\w/])((?:https?|ftp)://{_URL_CHARS}|www\.{_URL_CHARS})", re.IGNORECASE)


def _code(url: str) -> str:
    return "`" + url.replace("`", "") + "`" if url else ""


def offline_markdown(text: str) -> str:
    """Markdown with no image, link or HTML that a browser would load.

    >>> offline_markdown("![logo](https://x.example/p.png) see [site](https://x.example) or https://y.example")
    '［图片：logo］ see site（`https://x.example`） or `https://y.example`'
    """
    text = text[:MAX_CHARS]
    refs = {m.group(1).lower(): m.group(2) for m in _REF_DEF.finditer(text)}
    text = _REF_DEF.sub(lambda m: f"[{m.group(1)}]: {_code(m.group(2))}", text)
    text = _IMAGE.sub(lambda m: f"［图片：{m.group(1) or '无说明'}］", text)
    text = _IMAGE_REF.sub(lambda m: f"［图片：{m.group(1) or '无说明'}］", text)
    text = _LINK.sub(lambda m: f"{m.group(1)}（{_code(m.group(2))}）" if m.group(2) else m.group(1), text)
    text = _AUTOLINK.sub(lambda m: _code(m.group(1)), text)
    text = re.sub(r"\[([^\]]+)\]\[([^\]]*)\]", lambda m: f"{m.group(1)}（{_code(refs.get((m.group(2) or m.group(1)).lower(), ''))}）", text)
    text = re.sub(r"<(?=[A-Za-z/!?])", "&lt;", text)  # raw HTML as text (st.markdown escapes it too)
    return _protect_bare(text)


def _protect_bare(text: str) -> str:
    """Bare URLs outside code spans as code (GFM would turn them into links)."""
    parts = re.split(r"(`[^`]*`)", text)
    return "".join(p if p.startswith("`") else _BARE.sub(lambda m: _code(m.group(1)), p) for p in parts)
