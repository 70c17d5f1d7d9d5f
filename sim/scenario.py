"""Scenario files: a structure (or several), its workload and behaviour parameters, validated on load.

Every mistake is reported as one ``InputError`` naming the file, the field path and the reason.
A scenario keeps its raw mapping so that ``with_overrides`` re-validates the changed copy: sweeps
can never run a scenario that a file could not have said.
"""
from __future__ import annotations

import copy
import graphlib
import math
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from . import reforms as reform_lib
from .calendar import WorkCalendar
from .distributions import parse_dist
from .errors import InputError, folder_name_problem, not_a_number, short
from .params import (ABSENCE_STARTS, COORD_ROLES, RATE_COUNTS, WORK_IN_HAND, AbsenceKind, AbsenceRule, Approval,
                     Continuity, Handoff, Params, Protocol, SizeCosts, Transition, Windows)
from .structure import POSTS, SECTION_KINDS, Body, Combo, Leader, Section, StaffMember, Structure, Window
from .workflow import Step, Workflow, Workload
from .yamlfile import read_yaml

SCENARIO_DIR = Path(__file__).with_name("scenarios")

# Bounds that turn an absurd size into a clear error instead of a MemoryError or a run that never ends.
MAX_HORIZON_DAYS = 50_000  # assumption: about 200 working years, far beyond any reform question
MAX_RATE_PER_DAY = 1e6  # assumption: a whole province's service platform takes fewer cases a day
MAX_EXPECTED_TASKS = 50_000_000  # assumption: about 20 GB of task records; a sweep asks for far fewer
MAX_LOAD_FACTOR = 100.0  # assumption: 100x today's workload is a typo, not a scenario
MAX_ABSENCES_PER_YEAR = 1000.0  # assumption: four episodes a working day per person is a typo
MIN_ABSENCE_DAYS = 0.01  # assumption: shorter is not an absence; zero-length ones made 35x the halts
MAX_PROTOCOL_STEPS = 100  # assumption: the seeds count 3 环节 for a section line; 100 is a typo, 10^9 a hang
MAX_STAFF = 100_000  # assumption: a structure beyond a province's civil service is a typo (memory grows with it)


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

    @property
    def structure_names(self) -> list[str]:
        return list(self.structures)

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
# parsing helpers: each names the field path it reads
class _Reader:
    def __init__(self, file):
        self.file = file

    def err(self, path, reason):
        return InputError(self.file, path, reason)

    def mapping(self, v, path, allowed=None, required=()):
        if not isinstance(v, dict):
            raise self.err(path, f"expected a mapping, got {type(v).__name__}")
        if allowed is not None:
            extra = [k for k in v if k not in allowed]
            if extra:
                raise self.err(f"{path}.{extra[0]}", f"unknown key (allowed: {', '.join(allowed)})")
        for k in required:
            if k not in v:
                raise self.err(f"{path}.{k}", "required field is missing")
        return v

    def seq(self, v, path):
        if not isinstance(v, list):
            raise self.err(path, f"expected a list, got {type(v).__name__}")
        return v

    def text(self, v, path):
        if isinstance(v, bool):
            raise self.err(path, f"YAML read this name as the boolean {v} (yes/no/on/off): put it in quotes")
        if not isinstance(v, (str, int)) or isinstance(v, bool) or v == "":
            raise self.err(path, f"expected a non-empty name, got {v!r}")
        return str(v)

    def number(self, v, path, *, low=0.0, strict=False, integer=False, high=None):
        if isinstance(v, int) and not isinstance(v, bool) and abs(v) > 1e300:
            raise self.err(path, f"expected a number, got one with {len(str(abs(v)))} digits")
        if isinstance(v, bool) or not isinstance(v, (int, float)) or math.isnan(v) or math.isinf(v):
            raise self.err(path, not_a_number(v))
        if integer and int(v) != v:
            raise self.err(path, f"expected a whole number, got {v}")
        if (strict and v <= low) or v < low:
            raise self.err(path, f"must be {'>' if strict else '>='} {low}, got {v}")
        if high is not None and v > high:
            raise self.err(path, f"must be <= {high}, got {v}")
        return int(v) if integer else float(v)


