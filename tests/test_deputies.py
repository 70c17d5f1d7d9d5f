"""分管: deputies in charge of sections, 会签 across their areas (``sim.mechanisms.deputies``)."""
from __future__ import annotations

import pytest

import sim
from sim import reforms
from sim.mechanisms.routing import compile_route


@pytest.fixture(scope="module")
def bureau():
    return sim.load_scenario("finance_bureau")


def _wf(sc, wid):
    return next(w for w in sc.workload.workflows if w.id == wid)


def _split(sc):
    """行政科 under one deputy, 政法科 under the other: the budget adjustment crosses their areas."""
    return sc.with_overrides({"structures.fragmented.bodies.0.in_charge": {
        "deputy_a": ["budget", "treasury", "procurement", "supervision", "education", "social", "politics_law"],
        "deputy_b": ["office", "personnel", "admin", "agriculture", "economic"]}})


def test_approval_goes_to_the_deputy_in_charge(bureau):
    route = compile_route(bureau.structures["fragmented"], _wf(bureau, "budget_adjust"), bureau.params)
    signers = [s.leader for s in route if s.kind == "leader" and s.approval]
    assert signers == ["deputy_b"]  # 政法科 is deputy_b's (综合)
    # no charges named: the body's deputy_director post signs, as before
    plain = bureau.with_overrides({"structures.fragmented.bodies.0.in_charge": None})
    route = compile_route(plain.structures["fragmented"], _wf(plain, "budget_adjust"), plain.params)
    assert [s.leader for s in route if s.kind == "leader" and s.approval] == ["deputy_a"]


def test_crossing_into_another_deputys_area_needs_both(bureau):
    split = _split(bureau)
    st = split.structures["fragmented"]
    route = compile_route(st, _wf(split, "budget_adjust"), split.params)
    counter = [s.leader for s in route if s.name.startswith("countersign")]
    assert counter == ["deputy_b", "deputy_a"]  # the sender's deputy, then the receiver's
    off = split.with_overrides({"params.deputies.countersign": False})
    assert not any(s.name.startswith("countersign") for s in compile_route(off.structures["fragmented"],
                                                                            _wf(off, "budget_adjust"), off.params))
    # the same deputy on both sides: nothing to countersign
    assert not any(s.name.startswith("countersign") for s in compile_route(
        bureau.structures["fragmented"], _wf(bureau, "budget_adjust"), bureau.params))


def test_countersigning_slows_the_crossing_and_merging_removes_it(bureau):
    def adjust_days(sc, st):
        t = sim.run(sc, structure=st, seed=3, days=120).tasks
        return t.loc[t["workflow"] == "budget_adjust", "cycle_days"].mean()
    split = _split(bureau)
    same = adjust_days(bureau, "fragmented")
    crossing = adjust_days(split, "fragmented")
    assert crossing > same + 0.5  # two more in-tray days, give or take
    # merged: 行政政法科 is one section under one deputy, whatever the fragmented split was
    merged = compile_route(split.structures["merged"], _wf(split, "budget_adjust"), split.params)
    assert not any(s.name.startswith("countersign") for s in merged)


def test_direct_handling_skips_every_deputy(bureau):
    st = reforms.add_leader(bureau.structures["fragmented"], id="vice_mayor")
    st = reforms.concurrent_head(st, body="finance", leader="vice_mayor", direct_handling=True)
    route = compile_route(st, _wf(bureau, "budget_adjust"), bureau.params)
    assert not any(s.kind == "leader" and s.leader in ("deputy_a", "deputy_b") and s.approval for s in route)


def test_reforms_keep_the_charges(bureau):
    st = bureau.structures["fragmented"]
    m = reforms.merge_sections(st, sections=["admin", "politics_law"], into="admin_pl")
    assert m.body("finance").deputy_for("admin_pl") == "deputy_b"
    assert "admin" not in sum(m.body("finance").in_charge.values(), [])
    into_old = reforms.merge_sections(st, sections=["politics_law", "budget"], into="budget")  # across two areas
    assert into_old.body("finance").deputy_for("budget") == "deputy_b"  # the first section's deputy
    moved = reforms.move_functions(st, functions=["audit"], to="audit_office", new_section={"name": "审计办"})
    assert moved.body("finance").deputy_for("audit_office") == "deputy_a"
    assert bureau.structures["merged"].counts()["leader_posts"] == 3  # director and two deputies


def test_load_warns_of_a_leader_in_charge_of_nothing_and_a_section_with_no_deputy(bureau):
    loose = bureau.with_overrides({"structures.fragmented.bodies.0.in_charge": {"deputy_a": ["budget"]}})
    w = loose.structures["fragmented"].warnings()
    assert any("'deputy_b' is declared but holds no post" in x for x in w)
    assert any("no deputy is in charge of office" in x for x in w)
    assert bureau.structures["fragmented"].warnings() == []
    res = sim.run(loose, structure="fragmented", seed=1, days=30)
    assert any("deputy_b" in x for x in res.warnings)


@pytest.mark.parametrize("charge, needle", [
    ({"nobody": ["budget"]}, "in_charge.nobody"),
    ({"deputy_a": ["no_such_section"]}, r"in_charge.deputy_a.0 .*not a section of body .finance."),
    ({"deputy_a": ["budget"], "deputy_b": ["budget"]}, "in the charge of both"),
])
def test_bad_charges_are_one_clear_error(bureau, charge, needle):
    with pytest.raises(sim.InputError, match=needle):
        bureau.with_overrides({"structures.fragmented.bodies.0.in_charge": charge})


def test_leaders_whose_posts_a_reform_cut_are_released_not_warned_of():
    sc = sim.load_scenario("shanxi_county")
    after = sc.structures["after"]
    assert after.released == ["fgj_director", "mzj_director"]  # the concurrent head and the merged body's director
    assert after.warnings() == [] and sc.structures["before"].released == []
