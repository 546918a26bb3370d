"""What surveys hold about a participant: only that their phone answered a survey (never what
it answered), for a subject access request and erasure (``changemakers.subject_access``)."""

from __future__ import annotations

from sqlalchemy import delete, select

from changemakers.extensions import db
from changemakers.subject_access.services import HeldItem, HeldSection, ParticipantData
from surveys.models import Survey, SurveyParticipation


def describe(pseudonym: str) -> HeldSection:
    rows = db.session.execute(
        select(Survey.title, SurveyParticipation.on)
        .join(Survey, Survey.id == SurveyParticipation.survey_id)
        .where(SurveyParticipation.pseudonym == pseudonym)
        .order_by(SurveyParticipation.on)
    )
    return HeldSection(
        "Surveys by text",
        [HeldItem("Answered", f"{row.title} (on {row.on:%-d %b %Y})") for row in rows],
        "Only that your phone answered, so nobody answers twice. Your answers are kept with "
        "no link to you, so they cannot be shown or deleted as yours.",
    )


def erase(pseudonym: str) -> None:
    db.session.execute(
        delete(SurveyParticipation).where(SurveyParticipation.pseudonym == pseudonym)
    )


SURVEY_DATA = ParticipantData("surveys", describe, erase)
