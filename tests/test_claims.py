"""The claims table is computed from simulated data: change a mechanism and the verdict changes."""
from __future__ import annotations

import math
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from experiments.claims import claims as C
from experiments.claims import structures as builds
from experiments.claims.runs import Batch, run_batches

ROOT = Path(__file__).resolve().parents[1]
CFG = C.Config(replications=2, seed=7, quick=True)


def _run(key, scenario, structures, days, overrides=(), reps=2):
    return run_batches([Batch(key, scenario, structures, reps, 7, days, tuple(overrides))], workers=1)


def _claim(cid):
    return next(c for c in C.CLAIMS if c.id == cid)


def test_three_steps_are_an_identity_of_the_handoff_protocol():
    o = C.h_budget_steps(None, CFG)
    assert o.value == 3 and o.verdict.startswith(C.CHECKED)
    # a five-step protocol: five removed, and the seed's three fails the check
    o5 = C.h_budget_steps(None, CFG, overrides={"params.handoff.section.steps": 5})
    assert o5.value == 5 and o5.verdict.startswith(C.CHECK_FAILED)
    # old desks that keep passing a note for good (各自为战): one step stays
    o1 = C.h_budget_steps(None, CFG, overrides={"params.internal_coordination.floor": 1.0})
    assert o1.value == 2 and o1.verdict.startswith(C.CHECK_FAILED)


@pytest.mark.parametrize("ci,margin,expected", [
    ((2.0, 1.5, 2.5), 1.0, C.REPRODUCED), ((0.1, -0.5, 0.7), 1.0, C.NOT), ((-2.0, -2.5, -1.5), 1.0, C.REVERSED),
    ((1.0, 0.5, 1.5), 1.0, C.INCONCLUSIVE), ((-1.0, -1.5, -0.5), 1.0, C.INCONCLUSIVE),
    ((0.0, -3.0, 3.0), 1.0, C.INCONCLUSIVE), ((2.0, math.nan, math.nan), 1.0, C.REPRODUCED)])
def test_four_verdicts_against_the_margin(ci, margin, expected):
    assert C.verdict(*ci, margin) == expected


def test_share_intervals_stay_possible():
    m, lo, hi = C.interval([0.0, 0.0, 0.0, 1.0, 0.0], bounded=True)  # a t interval would go below 0
    assert lo >= 0.0 and hi <= 1.0 and lo <= m <= hi
    assert C.mean_ci([0.0, 0.0, 0.0, 1.0, 0.0])[1] < 0


def test_fewer_replications_say_inconclusive_not_another_verdict():
    """A noisy improvement of 1.5 against a margin of 1: few replications straddle the margin, many clear it."""
    rng = np.random.default_rng(3)
    x = 1.5 + rng.normal(0, 1.0, 200)
    few, many = C.interval(x[:3]), C.interval(x)
    assert C.verdict(*few, 1.0) == C.INCONCLUSIVE
    assert C.verdict(*many, 1.0) == C.REPRODUCED


def test_imbalance_premise_carries_the_spread_claim():
    h4 = _claim("H4")
    res = run_batches([Batch("huaibei", "huaibei_pilots", ("fragmented", "large"), 3, 7, 80),
                       Batch(C.premise_key(h4), "huaibei_pilots", ("fragmented", "large"), 3, 7, 80,
                             h4.premise.removed())], workers=1)
    o = C.evaluate(h4, res, CFG)
    assert o.verdict == C.REPRODUCED
    assert o.without in (C.NOT, C.INCONCLUSIVE) and abs(o.without_value[0]) < h4.margin
    assert "premise carries" in o.detail or o.without == C.INCONCLUSIVE


def test_road_saving_emerges_from_leader_in_trays():
    s2 = _claim("S2")
    trays = [("params.meetings.levels", ())]  # the daily in-trays alone (the 局务会 is tests/test_meetings_rework.py's)
    res = _run("shanxi", "shanxi_county", ("before", "after"), 120, trays)
    assert C.s_levels(res, CFG).value == 2
    assert C.judge(s2, res).value > 0.5
    # documents carried between levels in half an hour vs two days: the two levels the reform removes
    # take that routing with them, so the saving grows by about 2 x 1.5 days. Nothing is typed in.
    short = _run("shanxi", "shanxi_county", ("before", "after"), 120, [("params.approval.routing_hours", 0.5), *trays])
    long = _run("shanxi", "shanxi_county", ("before", "after"), 120, [("params.approval.routing_hours", 16.0), *trays])
    assert C.judge(s2, long).value > C.judge(s2, short).value + 2.0


