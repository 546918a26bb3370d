"""A young person's language, end to end through the webhook: kept on their contact, used for
every reply, text by text falling back to English."""

from __future__ import annotations

from sqlalchemy import select

from changemakers.accounts.models import Role
from changemakers.extensions import db
from messages import fixed_replies, texts
from messages.models import Contact, Signpost
from surveys import services as surveys
from surveys.models import SurveyResponse
from tests.support.flows import SMALL, published_flow
from tests.support.sms import replies_of
from tests.support.surveys import EVERY_KIND, released_responses

SPANISH_STEPS = {
    **SMALL["steps"],
    "ask": {
        **SMALL["steps"]["ask"],
        "text": "Hi. Reply 1 for tips or 2 to hear from us later.",
        "translations": {"es": {"text": "Hola. Responde 1 para consejos o 2 para más tarde."}},
        "options": [
            {
                "label": "Tips",
                "next": "tips",
                "translations": {"es": {"label": "Consejos", "replies": ["consejos"]}},
            },
            {"label": "Later", "next": "wait"},
        ],
    },
    # "tips" has no Spanish: it goes in English
}


def language_of_contact() -> str:
    return db.session.scalars(select(Contact.language)).one()


def test_the_choice_is_kept_on_the_contact_and_can_be_changed_any_time(db_session, send_sms):
    assert replies_of(send_sms("ESPAÑOL")) == [texts.in_language("LANGUAGE_CHOSEN", "es")]
    assert language_of_contact() == "es"
    assert replies_of(send_sms("HELP")) == [texts.in_language("HELP", "es")]
    send_sms("lingua")
    assert replies_of(send_sms("3")) == [texts.in_language("LANGUAGE_CHOSEN", "pt")]
    assert language_of_contact() == "pt"
    send_sms("ENGLISH")
    assert replies_of(send_sms("HELP")) == [texts.HELP]


def test_an_unknown_language_keyword_gets_the_menu_and_changes_nothing(db_session, send_sms):
    assert replies_of(send_sms("Polski")) == [texts.language_menu()]
    assert language_of_contact() == "en"
    assert replies_of(send_sms("hello")) == [texts.default_reply([])]  # the menu closed
    assert replies_of(send_sms("2")) == [texts.default_reply([])]


def test_a_flow_is_in_the_chosen_language_with_english_where_a_text_is_missing(
    db_session, send_sms
):
    published_flow(steps=SPANISH_STEPS)
    send_sms("ESPANOL")
    assert replies_of(send_sms("SMALL")) == ["Hola. Responde 1 para consejos o 2 para más tarde."]
    [tip] = replies_of(send_sms("consejos"))  # the option's Spanish word chooses it
    assert tip.startswith("Tip: talk to Childline")  # no Spanish yet: the English


def test_changing_language_mid_flow_changes_the_next_reply(db_session, send_sms):
    published_flow(steps=SPANISH_STEPS)
    assert replies_of(send_sms("SMALL")) == ["Hi. Reply 1 for tips or 2 to hear from us later."]
    send_sms("ESPANOL")
    [again] = replies_of(send_sms("what"))  # not understood: the hint, then the question
    assert again == "Just reply 1 or 2."  # the hint has no Spanish
    assert replies_of(send_sms("nope")) == ["Hola. Responde 1 para consejos o 2 para más tarde."]


def test_a_fixed_reply_and_a_helpline_are_in_the_chosen_language(db_session, send_sms):
    fixed_replies.load_published(
        "TIPS",
        "Keep your accounts private. Talk to {childline}.",
        {"pt": {"reply": "Mantém as tuas contas privadas. Fala com {childline}."}},
    )
    childline = db.session.get_one(Signpost, "childline")
    childline.translations = {"pt": {"text": "a Childline, no 0800 1111"}}
    db.session.commit()
    send_sms("PORTUGUES")
    assert replies_of(send_sms("TIPS")) == [
        "Mantém as tuas contas privadas. Fala com a Childline, no 0800 1111."
    ]
    send_sms("ESPANOL")  # no Spanish: the English reply and helpline
    assert replies_of(send_sms("TIPS")) == [
        "Keep your accounts private. Talk to " + childline.text + "."
    ]


SURVEY_IN_SPANISH = {
    **EVERY_KIND,
    "translations": {"es": {"thanks": "Gracias: la junta verá los totales."}},
    "questions": [
        {
            **EVERY_KIND["questions"][0],
            "translations": {
                "es": {
                    "text": "¿Color favorito?",
                    "options": {"Red": "Rojo", "Green": "Verde", "Blue sky": "Cielo azul"},
                }
            },
        },
        *EVERY_KIND["questions"][1:],
    ],
}


def test_an_sms_survey_in_spanish_stores_the_option_not_its_words(db_session, send_sms):
    surveys.load_published(SURVEY_IN_SPANISH)
    send_sms("ESPANOL")
    [_, first] = replies_of(send_sms("KINDS"))
    assert first.startswith("Q1/7: ¿Color favorito?\n1 Rojo\n2 Verde\n3 Cielo azul")
    assert first.endswith("Responde con un número del 1 al 3.")
    [second] = replies_of(send_sms("verde"))
    assert second.startswith("Q2/7: What worries you?")  # no Spanish: the English question
    for answer in ("3", "4", "3", "skip", "3"):
        [reply] = replies_of(send_sms(answer))
    assert reply == "Gracias: la junta verá los totales."
    [response] = released_responses()
    assert response.answers["colour"] == "Green"
    assert response.answers["age"] == "14 to 15"
    assert response.language is None  # an SMS response never keeps the phone's language
    assert db.session.scalars(select(SurveyResponse.language)).all() == [None]


