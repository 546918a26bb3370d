"""How an SMS leaves the service, and how missed ones are found: ``twilio`` and ``console``.

The Twilio gateway says, for every send, what became of it in the terms the outbox needs:
sent (Twilio took it), retry (Twilio says it did not process the request), unknown (it may
have been sent: a timeout, a 5xx, a dropped connection) or rejected (a final error).
"""

from __future__ import annotations

import enum
import logging
import threading
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol

import requests
import urllib3.exceptions
from twilio.base.exceptions import TwilioRestException
from twilio.http.http_client import TwilioHttpClient
from twilio.rest import Client

from changemakers import privacy
from messages import whatsapp

log = logging.getLogger(__name__)

TWILIO_API_URL = "https://api.twilio.com"
REQUEST_TIMEOUT = 10.0  # seconds; Twilio answers a send in well under a second
STATUS_CALLBACK_PATH = "/sms/status"

# Errors after which Twilio has not taken the message, and a later try may work: too many
# requests, authentication (the credentials are being fixed), the sender's queue is full.
NOT_PROCESSED_CODES = frozenset({20429, 20003, 21611})
OPTED_OUT = 21610  # the recipient texted STOP to Twilio


class Outcome(enum.StrEnum):
    SENT = "sent"
    RETRY = "retry"
    UNKNOWN = "unknown"
    REJECTED = "rejected"


@dataclass(frozen=True)
class SendResult:
    outcome: Outcome
    provider_sid: str | None = None
    error_code: int | None = None


@dataclass(frozen=True)
class OutgoingSms:
    """A message to send: by SMS, or on WhatsApp (free-form, or an approved template: Twilio's
    Content API, ``content_sid`` with its ``content_variables`` as JSON, in place of the body)."""

    outbox_id: int
    to: str  # E.164, on either channel
    body: str
    channel: str = whatsapp.SMS
    content_sid: str | None = None
    content_variables: str | None = None


@dataclass(frozen=True)
class InboundRecord:
    """A message a participant sent, as the provider's records have it."""

    message_sid: str
    number: str
    body: str
    num_media: int


class GatewayUnavailable(Exception):
    """The provider could not be asked (a lookup failed); try again later."""


class Gateway(Protocol):
    def send(self, sms: OutgoingSms) -> SendResult: ...

    def find_sent(self, to: str, body: str, since: datetime) -> str | None:
        """The provider's id of a message with this body sent to ``to`` since ``since``."""
        ...

    def inbound_since(self, since: datetime) -> list[InboundRecord]:
        """Messages participants sent since ``since``, oldest first."""
        ...


def outcome_of_error(http_status: int, code: int | None) -> Outcome:
    """What a Twilio error answer means for the message."""
    if http_status == 429 or code in NOT_PROCESSED_CODES:
        return Outcome.RETRY
    if http_status >= 500:
        return Outcome.UNKNOWN
    return Outcome.REJECTED


def outcome_of_failure(error: requests.RequestException) -> Outcome:
    """A request that got no answer: retry only if it never reached Twilio."""
    if isinstance(error, requests.ConnectTimeout):
        return Outcome.RETRY
    if isinstance(error, requests.ConnectionError):
        reason = error.args[0] if error.args else None
        if isinstance(reason, urllib3.exceptions.MaxRetryError) and isinstance(
            reason.reason, urllib3.exceptions.NewConnectionError
        ):
            return Outcome.RETRY  # refused or no route: nothing was sent
    return Outcome.UNKNOWN


class _ApiAddress(TwilioHttpClient):
    """Twilio's HTTP client, sending to another address (a test double of the REST API)."""

    def __init__(self, api_url: str, timeout: float) -> None:
        super().__init__(timeout=timeout)
        self.api_url = api_url.rstrip("/")

    def request(self, method: str, url: str, *args: Any, **kwargs: Any) -> Any:
        if url.startswith(TWILIO_API_URL):
            url = self.api_url + url[len(TWILIO_API_URL) :]
        return super().request(method, url, *args, **kwargs)


