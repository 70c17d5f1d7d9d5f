"""The teaching app's views without a browser: what each structure's chart shows, the B − A column, the
shaded periods, the upload, the "not yet applied" marker, and that the Chinese page is Chinese."""
import base64
import re
from html import unescape

import pytest

from analysis import app, app_model, app_views
from analysis.app_model import PairModel
from sim.errors import InputError
from sim.i18n import LABELS, display, t
from sim.scenario import SCENARIO_DIR

ASCII_WORD = re.compile(r"[A-Za-z]{2,}")
ALLOWED_ASCII = {"YAML"}  # the file format's name, as Chinese software writes it


def visible_text(html: str) -> list[str]:
    """The text nodes of an HTML fragment (tags and attributes dropped)."""
    return [unescape(x).strip() for x in re.split(r"<[^>]*>", html) if x.strip()]


def english_words(texts) -> set[str]:
    return {w for x in texts for w in ASCII_WORD.findall(x)} - ALLOWED_ASCII


def stepped(scenario: str, days: int = 5, horizon: int | None = None, **kw) -> PairModel:
    p = PairModel(scenario=scenario, days=horizon or days, **kw)
    for _ in range(days):
        p.step()
    return p


@pytest.mark.parametrize("scenario", app_model.SCENARIOS)
def test_every_scenario_draws_both_structures_in_both_languages(scenario):
    p = stepped(scenario)
    for lang in ("zh", "en"):
        views = app_views.page_html(p, lang)
        assert set(views) == {"status", "org_A", "org_B", "trends", "numbers"}
        for side in "AB":
            m = p.models[side]
            html = views[f"org_{side}"]
            # every section drawn once, with its display name and one symbol per person
            assert html.count('class="sec') == len(m.section_info)
            for _, sec in m.structure.sections():
                assert f'data-section="{sec.id}"' in html
                assert app_views.escape(display(sec, lang)) in html
            assert len(re.findall(r'<i class="p ', html)) == len(m.staff)
            for state in ("busy", "idle", "absent"):
                assert len(re.findall(rf'<i class="p {state}', html)) == sum(s.state == state for s in m.staff)
            queued = sum(int(x) for x in re.findall(r'class="q[^"]*"><span class="qword">[^<]*</span>(\d+)<', html))
            halted_queues = [q for q in m.queues.values() if q.halt_start is not None]
            assert queued == sum(len(q.jobs) for q in m.queues.values()
                                 if not any(h.section == q.section for h in halted_queues))
        cell = re.search(r'data-metric="completed-A"[^>]*>([^<]*)<', views["numbers"])
        assert cell and cell.group(1) == str(p.measures["A"]["completed"])
        if lang == "zh":  # no id, pinyin or English word on the Chinese page
            texts = [x for v in views.values() for x in visible_text(v)]
            assert not english_words(texts), english_words(texts)
        else:
            assert not any(re.search(r"[\u4e00-\u9fff]", x) for v in views.values() for x in visible_text(v)
                           if x not in {w.name for st in p.base.structures.values() for w in st.windows})


def _fingerprint(html: str) -> tuple:
    """What a class sees of a structure: sections, merged nameplates, combo frames, windows, badges."""
    return (html.count('class="sec'), html.count(" merged"), html.count('data-group="combo"'),
            re.findall(r'data-windows="(\d+)"', html), html.count('class="badge"'), html.count('data-group="body"'))


@pytest.mark.parametrize("scenario", app_model.SCENARIOS)
def test_the_reform_is_visible_in_every_embedded_scenario(scenario):
    """The default pair (before, after) never draws the same picture: the reform shows."""
    p = PairModel(scenario=scenario, days=1)
    a, b = (app_views.org_chart_html(p, s, "zh") for s in "AB")
    assert _fingerprint(a) != _fingerprint(b), (scenario, _fingerprint(a))


