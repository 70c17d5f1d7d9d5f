"""Skills and learning: how fast a person works on a function, and how that changes.

A person works a function at their proficiency in it (1.0 = specialist). With
``size_costs.novice_proficiency`` > 0, a section member may also work the section's functions they
were not trained in, at that speed (一岗多能: a colleague covers, slower); with 0 only the trained
may. With ``size_costs.learning_rate`` r > 0, each stint of work of h hours on a function moves the
proficiency p towards 1: p + (1 - p)(1 - exp(-r h)). Defaults 0: assumptions (the first version's;
the seed scenarios set 0.6 and 0.002 and document why).
"""
from __future__ import annotations

import math

from ..engine import Mechanism


class Learning(Mechanism):
    name = "learning"

    def __init__(self, e):
        self.e = e
        sc = e.params.size_costs
        self.novice = novice = sc.novice_proficiency
        self.rate = sc.learning_rate
        if novice > 0:
            e.may_serve = lambda m, f: True
            e.untrained_speed = novice
        if self.rate > 0:
            e.on_work.append(self.learn)

    def learn(self, m, f, elapsed):
        p = m.skills.get(f, 0.0) or self.novice
        if p < 1.0:
            m.skills[f] = p + (1.0 - p) * (1.0 - math.exp(-self.rate * elapsed))
