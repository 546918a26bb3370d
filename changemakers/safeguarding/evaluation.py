"""Measuring a detector against a labelled corpus: recall per category, false alerts, misses.

A corpus is text, one message a line: ``label<TAB>message``, where the label is a category or
``none`` for a harmless message; blank lines and lines starting with ``#`` are skipped. The
shipped corpus (``corpus.tsv``) is written in young people's register and re-run whenever a
reviewer proposes new rules.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from changemakers.safeguarding.detector import Detector, Verdict

HARMLESS = "none"


class CorpusError(ValueError):
    """A corpus line that cannot be read; the message names the line."""


@dataclass(frozen=True)
class Example:
    label: str
    text: str
    line: int

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
        label, tab, text = line.partition("\t")
        label = label.strip()
        if not tab or not text.strip():
            raise CorpusError(f"line {number}: write the label, a tab, then the message")
        if label not in known:
            raise CorpusError(
                f"line {number}: unknown label '{label}' (use {HARMLESS} or a category: "
                f"{', '.join(sorted(known - {HARMLESS}))})"
            )
        examples.append(Example(label, text, number))
    return examples


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
    return Evaluation([Outcome(example, detector.check(example.text)) for example in examples])


def report(evaluation: Evaluation) -> list[str]:
    """The evaluation as lines to print: recall per category, false alerts, every miss."""
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
    for outcome in evaluation.false_alerts:
        reasons = "; ".join(outcome.verdict.reasons)
        lines.append(
            f"FALSE ALERT line {outcome.example.line}: {outcome.example.text}  [{reasons}]"
        )
    for outcome in evaluation.misses:
        lines.append(
            f"MISSED {outcome.example.label} line {outcome.example.line}: {outcome.example.text}"
            + (
                f"  [kept quiet by: {outcome.verdict.quieted_by}]"
                if outcome.verdict.quieted_by
                else ""
            )
        )
    return lines
