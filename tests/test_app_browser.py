"""The teaching app in a real browser: serve it with `solara run`, drive it with Playwright in Debian's Chromium.

Needs /usr/bin/chromium (Debian package `chromium`; skipped without it; never downloads a browser)
and Solara's front-end files offline (pip package `solara-assets`: without it the page cannot load
its JavaScript here). Screenshots go to the test's tmp dir only: running the tests changes no tracked
file. To regenerate the README's docs/img/app.png, opt in explicitly:

    REGENERATE_APP_PNG=1 .venv/bin/python -m pytest tests/test_app_browser.py -k in_chromium
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


def _figures(page) -> list[str]:
    return page.eval_on_selector_all("img.pair-figure", "els => els.map(e => e.src)")


def _metric(page, key: str) -> str:
    return page.locator(f'[data-metric="{key}"]').inner_text().strip()


def _day(page) -> int:
    return int(page.locator(".pair-numbers").get_attribute("data-day"))


def _step(page, expect_day: int) -> None:
    page.get_by_role("button", name=re.compile(r"^step$", re.I)).click()
    page.wait_for_function(f"() => document.querySelector('.pair-numbers')?.dataset.day === '{expect_day}'",
                           timeout=TIMEOUT_MS)


@contextlib.contextmanager
def _app_page(app_url):
    """The app open in Chromium, its numbers panel shown; on leaving, the browser closes and no
    JavaScript error may have happened on the page."""
    from playwright.sync_api import sync_playwright

    errors: list[str] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1600, "height": 1100})
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.goto(app_url)
            page.locator(".pair-numbers").wait_for(timeout=TIMEOUT_MS)
            yield page
        finally:
            browser.close()
    assert not errors, errors


def test_app_in_chromium(app_url, tmp_path):
    with _app_page(app_url) as page:
        page.wait_for_function("() => document.querySelectorAll('img.pair-figure').length === 3", timeout=TIMEOUT_MS)
        assert _day(page) == 0
        assert "负荷 1.0" in page.locator(".pair-settings").inner_text()
        before_figs = _figures(page)
        assert _metric(page, "completed-A") == "0"

        # change the workload slider (click at 70 % of its track: 0.5 + 0.7 * 1.0), then Reset applies it
        slider = page.locator(".v-input", has=page.locator("label", has_text="工作量"))
        box = slider.locator(".v-slider__track-container").bounding_box()
        page.mouse.click(box["x"] + 0.7 * box["width"], box["y"] + box["height"] / 2)
        thumb = slider.locator("[role=slider]")
        page.wait_for_function("(e) => e.getAttribute('aria-valuenow') !== '1'", arg=thumb.element_handle(),
                               timeout=TIMEOUT_MS)
        value = float(thumb.get_attribute("aria-valuenow"))
        assert value == pytest.approx(1.2, abs=0.051)
        page.wait_for_timeout(300)  # the value travels to the server before Reset reads it
        page.get_by_role("button", name=re.compile(r"^reset$", re.I)).click()
        page.locator(".pair-settings", has_text=f"负荷 {value:g} ").wait_for(timeout=TIMEOUT_MS)

        # step five working days: the day, the numbers and every figure change
        for d in range(1, 6):
            _step(page, d)
        page.wait_for_function(
            "(old) => { const s = [...document.querySelectorAll('img.pair-figure')].map(e => e.src);"
            " return s.length === 3 && s.every((x, i) => x !== old[i]); }", arg=before_figs, timeout=TIMEOUT_MS)
        after_figs = _figures(page)
        assert len(after_figs) == 3 and all(a != b for a, b in zip(after_figs, before_figs))
        completed = int(_metric(page, "completed-A"))
        assert completed > 0
        assert int(_metric(page, "arrived-A")) == int(_metric(page, "arrived-B")) > 0  # same seed, same arrivals
        assert "第 5 / 250 个工作日" in page.locator(".pair-day").inner_text()
        assert page.get_by_text(re.compile(r"Step:\s*5")).count() == 1

        for d in range(6, 11):
            _step(page, d)
        assert int(_metric(page, "completed-A")) > completed
        page.wait_for_timeout(500)  # let the last images paint
        page.screenshot(path=str(tmp_path / "app.png"), full_page=True)
        if os.environ.get("REGENERATE_APP_PNG") == "1":  # opt-in: the README's picture is tracked
            SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(tmp_path / "app.png", SCREENSHOT)

        # the language switch relabels the panel, the plots and the sidebar, and keeps the run
        page.get_by_role("button", name="English").click()
        page.locator(".pair-day", has_text="Working day 10 of 250").wait_for(timeout=TIMEOUT_MS)
        page.locator("label", has_text="Workload").first.wait_for(timeout=TIMEOUT_MS)
        assert page.get_by_text("Tasks completed").count() == 1
        page.screenshot(path=str(tmp_path / "app_en.png"), full_page=True)

        # ▶ runs on by itself until paused
        page.get_by_role("button", name="▶").click()
        page.wait_for_function("() => +document.querySelector('.pair-numbers').dataset.day >= 13", timeout=TIMEOUT_MS)
        page.get_by_role("button", name="❚❚").click()
        page.get_by_role("button", name="▶").wait_for(timeout=TIMEOUT_MS)
        page.wait_for_timeout(2500)  # Mesa's play loop still lands the step it was sleeping before
        paused = _day(page)
        page.wait_for_timeout(1500)
        assert _day(page) == paused


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


def _reset(page) -> None:
    """Reset from a later day, so the panel's day 0 says the new model is there."""
    if _day(page) == 0:
        _step(page, 1)
    page.get_by_role("button", name=re.compile(r"^reset$", re.I)).click()
    page.wait_for_function("() => document.querySelector('.pair-numbers')?.dataset.day === '0'", timeout=TIMEOUT_MS)


