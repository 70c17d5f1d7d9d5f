"""The teaching app's views: HTML (and small text-free SVG) strings the browser lays out and draws.

Why HTML, not figures: the browser sizes text and boxes to the screen (12 px labels at 1280x720 and
larger ones on a projector) and redraws a step in a few milliseconds, where a matplotlib PNG took a
second. Each function takes a ``PairModel`` and a language and returns a string; nothing here needs
a browser, so tests and the timing script (``experiments/benchmarks/bench_app.py``) call them directly.

States are told apart by shape as well as colour (Okabe-Ito colours, safe for red-green colour
blindness): busy ● filled, idle ○ hollow, absent ✕; a halted section is hatched and framed.
"""
from __future__ import annotations

import math
import re
from html import escape

import numpy as np

from analysis.app_model import SIDES, WINDOW_DAYS, PairModel
from sim.i18n import DEFAULT_LANGUAGE, display, t

# Okabe & Ito (2008), "Color Universal Design": distinguishable with every common colour-vision deficiency
SIDE_COLOURS = {"A": "#0072B2", "B": "#D55E00"}
SIDE_DASH = {"A": "", "B": "6 4"}  # B's lines are dashed too: the sides differ by more than colour
BUSY, HALT, MUTED = "#0072B2", "#D55E00", "#6b6b6b"
BODY_TINTS = ("#f4f7fb", "#fbf6ee", "#f1f8f1", "#f7f1f8", "#f6f6f6")

# measures of the numbers table: (label key, measure key, better when: "lower" / "higher" / None)
# (completed has no verdict: with the same arrivals it says what tasks in progress says)
NUMBER_ROWS = (("tasks_arrived", "arrived", None), ("tasks_completed", "completed", None),
               ("wip", "wip", "lower"), ("mean_cycle_days", "cycle_days", "lower"),
               ("steps_per_task", "steps_per_task", "lower"), ("handoffs_per_task", "handoffs_per_task", "lower"),
               ("halts_total", "halts", "lower"), ("halt_hours", "halt_hours", "lower"),
               ("util_mean", "util_mean", None), ("util_cv_short", "util_cv", "lower"),
               ("idle_share", "idle_share", "lower"), ("overloaded_share", "overloaded_share", "lower"),
               ("leader_trays", "trays", "lower"))
# a B − A difference smaller than this share of the larger value is "about the same" (assumption: 2 %,
# below what a class would read as a difference on a live counter)
SAME_WITHIN = 0.02
# the curves count from day 0 (the warm-up shaded); the table from the end of the warm-up
TRENDS = (("cycle_days_recent", "trend_cycle"), ("halts_all", "trend_halts"), ("util_cv_all", "trend_cv"))
DENSE_ABOVE = 24  # sections: above this a chart draws compact cells (no nameplate line, the queue as a number)
CHECK_NOTES = ("note_scenario", "note_choice", "note_number", "note_finite", "note_range", "note_whole")


def fmt(key: str, v) -> str:
    """A measure as the table shows it."""
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "–"
    if key in ("util_mean", "idle_share", "overloaded_share"):
        return f"{100 * v:.0f}%"
    if key in ("cycle_days", "cycle_days_recent", "steps_per_task", "handoffs_per_task", "util_cv", "util_cv_all"):
        return f"{v:.2f}"
    if key == "halt_hours":
        return f"{v:.0f}"
    return f"{int(v)}"


def note_text(note: tuple[str, dict], lang: str = DEFAULT_LANGUAGE) -> str:
    """One note (i18n key, fields) in ``lang``. A ``param`` field names an input and is translated too.
    A checked value's note ends in what was used instead (``used``, when a model was built) or in
    "refused" (when the page sent it and the input kept its value)."""
    key, fields = note
    if "param" in fields:
        fields = {**fields, "param": t(fields["param"], lang)}
    if fields.get("used") == "scenario_own":
        fields = {**fields, "used": t("scenario_own", lang)}
    text = t(key, lang, **fields)
    if key in CHECK_NOTES:
        text += t("note_using", lang, used=fields["used"]) if "used" in fields else t("note_refused", lang)
    return text


