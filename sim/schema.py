"""The shape of a scenario file, declared once (pydantic models), and its JSON Schema.

What a scenario file may say, with its types, bounds and allowed words, lives here and only here:
``sim.scenario`` validates a file against ``ScenarioFile`` and then checks what is about
references (functions owned once, leaders that exist, reforms, ``from:`` chains, steps nobody can
serve); ``python -m sim schema`` exports the same declaration as JSON Schema for editors
(``docs/scenario.schema.json``). The first error pydantic finds is reported as one ``InputError``
line in the file's own terms (``error_at``): the dotted path, list items counted from 1 with their
ids, and a short plain reason, never pydantic's own wording.

The building blocks (``Shape``, ``fail``, ``DisplayNameSpec``) are in ``sim.shape``, where the
reforms' arguments use them too.

Parameter blocks (``params.approval`` ...) are made from the dataclasses of ``sim.params`` (their
fields, defaults and comments), so a new parameter needs no second declaration.
"""
from __future__ import annotations

import dataclasses
import functools
import inspect
import json
import math
import re
import sys
import typing
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (BaseModel, BeforeValidator, ConfigDict, Discriminator, Field, Tag, ValidationError, create_model,
                      WithJsonSchema, model_validator)
from pydantic.json_schema import GenerateJsonSchema

from . import reforms as reform_lib
from .calendar import WorkCalendar
from .distributions import KEYS, KINDS, MAX_CV, MAX_HOURS, MIN_CV, Dist
from .errors import _ITEM, InputError, folder_name_problem, not_a_number, short
from .params import (ABSENCE_STARTS, COORD_ROLES, LEAVE_POLICIES, LEAVE_SCOPES, RATE_COUNTS, SPAN_FORMS, WORK_IN_HAND,
                     AbsenceKind, AbsenceRule, Approval, Continuity, Counterparts, Deputies, InternalCoordination, LeavePolicy,
                     Meetings, Ownership, Protocol, Rework, SizeCosts, Transition, Windows)
from .shape import DISPLAY_NAME, DisplayNameSpec, Shape, fail
from .structure import ESTABLISHMENTS, POSTS, SECTION_KINDS, Body, Leader, Section, StaffMember, Structure, Window
from .workflow import Step, Workflow, Workload

# Bounds that turn an absurd size into a clear error instead of a MemoryError or a run that never ends.
MAX_HORIZON_DAYS = 50_000  # assumption: about 200 working years, far beyond any reform question
MAX_RATE_PER_DAY = 1e6  # assumption: a whole province's service platform takes fewer cases a day
MAX_EXPECTED_TASKS = 50_000_000  # assumption: about 20 GB of task records; a sweep asks for far fewer
MAX_LOAD_FACTOR = 100.0  # assumption: 100x today's workload is a typo, not a scenario
MAX_ABSENCES_PER_YEAR = 1000.0  # assumption: four episodes a working day per person is a typo
MIN_ABSENCE_DAYS = 0.01  # assumption: shorter is not an absence; zero-length ones made 35x the halts
MAX_PROTOCOL_STEPS = 100  # assumption: the seeds count 3 环节 for a section line; 100 is a typo, 10^9 a hang
MAX_STAFF = 100_000  # assumption: a structure beyond a province's civil service is a typo (memory grows with it)
MAX_LENDING_DELAY_HOURS = 10_000  # assumption: secondment paperwork of five working years is a typo
MAX_SHARE_RETURNED = 0.99  # a share of 1 would return every submission for ever (as transition.slowdown's bound)
MAX_REDO_FRACTION = 10.0  # assumption: a revision ten times the original work is a typo
MAX_PASSES = 100  # assumption: a matter passed between two sections a hundred times is a typo


# ---------------------------------------------------------------------------------------------
# building blocks: each refuses a wrong value with the reason the file's author reads
def _number(v, hint=""):
    if isinstance(v, int) and not isinstance(v, bool) and abs(v) > 1e300:
        raise fail(f"expected a finite number, got one with {len(str(abs(v)))} digits")
    if isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v):
        raise fail(not_a_number(v) + hint)
    return v


