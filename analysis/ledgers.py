"""Single-run ledgers from wherever they are: a ``RunResult`` in memory or the CSV folder that
``python -m sim run --out DIR`` writes (DIR/<structure>/{tasks,staff,...}.csv).

Figures take ``Ledgers`` (or anything with the same attributes, e.g. a ``RunResult``), so a run
analysed today and one saved to disk last week go through the same code.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from sim.ledgers import EVENT_COLUMNS, HALT_COLUMNS, SERIES_COLUMNS, STAFF_COLUMNS, TASK_COLUMNS, RunResult

PARTS = {"tasks": TASK_COLUMNS, "staff": STAFF_COLUMNS, "halts": HALT_COLUMNS, "timeseries": SERIES_COLUMNS,
         "events": EVENT_COLUMNS, "leaders": ["leader", "name", "signed", "signoff_hours", "absent_hours", "tray_at_end"]}


@dataclass
class Ledgers:
    """The ledgers of one run of one structure (the parts the CSV export keeps)."""
    structure: str
    tasks: pd.DataFrame
    staff: pd.DataFrame
    halts: pd.DataFrame
    timeseries: pd.DataFrame
    events: pd.DataFrame
    leaders: pd.DataFrame
    seed: int | None = None

    @property
    def hours_per_day(self) -> float | None:
        """Working hours per day, read back from the tasks ledger (cycle_hours / cycle_days)."""
        t = self.tasks[self.tasks["cycle_days"] > 0] if len(self.tasks) else self.tasks
        return float((t["cycle_hours"] / t["cycle_days"]).median()) if len(t) else None


def from_result(res: RunResult) -> Ledgers:
    return Ledgers(res.structure, res.tasks, res.staff, res.halts, res.timeseries, res.events, res.leaders, res.seed)


def read_dir(path) -> Ledgers:
    """One structure's folder (DIR/<structure>/); a missing CSV becomes an empty frame with its columns."""
    path = Path(path)
    if not path.is_dir():
        raise FileNotFoundError(f"{path}: no such ledger folder (write one with `python -m sim run --out DIR`)")
    frames = {}
    for part, cols in PARTS.items():
        f = path / f"{part}.csv"
        frames[part] = pd.read_csv(f) if f.exists() and f.stat().st_size > 0 else pd.DataFrame(columns=cols)
    if not any(len(df) for df in frames.values()):
        raise FileNotFoundError(f"{path}: no ledger CSVs ({', '.join(p + '.csv' for p in PARTS)})")
    return Ledgers(path.name, **frames)


def load_ledgers(source) -> dict[str, Ledgers]:
    """Ledgers by structure name from a RunResult, a list of them, a mapping, or a ``sim run --out`` folder.

    A folder may be the --out root (one subfolder per structure) or one structure's subfolder."""
    if isinstance(source, (RunResult, Ledgers)):
        source = [source]
    if isinstance(source, dict):
        return {name: as_ledgers(v, name) for name, v in source.items()}
    if isinstance(source, (str, Path)):
        root = Path(source)
        if (root / "tasks.csv").exists():
            return {root.name: read_dir(root)}
        subs = sorted(p for p in root.iterdir() if p.is_dir() and (p / "tasks.csv").exists()) if root.is_dir() else []
        if not subs:
            raise FileNotFoundError(f"{root}: no <structure>/tasks.csv below it (write with `python -m sim run --out DIR`)")
        return {p.name: read_dir(p) for p in subs}
    return {r.structure: as_ledgers(r) for r in source}


def as_ledgers(x, name: str | None = None) -> Ledgers:
    """Accept a RunResult, a Ledgers or a folder; ``name`` overrides the structure name."""
    led = x if isinstance(x, Ledgers) else from_result(x) if isinstance(x, RunResult) else read_dir(x)
    if name is not None and name != led.structure:
        led = Ledgers(name, led.tasks, led.staff, led.halts, led.timeseries, led.events, led.leaders, led.seed)
    return led
