"""Command line: ``python -m sim run [SCENARIO]``, ``python -m sim compare [SCENARIO] --structures A B``,
``python -m sim report [SCENARIO] --structures A B --out report.html``, ``python -m sim import ROSTER``,
``python -m sim discover LOG --out workload.yaml`` and ``python -m sim schema [--out FILE]``."""
from __future__ import annotations

import argparse
import json
import math
import os
import sys
from pathlib import Path

import pandas as pd

from .compare import answer_rows, check_structures, check_workflows, compare
from .errors import InputError
from .eventlog import DEFAULT_START, check_span, parse_start_date, write_event_log
from .i18n import CLI_LANGUAGE, LANGUAGES, aligned, ci_text as _ci, display, fmt as _fmt, measure, window_text as _window, word
from .run import run
from .scenario import MAX_HORIZON_DAYS, available, load_scenario
from .schema import json_schema, write_schema

MAX_REPLICATIONS = 10_000  # assumption: CIs stop narrowing usefully long before; 1e9 would only exhaust memory

# what ``run --out`` writes, beside the event log (``sim.eventlog``: eventlog.csv and eventlog.xes)
LEDGERS = ("tasks", "staff", "halts", "timeseries", "events", "leaders", "absences", "signoffs", "interruptions",
           "unfinished")
SHOWN = ("tasks_arrived", "tasks_completed", "tasks_unfinished", "mean_age_unfinished_days", "mean_cycle_days", "p90_cycle_hours", "steps_per_task", "coordination_steps_per_task",
         "handoffs_per_task", "approval_levels_per_task", "mean_wait_hours", "halts_per_1000_staff_days",
         "share_tasks_halted", "util_mean", "util_cv", "idle_share", "overloaded_share", "window_visits_per_service",
         "trips_per_service", "leader_posts_per_100_staff", "leader_hours_share", "released_leaders")
FORMATS = ("table", "csv", "json")  # table: for the terminal; csv: for people (Excel); json: for programs
# rounding for people (table's and CSV's numbers; JSON keeps full precision): shares to 3 decimals, counts
# to 1, everything else to 3 significant figures (assumption: CIs of 10-100 replications are not finer)
SHARES = ("share_unfinished", "share_tasks_halted", "util_mean", "util_cv", "util_gini", "idle_share", "overloaded_share",
          "leader_hours_share", "over_limit", "utilisation")
COUNTS = ("tasks_arrived", "tasks_completed", "tasks_unfinished", "leader_posts", "released_leaders", "tasks", "staff",
          "work_done", "halts")


class _Parser(argparse.ArgumentParser):
    """argparse, but a bad argument is one line (no usage block) naming the option, exit 2."""

    def error(self, message):
        print(f"error: command line: {self.prog}: {message}", file=sys.stderr)
        sys.exit(2)


def _positive_int(text):
    try:
        v = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if v <= 0:
        raise argparse.ArgumentTypeError(f"must be > 0, got {v}")
    return v


def _bounded(high):
    """A positive whole number up to ``high`` (a bound, not a MemoryError, for 1e9 replications)."""
    def parse(text):
        v = _positive_int(text)
        if v > high:
            raise argparse.ArgumentTypeError(f"must be <= {high:,}, got {v}")
        return v
    return parse


def _nonneg_int(text):
    try:
        v = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if v < 0:
        raise argparse.ArgumentTypeError(f"must be >= 0, got {v}")
    return v


def _start_date(text):
    try:
        return parse_start_date(text)
    except ValueError as e:
        raise argparse.ArgumentTypeError(str(e)) from None


def _name(text):
    if not text.strip():
        raise argparse.ArgumentTypeError("must not be empty")
    return text


def _out_folder(path) -> Path:
    """The ``run --out`` folder, created now so a bad path fails before any simulation."""
    if not str(path).strip():
        raise InputError("command line", "--out", "must name a folder, got ''")
    out = Path(path)
    if out.exists() and not out.is_dir():
        raise InputError("command line", "--out", f"{out} is a file, not a folder for the ledgers")
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise InputError("command line", "--out", f"cannot create the folder {out}: {e.strerror}") from None
    return out


