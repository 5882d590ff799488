"""The CJK font that PDF reports embed and chain-map pictures are drawn with.

PDF writers embed TrueType outlines reliably; the Noto CJK files of Debian's
``fonts-noto-cjk`` hold CFF outlines, which fpdf2 embeds with glyph widths that
some PDF readers mis-space (text extraction breaks characters apart). So only
fonts with TrueType outlines (a ``glyf`` table) that cover common Chinese are
used: the ``report_font`` setting when given, else the first of the
well-known files below, else any such font that fontconfig lists for Chinese.
``scripts/install-fonts`` (run by ``scripts/run``) installs WenQuanYi Micro
Hei (``fonts-wqy-microhei``) when none is present. Nothing is downloaded at run
time.
"""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

# TrueType-outline CJK fonts of common Linux distributions and Windows/macOS, in order of preference
KNOWN_FONTS: tuple[str, ...] = (
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/wqy-microhei/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/wqy-zenhei/wqy-zenhei.ttc",
    "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
    "/usr/share/fonts/truetype/arphic/uming.ttc",
    "C:/Windows/Fonts/msyh.ttc",
    "C:/Windows/Fonts/simhei.ttf",
    "/System/Library/Fonts/Supplemental/Arial Unicode.ttf",
)
SAMPLE = "产业链招商报告缺断弱强环节"  # characters every report needs

FIX = "请安装中文字体后重试：在 Debian/Ubuntu 上运行 `./scripts/install-fonts`（即 `apt-get install fonts-wqy-microhei`），或用设置 INDMAP_REPORT_FONT 指向一个 TrueType 中文字体文件（.ttf/.ttc）。"


class FontMissing(RuntimeError):
    """No usable CJK font: the message (Chinese) names the fix."""


@dataclass(frozen=True)
class CjkFont:
    path: Path
    index: int  # face number inside a .ttc collection
    family: str


def _face(path: Path) -> CjkFont | None:
    """The first face of ``path`` with TrueType outlines covering :data:`SAMPLE`, else None."""
    from fontTools.ttLib import TTCollection, TTFont, TTLibError

    try:
        if path.suffix.lower() == ".ttc":
            faces = list(TTCollection(str(path), lazy=True).fonts)
        else:
            faces = [TTFont(str(path), lazy=True)]
    except (OSError, TTLibError, AssertionError):
        return None
    for i, face in enumerate(faces):
        try:
            if "glyf" not in face:
                continue
            cmap = face.getBestCmap() or {}
            if all(ord(ch) in cmap for ch in SAMPLE):
                name = face["name"].getDebugName(1) or path.stem
                return CjkFont(path, i, name)
        except Exception:  # noqa: BLE001 - a broken font file is skipped, not fatal
            continue
    return None


def _fontconfig_candidates() -> list[Path]:
    if not shutil.which("fc-list"):
        return []
    try:
        out = subprocess.run(["fc-list", ":lang=zh", "file"], capture_output=True, text=True, timeout=10, check=False).stdout
    except (OSError, subprocess.SubprocessError):
        return []
    files = sorted({line.split(":")[0].strip() for line in out.splitlines() if line.strip()})
    return [Path(f) for f in files if f.lower().endswith((".ttf", ".ttc"))]


@lru_cache(maxsize=8)
def find_cjk_font(preferred: str = "") -> CjkFont:
    """The font reports use; :class:`FontMissing` (with the fix) when there is none.

    ``preferred`` (the ``report_font`` setting) must itself be usable when given.
    """
    if preferred:
        p = Path(preferred).expanduser()
        font = _face(p) if p.is_file() else None
        if font is None:
            raise FontMissing(f"设置的报告字体 {preferred} 不存在，或不是含中文字形的 TrueType 字体。{FIX}")
        return font
    for f in KNOWN_FONTS:
        p = Path(f)
        if p.is_file() and (font := _face(p)) is not None:
            return font
    for p in _fontconfig_candidates():
        if (font := _face(p)) is not None:
            return font
    raise FontMissing(f"未找到可嵌入 PDF 的中文字体（TrueType）。{FIX}")
