"""The standard event log ``run --out`` writes (sim/eventlog.py): CSV by the process-mining column
conventions, and XES checked against the IEEE 1849-2016 schema stored in tests/data.

No XSD library is installed (lxml and xmlschema are not in the environment), so ``xsd_check`` reads
the stored schema and applies the rules it states with the constructs it uses (content models of
sequences, choices and group references, extensions, required attributes, the simple types); it is
shown to reject broken documents, so a pass means something."""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pandas as pd
import pytest

from sim.__main__ import main
from sim.scenario import load_scenario

XSD = Path(__file__).parent / "data" / "xes-ieee-1849-2016.xsd"
XS = "{http://www.w3.org/2001/XMLSchema}"
ARGS = ["run", "finance_bureau", "--seed", "2", "--days", "30"]  # approvals by leaders, hand-outs, absences


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    """Two runs with the same seed, from a working folder of their own (to see nothing lands there)."""
    root = tmp_path_factory.mktemp("eventlog")
    (root / "cwd").mkdir()
    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(root / "cwd")
        for out in ("a", "b"):
            assert main([*ARGS, "--out", str(root / out)]) == 0
    return root


@pytest.fixture(scope="module")
def log(written):
    return {s: pd.read_csv(written / "a" / s / "eventlog.csv", dtype=str, keep_default_na=False)
            for s in load_scenario("finance_bureau").structure_names}


def test_nothing_written_outside_out(written):
    assert sorted(p.name for p in written.iterdir()) == ["a", "b", "cwd"]
    assert not any((written / "cwd").iterdir())


def test_same_seed_same_files(written):
    for f in sorted((written / "a").rglob("eventlog.*")):
        assert f.read_bytes() == (written / "b" / f.relative_to(written / "a")).read_bytes(), f


def test_columns_and_timestamps(log):
    for df in log.values():
        assert list(df.columns[:8]) == ["case:concept:name", "concept:name", "org:resource", "org:group",
                                         "time:timestamp", "lifecycle:transition", "case:workflow", "case:structure"]
        ts = pd.to_datetime(df["time:timestamp"], format="ISO8601")
        assert str(ts.dt.tz) == "UTC+08:00"
        assert ts.min() >= pd.Timestamp("2025-01-06 09:00", tz="Asia/Shanghai")
        assert (ts.dt.weekday < 5).all()  # working days only
        assert set(df["lifecycle:transition"]) <= {"start", "complete", "suspend", "resume", "ate_abort"}
        assert (df["case:concept:name"].str.fullmatch(r"\d+")).all()


def test_cases_arrive_once_complete_at_most_once_in_time_order(log):
    for df in log.values():
        ts = pd.to_datetime(df["time:timestamp"], format="ISO8601")
        per = df.groupby("case:concept:name", sort=False)["concept:name"]
        assert (per.apply(lambda a: (a == "case arrival").sum()) == 1).all()
        assert (per.apply(lambda a: (a == "case completed").sum()) <= 1).all()
        assert (per.first() == "case arrival").all()
        assert ts.groupby(df["case:concept:name"], sort=False).apply(lambda t: t.is_monotonic_increasing).all()
        assert df["case:concept:name"].astype(int).is_monotonic_increasing  # one block per case, in arrival order


def test_instances_start_then_suspend_resume_pairs_then_end(log):
    """Each activity instance: start, (suspend, resume)*, then complete (or, in a finished case, a
    hand-out dropped because every head was away: ate_abort); an open case's last one may be suspended."""
    for df in log.values():
        work = df[df["concept:instance"] != ""]
        done = set(df.loc[df["concept:name"] == "case completed", "case:concept:name"])
        seen = {"suspend": 0, "abort": 0}
        for (case, _), g in work.groupby(["case:concept:name", "concept:instance"], sort=False):
            seq = " ".join(g["lifecycle:transition"])
            ts = pd.to_datetime(g["time:timestamp"], format="ISO8601")
            assert ts.is_monotonic_increasing
            assert g["concept:name"].nunique() == 1 and g["case:concept:name"].nunique() == 1
            end = "(complete|ate_abort)" if case in done else "(complete|suspend)"
            assert re.fullmatch(rf"start( suspend resume)* {end}", seq), seq
            if "ate_abort" in seq:
                assert (g["concept:name"] == "dispatch").all()
                seen["abort"] += 1
            seen["suspend"] += seq.count("suspend")
            for t in ("suspend", "ate_abort"):
                assert (g.loc[g["lifecycle:transition"] == t, "interruption"].isin(["absence", "management"])).all()
        assert seen["suspend"] > 0
    reasons = set(pd.concat(log.values())["interruption"])
    assert {"absence", "management"} <= reasons  # both kinds of interruption occur in this run


