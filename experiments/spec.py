"""Experiment files (YAML): load, validate, and hash.

An experiment file says which scenario to start from, which structures to compare,
which parameters to vary and how (grid, Latin hypercube, Sobol, Morris), how many
replications, the master seed and which metrics to keep. Everything is checked on
load so a sweep never fails half-way through because of a typo; every problem is
reported as one ``SpecError`` naming file, field path and what is wrong.

Example::

    name: absence_x_size
    scenario: finance_bureau          # embedded scenario name or a path (relative to this file)
    days: 120                         # optional; default is the scenario's horizon
    structures: [fragmented, merged]  # optional; default: every structure of the scenario
    baseline: fragmented              # optional; paired differences are taken against it
    fixed:                            # optional overrides applied to every run
      workload.load_factor: 1.1
    parameters:                       # grid: a list of values (or {values: [...]}) per parameter
      params.absence.business_trip.rate_per_year: [2, 6, 12]
      params.size_costs.span_cost: {values: [0.0, 0.1, 0.2]}
    design: {method: grid}            # grid | latin | sobol | morris (+ n, seed, levels, second_order)
    replications: 10
    seed: 20240501                    # master seed, split into one seed per replication
    metrics: all                      # or a list of metric names

A sampled design (latin, sobol, morris) takes a range per parameter instead of values, and only
morris and sobol designs (the ones ``python -m experiments sensitivity`` analyses) may name the
metrics to analyse::

    parameters:
      params.size_costs.span_cost: {low: 0.0, high: 0.2}
      params.handoff.section.steps: {low: 1, high: 5, type: int}   # int: sampled values are rounded
    design: {method: sobol, n: 64, second_order: false}
    sensitivity: {metrics: [mean_cycle_hours, halts_per_1000_staff_days, util_cv]}

Every value a parameter can take (each grid value; a range's low and high, and a value inside
it) is tried on the base scenario on load, so a value the model rejects is reported here, naming
``parameters.<path>.values[i]``, ``.low`` or ``.high``, not as failed runs.

Limits, so a typo fails here instead of as a MemoryError or a run that never ends: ``name`` is the
default results folder (``results/<name>``), so it must be a plain folder name (no ``/``, ``\\``,
``..``, ``:`` ...); numbers must be finite (no ``.nan``/``.inf``); an experiment has at most
``MAX_RUNS`` runs (points x replications x structures) and a run at most ``MAX_DAYS`` days.
"""
from __future__ import annotations

import dataclasses
import hashlib
import json
import math
from pathlib import Path
from typing import Annotated, Any, Literal

import pydantic
from pydantic import AfterValidator, BeforeValidator, Discriminator, Field, StrictBool, StrictStr, Tag, WithJsonSchema, model_validator

from sim.errors import InputError, folder_name_problem
from sim.schema import Shape, error_at, fail, json_schema
from sim.yamlfile import read_yaml

from experiments.errors import SpecError

METHODS = ("grid", "latin", "sobol", "morris")
SENSITIVITY_METHODS = ("morris", "sobol")  # designs with sensitivity indices
DEFAULT_SENSITIVITY_METRICS = ("mean_cycle_hours", "halts_per_1000_staff_days", "util_cv")
RESERVED_COLUMNS = ("run_index", "run_id", "point", "replication", "structure", "seed", "error")

MAX_RUNS = 1_000_000   # runs per experiment: beyond this the run list alone exhausts memory
MAX_DAYS = 10_000      # simulated working days per run (about 40 years)


@dataclasses.dataclass(frozen=True)
class Parameter:
    """One varied model parameter: a dotted override path with grid values or a range."""

    name: str
    values: tuple | None = None
    low: float | None = None
    high: float | None = None
    type: str = "float"  # "float" or "int" (sampled values are rounded for the model)


@dataclasses.dataclass(frozen=True)
class Design:
    method: str = "grid"
    n: int | None = None
    seed: int | None = None
    levels: int = 4
    second_order: bool = False