# ---- names -------------------------------------------------------------------------------------
def scenario_label(pair_or_sc, lang: str) -> str:
    sc = pair_or_sc.base if isinstance(pair_or_sc, PairModel) else pair_or_sc
    return display(sc, lang)


def structure_label(sc, name: str, lang: str) -> str:
    return display(sc.structures[name], lang) if name in sc.structures else name


def _level_label(level: str, lang: str) -> str:
    key = f"level_{level}"
    text = t(key, lang)
    return level.replace("_", " ").capitalize() if text == key else text


def _leader_label(leader, level: str | None, lang: str) -> str:
    """A leader's name: its Chinese name in zh (else its level), its level in en (the embedded
    scenarios name leaders in Chinese only)."""
    if lang == "zh":
        return leader.name or (_level_label(level, lang) if level else leader.id)
    return _level_label(level, lang) if level else leader.id.replace("_", " ")


def _levels(structure) -> dict[str, str]:
    """Leader id -> the highest management level it holds in the structure (for its English name)."""
    out = {}
    for b in structure.bodies:
        for level, lid in b.leaders.items():
            out.setdefault(lid, level)
    for level, lid in structure.above.items():
        out.setdefault(lid, level)
    return out


# ---- org chart ---------------------------------------------------------------------------------
def _body_leaders(body) -> list[str]:
    """The leaders of a body: its levels' holders and its deputies in charge (分管), in order."""
    return list(dict.fromkeys([*body.leaders.values(), *body.in_charge]))


def _groups(structure, lang: str) -> list[dict]:
    """The chart's frames: one per 1+N combo, one per body when a structure has several bodies with
    several sections, else one unframed group."""
    bodies = structure.bodies
    if structure.combos:
        in_combo = {bid for c in structure.combos for bid in c.bodies}
        groups = []
        for c in structure.combos:
            members = [b for b in bodies if b.id in c.bodies]
            lead = next((b for b in bodies if b.id == c.lead), None)
            groups.append({"kind": "combo", "bodies": members,
                           "label": t("combo_label", lang, lead=display(lead, lang) if lead else c.lead,
                                      n=len(members))})
        rest = [b for b in bodies if b.id not in in_combo]
        if rest:
            groups.append({"kind": "plain", "bodies": rest, "label": ""})
        return groups
    if len(bodies) > 1 and any(len(b.sections) > 1 for b in bodies):
        return [{"kind": "body", "bodies": [b], "label": display(b, lang)} for b in bodies]
    return [{"kind": "plain", "bodies": list(bodies), "label": ""}]


def _columns(groups: list[dict]) -> int:
    """Columns of section cells shared by all frames: the most that keeps cells about 1.5:1 in a
    panel about 16:9 (rows of every frame stacked)."""
    sizes = [sum(len(b.sections) for b in g["bodies"]) for g in groups]
    best, best_score = 1, -1.0
    for c in range(1, max(sizes) + 1):
        rows = sum(math.ceil(n / c) for n in sizes)
        w, h = 16.0 / c, (9.0 - 0.6 * sum(1 for g in groups if g["label"])) / max(rows, 1)
        score = min(w / 1.5, h)
        if score > best_score + 1e-9:
            best, best_score = c, score
    return best


def _person(m) -> str:
    state = m.state
    head = m.post in ("head", "deputy")
    return f'<i class="p {state}{" head" if head else ""}"></i>'


def _plate(name: str, names: dict[str, str], lang: str) -> str:
    """An old nameplate (加挂牌子, kept in Chinese) as ``lang`` shows it: the old section's display name."""
    return names.get(name, name) if lang != "zh" else name


def _section_names(sc, lang: str) -> dict[str, str]:
    """Chinese section name -> its display name in ``lang``, over all the scenario's structures."""
    return {s.name: display(s, lang) for st in sc.structures.values() for _, s in st.sections() if s.name}


