"""Quiet hours, in London time, across both clock changes (plain functions, no database)."""

from datetime import UTC, datetime, time

import pytest

from messages.quiet_hours import QuietHours

NIGHT = QuietHours.parse("21:00-08:00")


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


@pytest.mark.parametrize(
    ("moment", "quiet"),
    [
        (utc(2026, 11, 26, 20, 59), False),  # 20:59 GMT
        (utc(2026, 11, 26, 21, 0), True),
        (utc(2026, 11, 27, 7, 59), True),
        (utc(2026, 11, 27, 8, 0), False),
        (utc(2026, 7, 1, 19, 59), False),  # 20:59 BST
        (utc(2026, 7, 1, 20, 0), True),  # 21:00 BST
        (utc(2026, 7, 2, 6, 59), True),  # 07:59 BST
        (utc(2026, 7, 2, 7, 0), False),  # 08:00 BST
    ],
)
def test_quiet_hours_are_london_time_in_winter_and_summer(moment, quiet):
    assert NIGHT.contains(moment) is quiet


def test_a_message_due_outside_quiet_hours_is_not_moved():
    assert NIGHT.next_allowed(utc(2026, 11, 26, 12, 0)) == utc(2026, 11, 26, 12, 0)


def test_evening_waits_for_the_next_morning():
    assert NIGHT.next_allowed(utc(2026, 11, 26, 22, 30)) == utc(2026, 11, 27, 8, 0)


def test_small_hours_wait_for_the_same_morning():
    assert NIGHT.next_allowed(utc(2026, 11, 27, 3, 0)) == utc(2026, 11, 27, 8, 0)


def test_clocks_going_back_overnight():
    # Saturday 24 October 2026, 22:30 BST; the clocks go back at 02:00 on Sunday.
    due = NIGHT.next_allowed(utc(2026, 10, 24, 21, 30))
    assert due == utc(2026, 10, 25, 8, 0)  # 08:00 GMT


def test_clocks_going_forward_overnight():
    # Saturday 28 March 2026, 22:00 GMT; the clocks go forward at 01:00 on Sunday.
    due = NIGHT.next_allowed(utc(2026, 3, 28, 22, 0))
    assert due == utc(2026, 3, 29, 7, 0)  # 08:00 BST
    assert not NIGHT.contains(due)


def test_a_window_within_one_day():
    lunch = QuietHours.parse("12:00-13:30")
    assert lunch == QuietHours(time(12, 0), time(13, 30))
    assert lunch.contains(utc(2026, 11, 26, 12, 15))
    assert not lunch.contains(utc(2026, 11, 26, 13, 30))
    assert lunch.next_allowed(utc(2026, 11, 26, 12, 15)) == utc(2026, 11, 26, 13, 30)


def test_an_empty_window_is_never_quiet():
    assert not QuietHours.parse("08:00-08:00").contains(utc(2026, 11, 26, 8, 0))