@dataclasses.dataclass
class Spec:
    path: Path
    name: str
    description: str
    scenario: str          # embedded scenario name or absolute path
    days: int | None
    structures: tuple
    baseline: str
    fixed: dict
    parameters: tuple      # of Parameter
    design: Design
    replications: int
    seed: int
    metrics: tuple
    sensitivity_metrics: tuple
    normalized: dict       # canonical form, the basis of the spec hash
    scenario_file: str | None = None  # the YAML file the scenario was loaded from (set on model check)

    @property
    def n_points(self) -> int:
        """Design points: grid combinations, or the rows the SALib sampler will produce."""
        d, k = self.design, len(self.parameters)
        if d.method == "grid":
            return math.prod(len(p.values) for p in self.parameters)
        if d.method == "latin":
            return d.n
        if d.method == "sobol":
            return d.n * (2 * k + 2 if d.second_order else k + 2)
        return d.n * (k + 1)

    @property
    def hash(self) -> str:
        """Identity of the experiment: the same hash means resuming is safe."""
        h = hashlib.sha256(json.dumps(self.normalized, sort_keys=True).encode())
        scenario_file = self.scenario_file or self.scenario
        if Path(scenario_file).is_file():  # the scenario's content is part of the experiment too
            h.update(Path(scenario_file).read_bytes())
        return h.hexdigest()[:16]

    def base_scenario(self):
        """The scenario every run starts from: scenario file plus ``fixed`` overrides."""
        import sim

        sc = sim.load_scenario(self.scenario)
        return sc.with_overrides(dict(self.fixed)) if self.fixed else sc


def load_spec(path, check_model: bool = True) -> Spec:
    """Read and validate an experiment file; raise ``SpecError`` on the first problem.

    With ``check_model`` the scenario is loaded and structures, metrics and parameter
    paths and every value a parameter can take are checked against the model too (needs ``sim``).
    """
    path = Path(path)
    try:
        raw = read_yaml(path, what="experiment file")
    except InputError as e:
        raise SpecError(path, "(file)" if e.field == "<file>" else e.field, e.reason) from None
    spec = _parse(path, raw)
    if check_model:
        _check_against_model(spec)
    elif spec.metrics != "all" and spec.sensitivity_metrics is not None:
        _check_sensitivity_metrics(spec, known=None)
    return spec


# ---------------------------------------------------------------- the file's shape, declared once


def _integer(minimum, what=None, maximum=None):
    """A whole number (not 2.0, not true) >= ``minimum``."""
    def check(v):
        if not _is_int(v, minimum=minimum):
            raise fail(f"must be {what or f'an integer >= {minimum}'}, got {v!r}")
        return v
    return Annotated[int, Field(ge=minimum, le=maximum), BeforeValidator(check)]


def _finite(v):
    if not _is_number(v):
        raise fail(f"must be a finite number, got {v!r}")
    return v


def _scalar(expected):
    """A value an override can set: a number, a string or a boolean (NaN and infinities named)."""
    def check(v):
        if not _is_scalar(v):
            raise fail(_not_scalar(v, expected))
        return v
    return Annotated[Any, WithJsonSchema({"type": ["number", "string", "boolean"]}), BeforeValidator(check)]


def _distinct(items):
    dup = _first_duplicate(items)
    if dup is not None:
        raise fail(f"{dup!r} is listed twice")
    return items


def _folder_name(name):
    problem = folder_name_problem(name)
    if problem:
        raise fail(f"it is used as the results folder results/<name>, so it {problem}")
    return name


def _values(values):
    kinds = {_kind(v) for v in values}
    if len(kinds) > 1 and kinds != {"int", "float"}:
        raise fail(f"mixes kinds of values ({', '.join(sorted(kinds))})")
    _distinct(values)
    return [float(v) for v in values] if kinds == {"int", "float"} else values


Names = Annotated[list[StrictStr], Field(min_length=1), AfterValidator(_distinct)]
Values = Annotated[list[_scalar("must be a number, string or boolean")], Field(min_length=1), AfterValidator(_values)]
Finite = Annotated[float, BeforeValidator(_finite)]


