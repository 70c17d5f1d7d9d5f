"""Executors: where runs happen (local process pool or a Dask cluster).

Both offer ``imap_unordered(tasks)``, yielding result rows as runs finish, and keep
only a bounded window of runs submitted at a time so memory stays flat however
many runs the sweep has, and a kill redoes at most that window.
"""
from __future__ import annotations

import concurrent.futures as cf
import multiprocessing
import os
from typing import Iterable, Iterator

from experiments.errors import ExperimentError
from experiments.runner import RunTask, failed_row, init_worker, run_in_worker, run_one


def _windowed(tasks: Iterator[RunTask], window: int, submit, wait_any,
              pending: dict | None = None) -> Iterator[tuple[RunTask, object]]:
    """Keep at most ``window`` futures pending; yield (task, finished future) as they complete.

    ``pending`` (future -> task) may be passed in so a caller that stops early knows what
    was in flight; tasks are pulled from the iterator only when submitted.
    """
    pending = {} if pending is None else pending
    exhausted = False
    while True:
        while not exhausted and len(pending) < window:
            task = next(tasks, None)
            if task is None:
                exhausted = True
            else:
                pending[submit(task)] = task
        if not pending:
            return
        for fut in wait_any(list(pending)):
            yield pending.pop(fut), fut


class LocalExecutor:
    """A pool of spawned processes on this machine (default: one per core)."""

    def __init__(self, scenario, workers: int | None = None, window: int | None = None):
        self.scenario = scenario
        self.workers = workers or os.cpu_count() or 1
        self.window = window or 2 * self.workers
        self._pool = None

    def describe(self) -> dict:
        return {"executor": "local", "workers": self.workers}

    def _new_pool(self):
        return cf.ProcessPoolExecutor(max_workers=self.workers, mp_context=multiprocessing.get_context("spawn"),
                                      initializer=init_worker, initargs=(self.scenario,))

    def __enter__(self):
        self._pool = self._new_pool()
        return self

    def __exit__(self, *exc):
        # on Ctrl-C / errors do not wait for the queue: drop what has not started
        self._pool.shutdown(wait=exc[0] is None, cancel_futures=True)

    def imap_unordered(self, tasks: Iterable[RunTask]) -> Iterator[dict]:
        source = iter(tasks)
        wait_any = lambda fs: cf.wait(fs, return_when=cf.FIRST_COMPLETED).done  # noqa: E731
        while True:
            pending: dict = {}
            broken = None
            for task, fut in _windowed(source, self.window, self._submit, wait_any, pending):
                try:
                    yield fut.result()
                except cf.process.BrokenProcessPool:
                    broken = task
                    break
            if broken is None:
                return
            # A worker died (segfault, OOM kill) and took every run in flight with it. Rerun
            # those one at a time on a fresh pool: a run that kills its worker alone is the culprit.
            suspects = [broken, *pending.values()]
            self._restart()
            for task in sorted(suspects, key=lambda t: t.run_index):
                try:
                    yield self._submit(task).result()
                except cf.process.BrokenProcessPool:
                    yield failed_row(task, "WorkerDied: the worker process died while running this run")
                    self._restart()

    def _submit(self, task: RunTask):
        try:
            return self._pool.submit(run_in_worker, task)
        except cf.process.BrokenProcessPool as e:  # pool broke before we noticed: report like a run
            fut = cf.Future()
            fut.set_exception(e)
            return fut

    def _restart(self):
        self._pool.shutdown(wait=False, cancel_futures=True)
        self._pool = self._new_pool()


class DaskExecutor:
    """Runs on a Dask distributed cluster; the base scenario is sent to each worker once."""

    def __init__(self, scenario, scheduler: str, window: int | None = None):
        self.scenario = scenario
        self.scheduler = scheduler
        self._window = window
        self.client = None

    def describe(self) -> dict:
        return {"executor": "dask", "scheduler": self.scheduler, "workers": self.workers}

    def __enter__(self):
        from distributed import Client

        try:
            # connect timeout: Dask config distributed.comm.timeouts.connect (env DASK_DISTRIBUTED__COMM__TIMEOUTS__CONNECT)
            self.client = Client(self.scheduler, set_as_default=False)
        except (OSError, TimeoutError) as e:
            raise ExperimentError(f"cannot connect to Dask scheduler {self.scheduler}: {e}") from None
        self.workers = sum(self.client.nthreads().values()) or 1
        self.window = self._window or 2 * self.workers
        self._scenario = self.client.scatter(self.scenario, broadcast=True)
        return self

    def __exit__(self, *exc):
        self.client.close()

    def imap_unordered(self, tasks: Iterable[RunTask]) -> Iterator[dict]:
        from distributed import as_completed

        finished = as_completed(loop=self.client.loop)  # our client, not the process default

        def submit(task):
            fut = self.client.submit(run_one, task, self._scenario, pure=False)
            finished.add(fut)
            return fut

        wait_any = lambda fs: finished.next_batch(block=True)  # noqa: E731
        for task, fut in _windowed(iter(tasks), self.window, submit, wait_any):
            try:
                yield fut.result()
            except Exception as e:  # noqa: BLE001 - e.g. KilledWorker: record and go on
                yield failed_row(task, f"{type(e).__name__}: {e}")


def make_executor(kind: str, scenario, workers=None, scheduler=None, window=None):
    if kind == "local":
        return LocalExecutor(scenario, workers=workers, window=window)
    if kind == "dask":
        if not scheduler:
            raise ExperimentError("--executor dask needs --scheduler tcp://HOST:PORT")
        return DaskExecutor(scenario, scheduler, window=window)
    raise ExperimentError(f"unknown executor {kind!r}")
