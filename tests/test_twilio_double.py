"""The fake Twilio answers twilio-python exactly as Twilio's Messaging API would.

Every test drives it with the real twilio library, redirected from https://api.twilio.com to the
fake on loopback, so the project's tests and benchmarks can trust it in Twilio's place.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import urllib.request
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

import pytest
from twilio.base.exceptions import TwilioRestException
from twilio.http.http_client import TwilioHttpClient
from twilio.http.response import Response
from twilio.request_validator import RequestValidator
from twilio.rest import Client

from tests.support.twilio_double import RunningFakeTwilio, running_fake_twilio

ACCOUNT_SID = "AC" + "0" * 32
AUTH_TOKEN = "0123456789abcdef0123456789abcdef"
SERVICE_SID = "MG" + "1" * 32
SENDER = "+15005550006"  # Twilio's magic valid From number
PHONE = "+447700900123"
ROOT = Path(__file__).resolve().parent.parent


class Redirect(TwilioHttpClient):
    """Sends twilio-python's requests to the fake instead of to Twilio."""

    def __init__(self, base_url: str) -> None:
        super().__init__()
        self.base_url = base_url

    def request(self, method: str, url: str, *args: Any, **kwargs: Any) -> Response:
        if url.startswith("https://api.twilio.com"):
            url = self.base_url + url.removeprefix("https://api.twilio.com")
        return super().request(method, url, *args, **kwargs)


@pytest.fixture
def fake() -> Iterator[RunningFakeTwilio]:
    with running_fake_twilio(ACCOUNT_SID, AUTH_TOKEN) as running:
        yield running


def client_for(
    fake: RunningFakeTwilio, token: str = AUTH_TOKEN, account_sid: str | None = None
) -> Client:
    return Client(ACCOUNT_SID, token, account_sid, http_client=Redirect(fake.url))


@pytest.fixture
def client(fake: RunningFakeTwilio) -> Iterator[Client]:
    client = client_for(fake)
    yield client
    client.http_client.session.close()  # type: ignore[attr-defined]


def control(fake: RunningFakeTwilio, path: str, payload: object = None) -> Any:
    data = None if payload is None else json.dumps(payload).encode()
    method = "GET" if payload is None and not path.endswith("reset") else "POST"
    request = urllib.request.Request(fake.url + "/_fake/" + path, data=data, method=method)
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.load(response)


def rejection(client: Client, **params: Any) -> TwilioRestException:
    with pytest.raises(TwilioRestException) as caught:
        client.messages.create(**params)
    return caught.value


def test_create_with_from_is_queued_like_twilio(fake: RunningFakeTwilio, client: Client) -> None:
    message = client.messages.create(
        to=PHONE, from_=SENDER, body="Hello", status_callback="http://127.0.0.1:9/status"
    )

    assert message.sid.startswith("SM") and len(message.sid) == 34
    assert message.status == "queued"
    assert (message.to, message.from_, message.body) == (PHONE, SENDER, "Hello")
    assert message.account_sid == ACCOUNT_SID
    assert message.direction == "outbound-api"
    assert (message.num_segments, message.num_media) == ("1", "0")
    assert message.error_code is None and message.price is None
    assert message.api_version == "2010-04-01"
    assert message.uri == f"/2010-04-01/Accounts/{ACCOUNT_SID}/Messages/{message.sid}.json"
    assert abs(message.date_created - datetime.now(UTC)) < timedelta(minutes=1)
    assert message.date_sent is None
    [recorded] = control(fake, "messages")
    assert recorded["sid"] == message.sid
    assert recorded["status_callback"] == "http://127.0.0.1:9/status"
    assert (recorded["to"], recorded["from"], recorded["body"]) == (PHONE, SENDER, "Hello")


def test_create_through_a_messaging_service_is_accepted(client: Client) -> None:
    message = client.messages.create(to=PHONE, messaging_service_sid=SERVICE_SID, body="Hi")

    assert message.status == "accepted"
    assert message.messaging_service_sid == SERVICE_SID
    assert message.from_ is None


