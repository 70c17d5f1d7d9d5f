"""Labels of the teaching app in Chinese and English: ``sim.i18n`` holds every label of the project
(the app's, the command line's and the measures'); this module re-exports it for the app."""
from sim.i18n import DEFAULT_LANGUAGE, LABELS, LANGUAGES, t  # noqa: F401

__all__ = ["DEFAULT_LANGUAGE", "LABELS", "LANGUAGES", "t"]
