"""What surveys delete once the retention settings no longer allow it to be kept
(``changemakers.retention``).

Responses are anonymous (no link to anyone, only days) and are kept: they are what the board's
findings are made of. Participation tokens stay as long as their survey (``personal_data``).
A web survey's submission token that was never spent (the visitor gave up) is deleted after
``SUBMISSION_TOKEN_DAYS``; the answers it would have sent were only ever in their browser.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Select, select

from changemakers.office_hours import LONDON
from changemakers.retention.services import deleting
from surveys.models import SubmissionToken

SUBMISSION_TOKEN_DAYS = 7


def _unspent(now: datetime, config: Mapping[str, Any]) -> Select[Any]:
    cutoff = (now - timedelta(days=SUBMISSION_TOKEN_DAYS)).astimezone(LONDON).date()
    return select(SubmissionToken.token).where(SubmissionToken.issued_on < cutoff)


UNSPENT_SUBMISSION_TOKENS = deleting(
    "unspent_survey_submission_tokens", SubmissionToken.token, _unspent
)
