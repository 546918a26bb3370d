"""What Twilio sends us: signature checks and TwiML answers."""

from __future__ import annotations

import hmac

from flask import Request, current_app
from twilio.request_validator import RequestValidator
from twilio.twiml.messaging_response import MessagingResponse


def signed_url(request: Request) -> str:
    """The URL Twilio signed: the public address when the app sits behind a proxy."""
    base = current_app.config["PUBLIC_BASE_URL"]
    if not base:
        return request.url
    query = request.query_string.decode()
    return base + request.path + (f"?{query}" if query else "")


def signature_is_valid(request: Request) -> bool:
    """True when the request carries Twilio's signature for our auth token. The console
    gateway takes unsigned requests, in the demo and in tests only (the settings refuse it
    anywhere else at start-up, and it is checked again here)."""
    config = current_app.config
    if config["SMS_GATEWAY"] == "console" and (config["DEMO"] or current_app.testing):
        return True
    signature = request.headers.get("X-Twilio-Signature", "")
    if not signature:
        return False
    validator = RequestValidator(current_app.config["TWILIO_AUTH_TOKEN"])
    url = signed_url(request)
    # Most requests are signed for exactly this URL: check that first (one HMAC); otherwise let
    # the library try the variants Twilio may have signed (with and without the port).
    expected = validator.compute_signature(url, request.form)
    return hmac.compare_digest(expected, signature) or validator.validate(
        url, request.form, signature
    )


def twiml(replies: list[str]) -> str:
    response = MessagingResponse()
    for reply in replies:
        response.message(reply)
    return str(response)
