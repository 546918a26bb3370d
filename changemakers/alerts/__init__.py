"""The safeguarding desk: alerts from messages that suggest a young person is in danger or
disclosing harm, the reviewers' queue and replies, and the detector's rules that raise them."""

from __future__ import annotations

from flask import Blueprint, Flask

# No prefix: the desk's pages are under /alerts, its figures for the board under /findings.
bp = Blueprint("alerts", __name__)


@bp.app_template_filter("alert_category")
def alert_category(category: str) -> str:
    """An alert's category as reviewers read it ("Self-harm or suicide")."""
    from changemakers.alerts.rules import detector_in_force
    from changemakers.safeguarding import NOT_SCREENED

    if category == NOT_SCREENED:
        return "Not screened: a language the detector cannot screen"
    return detector_in_force().categories.get(category) or category.replace("_", " ").capitalize()


from changemakers.alerts import views  # noqa: E402,F401


def init_app(app: Flask) -> None:
    """The desk's pages, what alerts hold about a young person and how long, menu and the
    alerts overdue on the home page."""
    from changemakers import annual, navigation
    from changemakers.alerts import services
    from changemakers.alerts.annual import desk_section
    from changemakers.alerts.retention import CLOSED_ALERTS, SENT_NOTIFICATIONS
    from changemakers.database import utcnow
    from changemakers.navigation import NavItem, Work, WorkWaiting
    from changemakers.retention import services as retention
    from changemakers.subject_access import services as participant_data

    app.register_blueprint(bp)
    participant_data.register(app, services.ALERT_DATA)
    retention.register(app, CLOSED_ALERTS)
    retention.register(app, SENT_NOTIFICATIONS)
    annual.register(app, desk_section)
    navigation.register(
        app,
        NavItem(
            "Safeguarding alerts",
            "alerts.queue",
            "messages that suggest a young person is in danger",
            services.desk_badge,
        ),
        NavItem(
            "Desk rota",
            "alerts.rota",
            "who is on duty, to be told at once of a young person in danger",
        ),
        NavItem(
            "Detector rules",
            "alerts.detector_rules",
            "the rules that spot a young person in danger, checked against a corpus",
        ),
    )
    navigation.register_work(
        app,
        WorkWaiting(
            "alerts.queue",
            "{count} safeguarding alert(s) overdue: nobody has picked them up in time",
            lambda person: Work(services.overdue_count(utcnow())),
        ),
    )
