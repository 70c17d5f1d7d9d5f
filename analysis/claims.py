"""The claims report's figures (``python -m experiments reproduce`` writes them).

- ``plot_improvements(rows, lang)``: every dynamic claim's paired improvement and CI on one axis, in units of
  its own margin (so 1 is the bar, 0 no change, -1 the bar the other way), marked by verdict
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


SYSTEM_NAMES = {"000": ("Huaibei", "淮北"), "001": ("Xicheng", "西城"), "002": ("Harbin", "哈尔滨"),
                "003": ("Licheng", "鲤城"), "004": ("Shanxi", "山西两县")}
VERDICT_STYLE = {  # colour-blind safe (Okabe-Ito) and a shape per verdict
    "reproduced": ("#0072B2", "o"), "inconclusive": ("#999999", "s"), "not reproduced": ("#E69F00", "D"),
    "reversed": ("#D55E00", "X")}
TIER_ZH = {"identity": "恒等", "conditional": "有前提", "emergent": "涌现"}
VERDICT_ZH = {"reproduced": "复现", "inconclusive": "尚无定论", "not reproduced": "未复现", "reversed": "相反"}


def plot_improvements(rows, lang: str = "en") -> Figure:
    """rows: (claim id, tier, Outcome, verdict without the premise). One dot and CI per claim, scaled by the
    claim's margin, so claims in hours, halts and shares share an axis; the label gives the figure itself."""
    style.setup()
    zh = lang == "zh" and style.has_cjk()
    rows = list(rows)
    fig = Figure(figsize=(10, 0.42 * len(rows) + 1.8), layout="constrained")
    ax = fig.subplots()
    from matplotlib.transforms import blended_transform_factory

    right = blended_transform_factory(ax.transAxes, ax.transData)
    span = 1.0
    for i, (cid, tier, o, without) in enumerate(rows):
        y = len(rows) - 1 - i
        m = o.margin if o.margin else 1.0
        lo, hi = (o.value, o.value) if math.isnan(o.ci_low) else (o.ci_low, o.ci_high)
        col, mk = VERDICT_STYLE.get(o.verdict, ("#000000", "o"))
        x, xl, xh = o.value / m, lo / m, hi / m
        span = max(span, abs(xl), abs(xh))
        ax.plot([xl, xh], [y, y], color=col, lw=2)
        ax.plot([x], [y], marker=mk, color=col, ms=7, ls="none")
        verdict = VERDICT_ZH.get(o.verdict, o.verdict) if zh else o.verdict
        ax.text(1.02, y, f"{o.value:.3g} [{lo:.3g}, {hi:.3g}], margin {m:.3g}: {verdict}" if not zh else
                f"{o.value:.3g} [{lo:.3g}, {hi:.3g}]，阈值 {m:.3g}：{verdict}", va="center", fontsize=8, transform=right)
    ax.set_yticks(range(len(rows)), [f"{cid} ({TIER_ZH.get(tier, tier) if zh else tier}) {o.label}"
                                     for cid, tier, o, _ in reversed(rows)], fontsize=8)
    for v, ls in ((-1, ":"), (0, "-"), (1, ":")):
        ax.axvline(v, color="k", lw=0.7, ls=ls)
    ax.set_xscale("symlog", linthresh=1.0)  # within one margin linear, beyond it logarithmic: big effects stay on the page
    from matplotlib.ticker import FuncFormatter

    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
    ax.set_xlim(-1.3 * span, 1.3 * span)
    if zh:
        ax.set_xlabel("改革后改善量 ÷ 该结论的最小有意义效应（1 = 阈值；0 = 无变化；负值 = 变差；±1 以外为对数刻度）")
        ax.set_title("各动态结论：配对差值及 95% 置信区间（模拟噪声，给定假设）", fontsize=10)
    else:
        ax.set_xlabel("improvement ÷ the claim's margin (1 = the bar; 0 = no change; below 0 = worse; log beyond ±1)")
        ax.set_title("Dynamic claims, five seed systems: paired improvement and 95 % CI "
                     "(simulation noise given the assumptions)", fontsize=10)
    handles = [ax.plot([], [], marker=mk, color=col, ls="none")[0] for col, mk in VERDICT_STYLE.values()]
    ax.legend(handles, [VERDICT_ZH[k] if zh else k for k in VERDICT_STYLE], fontsize=7, loc="upper center",
              bbox_to_anchor=(0.5, -0.12), ncols=4, frameon=False)
    return fig


def plot_transition(diff, roll, cross, lang: str = "en") -> Figure:
    """Xicheng's transition: the daily paired difference of mean cycle hours by arrival day, rolling mean, crossover."""
    style.setup()
    zh = lang == "zh" and style.has_cjk()
    fig = Figure(figsize=(7, 3), layout="constrained")
    ax = fig.subplots()
    ax.plot(np.arange(len(diff)), diff, color="#bbbbbb", lw=0.8, label="逐日差值" if zh else "daily difference")
    ax.plot(np.arange(len(roll)), roll, color="#0072B2", label="10 日滚动均值" if zh else "10-day rolling mean")
    ax.axhline(0, color="k", lw=0.6)
    if cross is not None:
        ax.axvline(cross, color="#009E73", ls="--",
                   label=f"第 {cross} 个工作日起持续更快" if zh else f"stays better from day {cross}")
    ax.set_xlabel("改革后第几个工作日" if zh else "working day after the reform")
    ax.set_ylabel("改革后 − 改革前（小时）" if zh else "after - before (hours)")
    ax.set_title("西城街道：大办 − 原科室，按到达日的平均办理时长（小时）" if zh else
                 "Xicheng street: big offices - sections, mean cycle hours by arrival day", fontsize=9)
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
