"""Reforms as transformations: each takes a structure and returns a new one, never edits in place.

They compose: ``compose(merge_sections(...), merge_windows(...))`` or a list in a scenario file.
The engine knows nothing of reforms; it only runs whatever structure it is given.
"""
from __future__ import annotations

import copy
import functools
from functools import reduce

from .structure import Body, Combo, Leader, Section, StaffMember, Structure, Window


def reform(fn):
    """Make an in-place edit a pure transformation: the public function copies, ``.inplace`` does not.

    A list of reforms (``apply``) copies once and runs the in-place edits, which keeps building a
    city-scale structure with hundreds of merges linear in its size."""
    @functools.wraps(fn)
    def pure(st: Structure, *args, **kwargs) -> Structure:
        st = copy.deepcopy(st)
        fn(st, *args, **kwargs)
        return st
    pure.inplace = fn
    return pure


def apply(st: Structure, steps: list[tuple[str, dict]]) -> Structure:
    """Apply named reforms in order to a copy of ``st``."""
    st = copy.deepcopy(st)
    for name, kwargs in steps:
        REFORMS[name].inplace(st, **kwargs)
    return st


@reform
def merge_sections(st: Structure, sections: list[str], into: str, name: str = "", head: str | None = None,
                   kind: str | None = None) -> None:
    """大科室: merge sections of one body into one; its head may deploy everyone in it.

    The first section's head (or ``head``) heads the new section; the other heads become deputies.
    Old names stay as nameplates (加挂牌子) so upper-level counterparts still find them."""
    if len(sections) < 2:
        raise ValueError("sections: name at least two sections to merge")
    found = [st.section(s) for s in sections]
    bodies = {b.id for b, _ in found}
    if len(bodies) > 1:
        raise ValueError(f"sections: {sections} belong to different bodies {sorted(bodies)}; merge the bodies first")
    body = found[0][0]
    if into != sections[0] and any(s.id == into for _, s in st.sections()):
        raise ValueError(f"into: section id {into!r} already exists")
    staff = [m for _, s in found for m in s.staff]
    head_id = head or next((m.id for m in staff if m.post == "head"), None)
    if head is not None and head not in {m.id for m in staff}:
        raise ValueError(f"head: {head!r} is not a member of the merged sections")
    for m in staff:
        m.transferred = True
        if m.post == "head" and m.id != head_id:
            m.post = "deputy"
        if m.id == head_id:
            m.post = "head"
    merged = Section(into, name or into, kind or found[0][1].kind,
                     [f for _, s in found for f in s.functions], staff,
                     [n for _, s in found for n in [s.name, *s.nameplates] if n != (name or into)])
    pos = body.sections.index(found[0][1])
    body.sections = [s for s in body.sections if s.id not in sections]
    body.sections.insert(min(pos, len(body.sections)), merged)


@reform
def merge_bodies(st: Structure, bodies: list[str], into: str, name: str = "", leaders: dict | None = None) -> None:
    """大部制: merge bodies into one; their sections stay, leader posts are those of ``leaders``
    (default: the first body's), the rest go to a turnover pool (干部周转池)."""
    if len(bodies) < 2:
        raise ValueError("bodies: name at least two bodies to merge")
    found = [st.body(b) for b in bodies]
    merged = Body(into, name or into, [s for b in found for s in b.sections],
                  dict(leaders) if leaders is not None else dict(found[0].leaders),
                  aliases=[a for b in found for a in (b.id, *b.aliases) if a != into])
    for lv, lid in merged.leaders.items():
        if lid not in st.leaders:
            raise ValueError(f"leaders.{lv}: unknown leader {lid!r}")
    # a function owned twice would be ambiguous: prefix with the old body
    seen = {}
    for b in found:
        for s in b.sections:
            for f in s.functions:
                if f in seen:
                    raise ValueError(f"function {f!r} is owned by both {seen[f]} and {b.id}; merge or rename first")
                seen[f] = b.id
    pos = st.bodies.index(found[0])
    st.bodies = [b for b in st.bodies if b.id not in bodies]
    st.bodies.insert(pos, merged)
    for w in st.windows:
        w.services = [f"{into}/{sv.partition('/')[2]}" if sv.partition("/")[0] in bodies else sv for sv in w.services]
    for c in st.combos:
        c.bodies = list(dict.fromkeys(into if b in bodies else b for b in c.bodies))


