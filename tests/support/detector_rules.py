"""The detector's rules as a reviewer changes them."""

from __future__ import annotations

import re


def with_rule(rules_text: str, concept: str, term: str, category: str) -> str:
    """``rules_text`` with one more concept (a single term) and a rule on it, typed in as a
    reviewer would: the detector's rules as a change under review."""
    rules_text = re.sub(
        r"^concepts:.*\n", rf"\g<0>  {concept}: [{term}]\n", rules_text, count=1, flags=re.M
    )
    rule = (
        f"  - name: {concept.replace('_', ' ')}\n    category: {category}\n    all: [{concept}]\n"
    )
    return re.sub(
        r"^rules:.*\n", lambda found: found.group(0) + rule, rules_text, count=1, flags=re.M
    )