def _whole(v):
    if _number(v) != int(v):
        raise fail(f"expected a whole number, got {v}")
    return int(v)


def _name(v):
    if isinstance(v, bool):
        raise fail(f"YAML read this name as the boolean {v} (yes/no/on/off): put it in quotes")
    if not isinstance(v, (str, int)) or v == "":
        raise fail(f"expected a non-empty name, got {short(v)}")
    return str(v)


def number(description=None, **bounds):
    """A finite number (not a boolean, not text) within ``bounds`` (ge, gt, le)."""
    return Annotated[float, Field(description=description, **bounds), BeforeValidator(_number)]


def whole(description=None, **bounds):
    """A whole number (2.0 counts) within ``bounds``."""
    return Annotated[int, Field(description=description, **bounds), BeforeValidator(_whole)]


Name = Annotated[str, WithJsonSchema({"type": ["string", "integer"], "minLength": 1}), BeforeValidator(_name)]
Text = Annotated[str, BeforeValidator(str)]  # free text; whatever YAML read is shown as text
Key = Annotated[str, BeforeValidator(str)]  # a mapping key (YAML may read a key as a number)
Flag = Annotated[bool, Field(strict=True)]  # true / false only: "false" in quotes is text, and an error


def field_docs(cls) -> dict[str, str]:
    """The comments a dataclass's source gives its fields (above a field or after it): the schema's
    descriptions come from where the defaults are documented, not from a second text."""
    docs, pending = {}, []
    for line in inspect.getsource(cls).splitlines():
        text = line.strip()
        if text.startswith("#"):
            pending.append(text.lstrip("# "))
            continue
        m = re.match(r"(\w+)\s*:[^#]*(?:#\s*(.*))?$", text)
        if m and not text.startswith(("def ", "class ", "@")):
            said = " ".join(pending + [m.group(2) or ""]).strip()
            if said:
                docs[m.group(1)] = said
        pending = []
    return docs


# ---------------------------------------------------------------------------------------------
# distributions (sim.distributions.KEYS says which keys each kind takes)
Hours = number("hours (a non-negative number)", ge=0, le=MAX_HOURS)


class DistSpec(Shape):
    """A distribution of hours (or days): ``mean`` + ``cv`` is the usual way to say "about two
    hours, give or take half"."""
    dist: Literal[KINDS] = Field("fixed", description="kind of distribution; each takes its own keys")  # type: ignore[valid-type]
    mean: Hours | None = None
    cv: number("coefficient of variation (lognormal, gamma)", ge=MIN_CV, le=MAX_CV) | None = None
    low: Hours | None = None
    high: Hours | None = None

    @model_validator(mode="after")
    def _keys_of_kind(self):
        takes, given = KEYS[self.dist], {k for k in self.model_fields_set - {"dist"} if getattr(self, k) is not None}
        for k in sorted(given - set(takes)):  # a key the distribution ignores would silently do nothing
            raise fail(f"not a parameter of dist {self.dist!r} (it takes: {', '.join(takes)})", at=(k,))
        for k in takes:
            if k not in given and not (self.dist == "triangular" and k == "mean"):
                raise fail(f"required for dist {self.dist!r}", at=(k,))
        if self.high is not None and self.low is not None and self.high < self.low:
            raise fail(f"must be >= low ({self.low}), got {self.high}", at=("high",))
        if self.dist in ("lognormal", "gamma") and self.mean <= 0:
            raise fail(f"must be > 0 for dist {self.dist!r}", at=("mean",))
        if self.dist == "triangular" and self.mean is not None and not (self.low <= 3 * self.mean - self.low - self.high <= self.high):
            raise fail("mode implied by mean lies outside [low, high]", at=("mean",))
        return self

    model_config = ConfigDict(json_schema_extra={"allOf": [
        {"if": {"properties": {"dist": {"const": k}}, **({} if k == "fixed" else {"required": ["dist"]})},
         "then": {"required": [x for x in KEYS[k] if not (k == "triangular" and x == "mean")],
                  "propertyNames": {"enum": ["dist", *KEYS[k]]}}} for k in KINDS]})


