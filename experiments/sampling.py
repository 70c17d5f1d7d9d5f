"""From an experiment spec to the list of runs: design points, seeds and run ids.

Everything here is deterministic in the spec, so any process (a resumed sweep, a
Dask client, the sensitivity analysis) enumerates exactly the same runs.
"""
from __future__ import annotations

import hashlib
import itertools
import json
from typing import Iterator

import numpy as np

from experiments.runner import RunTask
from experiments.spec import Spec


def problem(spec: Spec) -> dict:
    """SALib problem definition for the sampled parameters."""
    return {"num_vars": len(spec.parameters),
            "names": [p.name for p in spec.parameters],
            "bounds": [[p.low, p.high] for p in spec.parameters]}


def sample_matrix(spec: Spec) -> np.ndarray | None:
    """The raw SALib sample (one row per design point), or None for a grid.

    Kept unrounded because SALib's analysers expect exactly the matrix they produced.
    """
    d = spec.design
    seed = spec.seed if d.seed is None else d.seed
    if d.method == "grid":
        return None
    if d.method == "latin":
        from SALib.sample import latin
        return latin.sample(problem(spec), d.n, seed=seed)
    if d.method == "sobol":
        from SALib.sample import sobol
        return sobol.sample(problem(spec), d.n, calc_second_order=d.second_order, seed=seed)
    if d.method == "morris":
        from SALib.sample import morris
        return morris.sample(problem(spec), d.n, num_levels=d.levels, seed=seed)
    raise AssertionError(d.method)  # spec validation rules this out


def points(spec: Spec) -> list[dict]:
    """Parameter values handed to the model, one dict per design point."""
    if spec.design.method == "grid":
        axes = [p.values for p in spec.parameters]
        return [dict(zip((p.name for p in spec.parameters), combo)) for combo in itertools.product(*axes)]
    out = []
    for row in sample_matrix(spec):
        out.append({p.name: (int(round(x)) if p.type == "int" else float(x))
                    for p, x in zip(spec.parameters, row)})
    return out


def replication_seeds(master_seed: int, replications: int) -> list[int]:
    """One seed per replication, shared by every structure and point (common random numbers)."""
    children = np.random.SeedSequence(master_seed).spawn(replications)
    return [int(c.generate_state(1)[0]) for c in children]


def run_id(point: int, params: dict, structure: str, replication: int, seed: int) -> str:
    """Stable id of one run; resume skips ids already stored."""
    key = json.dumps([point, params, structure, replication, seed], sort_keys=True)
    return hashlib.sha256(key.encode()).hexdigest()[:20]


def iter_runs(spec: Spec) -> Iterator[RunTask]:
    """All runs of the experiment in a fixed order (point, replication, structure)."""
    seeds = replication_seeds(spec.seed, spec.replications)
    index = 0
    for i, params in enumerate(points(spec)):
        for r, seed in enumerate(seeds):
            for s in spec.structures:
                yield RunTask(run_index=index, run_id=run_id(i, params, s, r, seed), point=i,
                              replication=r, structure=s, seed=seed, params=params, days=spec.days)
                index += 1


def count_runs(spec: Spec) -> int:
    return spec.n_points * spec.replications * len(spec.structures)
