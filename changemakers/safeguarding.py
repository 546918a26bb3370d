"""Spotting messages where a young person may be in danger or disclosing harm.

DESIGN.md, "Safeguarding": a phrase list (editable by reviewers, defaults shipped here) decides
which messages get the urgent-help reply at once and an alert in the reviewers' queue. Young
people write in capitals, text-speak and misspellings, so the message and every phrase go through
the same ``normalise`` ("WON'T let me leave!!", "wont let me leave" and "will not let me leave"
all read "will not let me leave"), and phrases match whole words only, so "skill myself up" does
not fire "kill myself".

Matching also ignores doubled letters, in the message and in the phrases alike: "stabed",
"killl", "hittinggg" and "scarred" still match "stabbed", "kill", "hitting" and "scared". The
price is a few joined word pairs ("been"/"ben", "off"/"of", "too"/"to"): a safeguarding check
should rather fire once too often than miss a disclosure, and a reviewer sees every alert.

The default list deliberately has no over-broad single words ("knife", "gun", "help", "die",
"cut", "kill"): "KNIFE" on its own is the keyword that starts the knife-crime information flow.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass

__all__ = [
    "DEFAULT_PHRASES",
    "PhraseList",
    "PhraseListCheck",
    "check_phrase_list",
    "default_phrase_list",
    "normalise",
]

DEFAULT_PHRASES: tuple[str, ...] = (
    # Danger
    "in danger",
    "not safe",
    "don't feel safe",
    "unsafe",
    "scared to go home",
    "afraid to go home",
    "frightened to go home",
    "scared for my life",
    "scared of my dad",
    "scared of my mum",
    "scared of my stepdad",
    "scared of him",
    "being followed",
    "is following me",
    "keeps following me",
    "won't let me leave",
    "won't let me go",
    "won't let me out",
    "can't get out",
    "locked in",
    "locked me in",
    "i am trapped",
    "kidnapped",
    "help me",
    "please help",
    "someone help",
    "call the police",
    "going to hurt me",
    "wants to hurt me",
    "trying to kill me",
    "tried to kill me",
    "wants to kill me",
    "threatened to kill",
    "threatening to kill",
    "kicked me out",
    "kicked out of home",
    "nowhere to sleep",
    "nowhere to stay",
    "sleeping rough",
    # Weapons
    "carrying a knife",
    "carry a knife",
    "carries a knife",
    "carrying knives",
    "has a knife",
    "had a knife",
    "got a knife",
    "pulled a knife",
    "pulled out a knife",
    "bring a knife",
    "brought a knife",
    "knife on him",
    "threatened with a knife",
    "zombie knife",
    "got a blade",
    "carrying a blade",
    "pulled a blade",
    "machete",
    "stabbed",
    "stabbing",
    "stab me",
    "stab him",
    "stab her",
    "stab them",
    "stab someone",
    "shanked",
    "been shot",
    "got shot",
    "get shot",
    "shot at me",
    "shooting at me",
    "got a gun",
    "has a gun",
    "had a gun",
    "carrying a gun",
    "pulled a gun",
    "acid attack",
    # Sexual harm
    "he made me",
    "she made me",
    "they made me",
    "made me do",
    "forced me",
    "forcing me",
    "touched me",
    "touches me",
    "touching me",
    "touched my body",
    "touched my private*",
    "rape",
    "raped",
    "sexual abuse",
    "sexually abused",
    "sexual assault",
    "sexually assaulted",
    "assaulted me",
    "molested",
    "send nudes",
    "sent nudes",
    "sending nudes",
    "asking for nudes",
    "asked for nudes",
    "share my nudes",
    "shared my nudes",
    "leak my nudes",
    "leaked my nudes",
    "nude pics",
    "naked pics",
    "naked pictures",
    "groomed",
    "grooming me",
    "made me have sex",
    "blackmail*",
    "sextortion",
    # Self-harm and suicide
    "kill myself",
    "killing myself",
    "want to die",
    "wish i was dead",
    "wish i were dead",
    "end it all",
    "end my life",
    "ending my life",
    "take my own life",
    "take my life",
    "suicid*",
    "unalive*",
    "self harm*",
    "hurt myself",
    "hurting myself",
    "harm myself",
    "harming myself",
    "cut myself",
    "cutting myself",
    "burn myself",
    "burning myself",
    "hang myself",
    "starving myself",
    "overdos*",
    "took pills",
    "take all my pills",
    "better off dead",
    "better off without me",
    "no reason to live",
    "nothing to live for",
    "don't want to live",
    "don't want to be alive",
    "don't want to be here",
    "don't want to wake up",
    "can't go on",
    "kill yourself",
    # Abuse and violence
    "hits me",
    "hitting me",
    "he hit me",
    "she hit me",
    "they hit me",
    "beats me",
    "beat me up",
    "beating me",
    "hurts me",
    "hurting me",
    "he hurt me",
    "she hurt me",
    "threatened me",
    "threatening me",
    "threatens me",
    "kicked me",
    "kicks me",
    "punched me",
    "punches me",
    "slapped me",
    "slaps me",
    "choked me",
    "chokes me",
    "strangled",
    "burned me",
    "burnt me",
    "attacked me",
    "abused me",
    "abusing me",
    "hits my mum",
    "beats my mum",
    "domestic abuse",
    "domestic violence",
    # Exploitation
    "county lines",
    "going country",
    "went country",
    "owe them money",
    "drug debt",
    "made to sell",
    "made me sell",
    "making me sell",
    "run drugs",
    "running drugs",
    "selling drugs for",
    "hold drugs",
    "holding drugs",
    "trap house",
    "cuckooing",
)

# Text-speak and common misspellings, one token to one or more words. Ambiguous tokens are left
# alone: "ill" (I'll or ill), "were" (we're), "its", "id", "shed", "well", "hell".
_TEXT_SPEAK: dict[str, str] = {
    # Pronouns and short forms
    "u": "you",
    "ya": "you",
    "ur": "your",
    "r": "are",
    "y": "why",
    "b": "be",
    "n": "and",
    "nd": "and",
    "2": "to",
    "4": "for",
    "im": "i am",
    "ive": "i have",
    "youre": "you are",
    "youve": "you have",
    "hes": "he is",
    "shes": "she is",
    "theyre": "they are",
    "theyve": "they have",
    "thats": "that is",
    "whats": "what is",
    "wheres": "where is",
    "theres": "there is",
    "dont": "do not",
    "dnt": "do not",
    "doesnt": "does not",
    "didnt": "did not",
    "wont": "will not",
    "cant": "cannot",
    "cnt": "cannot",
    "couldnt": "could not",
    "wouldnt": "would not",
    "shouldnt": "should not",
    "isnt": "is not",
    "arent": "are not",
    "wasnt": "was not",
    "werent": "were not",
    "havent": "have not",
    "hasnt": "has not",
    "hadnt": "had not",
    "aint": "is not",
    "wanna": "want to",
    "gonna": "going to",
    "gotta": "got to",
    "hafta": "have to",
    "tryna": "trying to",
    "dunno": "do not know",
    "lemme": "let me",
    "gimme": "give me",
    "kinda": "kind of",
    "outta": "out of",
    "idk": "i do not know",
    "ngl": "not going to lie",
    "tbh": "to be honest",
    "rn": "right now",
    "atm": "at the moment",
    "pls": "please",
    "plz": "please",
    "plez": "please",
    "plss": "please",
    "bf": "boyfriend",
    "gf": "girlfriend",
    "bff": "best friend",
    "ppl": "people",
    "m8": "mate",
    "m8s": "mates",
    "sum1": "someone",
    "some1": "someone",
    "any1": "anyone",
    "ne1": "anyone",
    "every1": "everyone",
    "no1": "no one",
    "2day": "today",
    "2nite": "tonight",
    "2night": "tonight",
    "tonite": "tonight",
    "2moro": "tomorrow",
    "2morrow": "tomorrow",
    "tmrw": "tomorrow",
    "tmr": "tomorrow",
    "b4": "before",
    "l8": "late",
    "l8r": "later",
    "gr8": "great",
    "h8": "hate",
    "h8s": "hates",
    "wiv": "with",
    "wid": "with",
    "wif": "with",
    "dat": "that",
    "dis": "this",
    "da": "the",
    "dem": "them",
    "dey": "they",
    "der": "there",
    "dere": "there",
    "wat": "what",
    "wot": "what",
    "wen": "when",
    "cuz": "because",
    "coz": "because",
    "cos": "because",
    "cus": "because",
    "bc": "because",
    "bcos": "because",
    "bcoz": "because",
    "bcuz": "because",
    "becuz": "because",
    "becos": "because",
    "thru": "through",
    "kno": "know",
    "knw": "know",
    "av": "have",
    "hav": "have",
    "luv": "love",
    "skool": "school",
    "hme": "home",
    "myslf": "myself",
    "meself": "myself",
    "maself": "myself",
    "nomore": "no more",
    "alot": "a lot",
    "ded": "dead",
    "txt": "text",
    # Dropped g
    "killin": "killing",
    "hurtin": "hurting",
    "hittin": "hitting",
    "beatin": "beating",
    "stabbin": "stabbing",
    "cuttin": "cutting",
    "followin": "following",
    "threatenin": "threatening",
    "touchin": "touching",
    "sellin": "selling",
    "runnin": "running",
    "carryin": "carrying",
    "chasin": "chasing",
    "watchin": "watching",
    "lookin": "looking",
    "feelin": "feeling",
    "goin": "going",
    "doin": "doing",
    "tryin": "trying",
    "nothin": "nothing",
    "nuffin": "nothing",
    "somethin": "something",
    "sumthin": "something",
    # Misspellings
    "skared": "scared",
    "scard": "scared",
    "scaired": "scared",
    "skaired": "scared",
    "afriad": "afraid",
    "frightend": "frightened",
    "stabed": "stabbed",
    "stabd": "stabbed",
    "stabing": "stabbing",
    "selfharm": "self harm",
    "selfharming": "self harming",
    "selfharmed": "self harmed",
    "sucidal": "suicidal",
    "suicdal": "suicidal",
    "sucidial": "suicidal",
    "suicidel": "suicidal",
    "suicidle": "suicidal",
    "suisidal": "suicidal",
    "sucide": "suicide",
    "suicde": "suicide",
    "suiside": "suicide",
    "suacide": "suicide",
    "sewerslide": "suicide",
    "kms": "kill myself",
    "kys": "kill yourself",
    "tuched": "touched",
    "touchd": "touched",
    "threatend": "threatened",
    "threatned": "threatened",
    "thretened": "threatened",
    "nudez": "nudes",
    "noods": "nudes",
    "n00ds": "nudes",
    "dieing": "dying",
}

# Words often split by a space, joined after the token mapping ("kill my self").
_JOINED_PAIRS = (" self", " selves", "can not", "any more", "some one")
_JOINS = re.compile(
    r"\b(?:(?:my|your|him|her|it) self|(?:them|our|your) selves|can not|any more|some one)\b"
)

_APOSTROPHES = "'\u2018\u2019\u201b`\u00b4\u02bc\u02b9\u2032"
# Apostrophes, and the combining marks that NFKD splits off accented letters (the blocks of
# combining diacritical marks; a regex is far faster than testing every character).
_APOSTROPHES_AND_ACCENTS = re.compile(
    f"[{_APOSTROPHES}\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]+"
)
# ASCII text (nearly every SMS) is folded by one translate: much faster than a regex.
_ASCII_FOLD = str.maketrans(
    {chr(i): " " for i in range(128) if not chr(i).isalnum()} | dict.fromkeys("'`")
)
_NOT_WORD = re.compile(r"[\W_]+")
_LONG_RUN = re.compile(r"(\w)\1\1+")
_DOUBLED_LETTER = re.compile(r"([^\W\d_])\1+")


def _folded_words(text: str) -> list[str]:
    """The words of ``text``: lower case, NFKC, accents and apostrophes gone, anything else that
    is not a letter or a digit a space."""
    if text.isascii():
        return text.lower().translate(_ASCII_FOLD).split()
    text = unicodedata.normalize("NFKD", unicodedata.normalize("NFKC", text).casefold())
    text = unicodedata.normalize("NFC", _APOSTROPHES_AND_ACCENTS.sub("", text))
    return _NOT_WORD.sub(" ", text).split()


class _Memo(dict[str, str]):
    """Memoises a function of a word; a hit is a plain dict lookup (the hot path runs once per
    word of every message). Emptied when it grows large, so odd words cannot fill memory."""

    def __init__(self, function: Callable[[str], str], limit: int = 50_000) -> None:
        super().__init__()
        self.function = function
        self.limit = limit

    def __missing__(self, word: str) -> str:
        if len(self) >= self.limit:
            self.clear()
        value = self[word] = self.function(word)
        return value


def _spell_out(token: str) -> str:
    known = _TEXT_SPEAK.get(token)
    if known is None and _LONG_RUN.search(token):  # "plzzz", "wannaaa"
        known = _TEXT_SPEAK.get(_LONG_RUN.sub(r"\1", token)) or _TEXT_SPEAK.get(
            _LONG_RUN.sub(r"\1\1", token)
        )
    return token if known is None else known


_SPELLED_OUT = _Memo(_spell_out)
_UNDOUBLED = _Memo(lambda word: _DOUBLED_LETTER.sub(r"\1", word))


def _join(match: re.Match[str]) -> str:
    return match.group().replace(" ", "")


def normalise(text: str) -> str:
    """The words of ``text``, folded and with text-speak spelled out: "WON'T let me leave!!"
    becomes "will not let me leave", "hes hittin me n im scared" becomes "he is hitting me and
    i am scared"."""
    spelled = _SPELLED_OUT
    normalised = " ".join([spelled[token] for token in _folded_words(text)])
    if any(pair in normalised for pair in _JOINED_PAIRS):
        normalised = _JOINS.sub(_join, normalised)
    return normalised


