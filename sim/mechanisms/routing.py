"""Handoff and routing: how a workflow's steps become a task's route, and what crossing a line costs.

A route crosses a section line when consecutive work steps belong to different sections, and pays
the coordination protocol there (``params.handoff.section``: N steps, 环节, each work waiting in a
role's queue: sender, receiving head, receiver); crossing a body line pays the heavier one
(``params.handoff.body``: leaders' joint sign-off, a formal letter in the mail). Inside a section a
task crosses nothing, except the old desks of a merged one (``sim.mechanisms.internal_coordination``). Consecutive visits to windows are one counter, not a handoff (see
``sim.mechanisms.windows``). Work on a function another section also claims may first be passed
between them (``sim.mechanisms.ownership``). Approval steps resolve to people (``sim.mechanisms.approvals``). The
route is structural: compiled once per workflow and structure; only the hours differ between tasks.
The defaults (3 steps of half an hour in a section, 5 with an 8-hour letter between bodies) are the
first version's assumptions; seed 001 counts "三个环节" saved by one merger.
"""
from __future__ import annotations

from dataclasses import dataclass

from ..agents import Job
from ..engine import Mechanism
from ..params import Params, Protocol
from ..queues import COORD
from ..structure import Section, Structure
from ..workflow import Workflow
from .approvals import collapse_approvals, resolve_approver
from .counterparts import counterpart_steps
from .deputies import countersigners, letter_signer


@dataclass(frozen=True)
class RouteStep:
    """One step of a compiled route. ``kind``: work, visit, coord, head, leader, mail."""
    kind: str
    section: str | None = None  # section whose queue holds the job (work, visit, coord, head)
    function: str | None = None
    leader: str | None = None
    base: int = -1  # index into the task's drawn base hours (work / visit)
    protocol: Protocol | None = None  # coord / head / leader / mail steps of a handoff
    name: str = ""
    window: str | None = None  # visit: window id and location
    location: str | None = None
    new_visit: bool = False  # visit: starts a new visit (new window)
    approval: bool = False  # head / leader step that is an approval level (not coordination)
    cross_body: bool = False  # coordination step of a cross-body handoff
    level: str | None = None  # approval: the level signed for (the highest, when one person's levels collapse)
    back: int = -1  # review (sim.mechanisms.rework): route index of the work step a returned submission redoes


def protocol_steps(st: Structure, proto: Protocol, sender: Section, sender_body: str,
                   receiver: Section, receiver_body: str, cross_body: bool, label: str) -> list[RouteStep]:
    """The coordination steps of one handoff from ``sender`` to ``receiver`` (no crossing step: the
    caller counts the handoff its own way)."""
    out = []
    for i in range(proto.steps):
        role = proto.roles[i % len(proto.roles)]
        name = f"{label}:{i + 1}:{role}"
        if role in ("sender", "receiver"):
            out.append(RouteStep("coord", sender.id if role == "sender" else receiver.id, protocol=proto,
                                 name=name, cross_body=cross_body))
        elif role in ("sender_head", "receiver_head"):
            out.append(RouteStep("head", sender.id if role == "sender_head" else receiver.id, protocol=proto,
                                 name=name, cross_body=cross_body))
        elif role in ("sender_leader", "receiver_leader"):
            lid = (letter_signer(st, sender_body, sender.id) if role == "sender_leader"
                   else letter_signer(st, receiver_body, receiver.id))
            if lid is None:  # a body with no leaders: its head signs instead
                out.append(RouteStep("head", (sender if role == "sender_leader" else receiver).id, protocol=proto,
                                     name=name, cross_body=cross_body))
            else:
                out.append(RouteStep("leader", leader=lid, protocol=proto, name=name, cross_body=cross_body))
        else:
            out.append(RouteStep("mail", protocol=proto, name=name, cross_body=cross_body))
    return out


