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
    """Run one case in this process and return its figures.

    ``simulate_s`` is building the agents and running the events; ``ledgers_s`` is turning the
    ledgers into DataFrames and the summary. The SimPy peer has no ledgers, so the like-for-like
    speed comparison is on the simulation; the end-to-end figure is printed beside it."""
    import sim
    from sim.model import OfficeModel
    from sim.testbeds import city_scenario, pool_scenario

    def rss_mb():
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    kind, variant = name.split(":")
    if kind in ("pool", "simpy"):  # warm both engines up the same way (imports, caches)
        from experiments.benchmarks.simpy_peer import run_simpy
        run_simpy(variant, 5, 4.0, 1.0, 20 * 8.0, 2) if kind == "simpy" else \
            sim.run(pool_scenario(c=5, lam=4.0, split=variant == "split", days=20, warmup_days=0), seed=2, record_events=False)
    base = rss_mb()  # interpreter + libraries: not the model's
    t0 = time.perf_counter()
    if kind == "simpy":
        t1 = time.perf_counter()
        out = run_simpy(variant, 5, 4.0, 1.0, POOL_DAYS * 8.0, 1)
        t2 = time.perf_counter()
        return {"case": name, "tasks": out["tasks"], "setup_s": t1 - t0, "simulate_s": t2 - t1, "ledgers_s": 0.0,
                "run_s": t2 - t1, "sim_tasks_per_s": out["tasks"] / (t2 - t1), "tasks_per_s": out["tasks"] / (t2 - t1),
                "mean_wait_h": out["mean_wait"], "model_peak_mb": rss_mb() - base, "maxrss_mb": rss_mb()}
    if kind == "bureau":
        sc = sim.load_scenario("finance_bureau")
        structure = variant
    elif kind == "city":
        sc = city_scenario(days=60 if quick else 250, merged=variant == "merged")
        structure = variant
    else:
        sc = pool_scenario(c=5, lam=4.0, split=variant == "split", days=POOL_DAYS, warmup_days=0)
        structure = None
    t1 = time.perf_counter()
    model = OfficeModel(scenario=sc, structure=structure, seed=1, record_events=False)
    model.run()
    t2 = time.perf_counter()
    res = model.finish()
    t3 = time.perf_counter()
    n = res.summary["tasks_completed"]
    return {"case": name, "tasks": int(n), "setup_s": t1 - t0, "simulate_s": t2 - t1, "ledgers_s": t3 - t2,
            "run_s": t3 - t1, "sim_tasks_per_s": n / (t2 - t1), "tasks_per_s": n / (t3 - t1),
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
        print(f"{r['case']:<18} tasks {r['tasks']:>8,}  simulate {r['simulate_s']:6.2f} s + ledgers {r['ledgers_s']:5.2f} s"
              f"  (load {r['setup_s']:4.2f} s)  {r['sim_tasks_per_s']:>9,.0f} tasks/s simulated, {r['tasks_per_s']:>9,.0f} end to end"
              f"  peak memory {r['model_peak_mb']:7.1f} MB above imports, max RSS {r['maxrss_mb']:7.1f} MB",
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
        ratio = ours["sim_tasks_per_s"] / peer["sim_tasks_per_s"]
        print(f"  {m:<7} simulation: ours {ours['sim_tasks_per_s']:,.0f}/s vs SimPy {peer['sim_tasks_per_s']:,.0f}/s = {ratio:.2f}x   "
              f"target >= 1x: {'met' if ratio >= 1 else 'MISSED'}; end to end with ledgers "
              f"{ours['tasks_per_s'] / peer['tasks_per_s']:.2f}x   (mean wait ours {ours['mean_wait_h']:.3f} h, SimPy {peer['mean_wait_h']:.3f} h)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
