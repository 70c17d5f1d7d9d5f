"""The model's ledgers as a standard event log: CSV with the process-mining column names, and XES
(IEEE Std 1849-2016), for tools such as ProM, Disco, Celonis or PM4Py.

Why a log of its own beside the events ledger: mining tools need calendar dates, one event per
lifecycle transition and the case's attributes; the ledger keeps working hours, one row per piece
of work, no leaders' sign-offs (``Ledgers.signoffs``) and no mark on work an absence broke off
(``Ledgers.interruptions``), which mining would read as the same step done twice (rework). It is
derived from the ledgers after the run, so the ledgers and their digests stay as they were.

Per case: ``case arrival``, then per piece of work or sign-off ``start`` and ``complete`` (work put
aside: ``suspend`` when it stops and ``resume`` when someone goes on with it, one ``concept:instance``
throughout, ``interruption`` saying why; a hand-out dropped because every head was away ends in
``ate_abort``), then ``case completed`` if it finished by the horizon. Work in hand at the horizon has
no events (the ledger writes a piece when it ends); cases that arrived during the warm-up are in.

Working hours become dates on the calendar of ``sim.calendar``: working day d is day d mod
days_per_week of week d // days_per_week, the weeks starting on Monday (weekday 0 of
``weekly_profile`` and ``meetings.weekday``), and the day's hours run from ``DAY_STARTS`` without a
break. Public holidays (and the weekend days worked in their place, 调休) are not modelled.
"""
from __future__ import annotations

import re
from datetime import date, time, timedelta
from pathlib import Path
from xml.sax.saxutils import quoteattr

import numpy as np
import pandas as pd

from .calendar import WorkCalendar
from .errors import InputError

# the first Monday of 2025: any Monday does (day 0 of the model is a Monday); a fixed one keeps the
# files the same run after run (assumption: no year is meant, the dates only order and space events)
DEFAULT_START = date(2025, 1, 6)
# when a working day starts (assumption: 09:00, so an 8-hour day ends at 17:00 inside the usual office
# hours of 8:30-17:30; the lunch break is ignored because the model's clock has none: an event's time
# of day is its working hour plus 09:00, and a job's duration on the clock is its working hours)
DAY_STARTS = time(9, 0)
# China Standard Time, UTC+8 all year (assumption: the offices modelled are in mainland China)
UTC_OFFSET = "+08:00"

ARRIVAL, COMPLETED = "case arrival", "case completed"
COLUMNS = ["case:concept:name", "concept:name", "org:resource", "org:group", "time:timestamp",
           "lifecycle:transition", "case:workflow", "case:structure", "org:role", "concept:instance", "interruption"]
# standard XES extensions (IEEE 1849-2016, section 8) and their defining files
EXTENSIONS = (("Concept", "concept", "http://www.xes-standard.org/concept.xesext"),
              ("Time", "time", "http://www.xes-standard.org/time.xesext"),
              ("Organizational", "org", "http://www.xes-standard.org/org.xesext"),
              ("Lifecycle", "lifecycle", "http://www.xes-standard.org/lifecycle.xesext"))
# order of events at one instant in a case: the arrival, pieces ending, pieces beginning, a piece of
# no duration ending after it began, the completion (a job ends before the next one starts)
_RANK = {"arrival": 0, "end": 1, "begin": 2, "instant_end": 3, "completed": 4}
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def parse_start_date(text: str) -> date:
    """``--start-date``: a Monday as YYYY-MM-DD (day 0 of the model is weekday 0, a Monday)."""
    if not _ISO_DATE.fullmatch(text or ""):
        raise ValueError(f"expected a date as YYYY-MM-DD, got {text!r}")
    try:
        d = date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"no such date: {text!r}") from None
    if d.weekday() != 0:
        raise ValueError(f"{text} is a {d:%A}; give a Monday (day 0 of the model is weekday 0 of weekly_profile "
                         f"and meetings.weekday, a Monday), e.g. {d - timedelta(days=d.weekday())}")
    return d


