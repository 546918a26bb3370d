"""The attacker holds the database (a SQLite file, a PostgreSQL dump) and its keys, and tries to
tie survey responses to phones by order: of ids, of every column, of rows' physical places
(SQLite rowid and dump order; PostgreSQL ctid and ``COPY`` order).

Twelve phones start the survey one after another and finish in another order, while web
visitors start and send in between. Every ordering of what knows a phone (contacts,
conversations, the message log, participation tokens, the outbox) is laid beside every ordering
of the responses, both in the mixing pool and in the results; for each pair the attacker counts
the phones whose place in one matches their response's place in the other (rank for rank, or
rank for reversed rank). A random order matches one phone on average; the test fails if any pair
matches more than half of them (a chance of about 1 in 5,000 per pair by luck). Laid the same
way, two orderings of the phone side match every phone: the attacker's method works.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime
from typing import Any

import pytest
from sqlalchemy import inspect, select, text

from changemakers import privacy
from changemakers.extensions import db
from surveys import services
from surveys.models import SurveyPool
from tests.support.sms import replies_of
from tests.surveys.test_web import URL, answer, start, token

PHONES = [f"+4477009004{n:02d}" for n in range(12)]
FINISHING_ORDER = [5, 11, 0, 7, 2, 9, 4, 1, 10, 3, 8, 6]
WEB_VISITORS = 4
WEB_STARTS = {1: 0, 4: 1, 7: 2, 10: 3}  # after the nth phone starts, this visitor starts
WEB_SENDS = {2: 1, 5: 3, 9: 0}  # after the nth phone finishes, this visitor sends; 2 is last
SMS_ANSWERS = ["b", "1, 3", "four", "3"]  # then the free text (the phone's label), then the age
PHONE_TABLES = {  # what knows a phone, and how the attacker (with the keys) reads whose a row is
    "contacts": "pseudonym",
    "conversations": "contact_id",
    "inbound_messages": "pseudonym",
    "outbox": "contact_id",
    "survey_participations": "token",
    "data_references": "pseudonym",
    "alerts": "pseudonym",
}


def label(phone: str) -> str:
    return f"label {PHONES.index(phone)}"


def physical_rows(table: str) -> list[dict[str, Any]]:
    """A table's rows in their physical order, each with its place (``_place``)."""
    connection = db.session.connection()
    if connection.dialect.name == "postgresql":
        rows = connection.execute(text(f"SELECT ctid::text AS _place, * FROM {table}"))
        found = [dict(row._mapping) for row in rows]
        for row in found:
            page, item = row["_place"].strip("()").split(",")
            row["_place"] = (int(page), int(item))
    else:
        rows = connection.execute(text(f"SELECT rowid AS _place, * FROM {table}"))
        found = [dict(row._mapping) for row in rows]
    return sorted(found, key=lambda row: row["_place"])


def dump_order(table: str) -> list[str]:
    """The rows of a table as a dump lists them (their text, in order)."""
    raw = db.session.connection().connection.dbapi_connection
    if db.session.get_bind().dialect.name == "postgresql":
        with raw.cursor() as cursor, cursor.copy(f"COPY {table} TO STDOUT") as copy:
            return [bytes(line).decode() for line in copy]
    return [line for line in raw.iterdump() if line.startswith(f'INSERT INTO "{table}"')]


def sortable(value: Any) -> tuple[int, Any]:
    if value is None:
        return (0, "")
    if isinstance(value, int | float | datetime | date | str | bytes):
        return (1, value)
    return (2, json.dumps(value, sort_keys=True, default=str))


def orderings(
    rows: list[dict[str, Any]],
    owner: Callable[[dict[str, Any]], str | None],
    leave_out: str = "",
):
    """Every order an attacker can put the rows in (by each column, ties by place, and by
    place), as the sequence of their owners (first and last appearance of each)."""
    keys = [key for key in rows[0] if key not in ("_place", leave_out)] if rows else []
    for key in ["_place", *keys]:
        ordered = sorted(rows, key=lambda row: (sortable(row[key]), row["_place"]))
        owners = [owner(row) for row in ordered]
        yield f"{key}, first", first_appearances(owners)
        yield f"{key}, last", first_appearances(reversed(owners))[::-1]


def first_appearances(owners: Iterable[str | None]) -> list[str]:
    seen: list[str] = []
    for found in owners:
        if found is not None and found not in seen:
            seen.append(found)
    return seen


def matches(phones: Sequence[str], responses: Sequence[str]) -> int:
    """How many phones sit at their response's rank (or reversed rank): 1 on average by chance."""
    common = [p for p in phones if p in responses]
    ours = [p for p in responses if p in common]
    straight = sum(a == b for a, b in zip(common, ours, strict=True))
    reverse = sum(a == b for a, b in zip(common, ours[::-1], strict=True))
    return max(straight, reverse)


def phone_side_orderings(survey_id: int) -> dict[str, list[str]]:
    by_pseudonym = {privacy.pseudonym(phone): phone for phone in PHONES}
    by_token = {
        services.participation_token(survey_id, pseudonym): phone
        for pseudonym, phone in by_pseudonym.items()
    }
    contact_ids = {
        row["id"]: by_pseudonym.get(row["pseudonym"]) for row in physical_rows("contacts")
    }
    whose = {
        "pseudonym": by_pseudonym.get,
        "contact_id": contact_ids.get,
        "token": by_token.get,
    }
    found: dict[str, list[str]] = {}
    for table, column in PHONE_TABLES.items():
        rows = physical_rows(table)
        for name, phones in orderings(rows, lambda row, c=column: whose[c](row[c])):
            found[f"{table} by {name}"] = phones
    return found


