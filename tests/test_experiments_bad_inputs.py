"""Bad experiment files and bad ``python -m experiments`` arguments: each is one line on stderr
naming the file or option, the field and the reason, exit code 2, no traceback, and nothing is
written anywhere (issue 8: no silent wrong result, no hang, no traceback, nothing written where
it was not asked).

The cases run the CLI's ``main`` in this process (one import of the model for all of them, so the
table stays fast); ``test_cli_subprocess_*`` check that the real command behaves the same.
"""
import os
import shutil
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from experiments.__main__ import main
from experiments.spec import load_spec
from experiments.sweep import run_sweep

ROOT = Path(__file__).resolve().parents[1]

GOOD = """\
name: bad_inputs
scenario: finance_bureau
days: 20
structures: [fragmented, merged]
parameters:
  workload.load_factor: [1.0]
replications: 1
seed: 3
metrics: [mean_cycle_hours, util_cv]
"""
LATIN = GOOD.replace("[1.0]", "{low: 0.8, high: 1.2}") + "design: {method: latin, n: 4}\n"


def sub(text, old, new):
    assert old in text, old
    return text.replace(old, new)


# experiment files: case -> (file text, field, reason); run as ``sweep SPEC --out OUT``
SPECS = {
    "name_dotdot": (sub(GOOD, "bad_inputs", "../../escaped"), "name", "one plain folder name"),
    "name_slash": (sub(GOOD, "bad_inputs", "a/b"), "name", "one plain folder name"),
    "name_backslash": (sub(GOOD, "bad_inputs", "'a\\b'"), "name", "one plain folder name"),
    "name_absolute": (sub(GOOD, "bad_inputs", "/tmp/escaped"), "name", "one plain folder name"),
    "name_dots_only": (sub(GOOD, "bad_inputs", "'..'"), "name", "one plain folder name"),
    "name_drive": (sub(GOOD, "bad_inputs", "'C:escaped'"), "name", "one plain folder name"),
    "name_control_char": (sub(GOOD, "bad_inputs", '"a\\tb"'), "name", "control characters"),
    "name_blank": (sub(GOOD, "bad_inputs", "'   '"), "name", "non-empty string"),
    "name_empty": (sub(GOOD, "bad_inputs", "''"), "name", "non-empty string"),
    "name_not_text": (sub(GOOD, "bad_inputs", "[a, b]"), "name", "non-empty string"),
    "name_too_long": (sub(GOOD, "bad_inputs", "x" * 101), "name", "at most 100 characters"),
    "name_trailing_space_dot": (sub(GOOD, "bad_inputs", "'abc. '"), "name", "end with"),
    "grid_nan": (sub(GOOD, "[1.0]", "[.nan]"), "parameters.workload.load_factor.values[0]", "finite number, got nan"),
    "grid_inf": (sub(GOOD, "[1.0]", "[1.0, .inf]"), "parameters.workload.load_factor.values[1]", "finite number, got inf"),
    "fixed_minus_inf": (GOOD + "fixed: {params.size_costs.span_cost: -.inf}\n", "fixed.params.size_costs.span_cost",
                        "finite number, got -inf"),
    "range_low_nan": (sub(LATIN, "low: 0.8", "low: .nan"), "parameters.workload.load_factor.low", "finite number"),
    "range_high_inf": (sub(LATIN, "high: 1.2", "high: .inf"), "parameters.workload.load_factor.high", "finite number"),
    "days_nan": (sub(GOOD, "days: 20", "days: .nan"), "days", "positive integer"),
    "days_huge": (sub(GOOD, "days: 20", "days: 100000000"), "days", "must be <= 10,000"),
    "days_fraction": (sub(GOOD, "days: 20", "days: 20.5"), "days", "positive integer"),
    "replications_huge": (sub(GOOD, "replications: 1", "replications: 1000000000"), "replications", "at most 1,000,000"),
    "replications_1e9_text": (sub(GOOD, "replications: 1", "replications: 1e9"), "replications", "integer >= 1"),
    "replications_inf": (sub(GOOD, "replications: 1", "replications: .inf"), "replications", "integer >= 1"),
    "seed_nan": (sub(GOOD, "seed: 3", "seed: .nan"), "seed", "integer >= 0"),
    "seed_negative": (sub(GOOD, "seed: 3", "seed: -4"), "seed", "integer >= 0"),
    "design_n_huge": (sub(LATIN, "n: 4", "n: 1000000000"), "design.n", "at most 1,000,000"),
    "design_n_nan": (sub(LATIN, "n: 4", "n: .nan"), "design.n", "integer >= 2"),
    "design_seed_inf": (sub(LATIN, "n: 4", "n: 4, seed: .inf"), "design.seed", "integer >= 0"),
    "grid_too_many_runs": (sub(GOOD, "  workload.load_factor: [1.0]",
                               f"  params.absence.business_trip.rate_per_year: {list(range(1001))}\n"
                               f"  params.size_costs.span_cost: {[i / 1000 for i in range(1001)]}"),
                           "parameters", "1,002,001 points"),
    "horizon_fixed_huge": (sub(GOOD, "days: 20\n", "") + "fixed: {horizon_days: 20000}\n", "fixed.horizon_days",
                           "at most 10000"),
    "horizon_varied_huge": (sub(sub(GOOD, "days: 20\n", ""), "workload.load_factor: [1.0]", "horizon_days: [30, 20000]"),
                            "parameters.horizon_days.values[1]", "at most 10000"),
}


