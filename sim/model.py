"""The office model: one structure, one workload, one seed, run as discrete events on Mesa.

Event-driven on the model's own heap, chosen by measurement (``experiments/benchmarks/
bench_scheduler.py``): Mesa 3.3's DEVS simulator costs about 5x more per event than a plain heap
(6.1 vs 1.2 us) and holds events by weak reference; a time-stepped loop fine enough for 6-minute
sign-offs visits every person every tick whether anything happens or not (1,500 staff x 20,000
ticks a year) and still rounds times to the tick. ``step()`` advances one working day so the model
also runs under Mesa's visualisation.
"""
from __future__ import annotations

import gc
import heapq
import math

import mesa
import numpy as np

from .agents import Job, Leader, Staff, Task
from .diagnostics import diagnose
from .ledgers import Ledgers
from .queues import COORD, HEAD, WorkQueue
from .routing import compile_route
from .scenario import Scenario, load_scenario
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


class OfficeModel(mesa.Model):
    """Staff, leaders and tasks of one structure; see ``sim.run`` for the plain-function entry."""

    def __init__(self, *, scenario: Scenario | str | None = None, structure: str | None = None, seed: int = 0,
                 days: int | None = None, record_events: bool = True):
        freeze_libraries()
        super().__init__(seed=seed)
        sc = scenario if isinstance(scenario, Scenario) else load_scenario(scenario)
        self.scenario = sc
        self.structure_name = structure or sc.structure_names[0]
        if self.structure_name not in sc.structures:
            from .errors import InputError
            raise InputError(sc.file, "structure", f"unknown structure {self.structure_name!r} "
                                                   f"(defined: {', '.join(sc.structure_names)})")
        self.structure = st = sc.structures[self.structure_name]
        self.seed = seed
        self.cal = sc.calendar
        self.hpd = sc.calendar.hours_per_day
        self.days = int(days if days is not None else sc.horizon_days)
        sc.check_days(self.days)
        self.horizon = self.days * self.hpd
        self.warmup = min(sc.warmup_days, max(self.days - 1, 0)) * self.hpd
        p = sc.params
        self.params = p
        self.novice = p.size_costs.novice_proficiency
        self._transition_end = p.transition.days * self.hpd
        # named streams: the model's own generators, split so structures share arrivals and absences
        self.rng_work = python_stream(seed, "work_sizes")
        self.rng_dispatch = python_stream(seed, "dispatch")
        self.rng_coord = python_stream(seed, "coordination")
        self.now = 0.0
        self._events: list = []
        self._seq = 0
        self.ledgers = Ledgers(record_events)
        self._event_log = self.ledgers.events
        self._learning = p.size_costs.learning_rate
        self.wip = 0
        self.backlog = 0
        self._build(st)
        owners = st.owners()
        self._routes = [compile_route(st, wf, p, owners) for wf in sc.workload.workflows]
        self._draws = [[(s.hours.bind(self.rng_work), s.kind == "visit") for s in wf.steps if s.kind != "approve"]
                       for wf in sc.workload.workflows]
        self._has_visits = [any(visit for _, visit in d) for d in self._draws]
        self._arrivals(numpy_stream(seed, "arrivals"))
        self._absences()
        for d in range(self.days):
            self._schedule(d * self.hpd, self._day_start, d)
            self._schedule(d * self.hpd + min(p.approval.session_hour, self.hpd), self._session, d)
        self.day = 0
        self.running = True
        self._finished = None

    # ---- Mesa's agent registry ----------------------------------------------------------------
    def register_agent(self, agent):
        """Mesa's registration, minus its debug message (an f-string formatted even with debug logging
        off): a run registers and removes one task agent per arrival."""
        agents_of_type = self._agents_by_type.get(type(agent))
        if agents_of_type is None:
            super().register_agent(agent)
            return
        self._agents[agent] = None
        agents_of_type.add(agent)
        self._all_agents.add(agent)

    def deregister_agent(self, agent):
        """Mesa's deregistration, minus its debug message (see ``register_agent``)."""
        del self._agents[agent]
        self._agents_by_type[type(agent)].remove(agent)
        self._all_agents.remove(agent)

    # ---- building -----------------------------------------------------------------------------
    def _build(self, st):
        self.staff: list[Staff] = []
        self.leaders: dict[str, Leader] = {lid: Leader(self, l) for lid, l in st.leaders.items()}
        self.queues: dict[tuple[str, str], WorkQueue] = {}
        self.section_info = {}
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
                    if m.skills.get(f, 0) > 0 or self.novice > 0:
                        m.own_queues.append(qs[f])
                m.own_queues.append(qs[COORD])
                for q in m.own_queues:
                    q.primary.append(m)
            for (f, q) in qs.items():
                self.queues[(s.id, f)] = q
            self.section_info[s.id] = {"body": b.id, "name": s.name, "kind": s.kind, "size": len(members),
                                       "members": members, "queues": qs,
                                       "span": 1.0 + self.params.size_costs.span_cost * max(len(members) - 1, 0)}
        # helpers: commissioners serve their whole body, combo partners each other's bodies
        body_of = {sid: info["body"] for sid, info in self.section_info.items()}
        for m in self.staff:
            kind = self.section_info[m.section]["kind"]
            combo = st.combo_of(m.body)
            if kind != "squad" and combo is None:
                continue
            for (sid, f), q in self.queues.items():
                if sid == m.section or f in (HEAD, COORD) or m.skills.get(f, 0) <= 0:
                    continue
                same_body = body_of[sid] == m.body
                if (kind == "squad" and same_body) or (combo is not None and not same_body and body_of[sid] in combo.bodies):
                    m.help_queues.append(q)
                    q.helpers.append(m)
        for m in self.staff:
            m.able_queues = m.own_queues + m.help_queues
            for q in m.able_queues:
                q.present += 1
        # 借调: who may be lent to a halted queue of each function (skilled, any body but the queue's)
        self._lend_open: dict[str, dict[WorkQueue, None]] = {}
        self._skilled: dict[str, list[Staff]] = {}
        if st.lending_delay_hours is not None:
            for q in self.queues.values():
                q.lendable = q.function not in (HEAD, COORD)
            for m in self.staff:
                for f, p in m.skills.items():
                    if p > 0:
                        self._skilled.setdefault(f, []).append(m)
        self.staff_by_id = {m.sid: m for m in self.staff}
        # per (section, function): its queue, its head's queue and the head's time to hand one item out
        d = self.params.size_costs.dispatch_hours
        self._work_targets = {
            (sid, f): (q, info["queues"][HEAD], d * info["span"] if d > 0 and info["size"] > 1 else 0.0)
            for sid, info in self.section_info.items() for f, q in info["queues"].items() if f not in (HEAD, COORD)}

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

    def _absences(self):
        """Alternating present/absent episodes per person, keyed by the person's id."""
        p = self.params
        year_hours = 52 * self.cal.days_per_week * self.hpd
        people = [(m, p.absence) for m in self.staff] + [(l, p.leader_absence) for l in self.leaders.values()]
        for person, kinds in people:
            rate = sum(k.rate_per_year for k in kinds.values()) / year_hours
            if rate <= 0:
                continue
            rnd = python_stream(self.seed, "absences", person.sid)
            names = list(kinds)
            weights = [kinds[n].rate_per_year for n in names]
            t = rnd.expovariate(rate)
            while t < self.horizon:
                kind = rnd.choices(names, weights)[0]
                dur = kinds[kind].days.sample(rnd) * self.hpd
                self._schedule(t, self._leave, person)
                self._schedule(t + dur, self._back, person)
                self.ledgers.absences.append((person.sid, kind, t, min(t + dur, self.horizon)))
                t += dur + rnd.expovariate(rate)

    def transition_factor(self) -> float:
        """Speed of reform-moved staff now: 1 - slowdown on day 0, back to 1 at the transition's end."""
        if self.now >= self._transition_end:
            return 1.0
        return 1.0 - self.params.transition.slowdown * (1.0 - self.now / self._transition_end)

    # ---- event loop ---------------------------------------------------------------------------
    def _schedule(self, t, fn, arg):
        heapq.heappush(self._events, (t, self._seq, fn, arg))
        self._seq += 1

    def run_until(self, t_end: float):
        """Process events up to ``t_end``: the heap's, merged with the pre-drawn arrival times (kept
        out of the heap, they would cost a push and a pop each; on a tie the heap's event goes first,
        as it was scheduled earlier)."""
        ev = self._events
        pop = heapq.heappop
        arr_t = self._arr_t
        n_arr = len(arr_t)
        while True:
            i = self._arr_i
            t_arr = arr_t[i] if i < n_arr else math.inf
            if ev and ev[0][0] <= t_arr:
                if ev[0][0] > t_end:
                    break
                t, _, fn, arg = pop(ev)
                self.now = t
                fn(arg)
            elif t_arr <= t_end:
                self.now = t_arr
                self._arrive()
            else:
                break
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

    # ---- arrivals and routes ------------------------------------------------------------------
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
        else:
            hours, uniforms = [sample() for sample, _ in draws], None
        task = Task(self, i, k, self.now, self._routes[k], hours, uniforms)
        self.wip += 1
        self._advance(task)

    def _advance(self, task):
        route = task.route
        while True:
            if task.at >= len(route):
                self._complete(task)
                return
            step = route[task.at]
            task.at += 1
            kind = step.kind
            if kind == "cross":
                task.handoffs += 1
                task.cross_body += step.cross_body
                continue
            if kind == "work" or kind == "visit":
                task.work_steps += 1
                job = Job(task, step, task.hours[step.base], step.name)
                if kind == "visit" and self._visit(task, step):
                    return
                self._dispatch(job)
                return
            if kind == "coord":
                task.coord_steps += 1
                self._enqueue(Job(task, step, step.protocol.hours.sample(self.rng_coord), step.name),
                              self.queues[(step.section, COORD)])
                return
            if kind == "head":
                if step.approval:
                    task.approvals += 1
                    hours = self.params.approval.head_item_hours
                else:
                    task.coord_steps += 1
                    hours = step.protocol.hours.sample(self.rng_coord)
                hours *= self.section_info[step.section]["span"]
                self._enqueue(Job(task, step, hours, step.name), self.queues[(step.section, HEAD)])
                return
            if kind == "leader":
                if step.approval:
                    task.approvals += 1
                else:
                    task.coord_steps += 1
                self.backlog += 1
                self._schedule(self.now + self.params.approval.routing_hours, self._to_tray, (task, step))
                return
            if kind == "mail":
                task.coord_steps += 1
                self._schedule(self.now + step.protocol.mail_hours, self._advance, task)
                return
            raise AssertionError(f"unknown route step {kind}")

    def _visit(self, task, step):
        """Count the citizen's visit and trip; incomplete materials send the citizen home until tomorrow.

        Returns True when the visit was turned away (the work job is re-queued tomorrow)."""
        if not step.new_visit:
            return False
        day = self.cal.day(self.now)
        task.visits += 1
        task.material_sets += 1
        if step.location != task.last_loc or day != task.last_visit_day:
            task.trips += 1
        task.last_loc, task.last_visit_day = step.location, day
        if task.uniforms[step.base] < self.params.windows.incomplete_materials:
            task.uniforms[step.base] = 1.0  # the second time the set is complete
            task.at -= 1
            task.work_steps -= 1
            task.material_sets -= 1
            task.last_loc = None
            self._schedule((day + 1) * self.hpd, self._advance, task)
            return True
        return False

    def _complete(self, task):
        self.wip -= 1
        self.ledgers.task(task, self.now, self.hpd)
        self.deregister_agent(task)  # Agent.remove() minus its suppress-KeyError wrapper: the task is registered

    # ---- queues, dispatch, halts ----------------------------------------------------------------
    def _dispatch(self, job):
        """Work goes through the head's hands first when dispatch costs time (span of control)."""
        q, hq, cost = self._work_targets[(job.step.section, job.step.function)]
        if cost > 0 and hq.present > 0:
            self._enqueue(Job(job.task, job.step, cost, "dispatch", then=(job, q)), hq)
            return
        self._enqueue(job, q)

    def _enqueue(self, job, q: WorkQueue):
        job.enq = self.now
        job.queue = q
        who = self._idle(q.primary) or (self._idle(q.helpers) if q.helpers else None)
        if who is not None:
            self._start(who, job)
            return
        if q.function == HEAD:  # a head breaks off their own casework to hand out or sign
            for m in q.primary:
                if m.present and m.job.queue.function != HEAD:
                    self._suspend(m)
                    self._start(m, job)
                    return
        self.backlog += 1
        if q.wait(job, self.now) and q.lendable:
            self._halted_lendable(q)

    def _idle(self, people):
        """An idle present person from ``people``, drawn at random (dispatch stream) if several."""
        first = many = None
        for m in people:
            if m.job is None and m.present:
                if first is None:
                    first = m
                elif many is None:
                    many = [first, m]
                else:
                    many.append(m)
        if many is None:
            return first
        return many[int(self.rng_dispatch.random() * len(many))]

    # ---- 借调 lending across bodies ------------------------------------------------------------
    def _halted_lendable(self, q: WorkQueue):
        """A lendable queue halts: the paperwork for a secondment starts (once per absence of all its
        able people); once it is through, idle skilled staff of other bodies take the work."""
        if q.lend_state is None:
            q.lend_state = "paperwork"
            self._schedule(self.now + self.structure.lending_delay_hours, self._lend_open_now, (q, q.lend_token))
        elif q.lend_state == "open":
            self._lend_to(q)

    def _lend_open_now(self, arg):
        """The paperwork is through: the queue is open to lenders until someone able is back."""
        q, token = arg
        if token != q.lend_token:
            return  # someone able came back before the paperwork was through
        q.lend_state = "open"
        self._lend_open.setdefault(q.function, {})[q] = None
        self._lend_to(q)

    def _lend_to(self, q: WorkQueue):
        """Idle skilled staff of other bodies take the queue's oldest jobs, one each."""
        body = self.section_info[q.section]["body"]
        while q.jobs:
            idle = [m for m in self._skilled.get(q.function, ()) if m.job is None and m.present and m.body != body]
            if not idle:
                return
            self._lend_one(q, idle[int(self.rng_dispatch.random() * len(idle))] if len(idle) > 1 else idle[0])

    def _lend_one(self, q: WorkQueue, who: Staff):
        job = q.take(self.now)
        self.backlog -= 1
        if not q.jobs and q.halt_start is not None:
            q.close_halt(self.now, self.ledgers.halts)
        self._start(who, job)

    def _lend_close(self, q: WorkQueue):
        """Someone able is back: the secondment (or its paperwork) ends."""
        q.lend_state = None
        q.lend_token += 1
        open_ = self._lend_open.get(q.function)
        if open_ is not None:
            open_.pop(q, None)
            if not open_:
                del self._lend_open[q.function]

    def _lend_free(self, m: Staff) -> bool:
        """A free person with nothing of their own takes work from an open halted queue they are skilled for."""
        for f, qs in self._lend_open.items():
            if m.skills.get(f, 0) > 0:
                for q in qs:
                    if q.jobs and self.section_info[q.section]["body"] != m.body:
                        self._lend_one(q, m)
                        return True
        return False

    def _start(self, m: Staff, job: Job):
        m.job = job
        m.job_start = self.now
        f = job.queue.function
        speed = 1.0 if (f is HEAD or f is COORD) else (m.skills.get(f, 0.0) or self.novice)
        if m.transferred:
            speed *= self.transition_factor()
        m.job_speed = speed if speed > 0 else 1.0
        m.token += 1
        heapq.heappush(self._events, (self.now + job.hours / m.job_speed, self._seq, self._finish, (m, m.token)))
        self._seq += 1

    def _finish(self, arg):
        m, token = arg
        if token != m.token or m.job is None:
            return  # interrupted by an absence or a head's management job
        job = m.job
        self._stop(m, job)
        m.job = None
        if m.suspended:  # back to the casework the head broke off (before anything new)
            self._start(m, m.suspended.pop())
        if job.then is not None:
            self._enqueue(*job.then)
        else:
            self._advance(job.task)
        self._next(m)

    def _release_dispatch(self, hq: WorkQueue):
        """With every head away, work waiting to be handed out goes straight to the section (as in
        ``_dispatch``): staff know their own work; only sign-offs wait for a head."""
        keep = []
        for job in hq.jobs:
            if job.then is not None:
                self.backlog -= 1
                hq.take(self.now, job)
                self._enqueue(*job.then)
            else:
                keep.append(job)
        hq.jobs.clear()
        hq.jobs.extend(keep)

    def _suspend(self, m: Staff):
        """Put ``m``'s current job aside with its remaining work; it resumes when ``m`` is free."""
        job = m.job
        done = (self.now - m.job_start) * m.job_speed
        self._stop(m, job)
        job.hours = max(job.hours - done, 0.0)
        m.job = None
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
        elif self._learning > 0:
            p = m.skills.get(f, 0.0) or self.novice
            if p < 1.0:
                m.skills[f] = p + (1.0 - p) * (1.0 - math.exp(-self._learning * elapsed))
        if job.then is None:
            job.task.touch += elapsed
        if self._event_log is not None:
            self._event_log.append((job.task.number, job.activity, m.sid, q.section, m.job_start, now))

    def _next(self, m: Staff):
        """A free person takes the oldest job it may do: own section first, then the ones it helps."""
        if not m.present or m.job is not None:
            return
        best = None
        own = m.own_queues
        if own and own[0].function == HEAD and own[0].jobs:
            best = own[0]
        else:
            for q in own:
                if q.jobs and (best is None or q.jobs[0].enq < best.jobs[0].enq):
                    best = q
            if best is None:
                for q in m.help_queues:
                    if q.jobs and (best is None or q.jobs[0].enq < best.jobs[0].enq):
                        best = q
        if best is not None:
            job = best.take(self.now)
            self.backlog -= 1
            self._start(m, job)
        elif self._lend_open:
            self._lend_free(m)

    # ---- absences ----------------------------------------------------------------------------
    def _leave(self, person):
        person.present = False
        person.absent_since = self.now
        if isinstance(person, Leader):
            return
        if person.job is not None:  # the work in hand goes back to the section for a colleague
            self._suspend(person)
        in_hand, person.suspended = person.suspended, []
        for q in person.able_queues:
            q.present -= 1
            if q.present == 0 and q.jobs:
                if q.function == HEAD:
                    self._release_dispatch(q)
                if q.jobs and q.halt_start is None:
                    q.open_halt(self.now)
                    if q.lendable:
                        self._halted_lendable(q)
        for job in in_hand:
            q = job.queue
            if job.then is not None and q.present == 0:  # a handout, every head away: straight to the section
                self._enqueue(*job.then)
                continue
            job.enq = self.now
            who = self._idle(q.primary) or self._idle(q.helpers)
            if who is not None:
                self._start(who, job)
            else:
                self.backlog += 1
                if q.wait(job, self.now, front=True) and q.lendable:
                    self._halted_lendable(q)

    def _back(self, person):
        person.present = True
        lo = max(person.absent_since, self.warmup)
        person.absent_hours += max(self.now - lo, 0.0)
        if isinstance(person, Leader):
            return
        for q in person.able_queues:
            q.present += 1
            if q.present == 1:
                if q.halt_start is not None:
                    q.close_halt(self.now, self.ledgers.halts)
                if q.lend_state is not None:
                    self._lend_close(q)
        self._next(person)

    # ---- leaders -----------------------------------------------------------------------------
    def _to_tray(self, arg):
        task, step = arg
        task.tray_at = self.now
        self.leaders[step.leader].tray.append(task)

    def _session(self, day):
        """Each present leader signs what the daily sign-off time allows, oldest first."""
        a = self.params.approval
        per_day = int(a.signoff_hours_per_day / a.item_hours + 1e-9) if a.item_hours > 0 else 10 ** 9
        for leader in self.leaders.values():
            if not leader.present or not leader.tray:
                continue
            n = min(per_day, len(leader.tray))
            for k in range(n):
                task = leader.tray.popleft()
                self._schedule(self.now + (k + 1) * a.item_hours, self._signed, task)
            if self.now >= self.warmup:
                leader.busy_hours += n * a.item_hours
            leader.signed += n

    def _signed(self, task):
        self.backlog -= 1
        task.touch += self.params.approval.item_hours
        self._advance(task)

    def _day_start(self, day):
        self.ledgers.series.append((day, self.wip, self.backlog))

    # ---- results -----------------------------------------------------------------------------
    def finish(self):
        """Close open halts and absences at the horizon, so the ledgers cover the whole run."""
        if self._finished is not None:
            return self._finished
        for q in self.queues.values():
            if q.halt_start is not None:
                q.close_halt(self.horizon, self.ledgers.halts)
        for m in self.staff:
            if m.job is not None:
                elapsed_lo = max(m.job_start, self.warmup)
                m.busy_hours += max(self.horizon - elapsed_lo, 0.0)
        for person in [*self.staff, *self.leaders.values()]:
            if not person.present:
                person.absent_hours += max(self.horizon - max(person.absent_since, self.warmup), 0.0)
                person.present = True
        unfinished = [self.horizon - t.arrival for t in self._agents_by_type.get(Task, ()) if t.arrival >= self.warmup]
        res = self.ledgers.frames(self, unfinished)
        res.warnings = diagnose(self, res.summary)
        self._finished = res
        return res