def test_what_each_reform_draws():
    lic = PairModel(scenario="licheng_combos", days=1)
    combos = app_views.org_chart_html(lic, "B", "zh")
    assert combos.count('data-group="combo"') == 3 and "组团：区委组织部牵头（4 个单位）" in combos
    assert 'data-group="combo"' not in app_views.org_chart_html(lic, "A", "zh")
    sx = PairModel(scenario="shanxi_county", days=1)
    before, after = app_views.org_chart_html(sx, "A", "zh"), app_views.org_chart_html(sx, "B", "zh")
    assert 'data-windows="4"' in before and 'data-windows="1"' in after
    assert "领导兼任 · 直接审批" in after and "兼任发改局负责人" in after and "兼任" not in before
    fin = PairModel(scenario="finance_bureau", days=1)
    merged = app_views.org_chart_html(fin, "B", "zh")
    assert "加挂：行政科、政法科" in merged and merged.count('class="sec merged"') == 4
    assert " merged" not in app_views.org_chart_html(fin, "A", "zh")
    hb = PairModel(scenario="huaibei_pilots", days=1)
    assert 'class="org dense"' in app_views.org_chart_html(hb, "A", "zh")  # 52 sections: compact cells


def test_a_halted_section_is_marked_by_more_than_colour():
    """Absences raised until some queue halts: its card is hatched and says 停办 (a word and a sign)."""
    p = PairModel(scenario="finance_bureau", absence=3.0, days=80)
    for _ in range(80):
        p.step()
        halted = {q.section for q in p.models["A"].queues.values() if q.halt_start is not None}
        if halted:
            break
    assert halted, "no halt in 80 days at three times the absences"
    html = app_views.org_chart_html(p, "A", "zh")
    for sid in halted:
        card = re.search(rf'<div class="sec[^"]*" data-section="{sid}" data-halted="1"', html)
        assert card and "halted" in card.group(0)
    assert html.count("‖") == len(halted) and "停办" in html


def test_b_minus_a_says_better_or_worse_in_words():
    mark = app_views.compare_mark
    assert mark("lower", 2.0, 1.0, "zh") == ("better", "✓ 较好")
    assert mark("lower", 1.0, 2.0, "en") == ("worse", "✗ worse")
    assert mark("higher", 10, 12, "en")[0] == "better"
    assert mark("lower", 1.0, 1.01, "en")[0] == "same"  # within SAME_WITHIN
    assert mark(None, 1.0, 2.0, "en") == ("neutral", "")
    assert mark("lower", float("nan"), 2.0, "en") == ("neutral", "")
    p = stepped("finance_bureau", 30)
    html = app_views.numbers_html(p, "zh")
    assert html.count("data-diff=") == len(app_views.NUMBER_ROWS)
    d = p.measures["B"]["halts"] - p.measures["A"]["halts"]
    assert f'data-diff="halts">{d:+.0f}' in html


def test_warm_up_and_transition_are_shaded_and_explained():
    xi = stepped("xicheng_street", 3, horizon=100, structure_b="big_offices")
    html = app_views.trends_html(xi, "zh")
    assert 'class="warm"' in html and "预热期" in html
    assert 'fill="url(#trans-B)"' in html and 'fill="url(#trans-A)"' not in html  # only moved staff slow down
    assert "B 的过渡期（60 天" in html
    status = app_views.status_html(xi, "zh")
    assert "预热期" in status and "B 过渡期" in status
    fin = stepped("finance_bureau", 3)  # no transition in the finance bureau
    assert "url(#trans-" not in app_views.trends_html(fin, "en")
    assert fin.transition_days("B") == 0 and xi.transition_days("B") == 60


def test_pending_inputs_are_marked_until_reset():
    pair = app.build(dict(app_model.DEFAULTS))
    try:
        assert app.pending(pair, dict(app_model.DEFAULTS)) == []
        changed = {**app_model.DEFAULTS, "absence": 2.0, "structure_b": "fragmented"}
        assert app.pending(pair, changed) == ["structure_b", "absence"]
    finally:
        pair.release()


