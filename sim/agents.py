"""Agents: staff (section heads, deputies, staff members, commissioners), leaders and tasks.

Staff pick the oldest job they are able to do (their own section first, then sections they may
help: a combo partner's, or any in the body for a commissioner); leaders read their in-tray once
a day; tasks walk their route. The queues and their halt bookkeeping live in ``sim.queues``.
"""
from __future__ import annotations

from collections import deque

import mesa


class Job:
    """One piece of work waiting in a queue or in someone's hands."""
    __slots__ = ("task", "step", "hours", "enq", "queue", "then", "activity", "h0")

    def __init__(self, task, step, hours, activity, then=None):
        self.task = task
        self.step = step
        self.hours = hours  # remaining work, in hours at proficiency 1
        self.enq = 0.0
        self.queue = None
        self.then = then  # a dispatch job carries the work job it hands out
        self.activity = activity
        self.h0 = 0.0  # the queue's halt clock when the job joined it (see WorkQueue.clock)


class Staff(mesa.Agent):
    """A member of a section. ``skills`` maps a function to a proficiency (1.0 = specialist)."""

    leaving = False  # away by the absence rule but finishing the work in hand (finish_first)

    def __init__(self, model, member, section, body):
        super().__init__(model)
        self.sid = member.id
        self.name = member.name
        self.post = member.post
        self.skills = dict(member.skills)
        self.section = section
        self.body = body
        self.transferred = member.transferred
        self.present = True
        self.job: Job | None = None
        self.suspended: list[Job] = []  # casework a head broke off for a management job
        self.job_start = 0.0
        self.job_speed = 1.0
        self.token = 0
        self.own_queues = []  # queues of its own section it may serve (head queue first if any)
        self.help_queues = []  # queues of other sections it may serve when its own are empty
        self.able_queues = []  # every queue whose halt count includes this person
        self.watch = []  # (positions, i): the idle indexes this person is in (``sim.queues.IdleIndex``)
        self.indexed = True  # whether the person is in them now (idle and present)
        self.busy_hours = 0.0
        self.absent_hours = 0.0
        self.coordination_hours = 0.0
        self.absent_since = 0.0

    @property
    def state(self) -> str:
        """busy / idle / absent, for the teaching app's org chart."""
        return "absent" if not self.present else ("busy" if self.job is not None else "idle")


class Leader(mesa.Agent):
    """A leader above sections: signs items in the in-tray during a limited daily session."""

    leaving = False  # leaders hold no job in hand (see Staff.leaving)

    def __init__(self, model, leader):
        super().__init__(model)
        self.sid = leader.id
        self.name = leader.name
        self.present = True
        self.tray: deque = deque()
        self.busy_hours = 0.0
        self.absent_hours = 0.0
        self.absent_since = 0.0
        self.signed = 0

    @property
    def state(self) -> str:
        return "absent" if not self.present else ("busy" if self.tray else "idle")


class Task:
    """A case of a workflow walking its compiled route: an agent of the model in the domain sense
    (its own state, moved on by its route's steps), kept out of Mesa's agent registry.

    Why out of the registry (measured, ``experiments/benchmarks/bench_engine.py``): registering and
    removing one Mesa agent per arrival (``Agent.__init__``, the weak-reference AgentSets) was a
    third of the simulation's time on the 200,000-task model. Staff and leaders stay Mesa agents;
    the live tasks are ``model.tasks`` (arrival order), which the app and the ledgers read.

    The per-task counters start from these class-level zeros and become the task's own on the
    first increment: a bureau-year creates tens of thousands of tasks, most of which never visit
    a window or halt, so not writing fifteen zeros per task is measurably faster."""

    at = 0  # index of the next route step
    work_steps = coord_steps = internal_steps = handoffs = cross_body = approvals = 0
    visits = material_sets = trips = incomplete_visits = 0  # incomplete: visits that sent the citizen home
    touch = halted = 0.0
    was_halted = False
    last_loc = None
    last_visit_day = -1
    tray_at = 0.0  # when the task last reached a leader's in-tray
    returns = 0  # times returned for revision (sim.mechanisms.rework)
    reviewed = None  # level -> sign-offs at that level so far, once a level may return it (sim.mechanisms.rework)
    passes = 0  # times passed between the sections claiming a function (sim.mechanisms.ownership)
    detour = None  # (route, at) to go back to after the passes (sim.mechanisms.ownership)

    def __init__(self, number, wf_index, arrival, route, hours, uniforms):
        self.number = number  # arrival order: the same task under every structure (common random numbers)
        self.wf = wf_index
        self.arrival = arrival
        self.route = route
        self.hours = hours
        self.uniforms = uniforms  # one per visit step (incomplete materials), else None

    @property
    def unique_id(self) -> int:
        """The arrival number: unique within a run, as Mesa's ids are."""
        return self.number
