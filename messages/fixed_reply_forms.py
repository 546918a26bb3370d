"""The form a Changemaker writes a fixed reply with."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import StringField, TextAreaField
from wtforms.validators import DataRequired, Length

from messages.fixed_replies import MAX_KEYWORD, MAX_SEGMENTS


class FixedReplyForm(FlaskForm):
    keyword = StringField(
        "Keyword",
        description="The word young people text to get the reply, such as TIPS.",
        validators=[
            DataRequired("Choose a keyword"),
            Length(max=MAX_KEYWORD, message=f"Keep the keyword to {MAX_KEYWORD} characters"),
        ],
    )
    # ``text``: the page's live count of characters and texts follows the field of this id.
    text = TextAreaField(
        "Reply",
        description=f"What they get back, in one go: up to {MAX_SEGMENTS} texts.",
        validators=[
            DataRequired("Write the reply"),
            Length(max=1600, message="A reply can be up to 1,600 characters"),
        ],
    )
