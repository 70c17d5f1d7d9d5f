"""English names: every section and body of every embedded scenario, and every one a reform creates there,
has an English ``display_name`` the teaching app and ``--lang en`` show instead of its id; the reforms that
create a section or a body pass theirs on, and a bad one is refused in one line naming the field."""
from __future__ import annotations

import copy
from pathlib import Path

import pytest

import sim
from sim import reforms
from sim.i18n import display, width

EMBEDDED = sorted(p.stem for p in (Path(sim.__file__).parent / "scenarios").glob("*.yaml"))
MAX_EN = 28  # characters: the app draws the names in small boxes


def english(thing) -> str:
    name = display(thing, "en")
    assert name != thing.id, f"{thing.id!r} has no English name"
    assert width(name) == len(name), f"{thing.id!r}: English name {name!r} has a Chinese (wide) character"
    assert len(name) <= MAX_EN, f"{thing.id!r}: English name {name!r} is longer than {MAX_EN} characters"
    return name


@pytest.mark.parametrize("name", EMBEDDED)
def test_every_section_and_body_has_an_english_name(name):
    sc = sim.load_scenario(name)
    for sname in sc.structure_names:
        structure = sc.structures[sname]
        for body in structure.bodies:
            english(body)
        for _, section in structure.sections():
            english(section)
            assert display(section, "zh") == section.name  # the Chinese name stays the section's own


def test_the_six_scenarios_are_checked():
    assert EMBEDDED == ["finance_bureau", "harbin_department", "huaibei_pilots", "licheng_combos", "shanxi_county",
                        "xicheng_street"]


def test_a_merge_passes_its_display_name_to_the_built_section():
    sc = sim.load_scenario("finance_bureau")
    raw = copy.deepcopy(sc.raw)
    merge = raw["structures"]["merged"]["reforms"][0]["merge_sections"]
    merge["display_name"] = {"zh": "行政政法大科", "en": "Admin-Law"}
    _, sec = sim.parse_scenario(raw, "x.yaml").structures["merged"].section("admin_pl")
    assert sec.display_name == {"zh": "行政政法大科", "en": "Admin-Law"}
    assert display(sec, "en") == "Admin-Law" and display(sec, "zh") == "行政政法大科"
    del merge["display_name"]  # none given: none stored, the fallback applies
    _, sec = sim.parse_scenario(raw, "x.yaml").structures["merged"].section("admin_pl")
    assert sec.display_name == {} and display(sec, "en") == "admin_pl" and display(sec, "zh") == "行政政法科"


def test_every_creating_reform_stores_its_display_name():
    en = {"en": "New"}
    shanxi = sim.load_scenario("shanxi_county").structures
    before, after = shanxi["before"], shanxi["after"]
    body = reforms.merge_bodies(before, ["shebao", "dibao"], "centre", display_name=en).body("centre")
    assert body.display_name == en
    _, moved = reforms.move_functions(before, ["investment"], "inv2", new_section={"name": "投资二股", "display_name": en}) \
        .section("inv2")
    assert moved.display_name == en
    _, squad = reforms.add_squad(before, "fagai", ["tz_1"], id="sq", display_name=en).section("sq")
    assert squad.display_name == en
    assert after.released  # the merged centres' second director holds no post
    _, pool = reforms.deploy_released(after, "pool", body="fagai", display_name=en).section("pool")
    assert pool.display_name == en
    harbin = sim.load_scenario("harbin_department").structures["before"]
    _, office = reforms.concentrate_approvals(harbin, "dept", ["accept_trade"], display_name=en).section("approval_office")
    assert office.display_name == en
    assert not any(s.id in ("inv2", "sq", "pool") for _, s in before.sections())  # pure: the input is unchanged
    assert not any(b.id == "centre" for b in before.bodies)


@pytest.mark.parametrize("where, bad, reason", [
    ("merge_sections", {"fr": "x"}, r"display_name.fr: unknown key \(allowed: zh, en\)"),
    ("merge_sections", {"en": ""}, r"display_name.en: must not be empty"),
    ("merge_sections", "Admin", r"display_name: expected a mapping, got str"),
    ("new_section", {"fr": "x"}, r"new_section.display_name.fr: unknown key \(allowed: zh, en\)"),
    ("body", {"fr": "x"}, r"bodies.0.display_name.fr \(structure 'fragmented', body #1 'bianban'\): unknown key \(allowed: zh"),
])
def test_a_bad_display_name_is_one_line_naming_the_field(where, bad, reason):
    raw = copy.deepcopy(sim.load_scenario("huaibei_pilots").raw)
    steps = raw["structures"]["large"]["reforms"]
    if where == "merge_sections":
        steps[0]["merge_sections"]["display_name"], field = bad, "structures.large.reforms.0.merge_sections"
    elif where == "new_section":
        steps[-1]["move_functions"]["new_section"]["display_name"] = bad
        field = f"structures.large.reforms.{len(steps) - 1}.move_functions"
    else:
        raw["structures"]["fragmented"]["bodies"][0]["display_name"], field = bad, "structures.fragmented.bodies.0"
    with pytest.raises(sim.InputError, match=reason) as e:
        sim.parse_scenario(raw, "x.yaml")
    assert str(e.value).count("\n") == 0 and e.value.field.startswith(field), str(e.value)
