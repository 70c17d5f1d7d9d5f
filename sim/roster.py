"""Roster import: a unit's staffing table (实名制名册) becomes a commented scenario file.

``python -m sim import ROSTER.xlsx|ROSTER.csv --out my_unit.yaml`` reads one row per person (or post),
with Chinese or English headers (``COLUMNS``), and writes the unit as it is today (structure
``before``), a placeholder workload to fill in and the embedded finance bureau's parameters with
their sources; when the optional column 改革后科室 (section_after) is filled, also the planned reform as
structure ``after`` (``plan_reform``). Why: people know their roster, and nobody should type forty staff
entries into YAML by hand. Every bad row is reported at once (file, row as the spreadsheet numbers it, column,
reason) and nothing is written until the whole roster is good and the scenario it makes loads.

Ids are stable and ASCII (``b01``, ``s01``, ``p01``, ``director``, ``deputy1``) in roster order, the
Chinese names kept in ``name:``: no pinyin library is among the project's requirements. Functions
(职能) are ids as written in the roster (Chinese): workflows name them. Leaders sign; their 职能 are
not used (work is done in sections).
"""
from __future__ import annotations

import csv
import io
import json
import re
import warnings
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from .errors import InputError, short
from .scenario import SCENARIO_DIR, parse_scenario
from .structure import ESTABLISHMENTS
from .yamlfile import MAX_BYTES, parse_yaml

MAX_SHOWN = 20  # bad rows printed before "and N more": a screenful, enough to see the pattern of a mistake
HEADER_SEARCH_ROWS = 10  # assumption: a title row or two (XX局实名制花名册) may stand above the header
STRUCTURE = "before"  # the roster is the unit as it is; reformed structures derive from it
REFERENCE = SCENARIO_DIR / "finance_bureau.yaml"  # where calendar, horizon and params (with sources) are copied from
PLACEHOLDER_HOURS = 2.0  # assumption: two hours of work a matter, until the unit's records say otherwise
PLACEHOLDER_UTILISATION = 0.5  # assumption: each section half busy with its routine work, until the records say
TODO = "# TODO: fill in from your 办件/收发文 records"


@dataclass(frozen=True)
class Column:
    key: str
    zh: str  # header of the Chinese template
    en: str  # header of the English template
    aliases: tuple[str, ...]  # other headers accepted (compared without spaces, brackets and case)
    required: bool
    help_zh: str
    help_en: str


COLUMNS = (
    Column("body", "单位", "body", ("单位名称",), False, "单位名称；只有一个单位时可省略此列",
           "the body (unit); leave the column out for a one-body roster"),
    Column("section", "科室", "section", ("科室名称", "内设机构", "股室", "处室"), True,
           "所在科室；局领导填“局领导”或留空", "the person's section; leaders: empty or 'leadership'"),
    Column("name", "姓名", "name", (), False, "姓名（或填岗位编号）", "the person's name (or give post_id)"),
    Column("post_id", "岗位编号", "post_id", ("岗位",), False, "岗位编号，可选；填写时作为人员编号（须唯一）",
           "post id, optional; when given it identifies the person (unique)"),
    Column("post", "职务", "post", ("职务名称",), True, "局长、副局长、股长、副股长、科员、调研员……（见下表）",
           "director, deputy_director, head, deputy, staff, commissioner (or the Chinese titles below)"),
    Column("functions", "职能", "functions", ("职责", "业务"), True, "承担的职能，多项用 、 ； , 分隔",
           "the functions the person does, separated by 、 ; or ,"),
    Column("in_charge_of", "分管科室", "in_charge_of", ("分管",), False, "副局长分管的科室，多项用 、 ； , 分隔",
           "deputies: the sections they are in charge of (分管), separated by 、 ; or ,"),
    Column("establishment", "编制", "establishment", ("编制类型", "编制性质"), False, "行政、事业、工勤或编外，可选",
           "administrative, institution, worker or outside (行政/事业/工勤/编外), optional"),
    Column("proficiency", "熟练度", "proficiency", (), False, "0–1 或百分比（如 80%），可选，默认 1（熟手）",
           "0-1 or a percentage (80%), optional; 1 (a specialist) if empty"),
    Column("section_after", "改革后科室", "section_after", ("改革后", "改革后股室", "新科室", "after"), False,
           "改革后所在科室，可选，留空为不变。几个科室的人都填同一新名称即合并（如就业股、劳动关系股都填"
           "“就业和劳动关系股”）；填现有科室名即并入该科室；个别人调往别的科室时带走只有他做的职能。局领导留空",
           "the section after the planned reform, optional, empty = unchanged. Sections whose people all write one "
           "new name are merged into it; an existing section's name means into that section; a person moving alone "
           "takes the functions only they do (first 职能 first). Leaders: empty"),
)

