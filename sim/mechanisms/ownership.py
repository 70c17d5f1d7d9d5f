"""Ownership ambiguity (职能交叉, 推诿扯皮): work on a function two sections claim is passed between them.

The rule: a section may claim functions another section of its body owns (``Section.claims``). When
a task reaches a work step on a claimed ("contested") function, the owner holds it first (the route
crossed into it as usual). Each time the owner holds it, it passes it on with probability ``p_pass``:
a round to each claimant in turn and back to the owner, every pass a section-line handoff that pays
the section protocol (``params.handoff.section``: the 环节 a crossing pays, compiled by
``routing.protocol_steps``; no 会签: nothing is signed, the matter is refused) and counts in
``handoffs`` and ``coordination_steps``. At most ``max_passes`` passes (a round that would go beyond
is not started: the deputy in charge settles it). Then the owner does the work: the function's
queue and skills are the owner's; a claim is on the matter, not a desk. Merging the owner with its
claimant, or moving the function to it, removes the claim and with it the bouncing. Seed 000: the
merger "有效解决科室之间分工过细,职能交叉、推诿扯皮问题,减少了内部沟通协调环节".

**Common random numbers.** The rounds of task n at its work step b (the step's index among the
workflow's work and visit steps) come from one counter-based draw u of the ``ownership`` stream keyed
by (n, b) (``sim.streams.keyed_uniform``): r rounds where u < p_pass^r. The same task and step get the
same rounds under every structure where the function is contested by as many sections, and never
fewer when ``p_pass`` is higher.

Counting: the task ledger's ``passes`` and the summary's ``passes_per_task``, only in scenarios where
some structure declares a claim (and ``p_pass``, ``max_passes`` > 0): every other run stays bit for
bit what it was. A route with no contested function gets no step, so the hot path is untouched.
"""
from __future__ import annotations

from dataclasses import replace

from ..engine import Mechanism
from ..streams import keyed_uniform
from .routing import RouteStep, protocol_steps


class Ownership(Mechanism):
    name = "ownership"

    def __init__(self, e):
        self.e = e
        p = e.params.ownership
        self.p, self.max_passes = p.p_pass, p.max_passes
        self.rounds, self.acts = {}, False
        if p.p_pass <= 0 or p.max_passes <= 0 or not any(
                s.claims for st in e.scenario.structures.values() for _, s in st.sections()):
            return
        e.ledgers.add_count("passes")  # every structure of the scenario reports it: merged ones as 0
        if not e.structure.claimants():
            return
        self.acts = True
        self.uniform = keyed_uniform(e.seed, "ownership")
        self.route_inner = e.route_of
        e.route_of = self.route_of
        e.handlers[("contested", False)] = self.contested
        e.handlers[("pass", False)] = self.pass_on

    def build(self):
        """One round per contested (owner, function): the passes to each claimant and back, as
        (handler, step) pairs, and how many rounds ``max_passes`` allows."""
        e = self.e
        if not self.acts:
            return
        st, proto = e.structure, e.params.handoff.section
        for (owner_id, f), claimants in st.claimants().items():
            body, owner = st.section(owner_id)
            holders = [owner, *claimants, owner]
            most = self.max_passes // (len(holders) - 1)
            if most < 1:
                continue
            steps = []
            for a, b in zip(holders, holders[1:]):
                steps += protocol_steps(st, proto, a, body.id, b, body.id, False, f"pass:{f}")
                steps.append(RouteStep("pass", b.id, f, name=f"pass:{f}"))
            self.rounds[(owner_id, f)] = ([(e.handler_of(s), s) for s in steps], most)

    def route_of(self, wf):
        """The compiled route with a ``contested`` step before each work step on a contested function."""
        out = []
        for step in self.route_inner(wf):
            if step.kind == "work" and (step.section, step.function) in self.rounds:
                out.append(replace(step, kind="contested", name=f"contested:{step.function}"))
            out.append(step)
        return out

    def contested(self, task, step):
        """Draw the rounds; if any, walk the task through them on a detour route, then back."""
        one, most = self.rounds[(step.section, step.function)]
        u, p, r, q = self.uniform(f"{task.number}/{step.base}"), self.p, 0, self.p
        while r < most and u < q:
            r += 1
            q *= p
        if r == 0:
            return False
        task.detour = (task.route, task.at)
        task.route, task.at = one * r + [(self.resume, step)], 0
        self.e.advance(task)
        return True

    def pass_on(self, task, step):
        task.handoffs += 1
        task.passes += 1
        return False

    def resume(self, task, step):
        """The rounds are over: the task goes on along its own route (``advance`` walks the route it
        read on entry, so the detour ends here and the walk restarts on the task's route)."""
        task.route, task.at = task.detour
        task.detour = None
        self.e.advance(task)
        return True
