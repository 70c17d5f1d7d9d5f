"""The office model: the engine core (``sim.engine``) with the mechanisms (``sim.mechanisms``).

One structure, one workload, one seed, run as discrete events on Mesa. This module only assembles:
which mechanisms act, in which order (the order in which two mechanisms reacting to one event
react), and the run's diagnostics. See ``sim.run`` for the plain-function entry.
"""
from __future__ import annotations

from .diagnostics import diagnose
from .engine import Engine
from .errors import InputError
from .mechanisms.absences import Absences
from .mechanisms.approvals import Approvals
from .mechanisms.counterparts import Counterparts
from .mechanisms.dispatch import Dispatch
from .mechanisms.halts import Halts
from .mechanisms.internal_coordination import InternalCoordination
from .mechanisms.learning import Learning
from .mechanisms.lending import Lending
from .mechanisms.meetings import Meetings
from .mechanisms.ownership import Ownership
from .mechanisms.rework import Rework
from .mechanisms.routing import Handoff
from .mechanisms.span import Span
from .mechanisms.staggered_leave import StaggeredLeave
from .mechanisms.transition import Transition
from .mechanisms.windows import Windows
from .scenario import Scenario, load_scenario

# Absences first: their episodes are scheduled before anything else (ties at one instant go to the
# earlier-scheduled event); the leave policy beside them (it fills their interface before they start).
# Learning before Transition (the transition slows whatever speed the
# skills give). Dispatch before Halts (hand-outs leave a head's queue before it counts as halted),
# Halts before Lending (a halt is closed before the secondment ends). Span before Dispatch (dispatch reads
# the span of control when it builds). Meetings after Approvals (they sign through it) and Rework after
# Handoff (it adds review steps to the routes Handoff compiles); Ownership between them (it adds its
# contested steps to Handoff's routes, and Rework numbers the routes with them).
MECHANISMS = (Absences, StaggeredLeave, Handoff, InternalCoordination, Counterparts, Ownership, Approvals, Meetings, Rework,
              Windows,
              Learning, Transition, Span, Dispatch, Halts, Lending)


class OfficeModel(Engine):
    """Staff, leaders and tasks of one structure under every mechanism."""

    def __init__(self, *, scenario: Scenario | str | None = None, structure: str | None = None, seed: int = 0,
                 days: int | None = None, record_events: bool = True, summary_only: bool = False,
                 mechanisms=MECHANISMS):
        sc = scenario if isinstance(scenario, Scenario) else load_scenario(scenario)
        structure = structure or sc.structure_names[0]
        if structure not in sc.structures:
            raise InputError(sc.file, "structure", f"unknown structure {structure!r} "
                                                   f"(defined: {', '.join(sc.structure_names)})")
        super().__init__(scenario=sc, structure=structure, seed=seed, days=days, record_events=record_events,
                         mechanisms=mechanisms, summary_only=summary_only)

    def finish(self):
        if self._finished is None:
            res = super().finish()
            res.warnings = diagnose(self, res.summary)
        return self._finished