@pytest.fixture(autouse=True)
def keep_sigterm():
    """``main`` installs a SIGTERM handler; leave pytest's as it was."""
    old = signal.getsignal(signal.SIGTERM)
    yield
    signal.signal(signal.SIGTERM, old)


def tree(root: Path) -> set:
    return {str(p.relative_to(root)) for p in root.rglob("*")}


def run_main(argv, capsys) -> tuple[int, str]:
    try:
        rc = main([str(a) for a in argv])
    except SystemExit as e:  # argparse usage errors
        rc = e.code
    return rc, capsys.readouterr().err


def assert_one_line_error(rc, err, *needles):
    assert rc == 2, err
    assert "Traceback" not in err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), err
    for n in needles:
        assert n in lines[0], (n, lines[0])


@pytest.fixture
def sandbox(tmp_path, monkeypatch):
    """A deep working directory, so a name like ../../x would land inside tmp_path where we look."""
    cwd = tmp_path / "w" / "a" / "b"
    cwd.mkdir(parents=True)
    monkeypatch.chdir(cwd)
    return tmp_path


@pytest.mark.parametrize("case", sorted(SPECS))
def test_bad_experiment_file(sandbox, capsys, case):
    text, field, reason = SPECS[case]
    spec = sandbox / f"{case}.yaml"
    spec.write_text(text)
    before = tree(sandbox)
    for argv in (["sweep", spec, "--out", sandbox / "out"], ["sweep", spec]):  # also with the default --out
        rc, err = run_main(argv, capsys)
        assert_one_line_error(rc, err, f"{case}.yaml: {field}", reason)
        assert tree(sandbox) == before


@pytest.fixture(scope="module")
def stored(tmp_path_factory):
    """A finished small sweep of GOOD (2 runs) and of another experiment, made once for the module."""
    root = tmp_path_factory.mktemp("stored")
    (root / "good.yaml").write_text(GOOD)
    (root / "other.yaml").write_text(sub(GOOD, "seed: 3", "seed: 4"))
    run_sweep(load_spec(root / "good.yaml"), root / "good", workers=1, progress=False)
    run_sweep(load_spec(root / "other.yaml"), root / "other", workers=1, progress=False)
    return root


def _truncate(path: Path):
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def _first_chunk(out: Path) -> Path:
    return sorted((out / "chunks").glob("chunk-*.parquet"))[0]


