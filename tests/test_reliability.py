"""Runs that must neither hang nor look normal when they are not (issue: no silent wrong result).

Lending is event-driven (no polling, a delay of 0 works), halted hours come from a per-queue halt
clock, and the warnings name the queue, leader or workflow that makes a table misleading.
"""
import math

import pytest
import yaml

import sim

BASE = """
horizon_days: 40
structures:
  a:
    leaders: [{id: L1}]
    bodies:
      - id: b
        leaders: {director: L1}
        sections:
          - {id: s1, functions: [f1], staff: [{id: p1, post: head, skills: {f1: 1.0}}]}
          - {id: s2, functions: [f2], staff: [{id: p2, skills: {f2: 1.0}}]}
      - id: c
        sections:
          - {id: s3, functions: [f3], staff: [{id: p3, skills: {f3: 1.0, f1: 1.0}}, {id: p4, skills: {f3: 1.0}}]}
workload:
  workflows:
    - {id: w, body: b, rate_per_day: 3, steps: [{work: f1, hours: {dist: exponential, mean: 1}}]}
    - {id: v, body: c, rate_per_day: 2, steps: [{work: f3, hours: 1}]}
params:
  absence: {trip: {rate_per_year: 30, days: 3}}
"""


def scenario(**changes):
    raw = yaml.safe_load(BASE)
    for path, value in changes.items():
        node = raw
        keys = path.split("__")
        for k in keys[:-1]:
            node = node[int(k)] if isinstance(node, list) else node.setdefault(k, {})
        node[keys[-1]] = value
    return sim.parse_scenario(raw, "test.yaml")


def _model(sc, days=None, seed=3):
    m = sim.OfficeModel(scenario=sc, seed=seed, days=days)
    m.run()
    return m, m.finish()


@pytest.mark.parametrize("delay", [0, 0.001, 40])
def test_lending_never_polls(delay):
    """A delay of 0 once looped forever at the first halt and tiny delays polled: now the events a run
    processes do not depend on the delay beyond one paperwork event per halt."""
    sc = scenario(structures__a__lending_delay_hours=delay)
    m, res = _model(sc)
    halts = len(res.halts)
    base, _ = _model(scenario())
    assert m._seq <= base._seq + 2 * halts + 10, (m._seq, base._seq, halts)
    assert res.summary["tasks_completed"] > 0


def test_lending_takes_halted_work_and_shortens_halts():
    """p3 of body c may do f1: once the paperwork is through, s1's work goes to p3 when p1 is away."""
    no = _model(scenario())[1]
    lent = _model(scenario(structures__a__lending_delay_hours=0))[1]
    ev = lent.events
    assert ((ev["resource"] == "p3") & (ev["section"] == "s1")).any()
    assert not ((no.events["resource"] == "p3") & (no.events["section"] == "s1")).any()
    f1 = lambda r: r.tasks[r.tasks.workflow == "w"]["halted_hours"].sum()  # noqa: E731
    assert f1(lent) < f1(no)


def test_halted_hours_match_the_halt_ledger():
    """The per-queue halt clock charges each task exactly the halted time it waited through: for a
    one-person queue with no lending, the halted hours of finished tasks cannot exceed the halt
    ledger's task-hours, and a task is marked halted iff it has halted hours."""
    m, res = _model(scenario(), days=120)
    t = res.tasks
    assert ((t["halted_hours"] > 0) == t["halted"]).all()
    s1 = res.halts[res.halts.section == "s1"]
    assert t[t.workflow == "w"]["halted_hours"].sum() <= (s1["duration"] * s1["tasks_blocked"]).sum() + 1e-9
    assert t["halted_hours"].sum() > 0


def test_unfinished_work_is_reported():
    """At ρ = 1.5 the finished-only mean hides the backlog: arrived = finished + unfinished, and
    the unfinished work's age is reported beside the finished mean."""
    sc = scenario(workload__load_factor=4.0)
    res = sim.run(sc, seed=1)
    s = res.summary
    assert s["tasks_arrived"] == s["tasks_completed"] + s["tasks_unfinished"]
    assert s["share_unfinished"] > 0.1 and s["mean_age_unfinished_days"] > 2
    assert any("ρ ≥ 1" in w and "'s1'" in w for w in res.warnings), res.warnings


@pytest.mark.parametrize("change,needle", [
    ({"workload__workflows__0__rate_per_day": 0}, "workflow 'w': rate 0"),
    ({"params__approval": {"signoff_hours_per_day": 0},
      "workload__workflows__0__steps": [{"work": "f1", "hours": 0.2}, {"approve": "director"}]},
     "workflow 'w': leaders sign nothing"),
    ({"structures__a__bodies__0__sections__0__staff__0__skills": {"f2": 1.0},
      "structures__a__bodies__0__sections__1__staff__0__skills": {"f2": 1.0, "f1": 1.0}},
     "nobody in section 's1' can do 'f1'"),
    ({"params__absence": {"trip": {"rate_per_year": 900, "days": 5}}}, "away"),
])
def test_warnings_name_the_cause(change, needle):
    res = sim.run(scenario(**change), seed=2)
    assert any(needle in w for w in res.warnings), res.warnings


@pytest.mark.parametrize("name", sim.available())
def test_embedded_scenarios_run_without_warnings(name):
    """The warnings are not noise: none of the shipped scenarios trips one (short runs)."""
    sc = sim.load_scenario(name)
    for st in sc.structure_names:
        res = sim.run(sc, structure=st, seed=1, days=min(sc.horizon_days, 120), record_events=False)
        assert res.warnings == [], (st, res.warnings)
        assert math.isfinite(res.summary["mean_cycle_hours"])


def test_compare_carries_warnings():
    sc = scenario(workload__load_factor=4.0)
    c = sim.compare(sc, replications=2, seed=1)
    assert any("ρ ≥ 1" in w for w in c.warnings["a"])


def test_handouts_never_wait_for_an_absent_head():
    """With every head away, work waiting to be handed out goes straight to the section; that holds
    too for the handout a head had in hand when leaving (it once waited in the head's queue, a halt)."""
    sc = scenario(params__size_costs={"dispatch_hours": 0.5},
                  params__absence={"trip": {"rate_per_year": 120, "days": 1}},
                  structures__a__bodies__0__sections__0__staff=[{"id": "p1", "post": "head", "skills": {"f1": 1.0}},
                                                                 {"id": "p5", "skills": {"f1": 1.0}}])
    res = sim.run(sc, seed=4, days=200)
    assert (res.events["activity"] == "dispatch").any()
    assert not (res.halts["function"] == "(head)").any(), res.halts[res.halts["function"] == "(head)"]
