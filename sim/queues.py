"""Section queues and the halt rule.

A queue holds the jobs of one function of one section (or its coordination jobs, or its head's
jobs). It counts the people able to serve it who are present. A *halt* is the time during
which the queue holds work while that count is zero: every qualified person is away
("一人出差、业务停办"). The halt's start, end and the tasks it blocked go to the halt ledger.
"""
from __future__ import annotations

from collections import deque

HEAD = "(head)"
COORD = "(coordination)"


class WorkQueue:
    __slots__ = ("section", "function", "jobs", "primary", "helpers", "present", "halt_start", "halt_tasks",
                 "lendable")

    def __init__(self, section, function):
        self.section = section
        self.function = function  # a function name, HEAD or COORD
        self.jobs: deque = deque()
        self.primary = []  # able staff of the section itself
        self.helpers = []  # able staff of other sections (combo partners, commissioners)
        self.present = 0
        self.halt_start = None
        self.halt_tasks = 0
        self.lendable = False  # other bodies' staff may be lent here, after paperwork

    def wait(self, job, now, front=False):
        """Queue ``job`` (at the front for work handed back); open a halt or count it in one if nobody
        able is present. Returns True when the job waits in a halt."""
        if front:
            self.jobs.appendleft(job)
        else:
            self.jobs.append(job)
        if self.present:
            return False
        if self.halt_start is None:
            self.open_halt(now)
        else:
            self.halt_tasks += 1
        return True

    def open_halt(self, now):
        self.halt_start = now
        self.halt_tasks = len(self.jobs)

    def close_halt(self, now, ledger):
        """End the halt: every job still waiting was blocked since it came (or since the halt began)."""
        start = self.halt_start
        for job in self.jobs:
            t = job.task
            t.halted += now - (job.enq if job.enq > start else start)
            t.was_halted = True
        ledger.append((self.section, self.function, start, now, now - start, self.halt_tasks))
        self.halt_start = None
        self.halt_tasks = 0
