"""Ledgers: what a run leaves behind, as pandas DataFrames, and the per-run summary metrics.

Rows are collected as tuples during the run (cheap) and become DataFrames once at the end.
The events ledger keeps working hours, one row per piece of work; ``sim.eventlog`` derives from it
and the ledgers beside it (sign-offs, interruptions, open cases) the standard log mining tools read.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

TASK_COLUMNS = ["task", "workflow", "arrival", "completion", "work_hours", "work_steps", "coordination_steps",
                "internal_steps", "handoffs",
                "cross_body_handoffs", "approval_levels", "steps", "waiting_hours", "halted_hours", "halted",
                "window_visits", "material_sets", "trips", "incomplete_visits", "cycle_hours", "cycle_days"]
STAFF_COLUMNS = ["staff", "name", "body", "section", "post", "busy_hours", "idle_hours", "absent_hours",
                 "coordination_hours", "utilisation"]
HALT_COLUMNS = ["section", "function", "start", "end", "duration", "tasks_blocked"]
EVENT_COLUMNS = ["case", "activity", "resource", "section", "start", "end"]
# beside the events (recorded with them, so the events ledger and its digests stay the first version's):
SIGNOFF_COLUMNS = ["case", "activity", "leader", "level", "start", "end"]  # leaders' sign-offs, done
# a job put aside (an absence, or a head breaking off casework): its events row ends at ``at``; the
# row of ``resumed_by`` starting at ``resumed_at`` goes on with it (NaN: not resumed by the horizon)
INTERRUPTION_COLUMNS = ["case", "activity", "resource", "at", "reason", "resumed_by", "resumed_at"]
UNFINISHED_COLUMNS = ["case", "workflow", "arrival"]  # tasks still open at the horizon
SERIES_COLUMNS = ["day", "wip", "backlog"]
ABSENCE_COLUMNS = ["person", "kind", "start", "end"]
SECTION_COLUMNS = ["body", "section", "staff", "utilisation", "work_done", "halts", "halted_hours", "queue_wait_hours"]
SECTION_MEASURES = tuple(SECTION_COLUMNS[2:])  # what ``compare --by section`` averages over replications
DEFERRAL_COLUMNS = ["requested_start", "deferred_hours"]  # under a leave policy (``Ledgers.requested``)

METRICS = ("tasks_arrived", "tasks_completed", "tasks_unfinished", "share_unfinished", "mean_age_unfinished_days",
           "mean_cycle_hours", "median_cycle_hours", "p90_cycle_hours",
           "mean_cycle_days", "steps_per_task", "work_steps_per_task", "coordination_steps_per_task", "internal_steps_per_task",
           "handoffs_per_task", "cross_body_handoffs_per_task", "approval_levels_per_task", "mean_wait_hours",
           "mean_halted_hours", "halts_per_1000_staff_days", "share_tasks_halted", "util_mean", "util_cv",
           "util_gini", "idle_share", "overloaded_share", "window_visits_per_service",
           "material_sets_per_service", "trips_per_service", "leader_posts", "leader_posts_per_100_staff",
           "section_lead_posts_per_100_staff", "released_leaders", "leader_hours_share")

IDLE_BELOW = 0.30  # utilisation under which a person counts as idle (忙闲不均: 闲)
OVERLOADED_ABOVE = 0.90  # utilisation above which a person counts as overloaded (忙)


# What the run stores per finished task, in compact columns: the task ledger's other columns
# (steps, waiting, cycle) are derived from these once, vectorised, when the frames are built.
ROW = np.dtype([("task", "i4"), ("workflow", "i4"), ("arrival", "f8"), ("completion", "f8"), ("work_hours", "f8"),
                ("work_steps", "i4"), ("coordination_steps", "i4"), ("internal_steps", "i4"), ("handoffs", "i4"),
                ("cross_body_handoffs", "i4"),
                ("approval_levels", "i4"), ("touch", "f8"), ("halted_hours", "f8"), ("halted", "?"),
                ("window_visits", "i4"), ("material_sets", "i4"), ("trips", "i4"), ("incomplete_visits", "i4")])
CHUNK = 4096  # rows gathered as tuples (cheap to append) before they are packed into ROW's columns
COUNTS = ("work_steps", "coordination_steps", "internal_steps", "handoffs", "cross_body_handoffs", "approval_levels",
          "halted")
VISIT_COUNTS = ("window_visits", "material_sets", "trips", "incomplete_visits")


def _row(t, now) -> tuple:
    """A finished task's ``ROW`` record, as a tuple (appending tuples is the cheapest thing Python does)."""
    return (t.number, t.wf, t.arrival, now, sum(t.hours), t.work_steps, t.coord_steps, t.internal_steps, t.handoffs,
            t.cross_body, t.approvals, t.touch, t.halted, t.was_halted, t.visits, t.material_sets, t.trips,
            t.incomplete_visits)


