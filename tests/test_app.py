"""The teaching app's logic without a browser: PairModel, live measures, views, translations."""
import re
import string
from pathlib import Path

import numpy as np
import pytest

from analysis import app, app_model, app_views
from analysis.app_model import AUTO, PairModel
from analysis.i18n import LABELS, LANGUAGES, t

APP_SOURCE = "\n".join(Path(m.__file__).read_text(encoding="utf-8") for m in (app, app_model, app_views))


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
        m, tr, model = p.measures[side], p.trackers[side], p.models[side]
        # the compared counts start at the end of the warm-up (day 20), as the run's summary does
        base = tr.base
        assert base is not None and p.warmup_days == 20
        assert m["arrived"] == model._arr_i - base["arrived"] and m["completed"] == tr._done - base["done"]
        assert tr._done + m["wip"] == model._arr_i
        assert tr._done == len(model.ledgers.task_rows())
        assert m["halts_all"] >= m["halts"] >= 0
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
    used |= {label for label, _, _ in app_views.NUMBER_ROWS}
    used |= {label for _, label in app_views.TRENDS}
    used |= set(app_model.SLIDERS) | set(app_model.CONTROLS)
    used |= {k for k in ("busy", "idle", "absent")}
    assert used, "no labels found"
    for lang in LABELS:
        missing = used - set(LABELS[lang])
        assert not missing, (lang, missing)
    assert t("day_of", "en", day=3, days=250) == "Working day 3 of 250"
    assert t("no_such_key", "zh") == "no_such_key"


# ---- values from the browser: checked on the server (issue 8, group 6) ---------------------------
from analysis.app_model import check_input, clean_inputs, echo, short_reason  # noqa: E402
from analysis.app_views import note_text  # noqa: E402
from sim.scenario import SCENARIO_DIR  # noqa: E402


@pytest.fixture
def only_embedded_reads(monkeypatch):
    """sim.load_scenario may only be handed an embedded scenario's own file: anything else fails the
    test before it is read (so the old code's read of /dev/zero cannot hang the run)."""
    import sim
    real, seen = sim.load_scenario, []

    def guarded(source=None):
        path = Path(str(source)) if source is not None else None
        assert path is not None and path.parent == SCENARIO_DIR and path.stem in sim.available(), \
            f"load_scenario({source!r}): not an embedded scenario's file"
        seen.append(path)
        return real(source)

    monkeypatch.setattr(sim, "load_scenario", guarded)
    return seen


def _sentinel(tmp_path) -> Path:
    """A valid scenario outside the app's list: its structure name shows if it is ever loaded."""
    path = tmp_path / "sentinel.yaml"
    path.write_text((SCENARIO_DIR / "finance_bureau.yaml").read_text(encoding="utf-8")
                    .replace("fragmented", "sentinelonly"), encoding="utf-8")
    return path


@pytest.mark.parametrize("bad", ["/etc/passwd", "/dev/zero", "SENTINEL", "sim/scenarios/finance_bureau.yaml",
                                 "../main/sim/scenarios/finance_bureau", "finance_bureau.yaml", "", 7, 1.5, True,
                                 ["finance_bureau"], {"name": "finance_bureau"}])
def test_scenario_outside_the_list_is_never_read(bad, tmp_path, only_embedded_reads):
    """A browser can send any path as the scenario; only the embedded names are accepted, and no file
    but an embedded scenario's own is read."""
    if bad == "SENTINEL":
        bad = str(_sentinel(tmp_path))
    p = PairModel(scenario=bad, days=1)
    assert p.scenario_name == app_model.DEFAULT_SCENARIO
    assert p.structure_names == {"A": "fragmented", "B": "merged"}
    assert [k for k, _ in p.notes] == ["note_scenario"]
    msg = note_text(p.notes[0], "en")
    assert "is not one of the app's scenarios; using finance_bureau" in msg and len(msg) < 120
    assert not only_embedded_reads  # the embedded scenarios were read once, when the app started
    kept, note = check_input("scenario", bad, "xicheng_street")  # as it arrives from the page
    assert kept == "xicheng_street" and note[0] == "note_scenario"
    assert note_text(note, "en").endswith("; refused")


def test_embedded_names_are_the_files_read_at_start(only_embedded_reads):
    for name in app_model.SCENARIOS:
        assert PairModel(scenario=name, days=1).scenario_name == name
    assert not only_embedded_reads
    assert set(app_model.SCENARIO_FILES) == set(app_model.SCENARIOS) == set(__import__("sim").available())
    assert all(path.parent == SCENARIO_DIR for path in app_model.SCENARIO_FILES.values())


def test_structure_of_another_scenario_gives_a_note():
    """A structure of another scenario (the menus offer only the chosen scenario's) is noted, not used."""
    other = next(s for sc in app_model.CATALOGUE.values() for s in sc.structure_names
                 if s not in app_model.CATALOGUE["finance_bureau"].structure_names)
    p = PairModel(scenario="finance_bureau", structure_a=other, structure_b={"x": 1}, days=1)
    assert p.structure_names == {"A": "fragmented", "B": "merged"}
    assert [k for k, _ in p.notes] == ["note_structure", "note_structure"]
    assert note_text(p.notes[0], "en") == f"structure {other} is not in scenario finance_bureau; using fragmented"
    menu = app_model.structure_choices(app_model.CATALOGUE["finance_bureau"])
    assert menu == ["fragmented", "merged"]
    kept, note = check_input("structure_a", "/etc/passwd", "merged", menu)
    assert kept == "merged" and note_text(note, "en") == "Structure A: /etc/passwd is not one of the choices; refused"
    kept, note = check_input("structure_b", other, "merged", menu)
    assert kept == "merged" and note is not None
    assert check_input("structure_b", "fragmented", "merged", menu) == ("fragmented", None)