def _out_file(path) -> Path:
    """The ``compare --out`` file (.csv or .json), checked before any simulation."""
    if not str(path).strip():
        raise InputError("command line", "--out", "must name a CSV file (.csv) or a JSON file (.json), got ''")
    out = Path(path)
    if out.is_dir():
        raise InputError("command line", "--out", f"{out} is a folder; give a CSV file name, e.g. {out / 'table.csv'}")
    if not out.parent.is_dir():
        raise InputError("command line", "--out", f"the folder {out.parent} does not exist")
    if out.suffix.lower() not in (".csv", ".json"):
        raise InputError("command line", "--out", f"{out.name}: the name must end in .csv or .json (the format it is saved in)")
    return out


def runs_file(out: Path) -> Path:
    """Where ``compare --out FILE`` puts every per-run value: FILE's sibling ``<stem>_runs.csv``."""
    return out.with_name(f"{out.stem}_runs.csv")


def _pm(mean, lo, hi):
    """mean ± half the CI (the per-section tables: six measures a row)."""
    return _fmt(mean) if pd.isna(lo) or hi == lo else f"{_fmt(mean)} ±{_fmt((hi - lo) / 2)}"


def _people(v, metric):
    """A number rounded for people (``SHARES``, ``COUNTS``, else 3 significant figures)."""
    if v is None or pd.isna(v):
        return v
    if metric in SHARES:
        return round(float(v), 3)
    if metric in COUNTS:
        return round(float(v), 1)
    return float(f"{v:.3g}")


def _label(metric, lang):
    """A row's name in the terminal table: the metric id in English (as ``sim.METRICS`` and scripts name
    it), its Chinese name in Chinese."""
    return metric if lang == "en" else measure(metric, lang)


def _emit(tidy: pd.DataFrame, fmt: str, lang: str, meta: dict, out=None):
    """A table's rows (``tidy``: one value a row, ids in the columns) as CSV or JSON: to ``out`` (a
    file: CSV in UTF-8 with BOM, so Excel on Chinese Windows reads it) or to stdout. CSV has headers in
    ``lang`` and numbers rounded for people; JSON the ids, the labels and every digit (NaN as null)."""
    if fmt == "json":
        rows = [{k: (None if isinstance(v, float) and math.isnan(v) else v) for k, v in r.items()}
                for r in tidy.to_dict("records")]
        text = json.dumps({**meta, "rows": rows}, ensure_ascii=False, indent=1) + "\n"
    else:
        people = tidy.copy()
        for col in ("mean", "ci_low", "ci_high", "value"):
            if col in people:
                people[col] = [_people(v, m) for v, m in zip(people[col], people["metric"])]
        people.columns = [word(c, lang) if c not in ("metric",) else c for c in people.columns]
        text = people.to_csv(index=False, lineterminator="\n")
    if out is None:
        sys.stdout.write(text)
        return
    try:
        Path(out).write_text(text, encoding="utf-8-sig" if fmt == "csv" else "utf-8")
    except OSError as e:
        raise InputError("command line", "--out", f"cannot write {out}: {e.strerror or e}") from None


