"""Org chart of a structure, before and after a reform: bodies -> sections -> staff dots.

Dots are coloured by each person's main skill, so a merged large section (大科室) shows the
colours of the sections it absorbed; heads are big dots, deputies medium, commissioners
diamonds; a black ring marks staff a reform moved (they pay handover friction for a while).
Old section names kept as nameplates (加挂牌子) are printed under the new name.
"""
from __future__ import annotations

import math

from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import FancyBboxPatch

from sim.i18n import word
from sim.structure import Structure

from . import style

SIZES = {"head": 150, "deputy": 90, "staff": 45, "commissioner": 70}
MARKERS = {"commissioner": "D"}
COLS = 3  # staff dots per row inside a section box


def _main_skill(m) -> str:
    return max(m.skills, key=m.skills.get) if m.skills else "(none)"


SEC_W, BODY_GAP, DOT, ROW_GAP, HEAD_H = 1.0, 0.25, 0.28, 0.35, 1.15


def _box_h(st: Structure) -> float:
    rows = max([math.ceil(len(s.staff) / COLS) for _, s in st.sections()] or [1])
    return 0.5 + rows * DOT + 0.15


def _layout(st: Structure, max_cols: int):
    """Where each body goes: (body, x, top y, section rows). A body's sections wrap after ``max_cols``;
    bodies sit side by side and start a new band below when a band would pass ``max_cols`` sections,
    so a 50-section county stays readable. Returns the placements, the width and the height."""
    box_h = _box_h(st)
    placed, x, y, band_rows, width = [], 0.0, 0.0, 1, 0.0
    for b in st.bodies:
        rows = [b.sections[k:k + max_cols] for k in range(0, len(b.sections), max_cols)] or [[]]
        w = max(len(r) for r in rows) * SEC_W
        if x > 0 and x + w > max_cols * SEC_W + 1e-9:  # new band
            y -= HEAD_H + band_rows * (box_h + ROW_GAP)
            x, band_rows = 0.0, 1
        placed.append((b, x, y, rows))
        band_rows = max(band_rows, len(rows))
        width = max(width, x + w)
        x += w + BODY_GAP
    height = -y + HEAD_H + band_rows * (box_h + ROW_GAP)
    return placed, width, height


