from __future__ import annotations

import logging
import re
import secrets
import uuid

from flask import Response, current_app, redirect, render_template, request, session, url_for
from flask.typing import ResponseReturnValue
from werkzeug.datastructures import MultiDict

from changemakers import privacy
from changemakers.access import ALL_STAFF, public, public_in_demo, roles_allowed
from changemakers.database import LARGEST_ID
from changemakers.extensions import csrf, limiter
from changemakers.forms import add_error
from changemakers.languages import TRANSLATED
from messages import webhooks, whatsapp
from messages.blueprint import bp
from messages.delivery import record_delivery_status
from messages.forms import SimulatorForm
from messages.history import conversation_history
from messages.inbound import ReceivedSms, receive_from_unreachable_sender, receive_sms
from messages.text_translations import NEEDS_NATIVE_REVIEW

log = logging.getLogger(__name__)

TWIML = "text/xml"
MAX_MEDIA = 10  # Twilio sends at most 10 pictures with a message
MAX_PAYLOAD = 256  # a WhatsApp button's id is at most 256 characters
_CONTROL_CHARACTER = re.compile(r"[\x00-\x1f\x7f-\x9f]")
# Ofcom keeps these numbers for drama: they can never be a real young person's phone.
SIMULATOR_NUMBERS = range(447700900000, 447700901000)
NEW_NUMBER = "new-number"  # the simulator's button for a fresh pretend phone
NEW_NUMBER_TRIES = 20


@limiter.request_filter
def _twilio_webhooks() -> bool:
    """Twilio's own requests are never rate limited (checked before anything else)."""
    return request.endpoint in ("messages.inbound", "messages.status")


def _plain(message: str, status: int) -> Response:
    return Response(message + "\n", status=status, mimetype="text/plain")


@bp.route("/sms/inbound", methods=["POST"])
@csrf.exempt
@public
def inbound() -> ResponseReturnValue:
    """Twilio's incoming-message webhook. Answers with TwiML, quickly."""
    if not webhooks.signature_is_valid(request):
        return _unsigned("inbound SMS")
    refused = _refused_fields(request.form)
    if refused:
        return _plain(refused, 400)
    message_sid = request.form.get("MessageSid", "").strip()
    sender = request.form.get("From", "").strip()
    if not message_sid or not sender:
        return _plain("Bad request: MessageSid and From are required", 400)
    if len(message_sid) > 64:
        return _plain("Bad request: MessageSid is not a Twilio message id", 400)
    num_media_field = request.form.get("NumMedia", "").strip() or "0"
    if not (num_media_field.isascii() and num_media_field.isdecimal()):
        return _plain("Bad request: NumMedia must be a whole number", 400)
    num_media = int(num_media_field)
    if num_media > MAX_MEDIA:
        return _plain(f"Bad request: NumMedia must be at most {MAX_MEDIA}", 400)
    # A tapped WhatsApp quick-reply button sends its payload, the option's number.
    body = whatsapp.answer_text(
        request.form.get("Body", ""), request.form.get("ButtonPayload", "")[:MAX_PAYLOAD]
    )
    # Media (MediaUrl0…) is never fetched, kept or logged: only how many came is read.
    channel, sent_from = whatsapp.split_address(sender)
    try:
        number = privacy.normalise_number(sent_from)
    except privacy.InvalidNumber:
        receive_from_unreachable_sender(message_sid, sender, body, num_media)
        return Response(webhooks.twiml([]), mimetype=TWIML)
    replies = receive_sms(
        ReceivedSms(
            message_sid=message_sid,
            number=number,
            body=body,
            num_media=num_media,
            opt_out_type=request.form.get("OptOutType") or None,
            channel=channel,
        )
    )
    if current_app.config["SMS_GATEWAY"] == "console":
        reference = privacy.short_reference(number)
        for reply in replies:
            log.info("console SMS reply to participant %s: %s", reference, reply)
    return Response(webhooks.twiml(replies), mimetype=TWIML)


def _refused_fields(form: MultiDict[str, str]) -> str:
    """Why a webhook's fields are refused ("" if they are not): a control character (a NUL
    and the like, which no phone or Twilio sends) in any field but the message's own words.
    ``Body`` keeps what a person typed; its control characters are dropped when stored."""
    for name, value in form.items(multi=True):
        if name != "Body" and _CONTROL_CHARACTER.search(value):
            return f"Bad request: {name} holds a control character"
    return ""