def _section_cell(model, sec, lang: str, names: dict[str, str]) -> str:
    info = model.section_info[sec.id]
    qs = info["queues"].values()
    queue = sum(len(q.jobs) for q in qs)
    halted = any(q.halt_start is not None for q in qs)
    name = display(sec, lang)
    plates = [_plate(p, names, lang) for p in sec.nameplates if p != sec.name]
    sep = "、" if lang == "zh" else ", "
    tip = name + (f" · {t('nameplates', lang)}{sep.join(plates)}" if plates else "")
    tip += f" · {t('queue', lang)} {queue}" + (f" · {t('halted_tip', lang)}" if halted else "")
    people = "".join(_person(m) for m in info["members"])
    classes = "sec" + (" halted" if halted else "") + (" merged" if plates else "")
    plate_line = (f'<div class="plates">{escape(t("nameplates", lang))}{escape(sep.join(plates))}</div>'
                  if plates else "")
    status = (f'<span class="halt-mark">‖<span class="hword"> {escape(t("halted", lang))}</span></span>' if halted
              else f'<span class="q{" zero" if not queue else ""}"><span class="qword">{escape(t("queue", lang))} '
                   f'</span>{queue}</span>')
    return (f'<div class="{classes}" data-section="{escape(sec.id)}" data-halted="{int(halted)}" '
            f'title="{escape(tip)}"><div class="sname">{escape(name)}</div>{plate_line}'
            f'<div class="people">{people}</div><div class="status">{status}</div></div>')


def org_chart_html(pair: PairModel, side: str, lang: str = DEFAULT_LANGUAGE) -> str:
    """One structure as the class sees it: frames for combos or bodies (with a concurrent head's badge),
    sections as cards (merged ones stacked, with the old nameplates), people as symbols, each section's
    queue, the windows and leaders above."""
    model = pair.models[side]
    st = model.structure
    sc = pair.base
    groups = _groups(st, lang)
    cols = _columns(groups)
    levels = _levels(st)
    names = _section_names(sc, lang)
    parts = []
    # leaders and their in-trays; a concurrent head (兼任) is marked where it heads a body
    concurrent = {b.leaders.get("director"): b for b in st.bodies if b.direct_handling and b.leaders.get("director")}

    def chip(lid: str) -> str:
        agent, leader = model.leaders.get(lid), st.leaders.get(lid)
        if agent is None or leader is None:
            return ""
        extra = (f'<b class="badge">{escape(t("concurrent_head", lang, body=display(concurrent[lid], lang)))}</b>'
                 if lid in concurrent else "")
        return (f'<span class="leader {agent.state}" data-leader="{escape(lid)}">{escape(_leader_label(leader, levels.get(lid), lang))}'
                f'<span class="tray">{escape(t("tray_n", lang, n=len(agent.tray)))}</span>{extra}</span>')

    # a body's leaders sit on its frame; the others (above the bodies, or one body) in the top strip
    placed = {g["bodies"][0].id: _body_leaders(g["bodies"][0]) for g in groups if g["kind"] == "body"}
    shown = {lid for ids in placed.values() for lid in ids}
    holding = set(levels) | {lid for b in st.bodies for lid in b.in_charge}  # a leader whose posts a reform cut is not drawn
    rest = [lid for lid in model.leaders if lid not in shown and lid in holding]
    if rest:
        parts.append(f'<div class="strip leaders"><span class="strip-label">{escape(t("leaders", lang))}</span>'
                     f'{"".join(chip(lid) for lid in rest)}</div>')
    if st.windows:
        wins = "".join(f'<span class="window" title="{escape(w.name or w.id)}">▭ '
                       f'{escape(w.name if lang == "zh" and w.name else t("window_n", lang, n=i + 1))}</span>'
                       for i, w in enumerate(st.windows))
        parts.append(f'<div class="strip windows" data-windows="{len(st.windows)}"><span class="strip-label">'
                     f'{escape(t("windows", lang, n=len(st.windows)))}</span>{wins}</div>')
    for gi, g in enumerate(groups):
        cells = "".join(_section_cell(model, s, lang, names) for b in g["bodies"] for s in b.sections)
        badge = ""
        if g["kind"] == "body":
            if g["bodies"][0].direct_handling:
                badge = f'<b class="badge">{escape(t("direct_handling", lang))}</b>'
            badge += "".join(chip(lid) for lid in placed[g["bodies"][0].id])
        label = (f'<div class="glabel"><span class="gname">{escape(g["label"])}</span>{badge}</div>'
                 if g["label"] else "")
        n = sum(len(b.sections) for b in g["bodies"])
        rows = math.ceil(n / cols)
        parts.append(f'<div class="group {g["kind"]}" style="flex-grow:{rows};background:{BODY_TINTS[gi % len(BODY_TINTS)]}"'
                     f' data-group="{g["kind"]}">{label}<div class="cells" style="grid-template-columns:'
                     f'repeat({cols},minmax(0,1fr));grid-template-rows:repeat({rows},minmax(0,1fr))">{cells}</div></div>')
    n_sec = sum(len(b.sections) for b in st.bodies)
    title = (f'<div class="chart-title" style="color:{SIDE_COLOURS[side]}"><b>{side}</b> · '
             f'{escape(structure_label(sc, pair.structure_names[side], lang))}'
             f'<span class="sub">{escape(t("sections_staff", lang, sections=n_sec, staff=len(model.staff)))}</span></div>')
    dense = " dense" if n_sec > DENSE_ABOVE else ""
    return (f'<div class="org{dense}" data-side="{side}" data-sections="{n_sec}" data-combos="{len(st.combos)}" '
            f'data-plates="{sum(len(s.nameplates) for _, s in st.sections())}">{title}'
            f'<div class="org-body">{"".join(parts)}</div></div>')


