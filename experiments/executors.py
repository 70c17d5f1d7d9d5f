"""Executors: where runs happen (local process pool or a Dask cluster).

Both offer ``imap_unordered(tasks)``, yielding result rows as runs finish, and keep
only a bounded window of runs submitted at a time so memory stays flat however
many runs the sweep has, and a kill redoes at most that window.
"""
from __future__ import annotations

import concurrent.futures as cf
import multiprocessing
import os
import tempfile
from pathlib import Path
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
                                      initializer=init_worker, initargs=(self.scenario, os.getpid()))

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
    """Runs on a Dask distributed cluster; the base scenario is sent to each worker once, and the
    project's code to workers that lack it (``experiments.shipping``)."""

    def __init__(self, scenario, scheduler: str, window: int | None = None):
        self.scenario = scenario
        self.scheduler = scheduler
        self._window = window
        self.client = None

    def describe(self) -> dict:
        return {"executor": "dask", "scheduler": self.scheduler, "workers": self.workers}

    def __enter__(self):
        from distributed import Client
        from distributed.comm import get_address_host_port, normalize_address

        try:  # a malformed address would leave a half-made Client that hangs on exit
            get_address_host_port(normalize_address(self.scheduler))
        except ValueError as e:
            raise ExperimentError(f"--scheduler {self.scheduler}: not a Dask scheduler address ({e}); "
                                  "expected e.g. tcp://HOST:8786") from None
        try:
            # connect timeout: Dask config distributed.comm.timeouts.connect (env DASK_DISTRIBUTED__COMM__TIMEOUTS__CONNECT)
            self.client = Client(self.scheduler, set_as_default=False)
        except (OSError, TimeoutError, ValueError, TypeError) as e:
            raise ExperimentError(f"--scheduler {self.scheduler}: cannot connect to Dask scheduler: {e}") from None
        try:
            self._check_workers()
        except BaseException:
            self.client.close()
            raise
        self.workers = sum(self.client.nthreads().values()) or 1
        self.window = self._window or 2 * self.workers
        self._scenario = self.client.scatter(self.scenario, broadcast=True)
        return self

    def __exit__(self, *exc):
        self.client.close()

    def _check_workers(self, wait: float = 10.0) -> None:
        """Every worker must import this very ``sim``/``experiments``: ship a zip to workers that lack
        them; refuse workers with other sources (results would depend on where a run happened)."""
        import cloudpickle

        from experiments import shipping

        try:
            self.client.wait_for_workers(1, timeout=wait)
        except TimeoutError:
            raise ExperimentError(f"--scheduler {self.scheduler}: the Dask cluster has no workers after {wait:g} s; "
                                  f"start some with `dask worker {self.scheduler}`") from None
        ours = shipping.fingerprint()
        cloudpickle.register_pickle_by_value(shipping)  # workers may not have it: send the probe itself
        try:
            found = self.client.run(shipping.probe)
            if any("error" in r for r in found.values()):
                with tempfile.TemporaryDirectory() as d:
                    try:
                        self.client.upload_file(str(shipping.make_zip(Path(d))))
                    except Exception:  # noqa: BLE001 - e.g. a dependency missing there: the probe says which
                        pass
                found = self.client.run(shipping.probe)
        finally:
            cloudpickle.unregister_pickle_by_value(shipping)
        for worker, r in sorted(found.items()):
            if "error" in r:
                raise ExperimentError(f"--scheduler {self.scheduler}: Dask worker {worker} cannot import the project "
                                      f"even after it was shipped ({r['error']}); install the project's requirements "
                                      "there (pip install -r requirements.txt) or start the worker from a checkout "
                                      "with PYTHONPATH set to it")
            if r["fingerprint"] != ours:
                raise ExperimentError(f"--scheduler {self.scheduler}: Dask worker {worker} imports other sim/experiments "
                                      f"sources than this client (version {r['fingerprint']}, here {ours}); update "
                                      "its copy of the project, or start it without the project on its path so "
                                      "the client ships its own")

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
