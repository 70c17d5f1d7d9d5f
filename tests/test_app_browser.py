"""The teaching app in a real browser: serve it with `solara run`, drive it with Playwright in Debian's Chromium.

At 1280x720, 1366x768 and 1920x1080: no two components overlap and none is clipped, every visible label
of the Chinese page is Chinese, and every embedded scenario's reform shows as a difference between the
two charts. Then a class's session: reset, step, play and pause, the language switch, an upload, and
values a tampered page sends.

Needs /usr/bin/chromium (Debian package `chromium`; skipped without it; never downloads a browser)
and Solara's front-end files offline (pip package `solara-assets`: without it the page cannot load
its JavaScript here). Screenshots go to the test's tmp dir only: running the tests changes no tracked
file. To regenerate the README's docs/img/app.png (1366x768, 中文), opt in explicitly:

    REGENERATE_APP_PNG=1 .venv/bin/python -m pytest tests/test_app_browser.py -k layout
"""
import contextlib
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
SCREENSHOT = ROOT / "docs" / "img" / "app.png"  # written only with REGENERATE_APP_PNG=1
SIZES = ((1280, 720), (1366, 768), (1920, 1080))
SCREENSHOT_SIZE = (1366, 768)
TIMEOUT_MS = 30_000


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _log_tail(path: Path, n: int = 40) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-n:])
    except OSError:
        return "(no log)"


@pytest.fixture(scope="module")
def app_url(tmp_path_factory):
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} not found (Debian: apt-get install -y chromium)")
    port = _free_port()
    log = tmp_path_factory.mktemp("solara") / "server.log"
    env = {**os.environ, "SOLARA_TELEMETRY_MIXPANEL_ENABLE": "False", "PYTHONUNBUFFERED": "1"}
    cmd = [sys.executable, "-m", "solara", "run", "analysis/app.py", "--production", "--host", "127.0.0.1",
           "--port", str(port)]
    with open(log, "wb") as out:
        proc = subprocess.Popen(cmd, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT, env=env)
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + 45
        while True:
            if proc.poll() is not None:
                pytest.fail(f"solara exited with {proc.returncode}:\n{_log_tail(log)}")
            try:
                with urllib.request.urlopen(url, timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"solara did not serve {url} within 45 s:\n{_log_tail(log)}")
            time.sleep(0.3)
        # the page's JavaScript comes from Solara's CDN proxy: offline it needs the solara-assets package
        asset = url + "_solara/cdn/requirejs@2.3.6/require.js"
        try:
            urllib.request.urlopen(asset, timeout=30).close()
        except OSError as e:
            pytest.fail(f"Solara cannot serve its front-end files ({e}); offline machines need "
                        f"`pip install solara-assets`:\n{_log_tail(log)}")
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)


def _metric(page, key: str) -> str:
    return page.locator(f'[data-metric="{key}"]').inner_text().strip()


def _day(page) -> int:
    return int(page.locator(".pair-numbers").get_attribute("data-day"))


def _wait_day(page, day: int) -> None:
    page.wait_for_function(f"() => document.querySelector('.pair-numbers')?.dataset.day === '{day}'",
                           timeout=TIMEOUT_MS)


def _step(page, expect_day: int) -> None:
    page.locator(".btn-step").click()
    _wait_day(page, expect_day)


def _reset(page) -> None:
    """Reset from a later day, so the panel's day 0 says the new model is there."""
    if _day(page) == 0:
        _step(page, 1)
    page.locator(".btn-reset").click()
    _wait_day(page, 0)


def _choose(page, name: str, item: str) -> None:
    """Pick ``item`` (its shown text) in the menu of input ``name``."""
    page.locator(f'[data-input="{name}"] .v-select').click()
    page.locator(".menuable__content__active .v-list-item", has_text=item).first.click()
    page.locator(".menuable__content__active").wait_for(state="detached", timeout=TIMEOUT_MS)


