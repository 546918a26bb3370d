"""The disclosure detector: concept rules over a message read as the young person meant it.

The rules are data (``rules.yaml``, or a version reviewers approved), in four parts:

``concepts``
    Named lists of terms: a harm ("forced sex", "took pills"), who it happens to ("me", "my
    little brother"), a modality (a threat, "if I tell", "tonight", "again"). A term is words
    read as messages are (slang spelled out, lemmas), where ``*`` stands for any one word,
    ``...`` for up to four, and ``@name`` for any term of another concept.
``idioms``
    Terms whose words mean no harm ("bored to death", "killing it"): their words are ignored.
``quiet``
    Harmless contexts (a lesson, the news, a game, a song): a message in one is left alone
    unless it also holds one of the context's ``unless`` concepts (it happens to "me").
``rules``
    Each names a category and the concepts it needs: ``all`` of them, at least one of ``any``,
    none of ``not``. The first rule that fires gives the alert's category; its severity is
    immediate danger when the rule says so or the message holds an ``immediate`` concept
    ("tonight", "bleeding", "right now").

The English rules are the top level; ``languages`` holds the same four parts for each other
language the detector reads (``es``, ``pt``), with the categories shared. A text in a language
the detector cannot screen (no rules, or rules not yet good enough to trust alone:
``SCREENED_LANGUAGES``) raises a "not screened" alert whenever it holds words and its rules
catch nothing, so that a person reads it.

A verdict says why: the rule and, for each concept, the words the young person typed.
"""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from changemakers.safeguarding.language import ENGLISH, Reader, Vocabulary, Word, fold
from changemakers.safeguarding.languages import language_name, normalise_language

IMMEDIATE = "immediate"
CONCERN = "concern"
NOT_SCREENED = "not_screened"  # the category of an alert on a text the rules cannot screen
GAP_WORDS = 4  # what "..." in a term may stand for


class RulesError(ValueError):
    """Rules that cannot be used; the message says where, for the reviewer who wrote them."""


@dataclass(frozen=True)
class Verdict:
    alert: bool
    category: str | None = None
    severity: str | None = None
    reasons: tuple[str, ...] = ()
    quieted_by: str | None = None  # the harmless context that kept a match quiet
    # False: raised only because the text's language cannot be screened, for a person to read
    # (nothing suggests danger, so the young person is not sent urgent help for it).
    screened: bool = True

    def __bool__(self) -> bool:
        return self.alert


NO_ALERT = Verdict(False)

# A compiled term: a tuple of elements, each ("word", the lemmas it accepts), ("any",),
# ("gap",) or ("ref", concept name).
Element = tuple[Any, ...]
Term = tuple[Element, ...]


@dataclass(frozen=True)
class Rule:
    name: str
    category: str
    all: tuple[str, ...]
    any: tuple[str, ...] = ()
    not_: tuple[str, ...] = ()
    severity: str = CONCERN


@dataclass(frozen=True)
class QuietContext:
    name: str
    when: tuple[str, ...]
    unless: tuple[str, ...]


@dataclass
class _Reading:
    """One message as the rules see it: its words and, per concept, where its terms match
    (start → ends)."""

    words: list[Word]
    spans: dict[str, dict[int, set[int]]] = field(default_factory=dict)

    def add(self, concept: str, start: int, ends: Iterable[int]) -> None:
        self.spans.setdefault(concept, {}).setdefault(start, set()).update(ends)

    def first(self, concept: str) -> tuple[int, int] | None:
        found = self.spans.get(concept)
        if not found:
            return None
        start = min(found)
        return start, max(found[start])


