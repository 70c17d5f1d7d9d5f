"""Bad input, table-driven: scenario files, reform arguments, overrides and ``python -m sim`` arguments.

Each case must end in exit code 2 and exactly one stderr line that names the file (or the command
line), the field and the reason, with no traceback and no file written. The CLI's ``main`` runs
in-process (the same code path as ``python -m sim``; one real subprocess per kind is in
tests/test_inputs.py) so a hundred cases take seconds.
"""
import copy
import math

import pytest
import yaml

import sim
from sim.__main__ import main
from scenario_edits import DELETE
from scenario_edits import mutate as edit

GOOD = """
horizon_days: 30
structures:
  a:
    leaders: [{id: L1}]
    bodies:
      - id: b
        leaders: {director: L1}
        sections:
          - {id: s1, functions: [f1], staff: [{id: p1, post: head, skills: {f1: 1.0}}, {id: p3, skills: {f1: 1.0}}]}
          - {id: s2, functions: [f2], staff: [{id: p2, skills: {f2: 1.0}}]}
      - id: c
        sections:
          - {id: s3, functions: [f3], staff: [{id: p4, skills: {f3: 1.0}}]}
    windows:
      - {id: w1, services: [b/f1]}
      - {id: w2, services: [b/f2]}
  b2:
    from: a
    reforms:
      - merge_sections: {sections: [s1, s2], into: s12}
workload:
  workflows:
    - id: w
      body: b
      rate_per_day: 2
      steps: [{work: f1, hours: 1}, {work: f2, hours: {dist: exponential, mean: 1}}, {approve: director}]
params:
  absence: {trip: {rate_per_year: 4, days: 2}}
"""


def mutate(path, value):
    return edit(GOOD, path, value)


def reform(item):
    return mutate("structures.b2.reforms", [item])


def rename_structure(name):
    raw = yaml.safe_load(GOOD)
    raw["structures"] = {name: raw["structures"]["a"]}
    return yaml.safe_dump(raw, allow_unicode=True, sort_keys=False)


def merge_bodies_into(into):
    """GOOD with a third body, whose b2 merges b and d into ``into``."""
    raw = yaml.safe_load(GOOD)
    raw["structures"]["a"]["bodies"].append({"id": "d", "sections": [{"id": "s4", "functions": ["f4"], "staff": [
        {"id": "p5", "skills": {"f4": 1.0}}]}]})
    raw["structures"]["b2"]["reforms"] = [{"merge_bodies": {"bodies": ["b", "d"], "into": into}}]
    return yaml.safe_dump(raw, allow_unicode=True, sort_keys=False)


BOMB = "a: &a [1,1,1,1,1,1,1,1,1,1]\n" + "".join(
    f"{n}: &{n} [{', '.join(['*' + p] * 10)}]\n" for p, n in zip("abcdefgh", "bcdefghi"))
WF = "workload.workflows.0"
SEC1 = "structures.a.bodies.0.sections.0"
R = "structures.b2.reforms.0"

