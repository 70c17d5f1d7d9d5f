"""Ledgers: what a run leaves behind, as pandas DataFrames, and the per-run summary metrics.

Rows are collected as tuples during the run (cheap) and become DataFrames once at the end.
The event log uses the column names process-mining tools read (case, activity, resource,
start, end), so a ledger can go straight into PM4Py or Disco.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

TASK_COLUMNS = ["task", "workflow", "arrival", "completion", "work_hours", "work_steps", "coordination_steps", "handoffs",
                "cross_body_handoffs", "approval_levels", "steps", "waiting_hours", "halted_hours", "halted",
                "window_visits", "material_sets", "trips", "cycle_hours", "cycle_days"]
STAFF_COLUMNS = ["staff", "name", "body", "section", "post", "busy_hours", "idle_hours", "absent_hours",
                 "coordination_hours", "utilisation"]
HALT_COLUMNS = ["section", "function", "start", "end", "duration", "tasks_blocked"]
EVENT_COLUMNS = ["case", "activity", "resource", "section", "start", "end"]
SERIES_COLUMNS = ["day", "wip", "backlog"]
ABSENCE_COLUMNS = ["person", "kind", "start", "end"]

METRICS = ("tasks_arrived", "tasks_completed", "tasks_unfinished", "share_unfinished", "mean_age_unfinished_days",
           "mean_cycle_hours", "median_cycle_hours", "p90_cycle_hours",
           "mean_cycle_days", "steps_per_task", "work_steps_per_task", "coordination_steps_per_task",
           "handoffs_per_task", "cross_body_handoffs_per_task", "approval_levels_per_task", "mean_wait_hours",
           "mean_halted_hours", "halts_per_1000_staff_days", "share_tasks_halted", "util_mean", "util_cv",
           "util_gini", "idle_share", "overloaded_share", "window_visits_per_service",
           "material_sets_per_service", "trips_per_service")

IDLE_BELOW = 0.30  # utilisation under which a person counts as idle (忙闲不均: 闲)
OVERLOADED_ABOVE = 0.90  # utilisation above which a person counts as overloaded (忙)


class Ledgers:
    def __init__(self, record_events: bool = True):
        self.tasks: list[tuple] = []
        self.halts: list[tuple] = []
        self.series: list[tuple] = []
        self.absences: list[tuple] = []
        self.events: list[tuple] | None = [] if record_events else None

    def task(self, t, now, hpd):
        cycle = now - t.arrival
        steps = t.work_steps + t.coord_steps + t.approvals
        self.tasks.append((t.number, t.wf, t.arrival, now, sum(t.hours), t.work_steps, t.coord_steps, t.handoffs, t.cross_body,
                           t.approvals, steps, max(cycle - t.touch, 0.0), t.halted, t.was_halted, t.visits,
                           t.material_sets, t.trips, cycle, cycle / hpd))

    def frames(self, model, unfinished_ages=()) -> "RunResult":
        names = [wf.id for wf in model.scenario.workload.workflows]
        tasks = pd.DataFrame(self.tasks, columns=TASK_COLUMNS)
        tasks["workflow"] = pd.Categorical.from_codes(tasks["workflow"].to_numpy(dtype=int), categories=names) \
            if len(tasks) else pd.Series([], dtype="object")
        span = model.horizon - model.warmup
        rows = []
        for m in model.staff:
            present = max(span - m.absent_hours, 0.0)
            rows.append((m.sid, m.name, m.body, m.section, m.post, m.busy_hours, max(present - m.busy_hours, 0.0),
                         m.absent_hours, m.coordination_hours, m.busy_hours / present if present > 0 else np.nan))
        staff = pd.DataFrame(rows, columns=STAFF_COLUMNS)
        leaders = pd.DataFrame([(l.sid, l.name, l.signed, l.busy_hours, l.absent_hours, len(l.tray))
                                for l in model.leaders.values()],
                               columns=["leader", "name", "signed", "signoff_hours", "absent_hours", "tray_at_end"])
        halts = pd.DataFrame(self.halts, columns=HALT_COLUMNS)
        series = pd.DataFrame(self.series, columns=SERIES_COLUMNS)
        events = pd.DataFrame(self.events or [], columns=EVENT_COLUMNS)
        absences = pd.DataFrame(self.absences, columns=ABSENCE_COLUMNS).sort_values(["person", "start"], ignore_index=True)
        arrived = sum(1 for t in model._arr_t[: model._arr_i] if t >= model.warmup)
        summary = summarise(tasks, staff, halts, arrived=arrived, warmup=model.warmup, horizon=model.horizon,
                            hpd=model.hpd, unfinished_ages=unfinished_ages)
        return RunResult(model.structure_name, model.seed, summary, tasks, staff, halts, series, events, leaders, absences)


@dataclass
class RunResult:
    structure: str
    seed: int
    summary: dict
    tasks: pd.DataFrame
    staff: pd.DataFrame
    halts: pd.DataFrame
    timeseries: pd.DataFrame
    events: pd.DataFrame
    leaders: pd.DataFrame
    absences: pd.DataFrame
    warnings: list = field(default_factory=list)  # what makes this run's table misleading (sim.diagnostics)


def gini(x) -> float:
    x = np.sort(np.asarray(x, dtype=float))
    x = x[~np.isnan(x)]
    if len(x) == 0 or x.sum() == 0:
        return 0.0
    n = len(x)
    return float((2 * np.arange(1, n + 1) - n - 1).dot(x) / (n * x.sum()))


def summarise(tasks, staff, halts, *, arrived, warmup, horizon, hpd, unfinished_ages=()) -> dict:
    """Per-run metrics over tasks that arrived after the warm-up and were finished by the horizon,
    beside the count and mean age of those still unfinished (the finished mean alone hides a backlog).

    Utilisation is busy hours / hours present (absences excluded); idle and overloaded shares are
    of staff whose utilisation so defined is below ``IDLE_BELOW`` / above ``OVERLOADED_ABOVE``."""
    done = tasks[tasks["arrival"] >= warmup]
    n = len(done)
    cyc = done["cycle_hours"].to_numpy()
    util = staff["utilisation"].dropna().to_numpy()
    staff_days = len(staff) * (horizon - warmup) / hpd
    halts_in = halts[halts["end"] > warmup]
    visits = done[done["window_visits"] > 0]

    def mean(col, frame=done):
        return float(frame[col].mean()) if len(frame) else float("nan")

    um = float(util.mean()) if len(util) else float("nan")
    return {
        "tasks_arrived": float(arrived),
        "tasks_completed": float(n),
        "tasks_unfinished": float(len(unfinished_ages)),
        "share_unfinished": len(unfinished_ages) / (n + len(unfinished_ages)) if n + len(unfinished_ages) else float("nan"),
        "mean_age_unfinished_days": float(np.mean(unfinished_ages) / hpd) if len(unfinished_ages) else float("nan"),
        "mean_cycle_hours": float(cyc.mean()) if n else float("nan"),
        "median_cycle_hours": float(np.median(cyc)) if n else float("nan"),
        "p90_cycle_hours": float(np.quantile(cyc, 0.9)) if n else float("nan"),
        "mean_cycle_days": float(cyc.mean() / hpd) if n else float("nan"),
        "steps_per_task": mean("steps"),
        "work_steps_per_task": mean("work_steps"),
        "coordination_steps_per_task": mean("coordination_steps"),
        "handoffs_per_task": mean("handoffs"),
        "cross_body_handoffs_per_task": mean("cross_body_handoffs"),
        "approval_levels_per_task": mean("approval_levels"),
        "mean_wait_hours": mean("waiting_hours"),
        "mean_halted_hours": mean("halted_hours"),
        "halts_per_1000_staff_days": 1000.0 * len(halts_in) / staff_days if staff_days > 0 else float("nan"),
        "share_tasks_halted": mean("halted"),
        "util_mean": um,
        "util_cv": float(util.std() / um) if len(util) and um > 0 else float("nan"),
        "util_gini": gini(util),
        "idle_share": float((util < IDLE_BELOW).mean()) if len(util) else float("nan"),
        "overloaded_share": float((util > OVERLOADED_ABOVE).mean()) if len(util) else float("nan"),
        "window_visits_per_service": mean("window_visits", visits),
        "material_sets_per_service": mean("material_sets", visits),
        "trips_per_service": mean("trips", visits),
    }