class Ledgers:
    """Rows collected during the run, DataFrames once at the end.

    The task ledger is columnar: a finished task is one tuple appended (the cheapest thing Python
    does), and every ``CHUNK`` tuples are packed into a numpy record array of ``ROW`` (89 bytes a
    task, where the tuples and their float objects took about 600). With ``summary_only`` no task
    row is kept: the summary's integer counts are running totals, and only three numbers a task
    after the warm-up stay (cycle, waiting and halted hours, 24 bytes: the median and 90th percentile
    need every cycle time, and keeping the hours lets the means be summed exactly as the full
    ledger's are), so the summary is the same bit for bit."""

    def __init__(self, record_events: bool = True, summary_only: bool = False, warmup: float = 0.0):
        self.summary_only = summary_only
        self.warmup = warmup
        self.extra: tuple[str, ...] = ()  # counts a mechanism added (``add_count``)
        self._row = ROW
        self._rows: list[tuple] = []
        self._packed: list[np.ndarray] = []
        self.halts: list[tuple] = []
        self.series: list[tuple] = []
        self.absences: list[tuple] = []  # (person, kind, start, end) as taken
        # requested start by row of ``absences`` for the episodes a leave policy deferred; None when no
        # policy may defer (the frame then has the first version's four columns, pinned by its digests)
        self.requested: dict[int, float] | None = None
        self.events: list[tuple] | None = [] if record_events and not summary_only else None
        self.signoffs: list[tuple] | None = None if self.events is None else []
        self.interruptions: list[list] | None = None if self.events is None else []
        self._aside: dict = {}  # a job put aside -> its ``interruptions`` row, until it goes on
        if summary_only:
            self.task = self._count
            self._hours: list[tuple] = []  # (cycle, waiting, halted) of tasks after the warm-up
            self._totals = dict.fromkeys(COUNTS + VISIT_COUNTS, 0)
            self._visited = 0

    def add_count(self, name: str) -> None:
        """Keep a per-task count a mechanism adds (the ``Task`` attribute ``name``, 0 by default): a
        task-ledger column after the usual ones and the summary's ``<name>_per_task``.

        Only runs where that mechanism acts have them, so every other run's ledgers and summary stay
        bit for bit what they were; the plain ``task`` keeps its speed."""
        self.extra += (name,)
        self._row = np.dtype(ROW.descr + [(n, "i4") for n in self.extra])
        if self.summary_only:
            self._totals[name] = 0
            self.task = self._count_extra
        else:
            self.task = self._task_extra

    def _task_extra(self, t, now):
        """``task`` with the added counts."""
        rows = self._rows
        rows.append((*_row(t, now), *[getattr(t, n) for n in self.extra]))
        if len(rows) == CHUNK:
            self._packed.append(np.array(rows, dtype=self._row))
            rows.clear()

    def _count_extra(self, t, now):
        """``_count`` with the added counts."""
        self._count(t, now)
        if t.arrival >= self.warmup:
            for n in self.extra:
                self._totals[n] += getattr(t, n)

    def task(self, t, now):
        rows = self._rows
        rows.append(_row(t, now))
        if len(rows) == CHUNK:
            self._packed.append(np.array(rows, dtype=ROW))
            rows.clear()

    def _count(self, t, now):
        """``task`` under ``summary_only``: what the summary needs and nothing more."""
        if t.arrival < self.warmup:
            return
        cycle = now - t.arrival
        self._hours.append((cycle, max(cycle - t.touch, 0.0), t.halted))
        if len(self._hours) == CHUNK:
            self._packed.append(np.array(self._hours))
            self._hours.clear()
        tot = self._totals
        tot["work_steps"] += t.work_steps
        tot["coordination_steps"] += t.coord_steps
        tot["internal_steps"] += t.internal_steps
        tot["handoffs"] += t.handoffs
        tot["cross_body_handoffs"] += t.cross_body
        tot["approval_levels"] += t.approvals
        tot["halted"] += t.was_halted
        if t.visits > 0:
            self._visited += 1
            tot["window_visits"] += t.visits
            tot["material_sets"] += t.material_sets
            tot["trips"] += t.trips
            tot["incomplete_visits"] += t.incomplete_visits

    def put_aside(self, job, person, now, reason) -> None:
        """Note that ``job``'s events row just written ended because the job was put aside (recording
        events only): the event log marks it suspended, not done, so it is not read as rework."""
        row = [job.task.number, job.activity, person.sid, now, reason, None, np.nan]
        self._aside[job] = row
        self.interruptions.append(row)

    def went_on(self, job, person, start) -> None:
        """``job``'s events row about to be written is a put-aside job going on (``put_aside``)."""
        row = self._aside.pop(job, None)
        if row is not None:
            row[5], row[6] = person.sid, start

    def task_rows(self, start: int = 0) -> np.ndarray:
        """The finished tasks from the ``start``-th on, as ``ROW`` records (the app reads them as a
        run goes; not under ``summary_only``)."""
        parts, seen = [], 0
        for p in self._packed:
            if seen + len(p) > start:
                parts.append(p[max(start - seen, 0):])
            seen += len(p)
        if self._rows:
            parts.append(np.array(self._rows[max(start - seen, 0):], dtype=self._row))
        return np.concatenate(parts) if parts else np.empty(0, dtype=self._row)

    def task_frame(self, names, hpd) -> pd.DataFrame:
        """The task ledger (``TASK_COLUMNS``) from the packed rows."""
        r = self.task_rows()
        cycle = r["completion"] - r["arrival"]
        cols = {"task": r["task"].astype(np.int64), "workflow": pd.Categorical.from_codes(r["workflow"], categories=names),
                "arrival": r["arrival"], "completion": r["completion"], "work_hours": r["work_hours"]}
        for c in COUNTS[:6]:
            cols[c] = r[c].astype(np.int64)
        cols["steps"] = cols["work_steps"] + cols["coordination_steps"] + cols["approval_levels"]
        cols["waiting_hours"] = np.maximum(cycle - r["touch"], 0.0)
        cols["halted_hours"] = r["halted_hours"]
        cols["halted"] = r["halted"]
        for c in VISIT_COUNTS:
            cols[c] = r[c].astype(np.int64)
        cols["cycle_hours"] = cycle
        cols["cycle_days"] = cycle / hpd
        for c in self.extra:
            cols[c] = r[c].astype(np.int64)
        return pd.DataFrame(cols, columns=TASK_COLUMNS + list(self.extra))

    def totals(self, tasks: pd.DataFrame | None) -> "TaskTotals":
        """What the summary reads of the finished tasks after the warm-up: from the task ledger, or
        from the running totals under ``summary_only``."""
        if tasks is None:
            packed = self._packed + ([np.array(self._hours)] if self._hours else [])
            h = np.concatenate(packed) if packed else np.empty((0, 3))
            return TaskTotals(len(h), np.ascontiguousarray(h[:, 0]), np.ascontiguousarray(h[:, 1]),
                              np.ascontiguousarray(h[:, 2]), dict(self._totals), self._visited)
        done = tasks[tasks["arrival"].to_numpy() >= self.warmup]
        counts = {c: int(done[c].to_numpy().sum()) for c in COUNTS + self.extra}
        visited = done["window_visits"].to_numpy() > 0
        counts.update({c: int(done[c].to_numpy()[visited].sum()) for c in VISIT_COUNTS})
        return TaskTotals(len(done), done["cycle_hours"].to_numpy(), done["waiting_hours"].to_numpy(),
                          done["halted_hours"].to_numpy(), counts, int(visited.sum()))

    def frames(self, model, unfinished_ages=()) -> "RunResult":
        names = [wf.id for wf in model.scenario.workload.workflows]
        tasks = pd.DataFrame({c: [] for c in TASK_COLUMNS + list(self.extra)}) if self.summary_only else \
            self.task_frame(names, model.hpd)
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
        signoffs = pd.DataFrame(self.signoffs or [], columns=SIGNOFF_COLUMNS)
        interruptions = pd.DataFrame(self.interruptions or [], columns=INTERRUPTION_COLUMNS)
        unfinished = pd.DataFrame([(t.number, names[t.wf], t.arrival) for t in model._live.values()],
                                  columns=UNFINISHED_COLUMNS)
        absences = pd.DataFrame(self.absences, columns=ABSENCE_COLUMNS)
        if self.requested is not None:
            requested = absences["start"].to_numpy().copy()
            for row, t in self.requested.items():
                requested[row] = t
            absences[DEFERRAL_COLUMNS[0]] = requested
            absences[DEFERRAL_COLUMNS[1]] = absences["start"].to_numpy() - requested
        absences = absences.sort_values(["person", "start"], ignore_index=True)
        arrived = sum(1 for t in model._arr_t[: model._arr_i] if t >= model.warmup)
        summary = summarise(self.totals(None if self.summary_only else tasks), staff, halts, arrived=arrived,
                            warmup=model.warmup, horizon=model.horizon, hpd=model.hpd, unfinished_ages=unfinished_ages,
                            extra=self.extra, leaders=leaders, posts=model.structure.posts())
        return RunResult(model.structure_name, model.seed, summary, tasks, staff, halts, series, events, leaders, absences,
                         sections=self.section_frame(model.structure, staff, halts, model.queues.values()), signoffs=signoffs,
                         interruptions=interruptions, unfinished=unfinished)

    def section_frame(self, structure, staff, halts, queues) -> pd.DataFrame:
        """One row per section (``SECTION_COLUMNS``), after the warm-up: staff, mean utilisation, work
        steps done, halts and halted hours (halts that ended after the warm-up), and the mean hours a job
        waited in the section's queues from joining (or being handed back) to being taken."""
        util = staff.groupby("section")["utilisation"].mean()
        size = staff.groupby("section").size()
        late = halts[halts["end"] > self.warmup]
        count, hours = late.groupby("section").size(), late.groupby("section")["duration"].sum()
        by_section: dict[str, list] = {}  # section -> [queue wait hours, jobs taken, work steps done]
        for q in queues:
            acc = by_section.setdefault(q.section, [0.0, 0, 0])
            acc[0] += q.waited
            acc[1] += q.taken
            acc[2] += q.done
        rows = []
        for b, s in structure.sections():
            wait, taken, done = by_section.get(s.id, (0.0, 0, 0))
            rows.append((b.id, s.id, int(size.get(s.id, 0)), float(util.get(s.id, np.nan)), float(done),
                         float(count.get(s.id, 0)), float(hours.get(s.id, 0.0)), wait / taken if taken else np.nan))
        return pd.DataFrame(rows, columns=SECTION_COLUMNS)