def legend_html(lang: str = DEFAULT_LANGUAGE) -> str:
    """The symbols of the org charts, once for both."""
    items = [('<i class="p busy"></i>', t("busy", lang)), ('<i class="p idle"></i>', t("idle", lang)),
             ('<i class="p absent"></i>', t("absent", lang)), ('<i class="p idle head"></i>', t("head_marker", lang)),
             ('<span class="sw halted"></span>', t("halted_legend", lang)),
             ('<span class="sw merged"></span>', t("merged_legend", lang)),
             ('<span class="sw combo"></span>', t("combo_legend", lang)), ("", t("queue_legend", lang))]
    return '<div class="legend">' + "".join(f'<span class="li">{sym}{escape(text)}</span>' for sym, text in items) + "</div>"


# ---- trends ------------------------------------------------------------------------------------
def _polyline(xs, ys, x_max: float, y_max: float, side: str) -> str:
    ok = ~np.isnan(ys)
    if not ok.any():
        return ""
    pts = " ".join(f"{1000 * x / x_max:.1f},{100 - 96 * y / y_max:.1f}" for x, y in zip(xs[ok], ys[ok]))
    dash = f' stroke-dasharray="{SIDE_DASH[side]}"' if SIDE_DASH[side] else ""
    return (f'<polyline points="{pts}" fill="none" stroke="{SIDE_COLOURS[side]}" stroke-width="2.2"{dash} '
            f'vector-effect="non-scaling-stroke"/>')