def to_dist(v: float | DistSpec) -> Dist:
    """The distribution a checked value says (a number is a fixed one)."""
    if not isinstance(v, DistSpec):
        return Dist("fixed", float(v))
    if v.dist in ("uniform", "triangular"):
        mean = v.mean if v.dist == "triangular" and v.mean is not None else (v.low + v.high) / 2
        return Dist(v.dist, mean, 0.0, v.low, v.high)
    return Dist(v.dist, v.mean, v.cv if v.cv is not None else 1.0 if v.dist == "exponential" else 0.0)


def dist_type(amount: str, **bounds):
    """A number (fixed) or a distribution mapping; only the mapping branch is checked for a mapping."""
    plain = Annotated[float, Field(description=f"fixed {amount}", **bounds),
                      BeforeValidator(functools.partial(_number, hint=" (or a mapping with 'dist')")), Tag("number")]
    return Annotated[plain | Annotated[DistSpec, Tag("mapping")],
                     Discriminator(lambda v: "mapping" if isinstance(v, dict) else "number")]


# ---------------------------------------------------------------------------------------------
# structures
STAFF, SECTION, BODY = field_docs(StaffMember), field_docs(Section), field_docs(Body)


class StaffSpec(Shape):
    id: Name = Field(description="staff id; with count, the prefix of n ids (id1, id2, ...)")
    name: Text | None = None
    post: Literal[POSTS] = Field("staff", description=STAFF["post"])  # type: ignore[valid-type]
    skills: dict[Key, number(gt=0, le=5)] | None = Field(None, description=STAFF["skills"])
    count: whole("n alike staff members", ge=0, le=MAX_STAFF) = None
    establishment: Literal[ESTABLISHMENTS] | None = Field(None, description=STAFF["establishment"])  # type: ignore[valid-type]


class SectionSpec(Shape):
    id: Name
    name: Text | None = None
    kind: Literal[SECTION_KINDS] = "business"  # type: ignore[valid-type]
    functions: list[Name] | None = Field(None, description="functions the section owns (once per body)")
    staff: list[StaffSpec]
    display_name: DisplayNameSpec | None = Field(None, description=DISPLAY_NAME)
    nameplates: list[Name] | None = Field(None, description=SECTION["nameplates"])
    claims: list[Name] | None = Field(None, description=SECTION["claims"])


class BodySpec(Shape):
    id: Name
    name: Text | None = None
    leaders: dict[Key, Name] | None = Field(None, description=BODY["leaders"])
    in_charge: dict[Key, list[Name]] | None = Field(None, description=BODY["in_charge"])
    sections: list[SectionSpec]
    display_name: DisplayNameSpec | None = Field(None, description=DISPLAY_NAME)
    direct_handling: Flag = Field(False, description=BODY["direct_handling"])


class LeaderSpec(Shape):
    id: Name
    name: Text | None = None
    establishment: Literal[ESTABLISHMENTS] | None = Field(None, description=field_docs(Leader)["establishment"])  # type: ignore[valid-type]


class WindowSpec(Shape):
    id: Name
    name: Text | None = None
    location: Text | None = None
    services: list[Name] = Field(description=field_docs(Window)["services"])


class ComboSpec(Shape):
    id: Name
    lead: Name
    bodies: list[Name]


class StructureSpec(Shape):
    """A structure described in full."""
    description: Text | None = None
    display_name: DisplayNameSpec | None = Field(None, description=DISPLAY_NAME)
    bodies: list[BodySpec]
    leaders: list[LeaderSpec] | None = None
    above: dict[Key, Name] | None = Field(None, description=field_docs(Structure)["above"])
    windows: list[WindowSpec] | None = None
    combos: list[ComboSpec] | None = None
    lending_delay_hours: number(field_docs(Structure)["lending_delay_hours"], ge=0, le=MAX_LENDING_DELAY_HOURS) | None = None


