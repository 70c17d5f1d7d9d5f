"""Summaries over replications: means with 95 % CIs, and paired differences between structures.

Replications of different structures share seeds (common random numbers), so the
difference between two structures is taken run by run within a replication; its CI
is much narrower than the difference of two independent means.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

import sim


def _stats(values) -> tuple[float, float, float, float]:
    """Mean, standard deviation and the t-based 95 % CI (``sim.mean_ci``: one formula for the project)."""
    values = np.asarray(values, dtype=float)
    values = values[~np.isnan(values)]
    mean, lo, hi = sim.mean_ci(values)
    sd = float(values.std(ddof=1)) if len(values) > 1 else np.nan
    return mean, sd, lo, hi


def summary_table(df: pd.DataFrame, params, metrics) -> pd.DataFrame:
    """Per parameter point, structure and metric: n, failed, mean, sd and 95 % CI (long format)."""
    keys = ["point", *params, "structure"]
    rows = []
    for key, g in df.groupby(keys, sort=True, dropna=False):
        ok = g[g["error"].isna()]
        base = dict(zip(keys, key))
        for m in metrics:
            mean, sd, lo, hi = _stats(ok[m].to_numpy())
            rows.append({**base, "metric": m, "n": int(ok[m].notna().sum()), "failed": len(g) - len(ok),
                         "mean": mean, "sd": sd, "ci_low": lo, "ci_high": hi})
    return pd.DataFrame(rows, columns=[*keys, "metric", "n", "failed", "mean", "sd", "ci_low", "ci_high"])


def paired_differences(df: pd.DataFrame, params, metrics, structures, baseline) -> pd.DataFrame:
    """Per parameter point: structure minus baseline, paired by replication (same seed)."""
    ok = df[df["error"].isna()]
    keys = ["point", *params]
    rows = []
    for key, g in ok.groupby(keys, sort=True, dropna=False):
        base = dict(zip(keys, key if isinstance(key, tuple) else (key,)))
        for m in metrics:
            wide = g.pivot(index="replication", columns="structure", values=m)
            if baseline not in wide:
                continue
            for s in structures:
                if s == baseline or s not in wide:
                    continue
                diff = (wide[s] - wide[baseline]).dropna().to_numpy()
                mean, sd, lo, hi = _stats(diff)
                rows.append({**base, "metric": m, "structure": s, "baseline": baseline, "mean_diff": mean,
                             "sd": sd, "ci_low": lo, "ci_high": hi, "n": len(diff)})
    return pd.DataFrame(rows, columns=[*keys, "metric", "structure", "baseline", "mean_diff", "sd",
                                       "ci_low", "ci_high", "n"])