# CLI arguments: case -> (argv with {spec}, {out}, {file}, {dir}, {other}; option/file named; reason; setup)
CLI = {
    "window_negative": ("sweep {spec} --out {out} --window -1", "argument --window", "between 1 and", None),
    "window_zero": ("sweep {spec} --out {out} --window 0", "argument --window", "between 1 and", None),
    "window_inf": ("sweep {spec} --out {out} --window inf", "argument --window", "whole number", None),
    "workers_zero": ("sweep {spec} --out {out} --workers 0", "argument --workers", "between 1 and", None),
    "workers_negative": ("sweep {spec} --out {out} --workers -2", "argument --workers", "between 1 and", None),
    "workers_absurd": ("sweep {spec} --out {out} --workers 100000", "argument --workers", "cores", None),
    "chunk_size_zero": ("sweep {spec} --out {out} --chunk-size 0", "argument --chunk-size", "between 1 and", None),
    "chunk_size_nan": ("sweep {spec} --out {out} --chunk-size nan", "argument --chunk-size", "whole number", None),
    "out_is_file": ("sweep {spec} --out {file}", "argument --out", "is a file", None),
    "out_under_file": ("sweep {spec} --out {file}/sub", "argument --out", "is a file", None),
    "out_empty": ("sweep {spec} --out ''", "argument --out", "must name a folder", None),
    "out_not_a_sweep": ("sweep {spec} --out {dir}", "{dir}", "not empty and not a sweep", None),
    "out_other_experiment": ("sweep {spec} --out {other}", "{other}", "different experiment", None),
    "scheduler_without_dask": ("sweep {spec} --out {out} --scheduler tcp://127.0.0.1:9", "--scheduler",
                               "--executor dask", None),
    "dask_without_scheduler": ("sweep {spec} --out {out} --executor dask", "--executor dask", "--scheduler", None),
    "dask_bad_address": ("sweep {spec} --out {out} --executor dask --scheduler nonsense", "--scheduler nonsense",
                         "not a Dask scheduler address", None),
    "dask_with_workers": ("sweep {spec} --out {out} --executor dask --scheduler tcp://127.0.0.1:9 --workers 2",
                          "--workers", "Dask cluster", None),
    "unknown_executor": ("sweep {spec} --out {out} --executor spark", "argument --executor", "invalid choice", None),
    "unknown_option": ("sweep {spec} --out {out} --replications 3", "python -m experiments", "unrecognized", None),
    "spec_missing_file": ("sweep {dir}/nope.yaml --out {out}", "nope.yaml: (file)", "cannot read", None),
    "spec_is_folder": ("sweep {dir} --out {out}", "{dir}", "folder", None),
    "spec_missing_argument": ("sweep", "python -m experiments sweep", "required", None),
    "sensitivity_of_grid": ("sensitivity {spec} --out {out}", "design.method", "'morris' or 'sobol'", None),
    "summarise_no_sweep": ("summarise {spec} --out {out}", "{out}", "no metadata.json", None),
    "summarise_out_is_file": ("summarise {spec} --out {file}", "argument --out", "is a file", None),
    "summarise_other_experiment": ("summarise {spec} --out {other}", "{other}", "different experiment", None),
    "summarise_truncated_metadata": ("summarise {spec} --out {good}", "metadata.json", "unreadable sweep metadata",
                                     lambda good: _truncate(good / "metadata.json")),
    "summarise_corrupt_chunk": ("summarise {spec} --out {good}", "chunk-000001.parquet", "resume the sweep",
                                lambda good: _truncate(_first_chunk(good))),
    "reproduce_workers_negative": ("reproduce --out {out} --workers -2", "argument --workers", "between 1 and", None),
    "reproduce_workers_zero": ("reproduce --out {out} --workers 0", "argument --workers", "between 1 and", None),
    "reproduce_seed_nan": ("reproduce --out {out} --seed nan", "argument --seed", "whole number", None),
    "reproduce_seed_negative": ("reproduce --out {out} --seed -1", "argument --seed", "between 0 and", None),
    "reproduce_one_replication": ("reproduce --out {out} --replications 1", "argument --replications",
                                  "a CI needs two", None),
    "reproduce_cap_below_first_look": ("reproduce --out {out} --replications 5 --max-replications 3",
                                       "--max-replications 3", "below the first look", None),
    "reproduce_lang_unknown": ("reproduce --out {out} --lang fr", "argument --lang", "invalid choice", None),
    "reproduce_replications_huge": ("reproduce --out {out} --replications 1000000000", "argument --replications",
                                    "between 2 and 1,000", None),
    "reproduce_replications_inf": ("reproduce --out {out} --replications inf", "argument --replications",
                                   "whole number", None),
    "reproduce_out_is_file": ("reproduce --out {file}", "argument --out", "is a file", None),
    "reproduce_out_under_file": ("reproduce --out {file}/x/y", "argument --out", "is a file", None),
    "no_command": ("", "python -m experiments", "required", None),
    "unknown_command": ("sweeep {spec}", "python -m experiments", "invalid choice", None),
}


