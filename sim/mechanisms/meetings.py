"""Meetings: approval levels that decide only at a fixed meeting (局务会, 常务会), not from the daily in-tray.

An approval step whose level is in ``params.meetings.levels`` (``sim.params.Meetings``) circulates
like any other (``routing_hours``, ``sim.mechanisms.approvals``) and then waits on its leader's
agenda. The meeting is held each week on ``weekday`` at ``hour``; with ``size_trigger`` it is also
convened at that hour on any other day on which that many items wait. The leader decides every item
on the agenda, oldest first, ``item_hours`` each, one after another; meeting items do not use the
daily sign-off time. Each leader holds their own meeting for their own meeting levels.

**An absent leader's meeting is missed** (chosen over "held by the next level": a 局务会 or 常务会
decides because its chair is there; the deputy who would stand in is usually the level below, whose
sign-off the item already has): the items wait for the next meeting the leader attends (or the
next day the size trigger finds them present).

A sign-off that stands for several levels of one person (``collapse_approvals``) meets if its
highest level does. Off by default (no level meets): no handler, no event, no cost.
"""
from __future__ import annotations

from collections import deque

from ..engine import Mechanism


class Meetings(Mechanism):
    name = "meetings"

    def __init__(self, e):
        self.e = e
        self.p = p = e.params.meetings
        self.held = 0  # meetings held (a regular one and an early one count alike)
        for level in p.levels:
            e.handlers[("leader", True, level)] = self.submit

    def build(self):
        e = self.e
        self.approvals = e.mechanisms["approvals"]
        self.agenda = {lid: deque() for lid in e.leaders} if self.p.levels else {}

    def start(self):
        e, p = self.e, self.p
        if not p.levels:
            return
        for d in range(e.days):
            if p.size_trigger > 0 or e.cal.weekday(d) == p.weekday:
                e.schedule(d * e.hpd + p.hour, self.meet, d)

    def submit(self, task, step):
        task.approvals += 1
        self.approvals.circulate(task, step, self.on_agenda)
        return True

    def on_agenda(self, arg):
        task, step = arg
        task.tray_at = self.e.now
        self.agenda[step.leader].append(task)

    def meet(self, day):
        """Each present leader with items waiting holds the weekly meeting, or an early one when the
        agenda reached ``size_trigger``; an absent leader's meeting is missed."""
        e, p = self.e, self.p
        regular = e.cal.weekday(day) == p.weekday
        for lid, agenda in self.agenda.items():
            if not agenda or not (regular or len(agenda) >= p.size_trigger):
                continue
            leader = e.leaders[lid]
            if leader.present:
                self.held += 1
                self.approvals.sign(leader, agenda, len(agenda), p.item_hours, self.signed)

    def signed(self, task):
        self.approvals.passed(task, self.p.item_hours)
