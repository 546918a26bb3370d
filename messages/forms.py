from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import StringField, TextAreaField
from wtforms.validators import DataRequired, Length


class SimulatorForm(FlaskForm):
    number = StringField(
        "Pretend phone number",
        description="Any UK mobile number; 07700 900000 to 07700 900999 are kept for drama.",
        validators=[DataRequired("Enter a pretend phone number"), Length(max=32)],
    )
    body = TextAreaField(
        "Message",
        validators=[Length(max=1600, message="A text can be up to 1,600 characters")],
    )
