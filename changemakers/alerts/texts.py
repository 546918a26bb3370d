"""What the desk texts a young person by itself, in words for a reading age of 11 to 13. Each
reads neutrally on a lock screen and fits in two SMS; ``{name}`` inserts an entry of the
signposting directory, ``{privacy}`` where to read how we use their data.

Each is in the young person's language (``TRANSLATIONS``), falling back to English text by
text; the Spanish and Portuguese still need checking by a native speaker
(``docs/languages.md``)."""

from __future__ import annotations

from changemakers.languages import ENGLISH

# Sent once, just before a reviewer's first text: who is reading, the limits of
# confidentiality, how to stop, and the privacy notice.
THREAD_OPENING = (
    "A person from our team is reading your texts now. We keep what you say private, but if "
    "we think you are in danger we may have to tell someone who can help. We will try to tell "
    "you first. Text STOP to stop. How we use your data: {privacy}"
)

# The young person texts in the thread out of office hours.
THREAD_OUT_OF_HOURS = (
    "Thanks, we got your text. A person from our team will read it at {when}. If you are in "
    "danger now, call {emergency}, or talk to {childline}, free, any time."
)

THREAD_CLOSED = (
    "Our team has ended this chat. Thank you for talking to us. You can talk to {childline}, "
    "free, any time, or {shout}. In danger? Call {emergency}. You can text us again any time."
)

THREAD_QUIET = (
    "We have not heard from you for a while, so this chat has ended. You can text us again any "
    "time, or talk to {childline}, free, any time, or {shout}."
)

PRIVACY_BY_TEXT = "text HELP"  # where no privacy notice is published at an address


TRANSLATIONS: dict[str, dict[str, str]] = {
    "es": {
        "THREAD_OPENING": (
            "Una persona de nuestro equipo está leyendo tus mensajes. Lo que cuentas es "
            "privado, pero si creemos que estás en peligro puede que tengamos que avisar a "
            "alguien que pueda ayudar. Intentaremos decírtelo antes. Escribe STOP para parar. "
            "Cómo usamos tus datos: {privacy}"
        ),
        "THREAD_OUT_OF_HOURS": (
            "Gracias, hemos recibido tu mensaje. Una persona de nuestro equipo lo leerá: "
            "{when}. Si estás en peligro ahora, llama al {emergency}, o habla con {childline}, "
            "gratis, a cualquier hora."
        ),
        "THREAD_CLOSED": (
            "Nuestro equipo ha terminado esta conversación. Gracias por hablar con nosotros. "
            "Puedes hablar con {childline}, gratis, a cualquier hora, o {shout}. ¿En peligro? "
            "Llama al {emergency}. Puedes escribirnos de nuevo cuando quieras."
        ),
        "THREAD_QUIET": (
            "Hace tiempo que no sabemos de ti, así que esta conversación ha terminado. Puedes "
            "escribirnos de nuevo cuando quieras, o hablar con {childline}, gratis, a "
            "cualquier hora, o {shout}."
        ),
        "PRIVACY_BY_TEXT": "escribe HELP",
    },
    "pt": {
        "THREAD_OPENING": (
            "Uma pessoa da nossa equipa está a ler as tuas mensagens. O que dizes é privado, "
            "mas se acharmos que estás em perigo podemos ter de avisar alguém que possa "
            "ajudar. Vamos tentar dizer-te primeiro. Escreve STOP para parar. Como usamos os "
            "teus dados: {privacy}"
        ),
        "THREAD_OUT_OF_HOURS": (
            "Obrigado, recebemos a tua mensagem. Uma pessoa da nossa equipa vai lê-la: {when}. "
            "Se estás em perigo agora, liga para o {emergency}, ou fala com {childline}, "
            "grátis, a qualquer hora."
        ),
        "THREAD_CLOSED": (
            "A nossa equipa terminou esta conversa. Obrigado por falares connosco. Podes falar "
            "com {childline}, grátis, a qualquer hora, ou {shout}. Em perigo? Liga para o "
            "{emergency}. Podes voltar a escrever-nos quando quiseres."
        ),
        "THREAD_QUIET": (
            "Há algum tempo que não sabemos de ti, por isso esta conversa terminou. Podes "
            "voltar a escrever-nos quando quiseres, ou falar com {childline}, grátis, a "
            "qualquer hora, ou {shout}."
        ),
        "PRIVACY_BY_TEXT": "escreve HELP",
    },
}


def in_language(name: str, language: str) -> str:
    """The text called ``name`` in ``language``, or its English where it has none."""
    english = str(globals()[name])
    if language == ENGLISH:
        return english
    return TRANSLATIONS.get(language, {}).get(name, english)


def opening(privacy_notice_url: str | None, language: str = ENGLISH) -> str:
    where = privacy_notice_url or in_language("PRIVACY_BY_TEXT", language)
    return in_language("THREAD_OPENING", language).replace("{privacy}", where)


def out_of_hours(when_read: str, language: str = ENGLISH) -> str:
    return in_language("THREAD_OUT_OF_HOURS", language).replace("{when}", when_read)
