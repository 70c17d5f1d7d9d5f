"""Import structure: no import circles among the project's modules, and the packages import one way.

Data flows roster/log -> scenario -> structure -> run -> ledgers -> analysis/report; experiments run
the model many times, produce tables and call analysis to draw them. So ``sim`` imports neither
``experiments`` nor ``analysis``, ``experiments`` may import ``analysis``, and ``analysis`` never
imports ``experiments``.

Every ``import`` and ``from ... import`` in every .py file under the packages counts, wherever it
stands (module level, inside a function or method, in a try/except), and so does
``importlib.import_module("...")`` with a literal name. Imports under ``if TYPE_CHECKING:`` never run,
so they make no circle and are left out (``COUNT_TYPE_CHECKING`` turns them on). Nothing is imported: the files are parsed
with ``ast``, so the whole file takes well under a second.
"""
from __future__ import annotations

import ast
from pathlib import Path

import networkx as nx
import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("sim", "experiments", "analysis")

# (importer, imported): no module at or under the first may import a module at or under the second.
# A prefix is a dotted module path and matches whole parts ("sim" matches sim.model, not simpy).
# A new rule is one more line here.
FORBIDDEN = [
    ("sim", "experiments"),
    ("sim", "analysis"),  # except ALLOWED below
    ("analysis", "experiments"),  # experiments draw through analysis; analysis never reaches back
    # the engine core knows no mechanism: mechanisms depend on the core, never the reverse
    ("sim.engine", "sim.mechanisms"), ("sim.engine", "sim.model"),
    ("sim.queues", "sim.mechanisms"), ("sim.agents", "sim.mechanisms"), ("sim.ledgers", "sim.mechanisms"),
]
# (importer, imported) pairs a rule above lets through: exact modules, nothing under them. The command line
# is an application at the end of the data flow, like a notebook: `python -m sim report` draws its figures
# through analysis (imported inside cmd_report only); no other module of sim may.
ALLOWED = [("sim.__main__", "analysis")]
COUNT_TYPE_CHECKING = False  # True: imports made only for type checkers count too


def under(name: str, prefix: str) -> bool:
    return name == prefix or name.startswith(prefix + ".")


def project_modules(root: Path) -> dict[str, Path]:
    """Dotted module name -> file, for every .py under the packages (a package is its __init__.py)."""
    modules = {}
    for pkg in PACKAGES:
        for path in sorted((root / pkg).rglob("*.py")):
            parts = list(path.relative_to(root).with_suffix("").parts)
            if "__pycache__" in parts:
                continue
            if parts[-1] == "__init__":
                parts.pop()
            modules[".".join(parts)] = path
    return modules


def _is_import_module(node) -> bool:
    """``importlib.import_module("x.y")`` / ``import_module("x.y")`` with a literal, absolute name."""
    if not (isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str) and not node.args[0].value.startswith(".")):
        return False
    f = node.func
    return (f.attr if isinstance(f, ast.Attribute) else getattr(f, "id", None)) == "import_module"