# (id, file content (text or bytes), expected field fragment, expected reason fragment)
FILES = [
    # YAML traps
    ("duplicate-key", GOOD.replace("      rate_per_day: 2\n", "      rate_per_day: 2\n      rate_per_day: 3\n"), "line", "given twice"),
    ("duplicate-top-key", "horizon_days: 20\n" + GOOD, "line", "'horizon_days' given twice"),
    ("alias-bomb", BOMB, "line", "expand to more than"),
    ("recursive-alias", "a: &a [1, *a]\n", "line 1", "refers to itself"),
    ("full-width-colon", GOOD.replace("horizon_days: 30", "horizon_days：30"), "line 2", "full-width colon"),
    ("full-width-comma", GOOD.replace("[b/f1]", "[b/f1，b/f2]"), "line", "full-width comma"),
    ("binary", b"\x00\x01\x02PK\x03\x04" * 50, "<file>", "binary"),
    ("utf16", GOOD.encode("utf-16"), "<file>", "UTF-16"),
    ("gbk", ("description: 财政局\n" + GOOD).encode("gbk"), "line 1", "not UTF-8"),
    ("empty", "", "<file>", "empty"),
    ("only-comment", "# nothing here\n", "<file>", "empty"),
    ("not-mapping", "- 1\n- 2\n", "<root>", "expected a mapping"),
    ("not-yaml", "structures: [a, b\n  - c: {", "line", "not valid YAML"),
    ("tab-indent", "structures:\n\ta: 1\n", "line", "not valid YAML"),
    # numbers: NaN, infinities, absurd sizes, ranges
    ("rate-nan", mutate(f"{WF}.rate_per_day", math.nan), f"{WF}.rate_per_day", "expected a finite number"),
    ("rate-inf", mutate(f"{WF}.rate_per_day", math.inf), f"{WF}.rate_per_day", "expected a finite number"),
    ("rate-1e30", mutate(f"{WF}.rate_per_day", 1e30), f"{WF}.rate_per_day", "must be <="),
    ("rate-negative", mutate(f"{WF}.rate_per_day", -1), f"{WF}.rate_per_day", "must be >= 0"),
    ("rate-text", mutate(f"{WF}.rate_per_day", "two"), f"{WF}.rate_per_day", "expected a number"),
    ("too-many-tasks", mutate(f"{WF}.rate_per_day", 900_000).replace("horizon_days: 30", "horizon_days: 100"),
     "workload", "tasks over"),
    ("horizon-1e9", mutate("horizon_days", 1e9), "horizon_days", "must be <="),
    ("horizon-zero", mutate("horizon_days", 0), "horizon_days", "must be > 0"),
    ("horizon-fraction", mutate("horizon_days", 2.5), "horizon_days", "whole number"),
    ("warmup-too-long", mutate("warmup_days", 30), "warmup_days", "less than horizon_days"),
    ("load-negative", mutate("workload.load_factor", -1), "workload.load_factor", "must be >= 0"),
    ("load-nan", mutate("workload.load_factor", math.nan), "workload.load_factor", "expected a finite number"),
    ("load-huge", mutate("workload.load_factor", 1e6), "workload.load_factor", "must be <="),
    ("hours-inf", mutate(f"{WF}.steps.0.hours", math.inf), f"{WF}.steps.0.hours", "finite"),
    ("hours-negative", mutate(f"{WF}.steps.0.hours", -1), f"{WF}.steps.0.hours", "must be >= 0"),
    ("hours-bool", mutate(f"{WF}.steps.0.hours", True), f"{WF}.steps.0.hours", "boolean"),
    ("gamma-cv-tiny", mutate(f"{WF}.steps.0.hours", {"dist": "gamma", "mean": 1, "cv": 1e-200}), f"{WF}.steps.0.hours.cv", "must be >= 0.001"),
    ("lognormal-mean-zero", mutate(f"{WF}.steps.0.hours", {"dist": "lognormal", "mean": 0, "cv": 1}), f"{WF}.steps.0.hours.mean", "> 0"),
    ("exponential-mean-nan", mutate(f"{WF}.steps.1.hours.mean", math.nan), f"{WF}.steps.1.hours.mean", "finite"),
    ("uniform-reversed", mutate(f"{WF}.steps.0.hours", {"dist": "uniform", "low": 3, "high": 1}), f"{WF}.steps.0.hours.high", ">= low"),
    ("unknown-dist", mutate(f"{WF}.steps.1.hours.dist", "normalish"), f"{WF}.steps.1.hours.dist", "unknown distribution"),
    ("absence-rate-huge", mutate("params.absence.trip.rate_per_year", 1e9), "params.absence.trip.rate_per_year", "must be <="),
    ("absence-days-zero", mutate("params.absence.trip.days", 0), "params.absence.trip.days", "must be > 0"),
    ("absence-missing-days", mutate("params.absence.trip.days", DELETE), "params.absence.trip.days", "required"),
    ("absence-rule-start", mutate("params.absence_rule", {"start": "weekly"}), "params.absence_rule.start", "mid_day, whole_day"),
    ("absence-rule-hand", mutate("params.absence_rule", {"work_in_hand": "drop"}), "params.absence_rule.work_in_hand", "finish_first"),
    ("absence-more-than-a-year", edit(mutate("params.absence_rule", {"counts": "episodes_per_year"}),
                                      "params.absence.trip.rate_per_year", 200), "params.absence", "more than the year"),
    ("continuity-above-1", mutate("params.continuity", {"keep_next_step": 1.5}), "params.continuity.keep_next_step", "<= 1"),
    ("span-form-unknown", mutate("params.size_costs", {"span_form": "square"}), "params.size_costs.span_form", "graicunas"),
    ("span-cost-negative", mutate("params.size_costs", {"span_cost": -0.1}), "params.size_costs.span_cost", ">= 0"),
    ("internal-floor-above-1", mutate("params.internal_coordination", {"floor": 1.5}), "params.internal_coordination.floor",
     "<= 1"),
    ("internal-steps-fraction", mutate("params.internal_coordination", {"steps": 1.5}), "params.internal_coordination.steps",
     "whole number"),
    ("internal-unknown-key", mutate("params.internal_coordination", {"fade": 3}), "params.internal_coordination.fade",
     "unknown key"),
    ("skill-zero", mutate(f"{SEC1}.staff.0.skills.f1", 0), f"{SEC1}.staff.0.skills.f1", "must be > 0"),
    ("skill-ten", mutate(f"{SEC1}.staff.0.skills.f1", 10), f"{SEC1}.staff.0.skills.f1", "must be <= 5"),
    ("skill-nan", mutate(f"{SEC1}.staff.0.skills.f1", math.nan), f"{SEC1}.staff.0.skills.f1", "expected a finite number"),
    ("hours-per-day-30", mutate("calendar", {"hours_per_day": 30}), "calendar.hours_per_day", "must be <= 24"),
    ("days-per-week-zero", mutate("calendar", {"days_per_week": 0}), "calendar.days_per_week", "must be >= 1"),
    ("profile-length", mutate(f"{WF}.weekly_profile", [1, 1]), f"{WF}.weekly_profile", "one factor per working day"),
    ("profile-nan", mutate(f"{WF}.weekly_profile", [1, 1, math.nan, 1, 1]), f"{WF}.weekly_profile.2", "expected a finite number"),
    ("staff-count-negative", mutate(f"{SEC1}.staff.1.count", -1), f"{SEC1}.staff.1.count", "must be >= 0"),
    ("staff-count-huge", mutate(f"{SEC1}.staff.1.count", 10 ** 9), f"{SEC1}.staff.1.count", "must be <="),
    ("lending-nan", mutate("structures.a.lending_delay_hours", math.nan), "structures.a.lending_delay_hours", "expected a finite number"),
    ("lending-negative", mutate("structures.a.lending_delay_hours", -1), "structures.a.lending_delay_hours", "must be >= 0"),
    ("approval-negative", mutate("params.approval", {"item_hours": -1}), "params.approval.item_hours", "must be >= 0"),
    ("handoff-steps-fraction", mutate("params.handoff", {"section": {"steps": 2.5}}), "params.handoff.section.steps", "whole number"),
    ("handoff-role-unknown", mutate("params.handoff", {"section": {"roles": ["boss"]}}), "params.handoff.section.roles.0", "unknown role"),
    ("slowdown-one", mutate("params.transition", {"days": 10, "slowdown": 1}), "params.transition.slowdown", "must be <= 0.99"),
    # names, references, shapes
    ("structure-dotdot", rename_structure("../../x"), "structures.../../x", "cannot be a folder name"),
    ("structure-absolute", rename_structure("/tmp/abs"), "structures./tmp/abs", "cannot be a folder name"),
    ("structure-hidden", rename_structure(".hidden"), "structures..hidden", "cannot be a folder name"),
    ("duplicate-section", mutate("structures.a.bodies.1.sections.0.id", "s1"), "structures.a.bodies.1.sections.0.id", "duplicate section id"),
    ("duplicate-body", mutate("structures.a.bodies.1.id", "b"), "structures.a.bodies.1.id", "duplicate body id"),
    ("boolean-id", mutate(f"{SEC1}.id", False), f"{SEC1}.id", "quotes"),
    ("empty-id", mutate(f"{SEC1}.id", ""), f"{SEC1}.id", "non-empty name"),
    ("unknown-post", mutate(f"{SEC1}.staff.1.post", "boss"), f"{SEC1}.staff.1.post", "unknown post"),
    ("unknown-kind", mutate(f"{SEC1}.kind", "department"), f"{SEC1}.kind", "unknown kind"),
    ("function-twice", mutate("structures.a.bodies.0.sections.1.functions", ["f1"]), "structures.a.bodies.0.sections.1.functions.0", "already owned"),
    ("two-heads", mutate(f"{SEC1}.staff.1.post", "head"), f"{SEC1}.staff", "at most one head"),
    ("window-unknown-service", mutate("structures.a.windows.0.services", ["b/f9"]), "structures.a.windows.0.services.0", "owns function 'f9'"),
    ("combo-unknown-body", mutate("structures.a.combos", [{"id": "k", "lead": "b", "bodies": ["b", "zz"]}]), "structures.a.combos.0.bodies.1", "unknown body"),
    ("leader-unknown", mutate("structures.a.bodies.0.leaders.director", "L9"), "structures.a.bodies.0.leaders.director", "unknown leader"),
    ("from-cycle", mutate("structures.a", {"from": "b2"}), "structures.", "cycle"),
    ("from-unknown", mutate("structures.b2.from", "zz"), "structures.b2.from", "unknown structure"),
    ("top-level-typo", mutate("horizon_dayz", 5), "horizon_dayz", "unknown key"),
    ("unknown-variable", mutate(f"{WF}.rate_per_day", "$rate"), f"{WF}.rate_per_day", "unknown variable"),
    ("workflow-unknown-body", mutate(f"{WF}.body", "zz"), f"{WF}.body", "unknown body"),
    ("step-two-kinds", mutate(f"{WF}.steps.0", {"work": "f1", "visit": "f1", "hours": 1}), f"{WF}.steps.0", "exactly one"),
    ("step-no-hours", mutate(f"{WF}.steps.0", {"work": "f1"}), f"{WF}.steps.0.hours", "required"),
    ("approve-unknown-level", mutate(f"{WF}.steps.2.approve", "mayor"), f"{WF}.steps.2.approve", "no one holds level"),
    ("workflow-no-steps", mutate(f"{WF}.steps", []), f"{WF}.steps", "at least one step"),
    ("workflow-duplicate", mutate("workload.workflows", yaml.safe_load(GOOD)["workload"]["workflows"] * 2), "workload.workflows.1.id", "duplicate workflow id"),
    ("nobody-skilled", mutate("structures.a.bodies.0.sections.1.staff.0.skills", {"f1": 1.0}), f"{WF}.steps.1.work", "nobody"),
    # found by a hostile-user probe of the finished checks
    ("nameplates-not-list", mutate(f"{SEC1}.nameplates", 5), f"{SEC1}.nameplates", "expected a list"),
    ("roles-not-list", mutate("params.handoff", {"section": {"roles": 5}}), "params.handoff.section.roles", "expected a list"),
    ("integer-beyond-float", mutate("horizon_days", 10 ** 400), "horizon_days", "digits"),
    ("hours-beyond-float", mutate(f"{WF}.steps.0.hours", 10 ** 400), f"{WF}.steps.0.hours", "finite number"),
    ("structure-name-number", GOOD.replace("  b2:\n    from: a", "  2:\n    from: a"), "structures.2", "in quotes"),
    ("handoff-steps-huge", mutate("params.handoff", {"section": {"steps": 10 ** 9}}), "params.handoff.section.steps", "must be <="),
    ("staff-total-huge", mutate(f"{SEC1}.staff.1.count", 100_001), f"{SEC1}.staff.1.count", "must be <="),
    ("hours-sexagesimal", GOOD.replace("{work: f1, hours: 1}", "{work: f1, hours: 1:30}"), f"{WF}.steps.0.hours", "decimal (1:30 is 1.5)"),
    ("absence-zero-length", mutate("params.absence.trip.days", {"dist": "uniform", "low": 0, "high": 0}), "params.absence.trip.days", "at least"),
    ("direct-handling-text", mutate("structures.a.bodies.0.direct_handling", "false"), "structures.a.bodies.0.direct_handling", "true or false"),
    ("combo-lead-elsewhere", mutate("structures.a.combos", [{"id": "k", "lead": "zz", "bodies": ["b", "c"]}]), "structures.a.combos.0.lead", "not one of"),
    ("combo-one-body-in-file", mutate("structures.a.combos", [{"id": "k", "lead": "b", "bodies": ["b"]}]), "structures.a.combos.0.bodies", "at least two"),
    ("dist-ignored-key", mutate(f"{WF}.steps.0.hours", {"dist": "uniform", "low": 1, "high": 2, "mean": 100}), f"{WF}.steps.0.hours.mean", "not a parameter"),
    ("session-hour-huge", mutate("params.approval", {"session_hour": 1e300}), "params.approval.session_hour", "must be <= 24"),
    ("meeting-level-unknown", mutate("params.meetings", {"levels": ["directr"]}), "params.meetings.levels.0", "unknown level 'directr'"),
    ("meeting-level-section-head", mutate("params.meetings", {"levels": ["section_head"]}), "params.meetings.levels.0",
     "not at a meeting"),
    ("meeting-levels-not-list", mutate("params.meetings", {"levels": 5}), "params.meetings.levels", "expected a list"),
    ("meeting-weekday-beyond-week", mutate("params.meetings", {"levels": ["director"], "weekday": 5}), "params.meetings.weekday",
     "must be < days_per_week (5)"),
    ("meeting-weekday-huge", mutate("params.meetings", {"weekday": 9}), "params.meetings.weekday", "must be <= 6"),
    ("meeting-weekday-fraction", mutate("params.meetings", {"weekday": 1.5}), "params.meetings.weekday", "whole number"),
    ("meeting-hour-after-day", mutate("params.meetings", {"levels": ["director"], "hour": 8}), "params.meetings.hour",
     "must be < hours_per_day"),
    ("meeting-trigger-negative", mutate("params.meetings", {"size_trigger": -1}), "params.meetings.size_trigger", "must be >= 0"),
    ("meeting-unknown-key", mutate("params.meetings", {"level": ["director"]}), "params.meetings.level", "unknown key"),
    ("claim-unknown-function", mutate(f"{SEC1}.claims", ["f9"]), f"{SEC1}.claims.0", "unknown function 'f9'"),
    ("claim-other-body", mutate(f"{SEC1}.claims", ["f3"]), f"{SEC1}.claims.0", "no section of body 'b' owns it"),
    ("claim-own-function", mutate(f"{SEC1}.claims", ["f1"]), f"{SEC1}.claims.0", "owns 'f1' itself"),
    ("claim-twice", mutate(f"{SEC1}.claims", ["f2", "f2"]), f"{SEC1}.claims.1", "claimed twice"),
    ("ownership-p-above-1", mutate("params.ownership", {"p_pass": 1.5}), "params.ownership.p_pass", "must be <= 1"),
    ("ownership-max-negative", mutate("params.ownership", {"max_passes": -1}), "params.ownership.max_passes", "must be >= 0"),
    ("ownership-max-fraction", mutate("params.ownership", {"max_passes": 2.5}), "params.ownership.max_passes", "whole number"),
    ("rework-share-above-1", mutate("params.rework", {"share": 1.5}), "params.rework.share", "must be <= 0.99"),
    ("rework-share-one", mutate("params.rework", {"share": 1}), "params.rework.share", "must be <= 0.99"),
    ("rework-share-text", mutate("params.rework", {"share": "a tenth"}), "params.rework.share", "expected a number"),
    ("rework-level-unknown", mutate("params.rework", {"by_level": {"boss": 0.2}}), "params.rework.by_level.boss",
     "unknown level 'boss'"),
    ("rework-level-share-negative", mutate("params.rework", {"by_level": {"director": -0.1}}), "params.rework.by_level.director",
     "must be >= 0"),
    ("rework-redo-negative", mutate("params.rework", {"redo_fraction": -1}), "params.rework.redo_fraction", "must be >= 0"),
    # reform arguments
    ("merge-self", reform({"merge_sections": {"sections": ["s1", "s1"], "into": "big"}}), R, "'s1' is named twice"),
    ("merge-into-list", reform({"merge_sections": {"sections": ["s1", "s2"], "into": ["x"]}}), R, "into: expected a name"),
    ("merge-one", reform({"merge_sections": {"sections": ["s1"], "into": "x"}}), R, "sections: name at least 2"),
    ("merge-unknown-arg", reform({"merge_sections": {"sections": ["s1", "s2"], "into": "x", "headd": "p1"}}), R, "headd: unknown argument"),
    ("merge-into-taken", reform({"merge_sections": {"sections": ["s1", "s2"], "into": "s3"}}), R, "'s3' already exists"),
    ("merge-across-bodies", reform({"merge_sections": {"sections": ["s1", "s3"], "into": "x"}}), R, "different bodies"),
    ("merge-windows-empty", reform({"merge_windows": {"windows": [], "into": "w"}}), R, "windows: name at least 2"),
    ("merge-windows-unknown", reform({"merge_windows": {"windows": ["w1", "w9"], "into": "w0"}}), R, "unknown window 'w9'"),
    ("combos-bare-name", reform({"group_combos": {"combos": ["b"]}}), R, "combos.0"),
    ("combo-one-body", reform({"group_combos": {"combos": [{"bodies": ["b"]}]}}), R, "name at least 2"),
    ("move-nothing", reform({"move_functions": {"functions": [], "to": "s1"}}), R, "functions: name at least 1"),
    ("move-unknown", reform({"move_functions": {"functions": ["f9"], "to": "s1"}}), R, "no section owns 'f9'"),
    ("move-new-taken", reform({"move_functions": {"functions": ["f1"], "to": "s3", "body": "b", "new_section": {}}}), R, "'s3' already exists"),
    ("lend-nan", reform({"allow_lending": {"delay_hours": math.nan}}), R, "finite number"),
    ("lend-negative", reform({"allow_lending": {"delay_hours": -1}}), R, "greater than or equal to 0"),
    ("lend-text", reform({"allow_lending": {"delay_hours": "1.5"}}), R, "valid number"),
    ("merge-bodies-twice", reform({"merge_bodies": {"bodies": ["b", "b"], "into": "b"}}), R, "named twice"),
    ("merge-bodies-unknown", reform({"merge_bodies": {"bodies": ["b", "zz"], "into": "bz"}}), R, "unknown body 'zz'"),
    ("merge-bodies-into-taken", merge_bodies_into("c"), R, "body id 'c' already exists"),
    ("squad-id-taken", reform({"add_squad": {"body": "b", "members": ["p3"], "id": "s3"}}), R, "'s3' already exists"),
    ("squad-unknown-member", reform({"add_squad": {"body": "b", "members": ["p9"]}}), R, "'p9' is not staff"),
    ("head-unknown-leader", reform({"concurrent_head": {"body": "b", "leader": "L9"}}), R, "unknown leader"),
    ("head-bool-text", reform({"concurrent_head": {"body": "b", "leader": "L1", "direct_handling": "yes"}}), R, "valid boolean"),
    ("remove-unknown-level", reform({"remove_leader_posts": {"body": "b", "levels": ["mayor"]}}), R, "has no 'mayor' post"),
    ("common-posts-no-combo", reform({"merge_common_posts": {"functions": ["f1"]}}), R, "no combos"),
    ("leader-twice", reform({"add_leader": {"id": "L1"}}), R, "already exists"),
    ("reform-not-mapping", mutate("structures.b2.reforms", ["merge_sections"]), R, "exactly one reform name"),
    ("reform-unknown", reform({"merge_everything": {}}), f"{R}.merge_everything", "unknown reform"),
    ("reform-two-names", reform({"merge_sections": {}, "merge_windows": {}}), R, "exactly one reform name"),
]
for i, case in enumerate(FILES):  # the cases built by text replacement must still be wrong
    assert case[1] != GOOD, case[0]


