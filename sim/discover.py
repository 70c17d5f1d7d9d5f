"""Workload discovery: an event log (CSV or XES) becomes a commented scenario of the unit as it worked.

``python -m sim discover LOG --out workload.yaml`` reads who did what when (case, activity, resource,
timestamp; group, start time and lifecycle where the log has them) and writes structure ``before`` and
its workload, each figure derived by a method stated here and in the file's comments. Why: a unit's
records (办件系统, OA logs) say its real rates and hours better than anyone's estimate, and
``sim.roster``'s placeholder workload is only a start. ``--validate`` fits on the log's earlier part and
checks the fit reproduces the later part's timing (``validate``).

The project's own logs (``sim.eventlog``) are read as they mean: ``case arrival`` / ``case completed``
mark a case's ends; ``approve:LEVEL`` is a sign-off ({approve: LEVEL}), not work; ``work:F`` and
``visit:F`` are steps of function F; dispatch, handoffs, passes, internal coordination, counterpart
sorting and rework are what the model's mechanisms add by themselves (``MECHANISMS``), so they are not
steps (they would be counted twice); suspend/resume splits one piece of work, never repeats it.
Any other activity is a work step of the function of the same name.
"""
from __future__ import annotations

import math
import re
import xml.etree.ElementTree as ET
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import stats
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from .calendar import WorkCalendar
from .errors import InputError, short
from .eventlog import ARRIVAL, COMPLETED, DEFAULT_START, day_opens, event_log
from .roster import MAX_SHOWN, PLACEHOLDER_HOURS, RosterErrors, _count, _ids, _q, _reference_block
from .scenario import parse_scenario
from .structure import POSTS
from .yamlfile import parse_yaml

# the log's columns: option -> default name (the process-mining conventions sim/eventlog.py writes)
COLUMNS = {"case": "case:concept:name", "activity": "concept:name", "resource": "org:resource",
           "group": "org:group", "timestamp": "time:timestamp", "start_timestamp": "start_timestamp",
           "lifecycle": "lifecycle:transition"}
REQUIRED = ("case", "activity", "resource", "timestamp")
ROLE, INSTANCE = "org:role", "concept:instance"  # read when present (sim/eventlog.py writes both)
STEPS = ("work:", "visit:", "approve:")  # the step names sim/mechanisms/routing.py gives a route's steps
# activities the model's mechanisms add to a route by themselves (sim/mechanisms/: dispatch, routing's
# handoff protocol and 会签, ownership's passes, internal coordination, counterparts, rework)
MECHANISMS = re.compile(r"dispatch$|(handoff|handoff_body|pass:.+|countersign|internal|counterpart|rework):")
OPENS, CLOSES = ("start", "resume"), ("suspend", "complete", "ate_abort")  # XES standard lifecycle transitions
MAX_LOG_BYTES = 2_000_000_000  # assumption: a unit's log of a few years is well under; bounds a wrong file
# working hours: the clock times between which a day's events fall, from these quantiles of the times of
# day, to the quarter hour (assumption: trims the odd late e-mail; the quarter hour is how offices set hours)
DAY_QUANTILES, QUARTER = (0.005, 0.995), 0.25
MIN_DAY_SHARE = 0.01  # assumption: a weekday with under 1 % of the events is not a working day (a rare weekend shift)
PROFILE_P = 0.01  # a weekly_profile is written only if arrivals by weekday differ from even at this level (chi-square)
LEVEL_DEPUTY = "deputy_director"
# --validate verdict thresholds (assumptions: a model that misses by more would mislead a comparison of
# structures whose differences are of this size; they are not standards of any field)
THRESHOLDS = {"cycle_wasserstein_rel": 0.25, "cycle_ks": 0.2, "throughput_rel": 0.1, "wip_rel": 0.25}
VALIDATION_RUNS = 5  # simulated runs pooled for --validate (seeds seed .. seed+4): one run's noise is large


# ---- reading -------------------------------------------------------------------------------------
@dataclass
class Log:
    """The log's events in standard columns, ``where`` (row N / event N) and ``ts`` (wall clock)."""
    file: str
    frame: pd.DataFrame
    has_lifecycle: bool
    has_start: bool
    notes: list[str] = field(default_factory=list)  # droppable problems, one line each, with counts


def _fail(file, errors: list[InputError]):
    raise RosterErrors(errors) if len(errors) > 1 else errors[0]


def _xes_rows(path: Path) -> list[dict]:
    """One dict per event: its attributes, the trace's as ``case:KEY`` (``case:concept:name`` the case)."""
    rows, n = [], 0
    try:
        root = ET.parse(path).getroot()
    except ET.ParseError as e:
        raise InputError(path, "<file>", f"not readable XML ({e})") from None
    if root.tag.rsplit("}", 1)[-1] != "log":
        raise InputError(path, "<file>", f"not an XES log: the root element is <{root.tag}>, not <log>")
    value = lambda el: {c.get("key"): c.get("value") for c in el if c.get("key") is not None and c.get("value") is not None}  # noqa: E731
    for trace in root:
        if trace.tag.rsplit("}", 1)[-1] != "trace":
            continue
        attrs = {f"case:{k}": v for k, v in value(trace).items()}
        for ev in trace:
            if ev.tag.rsplit("}", 1)[-1] == "event":
                n += 1
                rows.append({**attrs, **value(ev), "where": f"event {n}"})
    return rows