def _matching_words(normalised: str) -> list[str]:
    """The words as matched: doubled letters made single ("stabbed" and "stabed" read "stabed")."""
    undoubled = _UNDOUBLED
    return [undoubled[word] for word in normalised.split()]


class _Node:
    __slots__ = ("next", "prefixes", "phrases")

    def __init__(self) -> None:
        self.next: dict[str, _Node] = {}
        # Wildcard words, by the length of their prefix: {3: {"sui": node}}.
        self.prefixes: dict[int, dict[str, _Node]] = {}
        self.phrases: list[str] = []


def _phrase_words(phrase: str) -> list[tuple[str, bool]]:
    """The words to match for ``phrase``, each with whether it is a prefix (``word*``).

    A wildcard word is only folded, not spelled out (it is the start of a word, not a word); a
    ``*`` on its own stands for any one word.
    """
    words: list[tuple[str, bool]] = []
    plain: list[str] = []

    def flush() -> None:
        words.extend((word, False) for word in _matching_words(normalise(" ".join(plain))))
        plain.clear()

    for part in phrase.split():
        if not part.endswith("*"):
            plain.append(part)
            continue
        flush()
        stem = _matching_words(" ".join(_folded_words(part.rstrip("*"))))
        words.extend((word, False) for word in stem[:-1])
        words.append((stem[-1] if stem else "", True))
    flush()
    return words


