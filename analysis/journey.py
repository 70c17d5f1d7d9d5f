"""One task's journey: which sections and leaders it passed through, and where it waited.

The event log records work done by section staff (work, dispatch, handoff steps, section-head
sign-offs); leaders' sign-offs go through in-trays and leave no event. Given the scenario, the
task's route is compiled with the engine's own ``compile_route`` and the leader steps are placed
in the gaps between logged events, so the swimlane shows leaders too.
"""
from __future__ import annotations

import pandas as pd
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from sim.mechanisms.routing import compile_route
from sim.scenario import Scenario, load_scenario

from . import style
from .ledgers import as_ledgers

KIND_COLOURS = {"work": "tab:blue", "visit": "tab:cyan", "dispatch": "tab:grey", "coord": "tab:orange",
                "head": "tab:purple", "leader": "tab:red"}
KIND_LABELS = {"work": "work", "visit": "window visit", "dispatch": "head hands out", "coord": "handoff step",
               "head": "section head (sign-off / handoff)", "leader": "leader (routing, in-tray, sign-off)"}


def _kind(activity: str) -> str:
    if activity == "dispatch":
        return "dispatch"
    if activity.startswith(("work:",)):
        return "work"
    if activity.startswith("visit:"):
        return "visit"
    if activity.startswith("approve:") or activity.endswith("_head"):
        return "head"
    return "coord"


def case_journey(run, case: int, scenario: Scenario | str | None = None) -> pd.DataFrame:
    """Rows (lane, kind, activity, who, start, end, shared, label) for one task, in time order; hours since start.

    Without ``scenario`` only logged events appear; with it, leader sign-offs fill the gaps they caused.
    Several sign-offs in a row share one gap (``shared`` > 1): their order is the route's, but how the
    gap divides between them is not logged, so it is split evenly and drawn hatched."""
    led = as_ledgers(run)
    ev = led.events[led.events["case"] == case].sort_values(["start", "end"], kind="stable")
    if ev.empty:
        raise KeyError(f"case {case}: not in the event log of {led.structure!r} (was the run recorded with events?)")
    rows = [{"lane": r.section, "kind": _kind(r.activity), "activity": r.activity, "who": r.resource,
             "start": float(r.start), "end": float(r.end)} for r in ev.itertuples()]
    task = led.tasks[led.tasks["task"] == case]
    done = float(task["completion"].iloc[0]) if len(task) else None
    if scenario is None or task.empty:
        return pd.DataFrame(rows).assign(label=lambda d: d["lane"])
    sc = scenario if isinstance(scenario, Scenario) else load_scenario(scenario)
    st = sc.structures[led.structure]
    sec_names = {s.id: f"{s.name} ({s.id})" if s.name and s.name != s.id else s.id for _, s in st.sections()}
    wf = next(w for w in sc.workload.workflows if w.id == str(task["workflow"].iloc[0]))
    route = compile_route(st, wf, sc.params)
    names = dict(zip(led.leaders["leader"], led.leaders["name"])) if len(led.leaders) else {}
    # walk the route; person steps consume their logged events (dispatch ones ride along), leader
    # steps take the gap up to the next logged event (or the completion)
    out, i, t_prev, pending = [], 0, float(task["arrival"].iloc[0]), []

    def flush_leaders(until):
        if pending:
            for k, step in enumerate(pending):  # consecutive sign-offs share the gap in equal parts
                a = t_prev + (until - t_prev) * k / len(pending)
                b = t_prev + (until - t_prev) * (k + 1) / len(pending)
                out.append({"lane": f"{names.get(step.leader, step.leader)}", "kind": "leader",
                            "activity": step.name, "who": step.leader, "start": a, "end": b,
                            "shared": len(pending)})
            pending.clear()

    for step in route:
        if step.kind == "leader":
            pending.append(step)
            continue
        if step.kind not in ("work", "visit", "coord", "head"):
            continue
        took = False
        while i < len(rows) and (rows[i]["activity"] == step.name or (rows[i]["kind"] == "dispatch" and not took)):
            if not took:
                flush_leaders(rows[i]["start"])
            out.append(rows[i])
            took = took or rows[i]["activity"] == step.name
            t_prev = rows[i]["end"]
            i += 1
    out.extend(rows[i:])  # anything the route did not explain stays visible
    if done is not None:
        flush_leaders(done)
    df = pd.DataFrame(out).sort_values("start", kind="stable").reset_index(drop=True)
    df["shared"] = df["shared"].fillna(1).astype(int) if "shared" in df else 1
    return df.assign(label=[sec_names.get(l, l) for l in df["lane"]])


