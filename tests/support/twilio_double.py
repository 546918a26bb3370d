"""A stand-in for Twilio's Programmable Messaging REST API, for tests and benchmarks.

Nothing that talks to it reaches Twilio: point twilio-python (or any HTTP client) at its base URL
instead of https://api.twilio.com. It reproduces the parts of Twilio the project relies on:

* sending (``POST /2010-04-01/Accounts/{AccountSid}/Messages.json``) with HTTP basic auth (20003,
  and 20404 for another account's path), Twilio's validation errors (21602, 21603, 21604, 21617),
  the magic numbers of Twilio's test credentials (To +15005550001/2/3/4/9, From +15005550001/7/8)
  and a 201 message resource shaped like Twilio's (``queued``, or ``accepted`` when sent through a
  Messaging Service);
* listing messages newest first, outbound and inbound, with the ``To``, ``From`` and ``DateSent``
  filters and Twilio's paging (``PageSize``, ``Page``, ``PageToken``, ``next_page_uri``), and
  fetching one message;
* Twilio's error bodies (``code``, ``message``, ``more_info``, ``status``);
* status callbacks, ``sent`` then ``delivered`` (``undelivered`` with error 30003 for
  +447700900666), signed with ``X-Twilio-Signature`` as Twilio signs them;
* WhatsApp: addresses written ``whatsapp:+44…`` (To and From on the same channel, else 21910),
  the 24-hour customer-service window (opened by the phone's last inbound WhatsApp message: a
  free-form message outside it is accepted, then fails with error 63016, as Twilio reports it
  in the status callback), approved templates sent with ``ContentSid`` and ``ContentVariables``
  (21655 for a malformed or unknown ContentSid, 21656 for variables that are not a JSON object
  of strings, 21654 for variables with no ContentSid) whose text is filled in from the
  variables, and the ``read`` callback WhatsApp adds after ``delivered``.

Faults show how callers cope: rate limiting (429, 20429), server errors before or after the
message is accepted, a slow answer that makes clients time out, and steady latency. A control API
under ``/_fake/`` resets state, sets faults, lists what was sent, simulates texts from phones,
adds approved templates and reports counts. Run it with
``python -m tests.support.twilio_double --port P`` or in-process with :func:`running_fake_twilio`.
"""

from __future__ import annotations

import argparse
import hmac
import json
import queue
import re
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path
from typing import Any, NoReturn
from urllib.parse import urlencode

import requests
from flask import Flask, Response, jsonify, request
from twilio.request_validator import RequestValidator
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import HTTPException
from werkzeug.serving import WSGIRequestHandler, make_server

ROOT = Path(__file__).resolve().parents[2]  # the checkout, where ``python -m tests...`` runs
API_VERSION = "2010-04-01"
UNDELIVERABLE = "+447700900666"  # status callbacks report undelivered, error 30003
FAULTS: dict[str, type] = {
    "rate_limit": int,  # the next N creates answer 429 (20429) and create nothing
    "server_error": int,  # the next N creates answer 500 and create nothing
    "server_error_after_accept": int,  # the next N creates record the message, then answer 500
    "delay": float,  # seconds to wait before answering each create, after recording it
    "latency": float,  # seconds to wait on every create, before anything else
    "callbacks": bool,  # post status callbacks to StatusCallback URLs
}
MAGIC_FROM = {  # Twilio's magic From numbers for test credentials
    "+15005550001": (21212, "The 'From' number +15005550001 is not a valid phone number."),
    "+15005550007": (21606, "The 'From' phone number provided is not a valid Twilio number."),
    "+15005550008": (21611, "This 'From' number has exceeded the maximum of queued messages"),
}
MAGIC_TO = {  # Twilio's magic To numbers for test credentials
    "+15005550001": (21211, "The 'To' number +15005550001 is not a valid phone number."),
    "+15005550002": (21612, "The 'To' phone number: +15005550002, is not currently reachable."),
    "+15005550003": (21408, "Permission to send an SMS has not been enabled for the region."),
    "+15005550004": (21610, "Attempt to send to unsubscribed recipient"),
    "+15005550009": (21614, "'To' number is not a valid mobile number"),
}
WHATSAPP = "whatsapp:"
WHATSAPP_WINDOW = timedelta(hours=24)
OUTSIDE_WINDOW = (
    63016,
    "Failed to send freeform message because you are outside the allowed window.",
)
CONTENT_SID = re.compile(r"^HX[0-9a-fA-F]{32}$")
VARIABLE = re.compile(r"{{\s*(\w+)\s*}}")
GSM = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    "ÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM_EXTENDED = set("^{}\\[~]|€\f")


