"""Analysis of simulator output: load runs, compare structures with CIs, draw the
standard figures (each function returns a matplotlib Figure; nothing is shown or saved here).

    import sim, analysis
    from experiments.results import load_sweep  # experiments load sweeps, analysis draws them
    cmp = analysis.compare("finance_bureau", replications=10)
    analysis.plot_comparison(cmp)
    runs = analysis.load_ledgers([sim.run("finance_bureau", structure=s, seed=1) for s in ("fragmented", "merged")])
    analysis.plot_utilisation(runs); analysis.plot_halt_timeline(runs); analysis.plot_cycle_cdf(runs)
    sw = load_sweep("results/span_of_control_cost")
    analysis.plot_sweep_heatmap(sw, "span_cost", "load_factor", "mean_cycle_hours", difference=True)
"""
from . import style
from .claims import plot_improvements, plot_transition, system_figures
from .comparison import KEY_METRICS, TASK_MEASURES, compare, compare_workflow, from_results, from_runs, plot_comparison, table
from .cycletime import plot_cycle_cdf
from .halts import plot_halt_timeline
from .journey import case_journey, interesting_case, plot_journey
from .ledgers import Ledgers, as_ledgers, load_ledgers, read_dir
from .orgchart import plot_org_chart
from .sensitivity import method_of, plot_sensitivity
from .sweeps import plot_sweep_heatmap, short_name
from .utilisation import plot_utilisation
from .where import plot_region

__all__ = ["KEY_METRICS", "TASK_MEASURES", "compare_workflow", "Ledgers", "as_ledgers", "case_journey", "compare", "from_results", "from_runs",
           "interesting_case", "load_ledgers", "method_of", "plot_comparison", "plot_cycle_cdf",
           "plot_halt_timeline", "plot_journey", "plot_org_chart", "plot_sensitivity", "plot_sweep_heatmap",
           "plot_utilisation", "read_dir", "short_name", "style", "table", "plot_improvements",
           "plot_transition", "system_figures", "plot_region"]
