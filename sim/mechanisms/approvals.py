"""Approvals: section heads' sign-offs, leaders' in-trays, and who signs what.

* **Who signs.** An ``approve: level`` step resolves to a person: ``section_head`` is the head of the
  section that did the last work step (a priority job in the head's queue, ``head_item_hours``,
  scaled by the span of control in ``sim.mechanisms.span``); ``deputy_director`` is the deputy in
  charge of that section (分管, ``sim.mechanisms.deputies``), else the body's deputy; other levels
  are the body's leaders or leaders above bodies. Consecutive levels held by one person collapse into one sign-off; a leader
  who heads a body concurrently (兼任) with ``direct_handling`` removes the levels below them
  (seed 005: the road project's "two fewer management levels").
* **In-trays.** A document reaches a leader's in-tray after ``routing_hours`` of circulation
  (公文流转); each present leader reads the tray once a day at ``session_hour`` and signs, oldest
  first, what ``signoff_hours_per_day`` allows at ``item_hours`` per item. An absent leader signs
  nothing; the tray waits. Defaults (1 hour a day, 6 minutes an item, at 7 of 8 hours, 1 hour of
  circulation) are the first version's assumptions, documented in ``sim.params.Approval``.
* **Seams.** Each compiled approval step carries its level (``RouteStep.level``): levels that decide
  at a meeting take the step through ``sim.mechanisms.meetings`` (which circulates and signs through
  ``circulate`` and ``sign`` here), and ``sim.mechanisms.rework`` may return a submission after it.
"""
from __future__ import annotations

import dataclasses

from ..engine import Mechanism
from ..structure import Section, Structure
from .deputies import DEPUTY_LEVEL, all_deputies, deputy_in_charge


def resolve_approver(st: Structure, body_id: str, level: str, last_section: Section | None):
    """('head', section) or ('leader', leader_id) for an approval level, or KeyError."""
    if level == "section_head":
        if last_section is None:
            raise KeyError("a section_head approval needs a work step before it")
        return ("head", last_section)
    body = st.body(body_id)
    if level == DEPUTY_LEVEL and last_section is not None:  # 分管: the deputy in charge of the section
        deputy = deputy_in_charge(st, body.id, last_section.id)
        if deputy is not None:
            return ("leader", deputy)
    if level in body.leaders:
        return ("leader", body.leaders[level])
    if level in st.above:
        return ("leader", st.above[level])
    known = sorted(set(body.leaders) | set(st.above) | {"section_head"})
    raise KeyError(f"no one holds level {level!r} for body {body_id!r} (levels: {', '.join(known)})")


def collapse_approvals(st: Structure, run: list[tuple]):
    """Apply direct handling and merge consecutive sign-offs by one person (``run``: (body id,
    RouteStep) pairs of consecutive approval steps). A merged sign-off keeps the first step's name
    and takes the last (highest) level: the person decides in that capacity, so a deputy county head
    heading the bureau decides a road project as deputy county head, not at the bureau's meeting
    (``sim.mechanisms.meetings``), and draws that level's returns (``sim.mechanisms.rework``)."""
    out: list = []
    # direct handling: a body whose director is concurrently the authority deals with it directly
    for body_id in {b for b, _ in run}:
        body = st.body(body_id)
        director = body.leaders.get("director")
        if body.direct_handling and director:
            below = all_deputies(st, body_id)
            below.discard(director)
            run = [(b, s) for b, s in run if not (b == body_id and s.kind == "leader" and s.leader in below)]
    for _, s in run:
        who = (s.kind, s.leader or s.section)
        if out and (out[-1].kind, out[-1].leader or out[-1].section) == who:
            if s.level != out[-1].level:
                out[-1] = dataclasses.replace(out[-1], level=s.level)
            continue
        out.append(s)
    return out


class Approvals(Mechanism):
    name = "approvals"

    def __init__(self, e):
        self.e = e
        self.a = e.params.approval
        e.handlers[("head", True)] = self.head
        e.handlers[("leader", True)] = self.leader
        e.to_leader = self.to_leader

    def start(self):
        e = self.e
        for d in range(e.days):
            e.schedule(d * e.hpd + min(self.a.session_hour, e.hpd), self.session, d)

    def head(self, task, step):
        task.approvals += 1
        self.e.head_job(task, step, self.a.head_item_hours)
        return True

    def leader(self, task, step):
        task.approvals += 1
        self.to_leader(task, step)
        return True

    def to_leader(self, task, step):
        """The document circulates to the leader's in-tray."""
        self.circulate(task, step, self.in_tray)

    def circulate(self, task, step, arrive):
        """The document circulates (公文流转, ``routing_hours``), then ``arrive((task, step))``."""
        e = self.e
        e.backlog += 1
        e.schedule(e.now + self.a.routing_hours, arrive, (task, step))

    def in_tray(self, arg):
        task, step = arg
        task.tray_at = self.e.now
        self.e.leaders[step.leader].tray.append(task)

    def session(self, day):
        """Each present leader signs what the daily sign-off time allows, oldest first."""
        e, a = self.e, self.a
        per_day = int(a.signoff_hours_per_day / a.item_hours + 1e-9) if a.item_hours > 0 else 10 ** 9
        for leader in e.leaders.values():
            if not leader.present or not leader.tray:
                continue
            self.sign(leader, leader.tray, min(per_day, len(leader.tray)), a.item_hours)

    def sign(self, leader, tray, n, hours, done=None):
        """``leader`` signs the first ``n`` items of ``tray`` one after another from now, ``hours``
        each, then ``done(task)`` (default ``signed``; a meeting in ``sim.mechanisms.meetings``)."""
        e = self.e
        done = done or self.signed
        for k in range(n):
            task = tray.popleft()
            e.schedule(e.now + (k + 1) * hours, done, task)
        if e.now >= e.warmup:
            leader.busy_hours += n * hours
        leader.signed += n

    def signed(self, task):
        self.passed(task, self.a.item_hours)

    def passed(self, task, hours):
        """A sign-off of ``hours`` is done: the task walks on."""
        e = self.e
        e.backlog -= 1
        task.touch += hours
        log = e.ledgers.signoffs
        if log is not None:  # recording events: the sign-off as an event of its own (sim.eventlog)
            step = task.route[task.at - 1][1]
            log.append((task.number, step.name, step.leader, step.level, e.now - hours, e.now))
        e.advance(task)