# 职务 -> the model's level or post. 主任/副主任 lead the body when the row names no section (or the leadership
# group), a section otherwise (办公室主任): SECTION_TITLES. Rank titles (一级主任科员, 二级调研员) lose their grade.
POST_TITLES = {
    "局长": "director", "主任": "director", "书记": "director", "党组书记": "director", "党委书记": "director",
    "副局长": "deputy_director", "副主任": "deputy_director",
    "处长": "head", "科长": "head", "股长": "head",
    "副处长": "deputy", "副科长": "deputy", "副股长": "deputy",
    "科员": "staff", "办事员": "staff", "干部": "staff", "主任科员": "staff", "副主任科员": "staff",
    "专员": "commissioner", "调研员": "commissioner",
}
SECTION_TITLES = {"主任": "head", "副主任": "deputy"}
POSTS = ("director", "deputy_director", "head", "deputy", "staff", "commissioner")  # English ids, accepted as they are
LEADER_POSTS = ("director", "deputy_director")
LEADERSHIP = ("领导班子", "班子成员", "leadership", "leaders")  # a 科室 value meaning "no section"; also any "…领导"
ESTABLISHMENT_WORDS = dict(zip(("行政", "事业", "工勤", "编外"), ESTABLISHMENTS))
SEPARATORS = re.compile(r"[、;；,，]")


class RosterErrors(InputError):
    """Every bad row of a roster, one line each (at most ``MAX_SHOWN``): fixing one row and re-running to
    find the next would cost an afternoon. The CLI prints ``error: `` before each line."""

    def __init__(self, errors: list[InputError]):
        first = errors[0]
        super().__init__(first.file, first.field, first.reason)
        self.errors = errors

    def __str__(self):
        lines = [str(e) for e in self.errors[:MAX_SHOWN]]
        if len(self.errors) > MAX_SHOWN:
            lines.append(f"{self.file}: and {len(self.errors) - MAX_SHOWN} more bad rows")
        return "\nerror: ".join(lines)


# ---- reading the table -------------------------------------------------------------------------
@dataclass
class Table:
    file: str
    sheet: str | None
    header_row: int
    headers: dict[str, str]  # column key -> the header as the file writes it
    rows: list[tuple[int, dict[str, object]]]  # (row number as the spreadsheet shows it, column key -> cell)
    encoding: str = ""
    ignored: list[str] = field(default_factory=list)  # headers no column of ours

    def span(self) -> str:
        """The rows read, as the spreadsheet numbers them."""
        first, last = self.rows[0][0], self.rows[-1][0]
        return f"rows {first}-{last}" if last > first else f"row {first}"


BRACKETS = re.compile(r"[（(][^）)]*[）)]")  # a note in brackets: 职能（多项用、分隔）, 局长（主持工作）


def _norm_header(text) -> str:
    t = BRACKETS.sub("", str(text or ""))
    return re.sub(r"[\s_\-*]+", "", t).lower()


_HEADER_KEYS = {_norm_header(h): c.key for c in COLUMNS for h in (c.zh, c.en, *c.aliases)}


def _cell_text(v) -> str:
    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    return re.sub(r"\s+", " ", str(v)).strip()


def _grid_xlsx(path: Path) -> tuple[str, list[list]]:
    """The first sheet's values, merged cells filled from their top-left cell (名册 often merge 单位, 科室)."""
    import openpyxl  # only an xlsx needs it
    from openpyxl.utils.exceptions import InvalidFileException
    try:
        with warnings.catch_warnings():  # openpyxl's warnings (no default style, ...) would break the one-line rule
            warnings.simplefilter("ignore")
            wb = openpyxl.load_workbook(path, data_only=True)
        ws = wb.worksheets[0]
        grid = [list(r) for r in ws.iter_rows(min_row=1, values_only=True)]
        for rng in ws.merged_cells.ranges:
            top = grid[rng.min_row - 1][rng.min_col - 1]
            for r in range(rng.min_row - 1, min(rng.max_row, len(grid))):
                for c in range(rng.min_col - 1, min(rng.max_col, len(grid[r]))):
                    grid[r][c] = top
    except (zipfile.BadZipFile, InvalidFileException, KeyError, ValueError, TypeError, IndexError, SyntaxError, OSError) as e:
        raise InputError(path, "<file>", f"cannot read it as an .xlsx workbook ({type(e).__name__}: {short(str(e))})") from None
    return ws.title, grid


