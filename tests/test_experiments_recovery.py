"""Sweeps after a crash: damaged result files are named, set aside and their runs redone; workers
die with their parent (issue 8, group 7)."""
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import psutil
import pyarrow.parquet as pq
import pytest

from experiments.errors import ExperimentError
from experiments.spec import load_spec
from experiments.store import read_metadata, read_results
from experiments.sweep import run_sweep

ROOT = Path(__file__).resolve().parents[1]

SPEC = """\
name: recovery_test
scenario: finance_bureau
days: 20
parameters:
  params.absence.business_trip.rate_per_year: [2, 12]
replications: 2
seed: 13
metrics: [tasks_completed, mean_cycle_hours, util_cv]
"""


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    """An uninterrupted sweep (8 runs in 4 chunks of 2), made once."""
    root = tmp_path_factory.mktemp("reference")
    (root / "exp.yaml").write_text(SPEC)
    spec = load_spec(root / "exp.yaml")
    rep = run_sweep(spec, root / "out", workers=1, chunk_size=2, progress=False)
    assert rep.complete and rep.total == 8
    return spec, root / "out", read_results(root / "out")


def truncate(path: Path):
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def garble_page_header(path: Path):
    """Overwrite the first data page's header (right after the 'PAR1' magic): pyarrow then fails
    with 'Deserializing page header failed.' or similar, naming no file."""
    data = bytearray(path.read_bytes())
    data[4:40] = b"\xff" * 36
    path.write_bytes(bytes(data))


@pytest.mark.parametrize("damage", [truncate, garble_page_header])
def test_damaged_chunk_is_named_set_aside_and_its_runs_redone(tmp_path, reference, damage):
    spec, ref_out, ref = reference
    out = tmp_path / "out"
    shutil.copytree(ref_out, out)
    (out / "results.parquet").unlink()  # as after a crash: the sweep never finished
    chunk = out / "chunks" / "chunk-000002.parquet"
    damage(chunk)

    with pytest.raises(ExperimentError) as e:  # summarise/read: the file, and the fix
        read_results(out)
    assert str(e.value).startswith(f"{chunk}: unreadable result file") and "resume the sweep" in str(e.value)

    notes = []
    rep = run_sweep(spec, out, workers=1, chunk_size=2, progress=False, notify=notes.append)
    assert rep.complete and rep.skipped == 6 and rep.ran == 2  # just the two runs the chunk held
    assert len(notes) == 1 and str(chunk) in notes[0] and "chunk-000002.parquet.corrupt" in notes[0]
    assert (out / "chunks" / "chunk-000002.parquet.corrupt").read_bytes()  # kept for the user
    pd.testing.assert_frame_equal(read_results(out), ref, check_exact=True)
    pd.testing.assert_frame_equal(pd.read_parquet(out / "results.parquet"), ref, check_exact=True)
    # a later damage to the new chunk gets its own, unique name
    new_chunk = max((out / "chunks").glob("chunk-*.parquet"))
    assert new_chunk.name == "chunk-000005.parquet"


def test_truncated_metadata_is_set_aside_and_rebuilt(tmp_path, reference):
    spec, ref_out, ref = reference
    out = tmp_path / "out"
    shutil.copytree(ref_out, out)
    (out / "results.parquet").unlink()
    for chunk in sorted((out / "chunks").glob("chunk-*.parquet"))[2:]:  # two chunks (4 runs) lost too
        chunk.unlink()
    meta = out / "metadata.json"
    truncate(meta)

    with pytest.raises(ExperimentError) as e:
        read_metadata(out)
    assert str(e.value).startswith(f"{meta}: unreadable sweep metadata") and "resume the sweep" in str(e.value)

    notes = []
    rep = run_sweep(spec, out, workers=1, chunk_size=2, progress=False, notify=notes.append)
    assert rep.complete and rep.skipped == 4 and rep.ran == 4
    assert len(notes) == 1 and str(meta) in notes[0] and "metadata.json.corrupt" in notes[0]
    assert read_metadata(out)["spec_hash"] == spec.hash
    pd.testing.assert_frame_equal(read_results(out), ref, check_exact=True)


def test_lost_metadata_does_not_adopt_another_experiments_chunks(tmp_path, reference):
    """Chunks carry their experiment's hash: without metadata they still refuse a different spec."""
    _, ref_out, _ = reference
    out = tmp_path / "out"
    shutil.copytree(ref_out, out)
    truncate(out / "metadata.json")
    (tmp_path / "other.yaml").write_text(SPEC.replace("seed: 13", "seed: 14"))
    with pytest.raises(ExperimentError, match="different experiment"):
        run_sweep(load_spec(tmp_path / "other.yaml"), out, workers=1, progress=False)


def test_damaged_journal_line_is_skipped(tmp_path, reference):
    """A journal line that is JSON but not a run row (a torn write) costs that run, not the sweep."""
    spec, ref_out, ref = reference
    out = tmp_path / "out"
    shutil.copytree(ref_out, out)
    (out / "results.parquet").unlink()
    last = max((out / "chunks").glob("chunk-*.parquet"))
    rows = pq.read_table(last).to_pylist()
    last.unlink()
    rows[0]["run_index"] = "garbage"
    (out / "journal.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows) + "[1, 2]\n")
    rep = run_sweep(spec, out, workers=1, chunk_size=2, progress=False)
    assert rep.complete and rep.ran == 1
    pd.testing.assert_frame_equal(read_results(out), ref, check_exact=True)


def test_workers_exit_when_the_parent_is_killed(tmp_path):
    """SIGKILL the sweep (not its group): its pool workers and resource tracker must not linger."""
    spec = tmp_path / "exp.yaml"
    spec.write_text(SPEC.replace("[2, 12]", "[1, 2, 3, 4, 5, 6, 7, 8]"))
    out = tmp_path / "out"
    proc = subprocess.Popen([sys.executable, "-m", "experiments", "sweep", str(spec), "--out", str(out),
                             "--workers", "1", "--no-progress"], cwd=tmp_path,
                            env={**os.environ, "PYTHONPATH": str(ROOT)}, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        deadline = time.time() + 90
        while not (out / "journal.jsonl").exists() or not (out / "journal.jsonl").read_text():
            assert proc.poll() is None and time.time() < deadline
            time.sleep(0.1)
        children = psutil.Process(proc.pid).children(recursive=True)
        assert len(children) >= 2  # the worker and the resource tracker
        proc.kill()
        proc.wait()
        deadline = time.time() + 5
        while alive := [c for c in children if _alive(c)]:
            assert time.time() < deadline, f"still running 5 s after the parent died: {alive}"
            time.sleep(0.1)
    finally:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


def _alive(p: psutil.Process) -> bool:
    try:
        return p.is_running() and p.status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False
