"""Paired runs of the seed scenarios: the same seeds under every structure (common random numbers).

A *batch* is one scenario, a list of structures, optional overrides, a number of days and replications.
Every (batch, structure, replication) is one run; the worker keeps only what the claims read: the run's
summary metrics, per-workflow means over measured tasks (beside them the mean trips of the tasks
whose materials were complete at every window visit, ``trips_complete`` over ``n_complete`` tasks,
and of those sent home at least once, ``trips_incomplete`` over ``n_incomplete``: 最多跑一次 is
promised for the first; NaN where there are none), and (on request) the daily mean cycle time by
arrival day. Workers are spawned processes (Mesa forces spawn), so everything here is module-level.
"""
from __future__ import annotations

import concurrent.futures as cf
import functools
import itertools
import multiprocessing
import os
from dataclasses import dataclass, field

import numpy as np

from experiments.runner import exit_with_parent  # workers end when a killed parent cannot stop them

WF_METRICS = ("steps", "work_steps", "coordination_steps", "handoffs", "cross_body_handoffs", "approval_levels",
              "window_visits", "material_sets", "trips", "incomplete_visits", "cycle_hours", "cycle_days",
              "waiting_hours", "halted")


@dataclass(frozen=True)
class Batch:
    key: str
    scenario: str
    structures: tuple[str, ...]
    replications: int
    seed: int
    days: int | None = None
    overrides: tuple = ()  # ((dotted path, value), ...)
    daily: bool = False  # keep the daily mean cycle time by arrival day
    first: int = 0  # replications before this one already ran (a sequential look adds the rest)

    def jobs(self):
        import sim

        # replication seeds are a prefix-stable spawn: the first n of n + k are the seeds of n
        for r, s in enumerate(sim.replication_seeds(self.seed, self.replications)):
            if r < self.first:
                continue
            for st in self.structures:
                yield (self.key, self.scenario, st, r, s, self.days, self.overrides, self.daily)


@functools.lru_cache(maxsize=None)
def cached_scenario(name: str):
    """The scenario as written, read once per process: reading its YAML costs more than a short run, and a
    global sample applies new overrides at every point."""
    import sim

    return sim.load_scenario(name)


@functools.lru_cache(maxsize=32)
def _scenario(name: str, overrides: tuple):
    return cached_scenario(name).with_overrides(dict(overrides) if overrides else None)


def run_job(job) -> tuple:
    """One run -> (batch key, structure, replication, record)."""
    import sim

    key, scenario, structure, rep, seed, days, overrides, daily = job
    sc = _scenario(scenario, overrides)
    res = sim.run(sc, structure=structure, seed=seed, days=days, record_events=False)
    t = res.tasks
    hpd = sc.calendar.hours_per_day
    warm = min(sc.warmup_days, (days or sc.horizon_days) - 1) * hpd
    measured = t[t["arrival"] >= warm]
    wf = {}
    if len(measured):
        g = measured.groupby("workflow", observed=True)[list(WF_METRICS)].mean()
        wf = {str(w): {m: float(v) for m, v in row.items()} for w, row in g.iterrows()}
        for w, n in measured.groupby("workflow", observed=True).size().items():
            wf.setdefault(str(w), {})["n"] = float(n)
        sent_home = (measured["incomplete_visits"] > 0).rename("sent_home")
        g = measured.groupby([measured["workflow"], sent_home], observed=True)["trips"].agg(["mean", "size"])
        for w, d in wf.items():
            for label, home in (("complete", False), ("incomplete", True)):
                hit = (w, home) in g.index
                d[f"n_{label}"] = float(g.at[(w, home), "size"]) if hit else 0.0
                d[f"trips_{label}"] = float(g.at[(w, home), "mean"]) if hit else float("nan")
    rec = {"summary": {k: float(v) for k, v in res.summary.items()}, "wf": wf}
    if daily:
        d = (t["arrival"] // hpd).astype(int)
        rec["daily"] = t.groupby(d)["cycle_hours"].mean().reindex(range(days or sc.horizon_days)).to_numpy()
    return key, structure, rep, rec


@dataclass
class Results:
    """Records by (batch key, structure) -> list indexed by replication."""
    batches: dict = field(default_factory=dict)
    records: dict = field(default_factory=dict)

    def add(self, key, structure, rep, rec):
        lst = self.records.setdefault((key, structure), [])
        lst.extend([None] * (rep + 1 - len(lst)))
        lst[rep] = rec

    def replications(self, key) -> int:
        return len(self.records[(key, self.batches[key].structures[0])])

    def values(self, key, structure, fn) -> np.ndarray:
        return np.array([fn(r) for r in self.records[(key, structure)]], dtype=float)


def run_group(jobs) -> list[tuple]:
    """The structures of one (batch, replication) in one process, so a scenario with overrides is parsed
    once for all of them (a global sample has new overrides at every point)."""
    return [run_job(j) for j in jobs]


def run_batches(batches: list[Batch], workers: int = 1, progress=None, into: Results | None = None) -> Results:
    """Run every job of ``batches``; ``into`` adds them to earlier results (more replications)."""
    res = into if into is not None else Results()
    res.batches.update({b.key: b for b in batches})
    jobs = [j for b in batches for j in b.jobs()]
    if workers <= 1:
        for i, j in enumerate(jobs):
            res.add(*run_job(j))
            if progress:
                progress(i + 1, len(jobs))
        return res
    ctx = multiprocessing.get_context("spawn")
    groups = [list(g) for _, g in itertools.groupby(jobs, key=lambda j: (j[0], j[3]))]
    # longest first: Huaibei runs dominate, start them early
    groups.sort(key=lambda g: (g[0][1] != "huaibei_pilots", g[0][5] is not None))
    done = 0
    with cf.ProcessPoolExecutor(max_workers=workers, mp_context=ctx, initializer=exit_with_parent,
                                initargs=(os.getpid(),)) as pool:
        for outs in pool.map(run_group, groups, chunksize=1):
            for out in outs:
                res.add(*out)
                done += 1
                if progress:
                    progress(done, len(jobs))
    return res


def default_workers() -> int:
    return max(1, min(os.cpu_count() or 1, 8))
