"""One error type for bad input, so the CLI can report it in one line and exit non-zero."""


class InputError(ValueError):
    """Bad scenario, experiment file or argument: names the file, the field path and the reason."""

    def __init__(self, file, field, reason):
        self.file = str(file) if file is not None else "<input>"
        self.field = field or "<root>"
        self.reason = reason
        super().__init__(f"{self.file}: {self.field}: {reason}")
