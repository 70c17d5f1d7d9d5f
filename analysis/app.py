"""Teaching app: two section structures of one scenario run side by side, one working day per step.

Start it from the repository root with

    solara run analysis/app.py --production

Pick a scenario (or upload your own YAML) and two of its structures, set absence, workload,
coordination steps and section size, press 重置/Reset to apply them (a marker says what is not applied
yet), then 单步/Step or 运行/Play at a speed in working days per second. Both structures get the same
seed, so the same tasks arrive and the same people are away on the same days (common random numbers):
every difference on the screen comes from the structure.

The page is one screen from 1280x720 to 1920x1080: the views are HTML the browser lays out
(``analysis.app_views``), the model side is ``analysis.app_model``, the "things to notice" texts
``analysis.lessons``. Nothing the browser sends is trusted: every input is the app's own and hands
what arrives to ``take``, which checks it (``check_input``); a refused value leaves the input as it
was and shows one short line, never a traceback. tests/test_app.py covers the logic,
tests/test_app_browser.py drives the page in Chromium at three screen sizes.
"""
from __future__ import annotations

import base64
import binascii
import math
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # `solara run analysis/app.py` puts analysis/ on the path, not the root
    sys.path.insert(0, str(ROOT))

import ipyvuetify as v  # noqa: E402
import reacton.ipyvuetify as rv  # noqa: E402
import solara  # noqa: E402
import solara.server.settings  # noqa: E402
import traitlets  # noqa: E402

from analysis import app_views as views  # noqa: E402
from analysis import lessons  # noqa: E402
from analysis.app_model import (CATALOGUE, CONTROLS, DEFAULTS, FRAMES_PER_SECOND, MAX_UPLOAD_BYTES,  # noqa: E402
                                RANGES, SCENARIOS, SLIDERS, UPLOADED, PairModel, check_input, default_structures,
                                echo, load_uploaded, short_reason, structure_choices)
from sim.errors import InputError  # noqa: E402
from sim.i18n import DEFAULT_LANGUAGE, LANGUAGES, display, t  # noqa: E402

# No "This website runs on Solara" badge over the content, and the app's own name in the browser tab
solara.server.settings.theme.show_banner = False
solara.server.settings.theme.title = t("app_title", DEFAULT_LANGUAGE)

CSS = (Path(__file__).with_name("app.css")).read_text(encoding="utf-8")

# ---- per browser session (solara keeps a module-level reactive per kernel) ----------------------
LANG = solara.reactive(DEFAULT_LANGUAGE)
INPUTS = solara.reactive(dict(DEFAULTS))  # what the next Reset builds a PairModel from
SPEED = solara.reactive(CONTROLS["speed"]["fallback"])  # working days per second while playing
UPLOAD = solara.reactive(None)  # (parsed scenario, file name) of this session's upload
UPLOAD_NOTE = solara.reactive(None)  # (ok, (i18n key, fields)) about the last upload, shown in the page's language
REFUSED = solara.reactive(None)  # the last value the page sent that the server refused
FRAME = solara.reactive(0)  # bumped after each step: the views redraw
SESSION_PAIR = solara.reactive(None)  # the pair this session runs, released when the session closes


def _session_started():
    """When a browser session's kernel closes (Solara culls it a while after the tab goes), release the
    pair it was running: Mesa 3.3 keeps every model alive in Agent._ids until released."""
    def closed():
        pair = SESSION_PAIR.value
        if pair is not None:
            pair.release()
            SESSION_PAIR.set(None)
            print("app: a session closed; its models were released", file=sys.stderr)
    return closed


solara.lab.on_kernel_start(_session_started)


def scenario_of(name: str):
    """The scenario behind a menu value: an embedded one or this session's upload (the first embedded
    one if neither: the menus always offer something)."""
    if name == UPLOADED and UPLOAD.value is not None:
        return UPLOAD.value[0]
    return CATALOGUE.get(name) or CATALOGUE[SCENARIOS[0]]


