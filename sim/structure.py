"""Section structures as plain data: bodies (单位), sections (科室/处室/股室), staff, leaders, windows.

A structure says who sits where and who owns which function; it holds no behaviour. Reforms
(``sim.reforms``) turn one structure into another; the model compiles a structure into agents.
"""
from __future__ import annotations

from dataclasses import dataclass, field

POSTS = ("head", "deputy", "staff", "commissioner")
SECTION_KINDS = ("business", "general", "squad", "approval_office", "window")
# 编制, the kind of post a person is paid on: 行政 administrative (civil service), 事业 institution (public
# institution), 工勤 worker (service worker), 编外 outside the establishment (contract, auxiliary staff)
ESTABLISHMENTS = ("administrative", "institution", "worker", "outside")


@dataclass
class StaffMember:
    id: str
    name: str = ""
    post: str = "staff"  # head / deputy / staff / commissioner
    skills: dict[str, float] = field(default_factory=dict)  # function -> proficiency (1.0 = specialist)
    transferred: bool = False  # moved by a reform: slower during the transition (handover friction)
    # 编制: administrative 行政, institution 事业, worker 工勤, outside 编外; kept from a roster (python -m sim
    # import), read by no mechanism
    establishment: str | None = None


@dataclass
class Section:
    id: str
    name: str = ""
    kind: str = "business"
    functions: list[str] = field(default_factory=list)
    staff: list[StaffMember] = field(default_factory=list)
    nameplates: list[str] = field(default_factory=list)  # 加挂牌子: old names kept for upper levels
    origins: dict[str, str] = field(default_factory=dict)  # function -> the old section it came from (a merge keeps it)
    # 职能交叉: functions another section of the same body owns that this one also claims; work on them may be
    # passed between the owner and its claimants before it is done (sim.mechanisms.ownership)
    claims: list[str] = field(default_factory=list)
    display_name: dict[str, str] = field(default_factory=dict)  # language -> name shown (sim.i18n.display)

    def origin(self, function: str) -> str:
        """The old section a function came from: itself unless a merge or a move brought it."""
        return self.origins.get(function, self.id)

    @property
    def head(self) -> StaffMember | None:
        return next((s for s in self.staff if s.post == "head"), None)


@dataclass
class Leader:
    """A leader above sections: deputy director, director, or an above-body leader."""
    id: str
    name: str = ""
    # 编制: administrative 行政, institution 事业, worker 工勤, outside 编外; kept from a roster (python -m sim
    # import), read by no mechanism
    establishment: str | None = None


@dataclass
class Body:
    id: str
    name: str = ""
    sections: list[Section] = field(default_factory=list)
    leaders: dict[str, str] = field(default_factory=dict)  # management level -> leader id
    direct_handling: bool = False  # 兼任: the concurrent head deals with approvals directly
    aliases: list[str] = field(default_factory=list)  # ids of bodies merged into this one: their work still arrives
    in_charge: dict[str, list[str]] = field(default_factory=dict)  # 分管: deputy's leader id -> the sections they are in charge of
    display_name: dict[str, str] = field(default_factory=dict)  # language -> name shown (sim.i18n.display)

    def deputy_for(self, section_id: str) -> str | None:
        """The deputy in charge of a section (分管), or None."""
        return next((lid for lid, secs in self.in_charge.items() if section_id in secs), None)


@dataclass
class Window:
    """A service window (窗口). Each window asks the citizen for its own set of materials."""
    id: str
    name: str = ""
    location: str = ""
    services: list[str] = field(default_factory=list)  # "body/function" the window receives


@dataclass
class Combo:
    """A "1+N" combo: bodies whose staff count as one for lending, no paperwork."""
    id: str
    lead: str
    bodies: list[str] = field(default_factory=list)


