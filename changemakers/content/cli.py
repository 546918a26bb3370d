"""Content read from a file at the command line, the same way for flows and surveys."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import click

from changemakers.content import files
from changemakers.content.editing import ContentProblems


def import_content(source: Any, importer: Callable[[Any, None], Any], what: str) -> Any:
    """A file read by ``importer`` into a new draft, or a clear refusal listing every problem."""
    try:
        return importer(files.load(source.read(), source.name), None)
    except ContentProblems as error:
        raise click.ClickException(
            f"the {what} was not imported:\n" + "\n".join(f"  - {p}" for p in error.problems)
        ) from None
