"""Demo content for surveys: "What matters to you?", modelled on the youth group's survey of 800
children, live at /s/what-matters and by the SMS keyword SURVEY."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, insert, select

from changemakers.content import files
from changemakers.extensions import db
from surveys import services, synthetic
from surveys.models import SurveyResponse

DEMO_SURVEYS = Path(__file__).parent / "demo_surveys"
SYNTHETIC_FOR = "what-matters"


def load_demo_content() -> None:
    for path in sorted(DEMO_SURVEYS.glob("*.yaml")):
        version = services.load_published(files.load(path.read_text(), path.name))
        if version.content["slug"] == SYNTHETIC_FOR:
            load_synthetic_responses(version.survey_id, version.id)


def load_synthetic_responses(survey_id: int, version_id: int) -> None:
    """About 800 made-up responses (``surveys/synthetic.py``), once, so the board pages have
    something to show in the demo."""
    if db.session.scalar(
        select(func.count(SurveyResponse.id)).where(SurveyResponse.survey_id == survey_id)
    ):
        return
    rows = [
        {**made, "survey_id": survey_id, "version_id": version_id}
        for made in synthetic.responses(services.today())
    ]
    db.session.execute(insert(SurveyResponse), rows)
    db.session.commit()
