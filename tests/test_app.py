"""The teaching app's logic without a browser: PairModel, live measures, views, translations."""
import re
import string
from pathlib import Path

import numpy as np
import pytest

from analysis import app
from analysis.app import AUTO, PairModel
from analysis.i18n import LABELS, LANGUAGES, t

APP_SOURCE = Path(app.__file__).read_text(encoding="utf-8")


def test_same_seed_same_arrivals_and_absences():
    p = PairModel(scenario="finance_bureau", seed=3, days=30)
    a, b = p.models["A"], p.models["B"]
    assert p.structure_names == {"A": "fragmented", "B": "merged"}
    assert a._arr_t == b._arr_t and a._arr_k == b._arr_k and len(a._arr_t) > 0
    common = {m.sid for m in a.staff} & {m.sid for m in b.staff}
    assert common
    abs_a = sorted(x for x in a.ledgers.absences if x[0] in common)
    abs_b = sorted(x for x in b.ledgers.absences if x[0] in common)
    assert abs_a == abs_b
    for _ in range(10):
        p.step()
        assert p.measures["A"]["arrived"] == p.measures["B"]["arrived"]
    assert p.measures["A"]["arrived"] > 0


def test_other_seed_other_arrivals():
    p1, p2 = PairModel(seed=1, days=5), PairModel(seed=2, days=5)
    assert p1.models["A"]._arr_t != p2.models["A"]._arr_t


def test_step_advances_both_one_working_day():
    p = PairModel(days=4)
    assert p.day == 0 and p.models["B"].day == 0
    for d in range(1, 5):
        p.step()
        assert p.models["A"].day == p.models["B"].day == p.day == d
        assert p.steps == d
        assert p.models["A"].now == pytest.approx(d * p.models["A"].hpd, abs=1e-6)
    assert not p.running
    df = p.datacollector.get_model_vars_dataframe()
    assert len(df) == 5 and list(df["day_A"]) == [0, 1, 2, 3, 4] and list(df["day_B"]) == [0, 1, 2, 3, 4]


def test_measures_are_sane():
    p = PairModel(days=40)
    for _ in range(40):
        p.step()
    for side in "AB":
        m = p.measures[side]
        assert m["completed"] + m["wip"] == m["arrived"]
        assert m["completed"] == len(p.models[side].ledgers.tasks)
        assert 0 < m["util_mean"] <= 1.0 + 1e-9 and m["util_cv"] > 0
        assert m["cycle_days"] > 0 and m["halts"] >= 0 and m["halt_hours"] >= 0
        assert 0 <= m["idle_share"] <= 1 and 0 <= m["overloaded_share"] <= 1
    # the merge removes a section crossing from budget adjustments: fewer handoffs per task
    assert p.measures["B"]["handoffs_per_task"] < p.measures["A"]["handoffs_per_task"]


def test_tracker_utilisation_matches_run_ledger_after_warmup():
    """From the warm-up on, busy/present per person agrees with the run's own staff ledger."""
    p = PairModel(days=60)
    for _ in range(60):
        p.step()
    m = p.models["A"]
    util_all = p.trackers["A"].utilisation()
    staff = m.finish().staff
    assert len(util_all) == len(staff)
    # whole-run and post-warm-up utilisations differ (queues start empty) but stay close over 60 days
    assert np.nanmean(util_all) == pytest.approx(staff["utilisation"].mean(), abs=0.1)


def test_sliders_reach_the_scenario():
    base = PairModel(days=2)
    p = PairModel(days=2, absence=2.0, workload=1.3, coord_steps=5, section_size=2.0)
    sc, sc0 = p.scenario, base.scenario
    assert sc.workload.load_factor == pytest.approx(1.3)
    assert sc.params.handoff.section.steps == 5
    for kind, spec in sc.params.absence.items():
        assert spec.rate_per_year == pytest.approx(2 * sc0.params.absence[kind].rate_per_year)
    for kind, spec in sc.params.leader_absence.items():
        assert spec.rate_per_year == pytest.approx(2 * sc0.params.leader_absence[kind].rate_per_year)
    assert len(p.models["A"].staff) > len(base.models["A"].staff)
    assert len(p.models["A"].staff) == len(p.models["B"].staff)  # the reform moves the scaled staff along
    assert p.settings == {"workload": 1.3, "absence": 2.0, "coord_steps": 5, "section_size": 2.0, "seed": 1}
    assert not p.notes
    smaller = PairModel(days=2, section_size=0.5)
    assert len(smaller.models["A"].staff) < len(base.models["A"].staff)


