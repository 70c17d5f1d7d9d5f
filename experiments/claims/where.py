"""Where each claim holds: one global sample of each seed system's uncertain parameters.

Per seed system a Latin hypercube over every uncertain parameter its scenario has (``FACTORS``); each
point is run once under all the system's structures on one seed (common random numbers: before and
after at a point see the same arrivals and absences). A claim's improvement at a point is the before -
after difference of its metric in display units (sign by ``better``); it *holds* where it exceeds the
claim's margin. From that one sample:

- scenario discovery (``regions``): "where it holds" as one box in the factors' own units, with its
  coverage (share of all holding points inside) and density (share holding inside), as PRIM reports
  them. The box is a leaf of a shallow scikit-learn decision tree, not PRIM itself: the EMA Workbench,
  which has PRIM, needs Python >= 3.12 for its 3.x and pulls statsmodels, seaborn and platypus with its
  2.x, for this one function; a depth-3 tree's leaves are boxes too.
- first-order Sobol indices by RBD-FAST (SALib), which estimates them from any sample, this LHS included;
- counter-cases (``counter_cases``): where the reform loses on a metric, stated the same way.

Nothing here sets a result: the factors' ranges name their sources, the verdicts come from the runs.
"""
from __future__ import annotations

import functools
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Callable

import numpy as np
import pandas as pd

from .claims import APPROVALS, mean_wf, summ, wfm
from .loads import imbalance_overrides
from .runs import Batch, Results, cached_scenario


def _params(scenario):
    return cached_scenario(scenario).raw.get("params", {}) or {}  # a global sample asks at every point


def scale_absence(scenario, section="absence"):
    """Overrides that scale every absence kind's yearly rate of ``section`` by x."""
    kinds = tuple(_params(scenario).get(section, {}) or {})
    return lambda x: tuple((f"params.{section}.{k}.rate_per_year", _params(scenario)[section][k]["rate_per_year"] * x)
                           for k in kinds)


@dataclass(frozen=True)
class System:
    key: str
    scenario: str
    structures: tuple[str, ...]  # the first two are the reform (before, after), as in the claims' batches
    name_en: str
    name_zh: str
    daily: bool = False  # keep daily cycle times (the transition claim reads them)
    workflow: Callable | None = None  # the cycle time of the work the system's claims are about (counter-cases)
    workflow_en: str = ""
    workflow_zh: str = ""


JOINT = tuple(f"joint_{b}" for b in ("zonghe", "dangqun", "pingan", "chengshi", "shequ", "minsheng", "fuwu"))

SYSTEMS = {s.key: s for s in (
    System("huaibei", "huaibei_pilots", ("fragmented", "large"), "Huaibei pilots", "淮北试点",
           workflow=wfm("budget_adjust", "cycle_hours"), workflow_en="the budget adjustment's cycle time",
           workflow_zh="调剂预算指标办理时长"),
    System("xicheng", "xicheng_street", ("sections", "big_offices", "big_offices_lead"), "Xicheng street office",
           "西城街道", daily=True, workflow=mean_wf(JOINT, "cycle_hours"), workflow_en="joint matters' cycle time",
           workflow_zh="跨科室联办事项办理时长"),
    System("harbin", "harbin_department", ("before", "after"), "Harbin municipal department", "哈尔滨市直部门",
           workflow=mean_wf(APPROVALS, "cycle_hours"), workflow_en="approvals' cycle time", workflow_zh="审批办理时长"),
    System("licheng", "licheng_combos", ("separate", "combos"), "Licheng 1+N combos", "鲤城1+N组合"),
    System("shanxi", "shanxi_county", ("before", "after"), "Shanxi small county", "山西人口小县",
           workflow=wfm("road_project", "cycle_days"), workflow_en="the road project's working days",
           workflow_zh="道路立项工作日"),
)}

# ---- sample sizes and horizon ---------------------------------------------------------------------
FULL_POINTS = 256  # per system; RBD-FAST's bias correction (2M/N) stays under 10 % with M = 10 harmonics
QUICK_POINTS = 12  # enough to exercise every step within the quick budget (about 15 s); its sentences are not to be read
# working days of a run. The budget (the five full samples in 7 minutes on 2 cores) sets them: 150 leaves the
# transition claim its 130 measured days after the 20-day warm-up; Huaibei's 52 sections cost half the
# sample's run time at 150, and its claims (halts and load spread per staff-day, the budget adjustment per
# task) need no transition curve: 100 days, 80 measured, about 48 budget adjustments a run
FULL_DAYS = 150
FULL_DAYS_BY_SYSTEM = {"huaibei": 100}
# the master seed's streams for this sample, apart from the claims' replications (seeds 0.. of cfg.seed):
# SAMPLE_STREAM numbers issue 12, where the sample was asked for; the second entry tells the LHS, the runs
# and the Sobol bootstrap apart
SAMPLE_STREAM = 12
LHS, RUNS, SOBOL = 0, 1, 2