def _reform_item(v):
    if not isinstance(v, dict) or len(v) != 1:
        raise fail("each reform is a mapping with exactly one reform name, e.g. {merge_sections: {...}}")
    (name, args), = v.items()
    if name not in reform_lib.REFORMS:
        raise fail(f"unknown reform (known: {', '.join(reform_lib.REFORMS)})", at=(name,))
    if not isinstance(args or {}, dict):
        raise fail(f"expected a mapping, got {type(args).__name__}", at=(name,))
    return {name: args or {}}


Reform = Annotated[dict[str, dict], WithJsonSchema({"x-reform": True}), BeforeValidator(_reform_item)]


class DerivedSpec(Shape):
    """A structure made from another by reforms."""
    from_: Name = Field(alias="from", description="the structure the reforms start from")
    reforms: list[Reform] | None = None
    description: Text | None = None
    display_name: DisplayNameSpec | None = Field(None, description=DISPLAY_NAME)


def _structure_name(v):
    if not isinstance(v, str):
        raise fail(f"a structure name is text: put {v!r} in quotes")
    problem = folder_name_problem(v)
    if problem:
        raise fail(f"structure name {short(v)} cannot be a folder name: it {problem}")
    return v


StructureName = Annotated[str, BeforeValidator(_structure_name)]
AnyStructure = Annotated[Annotated[StructureSpec, Tag("full")] | Annotated[DerivedSpec, Tag("derived")],
                         Discriminator(lambda v: "derived" if isinstance(v, dict) and "from" in v else "full")]


# ---------------------------------------------------------------------------------------------
# workload
class StepSpec(Shape):
    """One step: exactly one of work / visit / approve."""
    work: Name | None = Field(None, description="a function's work, done by someone able to do it")
    visit: Name | None = Field(None, description="a citizen's visit to the window that receives this function")
    approve: Name | None = Field(None, description="a sign-off by a management level (section_head, director, ...)")
    hours: dist_type("hours", ge=0, le=MAX_HOURS) | None = Field(None, description="work hours drawn per task (work, visit)")
    body: Text | None = Field(None, description=field_docs(Step)["body"])
    name: Text | None = None

    @model_validator(mode="after")
    def _one_kind(self):
        kinds = [k for k in ("work", "visit", "approve") if k in self.model_fields_set]
        if len(kinds) != 1:
            raise fail("a step has exactly one of work / visit / approve")
        if kinds[0] != "approve" and "hours" not in self.model_fields_set:
            raise fail("required field is missing", at=("hours",))
        return self

    model_config = ConfigDict(json_schema_extra={"oneOf": [{"required": ["work", "hours"]}, {"required": ["visit", "hours"]},
                                                           {"required": ["approve"]}]})


class WorkflowSpec(Shape):
    id: Name
    name: Text | None = None
    body: Name = Field(description="the body the workflow's tasks arrive at")
    rate_per_day: number("arrivals per working day (Poisson)", ge=0, le=MAX_RATE_PER_DAY)
    weekly_profile: list[number(ge=0, le=MAX_LOAD_FACTOR)] | None = Field(None, description=field_docs(Workflow)["weekly_profile"])
    addressed_to: Text | None = Field(None, description=field_docs(Workflow)["addressed_to"])
    time_limit_days: number(field_docs(Workflow)["time_limit_days"], gt=0, le=MAX_HORIZON_DAYS) | None = None
    steps: list[StepSpec] = Field(min_length=1)


class WorkloadSpec(Shape):
    load_factor: number(field_docs(Workload)["load_factor"], ge=0, le=MAX_LOAD_FACTOR) = 1.0
    workflows: list[WorkflowSpec]


# ---------------------------------------------------------------------------------------------
# params: one block per dataclass of sim.params, its fields, defaults and comments
def block(cls, bounds=None, types=None):
    """The model of a parameter block: every field of ``cls`` a non-negative number unless ``types``
    says otherwise, ``bounds`` the upper ones, defaults and descriptions from ``cls`` itself."""
    docs, fields = field_docs(cls), {}
    for f in dataclasses.fields(cls):
        kind = (types or {}).get(f.name) or number(ge=0, le=(bounds or {}).get(f.name))
        default = f.default_factory() if f.default is dataclasses.MISSING else f.default
        default = list(default) if isinstance(default, tuple) else default  # a tuple field is a list in the file
        fields[f.name] = (kind, Field(default, description=docs.get(f.name)))
    return create_model(f"{cls.__name__}Spec", __base__=Shape, __doc__=cls.__doc__, **fields)


