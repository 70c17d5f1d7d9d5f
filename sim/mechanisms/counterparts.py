"""Upper-level counterparts (上下对口, 加挂牌子): work addressed by name to an old section.

The rule, compiled into a workflow's route when it has ``addressed_to`` (the name of the section an
upper-level body sends it to, e.g. 政法科):

* A section of the workflow's body still bears that name: the work lands where it is addressed, at
  no cost (the fragmented structure).
* A merged section carries the name as a nameplate (加挂牌子, kept by ``merge_sections``): the work
  lands on its head, who routes it to the right desk: a head job of ``sort_hours`` per nameplate the
  section carries (the more old names one head answers for, the more there is to sort), scaled by
  the span of control.
* No section bears the name any more (``merge_sections(keep_nameplates: false)``): the upper-level
  contact is lost, and the work waits ``lost_delay_hours`` before it is re-routed (a phone call back,
  the document sent again).

Why: seed 000 keeps nameplates "确保与上级机构的业务沟通联系顺畅"; a merger that pools staff but costs
nothing in the vertical line of work (上下对口) would let large sections win by construction.
Parameters: ``params.counterparts`` (``sim.params.Counterparts``).
"""
from __future__ import annotations

from ..engine import Mechanism
from ..structure import Structure


def counterpart_steps(st: Structure, wf, make_step) -> list:
    """The route steps work addressed to ``wf.addressed_to`` pays before its first step:
    nothing, a head's sorting job (``sort``) or a lost contact's delay (``lost``)."""
    if not wf.addressed_to:
        return []
    body = st.body(wf.body)
    if any(s.name == wf.addressed_to for s in body.sections):
        return []
    plated = next((s for s in body.sections if wf.addressed_to in s.nameplates), None)
    if plated is not None:
        return [make_step("sort", plated.id, name=f"counterpart:sort:{wf.addressed_to}")]
    return [make_step("lost", None, name=f"counterpart:lost:{wf.addressed_to}")]


def known_names(structures) -> set[str]:
    """Every section name and nameplate in any of ``structures`` (what ``addressed_to`` may say)."""
    return {n for st in structures for _, s in st.sections() for n in (s.name, *s.nameplates)}


class Counterparts(Mechanism):
    name = "counterparts"

    def __init__(self, e):
        self.e = e
        p = e.params.counterparts
        self.sort_hours, self.lost_delay = p.sort_hours, p.lost_delay_hours
        e.handlers[("sort", False)] = self.sort
        e.handlers[("lost", False)] = self.lost

    def build(self):
        self.plates = {s.id: len(s.nameplates) for _, s in self.e.structure.sections()}

    def sort(self, task, step):
        task.coord_steps += 1
        self.e.head_job(task, step, self.sort_hours * self.plates[step.section])
        return True

    def lost(self, task, step):
        task.coord_steps += 1
        self.e.schedule(self.e.now + self.lost_delay, self.e.advance, task)
        return True