def _grid_csv(path: Path, data: bytes) -> tuple[str, list[list]]:
    """CSV as UTF-8 or, as Excel saves it on a Chinese Windows, GBK (GB18030)."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise InputError(path, "<file>", "not UTF-8 or GBK text: save it as CSV UTF-8 (逗号分隔)")
    first = text.split("\n", 1)[0]
    delimiter = "\t" if "\t" in first and "," not in first else ","
    try:
        return ("GBK" if encoding == "gb18030" else "UTF-8"), list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as e:
        raise InputError(path, "<file>", f"not a readable CSV file ({e})") from None


def read_table(path) -> Table:
    """The roster's header and rows; an unreadable file or a missing required column is one ``InputError``."""
    path = Path(path)
    if not path.exists():
        raise InputError(path, "<file>", "no such file")
    if path.is_dir():
        raise InputError(path, "<file>", "is a folder, not a roster (.xlsx or .csv)")
    suffix = path.suffix.lower()
    if suffix == ".xls":
        raise InputError(path, "<file>", "the old .xls format: save it as .xlsx (Excel 工作簿) or .csv")
    if suffix not in (".xlsx", ".csv"):
        raise InputError(path, "<file>", f"expected an .xlsx or .csv roster, got {short(path.suffix or 'no extension')}")
    try:
        data = path.read_bytes() if path.stat().st_size <= MAX_BYTES else None
    except OSError as e:
        raise InputError(path, "<file>", f"cannot read: {e.strerror or e}") from None
    if data is None:
        raise InputError(path, "<file>", f"larger than {MAX_BYTES // 1_000_000} MB: not a roster")
    sheet, encoding = None, ""
    if suffix == ".xlsx":
        sheet, grid = _grid_xlsx(path)
    else:
        encoding, grid = _grid_csv(path, data)
    numbered = [(i, row) for i, row in enumerate(grid, 1) if any(_cell_text(v) for v in row)]
    if not numbered:
        raise InputError(path, "<file>", "empty: no header row and no rows")
    known = lambda row: sum(_norm_header(v) in _HEADER_KEYS for v in row)  # noqa: E731
    at = next((k for k, (_, row) in enumerate(numbered[:HEADER_SEARCH_ROWS]) if known(row) >= 2), 0)
    header_row, header = numbered[at]
    headers, index, ignored = {}, {}, []
    for j, v in enumerate(header):
        key, text = _HEADER_KEYS.get(_norm_header(v)), _cell_text(v)
        if key is None or key in headers:
            if text:
                ignored.append(text)
            continue
        headers[key], index[key] = text, j
    found = ", ".join(_cell_text(v) for v in header if _cell_text(v)) or "none"
    missing = [c for c in COLUMNS if c.required and c.key not in headers]
    if "name" not in headers and "post_id" not in headers:
        missing.append(next(c for c in COLUMNS if c.key == "name"))
    if missing:
        need = ", ".join(f"{c.zh}/{c.en}" for c in missing)
        raise InputError(path, f"row {header_row}", f"missing required column{'s' if len(missing) > 1 else ''} {need} "
                                                    f"(columns found: {found})")
    rows = [(n, {k: (row[j] if j < len(row) else None) for k, j in index.items()}) for n, row in numbered[at + 1:]]
    rows = [(n, cells) for n, cells in rows if any(_cell_text(v) for v in cells.values())]
    if not rows:
        raise InputError(path, f"row {header_row}", "no rows under the header: the roster lists nobody")
    return Table(str(path), sheet, header_row, headers, rows, encoding, ignored)


# ---- the roster as people, sections, bodies ------------------------------------------------------
@dataclass
class Person:
    row: int
    id: str  # the roster's identity: post id if given, else the name
    name: str
    post: str  # one of POSTS
    title: str  # 职务 as written
    body: str
    section: str  # "" for leaders
    functions: list[str]
    in_charge_of: list[str]
    establishment: str | None
    proficiency: float
    section_after: str = ""  # 改革后科室 as written; "" unchanged

    @property
    def target(self) -> str:
        """The section the person is in after the planned reform."""
        return self.section_after or self.section


@dataclass
class Roster:
    table: Table
    people: list[Person]
    plan: list = field(default_factory=list)  # Merge and Move steps from 改革后科室 (``plan_reform``)

    @property
    def has_after(self) -> bool:
        """Whether any row fills 改革后科室: then the scenario gets a structure ``after``."""
        return any(p.section_after for p in self.people)

    def bodies(self) -> list[str]:
        return list(dict.fromkeys(p.body for p in self.people))

    def sections(self, body: str) -> list[str]:
        return list(dict.fromkeys(p.section for p in self.people if p.body == body and p.section))


def _split(text: str) -> list[str]:
    return list(dict.fromkeys(x.strip() for x in SEPARATORS.split(text) if x.strip()))


def _is_leadership(section: str) -> bool:
    return not section or section.lower() in LEADERSHIP or section.endswith("领导")


def post_of(title: str, section: str) -> str | None:
    """The model's post for a 职务 (or an English id), or None if the title is unknown."""
    t = BRACKETS.sub("", title).replace(" ", "")
    t = re.sub(r"^[一二三四五六七八九十]级", "", t)  # rank grades: 一级主任科员 -> 主任科员
    english = t.lower().replace("-", "_")
    if english in POSTS:
        return english
    if t in SECTION_TITLES and not _is_leadership(section):
        return SECTION_TITLES[t]
    return POST_TITLES.get(t)


def _proficiency(v) -> float:
    """0-1, or a percentage (80%, or a cell formatted as a percentage, which reads as 0.8)."""
    text = _cell_text(v)
    if not text:
        return 1.0
    pct = text.endswith(("%", "％"))
    try:
        x = float(text.rstrip("%％").strip()) / (100 if pct else 1)
    except ValueError:
        raise ValueError(f"expected a number in (0, 1] or a percentage such as 80%, got {short(text)}") from None
    if not 0 < x <= 1:
        raise ValueError(f"proficiency out of range: must be in (0, 1] or a percentage in (0%, 100%], got {short(text)}")
    return x


