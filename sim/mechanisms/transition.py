"""Transition: handover friction after a reform.

Staff a reform moved (``transferred``) work at ``1 - slowdown`` of their speed on day 0, recovering
linearly to full speed at ``params.transition.days`` (seed 002, Xicheng: the big offices still had
to "磨合" — run in — after the reform). Defaults 0 (no friction): assumption, set per scenario.
"""
from __future__ import annotations

from ..engine import Mechanism


class Transition(Mechanism):
    name = "transition"

    def __init__(self, e):
        self.e = e
        t = e.params.transition
        self.slowdown = t.slowdown
        self.end = t.days * e.hpd
        if self.end > 0:
            e.moved_speed = self.factor

    def factor(self) -> float:
        """Speed of reform-moved staff now: 1 - slowdown on day 0, back to 1 at the transition's end."""
        now = self.e.now
        if now >= self.end:
            return 1.0
        return 1.0 - self.slowdown * (1.0 - now / self.end)
