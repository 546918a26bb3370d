"""Form helpers shared by every package's views."""

from __future__ import annotations

from wtforms import Field


def add_error(field: Field, message: str) -> None:
    """Show ``message`` beside ``field`` and in the form's error summary."""
    field.errors = [*field.errors, message]
