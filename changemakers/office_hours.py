"""Office hours: when a person reads safeguarding alerts, in London time.

``OFFICE_HOURS`` reads like ``Mon-Fri 09:00-17:00`` (or ``Mon,Wed,Fri 10:00-16:00``, or
``Mon-Sun 00:00-24:00`` for a desk that is always staffed). Alerts are
overdue after a target counted in working time only, and a young person who writes outside
these hours is told when a person will read their message. Bank holidays are not known here:
a rota that closes on them says so in the reply reviewers send.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

LONDON = ZoneInfo("Europe/London")
DAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_FULL_DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
# "When a person will read it" in the other languages (``changemakers.languages``): today,
# tomorrow, on a day; the days Monday first. To be checked by native speakers.
_WHEN_READ = {
    "es": (
        ("hoy a las {time}", "mañana a las {time}", "el {day} a las {time}"),
        ("lunes", "martes", "miércoles", "jueves", "viernes", "sábado", "domingo"),
    ),
    "pt": (
        ("hoje às {time}", "amanhã às {time}", "{day} às {time}"),
        (
            "segunda-feira",
            "terça-feira",
            "quarta-feira",
            "quinta-feira",
            "sexta-feira",
            "sábado",
            "domingo",
        ),
    ),
}
_PATTERN = re.compile(
    r"^(?P<days>[A-Za-z]{3}(?:\s*[-,]\s*[A-Za-z]{3})*)\s+"
    r"(?P<opens>\d{2}:\d{2})\s*-\s*(?P<closes>\d{2}:\d{2})$"
)
_LONGEST_WAIT = 8  # days: any week with an open day opens within this


@dataclass(frozen=True)
class OfficeHours:
    days: frozenset[int]  # Monday is 0
    opens: time
    closes: time

    @classmethod
    def parse(cls, text: str) -> OfficeHours:
        """``Mon-Fri 09:00-17:00``; raises ``ValueError`` saying what is wrong."""
        match = _PATTERN.match(text.strip())
        if not match:
            raise ValueError("must look like Mon-Fri 09:00-17:00")
        try:
            opens = time.fromisoformat(match["opens"])
            closes = time.max if match["closes"] == "24:00" else time.fromisoformat(match["closes"])
        except ValueError:
            raise ValueError("has a time that is not HH:MM") from None
        if closes <= opens:
            raise ValueError("must close after it opens")
        return cls(_parse_days(match["days"]), opens, closes)

    def __str__(self) -> str:
        days = ",".join(DAY_NAMES[day] for day in sorted(self.days))
        closes = "24:00" if self.closes == time.max else f"{self.closes:%H:%M}"
        return f"{days} {self.opens:%H:%M}-{closes}"

    def _span(self, day: date) -> tuple[datetime, datetime] | None:
        """The office's open hours on ``day`` (London), as UTC moments."""
        if day.weekday() not in self.days:
            return None
        opens = datetime.combine(day, self.opens, LONDON).astimezone(UTC)
        closes = datetime.combine(day, self.closes, LONDON).astimezone(UTC)
        return opens, closes

    def is_open(self, moment: datetime) -> bool:
        span = self._span(moment.astimezone(LONDON).date())
        return span is not None and span[0] <= moment < span[1]

    def next_opening(self, moment: datetime) -> datetime:
        """``moment`` if the office is open then, else when it next opens."""
        day = moment.astimezone(LONDON).date()
        for offset in range(_LONGEST_WAIT):
            span = self._span(day + timedelta(days=offset))
            if span and moment < span[1]:
                return max(moment, span[0])
        raise AssertionError("office hours with no open day")  # parse() refuses those

    def deadline(self, start: datetime, target: timedelta) -> datetime:
        """When ``target`` of working time will have passed since ``start``."""
        moment = self.next_opening(start)
        remaining = target
        while True:
            closes = self._span(moment.astimezone(LONDON).date())[1]  # type: ignore[index]
            if moment + remaining <= closes:
                return moment + remaining
            remaining -= closes - moment
            moment = self.next_opening(closes)

    def when_read(self, moment: datetime, language: str = "en") -> str:
        """When a person will next read a message sent at ``moment``, in words for a young
        person: "9am tomorrow", "9am on Monday" ("mañana a las 9:00" in Spanish), or "" while
        the office is open."""
        if self.is_open(moment):
            return ""
        opening = self.next_opening(moment).astimezone(LONDON)
        days_away = (opening.date() - moment.astimezone(LONDON).date()).days
        if language in _WHEN_READ:
            (today, tomorrow, on_day), days = _WHEN_READ[language]
            words = today if days_away == 0 else tomorrow if days_away == 1 else on_day
            return words.format(time=f"{opening:%-H:%M}", day=days[opening.weekday()])
        hour = f"{opening:%-I%p}".lower() if opening.minute == 0 else f"{opening:%-I:%M%p}".lower()
        if days_away == 0:
            return f"{hour} today"
        if days_away == 1:
            return f"{hour} tomorrow"
        return f"{hour} on {_FULL_DAY_NAMES[opening.weekday()]}"


def _parse_days(text: str) -> frozenset[int]:
    days: set[int] = set()
    for part in re.split(r"\s*,\s*", text):
        ends = [name.strip().title() for name in part.split("-")]
        try:
            numbers = [DAY_NAMES.index(name) for name in ends]
        except ValueError:
            raise ValueError(f"has a day that is not one of {', '.join(DAY_NAMES)}") from None
        first, last = numbers[0], numbers[-1]
        days.update((first + step) % 7 for step in range((last - first) % 7 + 1))
    return frozenset(days)
