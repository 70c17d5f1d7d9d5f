"""The teaching app's model side: what the page may ask for, checked, and two structures run side by side.

Nothing the browser sends is trusted: a page can send any value for any widget, whatever the widget
offers. ``check_input`` checks each value against the input's list or range; a refused value leaves the
input as it was. A scenario is one of the embedded names, read from its own file (``load_embedded``), or
a YAML file the user uploaded, parsed from the bytes the page sent (``load_uploaded``: size-capped,
validated with the same one-line errors as the command line, never written to disk). ``PairModel``
checks its parameters again (``clean_inputs``) and says in the numbers panel what it replaced.

This module draws nothing (``analysis.app_views`` does) and imports no Solara: tests and the timing
script (``experiments/benchmarks/bench_app.py``) use it without a browser.
"""
from __future__ import annotations

import math
import numbers
import re
import sys
from pathlib import Path

import mesa
import numpy as np

import sim
from sim.errors import InputError
from sim.i18n import LANGUAGES
from sim.ledgers import IDLE_BELOW, OVERLOADED_ABOVE, gini
from sim.run import release
from sim.scenario import SCENARIO_DIR, absence_overrides, parse_scenario
from sim.yamlfile import decode, parse_yaml

ROOT = Path(__file__).resolve().parents[1]
AUTO = "(default)"  # PairModel's "the scenario's first (A) or second (B) structure"
UPLOADED = "(uploaded)"  # the scenario key of the file the user uploaded in this browser session
SIDES = ("A", "B")
WINDOW_DAYS = 10  # the cycle-time plot averages tasks completed in the last WINDOW_DAYS working days

MAX_SCENARIO_BYTES = 1_000_000  # an embedded scenario is a few kB; a larger file there is not read
# An uploaded scenario: at most 200 kB (the largest embedded one, Huaibei's 52 sections, is about 30 kB),
# and at most MAX_UPLOAD_STAFF people and MAX_UPLOAD_ARRIVALS expected tasks over its horizon, so that one
# upload cannot make the app (shared by a class) step for minutes. Assumption: 10x the largest embedded.
MAX_UPLOAD_BYTES = 200_000
MAX_UPLOAD_STAFF = 1_500
MAX_UPLOAD_ARRIVALS = 250_000


def _embedded_files() -> dict[str, Path]:
    """Embedded scenario name -> its file under sim/scenarios: the only files the app ever reads."""
    out = {}
    for name in sim.available():
        path = SCENARIO_DIR / f"{name}.yaml"
        if path.is_file() and path.stat().st_size <= MAX_SCENARIO_BYTES:
            out[name] = path
        else:
            print(f"app: skipping scenario {name}: not a regular file of at most {MAX_SCENARIO_BYTES} bytes",
                  file=sys.stderr)
    return out


def load_embedded(name: str) -> sim.Scenario:
    """An embedded scenario by its checked name, read from its own file (never from a path it was given)."""
    return sim.load_scenario(SCENARIO_FILES[name])


def _catalogue() -> dict[str, sim.Scenario]:
    """Scenario name -> the scenario, for every embedded scenario that loads."""
    out = {}
    for name in SCENARIO_FILES:
        try:
            out[name] = load_embedded(name)
        except InputError as e:  # a scenario being written elsewhere must not take the app down
            print(f"app: skipping scenario {name}: {e}", file=sys.stderr)
    return out


def load_uploaded(filename, data) -> sim.Scenario:
    """A scenario from the bytes of a file the user uploaded, checked like one on the command line.

    Raises InputError with one line naming the file (its base name only), the field and what is wrong:
    too large, not UTF-8/GBK text, not YAML, not a valid scenario, or too big a model to step live."""
    name = Path(str(filename or "upload.yaml")).name[:80] or "upload.yaml"
    if not isinstance(data, (bytes, bytearray, str)):
        raise InputError(name, "file", "no file content arrived")
    raw_bytes = data.encode("utf-8") if isinstance(data, str) else bytes(data)
    if len(raw_bytes) > MAX_UPLOAD_BYTES:
        raise InputError(name, "file", f"{len(raw_bytes):,} bytes; the app takes scenario files of at most "
                                       f"{MAX_UPLOAD_BYTES:,} bytes")
    if not name.lower().endswith((".yaml", ".yml")):
        raise InputError(name, "file", "expected a .yaml or .yml scenario file")
    sc = parse_scenario(parse_yaml(decode(raw_bytes, name, "scenario"), name), name)
    for sname in sc.structure_names:
        staff = sum(len(s.staff) for _, s in sc.structures[sname].sections())
        if staff > MAX_UPLOAD_STAFF:
            raise InputError(name, f"structures.{sname}", f"{staff:,} staff; the app steps at most "
                                                          f"{MAX_UPLOAD_STAFF:,} live (use python -m sim run)")
    expected = sum(wf.rate_per_day for wf in sc.workload.workflows) * sc.workload.load_factor * sc.horizon_days
    if expected > MAX_UPLOAD_ARRIVALS:
        raise InputError(name, "workload", f"about {expected:,.0f} tasks over the horizon; the app steps at most "
                                           f"{MAX_UPLOAD_ARRIVALS:,} live (use python -m sim run)")
    return sc


