"""The web survey in another language: a switch on every page (links, no script needed), the
page's ``lang``, English marked where a text has no translation, and only the language's code
kept with the response."""

from __future__ import annotations

import re

import pytest

from surveys import services
from tests.messages.test_languages import SURVEY_IN_SPANISH
from tests.support.surveys import released_responses
from tests.surveys.test_web import URL, answer, send, start


@pytest.fixture
def in_spanish(db_session):
    return services.load_published(SURVEY_IN_SPANISH)


def page(client, path=URL) -> str:
    return client.get(path).get_data(as_text=True)


def html_lang(text: str) -> str:
    found = re.search(r'<html lang="([^"]+)">', text)
    assert found is not None
    return found.group(1)


def test_every_page_offers_each_language_in_its_own_words(client, in_spanish):
    text = page(client)
    assert html_lang(text) == "en-GB"
    assert 'href="/s/every-kind?lang=es" lang="es" hreflang="es">Español</a>' in text
    assert '<span aria-current="true" lang="en-GB">English</span>' in text


def test_choosing_a_language_keeps_the_page_and_translates_its_furniture(client, in_spanish):
    chosen = client.get(f"{URL}?lang=es")
    assert chosen.status_code == 302 and chosen.headers["Location"] == URL
    text = page(client)
    assert html_lang(text) == "es"
    assert ">Empezar</button>" in text
    assert "Tu privacidad" in text
    # No Spanish for the survey's title yet: shown in English, and marked as English
    assert '<h1 class="heading-l"><span lang="en">Every kind</span></h1>' in text


def test_a_question_in_spanish_shows_the_options_words_and_sends_the_option(client, in_spanish):
    client.get(f"{URL}?lang=es")
    start(client)
    text = page(client, f"{URL}?q=colour")
    assert "¿Color favorito?" in text and "Pregunta 1 de 7" in text
    assert 'value="Green"' in text and ">Verde</label>" in text
    assert ">Atrás</a>" in text
    refused = answer(client, "colour")
    assert "Elige una respuesta" in refused.get_data(as_text=True)
    answer(client, "colour", "Green")
    text = page(client, f"{URL}?q=worries")
    assert '<span lang="en">What worries you?</span>' in text  # not translated yet


def test_a_response_keeps_the_language_code_and_the_options_not_their_words(client, in_spanish):
    client.get(f"{URL}?lang=pt")
    start(client)
    answer(client, "colour", "Blue sky")
    answer(client, "worries", "Exams")
    answer(client, "safe", "4")
    answer(client, "hours", "3")
    answer(client, "change", "mais parques")
    answer(client, "age", "Prefer not to say")
    sent = send(client)
    assert "As tuas respostas foram enviadas" in sent.get_data(as_text=True)
    [response] = released_responses()
    assert response.language == "pt"
    assert response.answers["colour"] == "Blue sky"
    assert response.answers["age"] == "Prefer not to say"


def test_an_unknown_language_in_the_address_is_english(client, in_spanish):
    client.get(f"{URL}?lang=xx")
    assert html_lang(page(client)) == "en-GB"


def test_every_page_phrase_is_translated_into_every_language_shipped():
    from changemakers.languages import TRANSLATED
    from surveys.phrases import PHRASES

    english = set(PHRASES["es"])
    for language in TRANSLATED:
        assert set(PHRASES[language.code]) == english, language.code


def test_a_disclosure_in_spanish_is_read_as_spanish_and_gets_urgent_help(client, in_spanish):
    from sqlalchemy import select

    from changemakers.alerts.models import Alert
    from changemakers.extensions import db

    client.get(f"{URL}?lang=es")
    start(client)
    answer(client, "colour", "Green")
    answer(client, "worries", "Exams")
    answer(client, "safe", "4")
    answer(client, "hours", "3")
    moved_on = answer(client, "change", "me quiero matar")
    next_page = page(client, moved_on.headers["Location"])
    assert "Aquí tienes ayuda" in next_page
    [alert] = db.session.scalars(select(Alert)).all()
    assert alert.category == "self_harm"