def test_segments_are_counted_as_twilio_bills_them(client: Client) -> None:
    long_gsm = client.messages.create(to=PHONE, from_=SENDER, body="a" * 161)
    emoji = client.messages.create(to=PHONE, from_=SENDER, body="😀" * 36)

    assert long_gsm.num_segments == "2"
    assert emoji.num_segments == "2"


@pytest.mark.parametrize(
    ("params", "code"),
    [
        ({"to": "", "from_": SENDER, "body": "x"}, 21604),
        ({"to": PHONE, "body": "x"}, 21603),
        ({"to": PHONE, "from_": SENDER}, 21602),
        ({"to": PHONE, "from_": SENDER, "body": "x" * 1601}, 21617),
        ({"to": "+15005550001", "from_": SENDER, "body": "x"}, 21211),
        ({"to": "+15005550002", "from_": SENDER, "body": "x"}, 21612),
        ({"to": "+15005550003", "from_": SENDER, "body": "x"}, 21408),
        ({"to": "+15005550004", "from_": SENDER, "body": "x"}, 21610),
        ({"to": "+15005550009", "from_": SENDER, "body": "x"}, 21614),
        ({"to": PHONE, "from_": "+15005550001", "body": "x"}, 21212),
        ({"to": PHONE, "from_": "+15005550007", "body": "x"}, 21606),
        ({"to": PHONE, "from_": "+15005550008", "body": "x"}, 21611),
    ],
)
def test_invalid_requests_fail_with_twilios_codes(
    fake: RunningFakeTwilio, client: Client, params: dict[str, str], code: int
) -> None:
    error = rejection(client, **params)

    assert (error.status, error.code) == (400, code)
    assert error.msg
    assert control(fake, "messages") == []
    assert control(fake, "stats")["rejected"] == {str(code): 1}


def test_error_body_is_shaped_like_twilios(fake: RunningFakeTwilio) -> None:
    request = urllib.request.Request(
        f"{fake.url}/2010-04-01/Accounts/{ACCOUNT_SID}/Messages.json", data=b"", method="POST"
    )
    with pytest.raises(urllib.error.HTTPError) as caught:
        urllib.request.urlopen(request, timeout=10)
    with caught.value as response:
        body = json.load(response)

    assert body == {
        "code": 20003,
        "message": "Authenticate",
        "more_info": "https://www.twilio.com/docs/errors/20003",
        "status": 401,
    }


def test_wrong_credentials_and_other_accounts_are_refused(fake: RunningFakeTwilio) -> None:
    wrong_token = client_for(fake, token="f" * 32)
    other_account = client_for(fake, account_sid="AC" + "9" * 32)
    try:
        bad_auth = rejection(wrong_token, to=PHONE, from_=SENDER, body="x")
        not_found = rejection(other_account, to=PHONE, from_=SENDER, body="x")
    finally:
        wrong_token.http_client.session.close()  # type: ignore[attr-defined]
        other_account.http_client.session.close()  # type: ignore[attr-defined]

    assert (bad_auth.status, bad_auth.code) == (401, 20003)
    assert (not_found.status, not_found.code) == (404, 20404)
    assert control(fake, "messages") == []


def test_rate_limit_answers_429_and_sends_nothing(fake: RunningFakeTwilio, client: Client) -> None:
    control(fake, "faults", {"rate_limit": 2})

    errors = [rejection(client, to=PHONE, from_=SENDER, body="x") for _ in range(2)]
    sent = client.messages.create(to=PHONE, from_=SENDER, body="third time")

    assert [(e.status, e.code) for e in errors] == [(429, 20429)] * 2
    assert [m["sid"] for m in control(fake, "messages")] == [sent.sid]


def test_server_error_before_accept_sends_nothing(fake: RunningFakeTwilio, client: Client) -> None:
    control(fake, "faults", {"server_error": 1})

    error = rejection(client, to=PHONE, from_=SENDER, body="x")

    assert error.status == 500
    assert control(fake, "messages") == []


