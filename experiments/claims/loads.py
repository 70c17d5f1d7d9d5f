"""Load imbalance as a knob: the same total work, spread more or less evenly over the sections.

Seed 000's 忙闲不均 presupposes that merge partners carry uneven loads; the scenarios write their routine
rates that way (each rate's comment gives its hours a day). To ask whether the premise, not the merge
alone, carries a claim, ``imbalance_overrides(scenario, k)`` rescales each section's own workflows so its
load per staff member is ``mean + k x (its load - mean)``: k = 1 leaves the rates as written, k = 0 makes
every section equally busy per head, k > 1 exaggerates the spread. The total hours of work stay the same.

A section's own workflows are those whose every work step is a function of that one section in the
scenario's first (before) structure; cross-section workflows (the ones the claims are about) keep their rates.
"""
from __future__ import annotations

import functools

from .runs import cached_scenario


def _mean_hours(step) -> float:
    return step.hours.mean if step.hours is not None else 0.0


@functools.lru_cache(maxsize=None)
def section_loads(scenario: str) -> tuple[tuple[int, str, float], ...]:
    """(workflow index, section id, hours a day) of every workflow owned by one section of the scenario's
    before structure, in workload order."""
    sc = cached_scenario(scenario)
    st = next(iter(sc.structures.values()))
    owners = st.owners()
    out = []
    for i, wf in enumerate(sc.workload.workflows):
        work = [s for s in wf.steps if s.kind == "work"]
        if not work or any(s.kind == "visit" for s in wf.steps):
            continue
        secs = {getattr(owners.get((s.body or wf.body, s.function)), "id", None) for s in work}
        if len(secs) != 1 or None in secs:
            continue
        out.append((i, next(iter(secs)), wf.rate_per_day * sum(_mean_hours(s) for s in work)))
    return tuple(out)


@functools.lru_cache(maxsize=None)
def _staff(scenario: str) -> dict[str, int]:
    st = next(iter(cached_scenario(scenario).structures.values()))
    return {s.id: len(s.staff) for _, s in st.sections()}


def imbalance_overrides(scenario: str, k: float) -> tuple[tuple[str, float], ...]:
    """Overrides (dotted path, rate) that set the spread of load per head across sections to ``k`` times
    the spread as written (see the module docstring). k = 1 returns the rates unchanged."""
    if k < 0:
        raise ValueError(f"load imbalance must be >= 0, got {k}")
    rows = section_loads(scenario)
    staff = _staff(scenario)
    hours: dict[str, float] = {}
    for _, sec, h in rows:
        hours[sec] = hours.get(sec, 0.0) + h
    secs = [s for s in hours if staff.get(s, 0) > 0]
    if not secs:
        return ()
    mean = sum(hours[s] for s in secs) / sum(staff[s] for s in secs)  # hours a day per head over these sections
    rates = cached_scenario(scenario).workload.workflows
    out = []
    for i, sec, _ in rows:
        if sec not in secs or hours[sec] <= 0:
            continue
        per_head = hours[sec] / staff[sec]
        target = max(0.0, mean + k * (per_head - mean))
        out.append((f"workload.workflows.{i}.rate_per_day", rates[i].rate_per_day * target / per_head))
    return tuple(out)


def load_spread(scenario: str, overrides=()) -> float:
    """Coefficient of variation of the hours a day per head across sections (a check on the knob)."""
    import numpy as np

    staff = _staff(scenario)
    new = dict(overrides)
    hours: dict[str, float] = {}
    for i, sec, h in section_loads(scenario):
        path = f"workload.workflows.{i}.rate_per_day"
        if path in new:
            h *= new[path] / cached_scenario(scenario).workload.workflows[i].rate_per_day
        hours[sec] = hours.get(sec, 0.0) + h
    per = np.array([hours[s] / staff[s] for s in hours if staff.get(s, 0) > 0])
    return float(per.std() / per.mean()) if len(per) and per.mean() > 0 else 0.0
