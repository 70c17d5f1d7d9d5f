"""The Dask executor gives bit-for-bit the local executor's results (LocalCluster on loopback)."""
import dataclasses
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from experiments.spec import load_spec
from experiments.store import read_metadata, read_results
from experiments.sweep import run_sweep

ROOT = Path(__file__).resolve().parents[1]

SPEC = """\
name: dask_test
scenario: finance_bureau
days: 30
parameters:
  params.absence.business_trip.rate_per_year: [2, 12]
  workload.load_factor: [1.0, 0.5]      # 0.5 becomes -1 after loading (below): failures must match too
replications: 2
seed: 5
"""


@pytest.fixture(scope="module")
def cluster():
    distributed = pytest.importorskip("distributed")
    old = os.environ.get("PYTHONPATH")
    os.environ["PYTHONPATH"] = str(ROOT)  # workers import experiments and sim
    try:
        with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                                      dashboard_address=None) as c:
            yield c
    finally:
        if old is None:
            os.environ.pop("PYTHONPATH", None)
        else:
            os.environ["PYTHONPATH"] = old


def failing_spec(spec_path):
    """The spec with load_factor -1, which load_spec would refuse in a file: those runs fail at run time."""
    spec = load_spec(spec_path)
    spec.parameters = (spec.parameters[0], dataclasses.replace(spec.parameters[1], values=(1.0, -1.0)))
    return spec


def test_dask_equals_local_bit_for_bit(tmp_path, cluster):
    spec_path = tmp_path / "exp.yaml"
    spec_path.write_text(SPEC)
    run_sweep(failing_spec(spec_path), tmp_path / "dask", executor="dask", scheduler=cluster.scheduler_address,
              progress=False)
    run_sweep(failing_spec(spec_path), tmp_path / "local", workers=2, progress=False)
    d, loc = read_results(tmp_path / "dask"), read_results(tmp_path / "local")
    assert len(d) == 16 and d["error"].notna().sum() == 8
    pd.testing.assert_frame_equal(d, loc, check_exact=True)
    session = read_metadata(tmp_path / "dask")["sessions"][0]
    assert session["executor"] == "dask" and session["workers"] == 2


def test_dask_from_the_command_line(tmp_path, cluster):
    """The documented command: ``sweep SPEC --executor dask --scheduler tcp://...`` equals a local sweep."""
    spec_path = tmp_path / "exp.yaml"
    spec_path.write_text(SPEC)
    r = subprocess.run([sys.executable, "-m", "experiments", "sweep", str(spec_path), "--out", str(tmp_path / "dask"),
                        "--executor", "dask", "--scheduler", cluster.scheduler_address, "--no-progress"],
                       cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)}, capture_output=True, text=True,
                       timeout=180)
    assert r.returncode == 0, r.stderr
    run_sweep(load_spec(spec_path), tmp_path / "local", workers=2, progress=False)
    d = read_results(tmp_path / "dask")
    assert len(d) == 16 and d["error"].isna().all()
    pd.testing.assert_frame_equal(d, read_results(tmp_path / "local"), check_exact=True)


def test_unreachable_scheduler_is_a_clear_error(tmp_path):
    spec_path = tmp_path / "exp.yaml"
    spec_path.write_text(SPEC)
    r = subprocess.run([sys.executable, "-m", "experiments", "sweep", str(spec_path), "--out", str(tmp_path / "o"),
                        "--executor", "dask", "--scheduler", "tcp://127.0.0.1:9", "--no-progress"],
                       cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT),
                                      "DASK_DISTRIBUTED__COMM__TIMEOUTS__CONNECT": "2s"},
                       capture_output=True, text=True, timeout=180)
    assert r.returncode == 2 and "Traceback" not in r.stderr
    assert "--scheduler tcp://127.0.0.1:9: cannot connect to Dask scheduler" in r.stderr


def _free_port():
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.slow  # about 15 s: a scheduler and a worker of their own
def test_workers_without_the_project_get_it_shipped(tmp_path):
    """A worker started outside the checkout cannot import sim: the client ships sim/ and experiments/
    (before: every run failed with ModuleNotFoundError: No module named 'sim')."""
    pytest.importorskip("distributed")
    addr = f"tcp://127.0.0.1:{_free_port()}"
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    procs = [subprocess.Popen([sys.executable, "-m", "distributed.cli.dask_scheduler", "--host", "127.0.0.1",
                               "--port", addr.rsplit(":", 1)[1], "--no-dashboard"], cwd=tmp_path, env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)]
    procs.append(subprocess.Popen([sys.executable, "-m", "distributed.cli.dask_worker", addr, "--nthreads", "1",
                                   "--no-dashboard", "--local-directory", str(tmp_path / "w")], cwd=tmp_path, env=env,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
    try:
        spec_path = tmp_path / "exp.yaml"
        spec_path.write_text(SPEC)
        r = subprocess.run([sys.executable, "-m", "experiments", "sweep", str(spec_path), "--out", str(tmp_path / "d"),
                            "--executor", "dask", "--scheduler", addr, "--no-progress"], cwd=ROOT,
                           env={**env, "PYTHONPATH": str(ROOT), "DASK_DISTRIBUTED__COMM__TIMEOUTS__CONNECT": "30s"},
                           capture_output=True, text=True, timeout=180)
        assert r.returncode == 0, r.stderr
        d = read_results(tmp_path / "d")
        assert len(d) == 16 and d["error"].isna().all(), d["error"].dropna().unique()
    finally:
        for p in procs:
            p.kill()
            p.wait()
