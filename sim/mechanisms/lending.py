"""Helping and lending: staff serving queues that are not their own section's.

* **Helpers, no paperwork.** Members of a combo (1+N 组合) serve the queues of the partner bodies'
  sections they are skilled for, and commissioners (专员, a ``squad`` section) serve every queue of
  their body they are skilled for, whenever their own queues are empty (``sim.mechanisms.dispatch``
  puts helpers after a queue's own members).
* **Secondment (借调) after paperwork.** With ``lending_delay_hours`` set on the structure, a queue
  that halts starts the secondment paperwork once per absence of all its able people; when it is
  through (the delay in working hours; 0 = none), idle skilled staff of other bodies take the halted
  work, now or as soon as they are free, until someone able is back. The seed: Licheng's combos
  lend "without paperwork" what between bodies needs 借调 手续.
"""
from __future__ import annotations

from ..engine import Mechanism
from ..queues import COORD, HEAD


class Lending(Mechanism):
    name = "lending"

    def __init__(self, e):
        self.e = e
        self.delay = e.structure.lending_delay_hours
        self.open: dict = {}  # function -> {queue: None}: halted queues open to lenders
        self.skilled: dict = {}  # function -> staff skilled for it (who may be lent)
        if self.delay is not None:
            e.on_halted.append(self.halted)
            e.on_staffed.append(self.staffed)
            e.on_idle.append(self.idle)

    def build(self):
        e = self.e
        st = e.structure
        body_of = {sid: info["body"] for sid, info in e.section_info.items()}
        for m in e.staff:
            kind = e.section_info[m.section]["kind"]
            combo = st.combo_of(m.body)
            if kind != "squad" and combo is None:
                continue
            for (sid, f), q in e.queues.items():
                if sid == m.section or f in (HEAD, COORD) or m.skills.get(f, 0) <= 0:
                    continue
                same_body = body_of[sid] == m.body
                if (kind == "squad" and same_body) or (combo is not None and not same_body and body_of[sid] in combo.bodies):
                    m.help_queues.append(q)
                    q.helpers.append(m)
        if self.delay is not None:
            for q in e.queues.values():
                q.lendable = q.function not in (HEAD, COORD)
            for m in e.staff:
                for f, p in m.skills.items():
                    if p > 0:
                        self.skilled.setdefault(f, []).append(m)

    def halted(self, q):
        """A lendable queue halts: the paperwork starts (once per absence of all its able people);
        once it is through, idle skilled staff of other bodies take the work."""
        if not q.lendable:
            return
        if q.lend_state is None:
            q.lend_state = "paperwork"
            self.e.schedule(self.e.now + self.delay, self.open_now, (q, q.lend_token))
        elif q.lend_state == "open":
            self.lend_to(q)

    def open_now(self, arg):
        """The paperwork is through: the queue is open to lenders until someone able is back."""
        q, token = arg
        if token != q.lend_token:
            return  # someone able came back before the paperwork was through
        q.lend_state = "open"
        self.open.setdefault(q.function, {})[q] = None
        self.lend_to(q)

    def lend_to(self, q):
        """Idle skilled staff of other bodies take the queue's oldest jobs, one each."""
        e = self.e
        body = e.section_info[q.section]["body"]
        rng = e.stream("dispatch")
        while q.jobs:
            idle = [m for m in self.skilled.get(q.function, ()) if m.job is None and m.present and m.body != body]
            if not idle:
                return
            self.lend_one(q, idle[int(rng.random() * len(idle))] if len(idle) > 1 else idle[0])

    def lend_one(self, q, who):
        e = self.e
        job = q.take(e.now)
        e.backlog -= 1
        if not q.jobs and q.halt_start is not None:
            q.close_halt(e.now, e.ledgers.halts)
        e.start(who, job)

    def staffed(self, q):
        """Someone able is back: the secondment (or its paperwork) ends."""
        if q.lend_state is None:
            return
        q.lend_state = None
        q.lend_token += 1
        open_ = self.open.get(q.function)
        if open_ is not None:
            open_.pop(q, None)
            if not open_:
                del self.open[q.function]

    def idle(self, m) -> bool:
        """A free person with nothing of their own takes work from an open halted queue they are skilled for."""
        if not self.open:
            return False
        e = self.e
        for f, qs in self.open.items():
            if m.skills.get(f, 0) > 0:
                for q in qs:
                    if q.jobs and e.section_info[q.section]["body"] != m.body:
                        self.lend_one(q, m)
                        return True
        return False
