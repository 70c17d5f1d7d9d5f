"""Work-size distributions, in hours, drawn from the model's own generators.

A distribution is given as a number (fixed) or a mapping with ``dist`` and its parameters (``KEYS``;
the file's shape is checked by ``sim.schema.DistSpec``); ``mean`` + ``cv`` is the usual way to say
"about two hours, give or take half".
"""
from __future__ import annotations

import functools
import math
from dataclasses import dataclass

KINDS = ("fixed", "exponential", "lognormal", "gamma", "uniform", "triangular")
KEYS = {"fixed": ("mean",), "exponential": ("mean",), "lognormal": ("mean", "cv"), "gamma": ("mean", "cv"),
        "uniform": ("low", "high"), "triangular": ("low", "high", "mean")}
MAX_HOURS = 1e6  # assumption: a duration beyond ~500 working years is a typo (and would overflow the clock's meaning)
MIN_CV, MAX_CV = 1e-3, 100.0  # assumption: gamma's shape is 1/cv^2, so cv 1e-200 divides by zero; 1e-3 is already fixed


@dataclass(frozen=True)
class Dist:
    kind: str
    mean: float
    cv: float = 0.0
    low: float = 0.0
    high: float = 0.0

    def sample(self, rnd) -> float:
        """One draw from a ``random.Random``-like stream (fast scalar draws in the hot path)."""
        k = self.kind
        if k == "exponential":
            return rnd.expovariate(1.0 / self.mean) if self.mean > 0 else 0.0
        if k == "fixed":
            return self.mean
        if k == "lognormal":
            s2 = math.log(1.0 + self.cv * self.cv)
            return rnd.lognormvariate(math.log(self.mean) - s2 / 2.0, math.sqrt(s2))
        if k == "gamma":
            shape = 1.0 / (self.cv * self.cv)
            return rnd.gammavariate(shape, self.mean / shape)
        if k == "uniform":
            return rnd.uniform(self.low, self.high)
        return rnd.triangular(self.low, self.high, 3 * self.mean - self.low - self.high)

    def bind(self, rnd):
        """A zero-argument sampler on ``rnd``: the hot path skips the dispatch on ``kind``."""
        if self.kind == "exponential" and self.mean > 0:
            lambd, rand, log = 1.0 / self.mean, rnd.random, math.log

            def exponential():  # random.expovariate's own expression, one call shallower
                return -log(1.0 - rand()) / lambd
            return exponential
        if self.kind == "fixed":
            return functools.partial(float, self.mean)
        if self.kind == "lognormal":  # the parameters ``sample`` works out, worked out once
            s2 = math.log(1.0 + self.cv * self.cv)
            return functools.partial(rnd.lognormvariate, math.log(self.mean) - s2 / 2.0, math.sqrt(s2))
        if self.kind == "gamma":
            shape = 1.0 / (self.cv * self.cv)
            return functools.partial(rnd.gammavariate, shape, self.mean / shape)
        return functools.partial(self.sample, rnd)

    def scaled(self, factor: float) -> "Dist":
        return Dist(self.kind, self.mean * factor, self.cv, self.low * factor, self.high * factor)