def points(cfg) -> int:
    return QUICK_POINTS if getattr(cfg, "quick", False) else FULL_POINTS


def days(cfg, system: str | None = None) -> int:
    """The same horizon quick or not: a shorter one leaves the claims' figures undefined (no road project done)."""
    return FULL_DAYS_BY_SYSTEM.get(system, FULL_DAYS)


# ---- factors -------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Factor:
    """One uncertain parameter: its range (``source`` says why), its value in the scenario as written, and
    the overrides (``Scenario.with_overrides`` paths) that set it. Integer factors take whole values."""
    name: str
    label_en: str
    label_zh: str
    low: float
    high: float
    base: float
    set: Callable[[float], tuple]
    source: str
    unit_en: str = ""
    unit_zh: str = ""
    integer: bool = False

    def value(self, u: float) -> float:
        """The factor's value at unit-cube coordinate u: integers equally likely, the rest uniform."""
        if self.integer:
            n = int(self.high - self.low) + 1
            return float(self.low + min(n - 1, math.floor(u * n)))
        return float(self.low + u * (self.high - self.low))

    def overrides(self, value: float) -> tuple:
        return tuple(self.set(int(round(value)) if self.integer else float(value)))


def _at(raw, path):
    node = raw
    for p in path.split("."):
        node = node[int(p)] if isinstance(node, list) else node[p]
    return node


def _path(path):
    return lambda v: ((path, v),)


def _paths(paths):
    return lambda v: tuple((p, v) for p in paths)


# systems whose reform merges no two sections' desks, so internal coordination and working on a colleague's
# duty never happen there (their runs do not move with those parameters; tests/test_where.py checks every
# sampled factor moves something): Licheng's combos keep every body and section (seed 003); Shanxi's reform
# removes approval levels and merges windows and bodies whose sections keep their own duties (seed 004)
NO_MERGED_DESKS = ("licheng", "shanxi")
HALF_TO_DOUBLE = "assumption: half to twice the scenario's value (it is itself an assumption, no seed figure)"
X_BASE = ("× base", "×基准")


