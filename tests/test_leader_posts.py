"""官多兵少: leader posts as a cost in the run summary, and where the people go when a reform cuts their
posts (``sim.reforms.deploy_released``: casework in a section, or a turnover pool 干部周转池 as a squad)."""
from __future__ import annotations

import pytest

import sim
from sim import reforms
from test_bad_input import GOOD, _call, _one_line
from scenario_edits import mutate

POOLS = [{"deploy_released": {"to": "fagai_pool", "leaders": ["fgj_director"], "body": "fagai"}},
         {"deploy_released": {"to": "shebao_pool", "leaders": ["mzj_director"], "body": "shebao"}}]


@pytest.fixture(scope="module")
def shanxi():
    """Shanxi's ``after`` (its director's post cut by 兼任, the civil-affairs director's by the centres'
    merger), beside the same with the two released directors in turnover pools, under overload."""
    return sim.load_scenario("shanxi_county").with_overrides({
        "workload.load_factor": 1.3, "structures.pooled": {"from": "after", "reforms": POOLS}})


def test_post_metrics_on_the_finance_bureau_counted_by_hand():
    # finance_bureau.yaml: leaders director, deputy_a, deputy_b; sections of 3+2+2+1+3+2+3+3+4+3+1+2 = 29
    # people, each with one head and no section deputy
    res = sim.run("finance_bureau", structure="fragmented", seed=1, days=40, summary_only=True)
    s = res.summary
    assert s["leader_posts"] == 3
    assert s["leader_posts_per_100_staff"] == pytest.approx(300 / 29)
    assert s["section_lead_posts_per_100_staff"] == pytest.approx(1200 / 29)
    assert s["released_leaders"] == 0
    signing = res.leaders["signoff_hours"].sum()
    assert signing > 0
    assert s["leader_hours_share"] == pytest.approx(signing / (signing + res.staff["busy_hours"].sum()))
    assert set(sim.METRICS) <= set(s)


def test_a_merge_keeping_former_heads_as_deputies_keeps_the_section_posts():
    """The model's 大科室 merge leaves the 科级 posts where they were unless former heads become staff."""
    st = sim.load_scenario("finance_bureau").structures["fragmented"]
    kept = reforms.merge_sections(st, ["admin", "politics_law"], "admin_pl")
    cut = reforms.merge_sections(st, ["admin", "politics_law"], "admin_pl", former_heads="staff")
    assert kept.posts()["section_lead_posts"] == st.posts()["section_lead_posts"] == 12
    assert cut.posts()["section_lead_posts"] == 11


def test_cutting_posts_lowers_leader_posts_per_100_staff(shanxi):
    before = sim.run(shanxi, structure="before", seed=1, days=30, summary_only=True).summary
    after = sim.run(shanxi, structure="after", seed=1, days=30, summary_only=True).summary
    assert (before["leader_posts"], after["leader_posts"]) == (5, 3)  # 兼任 and the merger cut two directors
    assert before["leader_posts_per_100_staff"] == pytest.approx(500 / 18)
    assert after["leader_posts_per_100_staff"] == pytest.approx(300 / 18)
    assert after["released_leaders"] == 2
    st = shanxi.structures["before"]
    assert reforms.remove_leader_posts(st, "fagai", ["deputy_director"]).posts()["leader_posts"] == 4


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_released_leaders_in_a_pool_raise_capacity_under_overload(shanxi, seed):
    left = sim.run(shanxi, structure="after", seed=seed, summary_only=True).summary
    pooled = sim.run(shanxi, structure="pooled", seed=seed, summary_only=True).summary
    assert pooled["tasks_completed"] > left["tasks_completed"]
    assert pooled["mean_wait_hours"] < left["mean_wait_hours"]
    assert pooled["released_leaders"] == 0
    assert pooled["leader_posts_per_100_staff"] == pytest.approx(300 / 20)


def test_released_leaders_in_casework_raise_capacity_under_overload(shanxi):
    sc = shanxi.with_overrides({"structures.casework": {"from": "after", "reforms": [
        {"deploy_released": {"to": "pension", "proficiency": 0.8}}]}})
    left = sim.run(sc, structure="after", seed=1, summary_only=True).summary
    worked = sim.run(sc, structure="casework", seed=1, summary_only=True)
    assert worked.summary["tasks_completed"] > left["tasks_completed"]
    pension = worked.staff[worked.staff["section"] == "pension"].set_index("staff")
    assert pension.loc[["fgj_director", "mzj_director"], "post"].tolist() == ["staff", "staff"]
    assert (pension.loc[["fgj_director", "mzj_director"], "busy_hours"] > 0).all()


