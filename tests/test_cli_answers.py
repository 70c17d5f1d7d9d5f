"""Issue 13 parts 2 and 3: answers per procedure and per section, output formats and Chinese on the
command line (``python -m sim compare --workflow / --by section / --format / --out / --lang``)."""
from __future__ import annotations

import io
import json
import re
from contextlib import redirect_stderr, redirect_stdout

import pandas as pd
import pytest

import analysis
import sim
from sim.__main__ import SHOWN, main
from sim.i18n import MEASURES, WORDS, aligned, width

DAYS = "60"  # short runs: 40 measured days after shanxi_county's 20-day warm-up
REPS = "3"


def cli(*args):
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = main([str(a) for a in args])
    return code, out.getvalue(), err.getvalue()


def road(*extra, scenario="shanxi_county"):
    return cli("compare", scenario, "--replications", REPS, "--days", DAYS, "--workflow", "road_project", *extra)


def test_workflow_table_has_cis_a_difference_and_the_share_over_the_limit():
    code, out, _ = road()
    assert code == 0
    assert "road_project (市政道路新建项目立项)" in out
    assert "before (95% CI)" in out and "after (95% CI)" in out and "after − before (95% CI)" in out
    rows = {line.split()[0]: line for line in out.splitlines() if line.strip()}
    for m in ("tasks", "cycle_days", "cycle_hours", "steps", "handoffs", "waiting_hours", "approval_levels", "over_limit"):
        assert re.search(r"\[-?[\d.,]+, -?[\d.,]+\]", rows[m]), m
    assert "trips" not in rows  # the road project has no window visit
    assert "time limit (承诺时限) 10 working days" in out
    # two management levels fewer, from the mechanism
    assert re.search(r"approval_levels\s+4\.000 \[.*\]\s+2\.000 \[.*\]\s+-2\.000", rows["approval_levels"])


def over_limit(scenario):
    sc = sim.load_scenario(scenario) if isinstance(scenario, str) else scenario
    c = sim.compare(sc, replications=3, days=60, workflows=["road_project"])
    s = c.workflows["road_project"].summary.set_index(["structure", "metric"])
    return s.loc[("before", "over_limit"), "mean"]


def test_the_share_over_the_limit_moves_with_the_limit():
    sc = sim.load_scenario("shanxi_county")
    i = [w.id for w in sc.workload.workflows].index("road_project")
    tight = over_limit(sc.with_overrides({f"workload.workflows.{i}.time_limit_days": 2}))
    usual = over_limit(sc)
    loose = over_limit(sc.with_overrides({f"workload.workflows.{i}.time_limit_days": 200}))
    assert tight > usual > loose == 0
    assert tight == 1.0


def test_workflow_all_and_trips_where_there_are_visits():
    code, out, _ = cli("compare", "shanxi_county", "--replications", "2", "--days", "40", "--workflow", "all")
    assert code == 0
    for w in sim.load_scenario("shanxi_county").workload.workflows:
        assert f"{w.id} (" in out
    enrol = out[out.index("insurance_enrolment ("):]
    assert re.search(r"^trips\s", enrol, re.M)


def test_by_section():
    code, out, _ = cli("compare", "finance_bureau", "--replications", "2", "--days", "40", "--by", "section")
    assert code == 0
    for head in ("utilisation", "work_done", "halts", "queue_wait_hours"):
        assert head in out
    assert "separate sections: per section" in out and "large sections: per section" in out
    assert "Politics & Law Section" in out and "Admin & Politics-Law Section" in out  # each structure's own sections
    zh = cli("compare", "finance_bureau", "--replications", "2", "--days", "40", "--by", "section", "--lang", "zh")[1]
    assert "政法科" in zh and "行政政法科" in zh and "利用率" in zh and "排队等待（小时）" in zh


@pytest.mark.parametrize("command", [["run", "finance_bureau", "--days", "30"],
                                     ["compare", "finance_bureau", "--days", "30", "--replications", "2"],
                                     ["compare", "shanxi_county", "--days", DAYS, "--replications", "2", "--workflow",
                                      "road_project", "--by", "section"]])
