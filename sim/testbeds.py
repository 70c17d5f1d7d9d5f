"""Queueing testbeds: scenarios where queueing theory has an answer.

One section of ``c`` staff (pooled) or ``c`` one-person sections each receiving 1/c of the work
(split); Poisson arrivals, exponential work, no absences, handoffs or dispatch costs unless asked.
The engine tests check these against Erlang C, and the benchmark runs the same model on SimPy.
"""
from __future__ import annotations

from .scenario import Scenario, parse_scenario
from .theory import erlang_c_probability, mmc_mean_wait  # noqa: F401  (re-exported for tests)


def pool_scenario(*, c: int = 5, lam: float = 4.0, mu: float = 1.0, split: bool = False, days: int = 1000,
                  warmup_days: int = 20, absence_p: float = 0.0, absence_days: float = 2.0,
                  hours_per_day: float = 8.0) -> Scenario:
    """``lam`` arrivals and ``mu`` completions per working hour; ``absence_p`` the stationary share
    of time each person is away (exponential episodes of mean ``absence_days``)."""
    if split:
        sections = [{"id": f"s{i}", "functions": [f"f{i}"], "staff": [{"id": f"p{i}", "post": "staff", "skills": {f"f{i}": 1.0}}]}
                    for i in range(c)]
        workflows = [{"id": f"w{i}", "body": "b", "rate_per_day": lam * hours_per_day / c,
                      "steps": [{"work": f"f{i}", "hours": {"dist": "exponential", "mean": 1.0 / mu}}]} for i in range(c)]
    else:
        sections = [{"id": "s", "functions": ["f"],
                     "staff": [{"id": f"p{i}", "post": "staff", "skills": {"f": 1.0}} for i in range(c)]}]
        workflows = [{"id": "w", "body": "b", "rate_per_day": lam * hours_per_day,
                      "steps": [{"work": "f", "hours": {"dist": "exponential", "mean": 1.0 / mu}}]}]
    params = {"handoff": {"section": {"steps": 0}, "body": {"steps": 0}}}
    if absence_p > 0:
        # alternating renewal: p = D / (gap + D)  =>  gap = D (1 - p) / p, in working days
        gap_days = absence_days * (1 - absence_p) / absence_p
        params["absence"] = {"away": {"rate_per_year": 52 * 5 / gap_days,
                                      "days": {"dist": "exponential", "mean": absence_days}}}
    raw = {"name": f"{'split' if split else 'pooled'}_c{c}", "calendar": {"hours_per_day": hours_per_day, "days_per_week": 5},
           "horizon_days": days, "warmup_days": warmup_days,
           "structures": {"split" if split else "pooled": {"bodies": [{"id": "b", "sections": sections}]}},
           "workload": {"workflows": workflows}, "params": params}
    return parse_scenario(raw, "<testbed>")



def city_scenario(*, bodies: int = 60, staff: int = 1500, days: int = 250, seed: int = 0, utilisation: float = 0.6,
                  merged: bool = True) -> Scenario:
    """A city-scale government of ``bodies`` bodies and about ``staff`` staff, for the benchmark.

    Each body has 3-8 sections of uneven size with a director and a deputy; each section owns one
    function with a routine workflow, and each body has a cross-section workflow with approvals.
    Rates are set so staff are busy about ``utilisation`` of their time. With ``merged`` a second
    structure merges each body's sections pairwise (large sections)."""
    import random
    rnd = random.Random(seed)
    per_body = staff / bodies
    body_specs, workflows, reform_list = [], [], []
    leaders = []
    for b in range(bodies):
        n_sec = rnd.randint(3, 8)
        sizes = [1] * n_sec
        for _ in range(max(int(round(per_body)) - n_sec, 0)):
            sizes[rnd.randrange(n_sec)] += 1
        secs = []
        for s, size in enumerate(sizes):
            f = f"b{b}f{s}"
            members = [{"id": f"b{b}s{s}p{k}", "post": "head" if k == 0 else "staff", "skills": {f: 1.0}} for k in range(size)]
            secs.append({"id": f"b{b}s{s}", "functions": [f], "staff": members})
            hours = 3.0
            workflows.append({"id": f"b{b}w{s}", "body": f"b{b}", "rate_per_day": round(utilisation * 8 * size / hours * 0.9, 4),
                              "steps": [{"work": f, "hours": {"dist": "lognormal", "mean": hours, "cv": 0.6}}]})
        workflows.append({"id": f"b{b}x", "body": f"b{b}", "rate_per_day": 0.5, "steps": [
            {"work": f"b{b}f0", "hours": 2.0}, {"work": f"b{b}f1", "hours": 2.0},
            {"approve": "deputy_director"}, {"approve": "director"}]})
        leaders += [{"id": f"b{b}dir"}, {"id": f"b{b}dep"}]
        body_specs.append({"id": f"b{b}", "leaders": {"director": f"b{b}dir", "deputy_director": f"b{b}dep"}, "sections": secs})
        for s in range(0, n_sec - 1, 2):
            reform_list.append({"merge_sections": {"sections": [f"b{b}s{s}", f"b{b}s{s + 1}"], "into": f"b{b}m{s}"}})
    structures = {"fragmented": {"bodies": body_specs, "leaders": leaders}}
    if merged:
        structures["merged"] = {"from": "fragmented", "reforms": reform_list}
    raw = {"name": "city", "horizon_days": days, "warmup_days": 0, "structures": structures,
           "workload": {"workflows": workflows},
           "params": {"absence": {"business_trip": {"rate_per_year": 6, "days": {"dist": "lognormal", "mean": 2.0, "cv": 0.5}},
                                  "leave": {"rate_per_year": 3, "days": {"dist": "lognormal", "mean": 2.5, "cv": 0.6}}},
                      "leader_absence": {"meeting": {"rate_per_year": 40, "days": 0.5}},
                      "size_costs": {"dispatch_hours": 0.05, "span_cost": 0.05, "novice_proficiency": 0.6}}}
    return parse_scenario(raw, "<city testbed>")