class ParameterSpec(Shape):
    """A varied parameter: grid ``values``, or a range ``low`` .. ``high`` for a sampled design."""
    values: Values | None = None
    low: Finite | None = None
    high: Finite | None = None
    type: Literal["float", "int"] = Field("float", description="int: sampled values are rounded for the model")

    @model_validator(mode="after")
    def _range(self):
        if self.low is not None and self.high is not None and not self.low < self.high:
            raise fail(f"low ({self.low:g}) must be below high ({self.high:g})")
        return self


class DesignSpec(Shape):
    """How the points are chosen: grid (every combination), or sampled (latin, sobol, morris)."""
    method: Literal[METHODS] = "grid"  # type: ignore[valid-type]
    n: _integer(2) | None = Field(None, description="samples (morris: trajectories); sobol: a power of 2")
    seed: _integer(0) | None = None
    levels: _integer(2) = Field(4, description="morris: an even number of levels")
    second_order: StrictBool = Field(False, description="sobol: second-order indices too")

    @model_validator(mode="after")
    def _fits_method(self):
        given, method = self.model_fields_set, self.method
        for k in ("n", "levels", "second_order"):
            if method == "grid" and k in given:
                raise fail("only applies to sampled designs (latin, sobol, morris)", at=(k,))
        if method != "grid" and self.n is None:
            raise fail(f"required for method {method!r}: number of samples" + (" (trajectories)" if method == "morris" else ""),
                       at=("n",))
        if method == "sobol" and self.n & (self.n - 1):
            raise fail(f"must be a power of 2 for Sobol sampling, got {self.n}", at=("n",))
        if "levels" in given and method != "morris":
            raise fail("only applies to method 'morris'", at=("levels",))
        if self.levels % 2:
            raise fail(f"must be an even integer >= 2, got {self.levels!r}", at=("levels",))
        if "second_order" in given and method != "sobol":
            raise fail("only applies to method 'sobol'", at=("second_order",))
        return self


class SensitivitySpec(Shape):
    metrics: Names | None = Field(None, description="metrics to analyse (among the kept ones)")


def _by_type(**tags):
    """A union whose branch is chosen by the value's Python type (one branch's errors, not all; the
    last branch says what is wrong with a value of any other type)."""
    return Discriminator(lambda v: next((t for t, kinds in tags.items() if isinstance(v, kinds)), list(tags)[-1]))


class ExperimentFile(Shape):
    """An experiment: a scenario, the structures to compare, the parameters to vary and how."""
    name: Annotated[Any, WithJsonSchema({"type": "string"}), BeforeValidator(_folder_name)] = Field(
        None, description="results folder results/<name>; default: the file name")
    description: StrictStr = ""
    scenario: Annotated[StrictStr, Field(min_length=1)] = Field(
        description="an embedded scenario name or a path to a scenario YAML file (relative to this file)")
    days: _integer(1, "a positive integer", MAX_DAYS) | None = Field(None, description="working days a run; default: the scenario's horizon")
    structures: Names | None = Field(None, description="default: every structure of the scenario")
    baseline: StrictStr | None = Field(None, description="paired differences are taken against it; default: the first")
    fixed: dict[str, _scalar("must map a parameter path to a number, string or boolean")] | None = Field(
        None, description="overrides (dotted paths) applied to every run")
    design: Annotated[Annotated[Literal[METHODS], Tag("word")] | Annotated[DesignSpec, Tag("mapping")],  # type: ignore[valid-type]
                      _by_type(word=str, mapping=dict)] = Field(DesignSpec(), description="grid | latin | sobol | morris")
    parameters: dict[str, Annotated[Annotated[Values, Tag("values")] | Annotated[ParameterSpec, Tag("mapping")],
                                    _by_type(values=list, mapping=dict)]] | None = Field(
        None, description="dotted parameter path -> a list of values (grid) or a range {low, high}")
    replications: _integer(1) = 1
    seed: _integer(0) = Field(description="the master seed all run seeds derive from")
    metrics: Annotated[Annotated[Literal["all"], Tag("word")] | Annotated[Names, Tag("values")],
                       _by_type(word=str, values=list)] = "all"
    sensitivity: SensitivitySpec | None = Field(None, description="morris and sobol designs only")