def cmd_run(a):
    sc = load_scenario(a.scenario)
    names = [a.structure] if a.structure else sc.structure_names
    for name in names:
        if name not in sc.structures:
            raise InputError(sc.file, "--structure", f"unknown structure {name!r} (defined: {', '.join(sc.structure_names)})")
    if a.start_date is not None and a.out is None:
        raise InputError("command line", "--start-date", "dates the event log that --out writes; give --out too")
    start = a.start_date or DEFAULT_START
    check_span(start, a.days or sc.horizon_days, sc.calendar)
    root = _out_folder(a.out) if a.out is not None else None
    for name in names if root is not None else ():
        if (root / name).exists() and not (root / name).is_dir():
            raise InputError("command line", "--out", f"{root / name} is a file; the ledgers of {name!r} go in a folder there")
    cols, warnings = {}, {}
    for name in names:
        res = run(sc, structure=name, seed=a.seed, days=a.days, record_events=root is not None)
        cols[name] = res.summary
        warnings[name] = res.warnings
        if root is not None:
            out = root / name
            try:
                out.mkdir(exist_ok=True)
                for part in LEDGERS:
                    getattr(res, part).to_csv(out / f"{part}.csv", index=False)
                write_event_log(res, out, sc.calendar, start, f"{sc.name} / {name} / seed {a.seed}")
            except OSError as e:
                raise InputError("command line", "--out", f"cannot write {out}: {e.strerror or e}") from None
    shown = list(SHOWN if not a.all else cols[names[0]].keys())
    lang = a.lang
    if a.format == "table":
        print(word("run_head", lang, scenario=display(sc, lang), seed=a.seed, window=_window(sc, a.days, lang), file=sc.file) + "\n")
        rows = [[_label(m, lang), *(_fmt(cols[n][m]) for n in names)] for m in shown]
        print(aligned([word("metric", lang), *(display(sc.structures[n], lang) for n in names)], rows))
    else:
        tidy = pd.DataFrame([{"structure": n, "metric": m, "label": measure(m, lang), "value": cols[n][m]}
                             for m in shown for n in names])
        _emit(tidy, a.format, lang, {"scenario": sc.name, "seed": a.seed, "days": a.days or sc.horizon_days,
                                     "structures": {n: display(sc.structures[n], lang) for n in names}, "lang": lang})
    if a.out:
        print(f"\nledgers written to {a.out}/<structure>/*.csv, the event log to eventlog.csv and eventlog.xes there",
              file=sys.stdout if a.format == "table" else sys.stderr)
    for name, ws in warnings.items():
        _warn(name, ws)


def _warn(structure, warnings):
    """Warnings go to stderr, one line each, naming the structure: the table alone would look normal."""
    sys.stdout.flush()
    for w in warnings:
        print(f"warning: {structure}: {w}", file=sys.stderr)


def cmd_compare(a):
    sc = load_scenario(a.scenario)
    structures = check_structures(sc, a.structures or sc.structure_names, "--structures")
    workflows = check_workflows(sc, a.workflow, "--workflow")
    out = _out_file(a.out) if a.out is not None else None
    c = compare(sc, structures=structures, replications=a.replications, seed=a.seed, days=a.days, workflows=workflows,
                by_section=a.by == "section")
    lang = a.lang
    tidy = answer_rows(sc, c, structures, workflows, lang, metrics=SHOWN if not workflows and a.by is None else ())
    meta = {"scenario": sc.name, "replications": a.replications, "seed": a.seed, "days": a.days or sc.horizon_days,
            "structures": {s: display(sc.structures[s], lang) for s in structures}, "lang": lang,
            "workflows": {w.id: {"name": w.name, "time_limit_days": w.time_limit_days}
                          for w in sc.workload.workflows if w.id in workflows}}
    if a.format == "table":
        print(word("compare_head", lang, scenario=display(sc, lang), replications=a.replications, seed=a.seed,
                   window=_window(sc, a.days, lang)))
        print(_compare_text(sc, tidy, structures, lang))
    else:
        _emit(tidy, a.format, lang, meta)
    if out is not None:
        _emit(tidy, "json" if out.suffix.lower() == ".json" else "csv", lang, meta, out)
        runs = runs_file(out)
        try:
            c.runs.to_csv(runs, index=False, encoding="utf-8-sig")
        except OSError as e:
            raise InputError("command line", "--out", f"cannot write {runs}: {e.strerror or e}") from None
        print(f"\ntable written to {out}, per-run values to {runs}", file=sys.stdout if a.format == "table" else sys.stderr)
    for s, ws in c.warnings.items():
        _warn(s, ws)


