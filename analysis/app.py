"""Teaching app: two section structures of one scenario run side by side, one working day per step.

Start it from the repository root with

    solara run analysis/app.py --production

(dev mode's file watcher hits the inotify limit on some machines). Pick a scenario and two of its
structures, set absence, workload, coordination steps and section size in the sidebar, press
Reset to apply them, then Step or ▶. Both structures get the same seed, so the same tasks arrive
and the same people are away on the same days (common random numbers): every difference on the
screen comes from the structure.

The app logic (``PairModel``, ``Tracker``, ``scenario_overrides``, ``section_view``, the figure
functions) runs without a browser; tests/test_app.py covers it, tests/test_app_browser.py drives
the page in Chromium.
"""
from __future__ import annotations

import io
import math
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
from mesa.visualization import Slider, SolaraViz  # noqa: E402

import sim  # noqa: E402
from analysis import style  # noqa: E402
from analysis.i18n import DEFAULT_LANGUAGE, LANGUAGES, t  # noqa: E402
from sim.errors import InputError  # noqa: E402
from sim.ledgers import IDLE_BELOW, OVERLOADED_ABOVE, TASK_COLUMNS, gini  # noqa: E402



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


def _catalogue() -> dict[str, list[str]]:
    """Scenario name -> structure names, for every embedded scenario that loads."""
    out = {}
    for name in sim.available():
        try:
            out[name] = sim.load_scenario(name).structure_names
        except InputError as e:  # a scenario being written elsewhere must not take the app down
            print(f"app: skipping scenario {name}: {e}", file=sys.stderr)
    return out


CATALOGUE = _catalogue()
SCENARIOS = list(CATALOGUE)
DEFAULT_SCENARIO = "finance_bureau" if "finance_bureau" in CATALOGUE else (SCENARIOS[0] if SCENARIOS else None)
ALL_STRUCTURES = sorted({s for names in CATALOGUE.values() for s in names})
_default_sc = sim.load_scenario(DEFAULT_SCENARIO) if DEFAULT_SCENARIO else None
DEFAULTS = dict(scenario=DEFAULT_SCENARIO, structure_a=AUTO, structure_b=AUTO, seed=1, absence=1.0,
                workload=float(_default_sc.workload.load_factor) if _default_sc else 1.0,
                coord_steps=int(_default_sc.params.handoff.section.steps) if _default_sc else 3,
                section_size=1.0)


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
        for group in ("absence", "leader_absence"):
            for kind, spec in ((raw.get("params") or {}).get(group) or {}).items():
                rate = spec.get("rate_per_year") if isinstance(spec, dict) else None
                if isinstance(rate, (int, float)) and not isinstance(rate, bool):
                    out[f"params.{group}.{kind}.rate_per_year"] = float(rate) * absence
    size = _size_overrides(raw, section_size) if abs(section_size - 1.0) > 1e-12 else {}
    return out, size


