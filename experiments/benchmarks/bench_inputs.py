"""Input checks and overload runs stay linear: prints load times by scenario size and run times by
horizon under a growing backlog with lending on, each with its fitted exponent (1 = linear).

    python -m experiments.benchmarks.bench_inputs [--quick]

Why: checks on load were quadratic (4,000 workflows took 1.25 s) and, under a growing backlog,
lending and ending a halt scanned the queue per event (2,000 days 3.3 s, 8,000 days 34 s).
"""
from __future__ import annotations

import argparse
import time

import numpy as np

import sim
from sim.yamlfile import parse_yaml


def wide_scenario(n_workflows: int) -> dict:
    """One body, one section per 10 workflows, each workflow two steps."""
    sections = [{"id": f"s{k}", "functions": [f"f{k}"], "staff": [{"id": f"p{k}", "skills": {f"f{k}": 1.0}}]}
                for k in range(max(n_workflows // 10, 2))]
    flows = [{"id": f"w{i}", "body": "b", "rate_per_day": 0.01,
              "steps": [{"work": f"f{i % len(sections)}", "hours": 1}, {"work": f"f{(i + 1) % len(sections)}", "hours": 1}]}
             for i in range(n_workflows)]
    return {"structures": {"a": {"bodies": [{"id": "b", "sections": sections}]},
                           "m": {"from": "a", "reforms": [{"merge_sections": {"sections": ["s0", "s1"], "into": "s01"}}]}},
            "workload": {"workflows": flows}}


def exponent(xs, ys) -> float:
    return float(np.polyfit(np.log(xs), np.log(ys), 1)[0])


def main(argv=None):
    p = argparse.ArgumentParser(prog="python -m experiments.benchmarks.bench_inputs", description=__doc__.split("\n")[0])
    p.add_argument("--quick", action="store_true", help="smaller sizes (a smoke run)")
    a = p.parse_args(argv)
    sizes = (500, 1000, 2000) if a.quick else (1000, 2000, 4000, 8000)
    times = []
    print("load and validate (two structures, one derived by a reform)")
    for n in sizes:
        raw = wide_scenario(n)
        t = time.perf_counter()
        sim.parse_scenario(raw, "bench.yaml")
        times.append(time.perf_counter() - t)
        print(f"  {n:>6} workflows  {times[-1]:7.3f} s")
    print(f"  exponent {exponent(sizes, times):.2f}")

    bomb = "a: &a [1,1,1,1,1,1,1,1,1,1]\n" + "".join(
        f"{n}: &{n} [{', '.join(['*' + q] * 10)}]\n" for q, n in zip("abcdefgh", "bcdefghi"))
    t = time.perf_counter()
    try:
        parse_yaml(bomb, "bomb.yaml")
    except sim.InputError as e:
        print(f"alias bomb ({len(bomb)} bytes, 10^9 values) refused in {time.perf_counter() - t:.4f} s: {e.reason}")

    days = (250, 500, 1000) if a.quick else (500, 1000, 2000, 4000)
    sc = sim.load_scenario("licheng_combos").with_overrides({"workload.load_factor": 1.5})
    print("overload (ρ > 1) with lending: licheng_combos 'separate', load x 1.5")
    per_task = []
    for d in days:
        t = time.perf_counter()
        res = sim.run(sc, structure="separate", seed=1, days=d, record_events=False)
        el = time.perf_counter() - t
        per_task.append(el / res.summary["tasks_arrived"])
        print(f"  {d:>6} days  {el:7.2f} s  {res.summary['tasks_arrived']:>9,.0f} tasks  "
              f"{res.summary['tasks_unfinished']:>8,.0f} unfinished  {1e6 * per_task[-1]:6.1f} us/task")
    totals = [pt * d for pt, d in zip(per_task, days)]
    print(f"  exponent of time over days {exponent(days, totals):.2f}")


if __name__ == "__main__":
    main()
