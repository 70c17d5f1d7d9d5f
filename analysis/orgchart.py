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

from sim.structure import Structure

from . import style

SIZES = {"head": 150, "deputy": 90, "staff": 45, "commissioner": 70}
MARKERS = {"commissioner": "D"}
COLS = 3  # staff dots per row inside a section box


def _main_skill(m) -> str:
    return max(m.skills, key=m.skills.get) if m.skills else "(none)"


def _draw(ax, st: Structure, colour: dict, title: str, width: float, label_staff: bool) -> None:
    sec_w, gap, dot = 1.0, 0.25, 0.28
    x = 0.0
    rows_max = max([math.ceil(len(s.staff) / COLS) for _, s in st.sections()] or [1])
    box_h = 0.5 + rows_max * dot + 0.15
    for b in st.bodies:
        x0 = x
        for s in b.sections:
            ax.add_patch(FancyBboxPatch((x + 0.04, -box_h), sec_w - 0.08, box_h, boxstyle="round,pad=0.02",
                                        fc="#f4f4f4" if s.kind == "business" else "#e8eef8", ec="#888", lw=0.8))
            ax.text(x + sec_w / 2, -0.1, style.zh(s.name, s.id), ha="center", va="top", fontsize=8, weight="bold")
            plates = [p for p in s.nameplates if p != s.name]
            if plates:
                ax.text(x + sec_w / 2, -0.32, style.zh("牌子: " + " / ".join(plates), "plates: " + str(len(plates))),
                        ha="center", va="top", fontsize=5.5, color="#555")
            for k, m in enumerate(s.staff):
                cx = x + sec_w / 2 + (k % COLS - (COLS - 1) / 2) * dot
                cy = -0.55 - (k // COLS + 0.5) * dot
                ax.scatter([cx], [cy], s=SIZES.get(m.post, 45), c=[colour[_main_skill(m)]],
                           marker=MARKERS.get(m.post, "o"), edgecolors="black" if m.transferred else "white",
                           linewidths=1.4 if m.transferred else 0.5, zorder=3)
                if label_staff:
                    ax.text(cx, cy - 0.11, m.id, ha="center", va="top", fontsize=4.5, color="#333", zorder=4)
            ax.plot([x + sec_w / 2, x + sec_w / 2], [0.0, 0.35], color="#999", lw=0.8)
            x += sec_w
        xc = (x0 + x) / 2
        ax.plot([x0 + sec_w / 2, x - sec_w / 2], [0.35, 0.35], color="#999", lw=0.8)
        ax.plot([xc, xc], [0.35, 0.6], color="#999", lw=0.8)
        leaders = [style.zh(st.leaders[l].name if l in st.leaders else l, l) for l in dict.fromkeys(b.leaders.values())]
        ax.text(xc, 0.62, style.zh(b.name, b.id) + ("\n" + ", ".join(leaders) if leaders else ""), ha="center",
                va="bottom", fontsize=9, bbox={"boxstyle": "round", "fc": "white", "ec": "#444"})
        x += gap
    c = st.counts()
    windows = f", {c['windows']} service windows" if c["windows"] else ""
    ax.set_title(f"{title}: {c['sections']} sections, {c['one_person_sections']} one-person, "
                 f"{c['staff_per_section']:.1f} staff/section, {c['staff']} staff{windows}", fontsize=10, loc="left")
    ax.set_xlim(-0.1, width + 0.1)
    ax.set_ylim(-box_h - 0.1, 1.15)
    ax.set_axis_off()


def plot_org_chart(before: Structure, after=None, titles=("before", "after"), label_staff: bool = True) -> Figure:
    """The org chart of ``before`` and, if given, ``after`` (a Structure, or a reform: a function
    Structure -> Structure such as ``sim.reforms.compose(...)``) stacked on one shared legend."""
    style.setup()
    charts = [before] if after is None else [before, after(before) if callable(after) else after]
    skills = list(dict.fromkeys(_main_skill(m) for st in charts for _, _, m in st.staff()))
    colour = dict(zip(skills, style.colours(len(skills))))
    width = max(sum(len(b.sections) for b in st.bodies) + 0.25 * (len(st.bodies) - 1) for st in charts)
    fig = Figure(figsize=(max(7.0, 1.05 * width + 1.5), 3.4 * len(charts) + 0.8), layout="constrained")
    axes = fig.subplots(len(charts), 1, squeeze=False)[:, 0]
    for ax, st, t in zip(axes, charts, titles):
        _draw(ax, st, colour, t if t == st.name else f"{t} ({st.name})", width, label_staff)
    skill_h = [Line2D([], [], ls="", marker="o", color=colour[s], label=s) for s in skills]
    post_h = [Line2D([], [], ls="", marker=MARKERS.get(p, "o"), color="grey", markersize=math.sqrt(v) / 1.6, label=p)
              for p, v in SIZES.items()]
    post_h.append(Line2D([], [], ls="", marker="o", color="white", markeredgecolor="black", markeredgewidth=1.4,
                         markersize=6, label="moved by reform"))
    fig.legend(handles=skill_h + post_h, loc="outside lower center", ncol=min(8, len(skill_h) + len(post_h)),
               fontsize=7, frameon=False)
    return fig