def _compare_text(sc, tidy, structures, lang) -> str:
    """``compare``'s terminal tables from its rows: metrics and procedures as metric × structure (mean
    [CI]) and each difference from the first; sections as section × measure (mean ± half the CI)."""
    name = {s: display(sc.structures[s], lang) for s in structures}
    diff = {f"{s} − {structures[0]}": f"{name[s]} − {name[structures[0]]}" for s in structures[1:]}
    ci = word("ci", lang)
    parts = []
    for (table, wf), t in tidy[tidy["table"] != "section"].groupby(["table", "workflow"], sort=False, dropna=False):
        by = t.set_index(["metric", "structure"])
        metrics = list(dict.fromkeys(t["metric"]))
        if table == "metrics":
            head = [word("metric", lang), *name.values(), *(f"{d} ({ci})" for d in diff.values())]
            rows = [[_label(m, lang), *(_fmt(by.loc[(m, s), "mean"]) for s in structures),
                     *(_ci(*by.loc[(m, d), ["mean", "ci_low", "ci_high"]]) for d in diff)] for m in metrics]
            parts.append(aligned(head, rows))
            continue
        w = next(x for x in sc.workload.workflows if x.id == wf)
        lines = [word("workflow_head", lang, workflow=w.id, name=w.name)]
        head = [word("metric", lang), *(f"{n} ({ci})" for n in name.values()), *(f"{d} ({ci})" for d in diff.values())]
        rows = [[_label(m, lang), *(_ci(*by.loc[(m, s), ["mean", "ci_low", "ci_high"]]) for s in [*structures, *diff])]
                for m in metrics]
        lines.append(aligned(head, rows))
        if w.time_limit_days is not None:
            lines.append(word("limit_note", lang, days=w.time_limit_days))
        parts.append("\n".join(lines))
    secs = tidy[tidy["table"] == "section"]
    for s, t in secs.groupby("structure", sort=False):
        metrics = list(dict.fromkeys(t["metric"]))
        head = [word("section", lang), *(_label(m, lang) for m in metrics)]
        rows = [[g["section_name"].iloc[0], *(_pm(*r) for r in g.set_index("metric").loc[metrics, ["mean", "ci_low", "ci_high"]]
                                              .itertuples(index=False))]
                for _, g in t.groupby("section", sort=False)]
        parts.append(word("section_head", lang, structure=name[s]) + "\n" + aligned(head, rows))
    return "\n" + "\n\n".join(parts)


def cmd_schema(a):
    write_schema(json_schema(), a.out)


def cmd_import(a):
    """A roster (实名制名册) becomes a scenario file: see sim/roster.py."""
    from .roster import import_roster  # local: only this command reads spreadsheets
    print(import_roster(a.roster, a.out, name=a.name, force=a.force))


def _share(low_open: bool):
    """A share in (0, 1] (``--coverage``) or (0, 1) (``--split``, ``low_open`` False: both sides kept)."""
    def parse(text):
        try:
            v = float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a number between 0 and 1, got {text!r}") from None
        if not (0 < v <= 1 if low_open else 0 < v < 1):
            raise argparse.ArgumentTypeError(f"must be in (0, 1{']' if low_open else ')'}, got {text}")
        return v
    return parse


def cmd_discover(a):
    """An event log becomes a scenario (sim/discover.py); ``--validate`` fits and checks on held-out data."""
    from .discover import COLUMNS, discover_file, validate  # local: only this command reads event logs
    from .roster import _out_path

    columns = {k: getattr(a, k) for k in COLUMNS}
    if a.validate:
        lines = validate(a.log, _out_folder(a.out), columns, a.coverage, a.split or 0.7, a.seed)
    else:
        if a.split is not None:
            raise InputError("command line", "--split", "splits the log for --validate; give --validate too")
        lines = discover_file(a.log, _out_path(a.out, a.force), columns, a.coverage, a.name)
    sys.stdout.flush()
    for line in lines:
        print(line, file=sys.stderr if line.startswith("warning: ") else sys.stdout, flush=True)


def _report_file(path) -> Path:
    """The ``report --out`` file: an .html name in a folder that exists, checked before any simulation."""
    out = Path(path)
    if not str(path).strip() or out.is_dir():
        raise InputError("command line", "--out", f"{path!r} is not a file name; give one ending in .html, e.g. report.html")
    if out.suffix.lower() != ".html":
        raise InputError("command line", "--out", f"{out.name}: the name must end in .html (the report is one HTML file)")
    if not out.parent.is_dir():
        raise InputError("command line", "--out", f"the folder {out.parent} does not exist")
    return out