def _call(argv):
    """``python -m sim ARGV`` in-process: its exit code (argparse exits through SystemExit)."""
    try:
        return main([str(a) for a in argv])
    except SystemExit as e:
        return e.code


def _one_line(capsys):
    err = capsys.readouterr().err
    assert "Traceback" not in err, err
    lines = [ln for ln in err.splitlines() if ln.strip()]
    assert len(lines) == 1, err
    return lines[0]


@pytest.mark.parametrize("case", FILES, ids=[c[0] for c in FILES])
def test_bad_scenario_file(tmp_path, capsys, case):
    name, content, field, reason = case
    f = tmp_path / "bad.yaml"
    (f.write_bytes if isinstance(content, bytes) else f.write_text)(content)
    out = tmp_path / "out"
    code = _call(["run", f, "--days", "3", "--out", out])
    line = _one_line(capsys)
    assert code == 2, line
    assert line.startswith(f"error: {f}: "), line
    assert field in line, line
    assert reason in line, line
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.yaml"], "nothing may be written for a bad file"


def test_error_says_where_in_the_files_terms(tmp_path):
    """1-based items with their ids beside the dotted path: what a reader of the file counts."""
    f = tmp_path / "bad.yaml"
    f.write_text(mutate(f"{WF}.steps.1.hours.mean", -2))
    with pytest.raises(sim.InputError) as e:
        sim.load_scenario(f)
    assert f"{WF}.steps.1.hours.mean (workflow #1 'w', step #2): must be >= 0" in str(e.value)


