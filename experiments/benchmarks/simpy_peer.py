"""SimPy peer of the single-section "split vs pooled" model.

One section with ``c`` staff, Poisson task arrivals at rate ``lam`` per working
hour, exponential work with mean ``1/mu`` hours, FIFO service.

* ``"pooled"``: one M/M/c queue (a single ``simpy.Resource`` of capacity c).
* ``"split"``: c one-person sections; each arriving task is assigned to one of
  them uniformly at random, i.e. c independent M/M/1 queues at rate lam/c.

Written in plain, idiomatic SimPy (a generator process per task, ``Resource``
requests) so that it serves as a fair performance peer for our own engine.
The system starts empty and idle; there is no warm-up deletion.  Statistics
cover tasks that complete within ``hours``.
"""

from __future__ import annotations

import argparse
import random
import time

import simpy

from sim.theory import mmc_mean_wait


def run_simpy(mode: str, c: int, lam: float, mu: float, hours: float, seed: int) -> dict:
    """Simulate ``hours`` working hours; return tasks, mean_wait, mean_cycle, wall_seconds."""
    if mode not in ("split", "pooled"):
        raise ValueError(f"mode must be 'split' or 'pooled', not {mode!r}")
    rng = random.Random(seed)
    t0 = time.perf_counter()

    env = simpy.Environment()
    if mode == "pooled":
        servers = [simpy.Resource(env, capacity=c)]
    else:
        servers = [simpy.Resource(env, capacity=1) for _ in range(c)]

    stats = {"n": 0, "wait": 0.0, "cycle": 0.0}

    def task(env, server, work):
        arrived = env.now
        with server.request() as req:
            yield req
            started = env.now
            yield env.timeout(work)
        stats["n"] += 1
        stats["wait"] += started - arrived
        stats["cycle"] += env.now - arrived

    def arrivals(env):
        while True:
            yield env.timeout(rng.expovariate(lam))
            server = servers[0] if mode == "pooled" else servers[rng.randrange(c)]
            env.process(task(env, server, rng.expovariate(mu)))

    env.process(arrivals(env))
    env.run(until=hours)

    wall = time.perf_counter() - t0
    n = stats["n"]
    return {
        "tasks": n,
        "mean_wait": stats["wait"] / n if n else float("nan"),
        "mean_cycle": stats["cycle"] / n if n else float("nan"),
        "wall_seconds": wall,
    }


def main(argv=None) -> None:
    argparse.ArgumentParser(description=__doc__.splitlines()[0],
                            epilog="Runs both modes for one simulated year and prints tasks/s against Erlang C; no options.").parse_args(argv)
    c, rho, mu = 5, 0.8, 1.0          # 5 staff, mean work 1 h, 80 % load
    lam = rho * c * mu                # 4 tasks per working hour
    hours = 250 * 8.0                 # one simulated year: 250 days x 8 h
    theory = {
        "pooled": mmc_mean_wait(c, lam, mu),       # M/M/c, Erlang C
        "split": mmc_mean_wait(1, lam / c, mu),    # each sub-section M/M/1
    }
    print(f"c={c} lam={lam:g}/h mu={mu:g}/h rho={rho:g} hours={hours:g}")
    print(f"{'mode':7s} {'tasks':>6s} {'wall s':>8s} {'tasks/s':>10s} "
          f"{'mean_wait':>10s} {'theory':>8s} {'mean_cycle':>10s} {'theory':>8s}")
    for mode in ("split", "pooled"):
        r = run_simpy(mode, c, lam, mu, hours, seed=1)
        wq = theory[mode]
        print(f"{mode:7s} {r['tasks']:6d} {r['wall_seconds']:8.4f} "
              f"{r['tasks'] / r['wall_seconds']:10.0f} {r['mean_wait']:10.3f} "
              f"{wq:8.3f} {r['mean_cycle']:10.3f} {wq + 1 / mu:8.3f}")


if __name__ == "__main__":
    main()
