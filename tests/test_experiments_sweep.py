"""Sweeps: failure isolation, resume after a real kill, Ctrl-C, equality across workers/chunking."""
import dataclasses
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest

from experiments import sampling
from experiments.spec import load_spec
from experiments.store import read_metadata, read_results
from experiments.summarise import paired_differences, summary_table
from experiments.sweep import run_sweep

ROOT = Path(__file__).resolve().parents[1]

SPEC = """\
name: sweep_test
scenario: finance_bureau
days: {days}
parameters:
  params.absence.business_trip.rate_per_year: {rates}
  workload.load_factor: {loads}
replications: {reps}
seed: 11
metrics: [tasks_completed, mean_cycle_hours, halts_per_1000_staff_days, util_cv]
"""


def make_spec(tmp_path, days=30, rates="[2, 12]", loads="[1.0]", reps=2, name="exp.yaml"):
    p = tmp_path / name
    p.write_text(SPEC.format(days=days, rates=rates, loads=loads, reps=reps))
    return p


def start_cli(*args):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen([sys.executable, "-m", "experiments", *map(str, args)], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)


def stored_ids(out):
    """Run ids persisted in chunks and journal, read without touching the store."""
    ids = set()
    for f in (out / "chunks").glob("chunk-*.parquet"):
        ids |= set(pq.read_table(f, columns=["run_id"]).column("run_id").to_pylist())
    journal = out / "journal.jsonl"
    if journal.exists():
        ids |= {json.loads(line)["run_id"] for line in journal.read_text().splitlines(keepends=True)
                if line.endswith("\n")}
    return ids


def journal_lines(out):
    try:
        return (out / "journal.jsonl").read_text().count("\n")
    except FileNotFoundError:
        return 0


def test_failed_run_is_recorded_and_sweep_goes_on(tmp_path):
    # load_factor -1 is rejected by the model at run time: those runs fail, the others complete
    # (load_spec rejects -1 in a file, so it is put into the loaded spec)
    spec = load_spec(make_spec(tmp_path, loads="[1.0, 0.5]"))
    spec.parameters = (spec.parameters[0], dataclasses.replace(spec.parameters[1], values=(1.0, -1.0)))
    rep = run_sweep(spec, tmp_path / "out", workers=2, progress=False)
    df = read_results(tmp_path / "out")
    assert rep.complete and len(df) == sampling.count_runs(spec) == 16
    bad = df["workload.load_factor"] == -1.0
    assert df.loc[bad, "error"].str.contains("load_factor").all()
    assert df.loc[~bad, "error"].isna().all() and df.loc[~bad, "mean_cycle_hours"].notna().all()
    assert df.loc[bad, "mean_cycle_hours"].isna().all()
    assert rep.failed == bad.sum()
    # resume does not retry failures unless asked
    again = run_sweep(spec, tmp_path / "out", workers=1, progress=False)
    assert again.ran == 0 and again.skipped == 16
    retry = run_sweep(spec, tmp_path / "out", workers=1, progress=False, retry_failed=True)
    assert retry.ran == bad.sum()
    pd.testing.assert_frame_equal(read_results(tmp_path / "out"), df)
    assert len(read_metadata(tmp_path / "out")["sessions"]) == 3


