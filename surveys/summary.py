"""The findings that matter most, chosen by rules and said in plain sentences for the board.

Plain functions over the findings as the disclosure gate let them out (``surveys.findings``:
``summary`` and ``compare``): every figure here is a shown count, a percentage of a shown base
or a base rounded for reading ("about 800"); nothing is counted again. The rules
(``docs/findings.md`` says why):

1. **Largest shares.** Each substantive question (never a demographic one: how old people are
   is who answered, not what they said) with a shown base of at least ``MIN_BASE``: its most
   common answer, every answer with the same whole percentage named with it (a tie is said).
   The questions whose top answers are largest come first.
2. **Differences between groups.** For each answer and each group of each demographic question
   (not "Prefer not to say"), the group's share against everyone else who answered, by a
   two-proportion z-test on the shown counts, with both bases at least ``MIN_BASE`` and the
   difference at least ``MIN_POINTS`` percentage points. Holm's correction over every
   comparison made keeps the chance of any false finding at ``ALPHA``.
3. **Changes between waves.** The same test and correction between the two latest versions.
4. **Themes.** The coded themes of free-text answers with the most answers.

At most ``LIMITS`` of each kind, and ``MOST`` in all.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from changemakers.disclosure import rounded_total
from surveys.definition import PREFER_NOT_TO_SAY, Question, SurveyDefinition

SUBSTANTIVE_KINDS = ("single_choice", "multiple_choice", "scale")
MIN_BASE = 30  # the smallest base (after protection) a share or a comparison is read from
MIN_POINTS = 10  # the smallest difference, in percentage points, worth a board's attention
ALPHA = 0.05  # the chance of any false difference among all those tested (Holm)
LIMITS = {"share": 4, "difference": 3, "change": 2, "theme": 2}
MOST = 8
# A share in words: the fraction it is nearest.
FRACTIONS = (
    (10, "About one in ten"),
    (20, "About one in five"),
    (25, "About a quarter"),
    (30, "About three in ten"),
    (33, "About a third"),
    (40, "About two in five"),
    (50, "About half"),
    (60, "About three in five"),
    (67, "About two thirds"),
    (70, "About seven in ten"),
    (75, "About three quarters"),
    (80, "About four in five"),
    (90, "About nine in ten"),
)


@dataclass(frozen=True)
class Finding:
    """One finding for the summary: its kind (``share``, ``difference``, ``change``,
    ``theme``), the sentence, and the question it is about (for its chart)."""

    kind: str
    sentence: str
    question: str
    p_value: float | None = None


def about(base: int) -> str:
    """A shown base rounded for reading: to tens, or hundreds from a thousand."""
    step = 100 if base >= 1000 else 10
    return f"about {max(step, rounded_total(base, step)):,}"


def in_words(percent: int) -> str:
    """A percentage as the fraction it is nearest ("About half")."""
    if percent >= 95:
        return "Almost all"
    if percent < 7:
        return "Very few"
    return min(FRACTIONS, key=lambda fraction: abs(fraction[0] - percent))[1]


def short_text(question_text: str) -> str:
    """A question's words up to its question mark, without "Choose all that apply"."""
    head, mark, _ = question_text.partition("?")
    return head.strip() + mark


def asked_of(question: Question, survey: SurveyDefinition) -> str | None:
    """Who a question was asked of, where not everyone: its show-if condition in words."""
    if question.show_if is None:
        return None
    earlier = survey.question(question.show_if.question)
    if earlier is None:
        return None
    answers = " or ".join(f"“{earlier.label_of(a)}”" for a in question.show_if.any_of)
    return f"asked only of those who answered {answers} to “{short_text(earlier.text)}”"


def two_proportion_p(part_a: int, base_a: int, part_b: int, base_b: int) -> float:
    """The two-sided p-value of a pooled two-proportion z-test (the 2 × 2 chi-squared test of
    independence, without continuity correction, has the same p-value)."""
    pooled = (part_a + part_b) / (base_a + base_b)
    spread = math.sqrt(pooled * (1 - pooled) * (1 / base_a + 1 / base_b))
    if spread == 0:
        return 1.0
    z = (part_a / base_a - part_b / base_b) / spread
    return math.erfc(abs(z) / math.sqrt(2))


