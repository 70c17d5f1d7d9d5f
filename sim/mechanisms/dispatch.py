"""Dispatch and span of control: who takes which job, and what passing through a head costs.

The rule, in the order it acts:

* **Through the head's hands.** With ``size_costs.dispatch_hours`` > 0, work for a section with a
  head or deputy and more than one member first waits in the head's queue as a short hand-out job
  (批办); a head breaks off their own casework for it (the casework resumes afterwards), and a head
  who finishes a hand-out or sign-off takes the next one waiting before anything else, so hand-outs
  do not queue behind the head's own casework. With every head away, hand-outs go straight to the
  section: staff know their own work; only sign-offs wait for a head. A section with no head or
  deputy hands out nothing: its members take work themselves.
* **Span of control.** A manager's hand-out, sign-off and handoff jobs take ``e.span[section]``
  times as long (``sim.mechanisms.span``).
* **Who takes a job.** A job joining a queue goes to an idle present member able to serve it, drawn
  at random (the ``dispatch`` stream) if several, else to an idle helper (``sim.mechanisms.lending``);
  otherwise it waits. A free person takes the oldest waiting job they may do, their head's queue
  first if they are a head, then their own section's queues, then the queues they help.
* **Case continuity** (``params.continuity.keep_next_step``). The person who finishes a step is free
  at the moment the task's next step is queued, so with ``keep_next_step = 1`` they take it at once,
  ahead of older waiting work (the file stays with whoever has it open: 首问负责、一办到底); with 0
  they first take the oldest waiting job and the next step joins the queue behind older work
  (strict first-come first-served); in between, with that probability (the ``continuity`` stream).
  1 is the default because it is the first version's rule (measured: every step-2 of a merged
  two-step workflow started at once, even when older work waited), so the seed claims stay
  comparable; it is an assumption, and the claims should be read with it in mind.
* **Handed back.** Work an absent person hands back goes to the front of its queue (see
  ``sim.mechanisms.absences``).
"""
from __future__ import annotations

from ..agents import Job
from ..engine import Mechanism
from ..queues import COORD, HEAD


