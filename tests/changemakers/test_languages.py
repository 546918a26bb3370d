"""The languages the service speaks, and how a text falls back to English: plain Python."""

from changemakers import languages
from changemakers.languages import TranslatableText


def test_a_text_is_in_the_chosen_language_or_else_in_english():
    translations = {"es": {"text": "Hola"}, "pt": {"text": "  "}}
    assert languages.translated("Hi", translations, "es") == "Hola"
    assert languages.translated("Hi", translations, "pt") == "Hi"  # empty: not translated
    assert languages.translated("Hi", None, "es") == "Hi"
    shown = languages.localised("Hi", translations, "pt")
    assert (shown, shown.lang) == ("Hi", "en")
    assert languages.localised("Hi", translations, "es").lang == "es"


def test_a_language_is_chosen_by_its_name_in_its_own_words_or_from_the_menu():
    assert languages.language_for_word("ESPANOL") == "es"
    assert languages.language_for_word("PORTUGUES") == "pt"
    assert languages.chosen_from_menu("3") == "pt"
    assert languages.chosen_from_menu("4") is None
    assert languages.chosen_from_menu("0") is None
    assert languages.menu_lines() == ["1 English", "2 Español", "3 Português"]


def test_a_language_we_do_not_speak_is_recognised_as_a_request_for_the_menu():
    assert languages.looks_like_a_language_request("FRANCAIS")
    assert languages.looks_like_a_language_request("LANGUAGEPLEASE")
    assert not languages.looks_like_a_language_request("FRIEND")


def test_translations_from_a_file_keep_only_languages_and_texts_the_service_uses():
    raw = {"es": {"text": " Hola ", "replies": ["sí", ""]}, "xx": {"text": "?"}, "en": {}}
    assert languages.clean_translations(raw) == {"es": {"text": "Hola", "replies": ["sí"]}}
    assert languages.clean_translations("not a mapping") == {}


def test_completeness_counts_the_texts_each_language_has_and_names_the_rest():
    texts = [
        TranslatableText("a", "welcome: message", "Hi", {"es": "Hola", "pt": "Olá"}),
        TranslatableText("b", "welcome: hint", "Reply 1", {"es": "Responde 1"}),
        TranslatableText("c", "empty", "", {}),  # nothing to translate
    ]
    spanish, portuguese = languages.completeness(texts)
    assert spanish.describe() == "Spanish: 2 of 2 texts"
    assert portuguese.describe() == "Portuguese: 1 of 2 texts"
    assert portuguese.missing == ("welcome: hint",)
    warning = languages.missing_warning(texts)
    assert warning is not None
    assert "Portuguese is missing welcome: hint" in warning and "Spanish" not in warning
    assert languages.missing_warning(texts[:1]) is None