def test_results_do_not_depend_on_workers_or_chunking(tmp_path):
    spec = load_spec(make_spec(tmp_path))
    run_sweep(spec, tmp_path / "a", workers=1, chunk_size=3, progress=False)
    run_sweep(spec, tmp_path / "b", workers=2, window=7, chunk_size=1000, progress=False)
    a, b = read_results(tmp_path / "a"), read_results(tmp_path / "b")
    assert len(list((tmp_path / "a" / "chunks").glob("*.parquet"))) == 3
    pd.testing.assert_frame_equal(a, b, check_exact=True)
    pd.testing.assert_frame_equal(pd.read_parquet(tmp_path / "a" / "results.parquet"), a, check_exact=True)
    meta = read_metadata(tmp_path / "a")
    assert meta["spec_hash"] == spec.hash and meta["sessions"][0]["packages"]["pyarrow"]
    assert "git_commit" in meta["sessions"][0]
    # summaries: one row per point x structure x metric; paired differences per point x metric
    summ = summary_table(a, [p.name for p in spec.parameters], spec.metrics)
    assert len(summ) == 2 * 2 * 4 and (summ["n"] == 2).all()
    assert (summ["ci_low"] <= summ["mean"]).all() and (summ["mean"] <= summ["ci_high"]).all()
    diff = paired_differences(a, [p.name for p in spec.parameters], spec.metrics, spec.structures, "fragmented")
    assert len(diff) == 2 * 4 and set(diff["structure"]) == {"merged"}
    row = diff[(diff["point"] == 0) & (diff["metric"] == "util_cv")].iloc[0]
    p0 = a[a["point"] == 0].pivot(index="replication", columns="structure", values="util_cv")
    assert row["mean_diff"] == pytest.approx((p0["merged"] - p0["fragmented"]).mean())


def test_resume_after_killed_sweep_gives_the_uninterrupted_result(tmp_path):
    spec_path = make_spec(tmp_path, days=30, rates="[2, 6, 12, 20]", loads="[0.9, 1.1]", reps=3)
    spec = load_spec(spec_path)
    total = sampling.count_runs(spec)  # 48
    out = tmp_path / "killed"
    proc = start_cli("sweep", spec_path, "--out", out, "--workers", "1", "--window", "2", "--chunk-size", "4",
                     "--no-progress")
    deadline = time.time() + 90
    while journal_lines(out) < 2 or not list((out / "chunks").glob("chunk-*.parquet")):
        assert proc.poll() is None, f"sweep ended before it could be killed: {proc.communicate()}"
        assert time.time() < deadline
        time.sleep(0.05)
    os.killpg(proc.pid, signal.SIGKILL)  # the sweep and its workers, no chance to clean up
    proc.wait()
    assert not (out / "results.parquet").exists()
    saved = stored_ids(out)
    assert 0 < len(saved) < total

    resumed = start_cli("sweep", spec_path, "--out", out, "--no-progress")
    _, err = resumed.communicate(timeout=180)
    assert resumed.returncode == 0, err
    # every run saved before the kill is reused; only the rest (incl. the <= 2 in flight) is run
    assert f"{total} runs: {len(saved)} already stored, {total - len(saved)} run now" in err

    reference = run_sweep(spec, tmp_path / "reference", progress=False)
    assert reference.complete
    pd.testing.assert_frame_equal(read_results(out), read_results(tmp_path / "reference"), check_exact=True)


@pytest.mark.slow
def test_ctrl_c_stops_cleanly_and_resumes(tmp_path):
    spec_path = make_spec(tmp_path, days=30, rates="[2, 6, 12, 20]", loads="[0.9, 1.1]", reps=3)
    out = tmp_path / "out"
    proc = start_cli("sweep", spec_path, "--out", out, "--workers", "1", "--window", "2")
    deadline = time.time() + 90
    while journal_lines(out) < 3:
        assert proc.poll() is None and time.time() < deadline
        time.sleep(0.05)
    os.killpg(proc.pid, signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert "Traceback" not in err and "run the same command again to resume" in err
    saved = stored_ids(out)
    assert len(saved) >= 3 and journal_lines(out) == 0  # flushed into a chunk on the way out
    resumed = start_cli("sweep", spec_path, "--out", out, "--no-progress")
    _, err = resumed.communicate(timeout=180)
    assert resumed.returncode == 0 and f"{len(saved)} already stored" in err


def test_output_dir_of_another_experiment_is_refused(tmp_path):
    spec = load_spec(make_spec(tmp_path, days=20, rates="[2]", reps=1))
    run_sweep(spec, tmp_path / "out", workers=1, progress=False)
    other = make_spec(tmp_path, days=20, rates="[3]", reps=1, name="other.yaml")
    proc = start_cli("sweep", other, "--out", tmp_path / "out", "--no-progress")
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 2 and "Traceback" not in err
    assert "different experiment" in err and str(tmp_path / "out") in err
