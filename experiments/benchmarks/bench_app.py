"""Teaching-app benchmark (a script, not a test): prints how long a step and a redraw take, on the
server and in a real browser, against the issue's targets.

    python -m experiments.benchmarks.bench_app                  # server side, both scenarios, 250 days
    python -m experiments.benchmarks.bench_app --browser        # + the app served by `solara run`, in Chromium
    python -m experiments.benchmarks.bench_app --days 30 --scenarios finance_bureau --json /tmp/app.json

Targets (the issue): step + redraw under 100 ms a day for the finance bureau (``finance_bureau``) and
under 250 ms for Huaibei (``huaibei_pilots``); Play runs a year (250 working days) in under a minute.

1. **Server side.** For each scenario: building a ``PairModel`` (what Reset costs), then for each of
   ``--days`` working days ``pair.step()`` and ``app_views.page_html(pair, lang)`` timed separately
   and together: median, p95 and max in ms, and the HTML bytes (UTF-8) a redraw sends.
2. **In the browser** (``--browser``; needs /usr/bin/chromium and Playwright, never downloads a
   browser). Serves ``analysis/app.py`` with ``solara run --production`` on a free local port, opens it
   at 1366x768 and, for each scenario, chooses it, resets, then clicks Step ``--steps`` times, each
   time timing in the page from the click until the numbers panel shows the next day (the DOM) and
   until the frame after it has painted. Then Play at the default speed for ``--play-seconds``: working
   days a second, the time it implies for 250 days, and the time between redraws (``--max-speed``: also a
   fresh run played to its end at the speed slider's maximum, set by keyboard: the headroom).

Timings on a shared machine vary (the load at the start is printed). Writes nothing, except the
figures as JSON to the path given with ``--json``.
"""
from __future__ import annotations

import argparse
import collections
import json
import os
import platform
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
VIEWPORT = {"width": 1366, "height": 768}
SCENARIOS = ("finance_bureau", "huaibei_pilots")
TARGET_MS = {"finance_bureau": 100.0, "huaibei_pilots": 250.0}  # step + redraw, a day
YEAR_DAYS, YEAR_TARGET_S = 250, 60.0
TIMEOUT_MS = 30_000


