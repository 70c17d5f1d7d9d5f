"""Conservation, determinism, common random numbers, and the mechanisms doing what they say."""
import pandas as pd
import pytest

import sim
from bureaus import finance_without_claims
from sim import reforms
from sim.agents import Task
from sim.model import OfficeModel

DAYS = 60


@pytest.fixture(scope="module")
def bureau():
    return finance_without_claims()  # counts of steps and handoffs without 政法科's claim (tests/test_ownership.py)


@pytest.mark.parametrize("structure", ["fragmented", "merged"])
def test_conservation(bureau, structure):
    """Every arrived task is finished or still inside at the end; none lost, none twice."""
    m = OfficeModel(scenario=bureau, structure=structure, seed=3, days=DAYS)
    m.run()
    res = m.finish()
    arrived = m._arr_i
    live = len(m.tasks)
    assert arrived == len(res.tasks) + m.wip
    assert len(m.agents) == len(m.staff) + len(m.leaders)  # Mesa's registry: staff and leaders; tasks are model.tasks
    assert live == m.wip
    assert res.tasks["task"].is_unique
    assert set(res.tasks["task"]) <= set(range(arrived))
    queued = sum(len(q.jobs) for q in m.queues.values()) + sum(len(l.tray) for l in m.leaders.values())
    assert queued <= m.backlog


def test_same_seed_same_ledgers(bureau):
    a = sim.run(bureau, structure="fragmented", seed=9, days=DAYS)
    b = sim.run(bureau, structure="fragmented", seed=9, days=DAYS)
    for part in ("tasks", "staff", "halts", "timeseries", "events", "absences"):
        pd.testing.assert_frame_equal(getattr(a, part), getattr(b, part))
    assert pd.Series(a.summary).equals(pd.Series(b.summary))  # NaN-aware, bit for bit
    c = sim.run(bureau, structure="fragmented", seed=10, days=DAYS)
    assert not a.tasks["arrival"].equals(c.tasks["arrival"])


def test_stepping_day_by_day_equals_one_run(bureau):
    """Mesa's step() (the app, batch_run) and run() give the same ledgers; seed 7 has a sign-off
    landing exactly on the horizon, which the last step must include."""
    a = OfficeModel(scenario=bureau, structure="merged", seed=7, days=20)
    a.run()
    b = OfficeModel(scenario=bureau, structure="merged", seed=7, days=20)
    while b.running:
        b.step()
    ra, rb = a.finish(), b.finish()
    assert (ra.tasks["completion"] == 20 * bureau.calendar.hours_per_day).any()
    for part in ("tasks", "staff", "halts", "timeseries", "events"):
        pd.testing.assert_frame_equal(getattr(ra, part), getattr(rb, part))


def test_common_random_numbers_across_structures(bureau):
    """Same seed: the same tasks (arrival, workflow, work content) and the same absences."""
    a = sim.run(bureau, structure="fragmented", seed=5, days=DAYS)
    b = sim.run(bureau, structure="merged", seed=5, days=DAYS)
    both = a.tasks.merge(b.tasks, on="task", suffixes=("_a", "_b"))
    assert len(both) > 0.8 * len(a.tasks)
    for col in ("arrival", "work_hours"):
        assert (both[f"{col}_a"] == both[f"{col}_b"]).all()
    assert (both["workflow_a"].astype(str) == both["workflow_b"].astype(str)).all()
    pd.testing.assert_frame_equal(a.absences, b.absences)
    # but the structures do differ in what happens to those tasks
    assert not both["cycle_hours_a"].equals(both["cycle_hours_b"])


def test_merge_removes_the_crossing_and_its_steps(bureau):
    """行政科 + 政法科 merged: the budget adjustment no longer crosses a section line (3 steps fewer)."""
    one = bureau.with_overrides({"params.internal_coordination.steps": 0})  # the old desks work as one at once
    a = sim.run(one, structure="fragmented", seed=2, days=DAYS).tasks
    b = sim.run(one, structure="merged", seed=2, days=DAYS).tasks
    adj_a = a[a.workflow == "budget_adjust"]
    adj_b = b[b.workflow == "budget_adjust"]
    assert (adj_a["handoffs"] == 1).all() and (adj_a["coordination_steps"] == 3).all()
    assert (adj_b["handoffs"] == 0).all() and (adj_b["coordination_steps"] == 0).all()
    assert adj_a["steps"].mean() - adj_b["steps"].mean() == 3


def test_protocol_length_is_a_parameter(bureau):
    sc = bureau.with_overrides({"params.handoff.section.steps": 5})
    t = sim.run(sc, structure="fragmented", seed=2, days=30).tasks
    assert (t[t.workflow == "budget_adjust"]["coordination_steps"] == 5).all()


