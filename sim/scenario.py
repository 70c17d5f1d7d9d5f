"""Scenario files: a structure (or several), its workload and behaviour parameters, validated on load.

The file's shape (keys, types, bounds, allowed words) is declared once in ``sim.schema``; this
module checks what is about references after it (functions owned once, skills, leaders and bodies
that exist, reforms, ``from:`` chains, steps nobody can serve) and builds the objects the model runs.
Every mistake is reported as one ``InputError`` naming the file, the field path and the reason.
A scenario keeps its raw mapping so that ``with_overrides`` re-validates the changed copy: sweeps
can never run a scenario that a file could not have said.
"""
from __future__ import annotations

import copy
import graphlib
from dataclasses import dataclass, field
from pathlib import Path

import pydantic

from . import reforms as reform_lib
from .calendar import WorkCalendar
from .errors import InputError, short
from .params import (AbsenceKind, AbsenceRule, Approval, Continuity, Counterparts, Deputies, Handoff, InternalCoordination,
                     LeavePolicy, Meetings, Ownership, Params, Protocol, Rework, SizeCosts, Transition, Windows)
from .schema import (MAX_ABSENCES_PER_YEAR, MAX_EXPECTED_TASKS, MAX_HORIZON_DAYS, MAX_LOAD_FACTOR,  # noqa: F401 (the bounds)
                     MAX_PROTOCOL_STEPS, MAX_RATE_PER_DAY, MAX_STAFF, MIN_ABSENCE_DAYS, DerivedSpec, ScenarioFile,
                     input_error, to_dist)
from .shape import display_names
from .structure import Body, Combo, Leader, Section, StaffMember, Structure, Window
from .workflow import Step, Workflow, Workload
from .yamlfile import read_yaml

SCENARIO_DIR = Path(__file__).with_name("scenarios")


@dataclass
class Scenario:
    name: str
    description: str
    calendar: WorkCalendar
    horizon_days: int
    warmup_days: int
    structures: dict[str, Structure]
    workload: Workload
    params: Params
    raw: dict = field(repr=False, default_factory=dict)
    file: str = "<python>"
    display_name: dict[str, str] = field(default_factory=dict)  # language -> name shown (sim.i18n.display)

    @property
    def structure_names(self) -> list[str]:
        return list(self.structures)

    def warmup_hours(self, days: int | None = None) -> float:
        """Where measuring starts, in working hours: the warm-up, cut to leave one measured day in a
        run of ``days`` (the model's own rule, ``OfficeModel.warmup``)."""
        days = days or self.horizon_days
        return min(self.warmup_days, max(days - 1, 0)) * self.calendar.hours_per_day

    def check_days(self, days: int, field: str = "days") -> None:
        """``InputError`` if a run of ``days`` working days is beyond the bounds (see MAX_*)."""
        if days > MAX_HORIZON_DAYS:
            raise InputError(self.file, field, f"must be <= {MAX_HORIZON_DAYS:,} working days, got {days}")
        expected = self.workload.expected_tasks(days)
        if expected > MAX_EXPECTED_TASKS:
            raise InputError(self.file, field, f"asks for about {expected:,.0f} tasks over {days} days (rate_per_day x "
                                               f"load_factor x days); the bound is {MAX_EXPECTED_TASKS:,}")

    def with_overrides(self, overrides: dict | None) -> "Scenario":
        """A copy with dotted-path values replaced (``params.approval.item_hours``), re-validated."""
        if not overrides:
            return self
        raw = copy.deepcopy(self.raw)
        created = {}  # entries an override had to create on its way, by the override's path
        if not isinstance(overrides, dict):
            raise InputError(self.file, "overrides", f"expected a mapping of dotted paths to values, got {type(overrides).__name__}")
        for path, value in overrides.items():
            parts = str(path).split(".")
            if parts[0] == "variables" and (len(parts) != 2 or parts[1] not in (raw.get("variables") or {})):
                known = ", ".join(raw.get("variables") or {}) or "none"
                raise InputError(self.file, f"override {path}", f"no such variable in the scenario (defined: {known})")
            for where, siblings in _set_path(raw, path, value, self.file):
                created[where] = (path, siblings)
        try:
            return parse_scenario(raw, self.file)
        except InputError as e:  # most likely a misspelt entry the override created: say so
            for where, (path, siblings) in created.items():
                if e.field == where or e.field.startswith(where + "."):
                    there = f" (there: {', '.join(map(str, siblings))})" if siblings else ""
                    raise InputError(self.file, f"override {path}",
                                     f"{where}: no such entry in the scenario{there}") from None
            raise


