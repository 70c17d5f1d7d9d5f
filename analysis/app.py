"""Teaching app: two section structures of one scenario run side by side, one working day per step.

Start it from the repository root with

    solara run analysis/app.py --production

(dev mode's file watcher hits the inotify limit on some machines). Pick a scenario and two of its
structures, set absence, workload, coordination steps and section size in the sidebar, press
Reset to apply them, then Step or ▶. Both structures get the same seed, so the same tasks arrive
and the same people are away on the same days (common random numbers): every difference on the
screen comes from the structure.

Nothing the browser sends is trusted: a page can send any value for any widget, whatever the widget
offers. Every input of the page is the app's own (``CheckedSlider``, ``CheckedSelect``,
``LanguageSwitch``) and hands what arrives to ``take``, which checks it against the input's list or
range (``check_input``): a refused value leaves the input as it was and shows one short line above
the figures, never a traceback. The scenario is only ever one of the embedded names: the app reads
no file the browser names, only the embedded scenarios' own files (``load_embedded``). PairModel
checks its parameters again (``clean_inputs``) and says in the numbers panel what it replaced.

The app logic (``PairModel``, ``Tracker``, ``clean_inputs``, ``scenario_overrides``, ``section_view``,
the figure functions) runs without a browser; tests/test_app.py covers it, tests/test_app_browser.py
drives the page in Chromium.
"""
from __future__ import annotations

import io
import math
import numbers
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # `solara run analysis/app.py` puts analysis/ on the path, not the root
    sys.path.insert(0, str(ROOT))

import warnings  # noqa: E402

# Mesa 3.3's ComponentsView trips solara's hook checker at import; the warning is about Mesa, not this app
warnings.filterwarnings("ignore", message=r".*ComponentsView: `use_state` found despite early return", category=UserWarning)

import matplotlib as mpl  # noqa: E402
import mesa  # noqa: E402
import numpy as np  # noqa: E402
import solara  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402
from matplotlib.patches import FancyBboxPatch  # noqa: E402
import reacton.ipyvuetify as rv  # noqa: E402
from mesa.visualization import Slider  # noqa: E402
from mesa.visualization.solara_viz import ModelController, ShowSteps  # noqa: E402
from mesa.visualization.utils import update_counter  # noqa: E402

import sim  # noqa: E402
from analysis import style  # noqa: E402
from analysis.i18n import DEFAULT_LANGUAGE, LANGUAGES, t  # noqa: E402
from sim.errors import InputError  # noqa: E402
from sim.scenario import SCENARIO_DIR, absence_overrides  # noqa: E402
from sim.ledgers import IDLE_BELOW, OVERLOADED_ABOVE, gini  # noqa: E402



def use_cjk_font() -> str | None:
    """analysis.style's CJK font, first in font.sans-serif. (``style.setup()`` also registers an IPython
    display formatter, which fails under solara's stand-in IPython, so only the font part is used.)"""
    font = style.cjk_font()
    if font and mpl.rcParams["font.sans-serif"][:1] != [font]:
        mpl.rcParams["font.sans-serif"] = [font, *[f for f in mpl.rcParams["font.sans-serif"] if f != font]]
    mpl.rcParams["font.family"] = "sans-serif"
    mpl.rcParams["axes.unicode_minus"] = False
    return font


use_cjk_font()

AUTO = "(default)"
SIDES = ("A", "B")
SIDE_COLOURS = {"A": "#3182bd", "B": "#e6550d"}
STATE_COLOURS = {"busy": "#d62728", "idle": "#2ca02c", "absent": "#c7c7c7"}
WINDOW_DAYS = 10  # the cycle-time plot averages tasks completed in the last WINDOW_DAYS working days


MAX_SCENARIO_BYTES = 1_000_000  # an embedded scenario is a few kB; a larger file there is not read


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


def _catalogue() -> dict[str, list[str]]:
    """Scenario name -> structure names, for every embedded scenario that loads."""
    out = {}
    for name in SCENARIO_FILES:
        try:
            out[name] = load_embedded(name).structure_names
        except InputError as e:  # a scenario being written elsewhere must not take the app down
            print(f"app: skipping scenario {name}: {e}", file=sys.stderr)
    return out


