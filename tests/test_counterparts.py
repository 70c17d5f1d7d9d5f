"""Upper-level counterparts (上下对口, 加挂牌子): ``sim.mechanisms.counterparts``."""
from __future__ import annotations

import pytest

import sim
from sim.mechanisms.routing import compile_route
from sim.model import OfficeModel

NO_PLATES = {"structures.merged.reforms.0.merge_sections.keep_nameplates": False}


@pytest.fixture(scope="module")
def bureau():
    return sim.load_scenario("finance_bureau")


def _upper(sc):
    return next(w for w in sc.workload.workflows if w.id == "upper_documents")


def _kinds(sc, st):
    return [s.kind for s in compile_route(sc.structures[st], _upper(sc), sc.params)]


def test_work_addressed_by_name_lands_where_the_name_is(bureau):
    assert "sort" not in _kinds(bureau, "fragmented") and "lost" not in _kinds(bureau, "fragmented")
    assert _kinds(bureau, "merged")[0] == "sort"  # 行政政法科 carries 政法科 as a nameplate: its head sorts
    assert _kinds(bureau.with_overrides(NO_PLATES), "merged")[0] == "lost"


def test_the_heads_sorting_grows_with_the_nameplates(bureau):
    three = bureau.with_overrides({"structures.merged.reforms.0.merge_sections.sections": ["admin", "politics_law",
                                                                                           "education"]})
    for sc, plates in ((bureau, 2), (three, 3)):
        m = OfficeModel(scenario=sc, structure="merged", seed=1, days=60)
        m.run()
        ev = m.finish().events
        sort = ev[ev["activity"].str.startswith("counterpart:sort")]
        assert len(sort) > 5
        expected = sc.params.counterparts.sort_hours * plates * m.span["admin_pl"]
        assert (sort["end"] - sort["start"]).max() == pytest.approx(expected)  # uninterrupted ones take all of it


def test_a_dropped_nameplate_costs_the_re_routing_delay(bureau):
    def cycle(sc):
        t = sim.run(sc, structure="merged", seed=2, days=160).tasks
        return t.loc[t["workflow"] == "upper_documents", "cycle_hours"].mean()
    kept, dropped = cycle(bureau), cycle(bureau.with_overrides(NO_PLATES))
    delay = bureau.params.counterparts.lost_delay_hours
    assert dropped - kept == pytest.approx(delay, abs=0.5 * delay)
    # fragmented: the old section is there, nothing to sort or lose
    frag = sim.run(bureau, structure="fragmented", seed=2, days=160).tasks
    assert (frag.loc[frag["workflow"] == "upper_documents", "coordination_steps"] == 0).all()


def test_an_unknown_addressee_is_one_clear_error(bureau):
    i = [w.id for w in bureau.workload.workflows].index("upper_documents")
    with pytest.raises(sim.InputError, match=rf"workload.workflows.{i}.addressed_to .*upper_documents.*no section of any structure"):
        bureau.with_overrides({f"workload.workflows.{i}.addressed_to": "财政科"})
