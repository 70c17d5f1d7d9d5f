"""User-facing errors: the CLI prints these as one line and exits non-zero, no traceback."""


class ExperimentError(Exception):
    """Base for errors caused by user input or state, not by bugs."""


class SpecError(ExperimentError):
    """A bad experiment file; formatted like ``sim.InputError`` as FILE: FIELD: REASON."""

    def __init__(self, file, field, reason):
        self.file, self.field, self.reason = str(file), field, reason
        super().__init__(f"{self.file}: {field}: {reason}")
