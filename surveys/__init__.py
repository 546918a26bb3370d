"""Surveys answered on the web or by SMS, their anonymised responses and the findings.

``definition`` reads a survey as plain data, ``answers`` parses and checks answers (a web form's
or a text message's) and decides which question comes next; both are plain functions.
"""

from flask import Blueprint

bp = Blueprint("surveys", __name__, template_folder="templates")

from surveys import board_views, coding_views, editor_views, views  # noqa: E402,F401