class PhraseList:
    """Phrases to look for in messages, compiled once into a word trie.

    ``matches`` walks the message's words once from each word, so the time grows with the
    length of the message and the length of the phrases, not with how many phrases there are.
    """

    def __init__(self, phrases: Iterable[str]) -> None:
        self._root = _Node()
        self.phrases: tuple[str, ...] = ()
        kept: list[str] = []
        for phrase in phrases:
            words = _phrase_words(phrase)
            if not any(word for word, _ in words):  # empty, blank or only wildcards
                continue
            node = self._root
            for word, is_prefix in words:
                if is_prefix:
                    by_prefix = node.prefixes.setdefault(len(word), {})
                    node = by_prefix.setdefault(word, _Node())
                else:
                    node = node.next.setdefault(word, _Node())
            if phrase not in node.phrases:
                node.phrases.append(phrase)
                kept.append(phrase)
        self.phrases = tuple(kept)
        self._first_prefixes = tuple(
            prefix for by_prefix in self._root.prefixes.values() for prefix in by_prefix
        )

    def __len__(self) -> int:
        return len(self.phrases)

    def __repr__(self) -> str:
        return f"PhraseList({len(self.phrases)} phrases)"

    def matches(self, text: str) -> list[str]:
        """The phrases (as given) found in ``text``, each once: in the order they start in the
        text, the shorter first when two start at the same word."""
        words = _matching_words(normalise(text))
        root = self._root
        # Most messages share no word with any phrase's first word: a set intersection (fast,
        # in C) settles those before any walking.
        firsts = root.next.keys() & words
        if self._first_prefixes:
            prefixes = self._first_prefixes
            starts = [
                at for at, word in enumerate(words) if word in firsts or word.startswith(prefixes)
            ]
        elif firsts:
            starts = [at for at, word in enumerate(words) if word in firsts]
        else:
            return []
        found: dict[str, None] = {}
        for start in starts:
            ending_here: list[tuple[int, str]] = []  # (where the phrase ends, the phrase)
            pending = [(root, start)]
            while pending:
                node, at = pending.pop()
                ending_here.extend((at, phrase) for phrase in node.phrases)
                if at == len(words):
                    continue
                word = words[at]
                following = node.next.get(word)
                if following is not None:
                    pending.append((following, at + 1))
                for length, by_prefix in node.prefixes.items():
                    following = by_prefix.get(word[:length])
                    if following is not None:
                        pending.append((following, at + 1))
            for _, phrase in sorted(ending_here, key=lambda ending: ending[0]):
                found.setdefault(phrase)
        return list(found)

    def alerts(self, text: str) -> bool:
        """Whether ``text`` should raise a safeguarding alert."""
        return bool(self.matches(text))


