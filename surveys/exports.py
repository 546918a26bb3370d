"""The findings as a spreadsheet: the same rows as the CSV, with counts and percentages as
numbers a spreadsheet can add up, a hidden count left empty with a note saying why, and means
and medians in their own columns."""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font

from changemakers import disclosure

NUMBER_COLUMNS = ("count", "percent", "base", "mean", "median")


def _note(value: Any, threshold: int) -> str | None:
    if value == disclosure.hidden(threshold):
        return f"fewer than {threshold}: hidden"
    if value == disclosure.WITHHELD:
        return "withheld so that a small count cannot be worked out"
    return None


def workbook(rows: Sequence[Sequence[Any]], threshold: int) -> bytes:
    """``rows``: a header, then ``findings.csv_rows``."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Findings"
    header = list(rows[0])
    sheet.append([*header, "note"])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    numbers = [header.index(name) for name in NUMBER_COLUMNS]
    for row in rows[1:]:
        values = list(row)
        notes = []
        for index in numbers:
            note = _note(values[index], threshold)
            if note:
                notes.append(f"{header[index]} {note}")
            if not isinstance(values[index], int | float):
                values[index] = None
        sheet.append([*values, "; ".join(notes) or None])
    method = book.create_sheet("Method")
    method.append([disclosure.NOTE])
    method.append(
        [
            f"Counts have a little noise added (at most {disclosure.MAX_NOISE} either way) by "
            f"cell key perturbation; a count under {threshold} is not shown, and some counts are "
            "withheld so that a small one cannot be worked out from the totals."
        ]
    )
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