class TwilioGateway:
    """Twilio's REST API through the twilio library, with a timeout on every request. Each
    thread has its own client (and so its own connection pool)."""

    def __init__(
        self,
        account_sid: str,
        auth_token: str,
        messaging_service_sid: str | None,
        sender: str | None,
        public_base_url: str | None,
        api_url: str = TWILIO_API_URL,
        timeout: float = REQUEST_TIMEOUT,
        whatsapp_sender: str | None = None,
    ) -> None:
        self.account_sid = account_sid
        self.auth_token = auth_token
        self.messaging_service_sid = messaging_service_sid
        self.sender = sender
        self.public_base_url = public_base_url
        self.api_url = api_url
        self.timeout = timeout
        self.whatsapp_sender = whatsapp_sender
        self._local = threading.local()

    @property
    def client(self) -> Client:
        client = getattr(self._local, "client", None)
        if client is None:
            if self.api_url.rstrip("/") == TWILIO_API_URL:
                http_client = TwilioHttpClient(timeout=self.timeout)
            else:
                http_client = _ApiAddress(self.api_url, self.timeout)
            client = Client(self.account_sid, self.auth_token, http_client=http_client)
            self._local.client = client
        return client

    def _sender(self) -> dict[str, str]:
        if self.messaging_service_sid:
            return {"messaging_service_sid": self.messaging_service_sid}
        return {"from_": self.sender or ""}

    def status_callback(self, outbox_id: int) -> str | None:
        if not self.public_base_url:
            return None
        return f"{self.public_base_url}{STATUS_CALLBACK_PATH}?outbox={outbox_id}"

    def _message(self, sms: OutgoingSms) -> dict[str, Any]:
        """What Twilio's Messages API takes for ``sms``: to and from on its channel, and the
        body or the template."""
        if sms.channel == whatsapp.WHATSAPP:
            options: dict[str, Any] = {
                "to": whatsapp.address(sms.to),
                "from_": whatsapp.address(self.whatsapp_sender or ""),
            }
        else:
            options = {"to": sms.to, **self._sender()}
        if sms.content_sid:
            options["content_sid"] = sms.content_sid
            if sms.content_variables:
                options["content_variables"] = sms.content_variables
        else:
            options["body"] = sms.body
        callback = self.status_callback(sms.outbox_id)
        if callback:
            options["status_callback"] = callback
        return options

    def send(self, sms: OutgoingSms) -> SendResult:
        try:
            message = self.client.messages.create(**self._message(sms))
        except TwilioRestException as error:
            outcome = outcome_of_error(error.status, error.code)
            log.warning(
                "outbox %s: Twilio answered %s (error %s): %s",
                sms.outbox_id,
                error.status,
                error.code,
                outcome.value,
            )
            return SendResult(outcome, error_code=error.code)
        except requests.RequestException as error:
            outcome = outcome_of_failure(error)
            log.warning(
                "outbox %s: no answer from Twilio (%s): %s",
                sms.outbox_id,
                type(error).__name__,
                outcome.value,
            )
            return SendResult(outcome)
        return SendResult(Outcome.SENT, provider_sid=message.sid)

    def find_sent(self, to: str, body: str, since: datetime) -> str | None:
        try:
            for message in self.client.messages.list(to=to, limit=50):
                created = message.date_created
                if (
                    str(message.direction).startswith("outbound")
                    and message.body == body
                    and created is not None
                    and created >= since - timedelta(seconds=5)
                ):
                    return str(message.sid)
        except (TwilioRestException, requests.RequestException) as error:
            raise GatewayUnavailable(type(error).__name__) from error
        return None

    def inbound_since(self, since: datetime) -> list[InboundRecord]:
        """Twilio lists newest first; a participant's messages are handled in the order sent."""
        try:
            listed = [
                message
                for message in self.client.messages.stream(date_sent_after=since, page_size=1000)
                if message.direction == "inbound" and self._is_ours(message)
            ]
        except (TwilioRestException, requests.RequestException) as error:
            raise GatewayUnavailable(type(error).__name__) from error
        listed.reverse()  # oldest first, also among those sent in the same second
        listed.sort(key=lambda message: message.date_sent or since)
        return [
            InboundRecord(
                message_sid=str(message.sid),
                number=str(message.from_),
                body=message.body or "",
                num_media=int(message.num_media or 0),
            )
            for message in listed
        ]

    def _is_ours(self, message: Any) -> bool:
        if self.whatsapp_sender and message.to == whatsapp.address(self.whatsapp_sender):
            return True
        if self.messaging_service_sid:
            return bool(message.messaging_service_sid == self.messaging_service_sid)
        return bool(message.to == self.sender)


class ConsoleGateway:
    """For the demo and local use: a message 'sent' is written to the log (with the
    participant's short reference, never the number) and shows in the phone simulator."""

    def send(self, sms: OutgoingSms) -> SendResult:
        log.info(
            "console %s to participant %s%s: %s",
            "WhatsApp" if sms.channel == whatsapp.WHATSAPP else "SMS",
            privacy.short_reference(sms.to),
            " (approved template)" if sms.content_sid else "",
            sms.body,
        )
        return SendResult(Outcome.SENT, provider_sid=f"CONSOLE{uuid.uuid4().hex}")

    def find_sent(self, to: str, body: str, since: datetime) -> str | None:
        return None  # nothing is lost by showing a console message twice

    def inbound_since(self, since: datetime) -> list[InboundRecord]:
        return []


def gateway_from_config(config: Mapping[str, Any]) -> Gateway:
    if config["SMS_GATEWAY"] == "console":
        return ConsoleGateway()
    return TwilioGateway(
        account_sid=config["TWILIO_ACCOUNT_SID"],
        auth_token=config["TWILIO_AUTH_TOKEN"],
        messaging_service_sid=config["TWILIO_MESSAGING_SERVICE_SID"],
        sender=config["TWILIO_FROM"],
        public_base_url=config["PUBLIC_BASE_URL"],
        api_url=config["TWILIO_API_URL"],
        whatsapp_sender=config["WHATSAPP_FROM"],
    )