def two_step_scenario(*, c: int = 4, lam: float = 1.6, mu: float = 1.0, keep: float = 1.0, days: int = 1000,
                      warmup_days: int = 20) -> Scenario:
    """One section of ``c`` staff doing a two-step workflow (two functions, both theirs): ``lam`` tasks
    per working hour, each step exponential with rate ``mu``. With ``keep`` = 0 (case continuity off)
    the queue is a Kelly network: FIFO, class-independent exponential service, so each of the two
    visits waits as in an M/M/c queue at rate 2 lam."""
    staff = [{"id": f"p{i}", "post": "staff", "skills": {"f1": 1.0, "f2": 1.0}} for i in range(c)]
    raw = {"name": "two_step", "calendar": {"hours_per_day": 8.0, "days_per_week": 5}, "horizon_days": days,
           "warmup_days": warmup_days,
           "structures": {"merged": {"bodies": [{"id": "b", "sections": [
               {"id": "s", "functions": ["f1", "f2"], "staff": staff}]}]}},
           "workload": {"workflows": [{"id": "w", "body": "b", "rate_per_day": lam * 8.0, "steps": [
               {"work": "f1", "hours": {"dist": "exponential", "mean": 1.0 / mu}},
               {"work": "f2", "hours": {"dist": "exponential", "mean": 1.0 / mu}}]}]},
           "params": {"handoff": {"section": {"steps": 0}, "body": {"steps": 0}},
                      "continuity": {"keep_next_step": keep}}}
    return parse_scenario(raw, "<testbed>")


def sections_scenario(*, k: int = 4, m: int = 1, rate_per_day: float = 8.0, work_hours: float = 0.05,
                      absence: dict | None = None, absence_rule: dict | None = None, days: int = 2000,
                      warmup_days: int = 0) -> Scenario:
    """``k`` sections of ``m`` people, each section the only one able to do its function, each with
    its own workflow of one short step arriving ``rate_per_day``: work is (almost) always waiting, so
    a section halts whenever all its people are away."""
    sections = [{"id": f"s{i}", "functions": [f"f{i}"],
                 "staff": [{"id": f"p{i}_{j}", "post": "staff", "skills": {f"f{i}": 1.0}} for j in range(m)]}
                for i in range(k)]
    workflows = [{"id": f"w{i}", "body": "b", "rate_per_day": rate_per_day,
                  "steps": [{"work": f"f{i}", "hours": {"dist": "exponential", "mean": work_hours}}]} for i in range(k)]
    params = {"handoff": {"section": {"steps": 0}, "body": {"steps": 0}}}
    if absence:
        params["absence"] = absence
    if absence_rule:
        params["absence_rule"] = absence_rule
    raw = {"name": "sections", "calendar": {"hours_per_day": 8.0, "days_per_week": 5}, "horizon_days": days,
           "warmup_days": warmup_days, "structures": {"split": {"bodies": [{"id": "b", "sections": sections}]}},
           "workload": {"workflows": workflows}, "params": params}
    return parse_scenario(raw, "<testbed>")