def test_unknown_structure_falls_back_with_a_note():
    p = PairModel(structure_a="no_such_structure", structure_b=AUTO, days=2)
    assert p.structure_names == {"A": "fragmented", "B": "merged"}
    assert p.notes and p.notes[0][0] == "note_structure"
    q = PairModel(structure_a="merged", structure_b="fragmented", days=2)
    assert q.structure_names == {"A": "merged", "B": "fragmented"}


def test_model_params_fit_pairmodel_for_mesa():
    from mesa.visualization.solara_viz import _check_model_params
    for lang in LANGUAGES:
        params = app.model_params(lang)
        _check_model_params(PairModel.__init__, params)  # raises on a key PairModel does not take
        defaults = {k: (v.get("value") if hasattr(v, "get") else v) for k, v in params.items()}
        p = PairModel(**defaults, days=1)  # what SolaraViz's Reset does
        p.step()


@pytest.mark.parametrize("scenario", app.SCENARIOS)
def test_every_scenario_builds_and_draws(scenario):
    p = PairModel(scenario=scenario, days=3)
    for _ in range(3):
        p.step()
    for lang in LANGUAGES:
        for side in "AB":
            assert app.figure_png(app.draw_org_chart(p, side, lang))[:4] == b"\x89PNG"
        assert app.figure_png(app.draw_measures(p, lang))[:4] == b"\x89PNG"
        html = app.numbers_html(p, lang)
        cell = re.search(r'data-metric="completed-A"[^>]*>([^<]*)<', html)
        assert cell and cell.group(1) == str(p.measures["A"]["completed"])


def test_section_view_counts_states_and_queues():
    p = PairModel(days=10)
    for _ in range(10):
        p.step()
    m = p.models["A"]
    view = app.section_view(m, "en")
    assert [s["id"] for s in view] == list(m.section_info)
    assert [s["label"] for s in view] == list(m.section_info)  # English shows ids
    assert sum(len(s["states"]) for s in view) == len(m.staff)
    assert sum(s["queue"] for s in view) == sum(len(q.jobs) for q in m.queues.values())
    states = [x for s in view for x in s["states"]]
    assert set(states) <= {"busy", "idle", "absent"}
    zh = app.section_view(m, "zh")
    assert zh[0]["label"] == m.section_info[view[0]["id"]]["name"] or zh[0]["label"] == view[0]["id"]


def test_translations_complete_for_both_languages():
    keys = {lang: set(labels) for lang, labels in LABELS.items()}
    assert set(LABELS) == set(LANGUAGES)
    assert keys["zh"] == keys["en"]
    fmt = string.Formatter()
    for key in keys["en"]:
        fields = {lang: {f for _, f, _, _ in fmt.parse(LABELS[lang][key]) if f} for lang in LABELS}
        assert fields["zh"] == fields["en"], key
        for lang in LABELS:
            assert LABELS[lang][key].strip(), (lang, key)
    # the Chinese labels are Chinese
    assert sum(bool(re.search(r"[\u4e00-\u9fff]", v)) for v in LABELS["zh"].values()) >= 0.8 * len(LABELS["zh"])


def test_every_label_the_app_uses_exists():
    used = set(re.findall(r"\bt\(\s*[\"']([a-z_]+)[\"']", APP_SOURCE))
    used |= {label for label, _ in app.NUMBER_ROWS}
    used |= {k for k in ("busy", "idle", "absent")}
    assert used, "no labels found"
    for lang in LABELS:
        missing = used - set(LABELS[lang])
        assert not missing, (lang, missing)
    assert t("day_of", "en", day=3, days=250) == "Working day 3 of 250"
    assert t("no_such_key", "zh") == "no_such_key"