def cmd_report(a):
    """One HTML file for leadership (analysis/report.py). The command line is the one place ``sim`` reaches
    into ``analysis``: an application at the end of the data flow, like a notebook (tests/test_imports.py)."""
    import time

    started = time.monotonic()
    sc = load_scenario(a.scenario)
    structures = check_structures(sc, a.structures, "--structures")
    out = _report_file(a.out)
    from analysis.report import build_report  # here: only this command draws figures

    page, warnings = build_report(sc, structures, replications=a.replications, seed=a.seed, days=a.days, lang=a.lang,
                                  section_limit=a.section_limit)
    try:
        out.write_text(page, encoding="utf-8")
    except OSError as e:
        raise InputError("command line", "--out", f"cannot write {out}: {e.strerror or e}") from None
    print(f"wrote {out} ({len(page.encode('utf-8')) / 1e6:.1f} MB, {time.monotonic() - started:.0f} s)")
    for s, ws in warnings.items():
        _warn(s, ws)


def _output_options(p):
    p.add_argument("--format", choices=FORMATS, default="table",
                   help="table (default: for the terminal), csv (for people: rounded, headers in --lang) or json "
                        "(every digit)")
    p.add_argument("--lang", choices=list(LANGUAGES), default=CLI_LANGUAGE,
                   help=f"language of labels and headers: zh or en (default {CLI_LANGUAGE}, as before --lang existed; "
                        "English rows are the metric ids)")