# ---- uploads -----------------------------------------------------------------------------------
FINANCE = (SCENARIO_DIR / "finance_bureau.yaml").read_bytes()


def test_an_uploaded_scenario_runs_like_an_embedded_one():
    sc = app_model.load_uploaded("my_unit.yaml", FINANCE.replace(b"fragmented", b"before_reform"))
    assert sc.structure_names[0] == "before_reform"
    p = PairModel(scenario=app_model.UPLOADED, uploaded=sc, days=3)
    p.step()
    assert p.structure_names == {"A": "before_reform", "B": "merged"} and p.scenario_name == app_model.UPLOADED
    # without the upload the key is refused like any other value
    q = PairModel(scenario=app_model.UPLOADED, days=1)
    assert q.scenario_name == app_model.DEFAULT_SCENARIO and q.notes[0][0] == "note_scenario"
    with pytest.raises(InputError, match=r"^gbk\.yml: line \d+: not UTF-8 text"):  # as on the command line
        app_model.load_uploaded("gbk.yml", FINANCE.decode("utf-8").encode("gbk"))


@pytest.mark.parametrize("name,data,expect", [
    ("big.yaml", b"#" * (app_model.MAX_UPLOAD_BYTES + 1), r"big\.yaml: file: 200,001 bytes; the app takes scenario files of at most 200,000"),
    ("notes.txt", b"name: x", r"notes\.txt: file: expected a \.yaml or \.yml scenario file"),
    ("bad.yaml", b"name: [unclosed", r"bad\.yaml"),
    ("empty.yaml", b"", r"empty\.yaml"),
    ("binary.yaml", bytes(range(256)), r"binary\.yaml"),
    ("field.yaml", FINANCE.replace(b"horizon_days: 250", b"horizon_days: -3"), r"field\.yaml: horizon_days"),
    ("/etc/../../secret/x.yaml", b"name: [", r"^x\.yaml"),
])
def test_bad_uploads_get_one_line_naming_the_file(name, data, expect):
    with pytest.raises(InputError) as e:
        app_model.load_uploaded(name, data)
    line = str(e.value)
    assert "\n" not in line and re.search(expect, line), line
    assert "/etc" not in line and "Traceback" not in line


def test_upload_caps_the_model_size(monkeypatch):
    monkeypatch.setattr(app_model, "MAX_UPLOAD_STAFF", 20)
    with pytest.raises(InputError, match=r"u\.yaml: structures\.fragmented: 29 staff; the app steps at most 20"):
        app_model.load_uploaded("u.yaml", FINANCE)
    monkeypatch.setattr(app_model, "MAX_UPLOAD_STAFF", 1500)
    monkeypatch.setattr(app_model, "MAX_UPLOAD_ARRIVALS", 100)
    with pytest.raises(InputError, match=r"u\.yaml: workload: about [\d,]+ tasks over the horizon"):
        app_model.load_uploaded("u.yaml", FINANCE)