def read_log(path, columns: dict | None = None) -> Log:
    """The log's events, checked: an unreadable file, missing columns, bad or out-of-order timestamps
    are ``InputError`` (every bad row at once); cases with one event are dropped with a note."""
    path = Path(path)
    names = {**COLUMNS, **{k: v for k, v in (columns or {}).items() if v}}
    if not path.exists():
        raise InputError(path, "<file>", "no such file")
    if path.is_dir():
        raise InputError(path, "<file>", "is a folder, not an event log (.csv or .xes)")
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".xes"):
        raise InputError(path, "<file>", f"expected an event log .csv or .xes, got {short(path.suffix or 'no extension')}")
    if path.stat().st_size > MAX_LOG_BYTES:
        raise InputError(path, "<file>", f"larger than {MAX_LOG_BYTES // 1_000_000_000} GB")
    if suffix == ".xes":
        df = pd.DataFrame(_xes_rows(path)).fillna("")
    else:
        for encoding in ("utf-8-sig", "gb18030"):
            try:
                df = pd.read_csv(path, dtype=str, keep_default_na=False, encoding=encoding)
                break
            except UnicodeDecodeError:
                continue
            except pd.errors.EmptyDataError:
                raise InputError(path, "<file>", "empty: no header and no events") from None
            except (pd.errors.ParserError, ValueError) as e:
                raise InputError(path, "<file>", f"not a readable CSV file ({short(str(e))})") from None
        else:
            raise InputError(path, "<file>", "not UTF-8 or GBK text")
        df["where"] = [f"row {i}" for i in range(2, len(df) + 2)]
    if df.empty:
        raise InputError(path, "<file>", "empty: no events")
    found = ", ".join(c for c in df.columns if c != "where") or "none"
    missing = [f"{names[k]} (--{k.replace('_', '-')})" for k in COLUMNS
               if names[k] not in df.columns and (k in REQUIRED or names[k] != COLUMNS[k])]
    if missing:
        raise InputError(path, "<header>", f"missing column{'s' if len(missing) > 1 else ''} {', '.join(missing)} "
                                           f"(columns found: {found})")
    out = pd.DataFrame({k: df[names[k]].astype(str).str.strip() if names[k] in df.columns else ""
                        for k in ("case", "activity", "resource", "group", "lifecycle")})
    out["role"] = df[ROLE] if ROLE in df.columns else ""
    out["instance"] = df[INSTANCE] if INSTANCE in df.columns else ""
    out["where"] = df["where"]
    out["lifecycle"] = out["lifecycle"].str.lower()
    errors: list[InputError] = []
    bad = lambda i, key, reason: errors.append(InputError(path, f"{out['where'].iat[i]}, column {names[key]}", reason))  # noqa: E731
    for key in ("case", "activity"):
        for i in np.flatnonzero((out[key] == "").to_numpy()):
            bad(i, key, f"empty {key}")
    out["ts"] = _timestamps(df[names["timestamp"]], lambda i, v: bad(i, "timestamp", v))
    has_start = names["start_timestamp"] in df.columns
    out["start_ts"] = _timestamps(df[names["start_timestamp"]], lambda i, v: bad(i, "start_timestamp", v), True) \
        if has_start else pd.NaT
    if has_start:
        for i in np.flatnonzero((out["start_ts"] > out["ts"]).to_numpy()):
            bad(i, "start_timestamp", f"starts after it ends ({out['start_ts'].iat[i]} > {out['ts'].iat[i]})")
    if not errors:  # within a case, rows in time order (a log sorted otherwise would pair the wrong events)
        first = out.groupby("case", sort=False)["ts"].cummax().groupby(out["case"], sort=False).shift()
        for i in np.flatnonzero((out["ts"] < first).to_numpy()):
            bad(i, "timestamp", f"{out['ts'].iat[i]} is earlier than an event before it in case {short(out['case'].iat[i])}: "
                                "the events of a case must be in time order (sort the log by case and time)")
    if errors:
        _fail(path, errors)
    return _tidy(Log(str(path), out, names["lifecycle"] in df.columns, has_start))


def _tidy(log: Log) -> Log:
    """Drop, with a note each, what cannot be read: cases of one event, other lifecycle transitions."""
    out = log.frame
    lone = out["case"].map(out["case"].value_counts()) == 1
    if lone.any():
        n = int(lone.sum())
        log.notes.append(f"{_count(n, 'case')} with one event dropped (a case needs two events to have a duration): "
                         + ", ".join(out.loc[lone, "case"].head(5)) + (" ..." if n > 5 else ""))
        log.frame = out[~lone].reset_index(drop=True)
    if log.frame.empty:
        raise InputError(log.file, "<file>", f"no case has two events ({len(out)} events, each case one)")
    if log.has_lifecycle:
        other = ~log.frame["lifecycle"].isin(OPENS + CLOSES)
        if other.any():
            kinds = ", ".join(f"{k} ({v})" for k, v in log.frame.loc[other, "lifecycle"].value_counts().items())
            log.notes.append(f"{_count(int(other.sum()), 'event')} with other lifecycle transitions not read: {kinds}")
            log.frame = log.frame[~other].reset_index(drop=True)
    return log


def _timestamps(col: pd.Series, bad, optional=False) -> pd.Series:
    """Wall-clock times (the offset dropped: office hours are local hours, whatever the offset says)."""
    text = col.astype(str).str.strip().str.replace(r"(Z|[+-]\d{2}:?\d{2})$", "", regex=True)
    ts = pd.to_datetime(text, format="ISO8601", errors="coerce")
    again = ts.isna() & (text != "")
    if again.any():
        ts[again] = pd.to_datetime(text[again], format="mixed", errors="coerce")
    for i in np.flatnonzero((ts.isna() & ((text != "") | (not optional))).to_numpy()):
        bad(i, f"unparsable timestamp {short(col.iat[i])}" if text.iat[i] else "empty timestamp")
    return ts


