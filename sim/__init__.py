"""Section-structure reform simulator: staff and tasks as agents moving through section structures.

    import sim
    res = sim.run("finance_bureau", structure="merged", seed=1)
    cmp = sim.compare("finance_bureau", replications=10)
"""
from . import reforms
from .compare import Comparison, compare, mean_ci, replication_seeds
from .errors import InputError
from .ledgers import METRICS, RunResult
from .model import OfficeModel
from .run import run
from .scenario import Scenario, available, load_scenario, parse_scenario
from .structure import Body, Combo, Leader, Section, StaffMember, Structure, Window

__all__ = ["Body", "Combo", "Comparison", "InputError", "Leader", "METRICS", "OfficeModel", "RunResult", "Scenario",
           "Section", "StaffMember", "Structure", "Window", "available", "compare", "load_scenario", "mean_ci",
           "parse_scenario", "reforms", "replication_seeds", "run"]
