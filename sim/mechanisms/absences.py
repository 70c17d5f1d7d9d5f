"""Absences: who is away when, and what happens to the work they hold.

Each person's absences are drawn from their own stream keyed by their id, so every structure sees
the same people away at the same times (common random numbers) unless a leave policy moves some
(below), and are written to the absence ledger as drawn (a moved one as taken); only each person's
next leave or return waits in the event heap (``Engine.schedule_series``). The rule is named in
``params.absence_rule`` (``sim.params.AbsenceRule``):

* ``start: mid_day`` (default) — alternating present / away episodes: an episode starts at any
  hour, after an exponential time present, and lasts the drawn number of working days (trips,
  meetings, sick hours, leave). ``start: whole_day`` — leave as offices book it (请假 by the day):
  at each working day's start a present person starts an episode with a daily probability, lasting
  the drawn days rounded to whole days (at least one). With one-day episodes each day is away
  independently with that probability. Episodes that follow each other without a day between are
  one absence (one leave, one return; the ledger keeps each episode).
* ``work_in_hand: hand_back`` (default) — the job in hand (and casework a head had broken off) goes
  back to the section: to an idle colleague able to do it, else to the front of its queue.
  ``finish_first`` — the person stops taking work at once (and no longer counts for halts) but
  finishes what they hold before the absence starts; an episode that ends before they finish is
  not taken at all (the staff ledger's ``absent_hours`` counts what was taken).
* ``counts`` — what ``rate_per_year`` (r, all kinds together, over Y = 52 x days_per_week working
  days, mean duration D days) means. ``starts_while_present`` (default, the first version's): the
  rate of starting while present; fewer episodes are realised, r / (1 + r D / Y) a year (the
  finance bureau's 22 give 19.7). ``episodes_per_year``: the episodes realised a year; the start
  rate is solved from it, r / (Y - r D) per present day for mid-day episodes and
  r / (Y + r - r D) per present day for whole days (D the mean in whole days), so r D must be
  less than Y.

Leaders are away by ``params.leader_absence`` under the same rule; an absent leader signs nothing
(``sim.mechanisms.approvals``).

**The leave-policy interface** (``sim.mechanisms.staggered_leave`` fills it). ``deferrable``: the
kinds whose staff episodes start through ``on_due`` (empty, the default: every episode is scheduled
as drawn, exactly the first version's events). A due episode is an ``Episode``; the policy calls
``take(episode)`` to let it start now (away for the drawn length, the taken times written to the
ledger) or ``postpone(episode, t)`` to be asked again at ``t``. Only an episode that is a whole
absence of its own (under ``whole_day``, a run of one episode) goes through ``on_due``;
``Episode.until`` is the person's next drawn start, which a taken episode must end before (so the
person's later episodes stay as drawn).
"""
from __future__ import annotations

import math

import numpy as np

from ..agents import Leader
from ..engine import Mechanism
from ..streams import python_stream


def whole_days_mean(dist) -> float:
    """E[max(1, round(X))] for a duration distribution in days: 1 + sum over k >= 1 of P(X >= k + 1/2)."""
    if dist.kind == "fixed":
        return float(max(1, math.floor(dist.mean + 0.5)))
    from scipy import stats  # only the whole-day rule with episodes_per_year needs it
    k = dist.kind
    if k == "exponential":
        frozen = stats.expon(scale=dist.mean)
    elif k == "lognormal":
        s2 = math.log(1.0 + dist.cv * dist.cv)
        frozen = stats.lognorm(math.sqrt(s2), scale=math.exp(math.log(dist.mean) - s2 / 2.0))
    elif k == "gamma":
        shape = 1.0 / (dist.cv * dist.cv)
        frozen = stats.gamma(shape, scale=dist.mean / shape)
    elif k == "uniform":
        frozen = stats.uniform(loc=dist.low, scale=dist.high - dist.low)
    else:
        mode = 3 * dist.mean - dist.low - dist.high
        frozen = stats.triang((mode - dist.low) / (dist.high - dist.low), loc=dist.low, scale=dist.high - dist.low)
    top = min(int(frozen.isf(1e-12)) + 2, 10 ** 6)
    return 1.0 + float(frozen.sf(np.arange(1, top + 1) + 0.5).sum())


