"""The detector in Spanish and Portuguese, and the "not screened" safety net for any language it
cannot screen alone: plain functions over the shipped rules, vocabularies and corpus."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from changemakers.safeguarding import (
    HELD_OUT,
    NOT_SCREENED,
    SCREENED_LANGUAGES,
    TUNE,
    CorpusError,
    RulesError,
    compile_rules,
    evaluate,
    load_rules,
    normalise_language,
    read_corpus,
    report,
    report_by_language,
    select,
    shipped_corpus,
    shipped_detector,
    shipped_rules_text,
)
from changemakers.safeguarding.language import lemma

SHIPPED_LANGUAGES = ("es", "pt")
# What the Spanish and Portuguese rules must keep on the messages held out from their tuning
# (docs/safeguarding.md): all 21 disclosures and no false alert in 12 harmless messages when
# they were written, but written in the same sitting as those tuned on. Messages written later
# were caught about half the time: neither language is screened alone.
HELD_OUT_RECALL_FLOOR = 0.9
HELD_OUT_FALSE_ALERTS_CEILING = 0.1


@pytest.fixture(scope="module")
def detector():
    return shipped_detector()


@pytest.fixture(scope="module")
def corpus():
    return shipped_corpus()


@pytest.mark.parametrize("language", SHIPPED_LANGUAGES)
def test_each_shipped_language_has_a_corpus_marked_for_a_native_speakers_review(
    detector, corpus, language
):
    examples = select(corpus, language)
    assert len(examples) >= 50
    assert all(example.needs_native_review for example in examples)
    assert {example.label for example in examples} == {*detector.categories, "none"}
    assert {example.part for example in examples} == {TUNE, HELD_OUT}
    held_out = select(examples, part=HELD_OUT)
    assert sum(example.is_disclosure for example in held_out) >= 20
    assert sum(not example.is_disclosure for example in held_out) >= 10


@pytest.mark.parametrize("language", SHIPPED_LANGUAGES)
def test_held_out_messages_meet_the_recall_floor_the_docs_state(detector, corpus, language):
    held_out = evaluate(detector, select(corpus, language, HELD_OUT))
    lines = "\n".join(report(held_out))
    assert held_out.recall >= HELD_OUT_RECALL_FLOOR, lines
    assert held_out.false_alert_rate <= HELD_OUT_FALSE_ALERTS_CEILING, lines
    assert held_out.category_agreement() >= 0.9, lines


def test_a_language_is_screened_alone_only_once_a_native_speaker_reviewed_its_corpus(
    detector, corpus
):
    """The registry is honest: rules and a corpus written by someone who does not speak the
    language natively never screen it alone, whatever their figures (English, written by
    native speakers, is held to its promise by ``test_safeguarding``)."""
    assert "en" in SCREENED_LANGUAGES
    for language in detector.languages:
        awaiting = [example for example in select(corpus, language) if example.needs_native_review]
        assert (language in detector.screened) == (not awaiting), language
        held_out = select(corpus, language, HELD_OUT)
        if language in detector.screened and held_out:
            assert evaluate(detector, held_out).recall >= HELD_OUT_RECALL_FLOOR, language


@pytest.mark.parametrize(
    ("language", "text", "category"),
    [
        ("es", "me quiero matar ya no puedo mas", "self_harm"),
        ("es", "Me corté los brazos otra vez", "self_harm"),
        ("es", "mi padrastro entra en mi cuarto x la noche y me toca", "sexual_abuse"),
        ("es", "dice q me va a matar si se lo cuento a alguien", "threat"),
        ("es", "hay un chaval q lleva un cuchillo en la mochila", "violence"),
        ("pt", "eu quero me matar nao aguento mais", "self_harm"),
        (
            "pt",
            "vc sabe, ele ameaçou vazar meus nudes se eu nao mandar mais",
            "online_sexual_exploitation",
        ),
        ("pt", "nao tem comida em casa faz dias", "neglect"),
        ("pt", "pegaram meu passaporte pra eu casar a força", "fgm_forced_marriage"),
        ("pt-BR", "to trancada numa casa e nao me deixam sair", "other_danger"),
    ],
)
def test_disclosures_in_spanish_and_portuguese_alert_with_a_category(
    detector, language, text, category
):
    verdict = detector.check(text, language=language)
    assert verdict.alert and verdict.screened and verdict.category == category
    assert verdict.reasons and all(":" in reason for reason in verdict.reasons)


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("es", "mi madre me va a matar si llego tarde"),
        ("es", "me corte el pelo y me queda fatal"),
        ("es", "lei en las noticias q apuñalaron a un chico en peckham"),
        ("pt", "to morrendo de rir com esse video kkkk"),
        ("pt", "cortei o bolo de aniversario da minha irma"),
    ],
)
def test_harmless_messages_sharing_the_words_are_not_caught_by_the_rules(detector, language, text):
    assert not detector.check_rules(text, language)


def test_a_language_not_screened_alone_alerts_on_every_free_text_its_rules_miss(detector):
    assert "es" not in detector.screened and "pt" not in detector.screened
    caught = detector.check("me quiero matar", language="es")
    assert caught.category == "self_harm" and caught.screened
    harmless = detector.check("hola, q tal el finde?", language="es")
    assert harmless.alert and not harmless.screened and harmless.category == NOT_SCREENED
    assert harmless.reasons[0].startswith("not screened: language Spanish (español)")
    assert not detector.check("2", language="pt")  # an option's number is not free text
    assert not detector.check("👍", language="pt")


@pytest.mark.parametrize("language", ["fr", "pl", "so", "ar", "tr-TR"])
def test_an_unscreened_languages_free_text_raises_an_alert(detector, language):
    verdict = detector.check("je ne sais pas quoi faire", language=language)
    assert verdict.alert and not verdict.screened and verdict.category == NOT_SCREENED
    code = normalise_language(language)
    assert verdict.reasons == (
        f"not screened: language {code}. The detector cannot screen texts in this language, "
        "so a person must read every one.",
    )
    assert not detector.check("   ", language=language)


def test_english_stays_the_default_and_is_screened(detector):
    assert detector.check("i want to kill myself").category == "self_harm"
    assert not detector.check("hola, q tal?")  # read as English: nothing in it
    assert detector.check("i want to kill myself", language=None).category == "self_harm"
    assert normalise_language("pt-BR") == normalise_language(" PT ") == "pt"
    assert normalise_language("") == normalise_language(None) == "en"
    assert normalise_language("1!") == normalise_language("<b>") == "und"
    assert (
        detector.check("hola", language="<b>")
        .reasons[0]
        .startswith("not screened: language undetermined (und).")
    )


@pytest.mark.parametrize("language", ["es", "pt", "fr"])
def test_english_written_by_someone_who_chose_another_language_is_still_read(detector, language):
    """Young people switch between their languages: the English rules read every text."""
    verdict = detector.check("he has a knife and says he will stab me tonight", language)
    assert verdict.screened and verdict.category == "threat"
    assert verdict.severity == "immediate"
    mixed = detector.check("me quiero matar, i cant do this anymore", "es")
    assert mixed.screened and mixed.category == "self_harm"


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=800), st.sampled_from(["es", "pt", "fr", "es-MX", "", "x" * 30]))
def test_any_text_in_any_language_gets_a_verdict(text, language):
    verdict = shipped_detector().check(text, language=language)
    assert verdict.alert in (True, False)


@pytest.mark.parametrize("language", SHIPPED_LANGUAGES)
@pytest.mark.parametrize(
    "text", ["", "   \n\t", "😀😀🔥", "ñ" * 1600, "ÀÉÎÕÜ çãõ", "я в опасности", "¿¡...!?"]
)
def test_odd_messages_in_each_language_get_a_verdict_never_an_error(detector, language, text):
    assert detector.check(text, language=language).alert in (True, False)
    assert detector.check_rules(text, language).alert in (True, False)


def test_text_speak_accents_and_lemmas_are_read_per_language(detector):
    spanish = detector.rules_for("es").reader
    words = spanish.read("xq tb kiero")
    assert "porque" in words[0].forms and "tambien" in words[1].forms
    assert "querer" in words[2].forms
    assert lemma("corté", "es") == lemma("cortando", "es") == "cortar"
    portuguese = detector.rules_for("pt").reader
    words = portuguese.read("vc pq tb ameaçou ameacou")
    assert "voce" in words[0].forms and "porque" in words[1].forms
    assert "tambem" in words[2].forms
    assert "ameacar" in words[3].forms
    assert detector.check("ele me ameacou dizendo q vai me matar se eu contar", "pt").alert


def test_a_proposal_holds_every_languages_rules_and_says_where_one_is_wrong():
    shipped = shipped_rules_text()
    assert "\nlanguages:" in shipped and "\n  es:" in shipped and "\n  pt:" in shipped
    unknown = (
        shipped
        + "  fr:\n    concepts: {a: [b]}\n    rules: [{name: x, category: threat, all: [a]}]\n"
    )
    with pytest.raises(RulesError, match="cannot read 'fr'"):
        compile_rules(unknown)
    english, spanish_on = shipped.split("\n  es:")
    broken = english + "\n  es:" + spanish_on.replace("all: [no_food]", "all: [no_fod]", 1)
    with pytest.raises(RulesError, match=r"In the Spanish \(español\) rules: .*no_fod"):
        compile_rules(broken)


def test_rules_in_force_that_fail_in_one_language_leave_it_to_the_safety_net():
    """Rules in force compile each other language when a text in it first comes: should one
    fail after all (say an upgrade changed how it reads), its texts alert as not screened."""
    english, spanish_on = shipped_rules_text().split("\n  es:")
    broken = english + "\n  es:" + spanish_on.replace("all: [no_food]", "all: [no_fod]", 1)
    detector = load_rules(broken)
    assert detector.check("i want to kill myself").category == "self_harm"
    verdict = detector.check("me quiero matar", "es")
    assert verdict.category == NOT_SCREENED and not verdict.screened
    assert detector.check("eu quero me matar", "pt").category == "self_harm"


def test_rules_compiled_at_once_or_when_needed_hold_the_same_languages():
    text = shipped_rules_text()
    assert compile_rules(text).languages == load_rules(text).languages == ("en", "es", "pt")


def test_rules_without_a_language_leave_it_to_the_safety_net():
    english_only = shipped_rules_text().split("\nlanguages:")[0]
    detector = compile_rules(english_only)
    assert detector.languages == ("en",)
    assert not detector.check_rules("me quiero matar", "es")
    verdict = detector.check("me quiero matar", "es")
    assert verdict.category == NOT_SCREENED and not verdict.screened


def test_a_corpus_line_carries_its_language_part_and_review_note():
    lines = [
        "self_harm\tme quiero matar\tes\theld-out\tnative review needed",
        "none\thola\tes\ttune\tnative review needed",
        "self_harm\ti want to die",
    ]
    spanish, hello, english = read_corpus(lines, ["self_harm"])
    assert (spanish.language, spanish.part, spanish.needs_native_review) == ("es", HELD_OUT, True)
    assert (english.language, english.part, english.needs_native_review) == ("en", "", False)
    assert select([spanish, hello, english], "es", HELD_OUT) == [spanish]
    for bad, says in [
        ("none\thola\tes\tlater", "unknown part 'later'"),
        ("none\thola\t12\ttune", "'12' is not a language code"),
        ("none\thola\tes\ttune\tchecked", "review note"),
        ("none\thola\tes\ttune\tnative review needed\textra", "at most"),
    ]:
        with pytest.raises(CorpusError, match=says):
            read_corpus([bad], ["self_harm"])


def test_the_report_gives_each_language_apart_and_marks_lines_to_review(detector):
    examples = read_corpus(
        [
            "self_harm\ti want to kill myself",
            "neglect\ttodo bien\tes\theld-out\tnative review needed",
            "none\tme quiero matar\tes\ttune\tnative review needed",
        ],
        detector.categories,
    )
    lines = report_by_language(evaluate(detector, examples))
    assert lines[0] == "== English =="
    assert "== Spanish (español) ==" in lines
    assert "MISSED* neglect line 2: todo bien" in lines
    assert any(line.startswith("FALSE ALERT* line 3: me quiero matar") for line in lines)
    assert "2 of 2 messages need a native speaker's review" in " ".join(lines)