def _substitute(node, variables, r, path="variables"):
    """Replace "$name" strings with the scenario's variables (so sweeps can vary structure sizes)."""
    if isinstance(node, dict):
        return {k: _substitute(v, variables, r, f"{path}.{k}") for k, v in node.items()}
    if isinstance(node, list):
        return [_substitute(v, variables, r, f"{path}.{i}") for i, v in enumerate(node)]
    if isinstance(node, str) and node.startswith("$"):
        if node[1:] not in variables:
            raise r.err(path, f"unknown variable {node!r} (defined: {', '.join(variables) or 'none'})")
        return variables[node[1:]]
    return node


def parse_scenario(raw, file="<python>") -> Scenario:
    """A validated scenario from the mapping a file holds; errors say where in the file's own terms."""
    try:
        return _parse_scenario(raw, file)
    except InputError as e:
        raise e.described(raw) from None


def _parse_scenario(raw, file) -> Scenario:
    r = _Reader(file)
    top = r.mapping(raw, "<root>", allowed=("name", "description", "variables", "calendar", "horizon_days",
                                            "warmup_days", "structures", "workload", "params"),
                    required=("structures", "workload"))
    variables = r.mapping(top.get("variables", {}) or {}, "variables")
    body = {k: _substitute(v, variables, r, k) for k, v in top.items() if k != "variables"}
    cal_raw = r.mapping(body.get("calendar", {}) or {}, "calendar", allowed=("hours_per_day", "days_per_week"))
    calendar = WorkCalendar(r.number(cal_raw.get("hours_per_day", 8), "calendar.hours_per_day", strict=True, high=24),
                            r.number(cal_raw.get("days_per_week", 5), "calendar.days_per_week", low=1, integer=True, high=7))
    horizon = r.number(body.get("horizon_days", 250), "horizon_days", strict=True, integer=True, high=MAX_HORIZON_DAYS)
    warmup = r.number(body.get("warmup_days", 0), "warmup_days", integer=True)
    if warmup >= horizon:
        raise r.err("warmup_days", f"must be less than horizon_days ({horizon}), got {warmup}")
    structures = _parse_structures(r, body["structures"])
    workload = _parse_workload(r, body["workload"], calendar)
    params = _parse_params(r, body.get("params", {}) or {})
    expected = workload.expected_tasks(horizon)
    if expected > MAX_EXPECTED_TASKS:
        raise r.err("workload", f"asks for about {expected:,.0f} tasks over {horizon} days (rate_per_day x load_factor "
                                f"x horizon_days); the bound is {MAX_EXPECTED_TASKS:,}")
    for sname, st in structures.items():
        _check_workload_fits(r, workload, st, sname)
    return Scenario(name=str(body.get("name", Path(str(file)).stem)), description=str(body.get("description", "")),
                    calendar=calendar, horizon_days=horizon, warmup_days=warmup, structures=structures,
                    workload=workload, params=params, raw=raw, file=str(file))


# ---- structures ------------------------------------------------------------------------------
def _parse_structures(r, raw):
    r.mapping(raw, "structures")
    if not raw:
        raise r.err("structures", "at least one structure is needed")
    out: dict[str, Structure] = {}
    bases = {}
    for name, spec in raw.items():
        _check_folder_name(r, name, f"structures.{name}")
        path = f"structures.{name}"
        r.mapping(spec, path)
        if "from" in spec:
            r.mapping(spec, path, allowed=("from", "reforms", "description"), required=("from",))
            base = spec["from"]
            if base not in raw:
                raise r.err(f"{path}.from", f"unknown structure {short(base)} (defined: {', '.join(raw)})")
            bases[name] = base
    order = graphlib.TopologicalSorter({n: [bases[n]] if n in bases else [] for n in raw})
    try:  # bases before the structures derived from them, in one pass (a reversed chain was quadratic)
        names = list(order.static_order())
    except graphlib.CycleError as e:
        raise r.err(f"structures.{e.args[1][0]}.from", "structures derive from each other in a cycle") from None
    for name in names:
        spec, path = raw[name], f"structures.{name}"
        if name in bases:
            out[name] = _apply_reform_list(r, out[bases[name]], spec.get("reforms", []) or [], f"{path}.reforms", name)
        else:
            out[name] = _parse_structure(r, spec, path, name)
    return {k: out[k] for k in raw}


