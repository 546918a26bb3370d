from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional

QUESTION_KIND_CHOICES = [
    SelectChoice("single_choice", "Choose one"),
    SelectChoice("multiple_choice", "Choose any that apply"),
    SelectChoice("scale", "A scale, such as 1 to 5"),
    SelectChoice("number", "A number"),
    SelectChoice("free_text", "Their own words"),
    SelectChoice("demographic", "About them (age, gender, area)"),
]
DEMOGRAPHIC_CHOICES = [
    SelectChoice("", "—"),
    SelectChoice("age_band", "Age band"),
    SelectChoice("gender", "Gender"),
    SelectChoice("area", "Area (list the areas as options)"),
]


class NewSurveyForm(FlaskForm):
    title = StringField(
        "Title", validators=[DataRequired("Give the survey a title"), Length(max=160)]
    )
    slug = StringField(
        "Web address name",
        description=(
            "Small letters, numbers and -, such as what-matters: "
            "the survey will be at /s/what-matters."
        ),
        validators=[DataRequired("Choose a web address name"), Length(max=64)],
    )


class SurveySettingsForm(NewSurveyForm):
    keyword = StringField("SMS keyword (optional)", validators=[Length(max=32)])
    intro = TextAreaField("Introduction", validators=[Length(max=600)])
    privacy = TextAreaField("Privacy notice, in plain words", validators=[Length(max=600)])
    thanks = TextAreaField("Thank-you and what happens next", validators=[Length(max=600)])
    sensitive = BooleanField("Sensitive topic: show an “exit this page” button")
    opens = DateField("Opens on (optional)", validators=[Optional()])
    closes = DateField("Closes on (optional)", validators=[Optional()])


class QuestionForm(FlaskForm):
    kind = SelectField("Kind of question", choices=QUESTION_KIND_CHOICES)
    text = TextAreaField(
        "Question", validators=[DataRequired("Write the question"), Length(max=300)]
    )
    hint = StringField("Hint (optional)", validators=[Length(max=200)])
    options = TextAreaField(
        "Options, one a line", description="For choices and areas.", validators=[Length(max=2000)]
    )
    required = BooleanField("They must answer this")
    minimum = StringField("Lowest (scale or number)", validators=[Length(max=6)])
    maximum = StringField("Highest (scale or number)", validators=[Length(max=6)])
    labels = TextAreaField(
        "Scale labels, one a line",
        description="Such as: 1: Very unsafe",
        validators=[Length(max=500)],
    )
    max_length = StringField(
        "Longest answer, in characters (own words)", validators=[Length(max=5)]
    )
    demographic = SelectField("About them", choices=DEMOGRAPHIC_CHOICES, validate_choice=False)
    show_if_question = SelectField("Only ask if the answer to", validate_choice=False)
    show_if_answers = TextAreaField("was one of (one a line)", validators=[Length(max=500)])


class NewQuestionForm(FlaskForm):
    text = StringField(
        "New question", validators=[DataRequired("Write the question"), Length(max=300)]
    )
    kind = SelectField("Kind of question", choices=QUESTION_KIND_CHOICES)
