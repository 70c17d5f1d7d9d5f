"""Regenerate the README's figures in docs/img/: ``python -m analysis.make_readme_figures``.

Kept as a script so the pictures in the README always come from the current model, not by hand.
"""
from __future__ import annotations

import argparse
from pathlib import Path

import sim

from . import comparison, orgchart, style

ROOT = Path(__file__).resolve().parent.parent
METRICS = ("coordination_steps_per_task", "mean_cycle_days", "halts_per_1000_staff_days", "util_cv",
           "idle_share", "overloaded_share")


def main(argv=None) -> list[Path]:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--out", type=Path, default=ROOT / "docs" / "img")
    p.add_argument("--scenario", default="finance_bureau")
    p.add_argument("--replications", type=int, default=20)
    p.add_argument("--days", type=int, default=None, help="working days (default: the scenario's horizon)")
    a = p.parse_args(argv)
    style.setup()
    a.out.mkdir(parents=True, exist_ok=True)
    sc = sim.load_scenario(a.scenario)
    before, after = sc.structure_names[:2]
    cmp = comparison.compare(sc, replications=a.replications, days=a.days, seed=1)
    fig = comparison.plot_comparison(cmp, metrics=METRICS)
    fig.suptitle(f"{sc.name}: {before} vs {after} (大科室), mean and 95 % CI over {a.replications} replications",
                 fontsize=10)
    paths = [a.out / "structure_comparison.png", a.out / "org_chart_before_after.png"]
    fig.savefig(paths[0])
    orgchart.plot_org_chart(sc.structures[before], sc.structures[after], titles=("before", "after")).savefig(paths[1])
    for path in paths:
        print(f"wrote {path}")
    return paths


if __name__ == "__main__":
    main()