def absence_overrides(sc: Scenario, factor: float) -> dict:
    """``with_overrides`` paths that scale every staff and leader absence kind's yearly rate by ``factor``:
    one knob for "people are away more (less) often" (the app's slider, the report's sensitivity check)."""
    out = {}
    for group in ("absence", "leader_absence"):
        for kind, spec in ((sc.raw.get("params") or {}).get(group) or {}).items():
            rate = spec.get("rate_per_year") if isinstance(spec, dict) else None
            if isinstance(rate, (int, float)) and not isinstance(rate, bool):
                out[f"params.{group}.{kind}.rate_per_year"] = float(rate) * factor
    return out


def available() -> list[str]:
    """Names of the embedded scenarios."""
    return sorted(p.stem for p in SCENARIO_DIR.glob("*.yaml"))


def load_scenario(source: str | Path | None = None) -> Scenario:
    """Load an embedded scenario by name or a YAML file by path (default: finance_bureau)."""
    source = source or "finance_bureau"
    path = Path(source)
    if not path.exists() and (SCENARIO_DIR / f"{source}.yaml").exists():
        path = SCENARIO_DIR / f"{source}.yaml"
    if not path.exists():
        raise InputError(source, "<file>", f"no such file, and not an embedded scenario ({', '.join(available())})")
    raw = read_yaml(path, what="scenario file")
    return parse_scenario(raw, str(path))


def _set_path(raw, path, value, file) -> list[tuple[str, list]]:
    """Set ``value`` at the dotted ``path``; returns the intermediate entries it had to create, each
    with the keys that were there (a setting left to its default is created the same way)."""
    parts = str(path).split(".")
    node = raw
    created = []
    for i, p in enumerate(parts):
        last = i == len(parts) - 1
        where = ".".join(parts[: i + 1])
        if isinstance(node, list):
            if not p.isdigit() or int(p) >= len(node):
                raise InputError(file, f"override {path}", f"{where}: no list item {p!r}")
            p = int(p)
        elif isinstance(node, dict):
            if p not in node and not last:
                created.append((where, list(node)))
                node[p] = {}
        else:
            raise InputError(file, f"override {path}", f"{where}: cannot descend into a {type(node).__name__}")
        if last:
            node[p] = value
        else:
            node = node[p]
    return created


# ---------------------------------------------------------------------------------------------
def _substitute(node, variables, file, path="variables"):
    """Replace "$name" strings with the scenario's variables (so sweeps can vary structure sizes)."""
    if isinstance(node, dict):
        return {k: _substitute(v, variables, file, f"{path}.{k}") for k, v in node.items()}
    if isinstance(node, list):
        return [_substitute(v, variables, file, f"{path}.{i}") for i, v in enumerate(node)]
    if isinstance(node, str) and node.startswith("$"):
        if node[1:] not in variables:
            raise InputError(file, path, f"unknown variable {node!r} (defined: {', '.join(variables) or 'none'})")
        return variables[node[1:]]
    return node


def parse_scenario(raw, file="<python>") -> Scenario:
    """A validated scenario from the mapping a file holds; errors say where in the file's own terms."""
    try:
        return _parse_scenario(raw, file)
    except InputError as e:
        raise e.described(raw) from None


