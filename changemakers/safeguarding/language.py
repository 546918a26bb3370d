"""Reading a message the way a young person wrote it: the words it means, one per position.

``Reader.read`` turns a text into ``Word``s, in order:

1. fold: case, accents, apostrophes and punctuation ("WON'T!!" → "wont");
2. expand text-speak and slang from the vocabulary (``vocabulary.yaml``): "ur" → "your",
   "wiv" → "with", "going cunch" → "going country"; an ambiguous word ("plug", "food") keeps its
   everyday sense and gains its slang one, so a rule matches either;
3. stretch and drop-g forms back to words ("sooooo" → "so", "hittin" → "hitting");
4. correct a word that no English dictionary knows to the nearest word the rules use, by edit
   distance (rapidfuzz): "sucide" → "suicide", "stabed" → "stabbed";
5. reduce each word to its lemma (simplemma): "cutting", "cuts" and "cut" all read "cut".

Each ``Word`` keeps what the young person typed, for the reasons shown to reviewers. Everything
here is a plain function of the text and the vocabulary: no Flask, no database, nothing fetched.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import TypeVar

import simplemma
from rapidfuzz.distance import Levenshtein
from rapidfuzz.process import extractOne

_APOSTROPHES = "'\u2018\u2019\u201b`\u00b4\u02bc\u02b9\u2032"
# Apostrophes, and the combining marks that NFKD splits off accented letters.
_APOSTROPHES_AND_ACCENTS = re.compile(
    f"[{_APOSTROPHES}\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]+"
)
# ASCII text (nearly every SMS) is folded by one translate: much faster than a regex.
_ASCII_FOLD = str.maketrans(
    {chr(i): " " for i in range(128) if not chr(i).isalnum()} | dict.fromkeys("'`")
)
_NOT_WORD = re.compile(r"[\W_]+")
_LONG_RUN = re.compile(r"(\w)\1\1+")
_LONGEST_KEY = 3  # words in the longest vocabulary entry looked up
T = TypeVar("T")


def fold(text: str) -> list[str]:
    """The words of ``text``: lower case, accents and apostrophes dropped, anything else that
    is not a letter or a digit a space ("I'M SO SCARED!!" → ["im", "so", "scared"])."""
    if text.isascii():
        return text.lower().translate(_ASCII_FOLD).split()
    text = unicodedata.normalize("NFKD", unicodedata.normalize("NFKC", text).casefold())
    text = unicodedata.normalize("NFC", _APOSTROPHES_AND_ACCENTS.sub("", text))
    return _NOT_WORD.sub(" ", text).split()


@dataclass(frozen=True, slots=True)
class Word:
    """One position of a message: what was typed, and every form a rule may match there (the
    word's lemma, and for an ambiguous slang word its slang sense's lemmas too)."""

    typed: str
    forms: frozenset[str]


class _Memo(dict[str, T]):
    """A cache of a function of one word, emptied when large so odd words cannot fill memory."""

    def __init__(self, function: Callable[[str], T], limit: int = 50_000) -> None:
        super().__init__()
        self.function = function
        self.limit = limit

    def __missing__(self, word: str) -> T:
        if len(self) >= self.limit:
            self.clear()
        value = self[word] = self.function(word)
        return value


# simplemma reads a few forms as other words ("gone" as "gan", "cutting" as the noun); these
# are read as the verb a disclosure means.
_LEMMA_OVERRIDES = {"gone": "go", "left": "leave", "felt": "feel", "lying": "lie", "lied": "lie"}


def lemma(word: str) -> str:
    """The dictionary form of an English word: "stabbed" → "stab", "cutting" → "cut"."""
    if word in _LEMMA_OVERRIDES:
        return _LEMMA_OVERRIDES[word]
    if not word.isalpha():
        return word
    found = simplemma.lemmatize(word, lang="en")
    if found == word and len(word) > 5 and word.endswith("ing"):
        stem = word[:-3]
        if len(stem) > 2 and stem[-1] == stem[-2]:  # "cutting" → "cutt" → "cut"
            stem = stem[:-1]
        for candidate in (stem, stem + "e"):
            if simplemma.is_known(candidate, lang="en"):
                return candidate
    return found


def is_english(word: str) -> bool:
    return simplemma.is_known(word, lang="en") or lemma(word) != word


@dataclass(frozen=True)
class Vocabulary:
    """Text-speak, slang and common misspellings, each mapping what young people type (one to
    three words) to plain words; ``ambiguous`` entries add their sense beside the word."""

    plain: Mapping[tuple[str, ...], tuple[str, ...]]
    ambiguous: Mapping[str, tuple[str, ...]]

    @classmethod
    def from_data(cls, data: Mapping[str, Mapping[str, str]]) -> Vocabulary:
        """From the sections of ``vocabulary.yaml``: ``ambiguous`` apart, the rest alike."""
        plain: dict[tuple[str, ...], tuple[str, ...]] = {}
        ambiguous: dict[str, tuple[str, ...]] = {}
        for section, entries in data.items():
            for typed, meaning in (entries or {}).items():
                key = tuple(fold(str(typed)))
                sense = tuple(fold(str(meaning)))
                if not key or not sense:
                    continue
                if section == "ambiguous" and len(key) == 1:
                    ambiguous[key[0]] = sense
                else:
                    plain[key] = sense
        return cls(plain, ambiguous)


class Reader:
    """Reads texts into ``Word``s with one vocabulary and the words the rules use (the targets
    of spelling correction)."""

    def __init__(self, vocabulary: Vocabulary, rule_words: Iterable[str]) -> None:
        self.vocabulary = vocabulary
        self._first_words = {key[0] for key in vocabulary.plain}
        self._rule_words = sorted({word for word in rule_words if len(word) >= 4})
        self._known = set(self._rule_words) | {
            word for sense in vocabulary.plain.values() for word in sense
        }
        self._spelled: _Memo[str] = _Memo(self._spell)
        self._forms: _Memo[frozenset[str]] = _Memo(self._forms_of)

    # One word -------------------------------------------------------------------------------

    def _spell(self, word: str) -> str:
        """``word`` as the English word it most likely means (itself when known)."""
        if word in self._known or not word.isalpha() or len(word) < 4:
            return word
        if _LONG_RUN.search(word):  # "sooooo", "killll", "plzzz"
            for squeezed in (_LONG_RUN.sub(r"\1\1", word), _LONG_RUN.sub(r"\1", word)):
                if squeezed in self._known or is_english(squeezed):
                    return squeezed
            word = _LONG_RUN.sub(r"\1", word)
        if is_english(word):
            return word
        if word.endswith("in") and is_english(word + "g"):  # "hittin", "cuttin"
            return word + "g"
        limit = 1 if len(word) <= 5 else 2
        best = extractOne(word, self._rule_words, scorer=Levenshtein.distance, score_cutoff=limit)
        return best[0] if best else word

    def _forms_of(self, word: str) -> frozenset[str]:
        meaning = self.vocabulary.ambiguous.get(word)
        forms = {word, lemma(word)}
        if meaning:
            forms.update(lemma(sense) for sense in meaning)
        return frozenset(forms)

    # A text ----------------------------------------------------------------------------------

    def expand(self, typed: list[str]) -> list[tuple[str, str]]:
        """(what was typed, the plain word) pairs, text-speak and slang spelled out."""
        plain = self.vocabulary.plain
        expanded: list[tuple[str, str]] = []
        at = 0
        while at < len(typed):
            word = typed[at]
            if word in self._first_words:
                for length in range(min(_LONGEST_KEY, len(typed) - at), 0, -1):
                    key = tuple(typed[at : at + length])
                    sense = plain.get(key)
                    if sense is not None:
                        shown = " ".join(key)
                        expanded.extend((shown, meant) for meant in sense)
                        at += length
                        break
                else:
                    expanded.append((word, word))
                    at += 1
                continue
            squeezed = _LONG_RUN.sub(r"\1", word)
            if squeezed == word and word.endswith("in"):  # "shottin" → "shotting"
                squeezed = word + "g"
            sense = plain.get((squeezed,)) if squeezed != word else None
            if sense is not None:
                expanded.extend((word, meant) for meant in sense)
            else:
                expanded.append((word, word))
            at += 1
        return expanded

    def read(self, text: str) -> list[Word]:
        spelled = self._spelled
        forms = self._forms
        words = []
        for shown, plain in self.expand(fold(text)):
            corrected = spelled[plain]
            if corrected != plain:
                # A corrected word may be text-speak after all ("pleez" → "please" aside).
                sense = self.vocabulary.plain.get((corrected,))
                if sense is not None and len(sense) == 1:
                    corrected = sense[0]
            words.append(Word(shown, forms[corrected]))
        return words
