"""Structures for the count claims that no single scenario holds: built here from plain data and
transformed with ``sim.reforms``; the claims count them with ``Structure.counts()``.

Huaibei's 52 sections are in the scenario ``huaibei_pilots``; the structures here are the many
departments of Harbin and of the two Shanxi counties, where only counts are claimed.
"""
from __future__ import annotations

from sim import reforms
from sim.structure import Body, Leader, Section, StaffMember, Structure

# Harbin: the seed gives 652 -> 497 divisions (155 fewer) and "平均精简比例达到了28.13%", while
# 155/652 = 23.8 %. The only reading that makes both true is a mean of per-department ratios. The seed
# gives no per-department figures; this set (assumption) is one that satisfies both: small departments
# cut hard, large ones lightly ("精简比例在30%上下浮动" is the target, not the result).
# (departments, divisions before, divisions merged away)
HARBIN_DEPARTMENTS = ((7, 7, 4), (23, 18, 4), (7, 27, 5))


def _department(did: str, divisions: int, staff_per_division: int = 3) -> Structure:
    secs = [Section(f"{did}_d{i}", f"处室{i}", "business", [f"{did}_f{i}"],
                    [StaffMember(f"{did}_d{i}_{k}", post="head" if k == 0 else "staff", skills={f"{did}_f{i}": 1.0})
                     for k in range(staff_per_division)]) for i in range(divisions)]
    return Structure(did, [Body(did, did, secs)])


def harbin_departments():
    """[(department id, before Structure, after Structure)]: after = pairs of divisions merged
    (merge_sections: "对职能接近、任务重叠 ... 的处室一律撤并")."""
    out = []
    n = 0
    for count, divisions, merged in HARBIN_DEPARTMENTS:
        for _ in range(count):
            n += 1
            did = f"h{n:02d}"
            before = _department(did, divisions)
            after, queue = before, [s.id for _, s in before.sections()]
            for k in range(merged):  # merge the next two in line; a merged division goes to the back
                pair = [queue.pop(0), queue.pop(0)]
                after = reforms.merge_sections(after, pair, into=f"{did}_m{k}")
                queue.append(f"{did}_m{k}")
            out.append((did, before, after))
    return out


# Shanxi: "两个试点县的黨政部门均分别由改革前的36个、35个整合为22个 ... 科级领导职数总量则分别由改革前的151名、
# 154名均精简为128名". Before: departments with a director and 3 or 4 deputies (assumption; 151 = 7x5 + 29x4,
# 154 = 14x5 + 21x4). The reform merges pairs of departments (merge_bodies); the absorbed department's
# director goes to the turnover pool (干部周转池, "其他因机构改革超出职数的科级领导干部纳入'干部周转池'管理"), and in
# `extra_cuts` of the merges one of its deputies too. The seed gives the after totals, not the rule per
# merge, so `extra_cuts` is set to meet them (9 and 13): these rows check the seed's percentages
# (-38 %, -16 % "平均") against the counts, not a mechanism.
SHANXI_COUNTIES = {"hequ": dict(departments=36, five_post=7, merges=14, extra_cuts=9),
                   "fushan": dict(departments=35, five_post=14, merges=13, extra_cuts=13)}


def _county(cid, departments, five_post):
    leaders, bodies = {}, []
    for i in range(departments):
        bid = f"{cid}_dep{i:02d}"
        posts = {"director": f"{bid}_director"}
        for k in range(4 if i < five_post else 3):
            posts[f"deputy_{k + 1}"] = f"{bid}_deputy{k + 1}"
        for lid in posts.values():
            leaders[lid] = Leader(lid)
        bodies.append(Body(bid, bid, [Section(f"{bid}_s", "股室", "business", [f"{bid}_f"],
                                              [StaffMember(f"{bid}_m{k}", skills={f"{bid}_f": 1.0}) for k in range(3)])],
                           posts))
    return Structure(cid, bodies, leaders)


def shanxi_county(cid: str):
    """(before, after) Structures of one pilot county."""
    c = SHANXI_COUNTIES[cid]
    before = _county(cid, c["departments"], c["five_post"])
    after = before
    ids = [b.id for b in before.bodies]
    for k in range(c["merges"]):
        lead, absorbed = ids[2 * k], ids[2 * k + 1]
        posts = dict(after.body(lead).leaders)
        deputies = [lid for lv, lid in after.body(absorbed).leaders.items() if lv != "director"]
        if k < c["extra_cuts"]:
            deputies = deputies[1:]
        for j, lid in enumerate(deputies):
            posts[f"absorbed_deputy_{j + 1}"] = lid
        after = reforms.merge_bodies(after, [lead, absorbed], into=lead, leaders=posts)
    return before, after


def enforcement_teams():
    """(before, after): 9 enforcement teams merged into one ("9支整合为1支", 局队合一)."""
    fields = ["market", "culture", "agriculture", "transport", "urban", "emergency", "labour", "land", "health"]
    bodies = [Body(f"team_{f}", f, [Section(f"team_{f}_s", "执法队", "business", [f"enforce_{f}"],
                                            [StaffMember(f"team_{f}_{k}", skills={f"enforce_{f}": 1.0}) for k in range(3)])])
              for f in fields]
    before = Structure("teams", bodies)
    after = reforms.merge_bodies(before, [b.id for b in bodies], into="comprehensive_enforcement")
    return before, after
