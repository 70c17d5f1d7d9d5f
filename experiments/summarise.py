"""Summaries over replications: means with 95 % CIs, and paired differences between structures.

Replications of different structures share seeds (common random numbers), so the
difference between two structures is taken run by run within a replication; its CI
is much narrower than the difference of two independent means.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats


def mean_ci(values: np.ndarray, level: float = 0.95) -> tuple[float, float, float, float]:
    """Mean, standard deviation and t-based CI bounds; the CI is NaN below two values."""
    values = np.asarray(values, dtype=float)
    values = values[~np.isnan(values)]
    n = len(values)
    if n == 0:
        return (np.nan,) * 4
    mean = float(values.mean())
    if n < 2:
        return mean, np.nan, np.nan, np.nan
    sd = float(values.std(ddof=1))
    half = float(stats.t.ppf(0.5 + level / 2, n - 1)) * sd / np.sqrt(n)
    return mean, sd, mean - half, mean + half


def summary_table(df: pd.DataFrame, params, metrics) -> pd.DataFrame:
    """Per parameter point, structure and metric: n, failed, mean, sd and 95 % CI (long format)."""
    keys = ["point", *params, "structure"]
    rows = []
    for key, g in df.groupby(keys, sort=True, dropna=False):
        ok = g[g["error"].isna()]
        base = dict(zip(keys, key))
        for m in metrics:
            mean, sd, lo, hi = mean_ci(ok[m].to_numpy())
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
                mean, sd, lo, hi = mean_ci(diff)
                rows.append({**base, "metric": m, "structure": s, "baseline": baseline, "mean_diff": mean,
                             "sd": sd, "ci_low": lo, "ci_high": hi, "n": len(diff)})
    return pd.DataFrame(rows, columns=[*keys, "metric", "structure", "baseline", "mean_diff", "sd",
                                       "ci_low", "ci_high", "n"])
