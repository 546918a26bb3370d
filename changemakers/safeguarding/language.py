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

Spanish and Portuguese are read the same way with their own text-speak (``vocabulary.es.yaml``,
``vocabulary.pt.yaml``), dictionary and lemmas ("cortando", "corté" → "cortar"); their accents
are kept until the lemma is found ("ameaçou" → "ameacar"), since young people type them or not.

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
_ACCENTS = re.compile("[\u0300-\u036f]+")
# The accented letters a Spanish or Portuguese word may have lost in a text ("echaria" for
# "echaría", "ameacou" for "ameaçou").
_ACCENTED = {"a": "áàâã", "e": "éê", "i": "í", "o": "óôõ", "u": "úü", "c": "ç", "n": "ñ"}
ENGLISH = "en"
T = TypeVar("T")


def fold(text: str) -> list[str]:
    """The words of ``text``: lower case, accents and apostrophes dropped, anything else that
    is not a letter or a digit a space ("I'M SO SCARED!!" → ["im", "so", "scared"])."""
    if text.isascii():
        return text.lower().translate(_ASCII_FOLD).split()
    text = unicodedata.normalize("NFKD", unicodedata.normalize("NFKC", text).casefold())
    text = unicodedata.normalize("NFC", _APOSTROPHES_AND_ACCENTS.sub("", text))
    return _NOT_WORD.sub(" ", text).split()


def strip_accents(word: str) -> str:
    """``word`` without its accents ("ameaçou" → "ameacou"); ASCII words come back as they are."""
    if word.isascii():
        return word
    return unicodedata.normalize("NFC", _ACCENTS.sub("", unicodedata.normalize("NFD", word)))


def fold_keeping_accents(text: str) -> list[str]:
    """The words of ``text`` as ``fold`` gives them, but with their accents ("Corté!" →
    ["corté"]), so that a Spanish or Portuguese dictionary can still tell the words apart."""
    text = unicodedata.normalize("NFC", unicodedata.normalize("NFKC", text).casefold())
    text = re.sub(f"[{_APOSTROPHES}]+", "", text)
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


def lemma(word: str, language: str = ENGLISH) -> str:
    """The dictionary form of a word: "stabbed" → "stab", "cutting" → "cut"; in Spanish or
    Portuguese without accents ("corté" → "cortar", "ameaçou" → "ameacar")."""
    if language != ENGLISH:
        if not word.isalpha():
            return strip_accents(word)
        return strip_accents(simplemma.lemmatize(word, lang=language))
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


