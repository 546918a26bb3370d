"""The translations pages: each text beside its English, how complete each language is, the SMS
each costs in each language, the warning before publishing with texts missing, and four eyes
over a translation like any other change."""

from __future__ import annotations

import html

import pytest

from changemakers.accounts.models import Role
from changemakers.content.lifecycle import ContentStatus
from changemakers.extensions import db
from messages import fixed_replies
from messages.flows import services as flows
from messages.flows.definition import from_data
from surveys import services as surveys
from surveys.definition import from_data as survey_from_data
from tests.messages.test_fixed_reply_pages import page, switch_to, write
from tests.support.flows import small_flow
from tests.support.sms import replies_of
from tests.support.surveys import EVERY_KIND
from tests.support.web import post_form, sign_in


@pytest.fixture
def changemaker(client, make_staff):
    user = make_staff(Role.CHANGEMAKER, email="maker@example.org")
    sign_in(client, user.email)
    return user


def draft_flow(actor):
    version = flows.import_flow(small_flow(), actor)
    db.session.commit()
    return version


def test_a_flow_s_translations_are_written_beside_the_english(client, changemaker, send_sms):
    version = draft_flow(changemaker)
    base = f"/flows/{version.flow_id}/v{version.number}"
    shown = page(client, f"{base}/translations?lang=es")
    assert "Spanish: 0 of 6 texts" in shown and "Portuguese: 0 of 6 texts" in shown
    assert "ask: message" in shown and "Hi. Reply 1 for tips or 2 to hear from us later." in shown
    saved = post_form(
        client,
        f"{base}/translations?lang=es",
        {"lang": "es", "step:ask:text": "Hola. Responde 1 para consejos o 2 para más tarde."},
        page=f"{base}/translations?lang=es",
    )
    assert saved.status_code == 302
    db.session.refresh(version)
    definition = from_data(version.content)
    assert definition.steps["ask"].translations["es"]["text"].startswith("Hola.")
    assert definition.unchecked_translations == ("es",)  # the box was not ticked
    shown = page(client, f"{base}/translations?lang=es")
    assert "Spanish: 1 of 6 texts" in shown
    assert "1 SMS (UCS-2, because of “á”)" in shown  # "más": the Spanish costs more room
    editor = page(client, base)
    assert "Spanish: 1 of 6 texts" in editor
    assert "Needs checking by a native speaker" in editor
    assert "Spanish is missing ask: hint, ask: option 1" in editor  # the warning names them


def test_ticking_the_native_speaker_box_takes_the_language_off_the_list(client, changemaker):
    version = draft_flow(changemaker)
    base = f"/flows/{version.flow_id}/v{version.number}/translations"
    post_form(client, f"{base}?lang=pt", {"lang": "pt", "checked": "yes"}, page=f"{base}?lang=pt")
    db.session.refresh(version)
    assert from_data(version.content).unchecked_translations == ()


def test_a_translation_goes_live_only_with_a_reviewer_s_approval(
    client, changemaker, make_staff, send_sms
):
    version = draft_flow(changemaker)
    base = f"/flows/{version.flow_id}/v{version.number}"
    spanish = "Hola. Responde 1 para consejos o 2 para más tarde."
    post_form(
        client,
        f"{base}/translations",
        {"lang": "es", "step:ask:text": spanish, "checked": "yes"},
        page=f"{base}/translations",
    )
    post_form(client, f"{base}/submit", page=base)
    send_sms("ESPANOL")
    assert replies_of(send_sms("SMALL")) != [spanish]  # not published yet
    switch_to(client, make_staff, Role.REVIEWER, "reviewer@example.org")
    review = page(client, base)
    assert "Portuguese is missing" in review  # the reviewer sees what would go in English
    post_form(client, f"{base}/approve", page=base)
    db.session.refresh(version)
    assert version.status is ContentStatus.PUBLISHED
    assert replies_of(send_sms("SMALL")) == [spanish]


def test_a_published_version_s_translations_are_shown_not_edited(client, changemaker):
    version = flows.load_published(small_flow())
    shown = page(client, f"/flows/{version.flow_id}/v{version.number}/translations")
    assert "<textarea" not in shown
    refused = post_form(
        client,
        f"/flows/{version.flow_id}/v{version.number}/translations",
        {"lang": "es", "step:ask:text": "Hola"},
        page=f"/flows/{version.flow_id}/v{version.number}/translations",
    )
    assert refused.status_code == 302
    assert "Only a draft can be changed" in page(client, refused.headers["Location"])
    db.session.refresh(version)
    assert "translations" not in version.content["steps"]["ask"]


def test_a_survey_s_options_are_translated_by_the_option(client, changemaker):
    version = surveys.import_survey(EVERY_KIND, changemaker)
    db.session.commit()
    base = f"/surveys/{version.survey_id}/v{version.number}"
    shown = page(client, f"{base}/translations?lang=pt")
    assert "Portuguese: 0 of 22 texts" in shown
    post_form(
        client,
        f"{base}/translations?lang=pt",
        {"lang": "pt", "question:colour:option:Blue sky": "Céu azul", "survey:title": "Todos"},
        page=f"{base}/translations?lang=pt",
    )
    db.session.refresh(version)
    definition = survey_from_data(version.content)
    assert definition.questions[0].translations["pt"]["options"] == {"Blue sky": "Céu azul"}
    assert definition.questions[0].options == ("Red", "Green", "Blue sky")
    assert "Portuguese: 2 of 22 texts" in page(client, base)


def test_a_fixed_reply_s_translation_and_its_length_in_that_language(client, changemaker):
    base = write(client)
    post_form(
        client,
        f"{base}/translations?lang=es",
        {
            "lang": "es",
            "reply": "Mantén tus cuentas privadas. ¿Preocupado/a? Habla con {childline}.",
        },
        page=f"{base}/translations?lang=es",
    )
    shown = html.unescape(client.get(f"{base}/translations?lang=es").get_data(as_text=True))
    assert "Spanish: 1 of 1 texts" in shown and "Portuguese: 0 of 1 texts" in shown
    version = fixed_replies.latest_version(fixed_replies.listing()[0].id)
    assert version is not None
    assert fixed_replies.reply_translations(version.content) == {
        "es": "Mantén tus cuentas privadas. ¿Preocupado/a? Habla con {childline}."
    }
    # Editing the English keeps the translation, for the reviewer to check beside it
    post_form(
        client, f"{base}/edit", {"keyword": "tips", "text": "New English."}, page=f"{base}/edit"
    )
    db.session.refresh(version)
    assert version.content["reply"] == "New English."
    assert "es" in fixed_replies.reply_translations(version.content)
