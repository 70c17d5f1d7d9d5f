"""Compare structures of one scenario under common random numbers.

Replication r uses the same seed under every structure, so its tasks and absences are the same;
paired differences then cancel most of the noise, and their 95 % CI (Student t over
replications) is what a claim is judged on.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .ledgers import METRICS
from .errors import InputError
from .run import as_scenario, check_days, check_seed, run
from .scenario import Scenario


def replication_seeds(seed: int, replications: int) -> list[int]:
    """Per-replication seeds split from one master seed."""
    return [int(s.generate_state(1)[0]) for s in np.random.SeedSequence(seed).spawn(replications)]


def mean_ci(x, level: float = 0.95) -> tuple[float, float, float]:
    """Mean and Student-t confidence interval; a single value or zero spread gives a point interval."""
    x = np.asarray(x, dtype=float)
    x = x[~np.isnan(x)]
    if len(x) == 0:
        return (float("nan"),) * 3
    m = float(x.mean())
    if len(x) < 2:
        return m, float("nan"), float("nan")
    from scipy import stats  # here, not at import: a sweep worker never needs it (0.5 s of its start-up)

    h = float(stats.t.ppf(0.5 + level / 2, len(x) - 1) * x.std(ddof=1) / np.sqrt(len(x)))
    return m, m - h, m + h


@dataclass
class Comparison:
    metrics: pd.DataFrame  # structure, replication, seed, metrics...
    summary: pd.DataFrame  # structure, metric, mean, ci_low, ci_high, n
    differences: pd.DataFrame  # metric, structure, baseline, mean_diff, ci_low, ci_high, n
    warnings: dict = field(default_factory=dict)  # structure -> warnings of any replication (sim.diagnostics)


def compare(scenario: Scenario | str | None = None, *, structures: list[str] | None = None, replications: int = 10,
            seed: int = 1, days: int | None = None, overrides: dict | None = None,
            metrics: tuple[str, ...] = METRICS) -> Comparison:
    sc = as_scenario(scenario)
    check_seed(seed)
    check_days(days)
    if isinstance(replications, bool) or not isinstance(replications, (int, np.integer)) or replications < 1:
        raise InputError("<python>", "replications", f"expected a whole number >= 1, got {replications!r}")
    unknown = [m for m in metrics if m not in METRICS]
    if unknown:
        raise InputError("<python>", "metrics", f"unknown metric {unknown[0]!r} (see sim.METRICS)")
    sc = sc.with_overrides(overrides)
    structures = list(structures or sc.structure_names)
    for s in structures:
        if s not in sc.structures:
            raise InputError(sc.file, "structures", f"unknown structure {s!r} (defined: {', '.join(sc.structure_names)})")
    if len(set(structures)) < len(structures):  # a structure twice would be paired with itself
        raise InputError(sc.file, "structures", f"a structure is named twice: {structures}")
    rows, warnings = [], {}
    for r, s in enumerate(replication_seeds(seed, replications)):
        for name in structures:
            res = run(sc, structure=name, seed=s, days=days, summary_only=True)
            rows.append({"structure": name, "replication": r, "seed": s, **{m: res.summary[m] for m in metrics}})
            warnings.setdefault(name, {}).update(dict.fromkeys(res.warnings))
    out = summarise_runs(pd.DataFrame(rows), structures, metrics)
    out.warnings = {k: list(v) for k, v in warnings.items() if v}
    return out


def summarise_runs(df: pd.DataFrame, structures: list[str], metrics=METRICS) -> Comparison:
    summ, diffs = [], []
    base = structures[0]
    b = df[df["structure"] == base].set_index("replication")
    for name in structures:
        d = df[df["structure"] == name].set_index("replication")
        for m in metrics:
            mu, lo, hi = mean_ci(d[m])
            summ.append({"structure": name, "metric": m, "mean": mu, "ci_low": lo, "ci_high": hi, "n": int(d[m].notna().sum())})
            if name != base:
                delta = (d[m] - b[m]).dropna()
                mu, lo, hi = mean_ci(delta)
                diffs.append({"metric": m, "structure": name, "baseline": base, "mean_diff": mu,
                              "ci_low": lo, "ci_high": hi, "n": len(delta)})
    return Comparison(df, pd.DataFrame(summ), pd.DataFrame(diffs))
