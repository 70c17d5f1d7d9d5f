"""Reforms as transformations: each takes a structure and returns a new one, never edits in place.

They compose: ``compose(merge_sections(...), merge_windows(...))`` or a list in a scenario file.
The engine knows nothing of reforms; it only runs whatever structure it is given.

A reform's arguments are checked as strictly as a scenario file (types, finite numbers, distinct
names, at least two where a merge needs two) by pydantic from its signature, its names against the
structure in its body, and the structure it leaves behind by ``Structure.check``: a reform can never
hand the engine a structure a file could not have described (a section merged with itself once
cloned its staff).
"""
from __future__ import annotations

import copy
import functools
from functools import reduce
from typing import Annotated, Literal

import pydantic
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from .shape import DisplayNameSpec, display_names
from .structure import SECTION_KINDS, Body, Combo, Leader, Section, StaffMember, Structure, Window


def _name(v):
    """An id as a scenario file writes it: a non-empty string (a bare number is read as its text)."""
    if isinstance(v, bool) or not isinstance(v, (str, int)):
        raise ValueError(f"expected a name, got {v!r}")
    if str(v).strip() == "":
        raise ValueError("expected a non-empty name")
    return str(v)


def _distinct(v):
    dup = next((x for i, x in enumerate(v) if x in v[:i]), None) if isinstance(v, list) else None
    if dup is not None:
        raise ValueError(f"{dup!r} is named twice")
    return v


Name = Annotated[str, BeforeValidator(_name)]
Names = Annotated[list[Name], Field(min_length=1), pydantic.AfterValidator(_distinct)]
TwoOrMore = Annotated[list[Name], Field(min_length=2), pydantic.AfterValidator(_distinct)]
Proficiency = Annotated[float, Field(gt=0, le=5)]
_CONFIG = ConfigDict(arbitrary_types_allowed=True, allow_inf_nan=False, extra="forbid", strict=True)


class ComboSpec(BaseModel):
    """One "1+N" combo in ``group_combos``: its bodies (the first leads unless ``lead`` says)."""
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)
    bodies: TwoOrMore
    lead: Name | None = None
    id: Name | None = None


class NewSection(BaseModel):
    """The section ``move_functions`` creates when ``to`` does not exist yet."""
    model_config = ConfigDict(extra="forbid")
    name: Name | None = None
    kind: Literal[SECTION_KINDS] = "business"  # type: ignore[valid-type]
    display_name: DisplayNameSpec | None = None


def _message(e: pydantic.ValidationError) -> str:
    """pydantic's first error as ``field.path: reason`` (1-based list items, as the file reads)."""
    err = e.errors()[0]
    loc = ".".join(str(x) for x in (*err["loc"], *(err.get("ctx") or {}).get("at", ())))  # at: a key below (sim.shape.fail)
    msg = err["msg"].removeprefix("Value error, ")
    if err["type"] == "unexpected_keyword_argument":
        return f"{loc}: unknown argument"
    if err["type"] == "missing_argument":
        return f"{loc}: required argument is missing"
    if err["type"] in ("model_type", "model_attributes_type", "dict_type"):
        return f"{loc}: expected a mapping, got {type(err['input']).__name__}"
    if err["type"] == "string_too_short":
        return f"{loc}: must not be empty"
    if err["type"] == "too_short":
        return f"{loc}: name at least {err['ctx']['min_length']} (got {err['ctx']['actual_length']})"
    return f"{loc}: {msg}" if loc else msg


def reform(fn):
    """Make an in-place edit a pure transformation: the public function copies, ``.inplace`` does not.

    Both check the arguments first and the resulting structure last (``ValueError`` naming the
    argument). A list of reforms (``apply``) copies once and runs the in-place edits, which keeps
    building a city-scale structure with hundreds of merges linear in its size."""
    checked = pydantic.validate_call(config=_CONFIG)(fn)

    @functools.wraps(fn)
    def inplace(st: Structure, *args, **kwargs) -> None:
        posted = st.posted()
        try:
            checked(st, *args, **kwargs)
        except pydantic.ValidationError as e:
            raise ValueError(_message(e)) from None
        st.prune_in_charge()  # sections merged or emptied away leave their deputy's charge
        st.prune_claims()  # an owner merged with its claimant, or a function moved to it, is no longer contested
        st.released += [lid for lid in sorted(posted - st.posted()) if lid not in st.released]
        st.check()

    @functools.wraps(fn)
    def pure(st: Structure, *args, **kwargs) -> Structure:
        st = copy.deepcopy(st)
        inplace(st, *args, **kwargs)
        return st
    pure.inplace = inplace
    return pure


