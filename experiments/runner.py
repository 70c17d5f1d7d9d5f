"""One run of the model as a plain, picklable function, so any executor can drive it.

Module-level functions only: worker processes are started with ``spawn`` (Mesa
forces it), which needs importable top-level callables.
"""
from __future__ import annotations

import dataclasses
import os
import threading
import time


@dataclasses.dataclass(frozen=True)
class RunTask:
    run_index: int
    run_id: str
    point: int
    replication: int
    structure: str
    seed: int
    params: dict
    days: int | None = None


def run_one(task: RunTask, scenario) -> dict:
    """Run the model once and return one result row; an exception becomes the ``error`` field.

    Catching here (in the worker) keeps one bad run from stopping the sweep.
    """
    import sim

    row = failed_row(task, None)
    try:
        sc = scenario.with_overrides(dict(task.params)) if task.params else scenario
        # only the summary is kept: no task rows, no event log (the same summary, bit for bit)
        res = sim.run(sc, structure=task.structure, seed=task.seed, days=task.days, summary_only=True)
        row.update({k: float(v) for k, v in res.summary.items()})
    except Exception as e:  # noqa: BLE001 - any model failure is data, not a crash
        row["error"] = f"{type(e).__name__}: {e}"
    return row


def failed_row(task: RunTask, error: str | None) -> dict:
    """A result row with the task's identity and parameters but no metrics."""
    return {"run_index": task.run_index, "run_id": task.run_id, "point": task.point,
            "replication": task.replication, "structure": task.structure, "seed": task.seed,
            **task.params, "error": error}


# A process-pool worker keeps the base scenario once instead of unpickling it per run.
_WORKER_SCENARIO = None


def init_worker(scenario, parent_pid: int | None = None) -> None:
    """Pool initializer: keep the scenario; leave Ctrl-C to the parent, which saves and stops;
    exit if the parent dies."""
    import signal

    global _WORKER_SCENARIO
    _WORKER_SCENARIO = scenario
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if parent_pid is not None:
        exit_with_parent(parent_pid)


def exit_with_parent(parent_pid: int, interval: float = 0.5) -> None:
    """Pool initializer: end this worker soon after ``parent_pid`` is gone.

    A parent killed outright (SIGKILL, the OOM killer) cannot stop its pool, and its workers
    would otherwise finish their run, then wait for work for ever, holding the terminal and the
    multiprocessing resource tracker. Once the parent dies this process is re-parented, so
    ``os.getppid()`` changes; a daemon thread polls it (portable, unlike Linux's PR_SET_PDEATHSIG,
    which fires when the spawning *thread* ends)."""
    def watch():
        while os.getppid() == parent_pid:
            time.sleep(interval)
        os._exit(1)

    threading.Thread(target=watch, name="exit-with-parent", daemon=True).start()


def run_in_worker(task: RunTask) -> dict:
    return run_one(task, _WORKER_SCENARIO)