def structure_choices(sc: sim.Scenario) -> list[str]:
    """The structures a menu offers for scenario ``sc``: its own, in file order."""
    return list(sc.structure_names)


def default_structures(sc: sim.Scenario) -> dict[str, str]:
    """A and B when none is chosen: the scenario's first two structures (its before and after)."""
    names = sc.structure_names
    return {"A": names[0], "B": names[1] if len(names) > 1 else names[0]}


SCENARIO_FILES = _embedded_files()
CATALOGUE = _catalogue()
SCENARIOS = list(CATALOGUE)
DEFAULT_SCENARIO = "finance_bureau" if "finance_bureau" in CATALOGUE else (SCENARIOS[0] if SCENARIOS else None)
_default_sc = CATALOGUE[DEFAULT_SCENARIO] if DEFAULT_SCENARIO else None
_default_pair = default_structures(_default_sc) if _default_sc else {"A": AUTO, "B": AUTO}
DEFAULTS = dict(scenario=DEFAULT_SCENARIO, structure_a=_default_pair["A"], structure_b=_default_pair["B"], seed=1,
                absence=1.0,
                workload=float(_default_sc.workload.load_factor) if _default_sc else 1.0,
                coord_steps=int(_default_sc.params.handoff.section.steps) if _default_sc else 3,
                section_size=1.0)

# The sliders' ranges, checked on the server for every value the page sends. ``fallback`` replaces a
# rejected value when a model is built (None: the scenario's own value); ``label`` is the i18n key.
SLIDERS = {
    "seed": dict(min=0, max=99, step=1, kind=int, fallback=1),
    "absence": dict(min=0.0, max=3.0, step=0.25, kind=float, fallback=1.0),
    "workload": dict(min=0.5, max=1.5, step=0.05, kind=float, fallback=None),
    "coord_steps": dict(min=0, max=8, step=1, kind=int, fallback=None),
    "section_size": dict(min=0.5, max=2.0, step=0.25, kind=float, fallback=1.0),
}
# The play speed in working days per second, given the same checks. Default 5: a year (250 days) in 50 s,
# the "a year in under a minute"; the page draws at most FRAMES_PER_SECOND frames a second and
# steps several days per frame above that.
CONTROLS = {
    "speed": dict(min=1, max=25, step=1, kind=int, fallback=5),
}
FRAMES_PER_SECOND = 10  # assumption: ten redraws a second read as smooth motion and leave the browser idle time
RANGES = {**SLIDERS, **CONTROLS}
SLACK = 1e-9  # a slider step arrives as 1.5000000000000002: within SLACK of a bound is on it
MAX_ECHO = 40  # characters of a rejected value repeated in a message
_DEFAULT = object()


# ---- checking what the browser sends -----------------------------------------------------------
def echo(value) -> str:
    """A rejected value as a message shows it: one line, at most MAX_ECHO characters."""
    try:
        text = value if isinstance(value, str) else repr(value)
    except Exception:  # an int of more than 4300 digits has no repr; an odd object may fail its own
        text = f"<{type(value).__name__}>"
    text = re.sub(r"\s+", " ", text)
    return text if len(text) <= MAX_ECHO else text[: MAX_ECHO - 1] + "…"


