"""Where each claim holds (experiments/claims/where.py): the factors, the sample, discovery, indices, and a
small real sample end to end. Claims are stand-ins with the attributes ``claims.Claim`` carries for it."""
from __future__ import annotations

import math
from dataclasses import dataclass
from types import SimpleNamespace as NS
from typing import Callable

import numpy as np
import pandas as pd
import pytest
from matplotlib.figure import Figure

from experiments.claims import where as W
from experiments.claims.claims import mean_wf, summ, wfm
from experiments.claims.runs import cached_scenario, run_batches

CFG = NS(seed=20240601, quick=True)


@dataclass
class StandIn:
    id: str
    tier: str
    system: str
    base: str
    alt: str
    metric: Callable
    better: str = "lower"
    scale: float = 1.0
    margin: float = 1e-9
    point_effect: Callable | None = None


def test_factors_are_documented_and_in_range():
    for system, fs in W.FACTORS.items():
        assert len({f.name for f in fs}) == len(fs), system
        for f in fs:
            assert f.low < f.high and f.source and f.label_en and f.label_zh, (system, f.name)
            assert any("\u4e00" <= ch <= "\u9fff" for ch in f.label_zh), f.name
            assert f.source.startswith(("assumption", "seed")) or "seed" in f.source, f.name
            # the scenario's own value lies in the range (the meeting trigger's 0 = never is no threshold)
            assert f.low <= f.base <= f.high or f.name == "meeting_trigger", (system, f.name, f.base)


@pytest.mark.parametrize("system", list(W.SYSTEMS))
def test_factors_validate_at_their_bounds(system):
    """Every factor at its low end, then every one at its high end, as one point's overrides: the
    scenario accepts them (each path exists, each value passes validation), integers whole."""
    sc = cached_scenario(W.SYSTEMS[system].scenario)
    for end in ("low", "high"):
        row = {f.name: getattr(f, end) for f in W.FACTORS[system]}
        ov = W.point_overrides(system, row)
        assert len({p for p, _ in ov}) == len(ov)
        sc.with_overrides(dict(ov))
        for f in W.FACTORS[system]:
            if f.integer:
                assert all(isinstance(v, int) for _, v in f.overrides(getattr(f, end)))


def test_sample_is_deterministic_stratified_and_paired():
    a = W.batches(CFG, n=8, horizon=30)
    assert a == W.batches(CFG, n=8, horizon=30)
    assert W.batches(NS(seed=CFG.seed + 1, quick=True), n=8, horizon=30) != a
    assert len({b.key for b in a}) == len(a) == 8 * len(W.SYSTEMS)
    for system, s in W.SYSTEMS.items():
        bs = [b for b in a if b.key.startswith(f"where_{system}_")]
        assert len({b.seed for b in bs}) == len(bs)  # a seed of its own per point
        for b in bs:
            assert (b.structures, b.replications, b.scenario, b.daily) == (s.structures, 1, s.scenario, s.daily)
            jobs = list(b.jobs())
            assert {j[2] for j in jobs} == set(s.structures) and len({j[4] for j in jobs}) == 1  # one seed
        X = W.design(system, 8, CFG.seed)
        for f in W.FACTORS[system]:  # Latin hypercube: one point in each of n equal slices of a range
            if not f.integer:
                strata = np.floor((X[f.name] - f.low) / (f.high - f.low) * 8).astype(int)
                assert sorted(strata) == list(range(8)), (system, f.name)


def test_budget_horizon_leaves_the_transition_its_days():
    full = NS(seed=1, quick=False)
    sc = cached_scenario("xicheng_street")
    assert W.days(full, "xicheng") - sc.warmup_days >= 130
    assert W.points(full) >= 256 and W.points(CFG) < W.points(full)


def _unit_factors(names):
    return [W.Factor(n, n, "因子" + n, 0.0, 1.0, 0.5, lambda v: (), "assumption: test") for n in names]


def test_discovery_recovers_a_planted_box():
    """holds iff x1 > 0.6 and x2 < 0.3, two more factors idle: the box's bounds land on the plant and the
    sentence states them, coverage and density >= 0.85."""
    rng = np.random.default_rng(3)
    X = rng.random((400, 4))
    y = (X[:, 0] > 0.6) & (X[:, 1] < 0.3)
    fs = _unit_factors(["x1", "x2", "x3", "x4"])
    box = W.discover(X, y, [f.name for f in fs])
    assert set(box.bounds) == {"x1", "x2"}
    assert abs(box.bounds["x1"][0] - 0.6) < 0.05 and box.bounds["x1"][1] is None
    assert abs(box.bounds["x2"][1] - 0.3) < 0.05 and box.bounds["x2"][0] is None
    assert box.coverage >= 0.85 and box.density >= 0.85
    en, zh = W.sentence(y, box, fs, "en"), W.sentence(y, box, fs, "zh")
    assert "x1 is at least 0.6" in en and "x2 is at most 0.3" in en and "coverage" in en
    assert "x1不低于0.6" in zh and "覆盖率" in zh


