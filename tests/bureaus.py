"""Test helper: the finance bureau with one mechanism's seed setting taken out, for tests that pin a
count another mechanism would add to (the bouncing of a contested function adds handoffs)."""
import sim

NO_CLAIMS = {"structures.fragmented.bodies.0.sections.3.claims": []}  # 政法科's claim on 行政科's work (seed 000)


def finance_without_claims():
    """finance_bureau as shipped, except that no section claims another's function (职能交叉)."""
    return sim.load_scenario("finance_bureau").with_overrides(NO_CLAIMS)
