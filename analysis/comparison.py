"""Structure comparisons with confidence intervals: tables and the standard figure.

The statistics are the engine's (``sim.compare``: common random numbers, paired Student-t CIs);
this module only reshapes them and draws them, and builds a ``Comparison`` from runs that were
made elsewhere (a sweep point, a list of RunResults) with the same ``summarise_runs``.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

import sim
from sim.compare import TASK_MEASURES, Comparison, summarise_runs

from . import style

# the metrics that speak to the seeds' symptoms, in the brief's order
KEY_METRICS = ("coordination_steps_per_task", "handoffs_per_task", "mean_cycle_days", "mean_wait_hours",
               "halts_per_1000_staff_days", "share_tasks_halted", "util_cv", "idle_share", "overloaded_share",
               "leader_posts_per_100_staff", "leader_hours_share")


def compare(scenario, structures=None, replications: int = 10, **kw) -> Comparison:
    """``sim.compare`` (re-exported so notebooks need one import)."""
    return sim.compare(scenario, structures=structures, replications=replications, **kw)


def from_runs(metrics: pd.DataFrame, structures=None, metrics_list=None) -> Comparison:
    """A Comparison from per-run rows (structure, replication, metrics...), e.g. one point of a sweep.

    Rows of the same replication must share a seed across structures for the differences to be paired."""
    ok = metrics[metrics["error"].isna()] if "error" in metrics else metrics
    structures = list(structures or dict.fromkeys(ok["structure"]))
    metrics_list = tuple(metrics_list or [m for m in sim.METRICS if m in ok.columns])
    return summarise_runs(ok, structures, metrics_list)


def from_results(results) -> Comparison:
    """A Comparison from RunResults; results with the same seed are one replication."""
    rows = [{"structure": r.structure, "seed": r.seed, **r.summary} for r in results]
    df = pd.DataFrame(rows)
    df["replication"] = df.groupby("structure").cumcount()
    return from_runs(df)


def compare_workflow(scenario, workflow: str, structures=None, replications: int = 10, seed: int = 1,
                     days: int | None = None, overrides: dict | None = None, measures=TASK_MEASURES) -> Comparison:
    """Like ``sim.compare`` but for one workflow's tasks: per run, the mean of each task-ledger column
    over that workflow's measured tasks; same seeds per replication, so differences are paired
    (``sim.compare(..., workflows=[workflow])``; a KeyError for a workflow the scenario lacks)."""
    sc = scenario if isinstance(scenario, sim.Scenario) else sim.load_scenario(scenario)
    sc = sc.with_overrides(overrides)
    if workflow not in {w.id for w in sc.workload.workflows}:
        raise KeyError(f"workflow {workflow!r}: not in {sc.name} ({', '.join(w.id for w in sc.workload.workflows)})")
    return sim.compare(sc, structures=structures, replications=replications, seed=seed, days=days,
                       workflows=[workflow], measures=tuple(measures)).workflows[workflow]


def table(cmp: Comparison, metrics=None, digits: int = 3) -> pd.DataFrame:
    """One row per metric: mean per structure, then each difference vs the baseline as 'd [lo, hi]'.

    ``metrics``: by default ``KEY_METRICS`` where the comparison has them, else all of its own (a
    ``compare_workflow`` comparison has task measures, none of the key metrics)."""
    have = list(dict.fromkeys(cmp.summary["metric"]))
    if metrics is None:
        metrics = [m for m in KEY_METRICS if m in have] or have
    metrics = [m for m in metrics if m in set(have)]
    wide = cmp.summary.pivot(index="metric", columns="structure", values="mean").reindex(metrics)
    wide = wide[list(dict.fromkeys(cmp.summary["structure"]))].round(digits)
    def f(v):
        return "—" if pd.isna(v) else f"{v:.{digits}g}"

    for s, d in cmp.differences.groupby("structure", sort=False):
        base = d["baseline"].iloc[0]
        d = d.set_index("metric").reindex(metrics)
        wide[f"{s} − {base} (95% CI)"] = [f"{f(a)} [{f(lo)}, {f(hi)}]" for a, lo, hi in
                                                            zip(d["mean_diff"], d["ci_low"], d["ci_high"])]
        wide[f"{s}: significant"] = (d["ci_low"] > 0) | (d["ci_high"] < 0)
    return wide


def plot_comparison(cmp: Comparison, metrics=KEY_METRICS, differences: bool = False, ncols: int = 3) -> Figure:
    """One panel per metric: each structure's mean with its 95 % CI (``differences=False``), or each
    structure's paired difference from the baseline with its CI and a zero line (``differences=True``)."""
    style.setup()
    metrics = [m for m in metrics if m in set(cmp.summary["metric"])]
    src = cmp.differences if differences else cmp.summary
    value = "mean_diff" if differences else "mean"
    names = list(dict.fromkeys(src["structure"]))
    cols = dict(zip(dict.fromkeys(cmp.summary["structure"]), style.colours(cmp.summary["structure"].nunique())))
    ncols = min(ncols, len(metrics))
    nrows = -(-len(metrics) // ncols)
    fig = Figure(figsize=(3.3 * ncols, 2.4 * nrows + 0.6), layout="constrained")
    axes = fig.subplots(nrows, ncols, squeeze=False).ravel()
    for ax, m in zip(axes, metrics):
        d = src[src["metric"] == m].set_index("structure").reindex(names)
        y = d[value].to_numpy(float)
        lo = np.nan_to_num(y - d["ci_low"].to_numpy(float))
        hi = np.nan_to_num(d["ci_high"].to_numpy(float) - y)
        x = np.arange(len(names))
        ax.bar(x, y, color=[cols[n] for n in names], alpha=0.75, width=0.6)
        ax.errorbar(x, y, yerr=[lo, hi], fmt="o", color="black", capsize=4, ms=3, lw=1)
        if differences:
            ax.axhline(0, color="grey", lw=0.8)
        ax.set_xticks(x, names, fontsize=8)
        ax.set_title(m, fontsize=9)
        ax.tick_params(axis="y", labelsize=8)
    for ax in axes[len(metrics):]:
        ax.set_visible(False)
    if differences:
        base = cmp.differences["baseline"].iloc[0] if len(cmp.differences) else "?"
        fig.suptitle(f"paired difference from {base} (mean, 95 % CI, common random numbers)", fontsize=10)
    else:
        n = int(cmp.summary["n"].max()) if len(cmp.summary) else 0
        fig.suptitle(f"structure comparison: mean and 95 % CI over {n} replications", fontsize=10)
    return fig
