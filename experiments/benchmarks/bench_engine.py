"""Engine benchmark (a script, not a test): prints tasks simulated per second and peak memory.

Cases: a bureau-year (finance_bureau, ~30 staff, 250 working days), a city-year (60 bodies,
1,500 staff), and the single-section split-vs-pooled model run on our engine and, side by side,
written directly on SimPy. Each case runs in a fresh subprocess so peak RSS is its own.

    python -m experiments.benchmarks.bench_engine            # all cases
    python -m experiments.benchmarks.bench_engine --quick    # shorter city run
Targets (issue 2): bureau-year < 1 s; city-year < 60 s; tasks/s >= the SimPy version's.
"""
from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time


def _case(name: str, quick: bool) -> dict:
    """Run one case in this process and return its figures."""
    import sim
    from sim.testbeds import city_scenario, pool_scenario

    def rss_mb():
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    base = rss_mb()  # interpreter + libraries: not the model's
    t0 = time.perf_counter()
    if name.startswith("bureau"):  # run time includes building the agents; setup is loading the file
        structure = name.split(":")[1]
        sc = sim.load_scenario("finance_bureau")
        t1 = time.perf_counter()
        res = sim.run(sc, structure=structure, seed=1, record_events=False)
    elif name.startswith("city"):
        structure = name.split(":")[1]
        sc = city_scenario(days=60 if quick else 250, merged=structure == "merged")
        t1 = time.perf_counter()
        res = sim.run(sc, structure=structure, seed=1, record_events=False)
    elif name.startswith("pool"):
        mode = name.split(":")[1]
        sc = pool_scenario(c=5, lam=4.0, split=mode == "split", days=POOL_DAYS, warmup_days=0)
        t1 = time.perf_counter()
        res = sim.run(sc, seed=1, record_events=False)
    else:
        from experiments.benchmarks.simpy_peer import run_simpy
        mode = name.split(":")[1]
        t1 = time.perf_counter()
        out = run_simpy(mode, 5, 4.0, 1.0, POOL_DAYS * 8.0, 1)
        t2 = time.perf_counter()
        return {"case": name, "tasks": out["tasks"], "run_s": t2 - t1, "setup_s": t1 - t0,
                "tasks_per_s": out["tasks"] / (t2 - t1), "mean_wait_h": out["mean_wait"], "model_peak_mb": rss_mb() - base,
                "maxrss_mb": rss_mb()}
    t2 = time.perf_counter()
    n = res.summary["tasks_completed"]
    return {"case": name, "tasks": int(n), "run_s": t2 - t1, "setup_s": t1 - t0, "tasks_per_s": n / (t2 - t1),
            "mean_wait_h": res.summary["mean_wait_hours"], "model_peak_mb": rss_mb() - base, "maxrss_mb": rss_mb()}


POOL_DAYS = 1000  # 4 simulated years of the single-section model: long enough to time steadily

CASES = ["bureau:fragmented", "bureau:merged", "pool:pooled", "simpy:pooled", "pool:split", "simpy:split",
         "city:fragmented", "city:merged"]


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="60-day city instead of a year")
    ap.add_argument("--case", help=argparse.SUPPRESS)
    a = ap.parse_args(argv)
    if a.case:
        print(json.dumps(_case(a.case, a.quick)))
        return 0
    rows = []
    for case in CASES:
        cmd = [sys.executable, "-m", "experiments.benchmarks.bench_engine", "--case", case] + (["--quick"] if a.quick else [])
        tries = 1 if case.startswith("city") else 3  # best of three for the short cases: less noise
        outs = [json.loads(subprocess.run(cmd, capture_output=True, text=True, check=True).stdout.strip().splitlines()[-1])
                for _ in range(tries)]
        rows.append(min(outs, key=lambda o: o["run_s"]))
        r = rows[-1]
        print(f"{r['case']:<18} tasks {r['tasks']:>8,}  run {r['run_s']:7.2f} s  setup {r['setup_s']:5.2f} s  "
              f"{r['tasks_per_s']:>9,.0f} tasks/s  peak memory {r['model_peak_mb']:7.1f} MB above imports, max RSS {r['maxrss_mb']:7.1f} MB",
              flush=True)
    by = {r["case"]: r for r in rows}
    print("\nTargets:")
    for s in ("fragmented", "merged"):
        b = by[f"bureau:{s}"]
        print(f"  bureau-year {s:<10} {b['run_s']:.2f} s (+{b['setup_s']:.2f} s load)   target < 1 s: {'met' if b['run_s'] + b['setup_s'] < 1 else 'MISSED'}")
    for s in ("fragmented", "merged"):
        c = by[f"city:{s}"]
        label = "city-60-days" if a.quick else "city-year"
        print(f"  {label} {s:<10} {c['run_s']:.1f} s (+{c['setup_s']:.1f} s build)   target < 60 s: {'met' if c['run_s'] + c['setup_s'] < 60 else 'MISSED'}")
    for m in ("pooled", "split"):
        ours, peer = by[f"pool:{m}"], by[f"simpy:{m}"]
        ratio = ours["tasks_per_s"] / peer["tasks_per_s"]
        print(f"  {m:<7} ours {ours['tasks_per_s']:,.0f}/s vs SimPy {peer['tasks_per_s']:,.0f}/s = {ratio:.2f}x   "
              f"target >= 1x: {'met' if ratio >= 1 else 'MISSED'}   (mean wait ours {ours['mean_wait_h']:.3f} h, SimPy {peer['mean_wait_h']:.3f} h)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