SCENARIO_FILES = _embedded_files()
CATALOGUE = _catalogue()
SCENARIOS = list(CATALOGUE)
DEFAULT_SCENARIO = "finance_bureau" if "finance_bureau" in CATALOGUE else (SCENARIOS[0] if SCENARIOS else None)
ALL_STRUCTURES = sorted({s for names in CATALOGUE.values() for s in names})
_default_sc = load_embedded(DEFAULT_SCENARIO) if DEFAULT_SCENARIO else None
DEFAULTS = dict(scenario=DEFAULT_SCENARIO, structure_a=AUTO, structure_b=AUTO, seed=1, absence=1.0,
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
# Mesa's play controls, given the same checks (a render interval of 10**9 would step for hours)
CONTROLS = {
    "play_interval": dict(min=1, max=500, step=10, kind=int, fallback=150),
    "render_interval": dict(min=1, max=100, step=1, kind=int, fallback=1),
}
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


def check_input(name: str, value, current):
    """A value the page sent for input ``name`` -> (value to keep, note): the value itself and None if
    it is one the input offers, else ``current`` and why not."""
    if name == "scenario":
        kept, note = check_choice(name, value, SCENARIOS, current)
    elif name in ("structure_a", "structure_b"):
        kept, note = check_choice(name, value, [AUTO, *ALL_STRUCTURES], current)
    elif name == "language":
        kept, note = check_choice(name, value, list(LANGUAGES), current)
    else:
        kept, note = check_slider(name, value, current)
    if note is not None:  # refused, not replaced: the input keeps what it had
        note = (note[0], {k: v for k, v in note[1].items() if k != "used"})
    return kept, note


def clean_inputs(*, scenario=DEFAULT_SCENARIO, structure_a=AUTO, structure_b=AUTO, seed=1, absence=1.0,
                 workload=None, coord_steps=None, section_size=1.0) -> tuple[dict, list[tuple[str, dict]]]:
    """PairModel's parameters as they came -> (values to use, notes on what was rejected).

    The scenario must be one of the embedded names (None: the default), each slider value a finite
    number in its range (whole for whole-number sliders), else the slider's fallback is used; None
    for workload and coordination steps means the scenario's own. Structures are checked against the
    scenario in PairModel."""
    notes = []
    name, note = (DEFAULT_SCENARIO, None) if scenario is None else check_choice("scenario", scenario, SCENARIOS,
                                                                               DEFAULT_SCENARIO)
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
    """Live measures of one OfficeModel from the start of the run (warm-up included), updated per day.

    Utilisation is busy time over present time per person so far, from the event ledger plus the
    job in hand; the run's own summary (sim.ledgers) counts only after the warm-up."""

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

    def utilisation(self) -> np.ndarray:
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
        present = m.now - self._absent_hours(m.now)
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(present > 1e-9, busy / np.maximum(present, 1e-9), np.nan)

    def measures(self) -> dict:
        m = self.m
        rows = m.ledgers.task_rows(self._done)
        cycle = (rows["completion"] - rows["arrival"]) / m.hpd
        self._completion.extend(rows["completion"].tolist())
        self._cycle.extend(cycle.tolist())
        self._sum["cycle"] += float(cycle.sum())
        self._sum["steps"] += int(rows["work_steps"].sum() + rows["coordination_steps"].sum() + rows["approval_levels"].sum())
        self._sum["handoffs"] += int(rows["handoffs"].sum())
        self._done = n = self._done + len(rows)
        recent = np.asarray(self._cycle)[np.asarray(self._completion) >= m.now - WINDOW_DAYS * m.hpd] if n else np.array([])
        open_halts = [q for q in m.queues.values() if q.halt_start is not None]
        util = self.utilisation()
        u = util[~np.isnan(util)]
        um = float(u.mean()) if len(u) else float("nan")
        nan = float("nan")
        return {
            "day": m.day,
            "arrived": m._arr_i,
            "completed": n,
            "wip": m.wip,
            "cycle_days": self._sum["cycle"] / n if n else nan,
            "cycle_days_recent": float(recent.mean()) if len(recent) else nan,
            "steps_per_task": self._sum["steps"] / n if n else nan,
            "handoffs_per_task": self._sum["handoffs"] / n if n else nan,
            "halts": len(m.ledgers.halts) + len(open_halts),
            "halt_hours": sum(h[4] for h in m.ledgers.halts) + sum(m.now - q.halt_start for q in open_halts),
            "util_mean": um,
            "util_cv": float(u.std() / um) if len(u) and um > 0 else nan,
            "util_gini": gini(u) if len(u) else nan,
            "idle_share": float((u < IDLE_BELOW).mean()) if len(u) else nan,
            "overloaded_share": float((u > OVERLOADED_ABOVE).mean()) if len(u) else nan,
            "trays": sum(len(l.tray) for l in m.leaders.values()),
        }


MEASURES = ("day", "arrived", "completed", "wip", "cycle_days", "cycle_days_recent", "steps_per_task",
            "handoffs_per_task", "halts", "halt_hours", "util_mean", "util_cv", "util_gini", "idle_share",
            "overloaded_share", "trays")


class PairModel(mesa.Model):
    """Two structures of one scenario on one seed, each advanced one working day per ``step()``."""

    def __init__(self, *, scenario: str | None = DEFAULT_SCENARIO, structure_a: str = AUTO, structure_b: str = AUTO,
                 seed: int = 1, absence: float = 1.0, workload: float | None = None, coord_steps: int | None = None,
                 section_size: float = 1.0, days: int | None = None):
        # every value here may come from the browser: checked first, a rejected one replaced and noted
        clean, self.notes = clean_inputs(scenario=scenario, structure_a=structure_a, structure_b=structure_b,
                                         seed=seed, absence=absence, workload=workload, coord_steps=coord_steps,
                                         section_size=section_size)
        seed, absence, workload = clean["seed"], clean["absence"], clean["workload"]
        coord_steps, section_size = clean["coord_steps"], clean["section_size"]
        super().__init__(seed=seed)
        self.scenario_name = clean["scenario"]
        base = load_embedded(self.scenario_name)
        names = base.structure_names
        defaults = {"A": names[0], "B": names[1] if len(names) > 1 else names[0]}
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

    def step(self):
        for side in SIDES:
            self.models[side].step()
            self.measures[side] = self.trackers[side].measures()
        self.datacollector.collect(self)
        self.running = any(m.running for m in self.models.values())


# ---- views (plain functions: testable without a browser) ---------------------------------------
def section_view(model: sim.OfficeModel, lang: str = DEFAULT_LANGUAGE) -> list[dict]:
    """Per section: label, body, staff states and posts, queue length, halted or not."""
    out = []
    for sid, info in model.section_info.items():
        qs = info["queues"].values()
        out.append({
            "id": sid,
            "label": style.zh(info["name"], sid) if lang == "zh" else sid,
            "body": info["body"],
            "states": [m.state for m in info["members"]],
            "heads": [m.post in ("head", "deputy") for m in info["members"]],
            "queue": sum(len(q.jobs) for q in qs),
            "halted": any(q.halt_start is not None for q in qs),
        })
    return out


def draw_org_chart(pair: PairModel, side: str, lang: str = DEFAULT_LANGUAGE) -> Figure:
    """One structure's sections as boxes of staff dots (busy / idle / absent) with their queues."""
    m = pair.models[side]
    secs = section_view(m, lang)
    n = max(len(secs), 1)
    ncols = max(1, math.ceil(math.sqrt(n * 1.6)))
    nrows = math.ceil(n / ncols)
    fig = Figure(figsize=(5.8, 3.7), dpi=100)
    ax = fig.add_axes((0.01, 0.085, 0.98, 0.78))
    ax.set_xlim(0, ncols)
    ax.set_ylim(nrows, 0)
    ax.axis("off")
    bodies = list(dict.fromkeys(s["body"] for s in secs))
    tints = ["#f5f5f5", "#eaf1fb", "#fbf3e6", "#eef8ec", "#f6ecf7"]
    small = n > 20
    label_fs, q_fs = (5.5, 5) if small else (8, 7)
    xs, ys, cs, heads = [], [], [], []
    for k, s in enumerate(secs):
        r, c = divmod(k, ncols)
        x0, y0 = c + 0.04, r + 0.04
        ax.add_patch(FancyBboxPatch((x0, y0), 0.92, 0.92, boxstyle="round,pad=0.0,rounding_size=0.06",
                                    fc=tints[bodies.index(s["body"]) % len(tints)],
                                    ec="#d62728" if s["halted"] else "#999999", lw=2.0 if s["halted"] else 0.7))
        label = s["label"] if len(s["label"]) <= (7 if lang == "zh" else 14) else s["label"][: (6 if lang == "zh" else 13)] + "…"
        ax.text(c + 0.5, y0 + 0.05, label, ha="center", va="top", fontsize=label_fs, weight="bold")
        q = s["queue"]
        qtxt = f"{t('queue', lang)} {q}" + (f" · {t('halted', lang)}" if s["halted"] else "")
        ax.text(c + 0.5, y0 + 0.88, qtxt, ha="center", va="bottom", fontsize=q_fs,
                color="#d62728" if s["halted"] else ("#333333" if q else "#888888"))
        size = len(s["states"])
        per_row = max(1, math.ceil(math.sqrt(size * 2.0)))
        rows = math.ceil(size / per_row)
        dx = 0.8 / per_row
        dy = min(0.5 / max(rows, 1), dx * 1.1)
        top = y0 + 0.30 + (0.5 - dy * rows) / 2 + dy / 2
        for j, (state, head) in enumerate(zip(s["states"], s["heads"])):
            rr, cc = divmod(j, per_row)
            in_row = min(per_row, size - rr * per_row)
            xs.append(c + 0.5 + (cc - (in_row - 1) / 2) * dx)
            ys.append(top + rr * dy)
            cs.append(STATE_COLOURS[state])
            heads.append(head)
    cell_pts = fig.get_size_inches()[0] * 72 * 0.98 / ncols
    dot = max(6.0, min(90.0, (cell_pts * 0.8 / max(1, math.ceil(math.sqrt(2.0 * max(len(s["states"]) for s in secs))))) ** 2 * 0.35)) if secs else 20
    xs, ys, cs, heads = map(np.asarray, (xs, ys, cs, heads))
    for mask, marker in ((~heads, "o"), (heads, "s")):
        if mask.any():
            ax.scatter(xs[mask], ys[mask], c=list(cs[mask]), s=dot, marker=marker, edgecolors="#444444", linewidths=0.4, zorder=3)
    meas = pair.measures[side]
    staff_n = len(m.staff)
    fig.suptitle(f"{side} · {pair.structure_names[side]}", x=0.02, ha="left", y=0.99, fontsize=11, weight="bold",
                 color=SIDE_COLOURS[side])
    fig.text(0.02, 0.895, f"{t('sections_staff', lang, sections=len(secs), staff=staff_n)} · "
                          f"{t('trays', lang, n=meas['trays'])}", fontsize=8, color="#333333")
    handles = [Line2D([], [], ls="", marker="o", mfc=STATE_COLOURS[k], mec="#444444", ms=7, label=t(k, lang))
               for k in ("busy", "idle", "absent")]
    handles.append(Line2D([], [], ls="", marker="s", mfc="white", mec="#444444", ms=7, label=t("head_marker", lang)))
    fig.legend(handles=handles, loc="lower center", ncol=4, fontsize=8, frameon=False, bbox_to_anchor=(0.5, 0.0))
    return fig


def draw_measures(pair: PairModel, lang: str = DEFAULT_LANGUAGE) -> Figure:
    """Live cycle time, halts and utilisation spread of both structures against the working day."""
    df = pair.datacollector.get_model_vars_dataframe()
    fig = Figure(figsize=(5.8, 3.7), dpi=100)
    axes = fig.subplots(3, 1, sharex=True)
    rows = (("cycle_days_recent", t("cycle_days", lang, window=WINDOW_DAYS)), ("halts", t("halts", lang)),
            ("util_cv", t("util_cv", lang)))
    for ax, (key, title) in zip(axes, rows):
        for side in SIDES:
            ax.plot(df[f"day_{side}"], df[f"{key}_{side}"], color=SIDE_COLOURS[side], lw=1.6,
                    marker="o" if len(df) < 3 else None, ms=3, label=f"{side} · {pair.structure_names[side]}")
        ax.set_title(title, fontsize=9, loc="left")
        if key == "halts":
            top = max([1.0, *[float(df[f"halts_{s}"].max()) for s in SIDES]])
            ax.set_ylim(0, top * 1.15)
            ax.yaxis.get_major_locator().set_params(integer=True)
        ax.tick_params(labelsize=7)
        ax.grid(alpha=0.3)
    axes[1].legend(fontsize=7, loc="upper left", frameon=False)
    axes[-1].set_xlabel(t("day", lang), fontsize=8)
    axes[-1].set_xlim(0, max(pair.day, 5))
    fig.tight_layout(h_pad=0.6)
    return fig


def _fmt(key: str, v) -> str:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "–"
    if key in ("util_mean", "idle_share", "overloaded_share"):
        return f"{100 * v:.0f}%"
    if key in ("cycle_days", "steps_per_task", "handoffs_per_task", "util_cv"):
        return f"{v:.2f}"
    if key == "halt_hours":
        return f"{v:.0f}"
    return f"{int(v)}"


NUMBER_ROWS = (("tasks_arrived", "arrived"), ("tasks_completed", "completed"), ("wip", "wip"),
               ("mean_cycle_days", "cycle_days"), ("steps_per_task", "steps_per_task"),
               ("handoffs_per_task", "handoffs_per_task"), ("halts_total", "halts"), ("halt_hours", "halt_hours"),
               ("util_mean", "util_mean"), ("util_cv_short", "util_cv"), ("idle_share", "idle_share"),
               ("overloaded_share", "overloaded_share"), ("leader_trays", "trays"))


CHECK_NOTES = ("note_scenario", "note_choice", "note_number", "note_finite", "note_range", "note_whole")


def note_text(note: tuple[str, dict], lang: str = DEFAULT_LANGUAGE) -> str:
    """One note (i18n key, fields) in ``lang``. A ``param`` field names an input and is translated too.
    A checked value's note ends in what was used instead (``used``, when a model was built) or in
    "refused" (when the page sent it and the input kept its value)."""
    key, fields = note
    if "param" in fields:
        fields = {**fields, "param": t(fields["param"], lang)}
    if fields.get("used") == "scenario_own":
        fields = {**fields, "used": t("scenario_own", lang)}
    text = t(key, lang, **fields)
    if key in CHECK_NOTES:
        text += t("note_using", lang, used=fields["used"]) if "used" in fields else t("note_refused", lang)
    return text


def numbers_html(pair: PairModel, lang: str = DEFAULT_LANGUAGE) -> str:
    """The numbers panel: a table of both structures' measures so far, settings in effect, notes."""
    from html import escape
    head = "".join(f'<th style="color:{SIDE_COLOURS[s]};text-align:right;padding:2px 8px">{s} · '
                   f'{escape(pair.structure_names[s])}</th>' for s in SIDES)
    rows = []
    for label_key, key in NUMBER_ROWS:
        cells = "".join(f'<td data-metric="{key}-{s}" style="text-align:right;padding:2px 8px">'
                        f'{_fmt(key, pair.measures[s][key])}</td>' for s in SIDES)
        rows.append(f'<tr><td style="padding:2px 8px">{escape(t(label_key, lang))}</td>{cells}</tr>')
    notes = "".join(f'<div class="pair-note" style="color:#b35900;font-size:12px">⚠ {escape(note_text(n, lang))}</div>'
                    for n in pair.notes)
    return (f'<div class="pair-numbers" data-day="{pair.day}" style="font-size:13px;line-height:1.35">'
            f'<div class="pair-day" style="font-weight:bold;font-size:15px;margin-bottom:4px">'
            f'{escape(pair.scenario_name)} · {escape(t("day_of", lang, day=pair.day, days=pair.days))}</div>'
            f'<table style="border-collapse:collapse"><tr><th style="text-align:left;padding:2px 8px">'
            f'{escape(t("metric", lang))}</th>{head}</tr>{"".join(rows)}</table>'
            f'<div class="pair-settings" style="margin-top:6px;font-size:12px;color:#333">'
            f'{escape(t("in_effect", lang, **pair.settings))}</div>{notes}'
            f'<div style="margin-top:4px;font-size:12px;color:#666">{escape(t("hint", lang))}</div></div>')


# ---- the Solara page ---------------------------------------------------------------------------
# Per browser session (solara keeps a module-level reactive per kernel): the language, the inputs the
# next Reset builds a PairModel from, Mesa's play controls and the last refused value.
LANG = solara.reactive(DEFAULT_LANGUAGE)
INPUTS = solara.reactive(dict(DEFAULTS))
PLAY_INTERVAL = solara.reactive(CONTROLS["play_interval"]["fallback"])
RENDER_INTERVAL = solara.reactive(CONTROLS["render_interval"]["fallback"])
USE_THREADS = solara.reactive(False)
REFUSED = solara.reactive(None)


def model_params(lang: str = DEFAULT_LANGUAGE) -> dict:
    """The sidebar's model inputs, labelled in ``lang``, in SolaraViz's model_params format; the keys
    are PairModel's keyword arguments. The widgets offer these lists and ranges; ``take`` checks
    what comes back against them."""
    d = DEFAULTS

    def slider(key):
        spec = SLIDERS[key]
        return Slider(t(key, lang), value=d[key], min=spec["min"], max=spec["max"], step=spec["step"],
                      dtype=spec["kind"])

    return {
        "scenario": {"type": "Select", "value": d["scenario"], "values": SCENARIOS, "label": t("scenario", lang)},
        "structure_a": {"type": "Select", "value": AUTO, "values": [AUTO, *ALL_STRUCTURES], "label": t("structure_a", lang)},
        "structure_b": {"type": "Select", "value": AUTO, "values": [AUTO, *ALL_STRUCTURES], "label": t("structure_b", lang)},
        **{key: slider(key) for key in SLIDERS},
    }


def take(name: str, value, current, store) -> bool:
    """Store a value the page sent for input ``name`` if ``check_input`` accepts it; otherwise keep
    ``current`` and show why in the page. Never raises: an exception in an event handler would
    replace the page with its traceback."""
    kept, note = check_input(name, value, current)
    if note is not None:
        print(f"app: refused {name}={echo(value)}", file=sys.stderr)
        REFUSED.set(note)  # stays until dismissed or replaced by the next refusal
        return False
    store(kept)
    return True


def _set_input(name: str):
    return lambda v: INPUTS.set({**INPUTS.value, name: v})


def figure_png(fig: Figure) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=130)
    return buf.getvalue()


