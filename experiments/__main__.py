"""Command line: ``python -m experiments {sweep,sensitivity,summarise} SPEC.yaml [--out DIR]``
and ``python -m experiments reproduce [--out DIR] [--quick]``.

A subcommand is one function taking the parsed args and returning an exit code,
registered with ``@subcommand(name, help, options=[...])``; the option groups
below are shared so commands accept the same flags. User errors (bad experiment
file, bad option value, wrong output directory, unreachable scheduler) print one
line naming the file or option and exit 2, before anything is written.
"""
from __future__ import annotations

import argparse
import os
import signal
import sys
from pathlib import Path

from experiments.errors import ExperimentError
from experiments.spec import MAX_RUNS

DESCRIPTION = """\
Experiment sweeps over the simulator, and the seed claims' reproduction:

  python -m experiments {sweep,sensitivity,summarise} SPEC.yaml [--out DIR] [options]
  python -m experiments reproduce [--out DIR] [--quick] [options]

SPEC.yaml is an experiment file (format: experiments/spec.py; examples: experiments/specs/).
'COMMAND --help' shows a command's options."""

SUBCOMMANDS: dict = {}


def subcommand(name: str, help: str, options=()):
    """Register ``fn(args) -> int`` as a subcommand; ``options`` add its arguments."""
    def register(fn):
        SUBCOMMANDS[name] = (fn, help, tuple(options))
        return fn
    return register


# ---------------------------------------------------------------- option values


def count(low: int, high: int, why: str = ""):
    """argparse type: a whole number in [low, high]; anything else is a one-line usage error."""
    def parse(text: str) -> int:
        try:
            v = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
        if not low <= v <= high:
            raise argparse.ArgumentTypeError(f"must be between {low:,} and {high:,}{why}, got {v:,}")
        return v
    return parse


def max_workers() -> int:
    """More processes than this only thrash (and each holds a model in memory)."""
    return 4 * (os.cpu_count() or 1)


def out_dir(text: str) -> Path:
    """argparse type for --out: refuse what can never be a results folder, before any work."""
    path = Path(text)
    if not text.strip():
        raise argparse.ArgumentTypeError("must name a folder, got ''")
    for p in (path, *path.parents):  # the nearest existing ancestor must be a writable folder
        if p.exists():
            if not p.is_dir():
                raise argparse.ArgumentTypeError(f"{p} is a file, not a folder")
            if not os.access(p, os.W_OK | os.X_OK):
                raise argparse.ArgumentTypeError(f"cannot create or write {path}: {p} is not writable")
            break
    return path


class Parser(argparse.ArgumentParser):
    """Usage errors as one line (``error: PROG: argument --x: reason``), exit code 2."""

    def error(self, message):
        self.exit(2, f"error: {self.prog}: {message} (see '{self.prog} --help')\n")


# ---------------------------------------------------------------- shared options


def spec_option(p):
    p.add_argument("spec", type=Path, help="experiment file (YAML)")
    p.add_argument("--out", type=out_dir, default=None,
                   help="output directory (default: results/<experiment name>)")


def executor_options(p):
    g = p.add_argument_group("execution")
    g.add_argument("--executor", choices=("local", "dask"), default="local",
                   help="local process pool (default) or a Dask distributed cluster")
    g.add_argument("--workers", type=count(1, max_workers(), f" (4 x the {os.cpu_count() or 1} cores)"),
                   default=None, help="local worker processes (default: all cores)")
    g.add_argument("--scheduler", default=None, help="Dask scheduler address, e.g. tcp://HOST:8786")
    g.add_argument("--window", type=count(1, MAX_RUNS), default=None,
                   help="runs in flight at once (default: 2 x workers); a kill redoes at most these")
    g.add_argument("--chunk-size", type=count(1, MAX_RUNS), default=1000, help="runs per Parquet chunk file")
    g.add_argument("--retry-failed", action="store_true", help="rerun runs that failed in an earlier session")
    g.add_argument("--no-progress", action="store_true", help="no progress bar")