def _parse(path: Path, raw: Any) -> Spec:
    err = lambda field, reason: SpecError(path, field, reason)  # noqa: E731
    doc = raw
    if isinstance(raw, dict):  # the short forms as the long ones, so an error names the field the long form has
        doc = {**raw, "design": {"method": raw["design"]} if isinstance(raw.get("design"), str) else raw.get("design")}
        if isinstance(raw.get("parameters"), dict):
            doc["parameters"] = {k: {"values": v} if isinstance(v, list) else v for k, v in raw["parameters"].items()}
        doc = {k: v for k, v in doc.items() if k in raw}
    try:
        f = ExperimentFile.model_validate(doc)
    except pydantic.ValidationError as e:
        at, reason = error_at(e, doc)
        raise err("".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in at).lstrip(".") or "(top)", reason) from None
    if f.name is None:
        _check_name(path, path.stem)
    name = f.name if f.name is not None else path.stem
    scenario = f.scenario
    if scenario.endswith((".yaml", ".yml")) or "/" in scenario:
        sc_path = (path.parent / scenario).resolve()
        if not sc_path.is_file():
            raise err("scenario", f"scenario file not found: {sc_path}")
        scenario = str(sc_path)
    structures = tuple(f.structures) if f.structures is not None else None
    if f.baseline is not None and structures is not None and f.baseline not in structures:
        raise err("baseline", f"{f.baseline!r} is not one of structures {list(structures)}")
    fixed = f.fixed or {}
    d = DesignSpec(method=f.design) if isinstance(f.design, str) else f.design
    design = Design(method=d.method, n=d.n, seed=d.seed, levels=d.levels, second_order=d.second_order)
    parameters = _parameters(path, f.parameters or {}, design, fixed)
    metrics = tuple(f.metrics) if f.metrics != "all" else "all"
    if f.sensitivity is not None and design.method not in SENSITIVITY_METHODS:
        raise err("sensitivity", "only applies to a 'morris' or 'sobol' design (the ones "
                  f"'python -m experiments sensitivity' analyses), not {design.method!r}: remove this block")
    sens_metrics = tuple(f.sensitivity.metrics) if f.sensitivity and f.sensitivity.metrics else None
    normalized = {
        "name": name, "scenario": raw["scenario"], "days": f.days,
        "structures": list(structures) if structures else None, "baseline": f.baseline,
        "fixed": fixed, "parameters": [dataclasses.asdict(p) for p in parameters],
        "design": dataclasses.asdict(design), "replications": f.replications, "seed": f.seed,
        "metrics": list(metrics) if metrics != "all" else "all",
    }
    normalized = json.loads(json.dumps(normalized, default=list))
    spec = Spec(path=path, name=name, description=f.description, scenario=scenario, days=f.days,
                structures=structures, baseline=f.baseline, fixed=dict(fixed),
                parameters=parameters, design=design, replications=f.replications, seed=f.seed,
                metrics=metrics, sensitivity_metrics=sens_metrics, normalized=normalized)
    _check_run_count(spec)
    return spec


def _check_name(path, name) -> None:
    """The default name (the file's) becomes the folder ``results/<name>`` too: one plain folder name."""
    problem = folder_name_problem(name)
    if problem:
        raise SpecError(path, f"name (default: the file name {path.stem!r})",
                        f"it is used as the results folder results/<name>, so it {problem}")


def _check_run_count(spec: Spec) -> None:
    """Refuse designs whose run list would not fit in memory or finish in any useful time."""
    n_structures = len(spec.structures) if spec.structures else 1
    runs = spec.n_points * spec.replications * n_structures
    if runs <= MAX_RUNS:
        return
    field = ("replications" if spec.replications * n_structures > MAX_RUNS
             else "parameters" if spec.design.method == "grid" else "design.n")
    raise SpecError(spec.path, field,
                    f"the experiment asks for {runs:,} runs ({spec.n_points:,} points x {spec.replications:,} "
                    f"replications x {n_structures} structures); at most {MAX_RUNS:,}: use fewer values, "
                    "samples or replications, or split it into several experiments")