ApprovalSpec = block(Approval, {"session_hour": 24.0})
MeetingsSpec = block(Meetings, {"hour": 24.0}, types={  # a level's name and the weekday are checked on load (sim.scenario)
    "levels": list[Name], "weekday": whole(field_docs(Meetings)["weekday"], ge=0, le=6),
    "size_trigger": whole(field_docs(Meetings)["size_trigger"], ge=0, le=MAX_RATE_PER_DAY)})
ReworkSpec = block(Rework, {"share": MAX_SHARE_RETURNED, "redo_fraction": MAX_REDO_FRACTION},
                   types={"by_level": dict[Key, number(ge=0, le=MAX_SHARE_RETURNED)]})
SizeCostsSpec = block(SizeCosts, {"novice_proficiency": 5.0, "span_cap": 1e6}, types={"span_form": Literal[SPAN_FORMS]})
WindowsSpec = block(Windows, {"incomplete_materials": 1.0})
TransitionSpec = block(Transition, {"slowdown": 0.99})
ContinuitySpec = block(Continuity, {"keep_next_step": 1.0})
DeputiesSpec = block(Deputies, types={"countersign": Flag})
CounterpartsSpec = block(Counterparts, {"sort_hours": MAX_HOURS, "lost_delay_hours": MAX_HOURS})
InternalCoordinationSpec = block(InternalCoordination, {"hours": MAX_HOURS, "floor": 1.0, "fade_days": MAX_HORIZON_DAYS},
                                 types={"steps": whole("internal coordination steps", ge=0, le=MAX_PROTOCOL_STEPS)})
OwnershipSpec = block(Ownership, {"p_pass": 1.0},
                      types={"max_passes": whole(field_docs(Ownership)["max_passes"], ge=0, le=MAX_PASSES)})
AbsenceRuleSpec = block(AbsenceRule, types={"start": Literal[ABSENCE_STARTS], "work_in_hand": Literal[WORK_IN_HAND],
                                            "counts": Literal[RATE_COUNTS]})
LeavePolicySpec = block(LeavePolicy, {"max_defer_days": MAX_HORIZON_DAYS},
                        types={"policy": Literal[LEAVE_POLICIES], "scope": Literal[LEAVE_SCOPES], "deferrable": list[Name]})


class ProtocolSpec(Shape):
    """A coordination protocol paid when a task crosses a line; what is left out keeps the default
    of ``params.handoff.section`` / ``body``."""
    steps: whole("coordination steps (环节)", ge=0, le=MAX_PROTOCOL_STEPS) = None
    roles: list[Literal[COORD_ROLES]] = Field(None, min_length=1, description="role of step i, cycling")  # type: ignore[valid-type]
    hours: dist_type("hours", ge=0, le=MAX_HOURS) = None
    mail_hours: number(field_docs(Protocol)["mail_hours"], ge=0) = None


class HandoffSpec(Shape):
    section: ProtocolSpec | None = None
    body: ProtocolSpec | None = None


class AbsenceKindSpec(Shape):
    rate_per_year: number(field_docs(AbsenceKind)["rate_per_year"], ge=0, le=MAX_ABSENCES_PER_YEAR)
    days: dist_type("working days", gt=0, le=MAX_HOURS) = Field(description=field_docs(AbsenceKind)["days"])


