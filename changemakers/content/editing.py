"""What flow and survey editors share, in plain Python: the errors that refuse content or a
change to it, and ids made from the words a Changemaker typed."""

from __future__ import annotations

import re

_NOT_ID = re.compile(r"[^a-z0-9]+")


class ContentProblems(Exception):
    """Content (a flow, a survey, a file of one) that cannot be taken as it is; ``problems``
    lists every reason, in words for its author."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


class EditError(Exception):
    """The change cannot be made; the message says why."""


def new_id(label: str, taken: set[str]) -> str:
    """An id for a new step or question, made from its first words and unlike those ``taken``."""
    base = _NOT_ID.sub("_", label.lower()).strip("_")[:24] or "step"
    if not base[0].isalpha():
        base = "step_" + base
    candidate, number = base, 2
    while candidate in taken:
        candidate, number = f"{base}_{number}", number + 1
    return candidate