def build(inputs: dict) -> PairModel:
    """A PairModel from the inputs (the upload passed along when it is the one chosen)."""
    up = UPLOAD.value[0] if UPLOAD.value is not None else None
    pair = PairModel(**inputs, uploaded=up)
    pair.lock = threading.RLock()  # the play thread steps while the page may be drawing
    pair.inputs = dict(inputs)
    pair.upload = up if pair.scenario_name == UPLOADED else None
    SESSION_PAIR.set(pair)
    return pair


def pending(pair: PairModel, inputs: dict) -> list[str]:
    """Inputs changed since the running pair was built: they apply at the next Reset (a file uploaded
    again while its earlier version runs is a changed scenario too)."""
    applied = getattr(pair, "inputs", {})
    changed = [k for k, val in inputs.items() if applied.get(k, val) != val]
    newer = (inputs.get("scenario") == UPLOADED and UPLOAD.value is not None
             and getattr(pair, "upload", None) is not UPLOAD.value[0])
    return (["scenario"] if newer and "scenario" not in changed else []) + changed


def take(name: str, value, current, store, choices=None) -> bool:
    """Store a value the page sent for input ``name`` if ``check_input`` accepts it; otherwise keep
    ``current`` and show why in the page. Never raises: an exception in an event handler would
    replace the page with its traceback."""
    kept, note = check_input(name, value, current, choices)
    if note is not None:
        print(f"app: refused {name}={echo(value)}", file=sys.stderr)
        REFUSED.set(note)
        return False
    store(kept)
    return True


def choose_scenario(name: str) -> None:
    """A new scenario brings its own structures and its own workload and coordination steps."""
    sc = scenario_of(name)
    pair = default_structures(sc)
    INPUTS.set({**INPUTS.value, "scenario": name, "structure_a": pair["A"], "structure_b": pair["B"],
                "workload": float(sc.workload.load_factor), "coord_steps": int(sc.params.handoff.section.steps)})


def _set_input(name: str):
    if name == "scenario":
        return choose_scenario
    return lambda val: INPUTS.set({**INPUTS.value, name: val})


def _push_back(ref, value) -> None:
    """Put the kept value back into the widget ``ref`` holds, so the page shows what the server holds."""
    try:
        if ref.current is not None:
            ref.current.v_model = value
    except Exception as e:  # showing the old value is a nicety: it must not break the page
        print(f"app: could not show the kept value again: {e!r}", file=sys.stderr)


def use_widget_ref(el):
    """A ref to ``el``'s widget, filled after each render (get_widget needs a render context, which
    an event handler does not have)."""
    ref = solara.use_ref(None)

    def grab():
        ref.current = solara.get_widget(el)
    solara.use_effect(grab)
    return ref


def slider_value_text(name: str, value, lang: str) -> str:
    """A slider's value as its chip shows it."""
    if value is None:
        return t("scenario_own", lang)
    if name in ("absence", "section_size"):
        return f"×{value:g}"
    if name == "workload":
        return f"{value:.2f}"
    if name == "speed":
        return t("speed_value", lang, n=value)
    return f"{value:g}"


@solara.component
def CheckedSlider(name: str, label: str, value, store, changed: bool = False):
    """A slider whose values go through ``take`` (Solara's SliderFloat/SliderInt cast the browser's
    value with float()/int() and raise on anything else), its value shown beside its name, and a
    marker while the value is not yet applied."""
    spec = RANGES[name]
    lang = LANG.value

    def on_v_model(val):
        if not take(name, val, value, store):
            _push_back(ref, value)
    with solara.Div(classes=["ctl", "changed" if changed else "applied"], attributes={"data-input": name}):
        with solara.Div(classes=["ctl-head"]):
            solara.HTML(tag="span", unsafe_innerHTML=views.escape(label), classes=["ctl-name"])
            solara.HTML(tag="span", unsafe_innerHTML=views.escape(slider_value_text(name, value, lang))
                        + (f' <b class="not-applied">● {views.escape(t("not_applied", lang))}</b>' if changed else ""),
                        classes=["ctl-value"])
        el = rv.Slider(v_model=value if value is not None else spec["min"], on_v_model=on_v_model, label=label,
                       min=spec["min"], max=spec["max"], step=spec["step"], dense=True, hide_details=True,
                       class_="ctl-slider")
    ref = use_widget_ref(el)