class ParamsSpec(Shape):
    handoff: HandoffSpec | None = None
    absence: dict[Key, AbsenceKindSpec] | None = Field(None, description="staff absences by kind")
    leader_absence: dict[Key, AbsenceKindSpec] | None = Field(None, description="leaders' absences by kind")
    absence_rule: AbsenceRuleSpec | None = None
    leave_policy: LeavePolicySpec | None = None
    continuity: ContinuitySpec | None = None
    internal_coordination: InternalCoordinationSpec | None = None
    ownership: OwnershipSpec | None = None
    deputies: DeputiesSpec | None = None
    counterparts: CounterpartsSpec | None = None
    approval: ApprovalSpec | None = None
    meetings: MeetingsSpec | None = None
    rework: ReworkSpec | None = None
    size_costs: SizeCostsSpec | None = None
    windows: WindowsSpec | None = None
    transition: TransitionSpec | None = None


class CalendarSpec(Shape):
    hours_per_day: number("working hours a day", gt=0, le=24) = WorkCalendar.hours_per_day
    days_per_week: whole("working days a week", ge=1, le=7) = WorkCalendar.days_per_week


class ScenarioFile(Shape):
    """A scenario: one or more structures, a workload and behaviour parameters (sim/scenarios/)."""
    name: Text | None = Field(None, description="default: the file name")
    description: Text | None = None
    display_name: DisplayNameSpec | None = Field(None, description=DISPLAY_NAME)
    variables: dict[Key, Any] | None = Field(None, description='values "$name" stands for anywhere in the file; sweeps override them')
    calendar: CalendarSpec | None = None
    horizon_days: whole("working days simulated", gt=0, le=MAX_HORIZON_DAYS) = 250
    warmup_days: whole("working days at the start that are not measured", ge=0) = 0
    structures: dict[StructureName, AnyStructure] = Field(min_length=1)
    workload: WorkloadSpec
    params: ParamsSpec | None = None


# ---------------------------------------------------------------------------------------------
# pydantic's first error in the file's own terms
_NOUN = {"dist": "distribution"}


def _fmt(x) -> str:
    """A bound as a reader writes it: 24, 0.99, 1,000,000."""
    x = int(x) if isinstance(x, float) and x.is_integer() else x
    return f"{x:,}" if isinstance(x, int) else str(x)


def reason(err: dict, path: list) -> str:
    """A short plain reason for one pydantic error (``path`` is where it is, in the file's terms)."""
    kind, ctx, v = err["type"], err.get("ctx") or {}, err.get("input")
    last = str(path[-1]) if path else ""
    noun = _ITEM.get(str(path[-2]), "item") if path and isinstance(path[-1], int) and len(path) > 1 else _NOUN.get(last, last)
    bound = {"greater_than_equal": ">=", "greater_than": ">", "less_than_equal": "<=", "less_than": "<"}
    if kind == "input":
        return ctx["reason"]
    if kind in bound:
        limit = next(iter(x for k, x in ctx.items()))
        return f"must be {bound[kind]} {_fmt(limit)}, got {v}"
    if kind == "missing":
        return "required field is missing"
    if kind in ("model_type", "model_attributes_type", "dict_type"):
        return f"expected a mapping, got {type(v).__name__}"
    if kind in ("list_type", "tuple_type"):
        return f"expected a list, got {type(v).__name__}"
    if kind == "literal_error":
        allowed = re.findall(r"'([^']*)'", ctx["expected"])
        return f"unknown {noun} {short(v)} (allowed: {', '.join(allowed)})"
    if kind in ("bool_type", "bool_parsing"):
        return f"expected true or false, got {short(v)}"
    if kind == "too_short":
        n = ctx["min_length"]
        return f"at least {'one' if n == 1 else n} {_ITEM.get(last, 'item')}{'' if n == 1 else 's'}"
    if kind == "string_too_short":
        return "must not be empty"
    if kind in ("string_type", "str_type"):
        return f"expected text, got {short(v)}"
    return err["msg"]


def where(raw, loc, missing=False) -> list:
    """pydantic's location as the path in the document: the labels it adds for the branch of a
    union or a key's own check are not in the file, so they are left out; a ``missing`` field is
    named though it is not there."""
    node, out = raw, []
    for i, p in enumerate(loc):
        if isinstance(node, dict) and p in node:
            node = node[p]
        elif isinstance(node, list) and isinstance(p, int) and 0 <= p < len(node):
            node = node[p]
        elif not (missing and i == len(loc) - 1):
            continue
        out.append(p)
    return out