def holm(p_values: Sequence[float], alpha: float = ALPHA) -> list[bool]:
    """Which hypotheses Holm's step-down method rejects, keeping the family-wise error rate
    at ``alpha``: the smallest p-value against alpha/m, the next against alpha/(m - 1), and
    so on until one is not small enough."""
    order = sorted(range(len(p_values)), key=lambda n: p_values[n])
    rejected = [False] * len(p_values)
    for rank, index in enumerate(order):
        if p_values[index] > alpha / (len(p_values) - rank):
            break
        rejected[index] = True
    return rejected


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def largest_shares(survey: SurveyDefinition, findings: Mapping[str, Any]) -> list[Finding]:
    """Rule 1: each substantive question's most common answer (ties named), largest first."""
    found: list[tuple[int, Finding]] = []
    for table in findings["questions"]:
        question = survey.question(table["id"])
        base = _int(table.get("base"))
        if question is None or question.kind not in SUBSTANTIVE_KINDS:
            continue
        if base is None or base < MIN_BASE:
            continue
        shown = [row for row in table.get("rows", []) if row["percent"] is not None]
        if not shown:
            continue
        top = max(row["percent"] for row in shown)
        leaders = [row["answer"] for row in shown if row["percent"] == top]
        asked = asked_of(question, survey)
        figures = f"{top}% of {about(base)}" + (f"; {asked}" if asked else "")
        text = short_text(question.text)
        if len(leaders) == 1:
            sentence = (
                f"{in_words(top)} of those who answered “{text}” ({figures}) "
                f"{'chose' if question.kind == 'multiple_choice' else 'said'} “{leaders[0]}”."
            )
        else:
            named = ", ".join(f"“{a}”" for a in leaders[:-1]) + f" and “{leaders[-1]}”"
            sentence = (
                f"{named} tie as the most common answers to “{text}”: {top}% each of "
                f"{about(base)} who answered{f' ({asked})' if asked else ''}."
            )
        found.append((top, Finding("share", sentence, question.id)))
    found.sort(key=lambda pair: -pair[0])
    return [finding for _, finding in found]


def group_phrase(by: Question, group: str) -> str:
    """A group of a demographic question in words."""
    if by.demographic == "age_band":
        return f"Young people aged {group[0].lower()}{group[1:]}"
    return f"Those who answered “{group}” to “{short_text(by.text)}”"


@dataclass(frozen=True)
class _Comparison:
    p_value: float
    points: int
    sentence: str
    question: str


def _compared(
    part_a: int, base_a: int, part_b: int, base_b: int
) -> tuple[float, int, int, int] | None:
    """(p-value, difference in points, percentage a, percentage b), when both bases are
    large enough. The other side's figures are differences of shown ones, so the noise can
    put them out of range where a group holds nearly everyone."""
    if min(base_a, base_b) < MIN_BASE or not (0 <= part_a <= base_a and 0 <= part_b <= base_b):
        return None  # too few, or figures the noise has taken out of range
    share_a, share_b = round(100 * part_a / base_a), round(100 * part_b / base_b)
    return two_proportion_p(part_a, base_a, part_b, base_b), share_a - share_b, share_a, share_b


def _chosen(comparisons: list[_Comparison], kind: str) -> list[Finding]:
    """The comparisons that pass Holm's correction over all of them and differ by at least
    ``MIN_POINTS``, the largest differences first."""
    rejected = holm([c.p_value for c in comparisons])
    passed = [
        c
        for c, significant in zip(comparisons, rejected, strict=True)
        if significant and abs(c.points) >= MIN_POINTS
    ]
    passed.sort(key=lambda c: (-abs(c.points), c.p_value))
    return [Finding(kind, c.sentence, c.question, c.p_value) for c in passed]


