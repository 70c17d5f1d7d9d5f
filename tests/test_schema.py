"""The declared schema: the committed JSON Schemas are what the models generate, every shipped file
passes them, they catch what the loader catches for the common mistakes, and no message speaks
pydantic's language.

Regenerate the committed files after changing a model: ``REGENERATE_SCHEMAS=1 python -m pytest
tests/test_schema.py`` (or ``python -m sim schema --out docs/scenario.schema.json``)."""
import os
from pathlib import Path

import jsonschema  # installed with altair and nbformat (pinned in requirements.txt)
import pytest
import yaml

import sim
from experiments.spec import experiment_json_schema
from sim.__main__ import main
from sim.schema import json_schema, schema_text
from sim.yamlfile import read_yaml
from scenario_edits import mutate
from test_bad_input import FILES, GOOD, R

ROOT = Path(__file__).resolve().parents[1]
COMMITTED = {"scenario": (ROOT / "docs" / "scenario.schema.json", json_schema),
             "experiment": (ROOT / "docs" / "experiment.schema.json", experiment_json_schema)}
SCENARIOS = sorted((ROOT / "sim" / "scenarios").glob("*.yaml"))
SPECS = sorted((ROOT / "experiments" / "specs").glob("*.yaml"))


@pytest.mark.parametrize("kind", sorted(COMMITTED))
def test_committed_schema_is_what_the_models_generate(kind):
    path, generate = COMMITTED[kind]
    text = schema_text(generate())
    if os.environ.get("REGENERATE_SCHEMAS"):
        path.write_text(text, encoding="utf-8")
    assert path.read_text(encoding="utf-8") == text, f"{path} is stale: regenerate it (see this module's docstring)"


def validator(kind):
    schema = COMMITTED[kind][1]()
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


@pytest.mark.parametrize("path", SCENARIOS + SPECS, ids=[p.name for p in SCENARIOS + SPECS])
def test_every_shipped_file_passes_the_exported_schema(path):
    kind = "scenario" if path in SCENARIOS else "experiment"
    errors = [f"{'.'.join(map(str, e.absolute_path))}: {e.message[:200]}" for e in validator(kind).iter_errors(read_yaml(path))]
    assert not errors, errors[:3]


def test_the_test_scenario_with_reforms_and_variables_passes():
    check = validator("scenario")
    check.validate(yaml.safe_load(GOOD))
    check.validate(yaml.safe_load(mutate(GOOD, "variables", {"rate": 2}).replace("rate_per_day: 2", "rate_per_day: $rate")))


WF = "workload.workflows.0"
SEC1 = "structures.a.bodies.0.sections.0"


@pytest.mark.parametrize("path,value", [
    ("horizon_dayz", 5), (f"{WF}.rate_per_day", -1), (f"{WF}.rate_per_day", "two"), (f"{WF}.steps", []),
    (f"{WF}.steps.0", {"work": "f1"}), (f"{WF}.steps.0", {"work": "f1", "approve": "director", "hours": 1}),
    (f"{WF}.steps.0.hours", {"dist": "uniform", "low": 1, "high": 2, "mean": 9}), (f"{WF}.steps.1.hours.dist", "normalish"),
    (f"{WF}.steps.0.hours", {"dist": "gamma", "mean": 1}), (f"{SEC1}.kind", "department"), (f"{SEC1}.staff.1.post", "boss"),
    (f"{SEC1}.staff.0.skills.f1", 0), ("structures.a.bodies.0.direct_handling", "false"), ("params.absence.trip.days", 0),
    ("params.absence_rule", {"start": "noon"}), ("params.continuity", {"keep_next_step": 1.5}),
    ("params.handoff", {"section": {"roles": ["boss"]}}), ("structures.b2.reforms", [{"merge_everything": {}}]),
    ("structures.b2.reforms", [{"merge_sections": {"sections": ["s1", "s2"], "into": "x", "headd": "p1"}}]),
])
def test_the_schema_catches_common_mistakes_as_the_loader_does(tmp_path, path, value):
    text = mutate(GOOD, path, value)
    assert not validator("scenario").is_valid(yaml.safe_load(text)), "an editor would not flag it"
    f = tmp_path / "bad.yaml"
    f.write_text(text)
    with pytest.raises(sim.InputError):
        sim.load_scenario(f)


def test_schema_command_prints_or_writes_it(tmp_path, capsys):
    assert main(["schema"]) == 0
    assert capsys.readouterr().out == COMMITTED["scenario"][0].read_text(encoding="utf-8")
    assert main(["schema", "--out", str(tmp_path / "s.json")]) == 0
    assert (tmp_path / "s.json").read_text(encoding="utf-8") == COMMITTED["scenario"][0].read_text(encoding="utf-8")
    assert main(["schema", "--out", str(tmp_path / "no" / "s.json")]) == 2
    assert "cannot write" in capsys.readouterr().err


@pytest.mark.parametrize("case", [c for c in FILES if not isinstance(c[1], bytes) and not c[2].startswith(R)],
                         ids=lambda c: c[0])
def test_no_message_speaks_pydantic(tmp_path, case):
    """The shape check's reasons are our own words (reform arguments are the reforms' own check)."""
    f = tmp_path / "bad.yaml"
    f.write_text(case[1])
    with pytest.raises(sim.InputError) as e:
        sim.load_scenario(f)
    assert "Input should" not in str(e.value) and "pydantic" not in str(e.value), str(e.value)