def apply(st: Structure, steps: list[tuple[str, dict]]) -> Structure:
    """Apply named reforms in order to a copy of ``st``."""
    st = copy.deepcopy(st)
    for name, kwargs in steps:
        REFORMS[name].inplace(st, **kwargs)
    return st


def _new_section_id(st: Structure, sid: str, arg: str, allowed=()) -> None:
    """Section ids are unique across the structure: queues and routes are keyed by them."""
    if sid not in allowed and any(s.id == sid for _, s in st.sections()):
        raise ValueError(f"{arg}: section id {sid!r} already exists")


@reform
def merge_sections(st: Structure, sections: TwoOrMore, into: Name, name: str = "", head: Name | None = None,
                   kind: Literal[SECTION_KINDS] | None = None,  # type: ignore[valid-type]
                   former_heads: Literal["deputy", "staff"] = "deputy", keep_nameplates: bool = True,
                   display_name: DisplayNameSpec | None = None) -> None:
    """大科室: merge sections of one body into one; its head may deploy everyone in it.

    The first section's head (or ``head``) heads the new section; the other heads become deputies
    who share the head's span of control (``former_heads: staff``: they become staff, and the head
    alone answers for everyone). Old names stay as nameplates (加挂牌子) so upper-level counterparts
    still find them (``keep_nameplates: false`` drops them: upper-level work addressed to the old names
    loses its contact, ``sim.mechanisms.counterparts``). The merged section keeps its parts' claims (职能交叉)
    but those on its own functions. ``display_name`` ({zh, en}): the merged section's name per language
    (left out: none, ``sim.i18n.display`` falls back to ``name`` and the id)."""
    found = []
    for s in sections:
        try:
            found.append(st.section(s))
        except KeyError as e:
            raise ValueError(f"sections: {e.args[0]}") from None
    bodies = {b.id for b, _ in found}
    if len(bodies) > 1:
        raise ValueError(f"sections: {sections} belong to different bodies {sorted(bodies)}; merge the bodies first")
    body = found[0][0]
    _new_section_id(st, into, "into", allowed=sections)
    staff = [m for _, s in found for m in s.staff]
    head_id = head or next((m.id for m in staff if m.post == "head"), None)
    if head is not None and head not in {m.id for m in staff}:
        raise ValueError(f"head: {head!r} is not a member of the merged sections")
    for m in staff:
        m.transferred = True
        if m.post == "head" and m.id != head_id:
            m.post = former_heads
        if m.id == head_id:
            m.post = "head"
    merged = Section(into, name or into, kind or found[0][1].kind,
                     [f for _, s in found for f in s.functions], staff,
                     [n for _, s in found for n in [s.name, *s.nameplates] if n != (name or into)] if keep_nameplates else [],
                     {f: s.origin(f) for _, s in found for f in s.functions},
                     list(dict.fromkeys(f for _, s in found for f in s.claims)), display_names(display_name))
    deputy = body.deputy_for(found[0][1].id)  # 分管: the merged section stays with the first section's deputy
    body.in_charge = {lid: [x for x in secs if x not in sections] for lid, secs in body.in_charge.items()}
    if deputy is not None:
        body.in_charge[deputy].append(into)
    pos = body.sections.index(found[0][1])
    body.sections = [s for s in body.sections if s.id not in sections]
    body.sections.insert(min(pos, len(body.sections)), merged)


def _body(st: Structure, body_id: str, arg: str) -> Body:
    try:
        return st.body(body_id)
    except KeyError as e:
        raise ValueError(f"{arg}: {e.args[0]}") from None


