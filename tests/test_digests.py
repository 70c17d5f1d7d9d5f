"""The engine's outputs, pinned: every embedded scenario and structure (and variants that switch on
head dispatch with a span cost, lending without paperwork and overload) must give ledgers and
summaries whose digests equal the stored ones, bit for bit.

Why: reshaping the engine (or speeding it up) must not change a single number. When a change is
meant to alter outputs, regenerate with ``REGENERATE_DIGESTS=1 python -m pytest tests/test_digests.py``
and say in the commit which outputs changed and why."""
from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import pytest

from sim.run import run
from sim.scenario import available, load_scenario

STORE = Path(__file__).parent / "data" / "engine_digests.json"
SEED = 3
VARIANTS = {  # mechanisms the embedded defaults leave off, switched on
    "huaibei_pilots+dispatch": ("huaibei_pilots", {"params.size_costs.dispatch_hours": 0.1,
                                                   "params.size_costs.span_cost": 0.5}),
    "finance_bureau+overload": ("finance_bureau", {"workload.load_factor": 1.3}),
    "licheng_combos+no_paperwork": ("licheng_combos", {"structures.separate.lending_delay_hours": 0}),
}
FRAMES = ("tasks", "staff", "halts", "timeseries", "events", "leaders", "absences")


def cases():
    for name in available():
        for st in load_scenario(name).structure_names:
            yield f"{name}/{st}", name, st, None
    for label, (name, overrides) in VARIANTS.items():
        for st in load_scenario(name).structure_names:
            yield f"{label}/{st}", name, st, overrides


def digest(result) -> dict:
    out = {f: hashlib.sha256(getattr(result, f).to_csv(index=False).encode()).hexdigest()[:16] for f in FRAMES}
    out["summary"] = hashlib.sha256(json.dumps({k: repr(v) for k, v in result.summary.items()},
                                               sort_keys=True).encode()).hexdigest()[:16]
    return out


def compute(name, st, overrides) -> dict:
    sc = load_scenario(name).with_overrides(overrides)
    return digest(run(sc, structure=st, seed=SEED))


CASES = list(cases())


def test_store_covers_every_case():
    if os.environ.get("REGENERATE_DIGESTS"):
        STORE.write_text(json.dumps({label: compute(n, s, o) for label, n, s, o in CASES}, indent=1, sort_keys=True) + "\n")
    stored = json.loads(STORE.read_text())
    assert sorted(stored) == sorted(label for label, *_ in CASES)


@pytest.mark.parametrize("label,name,st,overrides", CASES, ids=[c[0] for c in CASES])
def test_outputs_bit_identical(label, name, st, overrides):
    stored = json.loads(STORE.read_text())[label]
    got = compute(name, st, overrides)
    changed = [k for k in stored if stored[k] != got.get(k)]
    assert not changed, f"{label}: {', '.join(changed)} differ from the stored digests"
