"""Seed claims reproduced from simulated data: ``python -m experiments reproduce``.

- ``structures``: structural builds for the count claims (Harbin's 652 divisions, Shanxi's counties)
- ``runs``: paired runs (common random numbers) of the seed scenarios, in a process pool
- ``claims``: the claims table: each claim, its expected figure, the figure computed from runs, the verdict
- ``figures``: before/after and sensitivity figures (matplotlib Figures, reusable)
- ``where``: one global sample per seed system: where each claim holds (boxes, Sobol indices), counter-cases
- ``reproduce``: runs everything and writes claims.csv, claims.md, sensitivity.csv and figures
"""
