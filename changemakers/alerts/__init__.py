"""The safeguarding desk: alerts from messages that suggest a young person is in danger or
disclosing harm, the reviewers' queue and replies, and the detector's rules that raise them."""

from flask import Blueprint

bp = Blueprint("alerts", __name__, url_prefix="/alerts")


@bp.app_template_filter("alert_category")
def alert_category(category: str) -> str:
    """An alert's category as reviewers read it ("Self-harm or suicide")."""
    from changemakers.alerts.rules import detector_in_force

    return detector_in_force().categories.get(category) or category.replace("_", " ").capitalize()


from changemakers.alerts import views  # noqa: E402,F401