def group_differences(survey: SurveyDefinition, findings: Mapping[str, Any]) -> list[Finding]:
    """Rule 2: a group's share of an answer against everyone else who answered, tested."""
    comparisons: list[_Comparison] = []
    for cross in findings.get("crosstabs", []):
        question, by = survey.question(cross["question"]), survey.question(cross["by"])
        everyone = _int(cross["total"])
        if question is None or by is None or question.kind not in SUBSTANTIVE_KINDS:
            continue
        if everyone is None:
            continue
        verb = "choose" if question.kind == "multiple_choice" else "say"
        for index, column in enumerate(cross["columns"]):
            group, base = column["group"], _int(column["total"])
            if group == PREFER_NOT_TO_SAY or base is None:
                continue
            for row in cross["rows"]:
                part, all_parts = _int(row["cells"][index]), _int(row["total"])
                if part is None or all_parts is None:
                    continue
                tested = _compared(part, base, all_parts - part, everyone - base)
                if tested is None:
                    continue
                p_value, points, share, others = tested
                more = "more" if points > 0 else "less"
                sentence = (
                    f"{group_phrase(by, group)} were {more} likely to {verb} “{row['answer']}” "
                    f"to “{short_text(question.text)}” ({share}% of {about(base)}) than the "
                    f"others who answered ({others}% of {about(everyone - base)})."
                )
                comparisons.append(_Comparison(p_value, points, sentence, question.id))
    return _chosen(comparisons, "difference")


def wave_changes(survey: SurveyDefinition, comparison: Mapping[str, Any] | None) -> list[Finding]:
    """Rule 3: an answer's share in the later wave against the earlier one, tested."""
    if not comparison:
        return []
    first_label, second_label = (wave["label"] for wave in comparison["waves"])
    comparisons: list[_Comparison] = []
    for table in comparison["questions"]:
        question = survey.question(table["id"])
        if question is None or question.kind not in SUBSTANTIVE_KINDS:
            continue
        base_first, base_second = _int(table["first"]["base"]), _int(table["second"]["base"])
        if base_first is None or base_second is None:
            continue
        for row in table.get("rows", []):
            if row["first"] is None or row["second"] is None:
                continue  # not asked in one of the waves
            before, after = _int(row["first"]["count"]), _int(row["second"]["count"])
            if before is None or after is None:
                continue
            tested = _compared(after, base_second, before, base_first)
            if tested is None:
                continue
            p_value, points, now, then = tested
            sentence = (
                f"“{row['answer']}” as an answer to “{short_text(question.text)}” went "
                f"{'up' if points > 0 else 'down'} from {then}% of {about(base_first)} in "
                f"{first_label.lower()} to {now}% of {about(base_second)} in "
                f"{second_label.lower()}."
            )
            comparisons.append(_Comparison(p_value, points, sentence, question.id))
    return _chosen(comparisons, "change")


def top_themes(survey: SurveyDefinition, findings: Mapping[str, Any]) -> list[Finding]:
    """Rule 4: the coded themes with the most answers (ties named), across the free-text
    questions."""
    found: list[tuple[int, Finding]] = []
    for table in findings["questions"]:
        question = survey.question(table["id"])
        themes = [t for t in table.get("themes", []) if _int(t["count"]) is not None]
        if question is None or question.kind != "free_text" or not themes:
            continue
        top = max(t["count"] for t in themes)
        leaders = [t for t in themes if t["count"] == top]
        names = " and ".join(f"“{t['theme']}”" for t in leaders)
        share = leaders[0]["percent"]
        figures = f"{about(top)} answers{' each' if len(leaders) > 1 else ''}"
        if share is not None:
            figures += f", {share}% of the answers coded"
        sentence = (
            f"The most common theme{'s' if len(leaders) > 1 else ''} in answers to "
            f"“{short_text(question.text)}”: {names} ({figures})."
        )
        found.append((top, Finding("theme", sentence, question.id)))
    found.sort(key=lambda pair: -pair[0])
    return [finding for _, finding in found]


def choose(
    survey: SurveyDefinition,
    findings: Mapping[str, Any],
    comparison: Mapping[str, Any] | None = None,
) -> list[Finding]:
    """The findings for the summary, at most ``LIMITS`` of each kind and ``MOST`` in all:
    for everyone, or for one group (whose findings have no breakdowns to compare)."""
    kinds: Iterable[list[Finding]] = (
        largest_shares(survey, findings),
        group_differences(survey, findings),
        wave_changes(survey, comparison),
        top_themes(survey, findings),
    )
    chosen: list[Finding] = []
    for found in kinds:
        chosen += found[: LIMITS[found[0].kind]] if found else []
    return chosen[:MOST]