@functools.lru_cache(maxsize=None)
def factors(system: str) -> tuple[Factor, ...]:
    """Every uncertain parameter the system's scenario sets (params it leaves out are not sampled:
    their mechanism has nothing to act on there, e.g. no approval step in Licheng)."""
    s = SYSTEMS[system]
    sc = cached_scenario(s.scenario)
    raw = sc.raw
    p = raw["params"]
    out = [
        Factor("absence", "absence rate", "缺勤率", 0.25, 3.0, 1.0, scale_absence(s.scenario),
               "assumption: a quarter to three times the scenario's rates (about 10 % of working days away), "
               "assumption: a quarter to three times the scenario's rates (the range of the former one-factor sweeps)", *X_BASE),
        Factor("load", "workload", "工作量", 0.6, 1.4, 1.0, _path("workload.load_factor"),
               "assumption: ±40 % of the written workload; the seeds give no volumes", *X_BASE),
        Factor("imbalance", "load imbalance", "忙闲不均程度", 0.0, 1.5, 1.0,
               functools.partial(imbalance_overrides, s.scenario),
               "seed 000 (忙闲不均) names uneven loads, not their size: from every section equally busy per head "
               "(k = 0) to 1.5× the spread as written (experiments/claims/loads.py)", "× as written", "×原设"),
    ]
    if p.get("leader_absence"):
        out.append(Factor("leader_absence", "leaders' absence rate", "领导缺勤率", 0.0, 2.0, 1.0,
                          scale_absence(s.scenario, "leader_absence"),
                          "assumption: no leader absence to twice the scenario's rates", *X_BASE))
    if "handoff" in p:
        out += [Factor("handoff_steps", "steps per section handoff", "跨科室交接环节", 2, 4,
                       _at(p, "handoff.section.steps"), _path("params.handoff.section.steps"),
                       "seed 000: '能减少三个环节' (three steps); assumption: one step either way", integer=True),
                Factor("handoff_hours", "hours per handoff step", "交接每环节用时", 0.1, 2.0,
                       _at(p, "handoff.section.hours.mean"), _path("params.handoff.section.hours.mean"),
                       "assumption: six minutes to two hours a step (base half an hour)",
                       " h", "小时")]
    sc_ = p["size_costs"]
    out += [Factor("span_cost", "span-of-control cost", "管理幅度成本", 0.0, 0.15, sc_["span_cost"],
                   _path("params.size_costs.span_cost"),
                   "assumption: none to three times the scenario's +5 % of a manager's job time per person under them",
                   " per person", "/人"),
            Factor("dispatch_hours", "head's time to hand out an item", "科长批办用时", 0.0, 0.15,
                   sc_["dispatch_hours"], _path("params.size_costs.dispatch_hours"),
                   "assumption: none (work straight to the queue) to nine minutes, three times the scenario's three",
                   " h", "小时")]
    if system not in NO_MERGED_DESKS:
        ic = "params.internal_coordination"
        out += [Factor("internal_steps", "internal coordination steps", "内部协调环节", 0, 2, p["internal_coordination"]["steps"],
                       _path(f"{ic}.steps"), "assumption: none to two where a section line took three (base one)",
                       integer=True),
                Factor("internal_hours", "hours per internal step", "内部协调每环节用时", 0.1, 0.5,
                       p["internal_coordination"]["hours"], _path(f"{ic}.hours"),
                       "assumption: a fifth to all of a section-line step's half hour (base a quarter hour)", " h", "小时"),
                Factor("fade_days", "days to learn the old desks' work", "磨合期", 30.0, 240.0,
                       p["internal_coordination"]["fade_days"], _path(f"{ic}.fade_days"),
                       "seed 001's 过渡适应期, no length given; assumption: six weeks to about a working year (base 120)",
                       " working days", "个工作日"),
                Factor("internal_floor", "internal steps that stay", "长期内部协调比例", 0.0, 0.5,
                       p["internal_coordination"]["floor"], _path(f"{ic}.floor"),
                       "seed 001: offices '依然各自为战' (1 = for good); assumption: up to half the internal steps stay")]
    if sc_.get("novice_proficiency", 0) > 0 and system not in NO_MERGED_DESKS:  # 0: only the trained may (Licheng)
        out.append(Factor("novice", "speed on a colleague's duty", "一岗多能初始效率", 0.3, 0.9, sc_["novice_proficiency"],
                          _path("params.size_costs.novice_proficiency"),
                          "seed 000's 一岗多能 gives no speed; assumption: 30 % to 90 % (base 60 %)"))
    if sc_.get("learning_rate", 0) > 0:
        out.append(Factor("learning_rate", "learning per hour on a duty", "学习速率", 0.0, 0.006, sc_["learning_rate"],
                          _path("params.size_costs.learning_rate"), "assumption: none to three times the scenario's 0.002",
                          " per hour", "/小时"))
    if "approval" in p:
        out += [Factor("item_hours", "leader's sign-off per item", "领导每件签批用时", 0.05, 0.3, p["approval"]["item_hours"],
                       _path("params.approval.item_hours"),
                       "assumption: three to eighteen minutes (base six)", " h", "小时"),
                Factor("signoff_hours", "leader's in-tray time a day", "领导每日签批时间", 0.5, 2.0,
                       p["approval"]["signoff_hours_per_day"], _path("params.approval.signoff_hours_per_day"),
                       HALF_TO_DOUBLE, " h", "小时"),
                Factor("routing_hours", "document routing between levels", "公文流转用时", 0.5 * p["approval"]["routing_hours"],
                       2.0 * p["approval"]["routing_hours"], p["approval"]["routing_hours"],
                       _path("params.approval.routing_hours"), HALF_TO_DOUBLE, " h", "小时")]
    if (p.get("meetings") or {}).get("levels"):
        out.append(Factor("meeting_hours", "meeting time per item", "会议每项用时", 0.1, 0.5, p["meetings"]["item_hours"],
                          _path("params.meetings.item_hours"),
                          "assumption: six to thirty minutes an item (base fifteen); the seeds name no meeting", " h", "小时"))
        out.append(Factor("meeting_trigger", "items that convene an early meeting", "提前开会的待议事项数", 4, 40,
                          p["meetings"].get("size_trigger", 0),
                          _path("params.meetings.size_trigger"),
                          "assumption (meeting cycles): from a meeting whenever 4 items wait (about twice a week at the "
                          "director's ~13 items a week) to 40, about three weeks' items, when an early meeting is rare; the "
                          "scenario's own value is 0, never early (not in the range: 0 is no threshold)", " items", "项", integer=True))
    rw = p.get("rework") or {}
    levels = [f"params.rework.by_level.{k}" for k in rw.get("by_level", {})] + (["params.rework.share"] if "share" in rw else [])
    if levels:
        base = (list(rw.get("by_level", {}).values()) or [rw["share"]])[0]
        out.append(Factor("rework", "share sent back for revision", "退回修改比例", 0.0, 0.2, base, _paths(tuple(levels)),
                          "assumption: none to one submission in five at every signing level the scenario names "
                          "(the seeds give no rate)"))
    if p.get("transition"):
        t = p["transition"]
        out += [Factor("slowdown", "transition slowdown", "过渡期效率损失", 0.0, min(0.7, 2 * t["slowdown"]), t["slowdown"],
                       _path("params.transition.slowdown"),
                       "assumption: no friction to twice the scenario's (at most 0.7)"),
                Factor("transition_days", "transition length", "过渡期长度", 0.5 * t["days"], 2 * t["days"], t["days"],
                       _path("params.transition.days"), HALF_TO_DOUBLE, " working days", "个工作日")]
    if "ownership" in p and any(sec.claims for st in sc.structures.values()
                                for _, sec in st.sections()):
        out.append(Factor("p_pass", "chance a contested matter is passed on", "推诿概率", 0.0, 0.3, p["ownership"]["p_pass"],
                          _path("params.ownership.p_pass"),
                          "seed 000 names 推诿扯皮, no rate; assumption: never to three times in ten (base one in ten)"))
    if (p.get("windows") or {}).get("incomplete_materials"):
        out.append(Factor("incomplete", "incomplete sets of materials", "材料不齐比例", 0.0, 0.3,
                          p["windows"]["incomplete_materials"], _path("params.windows.incomplete_materials"),
                          "assumption: none to three in ten (base one in ten to seven)"))
    if (p.get("leave_policy") or {}).get("policy") == "stagger":
        out.append(Factor("max_defer", "days a leave may wait", "错峰休假最长推迟", 1.0, 10.0, p["leave_policy"]["max_defer_days"],
                          _path("params.leave_policy.max_defer_days"),
                          "seed 003's 错峰休息 gives no limit; assumption: a day to two working weeks (base a week)",
                          " working days", "个工作日"))
    if system == "shanxi":  # the concurrent head's other in-tray, C1's knob; set after the imbalance's rescaling
        from .claims import county_items_path

        path = county_items_path()
        out.append(Factor("county_items", "deputy county head's other items a day", "副县长其他待批事项", 1.0, 8.0,
                          _at(raw, path), _path(path),
                          "assumption: half to four times the scenario's 2 items a day", " a day", "件/日"))
    return tuple(out)


