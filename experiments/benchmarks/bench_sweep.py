"""Benchmark of the sweep machinery (a script, not a test).

    python -m experiments.benchmarks.bench_sweep [--days 120] [--speed-runs 200]
        [--memory-runs 1000 10000] [--memory-days 20] [--no-mesa] [--no-memory]

Prints: runs/s on 1 and 2 local workers (target speed-up >= 1.85x, issue 10); peak memory of the
whole process tree (CLI + workers) for sweeps of 1,000 and 10,000 runs (target: within
10 % of each other); and Mesa's ``batch_run`` on the same model and runs, checked to
give the same output (the issue's target: >= 5x its runs/s).
Every run is the finance_bureau scenario with a business-trip rate x load grid.
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import numpy as np
import pandas as pd
import psutil

ROOT = Path(__file__).resolve().parents[2]
RATES = [2, 6, 12, 20, 24]
LOADS = [0.8, 0.9, 1.0, 1.1, 1.2]
RUNS_PER_REPLICATION = len(RATES) * len(LOADS) * 2  # two structures


def write_spec(directory: Path, runs: int, days: int) -> Path:
    reps = max(1, runs // RUNS_PER_REPLICATION)
    path = directory / f"bench_{runs}_{days}.yaml"
    path.write_text(f"""\
name: bench_{runs}_{days}
scenario: finance_bureau
days: {days}
structures: [fragmented, merged]
parameters:
  params.absence.business_trip.rate_per_year: {RATES}
  workload.load_factor: {LOADS}
replications: {reps}
seed: 99
""")
    return path


def sweep_rate(spec_path: Path, out: Path, workers: int):
    from experiments.spec import load_spec
    from experiments.sweep import run_sweep

    rep = run_sweep(load_spec(spec_path), out, workers=workers, progress=False)
    return rep.total / rep.seconds, rep


def mesa_rate(spec_path: Path, processes: int):
    from mesa.batchrunner import batch_run

    from experiments.benchmarks.mesa_peer import BatchOfficeModel
    from experiments.sampling import replication_seeds
    from experiments.spec import load_spec

    spec = load_spec(spec_path)
    params = {"rate": RATES, "load": LOADS, "structure": list(spec.structures),
              "seed": replication_seeds(spec.seed, spec.replications), "days": spec.days}
    t0 = time.perf_counter()
    rows = batch_run(BatchOfficeModel, params, number_processes=processes, iterations=1,
                     data_collection_period=-1, max_steps=10**6, display_progress=False)
    seconds = time.perf_counter() - t0
    return len(rows) / seconds, pd.DataFrame(rows)


def compare_output(ours: pd.DataFrame, mesa: pd.DataFrame) -> str:
    """'identical', or what differs between our rows and batch_run's for the same runs."""
    import sim

    ours = ours.rename(columns={"params.absence.business_trip.rate_per_year": "rate", "workload.load_factor": "load"})
    keys = ["rate", "load", "structure", "seed"]
    merged = ours.merge(mesa, on=keys, suffixes=("", "_mesa"))
    if len(merged) != len(ours) or len(ours) != len(mesa):
        return f"row mismatch: ours {len(ours)}, batch_run {len(mesa)}, matched {len(merged)}"
    bad = {m: int((~np.isclose(merged[m].to_numpy(float), merged[m + "_mesa"].to_numpy(float), rtol=0, atol=0,
                               equal_nan=True)).sum()) for m in sim.METRICS}
    bad = {m: n for m, n in bad.items() if n}
    return "identical" if not bad else f"differs in {bad}"


def peak_tree_rss(cmd, env) -> tuple[float, float, float]:
    """Run ``cmd``; return (seconds, peak RSS of the whole process tree, peak RSS of the parent) in MB."""
    proc = subprocess.Popen(cmd, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    ps = psutil.Process(proc.pid)
    peak_tree = peak_main = 0
    stop = threading.Event()

    def sample():
        nonlocal peak_tree, peak_main
        while not stop.is_set():
            try:
                main = ps.memory_info().rss
                kids = sum(c.memory_info().rss for c in ps.children(recursive=True))
            except psutil.Error:
                continue
            peak_main, peak_tree = max(peak_main, main), max(peak_tree, main + kids)
            time.sleep(0.05)

    t = threading.Thread(target=sample, daemon=True)
    t0 = time.perf_counter()
    t.start()
    _, err = proc.communicate()
    stop.set()
    t.join()
    if proc.returncode:
        raise SystemExit(f"sweep failed: {err}")
    return time.perf_counter() - t0, peak_tree / 2**20, peak_main / 2**20


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--days", type=int, default=120, help="simulated days per run for the speed figures")
    ap.add_argument("--speed-runs", type=int, default=200)
    ap.add_argument("--memory-runs", type=int, nargs="+", default=[1000, 10000])
    ap.add_argument("--memory-days", type=int, default=20, help="simulated days per run for the memory figures")
    ap.add_argument("--no-mesa", action="store_true")
    ap.add_argument("--no-memory", action="store_true")
    args = ap.parse_args(argv)
    print(f"cores: {os.cpu_count()}; python {sys.version.split()[0]}")
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        spec = write_spec(tmp, args.speed_runs, args.days)
        r1, _ = sweep_rate(spec, tmp / "w1", workers=1)
        r2, rep2 = sweep_rate(spec, tmp / "w2", workers=2)
        print(f"sweep, {rep2.total} runs of {args.days} days: 1 worker {r1:.2f} runs/s, 2 workers {r2:.2f} runs/s, "
              f"speed-up {r2 / r1:.2f}x (target >= 1.85x: {'met' if r2 / r1 >= 1.85 else 'MISSED'})")
        if not args.no_mesa:
            from experiments.store import read_results

            rm, mesa_df = mesa_rate(spec, processes=2)
            equal = compare_output(read_results(tmp / "w2"), mesa_df)
            print(f"Mesa batch_run, same runs, 2 processes: {rm:.2f} runs/s; our sweep / batch_run = {r2 / rm:.2f}x "
                  f"(target >= 5x); output: {equal}")
        if not args.no_memory:
            env = {**os.environ, "PYTHONPATH": str(ROOT)}
            peaks = []
            for n in args.memory_runs:
                spec = write_spec(tmp, n, args.memory_days)
                secs, tree, main_ = peak_tree_rss([sys.executable, "-m", "experiments", "sweep", str(spec), "--out",
                                                   str(tmp / f"mem{n}"), "--no-progress"], env)
                peaks.append(tree)
                print(f"memory, {n} runs of {args.memory_days} days: peak RSS {tree:.0f} MB for CLI + workers "
                      f"({main_:.0f} MB CLI process), {secs:.0f} s, {n / secs:.1f} runs/s")
            if len(peaks) >= 2:
                print(f"peak memory {args.memory_runs[-1]} vs {args.memory_runs[0]} runs: "
                      f"{100 * (peaks[-1] / peaks[0] - 1):+.1f} % (target within 10 %)")


if __name__ == "__main__":
    main()