def test_sentences_for_everywhere_and_nowhere_and_integer_bounds():
    fs = _unit_factors(["a"])
    assert "across the sampled ranges (at 95 %" in W.sentence(np.r_[np.ones(19), 0] > 0, None, fs)
    assert "almost nowhere" in W.sentence(np.r_[np.zeros(19), 1] > 0, None, fs)
    steps = W.Factor("steps", "steps", "环节", 0, 4, 2, lambda v: (), "assumption: test", integer=True)
    assert W.conditions(W.Box({"steps": (1.5, 3.5)}, 1, 1), [steps]) == ["steps is between 2 and 3"]


def test_first_order_indices_rank_the_driver_first():
    rng = np.random.default_rng(0)
    X = rng.random((256, 3))
    Y = 4 * X[:, 1] + X[:, 2] ** 2 + 0.1 * rng.standard_normal(256)
    s1 = W.first_order(X, Y, _unit_factors(["a", "b", "c"]), seed=1)
    assert W._top(s1)[0][0] == "b" and s1.set_index("factor").loc["b", "S1"] > 0.7


def _claims():
    def transition(b, a):  # a point effect: first measured days' cycle-time difference (stand-in for X2)
        return float(np.nanmean(b["daily"][20:]) - np.nanmean(a["daily"][20:]))

    return [StandIn("H3", "conditional", "huaibei", "fragmented", "large", summ("halts_per_1000_staff_days")),
            StandIn("H2", "identity", "huaibei", "fragmented", "large", summ("util_cv")),  # not evaluated
            StandIn("X1", "conditional", "xicheng", "sections", "big_offices", summ("handoffs_per_task"), margin=0.01),
            StandIn("X2", "emergent", "xicheng", "sections", "big_offices", None, point_effect=transition),
            StandIn("HB2", "conditional", "harbin", "before", "after", mean_wf(("approval_trade",), "steps")),
            StandIn("L1b", "conditional", "licheng", "separate", "combos", summ("overloaded_share"), scale=100),
            StandIn("S2", "conditional", "shanxi", "before", "after", wfm("road_project", "cycle_days"))]


def test_a_small_real_sample_end_to_end():
    claims = _claims()
    res = run_batches(W.batches(CFG, n=8, horizon=30), workers=1)
    eff = W.effects(res, CFG, claims)
    assert set(eff["claim"]) == {"H3", "X1", "X2", "HB2", "L1b", "S2"} and len(eff) == 6 * 8
    X = W.design("licheng", 8, CFG.seed)
    l1 = eff[eff["claim"] == "L1b"].reset_index()
    pd.testing.assert_frame_equal(l1[list(X.columns)], X, check_names=False)
    rec = res.records[(W.key("licheng", 3), "separate")][0], res.records[(W.key("licheng", 3), "combos")][0]
    assert l1.loc[3, "improvement"] == pytest.approx(100 * (rec[0]["summary"]["overloaded_share"]
                                                            - rec[1]["summary"]["overloaded_share"]))
    assert (eff["holds"] == (eff["improvement"] > eff["margin"])).all()
    reg = W.regions(eff, seed=CFG.seed)
    assert list(reg["claim"]) == ["H3", "X1", "X2", "HB2", "L1b", "S2"]
    for r in reg.itertuples():
        assert r.sentence_en.startswith("holds") and r.sentence_zh
        if r.points:
            assert 0 <= r.coverage <= 1 and 0 <= r.density <= 1
        else:  # 30 days measure no road project (one every ten days, each about ten days long)
            assert r.claim == "S2" and "no point" in r.sentence_en and math.isnan(r.coverage)
    cc = W.counter_cases(res, CFG)
    assert list(cc["system"]) == list(W.SYSTEMS)
    assert cc["share_mean_cycle_hours"].between(0, 1).all() and "share_workflow" in cc
    assert cc.loc[cc["system"] == "licheng", "share_workflow"].isna().all()  # no claimed workflow there
    for lang in ("en", "zh"):
        assert isinstance(W.figure(eff, reg, "L1b", lang), Figure)


@pytest.mark.slow
@pytest.mark.parametrize("system", list(W.SYSTEMS))
def test_every_factor_moves_the_runs(system):
    """A sampled parameter that no run responds to is one whose mechanism has nothing to act on in the
    scenario: from its low end to its high end some summary figure of some structure must change."""
    from experiments.claims.runs import run_job

    s = W.SYSTEMS[system]

    def moves(f, st, seed):
        lo, hi = (run_job(("t", s.scenario, st, 0, seed, 80, f.overrides(v), False))[3]["summary"] for v in (f.low, f.high))
        return any(not (math.isclose(lo[k], hi[k]) or (math.isnan(lo[k]) and math.isnan(hi[k]))) for k in lo)

    for f in W.FACTORS[system]:  # a second seed for rarely binding limits (Licheng's longest leave deferral)
        assert any(moves(f, st, seed) for seed in (7, 8) for st in s.structures[:2]), (system, f.name)
