"""The channel under gunicorn, over real HTTP: concurrent repeats, and no phone number anywhere."""

from __future__ import annotations

import json
import threading
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

from sqlalchemy import create_engine, inspect, text

from tests.support.sms import new_sid, post_signed_over_http, twilio_form


def database_text(database_url: str) -> str:
    """Every row of every table as text; for SQLite also the raw file and its WAL."""
    engine = create_engine(database_url)
    dump = []
    with engine.connect() as connection:
        for table in inspect(connection).get_table_names():
            for row in connection.execute(text(f'SELECT * FROM "{table}"')):
                dump.append(json.dumps([str(v) for v in row]))
    engine.dispose()
    if database_url.startswith("sqlite:///"):
        path = Path(database_url.removeprefix("sqlite:///"))
        for file in (path, path.with_name(path.name + "-wal")):
            if file.exists():
                dump.append(file.read_bytes().decode("latin-1"))
    return "\n".join(dump)


def test_concurrent_repeats_are_handled_once(served_app):
    form = twilio_form("I want to kill myself", "+447700900555", new_sid())
    results: list[tuple[int, str]] = []
    barrier = threading.Barrier(12)

    def send() -> None:
        barrier.wait()
        results.append(post_signed_over_http(served_app.url + "/sms/inbound", form))

    threads = [threading.Thread(target=send) for _ in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert [status for status, _ in results] == [200] * 12
    assert len({body for _, body in results}) == 1
    assert "Childline" in results[0][1]
    engine = create_engine(served_app.database_url)
    with engine.connect() as connection:
        sid = form["MessageSid"]
        rows = connection.execute(
            text("SELECT status FROM inbound_messages WHERE message_sid = :sid"), {"sid": sid}
        ).all()
        alerts = connection.execute(
            text("SELECT count(*) FROM alerts WHERE excerpt = 'I want to kill myself'")
        ).scalar()
    engine.dispose()
    assert rows == [("handled",)]
    assert alerts == 1
    # Each repeat was recognised as one, never taken for a failure kept for reconcile.
    log = served_app.log.read_text()
    assert "kept unhandled" not in log
    assert "error ignored" not in log


def test_the_number_appears_nowhere_in_any_spelling(served_app):
    number = "+447700900777"
    spellings = [
        "+447700900777",
        "447700900777",
        "07700900777",
        "07700 900777",
        "7700900777",
        "7700 900777",
        "900777",
    ]
    bodies = [
        "TIPS",
        "my number is 07700 900777",
        "or +44 7700 900777, text me",
        "I want to kill myself, call 07700900777",
        "hello",
    ]
    for body in bodies:
        form = twilio_form(body, number, new_sid())
        status, answer = post_signed_over_http(served_app.url + "/sms/inbound", form)
        assert status == 200
        assert not any(s in answer for s in spellings)

    stored = database_text(served_app.database_url)
    logs = served_app.read_log()
    assert "[phone]" in stored  # the bodies were stored, redacted
    for spelling in spellings:
        assert spelling not in stored, spelling
        assert spelling not in logs, spelling


def test_an_unsigned_webhook_never_reaches_the_router_of_a_served_app(served_app):
    form = twilio_form("I want to kill myself", "+447700900556", new_sid())
    request = urllib.request.Request(
        served_app.url + "/sms/inbound", data=urllib.parse.urlencode(form).encode()
    )
    try:
        urllib.request.urlopen(request, timeout=10)
    except urllib.error.HTTPError as refused:
        status = refused.code
    else:
        status = 200
    assert status == 403
    engine = create_engine(served_app.database_url)
    with engine.connect() as connection:
        stored = connection.execute(
            text("SELECT count(*) FROM inbound_messages WHERE message_sid = :sid"),
            {"sid": form["MessageSid"]},
        ).scalar()
        alerts = connection.execute(
            text("SELECT count(*) FROM alerts WHERE excerpt = 'I want to kill myself'")
        ).scalar()
    engine.dispose()
    assert stored == 0
    assert alerts <= 1  # at most the signed one of the test above
