"""One error type for bad input, so the CLI can report it in one line and exit non-zero."""
from __future__ import annotations

import re

# the name of one item of each list a scenario holds, for "workflow #3 'exam', step 4"
_ITEM = {"workflows": "workflow", "steps": "step", "bodies": "body", "sections": "section", "staff": "staff member",
         "leaders": "leader", "windows": "window", "combos": "combo", "reforms": "reform", "services": "service",
         "functions": "function", "weekly_profile": "weekday", "structures": "structure", "roles": "role",
         "nameplates": "nameplate", "bodies_": "body"}


class InputError(ValueError):
    """Bad scenario, experiment file or argument: names the file, the field path and the reason.

    ``where`` says the same place for a reader: list items counted from 1, with their ids."""

    def __init__(self, file, field, reason, where: str | None = None):
        self.file = str(file) if file is not None else "<input>"
        self.field = field or "<root>"
        self.reason = reason
        self.where = where
        place = f"{self.field} ({where})" if where else self.field
        super().__init__(f"{self.file}: {place}: {reason}")

    def described(self, raw) -> "InputError":
        """The same error with ``where`` read off the document ``raw`` the dotted path points into."""
        if self.where is not None:
            return self
        where = describe(raw, self.field)
        return InputError(self.file, self.field, self.reason, where) if where else self


MAX_NAME = 100  # characters in a name that becomes a folder (experiment and structure names)
_UNSAFE_NAME = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f]')  # more than one folder, or refused by Windows


def folder_name_problem(name) -> str | None:
    """Why ``name`` cannot be one plain folder name (results and ledgers are written under it), or None:
    ``../x``, ``/abs`` or ``a/b`` would put files outside the folder the user gave."""
    if not isinstance(name, str) or not name.strip():
        return f"must be a non-empty string, got {short(name)}"
    if _UNSAFE_NAME.search(name) or name.startswith("."):
        return ("must be one plain folder name: no / \\ : * ? \" < > | or control characters, no leading dot, "
                f"got {short(name)}")
    if name != name.strip() or name.endswith("."):
        return f"must not begin or end with a space or end with a dot (it is a folder name), got {short(name)}"
    if len(name) > MAX_NAME:
        return f"must be at most {MAX_NAME} characters (it is a folder name), got {len(name)}"
    return None


def short(v) -> str:
    """A value as a message shows it: at most 40 characters (a pasted page must not fill the screen)."""
    text = repr(v)
    return text if len(text) <= 40 else text[:37] + "..."


def not_a_number(v) -> str:
    """The reason for a value that should have been a number, with a hint where the mistake is common."""
    text = short(v)
    if isinstance(v, float):  # NaN or an infinity (.nan, .inf in YAML)
        return f"expected a finite number, got {text}"
    if isinstance(v, bool):
        return f"expected a number, got the boolean {str(v).lower()}"
    if isinstance(v, str) and re.fullmatch(r"\s*\d+:\d+\s*", v):
        h, m = v.strip().split(":")
        return f"expected a number, got {text}: write it as a decimal ({v.strip()} is {int(h) + int(m) / 60:g})"
    return f"expected a number, got {text}"


def describe(raw, path: str) -> str | None:
    """``workload.workflows.2.steps.3.hours`` -> ``workflow #3 'recruitment_exam', step 4``: what a
    person reading the file counts (from 1) and sees (ids), for the dotted path a program uses."""
    parts, node, key, out = str(path).split("."), raw, None, []
    for p in parts:
        if isinstance(node, list) and p.isdigit() and int(p) < len(node):
            node = node[int(p)]
            label = f"{_ITEM.get(key, 'item')} #{int(p) + 1}"
            if isinstance(node, dict) and isinstance(node.get("id"), (str, int)) and not isinstance(node.get("id"), bool):
                label += f" {str(node['id'])!r}"
            elif isinstance(node, dict) and len(node) == 1 and key == "reforms":
                label += f" {next(iter(node))}"
            out.append(label)
        elif isinstance(node, dict) and p in node:
            if key == "structures":
                out.append(f"structure {p!r}")
            node = node[p]
        else:
            break
        key = p
    return ", ".join(out) or None
