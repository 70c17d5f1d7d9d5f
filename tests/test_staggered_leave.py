"""Staggered leave (sim.mechanisms.staggered_leave, params.leave_policy): deferrable absences wait
while their person is the last one present able to serve work, and only their timing changes.

The bureau's leave is raised to 15 episodes a year in most tests (the embedded 3 give a handful of
deferrals a year, too few for a short run to show anything)."""
import math

import pandas as pd
import pytest

import sim
from sim.scenario import load_scenario
from test_bad_input import _call, _one_line, mutate
from test_properties import _check_run

DAYS = 120
HPD = 8.0
MORE_LEAVE = {"params.absence.leave.rate_per_year": 15, "horizon_days": DAYS}
STAGGER = {"params.leave_policy.policy": "stagger"}


@pytest.fixture(scope="module")
def bureau():
    return load_scenario("finance_bureau").with_overrides(MORE_LEAVE)


def _run(sc, structure, seed, **policy):
    overrides = {f"params.leave_policy.{k}": v for k, v in policy.items()}
    return sim.run(sc.with_overrides(overrides) if overrides else sc, structure=structure, seed=seed)


def test_stagger_cuts_halts_where_a_colleague_covers(bureau):
    """一人出差、业务停办: in the merged bureau a section-mate covers, so leave taken after they are
    back leaves no queue with nobody; halts and halted hours fall on every seed."""
    totals = {"off": [0, 0.0], "on": [0, 0.0]}
    for seed in (1, 2, 3):
        off = _run(bureau, "merged", seed)
        on = _run(bureau, "merged", seed, policy="stagger")
        for key, r in (("off", off), ("on", on)):
            totals[key][0] += len(r.halts)
            totals[key][1] += r.summary["mean_halted_hours"]
        assert (on.absences["deferred_hours"] > 0).sum() > 0, seed
    # over the three seeds (one seed alone may go either way: a moved leave can land on a busier week)
    assert totals["on"][0] < totals["off"][0] and totals["on"][1] < totals["off"][1], totals

def test_requests_are_the_same_draws_under_every_structure(bureau):
    """Common random numbers: who asks for which absence, when and for how long is the same under
    both structures and as with the policy off; taken starts differ only by the deferral."""
    frames = {st: _run(bureau, st, 2, policy="stagger").absences for st in ("fragmented", "merged")}
    off = _run(bureau, "merged", 2).absences
    requests = []
    for ab in frames.values():
        req = ab.assign(start=ab["requested_start"], end=ab["end"] - ab["deferred_hours"])
        req = req[["person", "kind", "start", "end"]].sort_values(["person", "start"], ignore_index=True)
        requests.append(req)
        assert (ab["start"] == ab["requested_start"] + ab["deferred_hours"]).all()
        assert (ab["deferred_hours"] >= 0).all()
    pd.testing.assert_frame_equal(requests[0], requests[1])
    pd.testing.assert_frame_equal(requests[0], off)
    a, b = (f.set_index(["person", "requested_start"]) for f in frames.values())
    differ = a["start"] != b["start"]
    assert differ.any(), "the structures should take some leave at different times"
    assert ((a["deferred_hours"] > 0) | (b["deferred_hours"] > 0))[differ].all()


RULES = {"mid_day": {}, "whole_day": {"params.absence_rule.start": "whole_day"},
         "finish_first": {"params.absence_rule.work_in_hand": "finish_first"}}


@pytest.mark.parametrize("rule", RULES.values(), ids=RULES.keys())
@pytest.mark.parametrize("structure", ["fragmented", "merged"])
def test_deferral_stays_within_its_limits(bureau, rule, structure):
    """At most max_defer_days, to a working day's start, before the person's next request, with its
    drawn length; trips and meetings never wait; every engine invariant still holds."""
    cap = 2.0
    sc = bureau.with_overrides({**rule, **STAGGER, "params.leave_policy.max_defer_days": cap,
                                "params.leave_policy.scope": "any"})
    m = sim.OfficeModel(scenario=sc, structure=structure, seed=4)
    m.run()
    # every engine invariant: no overlapping absences, nobody works while away, absent hours = the ledger's
    # (not under finish_first, whose ledger keeps the episodes' times, not the later moment hands are empty)
    ab = (m.finish() if rule.get("params.absence_rule.work_in_hand") else _check_run(m, sc)).absences
    d = ab["deferred_hours"]
    assert (d > 0).sum() >= 3
    assert d.max() <= cap * HPD + 1e-9
    assert (d[~ab["kind"].isin(["leave", "training"])] == 0).all()
    assert (ab.loc[d > 0, "start"] % HPD == 0).all()
    off = sim.run(bureau.with_overrides(rule), structure=structure, seed=4).absences
    both = ab.merge(off, left_on=["person", "requested_start"], right_on=["person", "start"], suffixes=("", "_off"))
    assert len(both) == len(ab) == len(off) and (both["kind"] == both["kind_off"]).all()
    whole = (both["end"] < m.horizon) & (both["end_off"] < m.horizon)
    taken, drawn = (both["end"] - both["start"])[whole], (both["end_off"] - both["start_off"])[whole]
    assert taken.to_numpy() == pytest.approx(drawn.to_numpy())
    for _, g in ab.groupby("person"):
        ends, later = g["end"].to_numpy()[:-1], g["requested_start"].to_numpy()[1:]
        moved = g["deferred_hours"].to_numpy()[:-1] > 0
        assert (ends[moved] < later[moved]).all(), g

