"""Where a claim holds: a global sample drawn on two of its factors, the discovered box on top.

Points where the claim holds and where it does not differ in marker shape *and* colour (Okabe and Ito's
blue circles and vermilion crosses, told apart by colour-blind readers and in greyscale). The box is
drawn on these two axes only; a side left open runs to the sampled range. Chinese text goes through
``style.setup()`` (a CJK font) like every other figure here.
"""
from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from . import style

HOLDS, FAILS = "#0072B2", "#D55E00"  # Okabe & Ito (2008), "Color Universal Design"
TEXT = {"en": {"holds": "holds", "fails": "does not hold", "box": "where it holds"},
        "zh": {"holds": "成立", "fails": "不成立", "box": "成立区域"}}


def plot_region(x, y, holds, xlabel: str, ylabel: str, title: str, box=None, xlim=None, ylim=None,
                lang: str = "en", legend: dict | None = None) -> Figure:
    """Scatter of (x, y), holding points as circles and the rest as crosses; ``box`` = ((x low, x high),
    (y low, y high)), None for an open side; ``xlim``/``ylim``: the sampled ranges; ``legend``
    replaces the legend's words (holds, fails, box)."""
    style.setup()
    x, y, holds = np.asarray(x, float), np.asarray(y, float), np.asarray(holds, bool)
    words = {**TEXT.get(lang, TEXT["en"]), **(legend or {})}
    fig = Figure(figsize=(6.2, 4.6), layout="constrained")
    ax = fig.subplots()
    ax.scatter(x[holds], y[holds], marker="o", s=22, facecolor="none", edgecolor=HOLDS, linewidth=1.1,
               label=f"{words['holds']} ({holds.sum()})")
    ax.scatter(x[~holds], y[~holds], marker="x", s=20, color=FAILS, linewidth=1.0,
               label=f"{words['fails']} ({(~holds).sum()})")
    xlim = xlim or (np.nanmin(x), np.nanmax(x))
    ylim = ylim or (np.nanmin(y), np.nanmax(y))
    if box is not None:
        (x0, x1), (y0, y1) = box
        x0, x1 = xlim[0] if x0 is None else x0, xlim[1] if x1 is None else x1
        y0, y1 = ylim[0] if y0 is None else y0, ylim[1] if y1 is None else y1
        ax.add_patch(Rectangle((x0, y0), x1 - x0, y1 - y0, fill=False, edgecolor="black", linestyle="--",
                               linewidth=1.4, label=words["box"]))
    pad = lambda lo, hi: ((hi - lo) * 0.03 or 0.5)  # noqa: E731
    ax.set_xlim(xlim[0] - pad(*xlim), xlim[1] + pad(*xlim))
    ax.set_ylim(ylim[0] - pad(*ylim), ylim[1] + pad(*ylim))
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.set_title(title, fontsize=10)
    ax.legend(fontsize=8, loc="best", framealpha=0.85)
    return fig