def test_server_error_after_accept_still_sends(fake: RunningFakeTwilio, client: Client) -> None:
    control(fake, "faults", {"server_error_after_accept": 1})

    error = rejection(client, to=PHONE, from_=SENDER, body="maybe sent")

    assert error.status == 500
    assert [m["body"] for m in control(fake, "messages")] == ["maybe sent"]
    assert control(fake, "stats")["created"] == 1


def test_delay_makes_clients_time_out_after_recording(fake: RunningFakeTwilio) -> None:
    fake.state.set_faults(delay=0.5)
    client = Client(ACCOUNT_SID, AUTH_TOKEN, http_client=Redirect(fake.url))
    client.http_client.timeout = 0.1
    try:
        with pytest.raises(Exception, match="(?i)timed? ?out"):
            client.messages.create(to=PHONE, from_=SENDER, body="slow")
    finally:
        client.http_client.session.close()  # type: ignore[attr-defined]

    assert [m["body"] for m in control(fake, "messages")] == ["slow"]


def test_list_filters_by_date_sent_after(fake: RunningFakeTwilio, client: Client) -> None:
    old = [client.messages.create(to=PHONE, from_=SENDER, body=f"old {i}") for i in range(2)]
    new = client.messages.create(to=PHONE, from_=SENDER, body="new")
    with fake.state.lock:
        for message in fake.state.messages:
            if message.body.startswith("old"):
                message.date_sent = datetime(2020, 1, 1, 12, tzinfo=UTC)

    after = client.messages.list(date_sent_after=datetime(2021, 1, 1, tzinfo=UTC))
    before = client.messages.list(date_sent_before=datetime(2020, 1, 1, 12, tzinfo=UTC))
    on_day = client.messages.list(date_sent="2020-01-01")

    assert [m.sid for m in after] == [new.sid]
    assert [m.sid for m in before] == [m.sid for m in reversed(old)]
    assert [m.sid for m in on_day] == [m.sid for m in reversed(old)]
    assert client.messages.list(to="+447700900999") == []


def test_list_pages_newest_first_through_twilio_python(
    fake: RunningFakeTwilio, client: Client
) -> None:
    for i in range(120):
        fake.state.inbound(PHONE, SENDER, f"text {i}")
    newest_first = [f"text {i}" for i in reversed(range(120))]
    page_sizes: list[int] = []
    fetched = client.messages.page()
    while fetched is not None:
        page_sizes.append(len(list(fetched)))
        fetched = fetched.next_page()

    assert page_sizes == [50, 50, 20]
    assert [m.body for m in client.messages.list()] == newest_first
    assert [m.body for m in client.messages.list(limit=70, page_size=25)] == newest_first[:70]
    assert [m.body for m in client.messages.stream(page_size=30)] == newest_first
    assert len(client.messages.list(limit=120)) == 120
    recent = datetime.now(UTC) - timedelta(hours=1)
    filtered = client.messages.list(date_sent_after=recent, from_=PHONE, limit=60, page_size=25)
    assert [m.body for m in filtered] == newest_first[:60]


def test_list_page_shape_is_twilios(fake: RunningFakeTwilio, client: Client) -> None:
    for i in range(3):
        fake.state.inbound(PHONE, SENDER, f"text {i}")
    response = client.request(
        "GET",
        f"https://api.twilio.com/2010-04-01/Accounts/{ACCOUNT_SID}/Messages.json",
        params={"PageSize": 2},
    )
    page = json.loads(response.text)
    second = json.loads(
        client.request("GET", "https://api.twilio.com" + page["next_page_uri"]).text
    )

    assert response.status_code == 200
    assert (page["page"], page["page_size"], page["start"], page["end"]) == (0, 2, 0, 1)
    assert page["previous_page_uri"] is None
    assert page["first_page_uri"].endswith("Messages.json?PageSize=2&Page=0")
    assert page["uri"] == f"/2010-04-01/Accounts/{ACCOUNT_SID}/Messages.json?PageSize=2"
    assert [m["body"] for m in page["messages"]] == ["text 2", "text 1"]
    assert [m["body"] for m in second["messages"]] == ["text 0"]
    assert (second["page"], second["start"], second["next_page_uri"]) == (1, 2, None)
    assert second["previous_page_uri"] is not None