def error_at(e: ValidationError, raw) -> tuple[list, str]:
    """The first error as (path in the document, reason)."""
    err = e.errors(include_url=False)[0]
    path = where(raw, err["loc"], missing=err["type"] == "missing")
    path += list((err.get("ctx") or {}).get("at", ()))
    return path, reason(err, path)


def input_error(e: ValidationError, raw, file) -> InputError:
    """The first error of a scenario file's check as an ``InputError`` (dotted path)."""
    path, why = error_at(e, raw)
    return InputError(file, ".".join(map(str, path)) or "<root>", why)


# ---------------------------------------------------------------------------------------------
# JSON Schema
class _Schema(GenerateJsonSchema):
    """The schema as a file is written: a number, flag or word may be a ``"$name"`` variable."""
    VARIABLE = {"type": "string", "pattern": r"^\$", "description": "a variable defined under variables"}

    def _or_variable(self, s):
        return {"anyOf": [s, self.VARIABLE]}

    def float_schema(self, schema):
        return self._or_variable(super().float_schema(schema))

    def int_schema(self, schema):
        return self._or_variable(super().int_schema(schema))

    def bool_schema(self, schema):
        return self._or_variable(super().bool_schema(schema))

    def literal_schema(self, schema):
        return self._or_variable(super().literal_schema(schema))


def _reform_models() -> dict[str, type[BaseModel]]:
    """Each reform's arguments as a model, from its signature (the reform checks them itself)."""
    out = {}
    for name, fn in reform_lib.REFORMS.items():
        fn = inspect.unwrap(fn)
        hints = typing.get_type_hints(fn, include_extras=True)
        params = list(inspect.signature(fn).parameters.values())[1:]  # the structure itself is not written
        fields = {p.name: (hints[p.name], ... if p.default is p.empty else p.default) for p in params}
        args = create_model(f"{name}_arguments", __config__=ConfigDict(extra="forbid"), __doc__=inspect.getdoc(fn), **fields)
        out[name] = create_model(f"reform_{name}", __config__=ConfigDict(extra="forbid"), **{name: (args, ...)})
    return out


def _replace(node, old, new):
    if node == old:
        return new
    if isinstance(node, dict):
        return {k: _replace(v, old, new) for k, v in node.items()}
    return [_replace(v, old, new) for v in node] if isinstance(node, list) else node


def json_schema(model: type[BaseModel] = ScenarioFile, title: str = "scenario file") -> dict:
    """The JSON Schema of a file declared by ``model``; a scenario's also takes ``"$name"`` variables
    anywhere and holds each reform's arguments."""
    scenario = model is ScenarioFile
    schema = model.model_json_schema(schema_generator=_Schema if scenario else GenerateJsonSchema)
    if scenario:
        defs = schema.setdefault("$defs", {})
        models = _reform_models()
        for m in models.values():
            sub = m.model_json_schema(schema_generator=_Schema, ref_template="#/$defs/{model}")
            defs.update(sub.pop("$defs", {}))
            defs[m.__name__] = sub
        defs["Reform"] = {"description": "one reform: its name and its arguments",
                          "oneOf": [{"$ref": f"#/$defs/{m.__name__}"} for m in models.values()]}
        schema = _replace(schema, {"x-reform": True}, {"$ref": "#/$defs/Reform"})
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", **schema, "title": title}


def schema_text(schema: dict) -> str:
    """The schema as the committed file holds it (docs/*.schema.json)."""
    return json.dumps(schema, indent=2, ensure_ascii=False, sort_keys=True) + "\n"


def write_schema(schema: dict, out=None) -> None:
    """Print the schema, or write it to ``out`` (``InputError`` naming --out if it cannot be)."""
    if out is None:
        sys.stdout.write(schema_text(schema))
        return
    try:
        Path(out).write_text(schema_text(schema), encoding="utf-8")
    except OSError as e:
        raise InputError("command line", "--out", f"cannot write {out}: {e.strerror or e}") from None