@contextlib.contextmanager
def _app_page(app_url, size=(1366, 768)):
    """The app open in Chromium at ``size``, its numbers shown; on leaving, the browser closes and no
    JavaScript error may have happened on the page."""
    from playwright.sync_api import sync_playwright

    errors: list[str] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": size[0], "height": size[1]})
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.goto(app_url)
            page.locator(".pair-numbers").wait_for(timeout=TIMEOUT_MS)
            yield page
        finally:
            browser.close()
    assert not errors, errors


# The page's components: each must lie inside the window and overlap no other. Inside the charts every
# section card lies inside its chart and every person inside their card (nothing cut off).
LAYOUT_JS = r"""
() => {
  const W = innerWidth, H = innerHeight, out = {boxes: [], problems: []};
  const box = e => { const r = e.getBoundingClientRect(); return {x: r.left, y: r.top, r: r.right, b: r.bottom}; };
  const name = e => (e.className && e.className.baseVal === undefined ? String(e.className) : e.tagName).slice(0, 40);
  const inside = (a, b, tol) => a.x >= b.x - tol && a.y >= b.y - tol && a.r <= b.r + tol && a.b <= b.b + tol;
  const comps = [...document.querySelectorAll(
    '.dk-top, .dk-side, .dk-legend, .dk-org, .dk-trends, .dk-numbers, .dk-notice, ' +
    '.dk-top > *, .dk-side > *, .dk-side .ctl, .dk-side .buttons .v-btn')];
  for (const e of comps) {
    const b = box(e);
    if (b.r - b.x < 1 || b.b - b.y < 1) continue;
    out.boxes.push([name(e), b]);
    if (!inside(b, {x: 0, y: 0, r: W, b: H}, 0.5)) out.problems.push(`${name(e)} leaves the window: ${JSON.stringify(b)}`);
  }
  // siblings among the components must not overlap
  for (let i = 0; i < comps.length; i++) for (let j = i + 1; j < comps.length; j++) {
    const a = comps[i], c = comps[j];
    if (a.contains(c) || c.contains(a)) continue;
    const p = box(a), q = box(c);
    const w = Math.min(p.r, q.r) - Math.max(p.x, q.x), h = Math.min(p.b, q.b) - Math.max(p.y, q.y);
    if (w > 1 && h > 1) out.problems.push(`${name(a)} overlaps ${name(c)} (${w.toFixed(0)}x${h.toFixed(0)} px)`);
  }
  // panels that do not scroll show all they hold
  for (const e of document.querySelectorAll('.org, .trends, .pair-numbers, .dk-top')) {
    if (e.scrollHeight > e.clientHeight + 1) out.problems.push(`${name(e)} cut at the bottom: ${e.scrollHeight} > ${e.clientHeight}`);
    if (e.scrollWidth > e.clientWidth + 1) out.problems.push(`${name(e)} cut at the side: ${e.scrollWidth} > ${e.clientWidth}`);
  }
  for (const org of document.querySelectorAll('.org')) {
    const ob = box(org);
    for (const sec of org.querySelectorAll('.sec')) {
      const sb = box(sec);
      if (!inside(sb, ob, 1)) out.problems.push(`section ${sec.dataset.section} outside its chart`);
      for (const p of sec.querySelectorAll('i.p'))
        if (!inside(box(p), sb, 1)) { out.problems.push(`a person of ${sec.dataset.section} is cut off`); break; }
      const st = sec.querySelector('.status');
      if (st && !inside(box(st), sb, 1)) out.problems.push(`the queue of ${sec.dataset.section} is cut off`);
    }
  }
  // text is never below 12 px
  for (const e of document.querySelectorAll('.dk-app *')) {
    if (![...e.childNodes].some(n => n.nodeType === 3 && n.textContent.trim())) continue;
    const fs = parseFloat(getComputedStyle(e).fontSize);
    if (fs < 11.9 && e.getClientRects().length) out.problems.push(`${name(e)} "${e.textContent.trim().slice(0, 20)}" at ${fs}px`);
  }
  return out;
}
"""

