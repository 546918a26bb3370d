"""Demo content for the SMS channel: the peer-support flows (``demo_flows/``), and fixed replies
(HELLO, TIPS), published as they stand, to try in the simulator."""

from __future__ import annotations

from pathlib import Path

from flask import Flask

from changemakers.content import files
from messages import fixed_replies
from messages.flows import services as flows
from messages.gateways import gateway_from_config
from messages.worker import Dispatcher, run_in_background

DEMO_FIXED_REPLIES = {
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
    for keyword, reply in DEMO_FIXED_REPLIES.items():
        fixed_replies.load_published(keyword, reply)
    for path in sorted(DEMO_FLOWS.glob("*.yaml")):
        flows.load_published(files.load(path.read_text(), path.name))


def start_dispatcher(app: Flask) -> Dispatcher:
    """The demo sends its outbox in a background thread (with the console gateway, to the log
    and the simulator)."""
    return run_in_background(app, gateway_from_config(app.config))
