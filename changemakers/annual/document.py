"""The yearly summary as a Word document (python-docx), to paste into the annual report: a
heading per section, its paragraphs, and its tables as real tables."""

from __future__ import annotations

import io

from docx import Document
from docx.document import Document as WordDocument
from docx.shared import Pt

from changemakers import disclosure
from changemakers.annual.report import Summary, Table, in_order


def _table(document: WordDocument, table: Table) -> None:
    document.add_paragraph(table.caption, style="Caption")
    written = document.add_table(rows=1, cols=len(table.header))
    written.style = "Table Grid"
    for cell, heading in zip(written.rows[0].cells, table.header, strict=True):
        cell.text = heading
        for run in cell.paragraphs[0].runs:
            run.bold = True
    for row in table.rows:
        cells = written.add_row().cells
        for cell, value in zip(cells, row, strict=True):
            cell.text = str(value)


def docx_bytes(summary: Summary) -> bytes:
    document = Document()
    document.styles["Normal"].font.size = Pt(11)
    document.add_heading(f"Young people's voice: {summary.year.label}", level=0)
    document.add_paragraph(
        f"Changemakers, {summary.year.span}. Made on {summary.made_on:%-d %B %Y}."
    )
    reached = summary.reached
    document.add_paragraph(
        f"Young people reached: about {reached}"
        if isinstance(reached, int)
        else f"Young people reached: fewer than {summary.threshold}"
    )
    for part in summary.reach:
        document.add_paragraph(f"{part.label}: {part.count}", style="List Bullet")
    for section in in_order(summary.sections):
        document.add_heading(section.title, level=1)
        for paragraph in section.paragraphs:
            document.add_paragraph(paragraph)
        for table in section.tables:
            _table(document, table)
    document.add_heading("How the figures are protected", level=1)
    document.add_paragraph(
        f"{disclosure.NOTE} A count under {summary.threshold} shows as “<{summary.threshold}”; "
        "a count hidden so that a small one cannot be worked out shows as “withheld”. Totals "
        "are rounded to the nearest ten."
    )
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