def num_segments(body: str) -> int:
    """How many SMS segments Twilio bills ``body`` as (GSM-7 when it can, else UCS-2)."""
    if all(c in GSM or c in GSM_EXTENDED for c in body):
        units, single, multi = len(body) + sum(c in GSM_EXTENDED for c in body), 160, 153
    else:
        units, single, multi = len(body.encode("utf-16-le")) // 2, 70, 67
    return 1 if units <= single else -(-units // multi)


def rfc2822(moment: datetime | None) -> str | None:
    return format_datetime(moment.astimezone(UTC).replace(microsecond=0)) if moment else None


def new_sid() -> str:
    return "SM" + uuid.uuid4().hex


@dataclass
class Message:
    sid: str
    account_sid: str
    to: str
    from_: str | None
    body: str
    direction: str
    status: str
    date_created: datetime
    date_sent: datetime | None = None
    messaging_service_sid: str | None = None
    status_callback: str | None = None
    num_media: int = 0
    error_code: int | None = None
    error_message: str | None = None
    content_sid: str | None = None
    content_variables: str | None = None

    def summary(self) -> dict[str, Any]:
        """What the control API lists about an outbound message."""
        keys = (
            "sid",
            "to",
            "messaging_service_sid",
            "body",
            "status",
            "status_callback",
            "content_sid",
            "content_variables",
            "error_code",
        )
        return {
            **{key: getattr(self, key) for key in keys},
            "from": self.from_,
            "date_created": self.date_created.isoformat(),
        }

    def resource(self) -> dict[str, Any]:
        """The message as Twilio's REST API shows it."""
        uri = f"/{API_VERSION}/Accounts/{self.account_sid}/Messages/{self.sid}.json"
        return {
            "account_sid": self.account_sid,
            "api_version": API_VERSION,
            "body": self.body,
            "date_created": rfc2822(self.date_created),
            "date_sent": rfc2822(self.date_sent),
            "date_updated": rfc2822(self.date_sent or self.date_created),
            "direction": self.direction,
            "error_code": self.error_code,
            "error_message": self.error_message,
            "from": self.from_,
            "messaging_service_sid": self.messaging_service_sid,
            "num_media": str(self.num_media),
            "num_segments": str(num_segments(self.body)),
            "price": None,
            "price_unit": "USD",
            "sid": self.sid,
            "status": self.status,
            "subresource_uris": {
                "media": uri[: -len(".json")] + "/Media.json",
                "feedback": uri[: -len(".json")] + "/Feedback.json",
            },
            "to": self.to,
            "uri": uri,
        }


class FakeTwilio:
    """The fake's state: credentials, every message (oldest first), faults and counts.

    Every attribute is guarded by ``lock``; hold it to read or change ``messages`` directly.
    """

    def __init__(
        self,
        account_sid: str,
        auth_token: str,
        *,
        service_number: str = "+15005550006",
        **faults: Any,
    ) -> None:
        self.account_sid = account_sid
        self.auth_token = auth_token
        self.service_number = service_number  # the sender a Messaging Service picks
        self.lock = threading.RLock()
        # Approved content templates by ContentSid: their text, with {{1}}-style variables.
        self.templates: dict[str, str] = {}
        # Each WhatsApp address's last inbound message: its 24-hour window.
        self.whatsapp_seen: dict[str, datetime] = {}
        self._settled = threading.Condition(self.lock)
        self.messages: list[Message] = []
        self.faults: dict[str, Any] = {}
        self.stats: Counter[str] = Counter()
        self.rejected: Counter[int] = Counter()
        self._jobs: queue.Queue[tuple[str, list[dict[str, str]]] | None] = queue.Queue()
        self._workers: list[threading.Thread] = []
        self._pending = 0
        self.reset()
        self.set_faults(**faults)

    def reset(self) -> None:
        with self.lock:
            self.messages.clear()
            self.whatsapp_seen.clear()
            self.faults = {name: kind() for name, kind in FAULTS.items()}
            self.stats.clear()
            self.rejected.clear()

    def set_faults(self, **faults: Any) -> dict[str, Any]:
        unknown = set(faults) - set(FAULTS)
        if unknown:
            raise ValueError(f"unknown faults: {', '.join(sorted(unknown))}")
        with self.lock:
            self.faults.update({name: FAULTS[name](value) for name, value in faults.items()})
            return dict(self.faults)

    def take(self, fault: str) -> bool:
        """Use up one of the next-N-creates faults, if any is left."""
        with self.lock:
            if self.faults[fault] > 0:
                self.faults[fault] -= 1
                return True
            return False

    def reject(self, status: int, code: int, message: str) -> Response:
        with self.lock:
            self.rejected[code] += 1
        return twilio_error(status, code, message)

    def find(self, sid: str) -> Message | None:
        with self.lock:
            return next((m for m in self.messages if m.sid == sid), None)

    def add_template(self, content_sid: str, text: str) -> None:
        """An approved content template, as the Content Template Builder would hold it."""
        with self.lock:
            self.templates[content_sid] = text

    def open_whatsapp_window(self, address: str, at: datetime | None = None) -> None:
        """As if ``address`` (``whatsapp:+44…``) had sent a message ``at`` (now)."""
        with self.lock:
            self.whatsapp_seen[address] = at or datetime.now(UTC)

    def inside_window(self, address: str, now: datetime) -> bool:
        with self.lock:
            seen = self.whatsapp_seen.get(address)
        return seen is not None and now - seen < WHATSAPP_WINDOW

    def rendered(self, content_sid: str, variables: dict[str, str]) -> str:
        with self.lock:
            text = self.templates.get(content_sid, "")
        return VARIABLE.sub(lambda match: variables.get(match.group(1), match.group(0)), text)

    def accept(self, form: MultiDict[str, str]) -> dict[str, Any]:
        """Record an outbound message, answer as Twilio does, then deliver it."""
        service = form.get("MessagingServiceSid") or None
        content_sid = form.get("ContentSid") or None
        variables = form.get("ContentVariables") or None
        body = form.get("Body", "")
        if content_sid:
            body = self.rendered(content_sid, json.loads(variables or "{}"))
        now = datetime.now(UTC)
        message = Message(
            sid=new_sid(),
            account_sid=self.account_sid,
            to=form["To"],
            from_=form.get("From") or None,
            body=body,
            direction="outbound-api",
            status="accepted" if service else "queued",
            date_created=now,
            messaging_service_sid=service,
            status_callback=form.get("StatusCallback") or None,
            num_media=len(form.getlist("MediaUrl")),
            content_sid=content_sid,
            content_variables=variables,
        )
        on_whatsapp = message.to.startswith(WHATSAPP)
        with self.lock:
            self.messages.append(message)
            self.stats["created"] += 1
            answer = message.resource()
            message.from_ = message.from_ or self.service_number
            message.date_sent = now
            message.status = "undelivered" if message.to == UNDELIVERABLE else "delivered"
            if message.status == "undelivered":
                message.error_code, message.error_message = 30003, "Unreachable destination handset"
            elif on_whatsapp and not content_sid and not self.inside_window(message.to, now):
                message.status = "failed"
                message.error_code, message.error_message = OUTSIDE_WINDOW
            if self.faults["callbacks"] and message.status_callback:
                self._queue_callbacks(message, on_whatsapp)
        return answer

    def inbound(self, from_: str, to: str, body: str, num_media: int = 0) -> Message:
        """Record a text from a phone to one of the account's numbers (on WhatsApp, it opens
        the phone's 24-hour window)."""
        now = datetime.now(UTC)
        message = Message(new_sid(), self.account_sid, to, from_, body, "inbound", "received", now)
        message.date_sent, message.num_media = now, num_media
        with self.lock:
            self.messages.append(message)
            self.stats["inbound"] += 1
            if from_.startswith(WHATSAPP):
                self.whatsapp_seen[from_] = now
        return message

    def _queue_callbacks(self, message: Message, on_whatsapp: bool = False) -> None:
        common = {
            "MessageSid": message.sid,
            "SmsSid": message.sid,
            "AccountSid": message.account_sid,
            "From": message.from_ or "",
            "To": message.to,
            "ApiVersion": API_VERSION,
        }
        if message.messaging_service_sid:
            common["MessagingServiceSid"] = message.messaging_service_sid
        final = {"MessageStatus": message.status, "SmsStatus": message.status}
        if message.error_code:
            final["ErrorCode"] = str(message.error_code)
        events = [{**common, **final}]
        if message.status != "failed":  # a message that failed was never sent
            events.insert(0, {**common, "MessageStatus": "sent", "SmsStatus": "sent"})
        if on_whatsapp and message.status == "delivered":  # WhatsApp says when it is read
            events.append({**common, "MessageStatus": "read", "SmsStatus": "read"})
        assert message.status_callback
        self._pending += 1
        self._jobs.put((message.status_callback, events))
        if len(self._workers) < 4:
            worker = threading.Thread(
                target=self._deliver, name="fake-twilio-callbacks", daemon=True
            )
            self._workers.append(worker)
            worker.start()

    def _deliver(self) -> None:
        validator = RequestValidator(self.auth_token)
        with requests.Session() as http:
            while (job := self._jobs.get()) is not None:
                url, events = job
                for params in events:  # one worker posts all of a message's callbacks, in order
                    signature = validator.compute_signature(url, params)
                    try:
                        http.post(
                            url, data=params, headers={"X-Twilio-Signature": signature}, timeout=10
                        ).raise_for_status()
                        outcome = "callbacks_posted"
                    except requests.RequestException:
                        outcome = "callback_errors"
                    with self.lock:
                        self.stats[outcome] += 1
                with self._settled:
                    self._pending -= 1
                    self._settled.notify_all()

    def wait_for_callbacks(self, timeout: float = 10.0) -> bool:
        """Wait until every queued status callback has been posted (or has failed)."""
        with self._settled:
            return self._settled.wait_for(lambda: self._pending == 0, timeout)

    def close(self) -> None:
        """Stop the callback workers (callbacks still queued are dropped)."""
        with self.lock:
            workers, self._workers = self._workers, []
        for _ in workers:
            self._jobs.put(None)
        for worker in workers:
            worker.join(timeout=5)

    def snapshot(self) -> dict[str, Any]:
        with self.lock:
            return {
                "created": self.stats["created"],
                "inbound": self.stats["inbound"],
                "rejected": {str(code): n for code, n in sorted(self.rejected.items())},
                "callbacks_posted": self.stats["callbacks_posted"],
                "callback_errors": self.stats["callback_errors"],
            }


def twilio_error(status: int, code: int, message: str) -> Response:
    """An error answer with Twilio's body."""
    more_info = f"https://www.twilio.com/docs/errors/{code}"
    response = jsonify(code=code, message=message, more_info=more_info, status=status)
    response.status_code = status
    return response


def _variables_are_valid(variables: str) -> bool:
    """ContentVariables as Twilio takes them: a JSON object of non-empty strings."""
    try:
        parsed = json.loads(variables)
    except ValueError:
        return False
    return isinstance(parsed, dict) and all(
        isinstance(value, str) and value for value in parsed.values()
    )


def _window(value: str) -> tuple[datetime, datetime]:
    """The interval a DateSent value names: a whole day for a date, one second for a time."""
    value = value.strip().replace(" ", "+")  # an unencoded "+" in a query string becomes a space
    if len(value) == 10:
        day = date.fromisoformat(value)
        start = datetime(day.year, day.month, day.day, tzinfo=UTC)
        return start, start + timedelta(days=1)
    moment = datetime.fromisoformat(value)
    moment = (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(UTC)
    moment = moment.replace(microsecond=0)
    return moment, moment + timedelta(seconds=1)


def _matches(message: Message, args: MultiDict[str, str], windows: dict[str, Any]) -> bool:
    if args.get("To") and message.to != args["To"]:
        return False
    if args.get("From") and message.from_ != args["From"]:
        return False
    sent = (message.date_sent or message.date_created).replace(microsecond=0)
    if "DateSent" in windows and not windows["DateSent"][0] <= sent < windows["DateSent"][1]:
        return False
    if "DateSent>" in windows and sent < windows["DateSent>"][0]:
        return False
    return not ("DateSent<" in windows and sent >= windows["DateSent<"][1])


def make_app(state: FakeTwilio) -> Flask:
    """The WSGI app serving Twilio's Messages API and the ``/_fake/`` control API."""
    app = Flask(__name__)
    app.json.sort_keys = False  # type: ignore[attr-defined]
    messages_path = f"/{API_VERSION}/Accounts/<account_sid>/Messages"

    def refuse(account_sid: str) -> Response | None:
        auth = request.authorization
        user, password = (auth.username or "", auth.password or "") if auth else ("", "")
        if not (
            hmac.compare_digest(user.encode(), state.account_sid.encode())
            and hmac.compare_digest(password.encode(), state.auth_token.encode())
        ):
            response = state.reject(401, 20003, "Authenticate")
            response.headers["WWW-Authenticate"] = 'Basic realm="Twilio API"'
            return response
        if account_sid != state.account_sid:
            return state.reject(404, 20404, f"The requested resource {request.path} was not found")
        return None

    def create(account_sid: str) -> Response | tuple[dict[str, Any], int]:
        if refused := refuse(account_sid):
            return refused
        if state.take("rate_limit"):
            return state.reject(429, 20429, "Too Many Requests")
        if state.take("server_error"):
            return state.reject(500, 20500, "An internal server error has occurred")
        form = request.form
        to, sender, body = form.get("To", ""), form.get("From", ""), form.get("Body", "")
        if not to:
            return state.reject(400, 21604, "A 'To' phone number is required.")
        if not sender and not form.get("MessagingServiceSid"):
            return state.reject(400, 21603, "A 'From' phone number is required.")
        content_sid, variables = form.get("ContentSid", ""), form.get("ContentVariables", "")
        if variables and not content_sid:
            message = "A ContentSid must be specified if ContentVariables are provided."
            return state.reject(400, 21654, message)
        if content_sid and not (CONTENT_SID.match(content_sid) and content_sid in state.templates):
            return state.reject(400, 21655, "The ContentSid is Invalid")
        if variables and not _variables_are_valid(variables):
            return state.reject(400, 21656, "The ContentVariables Parameter is invalid")
        if not body and not form.get("MediaUrl") and not content_sid:
            return state.reject(400, 21602, "Message body is required.")
        if to.startswith(WHATSAPP) != (sender or "").startswith(WHATSAPP) and sender:
            message = "Invalid From and To pair. From and To should be of the same channel"
            return state.reject(400, 21910, message)
        if len(body) > 1600:
            message = "The concatenated message body exceeds the 1600 character limit."
            return state.reject(400, 21617, message)
        for number, magic in ((sender, MAGIC_FROM), (to, MAGIC_TO)):
            if number in magic:
                return state.reject(400, *magic[number])
        answer = state.accept(form)
        if state.take("server_error_after_accept"):
            return twilio_error(500, 20500, "An internal server error has occurred")
        return answer, 201

    @app.post(messages_path + ".json")
    def create_message(account_sid: str) -> Response | tuple[dict[str, Any], int]:
        time.sleep(state.faults["latency"])
        answer = create(account_sid)
        time.sleep(state.faults["delay"])
        return answer

    @app.get(messages_path + ".json")
    def list_messages(account_sid: str) -> Response | dict[str, Any]:
        if refused := refuse(account_sid):
            return refused
        args = request.args
        try:
            size = min(max(int(args.get("PageSize", 50)), 1), 1000)
            page = max(int(args.get("Page", 0)), 0)
            keys = ("DateSent", "DateSent<", "DateSent>")
            windows = {key: _window(args[key]) for key in keys if args.get(key)}
        except ValueError as error:
            return state.reject(400, 20001, f"Invalid paging or DateSent parameter: {error}")
        token = args.get("PageToken", "")
        with state.lock:
            rows = [m for m in reversed(state.messages) if _matches(m, args, windows)]
            start = page * size
            if token[:2] in ("PA", "PB"):  # after / before the message with this sid
                found = next((i for i, m in enumerate(rows) if m.sid == token[2:]), None)
                start = len(rows) if found is None else found + 1
                if token.startswith("PB"):
                    start = 0 if found is None else max(found - size, 0)
            chunk = rows[start : start + size]
            resources = [m.resource() for m in chunk]
        filters = {k: args[k] for k in ("To", "From", *keys) if args.get(k)}
        base = f"/{API_VERSION}/Accounts/{account_sid}/Messages.json"

        def link(number: int, page_token: str = "") -> str:
            query = {**filters, "PageSize": size, "Page": number, "PageToken": page_token}
            return base + "?" + urlencode({k: v for k, v in query.items() if v != ""})

        more = bool(chunk) and start + size < len(rows)
        query = request.query_string.decode()
        return {
            "messages": resources,
            "page": page,
            "page_size": size,
            "first_page_uri": link(0),
            "next_page_uri": link(page + 1, "PA" + chunk[-1].sid) if more else None,
            "previous_page_uri": link(page - 1, "PB" + chunk[0].sid) if page and chunk else None,
            "uri": request.path + ("?" + query if query else ""),
            "start": start,
            "end": start + max(len(chunk) - 1, 0),
        }

    @app.get(messages_path + "/<sid>.json")
    def fetch_message(account_sid: str, sid: str) -> Response | dict[str, Any]:
        if refused := refuse(account_sid):
            return refused
        message = state.find(sid)
        if message is None:
            return twilio_error(404, 20404, f"The requested resource {request.path} was not found")
        with state.lock:
            return message.resource()

    @app.post("/_fake/reset")
    def reset() -> dict[str, Any]:
        state.reset()
        return state.snapshot()

    @app.post("/_fake/faults")
    def faults() -> Response | dict[str, Any]:
        try:
            return state.set_faults(**(request.get_json(force=True) or {}))
        except (TypeError, ValueError) as error:
            return twilio_error(400, 20001, str(error))

    @app.get("/_fake/messages")
    def sent() -> Response:
        with state.lock:
            outbound = [m for m in state.messages if m.direction == "outbound-api"]
            return jsonify([m.summary() for m in outbound])

    @app.post("/_fake/inbound")
    def inbound() -> Response | tuple[dict[str, Any], int]:
        data = request.get_json(force=True)
        try:
            sender, to, body = data["from"], data["to"], data.get("body", "")
        except (KeyError, TypeError):
            return twilio_error(400, 20001, "'from' and 'to' are required")
        message = state.inbound(sender, to, body, int(data.get("num_media", 0)))
        with state.lock:
            return message.resource(), 201

    @app.post("/_fake/templates")
    def templates() -> Response | dict[str, Any]:
        data = request.get_json(force=True)
        if not isinstance(data, dict) or not all(
            CONTENT_SID.match(str(sid)) and isinstance(text, str) for sid, text in data.items()
        ):
            return twilio_error(400, 20001, "send {ContentSid: template text, ...}")
        for sid, text in data.items():
            state.add_template(sid, text)
        return {"templates": sorted(state.templates)}

    @app.get("/_fake/stats")
    def stats() -> dict[str, Any]:
        return state.snapshot()

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> Response:
        status = error.code or 500
        if status == 404:
            return twilio_error(404, 20404, f"The requested resource {request.path} was not found")
        code = {405: 20004}.get(status, 20000 + status)
        return twilio_error(status, code, error.description or error.name)

    return app


class _QuietHandler(WSGIRequestHandler):
    def log_request(self, *args: Any, **kwargs: Any) -> None:
        pass


@dataclass
class RunningFakeTwilio:
    url: str  # base URL, e.g. http://127.0.0.1:PORT; stands for https://api.twilio.com
    state: FakeTwilio


@contextmanager
def running_fake_twilio(
    account_sid: str, auth_token: str, **faults: Any
) -> Iterator[RunningFakeTwilio]:
    """Serve a fake Twilio on a free loopback port in a daemon thread while the block runs."""
    state = FakeTwilio(account_sid, auth_token, **faults)
    server = make_server(
        "127.0.0.1", 0, make_app(state), threaded=True, request_handler=_QuietHandler
    )
    thread = threading.Thread(
        target=server.serve_forever, args=(0.05,), name="fake-twilio", daemon=True
    )
    thread.start()
    try:
        yield RunningFakeTwilio(f"http://127.0.0.1:{server.server_port}", state)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
        state.close()


def _stop(signum: int, frame: object) -> NoReturn:
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m tests.support.twilio_double", description=__doc__
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    parser.add_argument("--account-sid", default="AC" + "0" * 32)
    parser.add_argument("--auth-token", default="0123456789abcdef0123456789abcdef")
    for name, kind in FAULTS.items():  # --callbacks, --latency S, --rate-limit N, ...
        flag = "--" + name.replace("_", "-")
        if kind is bool:
            parser.add_argument(flag, action="store_true")
        else:
            parser.add_argument(flag, type=kind, default=kind())
    args = parser.parse_args(argv)
    faults = {name: getattr(args, name) for name in FAULTS}
    state = FakeTwilio(args.account_sid, args.auth_token, **faults)
    server = make_server(
        args.host, args.port, make_app(state), threaded=True, request_handler=_QuietHandler
    )
    signal.signal(signal.SIGTERM, _stop)
    print(f"fake Twilio on http://{args.host}:{server.server_port}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
        state.close()


@contextmanager
def fake_twilio_process(*options: str) -> Iterator[tuple[subprocess.Popen[str], str]]:
    """The fake in a process of its own (``options`` as on its command line): the process and
    its base URL."""
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.support.twilio_double", *options],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        if not line.startswith("fake Twilio on "):
            raise RuntimeError(f"the fake Twilio did not start: {line!r}")
        yield process, line.removeprefix("fake Twilio on ").strip()
    finally:
        process.terminate()
        process.wait(timeout=10)
        if process.stdout is not None:
            process.stdout.close()


if __name__ == "__main__":
    main()