def test_folder_and_missing_file(tmp_path, capsys):
    assert _call(["run", tmp_path]) == 2
    assert "is a folder" in _one_line(capsys)
    assert _call(["run", tmp_path / "nope.yaml"]) == 2
    assert "no such file" in _one_line(capsys)


def _good(tmp_path):
    f = tmp_path / "good.yaml"
    f.write_text(GOOD)
    return f


CLI = [
    ("days-zero", ["run", "{good}", "--days", "0"], "--days", "must be > 0"),
    ("days-text", ["run", "{good}", "--days", "abc"], "--days", "whole number"),
    ("days-float-text", ["run", "{good}", "--days", "1e9"], "--days", "whole number"),
    ("days-huge", ["run", "{good}", "--days", "100000000"], "--days", "must be <="),
    ("replications-1e9", ["compare", "{good}", "--replications", "1000000000"], "--replications", "must be <="),
    ("replications-zero", ["compare", "{good}", "--replications", "0"], "--replications", "must be > 0"),
    ("seed-negative", ["run", "{good}", "--seed", "-1"], "--seed", "must be >= 0"),
    ("seed-nan", ["run", "{good}", "--seed", "nan"], "--seed", "whole number"),
    ("unknown-structure", ["run", "{good}", "--structure", "zz"], "--structure", "unknown structure 'zz'"),
    ("compare-one", ["compare", "{good}", "--structures", "a"], "--structures", "at least two"),
    ("compare-twice", ["compare", "{good}", "--structures", "a", "a"], "--structures", "named more than once"),
    ("out-is-file", ["run", "{good}", "--out", "{good}"], "--out", "is a file"),
    ("compare-out-dir", ["compare", "{good}", "--out", "{tmp}"], "--out", "is a folder"),
    ("compare-out-missing-dir", ["compare", "{good}", "--out", "{tmp}/no/such/runs.csv"], "--out", "does not exist"),
    ("unknown-flag", ["run", "{good}", "--bogus"], "command line", "unrecognized arguments"),
    ("no-command", [], "command line", "required"),
    ("unknown-command", ["simulate"], "command line", "invalid choice"),
    ("out-empty", ["run", "{good}", "--out", ""], "--out", "must name a folder"),
    ("compare-out-empty", ["compare", "{good}", "--out", ""], "--out", "must name a CSV file"),
    ("structure-empty", ["run", "{good}", "--structure", ""], "--structure", "must not be empty"),
    ("out-holds-a-file-named-like-a-structure", ["run", "{good}", "--days", "2", "--out", "{tmp}/clash"], "--out", "is a file"),
]