def test_trips_split_by_complete_materials():
    """run_job's trips_complete / trips_incomplete: at the merged window one trip with complete
    materials, two when the set was incomplete; with no incomplete sets the second is NaN."""
    res = _run("shanxi", "shanxi_county", ("after",), 40, [("params.windows.incomplete_materials", 0.3)], reps=1)
    d = res.records[("shanxi", "after")][0]["wf"]["insurance_enrolment"]
    assert d["n_complete"] > 0 and d["n_incomplete"] > 0 and d["n_complete"] + d["n_incomplete"] == d["n"]
    assert d["trips_complete"] == 1.0 and d["trips_incomplete"] == 2.0
    assert d["incomplete_visits"] == pytest.approx(d["n_incomplete"] / d["n"])
    assert d["trips"] == pytest.approx((d["n_complete"] + 2 * d["n_incomplete"]) / d["n"])
    res0 = _run("shanxi", "shanxi_county", ("after",), 40, [("params.windows.incomplete_materials", 0.0)], reps=1)
    d0 = res0.records[("shanxi", "after")][0]["wf"]["insurance_enrolment"]
    assert d0["incomplete_visits"] == 0 and d0["n_incomplete"] == 0 and math.isnan(d0["trips_incomplete"])
    assert d0["n_complete"] == d0["n"] and d0["trips_complete"] == 1.0


def test_halts_need_absences():
    l1 = _claim("L1")
    on = _run("licheng", "licheng_combos", ("separate", "combos"), 120)
    assert C.judge(l1, on).value > 0
    off = _run("licheng", "licheng_combos", ("separate", "combos"), 60,
               [(f"params.absence.{k}.rate_per_year", 0) for k in ("business_trip", "leave", "training", "meeting")])
    o = C.judge(l1, off)
    assert o.value == 0 and o.verdict == C.NOT


def test_structural_counts_come_from_reforms():
    o = C.h_sections(None, CFG)
    assert o.value == 40 and "2 sections unaccounted for" in o.verdict and o.verdict.startswith(C.CHECKED)
    assert C.h_one_person(None, CFG).verdict.startswith(C.CHECKED)
    deps = builds.harbin_departments()
    assert sum(b.counts()["sections"] for _, b, _ in deps) == 652
    assert sum(a.counts()["sections"] for _, _, a in deps) == 497
    hb = C.hb_divisions(None, CFG).verdict
    assert hb.startswith(C.CHECKED) and "23.8 %" in hb and "155/551" in hb and "inconsistent" not in hb
    for c in ("hequ", "fushan"):
        b, a = builds.shanxi_county(c)
        assert a.counts()["bodies"] == 22 and a.counts()["leader_posts"] == 128
    assert C.s_departments(None, CFG).verdict.startswith(C.CHECKED)
    assert C.s_levels(None, CFG).value == 2


def test_structural_count_changes_with_the_reform(monkeypatch):
    # one fewer merge per Harbin department class: the counts, and so the check, change
    monkeypatch.setattr(builds, "HARBIN_DEPARTMENTS", ((7, 7, 3), (23, 18, 4), (7, 27, 5)))
    assert C.hb_divisions(None, CFG).verdict.startswith(C.CHECK_FAILED)


def test_transition_claim_needs_friction():
    x2 = _claim("X2")

    def outcome(slowdown):
        res = run_batches([Batch("xicheng", "xicheng_street", ("sections", "big_offices"), 3, 7, 150,
                                 (("params.transition.slowdown", slowdown),), daily=True)], workers=1)
        return C.judge(x2, res)

    strong, none = outcome(0.7), outcome(0.0)
    assert strong.value > none.value + 1.0
    assert strong.verdict == C.REPRODUCED
    assert none.verdict != C.REPRODUCED and none.value < none.margin  # no dip: not slower at first


def test_every_claim_has_a_tier_and_every_dynamic_claim_a_declared_margin():
    for c in C.CLAIMS:
        assert c.tier in C.TIERS
        if c.dynamic:
            assert (c.margin > 0) != (c.margin_share > 0), c.id
            assert c.margin_source and c.system in C.SYSTEMS, c.id
        if c.tier == C.CONDITIONAL:
            assert c.premise is not None and c.premise.removed(), c.id


@pytest.mark.slow
def test_quick_reproduce_end_to_end(tmp_path):
    out = tmp_path / "claims"
    p = subprocess.run([sys.executable, "-m", "experiments", "reproduce", "--quick", "--system-figures", "--out", str(out)],
                       cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert p.returncode == 0, p.stderr
    for f in ("claims.csv", "claims.md", "improvements.png", "transition.png", "where.csv", "regions.csv",
              "counter_cases.csv", "where/H4.png"):
        assert (out / f).exists(), f
    for system in ("huaibei", "xicheng", "harbin", "licheng", "shanxi"):  # the analysis library's figures
        names = {p.stem for p in (out / "systems" / system).glob("*.png")}
        assert {"org_chart", "comparison", "utilisation", "halts", "cycle_cdf"} <= names, (system, names)
        assert sum(n.startswith("journey_") for n in names) == 2
    import pandas as pd

    df = pd.read_csv(out / "claims.csv")
    assert set(df["id"]) >= {"H1", "H2", "H3", "H4", "S1", "S2", "S3", "S4", "HB1", "HB2", "L1", "X1", "X2", "C1"}
    assert df["verdict"].notna().all() and set(df["tier"]) == set(C.TIERS)
    assert not df[df.tier == "identity"].verdict.str.startswith("reproduced").any()
    assert "H1" in p.stdout


def test_at_most_one_trip_is_checked_on_complete_materials():
    res = _run("shanxi", "shanxi_county", ("before", "after"), 60)
    o = C.s_trips(res, CFG)
    assert o.value == pytest.approx(1.0) and o.verdict.startswith(C.CHECKED)
    assert "incomplete sets" in o.detail
