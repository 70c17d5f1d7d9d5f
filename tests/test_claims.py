"""The claims table is computed from simulated data: change a mechanism and the verdict changes."""
from __future__ import annotations

import math
import subprocess
import sys
from pathlib import Path

import pytest

from experiments.claims import claims as C
from experiments.claims import structures as builds
from experiments.claims.runs import Batch, run_batches

ROOT = Path(__file__).resolve().parents[1]
CFG = C.Config(replications=2, seed=7, quick=True)


def _run(key, scenario, structures, days, overrides=(), reps=2):
    return run_batches([Batch(key, scenario, structures, reps, 7, days, tuple(overrides))], workers=1)


def test_three_steps_come_from_the_handoff_protocol():
    one = [("params.internal_coordination.steps", 0)]  # the old desks work as one from the start
    res = _run("huaibei", "huaibei_pilots", ("fragmented", "large"), 40, one)
    o = C.h_budget_steps(res, CFG)
    assert o.verdict == C.REPRODUCED and o.value == pytest.approx(3.0)
    # while the old desks still pass work by an internal note, fewer than three are saved
    apart = C.h_budget_steps(_run("huaibei", "huaibei_pilots", ("fragmented", "large"), 40), CFG)
    assert 2.0 <= apart.value < 3.0
    # no coordination protocol across the section line: merging removes nothing
    res0 = _run("huaibei", "huaibei_pilots", ("fragmented", "large"), 40, [("params.handoff.section.steps", 0), *one])
    o0 = C.h_budget_steps(res0, CFG)
    assert o0.value == pytest.approx(0.0) and o0.verdict.startswith(C.NOT)
    # a five-step protocol: five removed, and the claim of three is not reproduced
    res5 = _run("huaibei", "huaibei_pilots", ("fragmented", "large"), 40, [("params.handoff.section.steps", 5), *one])
    assert C.h_budget_steps(res5, CFG).value == pytest.approx(5.0)


def test_road_saving_emerges_from_leader_in_trays():
    trays = [("params.meetings.levels", ())]  # the daily in-trays alone (the 局务会 is tests/test_meetings_rework.py's)
    res = _run("shanxi", "shanxi_county", ("before", "after"), 120, trays)
    assert C.s_levels(res, CFG).value == pytest.approx(2.0)
    assert C.s_week(res, CFG).value > 0.5
    # documents carried between levels in half an hour vs two days: the two levels the reform removes
    # take that routing with them, so the saving grows by about 2 x 1.5 days. Nothing is typed in.
    short = _run("shanxi", "shanxi_county", ("before", "after"), 120, [("params.approval.routing_hours", 0.5), *trays])
    long = _run("shanxi", "shanxi_county", ("before", "after"), 120, [("params.approval.routing_hours", 16.0), *trays])
    assert C.s_week(long, CFG).value > C.s_week(short, CFG).value + 2.0


def test_trips_verdict_follows_incomplete_materials():
    res = _run("shanxi", "shanxi_county", ("before", "after"), 40, [("params.windows.incomplete_materials", 0.0)])
    o = C.s_trips(res, CFG)
    assert o.value == pytest.approx(1.0) and o.verdict == C.REPRODUCED
    assert C.s_windows(res, CFG).verdict == C.REPRODUCED
    res2 = _run("shanxi", "shanxi_county", ("before", "after"), 40, [("params.windows.incomplete_materials", 0.5)])
    assert C.s_trips(res2, CFG).verdict.startswith(C.NOT)


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
    on = _run("licheng", "licheng_combos", ("separate", "combos"), 120)
    assert C.l_halts(on, CFG).value < 0
    off = _run("licheng", "licheng_combos", ("separate", "combos"), 60,
               [(f"params.absence.{k}.rate_per_year", 0) for k in ("business_trip", "leave", "training", "meeting")])
    o = C.l_halts(off, CFG)
    assert o.value == 0 and o.verdict.startswith(C.NOT)


def test_structural_counts_come_from_reforms():
    o = C.h_sections(None, CFG)
    assert o.value == 40 and o.verdict.startswith("seed figures inconsistent")
    assert C.h_one_person(None, CFG).verdict == C.REPRODUCED
    deps = builds.harbin_departments()
    assert sum(b.counts()["sections"] for _, b, _ in deps) == 652
    assert sum(a.counts()["sections"] for _, _, a in deps) == 497
    assert "23.8 %" in C.hb_divisions(None, CFG).verdict
    for c in ("hequ", "fushan"):
        b, a = builds.shanxi_county(c)
        assert a.counts()["bodies"] == 22 and a.counts()["leader_posts"] == 128
    assert C.s_departments(None, CFG).verdict == C.REPRODUCED


def test_structural_count_changes_with_the_reform(monkeypatch):
    # one fewer merge per Harbin department class: the counts, and so the verdict, change
    monkeypatch.setattr(builds, "HARBIN_DEPARTMENTS", ((7, 7, 3), (23, 18, 4), (7, 27, 5)))
    assert C.hb_divisions(None, CFG).verdict.startswith(C.NOT)


def test_transition_dip_needs_friction():
    def dip(slowdown):
        res = run_batches([Batch("xicheng", "xicheng_street", ("sections", "big_offices"), 3, 7, 100,
                                 (("params.transition.slowdown", slowdown),), daily=True)], workers=1)
        diff, _, _, _, _ = C.transition_curve(res)
        return float(diff[:20].mean())

    assert dip(0.7) > dip(0.0) + 1.0


@pytest.mark.slow
def test_quick_reproduce_end_to_end(tmp_path):
    out = tmp_path / "claims"
    p = subprocess.run([sys.executable, "-m", "experiments", "reproduce", "--quick", "--out", str(out)],
                       cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert p.returncode == 0, p.stderr
    for f in ("claims.csv", "claims.md", "sensitivity.csv", "before_after.png", "sensitivity.png", "transition.png"):
        assert (out / f).exists(), f
    for system in ("huaibei", "xicheng", "harbin", "licheng", "shanxi"):  # the analysis library's figures
        names = {p.stem for p in (out / "systems" / system).glob("*.png")}
        assert {"org_chart", "comparison", "utilisation", "halts", "cycle_cdf"} <= names, (system, names)
        assert sum(n.startswith("journey_") for n in names) == 2
    import pandas as pd

    df = pd.read_csv(out / "claims.csv")
    assert set(df["id"]) >= {"H1", "H2", "H3", "H4", "S1", "S2", "S3", "S4", "HB1", "HB2", "L1", "X1", "X2", "C1"}
    assert df["verdict"].notna().all()
    assert "H1" in p.stdout
