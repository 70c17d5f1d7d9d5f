"""Closed-form M/M/c results used to check the benchmark models."""


def erlang_c_probability(c: int, a: float) -> float:
    """Probability that an arrival has to wait in an M/M/c queue (Erlang C).

    ``a = lam / mu`` is the offered load in Erlangs; requires ``a < c``.
    Computed through the Erlang B recursion, which is numerically stable.
    """
    if c < 1:
        raise ValueError("c must be >= 1")
    if not 0 <= a < c:
        raise ValueError("offered load a must satisfy 0 <= a < c")
    b = 1.0  # Erlang B with 0 servers
    for k in range(1, c + 1):
        b = a * b / (k + a * b)
    return c * b / (c - a * (1.0 - b))


def mmc_mean_wait(c: int, lam: float, mu: float) -> float:
    """Mean waiting time in queue (before service) of an M/M/c queue."""
    a = lam / mu
    return erlang_c_probability(c, a) / (c * mu - lam)