def _parse_scenario(raw, file) -> Scenario:
    body = raw
    if isinstance(raw, dict) and isinstance(raw.get("variables") or {}, dict):
        variables = raw.get("variables") or {}
        body = {k: v if k == "variables" else _substitute(v, variables, file, k) for k, v in raw.items()}
    try:
        spec = ScenarioFile.model_validate(body)
    except pydantic.ValidationError as e:
        raise input_error(e, body, file) from None
    if spec.warmup_days >= spec.horizon_days:
        raise InputError(file, "warmup_days", f"must be less than horizon_days ({spec.horizon_days}), got {spec.warmup_days}")
    cal = spec.calendar
    calendar = WorkCalendar(cal.hours_per_day, cal.days_per_week) if cal else WorkCalendar()
    structures = _structures(file, spec.structures)
    workload = _workload(file, spec.workload, calendar)
    params = _params(file, spec.params)
    expected = workload.expected_tasks(spec.horizon_days)
    if expected > MAX_EXPECTED_TASKS:
        raise InputError(file, "workload", f"asks for about {expected:,.0f} tasks over {spec.horizon_days} days "
                                           f"(rate_per_day x load_factor x horizon_days); the bound is {MAX_EXPECTED_TASKS:,}")
    for sname, st in structures.items():
        _check_workload_fits(file, workload, st, sname)
    _check_addressees(file, workload, structures)
    _check_absence_rates(file, params, calendar)
    _check_approval_levels(file, params, structures, calendar)
    return Scenario(name=spec.name if spec.name is not None else Path(str(file)).stem, description=spec.description or "",
                    calendar=calendar, horizon_days=spec.horizon_days, warmup_days=spec.warmup_days,
                    structures=structures, workload=workload, params=params, raw=raw, file=str(file),
                    display_name=display_names(spec.display_name))


def _check_addressees(file, wl, structures):
    """Upper-level work must be addressed to a name some structure's section bears (else a typo)."""
    from .mechanisms.counterparts import known_names  # local: the rule lives with the mechanism
    names = known_names(structures.values())
    for i, w in enumerate(wl.workflows):
        if w.addressed_to is not None and w.addressed_to not in names:
            raise InputError(file, f"workload.workflows.{i}.addressed_to",
                             f"no section of any structure is named {short(w.addressed_to)} (nor carries it as a nameplate)")


def _check_absence_rates(file, params, calendar):
    """Absence rates the rule cannot realise (more days away than the year has) are refused here."""
    from .mechanisms.absences import start_rate  # local: the rule lives with the mechanism
    for where, kinds in (("params.absence", params.absence), ("params.leader_absence", params.leader_absence)):
        try:
            start_rate(kinds, params.absence_rule, calendar.days_per_week, calendar.hours_per_day)
        except ValueError as e:
            raise InputError(file, where, str(e)) from None


def _check_approval_levels(file, params, structures, calendar):
    """Meeting and rework levels must be levels some structure has (a misspelt one would silently do
    nothing), and the meeting day a day of the calendar's week."""
    levels = {"section_head"} | {lv for st in structures.values() for b in st.bodies for lv in b.leaders} \
        | {lv for st in structures.values() for lv in st.above}
    known = ", ".join(sorted(levels))
    m = params.meetings
    for i, lv in enumerate(m.levels):
        if lv == "section_head":
            raise InputError(file, f"params.meetings.levels.{i}", "section heads sign as a priority job, not at a meeting "
                                                                  "(meetings are for leaders' levels)")
        if lv not in levels:
            raise InputError(file, f"params.meetings.levels.{i}", f"unknown level {lv!r} (levels: {known})")
    if m.levels and m.weekday >= calendar.days_per_week:
        raise InputError(file, "params.meetings.weekday", f"must be < days_per_week ({calendar.days_per_week}): "
                                                          f"days are counted from 0, got {m.weekday}")
    if m.levels and m.hour >= calendar.hours_per_day:
        raise InputError(file, "params.meetings.hour", f"must be < hours_per_day ({calendar.hours_per_day:g}), got {m.hour:g}")
    for lv in params.rework.by_level:
        if lv not in levels:
            raise InputError(file, f"params.rework.by_level.{lv}", f"unknown level {lv!r} (levels: {known})")