def _draw(ax, st: Structure, colour: dict, title: str, width: float, label_staff: bool, max_cols: int,
          lang: str = "en") -> None:
    box_h = _box_h(st)
    placed, _, height = _layout(st, max_cols)
    for b, x0, y0, rows in placed:
        for r, row in enumerate(rows):
            top = y0 - r * (box_h + ROW_GAP)
            for c, s in enumerate(row):
                x = x0 + c * SEC_W
                ax.add_patch(FancyBboxPatch((x + 0.04, top - box_h), SEC_W - 0.08, box_h, boxstyle="round,pad=0.02",
                                            fc="#f4f4f4" if s.kind == "business" else "#e8eef8", ec="#888", lw=0.8))
                ax.text(x + SEC_W / 2, top - 0.1, style.zh(s.name, s.id), ha="center", va="top", fontsize=8,
                        weight="bold")
                plates = [p for p in s.nameplates if p != s.name]
                if plates:
                    ax.text(x + SEC_W / 2, top - 0.32, style.zh("牌子: " + " / ".join(plates), "plates: " + str(len(plates))),
                            ha="center", va="top", fontsize=5.5, color="#555")
                for k, m in enumerate(s.staff):
                    cx = x + SEC_W / 2 + (k % COLS - (COLS - 1) / 2) * DOT
                    cy = top - 0.55 - (k // COLS + 0.5) * DOT
                    ax.scatter([cx], [cy], s=SIZES.get(m.post, 45), c=[colour[_main_skill(m)]],
                               marker=MARKERS.get(m.post, "o"), edgecolors="black" if m.transferred else "white",
                               linewidths=1.4 if m.transferred else 0.5, zorder=3)
                    if label_staff:
                        ax.text(cx, cy - 0.11, m.id, ha="center", va="top", fontsize=4.5, color="#333", zorder=4)
                ax.plot([x + SEC_W / 2, x + SEC_W / 2], [top, top + 0.2], color="#999", lw=0.8)
            if row:  # this row's bus bar, tied to the body's spine on the left
                ax.plot([x0 + 0.02, x0 + (len(row) - 0.5) * SEC_W], [top + 0.2, top + 0.2], color="#999", lw=0.8)
        last_top = y0 - (len(rows) - 1) * (box_h + ROW_GAP)
        ax.plot([x0 + 0.02, x0 + 0.02], [y0 + 0.35, last_top + 0.2], color="#999", lw=0.8)
        xc = x0 + max(len(r) for r in rows) * SEC_W / 2
        ax.plot([x0 + 0.02, xc], [y0 + 0.35, y0 + 0.35], color="#999", lw=0.8)
        ax.plot([xc, xc], [y0 + 0.35, y0 + 0.6], color="#999", lw=0.8)
        leaders = [style.zh(st.leaders[l].name if l in st.leaders else l, l) for l in dict.fromkeys(b.leaders.values())]
        ax.text(xc, y0 + 0.62, style.zh(b.name, b.id) + ("\n" + ", ".join(leaders) if leaders else ""), ha="center",
                va="bottom", fontsize=9, bbox={"boxstyle": "round", "fc": "white", "ec": "#444"})
    c = st.counts()
    windows = word("org_windows", lang, n=c["windows"]) if c["windows"] else ""
    ax.set_title(word("org_title", lang, title=title, sections=c["sections"], one=c["one_person_sections"],
                      per=c["staff_per_section"], staff=c["staff"], windows=windows), fontsize=10, loc="left")
    ax.set_xlim(-0.1, width + 0.1)
    ax.set_ylim(HEAD_H - height - 0.1, HEAD_H)
    ax.set_axis_off()


def plot_org_chart(before: Structure, after=None, titles=("before", "after"), label_staff: bool = True,
                   max_cols: int = 16, lang: str = "en") -> Figure:
    """The org chart of ``before`` and, if given, ``after`` (a Structure, or a reform: a function
    Structure -> Structure such as ``sim.reforms.compose(...)``) stacked on one shared legend.
    Rows hold at most ``max_cols`` sections; wider bodies and structures wrap. ``lang``: the titles'
    and legend's words (sim.i18n), for a report in Chinese."""
    style.setup()
    charts = [before] if after is None else [before, after(before) if callable(after) else after]
    skills = list(dict.fromkeys(_main_skill(m) for st in charts for _, _, m in st.staff()))
    colour = dict(zip(skills, style.colours(len(skills))))
    sizes = [_layout(st, max_cols)[1:] for st in charts]
    width = max(w for w, _ in sizes)
    heights = [h for _, h in sizes]
    fig = Figure(figsize=(max(7.0, 1.05 * width + 1.5), sum(1.45 * h for h in heights) + 0.8 + 0.25 * len(skills) / 8),
                 layout="constrained")
    axes = fig.subplots(len(charts), 1, squeeze=False, height_ratios=heights)[:, 0]
    for ax, st, t in zip(axes, charts, titles):
        _draw(ax, st, colour, t if t == st.name else f"{t} ({st.name})", width, label_staff, max_cols, lang)
    skill_h = [Line2D([], [], ls="", marker="o", color=colour[s], label=s) for s in skills]
    post_h = [Line2D([], [], ls="", marker=MARKERS.get(p, "o"), color="grey", markersize=math.sqrt(v) / 1.6,
                     label=word(f"post_{p}", lang))
              for p, v in SIZES.items()]
    post_h.append(Line2D([], [], ls="", marker="o", color="white", markeredgecolor="black", markeredgewidth=1.4,
                         markersize=6, label=word("org_moved", lang)))
    fig.legend(handles=skill_h + post_h, loc="outside lower center", ncol=min(8, len(skill_h) + len(post_h)),
               fontsize=7, frameon=False)
    return fig
