"""The analysis library: every figure function returns a Figure whose content matches its input,
loaders read what the engine and the sweep store write, and the notebooks run top to bottom."""
from __future__ import annotations

import os
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from bureaus import NO_CLAIMS  # noqa: E402
from matplotlib.collections import PathCollection, PolyCollection  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.patches import FancyBboxPatch, Rectangle  # noqa: E402

import analysis  # noqa: E402
import sim  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "analysis" / "notebooks"
DAYS = 30


@pytest.fixture(scope="module")
def sc():
    return sim.load_scenario("finance_bureau")


@pytest.fixture(scope="module")
def runs(sc):
    return analysis.load_ledgers([sim.run(sc, structure=s, seed=3, days=DAYS) for s in sc.structure_names])


@pytest.fixture(scope="module")
def cmp(sc):
    return sim.compare(sc, replications=3, days=DAYS)


def bars(ax):
    return [p for p in ax.patches if isinstance(p, Rectangle)]


# ---------------------------------------------------------------- style


def test_style_finds_a_cjk_font_or_falls_back_to_ids():
    font = analysis.style.setup()
    if font is None:
        assert analysis.style.zh("行政科", "admin") == "admin"
    else:
        assert matplotlib.rcParams["font.sans-serif"][0] == font
        assert analysis.style.zh("行政科", "admin") == "行政科"
    assert analysis.style.zh("admin", "x") == "admin"


def test_cjk_text_renders_with_the_chosen_font():
    if analysis.style.setup() is None:
        pytest.skip("no CJK font on this machine (apt-get install fonts-noto-cjk)")
    from matplotlib.font_manager import FontProperties, findfont
    path = findfont(FontProperties(family=["sans-serif"]), fallback_to_default=False)
    from matplotlib.ft2font import FT2Font
    assert FT2Font(path).get_char_index(ord("科")) != 0  # the glyph exists: no empty box


def test_without_a_cjk_font_figures_fall_back_to_ids(monkeypatch, sc):
    monkeypatch.setitem(analysis.style._state, "font", None)
    monkeypatch.setitem(analysis.style._state, "warned", True)
    fig = analysis.plot_org_chart(sc.structures["fragmented"])
    texts = {t.get_text() for t in fig.axes[0].texts}
    assert "politics_law" in texts and "政法科" not in texts


# ---------------------------------------------------------------- loaders and comparisons


def test_load_ledgers_reads_the_cli_csv_folder(tmp_path, sc):
    from sim.__main__ import main
    assert main(["run", "finance_bureau", "--seed", "2", "--days", "10", "--out", str(tmp_path)]) == 0
    saved = analysis.load_ledgers(tmp_path)
    assert set(saved) == set(sc.structure_names)
    mem = sim.run(sc, structure="merged", seed=2, days=10)
    assert len(saved["merged"].tasks) == len(mem.tasks)
    assert len(saved["merged"].events) == len(mem.events) > 0
    np.testing.assert_allclose(saved["merged"].staff["utilisation"], mem.staff["utilisation"])
    one = analysis.load_ledgers(tmp_path / "merged")
    assert list(one) == ["merged"]
    assert saved["merged"].hours_per_day == pytest.approx(sc.calendar.hours_per_day)
    with pytest.raises(FileNotFoundError):
        analysis.load_ledgers(tmp_path / "nowhere")


def test_from_runs_reproduces_sim_compare(cmp):
    again = analysis.from_runs(cmp.metrics)
    pd.testing.assert_frame_equal(again.differences, cmp.differences)
    t = analysis.table(cmp)
    assert list(t.index) == [m for m in analysis.KEY_METRICS]
    assert "merged − fragmented (95% CI)" in t.columns


def test_compare_workflow_counts_three_fewer_steps(sc):
    """Three fewer once the old desks work as one (no internal coordination); fewer while they do not."""
    # the old desks work as one and 政法科 claims nothing of 行政科's (职能交叉 adds passes: tests/test_ownership.py)
    one = sc.with_overrides({"params.internal_coordination.steps": 0, **NO_CLAIMS})
    c = analysis.compare_workflow(one, "budget_adjust", replications=2, days=DAYS)
    d = c.differences.set_index("metric")
    assert d.loc["coordination_steps", "mean_diff"] == pytest.approx(-3)
    assert d.loc["handoffs", "mean_diff"] == pytest.approx(-1)
    apart = analysis.compare_workflow(sc.with_overrides(NO_CLAIMS), "budget_adjust", replications=2,
                                      days=DAYS).differences.set_index("metric")
    assert -3 < apart.loc["coordination_steps", "mean_diff"] < -2
    with pytest.raises(KeyError):
        analysis.compare_workflow(sc, "no_such_workflow", replications=1, days=5)


