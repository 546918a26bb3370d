"""A young person takes the demo survey "What matters to you?" in Spanish, on a small phone with
JavaScript off: the language switch is a plain link, every page says it is in Spanish, and
axe-core checks each page."""

import pytest
from playwright.sync_api import expect

from tests.journeys.conftest import PHONE, Journey

pytestmark = pytest.mark.browser


def continue_(young_person: Journey) -> None:
    young_person.click(young_person.page.get_by_role("button", name="Continuar"))


def page_language(young_person: Journey) -> str:
    return young_person.page.evaluate("() => document.documentElement.lang")


def test_a_young_person_takes_the_survey_in_spanish(journey):
    young_person = journey(viewport=PHONE, javascript=False)
    page = young_person.page
    young_person.open("/s/what-matters")
    assert page_language(young_person) == "en-GB"
    switch = page.get_by_role("navigation", name="Language")
    young_person.click(switch.get_by_role("link", name="Español"))

    assert page_language(young_person) == "es"
    expect(page.get_by_role("heading", name="¿Qué te importa?")).to_be_visible()
    expect(page.get_by_role("link", name="Salir de esta página")).to_be_visible()
    expect(page.get_by_role("heading", name="Tu privacidad")).to_be_visible()
    young_person.click(page.get_by_role("button", name="Empezar"))

    expect(
        page.get_by_role("heading", name="¿Cuáles de estas cosas te preocupan más?")
    ).to_be_visible()
    expect(page.get_by_text("Pregunta 1 de 8")).to_be_visible()
    continue_(young_person)  # nothing chosen: the error, in Spanish
    expect(page.get_by_role("alert").filter(has_text="Hay un problema")).to_be_visible()
    page.get_by_label("Delitos con cuchillos").check()
    page.get_by_label("Estrés y salud mental").check()
    continue_(young_person)

    expect(page.get_by_role("heading", name="¿Cómo de seguro/a te sientes")).to_be_visible()
    page.get_by_label("5: Muy seguro/a").check()
    continue_(young_person)

    expect(page.get_by_text("Pregunta 3 de 7")).to_be_visible()
    page.get_by_label("Un educador o monitor juvenil").check()
    continue_(young_person)

    page.get_by_label("¿Qué cosa debería cambiar la junta").fill("Más sitios seguros para ir")
    continue_(young_person)
    page.get_by_label("16 a 17").check()
    continue_(young_person)
    page.get_by_label("Prefiero no decirlo").check()
    continue_(young_person)
    page.get_by_label("Sur", exact=True).check()
    continue_(young_person)

    expect(page.get_by_role("heading", name="Envía tus respuestas")).to_be_visible()
    young_person.click(page.get_by_role("button", name="Enviar mis respuestas"))
    expect(page.get_by_role("heading", name="Tus respuestas se han enviado")).to_be_visible()
    assert page_language(young_person) == "es"
    assert page.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]

    # Back to English from the same switch, on the page they are on
    young_person.click(
        page.get_by_role("navigation", name="Idioma").get_by_role("link", name="English")
    )
    assert page_language(young_person) == "en-GB"


def test_a_changemaker_reads_a_flow_s_spanish_beside_its_english(journey):
    changemaker = journey(viewport=PHONE)
    changemaker.sign_in("changemaker")
    page = changemaker.page
    changemaker.click(page.get_by_role("link", name="Message flows").first)
    changemaker.click(page.get_by_role("link", name="Worried about a friend").first)
    languages = page.get_by_role("region", name="Languages")
    expect(languages.get_by_text("Spanish: 22 of 22 texts")).to_be_visible()
    expect(languages.get_by_text("Needs checking by a native speaker").first).to_be_visible()
    changemaker.click(page.get_by_role("link", name="See the translations beside the English"))
    expect(page.get_by_role("heading", name="Spanish beside the English")).to_be_visible()
    expect(page.get_by_text("Hola, somos Changemakers.", exact=False).first).to_be_visible()
    changemaker.click(page.get_by_role("navigation", name="Languages").get_by_role("link"))
    expect(page.get_by_role("heading", name="Portuguese beside the English")).to_be_visible()
