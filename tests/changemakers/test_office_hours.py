"""Office hours: when a person reads alerts, and working time for the overdue rule."""

from datetime import UTC, datetime, timedelta

import pytest

from changemakers.config import ConfigError, load_settings
from changemakers.office_hours import OfficeHours

WEEKDAYS = OfficeHours.parse("Mon-Fri 09:00-17:00")
# 27 Nov 2026 is a Friday; London is on GMT (UTC) in November and on BST (UTC+1) in June.
FRIDAY = datetime(2026, 11, 27, tzinfo=UTC)


def at(day: datetime, hours: float) -> datetime:
    return day + timedelta(hours=hours)


def test_parse_reads_ranges_lists_and_wraps():
    assert WEEKDAYS.days == frozenset(range(5))
    assert OfficeHours.parse("mon,wed , fri 10:00-16:00").days == frozenset({0, 2, 4})
    assert OfficeHours.parse("Sat-Mon 10:00-12:00").days == frozenset({5, 6, 0})
    assert (
        str(OfficeHours.parse("Mon-Sun 00:00-24:00")) == "Mon,Tue,Wed,Thu,Fri,Sat,Sun 00:00-24:00"
    )


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("weekdays", "must look like Mon-Fri 09:00-17:00"),
        ("Mon-Fri 17:00-09:00", "must close after it opens"),
        ("Mon-Fry 09:00-17:00", "has a day that is not one of"),
        ("Mon-Fri 09:00-25:00", "has a time that is not HH:MM"),
    ],
)
def test_parse_says_what_is_wrong(text, problem):
    with pytest.raises(ValueError, match=problem):
        OfficeHours.parse(text)


def test_a_malformed_setting_stops_start_up_with_its_name():
    with pytest.raises(ConfigError, match="OFFICE_HOURS must look like Mon-Fri 09:00-17:00"):
        load_settings(
            {"SECRET_KEY": "s", "PSEUDONYM_KEY": "p", "OFFICE_HOURS": "9 to 5"},
            {"CONTACT_KEY": "n6DLS5Yy0sQ7NHwI_4NozL1BLqgeNlQTxz3f8vqz5bw="},
        )


def test_open_on_weekdays_in_london_time():
    assert WEEKDAYS.is_open(at(FRIDAY, 9))
    assert not WEEKDAYS.is_open(at(FRIDAY, 17))
    assert not WEEKDAYS.is_open(at(FRIDAY, 24 + 12))  # Saturday
    summer_monday = datetime(2026, 6, 1, tzinfo=UTC)
    assert WEEKDAYS.is_open(at(summer_monday, 8))  # 09:00 BST
    assert not WEEKDAYS.is_open(at(summer_monday, 16))  # 17:00 BST


def test_an_alert_raised_on_friday_afternoon_is_due_on_monday_morning():
    assert WEEKDAYS.deadline(at(FRIDAY, 16.5), timedelta(hours=1)) == at(FRIDAY, 24 * 3 + 9.5)
    assert WEEKDAYS.deadline(at(FRIDAY, 10), timedelta(hours=1)) == at(FRIDAY, 11)
    assert WEEKDAYS.deadline(at(FRIDAY, 20), timedelta(hours=1)) == at(FRIDAY, 24 * 3 + 10)


def test_when_read_in_words_for_a_young_person():
    assert WEEKDAYS.when_read(at(FRIDAY, 12)) == ""
    assert WEEKDAYS.when_read(at(FRIDAY, 20)) == "9am on Monday"
    assert WEEKDAYS.when_read(at(FRIDAY, -4)) == "9am tomorrow"  # Thursday 20:00
    assert WEEKDAYS.when_read(at(FRIDAY, 6)) == "9am today"
    assert OfficeHours.parse("Mon-Fri 09:30-17:00").when_read(at(FRIDAY, 6)) == "9:30am today"


def test_when_a_person_will_read_it_is_said_in_the_young_person_s_language():
    from datetime import datetime

    from changemakers.office_hours import LONDON, OfficeHours

    hours = OfficeHours.parse("Mon-Fri 09:00-17:00")
    friday_night = datetime(2026, 12, 4, 22, 0, tzinfo=LONDON)  # a Friday
    assert hours.when_read(friday_night) == "9am on Monday"
    assert hours.when_read(friday_night, "es") == "el lunes a las 9:00"
    assert hours.when_read(friday_night, "pt") == "segunda-feira às 9:00"
    thursday_night = datetime(2026, 12, 3, 22, 0, tzinfo=LONDON)
    assert hours.when_read(thursday_night, "es") == "mañana a las 9:00"
