from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, SelectChoice, SelectMultipleField
from wtforms.validators import DataRequired, EqualTo, Length
from wtforms.widgets import CheckboxInput, ListWidget

from changemakers.accounts.models import Role


class CheckboxesField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def role_choices() -> list[SelectChoice]:
    return [SelectChoice(role.value, role.label) for role in Role]


class LoginForm(FlaskForm):
    email = EmailField(
        "Email address", validators=[DataRequired("Enter your email address"), Length(max=254)]
    )
    password = PasswordField(
        "Password", validators=[DataRequired("Enter your password"), Length(max=256)]
    )


class ChoosePasswordForm(FlaskForm):
    password = PasswordField(
        "New password",
        description="At least 12 characters. Three random words work well.",
        validators=[DataRequired("Enter a new password")],
    )
    confirm = PasswordField(
        "Confirm new password",
        validators=[
            DataRequired("Enter the password again"),
            EqualTo("password", "Passwords do not match"),
        ],
    )


class ChangePasswordForm(ChoosePasswordForm):
    current = PasswordField(
        "Current password", validators=[DataRequired("Enter your current password")]
    )


class NewUserForm(FlaskForm):
    email = EmailField(
        "Email address",
        validators=[DataRequired("Enter their email address"), Length(max=254)],
    )
    roles = CheckboxesField(
        "Roles",
        description="Choose every role this person needs.",
        choices=role_choices(),
        validators=[DataRequired("Choose at least one role")],
    )


class RolesForm(FlaskForm):
    roles = CheckboxesField(
        "Roles", choices=role_choices(), validators=[DataRequired("Choose at least one role")]
    )