def read_roster(path, body_name: str = "unit") -> Roster:
    """The roster's people, checked row by row and as a whole: ``RosterErrors`` lists every bad row.
    ``body_name`` names the one body of a roster without a 单位 column."""
    table = read_table(path)
    col = table.headers
    errors: list[InputError] = []

    def bad(n, key, reason):
        errors.append(InputError(table.file, f"row {n}, column {col.get(key, key)}", reason))

    people, ids, named = [], {}, {}  # named: body -> every section a row names, a bad row's too
    for n, cells in table.rows:
        text = {k: _cell_text(cells.get(k)) for k in col}
        body = text["body"] if "body" in col else body_name
        if not _is_leadership(text["section"]):
            named.setdefault(body, {})[text["section"]] = None
        if "body" in col and not body:
            bad(n, "body", "empty 单位/body: every row names its body")
            continue
        section, title = text["section"], text["post"]
        if not title:
            bad(n, "post", "empty post title (职务)")
            continue
        post = post_of(title, section)
        if post is None:
            bad(n, "post", f"unknown post title {short(title)} (known: {', '.join(POST_TITLES)}; or {', '.join(POSTS)})")
            continue
        leader = post in LEADER_POSTS
        if leader and not _is_leadership(section):
            bad(n, "section", f"a {title} leads the body, not a section: leave 科室 empty or write 局领导 "
                              f"(found {short(section)})")
            continue
        if not leader and _is_leadership(section):
            bad(n, "section", f"empty section: a {title} belongs to a section (科室)" if not section else
                f"{short(section)} is the leadership group: a {title} belongs to a section (科室)")
            continue
        pid = text.get("post_id") or text.get("name", "")
        if not pid:
            bad(n, "name", "no name (姓名) and no post id (岗位编号): the row names nobody")
            continue
        key = "post_id" if text.get("post_id") else "name"
        if pid in ids:
            bad(n, key, f"duplicate person id {short(pid)} (first on row {ids[pid]})"
                        + ("; two people of one name: give each a 岗位编号/post_id" if key == "name" else ""))
            continue
        ids[pid] = n
        charge = _split(text.get("in_charge_of", ""))
        if charge and post != "deputy_director":
            bad(n, "in_charge_of", f"分管科室 is for deputies (副局长/副主任); this row's post is {title} ({post})")
            continue
        est = text.get("establishment", "")
        establishment = None
        if est:
            word = est.removesuffix("编制") if est != "编外" else est
            establishment = ESTABLISHMENT_WORDS.get(word) or (word.lower() if word.lower() in ESTABLISHMENTS else None)
            if establishment is None:
                bad(n, "establishment", f"unknown 编制 {short(est)} (known: {', '.join(ESTABLISHMENT_WORDS)}; "
                                        f"or {', '.join(ESTABLISHMENTS)})")
                continue
        try:
            prof = _proficiency(cells.get("proficiency")) if "proficiency" in col else 1.0
        except ValueError as e:
            bad(n, "proficiency", str(e))
            continue
        after = text.get("section_after", "")
        if after and leader and not _is_leadership(after):
            bad(n, "section_after", f"a {title} leads the body, not a section: leave 改革后科室 empty "
                                    f"(the import changes no leader post; found {short(after)})")
            continue
        if after and not leader and _is_leadership(after):
            bad(n, "section_after", f"{short(after)} is the leadership group: a {title} belongs to a section "
                                    "after the reform too (leave 改革后科室 empty: unchanged)")
            continue
        people.append(Person(n, pid, text.get("name") or pid, post, title, body, "" if leader else section,
                             _split(text["functions"]), charge, establishment, prof, "" if leader else after))
    roster = Roster(table, people)
    _check_whole(roster, bad, {b: list(secs) for b, secs in named.items()})
    roster.plan = plan_reform(roster, bad)
    if errors:
        raise RosterErrors(sorted(errors, key=lambda e: int(re.match(r"row (\d+)", e.field).group(1))))
    return roster


def _check_whole(roster: Roster, bad, named: dict[str, list[str]]) -> None:
    """What a single row cannot show: one director and one head each, a function in one section of a body,
    every section with a function, and deputies in charge of sections that exist (``named``: body -> the
    sections rows name, a bad row's too), each of one deputy."""
    first: dict[tuple, Person] = {}
    for p in roster.people:
        if p.post in ("director", "head"):
            k = (p.post, p.body, p.section)
            if k in first:
                where = f"section {p.section!r}" if p.section else f"body {p.body!r}"
                bad(p.row, "post", f"{where} has a {p.post} already: {first[k].name} (row {first[k].row}); "
                                   f"one {p.post} each")
            else:
                first[k] = p
        if p.section:
            for f in p.functions:
                owner = first.setdefault(("function", p.body, f), p)
                if owner.section != p.section:
                    bad(p.row, "functions", f"function {f!r} is already a function of section {owner.section!r} "
                                            f"(row {owner.row}): a function belongs to one section of a body; "
                                            f"name them apart (e.g. {f}（{p.section}）)")
    for b in roster.bodies():
        members = [p for p in roster.people if p.body == b]
        for s in roster.sections(b):
            if not any(p.functions for p in members if p.section == s):
                row = next(p.row for p in members if p.section == s)
                bad(row, "functions", f"section {s!r} has no function: give at least one of its members a 职能")
        charged = {}
        for p in members:
            for s in p.in_charge_of:
                if s not in named.get(b, ()):
                    bad(p.row, "in_charge_of", f"deputy {p.name} is in charge of {s!r}, which is no section of "
                                               f"{b!r} (sections: {', '.join(named.get(b, ())) or 'none'})")
                elif s in charged:
                    bad(p.row, "in_charge_of", f"section {s!r} is in the charge of {charged[s].name} already "
                                               f"(row {charged[s].row}): one deputy each")
                else:
                    charged[s] = p


# ---- the planned reform (改革后科室) -----------------------------------------------------------------
@dataclass
class Merge:
    """``merge_sections``: whole sections of a body become one, ``name`` (an existing section's when
    ``existing``: the others join it, which comes first and keeps its id and head)."""
    body: str
    sections: list[str]
    name: str
    existing: bool
    rows: list[int]


