"""Makes the roster templates and the filled example in docs/roster/ (``python -m sim import`` reads them).

    python docs/roster/make_templates.py [FOLDER]     # default: this file's folder

Why a script: the spreadsheets are reproducible and their headers, column notes and post titles
come from ``sim.roster`` (one declaration), so a template cannot drift from what the importer reads.
The .xlsx files are written byte for byte the same each time (fixed dates in the workbook and the zip).
"""
from __future__ import annotations

import csv
import datetime
import io
import re
import sys
import zipfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # the checkout's root: the project is not installed

import openpyxl  # noqa: E402
from openpyxl.styles import Font  # noqa: E402

from sim.roster import COLUMNS, ESTABLISHMENT_WORDS, POST_TITLES, SECTION_TITLES  # noqa: E402

FIXED = datetime.datetime(2026, 1, 1)  # the date stamped in the workbooks: a date that never changes
HERE = Path(__file__).resolve().parent
BODY = "示例县人力资源和社会保障局"  # a fictional county bureau; the names below are invented
# 科室, 姓名, 职务, 职能, 分管科室, 编制, 熟练度, 改革后科室 (单位 is BODY; 岗位编号 left empty: the name identifies).
# 改革后科室 plans the quick start's reform (docs/quickstart_zh.md): 就业股 + 劳动关系股 -> 就业和劳动关系股,
# 人事股 + the one-person 工资福利股 -> 人事工资股; empty: unchanged
EXAMPLE = [
    ("局领导", "王建国", "局长", "主持全面工作", "", "行政", "", ""),
    ("局领导", "李红", "副局长", "", "办公室、人事股、工资福利股", "行政", "", ""),
    ("局领导", "赵刚", "副局长", "", "就业股；劳动关系股；社会保险股", "行政", "", ""),
    ("办公室", "陈静", "主任", "公文处理、综合协调", "", "行政", "", ""),
    ("办公室", "刘洋", "科员", "公文处理、档案管理", "", "行政", "", ""),
    ("办公室", "周强", "办事员", "后勤保障", "", "工勤", "", ""),
    ("人事股", "孙丽", "股长", "职称评审、人事调配", "", "行政", "", "人事工资股"),
    ("人事股", "吴磊", "科员", "职称评审", "", "事业", "80%", "人事工资股"),
    ("就业股", "郑洁", "股长", "就业服务，创业补贴", "", "行政", "", "就业和劳动关系股"),
    ("就业股", "冯涛", "副股长", "就业服务", "", "事业", "", "就业和劳动关系股"),
    ("就业股", "何敏", "科员", "创业补贴", "", "事业", 0.9, "就业和劳动关系股"),
    ("就业股", "马超", "科员", "就业服务", "", "编外", "60%", "就业和劳动关系股"),
    ("劳动关系股", "许文", "股长", "劳动监察、劳动仲裁", "", "行政", "", "就业和劳动关系股"),
    ("劳动关系股", "邓飞", "科员", "劳动监察", "", "行政", "", "就业和劳动关系股"),
    ("劳动关系股", "曹阳", "调研员", "劳动仲裁", "", "行政", "", "就业和劳动关系股"),
    ("社会保险股", "彭芳", "股长", "养老保险、工伤保险", "", "行政", "", ""),
    ("社会保险股", "蒋华", "科员", "养老保险", "", "事业", "", ""),
    ("社会保险股", "韩梅", "科员", "工伤保险; 失业保险", "", "事业", "", ""),
    ("社会保险股", "唐亮", "科员", "养老保险", "", "编外", "70%", ""),
    ("工资福利股", "宋洁", "股长", "工资审批、退休审批", "", "行政", "", "人事工资股"),  # a one-person section (一人科)
]
ENGLISH_POSTS = {"局长": "director", "副局长": "deputy_director", "主任": "head", "股长": "head", "副股长": "deputy",
                 "科员": "staff", "办事员": "staff", "调研员": "commissioner"}


def header(lang: str) -> list[str]:
    return [getattr(c, lang) for c in COLUMNS]


