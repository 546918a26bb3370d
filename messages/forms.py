from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    FieldList,
    Form,
    FormField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields import Field
from wtforms.validators import DataRequired, Length

from changemakers.languages import TRANSLATED
from messages.signposting import Entry

OPTION_ROWS = 6
STEP_KIND_CHOICES = [
    SelectChoice("message", "Send a message, then go on"),
    SelectChoice("question", "Ask a question with options"),
    SelectChoice("free_text", "Ask them to write something"),
    SelectChoice("follow_up", "Wait, then go on (a follow-up later)"),
    SelectChoice("jump", "Jump to another flow or a survey"),
    SelectChoice("end", "End (with a last message)"),
]
# The fields of the step form each kind of step uses (what ``flows.engine`` reads of it); the
# form shows only these, and saving keeps only these.
KIND_FIELDS: dict[str, frozenset[str]] = {
    "message": frozenset({"text", "next"}),
    "question": frozenset({"text", "options", "hint", "expires_after"}),
    "free_text": frozenset({"text", "next", "expires_after"}),
    "follow_up": frozenset({"after", "next"}),
    "jump": frozenset({"text", "flow", "to_kind", "to_ref"}),
    "end": frozenset({"text"}),
}


class SimulatorForm(FlaskForm):
    number = StringField(
        "Pretend phone number",
        description=(
            "From 07700 900000 to 07700 900999: Ofcom keeps these for drama, "
            "so they are never a real phone."
        ),
        validators=[DataRequired("Enter a pretend phone number"), Length(max=32)],
    )
    body = TextAreaField(
        "Message",
        validators=[Length(max=1600, message="A text can be up to 1,600 characters")],
    )
    on_whatsapp = BooleanField("Send it on WhatsApp, not as an SMS")


class BroadcastForm(FlaskForm):
    body = TextAreaField(
        "Message",
        description=(
            "Sent to everyone who texted UPDATES, after another reviewer or admin approves it. "
            "Up to 320 characters (two texts); it must read neutrally on a lock screen."
        ),
        validators=[
            DataRequired("Write the message"),
            Length(max=320, message="Keep it to 320 characters (two texts)"),
        ],
    )


class NewFlowForm(FlaskForm):
    name = StringField(
        "Name",
        description="What the flow is about, for the team (young people never see it).",
        validators=[DataRequired("Give the flow a name"), Length(max=120)],
    )
    keyword = StringField(
        "Keyword",
        description="The word young people text to start it, such as FRIEND.",
        validators=[DataRequired("Choose a keyword"), Length(max=32)],
    )


class FlowSettingsForm(NewFlowForm):
    start = SelectField("First step", validators=[DataRequired("Choose the first step")])


class OptionForm(Form):
    label = StringField("Option", validators=[Length(max=80)])
    replies = StringField(
        "Other words that choose it",
        description="Separated by commas, such as: signs, sign",
        validators=[Length(max=200)],
    )
    next = SelectField("Goes to", validate_choice=False)


class StepForm(FlaskForm):
    kind = SelectField("What this step does", choices=STEP_KIND_CHOICES)
    text = TextAreaField("Message", validators=[Length(max=1600)])
    hint = StringField(
        "Hint, if the reply is not understood",
        description="Sent once; after that the question is sent again.",
        validators=[Length(max=320)],
    )
    next = SelectField("Then goes to", validate_choice=False)
    expires_after = StringField(
        "Stop waiting for a reply after",
        description="Such as 3d (days), 12h (hours) or 30m (minutes). Empty: 3 days.",
        validators=[Length(max=8)],
    )
    after = StringField(
        "Wait before the next message", description="Such as 2d.", validators=[Length(max=8)]
    )
    flow = StringField("Jump to the flow with keyword", validators=[Length(max=32)])
    to_kind = SelectField("Or jump to", validate_choice=False)
    to_ref = StringField("Its short name", validators=[Length(max=64)])
    options = FieldList(FormField(OptionForm), min_entries=OPTION_ROWS, max_entries=OPTION_ROWS)


class NewStepForm(FlaskForm):
    text = StringField(
        "First words of the new step's message",
        description=(
            "Such as: Here are some signs to look out for. The step is called by its first "
            "words; you can finish the message next."
        ),
        validators=[DataRequired("Write the first words of the step"), Length(max=160)],
    )
    kind = SelectField("What it does", choices=STEP_KIND_CHOICES)


