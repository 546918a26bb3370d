"""The router's stages as plain functions, with a plain context: no Flask, no database."""

from dataclasses import dataclass, field

import pytest

from changemakers.safeguarding import shipped_detector
from messages import texts
from messages.router import OPT_OUT_WORDS, Inbound, keyword_of, route
from messages.signposting import render
from tests.support.sms import SHIPPED_SIGNPOSTS, URGENT_HELP, URGENT_HELP_CONCERN


@dataclass
class FakeContext:
    opted_out: bool = False
    read_at: str = ""  # office hours
    keyword_replies: dict[str, list[str]] = field(default_factory=lambda: {"FRIEND": ["Hi!"]})
    conversation_reply: list[str] | None = None
    desk_thread: list[str] | None = None  # replies when a reviewer's thread is open
    language: str = "en"  # the language the participant writes in
    events: list[str] = field(default_factory=list)
    language: str = "en"
    language_menu_open: bool = False

    def choose_language(self, code):
        self.language = code
        self.language_menu_open = False
        self.events.append(f"language:{code}")

    def offer_language_menu(self, offered):
        self.language_menu_open = offered

    def opt_out(self):
        self.opted_out = True
        self.events.append("opt_out")

    def opt_in(self):
        self.opted_out = False
        self.events.append("opt_in")

    def erase(self):
        self.events.append("erase")

    def check_safeguarding(self, text):
        return shipped_detector().check(text, self.language)

    def raise_alert(self, verdict):
        self.events.append(f"alert:{verdict.category}:{verdict.severity}")
        return self.desk_thread is not None

    def is_keyword(self, word):
        return word in self.keyword_replies

    def start_keyword(self, word):
        if word in self.keyword_replies:
            self.events.append(f"start:{word}")
            return self.keyword_replies[word]
        return None

    def continue_conversation(self, text):
        return self.conversation_reply

    def continue_desk_thread(self, text):
        if self.desk_thread is not None:
            self.events.append(f"thread:{text}")
        return self.desk_thread

    def keywords(self):
        return sorted(self.keyword_replies)

    def want_updates(self, wanted):
        self.events.append(f"updates:{wanted}")

    def signposted(self, text):
        return render(text, SHIPPED_SIGNPOSTS)

    def when_read(self):
        return self.read_at

    def data_reference(self):
        self.events.append("mydata")
        return "K7PQ-4D9X"


@pytest.mark.parametrize(
    ("text", "word"),
    [
        (" Stop. ", "STOP"),
        ("stop!!", "STOP"),
        ("opt-out", "OPTOUT"),
        ("Ｓｔｏｐ", "STOP"),
        ("", ""),
    ],
)
def test_keyword_of_ignores_case_spaces_and_punctuation(text, word):
    assert keyword_of(text) == word


@pytest.mark.parametrize("word", sorted(OPT_OUT_WORDS))
def test_every_opt_out_word_opts_out(word):
    context = FakeContext()
    assert route(Inbound(f" {word.lower()} "), context) == [texts.STOPPED]
    assert context.events == ["opt_out"]


@pytest.mark.parametrize("word", ["START", "unstop"])
def test_start_opts_back_in(word):
    context = FakeContext(opted_out=True)
    assert route(Inbound(word), context) == [texts.STARTED]
    assert not context.opted_out


@pytest.mark.parametrize("word", ["HELP", "info", "Help?"])
def test_help(word):
    context = FakeContext()
    assert route(Inbound(word), context) == [texts.HELP]
    assert context.events == []


def test_delete_erases_and_confirms():
    context = FakeContext()
    assert route(Inbound("Delete"), context) == [texts.DELETED]
    assert context.events == ["erase"]


@pytest.mark.parametrize("opted_out", [False, True])
def test_mydata_gives_a_reference_even_after_stop(opted_out):
    context = FakeContext(opted_out=opted_out)
    assert route(Inbound("my data."), context) == [texts.MYDATA.format(reference="K7PQ-4D9X")]
    assert context.events == ["mydata"]