def short_reason(text: str, limit: int = 120) -> str:
    """A server-side reason fit for the page: no server paths, one line, at most ``limit`` characters."""
    for root in sorted({str(SCENARIO_DIR), str(ROOT), str(Path.home())}, key=len, reverse=True):
        text = text.replace(root + "/", "").replace(root, "")
    text = re.sub(r"\s+", " ", text).strip()
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _shown(value) -> str:
    return "scenario_own" if value is None else (f"{value:g}" if isinstance(value, (int, float)) else str(value))


def check_slider(name: str, value, fallback=_DEFAULT):
    """(value to use, None) if ``value`` fits slider ``name`` (a finite number in its range, whole for a
    whole-number slider), else (``fallback``, (i18n key, fields)); the slider's own fallback by default."""
    spec = RANGES[name]
    lo, hi = spec["min"], spec["max"]
    used = spec["fallback"] if fallback is _DEFAULT else fallback
    fields = {"param": name, "value": echo(value), "used": _shown(used)}
    if not isinstance(value, numbers.Real) or isinstance(value, bool):
        return used, ("note_number", fields)
    range_note = ("note_range", {**fields, "lo": f"{lo:g}", "hi": f"{hi:g}"})
    try:
        value = float(value)
    except OverflowError:  # an int beyond float's range
        return used, range_note
    if not math.isfinite(value):
        return used, ("note_finite", fields)
    if not lo - SLACK <= value <= hi + SLACK:
        return used, range_note
    value = min(max(value, lo), hi)
    if spec["kind"] is int:
        if abs(value - round(value)) > SLACK:
            return used, ("note_whole", fields)
        return int(round(value)), None
    return round(value, 6), None  # slider steps arrive as 1.2000000000000002


def check_choice(name: str, value, choices, fallback):
    """(value, None) if ``value`` is one of ``choices`` (compared as a string: nothing else is looked at,
    a path is not a file to the app), else (``fallback``, (i18n key, fields))."""
    if isinstance(value, str) and value in choices:
        return value, None
    if name == "scenario":
        return fallback, ("note_scenario", {"value": echo(value), "used": fallback})
    return fallback, ("note_choice", {"param": name, "value": echo(value), "used": _shown(fallback)})


def check_input(name: str, value, current, choices=None):
    """A value the page sent for input ``name`` -> (value to keep, note): the value itself and None if
    it is one the input offers (``choices`` for a menu whose items depend on the page: the structures
    of the scenario chosen), else ``current`` and why not."""
    if name == "scenario":
        kept, note = check_choice(name, value, choices if choices is not None else SCENARIOS, current)
    elif name in ("structure_a", "structure_b"):
        kept, note = check_choice(name, value, choices if choices is not None else [], current)
    elif name == "language":
        kept, note = check_choice(name, value, list(LANGUAGES), current)
    else:
        kept, note = check_slider(name, value, current)
    if note is not None:  # refused, not replaced: the input keeps what it had
        note = (note[0], {k: v for k, v in note[1].items() if k != "used"})
    return kept, note


def clean_inputs(*, scenario=DEFAULT_SCENARIO, structure_a=AUTO, structure_b=AUTO, seed=1, absence=1.0,
                 workload=None, coord_steps=None, section_size=1.0,
                 uploaded: bool = False) -> tuple[dict, list[tuple[str, dict]]]:
    """PairModel's parameters as they came -> (values to use, notes on what was rejected).

    The scenario must be one of the embedded names (None: the default) or, when the session holds an
    uploaded scenario (``uploaded``), that one (``UPLOADED``); each slider value a finite
    number in its range (whole for whole-number sliders), else the slider's fallback is used; None
    for workload and coordination steps means the scenario's own. Structures are checked against the
    scenario in PairModel."""
    notes = []
    name, note = (DEFAULT_SCENARIO, None) if scenario is None else check_choice(
        "scenario", scenario, [*SCENARIOS, UPLOADED] if uploaded else SCENARIOS, DEFAULT_SCENARIO)
    notes += [note] if note else []
    clean = {"scenario": name, "structure_a": structure_a, "structure_b": structure_b}
    for key, value in (("seed", seed), ("absence", absence), ("workload", workload), ("coord_steps", coord_steps),
                       ("section_size", section_size)):
        if value is None and SLIDERS[key]["fallback"] is None:
            clean[key] = None
            continue
        clean[key], note = check_slider(key, value)
        notes += [note] if note else []
    return clean, notes