def trends_html(pair: PairModel, lang: str = DEFAULT_LANGUAGE) -> str:
    """Cycle time, halts and uneven load of both structures against the working day, on the whole
    horizon, with the warm-up shaded grey and each side's transition hatched."""
    df = pair.datacollector.get_model_vars_dataframe()
    x_max = float(max(pair.days, 1))
    warm = pair.warmup_days
    trans = {s: pair.transition_days(s) for s in SIDES}
    bands = [f'<rect class="warm" x="0" y="0" width="{1000 * warm / x_max:.1f}" height="100"/>'] if warm else []
    for s in SIDES:
        if trans[s]:
            bands.append(f'<rect x="0" y="0" width="{1000 * min(trans[s], x_max) / x_max:.1f}" height="100" '
                         f'fill="url(#trans-{s})"/>')
    defs = "".join(f'<pattern id="trans-{s}" width="8" height="8" patternUnits="userSpaceOnUse" '
                   f'patternTransform="rotate({45 if s == "A" else -45})"><line x1="0" y1="0" x2="0" y2="8" '
                   f'stroke="{SIDE_COLOURS[s]}" stroke-opacity="0.35" stroke-width="3"/></pattern>' for s in SIDES)
    rows = []
    for key, label in TRENDS:
        cols = {s: df[f"{key}_{s}"].to_numpy(dtype=float) for s in SIDES}
        xs = df["day_A"].to_numpy(dtype=float)
        top = max([1.0 if key == "halts_all" else 0.0, *[float(np.nanmax(v)) for v in cols.values() if np.isfinite(v).any()]])
        top = top * 1.1 if top > 0 else 1.0
        lines = "".join(_polyline(xs, cols[s], x_max, top, s) for s in SIDES)
        now = {s: fmt(key, pair.measures[s][key]) for s in SIDES}
        values = "".join(f'<span style="color:{SIDE_COLOURS[s]}">{s} {escape(now[s])}</span>' for s in SIDES)
        rows.append(f'<div class="trend" data-trend="{key}"><div class="tlabel"><span>{escape(t(label, lang, window=WINDOW_DAYS))}</span>'
                    f'<span class="tvals">{values}</span></div><div class="tplot"><span class="ymax">{escape(fmt(key, top))}</span>'
                    f'<svg viewBox="0 0 1000 100" preserveAspectRatio="none" role="img"><defs>{defs}</defs>{"".join(bands)}'
                    f'<line x1="0" y1="100" x2="1000" y2="100" stroke="#999" vector-effect="non-scaling-stroke"/>'
                    f'{lines}</svg></div></div>')
    axis = (f'<div class="taxis"><span>0</span><span>{escape(t("day", lang))}</span><span>{int(x_max)}</span></div>')
    keys = [f'<span class="li"><svg width="26" height="10"><line x1="0" y1="5" x2="26" y2="5" stroke="{SIDE_COLOURS[s]}" '
            f'stroke-width="2.5" stroke-dasharray="{SIDE_DASH[s]}"/></svg>{s}</span>' for s in SIDES]
    notes = []
    if warm:
        notes.append(f'<span class="li note"><span class="sw warm"></span>{escape(t("warmup_note", lang, days=warm))}</span>')
    for s in SIDES:
        if trans[s]:
            notes.append(f'<span class="li note"><span class="sw trans-{s}"></span>'
                         f'{escape(t("transition_note", lang, side=s, days=f"{trans[s]:g}", slowdown=f"{100 * pair.scenario.params.transition.slowdown:.0f}"))}</span>')
    return (f'<div class="trends">{"".join(rows)}{axis}<div class="tkey">{"".join(keys)}{"".join(notes)}</div></div>')


# ---- numbers -----------------------------------------------------------------------------------
def compare_mark(better: str | None, a, b, lang: str, key: str | None = None) -> tuple[str, str]:
    """(css class, text) saying whether B is better or worse than A on a measure: a word and a symbol,
    not only a colour. A difference the table shows as zero, or within SAME_WITHIN, is "same"."""
    if better is None or a is None or b is None or any(isinstance(v, float) and math.isnan(v) for v in (a, b)):
        return "neutral", ""
    scale = max(abs(a), abs(b))
    shown_zero = key is not None and not re.search(r"[1-9]", _diff(key, a, b))
    if scale == 0 or shown_zero or abs(b - a) <= SAME_WITHIN * scale:
        return "same", "≈ " + t("same", lang)
    good = (b < a) if better == "lower" else (b > a)
    return ("better", "✓ " + t("better", lang)) if good else ("worse", "✗ " + t("worse", lang))


def _diff(key: str, a, b) -> str:
    """B − A as the table shows it; a difference that rounds to nothing is 0, never -0."""
    if a is None or b is None or any(isinstance(v, float) and math.isnan(v) for v in (a, b)):
        return "–"
    d = b - a
    if key in ("util_mean", "idle_share", "overloaded_share"):
        text, unit = f"{100 * d:+.0f}", " pt"
    elif key in ("cycle_days", "steps_per_task", "handoffs_per_task", "util_cv"):
        text, unit = f"{d:+.2f}", ""
    else:
        text, unit = f"{d:+.0f}", ""
    return ("0" if not re.search(r"[1-9]", text) else text) + unit