def _is_type_checking(test) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or \
        (isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _walk(node):
    """Every node below ``node`` (as ``ast.walk``), less the bodies of ``if TYPE_CHECKING:`` unless counted."""
    for child in ast.iter_child_nodes(node):
        yield child
        if isinstance(child, ast.If) and _is_type_checking(child.test) and not COUNT_TYPE_CHECKING:
            for other in child.orelse:
                yield other
                yield from _walk(other)
        else:
            yield from _walk(child)


def imported_names(module: str, path: Path, known) -> list[tuple[str, int]]:
    """The absolute dotted names ``module`` imports, with their line numbers.

    ``from P import x`` names P.x when that is a module of the project, else P. A relative import
    counts from the module's package (for an ``__init__.py``, the package itself): in
    sim/mechanisms/queues.py ``from .agents import A`` is sim.mechanisms.agents and ``from ..model
    import B`` is sim.model."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    package = module.split(".") if path.name == "__init__.py" else module.split(".")[:-1]
    names = []
    for node in _walk(tree):
        if isinstance(node, ast.Import):
            names += [(alias.name, node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                if node.level > len(package):
                    raise AssertionError(f"{path}:{node.lineno}: relative import beyond the top-level package")
                base = ".".join(package[:len(package) - node.level + 1])
                source = f"{base}.{node.module}" if node.module else base
            else:
                source = node.module
            for alias in node.names:
                sub = f"{source}.{alias.name}"
                names.append((sub if sub in known else source, node.lineno))
        elif _is_import_module(node):
            names.append((node.args[0].value, node.lineno))
    return names


def resolve(name: str, known) -> str | None:
    """The project module an imported name loads: itself or its longest known parent (``sim.x.y`` where
    sim/x.py defines y is sim.x); None outside the project."""
    parts = name.split(".")
    for i in range(len(parts), 0, -1):
        if ".".join(parts[:i]) in known:
            return ".".join(parts[:i])
    return None


def import_graph(root: Path = ROOT):
    """(graph, imports): the directed module graph, an edge a -> b when a imports b, each edge with the
    places (file:line) of its imports; and every (importer, imported name, place), for the rules."""
    known = project_modules(root)
    graph = nx.DiGraph()
    graph.add_nodes_from(known)
    imports = []
    for module, path in known.items():
        for name, line in dict.fromkeys(imported_names(module, path, known)):  # `from P import a, b`: P once
            where = f"{path.relative_to(root).as_posix()}:{line}"
            imports.append((module, name, where))
            target = resolve(name, known)
            if target is None or target == module:
                continue
            if not graph.has_edge(module, target):
                graph.add_edge(module, target, where=[])
            graph.edges[module, target]["where"].append(where)
    return graph, imports


def cycle_problems(graph) -> str:
    """'' when acyclic; otherwise one cycle of each knot, edge by edge with where each import is."""
    out = []
    for knot in (c for c in nx.strongly_connected_components(graph) if len(c) > 1):
        cycle = nx.find_cycle(graph.subgraph(knot))
        out.append("import cycle:\n" + "\n".join(
            f"  {a} -> {b}  ({', '.join(graph.edges[a, b]['where'])})" for a, b, *_ in cycle))
    return "\n".join(out)


def rule_problems(imports, rules=FORBIDDEN, allowed=ALLOWED) -> list[str]:
    return [f"{where}: {importer} imports {name} ({src} must not import {dst})"
            for importer, name, where in imports for src, dst in rules if under(importer, src) and under(name, dst)
            and not any(importer == a and under(name, b) for a, b in allowed)]


@pytest.fixture(scope="module")
def project():
    return import_graph()


def test_no_import_cycles_among_modules(project):
    graph, _ = project
    problems = cycle_problems(graph)
    assert not problems, problems


def test_packages_import_in_one_direction(project):
    _, imports = project
    problems = rule_problems(imports)
    assert not problems, "imports against the data flow:\n" + "\n".join(problems)


def test_no_import_cycles_among_packages(project):
    graph, _ = project
    top = nx.DiGraph()
    top.add_edges_from((a.split(".")[0], b.split(".")[0]) for a, b in graph.edges
                       if a.split(".")[0] != b.split(".")[0] and not any(a == x and under(b, y) for x, y in ALLOWED))
    assert nx.is_directed_acyclic_graph(top), f"package cycle: {nx.find_cycle(top)}"


def test_the_parser_resolves_every_kind_of_import(tmp_path):
    """Relative imports of one and two dots, from a module and from a package's __init__; ``from P import
    submodule``; imports inside functions; importlib; TYPE_CHECKING-only imports left out; a cycle
    reported with its places; a rule's breach."""
    files = {
        "sim/__init__.py": "from . import model\n",
        "sim/model.py": "def f():\n    from .mechanisms import absences\n",
        "sim/queues.py": "import numpy\n",
        "sim/mechanisms/__init__.py": "from .absences import RULE\n",
        "sim/mechanisms/absences.py": "from ..queues import Q\nfrom .. import model\nRULE = 1\n"
                                      "if TYPE_CHECKING:\n    from . import types\nelse:\n    import sim.errors\n",
        "sim/mechanisms/types.py": "from .absences import RULE\n",
        "sim/errors.py": "",
        "experiments/__init__.py": "import analysis.plots\n",
        "analysis/__init__.py": "",
        "analysis/plots.py": "import importlib\nimportlib.import_module('experiments')\n",
    }
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text, encoding="utf-8")
    graph, imports = import_graph(tmp_path)
    assert set(graph.edges) == {("sim", "sim.model"), ("sim.model", "sim.mechanisms.absences"),
                                ("sim.mechanisms", "sim.mechanisms.absences"),
                                ("sim.mechanisms.absences", "sim.queues"), ("sim.mechanisms.absences", "sim.model"),
                                ("sim.mechanisms.absences", "sim.errors"),  # the else of TYPE_CHECKING runs
                                ("sim.mechanisms.types", "sim.mechanisms.absences"),
                                ("experiments", "analysis.plots"), ("analysis.plots", "experiments")}
    problems = cycle_problems(graph)
    assert "sim.model -> sim.mechanisms.absences  (sim/model.py:2)" in problems
    assert "sim.mechanisms.absences -> sim.model  (sim/mechanisms/absences.py:2)" in problems
    assert "analysis.plots -> experiments  (analysis/plots.py:2)" in problems
    assert rule_problems(imports) == [
        "analysis/plots.py:2: analysis.plots imports experiments (analysis must not import experiments)"]


def test_only_the_command_line_may_reach_into_analysis():
    """The exception is exact: sim.__main__ may import analysis (and its modules); sim.model, or a module
    under sim.__main__'s name's parent, may not."""
    imports = [("sim.__main__", "analysis.report", "sim/__main__.py:1"), ("sim.model", "analysis", "sim/model.py:1"),
               ("sim", "analysis.report", "sim/__init__.py:1"), ("sim.__main__", "experiments", "sim/__main__.py:2")]
    assert rule_problems(imports) == [
        "sim/model.py:1: sim.model imports analysis (sim must not import analysis)",
        "sim/__init__.py:1: sim imports analysis.report (sim must not import analysis)",
        "sim/__main__.py:2: sim.__main__ imports experiments (sim must not import experiments)"]
