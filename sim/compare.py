"""Compare structures of one scenario under common random numbers.

Replication r uses the same seed under every structure, so its tasks and absences are the same;
paired differences then cancel most of the noise, and their 95 % CI (Student t over
replications) is what a claim is judged on.

The same runs answer per procedure (``workflows``: per run, the mean of each measure over one
workflow's measured tasks, paired like the metrics) and per section (``by_section``: each
structure's sections, mean and CI over replications; sections differ between structures, so they
are not paired).
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .ledgers import METRICS, SECTION_MEASURES
from .errors import InputError
from .i18n import display, measure
from .run import as_scenario, check_days, check_seed, run
from .scenario import Scenario


def replication_seeds(seed: int, replications: int) -> list[int]:
    """Per-replication seeds split from one master seed."""
    return [int(s.generate_state(1)[0]) for s in np.random.SeedSequence(seed).spawn(replications)]


def mean_ci(x, level: float = 0.95) -> tuple[float, float, float]:
    """Mean and Student-t confidence interval; a single value or zero spread gives a point interval."""
    x = np.asarray(x, dtype=float)
    x = x[~np.isnan(x)]
    if len(x) == 0:
        return (float("nan"),) * 3
    m = float(x.mean())
    if len(x) < 2:
        return m, float("nan"), float("nan")
    from scipy import stats  # here, not at import: a sweep worker never needs it (0.5 s of its start-up)

    h = float(stats.t.ppf(0.5 + level / 2, len(x) - 1) * x.std(ddof=1) / np.sqrt(len(x)))
    return m, m - h, m + h


@dataclass
class Comparison:
    metrics: pd.DataFrame  # structure, replication, seed, metrics...
    summary: pd.DataFrame  # structure, metric, mean, ci_low, ci_high, n
    differences: pd.DataFrame  # metric, structure, baseline, mean_diff, ci_low, ci_high, n
    warnings: dict = field(default_factory=dict)  # structure -> warnings of any replication (sim.diagnostics)
    workflows: dict = field(default_factory=dict)  # workflow id -> Comparison of its task measures (``workflows=``)
    sections: pd.DataFrame | None = None  # structure, body, section, metric, mean, ci_low, ci_high, n (``by_section``)
    runs: pd.DataFrame | None = None  # every per-run value, long: structure, replication, seed, workflow, section, metric, value


# what ``workflows=`` averages per run over one workflow's measured tasks (task-ledger columns, except
# ``trips``: per task with a window visit, as the summary's trips_per_service; ``over_limit``: the share of
# finished tasks whose cycle exceeded the workflow's time_limit_days, NaN without one)
WORKFLOW_MEASURES = ("cycle_days", "cycle_hours", "steps", "handoffs", "waiting_hours", "approval_levels", "trips",
                     "over_limit")
TASK_MEASURES = ("steps", "work_steps", "coordination_steps", "handoffs", "approval_levels", "waiting_hours",
                 "halted_hours", "window_visits", "material_sets", "trips", "cycle_hours", "cycle_days")


def check_workflows(sc: Scenario, ids, field: str = "workflows") -> list[str]:
    """The workflow ids asked for (``all``: every one), each once; an unknown one is an InputError naming ``field``."""
    known = [w.id for w in sc.workload.workflows]
    ids = list(ids or [])
    if "all" in ids:
        return known
    for w in ids:
        if w not in known:
            raise InputError(sc.file, field, f"unknown workflow {w!r} (defined: {', '.join(known)}, or all)")
    return list(dict.fromkeys(ids))


def check_structures(sc: Scenario, names, field: str = "structures") -> list[str]:
    """At least two of ``sc``'s structures, each once (a comparison pairs them); else an InputError naming ``field``."""
    names = list(names)
    for s in names:
        if s not in sc.structures:
            raise InputError(sc.file, field, f"unknown structure {s!r} (defined: {', '.join(sc.structure_names)})")
    if len(names) < 2:
        raise InputError(sc.file, field, "name at least two structures to compare")
    twice = sorted({s for s in names if names.count(s) > 1})
    if twice:
        raise InputError(sc.file, field, f"{', '.join(twice)} named more than once")
    return names