@dataclass
class Move:
    """``move_functions``: people leave ``source`` for ``target`` (a new section when ``new``) with the
    functions only they do there; move_functions moves a function with the staff whose first 职能 it is."""
    body: str
    source: str
    functions: list[str]
    target: str
    new: bool
    rows: list[int]
    names: list[str]


def rows_text(rows: list[int]) -> str:
    """Spreadsheet rows as ranges: ``rows 9-10, 21``."""
    rows, spans = sorted(rows), []
    for r in rows:
        if spans and r == spans[-1][1] + 1:
            spans[-1][1] = r
        else:
            spans.append([r, r])
    text = ", ".join(f"{a}-{b}" if b > a else f"{a}" for a, b in spans)
    return f"row{'s' if len(rows) > 1 else ''} {text}"


def plan_reform(roster: Roster, bad) -> list:
    """The reforms that take each staff member from 科室 to 改革后科室 (empty: unchanged), body by body:
    sections whose people all go to one new name are merged (``Merge``), into an existing section if the
    name is one; people leaving a section that stays, or a section split several ways, move with the
    functions only they do (``Move``). What no reform expresses is a bad row (``bad``, column 改革后科室):
    a section only renamed, a head moving alone, a person whose first 职能 others keep, a name of a
    section whose own people all leave it."""
    plan_merges, plan_moves = [], []
    for b in roster.bodies():
        staff = [p for p in roster.people if p.body == b and p.section]
        sections = roster.sections(b)
        members = {s: [p for p in staff if p.section == s] for s in sections}
        targets = {s: list(dict.fromkeys(p.target for p in members[s])) for s in sections}
        whole = {s: ts[0] for s, ts in targets.items() if len(ts) == 1}  # section -> where all its people go
        kept = {s for s in sections if any(p.target == s for p in members[s])}  # sections some of whose people stay
        names = list(dict.fromkeys(p.target for p in staff))
        for t in names:
            if t in sections and t not in kept:
                gone = list(dict.fromkeys(p.target for p in members[t]))
                for p in staff:
                    if p.target == t and p.section != t:
                        bad(p.row, "section_after", f"{t!r} is a section whose own people all leave it (to "
                                                    f"{'、'.join(gone)}, {rows_text([q.row for q in members[t]])}): "
                                                    f"a section called {t!r} after the reform would be a new one; "
                                                    "give it another name")
                continue
            wholes = [s for s in sections if whole.get(s) == t and s != t]
            parts = [s for s in sections if len(targets[s]) > 1 and s != t and any(p.target == t for p in members[s])]
            if t not in sections and len(wholes) == 1:  # the people moving in from other sections are judged below
                s = wholes[0]
                bad(members[s][0].row, "section_after",
                    f"section {s!r} ({rows_text([p.row for p in members[s]])}) would only be renamed {t!r}: no reform "
                    "renames a section, and a name changes no figure; leave 改革后科室 empty for it, or give another "
                    "section the same new name to merge them")
            elif t in sections and wholes or len(wholes) >= 2:
                secs = ([t] if t in sections else []) + wholes
                plan_merges.append(Merge(b, secs, t, t in sections,
                                         [p.row for p in staff if p.target == t and p.section in secs]))
            for s in parts:
                movers = [p for p in members[s] if p.target == t]
                others = [p for p in members[s] if p.target != t]
                elsewhere = {f: q for q in reversed(others) for f in q.functions}
                ok = True
                for p in movers:
                    if p.post == "head":
                        ok = False
                        bad(p.row, "section_after", f"{p.name} heads {s!r} and would move to {t!r} without the section: "
                                                    "no reform moves a section's head alone (merge_sections moves whole "
                                                    f"sections); write {t!r} on every row of {s!r} "
                                                    f"({rows_text([q.row for q in members[s]])}) to merge it, or leave "
                                                    "this row empty")
                    elif not p.functions:
                        ok = False
                        bad(p.row, "section_after", f"{p.name} has no 职能 and would move to {t!r} alone: a person moves "
                                                    "to another section with their functions (move_functions); give "
                                                    "them a 职能, or leave this row empty")
                    elif p.functions[0] in elsewhere:
                        ok = False
                        q = elsewhere[p.functions[0]]
                        qwhere = f"stays in {s!r}" if q.target == s else f"goes to {q.target!r}"
                        bad(p.row, "section_after", f"{p.name}'s first 职能 {p.functions[0]!r} is also done by {q.name} "
                                                    f"(row {q.row}), who {qwhere}: a person moves to another section "
                                                    "with the functions only they do, first 职能 first (move_functions); "
                                                    f"list another 职能 first, or move {q.name} too")
                if ok:
                    funcs = list(dict.fromkeys(f for p in movers for f in p.functions if f not in elsewhere))
                    plan_moves.append(Move(b, s, funcs, t, t not in sections, [p.row for p in movers],
                                           [p.name for p in movers]))
    return plan_merges + plan_moves  # merges first: a move may go into a merged section


# ---- writing the scenario ----------------------------------------------------------------------
def _q(text) -> str:
    """A YAML scalar for free text (names, functions): JSON's double quotes are valid YAML."""
    return json.dumps(text, ensure_ascii=False)


