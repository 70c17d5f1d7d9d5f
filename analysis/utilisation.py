"""忙闲不均 made visible: every person's utilisation, section by section, per structure."""
from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from sim.ledgers import IDLE_BELOW, OVERLOADED_ABOVE

from . import style
from .ledgers import load_ledgers


def plot_utilisation(runs, sort: str = "section") -> Figure:
    """One panel per structure, one bar per staff member (coloured by section, grouped by section
    or sorted by utilisation with ``sort='value'``), with the idle and overloaded thresholds the
    summary metrics use."""
    style.setup()
    runs = load_ledgers(runs)
    sections = list(dict.fromkeys(s for led in runs.values() for s in led.staff["section"]))
    col = dict(zip(sections, style.colours(len(sections))))
    n = max(len(led.staff) for led in runs.values())
    fig = Figure(figsize=(max(6.0, 0.22 * n + 2), 2.6 * len(runs) + 0.5), layout="constrained")
    axes = fig.subplots(len(runs), 1, squeeze=False, sharey=True)[:, 0]
    for ax, (name, led) in zip(axes, runs.items()):
        st = led.staff.copy()
        st = st.sort_values("utilisation", ascending=False, kind="stable") if sort == "value" else st
        x = np.arange(len(st))
        ax.bar(x, st["utilisation"], color=[col[s] for s in st["section"]], width=0.85)
        ax.axhline(IDLE_BELOW, color="tab:blue", ls="--", lw=0.8)
        ax.axhline(OVERLOADED_ABOVE, color="tab:red", ls="--", lw=0.8)
        ax.set_xticks(x, st["staff"], rotation=90, fontsize=7)
        ax.set_xlim(-0.6, n - 0.4)
        u = st["utilisation"]
        ax.set_title(f"{name}: mean {u.mean():.2f}, idle (<{IDLE_BELOW:.0%}) {(u < IDLE_BELOW).mean():.0%}, "
                     f"overloaded (>{OVERLOADED_ABOVE:.0%}) {(u > OVERLOADED_ABOVE).mean():.0%}", fontsize=9)
        ax.set_ylabel("utilisation")
        ax.set_ylim(0, 1.05)
    handles = [Patch(color=col[s], label=s) for s in sections]
    fig.legend(handles=handles, loc="outside right upper", fontsize=7, title="section", title_fontsize=8)
    return fig