class _Factors(Mapping):
    """``FACTORS[system]``: the system's factors, built on first use (it reads the scenario)."""

    def __getitem__(self, system):
        return list(factors(system))

    def __iter__(self):
        return iter(SYSTEMS)

    def __len__(self):
        return len(SYSTEMS)


FACTORS: Mapping[str, list[Factor]] = _Factors()


# ---- the sample -----------------------------------------------------------------------------------
def _seed(master: int, system: str, what: int) -> int:
    ss = np.random.SeedSequence([int(master), SAMPLE_STREAM, list(SYSTEMS).index(system), what])
    return int(ss.generate_state(1)[0])


def design(system: str, n: int, seed: int) -> pd.DataFrame:
    """The sample: n points (rows) of the system's factor values (columns), as run. Deterministic in
    (system, n, seed); the LHS's seed is a stream of the master seed (``SAMPLE_STREAM``)."""
    from scipy.stats import qmc

    fs = FACTORS[system]
    u = qmc.LatinHypercube(d=len(fs), rng=np.random.default_rng(_seed(seed, system, LHS))).random(n)
    return pd.DataFrame({f.name: [f.value(x) for x in u[:, j]] for j, f in enumerate(fs)})


def point_seeds(system: str, n: int, seed: int) -> list[int]:
    """One run seed per point, shared by the point's structures (common random numbers)."""
    import sim

    return sim.replication_seeds(_seed(seed, system, RUNS), n)


def point_overrides(system: str, row) -> tuple:
    """The overrides of one point; where two factors set one path the later factor's value stands
    (Shanxi's head in-tray after the imbalance's rescaling)."""
    out = {}
    for f in FACTORS[system]:
        out.update(f.overrides(row[f.name]))
    return tuple(out.items())


def key(system: str, i: int) -> str:
    return f"where_{system}_{i}"


def batches(cfg, n: int | None = None, horizon: int | None = None, systems=None) -> list[Batch]:
    """One Batch per point: one replication, the point's seed, all the system's structures (``n``,
    ``horizon``, ``systems``: a smaller sample than ``cfg``'s, for tests)."""
    n = n or points(cfg)
    out = []
    for system in systems or SYSTEMS:
        s = SYSTEMS[system]
        X = design(system, n, cfg.seed)
        seeds = point_seeds(system, n, cfg.seed)
        for i in range(n):
            out.append(Batch(key(system, i), s.scenario, s.structures, 1, seeds[i], horizon or days(cfg, system),
                             point_overrides(system, X.iloc[i]), daily=s.daily))
    return out