BAD_SLIDER_VALUES = [
    ("workload", float("nan"), "note_finite"), ("workload", float("inf"), "note_finite"),
    ("absence", float("-inf"), "note_finite"), ("workload", 1e300, "note_range"), ("workload", 0.49, "note_range"),
    ("absence", -0.25, "note_range"), ("absence", 3.25, "note_range"), ("section_size", 1e-9, "note_range"),
    ("seed", 100, "note_range"), ("seed", -1, "note_range"), ("seed", 10**400, "note_range"),
    ("coord_steps", 9, "note_range"), ("coord_steps", 2.5, "note_whole"), ("seed", 1.5, "note_whole"),
    ("workload", "1.2", "note_number"), ("absence", None, "note_number"), ("seed", True, "note_number"),
    ("section_size", [1.0], "note_number"), ("coord_steps", {"v": 3}, "note_number"), ("seed", "abc", "note_number"),
]


@pytest.mark.parametrize("param,value,key", BAD_SLIDER_VALUES,
                         ids=[f"{p}={echo(v)[:12]}" for p, v, _ in BAD_SLIDER_VALUES])
def test_bad_slider_values_are_replaced_with_a_note(param, value, key):
    """Solara does not clamp what the browser sends: each value is checked on the server; a bad one
    is replaced by the slider's fallback and said so, never raising and never used."""
    p = PairModel(**{param: value}, days=1)
    assert p.notes and p.notes[0][0] == key and p.notes[0][1]["param"] == param
    base = PairModel(days=1)
    assert p.settings == base.settings  # the fallbacks are the defaults
    msg = note_text(p.notes[0], "en")
    assert msg.startswith(t(param, "en") + ": ") and "; using " in msg and len(msg) < 120, msg
    kept, note = check_input(param, value, 0.75 if param in ("absence", "section_size", "workload") else 2)
    assert note[0] == key and kept in (0.75, 2)  # as it arrives from the page: refused, current value kept


def test_slider_values_at_and_between_the_ends_are_taken():
    """Slider steps arrive as 1.5000000000000002: on a bound, not past it."""
    clean, notes = clean_inputs(seed=99, absence=0.0, workload=1.5000000000000002, coord_steps=8.0,
                                section_size=0.5)
    assert not notes
    assert clean == {"scenario": "finance_bureau", "structure_a": AUTO, "structure_b": AUTO, "seed": 99,
                     "absence": 0.0, "workload": 1.5, "coord_steps": 8, "section_size": 0.5}
    assert clean_inputs(workload=None, coord_steps=None)[0]["workload"] is None  # the scenario's own
    for name, value in (("speed", 25), ("speed", 1), ("language", "en")):
        assert check_input(name, value, None) == (value, None)
    for name, value in (("speed", 10**9), ("speed", 0), ("speed", 2.5), ("language", "../en"), ("language", 1)):
        kept, note = check_input(name, value, "kept")
        assert kept == "kept" and note is not None


def test_messages_are_short_and_name_no_server_path(monkeypatch):
    assert echo("x" * 500) == "x" * 39 + "…" and echo("a\nb") == "a b"
    assert echo(10**5000) == "<int>"  # no repr past 4300 digits
    reason = f"{SCENARIO_DIR}/finance_bureau.yaml: params.x: bad value under {app_model.ROOT}"
    assert short_reason(reason) == "finance_bureau.yaml: params.x: bad value under"

    # a scenario that will not take the overrides: a note without paths, the scenario's own values
    from sim.errors import InputError
    from sim.scenario import Scenario

    def refuse(self, overrides):
        if overrides:
            raise InputError(self.file, "override x", f"{app_model.ROOT}/sim/scenarios/x.yaml cannot take it")
        return self
    monkeypatch.setattr(Scenario, "with_overrides", refuse)
    p = PairModel(workload=1.2, days=1)
    assert [k for k, _ in p.notes] == ["note_overrides"]
    assert str(app_model.ROOT) not in note_text(p.notes[0], "en") and p.settings["workload"] == 1.0


def test_take_refuses_without_raising():
    """The page's inputs hand what arrives to take(): a refused value is shown and not stored."""
    stored = []
    try:
        assert app.take("workload", float("nan"), 1.0, stored.append) is False
        assert not stored and app.REFUSED.value[0] == "note_finite"
        assert app.take("scenario", "/dev/zero", "finance_bureau", stored.append) is False
        assert not stored and note_text(app.REFUSED.value, "zh") == "场景 /dev/zero 不是本应用的场景，已拒绝"
        assert app.take("workload", 1.2000000000000002, 1.0, stored.append) is True and stored == [1.2]
    finally:
        app.REFUSED.set(None)
