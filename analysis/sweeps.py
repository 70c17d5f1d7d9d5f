"""Sweep results (experiments' Parquet store) for analysis: loading, tables, heatmaps.

Reading, de-duplication and the per-point statistics are the experiments package's own
(``experiments.store.read_results``, ``experiments.summarise``); this module bundles them with
the sweep's metadata so a notebook needs only the output directory.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from experiments import summarise as _summ
from experiments.store import read_metadata, read_results

from . import style


@dataclass
class Sweep:
    """All runs of one sweep plus what its metadata says about them."""
    out_dir: Path
    runs: pd.DataFrame  # one row per run: run_index, point, replication, structure, seed, parameters..., metrics..., error
    meta: dict
    parameters: list[str]
    metrics: list[str]
    structures: list[str]
    baseline: str

    @property
    def failed(self) -> pd.DataFrame:
        return self.runs[self.runs["error"].notna()]

    def summary(self) -> pd.DataFrame:
        """Per point, structure and metric: n, failed, mean, sd, 95 % CI (``experiments.summarise``)."""
        return _summ.summary_table(self.runs, self.parameters, self.metrics)

    def differences(self) -> pd.DataFrame:
        """Per point: each structure minus the baseline, paired by replication, with 95 % CI."""
        return _summ.paired_differences(self.runs, self.parameters, self.metrics, self.structures, self.baseline)

    def point(self, **values) -> pd.DataFrame:
        """The runs of the design point(s) whose parameters equal ``values`` (short names allowed)."""
        df = self.runs
        for k, v in values.items():
            df = df[np.isclose(df[self.param(k)], v)] if np.issubdtype(df[self.param(k)].dtype, np.number) \
                else df[df[self.param(k)] == v]
        return df

    def param(self, name: str) -> str:
        """Full dotted name from a full name or a unique suffix ('span_cost' -> 'params.size_costs.span_cost')."""
        if name in self.parameters:
            return name
        hits = [p for p in self.parameters if p.endswith("." + name) or p.endswith(name)]
        if len(hits) != 1:
            raise KeyError(f"parameter {name!r}: {'ambiguous' if hits else 'unknown'} (parameters: {', '.join(self.parameters)})")
        return hits[0]


def load_sweep(out_dir) -> Sweep:
    """A sweep's results and metadata from its ``--out`` directory (complete or not)."""
    out_dir = Path(out_dir)
    meta = read_metadata(out_dir)
    runs = read_results(out_dir)
    return Sweep(out_dir, runs, meta, list(meta.get("parameters", [])), list(meta.get("metrics", [])),
                 list(meta.get("structures", list(dict.fromkeys(runs["structure"])))),
                 meta.get("baseline") or meta.get("structures", [None])[0])


def short_name(name: str) -> str:
    """Last two parts of a dotted parameter path, enough to tell parameters apart on an axis."""
    return name.rsplit(".", 2)[-2] + "." + name.rsplit(".", 1)[-1] if name.count(".") >= 2 else name


def plot_sweep_heatmap(sweep: Sweep, x: str, y: str, metric: str, structure: str | None = None,
                       difference: bool = False, annotate: bool = True) -> Figure:
    """Heatmap of ``metric`` over two parameters: one panel per structure (mean over replications),
    or with ``difference=True`` each structure minus the baseline (paired), cells whose 95 % CI
    excludes zero marked with a dot. Other parameters, if any, are averaged over (said in the title)."""
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
