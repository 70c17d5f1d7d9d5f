"""Halts: "一人出差、业务停办" — a queue holding work while everyone able to serve it is away.

A halt starts when the last able person leaves a queue that holds work, or when work arrives at a
queue whose able people are all away; it ends when someone able is back. Its start, end and the
tasks it blocked go to the halt ledger; each job is charged the halted hours it waited through
(the queue's halt clock, ``sim.queues.WorkQueue.clock``). A halt that ends the instant it begins
stopped nothing and is not recorded. Other mechanisms react to a halt through ``on_halted``
(``sim.mechanisms.lending``). No parameters: it is the measurement the seeds' claim is about.
"""
from __future__ import annotations

from ..engine import Mechanism


class Halts(Mechanism):
    name = "halts"

    def __init__(self, e):
        self.e = e
        e.on_unstaffed.append(self.unstaffed)
        e.on_staffed.append(self.staffed)
        e.on_horizon.append(self.horizon)

    def unstaffed(self, q):
        if q.jobs and q.halt_start is None:
            q.open_halt(self.e.now)
            self.e.halted(q)

    def staffed(self, q):
        if q.halt_start is not None:
            q.close_halt(self.e.now, self.e.ledgers.halts)

    def horizon(self):
        e = self.e
        for q in e.queues.values():
            if q.halt_start is not None:
                q.close_halt(e.horizon, e.ledgers.halts)