def is_known(word: str, language: str = ENGLISH) -> bool:
    """Whether the language's dictionary knows ``word`` (or a form of it)."""
    if language == ENGLISH:
        return is_english(word)
    return simplemma.is_known(word, lang=language) or lemma(word, language) != strip_accents(word)


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
    """Reads texts in one language into ``Word``s with its vocabulary and the words the rules
    use (the targets of spelling correction)."""

    def __init__(
        self, vocabulary: Vocabulary, rule_words: Iterable[str], language: str = ENGLISH
    ) -> None:
        self.vocabulary = vocabulary
        self.language = language
        self._first_words = {key[0] for key in vocabulary.plain}
        self._rule_words = sorted({word for word in rule_words if len(word) >= 4})
        self._known = set(self._rule_words) | {
            word for sense in vocabulary.plain.values() for word in sense
        }
        self._spelled: _Memo[str] = _Memo(self._spell)
        self._forms: _Memo[frozenset[str]] = _Memo(self._forms_of)

    # One word -------------------------------------------------------------------------------

    def _spell(self, word: str) -> str:
        """``word`` as the word of the language it most likely means (itself when known)."""
        language = self.language
        plain = strip_accents(word)
        if plain in self._known or not word.isalpha() or len(word) < 4:
            return word
        if _LONG_RUN.search(word):  # "sooooo", "killll", "plzzz"
            for squeezed in (_LONG_RUN.sub(r"\1\1", word), _LONG_RUN.sub(r"\1", word)):
                if strip_accents(squeezed) in self._known or is_known(squeezed, language):
                    return squeezed
            word = _LONG_RUN.sub(r"\1", word)
            plain = strip_accents(word)
        if is_known(word, language):
            return word
        if language == ENGLISH and word.endswith("in") and is_english(word + "g"):  # "hittin"
            return word + "g"
        if language != ENGLISH and word == plain:
            accented = self._accented(word)
            if accented:
                return accented
        limit = 1 if len(plain) <= 5 else 2
        best = extractOne(plain, self._rule_words, scorer=Levenshtein.distance, score_cutoff=limit)
        return best[0] if best else word

    def _accented(self, word: str) -> str | None:
        """``word`` with the one accent it lost, if the dictionary knows it so ("echaria" →
        "echaría")."""
        for at, letter in enumerate(word):
            for accented in _ACCENTED.get(letter, ""):
                candidate = word[:at] + accented + word[at + 1 :]
                if simplemma.is_known(candidate, lang=self.language):
                    return candidate
        return None

    def term_forms(self, word: str) -> frozenset[str]:
        """What a word of a rule accepts: its lemma (in Spanish or Portuguese, with and without
        the accents it was written with)."""
        if self.language == ENGLISH:
            return frozenset({lemma(word)})
        return frozenset({lemma(word, self.language), lemma(strip_accents(word), self.language)})

    def _forms_of(self, word: str) -> frozenset[str]:
        language = self.language
        if language == ENGLISH:
            forms = {word, lemma(word)}
        else:
            plain = strip_accents(word)
            forms = {plain, lemma(word, language), lemma(plain, language)}
        meaning = self.vocabulary.ambiguous.get(strip_accents(word))
        if meaning:
            forms.update(lemma(sense, language) for sense in meaning)
        return frozenset(forms)

    # A text ----------------------------------------------------------------------------------

    def expand(self, typed: list[str]) -> list[tuple[str, str]]:
        """(what was typed, the plain word) pairs, text-speak and slang spelled out (looked up
        without accents, which the vocabulary's entries never hold)."""
        plain = self.vocabulary.plain
        english = self.language == ENGLISH
        keys = typed if english else [strip_accents(word) for word in typed]
        expanded: list[tuple[str, str]] = []
        at = 0
        while at < len(typed):
            word = keys[at]
            if word in self._first_words:
                for length in range(min(_LONGEST_KEY, len(typed) - at), 0, -1):
                    key = tuple(keys[at : at + length])
                    sense = plain.get(key)
                    if sense is not None:
                        shown = " ".join(key)
                        expanded.extend((shown, meant) for meant in sense)
                        at += length
                        break
                else:
                    expanded.append((typed[at], typed[at]))
                    at += 1
                continue
            squeezed = _LONG_RUN.sub(r"\1", word)
            if english and squeezed == word and word.endswith("in"):  # "shottin" → "shotting"
                squeezed = word + "g"
            sense = plain.get((squeezed,)) if squeezed != word else None
            if sense is not None:
                expanded.extend((typed[at], meant) for meant in sense)
            else:
                expanded.append((typed[at], typed[at]))
            at += 1
        return expanded

    def words_of(self, text: str) -> list[str]:
        """The words of ``text`` as this language folds them (accents kept but in English)."""
        return fold(text) if self.language == ENGLISH else fold_keeping_accents(text)

    def read(self, text: str) -> list[Word]:
        spelled = self._spelled
        forms = self._forms
        words = []
        for shown, plain in self.expand(self.words_of(text)):
            corrected = spelled[plain]
            if corrected != plain:
                # A corrected word may be text-speak after all ("pleez" → "please" aside).
                sense = self.vocabulary.plain.get((strip_accents(corrected),))
                if sense is not None and len(sense) == 1:
                    corrected = sense[0]
            words.append(Word(shown, forms[corrected]))
        return words