@dataclass
class TaskTotals:
    """The finished tasks after the warm-up, as the summary reads them."""
    n: int
    cycle: np.ndarray
    waiting: np.ndarray
    halted: np.ndarray
    counts: dict  # column -> total over the tasks (window columns: over tasks with a window visit)
    visited: int  # tasks with at least one window visit


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
    sections: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=SECTION_COLUMNS))  # per section
    # recorded with the events (empty otherwise): what ``sim.eventlog`` needs beyond them
    signoffs: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=SIGNOFF_COLUMNS))
    interruptions: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=INTERRUPTION_COLUMNS))
    unfinished: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=UNFINISHED_COLUMNS))  # open at the horizon


def gini(x) -> float:
    x = np.sort(np.asarray(x, dtype=float))
    x = x[~np.isnan(x)]
    if len(x) == 0 or x.sum() == 0:
        return 0.0
    n = len(x)
    return float((2 * np.arange(1, n + 1) - n - 1).dot(x) / (n * x.sum()))


def summarise(done: TaskTotals, staff, halts, *, arrived, warmup, horizon, hpd, unfinished_ages=(), extra=(),
              leaders=None, posts=None) -> dict:
    """Per-run metrics over tasks that arrived after the warm-up and were finished by the horizon,
    beside the count and mean age of those still unfinished (the finished mean alone hides a backlog).

    Utilisation is busy hours / hours present (absences excluded); idle and overloaded shares are
    of staff whose utilisation so defined is below ``IDLE_BELOW`` / above ``OVERLOADED_ABOVE``.
    Means of hours are numpy's sums over the tasks in completion order divided by their number
    (as pandas computes them); means of counts are exact totals over the number. ``extra``: the counts
    mechanisms added (``Ledgers.add_count``), each as ``<name>_per_task`` after the usual metrics.

    官多兵少 (``posts``: ``Structure.posts``; ``leaders``: the leader ledger): ``leader_posts`` the
    leaders holding a post at or above the bodies, ``leader_posts_per_100_staff`` and
    ``section_lead_posts_per_100_staff`` (section heads and deputies) per 100 people in sections,
    ``released_leaders`` leaders whose posts a reform cut and whom nothing deployed, and
    ``leader_hours_share`` the leaders' sign-off and meeting hours over those plus the staff's busy
    hours (after the warm-up): the share of the modelled work hours that is signing rather than
    casework (leaders' other duties are not modelled, so this is the approval load, not their day)."""
    n = done.n
    cyc = done.cycle
    util = staff["utilisation"].dropna().to_numpy()
    staff_days = len(staff) * (horizon - warmup) / hpd
    halts_in = halts[halts["end"] > warmup]
    nan = float("nan")

    def per_task(col):
        return done.counts[col] / n if n else nan

    def per_service(col):
        return done.counts[col] / done.visited if done.visited else nan

    um = float(util.mean()) if len(util) else nan
    out = {
        "tasks_arrived": float(arrived),
        "tasks_completed": float(n),
        "tasks_unfinished": float(len(unfinished_ages)),
        "share_unfinished": len(unfinished_ages) / (n + len(unfinished_ages)) if n + len(unfinished_ages) else nan,
        "mean_age_unfinished_days": float(np.mean(unfinished_ages) / hpd) if len(unfinished_ages) else nan,
        "mean_cycle_hours": float(cyc.mean()) if n else nan,
        "median_cycle_hours": float(np.median(cyc)) if n else nan,
        "p90_cycle_hours": float(np.quantile(cyc, 0.9)) if n else nan,
        "mean_cycle_days": float(cyc.mean() / hpd) if n else nan,
        "steps_per_task": (done.counts["work_steps"] + done.counts["coordination_steps"] + done.counts["approval_levels"]) / n
        if n else nan,
        "work_steps_per_task": per_task("work_steps"),
        "coordination_steps_per_task": per_task("coordination_steps"),
        "internal_steps_per_task": per_task("internal_steps"),
        "handoffs_per_task": per_task("handoffs"),
        "cross_body_handoffs_per_task": per_task("cross_body_handoffs"),
        "approval_levels_per_task": per_task("approval_levels"),
        "mean_wait_hours": float(done.waiting.sum() / n) if n else nan,
        "mean_halted_hours": float(done.halted.sum() / n) if n else nan,
        "halts_per_1000_staff_days": 1000.0 * len(halts_in) / staff_days if staff_days > 0 else nan,
        "share_tasks_halted": per_task("halted"),
        "util_mean": um,
        "util_cv": float(util.std() / um) if len(util) and um > 0 else nan,
        "util_gini": gini(util),
        "idle_share": float((util < IDLE_BELOW).mean()) if len(util) else nan,
        "overloaded_share": float((util > OVERLOADED_ABOVE).mean()) if len(util) else nan,
        "window_visits_per_service": per_service("window_visits"),
        "material_sets_per_service": per_service("material_sets"),
        "trips_per_service": per_service("trips"),
    }
    if posts is not None:
        per_100 = (lambda k: 100.0 * posts[k] / posts["staff"]) if posts["staff"] else (lambda k: nan)
        signing = float(leaders["signoff_hours"].sum()) if leaders is not None else 0.0
        worked = signing + float(staff["busy_hours"].sum())
        out.update({"leader_posts": float(posts["leader_posts"]), "leader_posts_per_100_staff": per_100("leader_posts"),
                    "section_lead_posts_per_100_staff": per_100("section_lead_posts"),
                    "released_leaders": float(posts["released_leaders"]),
                    "leader_hours_share": signing / worked if worked > 0 else nan})
    for c in extra:
        out[f"{c}_per_task"] = per_task(c)
    return out