def _road_scenario(direct: bool):
    raw = {
        "structures": {
            "before": {
                "leaders": [{"id": "dep", "name": "副局长"}, {"id": "dir", "name": "局长"}, {"id": "vch", "name": "副县长"}],
                "above": {"deputy_county_head": "vch"},
                "bodies": [{"id": "fgj", "leaders": {"deputy_director": "dep", "director": "dir"},
                            "sections": [{"id": "gj", "functions": ["road"], "staff": [{"id": "a", "post": "head", "skills": {"road": 1}}]}]}],
            },
            "after": {"from": "before", "reforms": [{"concurrent_head": {"body": "fgj", "leader": "vch", "direct_handling": direct}}]},
        },
        "workload": {"workflows": [{"id": "road", "body": "fgj", "rate_per_day": 0.5, "steps": [
            {"work": "road", "hours": 2}, {"approve": "deputy_director"}, {"approve": "director"}, {"approve": "deputy_county_head"}]}]},
        "horizon_days": 60,
    }
    return sim.parse_scenario(raw)


def test_concurrent_head_removes_two_levels():
    sc = _road_scenario(True)
    before = sim.run(sc, structure="before", seed=1).tasks
    after = sim.run(sc, structure="after", seed=1).tasks
    assert (before["approval_levels"] == 3).all()
    assert (after["approval_levels"] == 1).all()
    assert after["cycle_hours"].mean() < before["cycle_hours"].mean()
    # without direct handling only the duplicate level (director = deputy county head) collapses
    assert (sim.run(_road_scenario(False), structure="after", seed=1).tasks["approval_levels"] == 2).all()


def test_merged_windows_need_one_visit_and_one_set():
    raw = {
        "structures": {"before": {"bodies": [{"id": "c", "sections": [
            {"id": f"s{i}", "functions": [f"f{i}"], "staff": [{"id": f"p{i}", "skills": {f"f{i}": 1}}]} for i in range(3)]}],
            "windows": [{"id": f"w{i}", "location": f"centre{i}", "services": [f"c/f{i}"]} for i in range(3)]},
            "after": {"from": "before", "reforms": [{"merge_windows": {"windows": ["w0", "w1", "w2"], "into": "w", "location": "hall"}}]}},
        "workload": {"workflows": [{"id": "enrol", "body": "c", "rate_per_day": 1, "steps": [
            {"visit": f"f{i}", "hours": 0.5} for i in range(3)]}]},
        "params": {"windows": {"incomplete_materials": 0.2}},
        "horizon_days": 100,
    }
    sc = sim.parse_scenario(raw)
    a = sim.run(sc, structure="before", seed=1).summary
    b = sim.run(sc, structure="after", seed=1).summary
    assert a["material_sets_per_service"] == 3 and b["material_sets_per_service"] == 1
    assert a["window_visits_per_service"] > 3 > 1 < b["window_visits_per_service"] < 1.5
    assert b["trips_per_service"] < a["trips_per_service"]


def _shanxi_enrolment(structure, p, seed=5):
    sc = sim.load_scenario("shanxi_county").with_overrides({"params.windows.incomplete_materials": p})
    t = sim.run(sc, structure=structure, seed=seed, days=60, record_events=False).tasks
    return t, t[t["workflow"].astype(str) == "insurance_enrolment"]


def test_no_incomplete_materials_no_incomplete_visits():
    for st in ("before", "after"):
        t, enrol = _shanxi_enrolment(st, 0.0)
        assert len(enrol) and (t["incomplete_visits"] == 0).all()
        assert (enrol["trips"] == (3 if st == "before" else 1)).all()


def test_complete_materials_make_one_trip_at_the_merged_window():
    """最多跑一次 holds for the citizens whose materials were complete; an incomplete set is one more trip."""
    _, enrol = _shanxi_enrolment("after", 0.3)
    home = enrol["incomplete_visits"].to_numpy()
    assert (home == 0).any() and (home > 0).any()
    assert (enrol["trips"][home == 0] == 1).all()
    assert (enrol["trips"][home > 0] > 1).all()
    assert (enrol["trips"] == 1 + enrol["incomplete_visits"]).all()  # one window: each incomplete set one more trip
    assert (enrol["material_sets"] == 1).all() and (enrol["window_visits"] == 1 + enrol["incomplete_visits"]).all()
    _, before = _shanxi_enrolment("before", 0.3)
    assert (before["trips"] == 3 + before["incomplete_visits"]).all()  # three windows in three places
    assert before["incomplete_visits"].max() > 1  # each of the three sets may be incomplete


def test_incomplete_visits_same_seed_same_column():
    a, _ = _shanxi_enrolment("before", 0.3, seed=9)
    b, _ = _shanxi_enrolment("before", 0.3, seed=9)
    pd.testing.assert_series_equal(a["incomplete_visits"], b["incomplete_visits"])
    assert a["incomplete_visits"].sum() > 0
    c, _ = _shanxi_enrolment("before", 0.3, seed=10)
    assert not a["incomplete_visits"].equals(c["incomplete_visits"])


