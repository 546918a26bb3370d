"""What surveys hold about a participant: only that their phone answered a survey (never what
it answered), for a subject access request (``changemakers.subject_access``).

A participation is a keyed token of the survey and the phone (``services.participation_token``)
and is kept when the participant texts DELETE: erasing one's data must not be a way to answer
the same survey twice. It goes with the survey. The privacy notice says so.
"""

from __future__ import annotations

from sqlalchemy import select

from changemakers.extensions import db
from changemakers.subject_access.services import HeldItem, HeldSection, ParticipantData
from surveys.models import Survey, SurveyParticipation
from surveys.services import participation_token


def describe(pseudonym: str) -> HeldSection:
    surveys = db.session.execute(select(Survey.id, Survey.title)).all()
    titles = {participation_token(row.id, pseudonym): row.title for row in surveys}
    rows = db.session.execute(
        select(SurveyParticipation.token, SurveyParticipation.on)
        .where(SurveyParticipation.token.in_(titles))
        .order_by(SurveyParticipation.on)
    )
    return HeldSection(
        "Surveys by text",
        [HeldItem("Answered", f"{titles[row.token]} (on {row.on:%-d %b %Y})") for row in rows],
        "Only that your phone answered, as a code that stops anyone answering twice; it stays "
        "after DELETE, for as long as the survey. Your answers are kept with no link to you, "
        "so they cannot be shown or deleted as yours.",
    )


def keep_participations(pseudonym: str) -> None:
    """Erasure leaves participation tokens in place (see above); there is nothing else."""


SURVEY_DATA = ParticipantData("surveys", describe, keep_participations)
