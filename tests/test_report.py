"""``python -m sim report``: one self-contained HTML file for leadership, in Chinese and English.

The file must open and print anywhere (nothing fetched), carry the numbers it claims (the before/after
table equal to ``Structure.counts()``, a table per procedure, the assumptions with their sources) and
speak one language. The browser test opens it in Debian's Chromium (skipped without /usr/bin/chromium;
never downloads a browser) and prints it to PDF. Everything is written into tmp_path.
"""
from __future__ import annotations

import html
import re
from pathlib import Path

import pytest

import sim
from analysis.report import verdict
from sim.__main__ import main

CHROMIUM = "/usr/bin/chromium"
ARGS = ["report", "finance_bureau", "--structures", "fragmented", "merged", "--replications", "2", "--days", "40"]
HEADINGS = {"zh": ("科室结构改革模拟测算报告", "改革前后对比表", "改革前后组织图", "分事项：办理时间与环节", "假设与来源",
                   "敏感性检验：差异方向是否稳定"),
            "en": ("Section-structure reform: a simulated comparison", "Before and after: the structures",
                   "Org charts before and after", "Per procedure: time and steps", "Assumptions and their sources",
                   "Sensitivity: do the differences hold?")}


@pytest.fixture(scope="module")
def reports(tmp_path_factory):
    """The finance bureau's report in both languages (2 replications, 40 days), each alone in its folder."""
    out = {}
    for lang in ("zh", "en"):
        folder = tmp_path_factory.mktemp(f"report_{lang}")
        assert main([*ARGS, "--lang", lang, "--section-limit", "10", "--out", str(folder / "report.html")]) == 0
        assert [p.name for p in folder.iterdir()] == ["report.html"]
        out[lang] = folder / "report.html"
    return out


