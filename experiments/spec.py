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
from typing import Any

from sim.errors import InputError, folder_name_problem
from sim.yamlfile import read_yaml

from experiments.errors import SpecError

METHODS = ("grid", "latin", "sobol", "morris")
SENSITIVITY_METHODS = ("morris", "sobol")  # designs with sensitivity indices
DEFAULT_SENSITIVITY_METRICS = ("mean_cycle_hours", "halts_per_1000_staff_days", "util_cv")
RESERVED_COLUMNS = ("run_index", "run_id", "point", "replication", "structure", "seed", "error")

_TOP_KEYS = {"name", "description", "scenario", "days", "structures", "baseline", "fixed",
             "parameters", "design", "replications", "seed", "metrics", "sensitivity"}
_DESIGN_KEYS = {"method", "n", "seed", "levels", "second_order"}
_PARAM_KEYS = {"values", "low", "high", "type"}

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


# ---------------------------------------------------------------- parsing


def _parse(path: Path, raw: Any) -> Spec:
    err = lambda field, reason: SpecError(path, field, reason)  # noqa: E731
    if not isinstance(raw, dict):
        raise err("(top)", "expected a mapping of fields (name, scenario, parameters, ...)")
    _no_unknown(path, raw, _TOP_KEYS, "")

    name = raw.get("name", path.stem)
    _check_name(path, name, given="name" in raw)
    description = raw.get("description", "")
    if not isinstance(description, str):
        raise err("description", "must be a string")

    scenario = raw.get("scenario")
    if not isinstance(scenario, str) or not scenario:
        raise err("scenario", "required: an embedded scenario name or a path to a scenario YAML file")
    if scenario.endswith((".yaml", ".yml")) or "/" in scenario:
        sc_path = (path.parent / scenario).resolve()
        if not sc_path.is_file():
            raise err("scenario", f"scenario file not found: {sc_path}")
        scenario = str(sc_path)

    days = raw.get("days")
    if days is not None and not _is_int(days, minimum=1):
        raise err("days", f"must be a positive integer, got {days!r}")
    if days is not None and days > MAX_DAYS:
        raise err("days", f"at most {MAX_DAYS} working days (about 40 years) a run, got {days}")

    structures = raw.get("structures")
    if structures is not None:
        if (not isinstance(structures, list) or not structures
                or not all(isinstance(s, str) for s in structures)):
            raise err("structures", "must be a non-empty list of structure names")
        dup = _first_duplicate(structures)
        if dup is not None:
            raise err("structures", f"{dup!r} is listed twice")
        structures = tuple(structures)
    baseline = raw.get("baseline")
    if baseline is not None:
        if not isinstance(baseline, str):
            raise err("baseline", "must be a structure name")
        if structures is not None and baseline not in structures:
            raise err("baseline", f"{baseline!r} is not one of structures {list(structures)}")

    fixed = raw.get("fixed") or {}
    if not isinstance(fixed, dict):
        raise err("fixed", "must be a mapping of parameter path -> value")
    for k, v in fixed.items():
        if not isinstance(k, str) or not _is_scalar(v):
            raise err(f"fixed.{k}", _not_scalar(v, "must map a parameter path to a number, string or boolean"))

    design = _parse_design(path, raw.get("design", {"method": "grid"}))
    parameters = _parse_parameters(path, raw.get("parameters") or {}, design, fixed)

    replications = raw.get("replications", 1)
    if not _is_int(replications, minimum=1):
        raise err("replications", f"must be an integer >= 1, got {replications!r}")
    if "seed" not in raw:
        raise err("seed", "required: the master seed (an integer >= 0) that all run seeds derive from")
    seed = raw["seed"]
    if not _is_int(seed, minimum=0):
        raise err("seed", f"must be an integer >= 0, got {seed!r}")

    metrics = raw.get("metrics", "all")
    if metrics != "all":
        if (not isinstance(metrics, list) or not metrics
                or not all(isinstance(m, str) for m in metrics)):
            raise err("metrics", "must be 'all' or a non-empty list of metric names")
        dup = _first_duplicate(metrics)
        if dup is not None:
            raise err("metrics", f"{dup!r} is listed twice")
        metrics = tuple(metrics)

    sens = raw.get("sensitivity")
    if sens is not None and design.method not in SENSITIVITY_METHODS:
        raise err("sensitivity", "only applies to a 'morris' or 'sobol' design (the ones "
                  f"'python -m experiments sensitivity' analyses), not {design.method!r}: remove this block")
    sens = sens or {}
    if not isinstance(sens, dict):
        raise err("sensitivity", "must be a mapping with 'metrics'")
    _no_unknown(path, sens, {"metrics"}, "sensitivity.")
    sens_metrics = sens.get("metrics")
    if sens_metrics is not None:
        if (not isinstance(sens_metrics, list) or not sens_metrics
                or not all(isinstance(m, str) for m in sens_metrics)):
            raise err("sensitivity.metrics", "must be a non-empty list of metric names")
        sens_metrics = tuple(sens_metrics)

    if not _is_int(replications, maximum=MAX_RUNS):
        raise err("replications", f"at most {MAX_RUNS:,} runs an experiment, got {replications:,} replications")

    normalized = {
        "name": name, "scenario": raw["scenario"], "days": days,
        "structures": list(structures) if structures else None, "baseline": baseline,
        "fixed": fixed, "parameters": [dataclasses.asdict(p) for p in parameters],
        "design": dataclasses.asdict(design), "replications": replications, "seed": seed,
        "metrics": list(metrics) if metrics != "all" else "all",
    }
    normalized = json.loads(json.dumps(normalized, default=list))
    spec = Spec(path=path, name=name, description=description, scenario=scenario, days=days,
                structures=structures, baseline=baseline, fixed=dict(fixed),
                parameters=parameters, design=design, replications=replications, seed=seed,
                metrics=metrics, sensitivity_metrics=sens_metrics, normalized=normalized)
    _check_run_count(spec)
    return spec


