"""Work-size distributions, in hours, drawn from the model's own generators.

A distribution is given as a number (fixed) or a mapping with ``dist`` and its parameters;
``mean`` + ``cv`` is the usual way to say "about two hours, give or take half".
"""
from __future__ import annotations

import functools
import math
from dataclasses import dataclass

from .errors import InputError, not_a_number

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
            return functools.partial(rnd.expovariate, 1.0 / self.mean)
        if self.kind == "fixed":
            return functools.partial(float, self.mean)
        return functools.partial(self.sample, rnd)

    def scaled(self, factor: float) -> "Dist":
        return Dist(self.kind, self.mean * factor, self.cv, self.low * factor, self.high * factor)


def parse_dist(value, file, path, *, allow_zero=True) -> Dist:
    """Read a distribution spec; every mistake names the field."""
    if isinstance(value, bool):
        raise InputError(file, path, "expected a number of hours or a distribution mapping, got a boolean")
    if isinstance(value, (int, float)):
        if abs(value) > MAX_HOURS or not math.isfinite(value):
            raise InputError(file, path, f"expected a finite number of hours up to {MAX_HOURS:,}, got {str(value)[:20]}")
        if value < 0 or (value == 0 and not allow_zero):
            raise InputError(file, path, f"must be {'>= 0' if allow_zero else '> 0'}, got {value}")
        return Dist("fixed", float(value))
    if isinstance(value, str):
        raise InputError(file, path, not_a_number(value) + " (or a mapping with 'dist')")
    if not isinstance(value, dict):
        raise InputError(file, path, f"expected a number or a mapping with 'dist', got {type(value).__name__}")
    kind = value.get("dist", "fixed")
    if kind not in KINDS:
        raise InputError(file, f"{path}.dist", f"unknown distribution {kind!r} (allowed: {', '.join(KINDS)})")
    unknown = set(value) - {"dist", *KEYS[kind]}
    if unknown:  # a key the distribution ignores would silently do nothing (mean of a uniform)
        raise InputError(file, f"{path}.{sorted(unknown)[0]}", f"not a parameter of dist {kind!r} "
                                                              f"(it takes: {', '.join(KEYS[kind])})")

    def num(key, default=None):
        v = value.get(key, default)
        if v is None:
            raise InputError(file, f"{path}.{key}", f"required for dist {kind!r}")
        if isinstance(v, bool) or not isinstance(v, (int, float)) or abs(v) > MAX_HOURS * 10 or not math.isfinite(v):
            raise InputError(file, f"{path}.{key}", f"expected a finite number up to {MAX_HOURS:,}, got {str(v)[:20]}")
        if v > MAX_HOURS:
            raise InputError(file, f"{path}.{key}", f"must be <= {MAX_HOURS:,}, got {v}")
        if v < 0:
            raise InputError(file, f"{path}.{key}", f"must be >= 0, got {v}")
        return float(v)

    if kind in ("uniform", "triangular"):
        low, high = num("low"), num("high")
        if high < low:
            raise InputError(file, f"{path}.high", f"must be >= low ({low}), got {high}")
        mean = num("mean", (low + high) / 2) if kind == "triangular" else (low + high) / 2
        if kind == "triangular" and not (low <= 3 * mean - low - high <= high):
            raise InputError(file, f"{path}.mean", "mode implied by mean lies outside [low, high]")
        return Dist(kind, mean, 0.0, low, high)
    mean = num("mean")
    if mean == 0 and not allow_zero:
        raise InputError(file, f"{path}.mean", "must be > 0")
    cv = num("cv", 1.0 if kind == "exponential" else 0.0)
    if kind in ("lognormal", "gamma"):
        if not MIN_CV <= cv <= MAX_CV:
            raise InputError(file, f"{path}.cv", f"must be between {MIN_CV} and {MAX_CV} for dist {kind!r}, got {cv}")
        if mean <= 0:
            raise InputError(file, f"{path}.mean", f"must be > 0 for dist {kind!r}")
    return Dist(kind, mean, cv)