@reform
def group_combos(st: Structure, combos: list[dict]) -> None:
    """"1+N": group bodies into combos; inside one, lending staff needs no paperwork."""
    ids = {b.id for b in st.bodies}
    taken = {b for c in st.combos for b in c.bodies}
    for i, c in enumerate(combos):
        members = list(c.get("bodies", []))
        for b in members:
            if b not in ids:
                raise ValueError(f"combos.{i}.bodies: unknown body {b!r}")
            if b in taken:
                raise ValueError(f"combos.{i}.bodies: body {b!r} is already in a combo")
            taken.add(b)
        lead = c.get("lead", members[0] if members else None)
        if lead not in members:
            raise ValueError(f"combos.{i}.lead: {lead!r} is not one of the combo's bodies")
        st.combos.append(Combo(str(c.get("id", f"combo{i + 1}")), lead, members))


@reform
def merge_common_posts(st: Structure, functions: list[str], proficiency: float = 1.0) -> None:
    """Merge common posts inside each combo (accounting, party affairs...): everyone who holds one of
    ``functions`` in a combo body is trained for the same function everywhere in the combo."""
    for c in st.combos:
        holders = [m for b in c.bodies for s in st.body(b).sections for m in s.staff
                   if any(m.skills.get(f, 0) > 0 for f in functions)]
        for m in holders:
            for f in functions:
                if m.skills.get(f, 0) > 0:
                    m.skills[f] = max(m.skills[f], proficiency)


@reform
def concurrent_head(st: Structure, body: str, leader: str, direct_handling: bool = True) -> None:
    """兼任: an above-body leader heads ``body`` directly; with ``direct_handling`` the levels below
    them are skipped in approval chains. The former director's post is removed."""
    b = st.body(body)
    if leader not in st.leaders:
        raise ValueError(f"leader: unknown leader {leader!r}")
    b.leaders["director"] = leader
    b.direct_handling = direct_handling


@reform
def remove_leader_posts(st: Structure, body: str, levels: list[str]) -> None:
    """Cut leader posts of a body (their approvals then go to the next level that exists)."""
    b = st.body(body)
    for lv in levels:
        if lv not in b.leaders:
            raise ValueError(f"levels: body {body!r} has no {lv!r} post")
        del b.leaders[lv]


@reform
def merge_windows(st: Structure, windows: list[str], into: str, name: str = "", location: str | None = None) -> None:
    """One window, one set of materials: services of several windows received at one."""
    found = [w for w in st.windows if w.id in windows]
    missing = set(windows) - {w.id for w in found}
    if missing:
        raise ValueError(f"windows: unknown window {sorted(missing)[0]!r}")
    merged = Window(into, name or into, location or found[0].location, [sv for w in found for sv in w.services])
    pos = st.windows.index(found[0])
    st.windows = [w for w in st.windows if w.id not in windows]
    st.windows.insert(pos, merged)


