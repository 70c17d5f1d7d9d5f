"""Queueing testbeds: scenarios where queueing theory has an answer.

One section of ``c`` staff (pooled) or ``c`` one-person sections each receiving 1/c of the work
(split); Poisson arrivals, exponential work, no absences, handoffs or dispatch costs unless asked.
The engine tests check these against Erlang C, and the benchmark runs the same model on SimPy.
"""
from __future__ import annotations

from .scenario import Scenario, parse_scenario
from .theory import erlang_c_probability, mmc_mean_wait  # noqa: F401  (re-exported for tests)


def pool_scenario(*, c: int = 5, lam: float = 4.0, mu: float = 1.0, split: bool = False, days: int = 1000,
                  warmup_days: int = 20, absence_p: float = 0.0, absence_days: float = 2.0,
                  hours_per_day: float = 8.0) -> Scenario:
    """``lam`` arrivals and ``mu`` completions per working hour; ``absence_p`` the stationary share
    of time each person is away (exponential episodes of mean ``absence_days``)."""
    if split:
        sections = [{"id": f"s{i}", "functions": [f"f{i}"], "staff": [{"id": f"p{i}", "post": "staff", "skills": {f"f{i}": 1.0}}]}
                    for i in range(c)]
        workflows = [{"id": f"w{i}", "body": "b", "rate_per_day": lam * hours_per_day / c,
                      "steps": [{"work": f"f{i}", "hours": {"dist": "exponential", "mean": 1.0 / mu}}]} for i in range(c)]
    else:
        sections = [{"id": "s", "functions": ["f"],
                     "staff": [{"id": f"p{i}", "post": "staff", "skills": {"f": 1.0}} for i in range(c)]}]
        workflows = [{"id": "w", "body": "b", "rate_per_day": lam * hours_per_day,
                      "steps": [{"work": "f", "hours": {"dist": "exponential", "mean": 1.0 / mu}}]}]
    params = {"handoff": {"section": {"steps": 0}, "body": {"steps": 0}}}
    if absence_p > 0:
        # alternating renewal: p = D / (gap + D)  =>  gap = D (1 - p) / p, in working days
        gap_days = absence_days * (1 - absence_p) / absence_p
        params["absence"] = {"away": {"rate_per_year": 52 * 5 / gap_days,
                                      "days": {"dist": "exponential", "mean": absence_days}}}
    raw = {"name": f"{'split' if split else 'pooled'}_c{c}", "calendar": {"hours_per_day": hours_per_day, "days_per_week": 5},
           "horizon_days": days, "warmup_days": warmup_days,
           "structures": {"split" if split else "pooled": {"bodies": [{"id": "b", "sections": sections}]}},
           "workload": {"workflows": workflows}, "params": params}
    return parse_scenario(raw, "<testbed>")