def response_side_orderings(waiting: list[dict[str, Any]] | None = None) -> dict[str, list[str]]:
    """The SMS responses' owners in every order: the pool's list (``waiting``, before the
    release) or the results' rows. The answers' own words are left out: the labels are the
    test's way of knowing whose a response is, not something an order could leak."""
    by_label = {label(phone): phone for phone in PHONES}

    def owner(answers: Any) -> str | None:
        answers = json.loads(answers) if isinstance(answers, str) else answers
        return by_label.get((answers or {}).get("change"))

    if waiting is not None:
        return {"pool by its list": first_appearances(owner(item["answers"]) for item in waiting)}
    found = {}
    rows = physical_rows("survey_responses")
    for name, phones in orderings(rows, lambda row: owner(row["answers"]), leave_out="answers"):
        found[f"survey_responses by {name}"] = phones
    found["survey_responses by dump order"] = first_appearances(
        next((phone for written, phone in by_label.items() if f'"{written}"' in line), None)
        for line in dump_order("survey_responses")
    )
    return found


def text_phone(send_sms, phone: str, body: str) -> list[str]:
    return replies_of(send_sms(body, from_=phone))


def web_send(visitor) -> None:
    page = f"{URL}?q=check"
    sent = visitor.post(URL, data={"csrf_token": token(visitor, page), "action": "send"})
    assert "Thanks" in sent.get_data(as_text=True)


def web_answers(visitor, n: int) -> None:
    for question, values in (
        ("colour", ["Red"]),
        ("worries", ["Money"]),
        ("safe", ["2"]),
        ("when", ["Night"]),
        ("hours", ["5"]),
        ("change", [f"web visitor {n}"]),
        ("age", ["16 to 17"]),
    ):
        answer(visitor, question, *values)


@pytest.fixture
def survey(app, every_kind, monkeypatch):
    # One batch: the last of the sixteen to finish releases them all.
    monkeypatch.setitem(app.config, "SUPPRESSION_THRESHOLD", len(PHONES) + WEB_VISITORS)
    return every_kind


def test_no_ordering_ties_a_response_to_a_phone(app, survey, send_sms):
    visitors = [app.test_client() for _ in range(WEB_VISITORS)]
    for n, phone in enumerate(PHONES):  # they start one after another...
        assert text_phone(send_sms, phone, "KINDS")[1].startswith("Q1/7")
        if n in WEB_STARTS:
            start(visitors[WEB_STARTS[n]])
    for phone in PHONES:  # ...answer in turn...
        for body in SMS_ANSWERS:
            text_phone(send_sms, phone, body)
    for n, visitor in enumerate(visitors):
        web_answers(visitor, n)
    for n, index in enumerate(FINISHING_ORDER):  # ...and finish in another order
        phone = PHONES[index]
        text_phone(send_sms, phone, label(phone))
        assert text_phone(send_sms, phone, "Prefer not to say") == [
            "Thanks: the board will see the totals."
        ]
        if n in WEB_SENDS:
            web_send(visitors[WEB_SENDS[n]])
    waiting = db.session.scalar(select(SurveyPool.responses))
    assert len(waiting) == len(PHONES) + WEB_VISITORS - 1
    pool_orderings = response_side_orderings(waiting)
    web_send(visitors[2])  # the sixteenth: the batch joins the results

    phone_orderings = phone_side_orderings(survey.survey_id)
    result_orderings = response_side_orderings()
    sms_responses = result_orderings["survey_responses by _place, first"]
    assert sorted(sms_responses) == sorted(PHONES)  # every response is there, and readable
    assert sorted(result_orderings["survey_responses by dump order"]) == sorted(PHONES)
    assert db.session.scalar(select(SurveyPool.responses)) is None  # the pool row is gone

    # The attacker's method finds a real link: the phone side orders itself consistently.
    started = phone_orderings["contacts by id, first"]
    assert matches(started, phone_orderings["conversations by started_at, first"]) == len(PHONES)
    finished = phone_orderings["inbound_messages by id, last"]
    assert finished == [PHONES[index] for index in FINISHING_ORDER]

    half = len(PHONES) // 2
    for phones_by, phones in phone_orderings.items():
        assert len(phones) >= len(PHONES) - 1 or not phones, phones_by
        for responses_by, responses in {**pool_orderings, **result_orderings}.items():
            tied = matches(phones, responses)
            assert tied <= half, f"{phones_by} ties {tied} phones by {responses_by}"


def test_responses_keep_days_and_nothing_that_knows_a_phone(survey, send_sms):
    text_phone(send_sms, PHONES[0], "KINDS")
    for body in [*SMS_ANSWERS, "my own words", "Prefer not to say"]:
        text_phone(send_sms, PHONES[0], body)
    connection = db.session.connection()
    for table in ("survey_responses", "survey_pools"):
        for column in inspect(connection).get_columns(table):
            kind = str(column["type"]).upper()
            assert "TIME" not in kind, f"{table}.{column['name']} keeps a time"
            assert column["name"] not in ("pseudonym", "contact_id", "token", "conversation_id")