def test_the_demo_ships_every_text_in_spanish_and_portuguese_for_a_native_speaker_to_check():
    from pathlib import Path

    from changemakers.content import files
    from changemakers.languages import completeness
    from messages import demo
    from messages.flows.definition import from_data, translatable_texts
    from surveys.definition import from_data as survey_from_data
    from surveys.definition import translatable_texts as survey_texts

    shipped = []
    for path in sorted(demo.DEMO_FLOWS.glob("*.yaml")):
        flow = from_data(files.load(path.read_text(), path.name))
        shipped.append((path.name, translatable_texts(flow), flow.unchecked_translations))
    survey_file = Path(surveys.__file__).parent / "demo_surveys" / "what-matters.yaml"
    survey = survey_from_data(files.load(survey_file.read_text(), survey_file.name))
    shipped.append((survey_file.name, survey_texts(survey), survey.unchecked_translations))
    for keyword, reply in demo.DEMO_FIXED_REPLIES.items():
        content = fixed_replies.content_of(
            keyword, reply, demo.DEMO_FIXED_REPLY_TRANSLATIONS[keyword]
        )
        shipped.append((keyword, fixed_replies.translatable_texts(content), demo.UNCHECKED))
    for name, texts_, unchecked in shipped:
        assert all(part.complete for part in completeness(texts_)), name
        assert set(unchecked) == {"es", "pt"}, name


def test_the_desk_s_own_texts_are_in_the_young_person_s_language(
    client, make_staff, send_sms, monkeypatch
):
    from changemakers.alerts import texts as desk_texts
    from changemakers.alerts.models import Alert
    from changemakers.office_hours import OfficeHours
    from messages.models import OutboundMessage
    from tests.messages.test_desk_thread import write
    from tests.support.web import post_form, sign_in

    always_open = OfficeHours.parse("Mon-Sun 00:00-24:00")
    monkeypatch.setitem(client.application.config, "OFFICE_HOURS", always_open)
    send_sms("PORTUGUES")
    send_sms("he made me send pics")
    alert = db.session.scalars(select(Alert)).one()
    sign_in(client, make_staff(Role.REVIEWER).email)
    write(client, alert.id, "Olá, lemos a tua mensagem.")
    post_form(client, f"/alerts/{alert.id}/close", {"note": "done"}, page=f"/alerts/{alert.id}")
    bodies = list(db.session.scalars(select(OutboundMessage.body).order_by(OutboundMessage.id)))
    assert bodies[0] == desk_texts.opening(None, "pt")
    assert bodies[0].startswith("Uma pessoa da nossa equipa está a ler")
    assert bodies[1] == "Olá, lemos a tua mensagem."
    assert bodies[2].startswith("A nossa equipa terminou esta conversa.")
    assert "a Childline, no 0800 1111" not in bodies[2]  # no Portuguese for it here: English
    assert "Childline on 0800 1111" in bodies[2]


def test_a_flow_s_own_words_are_in_the_chosen_language_too(db_session, send_sms):
    asks_later = {
        "kind": "question",
        "text": "A day later: how are things? Reply 1 if OK, 2 for tips.",
        "options": [{"label": "OK", "next": "tips"}, {"label": "Tips", "next": "tips"}],
    }
    published_flow(steps={**SPANISH_STEPS, "later": asks_later})
    send_sms("ESPANOL")
    send_sms("SMALL")
    assert replies_of(send_sms("2")) == []  # the next message comes a day later
    assert replies_of(send_sms("hola")) == [texts.in_language("WAITING_FOR_FOLLOW_UP", "es")]
    assert texts.in_language("WAITING_FOR_FOLLOW_UP", "es").startswith("Gracias.")


def test_out_of_hours_the_desk_says_when_it_will_read_in_their_language(
    client, make_staff, send_sms, monkeypatch
):
    from changemakers.alerts.models import Alert
    from changemakers.office_hours import OfficeHours
    from tests.messages.test_desk_thread import write
    from tests.support.web import sign_in

    monkeypatch.setitem(
        client.application.config, "OFFICE_HOURS", OfficeHours.parse("Mon-Sun 00:00-24:00")
    )
    send_sms("ESPANOL")
    send_sms("he made me send pics")
    alert = db.session.scalars(select(Alert)).one()
    sign_in(client, make_staff(Role.REVIEWER).email)
    write(client, alert.id, "Hola, hemos leído tu mensaje.")
    # Now the office is closed (open one minute a week, at 3am on Sundays)
    monkeypatch.setitem(
        client.application.config, "OFFICE_HOURS", OfficeHours.parse("Sun 03:00-03:01")
    )
    [acknowledgement] = replies_of(send_sms("ok"))
    assert acknowledgement.startswith("Gracias, hemos recibido tu mensaje.")
    when = ("el domingo a las 3:00", "mañana a las 3:00", "hoy a las 3:00")
    assert any(words in acknowledgement for words in when)


def test_staff_trying_the_service_are_told_its_own_translations_need_checking(client, make_staff):
    from tests.support.web import sign_in

    sign_in(client, make_staff(Role.CHANGEMAKER).email)
    page = client.get("/sms/simulator").get_data(as_text=True)
    assert "in Spanish and Portuguese still need checking by a native speaker" in page
