"""Named random streams derived from the model's seed (common random numbers).

Each mechanism draws from its own stream, so a structure that adds a coordination step or a
dispatch choice never shifts the arrivals, work sizes or absences another structure sees.
Absences are drawn per person, keyed by the person's id, so a reform that moves people between
sections leaves everyone's trips and leave exactly where they were.
"""
from __future__ import annotations

import random
import zlib
from hashlib import blake2b

import numpy as np

STREAMS = ("arrivals", "work_sizes", "absences", "dispatch", "coordination", "continuity", "internal_coordination",
           "rework", "ownership")


def _seed_seq(seed: int, *key: int) -> np.random.SeedSequence:
    return np.random.SeedSequence(entropy=int(seed) & ((1 << 128) - 1), spawn_key=key)


def stream_index(name: str) -> int:
    return STREAMS.index(name)


def numpy_stream(seed: int, name: str) -> np.random.Generator:
    return np.random.default_rng(_seed_seq(seed, stream_index(name)))


def python_stream(seed: int, name: str, key: str | None = None) -> random.Random:
    """A fast scalar generator for a named stream (optionally one per key, e.g. per person)."""
    extra = (zlib.crc32(key.encode("utf-8")),) if key is not None else ()
    state = _seed_seq(seed, stream_index(name), *extra).generate_state(4)
    return random.Random(int.from_bytes(state.tobytes(), "little"))


def keyed_uniform(seed: int, name: str):
    """A function ``key -> u`` in [0, 1) for a named stream, counter-based: the same key gives the
    same number whatever else was drawn before (BLAKE2b keyed by the stream's seed state).

    Why: a draw that must match across structures per task and occasion (a return decision at a
    level: ``sim.mechanisms.rework``) cannot come from a sequence, whose position depends on how
    many draws the structure made before; one generator per task and level cost 20 us to seed."""
    secret = _seed_seq(seed, stream_index(name)).generate_state(4).tobytes()

    def uniform(key: str) -> float:
        return (int.from_bytes(blake2b(key.encode("utf-8"), digest_size=8, key=secret).digest(), "little") >> 11) * 2.0 ** -53
    return uniform