def test_inbound_texts_appear_in_the_list(fake: RunningFakeTwilio, client: Client) -> None:
    sent = client.messages.create(to=PHONE, from_=SENDER, body="Question?")
    reply = control(fake, "inbound", {"from": PHONE, "to": SENDER, "body": "Answer"})

    listed = client.messages.list()

    assert reply["sid"].startswith("SM") and reply["status"] == "received"
    assert [(m.sid, m.direction) for m in listed] == [
        (reply["sid"], "inbound"),
        (sent.sid, "outbound-api"),
    ]
    assert listed[0].date_sent is not None and listed[0].body == "Answer"
    assert [m.sid for m in client.messages.list(from_=PHONE)] == [reply["sid"]]
    assert [m["sid"] for m in control(fake, "messages")] == [sent.sid]


def test_fetch_one_message_or_404(client: Client) -> None:
    sent = client.messages.create(to=PHONE, from_=SENDER, body="Find me")

    fetched = client.messages(sent.sid).fetch()
    with pytest.raises(TwilioRestException) as caught:
        client.messages("SM" + "f" * 32).fetch()

    assert (fetched.sid, fetched.body, fetched.status) == (sent.sid, "Find me", "delivered")
    assert (caught.value.status, caught.value.code) == (404, 20404)


class CallbackSink:
    """A tiny HTTP server recording the status callbacks posted to it."""

    def __init__(self) -> None:
        self.received: list[tuple[str, dict[str, str], str]] = []
        sink = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"])).decode()
                url = f"http://{self.headers['Host']}{self.path}"
                signature = self.headers.get("X-Twilio-Signature", "")
                sink.received.append((url, dict(parse_qsl(body)), signature))
                self.send_response(204 if "fail" not in self.path else 500)
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True)

    def __enter__(self) -> CallbackSink:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)


def test_status_callbacks_are_signed_and_in_order(fake: RunningFakeTwilio, client: Client) -> None:
    control(fake, "faults", {"callbacks": True})
    with CallbackSink() as sink:
        ok = client.messages.create(
            to=PHONE, from_=SENDER, body="a", status_callback=sink.url + "/status?id=1"
        )
        lost = client.messages.create(
            to="+447700900666", from_=SENDER, body="b", status_callback=sink.url + "/status?id=2"
        )
        client.messages.create(to=PHONE, from_=SENDER, body="c", status_callback=sink.url + "/fail")
        assert fake.state.wait_for_callbacks(timeout=10)

    validator = RequestValidator(AUTH_TOKEN)
    assert all(validator.validate(url, params, sig) for url, params, sig in sink.received)
    by_sid: dict[str, list[dict[str, str]]] = {}
    for _, params, _ in sink.received:
        by_sid.setdefault(params["MessageSid"], []).append(params)
    assert [p["MessageStatus"] for p in by_sid[ok.sid]] == ["sent", "delivered"]
    assert [p["MessageStatus"] for p in by_sid[lost.sid]] == ["sent", "undelivered"]
    assert by_sid[lost.sid][1]["ErrorCode"] == "30003"
    assert by_sid[ok.sid][1] == {
        "MessageSid": ok.sid,
        "SmsSid": ok.sid,
        "AccountSid": ACCOUNT_SID,
        "From": SENDER,
        "To": PHONE,
        "ApiVersion": "2010-04-01",
        "MessageStatus": "delivered",
        "SmsStatus": "delivered",
    }
    stats = control(fake, "stats")
    assert (stats["callbacks_posted"], stats["callback_errors"]) == (4, 2)