# ---- structures: references ------------------------------------------------------------------
def _structures(file, specs) -> dict[str, Structure]:
    bases = {name: s.from_ for name, s in specs.items() if isinstance(s, DerivedSpec)}
    for name, base in bases.items():
        if base not in specs:
            raise InputError(file, f"structures.{name}.from", f"unknown structure {short(base)} (defined: {', '.join(specs)})")
    order = graphlib.TopologicalSorter({n: [bases[n]] if n in bases else [] for n in specs})
    try:  # bases before the structures derived from them, in one pass (a reversed chain was quadratic)
        names = list(order.static_order())
    except graphlib.CycleError as e:
        raise InputError(file, f"structures.{e.args[1][0]}.from", "structures derive from each other in a cycle") from None
    out: dict[str, Structure] = {}
    for name in names:
        spec, path = specs[name], f"structures.{name}"
        if name in bases:
            out[name] = _apply_reforms(file, out[bases[name]], spec.reforms or [], f"{path}.reforms", name)
        else:
            out[name] = _structure(file, spec, path, name)
        out[name].display_name = display_names(spec.display_name)  # a derived structure does not inherit its base's
    return {k: out[k] for k in specs}


def _apply_reforms(file, base, reforms, path, name):
    st = copy.deepcopy(base)  # one copy; the reforms then edit it in place
    for i, item in enumerate(reforms):
        (rname, kwargs), = item.items()
        try:
            reform_lib.REFORMS[rname].inplace(st, **kwargs)
        except TypeError as e:
            raise InputError(file, f"{path}.{i}.{rname}", f"bad arguments: {e}") from None
        except (KeyError, ValueError) as e:
            raise InputError(file, f"{path}.{i}.{rname}", str(e.args[0] if e.args else e)) from None
    st.name = name
    return st