def test_out_of_hours_the_urgent_help_says_when_a_person_reads_it():
    context = FakeContext(read_at="9am on Monday")
    urgent, *_ = route(Inbound("i took all my pills just now"), context)
    assert urgent == URGENT_HELP.replace(
        "read your message.", "read your message at 9am on Monday."
    )


@pytest.mark.parametrize(("kind", "event"), [("STOP", "opt_out"), ("START", "opt_in")])
def test_twilio_advanced_opt_out_is_recorded_and_nothing_more_sent(kind, event):
    context = FakeContext()
    assert route(Inbound(kind, opt_out_type=kind), context) == []
    assert context.events == [event]


def test_twilio_answered_help_sends_nothing():
    context = FakeContext()
    assert route(Inbound("HELP", opt_out_type="HELP"), context) == []
    assert context.events == []


def test_urgent_help_takes_the_place_of_the_conversation_and_the_menu():
    context = FakeContext(conversation_reply=["Next question"])
    replies = route(Inbound("i want to kill myself"), context)
    assert replies == [URGENT_HELP_CONCERN]
    assert context.events == ["alert:self_harm:concern"]
    assert route(Inbound("hes outside with a knife right now"), FakeContext()) == [URGENT_HELP]


def test_a_text_the_detector_cannot_screen_alerts_and_is_still_answered():
    context = FakeContext(language="fr", conversation_reply=["Next question"])
    assert route(Inbound("je ne sais pas"), context) == ["Next question"]
    assert context.events == ["alert:not_screened:concern"]
    assert route(Inbound("2"), context) == ["Next question"]  # no words: nothing to read
    assert context.events == ["alert:not_screened:concern"]


def test_a_spanish_disclosure_gets_urgent_help_at_once():
    context = FakeContext(language="es", conversation_reply=["Next question"])
    in_spanish = render(texts.urgent_help("", immediate=False, language="es"), SHIPPED_SIGNPOSTS)
    assert in_spanish.startswith("Lo que nos has contado importa.")
    assert route(Inbound("me quiero matar"), context) == [in_spanish]
    assert context.events == ["alert:self_harm:concern"]


def test_immediate_danger_puts_999_first():
    concern = route(Inbound("my mate keeps cutting herself"), FakeContext())[0]
    immediate = route(Inbound("i took a whole box of tablets"), FakeContext())[0]
    assert immediate.startswith("If you are in danger now, call 999.")
    assert not concern.startswith("If you are in danger") and "999" in concern


def test_safeguarding_reaches_someone_who_opted_out():
    context = FakeContext(opted_out=True)
    assert route(Inbound("I want to kill myself"), context) == [URGENT_HELP_CONCERN]
    assert context.events == ["alert:self_harm:concern"]


def test_a_keyword_is_never_an_alert():
    context = FakeContext(keyword_replies={"FRIEND": ["Hi!"], "KNIFE": ["Knives"]})
    assert route(Inbound("knife"), context) == ["Knives"]
    context = FakeContext()
    assert route(Inbound("friend"), context) == ["Hi!"]
    assert context.events == ["start:FRIEND"]


def test_a_keyword_wins_over_the_running_conversation():
    context = FakeContext(conversation_reply=["Next question"])
    assert route(Inbound("FRIEND"), context) == ["Hi!"]


def test_reserved_words_win_over_keywords_and_conversations():
    context = FakeContext(keyword_replies={"START": ["flow"]}, conversation_reply=["flow"])
    assert route(Inbound("START"), context) == [texts.STARTED]


def test_the_active_conversation_takes_other_messages():
    context = FakeContext(conversation_reply=["Thanks"])
    assert route(Inbound("2"), context) == ["Thanks"]


def test_default_reply_lists_the_keywords():
    replies = route(Inbound("hello?"), FakeContext())
    assert replies == [texts.default_reply(["FRIEND"])]
    assert "FRIEND" in replies[0]


def test_opted_out_people_are_told_how_to_come_back():
    assert route(Inbound("FRIEND"), FakeContext(opted_out=True)) == [texts.STILL_OPTED_OUT]