# Every visible text node of the page (inside the window, not hidden), for the language check.
TEXTS_JS = r"""
() => {
  const out = [], walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const n = walker.currentNode, t = n.textContent.trim();
    if (!t) continue;
    const e = n.parentElement;
    if (!e || e.closest('script, style, .v-menu__content:not(.menuable__content__active)')) continue;
    const r = e.getBoundingClientRect(), cs = getComputedStyle(e);
    if (!r.width || !r.height || cs.visibility === 'hidden' || cs.display === 'none' || r.bottom < 0 || r.top > innerHeight) continue;
    out.push(t);
  }
  return out;
}
"""
ALLOWED_LATIN = {"English", "YAML"}  # the language switch names the other language in it; the file format


def _english_words(texts) -> set[str]:
    return {w for t in texts for w in re.findall(r"[A-Za-z]{2,}", t)} - ALLOWED_LATIN


FINGERPRINT_JS = r"""
(side) => {
  const org = document.querySelector(`.org[data-side="${side}"]`);
  return [org.querySelectorAll('.sec').length, org.querySelectorAll('.sec.merged').length,
          org.querySelectorAll('.group.combo').length, org.querySelector('[data-windows]')?.dataset.windows || '0',
          org.querySelectorAll('.badge').length, org.querySelectorAll('.group.body').length];
}
"""
SCENARIO_NAMES_ZH = None


def _scenario_items():
    import sim
    from analysis.app_model import CATALOGUE
    return [(name, sim.i18n.display(sc, "zh")) for name, sc in CATALOGUE.items()]