def test_leaders_sign_offs_are_events(written, log):
    """budget_review needs the director's approval: each finished case has it, signed by a leader."""
    leaders = set(pd.read_csv(written / "a" / "merged" / "leaders.csv")["leader"])
    for df in log.values():
        signed = df[(df["concept:name"] == "approve:director") & (df["lifecycle:transition"] == "complete")]
        assert len(signed) > 0 and set(signed["org:resource"]) <= leaders and (signed["org:role"] == "director").all()
        done = df.loc[(df["concept:name"] == "case completed") & (df["case:workflow"] == "budget_review"),
                      "case:concept:name"]
        assert set(done) <= set(signed["case:concept:name"])


def test_csv_agrees_with_the_ledgers(written, log):
    """Every piece of work of the events ledger ends once in the log; every sign-off starts and completes."""
    for s, df in log.items():
        folder = written / "a" / s
        events, signoffs = pd.read_csv(folder / "events.csv"), pd.read_csv(folder / "signoffs.csv")
        ends = df["lifecycle:transition"].isin(["complete", "suspend", "ate_abort"]) & (df["concept:instance"] != "")
        assert ends.sum() == len(events) + len(signoffs)
        assert (df["lifecycle:transition"] == "suspend").sum() + (df["lifecycle:transition"] == "ate_abort").sum() \
            == len(pd.read_csv(folder / "interruptions.csv").merge(events, left_on=["case", "resource", "at"],
                                                                    right_on=["case", "resource", "end"]))
        tasks, open_ = pd.read_csv(folder / "tasks.csv"), pd.read_csv(folder / "unfinished.csv")
        assert (df["concept:name"] == "case arrival").sum() == len(tasks) + len(open_)


# ---------------------------------------------------------------- XES against the schema

_TYPES = {  # the XML Schema simple types the XES schema uses, as patterns (XML Schema part 2)
    "xs:string": r"(?s).*", "xs:token": r"\S+( \S+)*|", "xs:anyURI": r"\S*",
    "xs:NCName": r"[A-Za-z_][\w.\-]*", "xs:Name": r"[A-Za-z_:][\w.\-:]*",
    "xs:decimal": r"[+-]?(\d+(\.\d*)?|\.\d+)", "xs:long": r"[+-]?\d{1,19}", "xs:boolean": r"true|false|1|0",
    "xs:double": r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?|INF|-INF|NaN",
    "xs:dateTime": r"-?\d{4,}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])T([01]\d|2[0-3]):[0-5]\d:[0-5]\d(\.\d+)?"
                   r"(Z|[+-](0\d|1[0-3]):[0-5]\d|[+-]14:00)?",
}


class Schema:
    """The stored XSD's complex types, each as (attributes {name: (type, required)}, content: a list of
    slots, each ({element name: type}, minOccurs, maxOccurs or None for unbounded))."""

    def __init__(self, path):
        root = ET.parse(path).getroot()
        self.types = {t.get("name"): t for t in root.iter(XS + "complexType")}
        self.groups = {g.get("name"): g for g in root.iter(XS + "group") if g.get("name")}
        self.root = {e.get("name"): e.get("type") for e in root.findall(XS + "element")}
        self.cache = {}

    def type(self, name):
        if name not in self.cache:
            self.cache[name] = self._compile(self.types[name])
        return self.cache[name]

    def _compile(self, node):
        attrs, slots = {}, []
        for child in node:
            tag = child.tag.replace(XS, "")
            if tag == "complexContent":
                ext = child.find(XS + "extension")
                base_attrs, base_slots = self.type(ext.get("base"))
                own_attrs, own_slots = self._compile(ext)
                attrs.update(base_attrs, **own_attrs)
                slots += base_slots + own_slots
            elif tag == "attribute":
                attrs[child.get("name")] = (child.get("type"), child.get("use") == "required")
            else:
                slots += self._particles(child)
        return attrs, slots

    def _particles(self, node):
        tag = node.tag.replace(XS, "")
        lo, hi = int(node.get("minOccurs", 1)), node.get("maxOccurs", "1")
        hi = None if hi == "unbounded" else int(hi)
        if tag == "element":
            return [({node.get("name"): node.get("type")}, lo, hi)]
        if tag == "group":
            return [p for c in self.groups[node.get("ref")] for p in self._particles(c)]
        if tag == "sequence":
            return [p for c in node for p in self._particles(c)]
        if tag == "choice":  # a choice of single elements, repeated: one slot
            names = {}
            for c in node:
                names.update(self._particles(c)[0][0])
            return [(names, lo, hi)]
        return []

    def check(self, elem, type_name, path="log"):
        """Raise AssertionError at the first rule ``elem`` breaks."""
        attrs, slots = self.type(type_name)
        assert "}" not in elem.tag, f"{path}: the schema has no target namespace, got {elem.tag}"
        for name, value in elem.attrib.items():
            assert name in attrs, f"{path}: attribute {name} not in the schema"
            assert re.fullmatch(_TYPES[attrs[name][0]], value), f"{path}/@{name}: {value!r} is not {attrs[name][0]}"
        for name, (_, required) in attrs.items():
            assert not required or name in elem.attrib, f"{path}: required attribute {name} missing"
        i, count = 0, 0
        for k, child in enumerate(elem):
            while i < len(slots) and child.tag not in slots[i][0]:
                assert count >= slots[i][1], f"{path}: too few {sorted(slots[i][0])}"
                i, count = i + 1, 0
            assert i < len(slots), f"{path}: <{child.tag}> not allowed here"
            count += 1
            assert slots[i][2] is None or count <= slots[i][2], f"{path}: too many <{child.tag}>"
            self.check(child, slots[i][0][child.tag], f"{path}/{child.tag}[{k}]")
        for names, lo, _ in slots[i + 1:] if elem else slots:
            assert lo == 0, f"{path}: missing {sorted(names)}"

    def validate(self, text):
        doc = ET.fromstring(text)
        assert doc.tag in self.root, f"root <{doc.tag}> is not a global element of the schema"
        self.check(doc, self.root[doc.tag], doc.tag)


