"""Flows as files people can read and keep: YAML (the default) or JSON."""

from __future__ import annotations

import json
from typing import Any

import yaml

from changemakers.content.editing import ContentProblems

FORMATS = ("yaml", "json")


def load_upload(upload: Any) -> Any:
    """An uploaded file (a werkzeug ``FileStorage``) read as YAML or JSON."""
    try:
        text = upload.read().decode("utf-8")
    except UnicodeDecodeError:
        raise ContentProblems(["The file is not text: save it as YAML or JSON."]) from None
    return load(text, upload.filename or "")


def load(text: str, filename: str = "") -> Any:
    if filename.lower().endswith(".json") or text.lstrip().startswith("{"):
        try:
            return json.loads(text)
        except json.JSONDecodeError as error:
            raise ContentProblems(
                [f"This is not a JSON file: line {error.lineno}, column {error.colno}: {error.msg}"]
            ) from None
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as error:
        where = getattr(error, "problem_mark", None)
        place = f" at line {where.line + 1}, column {where.column + 1}" if where else ""
        raise ContentProblems([f"This is not a YAML file{place}."]) from None


def dump(data: Any, format: str = "yaml") -> str:
    if format == "json":
        return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)