def _unsigned(what: str) -> Response:
    log.warning("%s refused: missing or invalid Twilio signature", what)
    return _plain("Forbidden: missing or invalid X-Twilio-Signature", 403)


@bp.route("/sms/status", methods=["POST"])
@csrf.exempt
@public
def status() -> ResponseReturnValue:
    """Twilio's status callback for a message from the outbox (its id in the URL)."""
    if not webhooks.signature_is_valid(request):
        return _unsigned("status callback")
    refused = _refused_fields(request.form)
    if refused:
        return _plain(refused, 400)
    outbox_id = request.args.get("outbox", "")
    message_status = request.form.get("MessageStatus", "").strip()
    if not outbox_id.isdecimal() or len(outbox_id) > 10 or int(outbox_id) > LARGEST_ID:
        return _plain("Bad request: the URL must carry ?outbox=<id>", 400)
    if not message_status:
        return _plain("Bad request: MessageStatus is required", 400)
    message_sid = request.form.get("MessageSid", "").strip()
    if len(message_sid) > 64:
        return _plain("Bad request: MessageSid is not a Twilio message id", 400)
    error_code = request.form.get("ErrorCode", "").strip()
    record_delivery_status(
        int(outbox_id),
        message_status,
        message_sid or None,
        int(error_code) if error_code.isdecimal() else None,
    )
    return Response(status=204)


def _simulator_number(raw: str) -> str:
    number = privacy.normalise_number(raw)
    if int(number.lstrip("+")) not in SIMULATOR_NUMBERS:
        raise privacy.InvalidNumber("outside the drama range")
    return number


def _fresh_simulator_number() -> str:
    """A pretend number picked at random, written as a phone shows it ("07700 900123"): not
    the one in use, and with no conversation yet (most have none; after a few tries, any
    other will do)."""
    current = str(session.get("simulator_number", "")).replace(" ", "")
    picked = ""
    for _ in range(NEW_NUMBER_TRIES):
        digits = str(secrets.choice(SIMULATOR_NUMBERS))[2:]  # 447700900123: 7700900123
        if "0" + digits == current:
            continue
        picked = f"0{digits[:4]} {digits[4:]}"
        if not conversation_history(privacy.pseudonym("+44" + digits), limit=1):
            break
    return picked


@bp.route("/sms/simulator", methods=["GET", "POST"])
@public_in_demo
@roles_allowed(*ALL_STAFF)
def simulator() -> ResponseReturnValue:
    """A pretend phone: what is typed here goes through the same router as a real SMS. After a
    text the page opens at the newest message sent (``#latest``), with its replies below, so
    a long conversation never makes a phone scroll back down to it. The link that checks for
    new messages carries a new ``check`` each time: an address that differed only in its
    ``#latest`` would scroll the page, not load it afresh."""
    if request.method == "POST" and request.form.get("action") == NEW_NUMBER:
        session["simulator_number"] = _fresh_simulator_number()
        return redirect(url_for("messages.simulator"))
    form = SimulatorForm(
        number=session.get("simulator_number", "07700 900123"),
        on_whatsapp=session.get("simulator_on_whatsapp", False),
    )
    history = []
    if form.validate_on_submit():
        try:
            number = _simulator_number(form.number.data or "")
        except privacy.InvalidNumber:
            add_error(form.number, "Use a pretend number from 07700 900000 to 07700 900999")
        else:
            session["simulator_number"] = form.number.data
            session["simulator_on_whatsapp"] = bool(form.on_whatsapp.data)
            channel = whatsapp.WHATSAPP if form.on_whatsapp.data else whatsapp.SMS
            receive_sms(
                ReceivedSms(
                    f"SM{uuid.uuid4().hex}",
                    number,
                    form.body.data or "",
                    simulated=True,
                    channel=channel,
                )
            )
            return redirect(url_for("messages.simulator", _anchor="latest"))
    try:
        pseudonym = privacy.pseudonym(_simulator_number(form.number.data or ""))
        history = conversation_history(pseudonym)
    except privacy.InvalidNumber:
        history = []
    return render_template(
        "messages/simulator.html",
        form=form,
        history=history,
        gateway=current_app.config["SMS_GATEWAY"],
        new_number=NEW_NUMBER,
        check_url=url_for("messages.simulator", check=secrets.token_hex(4), _anchor="latest"),
        unchecked_languages=[
            language.name for language in TRANSLATED if language.code in NEEDS_NATIVE_REVIEW
        ],
    )
