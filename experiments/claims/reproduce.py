"""Run every seed claim and write the tiered claims table, where each dynamic claim holds, and figures.

    python -m experiments reproduce [--quick] [--replications N] [--out DIR] [--seed S] [--workers W]
"""
from __future__ import annotations

import math
import sys
import time
from pathlib import Path

import pandas as pd

from analysis import claims as figures
from sim.i18n import cell as _cell

from . import claims as C
from . import where as W
from .runs import run_batches

COLUMNS = ["id", "tier", "seed_file", "claim", "expected", "simulated", "ci_low", "ci_high", "margin", "verdict",
           "without_premise", "replications", "detail"]


def run_claims(cfg: C.Config, workers: int = 1, progress=None):
    """The table's runs, sequentially: a first look of ``cfg.replications``, then ``cfg.step`` more on every
    comparison with an undecided verdict, until none is left or ``cfg.max_replications`` is reached."""
    n = min(cfg.replications, cfg.max_replications)
    res = run_batches(C.batches(cfg, n), workers=workers, progress=progress)
    while n < cfg.max_replications:
        keys = C.undecided(res, cfg)
        if not keys:
            break
        m = min(cfg.max_replications, n + cfg.step)
        run_batches([b for b in C.batches(cfg, m, first=n) if b.key in keys], workers=workers, progress=progress,
                    into=res)
        n = m
    return res


def claims_table(res, cfg, selected=None) -> pd.DataFrame:
    rows = []
    for c in C.CLAIMS:
        if selected and c.id not in selected:
            continue
        o = C.evaluate(c, res, cfg)
        crit = c.criterion or f"improvement's 95 % CI against a margin of {c.margin_text()}"
        rows.append({"id": c.id, "tier": c.tier, "seed_file": c.seed, "claim": c.text, "expected": c.expected,
                     "simulated": o.value, "ci_low": o.ci_low, "ci_high": o.ci_high, "margin": o.margin,
                     "verdict": o.verdict, "without_premise": o.without, "replications": o.replications or None,
                     "detail": f"{o.detail} | criterion: {crit}", "_outcome": o})
    return pd.DataFrame(rows)


def _num(x):
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return ""
    return f"{x:.3g}" if abs(x) < 1000 else f"{x:.0f}"


def _ci(r):
    return f"[{_num(r.ci_low)}, {_num(r.ci_high)}]" if _num(r.ci_low) else ""


def tier_counts(df: pd.DataFrame) -> str:
    """The lead sentence: how many rows are identities, conditional and emergent, and their verdicts."""
    parts = []
    for tier in C.TIERS:
        t = df[df.tier == tier]
        if not len(t):
            continue
        v = t.verdict.str.split(":").str[0].str.replace(r" \(.*", "", regex=True).value_counts()
        parts.append(f"{len(t)} {tier} ({', '.join(f'{n} {k}' for k, n in v.items())})")
    return f"{len(df)} rows: " + "; ".join(parts)


def to_markdown(df: pd.DataFrame, regions: pd.DataFrame | None = None) -> str:
    lines = [tier_counts(df), "",
             "| id | tier | claim | expected | simulated | 95 % CI | margin | verdict | without the premise |",
             "|---|---|---|---|---|---|---|---|---|"]
    for _, r in df.iterrows():
        lines.append(f"| {r.id} | {r.tier} | {r.claim} | {r.expected} | {_num(r.simulated)} | {_ci(r)} | {_num(r.margin)} "
                     f"| {r.verdict} | {r.without_premise or ''} |")
    if regions is not None and len(regions):
        lines += ["", "Where each dynamic claim holds (one global sample per seed system):", ""]
        for _, g in regions.iterrows():
            lines.append(f"- **{g.claim}**: {g.sentence_en}")
    lines += ["", "Details (figures behind each verdict):", ""]
    for _, r in df.iterrows():
        lines.append(f"- **{r.id}** ({r.tier}): {r.detail}")
    return "\n".join(lines) + "\n"


def print_table(df: pd.DataFrame, regions: pd.DataFrame | None = None, file=sys.stdout):
    w = {"id": 5, "tier": 11, "claim": 50, "sim": 8, "ci": 20, "margin": 7}
    print(f"{'id':<{w['id']}} {'tier':<{w['tier']}} {'claim':<{w['claim']}} {'simulated':>{w['sim']}} "
          f"{'95 % CI':<{w['ci']}} {'margin':>{w['margin']}} verdict", file=file)
    for _, r in df.iterrows():
        v = r.verdict + (f" (without the premise: {r.without_premise})" if r.without_premise else "")
        print(f"{_cell(r.id, w['id'])} {_cell(r.tier, w['tier'])} {_cell(r.claim, w['claim'])} "
              f"{_cell(_num(r.simulated), w['sim'], right=True)} {_cell(_ci(r), w['ci'])} "
              f"{_cell(_num(r.margin), w['margin'], right=True)} {v}", file=file)
    if regions is not None and len(regions):
        print("\nwhere each dynamic claim holds (one global sample per seed system; the reform's improvement "
              "above the claim's margin):", file=file)
        for _, g in regions.iterrows():
            print(f"  {g.claim:<5} {g.sentence_en}", file=file)


