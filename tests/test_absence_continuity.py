"""The absence rule and case continuity, named (sim.mechanisms.absences, sim.mechanisms.dispatch),
checked against what probability and queueing theory say they must give."""
import numpy as np
import pytest

import sim
from sim.testbeds import mmc_mean_wait, sections_scenario, two_step_scenario

WHOLE_DAY = {"start": "whole_day", "work_in_hand": "finish_first"}


def _halted_days(halts, hpd=8.0):
    """(section, day) pairs during which the section was halted at some point."""
    out = set()
    for row in halts.itertuples():
        out.update((row.section, d) for d in range(int(row.start // hpd), int(np.ceil(row.end / hpd))))
    return out


@pytest.mark.parametrize("m,p", [(1, 0.1), (2, 0.3)])
def test_whole_day_absences_halt_onsets(m, p):
    """Whole days away with daily probability p, finished work first: k sections of m people halt on
    about p^m of days, with 1000 k p^m (1 - p^m) onsets per 1,000 days (a run of days away is one)."""
    k, days = 4, 3000
    sc = sections_scenario(k=k, m=m, absence={"leave": {"rate_per_year": p * 260, "days": 1}},
                           absence_rule=WHOLE_DAY, days=days)
    onsets, shares = [], []
    for s in sim.replication_seeds(2, 3):
        res = sim.run(sc, seed=s, record_events=False)
        onsets.append(1000 * len(res.halts) / days)
        shares.append(len(_halted_days(res.halts)) / (k * days))
    assert np.mean(onsets) == pytest.approx(1000 * k * p ** m * (1 - p ** m), rel=0.06)
    assert np.mean(shares) == pytest.approx(p ** m, rel=0.08)


def test_mid_day_absences_split_halts_where_whole_days_do_not():
    """The two start rules differ where they should: under whole days no halt starts mid-day."""
    sc = sections_scenario(k=2, m=1, absence={"leave": {"rate_per_year": 26, "days": 1}}, absence_rule=WHOLE_DAY, days=500)
    res = sim.run(sc, seed=1, record_events=False)
    assert (res.absences["start"] % 8.0 == 0).all()
    mid = sim.run(sections_scenario(k=2, m=1, absence={"leave": {"rate_per_year": 26, "days": 1}}, days=500),
                  seed=1, record_events=False)
    assert (mid.absences["start"] % 8.0 != 0).mean() > 0.9


@pytest.mark.parametrize("start", ["mid_day", "whole_day"])
def test_rate_per_year_counts_what_it_says(start):
    """``counts: episodes_per_year`` realises r episodes a year; ``starts_while_present`` (the first
    version's) realises r / (1 + r D / Y) (22 with 2-day episodes: 19.7 a year of 260 days)."""
    r, mean_days, years = 22.0, 2.0, 10
    absence = {"leave": {"rate_per_year": r, "days": {"dist": "exponential", "mean": mean_days}}}
    realised = {}
    for counts in ("episodes_per_year", "starts_while_present"):
        sc = sections_scenario(k=20, m=1, rate_per_day=1.0, absence=absence, days=260 * years,
                               absence_rule={"start": start, "counts": counts})
        res = sim.run(sc, seed=3, record_events=False)
        realised[counts] = len(res.absences) / (20 * years)
    assert realised["episodes_per_year"] == pytest.approx(r, rel=0.05)
    if start == "mid_day":
        assert realised["starts_while_present"] == pytest.approx(r / (1 + r * mean_days / 260), rel=0.05)
    assert realised["starts_while_present"] < realised["episodes_per_year"]


def test_episodes_per_year_beyond_the_year_is_refused():
    with pytest.raises(sim.InputError, match="more than the year's 260 working days"):
        sections_scenario(k=1, m=1, absence={"leave": {"rate_per_year": 100, "days": 3}},
                          absence_rule={"counts": "episodes_per_year"}, days=50)


@pytest.mark.parametrize("rule", ["hand_back", "finish_first"])
def test_work_in_hand(rule):
    """hand_back splits a job an absence interrupts (it resumes with someone else or later);
    finish_first never does: each job is done in one piece."""
    sc = sections_scenario(k=2, m=2, rate_per_day=30, work_hours=0.5,
                           absence={"trip": {"rate_per_year": 40, "days": {"dist": "exponential", "mean": 0.5}}},
                           absence_rule={"work_in_hand": rule}, days=400)
    res = sim.run(sc, seed=4)
    pieces = res.events.groupby(["case", "activity"]).size()
    if rule == "finish_first":
        assert (pieces == 1).all()
    else:
        assert (pieces > 1).sum() > 10


def _immediate_share(res):
    """Share of tasks whose second step started the instant their first ended."""
    ev = res.events
    e1 = ev[ev["activity"] == "work:f1"].set_index("case")["end"]
    s2 = ev[ev["activity"] == "work:f2"].set_index("case")["start"]
    both = e1.to_frame("e1").join(s2.to_frame("s2"), how="inner")
    return float((both["s2"] == both["e1"]).mean())


def test_continuity_never_is_first_come_first_served():
    """keep_next_step = 0: a merged two-step workflow is a Kelly network (FIFO, one exponential rate),
    so the total wait is two M/M/c waits at rate 2 lam: W = 2 Wq(M/M/4, 2 lam)."""
    c, lam = 4, 1.6
    sc = two_step_scenario(c=c, lam=lam, keep=0.0, days=1500)
    waits = [sim.run(sc, seed=s, record_events=False).summary["mean_wait_hours"] for s in sim.replication_seeds(8, 6)]
    mean, lo, hi = sim.mean_ci(waits)
    theory = 2 * mmc_mean_wait(c, 2 * lam, 1.0)
    assert lo <= theory <= hi or abs(mean - theory) < 0.05 * theory, f"{mean:.3f} [{lo:.3f}, {hi:.3f}] vs {theory:.3f}"


def test_continuity_always_and_in_between():
    """keep_next_step = 1: every second step starts at once (the first version's rule); p in between:
    the share of immediate starts is p + (1 - p) x the share FIFO gives, and so is the wait."""
    runs = {keep: sim.run(two_step_scenario(keep=keep, days=600), seed=5) for keep in (0.0, 0.5, 1.0)}
    share = {keep: _immediate_share(res) for keep, res in runs.items()}
    assert share[1.0] == 1.0
    assert share[0.0] < 0.6
    assert share[0.5] == pytest.approx(0.5 + 0.5 * share[0.0], abs=0.04)
    wait = {keep: res.summary["mean_wait_hours"] for keep, res in runs.items()}
    assert wait[1.0] < wait[0.5] < wait[0.0]