@dataclass
class Structure:
    name: str
    bodies: list[Body] = field(default_factory=list)
    leaders: dict[str, Leader] = field(default_factory=dict)
    above: dict[str, str] = field(default_factory=dict)  # above-body level -> leader id
    windows: list[Window] = field(default_factory=list)
    combos: list[Combo] = field(default_factory=list)
    lending_delay_hours: float | None = None  # cross-body secondment (借调) with paperwork; None = not allowed
    released: list[str] = field(default_factory=list)  # leaders whose every post a reform cut (the 干部周转池)
    display_name: dict[str, str] = field(default_factory=dict)  # language -> name shown (sim.i18n.display)

    # ---- lookups -------------------------------------------------------------------------
    def body(self, body_id: str) -> Body:
        """A body by id, or the body it was merged into (workloads keep naming the old bodies)."""
        for b in self.bodies:
            if b.id == body_id:
                return b
        for b in self.bodies:
            if body_id in b.aliases:
                return b
        raise KeyError(f"unknown body {body_id!r}")

    def body_ids(self) -> set[str]:
        """Every id a workload may name: bodies and the old ids of merged ones."""
        return {i for b in self.bodies for i in (b.id, *b.aliases)}

    def sections(self):
        """(body, section) pairs in a stable order."""
        for b in self.bodies:
            for s in b.sections:
                yield b, s

    def section(self, section_id: str) -> tuple[Body, Section]:
        for b, s in self.sections():
            if s.id == section_id:
                return b, s
        raise KeyError(f"unknown section {section_id!r}")

    def owner(self, body_id: str, function: str) -> Section:
        """The section of ``body_id`` that owns ``function``."""
        for s in self.body(body_id).sections:
            if function in s.functions:
                return s
        raise KeyError(f"no section of body {body_id!r} owns function {function!r}")

    def owners(self) -> dict[tuple[str, str], Section]:
        """(body id or old id, function) -> owning section, built in one pass: for loops over many
        workflows, where ``owner`` (a scan of the body's sections) per step would be quadratic."""
        return {(i, f): s for b in self.bodies for s in b.sections for f in s.functions for i in (b.id, *b.aliases)}

    def claimants(self) -> dict[tuple[str, str], list[Section]]:
        """(owning section id, function) -> the sections claiming it (职能交叉), in structure order."""
        out: dict[tuple[str, str], list[Section]] = {}
        for b in self.bodies:
            owner = {f: s.id for s in b.sections for f in s.functions}
            for s in b.sections:
                for f in s.claims:
                    out.setdefault((owner[f], f), []).append(s)
        return out

    def window_of(self, body_id: str, function: str) -> Window | None:
        key = f"{self.body(body_id).id}/{function}"
        return next((w for w in self.windows if key in w.services), None)

    def staff(self):
        """(body, section, staff member) triples."""
        for b, s in self.sections():
            for m in s.staff:
                yield b, s, m

    def combo_of(self, body_id: str) -> Combo | None:
        return next((c for c in self.combos if body_id in c.bodies), None)

    # ---- consistency ---------------------------------------------------------------------
    def check(self) -> None:
        """``ValueError`` naming the first inconsistency: the engine keys queues, people and windows
        by id, so two of one id (or a reference to nothing) would silently mix them up."""
        seen: dict[str, str] = {}

        def unique(kind, i):
            if (kind, i) in seen:
                raise ValueError(f"two {kind}s have the id {i!r}")
            seen[(kind, i)] = i

        body_ids = set()
        for b in self.bodies:
            for i in (b.id, *b.aliases):
                if i in body_ids:
                    raise ValueError(f"two bodies answer to the id {i!r}")
                body_ids.add(i)
            owned = {}
            for s in b.sections:
                unique("section", s.id)
                for f in s.functions:
                    if f in owned:
                        raise ValueError(f"function {f!r} is owned by sections {owned[f]!r} and {s.id!r} of body {b.id!r}")
                    owned[f] = s.id
                for m in s.staff:
                    unique("staff member", m.id)
                if sum(m.post == "head" for m in s.staff) > 1:
                    raise ValueError(f"section {s.id!r} has more than one head")
            for s in b.sections:
                for f in s.claims:
                    if f in s.functions:
                        raise ValueError(f"section {s.id!r} claims {f!r}, which it owns itself")
                    if f not in owned:
                        raise ValueError(f"section {s.id!r} claims {f!r}, which no other section of body {b.id!r} owns")
                if len(set(s.claims)) < len(s.claims):
                    raise ValueError(f"section {s.id!r} claims a function twice")
            for lv, lid in b.leaders.items():
                if lid not in self.leaders:
                    raise ValueError(f"body {b.id!r}: level {lv!r} is held by unknown leader {lid!r}")
            charged: dict[str, str] = {}
            own = {s.id for s in b.sections}
            for lid, secs in b.in_charge.items():
                if lid not in self.leaders:
                    raise ValueError(f"body {b.id!r}: in_charge names unknown leader {lid!r}")
                for sid in secs:
                    if sid not in own:
                        raise ValueError(f"body {b.id!r}: leader {lid!r} is in charge of {sid!r}, not a section of the body")
                    if sid in charged:
                        raise ValueError(f"body {b.id!r}: section {sid!r} is in the charge of both {charged[sid]!r} and {lid!r}")
                    charged[sid] = lid
        for lv, lid in self.above.items():
            if lid not in self.leaders:
                raise ValueError(f"above: level {lv!r} is held by unknown leader {lid!r}")
        for w in self.windows:
            unique("window", w.id)
            for sv in w.services:
                bid, _, fn = sv.partition("/")
                try:
                    self.owner(bid, fn)
                except KeyError as e:
                    raise ValueError(f"window {w.id!r}: {e.args[0]}") from None
        in_combo = set()
        for c in self.combos:
            unique("combo", c.id)
            for b in c.bodies:
                if b not in body_ids:
                    raise ValueError(f"combo {c.id!r}: unknown body {b!r}")
                if b in in_combo:
                    raise ValueError(f"body {b!r} is in two combos")
                in_combo.add(b)

    def warnings(self) -> list[str]:
        """What is legal but probably a slip: a leader declared who holds no post and is in charge of
        nothing, and a section no deputy is in charge of in a body that names its deputies' charges."""
        out = []
        used = self.posted()
        for lid in self.leaders:
            if lid not in used and lid not in self.released:
                out.append(f"leader {lid!r} is declared but holds no post and is in charge of no section")
        for b in self.bodies:
            if b.in_charge:
                loose = [s.id for s in b.sections if s.functions and b.deputy_for(s.id) is None]  # a squad owns no approvals
                if loose:
                    out.append(f"body {b.id!r}: no deputy is in charge of {', '.join(loose)} (分管): their approvals "
                               f"go to the body's {'deputy_director' if 'deputy_director' in b.leaders else 'director'}")
        return out

    def posted(self) -> set[str]:
        """The leaders who hold a post: a level in a body or above the bodies, or a deputy's charge."""
        return {lid for b in self.bodies for lid in (*b.leaders.values(), *b.in_charge)} | set(self.above.values())

    def prune_in_charge(self) -> None:
        """Drop charges of sections that no longer exist (after a merge or a move)."""
        for b in self.bodies:
            own = {s.id for s in b.sections}
            b.in_charge = {lid: [s for s in secs if s in own] for lid, secs in b.in_charge.items()}
            b.in_charge = {lid: secs for lid, secs in b.in_charge.items() if secs}

    def posts(self) -> dict[str, int]:
        """官多兵少 in people (the run summary's post metrics): ``leader_posts`` the leaders who hold a
        post at or above the bodies (``posted``: body levels, deputies in charge, above-body levels),
        each person once, so a concurrent head (兼任) is one person; ``section_lead_posts`` heads and
        deputies of sections (squads' commissioners work cases: not counted); ``staff`` everyone in a
        section, squads included; ``released_leaders`` leaders whose posts a reform cut and who were
        not deployed (``sim.reforms.deploy_released``): paid, in no modelled work.

        Not ``counts()["leader_posts"]``, which counts posts per body (a leader of two bodies twice, an
        above-body leader not at all): the seed's 科级领导职数 (151 -> 128) are the bodies' posts."""
        return {"leader_posts": len(self.posted()),
                "section_lead_posts": sum(m.post in ("head", "deputy") for _, s, m in self.staff() if s.kind != "squad"),
                "staff": sum(1 for _ in self.staff()),
                "released_leaders": len(self.released)}

    def prune_claims(self) -> None:
        """Drop claims on functions the claimant now owns (a merge with the owner, a move to it)."""
        for _, s in self.sections():
            s.claims = [f for f in s.claims if f not in s.functions]

    # ---- counts used by the structural claims --------------------------------------------
    def counts(self) -> dict[str, float]:
        secs = [s for _, s in self.sections() if s.kind not in ("squad",)]
        sizes = [len(s.staff) for s in secs]
        leader_posts = sum(len(set(b.leaders.values()) | set(b.in_charge)) for b in self.bodies)
        return {
            "bodies": len(self.bodies),
            "sections": len(secs),
            "business_sections": sum(s.kind == "business" for s in secs),
            "general_sections": sum(s.kind == "general" for s in secs),
            "one_person_sections": sum(n == 1 for n in sizes),
            "staff": sum(sizes) + sum(len(s.staff) for _, s in self.sections() if s.kind == "squad"),
            "staff_per_section": (sum(sizes) / len(sizes)) if sizes else 0.0,
            "leader_posts": leader_posts,
            "windows": len(self.windows),
        }