@reform
def merge_bodies(st: Structure, bodies: TwoOrMore, into: Name, name: str = "",
                 leaders: dict[Name, Name] | None = None, display_name: DisplayNameSpec | None = None) -> None:
    """大部制: merge bodies into one; their sections stay, leader posts are those of ``leaders``
    (default: the first body's), the rest go to a turnover pool (干部周转池). ``display_name``: the
    merged body's name per language ({zh, en})."""
    found = [_body(st, b, "bodies") for b in bodies]
    if len({id(b) for b in found}) < len(found):
        raise ValueError(f"bodies: {bodies} name the same body twice (an old id answers for the body it was merged into)")
    merged_ids = {i for b in found for i in (b.id, *b.aliases)}
    if into not in merged_ids and into in st.body_ids():
        raise ValueError(f"into: body id {into!r} already exists")
    merged = Body(into, name or into, [s for b in found for s in b.sections],
                  dict(leaders) if leaders is not None else dict(found[0].leaders),
                  aliases=[a for b in found for a in (b.id, *b.aliases) if a != into], display_name=display_names(display_name))
    for b in found:  # 分管: the deputies keep the sections they were in charge of
        for lid, secs in b.in_charge.items():
            merged.in_charge.setdefault(lid, []).extend(secs)
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
    old = {b.id for b in found}
    pos = st.bodies.index(found[0])
    st.bodies = [b for b in st.bodies if b.id not in old]
    st.bodies.insert(pos, merged)
    for w in st.windows:
        w.services = [f"{into}/{sv.partition('/')[2]}" if sv.partition("/")[0] in old else sv for sv in w.services]
    for c in st.combos:
        c.bodies = list(dict.fromkeys(into if b in merged_ids else b for b in c.bodies))
        c.lead = into if c.lead in merged_ids else c.lead
    st.combos = [c for c in st.combos if len(c.bodies) > 1]  # a combo merged into one body is no combo


@reform
def group_combos(st: Structure, combos: Annotated[list[ComboSpec], Field(min_length=1)]) -> None:
    """"1+N": group bodies into combos; inside one, lending staff needs no paperwork."""
    taken = {b for c in st.combos for b in c.bodies}
    ids = {c.id for c in st.combos}
    for i, c in enumerate(combos):
        members = []
        for b in c.bodies:
            found = _body(st, b, f"combos.{i}.bodies").id
            if found in taken:
                raise ValueError(f"combos.{i}.bodies: body {b!r} is already in a combo")
            taken.add(found)
            members.append(found)
        lead = members[0] if c.lead is None else c.lead
        if lead not in members:
            raise ValueError(f"combos.{i}.lead: {lead!r} is not one of the combo's bodies")
        cid = c.id or f"combo{len(st.combos) + 1}"
        if cid in ids:
            raise ValueError(f"combos.{i}.id: combo id {cid!r} already exists")
        ids.add(cid)
        st.combos.append(Combo(cid, lead, members))


@reform
def merge_common_posts(st: Structure, functions: Names, proficiency: Proficiency = 1.0) -> None:
    """Merge common posts inside each combo (accounting, party affairs...): everyone who holds one of
    ``functions`` in a combo body is trained for the same function everywhere in the combo."""
    if not st.combos:
        raise ValueError("functions: the structure has no combos (group_combos first)")
    owned = {f for _, s in st.sections() for f in s.functions}
    for f in functions:
        if f not in owned:
            raise ValueError(f"functions: no section owns {f!r}")
    for c in st.combos:
        holders = [m for b in c.bodies for s in st.body(b).sections for m in s.staff
                   if any(m.skills.get(f, 0) > 0 for f in functions)]
        for m in holders:
            for f in functions:
                if m.skills.get(f, 0) > 0:
                    m.skills[f] = max(m.skills[f], proficiency)


@reform
def concurrent_head(st: Structure, body: Name, leader: Name, direct_handling: bool = True) -> None:
    """兼任: an above-body leader heads ``body`` directly; with ``direct_handling`` the levels below
    them are skipped in approval chains. The former director's post is removed."""
    b = _body(st, body, "body")
    if leader not in st.leaders:
        raise ValueError(f"leader: unknown leader {leader!r}")
    b.leaders["director"] = leader
    b.direct_handling = direct_handling


@reform
def remove_leader_posts(st: Structure, body: Name, levels: Names) -> None:
    """Cut leader posts of a body (their approvals then go to the next level that exists)."""
    b = _body(st, body, "body")
    for lv in levels:
        if lv not in b.leaders:
            raise ValueError(f"levels: body {body!r} has no {lv!r} post")
        del b.leaders[lv]


@reform
def merge_windows(st: Structure, windows: TwoOrMore, into: Name, name: str = "", location: str | None = None) -> None:
    """One window, one set of materials: services of several windows received at one."""
    found = [w for w in st.windows if w.id in windows]
    missing = [w for w in windows if w not in {x.id for x in found}]
    if missing:
        raise ValueError(f"windows: unknown window {missing[0]!r}")
    if into not in windows and any(w.id == into for w in st.windows):
        raise ValueError(f"into: window id {into!r} already exists")
    merged = Window(into, name or into, location or found[0].location,
                    list(dict.fromkeys(sv for w in found for sv in w.services)))
    pos = st.windows.index(found[0])
    st.windows = [w for w in st.windows if w.id not in windows]
    st.windows.insert(pos, merged)