def numbers_html(pair: PairModel, lang: str = DEFAULT_LANGUAGE) -> str:
    """Both structures' measures so far, with B − A and whether B is better or worse."""
    ma, mb = pair.measures["A"], pair.measures["B"]
    head = (f'<tr><th>{escape(t("metric", lang))}</th>'
            + "".join(f'<th style="color:{SIDE_COLOURS[s]}">{s}</th>' for s in SIDES)
            + f'<th>{escape(t("b_minus_a", lang))}</th></tr>')
    rows = []
    for label_key, key, better in NUMBER_ROWS:
        cls, mark = compare_mark(better, ma[key], mb[key], lang, key)
        diff = _diff(key, ma[key], mb[key]).replace(" pt", " " + t("points", lang))
        rows.append(f'<tr><td>{escape(t(label_key, lang))}</td>'
                    + "".join(f'<td class="num" data-metric="{key}-{s}">{fmt(key, pair.measures[s][key])}</td>' for s in SIDES)
                    + f'<td class="num diff {cls}" data-diff="{key}">{escape(diff)} <span class="mark">{escape(mark)}</span></td></tr>')
    warm = pair.warmup_days
    since = (t("table_warmup", lang, days=warm) if pair.day < warm else t("table_since", lang, days=warm)) if warm else ""
    caption = f'<div class="since">{escape(since)}</div>' if since else ""
    return (f'<div class="pair-numbers" data-day="{pair.day}">{caption}<table>{head}{"".join(rows)}</table></div>')


def status_html(pair: PairModel, lang: str = DEFAULT_LANGUAGE) -> str:
    """The day and the period it is in (warm-up, a side's transition), for the top bar."""
    day = pair.day
    chips = []
    if day < pair.warmup_days:
        chips.append(f'<span class="phase warm">{escape(t("phase_warmup", lang))}</span>')
    for s in SIDES:
        if day < pair.transition_days(s):
            chips.append(f'<span class="phase trans">{escape(t("phase_transition", lang, side=s))}</span>')
    if not pair.running:
        chips.append(f'<span class="phase done">{escape(t("phase_done", lang))}</span>')
    return (f'<div class="pair-day" data-day="{day}"><b>{escape(scenario_label(pair, lang))}</b> · '
            f'{escape(t("day_of", lang, day=day, days=pair.days))}{"".join(chips)}</div>')


def settings_html(pair: PairModel, lang: str = DEFAULT_LANGUAGE) -> str:
    """The settings the running pair was built with, and what it replaced."""
    notes = "".join(f'<div class="pair-note">⚠ {escape(note_text(n, lang))}</div>' for n in pair.notes)
    return f'<div class="pair-settings">{escape(t("in_effect", lang, **pair.settings))}{notes}</div>'


def main_html(pair: PairModel, lang: str = DEFAULT_LANGUAGE) -> dict[str, str]:
    """The views of the page's main area a step redraws, by name."""
    return {"org_A": org_chart_html(pair, "A", lang), "org_B": org_chart_html(pair, "B", lang),
            "trends": trends_html(pair, lang), "numbers": numbers_html(pair, lang)}


def page_html(pair: PairModel, lang: str = DEFAULT_LANGUAGE) -> dict[str, str]:
    """Every view a step redraws, by name: the top bar's status and the main area (what the page and
    the timing script render)."""
    return {"status": status_html(pair, lang), **main_html(pair, lang)}


def lesson_html(lesson: dict, lang: str = DEFAULT_LANGUAGE) -> str:
    """The things-to-notice panel (``analysis.lessons.lesson``): the reform in a line, what to look
    for, what to try."""
    colon = "：" if lang == "zh" else ": "
    parts = [f'<h4>{escape(lesson["heading_title"])}</h4>']
    if lesson.get("reform"):
        parts.append(f'<p class="reform"><b>{escape(lesson["heading_reform"])}{colon}</b>{escape(lesson["reform"])}</p>')
    for key, title in (("look_for", "heading_look_for"), ("try", "heading_try")):
        items = lesson.get(key) or []
        if items:
            parts.append(f'<h4>{escape(lesson[title])}</h4><ul>' + "".join(f"<li>{escape(x)}</li>" for x in items) + "</ul>")
    return f'<div class="notice" data-generic="{int(bool(lesson.get("generic")))}">{"".join(parts)}</div>'
