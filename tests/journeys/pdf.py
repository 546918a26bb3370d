"""Just enough of PDF to read a printed page's outline: Chromium, asked for one, builds it from
the page's headings, so it says which headings a printed report carries, in order."""

from __future__ import annotations

import codecs
import re

OBJECT = re.compile(rb"(\d+) 0 obj(.*?)endobj", re.S)
REFERENCE = rb"/%s\s+(\d+) 0 R"
ESCAPES = {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"\b", b"f": b"\f"}


def outline_titles(document: bytes) -> list[str]:
    """The outline's titles in reading order (each entry, then the entries under it)."""
    objects = {int(number): body for number, body in OBJECT.findall(document)}
    roots = [body for body in objects.values() if re.search(rb"/Type\s*/Outlines\b", body)]
    if not roots:
        return []
    titles: list[str] = []
    _walk(objects, _reference(roots[0], b"First"), titles)
    return titles


def _walk(objects: dict[int, bytes], number: int | None, titles: list[str]) -> None:
    seen: set[int] = set()
    while number is not None and number not in seen:
        seen.add(number)
        entry = objects[number]
        titles.append(_title(entry))
        _walk(objects, _reference(entry, b"First"), titles)
        number = _reference(entry, b"Next")


def _reference(body: bytes, key: bytes) -> int | None:
    match = re.search(REFERENCE % key, body)
    return int(match.group(1)) if match else None


def _title(entry: bytes) -> str:
    start = entry.index(b"/Title") + len(b"/Title")
    text = entry[start:].lstrip()
    if text.startswith(b"<"):
        raw = bytes.fromhex(text[1 : text.index(b">")].decode())
    else:
        raw = _literal(text)
    if raw.startswith(codecs.BOM_UTF16_BE):
        return raw[2:].decode("utf-16-be")
    return raw.decode("latin-1")


def _literal(text: bytes) -> bytes:
    """A literal string, ``(…)``: balanced brackets, backslash escapes and octal codes."""
    out = bytearray()
    depth, position = 0, 0
    while position < len(text):
        char = text[position : position + 1]
        position += 1
        if char == b"\\":
            following = text[position : position + 1]
            octal = re.match(rb"[0-7]{1,3}", text[position:])
            if octal:
                out.append(int(octal.group(), 8) & 0xFF)
                position += len(octal.group())
            else:
                out += ESCAPES.get(following, following)
                position += 1
            continue
        if char == b"(":
            depth += 1
            if depth == 1:
                continue
        elif char == b")":
            depth -= 1
            if depth == 0:
                break
        out += char
    return bytes(out)