class _Index:
    """Terms that name no other concept, by the word they start with, or by their first two
    words when both are words, so a message is only tried where a term can start."""

    def __init__(self, terms: Mapping[str, Sequence[Term]]) -> None:
        self.by_first_word: dict[str, list[tuple[str, Term, _Needs]]] = defaultdict(list)
        self.by_first_two: dict[tuple[str, str], list[tuple[str, Term, _Needs]]] = defaultdict(list)
        for concept, concept_terms in terms.items():
            for term in concept_terms:
                kind, value = term[0]
                needs = _needs(term)
                if kind != "word" or needs.concepts:
                    continue
                entry = (concept, term, needs)
                if len(term) > 1 and term[1][0] == "word":
                    for first in value:
                        for second in term[1][1]:
                            self.by_first_two[first, second].append(entry)
                else:
                    for first in value:
                        self.by_first_word[first].append(entry)


@dataclass(frozen=True)
class _Needs:
    """What a message must hold anywhere for a term to match in it: cheap to test first."""

    words: tuple[frozenset[str], ...]
    concepts: tuple[str, ...]

    def met(self, present: set[str], spans: Mapping[str, object]) -> bool:
        return all(not choices.isdisjoint(present) for choices in self.words) and all(
            name in spans for name in self.concepts
        )


@functools.cache
def _needs(term: Term) -> _Needs:
    return _Needs(
        tuple(element[1] for element in term if element[0] == "word"),
        tuple(element[1] for element in term if element[0] == "ref"),
    )


def not_screened(language: str, has_rules: bool = False) -> Verdict:
    """The alert on a text in a language the detector cannot screen: a person must read it."""
    why = (
        "Its rules found nothing, but they cannot be trusted alone yet, so a person must read it."
        if has_rules
        else "The detector cannot screen texts in this language, so a person must read every one."
    )
    return Verdict(
        True,
        NOT_SCREENED,
        CONCERN,
        (f"not screened: language {language_name(language)}. {why}",),
        screened=False,
    )


def is_free_text(text: str) -> bool:
    """Whether ``text`` holds words (an option number or an emoji alone does not)."""
    return any(character.isalpha() for character in text)


class Detector:
    """Compiled rules for each language they hold: ``check(text, language)`` gives a
    ``Verdict``.

    ``lazy``: another language's rules are compiled when a text in it first comes (its
    dictionary costs a process about 100 MB and 2 s to load), for rules already known to
    compile (the shipped ones, an approved version). Should one fail all the same, texts in
    its language are left to the "not screened" alert rather than an error."""

    def __init__(
        self,
        rules: Mapping[str, Any],
        vocabularies: Mapping[str, Vocabulary],
        screened: Collection[str] = (ENGLISH,),
        lazy: bool = False,
    ) -> None:
        self.categories: dict[str, str] = dict(_mapping(rules, "categories"))
        self._by_language = {
            ENGLISH: LanguageRules(rules, self.categories, vocabularies[ENGLISH], ENGLISH)
        }
        self._uncompiled: dict[str, tuple[Mapping[str, Any], Vocabulary]] = {}
        languages = rules.get("languages") or {}
        if not isinstance(languages, Mapping):
            raise RulesError("'languages' must name each language's rules: es, pt.")
        for code, section in languages.items():
            code = str(code)
            if code == ENGLISH or code not in vocabularies:
                readable = ", ".join(sorted(set(vocabularies) - {ENGLISH}))
                raise RulesError(
                    f"languages: the detector cannot read '{code}' (it reads {readable}; "
                    "the English rules are the top level)."
                )
            if not isinstance(section, Mapping):
                raise RulesError(f"languages: '{code}' needs concepts and rules under it.")
            self._uncompiled[code] = (section, vocabularies[code])
        self.languages = (ENGLISH, *self._uncompiled)  # those with rules, English first
        if not lazy:
            for code in self.languages[1:]:
                self._compile(code)
        self.screened = frozenset(code for code in self.languages if code in screened)

    def _compile(self, code: str) -> LanguageRules:
        section, vocabulary = self._uncompiled.pop(code)
        try:
            rules = LanguageRules(section, self.categories, vocabulary, code)
        except RulesError as error:
            raise RulesError(f"In the {language_name(code)} rules: {error}") from None
        self._by_language[code] = rules
        return rules

    @property
    def reader(self) -> Reader:
        """The English reader."""
        return self._by_language[ENGLISH].reader

    def rules_for(self, language: str | None) -> LanguageRules | None:
        """The compiled rules of ``language``; ``None`` where there are none (or they cannot
        be compiled after all)."""
        code = normalise_language(language)
        rules = self._by_language.get(code)
        if rules is None and code in self._uncompiled:
            try:
                rules = self._compile(code)
            except RulesError:
                return None
        return rules

    def check_rules(self, text: str, language: str | None = ENGLISH) -> Verdict:
        """What the rules of ``language`` alone say (nothing, for a language without rules):
        what the corpus measures."""
        rules = self.rules_for(language)
        return rules.check(text) if rules else NO_ALERT

    def check(self, text: str, language: str | None = ENGLISH) -> Verdict:
        """The verdict on ``text`` written in ``language`` (a code such as "en", "es", "pt-BR";
        English when not known): its rules' verdict, or, for a language that cannot be
        screened, a "not screened" alert on any text with words that its rules do not catch.

        Young people who chose another language still write in English, or mix the two, so
        the English rules read every text too; the more urgent of the two verdicts stands."""
        code = normalise_language(language)
        rules = self.rules_for(code)
        verdict = rules.check(text) if rules else NO_ALERT
        if code != ENGLISH:
            english = self._by_language[ENGLISH].check(text)
            if english and not (
                verdict and (verdict.severity == IMMEDIATE or english.severity != IMMEDIATE)
            ):
                verdict = english
        if verdict or (rules is not None and code in self.screened) or not is_free_text(text):
            return verdict
        return not_screened(code, rules is not None)