def _structure(file, spec, path, name):
    err = lambda p, reason: InputError(file, f"{path}.{p}", reason)  # noqa: E731
    leaders = {}
    for i, l in enumerate(spec.leaders or []):
        if l.id in leaders:
            raise err(f"leaders.{i}.id", f"duplicate leader id {l.id!r}")
        leaders[l.id] = Leader(l.id, l.name if l.name is not None else l.id, l.establishment)

    def leader_ref(lid, p):
        if lid not in leaders:
            raise err(p, f"unknown leader {lid!r} (declared in {path}.leaders: {', '.join(leaders) or 'none'})")
        return lid

    bodies, seen_bodies, seen_sections, seen_staff = [], set(), set(), set()
    for bi, b in enumerate(spec.bodies):
        bp = f"bodies.{bi}"
        if b.id in seen_bodies:
            raise err(f"{bp}.id", f"duplicate body id {b.id!r}")
        blead = {k: leader_ref(v, f"{bp}.leaders.{k}") for k, v in (b.leaders or {}).items()}
        sections, owned = [], {}
        for si, s in enumerate(b.sections):
            sp = f"{bp}.sections.{si}"
            if s.id in seen_sections:
                raise err(f"{sp}.id", f"duplicate section id {s.id!r}")
            seen_sections.add(s.id)
            for j, f in enumerate(s.functions or []):
                if f in owned:
                    raise err(f"{sp}.functions.{j}", f"function {f!r} is already owned by section {owned[f]!r} of body {b.id!r}")
                owned[f] = s.id
            staff = []
            for mi, m in enumerate(s.staff):
                mp = f"{sp}.staff.{mi}"
                ids = [m.id] if m.count is None else [f"{m.id}{k + 1}" for k in range(m.count)]
                if len(seen_staff) + len(ids) > MAX_STAFF:
                    raise err(f"{mp}.count", f"the structure would have more than {MAX_STAFF:,} staff")
                for mid in ids:
                    if mid in seen_staff:
                        raise err(f"{mp}.id", f"duplicate staff id {mid!r}")
                    seen_staff.add(mid)
                    shown = (m.name if m.name is not None else mid) if len(ids) == 1 else mid
                    staff.append(StaffMember(mid, shown, m.post, dict(m.skills or {}), establishment=m.establishment))
            if sum(m.post == "head" for m in staff) > 1:
                raise err(f"{sp}.staff", "a section has at most one head")
            sections.append(Section(s.id, s.name if s.name is not None else s.id, s.kind, list(s.functions or []),
                                    staff, list(s.nameplates or []), display_name=display_names(s.display_name)))
        for si, s in enumerate(b.sections):  # 职能交叉: once every section of the body has said what it owns
            for j, f in enumerate(s.claims or []):
                p = f"{bp}.sections.{si}.claims.{j}"
                if owned.get(f) == s.id:
                    raise err(p, f"section {s.id!r} owns {f!r} itself: a claim is on another section's function")
                if f not in owned:
                    raise err(p, f"unknown function {f!r}: no section of body {b.id!r} owns it")
                if f in s.claims[:j]:
                    raise err(p, f"{f!r} is claimed twice")
            sections[si].claims = list(s.claims or [])
        seen_bodies.add(b.id)
        body = Body(b.id, b.name if b.name is not None else b.id, sections, blead, b.direct_handling,
                    display_name=display_names(b.display_name))
        own = {x.id for x in sections}
        for lid, secs in (b.in_charge or {}).items():
            for j, sid in enumerate(secs):  # the structure check would name only the structure
                if sid not in own:
                    raise err(f"{bp}.in_charge.{lid}.{j}", f"{sid!r} is not a section of body {b.id!r} "
                                                          f"(sections: {', '.join(sorted(own))})")
            body.in_charge[leader_ref(lid, f"{bp}.in_charge.{lid}")] = list(secs)
        bodies.append(body)
    above = {k: leader_ref(v, f"above.{k}") for k, v in (spec.above or {}).items()}
    st = Structure(name, bodies, leaders, above)
    for wi, w in enumerate(spec.windows or []):
        for j, sv in enumerate(w.services):
            bid, _, fn = sv.partition("/")
            try:
                st.owner(bid, fn)
            except KeyError as e:
                raise err(f"windows.{wi}.services.{j}", f"{e.args[0]} (write services as body/function)") from None
        st.windows.append(Window(w.id, w.name if w.name is not None else w.id,
                                 w.location if w.location is not None else w.id, list(w.services)))
    for ci, c in enumerate(spec.combos or []):
        for j, m in enumerate(c.bodies):
            if m not in seen_bodies:
                raise err(f"combos.{ci}.bodies.{j}", f"unknown body {m!r}")
        if len(set(c.bodies)) < 2 or len(set(c.bodies)) < len(c.bodies):
            raise err(f"combos.{ci}.bodies", "a combo groups at least two different bodies")
        if c.lead not in c.bodies:
            raise err(f"combos.{ci}.lead", f"{c.lead!r} is not one of the combo's bodies")
        st.combos.append(Combo(c.id, c.lead, list(c.bodies)))
    if spec.lending_delay_hours is not None:
        st.lending_delay_hours = spec.lending_delay_hours
    try:
        st.check()
    except ValueError as e:
        raise InputError(file, path, str(e)) from None
    return st


# ---- workload --------------------------------------------------------------------------------
def _workload(file, spec, calendar):
    wl, ids = Workload(load_factor=spec.load_factor), set()
    for i, w in enumerate(spec.workflows):
        p = f"workload.workflows.{i}"
        if w.id in ids:
            raise InputError(file, f"{p}.id", f"duplicate workflow id {w.id!r}")
        ids.add(w.id)
        if w.weekly_profile is not None and len(w.weekly_profile) != calendar.days_per_week:
            raise InputError(file, f"{p}.weekly_profile", f"needs one factor per working day ({calendar.days_per_week}), "
                                                          f"got {len(w.weekly_profile)}")
        steps = [Step("approve", level=s.approve, body=s.body, name=s.name or "") if s.approve is not None else
                 Step("work" if s.work is not None else "visit", function=s.work if s.work is not None else s.visit,
                      hours=to_dist(s.hours), body=s.body, name=s.name or "") for s in w.steps]
        profile = tuple(w.weekly_profile) if w.weekly_profile is not None else None
        wl.workflows.append(Workflow(w.id, w.name if w.name is not None else w.id, w.body, w.rate_per_day, steps, profile,
                                     w.addressed_to, w.time_limit_days))
    return wl


