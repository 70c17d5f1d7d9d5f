"""Heatmaps of a parameter sweep's results.

The sweep itself (runs, metadata, per-point tables) is loaded by the experiments package,
``experiments.results.load_sweep(out_dir)``; analysis only draws it and never imports experiments.
"""
from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from . import style


def short_name(name: str) -> str:
    """Last two parts of a dotted parameter path, enough to tell parameters apart on an axis."""
    return name.rsplit(".", 2)[-2] + "." + name.rsplit(".", 1)[-1] if name.count(".") >= 2 else name


def plot_sweep_heatmap(sweep, x: str, y: str, metric: str, structure: str | None = None,
                       difference: bool = False, annotate: bool = True) -> Figure:
    """Heatmap of ``metric`` over two parameters of ``sweep`` (an ``experiments.results.Sweep``): one panel
    per structure (mean over replications), or with ``difference=True`` each structure minus the baseline
    (paired), cells whose 95 % CI excludes zero marked with a dot. Other parameters, if any, are averaged over (said in the title)."""
    style.setup()
    x, y = sweep.param(x), sweep.param(y)
    table = sweep.differences() if difference else sweep.summary()
    value = "mean_diff" if difference else "mean"
    table = table[table["metric"] == metric]
    names = [s for s in sweep.structures if s != sweep.baseline] if difference else list(sweep.structures)
    if structure is not None:
        names = [structure]
    others = [p for p in sweep.parameters if p not in (x, y)]
    grids = []
    for s in names:
        t = table[table["structure"] == s]
        g = t.groupby([y, x])[[value, "ci_low", "ci_high"]].mean().reset_index()
        grids.append((s, g.pivot(index=y, columns=x, values=value),
                      g.assign(sig=(g["ci_low"] > 0) | (g["ci_high"] < 0)).pivot(index=y, columns=x, values="sig")))
    vals = np.concatenate([g.to_numpy(float).ravel() for _, g, _ in grids]) if grids else np.array([0.0])
    if difference:
        lim = np.nanmax(np.abs(vals)) or 1.0
        vmin, vmax, cmap = -lim, lim, "RdBu_r"
    else:
        vmin, vmax, cmap = np.nanmin(vals), np.nanmax(vals), "viridis"
    fig = Figure(figsize=(3.6 * len(grids) + 1.2, 3.4), layout="constrained")
    axes = fig.subplots(1, len(grids), squeeze=False)[0]
    for ax, (s, g, sig) in zip(axes, grids):
        im = ax.imshow(g.to_numpy(float), origin="lower", aspect="auto", cmap=cmap, vmin=vmin, vmax=vmax)
        ax.set_xticks(range(g.shape[1]), [f"{v:g}" if isinstance(v, (int, float)) else str(v) for v in g.columns], fontsize=8)
        ax.set_yticks(range(g.shape[0]), [f"{v:g}" if isinstance(v, (int, float)) else str(v) for v in g.index], fontsize=8)
        ax.set_xlabel(short_name(x), fontsize=8)
        ax.set_ylabel(short_name(y), fontsize=8)
        ax.set_title(f"{s} − {sweep.baseline}" if difference else s, fontsize=9)
        if annotate:
            for (i, j), v in np.ndenumerate(g.to_numpy(float)):
                if np.isfinite(v):
                    star = "•" if difference and bool(sig.to_numpy()[i, j]) else ""
                    ax.text(j, i, f"{v:.3g}{star}", ha="center", va="center", fontsize=7,
                            color=("white" if abs(v) > 0.6 * vmax else "black") if difference
                            else ("white" if v < (vmin + vmax) / 2 else "black"))
    fig.colorbar(im, ax=list(axes), label=("Δ " if difference else "") + metric, shrink=0.9)
    note = f" (averaged over {', '.join(map(short_name, others))})" if others else ""
    kind = "paired difference, • = 95 % CI excludes 0" if difference else "mean over replications"
    fig.suptitle(f"{sweep.meta.get('spec_name', sweep.out_dir.name)}: {metric}, {kind}{note}", fontsize=9)
    return fig