@pytest.mark.parametrize("case", sorted(CLI))
def test_bad_cli_argument(sandbox, stored, capsys, case):
    argv, named, reason, setup = CLI[case]
    (sandbox / "exp.yaml").write_text(GOOD)
    (sandbox / "a_file").write_text("not a folder")
    (sandbox / "dir").mkdir()
    (sandbox / "dir" / "notes.txt").write_text("the user's own file")
    shutil.copytree(stored / "other", sandbox / "other")
    shutil.copytree(stored / "good", sandbox / "good")
    if setup:
        setup(sandbox / "good")
    paths = {"spec": sandbox / "exp.yaml", "out": sandbox / "out", "file": sandbox / "a_file",
             "dir": sandbox / "dir", "other": sandbox / "other", "good": sandbox / "good"}
    args = [a.format(**paths) for a in argv.split()]
    args = ["" if a == "''" else a for a in args]
    before = tree(sandbox)
    rc, err = run_main(args, capsys)
    assert_one_line_error(rc, err, named.format(**paths), reason)
    assert tree(sandbox) == before


def test_enough_cases():
    assert len(SPECS) + len(CLI) >= 40


def cli(*args, cwd):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "experiments", *map(str, args)], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=120)


def test_cli_subprocess_escaping_name_writes_nothing(sandbox):
    """The real command, default --out: a name with ../ is refused before results/ is even created."""
    spec = sandbox / "esc.yaml"
    spec.write_text(sub(GOOD, "bad_inputs", "../../../escaped"))
    before = tree(sandbox)
    r = cli("sweep", spec, "--workers", "1", cwd=Path.cwd())
    assert_one_line_error(r.returncode, r.stderr, "esc.yaml: name", "one plain folder name")
    assert tree(sandbox) == before


def test_cli_subprocess_usage_error_is_one_line(sandbox):
    r = cli("reproduce", "--workers", "-2", cwd=sandbox)
    assert_one_line_error(r.returncode, r.stderr, "argument --workers", "-2")
    assert not (sandbox / "out").exists()


def test_good_run_writes_only_into_out(sandbox, capsys):
    """The control: a valid sweep and summary write into --out and nowhere else."""
    spec = sandbox / "exp.yaml"
    spec.write_text(GOOD)
    before = tree(sandbox)
    rc, err = run_main(["sweep", spec, "--out", sandbox / "out", "--workers", "1", "--no-progress"], capsys)
    assert rc == 0, err
    rc, err = run_main(["summarise", spec, "--out", sandbox / "out"], capsys)
    assert rc == 0 and "warning" not in err, err
    new = tree(sandbox) - before
    assert new and all(p == "out" or p.startswith("out/") for p in new), new
    assert len(pq.read_table(sandbox / "out" / "results.parquet")) == 2
