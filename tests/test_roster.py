"""Roster import (``python -m sim import``): the shipped example becomes a scenario that loads and runs;
headers in either language and CSV or XLSX give the same scenario; every kind of bad row is one line
naming the file, the row as the spreadsheet numbers it and the column, exit 2, nothing written.
Tests write only to tmp_path (the templates are regenerated there, never over the committed ones)."""
import importlib.util
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
import yaml

import sim
from sim.__main__ import main
from sim.roster import MAX_SHOWN, RosterErrors, import_roster, read_roster, rows_text, scenario_text

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs" / "roster"
EXAMPLE = DOCS / "example_roster_zh.xlsx"
_spec = importlib.util.spec_from_file_location("make_templates", DOCS / "make_templates.py")
templates = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(templates)


def _cli(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "sim", *args], capture_output=True, text=True, timeout=300,
                          cwd=cwd, env={**os.environ, "PYTHONPATH": str(ROOT)})


def _raw(path, name="unit"):
    """The scenario a roster makes, as the mapping its file holds (comments aside)."""
    return yaml.safe_load(scenario_text(read_roster(path), name))


def _csv(tmp_path, rows, head=None, name="r.csv", encoding="utf-8-sig"):
    path = tmp_path / name
    path.write_text(templates.csv_text(head or templates.header("zh"), rows), encoding=encoding)
    return path


def test_example_imports_to_a_scenario_that_loads_and_runs(tmp_path):
    out = tmp_path / "my_unit.yaml"
    said = import_roster(EXAMPLE, out)
    assert "rows 2-21, 20 people: 1 body, 3 leaders, 17 staff in 6 sections (1 one-person)" in said
    sc = sim.load_scenario(out)
    st = sc.structures["before"]
    assert sc.structure_names == ["before", "after"] and sc.name == "my_unit"  # after: the example fills 改革后科室
    assert st.counts()["sections"] == 6 and st.counts()["staff"] == 17 and len(st.leaders) == 3
    body = st.bodies[0]
    assert body.name == templates.BODY and body.leaders == {"director": "director", "deputy_director": "deputy1"}
    names = {s.id: s.name for s in body.sections}
    assert [names[s] for s in body.in_charge["deputy1"]] == ["办公室", "人事股", "工资福利股"]
    assert [names[s] for s in body.in_charge["deputy2"]] == ["就业股", "劳动关系股", "社会保险股"]
    office = body.sections[0]
    assert office.kind == "general" and office.functions == ["公文处理", "综合协调", "档案管理", "后勤保障"]
    people = {m.name: m for _, _, m in st.staff()}
    assert people["吴磊"].skills == {"职称评审": 0.8} and people["何敏"].skills == {"创业补贴": 0.9}
    assert people["陈静"].post == "head" and people["曹阳"].post == "commissioner" and people["冯涛"].post == "deputy"
    assert people["周强"].establishment == "worker" and people["马超"].establishment == "outside"
    assert st.leaders["director"].establishment == "administrative"
    assert sc.params == sim.load_scenario("finance_bureau").params  # copied with their sources
    text = out.read_text(encoding="utf-8")
    assert text.startswith("# Imported by `python -m sim import` from example_roster_zh.xlsx (sheet 花名册)")
    assert text.count("# TODO: fill in from your 办件/收发文 records") == 2 * len(sc.workload.workflows) == 12
    res = sim.run(sc, seed=1, days=5)
    assert res.summary["tasks_completed"] > 0


