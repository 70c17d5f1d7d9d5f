"""Span of control: a head's time per item grows with the number of people under them.

The rule: in a section with managers (its head and deputies), every hand-out, sign-off and handoff
job a manager does takes ``span_factor(under)`` times its base time, where ``under`` is the number
of people each manager answers for: the section's other members shared among its managers
(``(size - 1) / managers``; a deputy heading a sub-team takes part of the head's span). A section
without a head or deputy has no one to hand out work (factor 1, no hand-outs): its members
organise themselves, as the M/M/c servers of the queueing-theory tests do.

Two forms (``params.size_costs.span_form``):

* ``linear`` (default): ``1 + span_cost x under``: one relationship to follow per person, each
  adding the same (Gulick 1937: a head's capacity is bounded by "knowledge, time and energy"; the
  linear form is the assumption that each person adds the same). A one-person section pays nothing.
* ``graicunas``: ``1 + span_cost x min(R(under), span_cap)`` with Graicunas' (1933) count of
  relationships ``R(n) = n (2^(n-1) + n - 1)`` (direct single, direct group and cross): 1, 6, 18,
  44, 100 for one to five people, which is why Graicunas put the limit at five or six for
  interlocking work. ``span_cap`` (default 100 = R(5)) bounds it where a head no longer attends to
  every relationship (assumption: beyond Graicunas' limit the office turns informal).

Why a separate rule: with large sections the head can become the bottleneck (Simon 1946: a wider
span means fewer levels but more load on each head); a model that pools staff for free but charges
nothing for their head would let large sections win by construction.
"""
from __future__ import annotations

from ..engine import Mechanism


def relationships(n: float) -> float:
    """Graicunas' (1933) relationships of a manager with ``n`` subordinates: n (2^(n-1) + n - 1)."""
    return n * (2.0 ** (n - 1.0) + n - 1.0) if n > 0 else 0.0


def span_factor(under: float, span_cost: float, form: str = "linear", cap: float = 100.0) -> float:
    """How many times its base time a manager's job takes with ``under`` people per manager."""
    if under <= 0.0 or span_cost <= 0.0:
        return 1.0
    if form == "graicunas":
        return 1.0 + span_cost * min(relationships(under), cap)
    return 1.0 + span_cost * under


def people_under(size: int, managers: int) -> float:
    """People each manager answers for: the other members shared among the head and deputies."""
    return (size - 1) / managers if managers else 0.0


class Span(Mechanism):
    """Fills the engine's ``span`` slot: section id -> factor on its managers' jobs."""
    name = "span"

    def __init__(self, e):
        self.e = e
        sc = e.params.size_costs
        self.cost, self.form, self.cap = sc.span_cost, sc.span_form, sc.span_cap

    def build(self):
        e = self.e
        for sid, info in e.section_info.items():
            managers = sum(m.post in ("head", "deputy") for m in info["members"])
            e.span[sid] = span_factor(people_under(info["size"], managers), self.cost, self.form, self.cap)
            e.managed[sid] = managers > 0
