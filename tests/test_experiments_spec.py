"""Experiment files: validation errors (through the CLI) and the deterministic run plan."""
import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import numpy as np
import pytest
import yaml

import experiments.spec
from experiments import sampling
from experiments.errors import SpecError
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
    "unknown_field": (GOOD.replace("replications: 3", "replicatons: 3"), "replicatons", "unknown key"),
    "unknown_parameter": (GOOD.replace("workload.load_factor", "workload.load_factr"),
                          "parameters.workload.load_factr", "unknown"),
    "bad_first_value": (GOOD.replace("[2, 12]", "[-2, 12]"),
                        "parameters.params.absence.business_trip.rate_per_year.values[0]", ">= 0"),
    "bad_later_value": (GOOD.replace("[2, 12]", "[0, -3, 6]"),
                        "parameters.params.absence.business_trip.rate_per_year.values[1]", ">= 0"),
    "sensitivity_under_grid": (GOOD + "sensitivity: {metrics: [util_cv]}\n", "sensitivity", "'morris' or 'sobol'"),
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
    "bad_method": (GOOD + "design: {method: factorial}\n", "design.method", "unknown method 'factorial'"),
    "not_yaml": (GOOD + "  - : [\n", f"line {GOOD.count(chr(10)) + 1}", "not valid YAML"),
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


# ---------------------------------------------------------------- every parameter value is checked on load

SAMPLED = (GOOD.replace("[2, 12]", "{low: 2, high: 12}").replace("{values: [0.8, 1.2]}", "{low: 0.8, high: 1.2}")
           + "design: {method: latin, n: 8}\n")


def spec_error(tmp_path, text) -> SpecError:
    with pytest.raises(SpecError) as e:
        load_spec(write(tmp_path, text))
    return e.value


def test_bad_grid_value_in_example_spec_stops_the_sweep_before_any_run(tmp_path):
    """The tester's case: one negative rate in a copy of an example grid spec; nothing may run."""
    text = (ROOT / "experiments" / "specs" / "absence_x_section_size.yaml").read_text(encoding="utf-8")
    assert "rate_per_year: [0, 3, 6, 12, 24]" in text
    spec = tmp_path / "abs.yaml"
    assert "replications: 20" in text  # one replication: should the check ever fail, the sweep stays short
    text = text.replace("rate_per_year: [0, 3, 6, 12, 24]", "rate_per_year: [0, -3, 6]").replace("replications: 20", "replications: 1")
    spec.write_text(text, encoding="utf-8")
    r = cli("sweep", spec, "--out", tmp_path / "out", "--no-progress")
    assert r.returncode == 2 and "Traceback" not in r.stderr, r.stderr
    line = r.stderr.strip().splitlines()[-1]
    assert "abs.yaml: parameters.params.absence.business_trip.rate_per_year.values[1]: " in line and ">= 0" in line, line
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("old,new,field,reason", [
    ("{low: 2, high: 12}", "{low: -2, high: 12}", "parameters.params.absence.business_trip.rate_per_year.low", ">= 0"),
    ("{low: 0.8, high: 1.2}", "{low: -0.5, high: 1.2}", "parameters.workload.load_factor.low", "must be"),
    ("workload.load_factor: {low: 0.8, high: 1.2}", "params.size_costs.novice_proficiency: {low: 0.3, high: 6}",
     "parameters.params.size_costs.novice_proficiency.high", "<= 5"),
    # an int setting sampled as float: low and high are whole, the values in between are not
    ("workload.load_factor: {low: 0.8, high: 1.2}", "params.handoff.section.steps: {low: 1, high: 5}",
     "parameters.params.handoff.section.steps", "type: int"),
    ("workload.load_factor: {low: 0.8, high: 1.2}", "workload.load_factr: {low: 0.8, high: 1.2}",
     "parameters.workload.load_factr", "unknown key"),
])
def test_bad_range_is_reported_on_load(tmp_path, old, new, field, reason):
    assert old in SAMPLED
    e = spec_error(tmp_path, SAMPLED.replace(old, new))
    assert e.field == field and reason in e.reason, str(e)


def test_int_range_is_checked_as_the_sampler_rounds_it(tmp_path):
    ok = SAMPLED.replace("workload.load_factor: {low: 0.8, high: 1.2}",
                         "params.handoff.section.steps: {low: 1, high: 5, type: int}")
    assert load_spec(write(tmp_path, ok)).parameters[1].type == "int"
    e = spec_error(tmp_path, ok.replace("{low: 1, high: 5, type: int}", "{low: -2, high: 5, type: int}"))
    assert e.field == "parameters.params.handoff.section.steps.low", str(e)


def test_every_grid_value_is_tried_on_the_base_scenario(tmp_path):
    e = spec_error(tmp_path, GOOD.replace("{values: [0.8, 1.2]}", "{values: [0.8, 1.2, -1.0]}"))
    assert e.field == "parameters.workload.load_factor.values[2]", str(e)


