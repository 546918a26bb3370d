"""Forms of the safeguarding desk."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import HiddenField, TextAreaField
from wtforms.validators import AnyOf, DataRequired, Length

from changemakers.alerts.rules import NOTE_MAX_LENGTH, SUMMARY_MAX_LENGTH
from changemakers.alerts.services import CLOSE_NOTE_MAX_LENGTH, REPLY_MAX_LENGTH


class ReplyForm(FlaskForm):
    body = TextAreaField(
        "Reply to the young person",
        description=(
            f"Sent as a text from the service, at once. Up to {REPLY_MAX_LENGTH} characters "
            "(two texts). Keep it neutral on a lock screen and never ask for their name."
        ),
        validators=[
            DataRequired("Write a reply first"),
            Length(max=REPLY_MAX_LENGTH, message=f"Keep it to {REPLY_MAX_LENGTH} characters"),
        ],
    )
    form_token = HiddenField()


class CloseForm(FlaskForm):
    note = TextAreaField(
        "What was done",
        description="For the safeguarding record, e.g. 'Replied with Childline; referred to "
        "the MASH'. Phone numbers and emails are taken out.",
        validators=[
            DataRequired("Say what was done before closing the alert"),
            Length(max=CLOSE_NOTE_MAX_LENGTH),
        ],
    )


class OnDutyForm(FlaskForm):
    """The rota's button: ``yes`` puts the reviewer on duty, ``no`` takes them off."""

    on_duty = HiddenField(validators=[AnyOf(("yes", "no"))])


class DetectorRulesForm(FlaskForm):
    rules = TextAreaField(
        "The rules",
        description="In YAML, as the comments at the top explain. Check an edit against the "
        "corpus before you propose it; another reviewer approves it before it is in force.",
        validators=[DataRequired("Write the rules first")],
    )
    summary = TextAreaField(
        "What you changed, and why",
        description="Needed to propose the change: a sentence or two for the reviewer who "
        "approves it and for the record, e.g. 'Catches \"got jumped\" as violence'.",
        validators=[
            Length(
                max=SUMMARY_MAX_LENGTH,
                message=f"Keep the summary under {SUMMARY_MAX_LENGTH} characters",
            )
        ],
    )
    based_on = HiddenField()  # which rules were in force when the edit began


class RuleSetDecisionForm(FlaskForm):
    note = TextAreaField(
        "What needs changing",
        description="Needed to return the change: it is shown to its proposer and kept.",
        validators=[
            Length(max=NOTE_MAX_LENGTH, message=f"Keep it under {NOTE_MAX_LENGTH} characters")
        ],
    )
