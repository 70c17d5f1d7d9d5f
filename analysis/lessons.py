"""Things to notice: a teaching panel per embedded scenario, in Chinese and English.

For each embedded scenario and the pair of structures the teaching app shows by default (its first
and second structure; for ``xicheng_street`` also the lead-office variant), a :class:`Lesson` says in
one line what the reform is, lists what a class should watch on the screen ("look for") and gives
slider experiments to try. Every "try" bullet carries a :class:`Check`: the same experiment run with
``sim`` (the app's slider settings as scenario overrides, both structures on the same seeds) and the
outcome the bullet promises, so the text can only claim what the model does (tests/test_lessons.py
runs every check, and shows that a reversed expectation fails).

    from analysis.lessons import lesson, as_markdown
    d = lesson("finance_bureau", "fragmented", "merged", "zh")   # title, headings, reform, look_for, try
    print(as_markdown(d))

``lesson`` never raises for a scenario or pair it does not know (a user's own scenario): it returns a
generic lesson on how to read the screen. The texts refer to the structures by the names the app
shows, so a pair picked the other way round (B = the old structure) gets the same lesson.

What a check measures (``measure``): the run's summary (``sim.ledgers``: tasks that arrived after the
warm-up) for cycle time, steps, handoffs and utilisation; halts and halted hours over the whole run, as
the app's counters show them; ``trays`` the leaders' in-tray items at the end of each working day after
the warm-up, averaged. The app's own numbers count from day 0 (warm-up included), so its figures differ
a little from these; the directions the bullets promise are what the checks test.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from functools import lru_cache

import numpy as np

import sim
from sim.run import release
from analysis.app_model import scenario_overrides

LANGS = ("zh", "en")
# the app's sliders a check may set (section size is left out: its overrides live in the app)
SLIDERS = ("absence", "workload", "coord_steps")
# what a check can measure, named as the app's measures
METRICS = {
    "cycle_days": "mean cycle time (working days) of tasks that arrived after the warm-up (or in ``window``)",
    "steps_per_task": "steps per task (work, coordination, approval levels)",
    "handoffs_per_task": "section handoffs per task",
    "halts": "halts over the whole run (a queue stopped because nobody qualified is present)",
    "halt_hours": "halted hours over the whole run",
    "util_mean": "mean utilisation of staff",
    "util_cv": "coefficient of variation of staff utilisation",
    "idle_share": "share of staff under 30 % utilisation",
    "overloaded_share": "share of staff over 90 % utilisation",
    "trays": "leaders' in-tray items at the end of a working day, mean over the days after the warm-up",
}
_SUMMARY = {"cycle_days": "mean_cycle_days", "steps_per_task": "steps_per_task", "handoffs_per_task": "handoffs_per_task",
            "util_mean": "util_mean", "util_cv": "util_cv", "idle_share": "idle_share",
            "overloaded_share": "overloaded_share"}
# expectation -> what must hold; A and B are the pair's first and second structure, "rises" is the change
# when the slider ``vary`` names goes from its first value to its second (both sides, same seeds)
EXPECTATIONS = {
    "B lower": "B's mean is below A's by more than the margin",
    "B higher": "B's mean is above A's by more than the margin",
    "A rises more": "A's change exceeds B's change by more than the margin",
    "B rises more": "B's change exceeds A's change by more than the margin",
    "alike": "A and B differ by at most the margin (with vary: their changes do)",
    "neither moves": "neither A nor B changes by more than the margin (needs vary)",
    "B flat": "B changes by at most the margin while A changes by more (needs vary)",
}
OPPOSITE = {"B lower": "B higher", "B higher": "B lower", "A rises more": "B rises more", "B rises more": "A rises more"}
_NEEDS_VARY = {"A rises more", "B rises more", "neither moves", "B flat"}


@dataclass(frozen=True, eq=False)
class Check:
    """A slider experiment and the outcome a "try" bullet promises.

    ``settings``: the app's slider names (``SLIDERS``) -> values, for both structures; ``vary``:
    (slider, from, to) for expectations about a change; ``margin`` in the metric's own units;
    ``window``: (first, last) working day of arrival for ``cycle_days`` (the transition dip);
    ``days`` and ``seeds``: the runs (the app's seed slider is one of the seeds)."""
    metric: str
    expect: str
    settings: dict = field(default_factory=dict)
    vary: tuple | None = None
    margin: float = 0.0
    window: tuple | None = None
    days: int = 120
    seeds: tuple = (1, 2, 3)

    def __post_init__(self):
        if self.metric not in METRICS:
            raise ValueError(f"unknown metric {self.metric!r} (known: {', '.join(METRICS)})")
        if self.expect not in EXPECTATIONS:
            raise ValueError(f"unknown expectation {self.expect!r} (known: {', '.join(EXPECTATIONS)})")
        bad = [k for k in self.settings if k not in SLIDERS]
        if bad or (self.vary and self.vary[0] not in SLIDERS):
            raise ValueError(f"a check sets only the sliders {', '.join(SLIDERS)}, got {bad or self.vary[0]}")
        if self.expect in _NEEDS_VARY and not self.vary:
            raise ValueError(f"expectation {self.expect!r} needs vary=(slider, from, to)")
        if self.window and self.metric != "cycle_days":
            raise ValueError("a window applies to cycle_days only")
        if self.margin < 0 or not self.seeds or self.days < 1:
            raise ValueError("margin >= 0, at least one seed and one day")


@dataclass
class CheckResult:
    holds: bool
    a: float | dict  # the metric's mean over seeds (with vary: {from: ..., to: ...})
    b: float | dict
    detail: str


def reversed_check(check: Check) -> Check:
    """The same experiment with the opposite direction promised (a check must be able to fail)."""
    if check.expect not in OPPOSITE:
        raise ValueError(f"{check.expect!r} has no opposite")
    return replace(check, expect=OPPOSITE[check.expect])


@lru_cache(maxsize=None)
def _scenario(name: str) -> sim.Scenario:
    return sim.load_scenario(name)


def overrides(sc: sim.Scenario, settings: dict) -> dict:
    """The app's slider values (absence multiplier, workload = load factor, coordination steps) as
    ``Scenario.with_overrides`` paths: the app's own translation (``analysis.app_model``)."""
    general, _ = scenario_overrides(sc, absence=float(settings.get("absence", 1.0)), workload=settings.get("workload"),
                                    coord_steps=settings.get("coord_steps"))
    return general


def _key(sc: sim.Scenario, settings: dict | None) -> tuple:
    """Settings as a cache key, the scenario's own values dropped (so a default run is shared)."""
    own = {"absence": 1.0, "workload": sc.workload.load_factor, "coord_steps": sc.params.handoff.section.steps}
    return tuple(sorted((k, v) for k, v in (settings or {}).items() if abs(float(v) - float(own[k])) > 1e-12))


@lru_cache(maxsize=2048)
def _one_run(scenario: str, structure: str, settings: tuple, seed: int, days: int) -> dict:
    """One run, stepped a working day at a time as the app steps it: every metric of ``METRICS``
    (``arrival_day``/``cycle`` for windows)."""
    base = _scenario(scenario)
    sc = base.with_overrides(overrides(base, dict(settings)))
    model = sim.OfficeModel(scenario=sc, structure=structure, seed=seed, days=days, record_events=False)
    trays = []
    while model.running:
        model.step()
        if model.day > sc.warmup_days:
            trays.append(sum(len(leader.tray) for leader in model.leaders.values()))
    res = model.finish()
    release(model)  # let Mesa forget the model
    out = {k: float(res.summary[v]) for k, v in _SUMMARY.items()}
    out.update(halts=float(len(res.halts)), halt_hours=float(res.halts["duration"].sum()),
               trays=float(np.mean(trays)) if trays else math.nan,
               arrival_day=(res.tasks["arrival"] / sc.calendar.hours_per_day).to_numpy(),
               cycle=res.tasks["cycle_days"].to_numpy())
    return out


def _value(run: dict, metric: str, window: tuple | None) -> float:
    if window is None:
        return run[metric]
    sel = (run["arrival_day"] >= window[0]) & (run["arrival_day"] < window[1])
    return float(run["cycle"][sel].mean()) if sel.any() else math.nan


def measure(scenario: str, structure: str, metric: str, settings: dict | None = None, *, seeds=(1, 2, 3),
            days: int = 120, window: tuple | None = None) -> float:
    """The metric's mean over ``seeds`` for one structure of an embedded scenario under the app's slider
    ``settings`` (runs are cached per process: checks sharing a run do not repeat it)."""
    key = _key(_scenario(scenario), settings)
    vals = [_value(_one_run(scenario, structure, key, int(s), int(days)), metric, window) for s in seeds]
    return float(np.nanmean(vals))


def run_check(check: Check, scenario: str, structure_a: str, structure_b: str, *, days: int | None = None,
              seeds=None) -> CheckResult:
    """Run the check's experiment for the pair (A, B) and say whether its expectation holds."""
    days = days or check.days
    seeds = tuple(seeds or check.seeds)
    window = check.window
    if window and window[1] > days:
        window = (window[0], days) if window[0] < days else None

    def m(structure, settings):
        return measure(scenario, structure, check.metric, settings, seeds=seeds, days=days, window=window)

    mg, e = check.margin, check.expect
    if check.vary:
        slider, lo, hi = check.vary
        a0, a1 = m(structure_a, {**check.settings, slider: lo}), m(structure_a, {**check.settings, slider: hi})
        b0, b1 = m(structure_b, {**check.settings, slider: lo}), m(structure_b, {**check.settings, slider: hi})
        da, db = a1 - a0, b1 - b0
        holds = {"A rises more": da > db + mg, "B rises more": db > da + mg, "alike": abs(da - db) <= mg,
                 "neither moves": abs(da) <= mg and abs(db) <= mg, "B flat": abs(db) <= mg < abs(da),
                 "B lower": b1 < a1 - mg, "B higher": b1 > a1 + mg}[e]
        detail = (f"{check.metric} {slider} {lo:g}->{hi:g}: A {a0:.3g}->{a1:.3g} ({da:+.3g}), "
                  f"B {b0:.3g}->{b1:.3g} ({db:+.3g}); expect {e} (margin {mg:g})")
        return CheckResult(bool(holds), {lo: a0, hi: a1}, {lo: b0, hi: b1}, detail)
    a, b = m(structure_a, check.settings), m(structure_b, check.settings)
    holds = {"B lower": b < a - mg, "B higher": b > a + mg, "alike": abs(a - b) <= mg}.get(e, False)
    where = f" arrivals on days {window[0]}-{window[1]}" if window else ""
    detail = f"{check.metric}{where} at {check.settings or 'defaults'}: A {a:.3g}, B {b:.3g}; expect {e} (margin {mg:g})"
    return CheckResult(bool(holds) and not (math.isnan(a) or math.isnan(b)), a, b, detail)


# ---- the lessons ---------------------------------------------------------------------------------
@dataclass(frozen=True, eq=False)
class Try:
    """A slider experiment for the class, in both languages, and the checks that back its promise."""
    text: dict
    checks: tuple


@dataclass(frozen=True, eq=False)
class Lesson:
    """What to notice for one scenario and structure pair (A = the pair's first structure)."""
    reform: dict            # language -> one line
    look_for: dict          # language -> 2-4 bullets
    tries: tuple            # 1-3 Try
    look_checks: tuple = ()  # checks behind the look-for bullets that make a claim about direction

    def texts(self, lang: str) -> dict:
        return {"reform": self.reform[lang], "look_for": list(self.look_for[lang]),
                "try": [t.text[lang] for t in self.tries]}


HEADINGS = {
    "zh": {"title": "看点", "reform": "改革要点", "look_for": "看什么", "try": "试一试"},
    "en": {"title": "Things to notice", "reform": "The reform", "look_for": "Look for", "try": "Try"},
}

WARMUP = {  # one bullet most lessons share
    "zh": "前20个工作日是预热期：队列从空开始，数字偏好看，不计入统计；第20天以后再比较。",
    "en": "Days 1-20 are warm-up: queues start empty, so the numbers look too good and are not measured; compare after day 20.",
}

FINANCE = Lesson(
    reform={"zh": "29人、12个科室的财政局把四对职能相近的窄科室合并为大科室（如行政科＋政法科），人和事项都不变。",
            "en": "A 29-person finance bureau merges four pairs of narrow sections (e.g. Administration + Politics-and-Law); "
                  "same people, same work."},
    look_for={
        "zh": ("每件环节数、跨科室交接：大科室更少——调剂预算指标不再跨科室，少了三个环节。",
               "停办次数：政法科、政府采购办都是一人科，人一出差就停办；大科室停办少得多，但不是零。",
               "利用率变异系数：分设科室忙闲不均（农业科闲、经建科忙），大科室可在科内调配，明显更均匀。",
               WARMUP["zh"]),
        "en": ("Steps and handoffs per task: fewer in large sections; a budget adjustment no longer crosses a section "
               "line (three steps fewer).",
               "Halts: two sections have one person each, so work stops when that person is away; large sections halt "
               "far less, though not never.",
               "CV of utilisation: separate sections are uneven (agriculture idle, economic construction swamped); a "
               "large section shares the load.",
               WARMUP["en"]),
    },
    tries=(
        Try({"zh": "把缺勤率从1调到2.5：分设科室的停办次数猛增，大科室增加得少得多。",
             "en": "Raise absence from 1 to 2.5: halts climb steeply for separate sections, much less for large ones."},
            (Check("halts", "A rises more", vary=("absence", 1.0, 2.5), margin=20),)),
        Try({"zh": "把协调环节从3调到8：分设科室的办结周期成倍增长，大科室涨幅小得多。",
             "en": "Raise coordination steps from 3 to 8: cycle time multiplies for separate sections, grows far less "
                   "for large ones."},
            (Check("cycle_days", "A rises more", vary=("coord_steps", 3, 8), margin=1.0),)),
        Try({"zh": "把工作量调到1.5：大科室仍然更快，但超负荷者占比反而更高——合并不增加人手，只是分摊压力。",
             "en": "Set workload to 1.5: large sections stay faster, yet more of their staff are overloaded: merging "
                   "adds no hands, it shares the strain."},
            (Check("cycle_days", "B lower", settings={"workload": 1.5}),
             Check("overloaded_share", "B higher", settings={"workload": 1.5}))),
    ),
    look_checks=(Check("steps_per_task", "B lower"), Check("halts", "B lower"), Check("util_cv", "B lower", margin=0.05)),
)

_HB = {"days": 100, "seeds": (1, 2)}  # 114 sections: fewer, shorter runs keep the tests quick

HUAIBEI = Lesson(
    reform={"zh": "淮北三家试点单位（编办、财政局、人社局）把52个科室整合为40个，11个一人科全部取消。",
            "en": "Huaibei's three pilots (establishment office, finance, human resources) merge 52 sections into 40; "
                  "all 11 one-person sections go."},
    look_for={
        "zh": ("停办次数：分设科室一人科多，有人出差就停办；大科室少了约四成，但两三人的科室仍会停办。",
               "利用率变异系数：大科室明显更低，科长可以在科内调配人手，忙闲不均得到缓解。",
               "过渡期：调整岗位的人头30天效率较低，开头约20天大科室反而更慢，之后反超；这段也是预热期，不计入统计。"),
        "en": ("Halts: many one-person sections stop whenever someone travels; large sections halt about 40 % less, "
               "but still halt.",
               "CV of utilisation: clearly lower in large sections, whose heads can move people around.",
               "Transition: moved staff are slower for 30 days; for about 20 days large sections are slower, then "
               "overtake (this is also the warm-up)."),
    },
    tries=(
        Try({"zh": "把缺勤率从0调到2：分设科室的办结周期涨得比大科室多得多；缺勤为0时两边都不停办。",
             "en": "Move absence from 0 to 2: cycle time rises far more for separate sections; at 0 neither side halts."},
            (Check("cycle_days", "A rises more", vary=("absence", 0.0, 2.0), margin=0.2, **_HB),
             Check("halts", "alike", settings={"absence": 0.0}, margin=0.0, **_HB))),
        Try({"zh": "把协调环节从3调到8：分设科室变慢，大科室纹丝不动——它已没有跨科室交接。",
             "en": "Raise coordination steps from 3 to 8: separate sections slow down; large sections do not move, "
                   "they have no handoffs left."},
            (Check("cycle_days", "B flat", vary=("coord_steps", 3, 8), margin=0.1, **_HB),)),
    ),
    look_checks=(Check("halts", "B lower", **_HB), Check("util_cv", "B lower", margin=0.05, **_HB),
                 Check("cycle_days", "B higher", window=(0, 20), **_HB), Check("cycle_days", "B lower", window=(40, 100), **_HB)),
)

HARBIN = Lesson(
    reform={"zh": "哈尔滨某局合并处室，三个业务处室的审批集中到行政审批办公室（审监分离），被撤处室的处长改任专员。",
            "en": "A Harbin department merges divisions and moves three divisions' approvals into one approval office; "
                  "ex-heads become commissioners."},
    look_for={
        "zh": ("每件跨科室交接降为0、环节数减少：一件审批不再在几个处室之间来回转。",
               "闲置者占比、利用率变异系数反而上升：审批集中后，监管人员和专员活少，忙闲不均换了地方。",
               "过渡期（前30天调整人员慢20%）：看不到先降后升，省掉交接的收益一开始就大于过渡成本。",
               WARMUP["zh"]),
        "en": ("Handoffs per task fall to 0 and steps drop: an approval no longer travels between divisions.",
               "Share idle and CV of utilisation go UP: with approvals concentrated, supervisors and commissioners have "
               "little to do; the imbalance moves.",
               "Transition (moved staff 20 % slower for 30 days): no visible dip; the handoffs saved outweigh it from "
               "the start.",
               WARMUP["en"]),
    },
    tries=(
        Try({"zh": "把协调环节从3调到8：改革前的办结周期翻倍，大处室纹丝不动——它已没有跨处室交接。",
             "en": "Raise coordination steps from 3 to 8: cycle time doubles before the reform; large divisions do not "
                   "move, no handoffs are left."},
            (Check("cycle_days", "B flat", vary=("coord_steps", 3, 8), margin=0.5),)),
        Try({"zh": "把协调环节调到0：两边办结周期几乎一样——这里改革的好处主要来自省掉的交接。",
             "en": "Set coordination steps to 0: cycle times almost meet; here the reform's gain is mostly the handoffs "
                   "it removes."},
            (Check("cycle_days", "alike", settings={"coord_steps": 0}, margin=0.1),)),
        Try({"zh": "把缺勤率调到2.5：改革前停办次数大增，大处室只增加一点。",
             "en": "Raise absence to 2.5: halts soar before the reform, rise only a little with large divisions."},
            (Check("halts", "A rises more", vary=("absence", 1.0, 2.5), margin=10),)),
    ),
    look_checks=(Check("handoffs_per_task", "B lower"), Check("steps_per_task", "B lower"),
                 Check("idle_share", "B higher", margin=0.1), Check("util_cv", "B higher", margin=0.05),
                 Check("cycle_days", "B lower", window=(0, 20)), Check("cycle_days", "B lower", window=(20, 50))),
)

LICHENG = Lesson(
    reform={"zh": "鲤城区11个小单位（一名领导加1～2人）编成3个“1+N”组团：机构、编制不变，组团内借人不办手续，共性岗位合并，错峰休息。",
            "en": "Licheng: 11 tiny bodies form three '1+N' combos; posts stay, but staff are lent without paperwork, "
                  "common posts merge, leave is staggered."},
    look_for={
        "zh": ("每件环节数、交接两边一样：组团没有改结构，区别全在人手互借。",
               "停办次数：小单位一人出差就停办，组团里有人顶上，停办只有约三分之一。",
               "办结周期：组团明显更短，超负荷者占比也更低。",
               WARMUP["zh"]),
        "en": ("Steps and handoffs per task are the same on both sides: combos change no structure, only who may help.",
               "Halts: a tiny body stops when one person travels; in a combo someone steps in, about a third as many halts.",
               "Cycle time: clearly shorter in combos, and fewer staff are overloaded.",
               WARMUP["en"]),
    },
    tries=(
        Try({"zh": "把缺勤率从1调到2.5：分设单位的办结周期涨好几倍，组团涨得少得多。",
             "en": "Raise absence from 1 to 2.5: separate bodies' cycle time multiplies; combos' grows far less."},
            (Check("cycle_days", "A rises more", vary=("absence", 1.0, 2.5), margin=0.5),)),
        Try({"zh": "拖动协调环节滑块：两边数字都不变——这里没有跨科室交接，组团的作用不在这里。",
             "en": "Move the coordination-steps slider: nothing changes on either side; there are no handoffs here, "
                   "combos work otherwise."},
            (Check("cycle_days", "neither moves", vary=("coord_steps", 0, 8), margin=1e-9),)),
        Try({"zh": "把工作量调到1.3：组团仍快得多，但超负荷者占比更高——互借人手分摊压力，人并没有变多。",
             "en": "Set workload to 1.3: combos stay much faster, yet more staff are overloaded: lending shares the "
                   "strain, it adds no people."},
            (Check("cycle_days", "B lower", settings={"workload": 1.3}),
             Check("overloaded_share", "B higher", settings={"workload": 1.3}))),
    ),
    look_checks=(Check("steps_per_task", "alike"), Check("halts", "B lower"), Check("cycle_days", "B lower"),
                 Check("overloaded_share", "B lower")),
)

SHANXI = Lesson(
    reform={"zh": "山西人口小县：副县长兼任发改局局长，道路项目少两级审批；社保、低保中心合并，3个窗口变1个。",
            "en": "Shanxi small county: a deputy county head heads the bureau, so road projects skip two levels; "
                  "three windows become one."},
    look_for={
        "zh": ("领导待批：改革后明显减少——兼任局长的副县长直接审批，事项不再逐级排队。",
               "平均办结周期只短一点：道路项目两周才一件，省下的一周被大量日常事项平均掉了。",
               "停办次数两边差不多：股室人手没变，人不在照样停办。",
               WARMUP["zh"]),
        "en": ("Leaders' in-trays: clearly fewer items after; the deputy county head signs directly, no queue at each level.",
               "Mean cycle time falls only a little: a road project comes once a fortnight, its saved week is averaged "
               "over many routine tasks.",
               "Halts are about equal: the units' staff did not change, so absences stop work as before.",
               WARMUP["en"]),
    },
    tries=(
        Try({"zh": "把缺勤率调到2：两边停办次数一起上升、幅度相同——兼任领导职务解决不了人手缺位。",
             "en": "Raise absence to 2: halts rise by the same amount on both sides; a concurrent head does not cover "
                   "absent staff."},
            (Check("halts", "alike", vary=("absence", 1.0, 2.0), margin=5),)),
        Try({"zh": "把协调环节从3调到8：两边办结周期同样大幅变长——改革减的是审批层级，不是跨股交接。",
             "en": "Raise coordination steps from 3 to 8: both cycle times grow alike; the reform cut approval levels, "
                   "not handoffs between units."},
            (Check("cycle_days", "alike", vary=("coord_steps", 3, 8), margin=1.0),)),
    ),
    look_checks=(Check("trays", "B lower", margin=0.5), Check("cycle_days", "B lower"),
                 Check("cycle_days", "alike", margin=0.6), Check("halts", "alike", margin=2)),
)

XICHENG = Lesson(
    reform={"zh": "西城某街道把7个职责板块的14个科室合并为7个“大办”，跨科室协调变成内部协调；另一方案再给区级任务指定牵头办。",
            "en": "A Xicheng street office merges 14 sections in 7 duty blocks into 7 big offices; a variant also names "
                  "a lead office for each district task."},
    look_for={
        "zh": ("过渡期：调整人员头60天慢35%，前约40个工作日大办的办结周期反而更长，之后反超——看两条曲线交叉。",
               "停办次数：分设科室多为两三人的小科，大办停办少得多；利用率变异系数也明显更低。",
               "每件跨科室交接：大办降到约四分之一；选“大办＋牵头办”，区级任务由牵头办直接接收，交接降为0。",
               "前20个工作日是预热期：队列从空开始，不计入统计，正好落在过渡期里。"),
        "en": ("Transition: moved staff are 35 % slower for 60 days; for about 40 days big offices are slower, then "
               "overtake; watch the curves cross.",
               "Halts: the old two- or three-person sections halt often, big offices far less; the CV of utilisation "
               "also drops.",
               "Handoffs per task fall to about a quarter; with 'big offices + lead' the lead office takes district "
               "tasks directly: zero handoffs.",
               "Days 1-20 are warm-up: queues start empty and are not measured; it falls inside the transition."),
    },
    tries=(
        Try({"zh": "把缺勤率调到2：分设科室停办次数大增，大办增加得少得多。",
             "en": "Raise absence to 2: halts soar for the sections, rise far less for big offices."},
            (Check("halts", "A rises more", vary=("absence", 1.0, 2.0), margin=50),)),
        Try({"zh": "把协调环节调到8：分设科室明显变慢，大办只慢一点。",
             "en": "Raise coordination steps to 8: the sections slow down clearly, big offices only slightly."},
            (Check("cycle_days", "A rises more", vary=("coord_steps", 3, 8), margin=0.2),)),
        Try({"zh": "把工作量调到1.3：过渡期叠加高负荷，头100天大办反而比分设科室慢。",
             "en": "Set workload to 1.3: transition plus heavy load; over the first 100 days big offices are slower "
                   "than the sections."},
            (Check("cycle_days", "B higher", settings={"workload": 1.3}, window=(20, 100), days=100),)),
    ),
    look_checks=(Check("cycle_days", "B higher", window=(0, 40), margin=0.1), Check("cycle_days", "B lower", window=(60, 120), margin=0.1),
                 Check("halts", "B lower"), Check("util_cv", "B lower", margin=0.05), Check("handoffs_per_task", "B lower")),
)

XICHENG_LEAD = Lesson(
    reform={"zh": "同样是大办，再给每项区级任务指定牵头办直接接收（“有办认领”），不再由综合保障办转交。",
            "en": "Big offices either way; the variant names a lead office that receives each district task itself "
                  "instead of via the general office."},
    look_for={
        "zh": ("每件跨科室交接从约0.07降到0，环节数也更少。",
               "停办次数、利用率变异系数几乎相同：人员和科室规模都没变。",
               "两边都有同样的过渡期（前60天）和预热期（前20天），曲线形状相似。"),
        "en": ("Handoffs per task drop from about 0.07 to 0, and steps fall too.",
               "Halts and the CV of utilisation are almost the same: staff and office sizes did not change.",
               "Both have the same transition (60 days) and warm-up (20 days), so their curves look alike."),
    },
    tries=(
        Try({"zh": "把协调环节调到8：大办略慢，“大办＋牵头办”纹丝不动——它没有跨办交接。",
             "en": "Raise coordination steps to 8: big offices slow slightly; with the lead rule nothing moves, no "
                   "handoffs are left."},
            (Check("cycle_days", "B flat", vary=("coord_steps", 3, 8), margin=0.05),)),
    ),
    look_checks=(Check("handoffs_per_task", "B lower"), Check("steps_per_task", "B lower"),
                 Check("halts", "alike", margin=2), Check("util_cv", "alike", margin=0.02)),
)

# (scenario, structure A, structure B) -> lesson; A and B as the app shows them by default
LESSONS = {
    ("finance_bureau", "fragmented", "merged"): FINANCE,
    ("huaibei_pilots", "fragmented", "large"): HUAIBEI,
    ("harbin_department", "before", "after"): HARBIN,
    ("licheng_combos", "separate", "combos"): LICHENG,
    ("shanxi_county", "before", "after"): SHANXI,
    ("xicheng_street", "sections", "big_offices"): XICHENG,
    ("xicheng_street", "sections", "big_offices_lead"): XICHENG,
    ("xicheng_street", "big_offices", "big_offices_lead"): XICHENG_LEAD,
}

GENERIC = Lesson(
    reform={"zh": "两种结构并排运行：同一随机种子，同样的事项到达，同样的人在同样的日子缺勤，差别只来自结构。",
            "en": "Two structures on one seed: the same tasks arrive, the same people are away on the same days; "
                  "every difference comes from the structure."},
    look_for={
        "zh": ("开头是预热期：队列从空开始，数字偏好看，先别下结论。",
               "停办：某项工作所有能办的人都不在，队列只能停下；一人科最容易停办。",
               "利用率变异系数越大，忙闲越不均；再看闲置者和超负荷者占比。",
               "每件环节数和跨科室交接：一件事拆得越碎，这两个数越大，办结周期往往越长。"),
        "en": ("The first days are warm-up: queues start empty and the numbers look too good; wait before judging.",
               "A halt: everyone able to do a piece of work is away, so its queue stops; one-person sections halt most.",
               "The higher the CV of utilisation, the more uneven the load; see the idle and overloaded shares.",
               "Steps and handoffs per task: the more a matter is split up, the higher both, and usually the longer "
               "the cycle time."),
    },
    tries=(
        Try({"zh": "把缺勤率调高再按重置：看哪一侧的停办次数涨得更快。",
             "en": "Raise absence and press Reset: which side's halts climb faster?"}, ()),
        Try({"zh": "把协调环节调高：跨科室交接多的一侧，办结周期应当涨得更多。",
             "en": "Raise coordination steps: the side with more handoffs should slow down more."}, ()),
        Try({"zh": "换几个随机种子：差别每次都在，还是只是运气？",
             "en": "Try a few seeds: is the difference there every time, or luck?"}, ()),
    ),
)


def find(scenario: str, structure_a: str, structure_b: str) -> tuple[Lesson | None, bool]:
    """(the lesson for this pair, whether the pair is the lesson's pair the other way round); (None, False)
    when there is none."""
    if (scenario, structure_a, structure_b) in LESSONS:
        return LESSONS[(scenario, structure_a, structure_b)], False
    if (scenario, structure_b, structure_a) in LESSONS:
        return LESSONS[(scenario, structure_b, structure_a)], True
    return None, False


def lesson(scenario_name, structure_a, structure_b, lang: str = "zh") -> dict:
    """The panel's texts for a scenario and the two structures on screen, in ``lang`` ("zh" or "en";
    anything else: Chinese). Keys: title and headings, reform (one line), look_for and try (lists of
    bullets), generic (True for the how-to-read-the-screen lesson given for anything unknown). The texts
    name the structures, so a pair picked the other way round gets its lesson too. Never raises."""
    lang = lang if lang in LANGS else "zh"
    known = all(isinstance(x, str) for x in (scenario_name, structure_a, structure_b))
    found, _ = find(scenario_name, structure_a, structure_b) if known else (None, False)
    chosen = found or GENERIC
    return {"lang": lang, "generic": found is None, **{f"heading_{k}": v for k, v in HEADINGS[lang].items()},
            **chosen.texts(lang)}


def as_markdown(d: dict) -> str:
    """A lesson dict (``lesson``) as Markdown for the panel."""
    lines = [f"**{d['heading_reform']}**: {d['reform']}", "", f"**{d['heading_look_for']}**"]
    lines += [f"- {b}" for b in d["look_for"]]
    lines += ["", f"**{d['heading_try']}**"] + [f"- {b}" for b in d["try"]]
    return "\n".join(lines)


def all_checks():
    """Every (scenario, structure A, structure B, check) of the lessons, for the tests: the tries' checks,
    then the look-for bullets'."""
    for (scenario, a, b), les in LESSONS.items():
        for c in [c for t in les.tries for c in t.checks] + list(les.look_checks):
            yield scenario, a, b, c
