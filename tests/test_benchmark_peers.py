"""The benchmark's peers (experiments/benchmarks/peers.py) compute the same model as the engine:
their mean wait agrees with Erlang C, as the engine's does (tests/test_engine_theory.py)."""
from __future__ import annotations

import numpy as np
import pytest

from experiments.benchmarks.peers import erlang_c_wait, run_heapq, run_simpy


@pytest.mark.parametrize("peer", [run_simpy, run_heapq])
@pytest.mark.parametrize("k,c", [(4, 5), (1, 20)])
def test_peer_mean_wait_is_erlang_c(peer, k, c):
    """Six independent replications of ~25,000 tasks: Erlang C lies within 4 standard errors of
    their mean (a wrong queue, e.g. four sections read as one pool, is off by 10 or more)."""
    lam = 0.8 * k * c
    waits = [peer(k, c, lam, 1.0, 25_000 / lam, seed=s)["mean_wait"] for s in range(6)]
    theory = erlang_c_wait(k, c, lam, 1.0)
    assert abs(np.mean(waits) - theory) < 4 * np.std(waits, ddof=1) / np.sqrt(len(waits))


def test_the_check_can_fail():
    """One pool of 20 waits far less than four sections of 5 at the same load."""
    assert erlang_c_wait(1, 20, 16.0, 1.0) < 0.2 * erlang_c_wait(4, 5, 16.0, 1.0)
