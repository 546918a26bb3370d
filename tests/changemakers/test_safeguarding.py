"""The safeguarding phrase list: plain functions, no app."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from changemakers.safeguarding import (
    DEFAULT_PHRASES,
    PhraseList,
    default_phrase_list,
    normalise,
)

SHOULD_ALERT = [
    ("hes been hittin me n im scared 2 go home", "scared to go home"),
    ("hes been hittin me n im scared 2 go home", "hitting me"),
    ("my mate got stabbed", "stabbed"),
    ("i wanna kms", "kill myself"),
    ("WON'T LET ME LEAVE", "won't let me leave"),
    ("he made me send pics", "he made me"),
    ("im in danger!!", "in danger"),
    ("I'm in DANGER", "in danger"),
    ("i want to kill my self", "kill myself"),
    ("KILL MYSELF", "kill myself"),
    ("kill myselfff", "kill myself"),
    ("i just want to die", "want to die"),
    ("i wanna die", "want to die"),
    ("i dont wanna be alive anymore", "don't want to be alive"),
    ("i cant go on like this", "can't go on"),
    ("feeling sucidal tonight", "suicid*"),
    ("having suicidal thoughts", "suicid*"),
    ("been self-harming again", "self harm*"),
    ("i selfharm", "self harm*"),
    ("i cut myself last night", "cut myself"),
    ("i took an overdose", "overdos*"),
    ("ur better off without me", "better off without me"),
    ("everyone would be better off if i was dead, better off dead", "better off dead"),
    ("i just wanna end it all", "end it all"),
    ("hes got a knife", "got a knife"),
    ("my brother is carrying a knife", "carrying a knife"),
    ("he pulled a knife on me", "pulled a knife"),
    ("i've been stabed", "stabbed"),
    ("my cousin got shot last week", "got shot"),
    ("he has a gun", "has a gun"),
    ("they had a machete", "machete"),
    ("my stepdad touched me", "touched me"),
    ("they made me do stuff i didnt want", "they made me"),
    ("he keeps asking me to send nudes", "send nudes"),
    ("she was raped", "raped"),
    ("my bf hits me", "hits me"),
    ("my dad beats me", "beats me"),
    ("my mum's boyfriend threatened me", "threatened me"),
    ("they wont let me out of the house", "won't let me out"),
    ("someone is following me home im skared", "is following me"),
    ("I feel unsafe at home", "unsafe"),
    ("im not safe here", "not safe"),
    ("i dont feel safe", "don't feel safe"),
    ("pls help me", "help me"),
    ("plzzz help me!!!", "help me"),
    ("they make me run drugs", "run drugs"),
    ("i owe them money and theyre threatening me", "owe them money"),
    ("got sent out of town, county lines", "county lines"),
    ("im being made to sell", "made to sell"),
    ("Ｉ ｗａｎｔ ｔｏ ｋｉｌｌ ｍｙｓｅｌｆ", "kill myself"),
    ("I’m scared to go home", "scared to go home"),
    ("i'm SCARED to go home tonite 😢", "scared to go home"),
    ("wish i was dead", "wish i was dead"),
]

SHOULD_NOT_ALERT = [
    "KNIFE",
    "knife",
    "Knife?",
    " knife ",
    "FRIEND",
    "friend",
    "STOP",
    "HELP",
    "help",
    "what are the signs",
    "I killed it in my exam",
    "this game is sick",
    "i'm stressed about exams",
    "how do i help my friend",
    "skill myself up",
    "I want to skill myself up",
    "what does the law say about knife crime",
    "is it illegal to carry a penknife",
    "i saw a film with a gun in it",
    "I cut my finger on paper",
    "this song is killing it",
    "my mum will kill me if i fail",
    "i had a shot at it",
    "i dyed my hair",
    "is it normal to feel sad sometimes",
    "can i talk to someone",
    "I'm 14 and in year 9",
    "it happened 2 or 3 times",
    "stabbedx",
    "that lesson was brutal",
    "my friends are the best",
    "thanks for the info",
    "",
    "   ",
    "!!!",
]


@pytest.mark.parametrize(("text", "phrase"), SHOULD_ALERT)
def test_realistic_messages_alert_and_report_the_phrase(text, phrase):
    phrases = default_phrase_list()
    assert phrases.alerts(text)
    assert phrase in phrases.matches(text)


@pytest.mark.parametrize("text", SHOULD_NOT_ALERT)
def test_everyday_messages_and_keywords_do_not_alert(text):
    phrases = default_phrase_list()
    assert phrases.matches(text) == []
    assert not phrases.alerts(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("WON'T let me leave!!", "will not let me leave"),
        ("wont let me leave", "will not let me leave"),
        ("I'm OK", "i am ok"),
        ("I’m OK", "i am ok"),
        ("i've", "i have"),
        ("dont", "do not"),
        ("can't", "cannot"),
        ("can not", "cannot"),
        ("u r my m8", "you are my mate"),
        ("ur mum", "your mum"),
        (
            "hes been hittin me n im scared 2 go home",
            "he is been hitting me and i am scared to go home",
        ),
        ("shes ok, theyre fine", "she is ok they are fine"),
        ("wanna gonna", "want to going to"),
        ("pls plz", "please please"),
        ("plzzz", "please"),
        ("bf gf", "boyfriend girlfriend"),
        ("2day", "today"),
        ("i wanna kms", "i want to kill myself"),
        ("skared scard", "scared scared"),
        ("wiv wid dat", "with with that"),
        ("cuz coz cos", "because because because"),
        ("ppl", "people"),
        ("killin hurtin", "killing hurting"),
        ("stabed", "stabbed"),
        ("selfharm", "self harm"),
        ("self-harm", "self harm"),
        ("sucidal suicdal", "suicidal suicidal"),
        ("kill my self", "kill myself"),
        ("Café naïve", "cafe naive"),
        ("ＦＵＬＬＷＩＤＴＨ", "fullwidth"),
        ("  lots   of\tspace \n", "lots of space"),
        ("emoji😢in—between", "emoji in between"),
        ("snake_case-and.dots", "snake case and dots"),
        ("MiXeD CaSe", "mixed case"),
        ("year 9", "year 9"),
        ("", ""),
        ("!!!", ""),
    ],
)
def test_normalise(text, expected):
    assert normalise(text) == expected


@pytest.mark.parametrize(
    "text",
    ["wont let me leave", "WON'T let me leave!!", "will not let me leave", "won’t let me leave"],
)
def test_phrases_are_normalised_the_same_way_as_messages(text):
    assert PhraseList(["won't let me leave"]).matches(text) == ["won't let me leave"]


@pytest.mark.parametrize(
    ("phrase", "text", "matched"),
    [
        ("in danger", "im in danger!!", True),
        ("in danger", "in dangerous places", False),
        ("kill myself", "skill myself up", False),
        ("kill myself", "i will kill myself", True),
        ("stabbed", "stabbedx", False),
        ("stabbed", "xstabbed", False),
        ("stabbed", "he got STABBED.", True),
        ("my self", "myself", True),
    ],
)
def test_phrases_match_whole_words_only(phrase, text, matched):
    assert PhraseList([phrase]).alerts(text) is matched


@pytest.mark.parametrize(
    ("phrase", "text", "matched"),
    [
        ("stab*", "stabbing", True),
        ("stab*", "stabbed", True),
        ("stab*", "stab", True),
        ("stab*", "HE STABBED HIM!!", True),
        ("stab*", "unstable", False),
        ("stab*", "establish", False),
        ("self harm*", "self harming", True),
        ("self harm*", "self-harmed", True),
        ("self harm*", "self", False),
        ("self harm*", "harming myself", False),
        ("threat* me", "they threatened me", True),
        ("threat* me", "threatening me", True),
        ("threat* me", "threatened him", False),
        ("* hit me", "dad hit me", True),
        ("* hit me", "hit me", False),
        ("suicid*", "Suicidal", True),
        ("suicid*", "sucidal", True),
    ],
)
def test_a_word_ending_in_a_star_matches_as_a_prefix(phrase, text, matched):
    assert PhraseList([phrase]).alerts(text) is matched


def test_matches_reports_each_phrase_as_given_once_in_order():
    phrases = PhraseList(["Kill Myself", "in danger", "WON'T LET ME LEAVE", "absent phrase"])
    text = "im in danger, he wont let me leave. i want to kill myself. kill myself"
    assert phrases.matches(text) == ["in danger", "WON'T LET ME LEAVE", "Kill Myself"]


def test_overlapping_phrases_are_all_reported():
    phrases = PhraseList(["kill myself", "want to kill myself", "want to"])
    assert phrases.matches("i wanna kms") == ["want to", "want to kill myself", "kill myself"]


def test_two_spellings_of_one_phrase_are_both_reported():
    phrases = PhraseList(["won't let me leave", "will not let me leave", "won't let me leave"])
    assert phrases.phrases == ("won't let me leave", "will not let me leave")
    assert phrases.matches("WONT LET ME LEAVE") == ["won't let me leave", "will not let me leave"]


def test_empty_and_whitespace_only_phrases_are_ignored():
    phrases = PhraseList(["", "   ", "\n\t", "*", "!!!", "help me"])
    assert phrases.phrases == ("help me",)
    assert len(phrases) == 1
    assert phrases.matches("") == []
    assert not phrases.alerts("anything at all")
    assert PhraseList([]).matches("kill myself") == []


def test_a_phrase_list_takes_any_iterable():
    phrases = PhraseList(phrase for phrase in ["in danger"])
    assert phrases.alerts("in danger")


def test_the_default_list_has_no_over_broad_single_words():
    broad = {"knife", "gun", "help", "die", "cut", "kill", "friend", "hurt", "hit", "scared"}
    single_words = {phrase for phrase in DEFAULT_PHRASES if " " not in phrase}
    assert not single_words & broad
    assert all(phrase.strip() == phrase and phrase for phrase in DEFAULT_PHRASES)
    assert len(set(DEFAULT_PHRASES)) == len(DEFAULT_PHRASES)


@pytest.mark.parametrize("phrase", DEFAULT_PHRASES)
def test_every_default_phrase_fires_on_itself(phrase):
    assert phrase in default_phrase_list().matches(f"today {phrase.replace('*', '')} really")


def test_the_default_list_is_compiled_once():
    assert default_phrase_list() is default_phrase_list()
    assert len(default_phrase_list()) == len(DEFAULT_PHRASES)


def test_a_long_list_against_a_long_message():
    many = [f"phrase number {i} here" for i in range(300)] + [f"pre{i}*" for i in range(50)]
    phrases = PhraseList([*DEFAULT_PHRASES, *many])
    message = "so worried about school and my friends and exams " * 20
    assert phrases.matches(message) == []
    message += " phrase number 299 here and pre7fix and i am in danger"
    assert phrases.matches(message) == ["phrase number 299 here", "pre7*", "in danger"]


@pytest.mark.parametrize(
    "text", ["a " * 5000, "kill " * 3000, "x" * 20000, "😢" * 5000, "’" * 5000]
)
def test_long_messages_are_handled(text):
    assert default_phrase_list().matches(text) == []


FILLER = st.lists(
    st.sampled_from(["today", "really", "and", "then", "school", "ok", "so", "at", "night", "lol"]),
    max_size=8,
).map(" ".join)


@settings(max_examples=200)
@given(FILLER, st.sampled_from(DEFAULT_PHRASES), FILLER, st.booleans())
def test_a_default_phrase_fires_whatever_the_words_and_case_around_it(before, phrase, after, upper):
    text = f"{before} {phrase.replace('*', '')}!! {after}"
    assert phrase in default_phrase_list().matches(text.upper() if upper else text)


@given(st.text(max_size=200))
def test_normalise_is_idempotent_and_gives_lower_case_words(text):
    normalised = normalise(text)
    assert normalise(normalised) == normalised
    assert normalised == normalised.strip()
    assert "  " not in normalised
    assert all(word.isalnum() for word in normalised.split())