def _stats(xs) -> dict:
    """Median, p95 (nearest rank) and max of a list of numbers; their count."""
    s = sorted(xs)
    if not s:
        return {"n": 0, "median": None, "p95": None, "max": None}
    return {"n": len(s), "median": statistics.median(s), "p95": s[min(len(s) - 1, max(0, -(-95 * len(s) // 100) - 1))],
            "max": s[-1]}


def _fmt(st: dict, unit: str = "ms", digits: int = 1) -> str:
    if not st["n"]:
        return "(none)"
    return (f"median {st['median']:7.{digits}f}  p95 {st['p95']:7.{digits}f}  max {st['max']:7.{digits}f} {unit}")


def _verdict(label: str, value: float, target: float, unit: str) -> str:
    ok = value < target
    return f"   {label:<52} {value:9.1f} {unit}   target < {target:g} {unit}: {'met' if ok else 'MISSED'}"


def machine() -> dict:
    """The machine's load at the start (os.getloadavg, what `uptime` prints) and its cores."""
    try:
        load = [round(x, 2) for x in os.getloadavg()]
    except OSError:
        load = None
    return {"load_1_5_15": load, "cpus": os.cpu_count(), "python": platform.python_version(),
            "platform": platform.platform()}


# --------------------------------------------------------------------------------------------------
# 1. server side


def server_side(scenarios, days: int, lang: str, builds: int = 3) -> dict:
    from analysis import app_views
    from analysis.app_model import PairModel

    out = {}
    print(f"1. Server side: PairModel.step() and app_views.page_html(pair, {lang!r}) for {days} working days")
    for name in scenarios:
        build_s = []
        for _ in range(builds):  # the first also pays for caches and lazy imports
            t = time.perf_counter()
            pair = PairModel(scenario=name)
            build_s.append((time.perf_counter() - t) * 1e3)
            if len(build_s) < builds:
                pair.release()
        step_ms, draw_ms, total_ms, sizes = [], [], [], []
        for _ in range(days):
            if not pair.running:
                break
            t0 = time.perf_counter()
            pair.step()
            t1 = time.perf_counter()
            html = app_views.page_html(pair, lang)
            t2 = time.perf_counter()
            step_ms.append((t1 - t0) * 1e3)
            draw_ms.append((t2 - t1) * 1e3)
            total_ms.append((t2 - t0) * 1e3)
            sizes.append(sum(len(v.encode("utf-8")) for v in html.values()))
        slowest = max(range(len(total_ms)), key=total_ms.__getitem__) if total_ms else None
        res = {"days_run": len(total_ms), "build_ms": {"first": build_s[0], "best": min(build_s), "all": build_s},
               "step_ms": _stats(step_ms), "redraw_ms": _stats(draw_ms), "step_redraw_ms": _stats(total_ms),
               "html_bytes": _stats(sizes), "sum_step_redraw_s": sum(total_ms) / 1e3,
               "slowest_day": None if slowest is None else slowest + 1,
               "per_day": {"step_ms": step_ms, "redraw_ms": draw_ms}}
        pair.release()
        out[name] = res
        hb = res["html_bytes"]
        print(f"   {name} ({res['days_run']} days)")
        print(f"     build PairModel (Reset)  first {build_s[0]:7.1f} ms, best of {builds} {min(build_s):7.1f} ms")
        print(f"     step                     {_fmt(res['step_ms'])}")
        print(f"     redraw (page_html)       {_fmt(res['redraw_ms'])}")
        print(f"     step + redraw            {_fmt(res['step_redraw_ms'])}   (slowest: day {res['slowest_day']})")
        if hb["n"]:
            print(f"     HTML a redraw            median {hb['median'] / 1024:7.1f}  p95 {hb['p95'] / 1024:7.1f}  "
                  f"max {hb['max'] / 1024:7.1f} KiB")
        print(f"     all {res['days_run']} days, step + redraw: {res['sum_step_redraw_s']:.2f} s")
    return out


# --------------------------------------------------------------------------------------------------
# 2. in the browser


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """``solara run analysis/app.py --production`` on a free local port; its output kept in memory."""

    def __init__(self):
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}/"
        self.lines: collections.deque[str] = collections.deque(maxlen=400)
        env = {**os.environ, "SOLARA_TELEMETRY_MIXPANEL_ENABLE": "False", "PYTHONUNBUFFERED": "1"}
        cmd = [sys.executable, "-m", "solara", "run", "analysis/app.py", "--production", "--host", "127.0.0.1",
               "--port", str(self.port)]
        self.proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env)
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self):
        for raw in self.proc.stdout:
            self.lines.append(raw.decode("utf-8", "replace").rstrip())

    def tail(self, n: int = 30) -> str:
        return "\n".join(list(self.lines)[-n:]) or "(no output)"

    def wait(self, timeout: float = 60.0) -> float:
        """Seconds until the page and Solara's front-end files are served; raises RuntimeError otherwise."""
        t0 = time.monotonic()
        while True:
            if self.proc.poll() is not None:
                raise RuntimeError(f"solara exited with {self.proc.returncode}:\n{self.tail()}")
            try:
                with urllib.request.urlopen(self.url, timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() - t0 > timeout:
                raise RuntimeError(f"solara did not serve {self.url} within {timeout:g} s:\n{self.tail()}")
            time.sleep(0.3)
        try:  # offline, the page's JavaScript needs the solara-assets package
            urllib.request.urlopen(self.url + "_solara/cdn/requirejs@2.3.6/require.js", timeout=30).close()
        except OSError as e:
            raise RuntimeError(f"Solara cannot serve its front-end files ({e}); offline machines need "
                               f"`pip install solara-assets`:\n{self.tail()}") from e
        return time.monotonic() - t0

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(5)


# One Step click, timed in the page: until the numbers panel shows the next day (seen by a
# MutationObserver, and by requestAnimationFrame polling) and until the frame after it has painted.
STEP_JS = """
(next) => new Promise((resolve, reject) => {
  const want = String(next);
  const day = () => document.querySelector('.pair-numbers')?.dataset.day;
  let dom = null;
  const obs = new MutationObserver(() => { if (dom === null && day() === want) dom = performance.now(); });
  obs.observe(document.body, {childList: true, subtree: true, attributes: true, attributeFilter: ['data-day']});
  const btn = document.querySelector('.btn-step');
  if (!btn || btn.disabled) { obs.disconnect(); reject(new Error('no enabled .btn-step')); return; }
  const t0 = performance.now();
  btn.click();
  const poll = () => {
    if (day() === want) {
      const seen = performance.now();
      requestAnimationFrame(() => {
        obs.disconnect();
        const painted = performance.now();
        resolve({dom: (dom ?? seen) - t0, seen: seen - t0, painted: painted - t0});
      });
      return;
    }
    if (performance.now() - t0 > %d) { obs.disconnect(); reject(new Error('day ' + want + ' never showed')); return; }
    requestAnimationFrame(poll);
  };
  requestAnimationFrame(poll);
})
""" % TIMEOUT_MS

# Play, timed in the page: click Play and record every change of the day the page shows, with its
# time (requestAnimationFrame polling, so after layout), until stopped.
PLAY_JS = """
() => {
  const rec = window.__benchDays = [];
  const day = () => document.querySelector('.pair-numbers')?.dataset.day;
  let last = day();
  window.__benchStop = false;
  const poll = () => {
    const d = day();
    if (d !== last) { rec.push([performance.now(), +d]); last = d; }
    if (!window.__benchStop) requestAnimationFrame(poll);
  };
  requestAnimationFrame(poll);
  window.__benchT0 = performance.now();
  document.querySelector('.btn-play').click();
  return [window.__benchT0, +last];
}
"""
NOW_JS = "() => [performance.now(), +document.querySelector('.pair-numbers').dataset.day, !!document.querySelector('.btn-pause')]"

def _day(page) -> int:
    return int(page.locator(".pair-numbers").get_attribute("data-day"))


def _choose(page, name: str, label: str) -> float:
    """Choose scenario ``name`` (menu text ``label``, which the status bar then starts with) and Reset;
    seconds from the Reset click until day 0 of it shows."""
    page.locator('[data-input="scenario"] .v-select').click()
    page.locator(".v-menu__content .v-list-item", has_text=label).first.click()
    page.wait_for_timeout(300)  # the choice travels to the server before Reset reads it
    return _reset(page, label)


def _reset(page, label: str) -> float:
    """Reset; seconds from the click until day 0 of the scenario labelled ``label`` shows."""
    if _day(page) == 0:  # from a later day, so that day 0 says the new model is there
        page.locator(".btn-step:not([disabled])").click()
        page.wait_for_function("() => document.querySelector('.pair-numbers')?.dataset.day === '1'",
                               timeout=TIMEOUT_MS)
    t0 = time.perf_counter()
    page.locator(".btn-reset").click()
    page.wait_for_function(
        "(label) => document.querySelector('.pair-numbers')?.dataset.day === '0' &&"
        " (document.querySelector('.pair-day')?.innerText || '').startsWith(label)", arg=label, timeout=TIMEOUT_MS)
    return time.perf_counter() - t0


def _steps(page, k: int) -> dict:
    start = _day(page)
    dom, painted = [], []
    for i in range(1, k + 1):
        page.locator(".btn-step:not([disabled])").wait_for(timeout=TIMEOUT_MS)
        r = page.evaluate(STEP_JS, start + i)
        dom.append(r["dom"])
        painted.append(r["painted"])
        page.wait_for_timeout(100)  # let the rest of the redraw (status bar) land before the next click
    return {"clicks": k, "to_dom_ms": _stats(dom), "to_paint_ms": _stats(painted),
            "slowest_click": max(range(k), key=painted.__getitem__) + 1 if k else None,
            "per_click": {"to_dom_ms": dom, "to_paint_ms": painted}}


def _play(page, seconds: float) -> dict:
    """Play for ``seconds`` of the page's time or until the run ends, then Pause: working days a
    second, what that implies for 250 days, and the time between redraws."""
    speed = page.locator('[data-input="speed"] [role=slider]').first.get_attribute("aria-valuenow")
    page.locator(".btn-play:not([disabled])").wait_for(timeout=TIMEOUT_MS)
    t0, d0 = page.evaluate(PLAY_JS)
    page.locator(".btn-pause").wait_for(timeout=TIMEOUT_MS)
    while True:
        now, d1, playing = page.evaluate(NOW_JS)
        if not playing or now - t0 >= seconds * 1000:
            break
        page.wait_for_timeout(min(200.0, seconds * 1000 - (now - t0)))
    finished = not playing
    if playing:
        page.locator(".btn-pause").click()
        page.locator(".btn-play").wait_for(timeout=TIMEOUT_MS)
        page.wait_for_timeout(1500)  # the play loop may land one more frame
    page.evaluate("() => { window.__benchStop = true; }")
    rec = page.evaluate("() => window.__benchDays")
    if finished and rec:  # the run's last day: its time, not the poll's
        now, d1 = rec[-1][0], rec[-1][1]
    wall = (now - t0) / 1e3
    days = d1 - d0
    rate = days / wall if wall > 0 else 0.0
    changes = [(t, d) for t, d in rec if t <= now]  # redraws while playing, until the Pause click
    gaps = [b[0] - a[0] for a, b in zip([(t0, d0)] + changes, changes)]
    steps_per = [b[1] - a[1] for a, b in zip([(t0, d0)] + changes, changes)]
    return {"speed_setting": None if speed is None else float(speed), "seconds": wall, "day_start": d0, "day_end": d1,
            "days": days, "run_finished": finished, "days_per_s": rate,
            "implied_year_s": YEAR_DAYS / rate if rate else None, "redraws": len(changes),
            "ms_between_redraws": _stats(gaps[1:]), "ms_click_to_first_redraw": gaps[0] if gaps else None,
            "days_per_redraw": _stats(steps_per), "day_after_pause": _day(page)}


def _set_speed(page, to_max: bool, value: float | None = None) -> float:
    """The speed slider by keyboard (End: its maximum; Home then arrows: ``value``); the value it shows."""
    thumb = page.locator('[data-input="speed"] [role=slider]').first
    thumb.focus()
    if to_max:
        thumb.press("End")
        want = thumb.get_attribute("aria-valuemax")
    else:
        thumb.press("Home")
        for _ in range(round(value - float(thumb.get_attribute("aria-valuemin")))):
            thumb.press("ArrowRight")
        want = f"{value:g}"
    page.wait_for_function("([e, v]) => e.getAttribute('aria-valuenow') === v", arg=[thumb.element_handle(), want],
                           timeout=TIMEOUT_MS)
    page.wait_for_timeout(300)  # the value travels to the server
    return float(want)


def browser_side(scenarios, steps: int, play_seconds: float, max_speed: bool = False) -> dict:
    if not Path(CHROMIUM).exists():
        msg = f"skipped: {CHROMIUM} not found (Debian: apt-get install -y chromium); no browser is downloaded"
        print(f"\n2. In the browser: {msg}")
        return {"skipped": msg}
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        msg = "skipped: the playwright package is not installed"
        print(f"\n2. In the browser: {msg}")
        return {"skipped": msg}
    from analysis.app_model import CATALOGUE
    from sim.i18n import display

    print(f"\n2. In the browser: solara run --production, Chromium headless at {VIEWPORT['width']}x{VIEWPORT['height']}")
    out: dict = {"scenarios": {}}
    errors: list[str] = []
    server = Server()
    try:
        out["server_start_s"] = server.wait()
        print(f"   server up in {out['server_start_s']:.1f} s at {server.url}")
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            try:
                page = browser.new_page(viewport=VIEWPORT)
                page.on("pageerror", lambda e: errors.append(f"pageerror: {e}"))
                page.on("console", lambda m: errors.append(f"console.{m.type}: {m.text}") if m.type == "error" else None)
                t0 = time.perf_counter()
                page.goto(server.url)
                page.locator(".pair-numbers").wait_for(timeout=TIMEOUT_MS)
                out["first_load_s"] = time.perf_counter() - t0
                print(f"   page loaded (numbers panel shown) in {out['first_load_s']:.1f} s")
                for name in scenarios:
                    label = display(CATALOGUE[name], "zh")
                    res = {"reset_s": _choose(page, name, label)}
                    res["steps"] = _steps(page, steps)
                    res["play"] = _play(page, play_seconds)
                    if max_speed:  # a fresh run, played to its end (at most 60 s or --play-seconds)
                        default = res["play"]["speed_setting"]
                        _reset(page, label)
                        _set_speed(page, True)
                        res["play_max"] = _play(page, max(play_seconds, 60.0))
                        _set_speed(page, False, default)
                    out["scenarios"][name] = res
                    st, pl = res["steps"], res["play"]
                    print(f"   {name} ({label})")
                    print(f"     choose + Reset until day 0 shows: {res['reset_s'] * 1e3:.0f} ms")
                    print(f"     Step click -> next day in DOM      {_fmt(st['to_dom_ms'])}")
                    print(f"     Step click -> painted              {_fmt(st['to_paint_ms'])}   "
                          f"({steps} clicks; slowest: click {st['slowest_click']})")
                    implied = f"{pl['implied_year_s']:.1f} s" if pl["implied_year_s"] else "never"
                    print(f"     Play at speed {pl['speed_setting']:g}: {pl['days']} days in {pl['seconds']:.1f} s = "
                          f"{pl['days_per_s']:.2f} days/s, 250 days in {implied}")
                    print(f"     while playing, between redraws     {_fmt(pl['ms_between_redraws'])}   "
                          f"({pl['redraws']} redraws, median {pl['days_per_redraw']['median']} days each)")
                    if pl["day_after_pause"] != pl["day_end"]:
                        print(f"     (after Pause the day went on from {pl['day_end']} to {pl['day_after_pause']})")
                    if "play_max" in res:
                        pm = res["play_max"]
                        implied = f"{pm['implied_year_s']:.1f} s" if pm["implied_year_s"] else "never"
                        whole = " (the whole run, from Reset)" if pm["run_finished"] else ""
                        print(f"     Play at speed {pm['speed_setting']:g} (the slider's maximum): {pm['days']} days in "
                              f"{pm['seconds']:.1f} s{whole} = {pm['days_per_s']:.2f} days/s, 250 days in {implied}")
                        print(f"       between redraws                  {_fmt(pm['ms_between_redraws'])}   "
                              f"({pm['redraws']} redraws, median {pm['days_per_redraw']['median']} days each)")
            finally:
                browser.close()
    except Exception as e:  # a failure is a figure too: print it, keep the server-side figures
        out["error"] = f"{type(e).__name__}: {e}"
        print(f"   FAILED: {out['error']}\n   server output:\n{server.tail()}")
    finally:
        server.stop()
    tracebacks = [ln for ln in server.lines if "Traceback" in ln or "Error" in ln]
    out["page_errors"] = errors
    out["server_errors"] = tracebacks
    print(f"   errors in the page: {len(errors)}" + "".join(f"\n     {e[:200]}" for e in errors[:10]))
    print(f"   error lines in the server's output: {len(tracebacks)}" + "".join(f"\n     {e[:200]}" for e in tracebacks[:10]))
    return out


# --------------------------------------------------------------------------------------------------


def verdicts(server: dict, browser: dict | None) -> list[str]:
    out = []
    for name, res in server.items():
        if name in TARGET_MS and res["step_redraw_ms"]["n"]:
            for key in ("median", "p95", "max"):
                out.append(_verdict(f"{name}: step + redraw, server, {key}", res["step_redraw_ms"][key],
                                    TARGET_MS[name], "ms"))
    for name, res in (browser or {}).get("scenarios", {}).items():
        if name in TARGET_MS and res["steps"]["to_paint_ms"]["n"]:
            st = res["steps"]["to_paint_ms"]
            out.append(_verdict(f"{name}: Step click to paint, browser, median", st["median"], TARGET_MS[name], "ms"))
            out.append(_verdict(f"{name}: Step click to paint, browser, p95", st["p95"], TARGET_MS[name], "ms"))
        if res["play"]["implied_year_s"]:
            out.append(_verdict(f"{name}: Play, 250 days at the default speed", res["play"]["implied_year_s"],
                                YEAR_TARGET_S, "s"))
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--days", type=int, default=YEAR_DAYS, help="working days stepped on the server (default 250)")
    ap.add_argument("--steps", type=int, default=30, help="Step clicks timed in the browser (default 30)")
    ap.add_argument("--scenarios", nargs="+", default=list(SCENARIOS), metavar="NAME",
                    help="embedded scenario names (default: finance_bureau huaibei_pilots)")
    ap.add_argument("--lang", default=None, choices=["zh", "en"], help="the views' language (default: the app's)")
    ap.add_argument("--browser", action="store_true", help="also time the served app in Chromium")
    ap.add_argument("--max-speed", action="store_true",
                    help="in the browser, also Play at the speed slider's maximum (set by keyboard)")
    ap.add_argument("--play-seconds", type=float, default=20.0, help="how long Play runs in the browser (default 20)")
    ap.add_argument("--json", metavar="OUT", help="also write the figures as JSON to OUT")
    a = ap.parse_args(argv)
    from analysis.app_model import CATALOGUE
    from sim.i18n import DEFAULT_LANGUAGE

    unknown = [s for s in a.scenarios if s not in CATALOGUE]
    if unknown:
        ap.error(f"unknown scenario(s) {', '.join(unknown)}; the app has: {', '.join(CATALOGUE)}")
    if a.days < 1 or a.steps < 1 or a.play_seconds <= 0:
        ap.error("--days and --steps must be at least 1, --play-seconds above 0")
    if a.json:  # checked before a long run, so the figures are not lost at its end
        out = Path(a.json)
        if not out.parent.is_dir() or out.is_dir():
            ap.error(f"--json {a.json}: no folder {out.parent} to write into" if not out.parent.is_dir()
                     else f"--json {a.json}: is a folder, not a file name")
    lang = a.lang or DEFAULT_LANGUAGE
    mach = machine()
    print(f"Machine: {mach['cpus']} CPUs, load average {mach['load_1_5_15']} (1, 5, 15 min), Python {mach['python']}")
    figures = {"machine": mach, "args": {k: v for k, v in vars(a).items() if k != "json"}}
    figures["server"] = server_side(a.scenarios, a.days, lang)
    figures["browser"] = browser_side(a.scenarios, a.steps, a.play_seconds, a.max_speed) if a.browser else None
    figures["machine"]["load_at_end"] = machine()["load_1_5_15"]
    lines = verdicts(figures["server"], figures["browser"])
    if lines:
        print("\nTargets:")
        print("\n".join(lines))
    if a.json:
        try:
            Path(a.json).write_text(json.dumps(figures, indent=1, ensure_ascii=False), encoding="utf-8")
        except OSError as e:
            print(json.dumps(figures, ensure_ascii=False))  # the figures, not lost
            print(f"bench_app.py: error: --json {a.json}: cannot write ({e.strerror}); the figures are printed above",
                  file=sys.stderr)
            return 2
        print(f"\nFigures written to {a.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