def _sampled(res: Results, system: str) -> int:
    """How many points of the system ``res`` holds (its design is rebuilt from that and the seed)."""
    return sum(1 for k in res.batches if k.startswith(f"where_{system}_"))


# ---- effects --------------------------------------------------------------------------------------
def improvement(claim, before: dict, after: dict) -> float:
    """The claim's improvement at a point, in display units (> 0: the reform does what is claimed)."""
    pe = getattr(claim, "point_effect", None)
    if pe is not None:
        return float(pe(before, after))
    d = (claim.metric(before) - claim.metric(after)) * claim.scale
    return float(d if claim.better == "lower" else -d)


def _margin(claim, before: dict) -> float:
    """The claim's bar at a point: absolute, or its declared share of the point's own before figure."""
    if getattr(claim, "margin_share", 0) and getattr(claim, "metric", None) is not None:
        return float(claim.margin_for(claim.metric(before) * claim.scale))
    return float(claim.margin)


def evaluated(claims) -> list:
    return [c for c in claims if getattr(c, "tier", "identity") != "identity" and getattr(c, "system", None) in SYSTEMS]


def effects(res: Results, cfg, claims) -> pd.DataFrame:
    """One row per (claim, point): the point's factor values, the improvement, and whether it exceeds
    the claim's margin (``holds``; a point whose metric is undefined, e.g. no such task measured, has
    improvement NaN and does not hold)."""
    rows = []
    for c in evaluated(claims):
        n = _sampled(res, c.system)
        if not n:
            continue
        X = design(c.system, n, cfg.seed)
        for i in range(n):
            b, a = res.records[(key(c.system, i), c.base)][0], res.records[(key(c.system, i), c.alt)][0]
            imp = improvement(c, b, a)
            bar = _margin(c, b)
            rows.append({"claim": c.id, "tier": c.tier, "system": c.system, "point": i, **X.iloc[i].to_dict(),
                         "improvement": imp, "margin": bar,
                         "holds": bool(np.isfinite(imp) and np.isfinite(bar) and imp > bar)})
    return pd.DataFrame(rows)


# ---- scenario discovery -----------------------------------------------------------------------------
EVERYWHERE, NOWHERE = 0.9, 0.1  # shares of points at or beyond which one sentence says so, without a box
# ... unless a rare claim sits in a corner of its own: at least this many holding points, and a box this dense
RARE_POINTS, RARE_DENSITY = 8, 0.5
MAX_DEPTH = 3  # at most three conditions a box: a sentence a reader can hold
MIN_LEAF = 0.05  # smallest leaf, share of the points (assumption: fewer is a handful of points in a full sample)
MIN_COVERAGE = 0.25  # a box must hold at least a quarter of the holding points to be "where it holds"
PRUNE = 0.02  # a condition whose removal costs at most this much density is dropped (PRIM's pasting, in spirit)


@dataclass(frozen=True)
class Box:
    bounds: dict  # factor name -> (lower or None, upper or None); lower excluded, upper included (the tree's <=)
    coverage: float
    density: float


def _inside(X: np.ndarray, names: list[str], bounds: dict) -> np.ndarray:
    m = np.ones(len(X), bool)
    for name, (lo, hi) in bounds.items():
        j = names.index(name)
        if lo is not None:
            m &= X[:, j] > lo
        if hi is not None:
            m &= X[:, j] <= hi
    return m


def _score(X, y, names, bounds):
    m = _inside(X, names, bounds)
    return (y[m].sum() / max(1, y.sum()), y[m].mean() if m.any() else 0.0)


def discover(X: np.ndarray, y: np.ndarray, names: list[str], max_depth: int = MAX_DEPTH,
             min_leaf: float = MIN_LEAF, min_coverage: float = MIN_COVERAGE, prune: float = PRUNE,
             random_state: int = 0) -> Box:
    """The box where ``y`` is true: the densest leaf, among those covering at least ``min_coverage`` of
    the true points, of a shallow decision tree on X; then any condition that buys little density dropped."""
    from sklearn.tree import DecisionTreeClassifier

    y = np.asarray(y, bool)
    tree = DecisionTreeClassifier(max_depth=max_depth, min_samples_leaf=max(2, math.ceil(min_leaf * len(y))),
                                  random_state=random_state).fit(X, y)
    t = tree.tree_
    leaves = []

    def walk(node, bounds):
        if t.children_left[node] == -1:
            leaves.append(bounds)
            return
        j, thr = t.feature[node], float(t.threshold[node])
        lo, hi = bounds.get(names[j], (None, None))
        walk(t.children_left[node], {**bounds, names[j]: (lo, thr if hi is None else min(hi, thr))})
        walk(t.children_right[node], {**bounds, names[j]: (thr if lo is None else max(lo, thr), hi)})

    walk(0, {})
    scored = [(b, *_score(X, y, names, b)) for b in leaves]
    ok = [s for s in scored if s[1] >= min_coverage] or scored
    bounds, cov, dens = max(ok, key=lambda s: (s[2], s[1]))
    while True:  # drop the one side whose removal keeps density best, while it costs <= prune
        trials = []
        for name, (lo, hi) in bounds.items():
            for side in ((None, hi), (lo, None)):
                if side != (lo, hi):
                    b = {k: v for k, v in bounds.items() if k != name}
                    if side != (None, None):
                        b[name] = side
                    trials.append((b, *_score(X, y, names, b)))
        best = max(trials, key=lambda s: (s[2], s[1]), default=None)
        if best is None or best[2] < dens - prune:
            break
        bounds, cov, dens = best
    return Box(bounds, float(cov), float(dens))