@pytest.fixture(scope="module")
def schema():
    return Schema(XSD)


@pytest.mark.parametrize("broken", [
    '<log><trace/></log>',  # xes.version missing
    '<log xes.version="1849-2016"/>',  # not a decimal
    '<log xmlns="http://www.xes-standard.org/" xes.version="1.0"/>',  # the schema has no namespace
    '<log xes.version="1.0"><trace/><extension name="Time" prefix="time" uri="x"/></log>',  # out of order
    '<log xes.version="1.0"><trace><event><date key="time:timestamp" value="2025-01-06 09:00"/></event></trace></log>',
    '<log xes.version="1.0"><trace><event><string value="x"/></event></trace></log>',  # no key
    '<log xes.version="1.0"><trace><event/><string key="a" value="x"/></trace></log>',  # trace attribute after events
    '<log xes.version="1.0"><classifier name="two words" keys="a"/></log>',  # not an NCName
])
def test_the_schema_check_rejects(schema, broken):
    with pytest.raises(AssertionError):
        schema.validate(broken)


def test_xes_is_valid_by_the_schema(schema, written):
    for f in sorted((written / "a").rglob("eventlog.xes")):
        schema.validate(f.read_bytes())


def test_xes_carries_the_csv(written, log):
    """Extensions declared for every prefix used; every trace and event has the global attributes; one
    trace per case with its events as in the CSV (same order, same values)."""
    for s, df in log.items():
        doc = ET.parse(written / "a" / s / "eventlog.xes").getroot()
        prefixes = {e.get("prefix") for e in doc.findall("extension")}
        assert prefixes == {"concept", "time", "org", "lifecycle"}
        keys = {e.get("key") for e in doc.iter() if e.get("key")}
        assert {k.split(":")[0] for k in keys if ":" in k} <= prefixes
        globals_ = {g.get("scope"): {a.get("key") for a in g} for g in doc.findall("global")}
        traces = doc.findall("trace")
        assert [t.find("string[@key='concept:name']").get("value") for t in traces] == \
            list(dict.fromkeys(df["case:concept:name"]))
        rows = []
        for t in traces:
            assert globals_["trace"] <= {a.get("key") for a in t if a.tag != "event"}
            for e in t.findall("event"):
                got = {a.get("key"): a.get("value") for a in e}
                assert globals_["event"] <= set(got)
                rows.append((got["concept:name"], got["lifecycle:transition"], got["time:timestamp"],
                             got.get("org:resource", "")))
        assert rows == list(df[["concept:name", "lifecycle:transition", "time:timestamp", "org:resource"]]
                            .itertuples(index=False, name=None))


# ---------------------------------------------------------------- --start-date

def test_start_date_moves_the_dates(tmp_path):
    assert main(["run", "finance_bureau", "--structure", "merged", "--days", "2", "--out", str(tmp_path),
                 "--start-date", "2024-12-30"]) == 0
    ts = pd.to_datetime(pd.read_csv(tmp_path / "merged" / "eventlog.csv")["time:timestamp"], format="ISO8601")
    assert ts.min() >= pd.Timestamp("2024-12-30 09:00", tz="Asia/Shanghai")
    assert ts.max() < pd.Timestamp("2025-01-01", tz="Asia/Shanghai")  # two working days: Monday and Tuesday


@pytest.mark.parametrize("value,reason", [
    ("2025-01-08", "is a Wednesday; give a Monday"), ("2025-02-30", "no such date"),
    ("06/01/2025", "expected a date as YYYY-MM-DD"), ("", "expected a date as YYYY-MM-DD"),
    ("2262-03-31", "run past March 2262"),
])
def test_bad_start_date_is_one_line_exit_2(tmp_path, capsys, value, reason):
    out = tmp_path / "out"
    try:
        code = main(["run", "finance_bureau", "--days", "2", "--out", str(out), "--start-date", value])
    except SystemExit as e:  # argparse's own check of the value
        code = e.code
    err = capsys.readouterr().err.strip()
    assert code == 2
    assert len(err.splitlines()) == 1 and "--start-date" in err and reason in err, err
    assert not out.exists()


def test_start_date_needs_out(capsys):
    assert main(["run", "--days", "2", "--start-date", "2025-01-06"]) == 2
    assert "--start-date" in capsys.readouterr().err
