"""The safeguarding desk's plain rules, without a database."""

from datetime import UTC, datetime, timedelta

from changemakers.alerts.services import age_in_words

RAISED = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)


def test_an_alerts_age_reads_at_a_glance():
    def after(hours: float) -> str:
        return age_in_words(RAISED, RAISED + timedelta(hours=hours))

    assert after(0.25) == "15 min"
    assert after(3 + 1 / 3) == "3 h 20 min"
    assert after(24) == "1 day"
    assert after(24 * 3 + 5) == "3 days"
