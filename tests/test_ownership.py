"""Ownership ambiguity (``sim.mechanisms.ownership``): work on a claimed function bounces between sections."""
from __future__ import annotations

import pandas as pd
import pytest

import sim
from bureaus import finance_without_claims
from sim import reforms
from sim.model import OfficeModel
from sim.mechanisms.ownership import Ownership
from sim.streams import keyed_uniform

PL = "structures.fragmented.bodies.0.sections.3"  # 政法科 (politics_law)
CLAIM = {f"{PL}.claims": ["admin_budget"]}  # 政法科 also claims the administration budget work (行政科's)
CONTESTED = ("admin_routine", "budget_adjust")  # the workflows with an admin_budget step
DAYS = 100


@pytest.fixture(scope="module")
def bureau():
    sc = finance_without_claims()  # the embedded scenario declares the claim (seed 000); these tests add it
    assert sc.structures["fragmented"].bodies[0].sections[3].id == "politics_law"
    return sc


def _same(a: dict, b: dict) -> bool:
    """Summaries equal bit for bit (NaN equal to NaN), whatever the order of the added counts."""
    return sorted(a) == sorted(b) and pd.Series(a).sort_index().equals(pd.Series(b).sort_index())


def _tasks(sc, structure="fragmented", seed=1, days=DAYS):
    return sim.run(sc, structure=structure, seed=seed, days=days).tasks.set_index("task")


def test_structure_and_reforms_keep_claims_consistent(bureau):
    on = bureau.with_overrides(CLAIM)
    frag = on.structures["fragmented"]
    assert list(frag.claimants()) == [("admin", "admin_budget")]
    assert on.structures["merged"].claimants() == {}  # 行政科 + 政法科 merged: the merged section owns it
    elsewhere = reforms.merge_sections(frag, sections=["politics_law", "education"], into="pl_edu")
    assert elsewhere.section("pl_edu")[1].claims == ["admin_budget"]  # a claimant's claim goes with it
    moved = reforms.move_functions(frag, functions=["admin_budget"], to="politics_law")
    assert moved.section("politics_law")[1].claims == [] and moved.claimants() == {}
    frag.section("politics_law")[1].claims.append("pl_budget")
    with pytest.raises(ValueError, match="owns itself"):
        frag.check()


def test_a_contested_function_slows_tasks_and_adds_handoffs(bureau):
    """Same seed, same structure, the claim off and on: every pass is one handoff of the section protocol."""
    on = bureau.with_overrides({**CLAIM, "params.ownership.p_pass": 0.5})
    a, b = _tasks(bureau), _tasks(on)
    both = a.index.intersection(b.index)
    a, b = a.loc[both], b.loc[both]
    assert b["passes"].sum() > 50
    assert (b["handoffs"] - a["handoffs"] == b["passes"]).all()
    steps = bureau.params.handoff.section.steps
    assert (b["coordination_steps"] - a["coordination_steps"] == steps * b["passes"]).all()
    assert (b.loc[~b["workflow"].isin(CONTESTED), "passes"] == 0).all()
    hit = b["workflow"].isin(CONTESTED)
    assert b.loc[hit, "cycle_hours"].mean() > a.loc[hit, "cycle_hours"].mean() + 1.0


def test_merging_owner_and_claimant_ends_the_bouncing_and_gains_more(bureau):
    on = bureau.with_overrides({**CLAIM, "params.ownership.p_pass": 0.5})
    merged = sim.run(on, structure="merged", seed=1, days=DAYS).summary
    assert merged["passes_per_task"] == 0.0
    assert _same(merged, sim.run(bureau, structure="merged", seed=1, days=DAYS).summary | {"passes_per_task": 0.0})

    def gain(sc, metric):
        f = sim.run(sc, structure="fragmented", seed=1, days=DAYS).summary[metric]
        return f - sim.run(sc, structure="merged", seed=1, days=DAYS).summary[metric]
    assert gain(on, "handoffs_per_task") > gain(bureau, "handoffs_per_task")
    assert gain(on, "mean_cycle_hours") > gain(bureau, "mean_cycle_hours") + 0.5


