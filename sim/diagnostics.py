"""What makes a run's table misleading, said in words beside it.

A run whose workload exceeds what some queue's people can do (ρ ≥ 1), whose workflow can never
finish (a section nobody can serve, leaders with no sign-off time, a rate of 0), or whose staff are
away most of the time still prints an ordinary-looking table: its mean cycle time covers finished
tasks only and so shrinks as the backlog grows. ``diagnose`` reads the finished model and returns
one warning per cause, naming the queue or workflow.
"""
from __future__ import annotations

from .queues import COORD, HEAD

STUCK_SHARE = 0.25  # assumption: work waiting longer than a quarter of the measured span is not a queue but a pile
STUCK_DAYS = 5  # assumption: and longer than a working week, so a short run's ordinary queue is not flagged
AWAY_SHARE = 0.5  # assumption: staff away more than half their time is an absence setting typed wrong


def diagnose(model, summary: dict) -> list[str]:
    """Warnings for a finished ``OfficeModel`` and its summary metrics."""
    out = list(model.structure.warnings())  # structural slips (a leader in charge of nothing, 分管 gaps)
    sc, hpd = model.scenario, model.hpd
    span = model.horizon - model.warmup
    a = model.params.approval
    for i, wf in enumerate(sc.workload.workflows):
        if wf.rate_per_day * sc.workload.load_factor <= 0:
            out.append(f"workflow {wf.id!r}: rate 0, no task of it arrives")
        lending = model.mechanisms.get("lending")
        for step in model.routes[i]:
            if step.kind in ("work", "visit"):
                q = model.queues[(step.section, step.function)]
                if not q.primary and not q.helpers and not (q.lendable and lending and lending.skilled.get(q.function)):
                    out.append(f"workflow {wf.id!r}: nobody in section {step.section!r} can do {step.function!r} "
                               f"(no staff with the skill): its tasks never finish")
            elif step.kind == "leader" and (a.signoff_hours_per_day < a.item_hours or a.signoff_hours_per_day <= 0):
                out.append(f"workflow {wf.id!r}: leaders sign nothing (params.approval.signoff_hours_per_day "
                           f"{a.signoff_hours_per_day} < item_hours {a.item_hours}): its tasks never finish")
                break
    stuck = max(STUCK_SHARE * span, STUCK_DAYS * hpd)
    for q in model.queues.values():
        if q.jobs and model.now - q.jobs[0].enq > stuck:
            what = {HEAD: "its head's desk", COORD: "coordination"}.get(q.function, repr(q.function))
            out.append(f"queue {q.section!r} / {what}: {len(q.jobs)} jobs waiting at the end, the oldest for "
                       f"{(model.now - q.jobs[0].enq) / hpd:,.0f} days: more work than its people can do (ρ ≥ 1)")
    for lead in model.leaders.values():
        if lead.tray and model.now - lead.tray[0].tray_at > stuck:
            out.append(f"leader {lead.sid!r}: {len(lead.tray)} items in the in-tray at the end: more to sign than "
                       f"the sign-off time allows (ρ ≥ 1)")
    share = summary["share_unfinished"]
    if share == share:  # not NaN
        if share > 0.05 and not any("ρ ≥ 1" in w or "never finish" in w for w in out):
            out.append(f"{share:.0%} of the measured tasks are unfinished at the horizon: "
                       "the mean cycle time covers finished tasks only")
    staff = model.staff
    if staff and span > 0:
        away = sum(m.absent_hours for m in staff) / (len(staff) * span)
        if away > AWAY_SHARE:
            out.append(f"staff were away {away:.0%} of the measured time on average (params.absence rates)")
    return list(dict.fromkeys(out))