def test_reset_forgets_messages_and_faults(fake: RunningFakeTwilio, client: Client) -> None:
    client.messages.create(to=PHONE, from_=SENDER, body="x")
    control(fake, "faults", {"rate_limit": 5})

    control(fake, "reset")

    assert control(fake, "messages") == []
    assert client.messages.create(to=PHONE, from_=SENDER, body="y").status == "queued"


def test_runs_as_its_own_process_and_stops_on_sigterm() -> None:
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "tests.support.twilio_double",
            "--port",
            "0",
            "--account-sid",
            ACCOUNT_SID,
        ],
        cwd=ROOT,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline().strip()
        assert line.startswith("fake Twilio on http://127.0.0.1:")
        with urllib.request.urlopen(line.split()[-1] + "/_fake/stats", timeout=10) as response:
            assert json.load(response)["created"] == 0
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=10) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        if process.stdout is not None:
            process.stdout.close()


WA_PHONE = "whatsapp:" + PHONE
WA_SENDER = "whatsapp:+447700900001"
TEMPLATE_SID = "HX" + "ab" * 16


def test_whatsapp_needs_to_and_from_on_the_same_channel(client: Client) -> None:
    error = rejection(client, to=WA_PHONE, from_=SENDER, body="Hi")
    assert (error.status, error.code) == (400, 21910)


def test_whatsapp_free_form_outside_the_window_is_accepted_then_fails_63016(
    fake: RunningFakeTwilio, client: Client
) -> None:
    control(fake, "faults", {"callbacks": True})
    with CallbackSink() as sink:
        closed = client.messages.create(
            to=WA_PHONE, from_=WA_SENDER, body="Hi", status_callback=sink.url + "/s?id=1"
        )
        control(fake, "inbound", {"from": WA_PHONE, "to": WA_SENDER, "body": "hello"})
        opened = client.messages.create(
            to=WA_PHONE, from_=WA_SENDER, body="Hi again", status_callback=sink.url + "/s?id=2"
        )
        assert fake.state.wait_for_callbacks(timeout=10)

    assert closed.status == "queued"  # Twilio takes it, and reports the failure afterwards
    by_sid: dict[str, list[dict[str, str]]] = {}
    for _, params, _ in sink.received:
        by_sid.setdefault(params["MessageSid"], []).append(params)
    assert [(p["MessageStatus"], p.get("ErrorCode")) for p in by_sid[closed.sid]] == [
        ("failed", "63016")
    ]
    assert [p["MessageStatus"] for p in by_sid[opened.sid]] == ["sent", "delivered", "read"]
    assert by_sid[opened.sid][0]["To"] == WA_PHONE


def test_an_approved_template_goes_at_any_time_filled_in(
    fake: RunningFakeTwilio, client: Client
) -> None:
    control(fake, "templates", {TEMPLATE_SID: "A reply from the team: {{1}}"})

    sent = client.messages.create(
        to=WA_PHONE,
        from_=WA_SENDER,
        content_sid=TEMPLATE_SID,
        content_variables=json.dumps({"1": "We're here."}),
    )

    assert sent.body == "A reply from the team: We're here."
    assert control(fake, "messages")[0]["content_sid"] == TEMPLATE_SID
    assert client.messages(sent.sid).fetch().status == "delivered"


@pytest.mark.parametrize(
    ("params", "code"),
    [
        ({"content_sid": "HX123"}, 21655),
        ({"content_sid": "HX" + "cd" * 16}, 21655),  # well formed, but no such template
        ({"content_sid": TEMPLATE_SID, "content_variables": "not json"}, 21656),
        ({"content_sid": TEMPLATE_SID, "content_variables": '{"1": ""}'}, 21656),
        ({"body": "Hi", "content_variables": '{"1": "x"}'}, 21654),
    ],
)
def test_a_bad_template_send_gets_twilios_error(
    fake: RunningFakeTwilio, client: Client, params: dict[str, str], code: int
) -> None:
    control(fake, "templates", {TEMPLATE_SID: "Hello {{1}}"})
    error = rejection(client, to=WA_PHONE, from_=WA_SENDER, **params)
    assert (error.status, error.code) == (400, code)