@pytest.mark.parametrize("case", CLI, ids=[c[0] for c in CLI])
def test_bad_command_line(tmp_path, capsys, case):
    name, argv, field, reason = case
    good = _good(tmp_path)
    argv = [a.format(good=good, tmp=tmp_path) for a in argv]
    if name == "out-holds-a-file-named-like-a-structure":
        (tmp_path / "clash").mkdir()
        (tmp_path / "clash" / "b2").write_text("")
    before = sorted(p.name for p in tmp_path.rglob("*"))
    code = _call(argv)
    line = _one_line(capsys)
    assert code == 2, line
    assert field in line and reason in line, line
    assert sorted(p.name for p in tmp_path.rglob("*")) == before


OVERRIDES = [
    ({"workload.load_factor": math.nan}, "workload.load_factor", "expected a finite number"),
    ({"horizon_days": math.inf}, "horizon_days", "expected a finite number"),
    ({"workload.workflows.0.steps.0.hours": math.inf}, "workload.workflows.0.steps.0.hours", "finite"),
    ({"structures.b2.reforms.0.merge_sections.sections": ["s1", "s1"]}, R, "named twice"),
]


@pytest.mark.parametrize("override,field,reason", OVERRIDES, ids=[next(iter(o[0])) for o in OVERRIDES])
def test_bad_override(tmp_path, override, field, reason):
    """Sweeps set values through overrides: they are validated like the file."""
    sc = sim.load_scenario(_good(tmp_path))
    with pytest.raises(sim.InputError) as e:
        sim.run(sc, overrides=override, days=3)
    assert field in str(e.value) and reason in str(e.value), str(e.value)


