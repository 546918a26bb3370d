"""The detector's rules: the version in force, and reviewers changing it with four eyes.

The rules in force are the newest rule set another reviewer approved, or the shipped ones. A
reviewer edits the rules as text, checks the edit against the shipped corpus (what it gains and
loses compared with the rules in force), and proposes it with a short summary; another reviewer
approves it (it is in force from the next message) or returns it with a note, or its proposer
withdraws it (the life of a version is drawn in ``RuleSetStatus``). One proposal waits at a
time, so the approving reviewer always compares it with the rules it was written against. Each
change commits here with its audit event.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal, cast

from sqlalchemy import func, select

from changemakers import cache, safeguarding
from changemakers.accounts.models import StaffUser
from changemakers.alerts.models import RuleSet, RuleSetStatus
from changemakers.audit import services as audit
from changemakers.database import LARGEST_ID, utcnow
from changemakers.extensions import db
from changemakers.safeguarding.evaluation import Outcome

SHIPPED = "shipped"  # what a form's ``based_on`` says when no approved version is in force
SUMMARY_MAX_LENGTH = 500
NOTE_MAX_LENGTH = 2000
HISTORY_SHOWN = 20
DIFF_CONTEXT_LINES = 3


def detector_in_force() -> safeguarding.Detector:
    """The compiled rules every message is checked against, read at most every couple of
    seconds per process."""

    def read() -> safeguarding.Detector:
        newest = db.session.connection().scalar(
            select(func.max(RuleSet.id)).where(RuleSet.status == RuleSetStatus.IN_FORCE)
        )
        if newest is None:
            return safeguarding.shipped_detector()
        # An approved version never changes: it is read and compiled once per process (each
        # language other than English when a text in it first comes: it compiled when approved).
        compiled = cache.parsed_once(
            "safeguarding_rule_sets",
            newest,
            lambda: db.session.connection().scalar(
                select(RuleSet.text).where(RuleSet.id == newest)
            ),
            safeguarding.load_rules,
        )
        return compiled or safeguarding.shipped_detector()

    return cache.read_fresh("safeguarding_rules", read)


@dataclass(frozen=True)
class Screening:
    """Which languages the rules in force screen, as the alert page says it."""

    screened: list[str]  # names of the languages whose rules decide alone
    not_alone: list[str]  # names of those whose rules run, with every text they miss alerting


def screening() -> Screening:
    """Which languages the rules in force screen (without compiling any language's rules)."""
    detector = detector_in_force()
    names = [safeguarding.language_name(code) for code in detector.languages]
    screened = [safeguarding.language_name(code) for code in detector.screened]
    return Screening(screened, [name for name in names if name not in screened])


class RuleSetError(Exception):
    """A change to the rules that cannot be made; the message says why, for the reviewer."""


class RulesInForceChanged(RuleSetError):
    """Other rules came into force while a reviewer was editing: their text would undo them."""


# Comparing two versions on the corpus (plain functions) ----------------------------------------


@dataclass(frozen=True)
class CategoryRecall:
    """Disclosures of one category the corpus holds, and how many each version catches."""

    category: str
    name: str
    total: int
    before: int
    after: int

    @property
    def changed(self) -> bool:
        return self.before != self.after


@dataclass(frozen=True)
class LanguageRecall:
    """The corpus's messages in one language, and what each version makes of them."""

    language: str
    name: str
    before: dict[str, Any]  # ``Evaluation.summary()`` of the rules in force on them
    after: dict[str, Any]

    @property
    def changed(self) -> bool:
        return self.before != self.after


@dataclass(frozen=True)
class Comparison:
    """What a version gains and loses on the corpus against the rules in force."""

    before: dict[str, Any]  # ``Evaluation.summary()`` of the rules in force
    after: dict[str, Any]  # and of the version compared with them
    categories: list[CategoryRecall]
    languages: list[LanguageRecall]
    newly_missed: list[Outcome]  # disclosures the rules in force catch and this misses
    new_false_alerts: list[Outcome]  # harmless messages it alerts on that were left alone
    newly_caught: list[Outcome]  # disclosures the rules in force miss and this catches
    false_alerts_gone: list[Outcome]  # harmless messages no longer alerted on
    still_missed: list[Outcome]  # disclosures neither catches
    category_names: dict[str, str]  # how reviewers read each category

    @property
    def fixed(self) -> list[Outcome]:
        return [*self.newly_caught, *self.false_alerts_gone]

    @property
    def worse(self) -> bool:
        return bool(self.newly_missed or self.new_false_alerts)


def compare(
    before: safeguarding.Evaluation,
    after: safeguarding.Evaluation,
    category_names: Mapping[str, str],
) -> Comparison:
    """``after`` (an edit) against ``before`` (the rules in force), on the same corpus. Each
    message that changes is listed with the verdict that alerts on it (the rules in force's for
    one no longer alerted on), so a reviewer sees which rule and words are at stake."""
    now = {outcome.example: outcome for outcome in after.outcomes}
    was = {outcome.example: outcome for outcome in before.outcomes}
    lost = [o for o in before.outcomes if o.verdict.alert and not now[o.example].verdict.alert]
    gained = [o for o in after.outcomes if o.verdict.alert and not was[o.example].verdict.alert]
    by_category_before = before.recall_by_category()
    categories = [
        CategoryRecall(
            label,
            category_names.get(label, label.replace("_", " ").capitalize()),
            total,
            by_category_before.get(label, (0, total))[0],
            caught,
        )
        for label, (caught, total) in after.recall_by_category().items()
    ]
    order = {category: place for place, category in enumerate(category_names)}
    categories.sort(key=lambda row: (order.get(row.category, len(order)), row.category))
    return Comparison(
        before.summary(),
        after.summary(),
        categories,
        [
            LanguageRecall(
                code,
                safeguarding.language_name(code),
                _in_language(before, code).summary(),
                _in_language(after, code).summary(),
            )
            for code in safeguarding.languages_of(o.example for o in after.outcomes)
        ],
        newly_missed=[o for o in lost if o.example.is_disclosure],
        new_false_alerts=[o for o in gained if not o.example.is_disclosure],
        newly_caught=[o for o in gained if o.example.is_disclosure],
        false_alerts_gone=[o for o in lost if not o.example.is_disclosure],
        still_missed=[o for o in after.misses if not was[o.example].verdict.alert],
        category_names={row.category: row.name for row in categories},
    )


def _in_language(
    evaluation: safeguarding.Evaluation, language: str, part: str | None = None
) -> safeguarding.Evaluation:
    return safeguarding.Evaluation(
        [
            outcome
            for outcome in evaluation.outcomes
            if outcome.example.language == language and part in (None, outcome.example.part)
        ]
    )


@dataclass(frozen=True)
class LanguageStatus:
    """How texts in one language are screened by a version of the rules, for the page."""

    language: str
    name: str
    has_rules: bool
    screened: bool  # its rules decide alone; otherwise every text they miss alerts too
    corpus: dict[str, Any]  # ``Evaluation.summary()`` on its messages in the corpus
    held_out: dict[str, Any] | None  # on those held out from tuning, where there are any
    needs_native_review: int  # its corpus messages still to be checked by a native speaker


def language_statuses(
    detector: safeguarding.Detector, evaluation: safeguarding.Evaluation
) -> list[LanguageStatus]:
    """Each language the detector reads or the corpus holds: whether it is screened, and its
    corpus figures (overall and held out)."""
    codes = dict.fromkeys(
        [*safeguarding.READABLE_LANGUAGES, *detector.languages]
        + safeguarding.languages_of(o.example for o in evaluation.outcomes)
    )
    statuses = []
    for code in codes:
        mine = _in_language(evaluation, code)
        held_out = _in_language(evaluation, code, safeguarding.HELD_OUT)
        statuses.append(
            LanguageStatus(
                code,
                safeguarding.language_name(code),
                code in detector.languages,
                code in detector.screened,
                mine.summary(),
                held_out.summary() if held_out.outcomes else None,
                sum(o.example.needs_native_review for o in mine.outcomes),
            )
        )
    return statuses


def figures(evaluation: safeguarding.Evaluation, comparison: Comparison) -> dict[str, Any]:
    """What a proposal is stored with: its corpus figures, and its gains and losses against the
    rules in force when it was proposed."""
    return {
        **evaluation.summary(),
        "by_category": {
            label: [caught, total]
            for label, (caught, total) in evaluation.recall_by_category().items()
        },
        "newly_missed": len(comparison.newly_missed),
        "new_false_alerts": len(comparison.new_false_alerts),
        "fixed": len(comparison.fixed),
    }


@dataclass(frozen=True)
class DiffLine:
    """One line of the difference between two versions' text, numbered as in the newer one
    (or, for a removed line, the older)."""

    kind: Literal["same", "added", "removed", "gap"]
    number: int | None
    text: str


def rules_diff(before: str, after: str) -> list[DiffLine]:
    """The lines that differ, with a few lines around each change; a ``gap`` between changes."""
    old, new = before.splitlines(), after.splitlines()
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    lines: list[DiffLine] = []
    for group in matcher.get_grouped_opcodes(DIFF_CONTEXT_LINES):
        if lines:
            lines.append(DiffLine("gap", None, ""))
        for tag, old_start, old_end, new_start, new_end in group:
            if tag == "equal":
                lines += [DiffLine("same", n + 1, new[n]) for n in range(new_start, new_end)]
                continue
            lines += [DiffLine("removed", n + 1, old[n]) for n in range(old_start, old_end)]
            lines += [DiffLine("added", n + 1, new[n]) for n in range(new_start, new_end)]
    return lines


# Reading the versions ---------------------------------------------------------------------------


def in_force(lock: bool = False) -> RuleSet | None:
    """The approved version in force; ``None`` while the shipped rules are. ``lock``: locked
    until commit, so that two approvals happen one at a time."""
    query = (
        select(RuleSet).where(RuleSet.status == RuleSetStatus.IN_FORCE).order_by(RuleSet.id.desc())
    )
    return db.session.scalars(query.with_for_update() if lock else query).first()


def open_proposal() -> RuleSet | None:
    return db.session.scalar(
        select(RuleSet).where(RuleSet.status == RuleSetStatus.PROPOSED).order_by(RuleSet.id)
    )


def version_tag(rule_set: RuleSet | None) -> str:
    """Which rules are in force, as an edit form remembers what it started from."""
    return str(rule_set.id) if rule_set else SHIPPED


def text_of(rule_set: RuleSet | None) -> str:
    return rule_set.text if rule_set else safeguarding.shipped_rules_text()


def saved_text(rule_set_id: int) -> str | None:
    """The text of any saved version (to start an edit from a returned one, say)."""
    if not 0 < rule_set_id <= LARGEST_ID:
        return None
    return db.session.scalar(select(RuleSet.text).where(RuleSet.id == rule_set_id))


def _compiled(rule_set: RuleSet | None) -> safeguarding.Detector:
    if rule_set is None:
        return safeguarding.shipped_detector()
    # A saved version's text never changes: compiled once per process (shared with
    # ``detector_in_force``).
    text = rule_set.text
    compiled = cache.parsed_once(
        "safeguarding_rule_sets", rule_set.id, lambda: text, safeguarding.compile_rules
    )
    return cast(safeguarding.Detector, compiled)  # never None: the text is there


def _evaluated(rule_set: RuleSet | None) -> safeguarding.Evaluation:
    """A saved version (or the shipped rules) on the shipped corpus, once per process."""
    evaluations = cache.process_cache("safeguarding_rule_set_evaluations")
    key = rule_set.id if rule_set else 0
    if key not in evaluations:
        evaluations[key] = safeguarding.evaluate(_compiled(rule_set), safeguarding.shipped_corpus())
    evaluation: safeguarding.Evaluation = evaluations[key]
    return evaluation


@dataclass(frozen=True)
class Check:
    """An edit (or a proposal) beside the rules in force: the corpus figures and the text."""

    comparison: Comparison
    diff: list[DiffLine]


def _check(
    detector: safeguarding.Detector, evaluation: safeguarding.Evaluation, text: str
) -> Check:
    current = in_force()
    names = {**_compiled(current).categories, **detector.categories}
    return Check(
        compare(_evaluated(current), evaluation, names), rules_diff(text_of(current), text)
    )


def as_saved(text: str) -> str:
    """Rules as typed in a browser (which sends CR LF line ends), as they are kept."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def check(text: str) -> Check:
    """Run the shipped corpus on ``text``; ``RulesError`` says what is wrong if it does not
    compile."""
    text = as_saved(text)
    detector = safeguarding.compile_rules(text)
    return _check(detector, safeguarding.evaluate(detector, safeguarding.shipped_corpus()), text)


@dataclass(frozen=True)
class Version:
    """A saved version with the people who proposed and decided it, for the page."""

    rule_set: RuleSet
    proposed_by: str | None
    decided_by: str | None


@dataclass(frozen=True)
class RulesPage:
    in_force: Version | None  # None: the shipped rules
    in_force_figures: dict[str, Any]
    in_force_text: str
    proposal: Version | None
    proposal_check: Check | None
    proposal_problem: str | None  # why a waiting proposal cannot be used any more
    history: list[Version]
    corpus_size: int
    languages: list[LanguageStatus]  # how each language is screened by the rules in force

    @property
    def screened(self) -> list[LanguageStatus]:
        return [status for status in self.languages if status.screened]

    @property
    def not_screened(self) -> list[LanguageStatus]:
        return [status for status in self.languages if not status.screened]

    @property
    def in_force_tag(self) -> str:
        return version_tag(self.in_force.rule_set if self.in_force else None)


def _email(user_id: int | None) -> str | None:
    user = db.session.get(StaffUser, user_id) if user_id else None
    return user.email if user else None


def _version(rule_set: RuleSet) -> Version:
    return Version(rule_set, _email(rule_set.proposed_by_id), _email(rule_set.decided_by_id))


def rules_page() -> RulesPage:
    current = in_force()
    proposal = open_proposal()
    proposal_check = problem = None
    if proposal is not None:
        try:
            proposal_check = _check(_compiled(proposal), _evaluated(proposal), proposal.text)
        except safeguarding.RulesError as error:
            problem = str(error)
    history = db.session.scalars(
        select(RuleSet).order_by(RuleSet.id.desc()).limit(HISTORY_SHOWN)
    ).all()
    evaluation = _evaluated(current)
    return RulesPage(
        _version(current) if current else None,
        evaluation.summary(),
        text_of(current),
        _version(proposal) if proposal else None,
        proposal_check,
        problem,
        [_version(row) for row in history],
        len(evaluation.outcomes),
        language_statuses(_compiled(current), evaluation),
    )


# Changing them (each commits with its audit event) ----------------------------------------------


def propose(text: str, summary: str, proposer: StaffUser, based_on: str) -> RuleSet:
    """Save ``text`` for another reviewer to approve. ``based_on`` is the ``version_tag`` of the
    rules in force when the edit began: if others came into force since, ``RulesInForceChanged``
    (so an edit never quietly undoes an approved change). ``RulesError`` if it does not
    compile."""
    text, summary = as_saved(text), summary.strip()
    if not summary:
        raise RuleSetError("Say in a few words what you changed and why.")
    if len(summary) > SUMMARY_MAX_LENGTH:
        raise RuleSetError(f"Keep the summary under {SUMMARY_MAX_LENGTH} characters.")
    waiting = open_proposal()
    if waiting is not None:
        raise RuleSetError(
            "Another change is waiting for approval: only one can wait at a time. It must be "
            "approved, returned or withdrawn before you propose yours."
        )
    current = in_force()
    if based_on != version_tag(current):
        raise RulesInForceChanged(
            "Other rules came into force while you were editing. Look below at what your text "
            "changes compared with them, so it undoes nothing by mistake; propose again if it "
            "is right."
        )
    if text == text_of(current):
        raise RuleSetError("These are the rules in force already: change something first.")
    detector = safeguarding.compile_rules(text)
    evaluation = safeguarding.evaluate(detector, safeguarding.shipped_corpus())
    comparison = _check(detector, evaluation, text).comparison
    rule_set = RuleSet(
        text=text,
        status=RuleSetStatus.PROPOSED,
        summary=summary,
        evaluation={**figures(evaluation, comparison), "against": current.id if current else None},
        proposed_by_id=proposer.id,
    )
    db.session.add(rule_set)
    db.session.flush()
    audit.record(
        proposer,
        "detector_rules.proposed",
        "detector_rules",
        rule_set.id,
        summary=summary,
        **{k: v for k, v in rule_set.evaluation.items() if k != "by_category"},
    )
    db.session.commit()
    return rule_set


def _waiting(rule_set_id: int | None) -> RuleSet:
    """The proposal, locked until commit, so two reviewers' decisions happen one at a time."""
    rule_set = None
    if rule_set_id is not None and 0 < rule_set_id <= LARGEST_ID:
        rule_set = db.session.scalars(
            select(RuleSet).where(RuleSet.id == rule_set_id).with_for_update()
        ).first()
    if rule_set is None or rule_set.status is not RuleSetStatus.PROPOSED:
        raise RuleSetError("That change is no longer waiting for approval.")
    return rule_set


def _decided(rule_set: RuleSet, reviewer: StaffUser, status: RuleSetStatus, note: str) -> None:
    rule_set.status = status
    rule_set.decided_by_id = reviewer.id
    rule_set.decided_at = utcnow()
    rule_set.decision_note = note or None


def approve(rule_set_id: int | None, reviewer: StaffUser) -> RuleSet:
    """Put a proposal in force from the next message (never by the reviewer who proposed it);
    the version in force before it is superseded, and kept."""
    rule_set = _waiting(rule_set_id)
    if rule_set.proposed_by_id == reviewer.id:
        raise RuleSetError(
            "You proposed this change: another reviewer must approve it (four eyes)."
        )
    current = in_force(lock=True)
    if rule_set.evaluation.get("against") != (current.id if current else None):
        raise RuleSetError(
            "The rules in force changed after this was proposed: return it, so that its "
            "proposer can make the change again on the rules in force."
        )
    try:
        safeguarding.compile_rules(rule_set.text)
    except safeguarding.RulesError as error:
        raise RuleSetError(f"These rules cannot be used any more ({error}): return them.") from None
    if current is not None:
        current.status = RuleSetStatus.SUPERSEDED
    _decided(rule_set, reviewer, RuleSetStatus.IN_FORCE, "")
    audit.record(
        reviewer,
        "detector_rules.approved",
        "detector_rules",
        rule_set.id,
        superseded=current.id if current else SHIPPED,
    )
    db.session.commit()
    cache.forget_cached_tables()
    return rule_set


def return_proposal(rule_set_id: int | None, reviewer: StaffUser, note: str) -> RuleSet:
    """Send a proposal back with a note saying what needs changing (its proposer withdraws
    instead)."""
    rule_set = _waiting(rule_set_id)
    if rule_set.proposed_by_id == reviewer.id:
        raise RuleSetError("You proposed this change: withdraw it instead.")
    note = note.strip()
    if not note:
        raise RuleSetError("Say what needs changing, so the proposer knows.")
    if len(note) > NOTE_MAX_LENGTH:
        raise RuleSetError(f"Keep the note under {NOTE_MAX_LENGTH} characters.")
    _decided(rule_set, reviewer, RuleSetStatus.RETURNED, note)
    audit.record(reviewer, "detector_rules.returned", "detector_rules", rule_set.id, note=note)
    db.session.commit()
    return rule_set


def withdraw(rule_set_id: int | None, proposer: StaffUser) -> RuleSet:
    """The proposer takes their proposal back (it is kept, as returned)."""
    rule_set = _waiting(rule_set_id)
    if rule_set.proposed_by_id != proposer.id:
        raise RuleSetError(
            "Only the reviewer who proposed this change can withdraw it: return it with a note "
            "instead."
        )
    _decided(rule_set, proposer, RuleSetStatus.RETURNED, "Withdrawn by its proposer.")
    audit.record(proposer, "detector_rules.withdrawn", "detector_rules", rule_set.id)
    db.session.commit()
    return rule_set
