"""Figures for the claims: small functions returning matplotlib Figures (Agg), reusable elsewhere.

- ``before_after(rows)``: one panel per claim, before and after means with 95 % CIs
- ``sensitivity_curves(table)``: one panel per (claim, factor), the paired effect with its CI and
  the points where the claim holds marked
- ``transition(diff, roll, cross)``: the daily after - before cycle-time difference after a reform
"""
from __future__ import annotations

import math

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402


def _err(t):
    m, lo, hi = t
    if lo is None or math.isnan(lo):
        return m, 0.0, 0.0
    return m, m - lo, hi - m


def before_after(rows, ncols=4, labels=("before", "after")):
    """rows: iterable of (title, label, (mean, lo, hi) before, (mean, lo, hi) after)."""
    rows = list(rows)
    n = max(len(rows), 1)
    nr = math.ceil(n / ncols)
    fig, axes = plt.subplots(nr, min(ncols, n), figsize=(3.2 * min(ncols, n), 2.8 * nr), squeeze=False)
    for ax in axes.flat[n:]:
        ax.set_visible(False)
    for ax, (title, label, b, a) in zip(axes.flat, rows):
        ms, lows, highs = zip(_err(b), _err(a))
        ax.bar([0, 1], ms, yerr=[lows, highs], color=["#999999", "#3b75af"], capsize=4)
        ax.set_xticks([0, 1], labels)
        ax.set_title(title, fontsize=9)
        ax.set_ylabel(label, fontsize=8)
        ax.tick_params(labelsize=8)
    fig.tight_layout()
    return fig


def sensitivity_curves(table, ncols=3):
    """table: DataFrame with claim, factor, value, effect, mean, ci_low, ci_high, claim_holds."""
    groups = list(table.groupby(["claim", "factor"], sort=False))
    n = max(len(groups), 1)
    nr = math.ceil(n / ncols)
    fig, axes = plt.subplots(nr, min(ncols, n), figsize=(4.2 * min(ncols, n), 3.0 * nr), squeeze=False)
    for ax in axes.flat[n:]:
        ax.set_visible(False)
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
    fig.tight_layout()
    return fig


def transition(diff, roll, cross, title="big offices - sections, mean cycle hours by arrival day"):
    fig, ax = plt.subplots(figsize=(7, 3))
    ax.plot(np.arange(len(diff)), diff, color="#bbbbbb", lw=0.8, label="daily difference")
    ax.plot(np.arange(len(roll)), roll, color="#3b75af", label="10-day rolling mean")
    ax.axhline(0, color="k", lw=0.6)
    if cross is not None:
        ax.axvline(cross, color="#2a9d3a", ls="--", label=f"stays better from day {cross}")
    ax.set_xlabel("working day after the reform")
    ax.set_ylabel("after - before (hours)")
    ax.set_title(title, fontsize=9)
    ax.legend(fontsize=7)
    fig.tight_layout()
    return fig