def workflow_means(tasks: pd.DataFrame, wf, warmup: float, measures=WORKFLOW_MEASURES) -> dict:
    """One run's answer for workflow ``wf``: finished tasks (``tasks``) and the mean of each measure over
    its tasks that arrived after ``warmup`` (hours)."""
    t = tasks[(tasks["workflow"].astype(str) == wf.id) & (tasks["arrival"].to_numpy() >= warmup)]
    out = {"tasks": float(len(t))}
    for m in measures:
        if m == "over_limit":
            out[m] = float((t["cycle_days"] > wf.time_limit_days).mean()) if len(t) and wf.time_limit_days else np.nan
        elif m == "trips":
            v = t.loc[t["window_visits"] > 0, "trips"]
            out[m] = float(v.mean()) if len(v) else np.nan
        else:
            out[m] = float(t[m].astype(float).mean()) if len(t) else np.nan
    return out


def compare(scenario: Scenario | str | None = None, *, structures: list[str] | None = None, replications: int = 10,
            seed: int = 1, days: int | None = None, overrides: dict | None = None,
            metrics: tuple[str, ...] = METRICS, workflows=(), by_section: bool = False,
            measures: tuple[str, ...] = WORKFLOW_MEASURES) -> Comparison:
    """Every structure on the same replication seeds: ``metrics`` (the run summaries), and with
    ``workflows`` (ids, or ``["all"]``) and ``by_section`` the answers per procedure and per section."""
    sc = as_scenario(scenario)
    check_seed(seed)
    check_days(days)
    if isinstance(replications, bool) or not isinstance(replications, (int, np.integer)) or replications < 1:
        raise InputError("<python>", "replications", f"expected a whole number >= 1, got {replications!r}")
    unknown = [m for m in metrics if m not in METRICS]
    if unknown:
        raise InputError("<python>", "metrics", f"unknown metric {unknown[0]!r} (see sim.METRICS)")
    sc = sc.with_overrides(overrides)
    structures = list(structures or sc.structure_names)
    for s in structures:
        if s not in sc.structures:
            raise InputError(sc.file, "structures", f"unknown structure {s!r} (defined: {', '.join(sc.structure_names)})")
    if len(set(structures)) < len(structures):  # a structure twice would be paired with itself
        raise InputError(sc.file, "structures", f"a structure is named twice: {structures}")
    wfs = [w for w in sc.workload.workflows if w.id in check_workflows(sc, workflows)]
    warmup = sc.warmup_hours(days)
    rows, by_wf, by_sec, warnings = [], [], [], {}
    for r, s in enumerate(replication_seeds(seed, replications)):
        for name in structures:
            res = run(sc, structure=name, seed=s, days=days, summary_only=not wfs, record_events=False)
            key = {"structure": name, "replication": r, "seed": s}
            rows.append({**key, **{m: res.summary[m] for m in metrics}})
            by_wf += [{**key, "workflow": w.id, **workflow_means(res.tasks, w, warmup, measures)} for w in wfs]
            if by_section:
                by_sec.append(res.sections.assign(**key))
            warnings.setdefault(name, {}).update(dict.fromkeys(res.warnings))
    out = summarise_runs(pd.DataFrame(rows), structures, metrics)
    out.warnings = {k: list(v) for k, v in warnings.items() if v}
    per_wf = pd.DataFrame(by_wf)
    out.workflows = {w.id: summarise_runs(per_wf[per_wf["workflow"] == w.id], structures, ("tasks", *measures))
                     for w in wfs}
    long = [pd.DataFrame(rows).melt(["structure", "replication", "seed"], var_name="metric")]
    if wfs:
        long.append(per_wf.melt(["structure", "replication", "seed", "workflow"], var_name="metric"))
    if by_section:
        sec = pd.concat(by_sec, ignore_index=True)
        out.sections = summarise_sections(sec)
        long.append(sec.drop(columns="body").melt(["structure", "replication", "seed", "section"], var_name="metric"))
    out.runs = pd.concat(long, ignore_index=True).reindex(
        columns=["structure", "replication", "seed", "workflow", "section", "metric", "value"])
    return out


