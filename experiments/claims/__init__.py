"""Seed claims reproduced from simulated data: ``python -m experiments reproduce``.

- ``structures``: structural builds for the count claims (Harbin's 652 divisions, Shanxi's counties)
- ``runs``: paired runs (common random numbers) of the seed scenarios, in a process pool
- ``claims``: the claims table: each claim in its tier, its margin, the figure computed from runs, the verdict
- ``loads``: load imbalance as a knob (a premise removed, a factor of the global sample)
- ``where``: one global sample per seed system: where each claim holds (boxes, Sobol indices), counter-cases
- ``reproduce``: runs everything (sequentially, until verdicts are decided) and writes claims.csv, claims.md and figures
"""