def _check_workload_fits(file, wl, st, sname):
    """Every step must be doable in every structure: its function owned, its level filled."""
    from .mechanisms.approvals import resolve_approver  # local: approvals need the structure module only
    err = lambda p, reason: InputError(file, p, reason)  # noqa: E731
    bodies = st.body_ids()
    skilled = {f for _, _, m in st.staff() for f, v in m.skills.items() if v > 0}  # one pass: 4,000 workflows stay linear
    owners = st.owners()
    for i, w in enumerate(wl.workflows):
        p = f"workload.workflows.{i}"
        if w.body not in bodies:
            raise err(f"{p}.body", f"unknown body {w.body!r} in structure {sname!r} (bodies: {', '.join(sorted(bodies))})")
        last_section = None
        for j, s in enumerate(w.steps):
            b = s.body or w.body
            if b not in bodies:
                raise err(f"{p}.steps.{j}.body", f"unknown body {b!r} in structure {sname!r}")
            if s.kind == "approve":
                try:
                    resolve_approver(st, b, s.level, last_section)
                except KeyError as e:
                    raise err(f"{p}.steps.{j}.approve", f"{e.args[0]} in structure {sname!r}") from None
                continue
            last_section = owners.get((b, s.function))
            if last_section is None:
                raise err(f"{p}.steps.{j}.{s.kind}", f"no section of body {b!r} owns function {s.function!r} "
                                                     f"in structure {sname!r}")
            if s.function not in skilled:
                raise err(f"{p}.steps.{j}.{s.kind}", f"nobody in structure {sname!r} has the skill {s.function!r}")


# ---- params ----------------------------------------------------------------------------------
def _params(file, spec) -> Params:
    if spec is None:
        return Params()
    d, h = Handoff(), spec.handoff
    handoff = Handoff(_protocol(h.section, d.section), _protocol(h.body, d.body)) if h else d
    blocks = {k: cls(**getattr(spec, k).model_dump()) for k, cls in (
        ("approval", Approval), ("size_costs", SizeCosts), ("windows", Windows), ("transition", Transition),
        ("absence_rule", AbsenceRule), ("continuity", Continuity), ("internal_coordination", InternalCoordination),
        ("deputies", Deputies), ("counterparts", Counterparts), ("rework", Rework), ("ownership", Ownership))
        if getattr(spec, k) is not None}
    if spec.meetings is not None:
        m = spec.meetings.model_dump()
        blocks["meetings"] = Meetings(**{**m, "levels": tuple(dict.fromkeys(m["levels"]))})
    absence = _absences(file, spec.absence, "params.absence")
    if spec.leave_policy is not None:
        blocks["leave_policy"] = _leave_policy(file, spec.leave_policy, absence)
    return Params(handoff=handoff, absence=absence,
                  leader_absence=_absences(file, spec.leader_absence, "params.leader_absence"), **blocks)


def _leave_policy(file, spec, absence) -> LeavePolicy:
    """The deferrable kinds are kinds of ``params.absence``; they are read (and so checked) under ``stagger``."""
    d = spec.model_dump()
    policy = LeavePolicy(**{**d, "deferrable": tuple(d["deferrable"])})
    if policy.policy != "none":
        for i, kind in enumerate(policy.deferrable):
            if kind not in absence:
                raise InputError(file, f"params.leave_policy.deferrable.{i}",
                                 f"unknown absence kind {short(kind)} (params.absence has: {', '.join(absence) or 'none'})")
    return policy


def _protocol(spec, default: Protocol) -> Protocol:
    if spec is None:
        return default
    return Protocol(default.steps if spec.steps is None else spec.steps,
                    default.roles if spec.roles is None else tuple(spec.roles),
                    default.hours if spec.hours is None else to_dist(spec.hours),
                    default.mail_hours if spec.mail_hours is None else spec.mail_hours)


def _absences(file, specs, path) -> dict[str, AbsenceKind]:
    out = {}
    for kind, spec in (specs or {}).items():
        days = to_dist(spec.days)
        if days.mean < MIN_ABSENCE_DAYS:
            raise InputError(file, f"{path}.{kind}.days", f"an absence lasts on average at least {MIN_ABSENCE_DAYS} days "
                                                          f"(about 5 minutes), got {days.mean:g}")
        out[kind] = AbsenceKind(spec.rate_per_year, days)
    return out
