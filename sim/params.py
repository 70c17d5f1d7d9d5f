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


ABSENCE_STARTS = ("mid_day", "whole_day")
WORK_IN_HAND = ("hand_back", "finish_first")
RATE_COUNTS = ("starts_while_present", "episodes_per_year")
SPAN_FORMS = ("linear", "graicunas")


@dataclass(frozen=True)
class AbsenceRule:
    """How absences happen (``sim.mechanisms.absences``).

    ``start``: ``mid_day`` episodes start at any hour and last a drawn number of working days (a
    renewal process: trips, meetings, sick hours); ``whole_day`` episodes start at a day's start and
    last whole days (leave as offices book it: 请假 by the day). ``work_in_hand``: ``hand_back`` the
    job in hand goes back to the section's queue for a colleague; ``finish_first`` the person
    finishes what they hold (and what a head had broken off) before leaving. ``counts``: what
    ``rate_per_year`` counts: ``starts_while_present`` the rate of starting an episode per year of
    presence (52 x days_per_week working days; fewer are realised, as time away cannot start
    another), ``episodes_per_year`` the episodes realised per year of 52 x days_per_week days.
    Defaults: the first version's rule (assumption kept so the seed claims stay comparable)."""
    start: str = "mid_day"
    work_in_hand: str = "hand_back"
    counts: str = "starts_while_present"


LEAVE_POLICIES = ("none", "stagger")
LEAVE_SCOPES = ("covered", "any")


@dataclass(frozen=True)
class LeavePolicy:
    """When a person's own absences are taken (``sim.mechanisms.staggered_leave``): under ``stagger`` a
    ``deferrable`` episode due while its person is the last one present able to serve a queue holding
    work waits for a later working day's start, at most ``max_defer_days``; other kinds start as
    drawn. The requests are the same draws under every structure; only when they are taken differs.
    Seed 003 (Licheng): "联合值班 ... 实现干部队伍错峰休息" (joint duty ... staggered rest)."""
    # assumption: "none" (every episode starts as drawn) keeps the first version's runs and claims;
    # "stagger" is the Licheng combos' rule (seed 003: 错峰休息)
    policy: str = "none"
    # kinds of params.absence that may wait (checked under stagger). Default from the issue: leave and
    # training are booked and can move; business trips, meetings and sick leave are set by others
    deferrable: tuple[str, ...] = ("leave", "training")
    # working days a leave may wait at most. Assumption: one working week, longer than the colleague
    # absences that make someone the last one present (trips 2 days, training 4 on average), short
    # enough that leave booked for a purpose still happens about when asked
    max_defer_days: float = 5.0
    # whose absence counts as needed: "covered" only for queues someone else may also serve (the issue:
    # "in a large section or a combo"; staggering needs a colleague to stagger with, a sole holder's
    # leave would only move the halt); "any" also for queues only this person serves
    scope: str = "covered"


@dataclass(frozen=True)
class InternalCoordination:
    """Work passed between the old desks inside a merged section (``sim.mechanisms.internal_coordination``)."""
    # internal steps (a note and the colleague's confirmation) where a section line took three (seed 001's
    # "三个环节"); assumption: one; 0 switches the rule off
    steps: int = 1
    hours: float = 0.25  # assumption: half of a section-line step (0.5 h in the seed scenarios)
    # working days until the old desks know each other's work; assumption: about half a working year, the
    # "过渡适应期" of seed 001 ("工作交接、分工协同上仍要……完善")
    fade_days: float = 120.0
    floor: float = 0.0  # share of internal steps still paid after fade_days; 1 = seed 001's "依然各自为战"


@dataclass(frozen=True)
class Ownership:
    """Work on a function two sections claim passed between them before it is done (推诿扯皮;
    ``sim.mechanisms.ownership``). Acts only where a structure declares ``claims``."""
    # chance that the owner, each time it holds a contested task, passes it on to its claimant(s) (a round: to each
    # claimant and back). Assumption: one time in ten (a contested function is mostly routine work, done where it
    # always was; one in four bounced the finance bureau's one-person 政法科 into overload); seed 000 names the problem
    # ("职能交叉、推诿扯皮") but no rate
    p_pass: float = 0.1
    # passes at most per task and step; a round that would exceed it is not started. Assumption: four, two rounds
    # with one claimant: after being refused twice each way a matter goes to the deputy in charge, who settles it
    max_passes: int = 4


@dataclass(frozen=True)
class Deputies:
    """分管 (``sim.mechanisms.deputies``): who signs is set by ``Body.in_charge`` in the structure."""
    # a matter crossing into a section under another deputy needs both to sign (会签); the rule and the
    # usual practice of 会签 between 分管 leaders; false: the sending deputy's signature is enough (assumption to test)
    countersign: bool = True