def _reference_block(key: str) -> str:
    """The lines of a top-level key of the reference scenario, its comments (the sources) included."""
    lines = REFERENCE.read_text(encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(f"{key}:"))
    end = next((i for i in range(start + 1, len(lines)) if lines[i][:1].isalpha()), len(lines))
    while lines[end - 1].startswith("#") or not lines[end - 1].strip():  # the next key's own comment
        end -= 1
    return "\n".join(lines[start:end])


def _ids(prefix: str, items: list) -> dict:
    width = max(2, len(str(len(items))))
    return {x: f"{prefix}{i:0{width}d}" for i, x in enumerate(items, 1)}


def plan_ids(roster: Roster, sec_ids: dict) -> dict:
    """(body, section name) -> its id after the reform: a section's own id when it stays or others join
    it, the merged sections' ids joined (``s03_s04``) for a new merged one, ``n01``... for one made of
    people moving in (numbered in plan order). Stable: the same roster gives the same ids."""
    out = {(b, s): sid for (b, s), sid in sec_ids.items()}
    for step in roster.plan:
        if isinstance(step, Merge) and not step.existing:
            out[(step.body, step.name)] = "_".join(sec_ids[(step.body, s)] for s in step.sections)
    new = [(m.body, m.target) for m in roster.plan if isinstance(m, Move) and (m.body, m.target) not in out]
    out.update(_ids("n", list(dict.fromkeys(new))))
    return out


def _kind_note(name: str, first_kind: str) -> str:
    """``kind: general`` for a new section named an office (办公室), as the import assumes for ``before``."""
    kind = "general" if name.endswith("办公室") else "business"
    return f", kind: {kind}" if kind != first_kind else ""


def after_lines(roster: Roster, body_ids: dict, sec_ids: dict) -> list[str]:
    """Structure ``after``: ``before`` and the reforms of ``roster.plan``, each commented with its rows."""
    ids = plan_ids(roster, sec_ids)
    kinds = {(b, s): "general" if s.endswith("办公室") else "business" for b, s in sec_ids}
    out = ["  after:",
           "    display_name: {zh: 改革后, en: after}  # from the roster's 改革后科室 (empty: unchanged)",
           "    from: before"]
    if not roster.plan:
        return out + ["    reforms: []  # 改革后科室 names every person's own section: nothing changes"]
    out.append("    reforms:")
    made = set()
    for step in roster.plan:
        b = step.body
        if isinstance(step, Merge):
            secs = [sec_ids[(b, s)] for s in step.sections]
            parts = " + ".join(f"{s} ({sec_ids[(b, s)]})" for s in step.sections)
            how = (f"{' + '.join(f'{s} ({sec_ids[(b, s)]})' for s in step.sections[1:])} into {step.name} ({secs[0]})"
                   if step.existing else
                   f"{parts} -> {step.name}")
            kind = "" if step.existing else _kind_note(step.name, kinds[(b, step.sections[0])])
            made.add(ids[(b, step.name)])
            out += [f"      # {rows_text(step.rows)} (改革后科室): {how}",
                    f"      - merge_sections: {{sections: [{', '.join(secs)}], into: {ids[(b, step.name)]}, "
                    f"name: {_q(step.name)}{kind}}}"]
        else:
            to = ids[(b, step.target)]
            body = f", body: {body_ids[b]}" if len(body_ids) > 1 else ""  # a function may be one of several bodies'
            new = ""
            if step.new and to not in made:
                made.add(to)
                new = f", new_section: {{name: {_q(step.target)}{_kind_note(step.target, 'business')}}}"
            out += [f"      # {rows_text(step.rows)} (改革后科室): {'、'.join(step.names)} from {step.source} "
                    f"({sec_ids[(b, step.source)]}) to {step.target}{' (new)' if new else ''}, with the functions only "
                    f"they do there",
                    f"      - move_functions: {{functions: [{', '.join(map(_q, step.functions))}], to: {to}{body}{new}}}"]
    return out