def example_rows(lang: str = "zh") -> list[list]:
    """The example's rows in the order of ``header(lang)``; in English the posts and 编制 are English ids."""
    out = []
    for section, name, post, functions, charge, est, prof, after in EXAMPLE:
        if lang == "en":
            post, est, section = ENGLISH_POSTS[post], ESTABLISHMENT_WORDS[est], "leadership" if section == "局领导" else section
        cells = {"body": BODY, "section": section, "name": name, "post_id": "", "post": post, "functions": functions,
                 "in_charge_of": charge, "establishment": est, "proficiency": prof, "section_after": after}
        out.append([cells[c.key] for c in COLUMNS])
    return out


def notes(lang: str) -> list[list]:
    """The notes sheet: what each column means, and the post titles the importer knows."""
    zh = lang == "zh"
    rows = [["列", "必填", "说明"] if zh else ["column", "required", "meaning"]]
    for c in COLUMNS:
        required = c.required or c.key == "name"
        rows.append([getattr(c, lang), ("是" if zh else "yes") if required else ("否" if zh else "no"),
                     c.help_zh if zh else c.help_en])
    rows += [[], ["职务" if zh else "post title (职务)", "对应" if zh else "becomes", ""]]
    rows += [[title, post, "在科室内：" + SECTION_TITLES[title] if zh and title in SECTION_TITLES else
              f"in a section: {SECTION_TITLES[title]}" if title in SECTION_TITLES else ""]
             for title, post in POST_TITLES.items()]
    return rows


def _fixed_zip(path: Path) -> None:
    """Rewrite the .xlsx (a zip) with one fixed date on every entry and as its last-modified date (openpyxl
    stamps the time of saving): the same bytes each time."""
    with zipfile.ZipFile(path) as z:
        entries = [(i.filename, z.read(i)) for i in z.infolist()]
    stamp = FIXED.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    entries = [(n, re.sub(rb"(<dcterms:modified[^>]*>)[^<]*", rb"\g<1>" + stamp, d) if n == "docProps/core.xml" else d)
               for n, d in entries]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in entries:
            z.writestr(zipfile.ZipInfo(name, date_time=FIXED.timetuple()[:6]), data, compress_type=zipfile.ZIP_DEFLATED)


def write_xlsx(path, head, rows, lang="zh", merge=False) -> None:
    """A roster workbook: the roster on the first sheet (bold header), the notes on the second. ``merge``
    merges the 单位 and 科室 cells of consecutive rows, as real 名册 do (the importer fills them in)."""
    wb = openpyxl.Workbook()
    wb.properties.created = wb.properties.modified = FIXED
    ws = wb.active
    ws.title = "花名册" if lang == "zh" else "roster"
    ws.append(head)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for r in rows:
        ws.append(r)
    for j, width in enumerate((28, 12, 8, 10, 8, 24, 30, 8, 8, 18)):
        ws.column_dimensions[openpyxl.utils.get_column_letter(j + 1)].width = width
    if merge:
        for j in (0, 1):  # 单位, 科室
            start = 0
            for i in range(1, len(rows) + 1):
                if i == len(rows) or rows[i][j] != rows[start][j]:
                    if i - start > 1:
                        ws.merge_cells(start_row=start + 2, start_column=j + 1, end_row=i + 1, end_column=j + 1)
                    start = i
    ns = wb.create_sheet("说明" if lang == "zh" else "notes")
    for r in notes(lang):
        ns.append(r)
    ns.column_dimensions["A"].width, ns.column_dimensions["C"].width = 14, 60
    wb.save(path)
    _fixed_zip(Path(path))


def csv_text(head, rows) -> str:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows([head, *rows])
    return buf.getvalue()


def write_csv(path, head, rows) -> None:
    """UTF-8 with a byte-order mark, so that Excel on a Chinese Windows opens it without garbling."""
    Path(path).write_text(csv_text(head, rows), encoding="utf-8-sig")


def main(folder=HERE) -> list[Path]:
    folder = Path(folder)
    written = []
    for lang in ("zh", "en"):
        for ext, write in (("xlsx", lambda p, h, r, lang=lang: write_xlsx(p, h, r, lang)), ("csv", write_csv)):
            written.append(folder / f"roster_template_{lang}.{ext}")
            write(written[-1], header(lang), [])
    written.append(folder / "example_roster_zh.xlsx")
    write_xlsx(written[-1], header("zh"), example_rows("zh"), "zh", merge=True)
    return written


if __name__ == "__main__":
    for p in main(sys.argv[1] if len(sys.argv) > 1 else HERE):
        print(p)
