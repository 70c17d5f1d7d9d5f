"""The engine core: clock, event heap, agents, queues and ledgers, and the small interface through
which the mechanisms (``sim.mechanisms``) act. It names no mechanism.

Event-driven on the model's own heap, chosen by measurement (``experiments/benchmarks/
bench_scheduler.py``): Mesa 3.3's DEVS simulator costs about 5x more per event than a plain heap
(6.1 vs 1.2 us) and holds events by weak reference; a time-stepped loop fine enough for 6-minute
sign-offs visits every person every tick whether anything happens or not and still rounds times to
the tick. ``step()`` advances one working day so the model also runs under Mesa's visualisation.

The interface, all on the engine object a mechanism receives:

* **operations** the core provides: ``schedule(t, fn, arg)``, ``advance(task)`` (walk the task's
  route on), ``start(person, job)``, ``suspend(person)`` (put the job in hand aside with its
  remaining work), ``unstaff(person)`` / ``restaff(person)`` (a person stops / starts counting as
  able for their queues), ``stream(name)`` (a named random stream, shared by name),
  ``handler_of(step)`` (the handler a route step takes: for a mechanism walking a task through steps
  of its own).
* **slots** one mechanism fills: ``handlers[(kind, approval)]`` (what happens when a task reaches a
  route step of that kind; ``handlers[(kind, approval, level)]``, if filled, takes the approval steps
  of one level: looked up once per route step when the routes are built), ``enqueue(job, queue)``,
  ``assign(job)`` (work for a section function),
  ``head_job(task, step, hours)``, ``job_done(person, job)``, ``hand_back(job)``,
  ``to_leader(task, step)``, ``next_job(person)`` (a free person takes work), ``route_of(workflow)``,
  ``may_serve(person, function)``, ``untrained_speed`` (how fast someone works a function they have
  no skill in; 0 = they may not), ``moved_speed()`` (the speed factor of staff a reform moved),
  ``span[section]`` (how many times its base time a manager's job there takes; 1 if unset) and
  ``managed[section]`` (whether the section has a head or deputy to hand work out).
* **hooks** any mechanism may join (called in the order the mechanisms were built):
  ``on_unstaffed(queue)`` (the last able person left a queue holding work), ``on_staffed(queue)``
  (someone able is back), ``on_halted(queue)`` (a job waits in a queue nobody able can serve),
  ``on_idle(person)`` (a free person found nothing of their own; return True when given work),
  ``on_work(person, function, elapsed)`` (work time done), ``on_horizon()`` (close what is open).

A mechanism is a class built with the engine (``__init__``: read parameters, fill slots, join
hooks), then ``build()`` once agents and queues exist, then ``start()`` to schedule its first events.
"""
from __future__ import annotations

import gc
import heapq
import math

import mesa
import numpy as np

from .agents import Job, Leader, Staff, Task
from .ledgers import Ledgers
from .queues import COORD, HEAD, IdleIndex, WorkQueue
from .streams import numpy_stream, python_stream


def freeze_libraries() -> None:
    """Once per process: collect, then move every object alive (the imported libraries: pandas, SciPy,
    Mesa, about 120,000 objects) out of the cyclic garbage collector's sight (``gc.freeze``).

    Why: a run allocates tasks and jobs fast enough to trigger full collections, and each one
    re-scanned all the libraries; that was a fifth to a quarter of a first run's time
    (``bench_engine``). Later runs' objects are collected as usual; only garbage cycles among the
    objects alive at the first run would never be freed."""
    global _FROZEN
    if not _FROZEN:
        gc.collect()
        gc.freeze()
        _FROZEN = True


_FROZEN = False
_push, _pop = heapq.heappush, heapq.heappop


class Mechanism:
    """A rule acting through the engine's interface. Subclasses set ``name``, fill slots and join
    hooks in ``__init__``, and override ``build`` / ``start`` when they need agents or first events."""
    name = "mechanism"

    def __init__(self, e: "Engine"):
        self.e = e

    def build(self):
        """Once agents and queues exist (before each person's able queues are counted)."""

    def start(self):
        """Schedule the first events (absences are drawn here, before the days' own events)."""


def _unfilled(*_):
    raise AssertionError("an engine slot no mechanism filled was called (see sim.engine's docstring)")