def check_span(start: date, days: int, calendar: WorkCalendar) -> None:
    """The run's last date (the day after its last working day, where the horizon falls) must be one
    pandas can hold (its timestamps end in April 2262): else an InputError naming --start-date."""
    try:
        last = start + timedelta(days=7 * (days // calendar.days_per_week + 1))
    except OverflowError:
        last = date.max
    if last >= date(2262, 4, 1):
        raise InputError("command line", "--start-date", f"{days} working days from {start} run past March 2262, "
                                                          "the last month the event log's dates can reach")


def day_opens(calendar: WorkCalendar) -> float:
    """The hour of the clock a working day starts at: ``DAY_STARTS``, or earlier for a working day
    longer than 15 hours, so that it ends by midnight (``sim.discover`` reads the dates back with it)."""
    return min(DAY_STARTS.hour + DAY_STARTS.minute / 60, 24 - calendar.hours_per_day)


def timestamps(hours, start: date = DEFAULT_START, calendar: WorkCalendar = WorkCalendar()) -> np.ndarray:
    """Working hours since the start as ISO 8601 strings with the offset (milliseconds; rounding
    keeps the order, so a piece never ends before it starts)."""
    h = np.asarray(hours, dtype=float)
    hpd = calendar.hours_per_day
    day = np.floor(h / hpd).astype(np.int64)
    weeks, weekday = np.divmod(day, calendar.days_per_week)
    opens = int(day_opens(calendar) * 3_600_000)
    ms = np.rint((h - day * hpd) * 3_600_000).astype(np.int64) + opens
    at = np.datetime64(start, "ms") + (weeks * 7 + weekday).astype("timedelta64[D]") + ms.astype("timedelta64[ms]")
    return np.char.add(np.datetime_as_string(at, unit="ms"), UTC_OFFSET)


def event_log(res, calendar: WorkCalendar = WorkCalendar(), start: date = DEFAULT_START) -> pd.DataFrame:
    """A run's ledgers (``sim.ledgers.RunResult``, recorded with events) as one event a row,
    ``COLUMNS``, cases in arrival order and each case's events in time order."""
    cases = pd.concat([res.tasks[["task", "workflow", "arrival", "completion"]].rename(columns={"task": "case"})
                       .astype({"workflow": str}), res.unfinished.assign(completion=np.nan)], ignore_index=True)
    done = cases["case"][cases["completion"].notna()]
    s = res.signoffs.reset_index(drop=True)
    sign_ids = np.char.add("s", np.arange(len(s)).astype(str))
    parts = [_frame(cases["case"], ARRIVAL, cases["arrival"], "complete", "arrival"),
             _frame(done, COMPLETED, cases["completion"].dropna(), "complete", "completed"),
             *_work(res, done),
             *(_frame(s["case"], s["activity"], s[col], tr, rank, s["leader"], None, s["level"], sign_ids)
               for col, tr, rank in (("start", "start", "begin"), ("end", "complete", "end")))]
    log = pd.concat(parts, ignore_index=True)
    log["rank"] = log["rank"].map(_RANK)
    log = log.sort_values(["case", "hours", "rank"], kind="stable", ignore_index=True)
    log["time:timestamp"] = timestamps(log["hours"].to_numpy(), start, calendar)
    log["case:workflow"] = log["case"].map(dict(zip(cases["case"], cases["workflow"])))
    log["case:structure"] = res.structure
    log["case:concept:name"] = log["case"].astype(str)
    return log[COLUMNS]


def _work(res, done) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The beginning and end of each row of the events ledger: start or resume, complete, suspend or
    ate_abort, matched to the interruption ledger by value (the same floats the run wrote). A piece
    going on after a gap keeps the gap's ``concept:instance``: ``w`` and the ledger row it began in."""
    ev = res.events.reset_index(drop=True)
    aside = res.interruptions.reset_index(names="gap")
    stopped = ev.merge(aside[["case", "activity", "resource", "at", "reason", "gap"]], how="left",
                       left_on=["case", "activity", "resource", "end"], right_on=["case", "activity", "resource", "at"])
    went_on = ev.reset_index(names="row").merge(
        aside[["case", "activity", "resumed_by", "resumed_at", "gap"]],
        left_on=["case", "activity", "resource", "start"], right_on=["case", "activity", "resumed_by", "resumed_at"])
    assert len(stopped) == len(ev), "an interruption matches more than one piece of work"
    suspended = stopped["gap"].notna().to_numpy()
    gap_row = dict(zip(stopped["gap"][suspended].astype(int), np.flatnonzero(suspended)))
    instance = np.arange(len(ev))
    for row, gap in sorted(zip(went_on["row"], went_on["gap"])):
        instance[row] = instance[gap_row[gap]]
    resumed = np.zeros(len(ev), dtype=bool)
    resumed[went_on["row"].to_numpy()] = True
    # put aside and never gone on with, yet the case finished: a hand-out dropped when every head was away
    # (the work went straight to the section, sim.mechanisms.dispatch), so the instance was aborted
    dropped = suspended & ~stopped["gap"].isin(went_on["gap"]).to_numpy() & ev["case"].isin(done).to_numpy()
    ends = np.where(dropped, "ate_abort", np.where(suspended, "suspend", "complete"))
    ids = np.char.add("w", instance.astype(str))
    who = (ev["resource"], ev["section"], ev["resource"].map(dict(zip(res.staff["staff"], res.staff["post"]))), ids)
    zero = (ev["end"] == ev["start"]).to_numpy()
    return (_frame(ev["case"], ev["activity"], ev["start"], np.where(resumed, "resume", "start"), "begin", *who),
            _frame(ev["case"], ev["activity"], ev["end"], ends, np.where(zero, "instant_end", "end"), *who,
                   stopped["reason"].where(suspended).to_numpy()))


def _frame(case, activity, hours, transition, rank, resource=None, group=None, role=None, instance=None,
           interruption=None) -> pd.DataFrame:
    """Events of one kind, with the sort keys ``case``, ``hours`` and ``rank``."""
    case = np.asarray(case)
    cols = {"case": case, "concept:name": activity, "hours": np.asarray(hours, dtype=float),
            "lifecycle:transition": transition, "rank": rank, "org:resource": resource, "org:group": group,
            "org:role": role, "concept:instance": instance, "interruption": interruption}
    return pd.DataFrame({k: (np.asarray(v) if isinstance(v, (pd.Series, np.ndarray)) else v) for k, v in cols.items()},
                        index=range(len(case)))


def write_csv(log: pd.DataFrame, path: Path) -> None:
    """UTF-8 without a byte-order mark (mining tools read it; the other ledgers are written so too)."""
    log.to_csv(path, index=False, lineterminator="\n")


def write_xes(log: pd.DataFrame, path: Path, name: str, start: date = DEFAULT_START) -> None:
    """XES as the IEEE 1849-2016 schema has it (``tests/data/xes-ieee-1849-2016.xsd``: no namespace,
    ``xes.version`` a decimal): the four standard extensions, global attributes every trace and event
    has, one trace per case with its events in time order, missing values left out."""
    q = quoteattr
    out = ['<?xml version="1.0" encoding="UTF-8"?>',
           "<!-- an event log of the simulated offices, written by sim/eventlog.py -->",
           '<log xes.version="1.0">']
    out += [f"\t<extension name={q(n)} prefix={q(p)} uri={q(u)}/>" for n, p, u in EXTENSIONS]
    out += ['\t<global scope="trace">', '\t\t<string key="concept:name" value="UNKNOWN"/>',
            '\t\t<string key="workflow" value="UNKNOWN"/>', '\t\t<string key="structure" value="UNKNOWN"/>',
            "\t</global>", '\t<global scope="event">', '\t\t<string key="concept:name" value="UNKNOWN"/>',
            '\t\t<date key="time:timestamp" value="1970-01-01T00:00:00.000+00:00"/>',
            '\t\t<string key="lifecycle:transition" value="complete"/>', "\t</global>",
            '\t<classifier name="activity" keys="concept:name"/>',
            '\t<classifier name="activity_transition" keys="concept:name lifecycle:transition"/>',
            f'\t<string key="concept:name" value={q(name)}/>', '\t<string key="lifecycle:model" value="standard"/>',
            f'\t<string key="start_date" value="{start}"/>',
            f'\t<string key="calendar" value={q(f"working days Monday on, from {DAY_STARTS:%H:%M}, no lunch break or holidays, UTC{UTC_OFFSET}")}/>']
    keys = [("concept:name", "string"), ("lifecycle:transition", "string"), ("time:timestamp", "date"),
            ("org:resource", "string"), ("org:group", "string"), ("org:role", "string"),
            ("concept:instance", "string"), ("interruption", "string")]
    cols = [log[k].to_numpy(dtype=object) for k, _ in keys]
    case, workflow, structure = (log[c].to_numpy(dtype=object) for c in ("case:concept:name", "case:workflow",
                                                                         "case:structure"))
    for i in range(len(log)):
        if i == 0 or case[i] != case[i - 1]:
            if i:
                out.append("\t</trace>")
            out += ["\t<trace>", f'\t\t<string key="concept:name" value={q(case[i])}/>',
                    f'\t\t<string key="workflow" value={q(workflow[i])}/>',
                    f'\t\t<string key="structure" value={q(structure[i])}/>']
        out.append("\t\t<event>")
        for (k, kind), col in zip(keys, cols):
            v = col[i]
            if isinstance(v, str):
                out.append(f'\t\t\t<{kind} key="{k}" value={q(v)}/>')
        out.append("\t\t</event>")
    if len(log):
        out.append("\t</trace>")
    out.append("</log>")
    path.write_text("\n".join(out) + "\n", encoding="utf-8")


def write_event_log(res, folder: Path, calendar: WorkCalendar, start: date, name: str) -> None:
    """``eventlog.csv`` and ``eventlog.xes`` of a run in ``folder``."""
    log = event_log(res, calendar, start)
    write_csv(log, folder / "eventlog.csv")
    write_xes(log, folder / "eventlog.xes", name, start)
