"""The bureau model wrapped for Mesa's ``batch_run``: the side-by-side peer of our sweep.

Same engine, same scenario, same (parameters, structure, seed) as a sweep run, so
both produce the same summary metrics; only the experiment machinery differs.
Mesa's ``batch_run`` reads results from a ``DataCollector`` at the last step, so
the summary is collected once the model stops (cheap placeholders before that).
"""
from __future__ import annotations

import mesa

import sim

_BASE = []


def _base():
    if not _BASE:  # once per worker process
        _BASE.append(sim.load_scenario("finance_bureau"))
    return _BASE[0]


class BatchOfficeModel(sim.OfficeModel):
    """OfficeModel with flat keyword parameters and a DataCollector, as ``batch_run`` expects."""

    def __init__(self, rate=6, load=1.0, structure="fragmented", seed=0, days=20):
        sc = _base().with_overrides({"params.absence.business_trip.rate_per_year": rate,
                                         "workload.load_factor": load})
        super().__init__(scenario=sc, structure=structure, seed=seed, days=days, record_events=False)
        self._summary = {}
        self.datacollector = mesa.DataCollector(
            model_reporters={m: (lambda m_=m: (lambda model: model._summary.get(m_)))() for m in sim.METRICS})

    def step(self):
        super().step()
        if not self.running:
            self._summary = self.finish().summary
        self.datacollector.collect(self)
