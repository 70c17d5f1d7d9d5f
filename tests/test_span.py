"""Span of control (``sim.mechanisms.span``) and the head's hand-outs (``sim.mechanisms.dispatch``)."""
from __future__ import annotations

import pytest

import sim
from sim.mechanisms.span import people_under, relationships, span_factor
from sim.params import SizeCosts


def test_graicunas_counts_his_relationships():
    # Graicunas (1933): 1, 6, 18, 44, 100, 222 relationships for one to six subordinates
    assert [relationships(n) for n in range(1, 7)] == [1, 6, 18, 44, 100, 222]


def test_factor_forms():
    assert span_factor(0, 0.05) == 1.0  # a one-person section: nobody to follow
    assert span_factor(4, 0.05) == pytest.approx(1.2)
    assert span_factor(4, 0.0) == 1.0
    assert span_factor(4, 0.01, "graicunas") == pytest.approx(1.44)
    assert span_factor(10, 0.01, "graicunas", cap=100) == pytest.approx(2.0)  # capped at R(5)
    assert span_factor(10, 0.01, "graicunas", cap=100) < span_factor(10, 0.01, "graicunas", cap=1e6)


def test_deputies_share_the_span():
    assert people_under(9, 1) == 8
    assert people_under(9, 2) == 4
    assert people_under(5, 0) == 0  # no managers: no span


def test_on_by_default():
    d = SizeCosts()
    assert d.dispatch_hours > 0 and d.span_cost > 0


@pytest.fixture(scope="module")
def bureau():
    return sim.load_scenario("finance_bureau")


def _cycle(sc, structure, seed=1, days=120, **overrides):
    return sim.run(sc.with_overrides(overrides or None), structure=structure, seed=seed, days=days,
                   summary_only=True).summary


def test_span_cost_lengthens_the_large_sections_cycle(bureau):
    """More head time per person under them can only slow the work that passes their hands."""
    cheap = _cycle(bureau, "merged", **{"params.size_costs.span_cost": 0.0})["mean_cycle_hours"]
    costly = _cycle(bureau, "merged", **{"params.size_costs.span_cost": 0.5})["mean_cycle_hours"]
    assert costly > cheap + 0.2


def test_graicunas_form_costs_more_than_linear_in_large_sections(bureau):
    ov = {"params.size_costs.span_cost": 0.05, "params.size_costs.dispatch_hours": 0.3,
          **{f"structures.merged.reforms.{i}.merge_sections.former_heads": "staff" for i in range(4)}}
    lin = _cycle(bureau, "merged", **ov, **{"params.size_costs.span_form": "linear"})["mean_cycle_hours"]
    gra = _cycle(bureau, "merged", **ov, **{"params.size_costs.span_form": "graicunas"})["mean_cycle_hours"]
    assert gra > lin


def test_a_section_without_a_head_hands_out_nothing():
    """Dispatch needs someone whose job it is: the M/M/c pools of the theory tests have no head."""
    from sim.testbeds import pool_scenario
    sc = pool_scenario(c=3, lam=2.0, mu=1.0, days=30)
    res = sim.run(sc, seed=1)
    assert not (res.events["activity"] == "dispatch").any()


def test_a_head_hands_out_waiting_work_before_taking_it_himself(bureau):
    """While hand-outs or sign-offs wait in a section's head queue, none of its present managers is on
    casework (the first version let a head who had just handed an item out take it or resume their
    own casework while more waited)."""
    from sim.model import OfficeModel
    from sim.queues import HEAD
    sc = bureau.with_overrides({"params.size_costs.dispatch_hours": 0.3, "workload.load_factor": 1.2})
    m = OfficeModel(scenario=sc, structure="merged", seed=2, days=80, record_events=False)
    waiting_seen = 0
    checked = [0]
    real = m.schedule

    def check(*a):  # after every event the engine schedules: the invariant holds between events
        for info in m.section_info.values():
            hq = info["queues"][HEAD]
            if hq.jobs:
                checked[0] += 1
                for p in hq.primary:
                    if p.present and p.job is not None:
                        assert p.job.queue.function is HEAD, (p.sid, p.job.activity)
        return real(*a)
    m.schedule = check
    while m.running:
        m.step()
        waiting_seen += checked[0]
    assert waiting_seen > 0  # the situation arose