def start_rate(kinds, rule, days_per_week, hours_per_day) -> float:
    """The rate at which a present person starts an episode: per working hour for mid-day episodes,
    the daily probability for whole days. ValueError when ``rate_per_year`` asks for the impossible."""
    whole_day = rule.start == "whole_day"
    year = 52 * days_per_week
    r = sum(k.rate_per_year for k in kinds.values())
    if r <= 0:
        return 0.0
    if rule.counts == "episodes_per_year":
        mean = sum(k.rate_per_year * (whole_days_mean(k.days) if whole_day else k.days.mean) for k in kinds.values()) / r
        if r * mean >= year:
            raise ValueError(f"{r:g} episodes a year of {mean:.3g} days on average are {r * mean:.4g} days away, more "
                             f"than the year's {year} working days (params.absence_rule.counts: episodes_per_year)")
        return r / (year + r - r * mean) if whole_day else r / ((year - r * mean) * hours_per_day)
    if not whole_day:
        return r / (year * hours_per_day)
    if r > year:
        raise ValueError(f"{r:g} starts a year is more than one per working day ({year}) under "
                         f"params.absence_rule.start: whole_day")
    return r / year


class Episode:
    """A staff absence episode as drawn, due to start (the leave-policy interface)."""
    __slots__ = ("person", "kind", "requested", "hours", "until", "row", "check")

    def __init__(self, person, kind, requested, hours, until, row):
        self.person = person
        self.kind = kind
        self.requested = requested  # the drawn start
        self.hours = hours  # the drawn length (it keeps it when taken later)
        self.until = until  # the person's next drawn start: a taken episode ends before it
        self.row = row  # its row in the absence ledger
        self.check = 0  # a policy's own counter (the day of its next look)