def test_no_cap_means_no_deferral_and_the_same_run(bureau):
    """max_defer_days 0: every episode starts as drawn, and the run is the policy-off run."""
    off = _run(bureau, "merged", 5)
    on = _run(bureau, "merged", 5, policy="stagger", max_defer_days=0)
    assert (on.absences["deferred_hours"] == 0).all()
    pd.testing.assert_frame_equal(on.absences[off.absences.columns], off.absences)
    for part in ("tasks", "halts", "staff", "events"):
        pd.testing.assert_frame_equal(getattr(on, part), getattr(off, part))


def test_scope_covered_leaves_a_sole_holder_alone(bureau):
    """政法科 has one person in the fragmented bureau: under ``covered`` nobody stands in for him,
    so his leave is not held back; under ``any`` it is, while his work waits."""
    covered = _run(bureau, "fragmented", 2, policy="stagger").absences
    anyq = _run(bureau, "fragmented", 2, policy="stagger", scope="any").absences
    assert (covered.loc[covered["person"] == "pl_h", "deferred_hours"] == 0).all()
    assert (anyq.loc[anyq["person"] == "pl_h", "deferred_hours"] > 0).any()
    assert (anyq["deferred_hours"] > 0).sum() > (covered["deferred_hours"] > 0).sum()


def test_policy_off_keeps_the_first_versions_ledger(bureau):
    res = _run(bureau, "merged", 1)
    assert list(res.absences.columns) == ["person", "kind", "start", "end"]


@pytest.mark.parametrize("value,field,reason", [
    ({"policy": "stagger", "deferrable": ["leave"]}, "params.leave_policy.deferrable.0", "unknown absence kind 'leave'"),
    ({"policy": "stagger"}, "params.leave_policy.deferrable.0", "params.absence has: trip"),
    ({"policy": "stagger", "deferrable": "trip"}, "params.leave_policy.deferrable", "expected a list"),
    ({"max_defer_days": -1}, "params.leave_policy.max_defer_days", "must be >= 0"),
    ({"max_defer_days": math.inf}, "params.leave_policy.max_defer_days", "expected a finite number"),
    ({"policy": "often"}, "params.leave_policy.policy", "allowed: none, stagger"),
    ({"scope": "everywhere"}, "params.leave_policy.scope", "allowed: covered, any"),
    ({"defer": ["trip"]}, "params.leave_policy", "unknown key"),
], ids=["kind-unknown", "default-kinds-absent", "kinds-not-a-list", "days-negative", "days-infinite", "policy-word",
        "scope-word", "key-unknown"])
def test_bad_leave_policy(tmp_path, capsys, value, field, reason):
    """One line naming the file, the field and the reason (the table style of tests/test_bad_input.py)."""
    f = tmp_path / "bad.yaml"
    f.write_text(mutate("params.leave_policy", value))
    assert _call(["run", f, "--days", "3", "--out", tmp_path / "out"]) == 2
    line = _one_line(capsys)
    assert line.startswith(f"error: {f}: ") and field in line and reason in line, line
    assert "Input should" not in line


def test_the_apps_live_absences_follow_the_policy(bureau):
    """Read during the run (analysis.app_model.Tracker), a waiting episode is not time away and a taken
    one counts where it was taken: at the end the live absent hours are the staff ledger's."""
    from analysis.app_model import Tracker
    sc = bureau.with_overrides({**STAGGER, "warmup_days": 0})
    m = sim.OfficeModel(scenario=sc, structure="fragmented", seed=2)
    tracker = Tracker(m)
    pending_seen = False
    while m.running:
        m.step()
        pending_seen |= any(s == e < m.now for _, _, s, e in m.ledgers.absences)
        tracker.utilisation()
    res = m.finish()
    assert pending_seen and (res.absences["deferred_hours"] > 0).any()
    live = tracker._absent_hours(m.horizon)
    assert live == pytest.approx(res.staff["absent_hours"].to_numpy())