def _load(args):
    from experiments.spec import load_spec

    spec = load_spec(args.spec)
    if args.out is not None:
        return spec, args.out
    out = Path("results") / spec.name  # the name is one plain folder name (checked on load)
    try:
        out_dir(str(out))
    except argparse.ArgumentTypeError as e:
        raise ExperimentError(f"--out (default {out}): {e}") from None
    return spec, out


def _sweep(spec, out, args):
    from experiments.sweep import run_sweep

    if args.executor == "dask" and args.workers is not None:
        raise ExperimentError("--workers: applies to --executor local; a Dask cluster's workers are its own")
    if args.executor == "local" and args.scheduler is not None:
        raise ExperimentError("--scheduler: applies to --executor dask only; add --executor dask to use it")
    rep = run_sweep(spec, out, executor=args.executor, workers=args.workers, scheduler=args.scheduler,
                    window=args.window, chunk_size=args.chunk_size, retry_failed=args.retry_failed,
                    progress=not args.no_progress, notify=lambda note: print(f"warning: {note}", file=sys.stderr))
    print(f"{spec.name}: {rep.total} runs: {rep.skipped} already stored, {rep.ran} run now, "
          f"{rep.failed} failed; {rep.seconds:.1f} s; results in {rep.out_dir}", file=sys.stderr)
    if rep.failed:
        print(f"warning: {rep.failed} run(s) failed; see the 'error' column "
              "(rerun with --retry-failed to try them again)", file=sys.stderr)
    return rep


# ---------------------------------------------------------------- subcommands


@subcommand("sweep", "run (or resume) every run of an experiment", [spec_option, executor_options])
def sweep(args) -> int:
    spec, out = _load(args)
    _sweep(spec, out, args)
    return 0


@subcommand("sensitivity", "Morris or Sobol indices for the experiment's sensitivity metrics "
            "(runs or resumes the sweep first)", [spec_option, executor_options])
def sensitivity(args) -> int:
    from experiments import sensitivity as sens
    from experiments.store import read_results

    spec, out = _load(args)
    if spec.design.method not in sens.INDEX_COLUMNS:
        raise ExperimentError(f"{spec.path}: design.method: sensitivity needs 'morris' or 'sobol', "
                              f"got {spec.design.method!r}")
    rep = _sweep(spec, out, args)
    if not rep.complete:
        raise ExperimentError(f"{out}: sweep incomplete; rerun to finish it")
    table = sens.analyse(spec, read_results(out))
    csv = out / f"sensitivity_{spec.design.method}.csv"
    table.to_csv(csv, index=False)
    png = sens.plot(spec, table, out / f"sensitivity_{spec.design.method}.png")
    _print_table(table)
    print(f"wrote {csv} and {png}", file=sys.stderr)
    return 0


@subcommand("summarise", "means with 95 % CIs per structure and point, and paired differences",
            [spec_option])
def summarise(args) -> int:
    from experiments import sampling
    from experiments import summarise as summ
    from experiments.store import check_results_dir, read_results

    spec, out = _load(args)
    check_results_dir(out, spec)  # a folder of another experiment has other columns: refuse it by name
    df = read_results(out)
    total = sampling.count_runs(spec)
    if len(df) < total:
        print(f"warning: {out}: {len(df)} of {total} runs stored; the sweep is incomplete, so these summaries "
              f"are too (run `python -m experiments sweep {spec.path} --out {out}` to finish it)", file=sys.stderr)
    params = [p.name for p in spec.parameters]
    summary = summ.summary_table(df, params, spec.metrics)
    diffs = summ.paired_differences(df, params, spec.metrics, spec.structures, spec.baseline)
    try:
        summary.to_csv(out / "summary.csv", index=False)
        diffs.to_csv(out / "differences.csv", index=False)
    except OSError as e:
        raise ExperimentError(f"--out {out}: cannot write the summaries: {e.strerror or e}") from None
    shown = diffs[diffs["metric"].isin(spec.sensitivity_metrics)]
    _print_table(shown)
    print(f"wrote {out / 'summary.csv'} and {out / 'differences.csv'}", file=sys.stderr)
    return 0


