"""Demo content for surveys: "What matters to you?", modelled on the youth group's survey of 800
children, live at /s/what-matters and by the SMS keyword SURVEY."""

from __future__ import annotations

from pathlib import Path

from messages.flows import files
from surveys import services

DEMO_SURVEYS = Path(__file__).parent / "demo_surveys"


def load_demo_content() -> None:
    for path in sorted(DEMO_SURVEYS.glob("*.yaml")):
        services.load_published(files.load(path.read_text(), path.name))
