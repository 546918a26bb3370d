"""Subject access: what the service holds about a participant, found by the reference they get
by texting MYDATA."""

from __future__ import annotations

from flask import Blueprint, Flask

bp = Blueprint("subject_access", __name__, url_prefix="/mydata")

from changemakers.subject_access import views  # noqa: E402,F401


def init_app(app: Flask) -> None:
    """The MYDATA lookup page, and the references a young person is given, held for a while."""
    from changemakers import navigation
    from changemakers.navigation import NavItem
    from changemakers.subject_access import services

    app.register_blueprint(bp)
    services.register(app, services.REFERENCES)
    navigation.register(
        app,
        NavItem(
            "What we hold (MYDATA)",
            "subject_access.lookup",
            "answer a young person's request to see their data",
        ),
    )
