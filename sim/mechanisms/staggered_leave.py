"""Staggered leave (错峰休息) and joint duty (联合值班): when a person's own absences are taken.

Seed 003 (Licheng): the combos "通过联合值班 ... 实现干部队伍错峰休息" — bodies that count as one
stagger their people's rest so that no work stands with nobody to do it. Under
``params.leave_policy.policy: stagger`` an episode of a ``deferrable`` kind (leave, training) that
is due while its person is *needed* — the last one present able to serve a queue holding work
(waiting there, or in their own hands) — waits. It is looked at again at each following working
day's start (leave is booked by the day, and a colleague back mid-day frees it next morning) and
taken at the first look at which the person is not needed, or at the last look the limits allow:
at most ``max_defer_days`` after the request, ending before the person's next drawn episode
starts, and within the run. It keeps its drawn length. Other kinds (business trips, meetings, sick
leave) start as drawn, and so does every leader's absence (leaders serve no queue).

``scope: covered`` (default) counts only queues that someone else may also serve (a section-mate,
a combo partner, a commissioner): the issue's "in a large section or a combo"; in a queue only the
person serves, waiting would move the halt, not avoid it. ``scope: any`` counts every queue.

Common random numbers: the requests are the absence mechanism's own draws, the same under every
structure; the policy only decides when each is taken, and the absence ledger shows both
(``requested_start``, ``deferred_hours``). Policy ``none`` joins nothing: runs are exactly the
first version's. It acts through the absence mechanism's leave-policy interface
(``sim.mechanisms.absences``: ``deferrable``, ``on_due``, ``take``, ``postpone``).
"""
from __future__ import annotations

import math

from ..engine import Mechanism


class StaggeredLeave(Mechanism):
    name = "staggered_leave"

    def __init__(self, e):
        self.e = e
        p = e.params.leave_policy
        self.on = p.policy == "stagger"
        self.kinds = frozenset(p.deferrable)
        self.cap = p.max_defer_days * e.hpd
        self.any_queue = p.scope == "any"
        self.take = self.postpone = None

    def build(self):
        absences = self.e.mechanisms.get("absences")
        if not self.on or absences is None:
            return
        absences.deferrable = self.kinds
        absences.on_due = self.due
        self.take, self.postpone = absences.take, absences.postpone
        self.e.ledgers.requested = {}

    def due(self, ep):
        """A deferrable episode is due (its drawn start, or a later day's look): take it, or look
        again at the next working day's start if the person is needed and the limits allow."""
        e = self.e
        if self.needed(ep.person):
            day = ep.check or math.floor(ep.requested / e.hpd) + 1
            if day * e.hpd <= e.now:  # a look is always strictly later (rounding of hours / hpd)
                day += 1
            t = day * e.hpd
            if day < e.days and t - ep.requested <= self.cap and t + ep.hours < ep.until:
                ep.check = day + 1
                self.postpone(ep, t)
                return
        self.take(ep)

    def needed(self, m) -> bool:
        """Whether ``m`` is the last one present able to serve a queue (in scope) holding work."""
        held = [j.queue for j in m.suspended]
        if m.job is not None:
            held.append(m.job.queue)
        for q in m.able_queues:
            if q.present == 1 and (q.jobs or q in held) and (self.any_queue or len(q.primary) + len(q.helpers) > 1):
                return True
        return False