class NewOptionForm(FlaskForm):
    """An option of a question and the new step it leads to, made in one go."""

    label = StringField(
        "Option",
        description="What they reply to choose it, such as: ideas",
        validators=[DataRequired("Write the option's words"), Length(max=80)],
    )
    replies = StringField(
        "Other words that choose it",
        description="Separated by commas, such as: idea, help",
        validators=[Length(max=200)],
    )
    text = StringField(
        "First words of the step it leads to",
        description="You can finish the message next.",
        validators=[DataRequired("Write the first words of the new step"), Length(max=160)],
    )
    kind = SelectField("What that step does", choices=STEP_KIND_CHOICES)


class ExampleForm(FlaskForm):
    name = StringField(
        "What the example shows", validators=[DataRequired("Name the example"), Length(max=80)]
    )
    texts = TextAreaField(
        "They text (one message a line)",
        description="Start with the keyword, such as: FRIEND, then 2, then yes.",
        validators=[DataRequired("Write at least the keyword"), Length(max=2000)],
    )
    expect = TextAreaField(
        "They get messages saying (one a line, in order)",
        description="A few words from each message is enough.",
        validators=[Length(max=2000)],
    )


class TryForm(FlaskForm):
    body = TextAreaField("Message", validators=[Length(max=1600)])


class ReviewDateField(DateField):
    """A date typed or picked; left empty it is ``None`` (the directory says what is missing)."""

    def process_formdata(self, valuelist: list[Any]) -> None:
        if not valuelist or not " ".join(valuelist).strip():
            self.data = None
            return
        super().process_formdata(valuelist)


def _words(value: str | None) -> str:
    return " ".join((value or "").split())


# Created before the others, so that the name comes first wherever the form lists its fields.
_SIGNPOST_NAME = StringField(
    "Name used in messages",
    description=(
        "Lowercase letters, numbers and underscores, such as young_minds: a message writes it "
        "as {young_minds}. It cannot change later, because messages use it."
    ),
)


class SignpostForm(FlaskForm):
    """An entry of the signposting directory; the rules are ``signposting.problems``."""

    title = StringField("Service", description="Its name as young people know it, such as Shout.")
    contact = StringField(
        "Phone number or text code",
        description="A UK phone number, such as 0800 1111, or a short code such as 85258.",
    )
    text = TextAreaField(
        "How it reads inside a message",
        description=(
            "Up to 160 characters, including the number or text code, such as: "
            "text SHOUT to 85258. It appears where a message names this entry."
        ),
    )
    hours = StringField(
        "When it is open", description="Such as 24 hours, or Monday to Friday 9am to 5pm."
    )
    audience = StringField(
        "Who it is for", description="Such as children and young people under 19."
    )
    review_by = ReviewDateField(
        "Check it again by",
        description="Someone checks the number, hours and who it is for by this date.",
        format=["%Y-%m-%d", "%d/%m/%Y"],
        invalid_value_message="Enter a real date, such as 2027-05-01.",
    )

    def translation_fields(self) -> list[Field]:
        """How it reads in each language besides English (``text_es``, …)."""
        return [self[f"text_{language.code}"] for language in TRANSLATED]

    def show_translations(self, translations: Mapping[str, Mapping[str, str]]) -> None:
        for language in TRANSLATED:
            self[f"text_{language.code}"].data = (translations.get(language.code) or {}).get(
                "text", ""
            )

    def entry(self, name: str = "") -> Entry:
        """The entry as written, with stray spaces taken out."""
        translations = {
            language.code: {"text": _words(self[f"text_{language.code}"].data)}
            for language in TRANSLATED
            if _words(self[f"text_{language.code}"].data)
        }
        return Entry(
            name=name,
            title=_words(self.title.data),
            text=_words(self.text.data),
            contact=_words(self.contact.data),
            hours=_words(self.hours.data),
            audience=_words(self.audience.data),
            review_by=self.review_by.data,
            translations=translations,
        )


for _language in TRANSLATED:
    setattr(
        SignpostForm,
        f"text_{_language.code}",
        TextAreaField(
            f"How it reads inside a message in {_language.name} (optional)",
            description=(
                f"For young people who chose {_language.name}; left empty, they get the "
                "English words. Include the number or text code."
            ),
        ),
    )


class NewSignpostForm(SignpostForm):
    name = _SIGNPOST_NAME

    def entry(self, name: str = "") -> Entry:
        return super().entry((self.name.data or "").strip())


class CheckedForm(FlaskForm):
    confirm = BooleanField(
        "I have checked the number, the hours and who it is for, and they are still right",
        validators=[DataRequired("Tick the box to say you have checked the details.")],
    )
