"""Command line: ``python -m sim run [SCENARIO]``, ``python -m sim compare [SCENARIO] --structures A B`` and
``python -m sim schema [--out FILE]``."""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

import pandas as pd

from .compare import compare
from .errors import InputError
from .run import run
from .scenario import MAX_HORIZON_DAYS, available, load_scenario
from .schema import json_schema, write_schema

MAX_REPLICATIONS = 10_000  # assumption: CIs stop narrowing usefully long before; 1e9 would only exhaust memory

LEDGERS = ("tasks", "staff", "halts", "timeseries", "events", "leaders", "absences")  # what ``run --out`` writes
SHOWN = ("tasks_arrived", "tasks_completed", "tasks_unfinished", "mean_age_unfinished_days", "mean_cycle_days", "p90_cycle_hours", "steps_per_task", "coordination_steps_per_task",
         "handoffs_per_task", "approval_levels_per_task", "mean_wait_hours", "halts_per_1000_staff_days",
         "share_tasks_halted", "util_mean", "util_cv", "idle_share", "overloaded_share", "window_visits_per_service",
         "trips_per_service", "leader_posts_per_100_staff", "leader_hours_share", "released_leaders")


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
    """The ``compare --out`` CSV file, checked before any simulation."""
    if not str(path).strip():
        raise InputError("command line", "--out", "must name a CSV file, got ''")
    out = Path(path)
    if out.is_dir():
        raise InputError("command line", "--out", f"{out} is a folder; give a CSV file name, e.g. {out / 'runs.csv'}")
    if not out.parent.is_dir():
        raise InputError("command line", "--out", f"the folder {out.parent} does not exist")
    return out


def _window(sc, days) -> str:
    """The simulated and measured span, saying so when a short run cuts the scenario's warm-up."""
    days = days or sc.horizon_days
    warm = min(sc.warmup_days, max(days - 1, 0))
    note = f" (the scenario's {sc.warmup_days}-day warm-up cut to {warm} for this short run)" if warm < sc.warmup_days else ""
    return f"{days} working days, the first {warm} not measured{note}"


def _fmt(v):
    return "—" if pd.isna(v) else f"{v:,.3f}" if abs(v) < 100 else f"{v:,.1f}"


def cmd_run(a):
    sc = load_scenario(a.scenario)
    names = [a.structure] if a.structure else sc.structure_names
    for name in names:
        if name not in sc.structures:
            raise InputError(sc.file, "--structure", f"unknown structure {name!r} (defined: {', '.join(sc.structure_names)})")
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
            except OSError as e:
                raise InputError("command line", "--out", f"cannot write {out}: {e.strerror or e}") from None
    print(f"{sc.name}: seed {a.seed}, {_window(sc, a.days)} ({sc.file})\n")
    table = pd.DataFrame(cols).loc[list(SHOWN if not a.all else cols[names[0]].keys())]
    print(table.map(_fmt).to_string())
    if a.out:
        print(f"\nledgers written to {a.out}/<structure>/*.csv")
    for name, ws in warnings.items():
        _warn(name, ws)


def _warn(structure, warnings):
    """Warnings go to stderr, one line each, naming the structure: the table alone would look normal."""
    sys.stdout.flush()
    for w in warnings:
        print(f"warning: {structure}: {w}", file=sys.stderr)


def cmd_compare(a):
    sc = load_scenario(a.scenario)
    structures = a.structures or sc.structure_names
    for s in structures:
        if s not in sc.structures:
            raise InputError(sc.file, "--structures", f"unknown structure {s!r} (defined: {', '.join(sc.structure_names)})")
    if len(structures) < 2:
        raise InputError(sc.file, "--structures", "name at least two structures to compare")
    twice = sorted({s for s in structures if structures.count(s) > 1})
    if twice:
        raise InputError(sc.file, "--structures", f"{', '.join(twice)} named more than once")
    out = _out_file(a.out) if a.out is not None else None
    c = compare(sc, structures=structures, replications=a.replications, seed=a.seed, days=a.days)
    print(f"{sc.name}: {a.replications} replications, common random numbers, seed {a.seed}, {_window(sc, a.days)}\n")
    rows = []
    for m in SHOWN:
        row = {"metric": m}
        for s in structures:
            r = c.summary[(c.summary.structure == s) & (c.summary.metric == m)].iloc[0]
            row[s] = _fmt(r["mean"])
        for s in structures[1:]:
            d = c.differences[(c.differences.structure == s) & (c.differences.metric == m)].iloc[0]
            row[f"{s} − {structures[0]} (95% CI)"] = f"{_fmt(d.mean_diff)} [{_fmt(d.ci_low)}, {_fmt(d.ci_high)}]"
        rows.append(row)
    print(pd.DataFrame(rows).set_index("metric").to_string())
    if out is not None:
        try:
            c.metrics.to_csv(out, index=False)
        except OSError as e:
            raise InputError("command line", "--out", f"cannot write {out}: {e.strerror or e}") from None
        print(f"\nper-run metrics written to {out}")
    for s, ws in c.warnings.items():
        _warn(s, ws)


def cmd_schema(a):
    write_schema(json_schema(), a.out)


def cmd_import(a):
    """A roster (实名制名册) becomes a scenario file: see sim/roster.py."""
    from .roster import import_roster  # local: only this command reads spreadsheets
    print(import_roster(a.roster, a.out, name=a.name, force=a.force))


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
    r.add_argument("--out", help=f"folder to write the ledgers ({', '.join(LEDGERS)}) as CSV, one subfolder per structure")
    r.set_defaults(func=cmd_run)
    c = sub.add_parser("compare", help="compare structures with replications and paired 95%% CIs",
                       description="Run structures of a scenario on the same seeds and print paired differences.")
    c.add_argument("scenario", nargs="?", default="finance_bureau", help=scen_help)
    c.add_argument("--structures", nargs="+", help="structures to compare, baseline first (default: all)")
    c.add_argument("--replications", type=_bounded(MAX_REPLICATIONS), default=10, help="replications (default 10)")
    c.add_argument("--seed", type=_nonneg_int, default=1, help="master seed (default 1)")
    c.add_argument("--days", type=_bounded(MAX_HORIZON_DAYS), help="working days to simulate")
    c.add_argument("--out", help="CSV file for the per-run metrics")
    c.set_defaults(func=cmd_compare)
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
