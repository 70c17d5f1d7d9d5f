"""Bad input: one clear error naming the file, the field and what is wrong; non-zero exit; no traceback."""
import subprocess
import sys
import textwrap

import pytest

import sim
from scenario_edits import DELETE, mutate

GOOD = """
structures:
  a:
    bodies:
      - id: b
        sections:
          - {id: s1, functions: [f1], staff: [{id: p1, post: head, skills: {f1: 1.0}}]}
          - {id: s2, functions: [f2], staff: [{id: p2, skills: {f2: 1.0}}]}
  b:
    from: a
    reforms:
      - merge_sections: {sections: [s1, s2], into: s12}
workload:
  workflows:
    - {id: w, body: b, rate_per_day: 2, steps: [{work: f1, hours: 1}, {work: f2, hours: {dist: exponential, mean: 1}}]}
params:
  absence: {trip: {rate_per_year: 4, days: 2}}
"""


def _mutate(path, value):
    return mutate(GOOD, path, value)

CASES = [
    ("negative rate", _mutate("workload.workflows.0.rate_per_day", -1), "workload.workflows.0.rate_per_day", "must be >= 0"),
    ("unknown section in reform", _mutate("structures.b.reforms.0.merge_sections.sections", ["s1", "nope"]),
     "structures.b.reforms.0.merge_sections", "unknown section 'nope'"),
    ("unknown reform", _mutate("structures.b.reforms.0", {"merge_everything": {}}), "structures.b.reforms.0.merge_everything", "unknown reform"),
    ("unknown function in workflow", _mutate("workload.workflows.0.steps.0.work", "f9"), "workload.workflows.0.steps.0.work", "owns function 'f9'"),
    ("missing field", _mutate("workload.workflows.0.body", DELETE), "workload.workflows.0.body", "required"),
    ("unknown key", _mutate("params.absence.trip.ratee", 3), "params.absence.trip.ratee", "unknown key"),
    ("bad distribution", _mutate("workload.workflows.0.steps.1.hours.dist", "normalish"), "workload.workflows.0.steps.1.hours.dist", "unknown distribution"),
    ("duplicate staff", _mutate("structures.a.bodies.0.sections.1.staff.0.id", "p1"), "structures.a.bodies.0.sections.1.staff.0.id", "duplicate staff id"),
    ("unknown base structure", _mutate("structures.b.from", "zz"), "structures.b.from", "unknown structure"),
    ("boolean name", _mutate("structures.a.bodies.0.sections.0.id", False), "structures.a.bodies.0.sections.0.id", "quotes"),
    ("unknown level", _mutate("workload.workflows.0.steps", [{"work": "f1", "hours": 1}, {"approve": "director"}]),
     "workload.workflows.0.steps.1.approve", "no one holds level 'director'"),
    ("not yaml", "structures: [a, b\n  - c: {", "line", "not valid YAML"),
    ("not a mapping", "- 1\n- 2\n", "<root>", "expected a mapping"),
    ("nobody skilled", _mutate("structures.a.bodies.0.sections.1.staff.0.skills", {"f1": 1.0}), "workload.workflows.0.steps.1.work", "nobody"),
    ("negative absence", _mutate("params.absence.trip.days", -2), "params.absence.trip.days", "must be > 0"),
]


def _cli(*args):
    return subprocess.run([sys.executable, "-m", "sim", *args], capture_output=True, text=True, timeout=120)


def test_good_file_runs(tmp_path):
    f = tmp_path / "good.yaml"
    f.write_text(GOOD)
    r = _cli("run", str(f), "--days", "20")
    assert r.returncode == 0, r.stderr
    assert "mean_cycle_days" in r.stdout


@pytest.mark.parametrize("name,text,field,reason", CASES, ids=[c[0] for c in CASES])
def test_bad_scenario_is_reported(tmp_path, name, text, field, reason):
    f = tmp_path / "bad.yaml"
    f.write_text(text)
    with pytest.raises(sim.InputError) as e:
        sim.load_scenario(f)
    msg = str(e.value)
    assert str(f) in msg and field in msg and reason in msg, msg


@pytest.mark.parametrize("case", [CASES[0], CASES[1], CASES[11]], ids=["negative-rate", "unknown-section", "not-yaml"])
def test_cli_exit_code_and_no_traceback(tmp_path, case):
    _, text, field, reason = case
    f = tmp_path / "bad.yaml"
    f.write_text(text)
    for args in (["run", str(f)], ["compare", str(f), "--replications", "2"]):
        r = _cli(*args)
        assert r.returncode == 2
        assert "Traceback" not in r.stderr
        assert str(f) in r.stderr and field in r.stderr and reason in r.stderr
        assert r.stderr.count("\n") == 1


@pytest.mark.parametrize("args,needle", [
    (["run", "no_such_scenario"], "not an embedded scenario"),
    (["run", "--structure", "zz"], "unknown structure 'zz'"),
    (["compare", "--structures", "fragmented", "zz"], "unknown structure 'zz'"),
    (["compare", "--replications", "-3"], "must be > 0"),
    (["run", "--days", "abc"], "expected a whole number"),
    (["compare", "--structures", "fragmented", "fragmented"], "fragmented named more than once"),
    (["run", "--out", __file__], "is a file, not a folder"),
    (["compare", "--out", "."], "is a folder; give a CSV file name"),
    (["compare", "--out", "/no/such/folder/runs.csv"], "the folder /no/such/folder does not exist"),
])
def test_cli_bad_arguments(args, needle):
    r = _cli(*args)
    assert r.returncode != 0 and "Traceback" not in r.stderr and needle in r.stderr, r.stderr


def test_bad_override_names_the_path():
    sc = sim.load_scenario("finance_bureau")
    with pytest.raises(sim.InputError, match=r"params.size_costs.span_costt.*unknown key"):
        sc.with_overrides({"params.size_costs.span_costt": 1})
    with pytest.raises(sim.InputError, match=r"workload.load_factor.*must be >= 0"):
        sc.with_overrides({"workload.load_factor": -1})
    # a misspelt named entry is named as such, not as the field the new entry then lacks
    with pytest.raises(sim.InputError, match=r"params.absence.busines_trip: no such entry in the scenario "
                                             r"\(there: business_trip, leave, training, meeting\)"):
        sc.with_overrides({"params.absence.busines_trip.rate_per_year": 3})


def test_help():
    for cmd in ("run", "compare"):
        r = _cli(cmd, "--help")
        assert r.returncode == 0 and "usage" in r.stdout


def test_experiments_help():
    """Every experiments subcommand prints its help (argparse formats help strings with %)."""
    for args in ([], ["sweep"], ["sensitivity"], ["summarise"], ["reproduce"]):
        r = subprocess.run([sys.executable, "-m", "experiments", *args, "--help"], capture_output=True, text=True, timeout=120)
        assert r.returncode == 0 and "usage" in r.stdout, r.stderr
