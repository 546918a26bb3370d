"""The safeguarding desk: alerts from messages that suggest a young person is in danger or
disclosing harm, the reviewers' queue and replies, and the detector's rules that raise them."""

from flask import Blueprint

bp = Blueprint("alerts", __name__, url_prefix="/alerts")

from changemakers.alerts import views  # noqa: E402,F401