def _visible(page: str) -> str:
    """The text a reader sees: no style block, no tags, no attributes."""
    page = re.sub(r"<style>.*?</style>", " ", page, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", " ", page))


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_report_is_one_file_that_fetches_nothing(reports, lang):
    page = reports[lang].read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>")
    assert not re.search(r"""(src|href)\s*=\s*["']?\s*(https?:|//)""", page, re.I)
    assert "<link" not in page and "<script" not in page and "@import" not in page and "url(" not in page
    assert page.count('src="data:image/png;base64,') == 1  # the org charts, embedded


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_report_carries_the_numbers(reports, lang):
    page = reports[lang].read_text(encoding="utf-8")
    sc = sim.load_scenario("finance_bureau")
    for name in ("fragmented", "merged"):
        c = sc.structures[name].counts()
        expect = {"sections": c["sections"], "one_person_sections": c["one_person_sections"], "staff": c["staff"],
                  "staff_per_section": c["staff_per_section"], "leader_posts": c["leader_posts"],
                  "business_share": c["business_sections"] / c["sections"],
                  "leader_posts_per_100_staff": 100 * c["leader_posts"] / c["staff"]}
        for key, value in expect.items():
            row = re.search(rf'<tr data-count="{key}">(.*?)</tr>', page, re.S).group(1)
            shown = [float(v) for v in re.findall(r'data-value="([^"]+)"', row)]
            assert shown[["fragmented", "merged"].index(name)] == pytest.approx(value), (key, name)
    limit = re.search(r'<tr data-count="section_limit">(.*?)</tr>', page, re.S).group(1)
    assert limit.count('class="over"') == 1 and limit.count('class="ok"') == 1  # 12 sections over a cap of 10, 8 within
    for w in sc.workload.workflows:  # a table per procedure, with time and steps
        block = re.search(rf'<div class="keep" data-workflow="{w.id}">(.*?)</div>', page, re.S).group(1)
        assert 'data-metric="cycle_days"' in block and 'data-metric="steps"' in block, w.id
    for key in ("params.approval.item_hours", "workload.workflows[budget_adjust].rate_per_day", "calendar.hours_per_day"):
        assert f'data-key="{key}"' in page, key
    assert 'class="assumption" data-key="params.rework.share"' in page
    assert "one submission in twenty is sent back" in page  # the comment that states the source
    for heading in HEADINGS[lang]:
        assert heading in _visible(page), heading


def test_chinese_shows_no_metric_ids_and_english_shows_english_labels(reports):
    zh = _visible(reports["zh"].read_text(encoding="utf-8"))
    shown = [m for m in sim.METRICS if re.search(rf"\b{m}\b", zh)]
    assert not shown, shown
    assert "平均办结周期（天）减少" in zh and "超出限额 2 个" in zh and "方向不变" in zh
    en = _visible(reports["en"].read_text(encoding="utf-8"))
    assert "mean cycle time (days) lower by" in en and "2 over the cap of 10" in en
    assert "cycle time (working days)" in en and "平均办结周期" not in en


def test_better_and_worse_follow_the_measure():
    assert verdict("mean_cycle_days", -2, -1) == "better" and verdict("mean_cycle_days", 1, 2) == "worse"
    assert verdict("tasks_completed", 1, 2) == "better" and verdict("util_cv", -1, 1) == "unclear"
    assert verdict("util_mean", 1, 2) == ""  # neither way is better in itself


def _exit(argv) -> int:
    """The exit code, whether main returns it or argparse exits (a bad option value)."""
    try:
        return main(argv)
    except SystemExit as e:
        return e.code


@pytest.mark.parametrize("args, says", [
    (["--structures", "fragmented", "nosuch"], "unknown structure 'nosuch'"),
    (["--structures", "fragmented"], "name at least two structures"),
    (["--structures", "fragmented", "fragmented"], "named more than once"),
    (["--structures", "fragmented", "merged", "--section-limit", "0"], "--section-limit: must be > 0"),
    (["--structures", "fragmented", "merged", "--section-limit", "-3"], "--section-limit: must be > 0"),
])
def test_bad_input_is_one_line_and_writes_nothing(tmp_path, capsys, args, says):
    assert _exit(["report", "finance_bureau", *args, "--out", str(tmp_path / "r.html")]) == 2
    err = capsys.readouterr().err
    assert says in err and err.count("\n") == 1 and "Traceback" not in err, err
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("out, says", [("r.pdf", "must end in .html"), ("missing/r.html", "does not exist"),
                                       (".", "is not a file name")])
def test_a_bad_out_is_one_line_and_writes_nothing(tmp_path, capsys, monkeypatch, out, says):
    monkeypatch.chdir(tmp_path)
    assert main([*ARGS, "--out", out]) == 2
    err = capsys.readouterr().err
    assert says in err and err.count("\n") == 1 and "--out" in err, err
    assert list(tmp_path.iterdir()) == []


@pytest.mark.browser
def test_the_report_renders_and_prints_in_chromium(reports, tmp_path):
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} not found (Debian: apt-get install -y chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=["--headless", "--no-sandbox", "--disable-gpu"])
        try:
            for lang, path in reports.items():
                errors: list[str] = []
                page = browser.new_page(viewport={"width": 1000, "height": 1400})
                page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
                page.on("pageerror", lambda e: errors.append(str(e)))
                page.on("request", lambda r: errors.append(f"fetched {r.url}") if not r.url.startswith(("file:", "data:")) else None)
                page.goto(path.as_uri())
                for heading in HEADINGS[lang]:
                    assert page.get_by_text(heading, exact=True).first.is_visible(), heading
                widths = page.eval_on_selector_all("img", "els => els.map(e => e.complete && e.naturalWidth)")
                assert widths and all(w > 0 for w in widths), widths
                pdf = tmp_path / f"report_{lang}.pdf"
                page.pdf(path=str(pdf), format="A4", print_background=True)
                assert pdf.stat().st_size > 10_000 and pdf.read_bytes()[:5] == b"%PDF-"
                assert not errors, errors
                page.close()
        finally:
            browser.close()
