"""Coordination inside a merged section (``sim.mechanisms.internal_coordination``)."""
from __future__ import annotations

import pytest

import sim
from bureaus import finance_without_claims
from sim import reforms
from sim.mechanisms.routing import compile_route


@pytest.fixture(scope="module")
def bureau():
    return finance_without_claims()  # counts of steps and handoffs without 政法科's claim (tests/test_ownership.py)


def _budget_adjust(sc):
    return next(w for w in sc.workload.workflows if w.id == "budget_adjust")


def test_merges_and_moves_keep_where_functions_came_from(bureau):
    st = bureau.structures["merged"]
    _, s = st.section("admin_pl")
    assert s.origin("admin_budget") == "admin" and s.origin("pl_budget") == "politics_law"
    twice = reforms.merge_sections(st, sections=["admin_pl", "education"], into="big")
    _, big = twice.section("big")
    assert {big.origin(f) for f in big.functions} == {"admin", "politics_law", "education"}
    moved = reforms.move_functions(twice, functions=["pl_budget"], to="budget")
    _, b = moved.section("budget")
    assert b.origin("pl_budget") == "politics_law" and b.origin("budget_mgmt") == "budget"
    back = reforms.move_functions(bureau.structures["fragmented"], functions=["pl_budget"], to="admin")
    _, a = back.section("admin")
    assert a.origin("pl_budget") == "politics_law"


def test_route_pays_internal_steps_only_between_old_desks(bureau):
    wf = _budget_adjust(bureau)
    kinds = lambda sc, st: [s.kind for s in compile_route(sc.structures[st], wf, sc.params)]  # noqa: E731
    assert "internal" not in kinds(bureau, "fragmented")
    assert kinds(bureau, "merged").count("internal") == 1
    two = bureau.with_overrides({"params.internal_coordination.steps": 2})
    assert kinds(two, "merged").count("internal") == 2
    off = bureau.with_overrides({"params.internal_coordination.steps": 0})
    assert "internal" not in kinds(off, "merged")
    routine = next(w for w in bureau.workload.workflows if w.id == "admin_routine")  # one desk: nothing to pass
    assert all(s.kind != "internal" for s in compile_route(bureau.structures["merged"], routine, bureau.params))


def _adjust_stats(sc, seed=1, days=160):
    t = sim.run(sc, structure="merged", seed=seed, days=days).tasks
    t = t[t["workflow"] == "budget_adjust"]
    return t["internal_steps"].mean(), t["cycle_hours"].mean(), t


def test_the_old_desks_keep_apart_when_the_protocol_never_fades(bureau):
    """floor = 1 (各自为战): every crossing between old desks pays; fading: fewer pay as days pass."""
    stuck, stuck_cycle, _ = _adjust_stats(bureau.with_overrides({"params.internal_coordination.floor": 1.0}))
    assert stuck == 1.0
    fading, _, t = _adjust_stats(bureau.with_overrides({"params.internal_coordination.fade_days": 100}))
    early = t[t["arrival"] < 30 * 8]["internal_steps"].mean()
    late = t[t["arrival"] > 100 * 8]["internal_steps"].mean()
    assert early > 0.6 and late == 0.0 and fading < 1.0
    off, off_cycle, _ = _adjust_stats(bureau.with_overrides({"params.internal_coordination.steps": 0}))
    # two hours a note: the adjustments take longer (a quarter of an hour is within the run's noise)
    _, slow_cycle, _ = _adjust_stats(bureau.with_overrides({"params.internal_coordination.floor": 1.0,
                                                             "params.internal_coordination.hours": 2.0}))
    assert off == 0.0 and slow_cycle > off_cycle + 1.0 and stuck_cycle > 0


def test_merging_saves_fewer_steps_while_the_desks_are_apart(bureau):
    """Seed 001's three steps saved are three only once the old desks work as one."""
    def steps(overrides, st):
        t = sim.run(bureau.with_overrides(overrides), structure=st, seed=2, days=120).tasks
        return t.loc[t["workflow"] == "budget_adjust", "steps"].mean()
    apart = {"params.internal_coordination.floor": 1.0}
    assert steps(apart, "fragmented") - steps(apart, "merged") == pytest.approx(2.0)
    one = {"params.internal_coordination.steps": 0}
    assert steps(one, "fragmented") - steps(one, "merged") == pytest.approx(3.0)