# ---------------------------------------------------------------- figures


def test_plot_comparison_one_bar_per_structure_and_metric(cmp):
    metrics = ("handoffs_per_task", "util_cv", "halts_per_1000_staff_days", "idle_share")
    fig = analysis.plot_comparison(cmp, metrics=metrics)
    assert isinstance(fig, Figure)
    axes = [ax for ax in fig.axes if ax.get_visible()]
    assert [ax.get_title() for ax in axes] == list(metrics)
    assert all(len(bars(ax)) == 2 for ax in axes)
    m = cmp.summary.set_index(["metric", "structure"])["mean"]
    assert [b.get_height() for b in bars(axes[0])] == pytest.approx([m["handoffs_per_task", s] for s in ("fragmented", "merged")])
    diff = analysis.plot_comparison(cmp, metrics=metrics, differences=True)
    assert all(len(bars(ax)) == 1 for ax in diff.axes if ax.get_visible())


def test_plot_utilisation_one_bar_per_person(runs):
    fig = analysis.plot_utilisation(runs)
    assert isinstance(fig, Figure)
    panels = [ax for ax in fig.axes if ax.get_ylabel() == "utilisation"]
    assert len(panels) == 2
    for ax, led in zip(panels, runs.values()):
        assert len(bars(ax)) == len(led.staff)
        assert [b.get_height() for b in bars(ax)] == pytest.approx(led.staff["utilisation"].tolist())


def test_plot_halt_timeline_one_bar_per_halt(runs):
    fig = analysis.plot_halt_timeline(runs)
    assert isinstance(fig, Figure)
    panels = [ax for ax in fig.axes if ax.get_title()]
    for ax, led in zip(panels, runs.values()):
        coll = [c for c in ax.collections if isinstance(c, PolyCollection)]
        assert len(coll) == led.halts["section"].nunique()
        assert sum(len(c.get_paths()) for c in coll) == len(led.halts)
        assert [t.get_text() for t in ax.get_yticklabels()] == list(dict.fromkeys(led.halts["section"]))


def test_plot_cycle_cdf_one_line_per_structure(runs):
    fig = analysis.plot_cycle_cdf(runs)
    ax = fig.axes[0]
    lines = [l for l in ax.get_lines() if not l.get_label().startswith("_")]
    assert len(lines) == 2
    for line, led in zip(lines, runs.values()):
        assert len(line.get_xdata()) == len(led.tasks)
        assert line.get_ydata()[-1] == pytest.approx(1.0)
    one = analysis.plot_cycle_cdf(runs, workflow="budget_adjust", unit="hours", log=False)
    assert len([l for l in one.axes[0].get_lines() if not l.get_label().startswith("_")]) == 2


def test_journey_shows_sections_and_the_leader(runs, sc):
    case = analysis.interesting_case(runs["fragmented"], "budget_adjust")
    j = analysis.case_journey(runs["fragmented"], case, sc)
    assert {"admin", "politics_law"} <= set(j["lane"])
    assert (j["kind"] == "leader").sum() == 1  # budget_adjust ends with the deputy director's sign-off
    # the three handoff steps (a step interrupted by an absence is logged once per stint)
    assert j.loc[j["activity"].str.startswith("handoff"), "activity"].nunique() == 3
    assert j["start"].is_monotonic_increasing
    merged = analysis.case_journey(runs["merged"], case, sc)
    assert not merged["activity"].str.startswith("handoff").any()
    fig = analysis.plot_journey(runs["fragmented"], case, sc)
    ax = fig.axes[0]
    assert len(bars(ax)) == len(j)
    assert len(ax.get_yticklabels()) == j["lane"].nunique()
    bare = analysis.case_journey(runs["fragmented"], case)  # without the scenario: logged events only
    assert (bare["kind"] != "leader").all()
    with pytest.raises(KeyError):
        analysis.case_journey(runs["fragmented"], -1)


def test_org_chart_draws_every_person(sc):
    before, after = sc.structures["fragmented"], sc.structures["merged"]
    fig = analysis.plot_org_chart(before, after)
    assert isinstance(fig, Figure)
    assert len(fig.axes) == 2
    for ax, st in zip(fig.axes, (before, after)):
        dots = [c for c in ax.collections if isinstance(c, PathCollection)]
        assert len(dots) == sum(1 for _ in st.staff())
        texts = {t.get_text() for t in ax.texts}
        names = {analysis.style.zh(s.name, s.id) for _, s in st.sections()}
        assert names <= texts
        c = st.counts()
        assert f"{c['sections']} sections" in ax.get_title(loc="left")
    # a reform function instead of a structure
    reform = lambda st: sim.reforms.merge_sections(st, ["admin", "politics_law"], "admin_pl", "行政政法科")  # noqa: E731
    fig2 = analysis.plot_org_chart(before, reform)
    assert "11 sections" in fig2.axes[1].get_title(loc="left")


