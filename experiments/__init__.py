"""Experiments at scale: parameter sweeps, replications, resume, Dask, sensitivity.

The simulation model is used as a plain function (``sim.run``); everything here is
about running it many times reproducibly and cheaply. See ``python -m experiments -h``.
"""
from experiments.errors import ExperimentError, SpecError
from experiments.spec import Spec, load_spec

__all__ = ["ExperimentError", "SpecError", "Spec", "load_spec"]
