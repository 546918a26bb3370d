"""SYNTHETIC responses for the demo: made up by a seeded random generator, so the board pages
show something real-looking at once. They are not anyone's answers.

The proportions echo what young people told the Changemakers' survey of 800 children (knife
crime, online safety, exploitation, stress and school among the top worries), varied by age
band so that the breakdowns have something to show.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any

SEED = 2017
RESPONSES = 800

WORRY_CHANCES = {
    "Knife crime": 0.46,
    "Staying safe online": 0.41,
    "Being pressured or exploited": 0.22,
    "Stress and mental health": 0.52,
    "School and exams": 0.49,
    "Money": 0.28,
    "Feeling safe in my area": 0.34,
}
AGE_BANDS = {"Under 12": 0.1, "12 to 13": 0.27, "14 to 15": 0.3, "16 to 17": 0.23, "18 to 21": 0.1}
GENDERS = {
    "Girl or young woman": 0.47,
    "Boy or young man": 0.45,
    "Non-binary": 0.03,
    "In another way": 0.01,
    "Prefer not to say": 0.04,
}
AREAS = {
    "North": 0.24,
    "South": 0.22,
    "East": 0.2,
    "West": 0.18,
    "Town centre": 0.12,
    "Prefer not to say": 0.04,
}
HELP_FROM = {
    "A friend": 0.34,
    "Family": 0.3,
    "A teacher or someone at school": 0.14,
    "A youth worker": 0.06,
    "A helpline like Childline": 0.05,
    "Nobody": 0.11,
}
CHANGES = [
    "More youth clubs open in the evening",
    "Safer routes home from school with better lighting",
    "More police on the streets after dark",
    "Teach online safety in every school",
    "More places to go that are free",
    "Listen to young people before making decisions",
    "Mental health support in schools without a long wait",
    "Stop knife crime near the station",
    "Better lighting in the park",
    "More youth workers on the estates",
]


def _pick(chooser: random.Random, weights: dict[str, float]) -> str:
    return chooser.choices(list(weights), weights=list(weights.values()))[0]


def responses(today: date, count: int = RESPONSES, seed: int = SEED) -> list[dict[str, Any]]:
    """``count`` made-up responses to "What matters to you?" (answers, channel, dates)."""
    chooser = random.Random(seed)
    made = []
    for _ in range(count):
        age = _pick(chooser, AGE_BANDS)
        older = age in ("16 to 17", "18 to 21")
        worries = [
            worry
            for worry, chance in WORRY_CHANCES.items()
            if chooser.random() < chance + (0.25 if older and worry == "Knife crime" else 0)
        ] or ["School and exams"]
        safe = chooser.choices([1, 2, 3, 4, 5], weights=[6, 14, 30, 32, 18])[0]
        answers: dict[str, Any] = {"worries": worries, "safe_where_you_live": safe}
        if safe <= 2:
            answers["unsafe_when"] = chooser.choice(["After dark"] * 3 + ["Both the same"])
        answers["help_from"] = _pick(chooser, HELP_FROM)
        answers["one_change"] = chooser.choice(CHANGES) if chooser.random() < 0.6 else None
        answers.update(age=age, gender=_pick(chooser, GENDERS), area=_pick(chooser, AREAS))
        completed = chooser.random() < 0.92
        if not completed:  # stopped part-way: the later answers are missing
            for key in ("age", "gender", "area"):
                answers.pop(key)
        started = today - timedelta(days=chooser.randrange(60))
        made.append(
            {
                "answers": answers,
                "channel": "sms" if chooser.random() < 0.3 else "web",
                "started_on": started,
                "completed_on": started if completed else None,
            }
        )
    return made
