"""The signposting directory: services young people can turn to, inserted into messages by
name (``{childline}``). Its entries live in the ``signposts`` table: migration 0004 writes the
shipped ones (999, Childline, Shout, the NSPCC, Fearless) and reviewers keep them up to date."""

from __future__ import annotations

import re
from collections.abc import Mapping

NAME = re.compile(r"\{([a-z0-9_]+)\}")


def render(text: str, directory: Mapping[str, str]) -> str:
    """A message with each ``{name}`` replaced by the directory's text for it."""
    return NAME.sub(lambda match: directory.get(match.group(1), match.group(0)), text)


def names_in(text: str) -> list[str]:
    return NAME.findall(text)