def _figure(fig: Figure):
    # an <img> scaled to its grid cell (FigureMatplotlib shows the PNG at its own size, which overflows)
    solara.Image(figure_png(fig), width="100%", classes=["pair-figure"])


def _push_back(ref, value) -> None:
    """Put the kept value back into the widget ``ref`` holds, so the page shows what the server holds."""
    try:
        if ref.current is not None:
            ref.current.v_model = value
    except Exception as e:  # showing the old value is a nicety: it must not break the page
        print(f"app: could not show the kept value again: {e!r}", file=sys.stderr)


def use_widget_ref(el):
    """A ref to ``el``'s widget, filled after each render (get_widget needs a render context, which
    an event handler does not have)."""
    ref = solara.use_ref(None)

    def grab():
        ref.current = solara.get_widget(el)
    solara.use_effect(grab)
    return ref


@solara.component
def CheckedSlider(name: str, label: str, value, store):
    """A slider whose values go through ``take`` (Solara's SliderFloat/SliderInt cast the browser's
    value with float()/int() and raise on anything else)."""
    spec = RANGES[name]

    def on_v_model(v):
        if not take(name, v, value, store):
            _push_back(ref, value)
    el = rv.Slider(v_model=value, on_v_model=on_v_model, label=label, min=spec["min"], max=spec["max"],
                   step=spec["step"], thumb_label=True, dense=False, hide_details=True)
    ref = use_widget_ref(el)