def test_wide_org_chart_wraps_its_sections():
    """52 sections in 3 bodies: rows of at most max_cols boxes, none overlapping, every one drawn."""
    st = sim.load_scenario("huaibei_pilots").structures["fragmented"]
    fig = analysis.plot_org_chart(st, label_staff=False, max_cols=10)
    boxes = [p.get_bbox() for p in fig.axes[0].patches if isinstance(p, FancyBboxPatch)]
    assert len(boxes) == sum(1 for _ in st.sections()) == 52
    assert max(b.x1 for b in boxes) <= 10 * 1.0 + 0.1  # no row wider than 10 sections
    corners = {(round(b.x0, 6), round(b.y0, 6)) for b in boxes}
    assert len(corners) == 52  # no two boxes in the same place
    assert fig.get_size_inches()[0] < 14


def _fake_sweep(tmp_path):
    """A sweep's rows in the store's layout (3 x 2 grid, 2 structures, 3 replications): the heatmap
    logic without spawning a process pool."""
    rng = np.random.default_rng(0)
    rows, i = [], 0
    xs, ys = [0.0, 0.1, 0.3], [0.8, 1.2]
    point = 0
    for x in xs:
        for y in ys:
            for r in range(3):
                for s in ("fragmented", "merged"):
                    val = 10 * y + (20 * x * y if s == "merged" else 0) + rng.normal(0, 0.1)
                    rows.append({"run_index": i, "run_id": str(i), "point": point, "replication": r, "structure": s,
                                 "seed": r, "params.size_costs.span_cost": x, "workload.load_factor": y,
                                 "mean_cycle_hours": val, "error": None})
                    i += 1
            point += 1
    meta = {"spec_name": "fake", "parameters": ["params.size_costs.span_cost", "workload.load_factor"],
            "metrics": ["mean_cycle_hours"], "structures": ["fragmented", "merged"], "baseline": "fragmented"}
    from experiments.results import Sweep
    return Sweep(tmp_path, pd.DataFrame(rows), meta, meta["parameters"], meta["metrics"],
                 meta["structures"], meta["baseline"])


def test_sweep_heatmap_cells_match_the_grid(tmp_path):
    sw = _fake_sweep(tmp_path)
    assert sw.param("span_cost") == "params.size_costs.span_cost"
    fig = analysis.plot_sweep_heatmap(sw, "span_cost", "load_factor", "mean_cycle_hours")
    panels = [ax for ax in fig.axes if ax.images]
    assert len(panels) == 2
    for ax in panels:
        assert ax.images[0].get_array().shape == (2, 3)
        assert len(ax.texts) == 6
    diff = analysis.plot_sweep_heatmap(sw, "span_cost", "load_factor", "mean_cycle_hours", difference=True)
    (ax,) = [ax for ax in diff.axes if ax.images]
    grid = ax.images[0].get_array()
    assert grid[0, 0] == pytest.approx(0, abs=0.3)  # no span cost: no difference
    assert grid[1, 2] == pytest.approx(20 * 0.3 * 1.2, abs=0.3)
    with pytest.raises(KeyError):
        sw.param("nothing")


def test_load_sweep_reads_the_experiments_store(tmp_path):
    """Rows written through experiments' own ResultStore come back through experiments.results.load_sweep."""
    from experiments.results import load_sweep
    from experiments.spec import load_spec
    from experiments.store import ResultStore, session_info
    spec_file = tmp_path / "s.yaml"
    spec_file.write_text("name: t\nscenario: finance_bureau\nstructures: [fragmented, merged]\n"
                         "parameters:\n  workload.load_factor: [0.8, 1.2]\ndesign: {method: grid}\n"
                         "replications: 1\nseed: 1\nmetrics: [mean_cycle_hours]\n", encoding="utf-8")
    spec = load_spec(spec_file)
    store = ResultStore(tmp_path / "out", spec)
    store.open(session_info())
    k = 0
    for p, lf in enumerate((0.8, 1.2)):
        for s in ("fragmented", "merged"):
            store.add({"run_index": k, "run_id": f"r{k}", "point": p, "replication": 0, "structure": s, "seed": 1,
                       "workload.load_factor": lf, "mean_cycle_hours": float(k), "error": None})
            k += 1
    store.close()
    sw = load_sweep(tmp_path / "out")
    assert len(sw.runs) == 4 and sw.structures == ["fragmented", "merged"] and sw.baseline == "fragmented"
    assert sw.parameters == ["workload.load_factor"]
    assert len(sw.summary()) == 4 and len(sw.differences()) == 2


