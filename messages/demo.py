"""Demo content for the SMS channel: the peer-support flows (``demo_flows/``), and keywords with
fixed replies, to try in the simulator."""

from __future__ import annotations

from pathlib import Path

from flask import Flask

from changemakers.content import files
from messages.flows import services as flows
from messages.gateways import gateway_from_config
from messages.keywords import set_fixed_reply
from messages.worker import Dispatcher, run_in_background

DEMO_KEYWORDS = {
    "HELLO": (
        "Hi, thanks for texting Changemakers. We are young people in the borough who want every "
        "young person to feel safe. Text HELP to find out more."
    ),
    "TIPS": (
        "Staying safe online: keep your accounts private, think before you share a photo, and "
        "tell someone you trust if anything online worries you. Childline: 0800 1111."
    ),
}


DEMO_FLOWS = Path(__file__).parent / "demo_flows"


def load_demo_content() -> None:
    for word, reply in DEMO_KEYWORDS.items():
        set_fixed_reply(word, reply)
    for path in sorted(DEMO_FLOWS.glob("*.yaml")):
        flows.load_published(files.load(path.read_text(), path.name))


def start_dispatcher(app: Flask) -> Dispatcher:
    """The demo sends its outbox in a background thread (with the console gateway, to the log
    and the simulator)."""
    return run_in_background(app, gateway_from_config(app.config))