def reproduce(out: Path, cfg: C.Config, workers: int = 1, progress: bool = True, where: bool = True, lang: str = "en",
              system_figures: bool = True):
    t0 = time.time()
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)

    def bar(i, n):
        if progress and (i == n or i % max(1, n // 20) == 0):
            print(f"\r  runs {i}/{n}  {time.time() - t0:5.0f} s", end="" if i < n else "\n", file=sys.stderr, flush=True)

    res = run_claims(cfg, workers=workers, progress=bar)
    df = claims_table(res, cfg)
    regions = None
    if where:
        regions = holds_where(out, cfg, workers, bar, lang)
        sentences = dict(zip(regions.claim, regions.sentence_en))
        df["holds_when"] = [sentences.get(i, "") for i in df.id]
    df.drop(columns="_outcome").to_csv(out / "claims.csv", index=False)
    (out / "claims.md").write_text(to_markdown(df, regions), encoding="utf-8")
    name = 1 if lang == "zh" else 0
    zh_labels = {c.id: c.label_zh for c in C.CLAIMS}
    dyn = [(r.id, r.tier, _named(o, figures.SYSTEM_NAMES[r.seed_file[:3]][name], zh_labels[r.id] if name else None),
            r.without_premise)
           for _, r in df.iterrows() for o in [r["_outcome"]]
           if not math.isnan(o.margin)]
    figures.plot_improvements(dyn, lang=lang).savefig(out / "improvements.png", dpi=110)
    diff, roll, cross, _, _ = C.transition_curve(res)
    figures.plot_transition(diff, roll, cross, lang=lang).savefig(out / "transition.png", dpi=110)
    if system_figures:
        write_system_figures(out / "systems", res, cfg)
    return df, regions, time.time() - t0


def holds_where(out: Path, cfg, workers, progress, lang="en") -> pd.DataFrame:
    """The global sample of every seed system, shared by its claims: where each dynamic claim holds (a
    box, its coverage and density, first-order Sobol indices), and where each reform loses on some metric.
    Writes where.csv (every point), regions.csv, counter_cases.csv and one figure per claim."""
    res = run_batches(W.batches(cfg), workers=workers, progress=progress)
    eff = W.effects(res, cfg, C.CLAIMS)
    eff.to_csv(out / "where.csv", index=False)
    regions = W.regions(eff, seed=cfg.seed)
    regions.to_csv(out / "regions.csv", index=False)
    W.counter_cases(res, cfg).to_csv(out / "counter_cases.csv", index=False)
    (out / "where").mkdir(exist_ok=True)
    for cid in regions.claim:
        W.figure(eff, regions, cid, lang=lang).savefig(out / "where" / f"{cid}.png", dpi=100)
    return regions


# the workflow each system's claims are about, for its cycle-time and journey figures
SYSTEM_WORKFLOW = {"huaibei": "budget_adjust", "shanxi": "road_project", "harbin": "approval_trade"}


def write_system_figures(out: Path, res, cfg) -> list[Path]:
    """Each seed system before and after its reform (the first two structures of its batch) through
    the analysis library's standard figures, the comparison drawn from the claims' own replications."""
    import sim

    seed = sim.replication_seeds(cfg.seed, 1)[0]  # replication 0 of the claims' runs
    paths = []
    for b in C.batches(cfg):
        if b.key not in C.SYSTEMS:  # a stress variant or a premise removed, not a system
            continue
        key = b.key
        before, after = b.structures[:2]
        runs = pd.DataFrame([{"structure": st, "replication": r, **rec["summary"]}
                             for st in (before, after) for r, rec in enumerate(res.records[(key, st)])])
        figs = figures.system_figures(b.scenario, before, after, seed=seed, days=b.days,
                                      workflow=SYSTEM_WORKFLOW.get(key), runs=runs)
        (out / key).mkdir(parents=True, exist_ok=True)
        for name, fig in figs.items():
            paths.append(out / key / f"{name}.png")
            fig.savefig(paths[-1], dpi=100)
    return paths


def _named(o, system: str, label: str | None = None):
    """The outcome with its figure's label (in the figure's language) prefixed by the system's name."""
    import copy

    o = copy.copy(o)
    o.label = f"{system}: {label or o.label}"
    return o
