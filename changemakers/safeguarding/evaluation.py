"""Measuring a detector against a labelled corpus: recall per category, false alerts, misses.

A corpus is text, one message a line: ``label<TAB>message``, where the label is a category or
``none`` for a harmless message; blank lines and lines starting with ``#`` are skipped. Three
more columns may follow the message: its language (``en`` when left out), its part (``tune``:
the rules were written with it in sight; ``held-out``: kept aside to measure them honestly) and
a review note (``native review needed``: written by someone who does not speak the language
natively, to be checked by someone who does). The shipped corpus (``corpus.tsv``) is written
in young people's register and re-run whenever a reviewer proposes new rules.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from changemakers.safeguarding.detector import Detector, Verdict
from changemakers.safeguarding.language import ENGLISH
from changemakers.safeguarding.languages import UNDETERMINED, language_name, normalise_language

HARMLESS = "none"
TUNE = "tune"
HELD_OUT = "held-out"
PARTS = (TUNE, HELD_OUT)
NATIVE_REVIEW = "native review needed"


class CorpusError(ValueError):
    """A corpus line that cannot be read; the message names the line."""


@dataclass(frozen=True)
class Example:
    label: str
    text: str
    line: int
    language: str = ENGLISH
    part: str = ""  # TUNE, HELD_OUT, or "" where the corpus is not split
    needs_native_review: bool = False

    @property
    def is_disclosure(self) -> bool:
        return self.label != HARMLESS


def read_corpus(lines: Iterable[str], categories: Iterable[str]) -> list[Example]:
    known = {*categories, HARMLESS}
    examples = []
    for number, line in enumerate(lines, start=1):
        line = line.rstrip("\r\n")
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        label, tab, rest = line.partition("\t")
        label = label.strip()
        text, *more = rest.split("\t")
        if not tab or not text.strip():
            raise CorpusError(f"line {number}: write the label, a tab, then the message")
        if label not in known:
            raise CorpusError(
                f"line {number}: unknown label '{label}' (use {HARMLESS} or a category: "
                f"{', '.join(sorted(known - {HARMLESS}))})"
            )
        if len(more) > 3:
            raise CorpusError(
                f"line {number}: after the message come at most its language, its part and a "
                "review note, each after a tab"
            )
        language, part, review = [*(column.strip() for column in more), "", "", ""][:3]
        code = normalise_language(language)
        if code == UNDETERMINED:
            raise CorpusError(
                f"line {number}: '{language}' is not a language code such as en, es or pt"
            )
        if part not in ("", *PARTS):
            raise CorpusError(
                f"line {number}: unknown part '{part}' (use {TUNE} or {HELD_OUT}, or leave it out)"
            )
        if review not in ("", NATIVE_REVIEW):
            raise CorpusError(
                f"line {number}: the review note is '{NATIVE_REVIEW}' or nothing, not '{review}'"
            )
        examples.append(Example(label, text, number, code, part, bool(review)))
    return examples


def select(
    examples: Iterable[Example], language: str | None = None, part: str | None = None
) -> list[Example]:
    """The examples in ``language`` (all when ``None``), of ``part`` (all when ``None``)."""
    code = normalise_language(language) if language else None
    return [
        example
        for example in examples
        if (code is None or example.language == code) and (part is None or example.part == part)
    ]


def languages_of(examples: Iterable[Example]) -> list[str]:
    """The languages a corpus holds, English first, then in the order they first appear."""
    found = dict.fromkeys(example.language for example in examples)
    return sorted(found, key=lambda code: code != ENGLISH)


@dataclass(frozen=True)
class Outcome:
    example: Example
    verdict: Verdict


@dataclass
class Evaluation:
    """What a detector gets right and wrong on a corpus."""

    outcomes: list[Outcome] = field(default_factory=list)

    @property
    def disclosures(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.example.is_disclosure]

    @property
    def harmless(self) -> list[Outcome]:
        return [o for o in self.outcomes if not o.example.is_disclosure]

    @property
    def misses(self) -> list[Outcome]:
        return [o for o in self.disclosures if not o.verdict.alert]

    @property
    def false_alerts(self) -> list[Outcome]:
        return [o for o in self.harmless if o.verdict.alert]

    @property
    def recall(self) -> float:
        return 1 - len(self.misses) / len(self.disclosures) if self.disclosures else 1.0

    @property
    def false_alert_rate(self) -> float:
        return len(self.false_alerts) / len(self.harmless) if self.harmless else 0.0

    def recall_by_category(self) -> dict[str, tuple[int, int]]:
        """Per category: (caught, disclosures), in category order."""
        counts: dict[str, list[int]] = {}
        for outcome in self.disclosures:
            caught_total = counts.setdefault(outcome.example.label, [0, 0])
            caught_total[0] += outcome.verdict.alert
            caught_total[1] += 1
        return {label: (caught, total) for label, (caught, total) in sorted(counts.items())}

    def category_agreement(self) -> float:
        """Of the disclosures caught, the share given the category they were labelled with."""
        caught = [o for o in self.disclosures if o.verdict.alert]
        if not caught:
            return 1.0
        return sum(o.verdict.category == o.example.label for o in caught) / len(caught)

    def summary(self) -> dict[str, object]:
        return {
            "disclosures": len(self.disclosures),
            "caught": len(self.disclosures) - len(self.misses),
            "harmless": len(self.harmless),
            "false_alerts": len(self.false_alerts),
            "recall": round(self.recall, 4),
            "false_alert_rate": round(self.false_alert_rate, 4),
        }


def evaluate(detector: Detector, examples: Iterable[Example]) -> Evaluation:
    """How each example's language's rules alone answer it (a language the rules do not cover
    catches nothing): what the rules are worth, apart from the "not screened" safety net."""
    return Evaluation(
        [
            Outcome(example, detector.check_rules(example.text, example.language))
            for example in examples
        ]
    )


def report_by_language(evaluation: Evaluation) -> list[str]:
    """``report`` for each language the evaluation holds (one block with a heading when it holds
    more than one, or when its language is not English)."""
    languages = languages_of(outcome.example for outcome in evaluation.outcomes)
    if languages in ([], [ENGLISH]):
        return report(evaluation)
    lines: list[str] = []
    for code in languages:
        part = Evaluation([o for o in evaluation.outcomes if o.example.language == code])
        if lines:
            lines.append("")
        lines.append(f"== {language_name(code)} ==")
        lines.extend(report(part))
    return lines


def report(evaluation: Evaluation) -> list[str]:
    """The evaluation as lines to print: recall per category, false alerts, every miss, and how
    many lines still need a native speaker's review (each miss and false alert marked)."""
    lines = [
        f"recall {evaluation.recall:.1%} "
        f"({len(evaluation.disclosures) - len(evaluation.misses)} of "
        f"{len(evaluation.disclosures)} disclosures)",
    ]
    for label, (caught, total) in evaluation.recall_by_category().items():
        lines.append(f"  {label:<28} {caught / total:6.1%}  ({caught} of {total})")
    lines.append(
        f"false alerts {evaluation.false_alert_rate:.1%} "
        f"({len(evaluation.false_alerts)} of {len(evaluation.harmless)} harmless messages)"
    )
    lines.append(f"category agrees with the label on {evaluation.category_agreement():.1%} caught")
    unreviewed = sum(outcome.example.needs_native_review for outcome in evaluation.outcomes)
    if unreviewed:
        lines.append(
            f"{unreviewed} of {len(evaluation.outcomes)} messages need a native speaker's "
            "review (marked *): written by someone who does not speak the language natively"
        )

    def mark(example: Example) -> str:
        return "*" if example.needs_native_review else ""

    for outcome in evaluation.false_alerts:
        reasons = "; ".join(outcome.verdict.reasons)
        lines.append(
            f"FALSE ALERT{mark(outcome.example)} line {outcome.example.line}: "
            f"{outcome.example.text}  [{reasons}]"
        )
    for outcome in evaluation.misses:
        lines.append(
            f"MISSED{mark(outcome.example)} {outcome.example.label} line "
            f"{outcome.example.line}: {outcome.example.text}"
            + (
                f"  [kept quiet by: {outcome.verdict.quieted_by}]"
                if outcome.verdict.quieted_by
                else ""
            )
        )
    return lines
