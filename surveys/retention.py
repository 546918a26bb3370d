"""What surveys delete once the retention settings no longer allow it to be kept
(``changemakers.retention``).

Responses are anonymous (no contact link, only the day) and are kept: they are what the board's
findings are made of. A participation record (that a phone answered a survey) is erased with its
participant, whether they text DELETE or stay silent for ``CONTACT_RETENTION_DAYS``
(``subject_access.erase_everywhere``). This task is only the safety net for a participation
whose participant is gone some other way: older than ``CONTACT_RETENTION_DAYS`` and with no
contact for its pseudonym, it stops nobody answering twice and is deleted.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Select, exists, select

from changemakers.office_hours import LONDON
from changemakers.retention.services import deleting
from messages.models import Contact
from surveys.models import SurveyParticipation


def _stray(now: datetime, config: Mapping[str, Any]) -> Select[Any]:
    cutoff = (now - timedelta(days=config["CONTACT_RETENTION_DAYS"])).astimezone(LONDON).date()
    return select(SurveyParticipation.id).where(
        SurveyParticipation.on < cutoff,
        ~exists().where(Contact.pseudonym == SurveyParticipation.pseudonym),
    )


STRAY_PARTICIPATIONS = deleting("stray_survey_participations", SurveyParticipation.id, _stray)