@reform
def move_functions(st: Structure, functions: list[str], to: str, body: str | None = None,
                   new_section: dict | None = None, move_staff: bool = True) -> None:
    """Move functions (and, with ``move_staff``, the staff whose main skill they are) to section ``to``,
    creating it from ``new_section`` ({name, kind}) if needed. 审监分离 and approval offices use this."""
    owners = []
    for f in functions:
        hit = [(b, s) for b, s in st.sections() if f in s.functions and (body is None or b.id == body)]
        if not hit:
            raise ValueError(f"functions: no section owns {f!r}")
        if len(hit) > 1:
            raise ValueError(f"functions: {f!r} is owned in several bodies; give body")
        owners.append(hit[0])
    tbody = st.body(body) if body else owners[0][0]
    target = next((s for s in tbody.sections if s.id == to), None)
    if target is None:
        if new_section is None:
            raise ValueError(f"to: body {tbody.id!r} has no section {to!r} (give new_section to create it)")
        target = Section(to, new_section.get("name", to), new_section.get("kind", "business"))
        tbody.sections.append(target)
    for (b, s), f in zip(owners, functions):
        if b is not tbody:
            raise ValueError(f"functions: {f!r} belongs to body {b.id!r}, not {tbody.id!r}")
        s.functions.remove(f)
        target.functions.append(f)
        if move_staff:
            for m in list(s.staff):
                main = max(m.skills, key=m.skills.get) if m.skills else None
                if main == f and m.post != "head" and (len(s.staff) > 1 or not s.functions):
                    m.transferred = True
                    s.staff.remove(m)
                    target.staff.append(m)
    if target.staff and not any(m.post == "head" for m in target.staff):
        target.staff[0].post = "head"
    tbody.sections = [s for s in tbody.sections if s.functions or s.staff]


@reform
def concentrate_approvals(st: Structure, body: str, functions: list[str], office: str = "approval_office",
                          name: str = "行政审批处", location: str = "service_hall", window: bool = True) -> None:
    """一个部门一个机构管审批: one approval office takes the approval items several divisions
    handled, and (``window``) receives citizens at one window in the service hall."""
    move_functions.inplace(st, functions, office, body, {"name": name, "kind": "approval_office"})
    if window:
        services = [f"{body}/{f}" for f in functions]
        st.windows = [Window(w.id, w.name, w.location, [sv for sv in w.services if sv not in services])
                      for w in st.windows]
        st.windows = [w for w in st.windows if w.services]
        st.windows.append(Window(f"{office}_window", name, location, services))


@reform
def add_squad(st: Structure, body: str, members: list[str], id: str = "squad", name: str = "专员",
              proficiency: float = 0.8) -> None:
    """专员 mobile squad: ``members`` leave their sections and take overflow work in any section of the
    body, with ``proficiency`` on every function of the body they were not already better at."""
    b = st.body(body)
    funcs = [f for s in b.sections for f in s.functions]
    moved = []
    for mid in members:
        sec = next((s for s in b.sections if any(m.id == mid for m in s.staff)), None)
        if sec is None:
            raise ValueError(f"members: {mid!r} is not staff of body {body!r}")
        m = next(m for m in sec.staff if m.id == mid)
        sec.staff.remove(m)
        if m.post == "head" and sec.staff:
            nxt = next((x for x in sec.staff if x.post == "deputy"), sec.staff[0])
            nxt.post = "head"
        m.post = "commissioner"
        m.transferred = True
        for f in funcs:
            m.skills[f] = max(m.skills.get(f, 0.0), proficiency)
        moved.append(m)
    empty = [s for s in b.sections if not s.staff and s.functions]
    if empty:
        raise ValueError(f"members: section {empty[0].id!r} would be left with nobody to do {empty[0].functions[0]!r}")
    b.sections.append(Section(id, name, "squad", [], moved))


@reform
def add_leader(st: Structure, id: str, name: str = "", above: str | None = None) -> None:
    """Declare a leader (optionally at an above-body level), e.g. before concurrent_head."""
    st.leaders[id] = Leader(id, name or id)
    if above:
        st.above[above] = id


@reform
def allow_lending(st: Structure, delay_hours: float) -> None:
    """借调: staff may be lent across bodies, after ``delay_hours`` of paperwork."""
    if delay_hours < 0:
        raise ValueError("delay_hours: must be >= 0")
    st.lending_delay_hours = float(delay_hours)


def compose(*reforms):
    """One reform from several: ``compose(f, g)(st) == g(f(st))``."""
    return lambda st: reduce(lambda acc, r: r(acc), reforms, st)


REFORMS = {f.__name__: f for f in (merge_sections, merge_bodies, group_combos, merge_common_posts, concurrent_head,
                                   remove_leader_posts, merge_windows, move_functions, concentrate_approvals,
                                   add_squad, add_leader, allow_lending)}