@solara.component
def CheckedSelect(name: str, label: str, values: list, value, store):
    """A select whose values go through ``take`` (Solara's Select passes on whatever the browser sends)."""
    def on_v_model(v):
        if not take(name, v, value, store):
            _push_back(ref, value)
    el = rv.Select(v_model=value, on_v_model=on_v_model, items=values, label=label, dense=False)
    ref = use_widget_ref(el)


@solara.component
def ModelInputs(lang: str):
    values = INPUTS.value
    for name, spec in model_params(lang).items():
        if isinstance(spec, Slider):
            CheckedSlider(name, spec.label, values[name], _set_input(name))
        else:
            CheckedSelect(name, spec["label"], spec["values"], values[name], _set_input(name))


@solara.component
def LanguageSwitch():
    """中文 / English. The toggle sends the index of a button; anything else is refused."""
    codes = list(LANGUAGES)

    index = codes.index(LANG.value)

    def on_index(i):
        code = codes[i] if isinstance(i, int) and not isinstance(i, bool) and 0 <= i < len(codes) else i
        if not take("language", code, LANG.value, LANG.set):
            _push_back(ref, index)

    buttons = [solara.Button(name, text=True) for name in LANGUAGES.values()]
    el = rv.BtnToggle(v_model=index, on_v_model=on_index, mandatory=True, children=buttons, class_="lang-switch")
    ref = use_widget_ref(el)