def test_plot_sensitivity_one_bar_per_structure_and_parameter():
    params = ["params.size_costs.span_cost", "params.size_costs.dispatch_hours", "workload.load_factor"]
    rows = [{"structure": s, "metric": m, "parameter": p, "mu": 1.0, "mu_star": 1.0 + i, "sigma": 0.5,
             "mu_star_conf": 0.2} for s in ("fragmented", "merged") for m in ("mean_cycle_hours", "util_cv")
            for i, p in enumerate(params)]
    fig = analysis.plot_sensitivity(pd.DataFrame(rows))
    assert len(fig.axes) == 2
    for ax in fig.axes:
        assert len(bars(ax)) == 2 * 3
        assert [t.get_text() for t in ax.get_yticklabels()][0] == "workload.load_factor"  # most important first
    sobol = pd.DataFrame([{"structure": "a", "metric": "m", "parameter": "x", "S1": 0.2, "S1_conf": 0.1,
                           "ST": 0.4, "ST_conf": 0.1}])
    assert analysis.method_of(sobol) == "sobol"
    assert len(bars(analysis.plot_sensitivity(sobol).axes[0])) == 1
    with pytest.raises(ValueError):
        analysis.method_of(pd.DataFrame({"x": [1]}))


def test_make_readme_figures_writes_two_pngs(tmp_path):
    from analysis.make_readme_figures import main
    paths = main(["--out", str(tmp_path), "--replications", "2", "--days", "15"])
    assert [p.name for p in paths] == ["structure_comparison.png", "org_chart_before_after.png"]
    assert all(p.stat().st_size > 10_000 for p in paths)


# ---------------------------------------------------------------- notebooks


def _execute(name, monkeypatch):
    import nbformat
    from nbclient import NotebookClient
    monkeypatch.setenv("ANALYSIS_QUICK", "1")
    monkeypatch.setenv("MPLBACKEND", "Agg")
    path = NOTEBOOKS / name
    nb = nbformat.read(path, as_version=4)
    assert all(not c.get("outputs") for c in nb.cells if c.cell_type == "code"), f"{name}: commit without outputs"
    NotebookClient(nb, kernel_name="python3", timeout=120, resources={"metadata": {"path": str(NOTEBOOKS)}}).execute()
    images = sum("image/png" in o.get("data", {}) for c in nb.cells if c.cell_type == "code" for o in c.outputs)
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]
    return images, errors


@pytest.mark.parametrize("name, min_images", [("quickstart.ipynb", 8), ("claims_walkthrough.ipynb", 2)])
def test_notebook_runs_top_to_bottom(name, min_images, monkeypatch):
    images, errors = _execute(name, monkeypatch)
    assert not errors
    assert images >= min_images


@pytest.mark.slow
def test_sweep_notebook_runs_top_to_bottom(monkeypatch):
    """Runs a real 16-run sweep and a Morris screening through worker processes: 25-35 s."""
    images, errors = _execute("sweep_analysis.ipynb", monkeypatch)
    assert not errors
    assert images >= 5


def test_system_figures_draw_one_seed_system_before_and_after():
    """The claims report's per-system figures: org chart, comparison from given runs, and the ledger
    figures of one paired run, the journey being the same task under both structures."""
    import matplotlib.figure

    from analysis.claims import system_figures

    runs = pd.DataFrame([{"structure": st, "replication": r, **sim.run("shanxi_county", structure=st, seed=s, days=30,
                                                                          record_events=False).summary}
                         for r, s in enumerate(sim.replication_seeds(5, 2)) for st in ("before", "after")])
    figs = system_figures("shanxi_county", "before", "after", seed=5, days=30, workflow="road_project", runs=runs)
    assert set(figs) == {"org_chart", "comparison", "utilisation", "halts", "cycle_cdf", "journey_before",
                         "journey_after"}
    assert all(isinstance(f, matplotlib.figure.Figure) for f in figs.values())
    titles = [figs[f"journey_{s}"].axes[0].get_title() for s in ("before", "after")]
    assert titles[0].split("(")[0].replace("before", "") == titles[1].split("(")[0].replace("after", "")  # same task
    assert "4 approvals" in titles[0] and "2 approvals" in titles[1]  # two management levels fewer