def test_receive_upload_takes_what_the_button_sends():
    """The button sends {name, size, data: base64} (data None when over the cap): checked again here."""
    try:
        sent = {"name": "mine.yaml", "size": len(FINANCE), "data": base64.b64encode(FINANCE).decode()}
        ok, note = app.receive_upload(sent)
        assert ok and t(note[0], "zh", **note[1]) == "已载入 mine.yaml：2 个结构；按“重置”运行"
        assert t(note[0], "en", **note[1]) == "Loaded mine.yaml: 2 structures; press Reset to run it"
        assert app.INPUTS.value["scenario"] == app_model.UPLOADED and app.UPLOAD.value[1] == "mine.yaml"
        pair = app.build(app.INPUTS.value)
        assert pair.scenario_name == app_model.UPLOADED and app.pending(pair, app.INPUTS.value) == []
        assert app.receive_upload(sent)[0]  # the very same file again: nothing new to apply
        assert app.pending(pair, app.INPUTS.value) == []
        edited = FINANCE.replace(b"horizon_days: 250", b"horizon_days: 200")
        assert app.receive_upload({**sent, "data": base64.b64encode(edited).decode()})[0]
        assert app.pending(pair, app.INPUTS.value) == ["scenario"]  # the edited file is not running yet
        pair.release()
        for bad in ({"name": "big.yaml", "size": 10**9, "data": None}, {"name": "x.yaml", "size": 4, "data": "%%%"},
                    "not a dict", {"name": "x.yaml", "size": "4", "data": "eDo="},
                    {"name": "x.yaml", "size": 4, "data": base64.b64encode(b"x: [").decode()}):
            ok, note = app.receive_upload(bad)
            line = t(note[0], "zh", **note[1])
            assert not ok and "\n" not in line and len(line) <= 220 and line.startswith("无法载入") or \
                note[0] == "upload_bad", line
    finally:
        app.UPLOAD.set(None)
        app.INPUTS.set(dict(app_model.DEFAULTS))


def test_chinese_labels_of_the_app_are_chinese():
    keys = set(re.findall(r"\bt\(\s*[\"']([a-z_]+)[\"']", "\n".join(
        open(m.__file__, encoding="utf-8").read() for m in (app, app_views))))
    keys |= {k for k, _, _ in app_views.NUMBER_ROWS} | {k for _, k in app_views.TRENDS}
    keys |= set(app_model.SLIDERS) | set(app_model.CONTROLS)
    for key in keys:
        assert key in LABELS["zh"] and key in LABELS["en"], key
        text = re.sub(r"\{[a-z_]+\}", "", LABELS["zh"][key])  # the fields are filled in
        assert not english_words([text]), (key, LABELS["zh"][key])


@pytest.mark.parametrize("scenario", app_model.SCENARIOS)
def test_things_to_notice_panel_for_every_scenario(scenario):
    from analysis import lessons
    p = PairModel(scenario=scenario, days=1)
    for lang in ("zh", "en"):
        lesson = lessons.lesson(scenario, p.structure_names["A"], p.structure_names["B"], lang)
        html = app_views.lesson_html(lesson, lang)
        assert 'data-generic="0"' in html
        for item in lesson["look_for"] + lesson["try"]:
            assert app_views.escape(item) in html
        if lang == "zh":
            assert not english_words(visible_text(html))
    generic = app_views.lesson_html(lessons.lesson(app_model.UPLOADED, "a", "b", "zh"), "zh")
    assert 'data-generic="1"' in generic and not english_words(visible_text(generic))


def test_same_structure_on_both_sides_is_said():
    p = PairModel(scenario="finance_bureau", structure_a="merged", structure_b="merged", days=1)
    assert ("note_same_structure", {}) in p.notes
    assert "A 与 B 是同一个结构" in app_views.settings_html(p, "zh")


def test_a_difference_shown_as_zero_is_the_same():
    assert app_views._diff("halt_hours", 4.3, 4.1) == "0"
    assert app_views.compare_mark("lower", 4.3, 4.1, "en", "halt_hours") == ("same", "≈ same")
    assert app_views._diff("idle_share", 0.101, 0.099) == "0 pt"
    assert app_views._diff("cycle_days", 1.0, 0.75) == "-0.25"


def test_a_closed_session_releases_its_models():
    """Mesa 3.3 keeps every model in Agent._ids: the pair a browser session ran is released when the
    session's kernel closes (solara.lab.on_kernel_start's cleanup)."""
    from mesa.agent import Agent
    closed = app._session_started()
    pair = app.build(dict(app_model.DEFAULTS))
    assert app.SESSION_PAIR.value is pair and pair.models["A"] in Agent._ids
    closed()
    assert app.SESSION_PAIR.value is None
    assert pair.models["A"] not in Agent._ids and pair.models["B"] not in Agent._ids and pair not in Agent._ids
