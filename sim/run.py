"""The model as a plain function of (scenario, structure, seed, overrides): any sampler or
executor (a loop, a process pool, Dask) can drive it and get the same answer for the same input."""
from __future__ import annotations

from pathlib import Path

import numpy as np

from .errors import InputError
from .ledgers import RunResult
from .model import OfficeModel
from .scenario import Scenario, load_scenario


def run(scenario: Scenario | str | None = None, *, structure: str | None = None, seed: int = 0,
        overrides: dict | None = None, days: int | None = None, record_events: bool = True,
        summary_only: bool = False) -> RunResult:
    """Run one structure of a scenario for its horizon (or ``days``) and return its ledgers.

    ``summary_only`` (sweeps, comparisons): keep no task rows and no event log; the summary, the
    staff, halt, absence and leader ledgers are the same bit for bit (``sim.ledgers.Ledgers``)."""
    sc = as_scenario(scenario)
    check_seed(seed)
    check_days(days)
    for name, flag in (("record_events", record_events), ("summary_only", summary_only)):
        if not isinstance(flag, (bool, np.bool_)):
            raise InputError("<python>", name, f"expected True or False, got {flag!r}")
    sc = sc.with_overrides(overrides)
    model = OfficeModel(scenario=sc, structure=structure, seed=seed, days=days, record_events=record_events,
                        summary_only=summary_only)
    model.run()
    result = model.finish()
    release(model)
    return result


def as_scenario(scenario) -> Scenario:
    """A Scenario, an embedded name or a file path (a ``str`` or ``Path``); anything else is an InputError."""
    if isinstance(scenario, Scenario):
        return scenario
    if scenario is not None and not isinstance(scenario, (str, Path)):
        raise InputError("<python>", "scenario", f"expected a Scenario, a name or a path, got {type(scenario).__name__}")
    return load_scenario(scenario)


def check_seed(seed) -> None:
    """Seeds feed numpy's SeedSequence: whole numbers >= 0."""
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise InputError("<python>", "seed", f"expected a whole number >= 0, got {seed!r}")


def check_days(days) -> None:
    if days is not None and (isinstance(days, bool) or not isinstance(days, (int, np.integer)) or days < 1):
        raise InputError("<python>", "days", f"expected a whole number of working days >= 1 (or None), got {days!r}")


def release(model) -> None:
    """Let a finished model be garbage-collected: Mesa 3.3 keeps every model ever built alive as a
    key of ``Agent._ids`` (its per-model id counter), so memory would grow run after run."""
    from mesa.agent import Agent
    Agent._ids.pop(model, None)
