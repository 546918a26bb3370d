"""A web survey answer that suggests a young person is in danger: urgent help on the next page
and an alert for the reviewers, as a text would get. The web survey is anonymous, so the alert
holds the redacted words and nothing that leads back to the young person, and nobody can reply.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from changemakers.alerts import services as alerts
from changemakers.alerts.rules import detector_in_force
from changemakers.alerts.services import CannotReply, ConversationLine
from changemakers.extensions import db
from changemakers.languages import ENGLISH
from changemakers.redaction import redact
from changemakers.safeguarding import IMMEDIATE
from messages import signposting, texts
from messages.signpost_directory import current_signposts
from surveys.definition import SurveyDefinition
from surveys.phrases import say

CHANNEL = "web"
ANONYMOUS = (
    "Your answers are anonymous, so we cannot reply to you here, but a member of our team "
    "will read what you wrote."
)


def check_answer(survey: SurveyDefinition, text: str, language: str = "en") -> str | None:
    """Raise an alert if the detector in force finds danger in ``text``, written in
    ``language`` (a code: "en", "es", "pt"): the severity of the alert raised, or ``None``
    (also when the alert is only there because the detector cannot screen the answer's
    language: nothing suggests danger, so no urgent help is shown)."""
    verdict = detector_in_force().check(text, language)
    if not verdict:
        return None
    alerts.raise_alert_for(CHANNEL, None, f"{survey.title}: {redact(text)}", verdict)
    db.session.commit()
    return verdict.severity if verdict.screened else None


def urgent_help(severity: str = IMMEDIATE, language: str = ENGLISH) -> str:
    """The help shown on the next page, in the reader's language: 999 first when the danger
    may be immediate."""
    immediate = severity == IMMEDIATE
    opening = texts.in_language("URGENT_HELP_NOW" if immediate else "URGENT_HELP_CONCERN", language)
    anonymous = say(ANONYMOUS, language)
    return signposting.render(opening + anonymous, current_signposts(language))


class WebSurveyAlerts:
    """Alerts from web survey answers, as the safeguarding desk shows them: no conversation,
    and no way back to the young person."""

    label = "Web survey answer (anonymous)"
    about = (
        "This came from an anonymous web survey: there is no conversation, and the young "
        "person was shown urgent help on the next page."
    )
    no_reply = "the web survey is anonymous"

    def conversation(self, pseudonym: str) -> Sequence[ConversationLine]:
        return []

    def reply_note(self, pseudonym: str, now: datetime) -> str:
        return ""

    def hold(self, pseudonym: str) -> None:
        """Nothing to hold: nobody is known."""

    def language(self, pseudonym: str) -> str:
        return ENGLISH  # nobody is known, and nothing is ever sent

    def reply(self, pseudonym: str, body: str) -> int:
        raise CannotReply(f"The service cannot reply: {self.no_reply}.")
