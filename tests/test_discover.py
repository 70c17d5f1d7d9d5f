"""Workload discovery (``python -m sim discover``, sim/discover.py): a round trip through the project's own
event log (simulate finance_bureau, export, discover, re-simulate) gives back the arrival rates, the mean
hours of each step and the cycle-time distribution within the tolerances below (measured, then set with a
margin: the figures are in README, Workload discovery); every kind of bad log is one line, exit 2; XES
reads as CSV does; --validate writes its figures. Tests write only to tmp_path."""
from __future__ import annotations

import os
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats

import sim
from sim.discover import LogCalendar, _frame_log, discover, events, measures, read_log
from sim.eventlog import event_log, write_csv, write_xes

ROOT = Path(__file__).resolve().parents[1]
DAYS, SEED = 40, 2  # a few dozen days: leaders' sign-offs, hand-outs, absences, returns all occur
# tolerances: measured on this log (README, Workload discovery; deterministic for these seeds), then set with a
# margin of about half again, so that they catch a broken estimator, not the log's own sampling noise
RATE_TOTAL_REL = 0.06     # all workflows' rates against the scenario's: measured 0.029 (this log's Poisson draw)
RATE_EACH_REL = 0.35      # each workflow's: measured at most 0.21 (pl_budget and agri_budget, about 1.3-1.9 a day)
HOURS_REL = 0.15          # each step's mean hours against the scenario's mean: measured at most 0.092 (audit, 55 pieces)
CYCLE_MEAN_REL = 0.10     # mean cycle time, re-simulated (5 runs) vs the log: measured 0.020 (7.98 vs 8.14 working h)
CYCLE_W_REL = 0.40        # Wasserstein distance of the cycle times / the log's mean: measured 0.26
CYCLE_KS = 0.15           # two-sample KS statistic: measured 0.097


def _cli(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "sim", *args], capture_output=True, text=True, timeout=600,
                          cwd=cwd, env={**os.environ, "PYTHONPATH": str(ROOT)})


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    """finance_bureau's fragmented structure, simulated and written as eventlog.csv and eventlog.xes."""
    root = tmp_path_factory.mktemp("discover")
    sc = sim.load_scenario("finance_bureau")
    res = sim.run(sc, structure="fragmented", seed=SEED, days=DAYS, record_events=True)
    log = event_log(res, sc.calendar)
    write_csv(log, root / "eventlog.csv")
    write_xes(log, root / "eventlog.xes", "finance_bureau")
    return root


@pytest.fixture(scope="module")
def found(exported):
    return discover(read_log(exported / "eventlog.csv"), "round_trip", coverage=1.0)


def _truth():
    """The scenario's own workflows by the sequence of step activities the log shows them as."""
    sc = sim.load_scenario("finance_bureau")
    rates, hours = defaultdict(float), defaultdict(list)
    for w in sc.workload.workflows:
        seq = tuple(f"approve:{s.level}" if s.kind == "approve" else f"{s.kind}:{s.function}" for s in w.steps)
        rates[seq] += w.rate_per_day
        for s in w.steps:
            if s.kind == "work":
                hours[f"work:{s.function}"].append((w.rate_per_day, s.hours.mean))
    mean = {a: sum(r * h for r, h in v) / sum(r for r, _ in v) for a, v in hours.items()}
    return sc, rates, mean


def round_trip_figures(found) -> dict:
    """What the tolerances bound (README quotes these figures)."""
    sc0, rates, mean = _truth()
    from sim.scenario import parse_scenario
    from sim.yamlfile import parse_yaml
    sc = parse_scenario(parse_yaml(found.text, "round_trip.yaml"), "round_trip.yaml")
    got = {tuple(w.name.split(" → ")): w for w in sc.workload.workflows}
    main = {k: v for k, v in got.items() if k in rates}
    each = {k: abs(w.rate_per_day - rates[k]) / rates[k] for k, w in main.items()}
    total = abs(sum(w.rate_per_day for w in got.values()) - sum(rates.values())) / sum(rates.values())
    hrs = {}
    for w in sc.workload.workflows:
        for s in w.steps:
            if s.kind == "work":
                hrs[f"work:{s.function}"] = abs(s.hours.mean - mean[f"work:{s.function}"]) / mean[f"work:{s.function}"]
    return {"sc": sc, "each": each, "total": total, "hours": hrs, "covered": len(main), "truth": len(rates)}