def _num(v: float) -> str:
    if abs(v) >= 10:
        return f"{v:.0f}"
    return f"{v:.2g}"


def conditions(box: Box, factors_: list[Factor], lang: str = "en") -> list[str]:
    """The box's conditions in the factors' own units and labels; a bound at or past the sampled range
    says nothing and is left out. Integer factors read as whole numbers (x > 2.5 is x >= 3)."""
    out = []
    for f in factors_:
        if f.name not in box.bounds:
            continue
        lo, hi = box.bounds[f.name]
        if f.integer:
            lo, hi = (None if lo is None else math.floor(lo) + 1), (None if hi is None else math.floor(hi))
        lo = None if lo is None or lo <= f.low else lo
        hi = None if hi is None or hi >= f.high else hi
        label, unit = (f.label_en, f.unit_en) if lang == "en" else (f.label_zh, f.unit_zh)

        def q(v):
            return f"{_num(v)}{unit}"
        if lo is not None and hi is not None:
            out.append(f"{label} is between {q(lo)} and {q(hi)}" if lang == "en" else f"{label}在{q(lo)}至{q(hi)}之间")
        elif lo is not None:
            out.append(f"{label} is at least {q(lo)}" if lang == "en" else f"{label}不低于{q(lo)}")
        elif hi is not None:
            out.append(f"{label} is at most {q(hi)}" if lang == "en" else f"{label}不高于{q(hi)}")
    return out


def _pct(x: float, lang: str = "en") -> str:
    return f"{100 * x:.0f} %" if lang == "en" else f"{100 * x:.0f}%"


def sentence(y: np.ndarray, box: Box | None, factors_: list[Factor], lang: str = "en",
             verb: tuple[str, str] = ("holds", "成立")) -> str:
    """'holds when ... (coverage, density)', or that it holds across, or almost nowhere in, the sampled
    ranges (``verb``: the English subject-and-verb, the Chinese verb)."""
    n = len(y)
    if not n:
        return f"{verb[0]}: no point of the sample measured it" if lang == "en" else "样本中没有可度量的点"
    share = float(np.mean(y))
    cs = conditions(box, factors_, lang) if box is not None else []
    if share >= EVERYWHERE or (not cs and share > NOWHERE):
        return (f"{verb[0]} across the sampled ranges (at {_pct(share)} of {n} points)" if lang == "en"
                else f"在抽样范围内普遍{verb[1]}({n}个点中{_pct(share, lang)})")
    if share <= NOWHERE:
        if cs and box.density >= RARE_DENSITY:  # rare, but in a corner of its own: say where
            return (f"{verb[0]} only when {' and '.join(cs)} (at {_pct(share)} of {n} points; coverage "
                    f"{_pct(box.coverage)}, density {_pct(box.density)})" if lang == "en" else
                    f"仅在{'且'.join(cs)}时{verb[1]}({n}个点中{_pct(share, lang)};覆盖率{_pct(box.coverage, lang)},"
                    f"密度{_pct(box.density, lang)})")
        return (f"{verb[0]} almost nowhere in the sample (at {_pct(share)} of {n} points)" if lang == "en"
                else f"在样本中几乎不{verb[1]}({n}个点中{_pct(share, lang)})")
    if lang == "en":
        return f"{verb[0]} when {' and '.join(cs)} (coverage {_pct(box.coverage)}, density {_pct(box.density)})"
    return f"在{'且'.join(cs)}时{verb[1]}(覆盖率{_pct(box.coverage, lang)},密度{_pct(box.density, lang)})"


def region(X: np.ndarray, y: np.ndarray, factors_: list[Factor]) -> Box | None:
    """The box where y holds, or None where one sentence says it all (holds almost everywhere or nowhere)."""
    share = float(np.mean(y)) if len(y) else math.nan
    if not len(y) or share >= EVERYWHERE or (share <= NOWHERE and np.sum(y) < RARE_POINTS):
        return None
    return discover(X, y, [f.name for f in factors_])


