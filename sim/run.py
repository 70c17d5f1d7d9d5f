"""The model as a plain function of (scenario, structure, seed, overrides): any sampler or
executor (a loop, a process pool, Dask) can drive it and get the same answer for the same input."""
from __future__ import annotations

from .ledgers import RunResult
from .model import OfficeModel
from .scenario import Scenario, load_scenario


def run(scenario: Scenario | str | None = None, *, structure: str | None = None, seed: int = 0,
        overrides: dict | None = None, days: int | None = None, record_events: bool = True) -> RunResult:
    """Run one structure of a scenario for its horizon (or ``days``) and return its ledgers."""
    sc = scenario if isinstance(scenario, Scenario) else load_scenario(scenario)
    sc = sc.with_overrides(overrides)
    model = OfficeModel(scenario=sc, structure=structure, seed=seed, days=days, record_events=record_events)
    model.run()
    result = model.finish()
    release(model)
    return result


def release(model) -> None:
    """Let a finished model be garbage-collected: Mesa 3.3 keeps every model ever built alive as a
    key of ``Agent._ids`` (its per-model id counter), so memory would grow run after run."""
    from mesa.agent import Agent
    Agent._ids.pop(model, None)