# ---- scenario overrides ------------------------------------------------------------------------
def _size_overrides(raw: dict, m: float) -> dict:
    """Scale every ``count`` of staff (not the named heads) in the scenario's base structures.

    A count written as a "$variable" scales that variable instead, so scenarios that size their
    sections with variables are scaled through them."""
    out = {}
    variables = raw.get("variables") or {}
    for sname, spec in (raw.get("structures") or {}).items():
        if not isinstance(spec, dict) or "bodies" not in spec:
            continue  # a derived structure ("from: ...") inherits the scaled staff
        for bi, b in enumerate(spec.get("bodies") or []):
            for si, s in enumerate(b.get("sections") or []):
                for mi, member in enumerate(s.get("staff") or []):
                    c = member.get("count") if isinstance(member, dict) else None
                    if isinstance(c, str) and c.startswith("$") and isinstance(variables.get(c[1:]), (int, float)):
                        out[f"variables.{c[1:]}"] = int(math.floor(variables[c[1:]] * m + 0.5))
                    elif isinstance(c, (int, float)) and not isinstance(c, bool):
                        out[f"structures.{sname}.bodies.{bi}.sections.{si}.staff.{mi}.count"] = int(math.floor(c * m + 0.5))
    return out


def scenario_overrides(sc: sim.Scenario, *, absence: float = 1.0, workload: float | None = None,
                       coord_steps: int | None = None, section_size: float = 1.0) -> tuple[dict, dict]:
    """The app's sliders as ``Scenario.with_overrides`` paths: (general overrides, section-size overrides)."""
    raw = sc.raw
    out = {}
    if workload is not None and abs(workload - sc.workload.load_factor) > 1e-12:
        out["workload.load_factor"] = float(workload)
    if coord_steps is not None and int(coord_steps) != sc.params.handoff.section.steps:
        out["params.handoff.section.steps"] = int(coord_steps)
    if abs(absence - 1.0) > 1e-12:
        out.update(absence_overrides(sc, absence))
    size = _size_overrides(raw, section_size) if abs(section_size - 1.0) > 1e-12 else {}
    return out, size


# ---- live measures -----------------------------------------------------------------------------