# ---------------------------------------------------------------- metrics and the sensitivity block

MORRIS = (GOOD.replace("[2, 12]", "{low: 2, high: 12}").replace("{values: [0.8, 1.2]}", "{low: 0.8, high: 1.2}")
          .replace("metrics: [mean_cycle_hours, halts_per_1000_staff_days, util_cv]",
                   "metrics: [halts_per_1000_staff_days]")
          + "design: {method: morris, n: 3}\nsensitivity: {metrics: [halts_per_1000_staff_days]}\n")


def test_metric_typo_is_blamed_on_metrics_not_sensitivity(tmp_path):
    assert load_spec(write(tmp_path, MORRIS)).sensitivity_metrics == ("halts_per_1000_staff_days",)
    e = spec_error(tmp_path, MORRIS.replace("metrics: [halts_per_1000_staff_days]\n",
                                            "metrics: [halts_per_1000_staff_dayz]\n", 1))
    assert e.field == "metrics[0]" and "unknown metric 'halts_per_1000_staff_dayz'" in e.reason, str(e)


def test_sensitivity_metric_not_kept_or_unknown(tmp_path):
    e = spec_error(tmp_path, MORRIS.replace("sensitivity: {metrics: [halts_per_1000_staff_days]}",
                                            "sensitivity: {metrics: [util_cv]}"))
    assert e.field == "sensitivity.metrics[0]" and "not among the kept metrics" in e.reason, str(e)
    e = spec_error(tmp_path, MORRIS.replace("metrics: [halts_per_1000_staff_days]\n", "metrics: all\n", 1)
                   .replace("sensitivity: {metrics: [halts_per_1000_staff_days]}", "sensitivity: {metrics: [util_cvv]}"))
    assert e.field == "sensitivity.metrics[0]" and "unknown metric" in e.reason, str(e)


@pytest.mark.parametrize("design", ["{method: grid}", "{method: latin, n: 4}"])
def test_sensitivity_block_needs_morris_or_sobol(tmp_path, design):
    text = MORRIS.replace("design: {method: morris, n: 3}", f"design: {design}")
    if design == "{method: grid}":
        text = text.replace("{low: 2, high: 12}", "[2, 12]").replace("{low: 0.8, high: 1.2}", "[0.8, 1.2]")
    e = spec_error(tmp_path, text)
    assert e.field == "sensitivity" and "'morris' or 'sobol'" in e.reason, str(e)


# ---------------------------------------------------------------- the documented format and the examples


def docstring_examples() -> list[str]:
    """The literal blocks (``::``) of experiments/spec.py's module docstring."""
    blocks, lines = [], experiments.spec.__doc__.splitlines()
    for i, line in enumerate(lines):
        if line.rstrip().endswith("::"):
            body = []
            for ln in lines[i + 1:]:
                if ln.strip() and not ln.startswith(" "):
                    break
                body.append(ln)
            blocks.append(textwrap.dedent("\n".join(body)).strip() + "\n")
    return blocks


def test_docstring_example_is_a_valid_spec(tmp_path):
    full, sampled = docstring_examples()
    spec = load_spec(write(tmp_path, full, name="example.yaml"))
    assert spec.design.method == "grid" and len(spec.parameters) == 2 and sampling.count_runs(spec) > 0
    # the sampled-design fragment, put in place of the example's parameters and design, is valid too
    raw = {**yaml.safe_load(full), **yaml.safe_load(sampled)}
    spec = load_spec(write(tmp_path, yaml.safe_dump(raw, allow_unicode=True), name="example_sobol.yaml"))
    assert spec.design.method == "sobol" and spec.sensitivity_metrics and sampling.count_runs(spec) > 0


def test_example_specs_load_fast_and_suit_their_commands():
    load_spec(ROOT / "experiments" / "specs" / "absence_x_section_size.yaml")  # warm: imports, scenario cache
    for p in sorted((ROOT / "experiments" / "specs").glob("*.yaml")):
        t = time.perf_counter()
        spec = load_spec(p)
        assert time.perf_counter() - t < 1.0, p
        raw = yaml.safe_load(p.read_text(encoding="utf-8"))
        assert "sensitivity" not in raw or spec.design.method in ("morris", "sobol"), p


def test_help_texts(capsys):
    from experiments.__main__ import build_parser

    def help_of(*args):
        with pytest.raises(SystemExit):
            build_parser().parse_args([*args, "--help"])
        return capsys.readouterr().out

    top = help_of()
    assert "``" not in top and "%%" not in top
    assert "reproduce [--out DIR]" in top and "{sweep,sensitivity,summarise} SPEC.yaml" in top
    for cmd in ("sweep", "sensitivity", "summarise", "reproduce"):
        text = help_of(cmd)
        assert "%%" not in text and "``" not in text, cmd
    assert "95 % CIs" in help_of("summarise")
