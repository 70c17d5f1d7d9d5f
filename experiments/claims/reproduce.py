"""Run every seed claim and write the claims table, the sensitivity table and figures.

    python -m experiments reproduce [--quick] [--replications N] [--out DIR] [--seed S] [--workers W]
"""
from __future__ import annotations

import math
import sys
import time
import unicodedata
from pathlib import Path

import pandas as pd

from analysis import claims as figures

from . import claims as C
from . import sensitivity
from .runs import run_batches

COLUMNS = ["id", "seed_file", "claim", "expected", "simulated", "ci_low", "ci_high", "verdict", "detail"]


def claims_table(res, cfg, selected=None) -> pd.DataFrame:
    rows = []
    for c in C.CLAIMS:
        if selected and c.id not in selected:
            continue
        o = c.compute(res, cfg)
        rows.append({"id": c.id, "seed_file": c.seed, "claim": c.text, "expected": c.expected, "simulated": o.value,
                     "ci_low": o.ci_low, "ci_high": o.ci_high, "verdict": o.verdict,
                     "detail": f"{o.detail} | criterion: {c.criterion}", "_outcome": o})
    return pd.DataFrame(rows)


def _num(x):
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return ""
    return f"{x:.3g}" if abs(x) < 1000 else f"{x:.0f}"


def to_markdown(df: pd.DataFrame) -> str:
    lines = ["| id | seed | claim | expected | simulated | 95 % CI | verdict |", "|---|---|---|---|---|---|---|"]
    for _, r in df.iterrows():
        ci = f"[{_num(r.ci_low)}, {_num(r.ci_high)}]" if _num(r.ci_low) else ""
        lines.append(f"| {r.id} | {r.seed_file[:3]} | {r.claim} | {r.expected} | {_num(r.simulated)} | {ci} | {r.verdict} |")
    lines.append("")
    lines.append("Details (figures behind each verdict):")
    lines.append("")
    for _, r in df.iterrows():
        lines.append(f"- **{r.id}**: {r.detail}")
    return "\n".join(lines) + "\n"


def _width(text: str) -> int:
    """Columns a terminal gives ``text``: Chinese characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _cell(text: str, width: int, right: bool = False) -> str:
    """``text`` clipped (with …) and padded to ``width`` terminal columns."""
    if _width(text) > width:
        while _width(text) > width - 1:
            text = text[:-1]
        text += "…"
    pad = " " * (width - _width(text))
    return pad + text if right else text + pad


def print_table(df: pd.DataFrame, file=sys.stdout):
    w = {"id": 5, "claim": 58, "expected": 28, "sim": 9, "ci": 20}
    print(f"{'id':<{w['id']}} {'claim':<{w['claim']}} {'expected':<{w['expected']}} {'simulated':>{w['sim']}} "
          f"{'95 % CI':<{w['ci']}} verdict", file=file)
    for _, r in df.iterrows():
        ci = f"[{_num(r.ci_low)}, {_num(r.ci_high)}]" if _num(r.ci_low) else ""
        print(f"{_cell(r.id, w['id'])} {_cell(r.claim, w['claim'])} {_cell(r.expected, w['expected'])} "
              f"{_cell(_num(r.simulated), w['sim'], right=True)} {_cell(ci, w['ci'])} {r.verdict}", file=file)


def reproduce(out: Path, cfg: C.Config, workers: int = 1, progress: bool = True, sens: bool = True):
    t0 = time.time()
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    batches = C.batches(cfg) + (sensitivity.batches(cfg) if sens else [])

    def bar(i, n):
        if progress and (i == n or i % max(1, n // 20) == 0):
            print(f"\r  runs {i}/{n}  {time.time() - t0:5.0f} s", end="" if i < n else "\n", file=sys.stderr, flush=True)

    res = run_batches(batches, workers=workers, progress=bar)
    df = claims_table(res, cfg)
    df.drop(columns="_outcome").to_csv(out / "claims.csv", index=False)
    (out / "claims.md").write_text(to_markdown(df), encoding="utf-8")
    fig = figures.plot_claims_before_after([(f"{r.id}: {o.label}", o.label, o.before, o.after) for r, o in
                                ((r, r["_outcome"]) for _, r in df.iterrows())
                                if o.before is not None and o.after is not None and o.label])
    fig.savefig(out / "before_after.png", dpi=110)
    diff, roll, cross, _, _ = C.transition_curve(res)
    figures.plot_transition(diff, roll, cross).savefig(out / "transition.png", dpi=110)
    st = None
    if sens:
        st = sensitivity.table(res, cfg)
        st.to_csv(out / "sensitivity.csv", index=False)
        figures.plot_claim_sensitivity(st).savefig(out / "sensitivity.png", dpi=110)
    write_system_figures(out / "systems", res, cfg)
    return df, st, time.time() - t0


# the workflow each system's claims are about, for its cycle-time and journey figures
SYSTEM_WORKFLOW = {"huaibei": "budget_adjust", "shanxi": "road_project", "harbin": "approval_trade"}


def write_system_figures(out: Path, res, cfg) -> list[Path]:
    """Each seed system before and after its reform (the first two structures of its batch) through
    the analysis library's standard figures, the comparison drawn from the claims' own replications."""
    import sim

    seed = sim.replication_seeds(cfg.seed, 1)[0]  # replication 0 of the claims' runs
    paths = []
    for b in C.batches(cfg):
        if b.overrides:  # a stress variant of a system, not a system
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