def _check_folder_name(r, name, path):
    """Structure names become folder names (``run --out``): a name may not leave the folder."""
    if not isinstance(name, str):
        raise r.err(path, f"a structure name is text: put {name!r} in quotes")
    problem = folder_name_problem(name)
    if problem:
        raise r.err(path, f"structure name {short(name)} cannot be a folder name: it {problem}")


def _apply_reform_list(r, base, reforms, path, name):
    st = copy.deepcopy(base)  # one copy; the reforms then edit it in place
    for i, item in enumerate(r.seq(reforms, path)):
        p = f"{path}.{i}"
        if not isinstance(item, dict) or len(item) != 1:
            raise r.err(p, "each reform is a mapping with exactly one reform name, e.g. {merge_sections: {...}}")
        (rname, kwargs), = item.items()
        if rname not in reform_lib.REFORMS:
            raise r.err(f"{p}.{rname}", f"unknown reform (known: {', '.join(reform_lib.REFORMS)})")
        r.mapping(kwargs or {}, f"{p}.{rname}")
        try:
            reform_lib.REFORMS[rname].inplace(st, **(kwargs or {}))
        except TypeError as e:
            raise r.err(f"{p}.{rname}", f"bad arguments: {e}") from None
        except (KeyError, ValueError) as e:
            raise r.err(f"{p}.{rname}", str(e.args[0] if e.args else e)) from None
    st.name = name
    return st


