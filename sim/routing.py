"""Routing: how a workflow's steps become a task's route through one structure.

This is where the handoff mechanism lives: a route crosses a section line when consecutive work
steps belong to different sections, and pays the coordination protocol there; crossing a body
line pays the heavier one. Approval steps resolve to people; a leader who heads a body
concurrently (兼任) with ``direct_handling`` removes the levels below them, and levels held by
one person collapse into one sign-off. The route is structural: it is compiled once per
workflow and structure, and only the hours differ between tasks.
"""
from __future__ import annotations

from dataclasses import dataclass

from .params import Params, Protocol
from .structure import Section, Structure
from .workflow import Workflow

BODY_LEVELS_BELOW_DIRECTOR = ("deputy_director",)


def resolve_approver(st: Structure, body_id: str, level: str, last_section: Section | None):
    """('head', section) or ('leader', leader_id) for an approval level, or KeyError."""
    if level == "section_head":
        if last_section is None:
            raise KeyError("a section_head approval needs a work step before it")
        return ("head", last_section)
    body = st.body(body_id)
    if level in body.leaders:
        return ("leader", body.leaders[level])
    if level in st.above:
        return ("leader", st.above[level])
    known = sorted(set(body.leaders) | set(st.above) | {"section_head"})
    raise KeyError(f"no one holds level {level!r} for body {body_id!r} (levels: {', '.join(known)})")


def leader_in_charge(st: Structure, body_id: str) -> str | None:
    """The leader who signs a body's letters: the deputy in charge, else the director."""
    b = st.body(body_id)
    return b.leaders.get("deputy_director") or b.leaders.get("director") or next(iter(b.leaders.values()), None)


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


def _protocol_steps(st: Structure, proto: Protocol, sender: Section, sender_body: str,
                    receiver: Section, receiver_body: str, cross_body: bool, label: str):
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
            lid = leader_in_charge(st, sender_body if role == "sender_leader" else receiver_body)
            if lid is None:  # a body with no leaders: its head signs instead
                out.append(RouteStep("head", (sender if role == "sender_leader" else receiver).id, protocol=proto,
                                     name=name, cross_body=cross_body))
            else:
                out.append(RouteStep("leader", leader=lid, protocol=proto, name=name, cross_body=cross_body))
        else:
            out.append(RouteStep("mail", protocol=proto, name=name, cross_body=cross_body))
    return out


def _collapse_approvals(st: Structure, run: list[tuple[str, RouteStep]]):
    """Apply direct handling and merge consecutive sign-offs by one person."""
    out: list[RouteStep] = []
    # direct handling: a body whose director is concurrently the authority deals with it directly
    for body_id in {b for b, _ in run}:
        body = st.body(body_id)
        director = body.leaders.get("director")
        if body.direct_handling and director:
            below = {body.leaders[lv] for lv in BODY_LEVELS_BELOW_DIRECTOR if lv in body.leaders}
            below.discard(director)
            run = [(b, s) for b, s in run if not (b == body_id and s.kind == "leader" and s.leader in below)]
    for _, s in run:
        who = (s.kind, s.leader or s.section)
        if out and (out[-1].kind, out[-1].leader or out[-1].section) == who:
            continue
        out.append(s)
    return out


def compile_route(st: Structure, wf: Workflow, params: Params, owners: dict | None = None) -> list[RouteStep]:
    route: list[RouteStep] = []
    last_sec: Section | None = None
    last_body: str | None = None
    last_was_visit = False
    last_window = None
    approvals: list[tuple[str, RouteStep]] = []
    base = 0

    def flush():
        route.extend(_collapse_approvals(st, approvals))
        approvals.clear()

    for step in wf.steps:
        body_id = st.body(step.body or wf.body).id  # a merged body answers to its old ids
        if step.kind == "approve":
            who, target = resolve_approver(st, body_id, step.level, last_sec)
            name = step.name or f"approve:{step.level}"
            if who == "head":
                approvals.append((body_id, RouteStep("head", target.id, name=name, approval=True)))
            else:
                approvals.append((body_id, RouteStep("leader", leader=target, name=name, approval=True)))
            continue
        flush()
        sec = owners[(body_id, step.function)] if owners is not None else st.owner(body_id, step.function)
        is_visit = step.kind == "visit"
        if last_sec is not None and sec.id != last_sec.id and not (is_visit and last_was_visit):
            cross = body_id != last_body
            proto = params.handoff.body if cross else params.handoff.section
            label = "handoff_body" if cross else "handoff"
            route.extend(_protocol_steps(st, proto, last_sec, last_body, sec, body_id, cross, label))
            route.append(RouteStep("cross", sec.id, name="cross_body" if cross else "cross_section", cross_body=cross))
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
        last_sec, last_body, last_was_visit = sec, body_id, is_visit
    flush()
    return route