class Engine(mesa.Model):
    """One structure, one workload, one seed; the mechanisms given decide what happens."""

    def __init__(self, *, scenario, structure: str, seed: int, days: int | None, record_events: bool,
                 mechanisms, summary_only: bool = False):
        freeze_libraries()
        super().__init__(seed=seed)
        sc = self.scenario = scenario
        self.structure_name = structure
        self.structure = st = sc.structures[structure]
        self.seed = seed
        self.cal = sc.calendar
        self.hpd = sc.calendar.hours_per_day
        self.days = int(days if days is not None else sc.horizon_days)
        sc.check_days(self.days)
        self.horizon = self.days * self.hpd
        self.warmup = sc.warmup_hours(self.days)
        self.params = sc.params
        self.now = 0.0
        self._events: list = []
        self._seq = 0
        self._streams: dict = {}
        self.ledgers = Ledgers(record_events, summary_only, self.warmup)
        self._live: dict = {}  # the tasks in the system, by arrival number (``tasks``)
        self._event_log = self.ledgers.events
        self.wip = 0
        self.backlog = 0
        self.rng_work = self.stream("work_sizes")
        self._finish_cb = self._finish  # bound once: the hot path schedules it for every job
        # the interface (see the module docstring)
        self.handlers: dict = {}
        self.enqueue = self.assign = self.head_job = self.job_done = self.hand_back = self.to_leader = _unfilled
        self.next_job = self.route_of = _unfilled
        self.untrained_speed = 0.0
        self.moved_speed = lambda: 1.0
        self.may_serve = lambda m, f: m.skills.get(f, 0) > 0
        self.span, self.managed = {}, {}
        self.on_unstaffed, self.on_staffed, self.on_halted, self.on_idle, self.on_work, self.on_horizon = \
            [], [], [], [], [], []
        self.mechanisms = {cls.name: cls(self) for cls in mechanisms}
        self._build(st)
        for mech in self.mechanisms.values():
            mech.build()
        for m in self.staff:
            m.able_queues = m.own_queues + m.help_queues
            for q in m.able_queues:
                q.present += 1
        IdleIndex(self.queues.values(), self.staff)
        self._reindex = IdleIndex.update
        self.routes = [self.route_of(wf) for wf in sc.workload.workflows]
        self._routes = [[(self.handler_of(s), s) for s in r] for r in self.routes]
        self._draws = [[(s.hours.bind(self.rng_work), s.kind == "visit") for s in wf.steps if s.kind != "approve"]
                       for wf in sc.workload.workflows]
        self._has_visits = [any(visit for _, visit in d) for d in self._draws]
        self._arrivals(numpy_stream(seed, "arrivals"))
        for mech in self.mechanisms.values():
            mech.start()
        for d in range(self.days):
            self.schedule(d * self.hpd, self._day_start, d)
        self.day = 0
        self.running = True
        self._finished = None

    def handler_of(self, step):
        """The handler a route step of this kind takes (see ``handlers`` in the module docstring)."""
        h = self.handlers
        return h.get((step.kind, step.approval, step.level)) or h[(step.kind, step.approval)]

    def stream(self, name: str):
        """The named random stream (``sim.streams``), one generator per name for the whole run."""
        rng = self._streams.get(name)
        if rng is None:
            rng = self._streams[name] = python_stream(self.seed, name)
        return rng

    # ---- building -----------------------------------------------------------------------------
    def _build(self, st):
        """Every section has a queue per function, a coordination queue and its head's queue; its
        members serve the head's queue (heads and deputies, or everyone in a headless section),
        the functions they may serve and the coordination queue."""
        self.staff: list[Staff] = []
        self.leaders: dict[str, Leader] = {lid: Leader(self, l) for lid, l in st.leaders.items()}
        self.queues: dict[tuple[str, str], WorkQueue] = {}
        self.section_info = {}
        may_serve = self.may_serve
        for b, s in st.sections():
            members = [Staff(self, m, s.id, b.id) for m in s.staff]
            self.staff.extend(members)
            qs = {f: WorkQueue(s.id, f) for f in s.functions}
            qs[COORD] = WorkQueue(s.id, COORD)
            qs[HEAD] = WorkQueue(s.id, HEAD)
            heads = [m for m in members if m.post in ("head", "deputy")] or members
            for m in members:
                if m in heads:
                    m.own_queues.append(qs[HEAD])
                for f in s.functions:
                    if may_serve(m, f):
                        m.own_queues.append(qs[f])
                m.own_queues.append(qs[COORD])
                for q in m.own_queues:
                    q.primary.append(m)
            for (f, q) in qs.items():
                self.queues[(s.id, f)] = q
            self.section_info[s.id] = {"body": b.id, "name": s.name, "kind": s.kind, "size": len(members),
                                       "members": members, "queues": qs}
        self.staff_by_id = {m.sid: m for m in self.staff}

    def _arrivals(self, rng: np.random.Generator):
        """Poisson arrivals per workflow and working day (weekly profile), uniform within the day."""
        wl = self.scenario.workload
        times, kinds = [], []
        for d in range(self.days):
            wd = self.cal.weekday(d)
            for i, wf in enumerate(wl.workflows):
                lam = wf.rate_per_day * wl.load_factor * (wf.weekly_profile[wd] if wf.weekly_profile else 1.0)
                n = rng.poisson(lam) if lam > 0 else 0
                if n:
                    times.append(d * self.hpd + rng.random(n) * self.hpd)
                    kinds.append(np.full(n, i))
        if times:
            t = np.concatenate(times)
            k = np.concatenate(kinds)
            order = np.argsort(t, kind="stable")
            self._arr_t = t[order].tolist()
            self._arr_k = k[order].tolist()
        else:
            self._arr_t, self._arr_k = [], []
        self._arr_i = 0  # arrivals are read in time order beside the heap (see ``run_until``)

    # ---- event loop ---------------------------------------------------------------------------
    def schedule(self, t, fn, arg):
        _push(self._events, (t, self._seq, fn, arg))
        self._seq += 1

    def schedule_series(self, events):
        """Schedule ``events`` ((t, fn, arg) in time order, one owner's: a person's absences) as if
        each were scheduled now (their tie-breaking order is taken now), but keep only the next one
        in the heap: it pushes its successor when it fires.

        Why: drawn up front, a city-year's absences were 33,000 events in the heap for the whole
        run, and every push and pop paid for the heap's depth."""
        series = []
        for t, fn, arg in events:
            series.append((t, self._seq, fn, arg))
            self._seq += 1
        if series:
            series.reverse()
            t, seq, fn, arg = series.pop()
            _push(self._events, (t, seq, self._series_next, (series, fn, arg)))

    def _series_next(self, x):
        series, fn, arg = x
        if series:
            t, seq, f2, a2 = series.pop()
            _push(self._events, (t, seq, self._series_next, (series, f2, a2)))
        fn(arg)

    def run_until(self, t_end: float):
        """Process events up to ``t_end``: the heap's, merged with the pre-drawn arrival times (kept
        out of the heap, they would cost a push and a pop each; on a tie the heap's event goes first,
        as it was scheduled earlier). The inner loop runs the heap's events up to the next arrival.

        The cyclic garbage collector is off meanwhile: a run makes no reference cycles per task
        (tasks and jobs point one way), but with a long backlog each full collection walked every
        live task, so time per task grew with the backlog."""
        ev = self._events
        pop = _pop
        arr_t = self._arr_t
        n_arr = len(arr_t)
        arrive = self._arrive
        collecting = gc.isenabled()
        gc.disable()
        try:
            while True:
                i = self._arr_i
                t_arr = arr_t[i] if i < n_arr else math.inf
                limit = t_arr if t_arr < t_end else t_end
                while ev and ev[0][0] <= limit:
                    t, _, fn, arg = pop(ev)
                    self.now = t
                    fn(arg)
                if t_arr <= t_end:
                    self.now = t_arr
                    arrive()
                else:
                    break
        finally:
            if collecting:
                gc.enable()
        self.now = max(self.now, t_end)

    def step(self):
        """One working day (Mesa's step); the model stops at the horizon."""
        if self.day >= self.days:
            self.running = False
            return
        self.day += 1
        if self.day >= self.days:  # the last day ends at the horizon inclusive, exactly as ``run()``
            self.run_until(self.horizon)
            self.running = False
        else:  # events at the stroke of the next day's start belong to the next day
            self.run_until(self.day * self.hpd - 1e-9)

    def run(self):
        self.run_until(self.horizon)
        self.day = self.days
        self.running = False
        return self

    def _day_start(self, day):
        self.ledgers.series.append((day, self.wip, self.backlog))

    # ---- tasks --------------------------------------------------------------------------------
    def _arrive(self):
        i = self._arr_i
        k = self._arr_k[i]
        self._arr_i = i + 1
        draws = self._draws[k]  # fixed draws per workflow: same sizes under every structure
        if self._has_visits[k]:
            hours, uniforms = [], []
            rand = self.rng_work.random
            for sample, visit in draws:
                hours.append(sample())
                uniforms.append(rand() if visit else 1.0)
        elif len(draws) == 1:
            hours, uniforms = [draws[0][0]()], None
        else:
            hours, uniforms = [sample() for sample, _ in draws], None
        task = self._live[i] = Task(i, k, self.now, self._routes[k], hours, uniforms)
        self.wip += 1
        self.advance(task)

    def advance(self, task):
        """Walk the task on: each step's handler says whether the task now waits somewhere."""
        route = task.route
        n = len(route)
        while task.at < n:
            handler, step = route[task.at]
            task.at += 1
            if handler(task, step):
                return
        self.wip -= 1
        del self._live[task.number]
        self.ledgers.task(task, self.now)

    @property
    def tasks(self) -> list:
        """The tasks in the system now, in arrival order (they are not in Mesa's registry: ``sim.agents.Task``)."""
        return list(self._live.values())

    # ---- people at work -----------------------------------------------------------------------
    def start(self, m: Staff, job: Job):
        m.job = job
        if m.watch:
            self._reindex(m)
        m.job_start = now = self.now
        if now >= self.warmup:
            q = job.queue
            q.waited += now - job.enq
            q.taken += 1
        f = job.queue.function
        speed = 1.0 if (f is HEAD or f is COORD) else (m.skills.get(f, 0.0) or self.untrained_speed)
        if m.transferred:
            speed *= self.moved_speed()
        if speed <= 0:
            speed = 1.0
        m.job_speed = speed
        m.token = token = m.token + 1
        seq = self._seq
        _push(self._events, (now + job.hours / speed, seq, self._finish_cb, (m, token)))
        self._seq = seq + 1

    def _finish(self, arg):
        m, token = arg
        if token != m.token or m.job is None:
            return  # interrupted by an absence or a head's management job
        job = m.job
        self._stop(m, job)
        f = job.queue.function
        if f is not HEAD and f is not COORD and self.now >= self.warmup:
            job.queue.done += 1
        m.job = None
        if m.watch:
            self._reindex(m)
        self.job_done(m, job)

    def suspend(self, m: Staff, reason: str):
        """Put ``m``'s current job aside with its remaining work; it resumes when ``m`` is free.
        ``reason`` (absence, management) goes to the interruption ledger when events are recorded."""
        job = m.job
        done = (self.now - m.job_start) * m.job_speed
        self._stop(m, job)
        if self._event_log is not None:
            self.ledgers.put_aside(job, m, self.now, reason)
        job.hours = max(job.hours - done, 0.0)
        m.job = None
        if m.watch:
            self._reindex(m)
        m.token += 1
        m.suspended.append(job)

    def _stop(self, m: Staff, job: Job):
        """Account for the time ``m`` spent on ``job`` up to now."""
        now = self.now
        elapsed = now - m.job_start
        counted = elapsed if m.job_start >= self.warmup else max(now - self.warmup, 0.0)
        m.busy_hours += counted
        q = job.queue
        f = q.function
        if f is HEAD or f is COORD:
            m.coordination_hours += counted
        elif self.on_work:
            for fn in self.on_work:
                fn(m, f, elapsed)
        if job.then is None:
            job.task.touch += elapsed
        if self._event_log is not None:
            self.ledgers.went_on(job, m, m.job_start)
            self._event_log.append((job.task.number, job.activity, m.sid, q.section, m.job_start, now))

    def unstaff(self, person):
        """``person`` no longer counts as able for their queues (call once ``present`` is False)."""
        if person.watch:
            self._reindex(person)
        for q in person.able_queues:
            q.present -= 1
            if q.present == 0 and q.jobs:
                for fn in self.on_unstaffed:
                    fn(q)

    def restaff(self, person):
        """``person`` counts as able for their queues again (call once ``present`` is True)."""
        if person.watch:
            self._reindex(person)
        for q in person.able_queues:
            q.present += 1
            if q.present == 1:
                for fn in self.on_staffed:
                    fn(q)

    def halted(self, q: WorkQueue):
        """A job waits in ``q`` while nobody able is present."""
        for fn in self.on_halted:
            fn(q)

    # ---- results -----------------------------------------------------------------------------
    def finish(self):
        """Close what is open at the horizon, so the ledgers cover the whole run."""
        if self._finished is not None:
            return self._finished
        for fn in self.on_horizon:
            fn()
        for m in self.staff:
            if m.job is not None:
                elapsed_lo = max(m.job_start, self.warmup)
                m.busy_hours += max(self.horizon - elapsed_lo, 0.0)
        for person in [*self.staff, *self.leaders.values()]:
            if not person.present:
                person.absent_hours += max(self.horizon - max(person.absent_since, self.warmup), 0.0)
                person.present = True
        unfinished = [self.horizon - t.arrival for t in self._live.values() if t.arrival >= self.warmup]
        self._finished = self.ledgers.frames(self, unfinished)
        return self._finished