@subcommand("reproduce", "rebuild the five seed systems, run each before and after its reform with the same "
            "seeds, and print the claims table in tiers (identity, conditional, emergent) with four verdicts against "
            "declared margins, and where each dynamic claim holds (writes claims.csv, claims.md, where.csv, figures)",
            [lambda p: (p.add_argument("--out", type=out_dir, default=Path("out/claims"), help="output directory (default: out/claims)"),
                        p.add_argument("--quick", action="store_true",
                                       help="at most 5 replications and a small global sample, for CI: may say "
                                            "'inconclusive', never another verdict"),
                        p.add_argument("--replications", type=count(2, 1000, " (a CI needs two)"), default=None,
                                       help="replications at the first look (default 10; 3 with --quick); more are added "
                                            "while a verdict is undecided"),
                        p.add_argument("--max-replications", type=count(2, 1000, " (a CI needs two)"), default=None,
                                       help="cap on replications per comparison (default 40; 5 with --quick)"),
                        p.add_argument("--seed", type=count(0, 2**63 - 1), default=20240601, help="master seed"),
                        p.add_argument("--workers", type=count(1, max_workers(), f" (4 x the {os.cpu_count() or 1} cores)"),
                                       default=None, help="worker processes (default: all cores)"),
                        p.add_argument("--lang", choices=("en", "zh"), default="en", help="language of the figures"),
                        p.add_argument("--no-where", action="store_true",
                                       help="skip the global sample (where each claim holds)"),
                        p.add_argument("--system-figures", action=argparse.BooleanOptionalAction, default=None,
                                       help="each seed system's standard figures in out/claims/systems (default: on, "
                                            "off with --quick)"))])
def reproduce(args) -> int:
    from experiments.claims import reproduce as rep
    from experiments.claims.claims import Config
    from experiments.claims.runs import default_workers

    reps = args.replications if args.replications is not None else (3 if args.quick else Config.replications)
    workers = args.workers or default_workers()
    cfg = Config(replications=reps, seed=args.seed, quick=args.quick, cap=args.max_replications)
    if cfg.max_replications < reps:
        raise ExperimentError(f"--max-replications {cfg.max_replications} is below the first look's {reps} replications")
    try:
        args.out.mkdir(parents=True, exist_ok=True)  # now, not after minutes of runs
    except OSError as e:
        raise ExperimentError(f"--out {args.out}: cannot create the folder: {e.strerror or e}") from None
    figs = args.system_figures if args.system_figures is not None else not args.quick
    df, regions, secs = rep.reproduce(args.out, cfg, workers=workers, where=not args.no_where, lang=args.lang,
                                      system_figures=figs)
    rep.print_table(df, regions)
    print(f"{rep.tier_counts(df)}; {secs:.0f} s on {workers} worker(s); wrote {args.out}/claims.csv, claims.md and "
          "figures", file=sys.stderr)
    return 0


# ---------------------------------------------------------------- entry point


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(prog="python -m experiments", description=DESCRIPTION,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    subs = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name, (fn, help, options) in SUBCOMMANDS.items():
        # help texts are plain text: argparse %-formats a subcommand's help (not its description)
        p = subs.add_parser(name, help=help.replace("%", "%%"), description=help)
        for add in options:
            add(p)
        p.set_defaults(handler=fn)
    return parser


def main(argv=None) -> int:
    args = build_parser().parse_args(argv)
    signal.signal(signal.SIGTERM, _interrupt)  # batch schedulers stop jobs with SIGTERM: save and stop
    try:
        return args.handler(args)
    except KeyboardInterrupt:
        print("\ninterrupted: finished runs are saved; run the same command again to resume", file=sys.stderr)
        return 130
    except Exception as e:  # user errors only; anything else is a bug and keeps its traceback
        if isinstance(e, ExperimentError) or _is_model_input_error(e):
            print(f"error: {e}", file=sys.stderr)
            return 2
        raise


def _interrupt(signum, frame):
    raise KeyboardInterrupt


def _is_model_input_error(e) -> bool:
    sim = sys.modules.get("sim")
    return sim is not None and isinstance(e, getattr(sim, "InputError", ()))


def _print_table(df) -> None:
    import pandas as pd

    with pd.option_context("display.width", 200, "display.max_columns", 50, "display.max_rows", 200):
        print(df.to_string(index=False, float_format=lambda x: f"{x:.4g}"))


if __name__ == "__main__":
    sys.exit(main())