def test_formats_parse_back(command, tmp_path):
    code, text, _ = cli(*command, "--format", "json")
    assert code == 0
    doc = json.loads(text)
    assert doc["rows"] and "scenario" in doc
    code, text, _ = cli(*command, "--format", "csv")
    assert code == 0
    df = pd.read_csv(io.StringIO(text))
    assert len(df) == len(doc["rows"])
    if command[0] == "compare":
        out = tmp_path / "answers.csv"
        assert cli(*command, "--out", out, "--lang", "zh")[0] == 0
        raw = out.read_bytes()
        assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 with BOM: Excel on Chinese Windows
        saved = pd.read_csv(out, encoding="utf-8-sig")
        assert "均值" in saved.columns and "95%置信区间下限" in saved.columns and len(saved) == len(df)
        runs = pd.read_csv(tmp_path / "answers_runs.csv", encoding="utf-8-sig")
        assert {"structure", "replication", "seed", "metric", "value"} <= set(runs.columns)
        assert cli(*command, "--out", tmp_path / "answers.json")[0] == 0
        full = json.loads((tmp_path / "answers.json").read_text(encoding="utf-8"))
        assert full["rows"] == doc["rows"]  # JSON keeps every digit


def test_csv_numbers_are_rounded_for_people_and_json_keeps_every_digit():
    args = ("compare", "finance_bureau", "--days", "30", "--replications", "2")
    rows = json.loads(cli(*args, "--format", "json")[1])["rows"]
    df = pd.read_csv(io.StringIO(cli(*args, "--format", "csv")[1]))
    j = next(r for r in rows if r["metric"] == "mean_cycle_days" and r["structure"] == "fragmented")
    c = df[(df["metric"] == "mean_cycle_days") & (df["structure"] == "fragmented")]["mean"].iloc[0]
    assert c == float(f"{j['mean']:.3g}") and c != j["mean"]


def english_ids(text):
    return [m for m in (*SHOWN, "over_limit", "cycle_days", "waiting_hours", "approval_levels", "queue_wait_hours",
                        "utilisation", "work_done") if re.search(rf"\b{m}\b", text)]


def test_lang_zh_prints_chinese_labels_for_every_shown_metric():
    code, out, _ = cli("run", "finance_bureau", "--days", "30", "--lang", "zh")
    assert code == 0
    for m in SHOWN:
        assert MEASURES["zh"][m] in out, m
    assert "指标" in out and "分设科室" in out and "大科室" in out
    code, out, _ = cli("compare", "finance_bureau", "--days", "30", "--replications", "2", "--lang", "zh")
    assert code == 0 and not english_ids(out), english_ids(out)
    for m in SHOWN:
        assert MEASURES["zh"][m] in out, m
    code, out, _ = road("--by", "section", "--lang", "zh")
    assert code == 0 and not english_ids(out), english_ids(out)
    for m in ("tasks", "cycle_days", "cycle_hours", "steps", "waiting_hours", "approval_levels", "over_limit",
              "utilisation", "work_done", "halts", "queue_wait_hours"):
        assert MEASURES["zh"][m] in out, m
    assert "承诺时限 10 个工作日" in out and "改革后 − 改革前" in out


def test_lang_en_is_english_and_the_default():
    default = cli("compare", "finance_bureau", "--days", "30", "--replications", "2")[1]
    en = cli("compare", "finance_bureau", "--days", "30", "--replications", "2", "--lang", "en")[1]
    assert default == en
    assert not re.search(r"[\u4e00-\u9fff]", en)
    assert set(english_ids(en)) >= set(SHOWN)
    rows = json.loads(cli("run", "finance_bureau", "--days", "30", "--format", "json")[1])["rows"]
    assert {r["label"] for r in rows} <= set(MEASURES["en"].values())


def test_chinese_columns_stay_aligned():
    """Every line of a table is as wide on a terminal, Chinese characters counted as two columns."""
    code, out, _ = cli("run", "finance_bureau", "--days", "30", "--lang", "zh")
    table = out.strip().split("\n\n", 1)[1].splitlines()
    ends = {width(line) for line in table}
    assert len(ends) == 1, ends
    t = aligned(["科室", "x"], [["政法科", "1.0"], ["ab", "10.0"]]).splitlines()
    assert len({width(line) for line in t}) == 1


