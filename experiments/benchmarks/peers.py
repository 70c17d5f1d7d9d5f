"""Peers of the engine benchmark: the same queueing model written directly on SimPy and as a bare
``heapq`` loop, so the engine's speed is read against what the same model costs without it.

The model (issue 10): ``k`` sections of ``c`` staff each, every section with its own Poisson stream
of tasks (rate ``lam / k`` per working hour), exponential work of mean ``1 / mu`` hours, first come
first served, simulated for ``hours`` working hours from empty. ``k = 1`` is one pool of ``c``;
``k = 4, c = 5`` the four small sections. Both peers return the completed tasks and their mean wait,
which must agree with Erlang C (``sim.theory.mmc_mean_wait``) as the engine's does: a peer that
computes something else is no peer.

The SimPy peer is idiomatic SimPy (a process per task, ``Resource`` requests). The heapq peer is the
least a Python discrete-event model of this queue can do: one heap, one deque per section, no
objects per task; it is the floor the engine is measured against.
"""
from __future__ import annotations

import heapq
import math
import random
from collections import deque

import simpy

from sim.theory import mmc_mean_wait


def erlang_c_wait(k: int, c: int, lam: float, mu: float) -> float:
    """Mean wait of the model in theory: each section is M/M/c at rate ``lam / k``."""
    return mmc_mean_wait(c, lam / k, mu)


def run_simpy(k: int, c: int, lam: float, mu: float, hours: float, seed: int) -> dict:
    rng = random.Random(seed)
    env = simpy.Environment()
    sections = [simpy.Resource(env, capacity=c) for _ in range(k)]
    stats = [0, 0.0, 0]  # finished, total wait of started tasks, started

    def task(section, work):
        arrived = env.now
        with section.request() as req:
            yield req
            stats[1] += env.now - arrived
            stats[2] += 1
            yield env.timeout(work)
        stats[0] += 1

    def arrivals(section):
        rate = lam / k
        while True:
            yield env.timeout(rng.expovariate(rate))
            env.process(task(section, rng.expovariate(mu)))

    for s in sections:
        env.process(arrivals(s))
    env.run(until=hours)
    return {"tasks": stats[0], "mean_wait": stats[1] / stats[2] if stats[2] else float("nan")}


def run_heapq(k: int, c: int, lam: float, mu: float, hours: float, seed: int) -> dict:
    rng = random.Random(seed)
    expo = rng.expovariate
    rate = lam / k
    free = [c] * k
    waiting = [deque() for _ in range(k)]
    ev = [(expo(rate), s, -1 - s, None) for s in range(k)]  # (time, tie-break, section); arrivals are negative
    heapq.heapify(ev)
    push, pop = heapq.heappush, heapq.heappop
    seq = k
    done = []  # per finished task: arrival, start, end (the engine's ledger keeps as much and more)
    while ev and ev[0][0] <= hours:
        t, _, who, times = pop(ev)
        if who < 0:  # an arrival at section -1 - who
            s = -1 - who
            push(ev, (t + expo(rate), seq, who, None))
            seq += 1
            work = expo(mu)
            if free[s]:
                free[s] -= 1
                push(ev, (t + work, seq, s, (t, t)))
                seq += 1
            else:
                waiting[s].append((t, work))
        else:  # a completion at section ``who``
            done.append((*times, t))
            q = waiting[who]
            if q:
                arrived, work = q.popleft()
                push(ev, (t + work, seq, who, (arrived, t)))
                seq += 1
            else:
                free[who] += 1
    n = len(done)
    wait = math.fsum(start - arrived for arrived, start, _ in done)
    return {"tasks": n, "mean_wait": wait / n if n else float("nan")}
