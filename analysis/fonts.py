"""A CJK font for matplotlib, so Chinese labels render instead of empty boxes.

Debian: ``apt-get install fonts-noto-cjk`` (Noto Sans CJK SC); fonts-wqy-zenhei also works.
``use_cjk_font()`` puts the first CJK font found at the front of ``font.sans-serif`` and returns
its name, or None when none is installed (the plots still draw; Chinese glyphs show as boxes).
"""
from __future__ import annotations

import matplotlib
from matplotlib import font_manager

CJK_FAMILIES = ("Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "WenQuanYi Zen Hei",
                "WenQuanYi Micro Hei", "Microsoft YaHei", "SimHei", "PingFang SC", "Heiti SC")
_HINTS = ("notosanscjk", "sourcehansans", "wqy", "msyh", "simhei", "pingfang")


def _known() -> set[str]:
    return {f.name for f in font_manager.fontManager.ttflist}


def find_cjk_font() -> str | None:
    names = _known()
    hit = next((f for f in CJK_FAMILIES if f in names), None)
    if hit is None:  # matplotlib's font cache may predate the font package: register the files
        for path in font_manager.findSystemFonts():
            if any(h in path.lower().replace("-", "").replace("_", "") for h in _HINTS):
                try:
                    font_manager.fontManager.addfont(path)
                except (OSError, RuntimeError, ValueError):
                    continue
        names = _known()
        hit = next((f for f in CJK_FAMILIES if f in names), None)
    return hit


def use_cjk_font() -> str | None:
    name = find_cjk_font()
    if name is not None:
        rest = [f for f in matplotlib.rcParams["font.sans-serif"] if f != name]
        matplotlib.rcParams["font.sans-serif"] = [name, *rest]
        matplotlib.rcParams["font.family"] = "sans-serif"
    matplotlib.rcParams["axes.unicode_minus"] = False
    return name