def _parse_structure(r, spec, path, name):
    r.mapping(spec, path, allowed=("description", "bodies", "leaders", "above", "windows", "combos",
                                   "lending_delay_hours"), required=("bodies",))
    leaders = {}
    for i, l in enumerate(r.seq(spec.get("leaders", []) or [], f"{path}.leaders")):
        lp = f"{path}.leaders.{i}"
        r.mapping(l, lp, allowed=("id", "name"), required=("id",))
        lid = r.text(l["id"], f"{lp}.id")
        if lid in leaders:
            raise r.err(f"{lp}.id", f"duplicate leader id {lid!r}")
        leaders[lid] = Leader(lid, str(l.get("name", lid)))

    def leader_ref(v, p):
        lid = r.text(v, p)
        if lid not in leaders:
            raise r.err(p, f"unknown leader {lid!r} (declared in {path}.leaders: {', '.join(leaders) or 'none'})")
        return lid

    bodies, seen_bodies, seen_sections, seen_staff = [], set(), set(), set()
    for bi, b in enumerate(r.seq(spec["bodies"], f"{path}.bodies")):
        bp = f"{path}.bodies.{bi}"
        r.mapping(b, bp, allowed=("id", "name", "leaders", "sections", "direct_handling"), required=("id", "sections"))
        bid = r.text(b["id"], f"{bp}.id")
        if bid in seen_bodies:
            raise r.err(f"{bp}.id", f"duplicate body id {bid!r}")
        blead = {str(k): leader_ref(v, f"{bp}.leaders.{k}") for k, v in r.mapping(b.get("leaders", {}) or {}, f"{bp}.leaders").items()}
        sections, owned = [], {}
        for si, s in enumerate(r.seq(b["sections"], f"{bp}.sections")):
            sp = f"{bp}.sections.{si}"
            r.mapping(s, sp, allowed=("id", "name", "kind", "functions", "staff", "nameplates"), required=("id", "staff"))
            sid = r.text(s["id"], f"{sp}.id")
            if sid in seen_sections:
                raise r.err(f"{sp}.id", f"duplicate section id {sid!r}")
            seen_sections.add(sid)
            kind = s.get("kind", "business")
            if kind not in SECTION_KINDS:
                raise r.err(f"{sp}.kind", f"unknown kind {kind!r} (allowed: {', '.join(SECTION_KINDS)})")
            funcs = [r.text(f, f"{sp}.functions.{j}") for j, f in enumerate(r.seq(s.get("functions", []) or [], f"{sp}.functions"))]
            for j, f in enumerate(funcs):
                if f in owned:
                    raise r.err(f"{sp}.functions.{j}", f"function {f!r} is already owned by section {owned[f]!r} of body {bid!r}")
                owned[f] = sid
            staff = []
            for mi, m in enumerate(r.seq(s["staff"], f"{sp}.staff")):
                mp = f"{sp}.staff.{mi}"
                r.mapping(m, mp, allowed=("id", "name", "post", "skills", "count"), required=("id",))
                post = m.get("post", "staff")
                if post not in POSTS:
                    raise r.err(f"{mp}.post", f"unknown post {post!r} (allowed: {', '.join(POSTS)})")
                skills = {}
                for f, pv in r.mapping(m.get("skills", {}) or {}, f"{mp}.skills").items():
                    skills[str(f)] = r.number(pv, f"{mp}.skills.{f}", strict=True, high=5)
                count = r.number(m.get("count", 1), f"{mp}.count", integer=True, low=0, high=MAX_STAFF)
                base = r.text(m["id"], f"{mp}.id")
                ids = [base] if "count" not in m else [f"{base}{k + 1}" for k in range(count)]
                if len(seen_staff) + len(ids) > MAX_STAFF:
                    raise r.err(f"{mp}.count", f"the structure would have more than {MAX_STAFF:,} staff")
                for k, mid in enumerate(ids):
                    if mid in seen_staff:
                        raise r.err(f"{mp}.id", f"duplicate staff id {mid!r}")
                    seen_staff.add(mid)
                    staff.append(StaffMember(mid, str(m.get("name", mid)) if len(ids) == 1 else mid, post, dict(skills)))
            if sum(m.post == "head" for m in staff) > 1:
                raise r.err(f"{sp}.staff", "a section has at most one head")
            sections.append(Section(sid, str(s.get("name", sid)), kind, funcs, staff,
                                    [r.text(x, f"{sp}.nameplates.{j}")
                                     for j, x in enumerate(r.seq(s.get("nameplates", []) or [], f"{sp}.nameplates"))]))
        seen_bodies.add(bid)
        direct = b.get("direct_handling", False)
        if not isinstance(direct, bool):
            raise r.err(f"{bp}.direct_handling", f"expected true or false, got {short(direct)}")
        bodies.append(Body(bid, str(b.get("name", bid)), sections, blead, direct))
    above = {str(k): leader_ref(v, f"{path}.above.{k}") for k, v in r.mapping(spec.get("above", {}) or {}, f"{path}.above").items()}
    st = Structure(name, bodies, leaders, above)
    for wi, w in enumerate(r.seq(spec.get("windows", []) or [], f"{path}.windows")):
        wp = f"{path}.windows.{wi}"
        r.mapping(w, wp, allowed=("id", "name", "location", "services"), required=("id", "services"))
        services = [r.text(x, f"{wp}.services.{j}") for j, x in enumerate(r.seq(w["services"], f"{wp}.services"))]
        for j, sv in enumerate(services):
            bid, _, fn = sv.partition("/")
            try:
                st.owner(bid, fn)
            except KeyError as e:
                raise r.err(f"{wp}.services.{j}", f"{e.args[0]} (write services as body/function)") from None
        st.windows.append(Window(r.text(w["id"], f"{wp}.id"), str(w.get("name", w["id"])), str(w.get("location", w["id"])), services))
    for ci, c in enumerate(r.seq(spec.get("combos", []) or [], f"{path}.combos")):
        cp = f"{path}.combos.{ci}"
        r.mapping(c, cp, allowed=("id", "lead", "bodies"), required=("id", "lead", "bodies"))
        members = [r.text(x, f"{cp}.bodies.{j}") for j, x in enumerate(r.seq(c["bodies"], f"{cp}.bodies"))]
        for j, m in enumerate(members):
            if not any(b.id == m for b in bodies):
                raise r.err(f"{cp}.bodies.{j}", f"unknown body {m!r}")
        if len(set(members)) < 2 or len(set(members)) < len(members):
            raise r.err(f"{cp}.bodies", "a combo groups at least two different bodies")
        lead = r.text(c["lead"], f"{cp}.lead")
        if lead not in members:
            raise r.err(f"{cp}.lead", f"{lead!r} is not one of the combo's bodies")
        st.combos.append(Combo(r.text(c["id"], f"{cp}.id"), lead, members))
    if spec.get("lending_delay_hours") is not None:
        st.lending_delay_hours = r.number(spec["lending_delay_hours"], f"{path}.lending_delay_hours", high=10_000)
    try:
        st.check()
    except ValueError as e:
        raise r.err(path, str(e)) from None
    return st