def summarise_sections(df: pd.DataFrame) -> pd.DataFrame:
    """Per structure and section (in the structure's order), each measure's mean and CI over replications."""
    out = []
    for (structure, body, section), d in df.groupby(["structure", "body", "section"], sort=False):
        for m in SECTION_MEASURES:
            mu, lo, hi = mean_ci(d[m])
            out.append({"structure": structure, "body": body, "section": section, "metric": m, "mean": mu,
                        "ci_low": lo, "ci_high": hi, "n": int(d[m].notna().sum())})
    return pd.DataFrame(out)


def summarise_runs(df: pd.DataFrame, structures: list[str], metrics=METRICS) -> Comparison:
    summ, diffs = [], []
    base = structures[0]
    b = df[df["structure"] == base].set_index("replication")
    for name in structures:
        d = df[df["structure"] == name].set_index("replication")
        for m in metrics:
            mu, lo, hi = mean_ci(d[m])
            summ.append({"structure": name, "metric": m, "mean": mu, "ci_low": lo, "ci_high": hi, "n": int(d[m].notna().sum())})
            if name != base:
                delta = (d[m] - b[m]).dropna()
                mu, lo, hi = mean_ci(delta)
                diffs.append({"metric": m, "structure": name, "baseline": base, "mean_diff": mu,
                              "ci_low": lo, "ci_high": hi, "n": len(delta)})
    return Comparison(df, pd.DataFrame(summ), pd.DataFrame(diffs))


def answer_rows(sc: Scenario, c: Comparison, structures, workflows, lang: str, metrics=()) -> pd.DataFrame:
    """What ``c`` answers, one value a row, for the command line's tables and files and the report alike:
    ``metrics`` (run-summary ids, overall), each of ``workflows``' measures (trips only where the workflow
    visits a window, 超期率 only with a time limit) and ``c``'s sections. Columns: ``table`` (metrics /
    workflow / section), ``workflow``, ``structure`` (a difference's is "B − A"), ``section``, ``metric``,
    its ``label`` in ``lang``, mean, CI, n."""
    rows = []

    def add(table, summary, differences, metrics, workflow=None):
        s_ = summary.set_index(["structure", "metric"])
        d_ = differences.set_index(["structure", "metric"])
        for m in metrics:
            for s in structures:
                r = s_.loc[(s, m)]
                rows.append({"table": table, "workflow": workflow, "structure": s, "metric": m, "label": measure(m, lang),
                             "mean": r["mean"], "ci_low": r["ci_low"], "ci_high": r["ci_high"], "n": r["n"]})
            for s in structures[1:]:
                r = d_.loc[(s, m)]
                rows.append({"table": table, "workflow": workflow, "structure": f"{s} − {structures[0]}", "metric": m,
                             "label": measure(m, lang), "mean": r["mean_diff"], "ci_low": r["ci_low"],
                             "ci_high": r["ci_high"], "n": r["n"]})

    if metrics:
        add("metrics", c.summary, c.differences, metrics)
    for w in (w for w in sc.workload.workflows if w.id in workflows):
        cw = c.workflows[w.id]
        shown = [m for m in dict.fromkeys(cw.summary["metric"])
                 if not (m == "trips" and not any(st.kind == "visit" for st in w.steps))
                 and not (m == "over_limit" and w.time_limit_days is None)]
        add("workflow", cw.summary, cw.differences, shown, w.id)
    if c.sections is not None:
        for r in c.sections.itertuples():
            sec = sc.structures[r.structure].section(r.section)[1]
            rows.append({"table": "section", "structure": r.structure, "section": r.section,
                         "section_name": display(sec, lang), "metric": r.metric, "label": measure(r.metric, lang),
                         "mean": r.mean, "ci_low": r.ci_low, "ci_high": r.ci_high, "n": r.n})
    cols = ["table", "workflow", "structure", "section", "section_name", "metric", "label", "mean", "ci_low", "ci_high", "n"]
    return pd.DataFrame(rows).reindex(columns=cols)