# ---- the calendar ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class LogCalendar:
    """Working days and hours the log's clock times fall in: turns them into the model's working hours."""
    opens: float  # the hour of the clock a working day starts
    hours_per_day: float
    weekdays: tuple[int, ...]  # working weekdays, Monday 0
    monday: date  # the Monday of the first week: working hour 0

    @property
    def work(self) -> WorkCalendar:
        return WorkCalendar(self.hours_per_day, len(self.weekdays))

    @classmethod
    def of_model(cls, calendar: WorkCalendar, monday: date = DEFAULT_START) -> "LogCalendar":
        """The calendar ``sim.eventlog`` writes a run's dates on."""
        return cls(day_opens(calendar), calendar.hours_per_day, tuple(range(calendar.days_per_week)), monday)

    def hours(self, ts: pd.Series) -> tuple[np.ndarray, int, int]:
        """Working hours since ``monday``; and how many times fell outside the hours or on another day
        (put at the nearest working moment: the end of the day before, the start of the day after)."""
        days = (ts.dt.normalize() - pd.Timestamp(self.monday)).dt.days.to_numpy()
        weeks, wd = np.divmod(days, 7)
        index = np.full(7, -1)
        index[list(self.weekdays)] = np.arange(len(self.weekdays))
        nxt = np.array([next((index[(d + k) % 7] + (len(self.weekdays) if d + k >= 7 else 0)
                              for k in range(7) if index[(d + k) % 7] >= 0)) for d in range(7)])
        off_day = index[wd] < 0
        tod = (ts - ts.dt.normalize()).dt.total_seconds().to_numpy() / 3600 - self.opens
        hour = np.where(off_day, 0.0, np.clip(tod, 0, self.hours_per_day))
        outside = int(((tod < 0) | (tod > self.hours_per_day))[~off_day].sum())
        return (weeks * len(self.weekdays) + nxt[wd]) * self.hours_per_day + hour, outside, int(off_day.sum())


def discover_calendar(log: Log) -> LogCalendar:
    """Working weekdays: those with at least ``MIN_DAY_SHARE`` of the events; hours: ``DAY_QUANTILES``
    of the times of day, to the quarter hour. Public holidays are not found (a weekday without events
    counts as a working day)."""
    ts = pd.concat([log.frame["ts"], log.frame["start_ts"].dropna()]) if log.has_start else log.frame["ts"]
    share = ts.dt.weekday.value_counts(normalize=True)
    weekdays = tuple(sorted(int(d) for d, s in share.items() if s >= MIN_DAY_SHARE))
    tod = (ts - ts.dt.normalize()).dt.total_seconds() / 3600
    lo, hi = np.quantile(tod, DAY_QUANTILES)
    opens, closes = math.floor(lo / QUARTER) * QUARTER, math.ceil(hi / QUARTER) * QUARTER
    if closes - opens < QUARTER:
        raise InputError(log.file, "<timestamps>", "every event falls at the same time of day: the log needs clock times, "
                                                   "not dates only, to give working hours and durations")
    first = ts.min().date()
    return LogCalendar(opens, closes - opens, weekdays, first - timedelta(days=first.weekday()))


# ---- cases and pieces of work --------------------------------------------------------------------------
def kind(activity: str) -> str:
    """marker, approve, visit, work or mechanism (see the module's docstring)."""
    if activity in (ARRIVAL, COMPLETED):
        return "marker"
    if MECHANISMS.match(activity):
        return "mechanism"
    for prefix in STEPS:
        if activity.startswith(prefix) and len(activity) > len(prefix):
            return prefix[:-1]
    return "work"


def function_of(activity: str) -> str:
    """The function (or level) a step names: ``work:budget`` -> budget; a plain activity is its own."""
    return activity.split(":", 1)[1] if activity.startswith(STEPS) else activity


@dataclass
class Events:
    """A log as cases (arrival, completion, variant) and activity instances (begin, end, busy hours)."""
    cases: pd.DataFrame
    instances: pd.DataFrame
    calendar: LogCalendar
    notes: list[str]


def events(log: Log, cal: LogCalendar, before: float | None = None) -> Events:
    """Cases and instances in working hours; ``before``: only what happened before that hour (the fit
    window of ``--validate``: a case open then is open, its later events unseen)."""
    f = log.frame.copy()
    f["h"], outside, off_day = cal.hours(f["ts"])
    notes = []
    if outside or off_day:
        notes.append(f"{outside} events outside the working hours {_clock(cal.opens)}-{_clock(cal.opens + cal.hours_per_day)} "
                     f"and {off_day} on days off read as at the nearest working moment")
    f["sh"] = cal.hours(f["start_ts"].fillna(f["ts"]))[0] if log.has_start else np.nan
    if log.has_start:
        f.loc[f["start_ts"].isna(), "sh"] = np.nan
    if before is not None:
        f = f[f["h"] < before]
    f["kind"] = f["activity"].map(kind)
    f = f.sort_values(["case", "h"], kind="stable")
    marks = f[f["kind"] == "marker"]
    arrival = marks[marks["activity"] == ARRIVAL].groupby("case")["h"].min()
    done = marks[marks["activity"] == COMPLETED].groupby("case")["h"].max()
    inst = _instances(f[f["kind"] != "marker"], log)
    first = pd.concat([f.groupby("case")["h"].min(), inst.groupby("case")["begin"].min()], axis=1).min(axis=1)
    cases = pd.DataFrame({"arrival": arrival.reindex(first.index).fillna(first)})
    has_marks = (log.frame["activity"] == COMPLETED).any()
    cases["completion"] = done.reindex(cases.index) if has_marks else f.groupby("case")["h"].max().reindex(cases.index)
    steps = inst[inst["kind"].isin(("work", "visit", "approve")) & ~inst["aborted"]].sort_values(["case", "end", "seq"])
    seq = steps.groupby("case", sort=False)["activity"].agg(lambda a: tuple(x for i, x in enumerate(a) if i == 0 or x != a.iat[i - 1]))
    cases["variant"] = seq.reindex(cases.index)
    cases.loc[cases["completion"].isna(), "variant"] = None
    # waiting: an instance's start less the end of the case's previous event (or its arrival)
    inst = inst.sort_values(["case", "end", "seq"])
    prev = inst.groupby("case")["end"].shift()
    inst["wait"] = inst["begin"] - prev.fillna(inst["case"].map(cases["arrival"]))
    return Events(cases, inst, cal, notes)