# ---- workload --------------------------------------------------------------------------------
def _parse_workload(r, raw, calendar):
    r.mapping(raw, "workload", allowed=("load_factor", "workflows"), required=("workflows",))
    wl = Workload(load_factor=r.number(raw.get("load_factor", 1.0), "workload.load_factor", high=MAX_LOAD_FACTOR))
    ids = set()
    for i, w in enumerate(r.seq(raw["workflows"], "workload.workflows")):
        p = f"workload.workflows.{i}"
        r.mapping(w, p, allowed=("id", "name", "body", "rate_per_day", "weekly_profile", "steps"),
                  required=("id", "body", "rate_per_day", "steps"))
        wid = r.text(w["id"], f"{p}.id")
        if wid in ids:
            raise r.err(f"{p}.id", f"duplicate workflow id {wid!r}")
        ids.add(wid)
        profile = None
        if w.get("weekly_profile") is not None:
            prof = r.seq(w["weekly_profile"], f"{p}.weekly_profile")
            if len(prof) != calendar.days_per_week:
                raise r.err(f"{p}.weekly_profile", f"needs one factor per working day ({calendar.days_per_week}), got {len(prof)}")
            profile = tuple(r.number(x, f"{p}.weekly_profile.{j}", high=MAX_LOAD_FACTOR) for j, x in enumerate(prof))
        steps = []
        for j, s in enumerate(r.seq(w["steps"], f"{p}.steps")):
            sp = f"{p}.steps.{j}"
            r.mapping(s, sp, allowed=STEP_KEYS)
            kinds = [k for k in ("work", "visit", "approve") if k in s]
            if len(kinds) != 1:
                raise r.err(sp, "a step has exactly one of work / visit / approve")
            k = kinds[0]
            if k == "approve":
                steps.append(Step("approve", level=r.text(s["approve"], f"{sp}.approve"),
                                  body=str(s["body"]) if "body" in s else None, name=str(s.get("name", ""))))
            else:
                if "hours" not in s:
                    raise r.err(f"{sp}.hours", "required field is missing")
                steps.append(Step(k, function=r.text(s[k], f"{sp}.{k}"), hours=parse_dist(s["hours"], r.file, f"{sp}.hours"),
                                  body=str(s["body"]) if "body" in s else None, name=str(s.get("name", ""))))
        if not steps:
            raise r.err(f"{p}.steps", "a workflow needs at least one step")
        wl.workflows.append(Workflow(wid, str(w.get("name", wid)), r.text(w["body"], f"{p}.body"),
                                     r.number(w["rate_per_day"], f"{p}.rate_per_day", high=MAX_RATE_PER_DAY), steps, profile))
    return wl


STEP_KEYS = ("work", "visit", "approve", "hours", "body", "name")


def _check_workload_fits(r, wl, st, sname):
    """Every step must be doable in every structure: its function owned, its level filled."""
    from .mechanisms.approvals import resolve_approver  # local: approvals need the structure module only
    bodies = st.body_ids()
    skilled = {f for _, _, m in st.staff() for f, v in m.skills.items() if v > 0}  # one pass: 4,000 workflows stay linear
    owners = st.owners()
    for i, w in enumerate(wl.workflows):
        p = f"workload.workflows.{i}"
        if w.body not in bodies:
            raise r.err(f"{p}.body", f"unknown body {w.body!r} in structure {sname!r} (bodies: {', '.join(sorted(bodies))})")
        last_section = None
        for j, s in enumerate(w.steps):
            b = s.body or w.body
            if b not in bodies:
                raise r.err(f"{p}.steps.{j}.body", f"unknown body {b!r} in structure {sname!r}")
            if s.kind == "approve":
                try:
                    resolve_approver(st, b, s.level, last_section)
                except KeyError as e:
                    raise r.err(f"{p}.steps.{j}.approve", f"{e.args[0]} in structure {sname!r}") from None
                continue
            last_section = owners.get((b, s.function))
            if last_section is None:
                raise r.err(f"{p}.steps.{j}.{s.kind}", f"no section of body {b!r} owns function {s.function!r} "
                                                        f"in structure {sname!r}")
            if s.function not in skilled:
                raise r.err(f"{p}.steps.{j}.{s.kind}", f"nobody in structure {sname!r} has the skill {s.function!r}")