@dataclass(frozen=True)
class Counterparts:
    """Upper-level work addressed to an old section by name (``sim.mechanisms.counterparts``)."""
    # a merged section's head routes it to the right desk, per nameplate the section carries; assumption: six
    # minutes (one sign-off's time, params.approval.item_hours) for each old name the head must keep in mind
    sort_hours: float = 0.1
    # a dropped nameplate: the upper-level body's contact is lost and the work waits to be re-routed; assumption:
    # two working days (a call back and the document sent again)
    lost_delay_hours: float = 16.0


@dataclass(frozen=True)
class Continuity:
    """Case continuity (``sim.mechanisms.dispatch``): the chance that the person who finishes a step
    takes the task's next step in the same section themselves, at once, ahead of older waiting work
    (the case stays with its handler: 首问负责、一办到底). 1 = always (the first version's implicit rule,
    kept as default: assumption, a clerk who has the file open carries on), 0 = never (the next step
    joins the queue behind older work; a free person takes the oldest job)."""
    keep_next_step: float = 1.0


@dataclass(frozen=True)
class Approval:
    signoff_hours_per_day: float = 1.0  # time a leader spends on the in-tray each day
    item_hours: float = 0.1  # sign-off time per item (6 minutes)
    session_hour: float = 7.0  # hour of the working day the leader reads the in-tray
    routing_hours: float = 1.0  # document circulation (公文流转) between levels
    head_item_hours: float = 0.1  # a section head's sign-off, done as a priority job


@dataclass(frozen=True)
class Meetings:
    """Approval levels that decide only at a meeting (局务会, 常务会; ``sim.mechanisms.meetings``): an
    item for such a level waits, after ``routing_hours`` of circulation, for the next meeting its
    leader attends, instead of the daily in-tray. Default: no level meets (the first version's
    daily in-tray for every level). Assumptions all: the seeds name no meeting day; the Shanxi seed's
    "办事时间缩减1周" (a week saved) is what a weekly meeting on the removed levels could explain."""
    # approval levels (the names of ``approve:`` steps, e.g. director, deputy_county_head) that decide
    # at a meeting; none by default (assumption: today's daily in-tray)
    levels: tuple[str, ...] = ()
    # day of the calendar week the meeting is held, from 0 (assumption: Monday, the usual 局务会 day)
    weekday: int = 0
    hour: float = 1.0  # working hour the meeting starts (assumption: in the morning, an hour after the day starts)
    # convene early, at the meeting hour of any day, once this many items wait (0 = never; assumption:
    # the seeds name no early meetings, so the default keeps the fixed day)
    size_trigger: int = 0
    # meeting time per item decided, one after another (assumption: 15 minutes: an item is presented
    # and discussed, longer than the six minutes of a signature in the in-tray)
    item_hours: float = 0.25


@dataclass(frozen=True)
class Rework:
    """Submissions returned for revision (退回修改; ``sim.mechanisms.rework``): after signing, a level
    returns a submission with its share; the redo goes back to the last work step before the
    sign-off and then up the chain again. Default 0: nothing is returned (the first version)."""
    # chance a level returns a submission (assumption: 0, the first version's behaviour; the seeds
    # give no return rate)
    share: float = 0.0
    # per-level shares that replace ``share`` for those levels, e.g. {director: 0.2} (assumption: none)
    by_level: dict[str, float] = field(default_factory=dict)
    # redo work as a fraction of the original work step's hours (assumption: a revision reworks part
    # of the file, not all of it: half)
    redo_fraction: float = 0.5


@dataclass(frozen=True)
class SizeCosts:
    """What a section's size costs its managers (``sim.mechanisms.span``, ``sim.mechanisms.dispatch``)
    and what its members can do of each other's work (``sim.mechanisms.learning``). The managers'
    costs are on by default: a model that pools staff for free and charges their head nothing lets
    large sections win by construction."""
    # head time to hand out one work item (批办/派件) with nobody else to follow; assumption: three minutes
    # to read an item and mark who does it, of the order of Mintzberg (1973), half of whose managers'
    # activities lasted under nine minutes; 0 = work goes straight to the section's queue
    dispatch_hours: float = 0.05
    # extra share of a manager's job time per relationship followed (per person under them in the
    # linear form); assumption: +5 % per person, so a head of 20 takes twice as long per item
    span_cost: float = 0.05
    span_form: str = "linear"  # linear: one relationship per person; graicunas: Graicunas' (1933) count
    span_cap: float = 100.0  # graicunas form: relationships counted at most (R(5) = 100: Graicunas' limit of five)
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
    absence_rule: AbsenceRule = AbsenceRule()
    leave_policy: LeavePolicy = LeavePolicy()
    continuity: Continuity = Continuity()
    internal_coordination: InternalCoordination = InternalCoordination()
    ownership: Ownership = Ownership()
    deputies: Deputies = Deputies()
    counterparts: Counterparts = Counterparts()
    approval: Approval = Approval()
    meetings: Meetings = Meetings()
    rework: Rework = Rework()
    size_costs: SizeCosts = SizeCosts()
    windows: Windows = Windows()
    transition: Transition = Transition()