class Absences(Mechanism):
    name = "absences"

    def __init__(self, e):
        self.e = e
        rule = e.params.absence_rule
        self.whole_day = rule.start == "whole_day"
        self.finish_first = rule.work_in_hand == "finish_first"
        self.per_year = rule.counts == "episodes_per_year"
        self.deferrable = frozenset()  # the leave-policy interface (module docstring)
        self.on_due = None

    def build(self):
        e = self.e
        if self.finish_first:  # the moment a leaving person's hands are empty, the absence starts
            inner = e.job_done

            def job_done(m, job):
                inner(m, job)
                if m.leaving and m.job is None:
                    m.leaving = False
                    m.absent_since = e.now
            e.job_done = job_done

    def start(self):
        e = self.e
        p = e.params
        people = [(m, p.absence, "params.absence") for m in e.staff] + \
                 [(l, p.leader_absence, "params.leader_absence") for l in e.leaders.values()]
        rates = {}
        for person, kinds, field in people:
            if field not in rates:  # checked when the scenario was read (sim.scenario)
                rates[field] = start_rate(kinds, p.absence_rule, e.cal.days_per_week, e.hpd)
            rate = rates[field]
            if rate <= 0:
                continue
            rnd = python_stream(e.seed, "absences", person.sid)
            names = list(kinds)
            weights = [kinds[n].rate_per_year for n in names]
            gated = self.deferrable if field == "params.absence" else ()  # leaders hold no queue
            if self.whole_day:
                self._whole_days(person, rnd, rate, kinds, names, weights, gated)
            else:
                self._mid_day(person, rnd, rate, kinds, names, weights, gated)

    def _mid_day(self, person, rnd, rate, kinds, names, weights, gated):
        e = self.e
        t = rnd.expovariate(rate)
        events = []
        due = None  # a gated episode waiting for the next drawn start (its ``until``)
        while t < e.horizon:
            if due is not None:
                due.until = t
                due = None
            kind = rnd.choices(names, weights)[0]
            dur = kinds[kind].days.sample(rnd) * e.hpd
            if kind in gated:
                due = Episode(person, kind, t, dur, math.inf, len(e.ledgers.absences))
                events.append((t, self.on_due, due))
            else:
                events += ((t, self.leave, person), (t + dur, self.back, person))
            e.ledgers.absences.append((person.sid, kind, t, min(t + dur, e.horizon)))
            t += dur + rnd.expovariate(rate)
        if due is not None:
            due.until = t
        e.schedule_series(events)

    def _whole_days(self, person, rnd, q, kinds, names, weights, gated):
        """Episodes from day starts; one that starts the day the last one ends continues it (one
        absence, one leave and one return), so consecutive days away are one halt, not several.
        A run of one gated episode is due through ``on_due``; a longer run starts as drawn."""
        e = self.e
        log_stay = math.log(1.0 - q) if q < 1.0 else None
        d = 0
        run_start = None  # first day of the current run of consecutive days away
        run = []  # its episodes, (kind, ledger row), while gated kinds are read
        events = []
        while True:
            gap = int(math.log(1.0 - rnd.random()) / log_stay) if log_stay is not None else 0
            if run_start is not None and (gap > 0 or d >= e.days):
                if len(run) == 1 and run[0][0] in gated:
                    (kind, row), start = run[0], run_start * e.hpd
                    events.append((start, self.on_due, Episode(person, kind, start, d * e.hpd - start, (d + gap) * e.hpd, row)))
                else:
                    events += ((run_start * e.hpd, self.leave, person), (d * e.hpd, self.back, person))
                run_start = None
                run.clear()
            d += gap
            if d >= e.days:
                e.schedule_series(events)
                return
            kind = rnd.choices(names, weights)[0]
            n = max(1, math.floor(kinds[kind].days.sample(rnd) + 0.5))
            if gated:
                run.append((kind, len(e.ledgers.absences)))
            e.ledgers.absences.append((person.sid, kind, d * e.hpd, min((d + n) * e.hpd, e.horizon)))
            if run_start is None:
                run_start = d
            d += n

    def postpone(self, ep: Episode, t: float):
        """Look at ``ep`` again at ``t`` through ``on_due`` (the leave-policy interface); until it is
        taken its ledger row shows no time away, so a reader during the run sees the person present."""
        e = self.e
        if e.now == ep.requested:
            e.ledgers.absences[ep.row] = (ep.person.sid, ep.kind, ep.requested, ep.requested)
        e.schedule(t, self.on_due, ep)

    def take(self, ep: Episode):
        """Start ``ep`` now (the leave-policy interface): away for its drawn length, the ledger row
        rewritten to the taken times and its requested start kept (``Ledgers.requested``)."""
        e = self.e
        now = e.now
        if now != ep.requested:
            led = e.ledgers
            led.absences[ep.row] = (ep.person.sid, ep.kind, now, min(now + ep.hours, e.horizon))
            if led.requested is not None:
                led.requested[ep.row] = ep.requested
        self.leave(ep.person)
        e.schedule(now + ep.hours, self.back, ep.person)

    def leave(self, person):
        e = self.e
        person.present = False
        if isinstance(person, Leader):
            person.absent_since = e.now
            return
        if self.finish_first and person.job is not None:
            person.leaving = True
            person.absent_since = math.inf  # not away until their hands are empty
            e.unstaff(person)
            return
        person.absent_since = e.now
        if person.job is not None:  # the work in hand goes back to the section for a colleague
            e.suspend(person, "absence")
        in_hand, person.suspended = person.suspended, []
        e.unstaff(person)
        for job in in_hand:
            e.hand_back(job)

    def back(self, person):
        e = self.e
        if person.leaving:  # the episode ended before the work in hand did: never away
            person.leaving = False
            person.absent_since = e.now
        person.present = True
        lo = max(person.absent_since, e.warmup)
        person.absent_hours += max(e.now - lo, 0.0)
        if isinstance(person, Leader):
            return
        e.restaff(person)
        e.next_job(person)