def test_a_deployed_leader_signs_nothing_and_approvals_still_resolve(shanxi):
    released = sim.run(shanxi, structure="after", seed=1, days=60)
    assert released.leaders.set_index("leader").loc[["fgj_director", "mzj_director"], "signed"].tolist() == [0, 0]
    res = sim.run(shanxi, structure="pooled", seed=1, days=60)
    assert not {"fgj_director", "mzj_director"} & set(res.leaders["leader"])  # no longer leaders at all
    staff = res.staff.set_index("staff")
    assert staff.loc["fgj_director", "section"] == "fagai_pool" and staff.loc["mzj_director", "section"] == "shebao_pool"
    assert (staff.loc[["fgj_director", "mzj_director"], "post"] == "commissioner").all()
    assert res.leaders["signed"].sum() > 0 and res.summary["approval_levels_per_task"] > 0
    st = shanxi.structures["pooled"]
    assert st.released == [] and "fgj_director" not in st.leaders and "fgj_director" not in st.posted()
    assert res.events["resource"].isin(["fgj_director", "mzj_director"]).any()  # they work cases instead


def test_pool_squad_is_built_by_the_same_code_as_add_squad(shanxi):
    st = shanxi.structures["pooled"]
    _, pool = st.section("fagai_pool")
    funcs = {f for s in st.body("fagai").sections for f in s.functions}
    assert pool.kind == "squad" and pool.name == "干部周转池"
    assert pool.staff[0].skills == dict.fromkeys(sorted(funcs), 0.8) and pool.staff[0].transferred


# a structure b2 that releases L1 (concurrent_head gives body b to L2), then deploys with the argument under test
CUT = [{"add_leader": {"id": "L2"}}, {"concurrent_head": {"body": "b", "leader": "L2"}}]
D = "structures.b2.reforms.2.deploy_released"
BAD = [
    ("nothing-released", mutate(GOOD, "structures.b2.reforms", [{"deploy_released": {"to": "s1"}}]),
     "structures.b2.reforms.0.deploy_released", "no leader is released"),
    ("not-released", mutate(GOOD, "structures.b2.reforms", CUT + [{"deploy_released": {"to": "s1", "leaders": ["L2"]}}]),
     D, "'L2' is not a released leader (released: L1)"),
    ("unknown-section-no-body", mutate(GOOD, "structures.b2.reforms", CUT + [{"deploy_released": {"to": "pool"}}]),
     D, "to: no section 'pool' (give body"),
    ("section-of-another-body", mutate(GOOD, "structures.b2.reforms", CUT + [{"deploy_released": {"to": "s3", "body": "b"}}]),
     D, "section 's3' belongs to body 'c'"),
    ("unknown-body", mutate(GOOD, "structures.b2.reforms", CUT + [{"deploy_released": {"to": "pool", "body": "zz"}}]),
     D, "unknown body 'zz'"),
    ("proficiency-zero", mutate(GOOD, "structures.b2.reforms", CUT + [{"deploy_released": {"to": "s1", "proficiency": 0}}]),
     D, "proficiency: Input should be greater than 0"),
    ("named-twice", mutate(GOOD, "structures.b2.reforms", CUT + [{"deploy_released": {"to": "s1", "leaders": ["L1", "L1"]}}]),
     D, "'L1' is named twice"),
    ("unknown-argument", mutate(GOOD, "structures.b2.reforms", CUT + [{"deploy_released": {"to": "s1", "into": "s2"}}]),
     D, "into: unknown argument"),
]


@pytest.mark.parametrize("case", BAD, ids=[c[0] for c in BAD])
def test_bad_deploy_arguments_are_one_clear_error(tmp_path, capsys, case):
    name, content, field, reason = case
    f = tmp_path / "bad.yaml"
    f.write_text(content)
    code = _call(["run", f, "--days", "3", "--out", tmp_path / "out"])
    line = _one_line(capsys)
    assert code == 2, line
    assert field in line and reason in line, line


def test_good_deploy_in_the_bad_input_scenario_runs(tmp_path, capsys):
    """The table's base (CUT, then a deploy into casework) is itself good: the cases fail for their argument."""
    f = tmp_path / "good.yaml"
    f.write_text(mutate(GOOD, "structures.b2.reforms", CUT + [{"deploy_released": {"to": "s1"}}]))
    assert _call(["run", f, "--days", "3", "--out", tmp_path / "out"]) == 0
