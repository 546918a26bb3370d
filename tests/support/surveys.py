"""A published survey with every kind of question, and its responses once released."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from sqlalchemy import select

from changemakers.database import utcnow
from changemakers.extensions import db
from surveys import services
from surveys.models import SurveyResponse

EVERY_KIND: dict[str, Any] = {
    "title": "Every kind",
    "slug": "every-kind",
    "keyword": "KINDS",
    "intro": "A test survey.",
    "privacy": "Don't put names in your answers.",
    "thanks": "Thanks: the board will see the totals.",
    "sensitive": True,
    "questions": [
        {
            "id": "colour",
            "kind": "single_choice",
            "text": "Favourite colour?",
            "options": ["Red", "Green", "Blue sky"],
        },
        {
            "id": "worries",
            "kind": "multiple_choice",
            "text": "What worries you?",
            "options": ["Knife crime", "Online safety", "Exams", "Money"],
        },
        {
            "id": "safe",
            "kind": "scale",
            "text": "How safe do you feel?",
            "min": 1,
            "max": 5,
            "labels": {"1": "Very unsafe", "5": "Very safe"},
        },
        {
            "id": "when",
            "kind": "single_choice",
            "text": "When least safe?",
            "options": ["Day", "Night"],
            "show_if": {"question": "safe", "any_of": ["1", "2"]},
            "required": False,
        },
        {"id": "hours", "kind": "number", "text": "Hours online a day?", "min": 0, "max": 24},
        {
            "id": "change",
            "kind": "free_text",
            "text": "One thing to change?",
            "required": False,
            "max_length": 200,
        },
        {"id": "age", "kind": "demographic", "demographic": "age_band", "text": "How old?"},
    ],
}


def released_responses() -> Sequence[SurveyResponse]:
    """Every stored response once the worker has released the mixing pools, as it does the
    next day at the latest."""
    services.release_due_pools(utcnow() + timedelta(days=1))
    return db.session.scalars(select(SurveyResponse)).all()