def _parameters(path, params, design: Design, fixed) -> tuple:
    """The varied parameters: what a name may not be, and values or a range as the design needs."""
    if not params and design.method != "grid":
        raise SpecError(path, "parameters", f"method {design.method!r} needs at least one parameter with a range")
    out = []
    for name, p in params.items():
        field = f"parameters.{name}"
        if name in RESERVED_COLUMNS:
            raise SpecError(path, field, f"name clashes with a result column ({', '.join(RESERVED_COLUMNS)})")
        if name in fixed:
            raise SpecError(path, field, "is also set in 'fixed'; a parameter is either varied or fixed")
        p = p if isinstance(p, ParameterSpec) else ParameterSpec(values=p)
        given = p.model_fields_set
        if design.method == "grid":
            if "values" not in given:
                raise SpecError(path, f"{field}.values", "required for a grid design (a list of values)")
            for k in ("low", "high"):
                if k in given:
                    raise SpecError(path, f"{field}.{k}", "a grid design takes 'values', not a range")
            out.append(Parameter(name=name, values=tuple(p.values), type=p.type))
        else:
            if "values" in given:
                raise SpecError(path, f"{field}.values", f"method {design.method!r} samples a range: give low and high instead")
            for k in ("low", "high"):
                if k not in given:
                    raise SpecError(path, f"{field}.{k}", f"required for method {design.method!r}")
            out.append(Parameter(name=name, low=float(p.low), high=float(p.high), type=p.type))
    return tuple(out)


def _check_against_model(spec: Spec) -> None:
    """Check scenario, structures, metrics and parameter paths against the real model."""
    import sim

    path = spec.path
    try:
        sc = sim.load_scenario(spec.scenario)
    except sim.InputError as e:
        raise SpecError(path, "scenario", f"cannot load {spec.scenario!r}: {e}") from None
    spec.scenario_file = str(getattr(sc, "file", "") or "") or None
    names = list(sc.structure_names)
    if spec.structures is None:
        spec.structures = tuple(names)
    for i, s in enumerate(spec.structures):
        if s not in names:
            raise SpecError(path, f"structures[{i}]", f"unknown structure {s!r}; scenario has {names}")
    _check_run_count(spec)  # now that the number of structures is known
    if spec.days is None and sc.horizon_days > MAX_DAYS:
        raise SpecError(path, "days", f"not given, and the scenario's horizon_days ({sc.horizon_days}) is over "
                        f"{MAX_DAYS}: give days (at most {MAX_DAYS})")
    if spec.baseline is None:
        spec.baseline = spec.structures[0]
    elif spec.baseline not in spec.structures:
        raise SpecError(path, "baseline", f"{spec.baseline!r} is not one of structures {list(spec.structures)}")
    known = tuple(sim.METRICS)
    if spec.metrics == "all":
        spec.metrics = known
    for i, m in enumerate(spec.metrics):
        if m not in known:
            raise SpecError(path, f"metrics[{i}]", f"unknown metric {m!r}; known: {', '.join(known)}")
    if spec.sensitivity_metrics is None:
        default = tuple(m for m in DEFAULT_SENSITIVITY_METRICS if m in spec.metrics)
        spec.sensitivity_metrics = default or spec.metrics[:1]
    _check_sensitivity_metrics(spec, known)
    for k, v in spec.fixed.items():
        try:
            sc = sc.with_overrides({k: v})
        except sim.InputError as e:
            raise SpecError(path, f"fixed.{k}", _reason(e, k)) from None
        if spec.days is None and sc.horizon_days > MAX_DAYS:
            raise SpecError(path, f"fixed.{k}", f"makes each run {sc.horizon_days} days long; at most {MAX_DAYS} "
                            "(or give days)")
    for p in spec.parameters:
        _check_parameter_values(path, sc, p, spec.days)


