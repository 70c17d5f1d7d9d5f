"""Global sensitivity: Morris elementary effects or Sobol indices from a sweep's results.

The model is stochastic; each design point's output is the mean over replications
(same seeds at every point, so noise does not masquerade as a parameter effect).
Indices are computed per structure, since the question is usually how a structure
responds to a parameter.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from analysis.sensitivity import INDEX_COLUMNS, plot_sensitivity  # the table's layout is analysis's
from experiments import sampling
from experiments.errors import ExperimentError
from experiments.spec import Spec


def point_means(spec: Spec, df: pd.DataFrame, structure: str, metric: str) -> np.ndarray:
    """Model output per design point (in design order), averaged over successful replications."""
    n_points = sampling.count_runs(spec) // (spec.replications * len(spec.structures))
    ok = df[(df["structure"] == structure) & df["error"].isna()]
    y = ok.groupby("point")[metric].mean().reindex(range(n_points)).to_numpy()
    missing = np.flatnonzero(np.isnan(y))
    if len(missing):
        raise ExperimentError(
            f"{spec.path}: sensitivity of {metric!r} for {structure!r}: {len(missing)} design point(s) have no "
            f"successful run (e.g. point {missing[0]}); fix the failures (see the 'error' column) and rerun "
            "with --retry-failed")
    return y


def analyse(spec: Spec, df: pd.DataFrame) -> pd.DataFrame:
    """One row per structure, metric and parameter with the method's indices and confidence."""
    method = spec.design.method
    if method not in INDEX_COLUMNS:
        raise ExperimentError(f"{spec.path}: design.method: sensitivity needs 'morris' or 'sobol', got {method!r}")
    problem = sampling.problem(spec)
    seed = spec.seed if spec.design.seed is None else spec.design.seed
    X = sampling.sample_matrix(spec) if method == "morris" else None
    rows = []
    for structure in spec.structures:
        for metric in spec.sensitivity_metrics:
            y = point_means(spec, df, structure, metric)
            if method == "morris":
                from SALib.analyze import morris
                si = morris.analyze(problem, X, y, num_levels=spec.design.levels, seed=seed)
            else:
                from SALib.analyze import sobol
                si = sobol.analyze(problem, y, calc_second_order=spec.design.second_order, seed=seed)
            for i, name in enumerate(problem["names"]):
                rows.append({"structure": structure, "metric": metric, "parameter": name,
                             **{c: float(si[c][i]) for c in INDEX_COLUMNS[method]}})
    return pd.DataFrame(rows)


def plot(spec: Spec, table: pd.DataFrame, path) -> Path:
    """The analysis library's sensitivity bars (main index per parameter, one bar per structure, with
    CI), titled with the experiment's name, saved to ``path``."""
    fig = plot_sensitivity(table, metrics=list(spec.sensitivity_metrics))
    fig.suptitle(f"{spec.name}: sensitivity ({spec.design.method})", fontsize=10)
    path = Path(path)
    fig.savefig(path, dpi=120)
    return path