@solara.component
def CheckedSelect(name: str, label: str, items: list[tuple[str, str]], value, store, changed: bool = False):
    """A select of (value, text) items whose choice goes through ``take`` (the page may send anything)."""
    values = [val for val, _ in items]

    def on_v_model(val):
        if not take(name, val, value, store, values):
            _push_back(ref, value)
    with solara.Div(classes=["ctl", "changed" if changed else "applied"], attributes={"data-input": name}):
        el = rv.Select(v_model=value, on_v_model=on_v_model, items=[{"text": txt, "value": val} for val, txt in items],
                       label=label + (f" ● {t('not_applied', LANG.value)}" if changed else ""), dense=True,
                       hide_details=True, class_="ctl-select")
    ref = use_widget_ref(el)


class YamlUploadWidget(v.VuetifyTemplate):
    """A button that opens the file dialog and sends the chosen file's bytes (base64) to the server,
    or only its name and size when it is over the cap (checked again on the server)."""
    label = traitlets.Unicode("").tag(sync=True)
    max_bytes = traitlets.Int(MAX_UPLOAD_BYTES).tag(sync=True)
    template = traitlets.Unicode("""
<template>
  <span class="upload">
    <v-btn small outlined class="upload-btn" @click="$refs.file.click()">{{ label }}</v-btn>
    <input ref="file" type="file" accept=".yaml,.yml" class="upload-input" style="display:none" @change="pick" />
  </span>
</template>
<script>
module.exports = {
  methods: {
    pick(e) {
      const f = e.target.files[0];
      e.target.value = "";
      if (!f) return;
      if (f.size > this.max_bytes) { this.file_chosen({name: f.name, size: f.size, data: null}); return; }
      const r = new FileReader();
      r.onload = () => this.file_chosen({name: f.name, size: f.size, data: String(r.result).split(",").pop()});
      r.readAsDataURL(f);
    }
  }
}
</script>
""").tag(sync=True)

    def __init__(self, **kwargs):
        self.on_file = None
        super().__init__(**kwargs)

    def vue_file_chosen(self, data):
        if self.on_file is not None:
            self.on_file(data)


def receive_upload(data) -> tuple[bool, tuple[str, dict]]:
    """What the upload button sent -> (accepted, (i18n key, fields) of one line). On success the
    scenario becomes this session's upload and the chosen scenario; nothing is written anywhere.
    A refusal's reason is the command line's one-line error (in English, as there)."""
    if not isinstance(data, dict):
        return False, ("upload_bad", {})
    name = Path(str(data.get("name") or "upload.yaml")).name[:80]
    size = data.get("size")
    try:
        if not isinstance(size, int) or size > MAX_UPLOAD_BYTES or data.get("data") is None:
            shown = f"{size:,}" if isinstance(size, int) else "?"
            raise InputError(name, "file", f"{shown} bytes; the app takes scenario files of at most "
                                           f"{MAX_UPLOAD_BYTES:,} bytes")
        encoded = str(data["data"])
        if len(encoded) > 2 * MAX_UPLOAD_BYTES:
            raise InputError(name, "file", f"more than {MAX_UPLOAD_BYTES:,} bytes")
        try:
            raw = base64.b64decode(encoded, validate=True)
        except (binascii.Error, ValueError):
            raise InputError(name, "file", "the file did not arrive whole; try again") from None
        sc = load_uploaded(name, raw)
    except InputError as e:
        return False, ("upload_failed", {"reason": short_reason(str(e), 200)})
    except Exception as e:  # a scenario the checks missed must not take the page down
        print(f"app: upload {name!r} failed: {e!r}", file=sys.stderr)
        return False, ("upload_failed", {"reason": short_reason(f"{name}: {type(e).__name__}: {e}", 200)})
    UPLOAD.set((sc, name))
    choose_scenario(UPLOADED)
    return True, ("upload_ok", {"name": name, "n": len(sc.structure_names)})