# ---- Sobol first-order indices ------------------------------------------------------------------------
BOOTSTRAP = 100  # SALib's default resamples for the indices' confidence


def first_order(X: np.ndarray, Y: np.ndarray, factors_: list[Factor], seed: int) -> pd.DataFrame:
    """First-order Sobol indices of Y by RBD-FAST (SALib), read off the LHS sample itself. Harmonics M:
    SALib's default 10, fewer for a small sample so the bias correction 2M/N stays at about 10 % or less."""
    from SALib.analyze import rbd_fast

    ok = np.isfinite(Y)
    X, Y = X[ok], Y[ok]
    names = [f.name for f in factors_]
    if len(Y) < 8 or np.ptp(Y) == 0:  # no variance to share out
        return pd.DataFrame({"factor": names, "S1": np.nan, "S1_conf": np.nan})
    problem = {"num_vars": len(names), "names": names, "bounds": [[f.low, f.high] for f in factors_]}
    with np.errstate(divide="ignore", invalid="ignore"):  # a bootstrap half with no spread gives NaN, as it should
        si = rbd_fast.analyze(problem, X, Y, M=max(1, min(10, len(Y) // 20)), num_resamples=BOOTSTRAP, seed=seed)
    return pd.DataFrame({"factor": names, "S1": si["S1"], "S1_conf": si["S1_conf"]})


TOP = 3


def _top(s1: pd.DataFrame, k: int = TOP) -> list[tuple[str, float]]:
    s = s1.dropna(subset=["S1"]).sort_values("S1", ascending=False).head(k)
    return [(r.factor, float(r.S1)) for r in s.itertuples()]


# ---- regions -------------------------------------------------------------------------------------------
def regions(effects_df: pd.DataFrame, seed: int = 0) -> pd.DataFrame:
    """(``seed``: the master seed, for the indices' bootstrap.) Per claim: the share of points where it holds, where it holds (sentence in English and Chinese,
    coverage, density, the box), and its top factors by first-order Sobol index on the improvement.
    Points whose improvement is undefined are left out."""
    rows = []
    for cid, g in effects_df.groupby("claim", sort=False):
        system, tier = g["system"].iloc[0], g["tier"].iloc[0]
        fs = FACTORS[system]
        g = g[np.isfinite(g["improvement"].to_numpy(float))]
        X, y = g[[f.name for f in fs]].to_numpy(float), g["holds"].to_numpy(bool)
        box = region(X, y, fs)
        s1 = first_order(X, g["improvement"].to_numpy(float), fs, _seed(seed, system, SOBOL))
        top = _top(s1)
        rows.append({"claim": cid, "system": system, "tier": tier, "points": len(g),
                     "share_holds": float(y.mean()) if len(y) else math.nan,
                     "sentence_en": sentence(y, box, fs, "en"), "sentence_zh": sentence(y, box, fs, "zh"),
                     "coverage": box.coverage if box else (1.0 if len(y) else math.nan),
                     "density": box.density if box else (float(y.mean()) if len(y) else math.nan),
                     "box": box.bounds if box else {},
                     "top_factors": "; ".join(f"{n} {v:.2f}" for n, v in top),
                     "s1": dict(zip(s1["factor"], s1["S1"]))})
    return pd.DataFrame(rows)


# ---- counter-cases --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Loss:
    """A metric on which the reform can lose (lower is better), and the margin a loss must pass: a share of
    the before value, with a floor for metrics near 0."""
    name: str
    label_en: str
    label_zh: str
    relative: float
    floor: float


# assumption: a loss of 5 % or less of the before value is within one run's noise at a point and would not
# be noticed in the office; halts have a floor of half a halt per 1,000 staff-days (before values near 0)
LOSSES = (Loss("mean_cycle_hours", "mean cycle time of all tasks", "全部事项平均办理时长", 0.05, 0.0),
          Loss("halts_per_1000_staff_days", "halts per 1,000 staff-days", "每千人日停办次数", 0.05, 0.5),
          Loss("util_cv", "spread of utilisation (CV)", "利用率变异系数", 0.05, 0.0),
          Loss("workflow", "the claimed work's cycle time", "所涉事项办理时长", 0.05, 0.0))


def _loss_metric(system: System, loss: Loss):
    return system.workflow if loss.name == "workflow" else summ(loss.name)


def losses(res: Results, cfg, system: str) -> pd.DataFrame:
    """Per point of the system: its factor values and, per metric, whether the reform (the system's first
    two structures) loses on it by more than the metric's margin (NaN where undefined)."""
    s = SYSTEMS[system]
    n = _sampled(res, system)
    X = design(system, n, cfg.seed)
    before, after = s.structures[:2]
    for loss in LOSSES:
        fn = _loss_metric(s, loss)
        if fn is None:
            continue
        vals = []
        for i in range(n):
            b, a = fn(res.records[(key(system, i), before)][0]), fn(res.records[(key(system, i), after)][0])
            vals.append(float(a - b > max(loss.relative * abs(b), loss.floor)) if np.isfinite(a - b) else math.nan)
        X[loss.name] = vals
    return X


def counter_cases(res: Results, cfg) -> pd.DataFrame:
    """Per system: the metric the reform loses on most often over the sample, where it loses on it (sentence,
    coverage, density), and the share of points losing on each metric (``share_<metric>``)."""
    rows = []
    for system, s in SYSTEMS.items():
        if not _sampled(res, system):
            continue
        fs = FACTORS[system]
        df = losses(res, cfg, system)
        metrics = [m for m in LOSSES if m.name in df]
        shares = {m.name: float(df[m.name].mean()) for m in metrics}
        worst = max(metrics, key=lambda m: (np.nan_to_num(shares[m.name], nan=-1.0)))
        g = df[df[worst.name].notna()]
        X, y = g[[f.name for f in fs]].to_numpy(float), g[worst.name].to_numpy(float) > 0
        box = region(X, y, fs)
        label_en = s.workflow_en if worst.name == "workflow" else worst.label_en
        label_zh = s.workflow_zh if worst.name == "workflow" else worst.label_zh
        before, after = s.structures[:2]
        verb = (f"{after} loses to {before} on {label_en} by more than {_pct(worst.relative)}", "出现")
        rows.append({"system": system, "before": before, "after": after, "metric": worst.name,
                     "metric_en": label_en, "metric_zh": label_zh, "share_loses": shares[worst.name],
                     "sentence_en": sentence(y, box, fs, "en", verb),
                     "sentence_zh": f"{after}在{label_zh}上劣于{before}超过{_pct(worst.relative, 'zh')}:"
                                    + sentence(y, box, fs, "zh", verb),
                     "coverage": box.coverage if box else (1.0 if len(y) else math.nan),
                     "density": box.density if box else (float(y.mean()) if len(y) else math.nan),
                     "box": box.bounds if box else {},
                     **{f"share_{m.name}": shares[m.name] for m in metrics}})
    return pd.DataFrame(rows)


# ---- figure ------------------------------------------------------------------------------------------------
def figure(effects_df: pd.DataFrame, regions_df: pd.DataFrame, claim: str, lang: str = "en"):
    """The claim's sample on two factors (analysis.where.plot_region): the box's own factors first, then
    the most influential by S1, so the box shows; axis labels in the factors' units."""
    from analysis.where import plot_region

    r = regions_df.set_index("claim").loc[claim]
    s = SYSTEMS[r["system"]]
    fs = {f.name: f for f in FACTORS[r["system"]]}
    by_s1 = sorted(fs, key=lambda n: -np.nan_to_num(r["s1"].get(n, np.nan), nan=-np.inf))
    box = r["box"] or {}
    ax = sorted(box, key=by_s1.index)[:2]
    ax += [n for n in by_s1 if n not in ax][: 2 - len(ax)]
    g = effects_df[(effects_df["claim"] == claim) & np.isfinite(effects_df["improvement"].to_numpy(float))]
    en = lang == "en"

    def label(f):
        name, unit = (f.label_en, f.unit_en) if en else (f.label_zh, f.unit_zh)
        s1 = r["s1"].get(f.name, np.nan)
        return f"{name}" + (f" ({unit.strip()})" if unit else "") + (f", S1 {s1:.2f}" if np.isfinite(s1) else "")

    fx, fy = fs[ax[0]], fs[ax[1]]
    share = _pct(r["share_holds"], lang) if np.isfinite(r["share_holds"]) else "n/a"
    from .claims import CLAIMS

    c = next(x for x in CLAIMS if x.id == claim)
    if c.margin:
        bar = f"{_num(c.margin)} {c.units}".strip()
        bar_zh = bar
    else:
        bar, bar_zh = f"{100 * c.margin_share:g} % of before", f"改革前的 {100 * c.margin_share:g}%"
    title = (f"{s.name_en}: {claim}, {c.label}\nholds (improvement > {bar}) at {share} of {r['points']} points"
             if en else f"{s.name_zh}:{claim},{c.label_zh or c.label}\n成立(改善 > {bar_zh})的点占 {share}(共 {r['points']} 个)")
    return plot_region(g[fx.name], g[fy.name], g["holds"], label(fx), label(fy), title,
                       box=(box.get(fx.name, (None, None)), box.get(fy.name, (None, None))) if box else None,
                       xlim=(fx.low, fx.high), ylim=(fy.low, fy.high), lang=lang)