def scenario_text(roster: Roster, name: str) -> str:
    """The commented scenario YAML of a roster (structure ``before``, placeholder workload)."""
    t, people = roster.table, roster.people
    bodies = roster.bodies()
    body_ids = _ids("b", bodies)
    sections = [(b, s) for b in bodies for s in roster.sections(b)]
    sec_ids = _ids("s", sections)
    staff = [p for p in people if p.post not in LEADER_POSTS]
    staff_ids = _ids("p", [p.id for p in staff])
    leaders = [p for p in people if p.post in LEADER_POSTS]
    leader_ids, lead, deputies = {}, {b: {} for b in bodies}, dict.fromkeys(bodies, 0)
    for p in leaders:
        prefix = f"{body_ids[p.body]}_" if len(bodies) > 1 else ""
        if p.post == "director":
            leader_ids[p.id] = f"{prefix}director"
        else:
            deputies[p.body] += 1
            leader_ids[p.id] = f"{prefix}deputy{deputies[p.body]}"
        lead[p.body].setdefault(p.post, leader_ids[p.id])
    sheet = f" (sheet {t.sheet})" if t.sheet else f" ({t.encoding})" if t.encoding else ""
    rows = t.span()
    ignored = f"; columns not read: {', '.join(t.ignored)}" if t.ignored else ""
    out = [
        f"# Imported by `python -m sim import` from {Path(t.file).name}{sheet}, header on row {t.header_row}, {rows}:",
        f"# {_count(len(people), 'person', 'people')}, {_count(len(leaders), 'leader')} and {len(staff)} in "
        f"{_count(len(sections), 'section')}{ignored}.",
        "# Ids are stable ids in roster order (b01 bodies, s01 sections, p01 staff), the roster's names in name:",
        "# (no pinyin library is installed). Functions are the roster's 职能 as written; skills are each person's 职能",
        "# at their 熟练度 (1.0, a specialist, where the roster gives none). Leaders' 职能 are not used: leaders sign.",
        *(["# Structure 'before' is the unit as the roster has it; structure 'after' the planned reform, from the",
           "# roster's 改革后科室 (each reform with the rows it comes from)."] if roster.has_after else
          ["# Structure 'before' is the unit as the roster has it; add a reformed one with `from: before` and reforms:",
           "# (see sim/scenarios/finance_bureau.yaml, structure merged), or fill the roster's 改革后科室 and import again."]),
        "# The WORKLOAD IS A PLACEHOLDER (lines marked TODO): no figure a run gives means anything until the rates and",
        "# hours come from the unit's own records. Calendar, horizon and params are copied from",
        "# sim/scenarios/finance_bureau.yaml with the sources it gives.",
        f"name: {_q(name)}",
        f"description: {_q(f'{len(people)} people in {len(sections)} sections of ' + '、'.join(bodies) + ', imported from a roster')}",
        _reference_block("calendar"),
        _reference_block("horizon_days"),
        _reference_block("warmup_days"),
        "",
        "structures:",
        f"  {STRUCTURE}:",
        "    display_name: {zh: 改革前, en: before}  # its name in reports and tables (--lang zh|en)",
        "    leaders:",
    ]
    if not leaders:
        out[-1] = "    leaders: []  # the roster names no 局长 or 副局长"
    for p in leaders:
        est = f", establishment: {p.establishment}" if p.establishment else ""
        out.append(f"      - {{id: {leader_ids[p.id]}, name: {_q(p.name)}{est}}}  # {p.title}, row {p.row}")
    out.append("    bodies:")
    for b in bodies:
        out += [f"      - id: {body_ids[b]}", f"        name: {_q(b)}"]
        if lead[b]:
            levels = ", ".join(f"{lv}: {lid}" for lv, lid in lead[b].items())
            note = "  # deputy_director: the first deputy listed; approvals go to the deputy in charge (分管)" \
                if "deputy_director" in lead[b] else ""
            out.append(f"        leaders: {{{levels}}}{note}")
        charges = [p for p in leaders if p.body == b and p.in_charge_of]
        if charges:
            out.append("        in_charge:  # 分管, from the roster's 分管科室")
            for p in charges:
                secs = [sec_ids[(b, s)] for s in p.in_charge_of]
                out.append(f"          {leader_ids[p.id]}: [{', '.join(secs)}]  # {'、'.join(p.in_charge_of)}")
        out.append("        sections:")
        for s in roster.sections(b):
            members = [p for p in staff if p.body == b and p.section == s]
            functions = list(dict.fromkeys(f for p in members for f in p.functions))
            out += [f"          - id: {sec_ids[(b, s)]}", f"            name: {_q(s)}"]
            if s.endswith("办公室"):
                out.append("            kind: general  # assumption from the name (an office, 办公室); business otherwise")
            out += [f"            functions: [{', '.join(map(_q, functions))}]", "            staff:"]
            for p in members:
                skills = ", ".join(f"{_q(f)}: {round(p.proficiency, 4)!r}" for f in p.functions)
                est = f", establishment: {p.establishment}" if p.establishment else ""
                out.append(f"              - {{id: {staff_ids[p.id]}, name: {_q(p.name)}, post: {p.post}, "
                           f"skills: {{{skills}}}{est}}}  # {p.title}, row {p.row}")
    if roster.has_after:
        out += after_lines(roster, body_ids, sec_ids)
    out += ["", "workload:", "  load_factor: 1.0      # the rates below as written; sweeps scale the whole workload with it",
            "  # PLACEHOLDER: one routine workflow per section, on its first function, so that the scenario runs.",
            "  # Replace them with the unit's real matters (事项): how many arrive a working day, the hours of work",
            "  # each step takes, the sections a matter passes through and its sign-offs",
            "  # ({approve: section_head}, {approve: deputy_director}, {approve: director}).",
            f"  # Placeholder rates (assumption): the people able to do a section's first function about "
            f"{PLACEHOLDER_UTILISATION:.0%} busy with it,",
            f"  # at {PLACEHOLDER_HOURS:g} hours a matter.",
            "  workflows:"]
    hours_per_day = parse_yaml(_reference_block("calendar"))["calendar"]["hours_per_day"]
    for b in bodies:
        for s in roster.sections(b):
            members = [p for p in staff if p.body == b and p.section == s]
            first = next(f for p in members for f in p.functions)
            able = sum(first in p.functions for p in members)
            rate = round(PLACEHOLDER_UTILISATION * able * hours_per_day / PLACEHOLDER_HOURS, 2)
            others = list(dict.fromkeys(f for p in members for f in p.functions if f != first))
            more = f"  # no workflow yet for {'、'.join(others)}" if others else ""
            out += [f"    - id: {sec_ids[(b, s)]}_routine", f"      name: {_q(s + ' 日常业务')}{more}",
                    f"      body: {body_ids[b]}",
                    f"      rate_per_day: {rate:g}  {TODO} (matters a working day)",
                    "      steps:",
                    f"        - {{work: {_q(first)}, hours: {{dist: lognormal, mean: {PLACEHOLDER_HOURS!r}, cv: 0.6}}}}  "
                    f"{TODO} (hours a matter)"]
    out += ["", "# Copied from sim/scenarios/finance_bureau.yaml (a municipal finance bureau, seed 000): each value",
            "# states its source there; comments naming that bureau's workflows or deputies speak of it, not of this unit.",
            _reference_block("params"), ""]
    return "\n".join(out)