def _check_sensitivity_metrics(spec: Spec, known) -> None:
    """Sensitivity metrics must be kept metrics (checked after ``metrics`` so a typo there is blamed there)."""
    for i, m in enumerate(spec.sensitivity_metrics):
        if known is not None and m not in known:
            raise SpecError(spec.path, f"sensitivity.metrics[{i}]", f"unknown metric {m!r}; known: {', '.join(known)}")
        if m not in spec.metrics:
            raise SpecError(spec.path, f"sensitivity.metrics[{i}]",
                            f"{m!r} is not among the kept metrics {list(spec.metrics)}")


# A point inside a sampled range, away from round numbers: a float range over a whole-number
# setting (``type: float`` on a count) fails here rather than in the runs.
_INSIDE = 0.381966


def _check_parameter_values(path, sc, p: Parameter, days=None) -> None:
    """Try every value a parameter can take on the base scenario (``with_overrides`` re-validates
    the whole scenario, every structure included): each grid value; a range's low and high (rounded
    as the sampler rounds them for ``type: int``) and, for a float range, a value inside it."""
    import sim

    field = f"parameters.{p.name}"
    if p.values is not None:
        probes = [(f"{field}.values[{i}]", v) for i, v in enumerate(p.values)]
    elif p.type == "int":
        probes = [(f"{field}.low", int(round(p.low))), (f"{field}.high", int(round(p.high)))]
    else:
        probes = [(f"{field}.low", p.low), (f"{field}.high", p.high),
                  (field, p.low + _INSIDE * (p.high - p.low))]
    for where, value in probes:
        try:
            horizon = sc.with_overrides({p.name: value}).horizon_days
        except sim.InputError as e:
            reason = _reason(e, p.name)
            if _path_error(e, p.name):  # the path itself is wrong, whatever the value
                raise SpecError(path, field, reason) from None
            if where == field:  # the inside probe
                hint = "; add 'type: int' to sample whole numbers" if "whole number" in reason else ""
                raise SpecError(path, field, f"a value inside the range, {value:g}, is rejected: {reason}{hint}") from None
            raise SpecError(path, where, reason) from None
        if days is None and horizon > MAX_DAYS:
            raise SpecError(path, where, f"makes each run {horizon} days long; at most {MAX_DAYS} (or give days)")


def _path_error(e, name: str) -> bool:
    """Whether the scenario rejected the override's path (an entry on the way, or its last key)."""
    field, reason = str(getattr(e, "field", "")), str(getattr(e, "reason", ""))
    return field.startswith("override ") or (field == name and reason.startswith("unknown key"))


def _reason(e, name: str) -> str:
    """The scenario's reason, with the scenario field when it is not the overridden one itself."""
    field, reason = str(getattr(e, "field", "")), getattr(e, "reason", str(e))
    if not field or field == name or field.startswith("override "):
        return reason
    return f"{field}: {reason}"


# ---------------------------------------------------------------- helpers


def _is_int(v, minimum=None) -> bool:
    return isinstance(v, int) and not isinstance(v, bool) and (minimum is None or v >= minimum)


def _is_number(v) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)


def _is_scalar(v) -> bool:
    return isinstance(v, (str, bool)) or _is_number(v)


def _not_scalar(v, expected: str) -> str:
    """Why ``v`` is not a usable value: NaN and infinities are named as such."""
    if isinstance(v, float) and not math.isfinite(v):
        return f"must be a finite number, got {v!r}"
    return f"{expected}, got {v!r}"


def _kind(v) -> str:
    return "bool" if isinstance(v, bool) else "int" if isinstance(v, int) else \
        "float" if isinstance(v, float) else "str"


def column_kind(p: Parameter) -> str:
    """Result-column type of a parameter: bool, int, float or str."""
    if p.values is None:
        return p.type
    kinds = {_kind(v) for v in p.values}
    return kinds.pop() if len(kinds) == 1 else "float"


def _first_duplicate(items):
    seen = []
    for x in items:
        if x in seen:
            return x
        seen.append(x)
    return None


def experiment_json_schema() -> dict:
    """The JSON Schema of experiment files (committed as docs/experiment.schema.json)."""
    return json_schema(ExperimentFile, title="experiment file")