# ---- params ----------------------------------------------------------------------------------
def _parse_params(r, raw):
    r.mapping(raw, "params", allowed=("handoff", "absence", "leader_absence", "absence_rule", "continuity", "approval",
                                          "size_costs", "windows", "transition"))
    hraw = r.mapping(raw.get("handoff", {}) or {}, "params.handoff", allowed=("section", "body"))
    d = Handoff()
    handoff = Handoff(_protocol(r, hraw.get("section"), "params.handoff.section", d.section),
                      _protocol(r, hraw.get("body"), "params.handoff.body", d.body))
    return Params(handoff=handoff,
                  absence=_absences(r, raw.get("absence", {}) or {}, "params.absence"),
                  leader_absence=_absences(r, raw.get("leader_absence", {}) or {}, "params.leader_absence"),
                  approval=_fields(r, raw.get("approval"), "params.approval", Approval),
                  size_costs=_fields(r, raw.get("size_costs"), "params.size_costs", SizeCosts),
                  windows=_fields(r, raw.get("windows"), "params.windows", Windows),
                  transition=_fields(r, raw.get("transition"), "params.transition", Transition),
                  absence_rule=_absence_rule(r, raw.get("absence_rule"), "params.absence_rule"),
                  continuity=_continuity(r, raw.get("continuity"), "params.continuity"))


def _absence_rule(r, raw, path):
    raw = r.mapping(raw or {}, path, allowed=("start", "work_in_hand", "counts"))
    for key, allowed in (("start", ABSENCE_STARTS), ("work_in_hand", WORK_IN_HAND), ("counts", RATE_COUNTS)):
        if key in raw and raw[key] not in allowed:
            raise r.err(f"{path}.{key}", f"got {short(raw[key])}, expected one of: {', '.join(allowed)}")
    return AbsenceRule(**raw)


def _continuity(r, raw, path):
    raw = r.mapping(raw or {}, path, allowed=("keep_next_step",))
    return Continuity(**{k: r.number(v, f"{path}.{k}", high=1.0) for k, v in raw.items()})


def _fields(r, raw, path, cls):
    """A dataclass of plain non-negative numbers, defaults for what is not given."""
    names = list(cls.__dataclass_fields__)
    raw = r.mapping(raw or {}, path, allowed=names)
    limits = {"incomplete_materials": 1.0, "novice_proficiency": 5.0, "slowdown": 0.99, "session_hour": 24.0}
    return cls(**{k: r.number(v, f"{path}.{k}", high=limits.get(k)) for k, v in raw.items()})


def _protocol(r, raw, path, default):
    if raw is None:
        return default
    r.mapping(raw, path, allowed=("steps", "roles", "hours", "mail_hours"))
    roles = tuple(r.seq(raw["roles"], f"{path}.roles")) if "roles" in raw else default.roles
    for i, role in enumerate(roles):
        if role not in COORD_ROLES:
            raise r.err(f"{path}.roles.{i}", f"unknown role {role!r} (allowed: {', '.join(COORD_ROLES)})")
    if not roles:
        raise r.err(f"{path}.roles", "at least one role")
    return Protocol(r.number(raw.get("steps", default.steps), f"{path}.steps", integer=True, high=MAX_PROTOCOL_STEPS), roles,
                    parse_dist(raw["hours"], r.file, f"{path}.hours") if "hours" in raw else default.hours,
                    r.number(raw.get("mail_hours", default.mail_hours), f"{path}.mail_hours"))


def _absences(r, raw, path):
    r.mapping(raw, path)
    out = {}
    for kind, spec in raw.items():
        kp = f"{path}.{kind}"
        r.mapping(spec, kp, allowed=("rate_per_year", "days"), required=("rate_per_year", "days"))
        days = parse_dist(spec["days"], r.file, f"{kp}.days", allow_zero=False)
        if days.mean < MIN_ABSENCE_DAYS:
            raise r.err(f"{kp}.days", f"an absence lasts on average at least {MIN_ABSENCE_DAYS} days (about 5 minutes), "
                                      f"got {days.mean:g}")
        out[str(kind)] = AbsenceKind(r.number(spec["rate_per_year"], f"{kp}.rate_per_year", high=MAX_ABSENCES_PER_YEAR),
                                     days)
    return out
