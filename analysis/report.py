"""The report for a unit's leadership (``python -m sim report``): one HTML file, before against after.

Why one HTML file: it opens in any browser and prints to PDF (A4, each part on its own pages, no table
cut across a page), and it can be mailed or archived as it is, because nothing in it is fetched: the
figures are base64 PNG, the CSS is inline, the fonts are the reader's own (``style.CJK_FAMILIES``).
The numbers are ``sim.compare``'s (the rows ``python -m sim compare`` prints, ``answer_rows``), the
words ``sim.i18n``'s, the org charts ``analysis.orgchart``'s; this module only lays them out, judges
each difference better or worse, lists the scenario file's values with the comments that give their
sources, and checks whether the main differences keep their direction when one factor changes.
"""
from __future__ import annotations

import base64
import datetime
import html
import io
import time
from pathlib import Path

import pandas as pd

from sim.compare import answer_rows, check_structures, check_workflows, compare
from sim.i18n import ci_text, display, fmt, measure, window_text, word
from sim.scenario import Scenario, absence_overrides, load_scenario
from sim.yamlfile import commented_values

from . import style
from .orgchart import plot_org_chart

# the overall measures, in the brief's order of symptoms: throughput, steps and waiting; then halts and load
OVERALL = ("tasks_completed", "mean_cycle_days", "p90_cycle_hours", "steps_per_task", "coordination_steps_per_task",
           "handoffs_per_task", "approval_levels_per_task", "mean_wait_hours")
LOAD = ("halts_per_1000_staff_days", "share_tasks_halted", "util_mean", "util_cv", "idle_share", "overloaded_share")
SUMMARY = ("mean_cycle_days", "steps_per_task", "handoffs_per_task", "halts_per_1000_staff_days", "util_cv")
SENSITIVITY = ("mean_cycle_days", "handoffs_per_task", "halts_per_1000_staff_days", "util_cv")
# assumption: halving and doubling absence, and the workload 20 % off either way, span how far a unit's own
# records are likely to be wrong; one factor at a time keeps the check small enough for a minute
CASES = (("absence_case", 0.5), ("absence_case", 2.0), ("load_case", 0.8), ("load_case", 1.2))
SENSITIVITY_REPLICATIONS = 5  # at most: 4 cases x 5 replications x 2 structures keep the finance bureau under a minute
HIGHER_IS_BETTER = {"tasks_completed", "tasks"}  # more of the same workload finished
NOT_JUDGED = {"util_mean", "tasks_arrived", "leader_hours_share", "released_leaders"}  # neither way is better in itself
# the structure table, from Structure.counts(): (label id, value of the counts)
COUNTS = (("sections", lambda c: c["sections"]), ("business_sections", lambda c: c["business_sections"]),
          ("business_share", lambda c: c["business_sections"] / c["sections"] if c["sections"] else float("nan")),
          ("one_person_sections", lambda c: c["one_person_sections"]), ("staff", lambda c: c["staff"]),
          ("staff_per_section", lambda c: c["staff_per_section"]), ("leader_posts", lambda c: c["leader_posts"]),
          ("leader_posts_per_100_staff", lambda c: 100 * c["leader_posts"] / c["staff"] if c["staff"] else float("nan")))

CSS = """
@page { size: A4; margin: 15mm 13mm; }
body { font-family: %(fonts)s, sans-serif; font-size: 10.5pt; color: #222; max-width: 184mm; margin: 0 auto;
       line-height: 1.45; }
section.part { break-before: page; page-break-before: always; padding-top: 2mm; }
h1 { font-size: 20pt; margin: 18mm 0 2mm; } .subtitle { font-size: 14pt; color: #444; margin: 0 0 8mm; }
h2 { font-size: 14pt; border-bottom: 2px solid #345; padding-bottom: 2px; } h3 { font-size: 11pt; margin: 10px 0 2px; }
table { border-collapse: collapse; width: 100%%; font-size: 9pt; margin: 4px 0 12px; }
th, td { border-bottom: 1px solid #ddd; padding: 3px 5px; text-align: right; vertical-align: top; }
th { background: #eef2f6; } th:first-child, td:first-child { text-align: left; }
thead { display: table-header-group; } tr, .keep, img, figure { break-inside: avoid; page-break-inside: avoid; }
table.meta { width: auto; font-size: 10.5pt; } table.meta th { background: none; text-align: left; padding-right: 12mm; }
.better { color: #1a7f37; font-weight: 600; } .worse { color: #b42318; font-weight: 600; } .unclear { color: #777; }
.over { color: #b42318; font-weight: 600; } .ok { color: #1a7f37; }
table.assumptions td { text-align: left; } table.assumptions td:first-child { width: 32%%; word-break: break-all; }
table.assumptions td.value { font-family: monospace; font-size: 8pt; width: 28%%; }
td.inherited { font-style: italic; color: #555; }
.tag { display: inline-block; border-radius: 3px; padding: 0 4px; font-size: 8pt; margin-right: 4px; }
.tag-assumption { background: #fff1c2; } .tag-todo { background: #f8c9c4; font-weight: 600; } .tag-none { background: #e5e5e5; }
tr.todo td { background: #fff6f4; }
figure { margin: 0; } figure img { max-width: 100%%; height: auto; } figcaption, .note { font-size: 9pt; color: #555; }
ul.summary li { margin-bottom: 2px; } footer { margin-top: 10mm; font-size: 8.5pt; color: #666; }
"""


