"""The teaching panel's lessons (analysis/lessons.py): texts in both languages for every embedded
scenario, a generic lesson for anything else, and every promised outcome checked against the model."""
import re

import pytest

import sim
from analysis import lessons
from analysis.lessons import Check, LESSONS, all_checks, as_markdown, lesson, reversed_check, run_check

ALLOWED_ASCII_WORDS: set[str] = set()  # runs of 2+ Latin letters allowed in Chinese texts: none
MAX_ZH, MAX_EN = 70, 140  # characters per bullet: a ~300 px panel on a projector


def default_pair(name):
    names = sim.load_scenario(name).structure_names
    return names[0], names[1]


@pytest.mark.parametrize("name", sim.available())
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_embedded_scenario_has_a_lesson(name, lang):
    a, b = default_pair(name)
    d = lesson(name, a, b, lang)
    assert not d["generic"], f"{name}: no lesson for its default pair {a} vs {b}"
    assert d["reform"].strip() and d["heading_reform"] and d["heading_look_for"] and d["heading_try"]
    assert 2 <= len(d["look_for"]) <= 4 and 1 <= len(d["try"]) <= 3
    assert all(b.strip() for b in d["look_for"] + d["try"])
    assert as_markdown(d).count("\n- ") == len(d["look_for"]) + len(d["try"])


def test_xicheng_pairs_and_reversed_pairs():
    for a, b in (("sections", "big_offices"), ("sections", "big_offices_lead"), ("big_offices", "big_offices_lead")):
        assert not lesson("xicheng_street", a, b, "zh")["generic"]
        assert lesson("xicheng_street", b, a, "en") == lesson("xicheng_street", a, b, "en")  # texts name the structures
    assert "牵头办" in " ".join(lesson("xicheng_street", "sections", "big_offices", "zh")["look_for"])


def _texts(les, lang):
    return [les.reform[lang], *les.look_for[lang], *(t.text[lang] for t in les.tries)]


@pytest.mark.parametrize("les", [*dict.fromkeys(LESSONS.values()), lessons.GENERIC])
def test_texts_fit_the_panel_and_chinese_has_no_latin_words(les):
    for text in _texts(les, "zh"):
        words = set(re.findall(r"[A-Za-z]{2,}", text)) - ALLOWED_ASCII_WORDS
        assert not words, f"Latin letters in the Chinese text: {words} in {text!r}"
        assert len(text) <= MAX_ZH, f"{len(text)} characters: {text}"
    for text in _texts(les, "en"):
        assert len(text) <= MAX_EN, f"{len(text)} characters: {text}"
    for lang in ("zh", "en"):
        assert len(les.look_for[lang]) == len(les.look_for["zh"])


def test_every_try_is_backed_by_a_check():
    for les in dict.fromkeys(LESSONS.values()):
        assert les.tries and all(t.checks for t in les.tries)


@pytest.mark.parametrize("args", [("my_unit", "before", "after"), ("finance_bureau", "merged", "nonexistent"),
                                  ("", "", ""), (None, 3, object()), ("../../etc/passwd", "a", "a")])
@pytest.mark.parametrize("lang", ["zh", "en", "fr", None])
def test_unknown_scenario_or_pair_gets_the_generic_lesson(args, lang):
    d = lesson(*args, lang)
    assert d["generic"] and d["reform"] and d["look_for"] and d["try"]
    assert d["lang"] in ("zh", "en")
    assert ("随机种子" in d["reform"]) == (d["lang"] == "zh")
    assert any("halt" in b.lower() or "停办" in b for b in d["look_for"])


def test_bad_checks_are_refused():
    for bad in (dict(metric="speed", expect="B lower"), dict(metric="halts", expect="better"),
                dict(metric="halts", expect="B lower", settings={"section_size": 2}),
                dict(metric="halts", expect="A rises more"),
                dict(metric="halts", expect="B lower", window=(0, 20))):
        with pytest.raises(ValueError):
            Check(**bad)


CHECKS = list(all_checks())


@pytest.mark.parametrize("case", CHECKS, ids=[f"{s}:{b}:{c.metric}:{c.expect}:{i}" for i, (s, a, b, c) in enumerate(CHECKS)])
def test_check_holds(case):
    scenario, a, b, check = case
    result = run_check(check, scenario, a, b)
    assert result.holds, result.detail


def test_a_reversed_expectation_fails():
    """A check must be able to fail: each directional check of one lesson, reversed, does not hold
    (the runs are the cached ones of test_check_holds)."""
    key = ("finance_bureau", "fragmented", "merged")
    directional = [c for t in LESSONS[key].tries for c in t.checks if c.expect in lessons.OPPOSITE]
    assert directional
    for check in directional:
        assert run_check(check, *key).holds
        assert not run_check(reversed_check(check), *key).holds
    with pytest.raises(ValueError):
        reversed_check(Check("halts", "alike"))
    # "alike" with a margin too small fails too
    assert not run_check(Check("cycle_days", "alike", margin=0.01), *key).holds


@pytest.mark.slow
@pytest.mark.parametrize("case", CHECKS, ids=[f"{s}:{b}:{c.metric}:{c.expect}:{i}" for i, (s, a, b, c) in enumerate(CHECKS)])
def test_check_holds_over_the_full_year(case):
    """What the class sees: the app's full horizon (250 working days), five seeds."""
    scenario, a, b, check = case
    result = run_check(check, scenario, a, b, days=sim.load_scenario(scenario).horizon_days, seeds=range(1, 6))
    assert result.holds, result.detail