def _clock(h: float) -> str:
    return f"{int(h):02d}:{int(round(h % 1 * 60)):02d}"


def _instances(f: pd.DataFrame, log: Log) -> pd.DataFrame:
    """One row per activity instance. With lifecycle: start/resume open a piece, suspend/complete close it,
    the busy hours are the pieces' sum (a suspension is a gap, not work done twice); with a start
    timestamp: a row is an instance; else a row is a completion whose start is unknown."""
    cols = ("case", "activity", "kind", "resource", "group", "role", "begin", "end", "busy", "aborted", "seq")
    rows = []
    if log.has_lifecycle:
        open_: dict = {}
        for seq, (case, act, k, res, grp, role, inst, lc, h) in enumerate(zip(
                f["case"], f["activity"], f["kind"], f["resource"], f["group"], f["role"], f["instance"],
                f["lifecycle"], f["h"])):
            key = (case, inst or act)
            s = open_.get(key)
            if lc in OPENS:
                if s is None or lc == "start":
                    s = open_[key] = {"begin": h, "at": h, "busy": 0.0}
                else:
                    s["at"] = h
                continue
            busy = np.nan
            if s is not None:
                if s["at"] is not None:
                    s["busy"] += h - s["at"]
                    s["at"] = None
                if lc == "suspend":
                    continue
                busy = s["busy"]
                del open_[key]
            elif lc == "suspend":
                continue
            rows.append((case, act, k, res, grp, role, np.nan if s is None else s["begin"], h, busy, lc == "ate_abort", seq))
    else:
        begin = f["sh"] if log.has_start else pd.Series(np.nan, index=f.index)
        rows = list(zip(f["case"], f["activity"], f["kind"], f["resource"], f["group"], f["role"], begin, f["h"],
                        f["h"] - begin, [False] * len(f), range(len(f))))
    return pd.DataFrame(rows, columns=cols)


def durations(ev: Events) -> pd.Series:
    """Busy hours of each step instance: measured where the log has starts; else the gap since the
    later of the same resource's previous completion and the case's previous event, capped at one
    working day (assumption: the resource went on to this work as soon as both were done; a longer
    gap is a night, a meeting or other work the log does not show)."""
    inst = ev.instances
    busy = inst["busy"].copy()
    gap = busy.isna()
    if gap.any():
        by_res = inst.sort_values(["resource", "end", "seq"]).groupby("resource")["end"].shift()
        by_case = inst.sort_values(["case", "end", "seq"]).groupby("case")["end"].shift()
        start = pd.concat([by_res, by_case.fillna(inst["case"].map(ev.cases["arrival"]))], axis=1).max(axis=1)
        busy[gap] = (inst["end"] - start).clip(upper=ev.calendar.hours_per_day)[gap]
    return busy


# ---- discovery -------------------------------------------------------------------------------------------
@dataclass
class Discovery:
    text: str  # the scenario YAML
    summary: list[str]  # what to tell the user
    variants: pd.DataFrame  # variant, cases, share, kept