def test_no_passing_without_p_pass_and_max_passes_caps(bureau):
    off = sim.run(bureau.with_overrides({**CLAIM, "params.ownership.p_pass": 0.0}), seed=1, days=40)
    plain = sim.run(bureau, seed=1, days=40)
    assert "passes" not in off.tasks and _same(off.summary, plain.summary)  # the claim alone costs nothing
    capped = _tasks(bureau.with_overrides({**CLAIM, "params.ownership": {"p_pass": 0.9, "max_passes": 2}}), days=40)
    assert capped["passes"].max() == 2 and set(capped["passes"]) == {0, 2}  # one claimant: a round is 2 passes
    one = _tasks(bureau.with_overrides({**CLAIM, "params.ownership": {"p_pass": 0.9, "max_passes": 1}}), days=40)
    assert one["passes"].max() == 0  # a round does not fit in one pass
    more = _tasks(bureau.with_overrides({**CLAIM, "params.ownership": {"p_pass": 0.9, "max_passes": 6}}), days=40)
    assert more["passes"].max() == 6


def test_the_same_task_gets_the_same_passes_under_every_contested_structure(bureau):
    """Common random numbers: another reform elsewhere in the bureau changes nothing in the draws."""
    other = {"structures.other": {"from": "fragmented", "reforms": [
        {"merge_sections": {"sections": ["agriculture", "economic"], "into": "agri_econ"}},
        {"merge_sections": {"sections": ["treasury", "procurement"], "into": "treasury_proc"}}]}}
    sc = bureau.with_overrides({**CLAIM, **other, "params.ownership.p_pass": 0.5})
    a, b = _tasks(sc, "fragmented", seed=3), _tasks(sc, "other", seed=3)
    both = a.index.intersection(b.index)
    assert len(both) > 1000 and a.loc[both, "passes"].sum() > 30
    assert (a.loc[both, "passes"] == b.loc[both, "passes"]).all()
    assert not a.loc[both, "cycle_hours"].equals(b.loc[both, "cycle_hours"])  # the structures do differ
    # and it is the documented draw: r rounds where u < p^r, keyed by task number and step
    u = keyed_uniform(3, "ownership")
    for n in both[:200]:
        if a.loc[n, "workflow"] in CONTESTED:
            x, rounds = u(f"{n}/0"), 0
            while rounds < 2 and x < 0.5 ** (rounds + 1):
                rounds += 1
            assert a.loc[n, "passes"] == 2 * rounds


def test_no_contested_step_in_routes_without_claims(bureau):
    """The hot path is untouched: no claim, no step and no handler."""
    m = OfficeModel(scenario=bureau, seed=1, days=2)
    assert not m.mechanisms[Ownership.name].rounds
    assert all(s.kind not in ("contested", "pass") for r in m.routes for s in r)


def test_two_claimants_conservation(bureau):
    """Two claimants: a round is three passes (owner -> each claimant -> owner); with returns (rework) and
    absences on, every task is finished or still inside, and the live ones mid-pass hold their route."""
    sc = bureau.with_overrides({**CLAIM, "structures.fragmented.bodies.0.sections.4.claims": ["admin_budget"],
                                "params.ownership": {"p_pass": 0.6, "max_passes": 6}, "params.rework.share": 0.3})
    m = OfficeModel(scenario=sc, structure="fragmented", seed=2, days=60)
    m.run()
    res = m.finish()
    assert m._arr_i == len(res.tasks) + m.wip and res.tasks["task"].is_unique
    assert set(res.tasks["passes"]) == {0, 3, 6}
    assert res.tasks["returns"].sum() > 0
    assert all(t.detour is None or t.route is not t.detour[0] for t in m.tasks)


def test_concentrating_approvals_ends_the_claims_on_them():
    """Harbin: 对外贸易处 claims the trade review; once the approval office holds every review, nobody does."""
    from sim.scenario import load_scenario as load
    sc = load("harbin_department")
    _, foreign = sc.structures["before"].section("foreign")
    assert "review_trade" in foreign.claims
    assert not any(s.claims for _, s in sc.structures["after"].sections() if set(s.claims) & {"review_trade"})
