"""Sensitivity indices (Morris or Sobol, from ``experiments.sensitivity.analyse``) as bar charts.

The table's layout is declared here, where it is read; experiments write tables of this layout
and import it from here (analysis never imports experiments)."""
from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from . import style
from .sweeps import short_name

# per method: the index columns of a sensitivity table (besides structure, metric, parameter)
INDEX_COLUMNS = {"morris": ["mu", "mu_star", "sigma", "mu_star_conf"],
                 "sobol": ["S1", "S1_conf", "ST", "ST_conf"]}
# per method: the index drawn, its confidence half-width, the axis label
PLOTTED = {"morris": ("mu_star", "mu_star_conf", "Morris μ* (mean |elementary effect|)"),
           "sobol": ("ST", "ST_conf", "Sobol total-order index ST")}


def method_of(table: pd.DataFrame) -> str:
    """'morris' or 'sobol', from the columns the analysis produced."""
    for m, cols in INDEX_COLUMNS.items():
        if set(cols) <= set(table.columns):
            return m
    raise ValueError(f"not a sensitivity table: columns {list(table.columns)} "
                     f"(expected {' or '.join(str(c) for c in INDEX_COLUMNS.values())})")


def plot_sensitivity(table: pd.DataFrame, metrics=None) -> Figure:
    """One panel per metric; per parameter a horizontal bar per structure of the main index
    (Morris μ*, Sobol ST) with its confidence half-width, parameters ordered by importance."""
    style.setup()
    method = method_of(table)
    value, conf, label = PLOTTED[method]
    metrics = list(metrics or dict.fromkeys(table["metric"]))
    structures = list(dict.fromkeys(table["structure"]))
    params = list(table.groupby("parameter")[value].mean().sort_values(ascending=False).index)
    col = style.colours(len(structures))
    h = 0.8 / len(structures)
    fig = Figure(figsize=(7, 0.9 + len(metrics) * (0.45 * len(params) + 0.6)), layout="constrained")
    axes = fig.subplots(len(metrics), 1, squeeze=False)[:, 0]
    for ax, m in zip(axes, metrics):
        t = table[table["metric"] == m]
        for j, s in enumerate(structures):
            ts = t[t["structure"] == s].set_index("parameter").reindex(params)
            ax.barh(np.arange(len(params)) + j * h, ts[value], h, xerr=ts[conf].abs(), color=col[j], label=s,
                    capsize=2)
        ax.set_yticks(np.arange(len(params)) + h * (len(structures) - 1) / 2, [short_name(p) for p in params],
                      fontsize=8)
        ax.invert_yaxis()
        ax.set_title(m, fontsize=9)
        ax.axvline(0, color="grey", lw=0.6)
    axes[-1].set_xlabel(label)
    axes[0].legend(fontsize=8)
    fig.suptitle(f"sensitivity ({method})", fontsize=10)
    return fig