def test_values_a_tampered_page_sends_are_refused(app_url, tmp_path):
    """A page can send any value for any widget: a server path as the scenario (a readable scenario
    file, /etc/passwd, /dev/zero) or numbers outside a slider's range. Each gets one short line in the
    page; no file is read, nothing hangs, no traceback or server path shows, and the run goes on."""
    import sim
    from sim.scenario import SCENARIO_DIR

    # a valid scenario outside the app's list, whose structure name would show if it were ever loaded
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
            assert page.locator(".pair-day").inner_text().startswith("finance_bureau ·")
            assert "A · fragmented" in page.locator(".pair-numbers").inner_text()
        assert time.monotonic() - started < 60  # /dev/zero was not read until memory ran out

        # sliders: a number far out of range, a string, a whole-number slider given a fraction
        _send(page, "工作量", 1e300)
        assert "超出 0.5 至 1.5 的范围" in _refused(page, "1e+300")
        _send(page, "工作量", "NaN")
        assert "不是数字" in _refused(page, "工作量：NaN")
        _send(page, "协调环节", 2.5)
        assert "不是整数" in _refused(page, "协调环节：2.5")
        _reset(page)
        settings = page.locator(".pair-settings").inner_text()
        load = float(re.search(r"负荷 ([0-9.eE+-]+)", settings).group(1))
        assert 0.5 <= load <= 1.5, settings

        # Mesa's render interval: 10**9 steps per click would run for hours
        _send(page, "每次刷新步数", 10**9)
        assert "超出 1 至 100 的范围" in _refused(page, "1000000000")
        day = _day(page)
        page.get_by_role("button", name=re.compile(r"^step$", re.I)).click()
        page.wait_for_function(f"() => +document.querySelector('.pair-numbers').dataset.day > {day}",
                               timeout=TIMEOUT_MS)
        # the server kept 1; the slider's own front-end may then send its clamped end, 100: never more
        assert day < _day(page) <= day + 100

        text = page.inner_text("body")
        for leak in ("Traceback", str(ROOT), "site-packages", "root:x:0", "sentinelonly"):
            assert leak not in text, leak
        page.screenshot(path=str(tmp_path / "refused.png"), full_page=True)
        page.get_by_role("button", name=re.compile(r"^(ok|知道了)$", re.I)).click()
        page.locator(".pair-refused").wait_for(state="detached", timeout=TIMEOUT_MS)
