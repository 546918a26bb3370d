"""Forms of the safeguarding desk."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, TextAreaField
from wtforms.validators import AnyOf, DataRequired, Length

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


class PhraseListForm(FlaskForm):
    phrases = TextAreaField(
        "Phrases that raise an alert",
        description="One a line. Case, punctuation, text-speak and common misspellings are "
        "ignored; a phrase matches whole words, and a * at the end of a word matches any ending "
        "(suicid*).",
        validators=[DataRequired("The list needs at least one phrase")],
    )
    should_alert = TextAreaField(
        "Messages that should raise an alert",
        description="One a line: examples the list must catch.",
    )
    should_not_alert = TextAreaField(
        "Messages that should not raise an alert",
        description="One a line: everyday messages the list must leave alone.",
    )
    save_anyway = BooleanField("Save it anyway: I have read the problems above")