def test_round_trip_rates_and_hours(found):
    f = round_trip_figures(found)
    assert f["covered"] == f["truth"] == 12  # pl_routine and upper_documents are one variant (work:pl_budget)
    assert f["total"] <= RATE_TOTAL_REL, f["total"]
    assert max(f["each"].values()) <= RATE_EACH_REL, f["each"]
    assert max(f["hours"].values()) <= HOURS_REL, f["hours"]
    st = f["sc"].structures["before"]
    assert st.counts()["sections"] == 12 and st.counts()["staff"] == 29
    assert f["sc"].calendar.hours_per_day == 8 and f["sc"].calendar.days_per_week == 5


def test_round_trip_cycle_times(exported, found):
    """Re-simulated over the log's span, the cycle times of cases arrived after the warm-up match the log's."""
    f = round_trip_figures(found)
    sc = f["sc"]
    cal = LogCalendar.of_model(sc.calendar)
    lo, hi = sc.warmup_days * 8, DAYS * 8
    seen = measures(events(read_log(exported / "eventlog.csv"), cal), lo, hi)["cycle"]
    sim_cycle = np.concatenate([measures(events(_frame_log(event_log(sim.run(sc, seed=s, days=DAYS), sc.calendar), "x"),
                                                cal), lo, hi)["cycle"] for s in range(1, 6)])
    w = stats.wasserstein_distance(seen, sim_cycle) / seen.mean()
    ks = stats.ks_2samp(seen, sim_cycle).statistic
    assert abs(sim_cycle.mean() - seen.mean()) / seen.mean() <= CYCLE_MEAN_REL, (sim_cycle.mean(), seen.mean())
    assert w <= CYCLE_W_REL and ks <= CYCLE_KS, (w, ks)