class LanguageRules:
    """The compiled rules of one language."""

    def __init__(
        self,
        rules: Mapping[str, Any],
        categories: Mapping[str, str],
        vocabulary: Vocabulary,
        language: str,
    ) -> None:
        self.categories = categories
        concepts_data = _mapping(rules, "concepts")
        self.concept_names = tuple(concepts_data)
        raw_terms = {
            name: [str(term) for term in _list(concepts_data, name)] for name in concepts_data
        }
        idioms = [str(term) for term in rules.get("idioms") or []]
        rule_words = {
            word
            for term in (*idioms, *(t for terms in raw_terms.values() for t in terms))
            for word in fold(term)
        }
        self.reader = Reader(vocabulary, rule_words, language)
        self._terms = {
            name: [self._compile(term, name) for term in raw_terms[name]] for name in raw_terms
        }
        self._idioms = [self._compile(term, "idioms", refs=False) for term in idioms]
        self._order = _dependency_order(self._terms)
        self.quiet = tuple(
            QuietContext(
                str(entry.get("name") or ", ".join(entry.get("when") or [])),
                self._concepts(entry, "when", "quiet"),
                self._concepts(entry, "unless", "quiet"),
            )
            for entry in rules.get("quiet") or []
        )
        self.immediate = self._concepts(rules, "immediate", "immediate")
        self.rules = tuple(self._rule(entry) for entry in rules.get("rules") or [])
        if not self.rules:
            raise RulesError("There are no rules: add at least one under 'rules'.")
        # The first word of each term, so a message is only tried where a term can start.
        self._index = _Index(self._terms)
        self._idiom_index = _Index({"idioms": self._idioms})
        # Terms that name another concept, tried in the order concepts can be completed (a
        # concept after those it names), each filed under one word it needs, so that a message
        # only tries those whose word it holds (most name a word besides the concept).
        rank = {name: at for at, name in enumerate(self._order)}
        self._ref_terms_by_word: dict[str, list[tuple[int, str, Term]]] = defaultdict(list)
        self._ref_terms_always: list[tuple[int, str, Term]] = []
        for name, terms in self._terms.items():
            for term in terms:
                needs = _needs(term)
                if not needs.concepts:
                    continue
                entry = (rank[name], name, term)
                if needs.words:
                    for word in min(needs.words, key=len):
                        self._ref_terms_by_word[word].append(entry)
                else:
                    self._ref_terms_always.append(entry)

    # Compiling -------------------------------------------------------------------------------

    def _compile(self, text: str, where: str, refs: bool = True) -> Term:
        elements: list[Element] = []
        plain: list[str] = []

        reader = self.reader

        def flush() -> None:
            for _, word in reader.expand(reader.words_of(" ".join(plain))):
                elements.append(("word", reader.term_forms(word)))
            plain.clear()

        for part in text.split():
            if "|" in part.strip("|"):  # "mum|dad|parents": any one of these words
                flush()
                choices = {
                    form
                    for choice in part.split("|")
                    for word in reader.words_of(choice)
                    for form in reader.term_forms(word)
                }
                elements.append(("word", frozenset(choices)))
            elif part in ("*", "...") or part.startswith("@"):
                flush()
                if part == "*":
                    elements.append(("any",))
                elif part == "...":
                    elements.append(("gap",))
                else:
                    name = part[1:]
                    if not refs:
                        raise RulesError(f"'{text}' in {where} cannot name a concept.")
                    if name not in self.concept_names:
                        raise RulesError(f"'{text}' in {where} names an unknown concept @{name}.")
                    elements.append(("ref", name))
            else:
                plain.append(part)
        flush()
        if not elements or all(element[0] in ("any", "gap") for element in elements):
            raise RulesError(f"'{text}' in {where} has no words to match.")
        if elements[0][0] in ("gap", "any") or elements[-1][0] == "gap":
            raise RulesError(
                f"'{text}' in {where} cannot start with '*' or '...', or end with '...'."
            )
        return tuple(elements)

    def _concepts(self, entry: Mapping[str, Any], key: str, where: str) -> tuple[str, ...]:
        names = entry.get(key) or []
        if isinstance(names, str):
            names = [names]
        for name in names:
            if name not in self.concept_names:
                raise RulesError(f"{where} names an unknown concept '{name}'.")
        return tuple(names)

    def _rule(self, entry: Mapping[str, Any]) -> Rule:
        name = str(entry.get("name") or "")
        if not name:
            raise RulesError("Every rule needs a name.")
        category = str(entry.get("category") or "")
        if category not in self.categories:
            raise RulesError(f"Rule '{name}' has an unknown category '{category}'.")
        severity = str(entry.get("severity") or CONCERN)
        if severity not in (IMMEDIATE, CONCERN):
            raise RulesError(f"Rule '{name}': severity is '{IMMEDIATE}' or '{CONCERN}'.")
        rule = Rule(
            name,
            category,
            self._concepts(entry, "all", f"Rule '{name}'"),
            self._concepts(entry, "any", f"Rule '{name}'"),
            self._concepts(entry, "not", f"Rule '{name}'"),
            severity,
        )
        if not rule.all and not rule.any:
            raise RulesError(f"Rule '{name}' needs concepts under 'all' or 'any'.")
        return rule

    # Matching --------------------------------------------------------------------------------

    def _ends(self, term: Term, at: int, reading: _Reading) -> set[int]:
        """Where ``term`` can end when it starts at word ``at``."""
        words = reading.words
        positions = {at}
        for element in term:
            kind = element[0]
            following: set[int] = set()
            for position in positions:
                if kind == "gap":
                    following.update(range(position, min(position + GAP_WORDS, len(words)) + 1))
                elif position >= len(words):
                    continue
                elif kind == "any":
                    following.add(position + 1)
                elif kind == "word":
                    if not element[1].isdisjoint(words[position].forms):
                        following.add(position + 1)
                else:
                    following.update(reading.spans.get(element[1], {}).get(position, ()))
            if not following:
                return set()
            positions = following
        return positions

    def _match_words(self, index: _Index, reading: _Reading, present: set[str]) -> None:
        """Match every term that starts with a word and names no concept."""
        spans = reading.spans
        words = reading.words
        by_first_word = index.by_first_word
        by_first_two = index.by_first_two
        for at, word in enumerate(words):
            following = words[at + 1].forms if at + 1 < len(words) else ()
            for form in word.forms:
                candidates = list(by_first_word.get(form, ()))
                for second in following:
                    candidates.extend(by_first_two.get((form, second), ()))
                for concept, term, needs in candidates:
                    if needs.met(present, spans):
                        ends = self._ends(term, at, reading)
                        if ends:
                            reading.add(concept, at, ends)

    def read(self, text: str) -> _Reading:
        reading = _Reading(self.reader.read(text))
        present: set[str] = set().union(*(word.forms for word in reading.words))
        if self._idioms:
            self._match_words(self._idiom_index, reading, present)
            masked = reading.spans.pop("idioms", {})
            for start, ends in masked.items():
                for at in range(start, max(ends)):
                    reading.words[at] = Word(reading.words[at].typed, frozenset())
            if masked:
                present = set().union(*(word.forms for word in reading.words))
        self._match_words(self._index, reading, present)
        candidates = set(self._ref_terms_always)
        for word in present:
            candidates.update(self._ref_terms_by_word.get(word, ()))
        for _, name, term in sorted(candidates, key=lambda entry: entry[0]):
            if not _needs(term).met(present, reading.spans):
                continue
            kind, value = term[0]
            starts = (
                list(reading.spans[value])
                if kind == "ref"
                else [
                    at for at, word in enumerate(reading.words) if not value.isdisjoint(word.forms)
                ]
            )
            for at in starts:
                ends = self._ends(term, at, reading)
                if ends:
                    reading.add(name, at, ends)
        return reading

    def check(self, text: str) -> Verdict:
        reading = self.read(text)
        spans = reading.spans
        fired = [
            rule
            for rule in self.rules
            if all(name in spans for name in rule.all)
            and (not rule.any or any(name in spans for name in rule.any))
            and not any(name in spans for name in rule.not_)
        ]
        if not fired:
            return NO_ALERT
        for context in self.quiet:
            if any(name in spans for name in context.when) and not any(
                name in spans for name in context.unless
            ):
                return Verdict(False, quieted_by=context.name)
        first = fired[0]
        immediate = any(rule.severity == IMMEDIATE for rule in fired) or any(
            name in spans for name in self.immediate
        )
        return Verdict(
            True,
            first.category,
            IMMEDIATE if immediate else CONCERN,
            tuple(self._reason(rule, reading) for rule in fired[:3]),
        )

    def _reason(self, rule: Rule, reading: _Reading) -> str:
        shown = []
        for name in (*rule.all, *rule.any):
            found = reading.first(name)
            if found:
                start, end = found
                typed = " ".join(dict.fromkeys(word.typed for word in reading.words[start:end]))
                shown.append(f"{name.replace('_', ' ')} “{typed}”")
        return f"{rule.name}: {', '.join(shown)}"


def _mapping(data: Mapping[str, Any], key: str) -> Mapping[str, Any]:
    value = data.get(key)
    if not isinstance(value, Mapping) or not value:
        raise RulesError(f"The rules need a '{key}' section of named entries.")
    return value


def _list(data: Mapping[str, Any], key: str) -> list[Any]:
    value = data.get(key)
    if not isinstance(value, list) or not value:
        raise RulesError(f"Concept '{key}' needs a list of terms.")
    return value


def _dependency_order(terms: Mapping[str, Iterable[Term]]) -> list[str]:
    """Concepts ordered so that every concept comes after those its terms name."""
    order: list[str] = []
    state: dict[str, str] = {}

    def visit(name: str, path: tuple[str, ...]) -> None:
        if state.get(name) == "done":
            return
        if state.get(name) == "visiting":
            raise RulesError(f"Concepts name each other in a circle: {' → '.join((*path, name))}.")
        state[name] = "visiting"
        for term in terms[name]:
            for element in term:
                if element[0] == "ref":
                    visit(element[1], (*path, name))
        state[name] = "done"
        order.append(name)

    for name in terms:
        visit(name, ())
    return order
