from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import StringField, TextAreaField
from wtforms.validators import DataRequired, Length


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
