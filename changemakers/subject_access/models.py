"""The reference a young person gets by texting MYDATA, to ask what the service holds."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from changemakers.database import utcnow
from changemakers.extensions import Model


class DataReference(Model):
    __tablename__ = "data_references"

    reference: Mapped[str] = mapped_column(String(16), primary_key=True)
    pseudonym: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
