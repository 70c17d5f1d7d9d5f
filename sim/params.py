"""Behaviour parameters: one dataclass per mechanism, each field documented where it is read.

Defaults are assumptions a scenario overrides; the seed scenarios document each value they set.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from .distributions import Dist

COORD_ROLES = ("sender", "receiver", "sender_head", "receiver_head", "sender_leader", "receiver_leader", "mail")


@dataclass(frozen=True)
class Protocol:
    """A coordination protocol paid when a task crosses a line: ``steps`` 环节, role i cycling
    through ``roles``; each step is work of ``hours`` waiting in that role's queue."""
    steps: int = 0
    roles: tuple[str, ...] = ("sender", "receiver_head", "receiver")
    hours: Dist = Dist("fixed", 0.5)
    mail_hours: float = 0.0  # a "mail" role step is a pure delay (formal letter in transit)


@dataclass(frozen=True)
class Handoff:
    section: Protocol = Protocol(3, ("sender", "receiver_head", "receiver"), Dist("fixed", 0.5))
    body: Protocol = Protocol(5, ("sender", "sender_leader", "mail", "receiver_leader", "receiver_head"),
                              Dist("fixed", 1.0), 8.0)


@dataclass(frozen=True)
class AbsenceKind:
    # the rate of *starting* an episode while present, per year of presence (52 x days_per_week working
    # days); episodes realised per calendar year are fewer: rate / (1 + rate x mean days / (52 x days_per_week))
    rate_per_year: float
    days: Dist  # duration in working days


@dataclass(frozen=True)
class Approval:
    signoff_hours_per_day: float = 1.0  # time a leader spends on the in-tray each day
    item_hours: float = 0.1  # sign-off time per item (6 minutes)
    session_hour: float = 7.0  # hour of the working day the leader reads the in-tray
    routing_hours: float = 1.0  # document circulation (公文流转) between levels
    head_item_hours: float = 0.1  # a section head's sign-off, done as a priority job


@dataclass(frozen=True)
class SizeCosts:
    dispatch_hours: float = 0.0  # head time to hand out one work item in a one-person section
    span_cost: float = 0.0  # relative extra dispatch/coordination time per extra section member
    novice_proficiency: float = 0.0  # speed of a member on a section function they were not trained in (0 = may not)
    learning_rate: float = 0.0  # proficiency gained per hour of work on a function (一岗多能), towards 1


@dataclass(frozen=True)
class Windows:
    incomplete_materials: float = 0.0  # chance a set of materials is incomplete: the citizen comes back


@dataclass(frozen=True)
class Transition:
    """Handover friction after a reform: staff a reform moved work at ``1 - slowdown`` of their speed
    on day 0, recovering linearly to full speed at ``days``."""
    days: float = 0.0
    slowdown: float = 0.0


@dataclass(frozen=True)
class Params:
    handoff: Handoff = Handoff()
    absence: dict[str, AbsenceKind] = field(default_factory=dict)
    leader_absence: dict[str, AbsenceKind] = field(default_factory=dict)
    approval: Approval = Approval()
    size_costs: SizeCosts = SizeCosts()
    windows: Windows = Windows()
    transition: Transition = Transition()
