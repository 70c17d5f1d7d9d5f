"""One-factor sensitivity of the dynamic claims: where each claim holds and where it breaks.

Each sweep varies one key assumption (absence rate, load, coordination cost, leader sign-off time,
span-of-control cost, the concurrent head's other load, transition friction) over a few points, runs
the claim's before/after pair with common random numbers at each point, and applies the claim's own
criterion to the paired difference.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable

import numpy as np

from sim import mean_ci

from .claims import Config, contains, county_items_path, mean_wf, summ, transition_judgement, wfm
from .runs import Batch, Results, cached_scenario


@dataclass(frozen=True)
class Sweep:
    claim: str
    factor: str
    scenario: str
    base: str
    alt: str
    values: tuple
    overrides: Callable  # value -> tuple of (path, value)
    metric: Callable | None  # run record -> figure (paired: after - before)
    holds: Callable | None  # (mean, lo, hi) of after - before -> bool (None: the daily transition claim)
    effect: str  # what the plotted number means
    daily: bool = False


def _params(scenario):
    return cached_scenario(scenario).raw.get("params", {}) or {}  # a global sample asks at every point


def _kinds(scenario, section):
    return tuple(_params(scenario).get(section, {}) or {})


def _rate_of(scenario, section, kind):
    return _params(scenario)[section][kind]["rate_per_year"]


def scale_absence(scenario, section="absence"):
    return lambda x: tuple((f"params.{section}.{k}.rate_per_year", _rate_of(scenario, section, k) * x)
                           for k in _kinds(scenario, section))


def below(m, lo, hi):
    return hi < 0 if not math.isnan(hi) else m < 0


def above(m, lo, hi):
    return lo > 0 if not math.isnan(lo) else m > 0


def week_in_ci(m, lo, hi):  # after - before cycle days; the claim is a saving of 5
    return contains(-5.0, lo, hi, m)


SWEEPS = [
    Sweep("H1t", "coordination hours per step", "huaibei_pilots", "fragmented", "large", (0.1, 0.25, 0.5, 1.0, 2.0),
          lambda x: (("params.handoff.section.hours.mean", x),), wfm("budget_adjust", "cycle_hours"), below,
          "after - before, hours per budget adjustment"),
    Sweep("H3", "absence rate (x base)", "huaibei_pilots", "fragmented", "large", (0.25, 0.5, 1.0, 2.0, 3.0),
          scale_absence("huaibei_pilots"), summ("halts_per_1000_staff_days"), below,
          "after - before, halts per 1,000 staff-days"),
    Sweep("H4", "load (x base)", "huaibei_pilots", "fragmented", "large", (0.6, 0.8, 1.0, 1.2, 1.4),
          lambda x: (("workload.load_factor", x),), summ("util_cv"), below, "after - before, utilisation CV"),
    Sweep("H4", "span-of-control cost", "huaibei_pilots", "fragmented", "large", (0.0, 0.25, 0.5, 1.0, 2.0),
          lambda x: (("params.size_costs.span_cost", x), ("params.approval.head_item_hours", 0.5)),
          summ("mean_cycle_hours"), below, "after - before, mean cycle hours (head sign-off 0.5 h)"),
    Sweep("S2", "leader absence rate (x base)", "shanxi_county", "before", "after", (0.0, 0.5, 1.0, 1.5, 2.0),
          scale_absence("shanxi_county", "leader_absence"), wfm("road_project", "cycle_days"), week_in_ci,
          "after - before, road project working days"),
    Sweep("S2", "leader sign-off hours per item", "shanxi_county", "before", "after", (0.05, 0.1, 0.15, 0.2, 0.3),
          lambda x: (("params.approval.item_hours", x),), wfm("road_project", "cycle_days"), week_in_ci,
          "after - before, road project working days"),
    Sweep("C1", "deputy county head's other items a day", "shanxi_county", "before", "after", (1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 8.0),
          lambda x: ((county_items_path(), x),), wfm("road_project", "cycle_days"), above,
          "after - before, road project working days (> 0: concurrent head slower)"),
    Sweep("L1", "absence rate (x base)", "licheng_combos", "separate", "combos", (0.25, 0.5, 1.0, 2.0, 3.0),
          scale_absence("licheng_combos"), summ("halts_per_1000_staff_days"), below,
          "after - before, halts per 1,000 staff-days"),
    Sweep("X2", "transition slowdown", "xicheng_street", "sections", "big_offices", (0.0, 0.15, 0.35, 0.5, 0.7),
          lambda x: (("params.transition.slowdown", x),), None, None,
          "working day from which big offices stay faster (holds: a dip first, then a crossover)", daily=True),
]


def batches(cfg: Config) -> list[Batch]:
    out = []
    for i, sw in enumerate(SWEEPS):
        for j, x in enumerate(cfg.points(sw.values)):
            out.append(Batch(f"sens{i}_{j}", sw.scenario, (sw.base, sw.alt), cfg.sens_replications, cfg.seed + 1,
                             None if sw.daily else cfg.sens_days, sw.overrides(x), daily=sw.daily))
    return out


def table(res: Results, cfg: Config):
    import pandas as pd

    rows = []
    for i, sw in enumerate(SWEEPS):
        for j, x in enumerate(cfg.points(sw.values)):
            key = f"sens{i}_{j}"
            if sw.daily:  # the transition claim: X2's own judgement
                cross, _, holds = transition_judgement(res, key, sw.base, sw.alt)
                m = lo = hi = float(cross) if cross is not None else math.nan
            else:
                d = res.values(key, sw.alt, sw.metric) - res.values(key, sw.base, sw.metric)
                m, lo, hi = mean_ci(d)
                holds = sw.holds(m, lo, hi)
            rows.append({"claim": sw.claim, "factor": sw.factor, "value": x, "effect": sw.effect, "mean": m,
                         "ci_low": lo, "ci_high": hi, "claim_holds": bool(holds),
                         "replications": cfg.sens_replications})
    return pd.DataFrame(rows)