@solara.component
def UploadButton():
    """The upload button and one line about the last file (always the same two children, so the
    button's widget is never rebuilt; its callback is attached after every render all the same)."""
    lang = LANG.value
    note = UPLOAD_NOTE.value

    def on_file(data):
        UPLOAD_NOTE.set(receive_upload(data))

    with solara.Div(classes=["upload-box"]):
        el = YamlUploadWidget.element(label=t("upload", lang))
        ok, line = (note[0], t(note[1][0], lang, **note[1][1])) if note is not None else (True, "")
        solara.HTML(tag="div", unsafe_innerHTML=f'<span title="{views.escape(line)}">{views.escape(line)}</span>',
                    classes=["upload-note", "ok" if ok else "pair-refused"])

    def attach():
        solara.get_widget(el).on_file = on_file
    solara.use_effect(attach)


@solara.component
def LanguageSwitch():
    """中文 / English. The toggle sends the index of a button; anything else is refused."""
    codes = list(LANGUAGES)
    index = codes.index(LANG.value)

    def on_index(i):
        code = codes[i] if isinstance(i, int) and not isinstance(i, bool) and 0 <= i < len(codes) else i
        if not take("language", code, LANG.value, LANG.set):
            _push_back(ref, index)

    buttons = [solara.Button(name, text=True, small=True) for name in LANGUAGES.values()]
    el = rv.BtnToggle(v_model=index, on_v_model=on_index, mandatory=True, children=buttons, class_="lang-switch",
                      dense=True)
    ref = use_widget_ref(el)


@solara.component
def RefusalNote():
    """The last value the page sent that the server refused, as one short line."""
    note = REFUSED.value
    if note is not None:
        with solara.Div(classes=["pair-refusals"]):
            solara.HTML(tag="span", unsafe_innerHTML=views.escape(views.note_text(note, LANG.value)),
                        classes=["pair-refused"])
            solara.Button(t("dismiss", LANG.value), on_click=lambda: REFUSED.set(None), text=True, small=True)


@solara.component
def Controls(model: solara.Reactive, playing: solara.Reactive):
    """重置 / 单步 / 运行 / 暂停 and the speed."""
    lang = LANG.value
    pair = model.value
    changed = pending(pair, INPUTS.value)

    def reset():
        playing.set(False)
        old = model.value
        with old.lock:
            model.set(build(INPUTS.value))
        old.release()
        FRAME.set(FRAME.value + 1)

    def step():
        with pair.lock:
            if pair.running:
                pair.step()
        FRAME.set(FRAME.value + 1)

    with solara.Div(classes=["buttons"]):
        solara.Button(t("reset", lang), on_click=reset, color="primary" if changed else None,
                      classes=["btn-reset"], small=True, depressed=True)
        solara.Button(t("step", lang), on_click=step, disabled=playing.value or not pair.running,
                      classes=["btn-step"], small=True, depressed=True)
        if playing.value:
            solara.Button(t("pause", lang), on_click=lambda: playing.set(False), classes=["btn-pause"], small=True,
                          depressed=True)
        else:
            solara.Button(t("play", lang), on_click=lambda: playing.set(True), disabled=not pair.running,
                          classes=["btn-play"], small=True, depressed=True)
    if changed:
        names = "、".join(t(k, lang) for k in changed) if lang == "zh" else ", ".join(t(k, lang) for k in changed)
        solara.HTML(tag="div", unsafe_innerHTML=views.escape(t("pending", lang, names=names)), classes=["pending"])
    CheckedSlider("speed", t("speed", lang), SPEED.value, SPEED.set)


