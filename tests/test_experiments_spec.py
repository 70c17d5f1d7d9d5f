"""Experiment files: validation errors (through the CLI) and the deterministic run plan."""
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

from experiments import sampling
from experiments.spec import load_spec

ROOT = Path(__file__).resolve().parents[1]

GOOD = """\
name: t
scenario: finance_bureau
days: 30
structures: [fragmented, merged]
parameters:
  params.absence.business_trip.rate_per_year: [2, 12]
  workload.load_factor: {values: [0.8, 1.2]}
replications: 3
seed: 7
metrics: [mean_cycle_hours, halts_per_1000_staff_days, util_cv]
"""


def cli(*args, cwd=ROOT):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "experiments", *map(str, args)], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=120)


def write(tmp_path, text, name="exp.yaml"):
    p = tmp_path / name
    p.write_text(textwrap.dedent(text))
    return p


BAD = {
    "unknown_field": (GOOD.replace("replications: 3", "replicatons: 3"), "replicatons", "unknown field"),
    "unknown_parameter": (GOOD.replace("workload.load_factor", "workload.load_factr"),
                          "parameters.workload.load_factr", "unknown"),
    "bad_first_value": (GOOD.replace("[2, 12]", "[-2, 12]"),
                        "parameters.params.absence.business_trip.rate_per_year", ">= 0"),
    "unknown_structure": (GOOD.replace("[fragmented, merged]", "[fragmented, mergd]"), "structures[1]", "mergd"),
    "unknown_metric": (GOOD.replace("[mean_cycle_hours,", "[mean_cycle_hour,"), "metrics[0]", "unknown metric"),
    "missing_seed": (GOOD.replace("seed: 7\n", ""), "seed", "required"),
    "negative_replications": (GOOD.replace("replications: 3", "replications: 0"), "replications", ">= 1"),
    "grid_with_range": (GOOD.replace("{values: [0.8, 1.2]}", "{low: 0.8, high: 1.2}"),
                        "parameters.workload.load_factor.values", "grid"),
    "sobol_n_not_power_of_two": (GOOD.replace("[2, 12]", "{low: 2, high: 12}")
                                 .replace("{values: [0.8, 1.2]}", "{low: 0.8, high: 1.2}")
                                 + "design: {method: sobol, n: 10}\n", "design.n", "power of 2"),
    "range_reversed": (GOOD.replace("[2, 12]", "{low: 12, high: 2}").replace("{values: [0.8, 1.2]}", "{low: 0.8, high: 1.2}")
                       + "design: {method: latin, n: 8}\n",
                       "parameters.params.absence.business_trip.rate_per_year", "below high"),
    "bad_method": (GOOD + "design: {method: factorial}\n", "design.method", "one of"),
    "not_yaml": (GOOD + "  - : [\n", "(yaml)", "not valid YAML"),
    "scenario_missing": (GOOD.replace("finance_bureau", "no_such_bureau"), "scenario", "no_such_bureau"),
    "bad_baseline": (GOOD + "baseline: big\n", "baseline", "'big'"),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_experiment_file_is_one_clear_error(tmp_path, case):
    text, field, reason = BAD[case]
    spec = write(tmp_path, text, name=f"{case}.yaml")
    r = cli("sweep", spec, "--out", tmp_path / "out")
    assert r.returncode == 2, r.stderr
    assert "Traceback" not in r.stderr
    line = r.stderr.strip().splitlines()[-1]
    assert f"{case}.yaml" in line and f": {field}: " in line and reason in line, line
    assert not (tmp_path / "out").exists()


def test_missing_file_names_it(tmp_path):
    r = cli("sweep", tmp_path / "nope.yaml")
    assert r.returncode == 2 and "Traceback" not in r.stderr
    assert "nope.yaml: (file): cannot read" in r.stderr


def test_plan_is_deterministic_with_common_random_numbers(tmp_path):
    spec = load_spec(write(tmp_path, GOOD))
    runs = list(sampling.iter_runs(spec))
    assert len(runs) == sampling.count_runs(spec) == 4 * 3 * 2
    assert [r.run_id for r in runs] == [r.run_id for r in sampling.iter_runs(load_spec(write(tmp_path, GOOD)))]
    assert len({r.run_id for r in runs}) == len(runs)
    # one seed per replication, the same for every structure and parameter point
    seeds = {(r.replication, r.seed) for r in runs}
    assert len(seeds) == 3 and len({s for _, s in seeds}) == 3
    expected = [int(c.generate_state(1)[0]) for c in np.random.SeedSequence(7).spawn(3)]
    assert [s for _, s in sorted(seeds)] == expected


@pytest.mark.parametrize("design,n_points", [("{method: latin, n: 6}", 6),
                                             ("{method: sobol, n: 8}", 8 * 4),
                                             ("{method: morris, n: 3, levels: 4}", 3 * 3)])
def test_sampled_designs(tmp_path, design, n_points):
    text = (GOOD.replace("[2, 12]", "{low: 2, high: 12, type: int}")
            .replace("{values: [0.8, 1.2]}", "{low: 0.8, high: 1.2}") + f"design: {design}\n")
    spec = load_spec(write(tmp_path, text))
    pts = sampling.points(spec)
    assert len(pts) == n_points and sampling.count_runs(spec) == n_points * 3 * 2
    for p in pts:
        assert isinstance(p["params.absence.business_trip.rate_per_year"], int)
        assert 2 <= p["params.absence.business_trip.rate_per_year"] <= 12 and 0.8 <= p["workload.load_factor"] <= 1.2
    assert pts == sampling.points(load_spec(write(tmp_path, text)))


def test_example_specs_are_valid():
    specs = sorted((ROOT / "experiments" / "specs").glob("*.yaml"))
    assert len(specs) >= 3
    for p in specs:
        spec = load_spec(p)
        assert sampling.count_runs(spec) > 0