def _check_name(path, name, given: bool) -> None:
    """The name becomes the folder ``results/<name>``: one plain folder name, so results never
    land outside the results folder (``../x``, ``/abs``, ``a/b``) or in an unusable one."""
    field = "name" if given else f"name (default: the file name {path.stem!r})"
    problem = folder_name_problem(name)
    if problem:
        raise SpecError(path, field, f"it is used as the results folder results/<name>, so it {problem}")


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


def _parse_design(path, d) -> Design:
    if isinstance(d, str):
        d = {"method": d}
    if not isinstance(d, dict):
        raise SpecError(path, "design", f"must be a mapping with 'method' (one of {', '.join(METHODS)})")
    _no_unknown(path, d, _DESIGN_KEYS, "design.")
    method = d.get("method", "grid")
    if method not in METHODS:
        raise SpecError(path, "design.method", f"must be one of {', '.join(METHODS)}, got {method!r}")
    n = d.get("n")
    if method == "grid":
        for k in ("n", "levels", "second_order"):
            if k in d:
                raise SpecError(path, f"design.{k}", "only applies to sampled designs (latin, sobol, morris)")
    else:
        if n is None:
            raise SpecError(path, "design.n", f"required for method {method!r}: number of samples"
                            + (" (trajectories)" if method == "morris" else ""))
        if not _is_int(n, minimum=2):
            raise SpecError(path, "design.n", f"must be an integer >= 2, got {n!r}")
        if method == "sobol" and n & (n - 1):
            raise SpecError(path, "design.n", f"must be a power of 2 for Sobol sampling, got {n}")
    seed = d.get("seed")
    if seed is not None and not _is_int(seed, minimum=0):
        raise SpecError(path, "design.seed", f"must be an integer >= 0, got {seed!r}")
    levels = d.get("levels", 4)
    if "levels" in d and method != "morris":
        raise SpecError(path, "design.levels", "only applies to method 'morris'")
    if not _is_int(levels, minimum=2) or levels % 2:
        raise SpecError(path, "design.levels", f"must be an even integer >= 2, got {levels!r}")
    second = d.get("second_order", False)
    if "second_order" in d and method != "sobol":
        raise SpecError(path, "design.second_order", "only applies to method 'sobol'")
    if not isinstance(second, bool):
        raise SpecError(path, "design.second_order", "must be true or false")
    return Design(method=method, n=n, seed=seed, levels=levels, second_order=second)