class Tracker:
    """Live measures of one OfficeModel, updated per day.

    The numbers a class compares count from the end of the warm-up on (``set_base`` at that day),
    as the run's own summary does (sim.ledgers): queues start empty, so the first days flatter
    everyone. The curves (``*_all`` and the recent cycle time) count from day 0, warm-up shaded.
    Utilisation is busy time over present time per person, from the event ledger plus the job in hand."""

    def __init__(self, model: sim.OfficeModel):
        if model.ledgers.events is None:
            raise ValueError("Tracker needs an OfficeModel with record_events=True")
        self.m = model
        self.index = {s.sid: i for i, s in enumerate(model.staff)}
        self.busy = np.zeros(len(model.staff))
        self._events = 0
        self._ab = self._absences()
        self._done = 0
        self._completion: list[float] = []
        self._cycle: list[float] = []
        self._sum = {"cycle": 0.0, "steps": 0.0, "handoffs": 0.0}
        self.base: dict | None = None  # the counts at the end of the warm-up

    def _absences(self) -> np.ndarray:
        rows = [(self.index[p], s, e) for p, _, s, e in self.m.ledgers.absences if p in self.index]
        return np.array(rows, dtype=float).reshape(-1, 3)

    def _absent_hours(self, now: float) -> np.ndarray:
        if self.m.ledgers.requested is not None:  # a leave policy moves episodes as the run goes
            self._ab = self._absences()
        if not len(self._ab):
            return np.zeros(len(self.busy))
        who, start, end = self._ab[:, 0].astype(int), self._ab[:, 1], self._ab[:, 2]
        return np.bincount(who, weights=np.clip(np.minimum(end, now) - start, 0.0, None), minlength=len(self.busy))

    def _busy_present(self) -> tuple[np.ndarray, np.ndarray]:
        """Hours busy and hours present per person since the start."""
        m = self.m
        ev = m.ledgers.events
        for _, _, res, _, start, end in ev[self._events:]:
            i = self.index.get(res)
            if i is not None:
                self.busy[i] += end - start
        self._events = len(ev)
        busy = self.busy.copy()
        for i, s in enumerate(m.staff):
            if s.job is not None:
                busy[i] += m.now - s.job_start
        return busy, m.now - self._absent_hours(m.now)

    @staticmethod
    def _ratio(busy: np.ndarray, present: np.ndarray) -> np.ndarray:
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(present > 1e-9, busy / np.maximum(present, 1e-9), np.nan)

    def utilisation(self) -> np.ndarray:
        """Busy over present per person since the start of the run."""
        return self._ratio(*self._busy_present())

    def _halts(self) -> tuple[int, float]:
        m = self.m
        open_halts = [q for q in m.queues.values() if q.halt_start is not None]
        return (len(m.ledgers.halts) + len(open_halts),
                sum(h[4] for h in m.ledgers.halts) + sum(m.now - q.halt_start for q in open_halts))

    def set_base(self) -> None:
        """From now on the compared numbers count from here (the end of the warm-up)."""
        self.measures()  # take in the day's completions first
        busy, present = self._busy_present()
        halts, hours = self._halts()
        self.base = {"arrived": self.m._arr_i, "done": self._done, "sum": dict(self._sum), "busy": busy,
                     "present": present, "halts": halts, "halt_hours": hours}

    @staticmethod
    def _spread(u: np.ndarray) -> dict:
        u = u[~np.isnan(u)]
        nan = float("nan")
        if not len(u):
            return {"util_mean": nan, "util_cv": nan, "util_gini": nan, "idle_share": nan, "overloaded_share": nan}
        um = float(u.mean())
        return {"util_mean": um, "util_cv": float(u.std() / um) if um > 0 else nan, "util_gini": gini(u),
                "idle_share": float((u < IDLE_BELOW).mean()), "overloaded_share": float((u > OVERLOADED_ABOVE).mean())}

    def measures(self) -> dict:
        m = self.m
        rows = m.ledgers.task_rows(self._done)
        cycle = (rows["completion"] - rows["arrival"]) / m.hpd
        self._completion.extend(rows["completion"].tolist())
        self._cycle.extend(cycle.tolist())
        self._sum["cycle"] += float(cycle.sum())
        self._sum["steps"] += int(rows["work_steps"].sum() + rows["coordination_steps"].sum() + rows["approval_levels"].sum())
        self._sum["handoffs"] += int(rows["handoffs"].sum())
        self._done = self._done + len(rows)
        recent = (np.asarray(self._cycle)[np.asarray(self._completion) >= m.now - WINDOW_DAYS * m.hpd]
                  if self._done else np.array([]))
        busy, present = self._busy_present()
        halts, hours = self._halts()
        everything = self._spread(self._ratio(busy, present))
        since = everything if self.base is None else self._spread(self._ratio(busy - self.base["busy"],
                                                                                present - self.base["present"]))
        b = self.base or {"arrived": 0, "done": 0, "sum": {k: 0.0 for k in self._sum},
                          "halts": 0, "halt_hours": 0.0}
        n = self._done - b["done"]
        sums = {k: self._sum[k] - b["sum"][k] for k in self._sum}
        nan = float("nan")
        return {
            "day": m.day,
            "arrived": m._arr_i - b["arrived"],
            "completed": n,
            "wip": m.wip,
            "cycle_days": sums["cycle"] / n if n else nan,
            "cycle_days_recent": float(recent.mean()) if len(recent) else nan,
            "steps_per_task": sums["steps"] / n if n else nan,
            "handoffs_per_task": sums["handoffs"] / n if n else nan,
            "halts": halts - b["halts"],
            "halt_hours": hours - b["halt_hours"],
            **since,
            "trays": sum(len(l.tray) for l in m.leaders.values()),
            "halts_all": halts,
            "util_cv_all": everything["util_cv"],
        }


MEASURES = ("day", "arrived", "completed", "wip", "cycle_days", "cycle_days_recent", "steps_per_task",
            "handoffs_per_task", "halts", "halt_hours", "util_mean", "util_cv", "util_gini", "idle_share",
            "overloaded_share", "trays", "halts_all", "util_cv_all")


