"""Coordination inside a merged section: the old desks still pass work to each other (各自为战).

The rule: inside a section a merger made, a task whose next work step belongs to a function that
came from a different old section (``Section.origins``, kept by ``merge_sections`` and
``move_functions``) is passed between the old desks by a lighter internal protocol: ``steps``
coordination jobs of ``hours`` each in the section's coordination queue (a note and the colleague's
confirmation), instead of the three 环节 across a section line that seed 001 counts. The protocol
fades as people learn each other's work: at day t after the reform each internal step is paid with
probability ``floor + (1 - floor) x max(0, 1 - t / fade_days)`` (the ``internal_coordination``
stream). ``floor = 1`` is seed 001's "依然各自为战": the old desks never merge in practice.

Why: the first version charged nothing for coordination inside a section, so merging removed the
whole section-line protocol at once and for good; large sections won by construction.

``params.internal_coordination`` (``sim.params.InternalCoordination``) holds the parameters;
``steps: 0`` switches the rule off.
"""
from __future__ import annotations

from ..agents import Job
from ..engine import Mechanism


class InternalCoordination(Mechanism):
    name = "internal_coordination"

    def __init__(self, e):
        self.e = e
        p = e.params.internal_coordination
        self.hours, self.floor = p.hours, p.floor
        self.fade_hours = p.fade_days * e.hpd
        self.rng = e.stream("internal_coordination")
        e.handlers[("internal", False)] = self.internal

    def build(self):
        from ..queues import COORD
        self.coord_queue = {sid: info["queues"][COORD] for sid, info in self.e.section_info.items()}

    def still_paid(self) -> float:
        """The share of internal steps still paid now (1 at the reform, ``floor`` after ``fade_days``)."""
        left = max(0.0, 1.0 - self.e.now / self.fade_hours) if self.fade_hours > 0 else 0.0
        return self.floor + (1.0 - self.floor) * left

    def internal(self, task, step):
        if self.rng.random() >= self.still_paid():
            return False  # learnt: the colleague takes it on without a note
        task.coord_steps += 1
        task.internal_steps += 1
        self.e.enqueue(Job(task, step, self.hours, step.name), self.coord_queue[step.section])
        return True