def _parse_parameters(path, params, design: Design, fixed) -> tuple:
    if not isinstance(params, dict):
        raise SpecError(path, "parameters", "must be a mapping of parameter path -> values or range")
    if not params and design.method != "grid":
        raise SpecError(path, "parameters", f"method {design.method!r} needs at least one parameter with a range")
    out = []
    for name, p in params.items():
        field = f"parameters.{name}"
        if not isinstance(name, str) or not name:
            raise SpecError(path, "parameters", f"parameter names must be strings, got {name!r}")
        if name in RESERVED_COLUMNS:
            raise SpecError(path, field, f"name clashes with a result column ({', '.join(RESERVED_COLUMNS)})")
        if name in fixed:
            raise SpecError(path, field, "is also set in 'fixed'; a parameter is either varied or fixed")
        if isinstance(p, list):
            p = {"values": p}
        if not isinstance(p, dict):
            raise SpecError(path, field, "must be a list of values, {values: [...]} or {low: .., high: ..}")
        _no_unknown(path, p, _PARAM_KEYS, field + ".")
        ptype = p.get("type", "float")
        if ptype not in ("float", "int"):
            raise SpecError(path, f"{field}.type", f"must be 'float' or 'int', got {ptype!r}")
        if design.method == "grid":
            if "values" not in p:
                raise SpecError(path, f"{field}.values", "required for a grid design (a list of values)")
            for k in ("low", "high"):
                if k in p:
                    raise SpecError(path, f"{field}.{k}", "a grid design takes 'values', not a range")
            values = p["values"]
            if not isinstance(values, list) or not values:
                raise SpecError(path, f"{field}.values", "must be a non-empty list")
            for i, v in enumerate(values):
                if not _is_scalar(v):
                    raise SpecError(path, f"{field}.values[{i}]", _not_scalar(v, "must be a number, string or boolean"))
            kinds = {_kind(v) for v in values}
            if len(kinds) > 1 and kinds != {"int", "float"}:
                raise SpecError(path, f"{field}.values", f"mixes kinds of values ({', '.join(sorted(kinds))})")
            dup = _first_duplicate(values)
            if dup is not None:
                raise SpecError(path, f"{field}.values", f"{dup!r} is listed twice")
            if kinds == {"int", "float"}:
                values = [float(v) for v in values]
            out.append(Parameter(name=name, values=tuple(values), type=ptype))
        else:
            if "values" in p:
                raise SpecError(path, f"{field}.values",
                                f"method {design.method!r} samples a range: give low and high instead")
            for k in ("low", "high"):
                if k not in p:
                    raise SpecError(path, f"{field}.{k}", f"required for method {design.method!r}")
                if not _is_number(p[k]):
                    raise SpecError(path, f"{field}.{k}", f"must be a finite number, got {p[k]!r}")
            if not p["low"] < p["high"]:
                raise SpecError(path, field, f"low ({p['low']}) must be below high ({p['high']})")
            out.append(Parameter(name=name, low=float(p["low"]), high=float(p["high"]), type=ptype))
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


def _no_unknown(path, d: dict, allowed: set, prefix: str) -> None:
    for k in d:
        if k not in allowed:
            raise SpecError(path, f"{prefix}{k}", f"unknown field; allowed: {', '.join(sorted(allowed))}")


def _is_int(v, minimum=None, maximum=None) -> bool:
    return (isinstance(v, int) and not isinstance(v, bool) and (minimum is None or v >= minimum)
            and (maximum is None or v <= maximum))


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
