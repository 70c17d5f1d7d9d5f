"""Workload: workflows (named procedures) as ordered steps, arriving as Poisson processes.

A step is one of
- ``work``: a function's work, done by someone able to do that function (hours drawn per task);
- ``visit``: a citizen's visit to the window that receives a function, bringing that window's
  set of materials; the window staff's work is the step's hours;
- ``approve``: a sign-off by a management level (section_head, a body level such as
  deputy_director / director, or an above-body level such as deputy_county_head).
"""
from __future__ import annotations

from dataclasses import dataclass, field

from .distributions import Dist

STEP_KINDS = ("work", "visit", "approve")


@dataclass(frozen=True)
class Step:
    kind: str
    function: str | None = None  # work / visit
    level: str | None = None  # approve
    hours: Dist | None = None
    body: str | None = None  # defaults to the workflow's body
    name: str = ""


@dataclass
class Workflow:
    id: str
    name: str
    body: str
    rate_per_day: float
    steps: list[Step] = field(default_factory=list)
    weekly_profile: tuple[float, ...] | None = None  # multiplier per weekday; mean 1 keeps the rate
    addressed_to: str | None = None  # upper-level work sent to a section by name (上下对口): see sim.mechanisms.counterparts
    # 承诺时限: the working days promised for the procedure; ``compare --workflow`` reports the share of
    # finished tasks over it (超期率). None: no promise, no share
    time_limit_days: float | None = None

    @property
    def base_draws(self) -> int:
        """Draws a task of this workflow takes from the work-size stream, whatever the structure."""
        return sum(1 for s in self.steps if s.kind in ("work", "visit")) + sum(1 for s in self.steps if s.kind == "visit")


@dataclass
class Workload:
    workflows: list[Workflow] = field(default_factory=list)
    load_factor: float = 1.0  # multiplies every arrival rate: the "workload" knob of sweeps

    def expected_tasks(self, days: int) -> float:
        """An upper estimate of the arrivals in ``days`` working days (the busiest weekday's factor)."""
        per_day = sum(w.rate_per_day * max(w.weekly_profile or (1.0,)) for w in self.workflows)
        return per_day * self.load_factor * days
