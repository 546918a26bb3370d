"""The SMS channel's part of the yearly summary: how many phones texted the service and how
often each message flow was started in the reporting year, through the disclosure gate (each
phone's record key a keyed hash of its pseudonym, each conversation's of its id).

What was erased is not counted: a young person's texts go when they text DELETE or stay
silent for ``CONTACT_RETENTION_DAYS``, so the summary is best made soon after the year ends.
"""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import and_, select

from changemakers import disclosure, privacy
from changemakers.annual.report import Reach, ReportYear, Section, Table
from changemakers.extensions import db
from messages.flows.services import KIND as FLOW
from messages.models import Conversation, Flow, InboundMessage


def phones_that_texted(year: ReportYear, threshold: int) -> int | str:
    pseudonyms = db.session.scalars(
        select(InboundMessage.pseudonym)
        .where(
            and_(
                InboundMessage.received_at >= year.starts(),
                InboundMessage.received_at < year.ends(),
                InboundMessage.pseudonym.is_not(None),
            )
        )
        .distinct()
    ).all()
    cell = disclosure.Cell(
        len(pseudonyms), sum(privacy.record_key("phone", p) for p in pseudonyms if p)
    )
    return disclosure.protect({"phones": cell}, [], threshold).show("phones")


def flows_started(year: ReportYear, threshold: int) -> list[tuple[str, int | str]]:
    """Each flow started in the year, by name, with how many conversations it began."""
    rows = db.session.execute(
        select(Conversation.id, Conversation.ref).where(
            and_(
                Conversation.kind == FLOW,
                Conversation.started_at >= year.starts(),
                Conversation.started_at < year.ends(),
            )
        )
    ).all()
    if not rows:
        return []
    cells: dict[str, disclosure.Cell] = defaultdict(disclosure.Cell)
    for conversation_id, ref in rows:
        key = privacy.record_key("conversation", conversation_id)
        cells[str(ref)] = cells[str(ref)] + disclosure.Cell(1, key)
    total = disclosure.Cell(
        len(rows), sum(privacy.record_key("conversation", row.id) for row in rows)
    )
    shown = disclosure.one_way(dict(cells), total, threshold)
    names = {
        str(flow.id): flow.name
        for flow in db.session.scalars(select(Flow).where(Flow.id.in_(_ids(cells))))
    }
    listed = [(names.get(ref, "A flow since deleted"), shown.show(ref)) for ref in cells]
    return [*sorted(listed), ("All flows", shown.show("total"))]


def _ids(cells: dict[str, disclosure.Cell]) -> list[int]:
    return [int(ref) for ref in cells if ref.isdecimal()]


def sms_section(year: ReportYear, threshold: int) -> Section:
    phones = phones_that_texted(year, threshold)
    flows = flows_started(year, threshold)
    return Section(
        "Text messages and peer-support flows",
        paragraphs=(
            "Young people text a keyword and get a short conversation written by the "
            "Changemakers (worried about a friend, knife crime, online safety, stress).",
        ),
        tables=[Table("Message flows started", ("Flow", "Conversations started"), flows)]
        if flows
        else [],
        reach=[Reach("Phones that texted the service", phones)],
        order=20,
    )
