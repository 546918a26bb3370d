"""Quiet hours: when scheduled messages wait for the morning (local time in London).

Plain functions over plain values, so a clock change can be tested without a clock.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta

from changemakers.office_hours import LONDON


@dataclass(frozen=True)
class QuietHours:
    """A daily window of local time, such as 21:00–08:00 (it may run past midnight)."""

    start: time
    end: time

    @classmethod
    def parse(cls, text: str) -> QuietHours:
        """From a setting such as ``"21:00-08:00"`` (already checked by the config)."""
        start, end = (time.fromisoformat(part.strip()) for part in text.split("-"))
        return cls(start, end)

    def contains(self, moment: datetime) -> bool:
        local = moment.astimezone(LONDON).time()
        if self.start == self.end:
            return False
        if self.start < self.end:
            return self.start <= local < self.end
        return local >= self.start or local < self.end

    def next_allowed(self, moment: datetime) -> datetime:
        """``moment`` itself outside quiet hours, else the (UTC) moment they end, whatever the
        clocks did overnight."""
        if not self.contains(moment):
            return moment
        local = moment.astimezone(LONDON)
        day = local.date()
        if local.time() >= self.end:
            day += timedelta(days=1)
        return datetime.combine(day, self.end, tzinfo=LONDON).astimezone(UTC)
