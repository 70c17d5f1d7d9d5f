"""How long a matter takes from arrival to completion: the whole distribution, not just the mean,
since reforms often move the tail (tasks stuck behind an absent person) more than the middle."""
from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from . import style
from .ledgers import load_ledgers


def plot_cycle_cdf(runs, unit: str = "days", workflow: str | None = None, log: bool = True) -> Figure:
    """Empirical CDF of cycle time, one line per structure (optionally one workflow only);
    dotted verticals mark each structure's median."""
    style.setup()
    runs = load_ledgers(runs)
    col = f"cycle_{unit}"
    fig = Figure(figsize=(7, 4), layout="constrained")
    ax = fig.subplots()
    for (name, led), c in zip(runs.items(), style.colours(len(runs))):
        t = led.tasks if workflow is None else led.tasks[led.tasks["workflow"].astype(str) == workflow]
        x = np.sort(t[col].to_numpy(float))
        if not len(x):
            continue
        y = np.arange(1, len(x) + 1) / len(x)
        ax.step(x, y, where="post", color=c, label=f"{name} (n={len(x)}, median {np.median(x):.2g} {unit})")
        ax.axvline(np.median(x), color=c, ls=":", lw=0.8)
    if log:
        ax.set_xscale("log")
    ax.set_xlabel(f"cycle time ({unit}{', log scale' if log else ''})")
    ax.set_ylabel("share of tasks finished within")
    ax.set_ylim(0, 1.01)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8, loc="lower right")
    ax.set_title("cycle-time distribution" + (f": {workflow}" if workflow else ""), fontsize=10)
    return fig