@pytest.mark.parametrize("call,field", [
    (lambda sc: sim.run(sc, seed=-1, days=2), "seed"),
    (lambda sc: sim.run(sc, seed="a", days=2), "seed"),
    (lambda sc: sim.run(sc, days=float("nan")), "days"),
    (lambda sc: sim.run(sc, days=0), "days"),
    (lambda sc: sim.run(sc, overrides=[("a", 1)], days=2), "overrides"),
    (lambda sc: sim.run(5), "scenario"),
    (lambda sc: sim.compare(sc, replications=0), "replications"),
    (lambda sc: sim.compare(sc, metrics=("nope",), replications=2), "metrics"),
    (lambda sc: sim.compare(sc, structures=["a", "a"], replications=2), "structures"),
    (lambda sc: sc.with_overrides({"variables.typo": 3}), "override variables.typo"),
    (lambda sc: sim.run(sc, days=2, summary_only="no"), "summary_only"),
    (lambda sc: sim.run(sc, days=2, record_events=None), "record_events"),
], ids=["seed-negative", "seed-text", "days-nan", "days-zero", "overrides-list", "scenario-number",
        "replications-zero", "metric-unknown", "structures-twice", "variable-typo", "summary-only-text",
        "record-events-none"])
def test_bad_python_api_arguments(tmp_path, call, field):
    """The Python API checks its arguments as the CLI does: an InputError naming the argument."""
    sc = sim.load_scenario(_good(tmp_path))
    with pytest.raises(sim.InputError) as e:
        call(sc)
    assert e.value.field == field, str(e.value)


def test_reform_python_api_validates_too():
    """A reform called from Python checks its arguments and the structure it leaves, like a file."""
    st = copy.deepcopy(sim.load_scenario("finance_bureau").structures["fragmented"])
    with pytest.raises(ValueError, match="named twice"):
        sim.reforms.merge_sections(st, ["admin", "admin"], into="big")
    with pytest.raises(ValueError, match="finite"):
        sim.reforms.allow_lending(st, math.nan)
    n = sum(1 for _ in st.staff())
    merged = sim.reforms.merge_sections(st, ["admin", "politics_law"], into="admin_pl")
    assert sum(1 for _ in merged.staff()) == n and sum(1 for _ in st.staff()) == n


def test_case_count():
    """The issue asks for at least 100 bad-input cases over files, reforms and the command line."""
    assert len(FILES) + len(CLI) + len(OVERRIDES) + 10 >= 100
