"""What surveys delete once the retention settings no longer allow it to be kept
(``changemakers.retention``).

Responses are anonymous (no link to anyone, only days) and are kept: they are what the board's
findings are made of. Participation tokens stay as long as their survey (``personal_data``).
A spent web submission token is kept only as long as the signed cookie that carried it could
be replayed (``PERMANENT_SESSION_LIFETIME``, 8 hours): it goes after ``SPENT_TOKEN_DAYS``.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Select, select

from changemakers.office_hours import LONDON
from changemakers.retention.services import deleting
from surveys.models import SubmissionToken

SPENT_TOKEN_DAYS = 2  # whole days, so at least a day: well over the cookie's 8 hours


def _replay_impossible(now: datetime, config: Mapping[str, Any]) -> Select[Any]:
    cutoff = (now - timedelta(days=SPENT_TOKEN_DAYS)).astimezone(LONDON).date()
    return select(SubmissionToken.token).where(SubmissionToken.spent_on < cutoff)


SPENT_SUBMISSION_TOKENS = deleting(
    "spent_survey_submission_tokens", SubmissionToken.token, _replay_impossible
)
