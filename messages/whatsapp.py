"""WhatsApp through Twilio: addresses, the 24-hour customer-service window, approved templates
and quick-reply buttons. Plain Python: no Flask, no database.

Twilio writes a WhatsApp sender as ``whatsapp:+447700900123``. The same phone on SMS and on
WhatsApp is one participant: the prefix is taken off before the number is normalised, so both
channels share one pseudonym, and the contact remembers the channel they used last.

WhatsApp lets a business send free-form messages only within 24 hours of the young person's
last message (the customer-service window). Outside it only an approved template may start a
conversation: Twilio's Content API, a ``ContentSid`` with ``ContentVariables``. Twilio reports a
free-form message sent outside the window as failed with error 63016. How a message from the
outbox goes::

    channel sms ─────────────────────────────────────────────▶ SMS, as always
    channel whatsapp ──inside the window──▶ free-form WhatsApp (buttons: quick-reply template)
                     └─outside──▶ the purpose's template set? ──yes──▶ template, the text its {{1}}
                                                              └─no───▶ not sent (error 63016)
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

PREFIX = "whatsapp:"
SMS = "sms"
WHATSAPP = "whatsapp"
WINDOW = timedelta(hours=24)
OUTSIDE_WINDOW = 63016  # Twilio: outside the allowed window, use a template
MAX_BUTTONS = 3  # quick-reply buttons WhatsApp allows in a free-form (in-session) message
MAX_BUTTON_TITLE = 20  # characters WhatsApp shows on a quick-reply button


def split_address(address: str) -> tuple[str, str]:
    """The channel and the address without its prefix: ``whatsapp:+44…`` → ``("whatsapp",
    "+44…")``; anything else is SMS."""
    stripped = address.strip()
    if stripped[: len(PREFIX)].lower() == PREFIX:
        return WHATSAPP, stripped[len(PREFIX) :].strip()
    return SMS, stripped


def address(number: str) -> str:
    """A number as Twilio addresses it on WhatsApp."""
    return number if number.startswith(PREFIX) else PREFIX + number


def window_ends(last_inbound: datetime | None) -> datetime | None:
    """Until when free-form messages may go: 24 hours after their last WhatsApp message."""
    return None if last_inbound is None else last_inbound + WINDOW


def inside_window(last_inbound: datetime | None, now: datetime) -> bool:
    ends = window_ends(last_inbound)
    return ends is not None and now < ends


@dataclass(frozen=True)
class Templates:
    """The approved templates in the settings: a ContentSid per outbox purpose (its text goes
    in as variable 1), and quick-reply templates by their number of buttons."""

    by_purpose: Mapping[str, str]
    quick_replies: Mapping[int, str]


@dataclass(frozen=True)
class Plan:
    """How one message goes: ``channel`` is ``sms`` or ``whatsapp``; ``content_sid`` and
    ``content_variables`` are set for a template; ``unsendable`` when nothing may go."""

    channel: str
    content_sid: str | None = None
    content_variables: str | None = None
    unsendable: bool = False


def plan(
    channel: str,
    last_inbound: datetime | None,
    now: datetime,
    purpose: str,
    body: str,
    templates: Templates,
    choices: Sequence[str] = (),
) -> Plan:
    """How a message from the outbox goes to a participant on ``channel`` (see the picture)."""
    if channel != WHATSAPP:
        return Plan(SMS, unsendable=bool(choices))  # buttons exist only on WhatsApp
    if choices:
        sid = templates.quick_replies.get(len(choices))
        if sid is None or not inside_window(last_inbound, now):
            return Plan(WHATSAPP, unsendable=True)
        return Plan(WHATSAPP, sid, button_variables(choices))
    if inside_window(last_inbound, now):
        return Plan(WHATSAPP)
    sid = templates.by_purpose.get(purpose)
    if sid is None:
        return Plan(WHATSAPP, unsendable=True)
    return Plan(WHATSAPP, sid, json.dumps({"1": body}, ensure_ascii=False))


def button_title(label: str) -> str:
    """An option's label as it fits on a button."""
    label = " ".join(label.split())
    if len(label) <= MAX_BUTTON_TITLE:
        return label
    return label[: MAX_BUTTON_TITLE - 1].rstrip() + "…"


def button_variables(choices: Sequence[str]) -> str:
    """The ContentVariables of a quick-reply template: each button's title, in order; each
    button's id (what Twilio sends back as ``ButtonPayload``) is its option's number, set in
    the template itself."""
    return json.dumps(
        {str(n): button_title(label) for n, label in enumerate(choices, start=1)},
        ensure_ascii=False,
    )


def buttons_for(choices: Sequence[str], templates: Templates) -> tuple[str, ...]:
    """The options to offer as buttons, if a quick-reply template has room for exactly them."""
    if 2 <= len(choices) <= MAX_BUTTONS and len(choices) in templates.quick_replies:
        return tuple(choices)
    return ()


def answer_text(body: str, button_payload: str) -> str:
    """What a message says: a tapped button's payload (its option's number) stands for the
    text, as the number typed would."""
    payload = button_payload.strip()
    return payload if payload else body
