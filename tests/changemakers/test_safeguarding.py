"""The disclosure detector: plain functions over the shipped rules, vocabulary and corpus."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from changemakers import safeguarding
from changemakers.safeguarding import (
    CONCERN,
    IMMEDIATE,
    CorpusError,
    RulesError,
    compile_rules,
    evaluate,
    read_corpus,
    report,
    select,
    shipped_corpus,
    shipped_detector,
    shipped_rules_text,
)
from changemakers.safeguarding.language import lemma

MINIMAL_RULES = """
categories: {self_harm: Self-harm}
concepts:
  harm: [cut myself, "hurt|harm myself"]
  lesson: [lesson]
  personal: [to me]
quiet:
  - {name: a lesson, when: [lesson], unless: [personal]}
rules:
  - {name: self-harm, category: self_harm, all: [harm]}
"""


@pytest.fixture(scope="module")
def detector():
    return shipped_detector()


def test_the_shipped_detector_holds_its_corpus(detector):
    """The promise reviewers rely on in English: recall of at least 98 % over every category, and
    at most 3 % false alerts on harmless messages that share their words."""
    evaluation = evaluate(detector, select(shipped_corpus(), "en"))
    assert len(evaluation.disclosures) >= 200 and len(evaluation.harmless) >= 200
    assert evaluation.recall >= 0.98, "\n".join(report(evaluation))
    assert evaluation.false_alert_rate <= 0.03, "\n".join(report(evaluation))
    assert set(evaluation.recall_by_category()) == set(detector.categories)


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("IM BEING ABUSED", "sexual_abuse"),
        ("started doing the thing with the razor again", "self_harm"),
        ("i took like 20 paracetamol an hour ago", "self_harm"),
        ("he said hell kill me if i tell anyone", "threat"),
        ("my ex says hell put my pics on snap if i dont send more", "online_sexual_exploitation"),
        ("gave me a phone n now says i owe him n gotta do runs", "criminal_exploitation"),
        ("my friend aint been home for 3 days and her phones off", "missing"),
        ("theres no food at home again", "neglect"),
        ("my dad locks me in my room", "other_danger"),
        ("hes got a shank in his bag", "violence"),
    ],
)
def test_disclosures_in_young_peoples_words_alert_with_a_category(detector, text, category):
    verdict = detector.check(text)
    assert verdict.alert and verdict.category == category
    assert verdict.reasons and all(":" in reason for reason in verdict.reasons)


@pytest.mark.parametrize(
    "text",
    [
        "we did a lesson on county lines in pshe today",
        "im dead 😂",
        "this track murders",
        "bored to death in maths",
        "got stabbed in gta lol",
        "need a new phone charger plug",
        "KNIFE",
        "what does grooming mean",
    ],
)
def test_harmless_messages_that_share_the_words_stay_quiet(detector, text):
    assert not detector.check(text)


def test_a_lesson_stays_quiet_unless_it_is_happening_to_them(detector):
    assert not detector.check("in pshe we learnt about people who cut themselves")
    assert detector.check("after the pshe lesson i realised what he does to me is abuse")


@pytest.mark.parametrize(
    ("text", "severity"),
    [
        ("i took a whole box of tablets", IMMEDIATE),
        ("hes outside with a knife right now", IMMEDIATE),
        ("im bleeding he cut me", IMMEDIATE),
        ("i cut myself last week", CONCERN),
        ("my mate keeps getting sent to norfolk to sell for the olders", CONCERN),
    ],
)
def test_severity_marks_immediate_danger(detector, text, severity):
    assert detector.check(text).severity == severity


def test_text_speak_misspelling_and_lemmas_are_read_as_meant(detector):
    for text in ("feeling sucidal", "i wanna kms", "SUICIDAL", "suicidal!!!", "suuuicidal"):
        assert detector.check(text).category == "self_harm", text
    assert lemma("cutting") == lemma("cuts") == lemma("cut") == "cut"
    words = detector.reader.read("hes hittin me wiv a belt")
    assert [word.typed for word in words][:3] == ["hes", "hes", "hittin"]
    assert "hit" in words[2].forms and "with" in words[4].forms


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=1600))
def test_any_text_gets_a_verdict(text):
    verdict = shipped_detector().check(text)
    assert verdict.alert in (True, False)


@pytest.mark.parametrize(
    "text", ["", "   \n\t", "😀😀🔥", "x" * 1600, "я в опасности", "أنا في خطر", "我很害怕"]
)
def test_odd_messages_get_a_verdict_never_an_error(detector, text):
    assert detector.check(text).alert in (True, False)


def test_a_long_message_is_still_read_to_its_end(detector):
    assert detector.check("hi " * 500 + "i want to kill myself").alert


def test_reviewers_rules_compile_and_quiet_contexts_work():
    rules = compile_rules(MINIMAL_RULES)
    assert rules.check("i hurt myself").category == "self_harm"
    assert not rules.check("a lesson on people who hurt myself")
    assert rules.check("in the lesson i said it happens to me i hurt myself")


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("categories: [", "cannot be read at line"),
        ("- just a list", "must be sections"),
        (MINIMAL_RULES.replace("all: [harm]", "all: [nothing]"), "unknown concept 'nothing'"),
        (MINIMAL_RULES.replace("category: self_harm, all", "category: nope, all"), "category"),
        (MINIMAL_RULES.replace('"hurt|harm myself"', '"@harm again"'), "circle"),
        (MINIMAL_RULES.replace("cut myself", "... cut"), "cannot start"),
        (MINIMAL_RULES.replace("cut myself", '"@missing"'), "unknown concept @missing"),
    ],
)
def test_rules_that_cannot_be_used_say_why(text, says):
    with pytest.raises(RulesError, match=says):
        compile_rules(text)


def test_the_shipped_rules_parse_as_reviewers_see_them():
    rules = safeguarding.parse_rules(shipped_rules_text())
    assert {"categories", "concepts", "idioms", "quiet", "rules"} <= set(rules)


def test_a_corpus_line_that_cannot_be_read_is_named():
    with pytest.raises(CorpusError, match="line 2: unknown label 'oops'"):
        read_corpus(["none\thello", "oops\thi"], ["self_harm"])
    with pytest.raises(CorpusError, match="line 1: write the label, a tab"):
        read_corpus(["self_harm i hurt myself"], ["self_harm"])


def test_the_report_names_recall_false_alerts_and_every_miss():
    rules = compile_rules(MINIMAL_RULES)
    examples = read_corpus(
        ["# a comment", "self_harm\ti hurt myself", "self_harm\ti feel awful", "none\thello"],
        rules.categories,
    )
    lines = report(evaluate(rules, examples))
    assert lines[0] == "recall 50.0% (1 of 2 disclosures)"
    assert "  self_harm                     50.0%  (1 of 2)" in lines
    assert "false alerts 0.0% (0 of 1 harmless messages)" in lines
    assert "MISSED self_harm line 3: i feel awful" in lines