class Dispatch(Mechanism):
    name = "dispatch"

    def __init__(self, e):
        self.e = e
        self.dispatch_hours = e.params.size_costs.dispatch_hours
        self.keep = e.params.continuity.keep_next_step
        self.always_keep = self.keep >= 1.0
        self.rng = e.stream("dispatch")
        self.rng_keep = e.stream("continuity") if 0.0 < self.keep < 1.0 else None
        e.handlers[("work", False)] = self.work
        e.assign, e.enqueue, e.head_job, e.job_done, e.hand_back, e.next_job = (
            self.assign, self.enqueue, self.head_job, self.job_done, self.hand_back, self.next)
        e.on_unstaffed.append(self.release_handouts)

    def build(self):
        """Per (section, function): its queue, its head's queue and the head's time to hand one item out."""
        e, d = self.e, self.dispatch_hours
        self.span = {sid: e.span.get(sid, 1.0) for sid in e.section_info}
        self.head_queue = {sid: info["queues"][HEAD] for sid, info in e.section_info.items()}
        self.targets = {
            (sid, f): (q, info["queues"][HEAD],
                       d * self.span[sid] if d > 0 and info["size"] > 1 and e.managed.get(sid) else 0.0)
            for sid, info in e.section_info.items() for f, q in info["queues"].items() if f not in (HEAD, COORD)}

    # ---- work joins a queue -----------------------------------------------------------------------
    def work(self, task, step):
        task.work_steps += 1
        job = Job(task, step, task.hours[step.base], step.name)
        q, hq, cost = self.targets[(step.section, step.function)]
        if cost > 0 and hq.present > 0:
            self.enqueue(Job(task, step, cost, "dispatch", then=(job, q)), hq)
        else:
            self.enqueue(job, q)
        return True

    def assign(self, job):
        """Work goes through the head's hands first when dispatch costs time (span of control)."""
        q, hq, cost = self.targets[(job.step.section, job.step.function)]
        if cost > 0 and hq.present > 0:
            self.enqueue(Job(job.task, job.step, cost, "dispatch", then=(job, q)), hq)
            return
        self.enqueue(job, q)

    def head_job(self, task, step, hours):
        """A sign-off or handoff job for a section's head, scaled by the span of control."""
        hours *= self.span[step.section]
        self.enqueue(Job(task, step, hours, step.name), self.head_queue[step.section])

    def enqueue(self, job, q):
        e = self.e
        job.enq = e.now
        job.queue = q
        who = self.idle(q.primary, q.idle_primary) or (self.idle(q.helpers, q.idle_helpers) if q.helpers else None)
        if who is not None:
            e.start(who, job)
            return
        if q.function is HEAD and self.break_off(q, job):
            return
        e.backlog += 1
        if q.wait(job, e.now):
            e.halted(q)

    def break_off(self, q, job) -> bool:
        """A manager on casework breaks it off to hand out or sign ``job`` (True if one did)."""
        e = self.e
        for m in q.primary:
            if m.present and m.job.queue.function is not HEAD:
                e.suspend(m, "management")
                e.start(m, job)
                return True
        return False

    def idle(self, people, index=None):
        """An idle present person from ``people``, drawn at random (dispatch stream) if several; with
        an ``index`` (``sim.queues.IdleIndex``) the same draw from the same ordered list, unwalked."""
        if index is not None:
            n = len(index)
            if n > 1:
                return people[index[int(self.rng.random() * n)]]
            return people[index[0]] if n else None
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
        return many[int(self.rng.random() * len(many))]

    # ---- a person is free ---------------------------------------------------------------------------
    def job_done(self, m, job):
        """More management work waiting first (a head carries on handing out and signing), else back to
        casework a head broke off; then pass the task on and take more work."""
        e = self.e
        own = m.own_queues
        if own and own[0].function is HEAD and own[0].jobs and m.present:  # a manager's own queue comes first
            e.backlog -= 1
            e.start(m, own[0].take(e.now))
        elif m.suspended:
            e.start(m, m.suspended.pop())
        if job.then is not None:
            self.enqueue(*job.then)
        elif self.always_keep or (self.rng_keep is not None and self.rng_keep.random() < self.keep):
            e.advance(job.task)
        else:  # first-come first-served: the oldest waiting job before the task's next step
            self.next(m)
            e.advance(job.task)
        self.next(m)

    def next(self, m):
        """A free person takes the oldest job it may do: own section first, then the ones it helps."""
        if not m.present or m.job is not None:
            return
        best = None
        own = m.own_queues
        if own and own[0].function is HEAD and own[0].jobs:
            best = own[0]
        else:
            for q in own:
                if q.jobs and (best is None or q.jobs[0].enq < best.jobs[0].enq):
                    best = q
            if best is None:
                for q in m.help_queues:
                    if q.jobs and (best is None or q.jobs[0].enq < best.jobs[0].enq):
                        best = q
        e = self.e
        if best is not None:
            job = best.take(e.now)
            e.backlog -= 1
            e.start(m, job)
        else:
            for fn in e.on_idle:
                if fn(m):
                    return

    # ---- nobody there -----------------------------------------------------------------------------
    def release_handouts(self, hq):
        """With every head away, work waiting to be handed out goes straight to the section (as in
        ``assign``): staff know their own work; only sign-offs wait for a head."""
        if hq.function != HEAD:
            return
        e = self.e
        keep = []
        for job in hq.jobs:
            if job.then is not None:
                e.backlog -= 1
                hq.take(e.now, job)
                self.enqueue(*job.then)
            else:
                keep.append(job)
        hq.jobs.clear()
        hq.jobs.extend(keep)

    def hand_back(self, job):
        """Work an absent person held goes to an idle colleague, else to the front of its queue; a
        hand-out with every head away goes straight to the section."""
        e = self.e
        q = job.queue
        if job.then is not None and q.present == 0:
            self.enqueue(*job.then)
            return
        job.enq = e.now
        who = self.idle(q.primary, q.idle_primary) or self.idle(q.helpers, q.idle_helpers)
        if who is not None:
            e.start(who, job)
        elif not (q.function is HEAD and self.break_off(q, job)):
            e.backlog += 1
            if q.wait(job, e.now, front=True):
                e.halted(q)
