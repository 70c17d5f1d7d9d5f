"""Section queues and the halt rule.

A queue holds the jobs of one function of one section (or its coordination jobs, or its head's
jobs). It counts the people able to serve it who are present. A *halt* is the time during
which the queue holds work while that count is zero: every qualified person is away
("一人出差、业务停办"). The halt's start, end and the tasks it blocked go to the halt ledger.
"""
from __future__ import annotations

from bisect import bisect_left, insort
from collections import deque

HEAD = "(head)"
COORD = "(coordination)"


class WorkQueue:
    __slots__ = ("section", "function", "jobs", "primary", "helpers", "present", "halt_start", "halt_tasks",
                 "halted_before", "lendable", "lend_state", "lend_token", "idle_primary", "idle_helpers",
                 "waited", "taken", "done")

    def __init__(self, section, function):
        self.section = section
        self.function = function  # a function name, HEAD or COORD
        self.jobs: deque = deque()
        self.primary = []  # able staff of the section itself
        self.helpers = []  # able staff of other sections (combo partners, commissioners)
        self.present = 0
        self.halt_start = None
        self.halt_tasks = 0
        self.halted_before = 0.0  # hours halted in halts already closed
        self.lendable = False  # other bodies' staff may be lent here, after paperwork (sim.lending)
        self.lend_state = None  # None, "paperwork" or "open" (lenders may take work)
        self.lend_token = 0  # bumps when someone able returns: pending paperwork is void
        self.idle_primary = None  # positions in ``primary`` of its idle present people (``IdleIndex``), or None
        self.idle_helpers = None  # the same for ``helpers``
        # after the warm-up: hours jobs waited here before being taken, jobs taken, work steps done (the
        # per-section answers sum them at the end: a counter on the queue costs no lookup per job)
        self.waited = 0.0
        self.taken = 0
        self.done = 0

    def clock(self, now) -> float:
        """Hours this queue has been halted up to ``now``. A job's halted time is the clock's advance
        while it waited: O(1) per job, where ending a halt once walked every waiting job."""
        if self.halt_start is None:
            return self.halted_before
        return self.halted_before + (now - self.halt_start)

    def wait(self, job, now, front=False):
        """Queue ``job`` (at the front for work handed back); open a halt or count it in one if nobody
        able is present. Returns True when the job waits in a halt."""
        job.h0 = self.clock(now)
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

    def take(self, now, job=None):
        """The oldest job (or ``job``, which the caller already removed), its task charged the halted
        hours it waited through."""
        if job is None:
            job = self.jobs.popleft()
        halted = self.clock(now) - job.h0
        if halted > 0:
            task = job.task
            task.halted += halted
            task.was_halted = True
        return job

    def open_halt(self, now):
        self.halt_start = now
        self.halt_tasks = len(self.jobs)

    def close_halt(self, now, ledger):
        """End the halt; the waiting jobs' halted hours are settled when they are taken."""
        start = self.halt_start
        self.halted_before += now - start
        if now > start:  # a halt that ends the instant it begins (lending without paperwork) stopped nothing
            ledger.append((self.section, self.function, start, now, now - start, self.halt_tasks))
        self.halt_start = None
        self.halt_tasks = 0


INDEX_FROM = 32  # a list of this many people or more keeps an idle index; a shorter one is walked (measured on
# one pool at rho 0.85: per task, walking costs 7.4 us at 10-20 people, 7.7 at 40, 8.7 at 80, 13.8 at 320;
# the index 7.6-7.9 at every size)


class IdleIndex:
    """Which people of a queue's long lists are idle and present, kept as they change.

    Why: handing a job to an idle person drew from the list of idle present members, found by
    walking every member; in a pool of 320 that walk made each task 75 % dearer. For each list of
    at least ``INDEX_FROM`` people the index keeps the sorted positions of its idle present members,
    so the draw (``sim.mechanisms.dispatch``) picks the same person from the same ordered list
    without the walk. Shorter lists are walked: there the walk is cheaper than the upkeep."""

    def __init__(self, queues, staff):
        self.shared = {}  # one index for lists of the same people in the same order (a section's queues)
        for q in queues:
            q.idle_primary = self._watch(q.primary)
            q.idle_helpers = self._watch(q.helpers)
        for m in staff:
            m.indexed = m.job is None and m.present

    def _watch(self, people):
        if len(people) < INDEX_FROM:
            return None
        key = tuple(map(id, people))
        positions = self.shared.get(key)
        if positions is None:
            positions = self.shared[key] = [i for i, m in enumerate(people) if m.job is None and m.present]
            for i, m in enumerate(people):
                m.watch.append((positions, i))
        return positions

    @staticmethod
    def update(m):
        """Call after ``m.job`` or ``m.present`` changed, for a person with a non-empty ``watch``."""
        avail = m.job is None and m.present
        if avail is m.indexed:
            return
        m.indexed = avail
        if avail:
            for positions, i in m.watch:
                insort(positions, i)
        else:
            for positions, i in m.watch:
                del positions[bisect_left(positions, i)]
