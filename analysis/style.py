"""One place for the look of every figure, above all a font that can draw Chinese.

Section and leader names in the scenarios are Chinese (行政科, 局长); with matplotlib's default
DejaVu Sans they come out as empty boxes. ``setup()`` finds a CJK font (Debian: fonts-noto-cjk
or fonts-wqy-zenhei), registers it even if matplotlib's font cache predates its installation,
and puts it first in the sans-serif list. Without one, ``zh(name, fallback)`` lets a figure
show the ASCII id instead of boxes.
"""
from __future__ import annotations

import subprocess
import warnings
from pathlib import Path

import matplotlib as mpl
from matplotlib import font_manager

# preferred first; all of them carry Simplified Chinese
CJK_FAMILIES = ("Noto Sans CJK SC", "Source Han Sans SC", "WenQuanYi Zen Hei", "WenQuanYi Micro Hei",
                "Noto Serif CJK SC", "AR PL UMing CN", "SimHei", "Microsoft YaHei", "PingFang SC")
_FONT_DIRS = ("/usr/share/fonts", "/usr/local/share/fonts", "~/.local/share/fonts", "~/.fonts")
_FONT_GLOBS = ("*CJK*", "wqy*", "*uming*")

_state: dict = {}


def _register_system_fonts() -> None:
    """Add CJK font files matplotlib's cached font list does not know yet (installed after the cache)."""
    paths: set[str] = set()
    try:
        out = subprocess.run(["fc-list", ":lang=zh", "file"], capture_output=True, text=True, timeout=10).stdout
        paths |= {line.split(":")[0].strip() for line in out.splitlines() if line.strip()}
    except (OSError, subprocess.SubprocessError):
        pass
    for d in map(Path, _FONT_DIRS):
        d = d.expanduser()
        if d.is_dir():
            paths |= {str(p) for g in _FONT_GLOBS for p in d.rglob(g) if p.is_file()}
    known = {f.fname for f in font_manager.fontManager.ttflist}
    for p in sorted(paths - known):
        try:
            font_manager.fontManager.addfont(p)
        except Exception:  # an unreadable file is just skipped
            pass


def cjk_font() -> str | None:
    """Name of a font family that draws Chinese, or None."""
    if "font" not in _state:
        names = {f.name for f in font_manager.fontManager.ttflist}
        if not any(f in names for f in CJK_FAMILIES):
            _register_system_fonts()
            names = {f.name for f in font_manager.fontManager.ttflist}
        _state["font"] = next((f for f in CJK_FAMILIES if f in names), None)
    return _state["font"]


def setup() -> str | None:
    """Apply the house style; returns the CJK family in use (None: Chinese falls back to ids)."""
    font = cjk_font()
    if font and mpl.rcParams["font.sans-serif"][:1] != [font]:
        mpl.rcParams["font.sans-serif"] = [font, *[f for f in mpl.rcParams["font.sans-serif"] if f != font]]
    mpl.rcParams["font.family"] = "sans-serif"
    mpl.rcParams["axes.unicode_minus"] = False  # CJK fonts often lack U+2212
    mpl.rcParams["axes.spines.top"] = False
    mpl.rcParams["axes.spines.right"] = False
    mpl.rcParams["figure.dpi"] = 100
    mpl.rcParams["savefig.dpi"] = 130
    mpl.rcParams["savefig.bbox"] = "tight"
    _notebook_display()
    if font is None and not _state.get("warned"):
        _state["warned"] = True
        warnings.warn("no CJK font found (install fonts-noto-cjk or fonts-wqy-zenhei); Chinese names are "
                      "replaced by ids in figures", stacklevel=2)
    return font


def _notebook_display() -> None:
    """In IPython, show a returned Figure as PNG: figures here are built without pyplot (no global
    state, no double display), so the inline backend's formatter may never have been registered."""
    if _state.get("ipython"):
        return
    _state["ipython"] = True
    try:
        from IPython import get_ipython
        from IPython.core.pylabtools import select_figure_formats
    except ImportError:
        return
    ip = get_ipython()
    if ip is not None and hasattr(ip, "display_formatter"):  # solara's server has a stand-in IPython without one
        select_figure_formats(ip, {"png"}, bbox_inches="tight")


def has_cjk() -> bool:
    return cjk_font() is not None


def zh(text: str | None, fallback: str) -> str:
    """``text`` if it can be drawn (ASCII, or a CJK font is present), else ``fallback``."""
    if not text:
        return fallback
    return text if text.isascii() or has_cjk() else fallback


def colours(n: int) -> list:
    """n distinct colours: tab10 while it lasts, then tab20."""
    cmap = mpl.colormaps["tab10" if n <= 10 else "tab20"]
    return [cmap(i % cmap.N) for i in range(n)]
