"""The claims report's figures (``python -m experiments reproduce`` writes them).

- ``plot_claims_before_after(rows)``: one panel per claim, before and after means with 95 % CIs
- ``plot_claim_sensitivity(table)``: one panel per (claim, factor), the paired effect with its CI
  and the points where the claim holds marked
- ``plot_transition(diff, roll, cross)``: the daily after - before cycle-time difference after a reform
- ``system_figures(...)``: a seed system before and after its reform through the standard figures
  (org chart, structure comparison, utilisation, halts, cycle-time CDF, a task's journey)
"""
from __future__ import annotations

import math

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

import sim

from . import style
from .comparison import from_runs, plot_comparison
from .cycletime import plot_cycle_cdf
from .halts import plot_halt_timeline
from .journey import interesting_case, plot_journey
from .orgchart import plot_org_chart
from .utilisation import plot_utilisation


def _err(t):
    m, lo, hi = t
    if lo is None or math.isnan(lo):
        return m, 0.0, 0.0
    return m, m - lo, hi - m


def _grid(n, ncols, w, h):
    nr = math.ceil(n / ncols)
    fig = Figure(figsize=(w * min(ncols, n), h * nr), layout="constrained")
    axes = fig.subplots(nr, min(ncols, n), squeeze=False)
    for ax in axes.flat[n:]:
        ax.set_visible(False)
    return fig, axes


def plot_claims_before_after(rows, ncols=4, labels=("before", "after")) -> Figure:
    """rows: iterable of (title, label, (mean, lo, hi) before, (mean, lo, hi) after)."""
    style.setup()
    rows = list(rows)
    fig, axes = _grid(max(len(rows), 1), ncols, 3.2, 2.8)
    for ax, (title, label, b, a) in zip(axes.flat, rows):
        ms, lows, highs = zip(_err(b), _err(a))
        ax.bar([0, 1], ms, yerr=[lows, highs], color=["#999999", "#3b75af"], capsize=4)
        ax.set_xticks([0, 1], labels)
        ax.set_title(title, fontsize=9)
        ax.set_ylabel(label, fontsize=8)
        ax.tick_params(labelsize=8)
    return fig


def plot_claim_sensitivity(table, ncols=3) -> Figure:
    """table: DataFrame with claim, factor, value, effect, mean, ci_low, ci_high, claim_holds."""
    style.setup()
    groups = list(table.groupby(["claim", "factor"], sort=False))
    fig, axes = _grid(max(len(groups), 1), ncols, 4.2, 3.0)
    for ax, ((claim, factor), g) in zip(axes.flat, groups):
        x, m = g["value"].to_numpy(float), g["mean"].to_numpy(float)
        lo, hi = g["ci_low"].to_numpy(float), g["ci_high"].to_numpy(float)
        ax.plot(x, m, "-", color="#3b75af")
        ok = g["claim_holds"].to_numpy(bool)
        ax.scatter(x[ok], m[ok], color="#2a9d3a", zorder=3, label="claim holds")
        ax.scatter(x[~ok], m[~ok], color="#c0392b", marker="x", zorder=3, label="claim breaks")
        if np.isfinite(lo).any():
            ax.fill_between(x, lo, hi, alpha=0.2, color="#3b75af")
        ax.axhline(0, color="k", lw=0.6)
        ax.set_title(f"{claim}: {factor}", fontsize=9)
        ax.set_xlabel(factor, fontsize=8)
        ax.set_ylabel(g["effect"].iloc[0], fontsize=7)
        ax.tick_params(labelsize=8)
    axes.flat[0].legend(fontsize=7)
    return fig


def plot_transition(diff, roll, cross, title="big offices - sections, mean cycle hours by arrival day") -> Figure:
    style.setup()
    fig = Figure(figsize=(7, 3), layout="constrained")
    ax = fig.subplots()
    ax.plot(np.arange(len(diff)), diff, color="#bbbbbb", lw=0.8, label="daily difference")
    ax.plot(np.arange(len(roll)), roll, color="#3b75af", label="10-day rolling mean")
    ax.axhline(0, color="k", lw=0.6)
    if cross is not None:
        ax.axvline(cross, color="#2a9d3a", ls="--", label=f"stays better from day {cross}")
    ax.set_xlabel("working day after the reform")
    ax.set_ylabel("after - before (hours)")
    ax.set_title(title, fontsize=9)
    ax.legend(fontsize=7)
    return fig


def system_figures(scenario, before: str, after: str, *, seed: int = 1, days: int | None = None,
                   workflow: str | None = None, runs: pd.DataFrame | None = None) -> dict[str, Figure]:
    """A seed system before and after its reform, through the standard figures.

    The org charts come from the structures; the ledger figures from one paired run (the same seed,
    so the same tasks and absences under both structures) with its event log; the journey is the
    same task (same arrival number) drawn under each structure. ``runs`` (per-run summary rows:
    structure, replication, metrics, e.g. the claims' replications) adds the comparison with CIs."""
    sc = scenario if isinstance(scenario, sim.Scenario) else sim.load_scenario(scenario)
    figs = {"org_chart": plot_org_chart(sc.structures[before], sc.structures[after], titles=(before, after),
                                        label_staff=False)}
    if runs is not None and len(runs):
        figs["comparison"] = plot_comparison(from_runs(runs, [before, after]))
    pair = {name: sim.run(sc, structure=name, seed=seed, days=days) for name in (before, after)}
    figs["utilisation"] = plot_utilisation(pair)
    figs["halts"] = plot_halt_timeline(pair)
    figs["cycle_cdf"] = plot_cycle_cdf(pair, workflow=workflow)
    case = interesting_case(pair[before], workflow)
    for name, run in pair.items():
        shown = case if (run.tasks["task"] == case).any() else interesting_case(run, workflow)
        figs[f"journey_{name}"] = plot_journey(run, shown, sc)
    return figs