def test_the_cli_writes_a_file_that_python_m_sim_run_runs(tmp_path):
    r = _cli("import", str(EXAMPLE), "--out", "my_unit.yaml", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert "wrote my_unit.yaml" in r.stdout and "next: python -m sim run my_unit.yaml --days 20" in r.stdout
    r = _cli("run", "my_unit.yaml", "--days", "20", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert "tasks_completed" in r.stdout
    assert sorted(p.name for p in tmp_path.iterdir()) == ["my_unit.yaml"]


def test_chinese_and_english_headers_give_the_same_scenario(tmp_path):
    en = tmp_path / "en.xlsx"
    templates.write_xlsx(en, templates.header("en"), templates.example_rows("en"), "en")
    assert _raw(en) == _raw(EXAMPLE)


def test_csv_and_xlsx_give_the_same_scenario(tmp_path):
    rows = templates.example_rows("zh")
    assert _raw(_csv(tmp_path, rows)) == _raw(EXAMPLE)  # the example's merged 单位/科室 cells are filled in
    assert _raw(_csv(tmp_path, rows, name="gbk.csv", encoding="gb18030")) == _raw(EXAMPLE)  # Excel's CSV on Chinese Windows
    en = _csv(tmp_path, templates.example_rows("en"), templates.header("en"), name="en.csv")
    assert _raw(en) == _raw(EXAMPLE)


def test_a_title_row_above_the_header_is_passed_over_and_rows_keep_their_numbers(tmp_path):
    path = tmp_path / "titled.csv"
    rows = templates.example_rows("zh")
    rows[4][4] = "主管"
    path.write_text("示例县人社局实名制花名册\n" + templates.csv_text(templates.header("zh"), rows), encoding="utf-8")
    with pytest.raises(RosterErrors, match=r"row 7, column 职务: unknown post title '主管'"):
        read_roster(path)


def _edited(**edits):
    """The example's rows with cells changed: {row index: {column key: value}}."""
    keys = [c.key for c in templates.COLUMNS]
    rows = templates.example_rows("zh")
    for i, cells in edits.items():
        for k, v in cells.items():
            rows[int(i)][keys.index(k)] = v
    return rows


# (id, rows, expected "row N, column X", expected reason fragment); row index i is spreadsheet row i + 2
BAD_ROWS = [
    ("unknown post title", _edited(**{"4": {"post": "主管"}}), "row 6, column 职务", "unknown post title '主管' (known: 局长"),
    ("empty section", _edited(**{"4": {"section": ""}}), "row 6, column 科室", "empty section: a 科员 belongs to a section"),
    ("staff in the leadership group", _edited(**{"4": {"section": "局领导"}}), "row 6, column 科室", "is the leadership group"),
    ("deputy in charge of no section", _edited(**{"1": {"in_charge_of": "办公室、财务股"}}), "row 3, column 分管科室",
     "in charge of '财务股', which is no section of"),
    ("section of two deputies", _edited(**{"2": {"in_charge_of": "就业股、办公室"}}), "row 4, column 分管科室",
     "section '办公室' is in the charge of 李红 already (row 3)"),
    ("duplicate person id", _edited(**{"5": {"name": "刘洋"}}), "row 7, column 姓名",
     "duplicate person id '刘洋' (first on row 6)"),
    ("duplicate post id", _edited(**{"4": {"post_id": "A1"}, "6": {"post_id": "A1"}}), "row 8, column 岗位编号",
     "duplicate person id 'A1' (first on row 6)"),
    ("proficiency out of range", _edited(**{"7": {"proficiency": "150%"}}), "row 9, column 熟练度", "proficiency out of range"),
    ("proficiency above 1", _edited(**{"7": {"proficiency": "1.5"}}), "row 9, column 熟练度", "proficiency out of range"),
    ("proficiency zero", _edited(**{"7": {"proficiency": "0"}}), "row 9, column 熟练度", "proficiency out of range"),
    ("proficiency not a number", _edited(**{"7": {"proficiency": "good"}}), "row 9, column 熟练度", "expected a number"),
    ("unknown establishment", _edited(**{"5": {"establishment": "正式"}}), "row 7, column 编制", "unknown 编制 '正式'"),
    ("section with no function", _edited(**{"19": {"functions": ""}}), "row 21, column 职能",
     "section '工资福利股' has no function"),
    ("function of two sections", _edited(**{"19": {"functions": "工资审批、公文处理"}}), "row 21, column 职能",
     "function '公文处理' is already a function of section '办公室' (row 5)"),
    ("second head", _edited(**{"4": {"post": "科长"}}), "row 6, column 职务", "section '办公室' has a head already: 陈静 (row 5)"),
    ("second director", _edited(**{"1": {"post": "书记", "in_charge_of": ""}}), "row 3, column 职务", "has a director already"),
    ("in charge but no deputy", _edited(**{"0": {"in_charge_of": "办公室"}}), "row 2, column 分管科室",
     "分管科室 is for deputies"),
    ("leader in a section", _edited(**{"0": {"section": "办公室"}}), "row 2, column 科室", "leads the body, not a section"),
    ("no name", _edited(**{"5": {"name": ""}}), "row 7, column 姓名", "names nobody"),
    ("empty post", _edited(**{"5": {"post": ""}}), "row 7, column 职务", "empty post title"),
    ("empty body", _edited(**{"5": {"body": ""}}), "row 7, column 单位", "empty 单位/body"),
]


@pytest.mark.parametrize("rows, field, fragment", [c[1:] for c in BAD_ROWS], ids=[c[0] for c in BAD_ROWS])
def test_each_bad_row_is_one_line_with_row_and_column_and_nothing_is_written(tmp_path, rows, field, fragment):
    src, out = _csv(tmp_path, rows), tmp_path / "out.yaml"
    with pytest.raises(RosterErrors) as e:
        import_roster(src, out)
    assert str(e.value) == f"{src}: {field}: {e.value.reason}" and fragment in e.value.reason, str(e.value)
    assert "\n" not in str(e.value) and not out.exists()


def test_bad_rows_are_all_reported_then_and_n_more(tmp_path):
    rows = templates.example_rows("zh") * 2  # 40 rows: every second one a duplicate person
    for r in rows:
        r[4] = "主管" if r[4] == "科员" else r[4]
    src = _csv(tmp_path, rows)
    with pytest.raises(RosterErrors) as e:
        import_roster(src, tmp_path / "out.yaml")
    lines = str(e.value).split("\nerror: ")
    assert len(e.value.errors) > MAX_SHOWN and len(lines) == MAX_SHOWN + 1
    assert lines[0].startswith(f"{src}: row 6, column 职务: unknown post title")  # in row order
    assert lines[-1] == f"{src}: and {len(e.value.errors) - MAX_SHOWN} more bad rows"


FILE_ERRORS = [  # (id, file name, content, expected field, reason fragment)
    ("missing required column", "r.csv", "单位,科室,姓名,职能\n局,办公室,甲,公文\n", "row 1",
     "missing required column 职务/post (columns found: 单位, 科室, 姓名, 职能)"),
    ("no name nor post id column", "r.csv", "科室,职务,职能\n办公室,科员,公文\n", "row 1", "missing required column 姓名/name"),
    ("no rows", "r.csv", "单位,科室,姓名,职务,职能\n,,,,\n", "row 1", "no rows under the header"),
    ("empty file", "r.csv", "", "<file>", "empty"),
    ("not a workbook", "r.xlsx", "this is text", "<file>", "cannot read it as an .xlsx workbook"),
    ("old xls", "r.xls", "x", "<file>", "the old .xls format"),
    ("not a roster", "r.txt", "x", "<file>", "expected an .xlsx or .csv roster"),
    ("binary csv", "r.csv", b"\xff\xfe\x00\x81\xfe\xff" * 10, "<file>", "not UTF-8 or GBK text"),
]


@pytest.mark.parametrize("name, content, field, fragment", [c[1:] for c in FILE_ERRORS], ids=[c[0] for c in FILE_ERRORS])
def test_an_unreadable_roster_or_a_missing_column_is_one_line(tmp_path, name, content, field, fragment):
    src, out = tmp_path / name, tmp_path / "out.yaml"
    src.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    with pytest.raises(sim.InputError) as e:
        import_roster(src, out)
    assert e.value.field == field and fragment in e.value.reason and "\n" not in str(e.value), str(e.value)
    assert not out.exists()


def _main(argv):
    """``python -m sim`` in-process: its exit code, argparse's own exit included."""
    try:
        return main(argv)
    except SystemExit as e:
        return e.code


@pytest.mark.parametrize("args, fragment", [
    (["--out", "u.txt"], "--out: must end in .yaml or .yml"),
    (["--out", "no/u.yaml"], "--out: the folder no does not exist"),
    (["--out", "."], "--out: must end in .yaml or .yml"),
    ([], "the following arguments are required: --out"),
])
def test_bad_out_is_one_line(tmp_path, monkeypatch, capsys, args, fragment):
    monkeypatch.chdir(tmp_path)
    assert _main(["import", str(EXAMPLE), *args]) == 2
    err = capsys.readouterr().err
    assert fragment in err and err.count("\n") == 1 and list(tmp_path.iterdir()) == []


def test_cli_bad_rows_exit_2_one_line_each_no_traceback_nothing_written(tmp_path):
    src = _csv(tmp_path, _edited(**{"4": {"post": "主管"}, "7": {"proficiency": "150%"}}))
    r = _cli("import", str(src), "--out", "u.yaml", cwd=tmp_path)
    assert r.returncode == 2 and r.stdout == "" and "Traceback" not in r.stderr
    lines = r.stderr.splitlines()
    assert len(lines) == 2 and lines[0].startswith(f"error: {src}: row 6, column 职务: unknown post title '主管' (known: ")
    assert lines[1] == f"error: {src}: row 9, column 熟练度: proficiency out of range: must be in (0, 1] or a percentage " \
                       "in (0%, 100%], got '150%'"
    assert not (tmp_path / "u.yaml").exists()
    src.write_text("单位,科室,姓名\n局,办公室,甲\n", encoding="utf-8")
    r = _cli("import", str(src), "--out", "u.yaml", cwd=tmp_path)
    assert r.returncode == 2 and r.stderr == (f"error: {src}: row 1: missing required columns 职务/post, 职能/functions "
                                              "(columns found: 单位, 科室, 姓名)\n")
    assert not (tmp_path / "u.yaml").exists()


def test_out_existing_is_refused_without_force(tmp_path, capsys):
    out = tmp_path / "u.yaml"
    out.write_text("mine\n", encoding="utf-8")
    assert _main(["import", str(EXAMPLE), "--out", str(out)]) == 2
    assert capsys.readouterr().err == f"error: command line: --out: {out} exists: give --force to overwrite it\n"
    assert out.read_text(encoding="utf-8") == "mine\n"
    assert _main(["import", str(EXAMPLE), "--out", str(out), "--force", "--name", "county_hr"]) == 0
    assert sim.load_scenario(out).name == "county_hr"


def test_committed_templates_are_what_the_script_makes(tmp_path):
    made = templates.main(tmp_path)
    assert sorted(p.name for p in made) == sorted(p.name for p in DOCS.iterdir() if p.suffix in (".xlsx", ".csv"))
    for p in made:
        committed = DOCS / p.name
        if p.suffix == ".csv":
            assert p.read_bytes() == committed.read_bytes(), p.name
            continue
        with zipfile.ZipFile(p) as a, zipfile.ZipFile(committed) as b:
            assert {i.filename: a.read(i) for i in a.infolist()} == {i.filename: b.read(i) for i in b.infolist()}, p.name
    assert [p.read_bytes() for p in made] == [p.read_bytes() for p in templates.main(tmp_path)]  # deterministic


def test_an_empty_template_is_refused_as_no_rows(tmp_path):
    for lang in ("zh", "en"):
        with pytest.raises(sim.InputError, match="row 1: no rows under the header"):
            import_roster(DOCS / f"roster_template_{lang}.xlsx", tmp_path / "u.yaml")


# ---- 改革后科室: the planned reform ------------------------------------------------------------------
def _after(more=None, **cells):
    """The example's rows with 改革后科室 cleared, then set: {row index: value} (spreadsheet row = index + 2);
    ``more``: other cells to change, as ``_edited`` takes them."""
    edits = {str(i): {"section_after": ""} for i in range(len(templates.EXAMPLE))}
    for i, v in cells.items():
        edits[i] = {"section_after": v}
    for i, c in (more or {}).items():
        edits[i] = {**edits[i], **c}
    return _edited(**edits)


def _reforms(path):
    return _raw(path)["structures"]["after"]


def test_the_example_plans_the_quick_start_reform(tmp_path):
    out = tmp_path / "my_unit.yaml"
    said = import_roster(EXAMPLE, out).splitlines()
    assert said[1:4] == ["after (column 改革后科室): 2 reforms from 'before', 6 -> 4 sections (1 -> 0 one-person)",
                         "  merge_sections 人事股 + 工资福利股 -> 人事工资股, rows 8-9, 21",
                         "  merge_sections 就业股 + 劳动关系股 -> 就业和劳动关系股, rows 10-16"]
    assert said[4].startswith(f"wrote {out}: structures 'before' and 'after', 6 placeholder workflows")
    assert _reforms(EXAMPLE) == {
        "display_name": {"zh": "改革后", "en": "after"}, "from": "before",
        "reforms": [{"merge_sections": {"sections": ["s02", "s06"], "into": "s02_s06", "name": "人事工资股"}},
                    {"merge_sections": {"sections": ["s03", "s04"], "into": "s03_s04", "name": "就业和劳动关系股"}}]}
    text = out.read_text(encoding="utf-8")
    assert "      # rows 8-9, 21 (改革后科室): 人事股 (s02) + 工资福利股 (s06) -> 人事工资股\n" in text  # each reform's rows
    sc = sim.load_scenario(out)
    before, after = (sc.structures[k].counts() for k in ("before", "after"))
    assert (before["sections"], after["sections"]) == (6, 4) and after["one_person_sections"] == 0
    assert after["staff"] == before["staff"] == 17
    body = sc.structures["after"].bodies[0]
    assert [(s.name, len(s.staff)) for s in body.sections] == [("办公室", 3), ("人事工资股", 3), ("就业和劳动关系股", 7),
                                                              ("社会保险股", 4)]
    assert {m.name: m.post for m in body.sections[1].staff} == {"孙丽": "head", "吴磊": "staff", "宋洁": "deputy"}


def test_the_generated_after_structure_compares_from_the_command_line(tmp_path):
    assert _cli("import", str(EXAMPLE), "--out", "my_unit.yaml", cwd=tmp_path).returncode == 0
    r = _cli("compare", "my_unit.yaml", "--structures", "before", "after", "--days", "5", "--replications", "2",
             "--lang", "zh", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert "改革前" in r.stdout and "改革后" in r.stdout


def test_no_section_after_column_no_after_structure(tmp_path):
    keys = [c.key for c in templates.COLUMNS]
    keep = [j for j, k in enumerate(keys) if k != "section_after"]
    rows = [[r[j] for j in keep] for r in templates.example_rows("zh")]
    src = _csv(tmp_path, rows, [templates.header("zh")[j] for j in keep])
    raw = _raw(src)
    assert list(raw["structures"]) == ["before"]
    assert raw["structures"]["before"] == _raw(EXAMPLE)["structures"]["before"]  # the column changes only 'after'
    said = import_roster(src, tmp_path / "u.yaml")
    assert "改革后科室" not in said and "structure 'before', 6 placeholder workflows" in said


# (id, 改革后科室 by row index, the expected reforms of structure after, its sections)
MAPPINGS = [
    ("into an existing section", {"19": "人事股"},
     [{"merge_sections": {"sections": ["s02", "s06"], "into": "s02", "name": "人事股"}}],
     ["办公室", "人事股", "就业股", "劳动关系股", "社会保险股"]),
    ("an existing section first, whatever the roster order", {"6": "工资福利股", "7": "工资福利股"},
     [{"merge_sections": {"sections": ["s06", "s02"], "into": "s06", "name": "工资福利股"}}],
     ["办公室", "就业股", "劳动关系股", "社会保险股", "工资福利股"]),
    ("three sections, an office name", {str(i): "综合办公室" for i in (3, 4, 5, 6, 7, 19)},
     [{"merge_sections": {"sections": ["s01", "s02", "s06"], "into": "s01_s02_s06", "name": "综合办公室"}}],
     ["综合办公室", "就业股", "劳动关系股", "社会保险股"]),
    ("business sections into an office name", {"6": "人事办公室", "7": "人事办公室", "19": "人事办公室"},
     [{"merge_sections": {"sections": ["s02", "s06"], "into": "s02_s06", "name": "人事办公室", "kind": "general"}}],
     ["办公室", "人事办公室", "就业股", "劳动关系股", "社会保险股"]),
    ("one person to an existing section", {"5": "人事股"},
     [{"move_functions": {"functions": ["后勤保障"], "to": "s02"}}],
     ["办公室", "人事股", "就业股", "劳动关系股", "社会保险股", "工资福利股"]),
    ("two people from two sections to a new one, with the functions only they do", {"5": "后勤股", "17": "后勤股"},
     [{"move_functions": {"functions": ["后勤保障"], "to": "n01", "new_section": {"name": "后勤股"}}},
      {"move_functions": {"functions": ["失业保险"], "to": "n01"}}],
     ["办公室", "人事股", "就业股", "劳动关系股", "社会保险股", "工资福利股", "后勤股"]),
    ("a merge and a person joining it", {"6": "人事工资股", "7": "人事工资股", "19": "人事工资股", "5": "人事工资股"},
     [{"merge_sections": {"sections": ["s02", "s06"], "into": "s02_s06", "name": "人事工资股"}},
      {"move_functions": {"functions": ["后勤保障"], "to": "s02_s06"}}],
     ["办公室", "人事工资股", "就业股", "劳动关系股", "社会保险股"]),
    ("own section names: nothing changes", {"5": "办公室", "19": "工资福利股"}, [],
     ["办公室", "人事股", "就业股", "劳动关系股", "社会保险股", "工资福利股"]),
]


@pytest.mark.parametrize("cells, reforms, sections", [c[1:] for c in MAPPINGS], ids=[c[0] for c in MAPPINGS])
def test_the_mapping_becomes_reforms_and_everyone_ends_where_the_roster_says(tmp_path, cells, reforms, sections):
    rows = _after(**cells)
    rows[17][[c.key for c in templates.COLUMNS].index("functions")] = "失业保险；工伤保险"  # 韩梅: a function only she does
    src, out = _csv(tmp_path, rows), tmp_path / "u.yaml"
    import_roster(src, out)  # checks everyone's section after the reforms (_check_after)
    assert (_reforms(src)["reforms"] or []) == reforms
    after = sim.load_scenario(out).structures["after"]
    assert [s.name for _, s in after.sections()] == sections
    people = {p.name: p for p in read_roster(src).people}
    for _, s, m in after.staff():
        assert people[m.name].target == s.name


# (id, 改革后科室 by row index, expected "row N, column 改革后科室" of each line, a reason fragment of the first)
BAD_MAPPINGS = [
    ("a section only renamed", {str(i): "社保股" for i in range(15, 19)}, [17], "would only be renamed '社保股'"),
    ("a head alone", {"12": "就业股"}, [14], "许文 heads '劳动关系股' and would move to '就业股' without the section"),
    ("filled on the heads' rows only", {"8": "就业和劳动关系股", "12": "就业和劳动关系股"}, [10, 14],
     "write '就业和劳动关系股' on every row of '就业股' (rows 10-13)"),
    ("a first 职能 others keep", {"10": "人事股"}, [12],
     "何敏's first 职能 '创业补贴' is also done by 郑洁 (row 10), who stays in '就业股'"),
    ("a section split two ways", {"8": "A股", "9": "A股", "10": "B股", "11": "B股"}, [10, 11, 12, 13], "郑洁 heads '就业股'"),
    ("a section whose own people leave", {"8": "新股", "9": "新股", "10": "新股", "11": "新股", "5": "就业股"}, [7, 10],
     "'就业股' is a section whose own people all leave it (to 新股, rows 10-13)"),
    ("a leader", {"0": "办公室"}, [2], "a 局长 leads the body, not a section: leave 改革后科室 empty"),
    ("staff to the leadership", {"4": "局领导"}, [6], "'局领导' is the leadership group"),
    ("no 职能", {"5": "人事股"}, [7], None),
]


@pytest.mark.parametrize("cells, rows, fragment", [c[1:] for c in BAD_MAPPINGS], ids=[c[0] for c in BAD_MAPPINGS])
def test_each_bad_mapping_is_one_line_with_row_and_column_and_nothing_is_written(tmp_path, cells, rows, fragment):
    src, out = _csv(tmp_path, _after(**cells)), tmp_path / "out.yaml"
    if fragment is None:  # 周强 with no 职能: his section keeps its others' (the roster is good but for the move)
        src = _csv(tmp_path, _after({"5": {"functions": ""}}, **cells))
        fragment = "周强 has no 职能 and would move to '人事股' alone"
    with pytest.raises(RosterErrors) as e:
        import_roster(src, out)
    assert [x.field for x in e.value.errors] == [f"row {r}, column 改革后科室" for r in rows], str(e.value)
    assert fragment in e.value.errors[0].reason and not out.exists()
    assert all("\n" not in str(x) for x in e.value.errors)


def test_a_plan_the_model_would_not_follow_is_caught_on_its_rows(tmp_path, monkeypatch):
    """The plan is checked against the model's own reforms: a wrong plan (here one step dropped) is bad rows."""
    import sim.roster as roster
    real = roster.plan_reform
    monkeypatch.setattr(roster, "plan_reform", lambda r, bad: real(r, bad)[1:])
    with pytest.raises(RosterErrors) as e:
        import_roster(EXAMPLE, tmp_path / "u.yaml")
    assert [x.field for x in e.value.errors] == [f"row {r}, column 改革后科室" for r in (8, 9, 21)]
    assert "put 孙丽 in '人事股', not '人事工资股'" in e.value.errors[0].reason and not (tmp_path / "u.yaml").exists()


def test_rows_text():
    assert rows_text([21, 8, 9]) == "rows 8-9, 21" and rows_text([7]) == "row 7" and rows_text([3, 5]) == "rows 3, 5"
