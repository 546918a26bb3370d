"""Forms every content editor uses: a reviewer's reason to send a version back, a file to import."""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired, FileSize
from wtforms import TextAreaField
from wtforms.validators import DataRequired, Length

from changemakers.content import files
from changemakers.content.editing import ContentProblems


class ReturnForm(FlaskForm):
    comment = TextAreaField(
        "What needs changing",
        validators=[DataRequired("Say what needs changing"), Length(max=2000)],
    )


class ImportForm(FlaskForm):
    """A flow or survey file to read into a new draft."""

    file = FileField(
        "A YAML or JSON file",
        validators=[FileRequired("Choose a file"), FileSize(256 * 1024, message="Too big")],
    )

    def content(self) -> Any:
        """What the file holds; ``ContentProblems`` says why it cannot be read."""
        if not self.validate_on_submit():
            raise ContentProblems([e for errors in self.errors.values() for e in errors])
        return files.load_upload(self.file.data)