# ---- live measures -----------------------------------------------------------------------------
_COL = {c: i for i, c in enumerate(TASK_COLUMNS)}


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
        rows = [(self.index[p], s, e) for p, _, s, e in model.ledgers.absences if p in self.index]
        self._ab = np.array(rows, dtype=float).reshape(-1, 3)
        self._done = 0
        self._completion: list[float] = []
        self._cycle: list[float] = []
        self._sum = {"cycle": 0.0, "steps": 0.0, "handoffs": 0.0}

    def _absent_hours(self, now: float) -> np.ndarray:
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
        tasks = m.ledgers.tasks
        for row in tasks[self._done:]:
            self._completion.append(row[_COL["completion"]])
            self._cycle.append(row[_COL["cycle_days"]])
            self._sum["cycle"] += row[_COL["cycle_days"]]
            self._sum["steps"] += row[_COL["steps"]]
            self._sum["handoffs"] += row[_COL["handoffs"]]
        self._done = n = len(tasks)
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
        seed = int(seed)
        super().__init__(seed=seed)
        base = sim.load_scenario(scenario)
        self.scenario_name = base.name if scenario is None else scenario
        self.notes: list[tuple[str, dict]] = []  # (i18n key, fields): shown under the numbers
        names = base.structure_names
        defaults = {"A": names[0], "B": names[1] if len(names) > 1 else names[0]}
        chosen = {}
        for side, asked in (("A", structure_a), ("B", structure_b)):
            if asked in (None, "", AUTO):
                chosen[side] = defaults[side]
            elif asked in names:
                chosen[side] = asked
            else:
                chosen[side] = defaults[side]
                self.notes.append(("note_structure", {"asked": asked, "scenario": self.scenario_name, "used": defaults[side]}))
        self.structure_names = chosen
        absence = round(float(absence), 6)  # slider steps arrive as 1.2000000000000002
        section_size = round(float(section_size), 6)
        workload = None if workload is None else round(float(workload), 6)
        coord_steps = None if coord_steps is None else int(round(coord_steps))
        general, size = scenario_overrides(base, absence=absence, workload=workload, coord_steps=coord_steps,
                                           section_size=section_size)
        if abs(section_size - 1.0) > 1e-12 and not size:
            self.notes.append(("note_size_none", {}))
        try:
            sc = base.with_overrides({**general, **size})
        except InputError as e:
            if not size:
                raise
            self.notes.append(("note_size", {"m": section_size, "reason": e.reason if hasattr(e, "reason") else str(e)}))
            sc = base.with_overrides(general)
            section_size = 1.0
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
    notes = "".join(f'<div style="color:#b35900;font-size:12px">⚠ {escape(t(k, lang, **f))}</div>' for k, f in pair.notes)
    return (f'<div class="pair-numbers" data-day="{pair.day}" style="font-size:13px;line-height:1.35">'
            f'<div class="pair-day" style="font-weight:bold;font-size:15px;margin-bottom:4px">'
            f'{escape(pair.scenario_name)} · {escape(t("day_of", lang, day=pair.day, days=pair.days))}</div>'
            f'<table style="border-collapse:collapse"><tr><th style="text-align:left;padding:2px 8px">'
            f'{escape(t("metric", lang))}</th>{head}</tr>{"".join(rows)}</table>'
            f'<div class="pair-settings" style="margin-top:6px;font-size:12px;color:#333">'
            f'{escape(t("in_effect", lang, **pair.settings))}</div>{notes}'
            f'<div style="margin-top:4px;font-size:12px;color:#666">{escape(t("hint", lang))}</div></div>')


# ---- the Solara page ---------------------------------------------------------------------------
LANG = solara.reactive(DEFAULT_LANGUAGE)


def model_params(lang: str = DEFAULT_LANGUAGE) -> dict:
    """SolaraViz's sidebar inputs, labelled in ``lang``; the keys are PairModel's keyword arguments."""
    d = DEFAULTS
    return {
        "scenario": {"type": "Select", "value": d["scenario"], "values": SCENARIOS, "label": t("scenario", lang)},
        "structure_a": {"type": "Select", "value": AUTO, "values": [AUTO, *ALL_STRUCTURES], "label": t("structure_a", lang)},
        "structure_b": {"type": "Select", "value": AUTO, "values": [AUTO, *ALL_STRUCTURES], "label": t("structure_b", lang)},
        "seed": Slider(t("seed", lang), value=d["seed"], min=0, max=99, step=1),
        "absence": Slider(t("absence", lang), value=d["absence"], min=0.0, max=3.0, step=0.25),
        "workload": Slider(t("workload", lang), value=d["workload"], min=0.5, max=1.5, step=0.05),
        "coord_steps": Slider(t("coord_steps", lang), value=d["coord_steps"], min=0, max=8, step=1),
        "section_size": Slider(t("section_size", lang), value=d["section_size"], min=0.5, max=2.0, step=0.25),
    }


def figure_png(fig: Figure) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=130)
    return buf.getvalue()


def _figure(fig: Figure):
    # an <img> scaled to its grid cell (FigureMatplotlib shows the PNG at its own size, which overflows)
    solara.Image(figure_png(fig), width="100%", classes=["pair-figure"])


def OrgChartA(model: PairModel):
    return _figure(draw_org_chart(model, "A", LANG.value))


def OrgChartB(model: PairModel):
    return _figure(draw_org_chart(model, "B", LANG.value))


def MeasuresPlot(model: PairModel):
    return _figure(draw_measures(model, LANG.value))


def Numbers(model: PairModel):
    return solara.HTML(tag="div", unsafe_innerHTML=numbers_html(model, LANG.value))


@solara.component
def LanguageSwitch():
    with solara.ToggleButtonsSingle(value=LANG.value, on_value=LANG.set, classes=["lang-switch"]):
        for code, name in LANGUAGES.items():
            solara.Button(name, value=code, text=True)


@solara.component
def Page():
    start = solara.use_memo(lambda: PairModel(**DEFAULTS), [])
    model = solara.use_reactive(start)
    lang = LANG.value
    with solara.AppBar():
        LanguageSwitch()
    SolaraViz(model, components=[OrgChartA, OrgChartB, MeasuresPlot, Numbers], model_params=model_params(lang),
              name=t("app_title", lang), play_interval=150)