def main(argv=None):
    p = _Parser(prog="python -m sim", description="Simulate government section structures (模拟测算).")
    sub = p.add_subparsers(dest="command", required=True)
    scen_help = f"scenario YAML file or embedded name ({', '.join(available())}); default finance_bureau"
    r = sub.add_parser("run", help="run every structure of a scenario once and print its metrics",
                       description="Run a scenario's structures with one seed and print the per-run summary.")
    r.add_argument("scenario", nargs="?", default="finance_bureau", help=scen_help)
    r.add_argument("--structure", type=_name, help="run only this structure")
    r.add_argument("--seed", type=_nonneg_int, default=1, help="random seed (default 1)")
    r.add_argument("--days", type=_bounded(MAX_HORIZON_DAYS), help="working days to simulate (default: the scenario's horizon)")
    r.add_argument("--all", action="store_true", help="print every metric")
    r.add_argument("--out", help=f"folder to write the ledgers ({', '.join(LEDGERS)}) as CSV and the event log "
                                 "(eventlog.csv, eventlog.xes: dates, start/complete, sign-offs, suspend/resume), one "
                                 "subfolder per structure")
    r.add_argument("--start-date", type=_start_date, metavar="YYYY-MM-DD",
                   help=f"the Monday the event log's first working day falls on (default {DEFAULT_START}, the first "
                        "Monday of 2025; days run 09:00 on, China Standard Time +08:00: see sim/eventlog.py)")
    _output_options(r)
    r.set_defaults(func=cmd_run)
    c = sub.add_parser("compare", help="compare structures with replications and paired 95%% CIs",
                       description="Run structures of a scenario on the same seeds and print paired differences.")
    c.add_argument("scenario", nargs="?", default="finance_bureau", help=scen_help)
    c.add_argument("--structures", nargs="+", help="structures to compare, baseline first (default: all)")
    c.add_argument("--replications", type=_bounded(MAX_REPLICATIONS), default=10, help="replications (default 10)")
    c.add_argument("--seed", type=_nonneg_int, default=1, help="master seed (default 1)")
    c.add_argument("--days", type=_bounded(MAX_HORIZON_DAYS), help="working days to simulate")
    c.add_argument("--workflow", nargs="+", metavar="ID",
                   help="per-procedure answers for these workflows (ids of the scenario's workload, or all): cycle time, "
                        "steps, handoffs, waiting, approval levels, trips, share over time_limit_days (超期率), each "
                        "structure's mean and the paired difference, with 95%% CIs")
    c.add_argument("--by", choices=["section"], help="per-section tables: staff, utilisation, tasks handled, halts, "
                                                     "queue wait, per structure")
    c.add_argument("--out", help="save the shown table with CIs: CSV (UTF-8 with BOM, for Excel) if FILE ends in .csv, "
                                 "JSON if .json; every per-run value goes to FILE's sibling <stem>_runs.csv")
    _output_options(c)
    c.set_defaults(func=cmd_compare)
    rp = sub.add_parser("report", help="write one self-contained HTML report comparing structures (for leadership)",
                        description="Compare structures as `compare` does (every workflow, 95%% CIs) and write one HTML "
                                    "file: summary, before/after table, org charts, per-procedure answers, halts and load, "
                                    "the scenario's assumptions with their sources, a one-factor sensitivity check. "
                                    "Nothing in it is fetched; print it to PDF from a browser.")
    rp.add_argument("scenario", nargs="?", default="finance_bureau", help=scen_help)
    rp.add_argument("--structures", nargs="+", required=True, help="structures to compare, the current one (before) first")
    rp.add_argument("--replications", type=_bounded(MAX_REPLICATIONS), default=10, help="replications (default 10)")
    rp.add_argument("--seed", type=_nonneg_int, default=1, help="master seed (default 1)")
    rp.add_argument("--days", type=_bounded(MAX_HORIZON_DAYS), help="working days to simulate (default: the scenario's horizon)")
    rp.add_argument("--lang", choices=list(LANGUAGES), default="zh", help="language of the report: zh (default) or en")
    rp.add_argument("--section-limit", type=_positive_int, metavar="N",
                    help="the approved cap on sections (科室限额): each structure is flagged over or within it")
    rp.add_argument("--out", required=True, help="the report file to write, ending in .html")
    rp.set_defaults(func=cmd_report)
    s = sub.add_parser("schema", help="print the JSON Schema of scenario files (for editors)",
                       description="Print the JSON Schema of scenario files, generated from the declaration in "
                                   "sim/schema.py (committed as docs/scenario.schema.json).")
    s.add_argument("--out", help="write it to this file instead of printing it")
    s.set_defaults(func=cmd_schema)
    i = sub.add_parser("import", help="make a scenario file from a unit's roster (实名制名册, .xlsx or .csv)",
                       description="Read a staffing table (one row per person, Chinese or English headers; templates "
                                   "in docs/roster/) and write a commented scenario: the unit as structure 'before', "
                                   "a placeholder workload to fill in, parameters with their sources.")
    i.add_argument("roster", help="the roster, .xlsx (first sheet) or .csv (UTF-8 or GBK)")
    i.add_argument("--out", required=True, help="the scenario file to write (.yaml or .yml)")
    i.add_argument("--name", type=_name, help="the scenario's name (default: the --out file's name)")
    i.add_argument("--force", action="store_true", help="overwrite --out if it exists")
    i.set_defaults(func=cmd_import)
    d = sub.add_parser("discover", help="make a scenario from an event log (CSV or XES): workflows, rates, hours, "
                                        "sections, staff, calendar",
                       description="Read a case/activity/resource/timestamp event log and write the unit as structure "
                                   "'before' with the workload the log shows (methods: sim/discover.py). --validate fits "
                                   "on the earlier part and compares a simulation with the later part.")
    d.add_argument("log", help="the event log: .csv (one event a row) or .xes (IEEE 1849)")
    d.add_argument("--out", required=True, help="the scenario file to write (.yaml); with --validate, a folder")
    from .discover import COLUMNS  # the default column names live with the reader
    for key, default in COLUMNS.items():
        d.add_argument(f"--{key.replace('_', '-')}", dest=key, metavar="COL",
                       help=f"the {key.replace('_', ' ')} column (default {default})")
    d.add_argument("--coverage", type=_share(True), default=0.8,
                   help="share of finished cases the workflows cover, most frequent variants first (default 0.8)")
    d.add_argument("--validate", action="store_true", help="fit on the earlier part of the log, simulate the later "
                                                           "part, compare (writes validation.csv, cycle_times.png, fit.yaml)")
    d.add_argument("--split", type=_share(False), help="with --validate: the share of the log's span fitted on (default 0.7)")
    d.add_argument("--seed", type=_nonneg_int, default=1, help="with --validate: the first seed of the simulated runs (default 1)")
    d.add_argument("--name", type=_name, help="the scenario's name (default: the --out file's name)")
    d.add_argument("--force", action="store_true", help="overwrite --out if it exists")
    d.set_defaults(func=cmd_discover)
    a = p.parse_args(argv)
    try:
        a.func(a)
    except InputError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # output piped into ``head``: stop quietly
        sys.stdout = open(os.devnull, "w")
    return 0


if __name__ == "__main__":
    sys.exit(main())