@solara.component
def RefusalNote():
    """The last value the page sent that the server refused, as one short line."""
    note = REFUSED.value
    with solara.Div(classes=["pair-refusals"]):
        if note is not None:
            with solara.Row(style={"align-items": "center"}):
                solara.Warning(note_text(note, LANG.value), classes=["pair-refused"])
                solara.Button(t("dismiss", LANG.value), on_click=lambda: REFUSED.set(None), text=True)


@solara.component
def Panels(model: PairModel):
    """Both org charts, the live measures and the numbers, redrawn after every step."""
    update_counter.get()  # Mesa's ModelController bumps it after a step
    lang = LANG.value
    with solara.GridFixed(columns=2, align_items="start"):
        with solara.Card(margin=0):
            _figure(draw_org_chart(model, "A", lang))
        with solara.Card(margin=0):
            _figure(draw_org_chart(model, "B", lang))
        with solara.Card(margin=0):
            _figure(draw_measures(model, lang))
        with solara.Card(margin=0):
            solara.HTML(tag="div", unsafe_innerHTML=numbers_html(model, lang))


@solara.component
def Page():
    """Mesa's model controller and step counter with the app's own checked inputs. (SolaraViz renders
    Solara's sliders and selects, which pass on or choke on whatever the browser sends, and a
    draggable grid whose layout comes from the browser.)"""
    start = solara.use_memo(lambda: PairModel(**DEFAULTS), [])
    model = solara.use_reactive(start)
    lang = LANG.value
    with solara.AppBar():
        solara.AppBarTitle(t("app_title", lang))
        LanguageSwitch()
    with solara.Sidebar(), solara.Column():
        with solara.Card(t("controls", lang)):
            CheckedSlider("play_interval", t("play_interval", lang), PLAY_INTERVAL.value, PLAY_INTERVAL.set)
            CheckedSlider("render_interval", t("render_interval", lang), RENDER_INTERVAL.value, RENDER_INTERVAL.set)
            ModelController(model, model_parameters=INPUTS, play_interval=PLAY_INTERVAL,
                            render_interval=RENDER_INTERVAL, use_threads=USE_THREADS)
        with solara.Card(t("model_parameters", lang)):
            ModelInputs(lang)
        with solara.Card(t("information", lang)):
            ShowSteps(model.value)
    RefusalNote()
    Panels(model.value)