def discover(log: Log, name: str, coverage: float = 0.8, cal: LogCalendar | None = None,
             before: float | None = None) -> Discovery:
    """The scenario a log implies (``before``: from the events before that working hour only)."""
    cal = cal or discover_calendar(log)
    ev = events(log, cal, before)
    cases, inst = ev.cases, ev.instances
    hpd = cal.hours_per_day
    last = before if before is not None else max(cases["completion"].max(), inst["end"].max())
    first_day, last_day = int(cases["arrival"].min() // hpd), int(math.ceil(last / hpd - 1e-9)) - 1
    span = max(last_day - first_day + 1, 1)
    finished = cases.dropna(subset=["variant"])
    if finished.empty:
        raise InputError(log.file, "<cases>", f"no case finished ({len(cases)} cases, none with a '{COMPLETED}' event "
                                              "or a work step): nothing to take the workflows from")
    counts = finished["variant"].value_counts()
    share = counts / counts.sum()
    kept = (share.cumsum() - share) < coverage - 1e-12
    variants = pd.DataFrame({"variant": counts.index, "cases": counts.to_numpy(), "share": share.to_numpy(),
                             "kept": kept.to_numpy()})
    hours = durations(ev)
    work = inst[inst["kind"].isin(("work", "visit")) & (inst["resource"] != "")]
    text, facts = _scenario_text(log, ev, cal, variants, hours, name, span, first_day, coverage)
    parse_scenario(parse_yaml(text, "<discovered>"), "<discovered>")  # a bug here must not leave a file behind
    rest = variants[~variants["kept"]]
    summary = [f"read {log.file}: {len(log.frame):,} events, {len(cases):,} cases ({len(finished):,} finished), "
               f"{_count(work['resource'].nunique(), 'resource')} doing work, {span} working days "
               f"({len(cal.weekdays)} a week, {_clock(cal.opens)}-{_clock(cal.opens + hpd)})",
               f"workflows: {int(variants['kept'].sum())} of {_count(len(variants), 'variant')} cover "
               f"{variants.loc[variants['kept'], 'share'].sum():.1%} of finished cases (--coverage {coverage:g})"
               + (f"; left out: {_count(len(rest), 'variant')}, {int(rest['cases'].sum())} cases "
                  f"({rest['share'].sum():.1%})" if len(rest) else ""), *facts]
    return Discovery(text, [*ev.notes, *summary], variants)


def _lognormal(x: np.ndarray) -> str:
    """An hours distribution by the method of moments (mean, cv of the sample): lognormal, or fixed
    when the sample does not vary (one value, or cv under the schema's 0.001)."""
    x = x[np.isfinite(x) & (x >= 0)]
    if len(x) == 0:
        return f"{PLACEHOLDER_HOURS!r}"
    mean, sd = float(x.mean()), float(x.std(ddof=1)) if len(x) > 1 else 0.0
    cv = sd / mean if mean > 0 else 0.0
    if cv < 0.001:
        return f"{float(f'{mean:.4g}')!r}"
    return f"{{dist: lognormal, mean: {float(f'{mean:.4g}')!r}, cv: {float(f'{min(cv, 100):.3g}')!r}}}"


def _scenario_text(log, ev, cal, variants, hours, name, span, first_day, coverage):
    """The commented scenario YAML and the summary's lines on people, sections and calendar."""
    cases, inst = ev.cases, ev.instances
    hpd = cal.hours_per_day
    kept = variants[variants["kept"]]
    steps_used = {a for v in kept["variant"] for a in v}
    work = inst[inst["kind"].isin(("work", "visit", "approve")) | (inst["kind"] == "mechanism")]
    work = work[work["resource"] != ""]
    doing = work[work["kind"].isin(("work", "visit"))]
    roles = work.groupby("resource")["role"].agg(lambda r: Counter(x for x in r if x).most_common(1)[0][0]
                                                 if any(r) else "")
    signs = work[work["kind"] == "approve"]
    lead_levels = signs[signs["activity"] != "approve:section_head"]
    leaders = sorted(set(lead_levels["resource"]) - set(doing["resource"]) - set(work.loc[work["kind"] == "mechanism",
                                                                                              "resource"].where(work["group"] != "")),
                     key=lambda r: (-len(lead_levels[lead_levels["resource"] == r]), r))
    leaders += sorted(r for r, v in roles.items() if v in ("director", LEVEL_DEPUTY) and r not in leaders
                      and r not in set(doing["resource"]))
    staff_rows = work[~work["resource"].isin(leaders)]
    # sections: org:group where the log has it, else resources linked by shared activities
    use_groups = (staff_rows["group"] != "").any()
    if use_groups:
        grouped = staff_rows[staff_rows["group"] != ""]
        home = grouped.groupby("resource")["group"].agg(lambda g: g.value_counts().index[0])
        rule = "org:group (each person in the group they worked in most,\n# each function in the group that did most of it)"
    else:
        home = _components(doing)
        rule = ("no org:group: one section per set of people linked by shared activities\n# (connected components of "
                "who did what), so that a function belongs to one section")
    people = sorted(set(staff_rows["resource"]))
    orphans = [p for p in people if p not in home.index]
    for p in orphans:  # a person the groups do not place: the section of the functions they did
        fs = doing.loc[doing["resource"] == p, "group"]
        home[p] = fs.value_counts().index[0] if (fs != "").any() else (home.iloc[0] if len(home) else "section")
    home = home.reindex(people).fillna(home.iloc[0] if len(home) else "section")
    fn_rows = doing.assign(sec=np.where(doing["group"] != "", doing["group"], doing["resource"].map(home)) if use_groups
                           else doing["resource"].map(home))
    owner = fn_rows.groupby("activity")["sec"].agg(lambda s: s.value_counts().index[0])
    for a in steps_used:  # a step nobody in the kept data was seen doing (rare): the section of its first group
        if kind(a) in ("work", "visit") and a not in owner.index:
            owner[a] = home.iloc[0]
    sections = list(dict.fromkeys(sorted(set(home), key=lambda s: str(s))))
    sec_ids = _ids("s", sections)
    staff_ids = _ids("p", people)
    skills = doing.groupby("resource")["activity"].agg(lambda a: sorted(set(map(function_of, a))))
    n_done = doing.groupby("resource").size()
    head_sign = signs[signs["activity"] == "approve:section_head"]
    post, heads = {}, set()
    for p in people:
        r = roles.get(p, "")
        post[p] = r if r in POSTS else "staff"
    for s in sections:  # one head a section: the role says, else who signs its section_head approvals most
        members = [p for p in people if home[p] == s]
        named = [p for p in members if post[p] == "head"]
        if not named:
            signers = head_sign[head_sign["resource"].isin(members)]["resource"].value_counts()
            named = [signers.index[0]] if len(signers) else []
            for p in named:
                post[p] = "head"
        for p in named[1:]:
            post[p] = "deputy"
        heads.update(named[:1])
    # leaders: each level to the one who signs it most; deputies' 分管 from the sections their sign-offs follow
    leader_ids = {r: f"leader{i}" for i, r in enumerate(leaders, 1)}
    body_levels = {}
    for level, g in lead_levels[lead_levels["resource"].isin(leaders)].groupby("activity"):
        body_levels[function_of(level)] = g["resource"].value_counts().index[0]
    in_charge = defaultdict(list)
    dep = lead_levels[(lead_levels["activity"] == f"approve:{LEVEL_DEPUTY}") & lead_levels["resource"].isin(leaders)]
    if dep["resource"].nunique() > 1:
        steps = inst[inst["kind"].isin(("work", "visit"))].sort_values(["case", "end", "seq"])
        for sec, g in _section_before(dep, steps, home).groupby("sec"):
            in_charge[g["resource"].value_counts().index[0]].append(sec)
    # the text
    wd_names = "Mon Tue Wed Thu Fri Sat Sun".split()
    out = [f"# Discovered by `python -m sim discover` from {Path(log.file).name}: {len(log.frame):,} events, "
           f"{len(cases):,} cases, {span} working days.",
           "# Methods (sim/discover.py): workflows are the most frequent variants (each finished case's sequence of",
           "# work and approve steps; consecutive repeats of a step are a return for revision, params.rework) covering",
           f"# --coverage {coverage:g} of finished cases; a rate is all cases arrived a working day times the variant's",
           "# share of finished cases (assumption: cases still open split like finished ones); hours are the mean and",
           "# cv of each step's busy time (start to complete less suspensions; without starts: the gap since the",
           "# resource's previous completion or the case's previous event, capped at a working day), as a lognormal;",
           f"# sections: {rule};",
           "# skills: every function a person was seen doing, at 1.0 (assumption: the log shows who did what, not",
           "# how fast each learnt it); leaders: people who only sign (approve:LEVEL) levels above",
           "# the section head. Dispatch, handoffs, passes, internal coordination, counterparts and rework are not steps:",
           "# the model's mechanisms add them (params below). Ids are stable (s01 sections, p01 staff, leader1); the",
           "# log's names are in name:. Params are copied from sim/scenarios/finance_bureau.yaml with its sources:",
           "# assumptions for this unit until its own figures replace them.",
           f"name: {_q(name)}",
           f"description: {_q(f'workload discovered from {Path(log.file).name}')}",
           "calendar:",
           f"  hours_per_day: {float(f'{hpd:g}')!r}  # the log's events fall {_clock(cal.opens)}-{_clock(cal.opens + hpd)} "
           f"(quantiles {DAY_QUANTILES[0]:g}/{DAY_QUANTILES[1]:g} of the times of day, to the quarter hour)",
           f"  days_per_week: {len(cal.weekdays)}  # weekdays with at least {MIN_DAY_SHARE:.0%} of the events: "
           + " ".join(wd_names[d] for d in cal.weekdays),
           f"horizon_days: {max(span, 2)}  # the log's span in working days"]
    warm = min(int(parse_yaml(_reference_block("warmup_days"))["warmup_days"]), max(span, 2) // 4)
    out += [f"warmup_days: {warm}  # finance_bureau's warm-up, at most a quarter of the span (assumption)",
            "", "structures:", "  before:", "    display_name: {zh: 改革前, en: before}"]
    out.append("    leaders:" if leaders else "    leaders: []  # nobody only signs")
    for r in leaders:
        lv = sorted(set(map(function_of, lead_levels.loc[lead_levels["resource"] == r, "activity"])))
        out.append(f"      - {{id: {leader_ids[r]}, name: {_q(r)}}}  # signs {', '.join(lv) or 'as ' + roles.get(r, '')}")
    out += ["    bodies:", "      - id: b01", f"        name: {_q(Path(log.file).stem)}"]
    if body_levels:
        out.append("        leaders: {" + ", ".join(f"{_q(lv)}: {leader_ids[r]}" for lv, r in body_levels.items())
                   + "}  # each level: who signs it most")
    if in_charge:
        out.append("        in_charge:  # 分管: each section to the deputy who signs most of its deputy_director approvals")
        for r, secs in in_charge.items():
            out.append(f"          {leader_ids[r]}: [{', '.join(sec_ids[s] for s in sorted(secs, key=str))}]")
    out.append("        sections:")
    for s in sections:
        fns = sorted({function_of(a) for a, o in owner.items() if o == s})
        out += [f"          - id: {sec_ids[s]}", f"            name: {_q(s)}",
                f"            functions: [{', '.join(map(_q, fns))}]", "            staff:"]
        for p in [p for p in people if home[p] == s]:
            sk = ", ".join(f"{_q(f)}: 1.0" for f in skills.get(p, []))
            out.append(f"              - {{id: {staff_ids[p]}, name: {_q(p)}, post: {post[p]}"
                       + (f", skills: {{{sk}}}" if sk else "") + f"}}  # {int(n_done.get(p, 0))} pieces of work")
    days_of = _weekday_counts(first_day, span, len(cal.weekdays))
    arrivals = len(cases)
    out += ["", "workload:", "  load_factor: 1.0", "  workflows:"]
    for i, v in enumerate(kept.itertuples(), 1):
        rate = arrivals * v.share / span
        out += [f"    # variant {i}: {v.cases} of {int(variants['cases'].sum())} finished cases ({v.share:.1%})",
                f"    - id: w{i:02d}", f"      name: {_q(' → '.join(v.variant))}", "      body: b01",
                f"      rate_per_day: {float(f'{rate:.4g}')!r}  # {arrivals} cases in {span} days x {v.share:.4f}"]
        mine = cases.loc[cases["variant"].map(lambda x, t=v.variant: x == t), "arrival"]
        profile = _profile(mine, hpd, len(cal.weekdays), days_of)
        if profile is not None:
            out.append(f"      weekly_profile: [{', '.join(f'{x:.3g}' for x in profile)}]  # arrivals by weekday "
                       f"differ from even (chi-square p < {PROFILE_P:g})")
        out.append("      steps:")
        for a in v.variant:
            k = kind(a)
            if k == "approve":
                x = hours[(inst["activity"] == a).to_numpy()]
                said = f"  # signed in {x.mean():.2g} h on average (leaders' timing: params.approval)" if x.notna().any() else ""
                out.append(f"        - {{approve: {_q(function_of(a))}}}{said}")
            else:
                x = hours[(inst["activity"] == a).to_numpy()].to_numpy(dtype=float)
                out.append(f"        - {{{k}: {_q(function_of(a))}, hours: {_lognormal(x)}}}  # {np.isfinite(x).sum()} pieces")
    out += ["", "# Copied from sim/scenarios/finance_bureau.yaml (a municipal finance bureau, seed 000): each value",
            "# states its source there; comments naming that bureau's workflows or deputies speak of it, not of this unit.",
            _reference_block("params"), ""]
    facts = [f"sections: {len(sections)} ({'from org:group' if use_groups else 'by shared activities'}), "
             f"{len(people)} staff ({len(heads)} heads), {_count(len(leaders), 'leader')}"]
    return "\n".join(out), facts


def _components(doing: pd.DataFrame) -> pd.Series:
    """Resource -> a section name: connected components of the resource–activity graph."""
    people = sorted(set(doing["resource"]))
    acts = sorted(set(doing["activity"]))
    pi, ai = {p: i for i, p in enumerate(people)}, {a: len(people) + i for i, a in enumerate(acts)}
    r = doing["resource"].map(pi).to_numpy()
    c = doing["activity"].map(ai).to_numpy()
    n = len(people) + len(acts)
    _, label = connected_components(coo_matrix((np.ones(len(r)), (r, c)), shape=(n, n)), directed=False)
    name = {}
    for p in people:
        name.setdefault(label[pi[p]], f"section {len(name) + 1}")
    return pd.Series({p: name[label[pi[p]]] for p in people})


def _section_before(dep: pd.DataFrame, steps: pd.DataFrame, home: pd.Series) -> pd.DataFrame:
    """Each deputy sign-off with the section of the case's last work before it."""
    s = steps.assign(sec=np.where(steps["group"] != "", steps["group"], steps["resource"].map(home).fillna("")))
    m = pd.merge_asof(dep.sort_values("end")[["case", "end", "resource"]], s.sort_values("end")[["case", "end", "sec"]],
                      on="end", by="case", direction="backward")
    return m.dropna(subset=["sec"])


def _weekday_counts(first_day: int, span: int, dpw: int) -> np.ndarray:
    return np.bincount((np.arange(first_day, first_day + span)) % dpw, minlength=dpw)


def _profile(arrivals: pd.Series, hpd: float, dpw: int, days_of: np.ndarray):
    """Rate multipliers by working weekday (mean 1), or None when arrivals by weekday are even (chi-square
    against each weekday's number of days in the span, level ``PROFILE_P``)."""
    if dpw < 2 or len(arrivals) < 5 * dpw or (days_of == 0).any():
        return None
    obs = np.bincount((arrivals // hpd).astype(int) % dpw, minlength=dpw)
    exp = days_of / days_of.sum() * obs.sum()
    if stats.chisquare(obs, exp).pvalue >= PROFILE_P:
        return None
    m = obs / days_of
    return m / m.mean()


# ---- the command -----------------------------------------------------------------------------------------
def discover_file(source, out: Path, columns: dict | None = None, coverage: float = 0.8, name: str | None = None) -> list[str]:
    """Read the log, write its scenario to ``out`` (checked by the caller), return what to tell the user."""
    log = read_log(source, columns)
    d = discover(log, name or out.stem, coverage)
    try:
        out.write_text(d.text, encoding="utf-8")
    except OSError as e:
        raise InputError("command line", "--out", f"cannot write {out}: {e.strerror or e}") from None
    return [*(f"warning: {n}" for n in log.notes), *d.summary, f"wrote {out}: structure 'before'",
            f"next: python -m sim run {out}"]


# ---- validation on held-out data -------------------------------------------------------------------------
def measures(ev: Events, lo: float, hi: float) -> dict:
    """Timing of the window [lo, hi) working hours: cycle times of cases arrived in it and finished,
    cases finished a working day, mean open cases, mean wait before each step activity."""
    c = ev.cases
    inside = (c["arrival"] >= lo) & (c["arrival"] < hi)
    cycle = (c["completion"] - c["arrival"])[inside & c["completion"].notna()].to_numpy()
    days = (hi - lo) / ev.calendar.hours_per_day
    done = ((c["completion"] >= lo) & (c["completion"] < hi)).sum()
    end = c["completion"].fillna(np.inf).clip(upper=hi)
    wip = (end - c["arrival"].clip(lower=lo)).clip(lower=0).sum() / (hi - lo)
    i = ev.instances
    steps = i[i["kind"].isin(("work", "visit", "approve")) & (i["begin"] >= lo) & (i["begin"] < hi) & i["wait"].notna()]
    return {"cycle": cycle, "arrived": int(inside.sum()), "throughput": done / days, "wip": wip,
            "wait": steps.groupby("activity")["wait"].mean()}


def validate(source, folder: Path, columns: dict | None = None, coverage: float = 0.8, split: float = 0.7,
             seed: int = 1, runs: int = VALIDATION_RUNS) -> list[str]:
    """Fit on the log's first ``split`` of its span, simulate the rest, compare; writes validation.csv,
    cycle_times.png and the fitted scenario (fit.yaml) into ``folder``."""
    from .run import run  # local: discovery alone does not run the model

    log = read_log(source, columns)
    cal = discover_calendar(log)
    whole = events(log, cal)
    hpd = cal.hours_per_day
    t0 = whole.cases["arrival"].min() // hpd * hpd
    t1 = math.ceil(max(whole.cases["completion"].max(), whole.instances["end"].max()) / hpd - 1e-9) * hpd
    cut = t0 + round(split * (t1 - t0) / hpd) * hpd
    test_days = int(round((t1 - cut) / hpd))
    if cut <= t0 or test_days < 1:
        raise InputError(log.file, "--split", f"leaves no working day on one side: the log spans {int((t1 - t0) / hpd)} "
                                              f"working days; --split {split:g} cuts at day {int((cut - t0) / hpd)}")
    fit = discover(log, "fit", coverage, cal, before=cut)
    seen = measures(whole, cut, t1)
    if seen["arrived"] == 0:
        raise InputError(log.file, "--split", "no case arrives after the cut: nothing to compare with")
    sc = parse_scenario(parse_yaml(fit.text, "fit.yaml"), "fit.yaml")
    total = sum(w.rate_per_day for w in sc.workload.workflows)
    # the warm-up is the fitted period itself: the log's queues at the cut grew over it (a near-saturated
    # section's backlog takes weeks to build), and its weekdays line up with the log's
    warm = int(round(cut / hpd))
    load = seen["arrived"] / (total * test_days)  # the same expected count of arrivals as the log shows there
    sc = sc.with_overrides({"workload.load_factor": load, "warmup_days": warm, "horizon_days": warm + test_days})
    model_cal = LogCalendar.of_model(sc.calendar)
    sims = []
    for r in range(runs):
        res = run(sc, structure="before", seed=seed + r, days=warm + test_days)
        sims.append(measures(events(_frame_log(event_log(res, sc.calendar), "simulated"), model_cal), warm * hpd,
                             (warm + test_days) * hpd))
    cycle = np.concatenate([s["cycle"] for s in sims])
    rows = _comparison(seen, sims, cycle)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "fit.yaml").write_text(fit.text, encoding="utf-8")
    pd.DataFrame(rows).to_csv(folder / "validation.csv", index=False, lineterminator="\n")
    _figure(seen["cycle"], cycle, folder / "cycle_times.png", hpd)
    checked = [r for r in rows if r["threshold"] != ""]
    failed = [r["measure"] for r in checked if not r["within"]]
    lines = [*(f"warning: {n}" for n in log.notes), *whole.notes,
             f"fit: the first {split:.0%} of the span (working days {int(t0 / hpd)}-{int(cut / hpd) - 1}, {fit.summary[-1]}); "
             f"held out: {test_days} working days, {seen['arrived']} cases arrived; simulated {runs} runs of {warm} days' "
             f"warm-up + {test_days} days at load_factor {load:.3f} (the same expected arrivals)",
             f"{'measure':<34} {'log':>10} {'simulated':>10} {'difference':>11}  threshold (assumption)"]
    for r in rows:
        lines.append(f"{r['measure']:<34} {_num(r['log']):>10} {_num(r['simulated']):>10} {_num(r['difference']):>11}  "
                     + (f"{'within' if r['within'] else 'OUTSIDE'} {r['threshold']}" if r["threshold"] != "" else ""))
    lines.append("verdict: " + ("the fitted workload reproduces the held-out window's timing (every figure within its "
                                "threshold)" if not failed else f"it does NOT reproduce the held-out window: "
                                f"{', '.join(failed)} outside the threshold"))
    lines.append(f"wrote {folder / 'validation.csv'}, {folder / 'cycle_times.png'} and {folder / 'fit.yaml'}")
    return lines


def _num(x) -> str:
    return "" if x == "" or x is None or (isinstance(x, float) and np.isnan(x)) else f"{x:.3g}"


def _comparison(seen, sims, cycle) -> list[dict]:
    """The rows of validation.csv: measure, log, simulated, difference, threshold, within."""
    lc = seen["cycle"]
    rows = []

    def row(m, log, sim, diff, limit="", ok=""):
        rows.append({"measure": m, "log": log, "simulated": sim, "difference": diff, "threshold": limit, "within": ok})

    w = stats.wasserstein_distance(lc, cycle) if len(lc) and len(cycle) else np.nan
    ks = stats.ks_2samp(lc, cycle).statistic if len(lc) and len(cycle) else np.nan
    row("cycle time mean (working h)", lc.mean() if len(lc) else np.nan, cycle.mean() if len(cycle) else np.nan,
        (cycle.mean() - lc.mean()) if len(lc) and len(cycle) else np.nan)
    row("cycle time p90 (working h)", np.quantile(lc, 0.9) if len(lc) else np.nan,
        np.quantile(cycle, 0.9) if len(cycle) else np.nan, "")
    rel = w / lc.mean() if len(lc) and lc.mean() > 0 else np.nan
    row("cycle Wasserstein / log mean", "", "", rel, f"<= {THRESHOLDS['cycle_wasserstein_rel']:g}",
        bool(rel <= THRESHOLDS["cycle_wasserstein_rel"]))
    row("cycle two-sample KS statistic", "", "", ks, f"<= {THRESHOLDS['cycle_ks']:g}", bool(ks <= THRESHOLDS["cycle_ks"]))
    for m, key in (("throughput (cases a day)", "throughput"), ("work in progress (open cases)", "wip")):
        s = float(np.mean([x[key] for x in sims]))
        d = (s - seen[key]) / seen[key] if seen[key] else np.nan
        limit = THRESHOLDS[f"{key}_rel"]
        row(m + ", relative difference", seen[key], s, d, f"|x| <= {limit:g}", bool(abs(d) <= limit))
    waits = pd.concat([x["wait"] for x in sims], axis=1).mean(axis=1)
    for a, v in seen["wait"].items():
        row(f"wait before {a} (h)", v, waits.get(a, np.nan), waits.get(a, np.nan) - v)
    return rows


def _frame_log(df: pd.DataFrame, file: str) -> Log:
    """A ``sim.eventlog`` frame read as a log file is (the same columns, the same checks skipped)."""
    out = pd.DataFrame({k: df[COLUMNS[k]].fillna("").astype(str) for k in ("case", "activity", "resource", "group",
                                                                            "lifecycle")})
    out["role"], out["instance"] = df[ROLE].fillna(""), df[INSTANCE].fillna("")
    out["where"] = ""
    out["ts"] = _timestamps(df[COLUMNS["timestamp"]], lambda i, v: None)
    out["start_ts"] = pd.NaT
    return _tidy(Log(file, out, True, False))


def _figure(log_cycle, sim_cycle, path: Path, hpd: float) -> None:
    """Cycle-time CDFs, log against simulated, in working days."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6, 4))
    for x, label in ((log_cycle, "log (held out)"), (sim_cycle, "simulated")):
        x = np.sort(np.asarray(x) / hpd)
        ax.step(x, np.arange(1, len(x) + 1) / max(len(x), 1), where="post", label=f"{label}, n = {len(x)}")
    ax.set_xlabel("cycle time (working days)")
    ax.set_ylabel("share of cases")
    ax.set_xscale("symlog", linthresh=1)
    ax.legend()
    ax.grid(alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)