# ---- the command ---------------------------------------------------------------------------------
def _out_path(out, force: bool) -> Path:
    """``--out``: a .yaml/.yml file in a folder that exists, not overwritten without ``--force``."""
    if not str(out or "").strip():
        raise InputError("command line", "--out", "must name a .yaml file, got ''")
    path = Path(out)
    if path.suffix.lower() not in (".yaml", ".yml"):
        raise InputError("command line", "--out", f"must end in .yaml or .yml (a scenario file), got {short(str(out))}")
    if path.is_dir():
        raise InputError("command line", "--out", f"{path} is a folder; give a file name, e.g. {path / 'my_unit.yaml'}")
    if path.exists() and not force:
        raise InputError("command line", "--out", f"{path} exists: give --force to overwrite it")
    if not path.parent.is_dir():
        raise InputError("command line", "--out", f"the folder {path.parent} does not exist")
    return path


def _count(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else many or one + 's'}"


def _check_after(roster: Roster, after) -> None:
    """Every staff member in the section 改革后科室 names once the reforms ran: what the plan derived is
    checked against the model's reforms themselves, not against the plan's own reading of them."""
    staff = [p for p in roster.people if p.post not in LEADER_POSTS]
    ids = _ids("p", [p.id for p in staff])
    where = {(b.name, m.id): s.name for b in after.bodies for s in b.sections for m in s.staff}
    col = roster.table.headers["section_after"]
    errors = [InputError(roster.table.file, f"row {p.row}, column {col}",
                         f"the reforms made from 改革后科室 put {p.name} in {where.get((p.body, ids[p.id]), 'no section')!r}, "
                         f"not {p.target!r}: write this unit's after structure by hand (docs/quickstart_zh.md)")
              for p in staff if where.get((p.body, ids[p.id])) != p.target]
    if errors:
        raise RosterErrors(errors)


def import_roster(source, out, name: str | None = None, force: bool = False) -> str:
    """Read the roster ``source``, write its scenario to ``out`` and return what to tell the user.
    Nothing is written unless the roster is good and the scenario loads (``sim.load_scenario``)."""
    path = _out_path(out, force)
    name = name or path.stem
    roster = read_roster(source, body_name=name)
    text = scenario_text(roster, name)
    try:
        scenario = parse_scenario(parse_yaml(text, path), str(path))  # a bug here must not leave a file behind
    except InputError as e:
        step = re.match(r"structures\.after\.reforms\.(\d+)", e.field or "")
        if not step:
            raise
        rows = roster.plan[int(step.group(1))].rows  # a reform the plan made fails: say so on its rows
        raise RosterErrors([InputError(roster.table.file, f"row {rows[0]}, column {roster.table.headers['section_after']}",
                                       f"the reform made from {rows_text(rows)} fails: {e.reason}")]) from None
    if roster.has_after:
        _check_after(roster, scenario.structures["after"])
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as e:
        raise InputError("command line", "--out", f"cannot write {path}: {e.strerror or e}") from None
    st = scenario.structures[STRUCTURE]
    c = st.counts()
    t = roster.table
    lines = [f"read {t.file}{f' (sheet {t.sheet})' if t.sheet else ''}: {t.span()}, "
             f"{_count(len(roster.people), 'person', 'people')}: {_count(c['bodies'], 'body', 'bodies')}, "
             f"{_count(len(st.leaders), 'leader')}, {c['staff']} staff in {_count(c['sections'], 'section')} "
             f"({c['one_person_sections']} one-person)"]
    if roster.has_after:
        ca = scenario.structures["after"].counts()
        lines.append(f"after (column {t.headers['section_after']}): {_count(len(roster.plan), 'reform')} from "
                     f"{STRUCTURE!r}, {c['sections']} -> {_count(ca['sections'], 'section')} "
                     f"({c['one_person_sections']} -> {ca['one_person_sections']} one-person)")
        for step in roster.plan:
            if isinstance(step, Merge):
                lines.append(f"  merge_sections {' + '.join(step.sections)} -> {step.name}, {rows_text(step.rows)}")
            else:
                lines.append(f"  move_functions {'、'.join(step.names)}: {step.source} -> {step.target} with "
                             f"{'、'.join(step.functions)}, {rows_text(step.rows)}")
    structures = f"structures {STRUCTURE!r} and 'after'" if roster.has_after else f"structure {STRUCTURE!r}"
    lines.append(f"wrote {path}: {structures}, {len(scenario.workload.workflows)} placeholder workflows "
                 "(fill in the lines marked TODO before trusting any figure)")
    lines += [f"note: {w}" for w in st.warnings()]
    if roster.has_after:
        lines += [f"note: after: {w}" for w in scenario.structures["after"].warnings() if w not in st.warnings()]
    lines.append(f"next: python -m sim run {path} --days 20")
    return "\n".join(lines)
