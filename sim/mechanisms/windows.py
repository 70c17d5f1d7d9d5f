"""Windows and trips: what a citizen sees at the service counters.

Consecutive visits to one window are one visit and one set of materials; a visit to a new location,
or on a new day, is a new trip. With ``params.windows.incomplete_materials`` = p, a set is
incomplete with probability p (a uniform drawn with the task, so the same citizen forgets the same
papers under every structure): the citizen goes home and comes back the next working day, when the
set is complete. The task ledger's ``incomplete_visits`` counts the visits that sent the citizen
home (the visit still counts in ``window_visits``, the set not in ``material_sets``; the next day is
a new trip), so "at most one trip" can be read for the citizens who brought complete materials.
Seed 003 (Fushan): "3 windows and 3 sets of materials -> 1 window, 1 set"; the merged windows
(``merge_windows``) are compiled into the route by ``sim.mechanisms.routing``.
Default p = 0 (assumption: the seeds give no figure; the Harbin and Shanxi scenarios set theirs).
"""
from __future__ import annotations

from ..agents import Job
from ..engine import Mechanism


class Windows(Mechanism):
    name = "windows"

    def __init__(self, e):
        self.e = e
        self.incomplete = e.params.windows.incomplete_materials
        e.handlers[("visit", False)] = self.visit

    def visit(self, task, step):
        """Count the citizen's visit and trip; incomplete materials send the citizen home until tomorrow."""
        e = self.e
        task.work_steps += 1
        job = Job(task, step, task.hours[step.base], step.name)
        if step.new_visit:
            day = e.cal.day(e.now)
            task.visits += 1
            task.material_sets += 1
            if step.location != task.last_loc or day != task.last_visit_day:
                task.trips += 1
            task.last_loc, task.last_visit_day = step.location, day
            if task.uniforms[step.base] < self.incomplete:
                task.uniforms[step.base] = 1.0  # the second time the set is complete
                task.incomplete_visits += 1
                task.at -= 1
                task.work_steps -= 1
                task.material_sets -= 1
                task.last_loc = None
                e.schedule((day + 1) * e.hpd, e.advance, task)
                return True
        e.assign(job)
        return True