def plot_journey(run, case: int, scenario: Scenario | str | None = None) -> Figure:
    """Swimlane of one task: a lane per section and leader it touched, bars for work and sign-offs
    (coloured by kind), a grey path for the waiting between them; time in working days."""
    style.setup()
    led = as_ledgers(run)
    j = case_journey(led, case, scenario)
    hpd = led.hours_per_day or 8.0
    lanes = list(dict.fromkeys(j["lane"]))
    y = {l: i for i, l in enumerate(lanes)}
    fig = Figure(figsize=(9, 0.55 * len(lanes) + 1.6), layout="constrained")
    ax = fig.subplots()
    task = led.tasks[led.tasks["task"] == case]
    t0 = float(task["arrival"].iloc[0]) if len(task) else float(j["start"].min())
    prev = (t0 / hpd, y[lanes[0]])
    for r in j.itertuples():
        s, e = r.start / hpd, r.end / hpd
        ax.plot([prev[0], s], [prev[1], y[r.lane]], color="lightgrey", lw=1, zorder=1)
        split = getattr(r, "shared", 1) > 1  # consecutive sign-offs: order known, their split of the gap is not
        ax.barh(y[r.lane], max(e - s, 0.002), left=s, height=0.55, color=KIND_COLOURS[r.kind], zorder=2,
                alpha=0.45 if split else 1.0, hatch="//" if split else None, edgecolor="white" if split else None)
        prev = (e, y[r.lane])
    if len(task):
        end = float(task["completion"].iloc[0]) / hpd
        ax.axvline(t0 / hpd, color="green", lw=0.8, ls=":")
        ax.axvline(end, color="black", lw=0.8, ls=":")
        t = task.iloc[0]
        title = (f"{led.structure}: task {case} ({t['workflow']}) — {t['cycle_days']:.2f} days, "
                 f"{int(t['handoffs'])} handoffs, {int(t['coordination_steps'])} coordination steps, "
                 f"{int(t['approval_levels'])} approvals, waited {t['waiting_hours']:.1f} h")
    else:
        title = f"{led.structure}: task {case} (not finished in the run)"
    labels = dict(zip(j["lane"], j["label"]))
    who = dict(zip(j["lane"], j["who"]))
    ax.set_yticks(range(len(lanes)), [style.zh(labels[l], who[l] if j.loc[j["lane"] == l, "kind"].iloc[0] == "leader"
                                               else l) for l in lanes], fontsize=9)
    ax.set_ylim(len(lanes) - 0.5, -0.5)
    ax.set_xlabel("working day")
    ax.set_title(title, fontsize=9)
    kinds = [k for k in KIND_COLOURS if k in set(j["kind"])]
    handles = [Patch(color=KIND_COLOURS[k], label=KIND_LABELS[k]) for k in kinds]
    if "shared" in j and (j["shared"] > 1).any():
        handles.append(Patch(facecolor=KIND_COLOURS["leader"], alpha=0.45, hatch="//", edgecolor="white",
                             label="consecutive sign-offs: gap split evenly (not logged)"))
    fig.legend(handles=handles, fontsize=8, loc="outside lower center", ncol=min(len(handles), 3), frameon=False)
    ax.grid(axis="x", alpha=0.3)
    return fig


def interesting_case(run, workflow: str | None = None) -> int:
    """A finished task worth drawing: the one with the most handoffs and approvals (then the longest)."""
    t = as_ledgers(run).tasks
    if workflow is not None:
        t = t[t["workflow"].astype(str) == workflow]
    t = t.assign(_score=t["handoffs"] + t["approval_levels"]).sort_values(["_score", "cycle_hours"], ascending=False)
    return int(t["task"].iloc[0])