@reform
def move_functions(st: Structure, functions: Names, to: Name, body: Name | None = None,
                   new_section: NewSection | None = None, move_staff: bool = True) -> None:
    """Move functions (and, with ``move_staff``, the staff whose main skill they are) to section ``to``,
    creating it from ``new_section`` ({name, kind, display_name}) if needed. 审监分离 and approval offices use this."""
    bid = _body(st, body, "body").id if body is not None else None
    owners = []
    for f in functions:
        hit = [(b, s) for b, s in st.sections() if f in s.functions and (bid is None or b.id == bid)]
        if not hit:
            raise ValueError(f"functions: no section {'of body ' + repr(body) + ' ' if body else ''}owns {f!r}")
        if len(hit) > 1:
            raise ValueError(f"functions: {f!r} is owned in several bodies; give body")
        owners.append(hit[0])
    tbody = st.body(bid) if bid else owners[0][0]
    target = next((s for s in tbody.sections if s.id == to), None)
    if target is None:
        if new_section is None:
            raise ValueError(f"to: body {tbody.id!r} has no section {to!r} (give new_section to create it)")
        _new_section_id(st, to, "to")
        target = Section(to, new_section.name or to, new_section.kind, display_name=display_names(new_section.display_name))
        tbody.sections.append(target)
        deputy = tbody.deputy_for(owners[0][1].id)  # 分管: a new section goes to the deputy of where its work came from
        if deputy is not None:
            tbody.in_charge[deputy].append(to)
    for (b, s), f in zip(owners, functions):
        if b is not tbody:
            raise ValueError(f"functions: {f!r} belongs to body {b.id!r}, not {tbody.id!r}")
        if s is target:
            continue
        s.functions.remove(f)
        target.functions.append(f)
        origin = s.origins.pop(f, s.id)
        if origin != target.id:
            target.origins[f] = origin
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
def concentrate_approvals(st: Structure, body: Name, functions: Names, office: Name = "approval_office",
                          name: str = "行政审批处", location: str = "service_hall", window: bool = True,
                          display_name: DisplayNameSpec | None = None) -> None:
    """一个部门一个机构管审批: one approval office takes the approval items several divisions
    handled, and (``window``) receives citizens at one window in the service hall. Claims other
    sections made on those items (职能交叉) end: one office holds them. ``display_name``: the new
    office's name per language ({zh, en})."""
    bid = _body(st, body, "body").id
    if window and any(w.id == f"{office}_window" for w in st.windows):
        raise ValueError(f"office: window id {office + '_window'!r} already exists")
    move_functions.inplace(st, functions, office, bid, {"name": name, "kind": "approval_office", "display_name": display_name})
    for s in st.body(bid).sections:  # one office holds the approvals: nobody else claims them (审批权分散 ends)
        s.claims = [f for f in s.claims if f not in functions]
    if window:
        services = [f"{bid}/{f}" for f in functions]
        st.windows = [Window(w.id, w.name, w.location, [sv for sv in w.services if sv not in services])
                      for w in st.windows]
        st.windows = [w for w in st.windows if w.services]
        st.windows.append(Window(f"{office}_window", name, location, services))


def _join_squad(st: Structure, b: Body, members: list[StaffMember], id: str, name: str, proficiency: float,
                display_name: DisplayNameSpec | None = None) -> None:
    """Make ``members`` commissioners of squad ``id`` of body ``b`` (created if missing): they take
    overflow work in any section of the body (``sim.mechanisms.lending``), at ``proficiency`` on every
    function of the body they were not already better at; a new squad is shown as ``display_name``.
    Shared by ``add_squad`` and ``deploy_released``."""
    funcs = [f for s in b.sections for f in s.functions]
    for m in members:
        m.post = "commissioner"
        m.transferred = True
        for f in funcs:
            m.skills[f] = max(m.skills.get(f, 0.0), proficiency)
    squad = next((s for s in b.sections if s.id == id), None)
    if squad is None:
        _new_section_id(st, id, "id")
        b.sections.append(Section(id, name, "squad", [], list(members), display_name=display_names(display_name)))
    else:
        squad.staff.extend(members)


