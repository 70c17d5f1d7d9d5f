"""Packaging: what is listed is imported, what is imported is listed, and pyproject.toml agrees with the pins.

requirements.txt is the runtime (the README's first command), requirements-dev.txt adds tests, notebooks and
benchmarks (the second); pyproject.toml declares the same names for `pip install .` with extras.
"""
from __future__ import annotations

import ast
import re
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# distribution name -> the module it is imported as, where they differ
MODULE = {"mesa": "mesa", "pyyaml": "yaml", "scikit-learn": "sklearn", "salib": "SALib", "solara-assets": None}
# listed though no file of ours imports it, and why
INDIRECT = {
    "altair": "mesa.visualization imports it at import time (the app)",
    "solara-assets": "Solara's JavaScript, served locally instead of from a CDN",
    "ipyvuetify": "pinned below 2: Mesa 3.3.1's SolaraViz breaks with ipyvuetify 3",
    "ipyvue": "pinned below 2 with ipyvuetify",
    "ipywidgets": "the widget layer Solara and ipyvuetify share, pinned to the tested version",
    "dask": "distributed's scheduler runs on it (--executor dask)",
    "ipykernel": "nbclient runs the notebooks in it (tests/test_analysis.py)",
}


# imported, but brought by a listed package (a dependency of it we do not pin ourselves)
PROVIDED = {"pydantic_core": "pydantic", "cloudpickle": "distributed", "reacton": "solara", "IPython": "ipywidgets",
            "jsonschema": "nbformat"}
RUNTIME = ["sim", "experiments", "analysis"]
DEV_ONLY = ["experiments/benchmarks"]  # benchmark scripts: requirements-dev.txt


def pins(name: str) -> dict[str, str]:
    out = {}
    for line in (ROOT / name).read_text(encoding="utf-8").splitlines():
        line = line.split("#")[0].strip()
        if line and not line.startswith("-r"):
            dist, version = line.split("==")
            out[dist.strip().lower()] = version.strip()
    return out


def imported(folders, skip=()) -> set[str]:
    """Top-level modules imported by the .py files under ``folders`` (every import, wherever it stands)."""
    mods = set()
    for folder in folders:
        for path in (ROOT / folder).rglob("*.py"):
            if any(path.is_relative_to(ROOT / s) for s in skip):
                continue
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Import):
                    mods |= {a.name.split(".")[0] for a in node.names}
                elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                    mods.add(node.module.split(".")[0])
    local = {p.stem for p in (ROOT / "tests").glob("*.py")}  # the tests' own helper modules
    return mods - set(sys.stdlib_module_names) - local - {"sim", "experiments", "analysis", "tests", "__future__"}


def module(dist: str) -> str | None:
    return MODULE.get(dist, dist.replace("-", "_"))


def test_everything_listed_is_imported_or_says_why():
    runtime, dev = pins("requirements.txt"), pins("requirements-dev.txt")
    used_rt = imported(RUNTIME, skip=DEV_ONLY)
    used_all = used_rt | imported(["tests", "docs", *DEV_ONLY])
    for dist in runtime:
        assert dist in INDIRECT or module(dist) in used_rt, f"requirements.txt lists {dist}, which no runtime module imports"
    for dist in dev:
        assert dist in INDIRECT or module(dist) in used_all, f"requirements-dev.txt lists {dist}, which nothing imports"
    assert not set(runtime) & set(dev), "a package pinned twice"


def test_everything_imported_is_listed():
    runtime = set(pins("requirements.txt"))
    listed_rt = {module(d) for d in runtime} | {m for m, d in PROVIDED.items() if d in runtime}
    dev = set(pins("requirements-dev.txt"))
    listed_all = listed_rt | {module(d) for d in dev} | {m for m, d in PROVIDED.items() if d in dev}
    missing_rt = imported(RUNTIME, skip=DEV_ONLY) - listed_rt
    missing = imported(["tests", *DEV_ONLY]) - listed_all
    assert not missing_rt, f"runtime imports not in requirements.txt: {sorted(missing_rt)}"
    assert not missing, f"test imports in neither requirements file: {sorted(missing)}"


def test_pyproject_declares_the_pinned_names():
    meta = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    name = re.compile(r"^[A-Za-z0-9_.\-]+")

    def names(specs):
        return {name.match(s).group(0).lower() for s in specs if not s.startswith(meta["name"])}

    declared = names(meta["dependencies"])
    extras = {k: names(v) for k, v in meta["optional-dependencies"].items()}
    runtime, dev = pins("requirements.txt"), pins("requirements-dev.txt")
    assert declared | extras["app"] | extras["dask"] == set(runtime)
    assert extras["dev"] == set(dev)
    assert {"dakeshi", "dakeshi-experiments"} <= set(meta["scripts"])
    # the app's Solara matches its assets (the JavaScript it serves)
    assert runtime["solara"] == runtime["solara-assets"]


def test_ci_runs_the_readme_test_command():
    readme = (ROOT / "README.md").read_text(encoding="utf-8").split("```bash\n", 1)[1].split("```", 1)[0].splitlines()
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assert readme[1] in ci, "the README's second command is what CI runs"
    assert ".venv/bin/pip install -q -r requirements.txt" in ci and "requirements.txt" in readme[0]