_DEFAULT: PhraseList | None = None


def default_phrase_list() -> PhraseList:
    """The shipped phrases, compiled once and shared (a ``PhraseList`` is never changed)."""
    global _DEFAULT
    if _DEFAULT is None:
        _DEFAULT = PhraseList(DEFAULT_PHRASES)
    return _DEFAULT


# Testing a phrase list before it is saved ---------------------------------------------------

DEFAULT_SHOULD_ALERT: tuple[str, ...] = (
    "hes been hittin me n im scared 2 go home",
    "he made me send pics",
    "my mate is carrying a knife to school",
    "i wanna kms",
    "someone keeps following me home",
    "im in danger",
)
DEFAULT_SHOULD_NOT_ALERT: tuple[str, ...] = (
    "KNIFE",
    "how do i help my friend",
    "I killed it in my exam",
    "i'm stressed about exams",
    "what does the law say about knife crime",
    "skill myself up",
)
# Messages young people send every day; a sound list alerts on none of them.
EVERYDAY_MESSAGES: tuple[str, ...] = (
    "hi",
    "hello",
    "yes",
    "no",
    "ok",
    "ok thanks",
    "thank you",
    "1",
    "2",
    "what is this",
    "how does this work",
    "who are you",
    "is this free",
    "can you send that again",
    "i dont know",
    "maybe",
    "not sure",
    "lol",
    "my friend is ok now",
    "i want to help my friend",
    "what are the signs",
    "school was fine today",
    "see you later",
    "bye",
    "i have an exam tomorrow",
    "can i talk to someone",
    "what do i do now",
    "good thanks how are you",
)
TOO_BROAD_SHARE = 0.2  # alerting on a fifth of everyday messages means alerting on everything


@dataclass(frozen=True)
class PhraseListCheck:
    """How a phrase list does on its test set and on everyday messages."""

    missed: list[str]  # should alert, but would not
    false_alarms: list[tuple[str, list[str]]]  # should not alert, but would (and why)
    everyday_alarms: list[tuple[str, list[str]]]
    phrases: int

    @property
    def too_broad(self) -> bool:
        return len(self.everyday_alarms) >= TOO_BROAD_SHARE * len(EVERYDAY_MESSAGES)

    @property
    def passes(self) -> bool:
        return not (self.missed or self.false_alarms or self.too_broad)


def check_phrase_list(
    phrases: Iterable[str], should_alert: Iterable[str], should_not_alert: Iterable[str]
) -> PhraseListCheck:
    compiled = PhraseList(phrases)
    false_alarms = [(text, found) for text in should_not_alert if (found := compiled.matches(text))]
    everyday = [(text, found) for text in EVERYDAY_MESSAGES if (found := compiled.matches(text))]
    return PhraseListCheck(
        missed=[text for text in should_alert if not compiled.alerts(text)],
        false_alarms=false_alarms,
        everyday_alarms=everyday,
        phrases=len(compiled),
    )
