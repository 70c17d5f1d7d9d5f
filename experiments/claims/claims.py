"""The claims table: every seed claim in one of three tiers, judged against a margin declared before any run.

- *identity*: a count that follows from the structure and the reform (route steps, levels, sections).
  It is "checked" with the count, never "reproduced": it could not have come out otherwise.
- *conditional*: holds given a premise the seed states (忙闲不均 presupposes uneven loads). The claim is
  also run with the premise removed, so the table shows whether the premise or the reform carries it.
- *emergent*: a dynamic outcome the model's mechanisms could have sent either way.

A dynamic claim (conditional or emergent) states the smallest improvement that would count (its
*margin*, from the seed's words or an assumption, in the figure's own units or as a share of the
before figure) and gets one of four verdicts from the paired 95 % CI of the improvement (before - after
for "fewer", over common random numbers): reproduced (CI above the margin), not reproduced (CI inside
+-margin), reversed (CI below -margin), inconclusive (the CI straddles a margin). Replications are added
until every verdict is decided or a cap is reached (``runs_plan``), so few runs give "inconclusive",
never a flipped verdict. The intervals are simulation noise given the scenario's assumptions, not
uncertainty about the real bureau.

Nothing here is tuned per claim: scenario parameters live (with their sources) in sim/scenarios/*.yaml.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable

import numpy as np

from sim import mean_ci

from . import structures as builds
from .loads import imbalance_overrides
from .runs import Batch, Results

SEEDS = {"huaibei": "000_205c3e598e6378cc.txt", "xicheng": "001_8f006b92ab9cf658.txt",
         "harbin": "002_934e0273171de72a.txt", "licheng": "003_65e7b8f6d8b7f7ff.txt",
         "shanxi": "004_ea24373a1fac0f8e.txt"}
IDENTITY, CONDITIONAL, EMERGENT = TIERS = ("identity", "conditional", "emergent")
REPRODUCED, INCONCLUSIVE, NOT, REVERSED = VERDICTS = ("reproduced", "inconclusive", "not reproduced", "reversed")
CHECKED, CHECK_FAILED, REPORTED = "checked", "check failed", "reported"


@dataclass
class Config:
    replications: int = 10  # first look; more are added while a verdict is undecided (see runs_plan)
    seed: int = 20240601
    quick: bool = False
    cap: int | None = None  # most replications per comparison (default 40; 5 with quick)

    @property
    def days(self):  # None: the scenario's own horizon, quick or not (quick runs fewer replications, not shorter ones)
        return None

    @property
    def max_replications(self) -> int:
        return self.cap if self.cap is not None else (5 if self.quick else 40)

    @property
    def step(self) -> int:
        return 2 if self.quick else 10


@dataclass
class Outcome:
    value: float
    ci_low: float = math.nan
    ci_high: float = math.nan
    verdict: str = ""
    detail: str = ""
    before: tuple | None = None  # (mean, lo, hi) for the before/after figure
    after: tuple | None = None
    label: str = ""
    margin: float = math.nan  # the dynamic claims' bar, in the figure's units
    replications: int = 0
    without: str = ""  # conditional claims: the verdict with the premise removed
    without_value: tuple | None = None  # (mean, lo, hi) of the improvement without the premise


@dataclass(frozen=True)
class Premise:
    """What a conditional claim presupposes, and the overrides of its scenario that remove it."""
    id: str
    text: str
    removed_text: str
    removed: Callable[[], tuple]  # () -> ((dotted path, value), ...)


@dataclass
class Claim:
    id: str
    seed: str
    text: str
    expected: str
    tier: str
    compute: Callable[[Results, Config], Outcome] | None = None  # identity and reported rows
    criterion: str = ""
    # dynamic claims: the improvement (before - after when lower is better) of ``metric`` x ``scale``
    system: str | None = None  # seed system (the key of its runs and of its global sample)
    key: str | None = None  # the runs the table reads, if not the system's own (a stress variant)
    base: str = ""
    alt: str = ""
    metric: Callable | None = None
    better: str = "lower"
    scale: float = 1.0
    margin: float = 0.0  # smallest improvement that counts, in the figure's units ...
    margin_share: float = 0.0  # ... or as a share of the before figure
    margin_source: str = ""
    units: str = ""
    label: str = ""
    label_zh: str = ""  # the figure's label in Chinese (figures are drawn in either language)
    premise: Premise | None = None
    point_effect: Callable | None = None  # (record before, record after) -> improvement, for composite claims
    bounded: bool = False  # a share: bootstrap intervals, never outside [0, 100]
    extra: Callable | None = None  # (res, key, claim) -> more detail text

    def __post_init__(self):
        assert self.tier in TIERS, self.tier
        assert self.compute is not None or self.metric is not None or self.point_effect is not None, self.id

    @property
    def dynamic(self) -> bool:
        return self.compute is None

    @property
    def runs_key(self) -> str:
        return self.key or self.system

    def margin_for(self, before_mean: float) -> float:
        """The bar in the figure's units: absolute, or a share of the before figure (declared before any run)."""
        return self.margin if self.margin else self.margin_share * abs(before_mean)

    def margin_text(self) -> str:
        bar = f"{self.margin:g} {self.units}".strip() if self.margin else f"{100 * self.margin_share:g} % of the before figure"
        return f"{bar} ({self.margin_source})"

    def improvements(self, res: Results, key: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Per replication: improvement (in the claimed direction), before figure, after figure."""
        rb, ra = res.records[(key, self.base)], res.records[(key, self.alt)]
        if self.point_effect is not None:
            imp = np.array([self.point_effect(b, a) for b, a in zip(rb, ra)], dtype=float)
            fb = np.array([self.metric(b) if self.metric else math.nan for b in rb], dtype=float) * self.scale
            fa = np.array([self.metric(a) if self.metric else math.nan for a in ra], dtype=float) * self.scale
            return imp, fb, fa
        fb = np.array([self.metric(r) for r in rb], dtype=float) * self.scale
        fa = np.array([self.metric(r) for r in ra], dtype=float) * self.scale
        return (fb - fa if self.better == "lower" else fa - fb), fb, fa


# ---- statistics ---------------------------------------------------------------------------------
def interval(x, bounded: bool = False) -> tuple[float, float, float]:
    """Mean and 95 % CI: Student t, or a percentile bootstrap for shares (bounds stay possible)."""
    x = np.asarray(x, dtype=float)
    x = x[~np.isnan(x)]
    if not bounded or len(x) < 3 or np.all(x == x[0]):
        return mean_ci(x)
    from scipy import stats

    ci = stats.bootstrap((x,), np.mean, n_resamples=2000, method="percentile", rng=np.random.default_rng(0)).confidence_interval
    return float(x.mean()), float(ci.low), float(ci.high)


def verdict(m: float, lo: float, hi: float, margin: float) -> str:
    """The four verdicts of an improvement's CI against the margin (a point when there is no spread)."""
    if math.isnan(m):
        return INCONCLUSIVE
    lo, hi = (m, m) if math.isnan(lo) else (lo, hi)
    if lo > margin:
        return REPRODUCED
    if hi < -margin:
        return REVERSED
    if -margin <= lo and hi <= margin:  # (a point at 0 against a zero bar is "no effect")
        return NOT
    return INCONCLUSIVE


def judge(claim: Claim, res: Results, key: str | None = None, margin: float | None = None) -> Outcome:
    """A dynamic claim's outcome on the runs of ``key`` (default: the claim's own)."""
    key = key or claim.runs_key
    imp, fb, fa = claim.improvements(res, key)
    m, lo, hi = interval(imp, claim.bounded)
    b, a = interval(fb, claim.bounded), interval(fa, claim.bounded)
    bar = claim.margin_for(b[0]) if margin is None else margin
    v = verdict(m, lo, hi, bar)
    rel = f" ({-100 * m / b[0]:+.0f} %)" if b[0] and not math.isnan(b[0]) and claim.better == "lower" else ""
    d = 3 if abs(bar) < 0.1 else 2
    detail = (f"before {ci_text(*b, d)}, after {ci_text(*a, d)}{rel}; improvement {ci_text(m, lo, hi, d)} "
              f"against a margin of {fmt(bar, d)} {claim.units}".rstrip())
    if claim.extra:
        detail += "; " + claim.extra(res, key, claim)
    return Outcome(m, lo, hi, v, detail, b, a, claim.label or claim.text, bar, len(imp))


def evaluate(claim: Claim, res: Results, cfg: Config) -> Outcome:
    """The row's outcome: identity and reported rows compute their own; dynamic rows are judged, and a
    conditional row is judged again, with the same margin, on the runs without its premise."""
    if not claim.dynamic:
        return claim.compute(res, cfg)
    o = judge(claim, res)
    if claim.premise is not None:
        key = premise_key(claim)
        if (key, claim.base) in res.records:
            w = judge(claim, res, key, margin=o.margin)
            o.without, o.without_value = w.verdict, (w.value, w.ci_low, w.ci_high)
            o.detail += (f"; premise: {claim.premise.text}; without it ({claim.premise.removed_text}): "
                         f"improvement {ci_text(w.value, w.ci_low, w.ci_high, 3 if abs(o.margin) < 0.1 else 2)}, "
                         f"{w.verdict}: {CARRIES.get((o.verdict, w.verdict), 'compare the two verdicts')}")
    return o


CARRIES = {(REPRODUCED, NOT): "the premise carries the claim, not the reform alone",
           (REPRODUCED, REVERSED): "the premise carries the claim; without it the reform works the other way",
           (REPRODUCED, REPRODUCED): "the reform carries the claim without the premise too (another mechanism does it)",
           (REPRODUCED, INCONCLUSIVE): "undecided whether the reform alone carries it"}


def premise_key(claim: Claim) -> str:
    return f"{claim.runs_key}~{claim.premise.id}"


# ---- helpers ----------------------------------------------------------------------------------
def summ(m):
    return lambda r: r["summary"][m]


def wfm(wf, m):
    return lambda r: r["wf"].get(wf, {}).get(m, math.nan)


def mean_wf(wfs, m):
    """Task-weighted mean of a metric over several workflows of one run."""
    def f(r):
        num = den = 0.0
        for w in wfs:
            d = r["wf"].get(w)
            if d and not math.isnan(d.get(m, math.nan)):
                num += d[m] * d["n"]
                den += d["n"]
        return num / den if den else math.nan
    return f


def paired(res: Results, key, base, alt, fn):
    """(after - before mean, lo, hi), before CI, after CI."""
    b = res.values(key, base, fn)
    a = res.values(key, alt, fn)
    return mean_ci(a - b), mean_ci(b), mean_ci(a)


def contains(x, lo, hi, m=None, tol=1e-9):
    if math.isnan(lo) or math.isnan(hi):  # no spread: a point
        return m is not None and abs(m - x) <= tol
    return lo - tol <= x <= hi + tol


def fmt(x, d=2):
    return "nan" if x is None or (isinstance(x, float) and math.isnan(x)) else f"{x:.{d}f}"


def ci_text(m, lo, hi, d=2):
    if math.isnan(lo):
        return f"{fmt(m, d)}"
    return f"{fmt(m, d)} [{fmt(lo, d)}, {fmt(hi, d)}]"


def checked(count_ok: bool, text: str) -> str:
    return f"{CHECKED}: {text}" if count_ok else f"{CHECK_FAILED}: {text}"


# ---- premises -----------------------------------------------------------------------------------
def _no_multiskilling():
    return (("params.size_costs.novice_proficiency", 0.0),)


def _balanced_loads():
    return imbalance_overrides("huaibei_pilots", 0.0)


def _no_transition_friction():
    return (("params.transition.slowdown", 0.0),)


MULTISKILLING = Premise(
    "multiskilling", "members of a merged section can take on its other duties (一岗多能, seed 000)",
    "each keeps to their old duties: size_costs.novice_proficiency 0", _no_multiskilling)
UNEVEN_LOADS = Premise(
    "uneven_loads", "merge partners carry uneven loads (忙闲不均 presupposes it, seed 000)",
    "every section equally busy per head, same total work (experiments.claims.loads, k = 0)", _balanced_loads)
FRICTION = Premise(
    "friction", "the handover slows transferred staff at first (过渡适应期, seed 001)",
    "no handover slowdown: transition.slowdown 0", _no_transition_friction)


# ---- batches ---------------------------------------------------------------------------------
COUNTY_ITEMS_HEAVY = 5.0  # counter-case: the deputy county head's other in-tray, items a day (base: 2)
SYSTEMS = {"huaibei": ("huaibei_pilots", ("fragmented", "large")),
           "xicheng": ("xicheng_street", ("sections", "big_offices", "big_offices_lead")),
           "harbin": ("harbin_department", ("before", "after")),
           "licheng": ("licheng_combos", ("separate", "combos")),
           "shanxi": ("shanxi_county", ("before", "after"))}
DAILY = {"xicheng"}  # systems whose records keep the daily cycle time (the transition claim)


def batches(cfg: Config, replications: int | None = None, first: int = 0) -> list[Batch]:
    """Every comparison the table reads: each system, its stress variant, and each premise removed."""
    r, s, d = replications or cfg.replications, cfg.seed, cfg.days
    out = [Batch(k, sc, sts, r, s, d, daily=k in DAILY, first=first) for k, (sc, sts) in SYSTEMS.items()]
    out.append(Batch("shanxi_heavy", "shanxi_county", ("before", "after"), r, s, d,
                     overrides=((county_items_path(), COUNTY_ITEMS_HEAVY),), first=first))
    seen = set()
    for c in CLAIMS:
        if c.premise is not None and premise_key(c) not in seen:
            seen.add(premise_key(c))
            sc, _ = SYSTEMS[c.system]
            out.append(Batch(premise_key(c), sc, (c.base, c.alt), r, s, d, c.premise.removed(),
                             daily=c.system in DAILY, first=first))
    return out


def county_items_path():
    import sim

    wfs = [w["id"] for w in sim.load_scenario("shanxi_county").raw["workload"]["workflows"]]
    return f"workload.workflows.{wfs.index('county_items')}.rate_per_day"


def undecided(res: Results, cfg: Config) -> set[str]:
    """Run keys on which some dynamic claim (or its premise-removed twin) is still inconclusive."""
    keys = set()
    for c in CLAIMS:
        if not c.dynamic:
            continue
        o = judge(c, res)
        if o.verdict == INCONCLUSIVE:
            keys.add(c.runs_key)
        if c.premise is not None and (premise_key(c), c.base) in res.records:
            if judge(c, res, premise_key(c), margin=o.margin).verdict == INCONCLUSIVE:
                keys.add(premise_key(c))
    return keys


# ---- identities: counts that follow from the structure and the reform -------------------------------
def _route(scenario, structure, workflow):
    import sim
    from sim.mechanisms.routing import compile_route

    sc = sim.load_scenario(scenario)
    wf = next(w for w in sc.workload.workflows if w.id == workflow)
    return sc, compile_route(sc.structures[structure], wf, sc.params)


SECTION_LINE = ("coord", "head")  # the section-line protocol's steps (sim.mechanisms.routing)


def h_budget_steps(res, cfg, scenario="huaibei_pilots", overrides=None):
    """Steps of the budget adjustment's route the merge removes: the section-line protocol (memo, the
    receiving head's sign-off, confirmation) goes; the internal note the merged desks pass fades."""
    import sim
    from sim.mechanisms.routing import compile_route

    sc = sim.load_scenario(scenario).with_overrides(overrides)
    wf = next(w for w in sc.workload.workflows if w.id == "budget_adjust")
    routes = {n: compile_route(sc.structures[n], wf, sc.params) for n in ("fragmented", "large")}
    line = {n: sum(1 for s in r if s.kind in SECTION_LINE) for n, r in routes.items()}
    internal = sum(1 for s in routes["large"] if s.kind == "internal")
    removed = line["fragmented"] - line["large"]
    ic = sc.params.internal_coordination
    lasting = internal if ic.floor > 0 else 0
    net = removed - lasting
    text = (f"{net} steps fewer: the section-line protocol's {removed} steps go "
            f"({', '.join(s.kind for s in routes['fragmented'] if s.kind in SECTION_LINE)}); "
            f"{internal} internal step{'s' if internal != 1 else ''} between the old desks "
            + (f"stays (floor {ic.floor:g})" if lasting else f"fades over {ic.fade_days:g} days"))
    detail = text
    if res is not None and ("huaibei", "fragmented") in res.records:
        (m, lo, hi), b, a = paired(res, "huaibei", "fragmented", "large", wfm("budget_adjust", "steps"))
        detail += (f"; in the runs {ci_text(-m, -hi, -lo)} fewer steps per adjustment ({fmt(b[0])} -> {fmt(a[0])}): "
                   "the fading note, and 政法科's claim on the budget sending some back and forth before the merge")
    return Outcome(net, verdict=checked(net == 3, text if net == 3 else f"{text}; the seed says 3"), detail=detail,
                   before=(line["fragmented"],) * 3, after=(line["large"] + lasting,) * 3,
                   label="section-line steps per budget adjustment")


def _huaibei_counts():
    import sim

    sc = sim.load_scenario("huaibei_pilots")
    return sc.structures["fragmented"].counts(), sc.structures["large"].counts()


def h_sections(res, cfg):
    b, a = _huaibei_counts()
    cut = 100 * (b["sections"] - a["sections"]) / b["sections"]
    seed_sum = 52 - 21 - 8 + 12 + 4 + 1
    ok = (b["sections"], a["sections"]) == (52, seed_sum)
    text = (f"52 -> {a['sections']} by the seed's own rules (52 - 21 + 12 - 8 + 4 + 1 = {seed_sum}); the seed's 38 "
            f"leaves {seed_sum - 38} sections unaccounted for (perhaps abolished outright, 撤并)")
    return Outcome(a["sections"], verdict=checked(ok, text if ok else f"built {b['sections']} -> {a['sections']}"),
                   detail=f"sections {b['sections']} -> {a['sections']} (-{cut:.1f} %); business {b['business_sections']} "
                          f"-> {a['business_sections']}, general {b['general_sections']} -> {a['general_sections']}",
                   before=(b["sections"],) * 3, after=(a["sections"],) * 3, label="sections")


def h_business_share(res, cfg):
    b, a = _huaibei_counts()
    share = 100 * a["business_sections"] / a["sections"]
    seed_share = 100 * (38 - 4) / 38
    ok = abs(share - 85) < 1
    text = (f"{a['business_sections']}/{a['sections']} = {share:.1f} % business sections; the seed's 85 % is not "
            f"{seed_share:.1f} % (= 34/38) either, so it was counted some other way (over posts, or with other "
            "non-business sections)")
    return Outcome(share, verdict=checked(ok, f"{share:.1f} % business") if ok else f"{CHECKED}: {text}",
                   detail=f"business share {100 * b['business_sections'] / b['sections']:.1f} % -> {share:.1f} %")


def h_one_person(res, cfg):
    b, a = _huaibei_counts()
    ok = b["one_person_sections"] > 0 and a["one_person_sections"] == 0
    return Outcome(a["one_person_sections"], verdict=checked(ok, f"{b['one_person_sections']} -> {a['one_person_sections']}"),
                   detail=f"one-person sections {b['one_person_sections']} -> {a['one_person_sections']} (every one is in "
                          "a merge: written so in the scenario)",
                   before=(b["one_person_sections"],) * 3, after=(a["one_person_sections"],) * 3, label="one-person sections")


def h_staff_per_section(res, cfg):
    b, a = _huaibei_counts()
    v = a["staff_per_section"]
    return Outcome(v, verdict=checked(2.5 <= v <= 3.5, f"{v:.2f} staff per section"),
                   detail=f"staff per section {b['staff_per_section']:.2f} -> {v:.2f} ({b['staff']} staff, a number "
                          "the scenario chose so that the after structure has about 3 per section)",
                   before=(b["staff_per_section"],) * 3, after=(v,) * 3, label="staff per section")


def s_departments(res, cfg):
    ratios, parts = [], []
    for c in ("hequ", "fushan"):
        b, a = (x.counts() for x in builds.shanxi_county(c))
        ratios.append(100 * (b["bodies"] - a["bodies"]) / b["bodies"])
        parts.append(f"{c} {b['bodies']} -> {a['bodies']} (-{ratios[-1]:.1f} %)")
    m = float(np.mean(ratios))
    return Outcome(m, verdict=checked(round(m) == 38, f"mean -{m:.1f} %"),
                   detail="; ".join(parts) + f"; mean of the two -{m:.1f} %")


def s_leaders(res, cfg):
    ratios, parts = [], []
    for c in ("hequ", "fushan"):
        b, a = (x.counts() for x in builds.shanxi_county(c))
        ratios.append(100 * (b["leader_posts"] - a["leader_posts"]) / b["leader_posts"])
        parts.append(f"{c} {b['leader_posts']} -> {a['leader_posts']} (-{ratios[-1]:.1f} %)")
    m = float(np.mean(ratios))
    return Outcome(m, verdict=checked(round(m) == 16, f"mean -{m:.1f} %"),
                   detail="; ".join(parts) + f"; mean of the two -{m:.1f} % (posts kept per merge set to meet 128: "
                                             "this checks the percentages, not a mechanism)")


def s_enforcement(res, cfg):
    b, a = (x.counts() for x in builds.enforcement_teams())
    return Outcome(a["bodies"], verdict=checked((b["bodies"], a["bodies"]) == (9, 1), f"{b['bodies']} -> {a['bodies']}"),
                   detail=f"enforcement teams {b['bodies']} -> {a['bodies']} (merge_bodies)")


def hb_divisions(res, cfg):
    deps = builds.harbin_departments()
    nb = sum(b.counts()["sections"] for _, b, _ in deps)
    na = sum(a.counts()["sections"] for _, _, a in deps)
    agg = 100 * (nb - na) / nb
    mean_ratio = 100 * float(np.mean([(b.counts()["sections"] - a.counts()["sections"]) / b.counts()["sections"]
                                      for _, b, a in deps]))
    ok = (nb, na) == (652, 497) and abs(mean_ratio - 28.13) < 0.01
    text = (f"{nb} -> {na}; 平均精简比例 28.13 % read as the mean of per-department ratios: {mean_ratio:.2f} % over "
            f"{len(deps)} built departments (the aggregate {nb - na}/{nb} is {agg:.1f} %; {nb - na}/551, the divisions "
            f"of the departments actually reformed, is also {100 * (nb - na) / 551:.2f} %)")
    return Outcome(mean_ratio, verdict=checked(ok, text if ok else f"{nb} -> {na}, mean ratio {mean_ratio:.2f} %"),
                   detail=f"divisions {nb} -> {na}: aggregate -{agg:.1f} %, mean of per-department ratios -{mean_ratio:.2f} %")


def s_levels(res, cfg):
    """Management levels on the road project's route: the concurrent head's direct handling skips two."""
    _, rb = _route("shanxi_county", "before", "road_project")
    _, ra = _route("shanxi_county", "after", "road_project")
    lb = [s.level for s in rb if s.kind in ("head", "leader")]
    la = [s.level for s in ra if s.kind in ("head", "leader")]
    n = len(lb) - len(la)
    detail = f"levels {' -> '.join(lb)} before, {' -> '.join(la)} after (routing: concurrent_head with direct_handling)"
    if res is not None and ("shanxi", "before") in res.records:
        (m, lo, hi), b, a = paired(res, "shanxi", "before", "after", wfm("road_project", "approval_levels"))
        detail += f"; in the runs {fmt(b[0])} -> {fmt(a[0])} sign-off levels per project"
    return Outcome(n, verdict=checked(n == 2, f"{n} levels fewer"), detail=detail,
                   before=(len(lb),) * 3, after=(len(la),) * 3, label="management levels per road project")


def s_windows(res, cfg):
    import sim
    from sim.mechanisms.routing import compile_route

    sc = sim.load_scenario("shanxi_county")
    wf = next(w for w in sc.workload.workflows if w.id == "insurance_enrolment")
    win = {n: sum(1 for s in compile_route(st, wf, sc.params) if s.kind == "visit" and s.new_visit)
           for n, st in sc.structures.items()}
    ok = (win["before"], win["after"]) == (3, 1)
    detail = f"windows per enrolment {win['before']} -> {win['after']} on the route"
    if res is not None and ("shanxi", "before") in res.records:
        (_, _, _), sb, sa = paired(res, "shanxi", "before", "after", wfm("insurance_enrolment", "material_sets"))
        detail += f"; material sets {ci_text(*sb)} -> {ci_text(*sa)} in the runs"
    return Outcome(win["after"], verdict=checked(ok, f"windows {win['before']} -> {win['after']}"), detail=detail,
                   label="windows per enrolment")


def s_trips(res, cfg):
    """最多跑一次 holds by definition for complete materials: trips are reported for complete and
    incomplete sets separately (the share of incomplete sets is an assumption of the scenario)."""
    b = res.records[("shanxi", "before")]
    a = res.records[("shanxi", "after")]
    wf = "insurance_enrolment"

    def part(recs, m):
        return mean_ci([r["wf"].get(wf, {}).get(m, math.nan) for r in recs])

    if "trips_complete" not in a[0]["wf"].get(wf, {}):  # records without the split: all tasks together
        ta = part(a, "trips")
        return Outcome(ta[0], ta[1], ta[2], REPORTED, f"trips {ci_text(*part(b, 'trips'))} -> {ci_text(*ta)}")
    cb, ca = part(b, "trips_complete"), part(a, "trips_complete")
    ib, ia = part(b, "trips_incomplete"), part(a, "trips_incomplete")
    share = mean_ci([r["wf"][wf]["n_incomplete"] / r["wf"][wf]["n"] for r in a])
    ok = abs(ca[0] - 1.0) < 1e-9 and (math.isnan(ca[1]) or ca[2] - ca[1] < 1e-9)
    return Outcome(ca[0], ca[1], ca[2], checked(ok, f"{fmt(ca[0])} trip with complete materials"),
                   f"complete sets: trips {ci_text(*cb)} -> {ci_text(*ca)}; incomplete sets ({100 * share[0]:.0f} % of "
                   f"citizens after): {ci_text(*ib)} -> {ci_text(*ia)}", cb, ca, "trips per enrolment, complete materials")


def hb_levels(res, cfg):
    (m, lo, hi), b, a = paired(res, "harbin", "before", "after", mean_wf(APPROVALS, "approval_levels"))
    return Outcome(m, lo, hi, f"{REPORTED} (no seed figure)", f"sign-off levels per approval {fmt(b[0])} -> {fmt(a[0])}: "
                   "concentration moves who reviews, not who signs", b, a, "sign-off levels per approval")


def run_count(key, base, alt, fn, label, d=2, scale=1.0):
    """An identity read from the runs (a mean of route counts over the simulated task mix): 'fewer' is
    checked, never judged against a margin."""
    def compute(res, cfg):
        (m, lo, hi), b, a = paired(res, key, base, alt, fn)
        m, lo, hi = m * scale, lo * scale, hi * scale
        b, a = tuple(x * scale for x in b), tuple(x * scale for x in a)
        return Outcome(m, lo, hi, checked(m < 0, f"{fmt(-m, d)} fewer per task ({fmt(b[0], d)} -> {fmt(a[0], d)})"),
                       f"before {ci_text(*b, d)}, after {ci_text(*a, d)}: follows from which sections the reform puts "
                       "together", b, a, label)
    return compute


def _licheng_same_structure():
    import sim

    sc = sim.load_scenario("licheng_combos")
    b, a = sc.structures["separate"].counts(), sc.structures["combos"].counts()
    keys = ("bodies", "sections", "staff", "leader_posts")
    return all(b[k] == a[k] for k in keys), ", ".join(f"{k} {b[k]}={a[k]}" for k in keys)


def l_same_structure(res, cfg):
    same, txt = _licheng_same_structure()
    return Outcome(float(same), verdict=checked(same, "structure unchanged"), detail=txt)


# ---- dynamic claims: their extra detail ------------------------------------------------------------------
def transition_curve(res, key="xicheng", base="sections", alt="big_offices", window=10, tail=20):
    """Daily paired difference (after - before) of the mean cycle time by arrival day, its rolling mean,
    and the first day from which the rolling mean stays below 0 (None if never)."""
    b = np.vstack([r["daily"] for r in res.records[(key, base)]])
    a = np.vstack([r["daily"] for r in res.records[(key, alt)]])
    diff = np.nanmean(a - b, axis=0)
    n = len(diff) - tail  # the last days are cut short by the horizon
    roll = np.array([np.nanmean(diff[max(0, i - window + 1): i + 1]) for i in range(n)])
    cross = None
    for i in range(n):
        if np.all(roll[i:] < 0):
            cross = i
            break
    return diff[:n], roll, cross, b[:, :n], a[:, :n]


FIRST_DAYS, LATER_FROM = 20, 60  # X2: the first working days of the new structure, and "later"


def dip_and_gain(before, after, first=FIRST_DAYS, later=LATER_FROM, tail=20):
    """X2 per replication: min(slowdown over the first days, saving from ``later`` on), hours per task:
    positive only when the big offices are slower at first AND faster later."""
    b, a = np.asarray(before["daily"], float), np.asarray(after["daily"], float)
    n = len(b) - tail
    if n <= later:  # too short a run to see "later"
        return math.nan
    dip = np.nanmean(a[:first] - b[:first])
    gain = np.nanmean(b[later:n] - a[later:n])
    return float(min(dip, gain))


def x_transition_detail(res, key, claim):
    _, _, cross, b, a = transition_curve(res, key, claim.base, claim.alt)
    first = np.nanmean(a[:, :FIRST_DAYS] - b[:, :FIRST_DAYS], axis=1)
    later = np.nanmean(b[:, LATER_FROM:] - a[:, LATER_FROM:], axis=1)
    return (f"first {FIRST_DAYS} days {ci_text(*mean_ci(first), 2)} h slower per task, from day {LATER_FROM} "
            f"{ci_text(*mean_ci(later), 2)} h faster; the 10-day rolling difference stays below 0 from working day {cross}")


def x_joint(res, key, claim):
    joint = [f"joint_{b}" for b in ("zonghe", "dangqun", "pingan", "chengshi", "shequ", "minsheng", "fuwu")]
    (_, _, _), b, a = paired(res, key, claim.base, claim.alt, mean_wf(joint, "handoffs"))
    return f"joint block matters: {fmt(b[0])} -> {fmt(a[0])} handoffs (now internal)"


def x_district_handoffs(res, key, claim):
    (_, _, _), b, a = paired(res, key, claim.base, claim.alt, mean_wf(DISTRICT, "handoffs"))
    return f"handoffs per district task {fmt(b[0])} -> {fmt(a[0])}"


def s_week_detail(res, key, claim):
    (_, _, _), b, a = paired(res, key, claim.base, claim.alt, wfm("road_project", "cycle_days"))
    return f"the seed's figure is 5 working days; road project {ci_text(*b, 1)} -> {ci_text(*a, 1)} working days"


def c1_detail(res, key, claim):
    return f"deputy county head with {COUNTY_ITEMS_HEAVY:g} other items a day (base 2)"


APPROVALS = ("approval_trade_foreign", "approval_trade_services", "approval_trade", "approval_services")
DISTRICT = [f"district_{b}" for b in ("dangqun", "pingan", "chengshi", "shequ", "minsheng", "fuwu")]

# margins, declared before any run (their sources in the text)
TIME_SHARE = 0.10
TIME_SOURCE = "assumption: a tenth of the time is the least a caseworker or a citizen would notice"
HALT_SOURCE = "assumption: a tenth fewer halts, the least an office would notice"
CV_SOURCE = "assumption: 0.05 in the utilisation CV, the least change in who is busy a section head would notice"
SHARE_SOURCE = "assumption: one member of staff in twenty"

CLAIMS: list[Claim] = [
    Claim("H1", SEEDS["huaibei"], "Merging 行政科 and 政法科 removes three steps (环节) from a budget-indicator adjustment",
          "3 steps fewer", IDENTITY, h_budget_steps, "section-line steps on the route, before - after = 3"),
    Claim("H1t", SEEDS["huaibei"], "... and the time those steps and their queues cost", "time saved", EMERGENT,
          system="huaibei", base="fragmented", alt="large", metric=lambda r: r["wf"].get("budget_adjust", {}).get("cycle_hours", math.nan),
          margin_share=TIME_SHARE, margin_source=TIME_SOURCE, units="h", label="hours per budget adjustment", label_zh="调剂预算指标每件小时数"),
    Claim("H2", SEEDS["huaibei"], "Pilot sections 52 -> 38 (-27 %) after the reform rules", "52 -> 38", IDENTITY,
          h_sections, "the reform rules' count"),
    Claim("H2b", SEEDS["huaibei"], "Business sections 85 % of all after", "85 %", IDENTITY, h_business_share,
          "the built structure's share"),
    Claim("H2c", SEEDS["huaibei"], "One-person sections (一人科) eliminated", "0 after", IDENTITY, h_one_person,
          "0 after, > 0 before"),
    Claim("H2d", SEEDS["huaibei"], "Staff per section raised to about 3", "about 3", IDENTITY, h_staff_per_section,
          "2.5 to 3.5"),
    Claim("H3", SEEDS["huaibei"], "'One person away, the work stops' solved: halts", "fewer halts", CONDITIONAL,
          system="huaibei", base="fragmented", alt="large", metric=summ("halts_per_1000_staff_days"),
          margin_share=0.10, margin_source=HALT_SOURCE, units="per 1,000 staff-days",
          label="halts per 1,000 staff-days", premise=MULTISKILLING, label_zh="每千人日停办次数"),
    Claim("H3b", SEEDS["huaibei"], "... share of tasks halted", "fewer halted tasks", CONDITIONAL,
          system="huaibei", base="fragmented", alt="large", metric=summ("share_tasks_halted"), scale=100,
          margin_share=0.10, margin_source=HALT_SOURCE, units="points", label="share of tasks halted (%)", label_zh="停办事项占比（%）",
          premise=MULTISKILLING, bounded=True),
    Claim("H4", SEEDS["huaibei"], "Idle/overload imbalance (忙闲不均) solved: utilisation spread", "lower CV", CONDITIONAL,
          system="huaibei", base="fragmented", alt="large", metric=summ("util_cv"), margin=0.05, margin_source=CV_SOURCE,
          units="CV", label="utilisation CV", label_zh="工作负荷变异系数", premise=UNEVEN_LOADS),
    Claim("H4b", SEEDS["huaibei"], "... idle staff (utilisation < 30 %)", "fewer idle", CONDITIONAL,
          system="huaibei", base="fragmented", alt="large", metric=summ("idle_share"), scale=100, margin=5.0,
          margin_source=SHARE_SOURCE, units="points", label="idle staff (%)", label_zh="清闲人员占比（%）", premise=UNEVEN_LOADS, bounded=True),
    Claim("H4c", SEEDS["huaibei"], "... overloaded staff (utilisation > 90 %)", "fewer overloaded", CONDITIONAL,
          system="huaibei", base="fragmented", alt="large", metric=summ("overloaded_share"), scale=100, margin=5.0,
          margin_source=SHARE_SOURCE, units="points", label="overloaded staff (%)", premise=UNEVEN_LOADS, label_zh="超负荷人员占比（%）", bounded=True),
    Claim("X1", SEEDS["xicheng"], "Big offices turn cross-department coordination into internal coordination",
          "fewer cross-section handoffs", IDENTITY,
          run_count("xicheng", "sections", "big_offices", summ("handoffs_per_task"), "cross-section handoffs per task", 3),
          "fewer cross-section handoffs per task"),
    Claim("X2", SEEDS["xicheng"], "Transition friction: cycle time is worse at first, better later",
          "a dip, then better", CONDITIONAL, system="xicheng", base="sections", alt="big_offices",
          metric=summ("mean_cycle_hours"), point_effect=dip_and_gain, margin_share=0.05,
          margin_source="assumption: a twentieth of the mean cycle time, both in the dip and in the gain after it",
          units="h per task", label="min(first-20-day slowdown, later saving), h per task", label_zh="min(前20日变慢, 之后节省)，每件小时", premise=FRICTION,
          extra=x_transition_detail),
    Claim("X3", SEEDS["xicheng"], "Lead-office rule: district tasks received by their named lead office",
          "faster district tasks", EMERGENT, system="xicheng", base="big_offices", alt="big_offices_lead",
          metric=mean_wf(DISTRICT, "cycle_hours"), margin_share=TIME_SHARE, margin_source=TIME_SOURCE, units="h",
          label="hours per district task", label_zh="区级任务每件小时数", extra=x_district_handoffs),
    Claim("HB1", SEEDS["harbin"], "Divisions 652 -> 497, 'average reduction 28.13 %'", "28.13 %", IDENTITY, hb_divisions,
          "652 -> 497 and the mean of per-department ratios = 28.13 %"),
    Claim("HB2", SEEDS["harbin"], "Approval concentration: steps per approval", "fewer steps", IDENTITY,
          run_count("harbin", "before", "after", mean_wf(APPROVALS, "steps"), "steps per approval"), "fewer steps per approval"),
    Claim("HB2b", SEEDS["harbin"], "... handoffs per approval", "fewer handoffs", IDENTITY,
          run_count("harbin", "before", "after", mean_wf(APPROVALS, "handoffs"), "handoffs per approval"),
          "fewer handoffs per approval"),
    Claim("HB2c", SEEDS["harbin"], "... trips per approval (企业多次往返)", "fewer trips", IDENTITY,
          run_count("harbin", "before", "after", mean_wf(APPROVALS, "trips"), "trips per approval"), "fewer trips per approval"),
    Claim("HB2d", SEEDS["harbin"], "... sign-off levels per approval", "(not claimed)", IDENTITY, hb_levels, "reported only"),
    Claim("HB3", SEEDS["harbin"], "... and the time an approval takes (审批时限)", "faster approvals", EMERGENT,
          system="harbin", base="before", alt="after", metric=mean_wf(APPROVALS, "cycle_hours"), margin_share=TIME_SHARE,
          margin_source=TIME_SOURCE, units="h", label="hours per approval", label_zh="审批每件小时数"),
    Claim("L0", SEEDS["licheng"], "1+N combos: structure, functions and staffing unchanged", "same counts", IDENTITY,
          l_same_structure, "bodies, sections, staff and leader posts equal"),
    Claim("L1", SEEDS["licheng"], "1+N combos: fewer halts", "fewer halts", EMERGENT,
          system="licheng", base="separate", alt="combos", metric=summ("halts_per_1000_staff_days"), margin_share=0.10,
          margin_source=HALT_SOURCE, units="per 1,000 staff-days", label="halts per 1,000 staff-days", label_zh="每千人日停办次数"),
    Claim("L1b", SEEDS["licheng"], "... less overload", "fewer overloaded", EMERGENT,
          system="licheng", base="separate", alt="combos", metric=summ("overloaded_share"), scale=100, margin=5.0,
          margin_source=SHARE_SOURCE, units="points", label="overloaded staff (%)", bounded=True, label_zh="超负荷人员占比（%）"),
    Claim("S1", SEEDS["shanxi"], "Road project: two fewer management levels", "2 fewer", IDENTITY, s_levels,
          "sign-off levels on the route, before - after = 2"),
    Claim("S2", SEEDS["shanxi"], "Road project: one week (5 working days) saved", "5 working days", EMERGENT,
          system="shanxi", base="before", alt="after", metric=wfm("road_project", "cycle_days"), margin=2.5,
          margin_source="seed 004's 1周: half the week claimed is the least that would bear it out", units="working days",
          label="road project, working days", label_zh="道路项目审批工作日", extra=s_week_detail),
    Claim("S3", SEEDS["shanxi"], "Fushan: 3 windows and 3 sets of materials -> 1 window and 1 set", "3 -> 1", IDENTITY,
          s_windows, "windows 3 -> 1 on the route"),
    Claim("S3b", SEEDS["shanxi"], "... 'at most one trip' (最多跑一次)", "<= 1 trip", IDENTITY, s_trips,
          "1 trip for complete materials; incomplete sets reported apart"),
    Claim("S4", SEEDS["shanxi"], "Departments 36/35 -> 22 (average -38 %)", "-38 %", IDENTITY, s_departments,
          "mean ratio rounds to 38"),
    Claim("S4b", SEEDS["shanxi"], "Section-level leader posts 151/154 -> 128 (average -16 %)", "-16 %", IDENTITY,
          s_leaders, "mean ratio rounds to 16"),
    Claim("S4c", SEEDS["shanxi"], "Enforcement teams 9 -> 1 (局队合一)", "9 -> 1", IDENTITY, s_enforcement, "count = 1"),
    Claim("C1", SEEDS["shanxi"], "COUNTER-CASE: an overloaded concurrent head makes the direct chain slower",
          "large structure worse", EMERGENT, system="shanxi", key="shanxi_heavy", base="before", alt="after",
          metric=wfm("road_project", "cycle_days"), better="higher", margin=1.0,
          margin_source="assumption: a working day's delay on a road project is the least a county would notice",
          units="working days", label="road project, overloaded head (days slower)", label_zh="道路项目，分管领导超负荷（慢几天）", extra=c1_detail),
]