def compile_route(st: Structure, wf: Workflow, params: Params, owners: dict | None = None) -> list[RouteStep]:
    route: list[RouteStep] = []
    last_sec: Section | None = None
    last_body: str | None = None
    last_was_visit = False
    last_window = None
    last_function = None
    approvals: list[tuple[str, RouteStep]] = []
    base = 0

    def flush():
        route.extend(collapse_approvals(st, approvals))
        approvals.clear()

    route.extend(counterpart_steps(st, wf, lambda kind, sid, name: RouteStep(kind, sid, name=name)))

    for step in wf.steps:
        body_id = st.body(step.body or wf.body).id  # a merged body answers to its old ids
        if step.kind == "approve":
            who, target = resolve_approver(st, body_id, step.level, last_sec)
            name = step.name or f"approve:{step.level}"
            if who == "head":
                approvals.append((body_id, RouteStep("head", target.id, name=name, approval=True, level=step.level)))
            else:
                approvals.append((body_id, RouteStep("leader", leader=target, name=name, approval=True, level=step.level)))
            continue
        flush()
        sec = owners[(body_id, step.function)] if owners is not None else st.owner(body_id, step.function)
        is_visit = step.kind == "visit"
        if last_sec is not None and sec.id != last_sec.id and not (is_visit and last_was_visit):
            cross = body_id != last_body
            proto = params.handoff.body if cross else params.handoff.section
            label = "handoff_body" if cross else "handoff"
            route.extend(protocol_steps(st, proto, last_sec, last_body, sec, body_id, cross, label))
            if not cross and params.deputies.countersign:  # 会签: two deputies' areas
                route.extend(RouteStep("leader", leader=lid, name=f"countersign:{who}")
                             for who, lid in zip(("sender", "receiver"), countersigners(st, body_id, last_sec.id, sec.id)))
            route.append(RouteStep("cross", sec.id, name="cross_body" if cross else "cross_section", cross_body=cross))
        elif (last_sec is not None and sec.id == last_sec.id and not (is_visit and last_was_visit)
              and sec.origin(step.function) != sec.origin(last_function)):
            route.extend(RouteStep("internal", sec.id, name=f"internal:{i + 1}")
                         for i in range(params.internal_coordination.steps))
        if is_visit:
            w = st.window_of(body_id, step.function)
            wid = w.id if w else f"window:{sec.id}"
            loc = (w.location or w.id) if w else body_id
            route.append(RouteStep("visit", sec.id, step.function, base=base, name=step.name or f"visit:{step.function}",
                                   window=wid, location=loc, new_visit=not (last_was_visit and wid == last_window)))
            last_window = wid
        else:
            route.append(RouteStep("work", sec.id, step.function, base=base, name=step.name or f"work:{step.function}"))
            last_window = None
        base += 1
        last_sec, last_body, last_was_visit, last_function = sec, body_id, is_visit, step.function
    flush()
    return route


class Handoff(Mechanism):
    """The runtime side: counting crossings, coordination jobs, heads' and leaders' handoff steps, mail."""
    name = "handoff"

    def __init__(self, e):
        self.e = e
        self.rng = e.stream("coordination")
        e.route_of = self.route_of
        e.handlers[("cross", False)] = self.cross
        e.handlers[("coord", False)] = self.coord
        e.handlers[("head", False)] = self.head
        e.handlers[("leader", False)] = self.leader
        e.handlers[("mail", False)] = self.mail

    def build(self):
        e = self.e
        self.owners = e.structure.owners()
        self.coord_queue = {sid: info["queues"][COORD] for sid, info in e.section_info.items()}

    def route_of(self, wf):
        return compile_route(self.e.structure, wf, self.e.params, self.owners)

    def cross(self, task, step):
        task.handoffs += 1
        task.cross_body += step.cross_body
        return False

    def coord(self, task, step):
        task.coord_steps += 1
        self.e.enqueue(Job(task, step, step.protocol.hours.sample(self.rng), step.name), self.coord_queue[step.section])
        return True

    def head(self, task, step):
        task.coord_steps += 1
        self.e.head_job(task, step, step.protocol.hours.sample(self.rng))
        return True

    def leader(self, task, step):
        task.coord_steps += 1
        self.e.to_leader(task, step)
        return True

    def mail(self, task, step):
        task.coord_steps += 1
        self.e.schedule(self.e.now + step.protocol.mail_hours, self.e.advance, task)
        return True