def test_the_cli_writes_a_scenario_that_runs(exported, tmp_path):
    r = _cli("discover", str(exported / "eventlog.csv"), "--out", "unit.yaml", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert "wrote unit.yaml" in r.stdout and "workflows: 7 of 12 variants cover" in r.stdout
    assert r.stderr.startswith("warning: 3 cases with one event dropped")  # arrived in the last minutes: counted
    r = _cli("run", "unit.yaml", "--days", "20", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["unit.yaml"]


def test_xes_reads_as_the_csv_does(exported):
    a, b = (discover(read_log(exported / f"eventlog.{x}"), "u", coverage=1.0) for x in ("csv", "xes"))
    assert a.text.replace("eventlog.csv", "eventlog.xes") == b.text


def test_log_without_lifecycle_groups_or_markers(exported, tmp_path):
    """Completions only (no starts, no org:group, no case markers): the gap estimator and sections from
    shared activities still give a scenario that loads; the hours come out of the right size."""
    df = pd.read_csv(exported / "eventlog.csv", dtype=str, keep_default_na=False)
    df = df[(df["lifecycle:transition"] == "complete") & ~df["concept:name"].isin(["case arrival", "case completed"])]
    df = df[["case:concept:name", "concept:name", "org:resource", "time:timestamp"]]
    df.to_csv(tmp_path / "plain.csv", index=False)
    d = discover(read_log(tmp_path / "plain.csv"), "plain", coverage=1.0)
    sc = sim.scenario.parse_scenario(sim.yamlfile.parse_yaml(d.text, "p.yaml"), "p.yaml")
    assert "by shared activities" in d.summary[-1]
    docs = next(w for w in sc.workload.workflows if w.name == "work:documents")
    assert 1.0 < docs.steps[0].hours.mean < 3.0  # the scenario's 1.5 h, by the gap estimator


def test_validate_writes_figures(exported, tmp_path):
    r = _cli("discover", str(exported / "eventlog.csv"), "--validate", "--coverage", "1", "--out", "val", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert "cycle Wasserstein / log mean" in r.stdout and "verdict: " in r.stdout
    assert sorted(p.name for p in (tmp_path / "val").iterdir()) == ["cycle_times.png", "fit.yaml", "validation.csv"]
    v = pd.read_csv(tmp_path / "val" / "validation.csv")
    assert {"cycle two-sample KS statistic", "throughput (cases a day), relative difference"} <= set(v["measure"])
    assert sorted(p.name for p in tmp_path.iterdir()) == ["val"]


@pytest.mark.parametrize("text, field, reason", [
    ("", "<file>", "empty: no header"),
    ("case:concept:name,concept:name,time:timestamp\n1,a,2025-01-06T09:00\n", "<header>",
     "missing column org:resource (--resource) (columns found: case:concept:name, concept:name, time:timestamp)"),
    ("case:concept:name,concept:name,org:resource,time:timestamp\n", "<file>", "empty: no events"),
    ("case:concept:name,concept:name,org:resource,time:timestamp\n1,a,x,2025-01-06T09:00\n1,b,x,yesterday\n",
     "row 3, column time:timestamp", "unparsable timestamp 'yesterday'"),
    ("case:concept:name,concept:name,org:resource,time:timestamp\n1,a,x,2025-01-06T10:00\n1,b,x,2025-01-06T09:00\n",
     "row 3, column time:timestamp", "is earlier than an event before it in case '1'"),
    ("case:concept:name,concept:name,org:resource,time:timestamp\n1,a,x,2025-01-06T10:00\n2,b,x,2025-01-06T09:00\n",
     "<file>", "no case has two events"),
])
def test_bad_logs_are_one_line_exit_2(tmp_path, text, field, reason):
    (tmp_path / "log.csv").write_text(text, encoding="utf-8")
    r = _cli("discover", "log.csv", "--out", "x.yaml", cwd=tmp_path)
    assert r.returncode == 2 and "Traceback" not in r.stderr, r.stderr
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"error: log.csv: {field}: ") and reason in lines[0], r.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["log.csv"]


def test_several_bad_rows_are_listed_at_once(tmp_path):
    rows = "".join(f"{i},a,x,bad{i}\n" for i in range(3))
    (tmp_path / "log.csv").write_text("case:concept:name,concept:name,org:resource,time:timestamp\n" + rows)
    r = _cli("discover", "log.csv", "--out", "x.yaml", cwd=tmp_path)
    assert r.returncode == 2 and [l.split(": ")[2] for l in r.stderr.splitlines()] == [  # noqa: E741
        "row 2, column time:timestamp", "row 3, column time:timestamp", "row 4, column time:timestamp"]


def test_bad_arguments(tmp_path, exported):
    for args, said in ((["--coverage", "0"], "--coverage"), (["--split", "0.5"], "--split"),
                       (["--case", "nope"], "missing column nope (--case)")):
        r = _cli("discover", str(exported / "eventlog.csv"), "--out", "x.yaml", *args, cwd=tmp_path)
        assert r.returncode == 2 and len(r.stderr.splitlines()) == 1 and said in r.stderr, r.stderr
    r = _cli("discover", "missing.xes", "--out", "x.yaml", cwd=tmp_path)
    assert r.returncode == 2 and "missing.xes: <file>: no such file" in r.stderr
    (tmp_path / "bad.xes").write_text("<log><trace>")
    r = _cli("discover", "bad.xes", "--out", "x.yaml", cwd=tmp_path)
    assert r.returncode == 2 and "not readable XML" in r.stderr