def test_a_picture_without_text_gets_a_polite_reply():
    assert route(Inbound("", num_media=1), FakeContext()) == [texts.MEDIA_ONLY]
    assert route(Inbound("FRIEND", num_media=1), FakeContext()) == ["Hi!"]


def test_channel_texts_fit_in_two_sms_segments():
    for text in (
        URGENT_HELP,
        URGENT_HELP_CONCERN,
        texts.HELP,
        texts.STOPPED,
        texts.STARTED,
        texts.DELETED,
        texts.STILL_OPTED_OUT,
        texts.MEDIA_ONLY,
    ):
        assert text.isascii() and len(text) <= 306, text


def test_in_a_desk_thread_texts_go_to_the_reviewer_not_a_keyword_or_conversation():
    context = FakeContext(desk_thread=[], conversation_reply=["next step"])
    assert route(Inbound("FRIEND"), context) == []
    assert route(Inbound("my step dad shouts"), context) == []
    assert context.events == ["thread:FRIEND", "thread:my step dad shouts"]


def test_in_a_desk_thread_reserved_words_and_the_detector_come_first():
    context = FakeContext(desk_thread=[])
    assert route(Inbound("STOP"), context) == [texts.STOPPED]
    assert context.events == ["opt_out"]
    context = FakeContext(desk_thread=[])
    assert route(Inbound("i want to kill myself"), context) == []  # a person is reading
    assert context.events == ["alert:self_harm:concern", "thread:i want to kill myself"]
    context = FakeContext(desk_thread=[])
    assert route(Inbound("i took all my pills just now"), context) == [URGENT_HELP]
    assert context.events == ["alert:self_harm:immediate"]


def test_a_language_named_in_its_own_words_is_chosen_and_the_reply_is_in_it():
    context = FakeContext()
    [reply] = route(Inbound("Español"), context)
    assert context.language == "es"
    assert reply == texts.in_language("LANGUAGE_CHOSEN", "es")
    assert route(Inbound("help"), context) == [texts.in_language("HELP", "es")]
    assert texts.in_language("HELP", "es") != texts.HELP


def test_the_language_menu_is_numbered_and_a_number_after_it_chooses():
    context = FakeContext()
    [menu] = route(Inbound("idioma"), context)
    assert "1 English" in menu and "2 Español" in menu and "3 Português" in menu
    assert context.language_menu_open
    route(Inbound("3"), context)
    assert context.language == "pt"
    assert not context.language_menu_open


def test_an_unknown_language_gets_the_menu_and_a_number_later_is_not_a_choice():
    context = FakeContext(conversation_reply=["Next question"])
    [menu] = route(Inbound("Français"), context)
    assert menu == texts.language_menu()
    assert route(Inbound("hello there"), context) == ["Next question"]  # the menu closes
    assert route(Inbound("2"), context) == ["Next question"]
    assert context.language == "en"


def test_a_text_missing_in_the_chosen_language_falls_back_to_english(monkeypatch):
    from messages import text_translations

    spanish = dict(text_translations.TRANSLATIONS["es"])
    del spanish["STOPPED"]
    monkeypatch.setitem(text_translations.TRANSLATIONS, "es", spanish)
    context = FakeContext(language="es")
    assert route(Inbound("STOP"), context) == [texts.STOPPED]
    assert route(Inbound("START"), context) == [spanish["STARTED"]]


def test_urgent_help_is_in_the_chosen_language_and_still_names_999():
    context = FakeContext(language="pt")
    [reply] = route(Inbound("he has a knife and says he will stab me tonight"), context)
    assert reply.startswith("Se estás em perigo agora, liga para o 999")
    assert "0800 1111" in reply


def test_every_channel_text_is_translated_into_every_language_shipped():
    from changemakers.languages import TRANSLATED
    from messages.text_translations import TRANSLATIONS

    for language in TRANSLATED:
        assert set(texts.TRANSLATABLE) <= set(TRANSLATIONS[language.code]), language.code