class PairModel(mesa.Model):
    """Two structures of one scenario on one seed, each advanced one working day per ``step()``.

    ``scenario`` is an embedded name, or ``UPLOADED`` with the parsed upload in ``uploaded``."""

    def __init__(self, *, scenario: str | None = DEFAULT_SCENARIO, structure_a: str = AUTO, structure_b: str = AUTO,
                 seed: int = 1, absence: float = 1.0, workload: float | None = None, coord_steps: int | None = None,
                 section_size: float = 1.0, days: int | None = None, uploaded: sim.Scenario | None = None):
        # every value here may come from the browser: checked first, a rejected one replaced and noted
        clean, self.notes = clean_inputs(scenario=scenario, structure_a=structure_a, structure_b=structure_b,
                                         seed=seed, absence=absence, workload=workload, coord_steps=coord_steps,
                                         section_size=section_size, uploaded=uploaded is not None)
        seed, absence, workload = clean["seed"], clean["absence"], clean["workload"]
        coord_steps, section_size = clean["coord_steps"], clean["section_size"]
        super().__init__(seed=seed)
        self.scenario_name = clean["scenario"]
        base = uploaded if self.scenario_name == UPLOADED else CATALOGUE[self.scenario_name]
        self.base = base
        names = base.structure_names
        defaults = default_structures(base)
        chosen = {}
        for side, asked in (("A", structure_a), ("B", structure_b)):
            if asked is None or (isinstance(asked, str) and asked in ("", AUTO)):
                chosen[side] = defaults[side]
            elif isinstance(asked, str) and asked in names:
                chosen[side] = asked
            else:
                chosen[side] = defaults[side]
                self.notes.append(("note_structure", {"asked": echo(asked), "scenario": self.scenario_name,
                                                      "used": defaults[side]}))
        self.structure_names = chosen
        if chosen["A"] == chosen["B"]:
            self.notes.append(("note_same_structure", {}))
        general, size = scenario_overrides(base, absence=absence, workload=workload, coord_steps=coord_steps,
                                           section_size=section_size)
        if abs(section_size - 1.0) > 1e-12 and not size:
            self.notes.append(("note_size_none", {}))
        try:
            sc = base.with_overrides({**general, **size})
        except InputError as e:
            reason = short_reason(str(getattr(e, "reason", e)))
            if size:  # the scaled sizes do not fit: keep the other settings
                self.notes.append(("note_size", {"m": section_size, "reason": reason}))
                section_size = 1.0
            else:
                self.notes.append(("note_overrides", {"reason": reason}))
            try:
                sc = base.with_overrides(general if size else {})
            except InputError as e2:
                self.notes.append(("note_overrides", {"reason": short_reason(str(getattr(e2, "reason", e2)))}))
                sc = base
        self.scenario = sc
        self.settings = {"workload": sc.workload.load_factor, "absence": absence,
                         "coord_steps": sc.params.handoff.section.steps, "section_size": section_size, "seed": seed}
        self.models = {side: sim.OfficeModel(scenario=sc, structure=chosen[side], seed=seed, days=days, record_events=True)
                       for side in SIDES}
        self.days = self.models["A"].days
        self.trackers = {side: Tracker(m) for side, m in self.models.items()}
        self.measures = {side: tr.measures() for side, tr in self.trackers.items()}
        self.datacollector = mesa.DataCollector(model_reporters={
            f"{k}_{side}": (lambda mdl, k=k, side=side: mdl.measures[side][k]) for side in SIDES for k in MEASURES})
        self.datacollector.collect(self)
        self.running = True

    @property
    def day(self) -> int:
        return self.models["A"].day

    @property
    def warmup_days(self) -> int:
        """Working days at the start that a run does not measure (queues start empty)."""
        return round(self.scenario.warmup_hours(self.days) / self.scenario.calendar.hours_per_day)

    def transition_days(self, side: str) -> float:
        """Working days of handover friction on ``side``: the scenario's transition if the structure has
        staff a reform moved, else 0 (the transition mechanism slows only them)."""
        t = self.scenario.params.transition
        moved = any(m.transferred for m in self.models[side].staff)
        return float(t.days) if moved and t.days > 0 and t.slowdown > 0 else 0.0

    def release(self) -> None:
        """Let this pair and its two runs be garbage-collected (Mesa 3.3 keeps every model in Agent._ids)."""
        for m in self.models.values():
            release(m)
        release(self)

    def step(self):
        for side in SIDES:
            self.models[side].step()
            if self.day == self.warmup_days:  # the compared numbers start here, as the run's summary does
                self.trackers[side].set_base()
            self.measures[side] = self.trackers[side].measures()
        self.datacollector.collect(self)
        self.running = any(m.running for m in self.models.values())