def _e(text) -> str:
    return html.escape(str(text))


def _table(head, rows, cls: str = "") -> str:
    """An HTML table; each row is a list of cells, a cell either text or (html, attributes)."""
    def cell(c, tag="td"):
        body, attrs = c if isinstance(c, tuple) else (_e(c), "")
        return f"<{tag}{(' ' + attrs) if attrs else ''}>{body}</{tag}>"
    out = [f'<table class="{cls}">' if cls else "<table>", "<thead><tr>" + "".join(cell(h, "th") for h in head) + "</tr></thead><tbody>"]
    out += ["<tr>" + "".join(cell(c) for c in r) + "</tr>" if not (r and isinstance(r, dict)) else
            f'<tr {r["attrs"]}>' + "".join(cell(c) for c in r["cells"]) + "</tr>" for r in rows]
    return "\n".join(out) + "</tbody></table>"


def _png(fig) -> str:
    """A figure as an <img> whose PNG is in the file itself (nothing fetched)."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=110, bbox_inches="tight")
    data = base64.b64encode(buf.getvalue()).decode("ascii")
    return f'<img alt="" src="data:image/png;base64,{data}">'


def verdict(metric: str, lo: float, hi: float) -> str:
    """better / worse / unclear for a difference B − A whose 95 % CI is [lo, hi]; '' where neither way is better."""
    if metric in NOT_JUDGED:
        return ""
    if pd.isna(lo) or pd.isna(hi) or lo <= 0 <= hi:
        return "unclear"
    up = lo > 0
    return "better" if up == (metric in HIGHER_IS_BETTER) else "worse"


def _judged(metric, lo, hi, lang):
    v = verdict(metric, lo, hi)
    return (_e(word(v, lang)), f'class="{v}"') if v else ""


def _answer_table(rows: pd.DataFrame, structures, names, lang) -> str:
    """Measures × (each structure's mean [CI], each difference [CI], judgement) from ``answer_rows``."""
    diffs = [f"{s} − {structures[0]}" for s in structures[1:]]
    ci = word("ci", lang)
    head = [word("metric", lang), *(f"{names[s]} ({ci})" for s in structures),
            *(f"{names[s]} − {names[structures[0]]} ({ci})" for s in structures[1:]), word("report_verdict", lang)]
    by = rows.set_index(["metric", "structure"])
    out = []
    for m in dict.fromkeys(rows["metric"]):
        cells = [measure(m, lang), *(ci_text(*by.loc[(m, s), ["mean", "ci_low", "ci_high"]]) for s in structures),
                 *(ci_text(*by.loc[(m, d), ["mean", "ci_low", "ci_high"]]) for d in diffs)]
        judged = [_judged(m, *by.loc[(m, d), ["ci_low", "ci_high"]], lang) for d in diffs]
        cells.append((" / ".join(j[0] for j in judged if j), judged[0][1] if len(judged) == 1 and judged[0] else ""))
        out.append({"attrs": f'data-metric="{_e(m)}"', "cells": cells})
    return _table(head, out)


def _summary(sc, c, counts, structures, names, replications, lang) -> str:
    """The plain-language paragraph: each alternative's main differences from the first structure, in words."""
    base = structures[0]
    d = c.differences.set_index(["structure", "metric"])
    parts = []
    for s in structures[1:]:
        items = [word("report_sections", lang, a=counts[base]["sections"], b=counts[s]["sections"],
                      oa=counts[base]["one_person_sections"], ob=counts[s]["one_person_sections"])]
        for m in SUMMARY:
            r = d.loc[(s, m)]
            mu, lo, hi = r["mean_diff"], r["ci_low"], r["ci_high"]
            key = "report_same" if verdict(m, lo, hi) in ("unclear", "") else "report_less" if mu < 0 else "report_more"
            lo_, hi_ = (-hi, -lo) if key == "report_less" else (lo, hi)
            items.append(word(key, lang, label=measure(m, lang), value=fmt(abs(mu) if key != "report_same" else mu),
                              lo=fmt(lo_), hi=fmt(hi_)))
        parts.append(f"<p>{_e(word('report_intro', lang, replications=replications, base=names[base], alt=names[s]))}</p>"
                     '<ul class="summary">' + "".join(f"<li>{_e(i)}</li>" for i in items) + "</ul>")
    return "\n".join(parts)


def _structure_table(counts, structures, names, section_limit, lang) -> str:
    """The before/after table from ``Structure.counts()``, with the 科室限额 check when a cap is given."""
    head = [word("metric", lang), *(names[s] for s in structures),
            *(f"{word('report_change', lang)} {names[s]} − {names[structures[0]]}" for s in structures[1:])]
    rows = []
    for key, get in COUNTS:
        vals = {s: get(counts[s]) for s in structures}
        show = (lambda v: f"{100 * v:.1f}%") if key == "business_share" else fmt if isinstance(vals[structures[0]], float) \
            else (lambda v: f"{v:,}")
        cells = [measure(key, lang), *((_e(show(vals[s])), f'data-value="{vals[s]!r}"') for s in structures),
                 *(show(vals[s] - vals[structures[0]]) if key != "business_share"
                   else f"{100 * (vals[s] - vals[structures[0]]):+.1f}" for s in structures[1:])]
        rows.append({"attrs": f'data-count="{key}"', "cells": cells})
    if section_limit is not None:
        def check(s):
            n = counts[s]["sections"] - section_limit
            return ((_e(word("report_over", lang, n=n, limit=section_limit)), 'class="over"') if n > 0 else
                    (_e(word("report_within", lang, n=-n, limit=section_limit)), 'class="ok"'))
        rows.append({"attrs": 'data-count="section_limit"',
                     "cells": [word("report_limit", lang), *(check(s) for s in structures), *("" for _ in structures[1:])]})
    return _table(head, rows)


def _assumptions(sc: Scenario, lang) -> str:
    """The scenario file's values with the comments that state their sources; assumptions and TODOs marked."""
    rows = []
    for e in commented_values(Path(sc.file).read_text(encoding="utf-8")):
        low = e["comment"].lower()
        kind = "todo" if "todo" in low else "assumption" if "assumption" in low or "假设" in low else \
            "none" if not e["comment"] else ""
        tag = f'<span class="tag tag-{kind}">{_e(word("tag_" + kind, lang))}</span>' if kind else ""
        rows.append({"attrs": f'class="{kind or "sourced"}" data-key="{_e(e["key"])}"',
                     "cells": [e["key"], (_e(e["value"]), 'class="value"'),
                               (tag + _e(e["comment"]), 'class="inherited"' if e["inherited"] else "")]})
    return _table([word("parameter", lang), word("value", lang), word("source", lang)], rows, "assumptions")


def _sensitivity(sc, c, structures, names, replications, seed, days, lang) -> str:
    """One factor at a time (``CASES``): each main difference's CI per case and whether its direction holds."""
    n = min(replications, SENSITIVITY_REPLICATIONS)
    cases = []
    for key, x in CASES:
        over = absence_overrides(sc, x) if key == "absence_case" else {"workload.load_factor": sc.workload.load_factor * x}
        cases.append((word(key, lang, x=x), compare(sc, structures=structures, replications=n, seed=seed, days=days,
                                                    overrides=over, metrics=SENSITIVITY).differences.set_index(["structure", "metric"])))
    base_d = c.differences.set_index(["structure", "metric"])
    out, lines = [f'<p class="note">{_e(word("report_sensitivity_note", lang, replications=n))}</p>'], []
    for s in structures[1:]:
        head = [word("metric", lang), f"{word('base_case', lang)} ({replications})", *(f"{name} ({n})" for name, _ in cases)]
        rows = []
        for m in SENSITIVITY:
            b = base_d.loc[(s, m)]
            sign = {"better": 1, "worse": -1}.get(verdict(m, b["ci_low"], b["ci_high"]), 0)
            cells = [measure(m, lang), ci_text(b["mean_diff"], b["ci_low"], b["ci_high"])]
            held = 0
            for _, d in cases:
                r = d.loc[(s, m)]
                v = verdict(m, r["ci_low"], r["ci_high"])
                state = "holds" if sign and {"better": 1, "worse": -1}.get(v) == sign else \
                    "flips" if sign and v in ("better", "worse") else "vanishes"
                held += state == "holds"
                cls = "better" if state == "holds" else "worse" if state == "flips" else "unclear"
                cells.append((_e(ci_text(r["mean_diff"], r["ci_low"], r["ci_high"])) + "<br>" + _e(word(state, lang)),
                              f'class="{cls}"' if sign else ""))
            rows.append({"attrs": f'data-metric="{_e(m)}"', "cells": cells})
            fields = dict(label=measure(m, lang), alt=names[s], base=names[structures[0]], held=held, cases=len(cases))
            lines.append(word("sens_holds" if sign else "sens_unclear", lang, **fields))
        out.append("<ul class=\"summary\">" + "".join(f"<li>{_e(x)}</li>" for x in lines) + "</ul>")
        out.append(f'<div class="keep">{_table(head, rows)}</div>')
    return "\n".join(out)


def build_report(scenario: Scenario | str, structures, *, replications: int = 10, seed: int = 1,
                 days: int | None = None, lang: str = "zh", section_limit: int | None = None) -> tuple[str, dict]:
    """The report as one HTML text, and the warnings of the runs (structure -> lines), for the caller to show."""
    started = time.monotonic()
    sc = scenario if isinstance(scenario, Scenario) else load_scenario(scenario)
    structures = check_structures(sc, structures)
    workflows = check_workflows(sc, ["all"])
    c = compare(sc, structures=structures, replications=replications, seed=seed, days=days, workflows=workflows)
    names = {s: display(sc.structures[s], lang) for s in structures}
    counts = {s: sc.structures[s].counts() for s in structures}
    rows = answer_rows(sc, c, structures, workflows, lang, metrics=OVERALL + LOAD)
    metrics = rows[rows["table"] == "metrics"]

    title = display(sc, lang)
    meta = [(word("report_compared", lang), " → ".join(names[s] for s in structures)),
            (word("report_date", lang), datetime.date.today().isoformat()), (word("report_seed", lang), seed),
            (word("n", lang), replications), (word("report_horizon", lang), window_text(sc, days, lang)),
            (word("report_file", lang), Path(sc.file).name)]
    parts = [f'<section class="title"><h1>{_e(title)}</h1><p class="subtitle">{_e(word("report_title", lang))}</p>'
             '<table class="meta">' + "".join(f"<tr><th>{_e(k)}</th><td>{_e(v)}</td></tr>" for k, v in meta) + "</table>"
             f'<h2>{_e(word("report_summary", lang))}</h2>{_summary(sc, c, counts, structures, names, replications, lang)}'
             "</section>"]

    def part(key, body):
        parts.append(f'<section class="part" id="{key}"><h2>{_e(word(key, lang))}</h2>{body}</section>')

    part("report_structure_head", _structure_table(counts, structures, names, section_limit, lang))
    charts = []
    for s in structures[1:]:
        fig = plot_org_chart(sc.structures[structures[0]], sc.structures[s], titles=(names[structures[0]], names[s]),
                             lang=lang)
        charts.append(f"<figure>{_png(fig)}<figcaption>{_e(word('report_org_note', lang))}</figcaption></figure>")
    part("report_org_head", "\n".join(charts))
    note = f'<p class="note">{_e(word("report_table_note", lang))}</p>'
    part("report_overall_head", note + _answer_table(metrics[metrics["metric"].isin(OVERALL)], structures, names, lang))
    part("report_load_head", note + _answer_table(metrics[metrics["metric"].isin(LOAD)], structures, names, lang))
    procs = [note]
    for w in sc.workload.workflows:
        t = rows[(rows["table"] == "workflow") & (rows["workflow"] == w.id)]
        limit = f'<p class="note">{_e(word("limit_note", lang, days=w.time_limit_days))}</p>' if w.time_limit_days else ""
        procs.append(f'<div class="keep" data-workflow="{_e(w.id)}"><h3>{_e(word("workflow_head", lang, workflow=w.id, name=w.name))}'
                     f"</h3>{_answer_table(t, structures, names, lang)}{limit}</div>")
    part("report_procedures_head", "\n".join(procs))
    part("report_assumptions_head", f'<p class="note">{_e(word("report_assumptions_note", lang))}</p>' + _assumptions(sc, lang))
    part("report_sensitivity_head", _sensitivity(sc, c, structures, names, replications, seed, days, lang))

    footer = word("report_footer", lang, file=Path(sc.file).name, seconds=time.monotonic() - started)
    fonts = ", ".join(f'"{f}"' for f in style.CJK_FAMILIES)
    page = (f'<!DOCTYPE html>\n<html lang="{"zh-CN" if lang == "zh" else "en"}"><head><meta charset="utf-8">'
            f"<title>{_e(title)} — {_e(word('report_title', lang))}</title><style>{CSS % {'fonts': fonts}}</style></head>"
            f"<body>\n" + "\n".join(parts) + f"\n<footer>{_e(footer)}</footer>\n</body></html>\n")
    return page, c.warnings