@pytest.mark.parametrize("size", SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
def test_layout_language_and_reform_at_each_size(app_url, tmp_path, size):
    """For every embedded scenario at this size: nothing overlaps or is cut off, the Chinese page shows
    no English word, and the two charts differ the way the reform does."""
    problems = []
    with _app_page(app_url, size) as page:
        for name, shown in _scenario_items():
            _choose(page, "scenario", shown)
            _reset(page)
            for d in range(1, 4):
                _step(page, d)
            assert page.locator(".dk-status").inner_text().startswith(shown)
            page.wait_for_timeout(200)
            layout = page.evaluate(LAYOUT_JS)
            problems += [f"{name}: {p}" for p in layout["problems"]]
            assert "runs on" not in page.inner_text("body")  # no Solara badge over the content
            words = _english_words(page.evaluate(TEXTS_JS))
            assert not words, f"{name} at {size}: English on the Chinese page: {sorted(words)[:10]}"
            a, b = page.evaluate(FINGERPRINT_JS, "A"), page.evaluate(FINGERPRINT_JS, "B")
            assert a != b, f"{name}: the two structures look the same ({a})"
            page.screenshot(path=str(tmp_path / f"{name}_{size[0]}x{size[1]}.png"))
        # the finance bureau again, for the README's picture
        _choose(page, "scenario", _scenario_items()[0][1])
        _reset(page)
        for d in range(1, 11):
            _step(page, d)
        page.wait_for_timeout(300)
        page.screenshot(path=str(tmp_path / "app.png"))
        if tuple(size) == SCREENSHOT_SIZE and os.environ.get("REGENERATE_APP_PNG") == "1":  # opt-in: tracked file
            SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(tmp_path / "app.png", SCREENSHOT)
    assert not problems, "\n".join(problems[:20])


def test_a_class_session_in_chromium(app_url, tmp_path):
    """Change a slider (marked not applied until Reset), step, play and pause, switch language."""
    with _app_page(app_url) as page:
        assert _day(page) == 0
        assert "负荷 1.0" in page.locator(".dk-settings").inner_text()
        assert _metric(page, "completed-A") == "0"
        assert page.locator(".not-applied").count() == 0 and page.locator(".pending").count() == 0

        # the workload slider: click at 70 % of its track (0.5 + 0.7 * 1.0); its value shows, marked not applied
        slider = page.locator('[data-input="workload"]')
        box = slider.locator(".v-slider__track-container").bounding_box()
        page.mouse.click(box["x"] + 0.7 * box["width"], box["y"] + box["height"] / 2)
        slider.locator(".not-applied").wait_for(timeout=TIMEOUT_MS)
        value = float(slider.locator(".ctl-value").inner_text().split()[0])
        assert value == pytest.approx(1.2, abs=0.051)
        assert "工作量" in page.locator(".pending").inner_text()
        page.locator(".btn-reset").click()
        page.locator(".dk-settings", has_text=f"负荷 {value:g} ").wait_for(timeout=TIMEOUT_MS)
        page.locator(".not-applied").wait_for(state="detached", timeout=TIMEOUT_MS)
        page.locator(".pending").wait_for(state="detached", timeout=TIMEOUT_MS)

        for d in range(1, 6):
            _step(page, d)
        completed = int(_metric(page, "completed-A"))
        assert completed > 0
        assert int(_metric(page, "arrived-A")) == int(_metric(page, "arrived-B")) > 0  # same seed, same arrivals
        assert "第 5 / 250 个工作日" in page.locator(".dk-status").inner_text()
        assert "预热期" in page.locator(".dk-status").inner_text()

        # the language switch relabels everything and keeps the run
        page.get_by_role("button", name="English").click()
        page.locator(".dk-status", has_text="Working day 5 of 250").wait_for(timeout=TIMEOUT_MS)
        assert page.locator(".btn-step").inner_text().strip() == "Step"
        assert page.get_by_text("Tasks completed").count() == 1
        page.screenshot(path=str(tmp_path / "app_en.png"))
        page.get_by_role("button", name="中文").click()
        page.locator(".btn-step", has_text="单步").wait_for(timeout=TIMEOUT_MS)

        # 运行 runs on by itself until 暂停
        page.locator(".btn-play").click()
        page.wait_for_function("() => +document.querySelector('.pair-numbers').dataset.day >= 8", timeout=TIMEOUT_MS)
        page.locator(".btn-pause").click()
        page.locator(".btn-play").wait_for(timeout=TIMEOUT_MS)
        page.wait_for_timeout(600)
        paused = _day(page)
        page.wait_for_timeout(1200)
        assert _day(page) == paused
        assert int(_metric(page, "completed-A")) > completed


def test_upload_a_scenario(app_url, tmp_path):
    """A valid YAML file becomes a scenario of this session; a bad one is one line naming the file."""
    from sim.scenario import SCENARIO_DIR

    good = tmp_path / "my_unit.yaml"
    good.write_text((SCENARIO_DIR / "finance_bureau.yaml").read_text(encoding="utf-8")
                    .replace("淮北市财政局（大科室试点）", "我的单位"), encoding="utf-8")
    bad = tmp_path / "broken.yaml"
    bad.write_text((SCENARIO_DIR / "finance_bureau.yaml").read_text(encoding="utf-8")
                   .replace("horizon_days: 250", "horizon_days: -3"), encoding="utf-8")
    big = tmp_path / "big.yaml"
    big.write_bytes(b"#" * 300_000)
    with _app_page(app_url) as page:
        for path, expect in ((bad, "broken.yaml: horizon_days"), (big, "big.yaml: file: 300,000 bytes")):
            page.set_input_files("input.upload-input", str(path))
            note = page.locator(".upload-note", has_text=expect)
            note.wait_for(timeout=TIMEOUT_MS)
            assert "\n" not in note.inner_text().strip() and "Traceback" not in page.inner_text("body")
        page.set_input_files("input.upload-input", str(good))
        page.locator(".upload-note", has_text="已载入 my_unit.yaml").wait_for(timeout=TIMEOUT_MS)
        assert page.locator(".pending").count() == 1  # the scenario changes at the next Reset
        _reset(page)
        assert page.locator(".dk-status").inner_text().startswith("我的单位")
        _step(page, 1)


# Sends a value for the widget labelled `label` the way a tampered page would: a state update for the
# widget's v_model straight over the websocket (send_sync_message), without the widget's own front-end
# code (which offers only its list and clamps its range) seeing it. Returns how many widgets got it.
SEND_JS = """
async ([label, value]) => {
  const wm = solara.debug.widgetManager();
  const models = await Promise.all(Object.values(wm._models));
  const hits = models.filter(m => m.comm_live && m.get('label') === label && m.get('v_model') !== undefined);
  for (const m of hits) m.send_sync_message({v_model: value});
  return hits.length;
}
"""


def _send(page, label: str, value) -> None:
    assert page.evaluate(SEND_JS, [label, value]) == 1, f"no single widget labelled {label!r}"


def _refused(page, text: str) -> str:
    """Waits for the page's one-line refusal that contains ``text``; returns the line."""
    note = page.locator(".pair-refused", has_text=text)
    note.wait_for(timeout=TIMEOUT_MS)
    return note.inner_text().strip()


def test_values_a_tampered_page_sends_are_refused(app_url, tmp_path):
    """A page can send any value for any widget: a server path as the scenario (a readable scenario
    file, /etc/passwd, /dev/zero), a structure of another scenario, numbers outside a slider's range.
    Each gets one short line in the page; no file is read, nothing hangs, no traceback or server path
    shows, and the run goes on."""
    import sim
    from sim.scenario import SCENARIO_DIR

    sentinel = tmp_path / "sentinel.yaml"
    sentinel.write_text((SCENARIO_DIR / "finance_bureau.yaml").read_text(encoding="utf-8")
                        .replace("fragmented", "sentinelonly"), encoding="utf-8")
    assert "sentinelonly" in sim.load_scenario(sentinel).structure_names

    with _app_page(app_url) as page:
        started = time.monotonic()
        for path in (str(sentinel), "/etc/passwd", "/dev/zero"):
            _send(page, "场景", path)
            line = _refused(page, path[:30])  # a long value is cut short in the message
            assert "不是本应用的场景" in line and len(line) < 100, line
            _reset(page)
            assert page.locator(".dk-status").inner_text().startswith("淮北市财政局（大科室试点） ·")
            assert "分设科室" in page.locator(".org[data-side='A'] .chart-title").inner_text()
        assert time.monotonic() - started < 60  # /dev/zero was not read until memory ran out

        _send(page, "结构 B", "big_offices")  # a structure of another scenario
        assert "不在可选项中" in _refused(page, "big_offices")
        _send(page, "工作量", 1e300)
        assert "超出 0.5 至 1.5 的范围" in _refused(page, "1e+300")
        _send(page, "工作量", "NaN")
        assert "不是数字" in _refused(page, "工作量：NaN")
        _send(page, "协调环节", 2.5)
        assert "不是整数" in _refused(page, "协调环节：2.5")
        _send(page, "速度", 10**9)  # 10**9 days a second would step for hours
        assert "超出 1 至 25 的范围" in _refused(page, "1000000000")
        _reset(page)
        settings = page.locator(".dk-settings").inner_text()
        load = float(re.search(r"负荷 ([0-9.eE+-]+)", settings).group(1))
        assert 0.5 <= load <= 1.5, settings

        text = page.inner_text("body")
        for leak in ("Traceback", str(ROOT), "site-packages", "root:x:0", "sentinelonly"):
            assert leak not in text, leak
        page.screenshot(path=str(tmp_path / "refused.png"))
        page.get_by_role("button", name=re.compile(r"^(ok|知道了)$", re.I)).click()
        page.locator(".pair-refused").wait_for(state="detached", timeout=TIMEOUT_MS)