def test_labels_complete_in_both_languages():
    assert set(MEASURES["zh"]) == set(MEASURES["en"])
    assert set(WORDS["zh"]) == set(WORDS["en"])
    assert all(re.search(r"[\u4e00-\u9fff]", v) for v in MEASURES["zh"].values())
    assert set(sim.METRICS) <= set(MEASURES["en"])


@pytest.mark.parametrize("args,needle", [
    (["compare", "finance_bureau", "--workflow", "no_such"], "--workflow: unknown workflow 'no_such'"),
    (["compare", "finance_bureau", "--format", "xml"], "argument --format: invalid choice: 'xml'"),
    (["run", "finance_bureau", "--format", "xlsx"], "argument --format: invalid choice: 'xlsx'"),
    (["run", "finance_bureau", "--lang", "fr"], "argument --lang: invalid choice: 'fr'"),
    (["compare", "finance_bureau", "--lang", "de"], "argument --lang: invalid choice: 'de'"),
    (["compare", "finance_bureau", "--by", "person"], "argument --by: invalid choice: 'person'"),
    (["compare", "finance_bureau", "--out", "{tmp}/table.txt"], "--out: table.txt: the name must end in .csv or .json"),
])
def test_bad_options_one_line_exit_2(args, needle, tmp_path):
    args = [a.replace("{tmp}", str(tmp_path)) for a in args]
    with pytest.raises(SystemExit) as e:
        out, err = io.StringIO(), io.StringIO()
        with redirect_stdout(out), redirect_stderr(err):
            raise SystemExit(main(args))
    assert e.value.code == 2
    assert needle in err.getvalue() and err.getvalue().count("\n") == 1 and "Traceback" not in err.getvalue()
    assert not list(tmp_path.iterdir())  # nothing written


@pytest.mark.parametrize("value,reason", [(0, "must be > 0, got 0"), (-3, "must be > 0, got -3"),
                                          ("ten", "expected a number, got 'ten'")])
def test_time_limit_must_be_a_positive_number(tmp_path, value, reason):
    text = (sim.scenario.SCENARIO_DIR / "shanxi_county.yaml").read_text(encoding="utf-8")
    bad = tmp_path / "bad.yaml"
    bad.write_text(text.replace("time_limit_days: 10", f"time_limit_days: {value}"), encoding="utf-8")
    with pytest.raises(SystemExit) as e:
        err = io.StringIO()
        with redirect_stdout(io.StringIO()), redirect_stderr(err):
            raise SystemExit(main(["compare", str(bad), "--workflow", "road_project"]))
    assert e.value.code == 2
    line = err.getvalue()
    assert line.count("\n") == 1 and "workload.workflows.0.time_limit_days" in line and reason in line, line


def test_display_names_parse_and_fall_back(tmp_path):
    from sim.i18n import display
    sc = sim.load_scenario("finance_bureau")
    assert display(sc, "zh") == "淮北市财政局（大科室试点）" and display(sc, "en").startswith("Huaibei")
    st = sc.structures["merged"]
    assert display(st, "zh") == "大科室" and display(st, "en") == "large sections"
    sec = st.section("admin_pl")[1]
    assert display(sec, "zh") == sec.name and display(sec, "en") == "Admin & Politics-Law Section"
    sec.display_name = {}  # none given: the Chinese name, the id in English
    assert display(sec, "zh") == sec.name and display(sec, "en") == "admin_pl"
    raw = {**sc.raw, "display_name": {"zh": ""}}
    with pytest.raises(sim.InputError, match=r"display_name.zh: must not be empty"):
        sim.parse_scenario(raw, "x.yaml")
    with pytest.raises(sim.InputError, match=r"display_name.fr: unknown key \(allowed: zh, en\)"):
        sim.parse_scenario({**sc.raw, "display_name": {"fr": "x"}}, "x.yaml")


def test_analysis_table_of_compare_workflow_without_metrics():
    c = analysis.compare_workflow("finance_bureau", "budget_adjust", replications=2, days=40)
    t = analysis.table(c)
    assert "coordination_steps" in t.index and "merged − fragmented (95% CI)" in t.columns
    assert list(analysis.table(sim.compare("finance_bureau", replications=2, days=30)).index) == list(analysis.KEY_METRICS)