def test_one_person_section_halts_and_merged_section_does_not(bureau):
    a = sim.run(bureau, structure="fragmented", seed=4, days=120)
    b = sim.run(bureau, structure="merged", seed=4, days=120)
    assert (a.halts["section"] == "politics_law").any()
    assert not (b.halts["section"] == "admin_pl").any() or \
        b.halts[b.halts.section == "admin_pl"]["duration"].sum() < a.halts[a.halts.section == "politics_law"]["duration"].sum()


def test_span_of_control_cost_can_make_the_large_section_worse(bureau):
    """With a heavy enough head cost and former heads made staff (one head answers for the whole
    large section), the large section comes out worse: the mechanism can say no."""
    costly = bureau.with_overrides({"params.size_costs.dispatch_hours": 0.6, "params.size_costs.span_cost": 0.3,
                                    **{f"structures.merged.reforms.{i}.merge_sections.former_heads": "staff"
                                       for i in range(4)}})
    frag = sim.run(costly, structure="fragmented", seed=1, days=120).summary["mean_cycle_hours"]
    merged = sim.run(costly, structure="merged", seed=1, days=120).summary["mean_cycle_hours"]
    assert merged > frag


def test_reforms_compose_and_do_not_mutate(bureau):
    st = bureau.structures["fragmented"]
    before = st.counts()
    f = reforms.compose(
        lambda s: reforms.merge_sections(s, ["admin", "politics_law"], "admin_pl"),
        lambda s: reforms.add_squad(s, "finance", ["bud1"]),
    )
    new = f(st)
    assert st.counts() == before
    assert new.counts()["sections"] == before["sections"] - 1
    assert any(s.kind == "squad" for _, s in new.sections())
    assert new.counts()["one_person_sections"] == before["one_person_sections"] - 1


def test_combo_lending_reduces_halts():
    raw = {
        "structures": {"alone": {"bodies": [
            {"id": b, "sections": [{"id": f"{b}_acc", "functions": [f"{b}_accounts"],
                                    "staff": [{"id": f"{b}_p", "skills": {f"{b}_accounts": 1, "accounts": 1}}]}]}
            for b in ("x", "y", "z")]},
            "combo": {"from": "alone", "reforms": [{"group_combos": {"combos": [{"id": "c", "lead": "x", "bodies": ["x", "y", "z"]}]}}]}},
        "workload": {"workflows": [{"id": f"w{b}", "body": b, "rate_per_day": 1.5, "steps": [{"work": f"{b}_accounts", "hours": 2}]}
                                   for b in ("x", "y", "z")]},
        "params": {"absence": {"trip": {"rate_per_year": 20, "days": 3}}},
        "horizon_days": 250,
    }
    # combo partners lend only for functions they hold: give every accountant every body's accounts
    for b in ("x", "y", "z"):
        raw["structures"]["alone"]["bodies"][["x", "y", "z"].index(b)]["sections"][0]["staff"][0]["skills"].update(
            {"x_accounts": 1, "y_accounts": 1, "z_accounts": 1})
    sc = sim.parse_scenario(raw)
    alone = sim.run(sc, structure="alone", seed=2).summary
    combo = sim.run(sc, structure="combo", seed=2).summary
    assert combo["halts_per_1000_staff_days"] < 0.5 * alone["halts_per_1000_staff_days"]
    assert combo["mean_cycle_hours"] < alone["mean_cycle_hours"]


def test_merged_body_keeps_the_old_bodies_work():
    """merge_bodies: workflows naming the old bodies still arrive, now without crossing a body line."""
    raw = {
        "structures": {
            "before": {"bodies": [
                {"id": "pension", "sections": [{"id": "p", "functions": ["enrol_pension"], "staff": [{"id": "a", "skills": {"enrol_pension": 1}}]}]},
                {"id": "allowance", "sections": [{"id": "q", "functions": ["check_allowance"], "staff": [{"id": "b", "skills": {"check_allowance": 1}}]}]}]},
            "after": {"from": "before", "reforms": [{"merge_bodies": {"bodies": ["pension", "allowance"], "into": "centre"}}]},
        },
        "workload": {"workflows": [
            {"id": "joint", "body": "pension", "rate_per_day": 1, "steps": [{"work": "enrol_pension", "hours": 1}, {"work": "check_allowance", "body": "allowance", "hours": 1}]},
            {"id": "own", "body": "allowance", "rate_per_day": 1, "steps": [{"work": "check_allowance", "hours": 1}]}]},
        "horizon_days": 40,
    }
    sc = sim.parse_scenario(raw)
    before = sim.run(sc, structure="before", seed=1).tasks
    after = sim.run(sc, structure="after", seed=1).tasks
    assert set(after.workflow.astype(str)) == {"joint", "own"}
    assert (before[before.workflow == "joint"]["cross_body_handoffs"] == 1).all()
    assert (after[after.workflow == "joint"]["cross_body_handoffs"] == 0).all()
    assert (after[after.workflow == "joint"]["handoffs"] == 1).all()  # still two sections