@reform
def add_squad(st: Structure, body: Name, members: Names, id: Name = "squad", name: str = "专员",
              proficiency: Proficiency = 0.8, display_name: DisplayNameSpec | None = None) -> None:
    """专员 mobile squad: ``members`` leave their sections and take overflow work in any section of the
    body, with ``proficiency`` on every function of the body they were not already better at.
    ``display_name``: the squad's name per language ({zh, en})."""
    b = _body(st, body, "body")
    _new_section_id(st, id, "id")
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
        moved.append(m)
    empty = [s for s in b.sections if not s.staff and s.functions]
    if empty:
        raise ValueError(f"members: section {empty[0].id!r} would be left with nobody to do {empty[0].functions[0]!r}")
    _join_squad(st, b, moved, id, name, proficiency, display_name)


@reform
def deploy_released(st: Structure, to: Name, leaders: Names | None = None, body: Name | None = None,
                    proficiency: Proficiency = 0.8, name: str = "干部周转池",
                    display_name: DisplayNameSpec | None = None) -> None:
    """Released leaders (``Structure.released``: every post of theirs cut by an earlier reform) become
    staff instead of vanishing, so a reform that cuts leader posts keeps their hours (官多兵少: fewer
    who sign, more who work).

    ``to`` an existing casework section: they join it as staff with ``proficiency`` on its functions.
    ``to`` an existing squad, or a new id with ``body``: a turnover pool (干部周转池, seed 004:
    "超出职数的科级领导干部纳入'干部周转池'管理, 承担...中心工作") modelled as a squad like
    ``add_squad``'s: they take overflow work of any section of the body (the seed's pool does 中心工作
    outside the bodies' casework: serving the body is the optimistic reading). ``leaders``: default every
    released leader. ``proficiency`` 0.8, ``add_squad``'s default (assumption: a former leader knows the
    body's business but not a desk's routines; seed 002 on former heads as 专员: "发挥...工作特长和经验优势").

    They leave ``Structure.leaders``: holding no post they signed nothing already; now they are not
    leaders at all. One reform rather than an argument on each post-cutting reform: posts are cut by
    several reforms (and by a ``merge_bodies`` that keeps one body's leaders), and where the people go
    is a separate decision the seeds describe separately. ``display_name``: a new pool's name per
    language ({zh, en}); an existing section keeps its own."""
    if not st.released:
        raise ValueError("leaders: no leader is released in this structure (a reform that cuts leader posts comes first)")
    who = list(st.released) if leaders is None else leaders
    for lid in who:
        if lid not in st.released:
            raise ValueError(f"leaders: {lid!r} is not a released leader (released: {', '.join(st.released)})")
        if any(m.id == lid for _, _, m in st.staff()):
            raise ValueError(f"leaders: {lid!r} is already the id of a staff member")
    target = next(((b, s) for b, s in st.sections() if s.id == to), None)
    if target is not None and body is not None and target[0].id != _body(st, body, "body").id:
        raise ValueError(f"body: section {to!r} belongs to body {target[0].id!r}, not {body!r}")
    if target is None and body is None:
        raise ValueError(f"to: no section {to!r} (give body to create a turnover pool (干部周转池) of that id)")
    people = [StaffMember(lid, st.leaders[lid].name, "staff", transferred=True, establishment=st.leaders[lid].establishment)
              for lid in who]
    if target is not None and target[1].kind != "squad":
        for m in people:
            m.skills = dict.fromkeys(target[1].functions, float(proficiency))
        target[1].staff.extend(people)
    else:
        b = target[0] if target is not None else _body(st, body, "body")
        _join_squad(st, b, people, to, name, proficiency, display_name)
    for lid in who:
        del st.leaders[lid]
        st.released.remove(lid)


@reform
def add_leader(st: Structure, id: Name, name: str = "", above: Name | None = None) -> None:
    """Declare a leader (optionally at an above-body level), e.g. before concurrent_head."""
    if id in st.leaders:
        raise ValueError(f"id: leader {id!r} already exists")
    st.leaders[id] = Leader(id, name or id)
    if above:
        st.above[above] = id


@reform
def allow_lending(st: Structure, delay_hours: Annotated[float, Field(ge=0, le=10_000)]) -> None:
    """借调: staff may be lent across bodies, after ``delay_hours`` of paperwork (0: none).

    The bound (10,000 h, about five working years) only catches a unit typed wrong."""
    st.lending_delay_hours = float(delay_hours)


def compose(*reforms):
    """One reform from several: ``compose(f, g)(st) == g(f(st))``."""
    return lambda st: reduce(lambda acc, r: r(acc), reforms, st)


REFORMS = {f.__name__: f for f in (merge_sections, merge_bodies, group_combos, merge_common_posts, concurrent_head,
                                   remove_leader_posts, merge_windows, move_functions, concentrate_approvals,
                                   add_squad, deploy_released, add_leader, allow_lending)}
