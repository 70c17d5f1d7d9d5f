"""The mechanisms: one module per rule, each with its parameters and the reason it is there.

Each mechanism depends on the engine core (``sim.engine``) through its interface and never the
reverse. ``sim.model.OfficeModel`` builds them in the order of ``sim.model.MECHANISMS``; the order
matters only where two react to one event (see each hook's subscribers there).
"""
