"""Rework (退回修改): a level returns a submission for revision; it goes back down and up the chain again.

After a sign-off at a level with a share in ``params.rework`` (``sim.params.Rework``: ``share``
for every level, ``by_level`` for some), the submission is returned with that chance: the last work
step before the sign-off is done again (``redo_fraction`` of that step's original hours, in the same
section's queue, through the head's hands if dispatch costs time), then every sign-off from there up
to the returning level is done again, and that level decides anew. A sign-off with no work step
right before it (the first step, or after a window visit) is never returned.

**Common random numbers.** The decision at the k-th sign-off of task n at level L is a counter-based
draw of the ``rework`` stream keyed by (n, L, k) (``sim.streams.keyed_uniform``), not the next number
of a sequence: the same task gets the same decisions at the same level under every structure that
has that level, whatever the other levels and tasks did. A sign-off standing for several levels of one
person draws as its highest level (``collapse_approvals``), so a level a reform removes takes its
returns with it. What differs between structures is only which levels a task meets.

Counting: the task ledger's ``returns`` and the summary's ``returns_per_task`` (only in runs where
some share is above 0); ``work_hours`` includes the redo hours; ``work_steps`` and
``approval_levels`` stay the route's (the structure's steps, not how often they were walked).
Off by default (share 0): the routes and the ledgers are the first version's.
"""
from __future__ import annotations

from dataclasses import replace

from ..agents import Job
from ..engine import Mechanism
from ..streams import keyed_uniform


class Rework(Mechanism):
    name = "rework"

    def __init__(self, e):
        self.e = e
        p = e.params.rework
        self.fraction = p.redo_fraction
        self.by_level = dict(p.by_level)
        self.share = p.share
        if p.share <= 0 and not any(v > 0 for v in self.by_level.values()):
            return
        self.uniform = keyed_uniform(e.seed, "rework")
        self.route_inner = e.route_of
        e.route_of = self.route_of
        e.handlers[("review", False)] = self.review
        e.ledgers.add_count("returns")

    def share_of(self, level):
        return self.by_level.get(level, self.share)

    def route_of(self, wf):
        """The compiled route with a review step after each sign-off that may return the submission:
        one at a level with a share, right after a work step (or after the sign-offs that follow it)."""
        out, work = [], -1
        for step in self.route_inner(wf):
            out.append(step)
            if step.kind == "work":
                work = len(out) - 1
            elif not step.approval:
                work = -1
            elif work >= 0 and self.share_of(step.level) > 0:
                out.append(replace(step, kind="review", name=f"review:{step.level}", approval=False, back=work))
        return out

    def review(self, task, step):
        level = step.level
        seen = task.reviewed
        if seen is None:
            seen = task.reviewed = {}
        k = seen[level] = seen.get(level, 0) + 1
        if self.uniform(f"{task.number}/{level}/{k}") >= self.share_of(level):
            return False
        e = self.e
        route = task.route
        work = route[step.back][1]
        hours = self.fraction * task.hours[work.base]
        task.returns += 1
        task.hours.append(hours)  # the ledger's work_hours is the sum of the task's hours
        task.approvals -= sum(1 for _, s in route[step.back + 1: task.at] if s.approval)  # walked again below
        task.at = step.back + 1
        e.assign(Job(task, work, hours, f"rework:{work.name}"))
        return True
