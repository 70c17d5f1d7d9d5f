"""A sweep: every run of an experiment, streamed to the store, resumable."""
from __future__ import annotations

import dataclasses
import time
from pathlib import Path

from experiments import sampling
from experiments.executors import make_executor
from experiments.spec import Spec
from experiments.store import ResultStore, session_info


@dataclasses.dataclass
class SweepReport:
    out_dir: Path
    total: int
    skipped: int
    ran: int
    failed: int          # failed runs among all stored runs
    seconds: float
    complete: bool
    notes: list = dataclasses.field(default_factory=list)  # damaged files set aside on resume


def run_sweep(spec: Spec, out_dir, executor: str = "local", workers: int | None = None,
              scheduler: str | None = None, window: int | None = None, chunk_size: int = 1000,
              retry_failed: bool = False, progress: bool = True, notify=None) -> SweepReport:
    """Run (or resume) every run of ``spec`` into ``out_dir``; already stored runs are skipped.

    ``notify(text)`` hears at once about damaged files set aside on opening (their runs are redone)."""
    store = ResultStore(out_dir, spec, chunk_size=chunk_size)
    total = sampling.count_runs(spec)
    ex = make_executor(executor, spec.base_scenario(), workers=workers, scheduler=scheduler, window=window)
    t0 = time.perf_counter()
    ran = 0
    with ex:
        store.open(session_info(**ex.describe(), retry_failed=retry_failed))
        for note in store.notes if notify else ():
            notify(note)
        try:
            skip, failed = store.finished(retry_failed=retry_failed)
            if retry_failed:
                failed = 0
            todo = (t for t in sampling.iter_runs(spec) if t.run_id not in skip)
            bar = _progress(total, len(skip), failed, progress)
            try:
                for row in ex.imap_unordered(todo):
                    store.add(row)
                    ran += 1
                    if row["error"] is not None:
                        failed += 1
                    bar.update(1)
                    bar.set_postfix(failed=failed, refresh=False)
            finally:
                bar.close()
        finally:
            store.close()  # also on Ctrl-C: whatever finished is kept
    complete = len(skip) + ran >= total
    if complete:
        store.write_results()
    return SweepReport(Path(out_dir), total, len(skip), ran, failed, time.perf_counter() - t0, complete,
                       store.notes)


def _progress(total, done, failed, enabled):
    from tqdm import tqdm

    bar = tqdm(total=total, initial=done, unit="run", desc="sweep", disable=not enabled, dynamic_ncols=True,
               smoothing=0.05)
    bar.set_postfix(failed=failed)
    return bar
