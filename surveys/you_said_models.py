"""The board's answer to a survey's findings ("you said, we did"), across its versions."""

from __future__ import annotations

from sqlalchemy import ForeignKey, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from changemakers.content.lifecycle import VersionedContent
from changemakers.extensions import Model


class ResultsVersion(VersionedContent, Model):
    """One version of the board's responses and actions for a survey; its life is drawn in
    ``changemakers.content.lifecycle``, its content in ``surveys.you_said``. The published
    version is what the survey's public results page shows."""

    __tablename__ = "survey_results_versions"
    __table_args__ = (UniqueConstraint("survey_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id", ondelete="CASCADE"), index=True)
