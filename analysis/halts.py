"""一人出差、业务停办 made visible: when each section's work stood still because nobody able was present."""
from __future__ import annotations

import matplotlib as mpl
from matplotlib.cm import ScalarMappable
from matplotlib.colors import Normalize
from matplotlib.figure import Figure

from . import style
from .ledgers import load_ledgers


def plot_halt_timeline(runs, days: tuple[float, float] | None = None) -> Figure:
    """One panel per structure, one lane per section that halted; each halt is a bar from its start to
    its end (in working days), darker the more tasks it blocked. Sections that never halt get no lane."""
    style.setup()
    runs = load_ledgers(runs)
    lanes = {name: list(dict.fromkeys(led.halts["section"])) for name, led in runs.items()}
    cmax = max([int(led.halts["tasks_blocked"].max()) for led in runs.values() if len(led.halts)] or [1])
    norm = Normalize(0, max(cmax, 1))
    cmap = mpl.colormaps["Reds"]
    h = sum(max(len(v), 1) for v in lanes.values())
    fig = Figure(figsize=(9, 0.32 * h + 1.2 * len(runs) + 0.4), layout="constrained")
    axes = fig.subplots(len(runs), 1, squeeze=False, sharex=True,
                        gridspec_kw={"height_ratios": [max(len(v), 1) for v in lanes.values()]})[:, 0]
    for ax, (name, led) in zip(axes, runs.items()):
        hpd = led.hours_per_day or 8.0
        hl = led.halts
        for i, sec in enumerate(lanes[name]):
            rows = hl[hl["section"] == sec]
            ax.broken_barh(list(zip(rows["start"] / hpd, rows["duration"] / hpd)), (i - 0.38, 0.76),
                           facecolors=[cmap(0.25 + 0.75 * norm(b)) for b in rows["tasks_blocked"]])
        ax.set_yticks(range(len(lanes[name])), lanes[name], fontsize=8)
        ax.set_ylim(len(lanes[name]) - 0.5 if lanes[name] else 0.5, -0.5)
        ax.set_title(f"{name}: {len(hl)} halts, {hl['duration'].sum() / hpd:.1f} section-days halted, "
                     f"{int(hl['tasks_blocked'].sum())} task-blockings", fontsize=9)
        if days:
            ax.set_xlim(*days)
    axes[-1].set_xlabel("working day")
    sm = ScalarMappable(norm=norm, cmap=cmap)
    fig.colorbar(sm, ax=list(axes), label="tasks blocked", shrink=0.8)
    return fig
