"""Subject access: what the service holds about a participant, found by the reference they get
by texting MYDATA."""

from flask import Blueprint

bp = Blueprint("subject_access", __name__, url_prefix="/mydata")

from changemakers.subject_access import views  # noqa: E402,F401
