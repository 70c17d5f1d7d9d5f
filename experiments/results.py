"""A sweep's results as one object: its runs, its metadata, and the per-point tables.

Loaded from a sweep's ``--out`` directory (complete or not) through the store's own reading
(``experiments.store.read_results``: de-duplicated, sorted) and ``experiments.summarise``'s
statistics; ``analysis.plot_sweep_heatmap`` draws it::

    from experiments.results import load_sweep
    sw = load_sweep("results/span_of_control_cost")
    analysis.plot_sweep_heatmap(sw, "span_cost", "load_factor", "mean_cycle_hours", difference=True)
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from experiments import summarise as _summ
from experiments.store import read_metadata, read_results


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
