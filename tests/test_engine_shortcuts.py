"""The engine's speed shortcuts change no number: the idle index (``sim.queues.IdleIndex``) picks the
same people as walking the lists, and the summary-only mode returns the summary of the full ledgers
bit for bit (and the same staff, halt, absence, leader and day ledgers)."""
from __future__ import annotations

import pandas as pd
import pytest

import sim.ledgers
import sim.queues
from sim.run import run
from sim.scenario import load_scenario
from sim.testbeds import city_scenario, pool_scenario

FRAMES = ("tasks", "staff", "halts", "timeseries", "events", "leaders", "absences")
CASES = [  # (scenario, structure, overrides, days): long lists, absences, lending, windows, leaders
    ("finance_bureau", "merged", None, 120),
    ("licheng_combos", "separate", {"structures.separate.lending_delay_hours": 0}, 80),
    ("xicheng_street", None, None, 60),
    ("harbin_department", None, None, 60),
    ("huaibei_pilots", None, {"params.size_costs.dispatch_hours": 0.1}, 60),
]


def _scenario(name):
    return load_scenario(name)


def _same(a, b):
    for f in FRAMES:
        pd.testing.assert_frame_equal(getattr(a, f), getattr(b, f), check_exact=True)
    assert pd.Series(a.summary).equals(pd.Series(b.summary))


@pytest.mark.parametrize("name,structure,overrides,days", CASES)
def test_idle_index_picks_whom_the_walk_picks(monkeypatch, name, structure, overrides, days):
    sc = _scenario(name).with_overrides(overrides)
    monkeypatch.setattr(sim.queues, "INDEX_FROM", 1)  # every list indexed
    indexed = run(sc, structure=structure, seed=5, days=days)
    monkeypatch.setattr(sim.queues, "INDEX_FROM", 10 ** 9)  # every list walked
    walked = run(sc, structure=structure, seed=5, days=days)
    _same(indexed, walked)


def test_idle_index_in_a_large_pool_with_absences(monkeypatch):
    sc = pool_scenario(c=40, lam=30.0, days=60, warmup_days=5, absence_p=0.1)
    monkeypatch.setattr(sim.queues, "INDEX_FROM", 1)
    a = run(sc, seed=2)
    monkeypatch.setattr(sim.queues, "INDEX_FROM", 10 ** 9)
    _same(a, run(sc, seed=2))


@pytest.mark.parametrize("name,structure,overrides,days", CASES)
def test_summary_only_returns_the_full_summary(name, structure, overrides, days):
    sc = _scenario(name).with_overrides(overrides)
    full = run(sc, structure=structure, seed=4, days=days)
    short = run(sc, structure=structure, seed=4, days=days, summary_only=True)
    assert len(short.tasks) == 0 and len(short.events) == 0 and len(full.tasks) > 0
    assert pd.Series(full.summary).equals(pd.Series(short.summary))  # NaN-aware, bit for bit
    for f in ("staff", "halts", "timeseries", "leaders", "absences"):
        pd.testing.assert_frame_equal(getattr(full, f), getattr(short, f), check_exact=True)


def test_packed_chunks_and_a_warmup(monkeypatch):
    """Over many packed chunks of rows the task ledger is the one built in a single chunk, and the
    summary-only mode leaves out the tasks before the warm-up as the full ledger's summary does."""
    sc = city_scenario(bodies=6, staff=150, days=40, merged=False).with_overrides({"warmup_days": 10})
    whole = run(sc, seed=1, record_events=False)
    monkeypatch.setattr(sim.ledgers, "CHUNK", 500)
    full = run(sc, seed=1, record_events=False)
    short = run(sc, seed=1, summary_only=True)
    assert full.summary["tasks_completed"] > 8 * 500
    pd.testing.assert_frame_equal(whole.tasks, full.tasks, check_exact=True)
    assert pd.Series(full.summary).equals(pd.Series(short.summary))


def test_only_each_persons_next_absence_waits_in_the_heap():
    """Absences drawn up front keep one event a person in the heap (not every episode of the run)."""
    from sim.model import OfficeModel

    sc = city_scenario(bodies=4, staff=100, days=250, merged=False)
    m = OfficeModel(scenario=sc, structure="fragmented", seed=1, record_events=False)
    people = len(m.staff) + len(m.leaders)
    episodes = len(m.ledgers.absences)
    assert episodes > 5 * people
    waiting = [ev for ev in m._events if ev[2] == m._series_next]
    assert 0 < len(waiting) <= people  # the next leave or return of each person, no more


def test_the_garbage_collector_is_back_on_after_a_run():
    import gc

    from sim.model import OfficeModel

    m = OfficeModel(scenario=pool_scenario(c=3, lam=2.0, days=5, warmup_days=0), seed=1)
    assert gc.isenabled()
    m.run()
    assert gc.isenabled()
    gc.disable()
    try:
        OfficeModel(scenario=pool_scenario(c=3, lam=2.0, days=5, warmup_days=0), seed=1).run()
        assert not gc.isenabled()  # left as the caller had it
    finally:
        gc.enable()