@solara.component
def ModelInputs(pair: PairModel):
    lang = LANG.value
    values = INPUTS.value
    changed = set(pending(pair, values))
    items = [(name, display(sc, lang)) for name, sc in CATALOGUE.items()]
    if UPLOAD.value is not None:
        items.append((UPLOADED, t("uploaded_item", lang, name=display(UPLOAD.value[0], lang))))
    CheckedSelect("scenario", t("scenario", lang), items, values["scenario"], _set_input("scenario"),
                  changed="scenario" in changed)
    sc = scenario_of(values["scenario"])
    structures = [(s, display(sc.structures[s], lang)) for s in structure_choices(sc)]
    for side in ("a", "b"):
        key = f"structure_{side}"
        CheckedSelect(key, t(key, lang), structures, values[key], _set_input(key), changed=key in changed)
    for key in SLIDERS:
        CheckedSlider(key, t(key, lang), values[key], _set_input(key), changed=key in changed)


@solara.component
def Views(pair: PairModel):
    """Everything a step redraws."""
    FRAME.value  # noqa: B018 - subscribe: a step bumps it
    lang = LANG.value
    with pair.lock:
        html = views.main_html(pair, lang)  # the status is the top bar's own component
        a, b = pair.structure_names["A"], pair.structure_names["B"]
        lesson = lessons.lesson(pair.scenario_name, a, b, lang)
    big = max(len(pair.models[s].section_info) for s in ("A", "B")) > views.DENSE_ABOVE
    with solara.Div(classes=["dk-main"] + (["big"] if big else [])):
        solara.HTML(tag="div", unsafe_innerHTML=views.legend_html(lang), classes=["dk-legend"])
        solara.HTML(tag="div", unsafe_innerHTML=html["org_A"], classes=["panel", "dk-org", "org-A"])
        solara.HTML(tag="div", unsafe_innerHTML=html["org_B"], classes=["panel", "dk-org", "org-B"])
        with solara.Div(classes=["dk-bottom"]):
            solara.HTML(tag="div", unsafe_innerHTML=html["trends"], classes=["panel", "dk-trends"])
            solara.HTML(tag="div", unsafe_innerHTML=html["numbers"], classes=["panel", "dk-numbers"])
            solara.HTML(tag="div", unsafe_innerHTML=views.lesson_html(lesson, lang), classes=["panel", "dk-notice"])


@solara.component
def Status(pair: PairModel):
    FRAME.value  # noqa: B018 - subscribe
    with pair.lock:
        solara.HTML(tag="div", unsafe_innerHTML=views.status_html(pair, LANG.value), classes=["dk-status"])


@solara.component
def Page():
    """One screen: the top bar (title, day and period, language), the controls on the left, the two
    structures, the trends, the numbers and the things to notice."""
    start = solara.use_memo(lambda: build(dict(DEFAULTS)), [])
    model = solara.use_reactive(start)
    playing = solara.use_reactive(False)
    lang = LANG.value

    def play():
        """Step at SPEED working days a second, drawing at most FRAMES_PER_SECOND times a second."""
        while playing.value:
            pair = model.value
            started = time.perf_counter()
            per_frame = max(1, math.ceil(SPEED.value / FRAMES_PER_SECOND))
            with pair.lock:
                for _ in range(per_frame):
                    if not pair.running:
                        break
                    pair.step()
            FRAME.set(FRAME.value + 1)
            if not pair.running:
                playing.set(False)
                return
            time.sleep(max(0.0, per_frame / SPEED.value - (time.perf_counter() - started)))

    solara.lab.use_task(play, dependencies=[playing.value], prefer_threaded=True)

    solara.Style(CSS)
    solara.Title(t("app_title", lang))
    with solara.Div(classes=["dk-app"], attributes={"lang": "zh-CN" if lang == "zh" else "en"}):
        with solara.Div(classes=["dk-top"]):
            solara.HTML(tag="div", unsafe_innerHTML=views.escape(t("app_title", lang)), classes=["dk-title"])
            Status(model.value)
            LanguageSwitch()
        with solara.Div(classes=["dk-side"]):
            Controls(model, playing)
            RefusalNote()
            ModelInputs(model.value)
            UploadButton()
            solara.HTML(tag="div", unsafe_innerHTML=views.settings_html(model.value, lang), classes=["dk-settings"])
        Views(model.value)
