"""Demo content for the SMS channel: the peer-support flows (``demo_flows/``), and fixed replies
(HELLO, TIPS), published as they stand, to try in the simulator; with the helplines, all in
English, Spanish and Portuguese. The Spanish and Portuguese were written for the demo and are
marked as still needing a native speaker's check (``docs/languages.md``)."""

from __future__ import annotations

from pathlib import Path

from flask import Flask

from changemakers.content import files
from messages import fixed_replies, signpost_services
from messages.flows import services as flows
from messages.gateways import gateway_from_config
from messages.worker import Dispatcher, run_in_background

DEMO_FIXED_REPLIES = {
    "HELLO": (
        "Hi, thanks for texting Changemakers. We are young people in the borough who want every "
        "young person to feel safe. Text HELP to find out more."
    ),
    "TIPS": (
        "Staying safe online: keep your accounts private, think before you share a photo, and "
        "tell someone you trust if anything online worries you. Childline: 0800 1111."
    ),
}


DEMO_FIXED_REPLY_TRANSLATIONS = {
    "HELLO": {
        "es": {
            "reply": (
                "Hola, gracias por escribir a Changemakers. Somos jóvenes del distrito y "
                "queremos que todos los jóvenes se sientan seguros. Escribe HELP para saber más."
            )
        },
        "pt": {
            "reply": (
                "Olá, obrigado por escreveres à Changemakers. Somos jovens do bairro e queremos "
                "que todos os jovens se sintam seguros. Escreve HELP para saber mais."
            )
        },
    },
    "TIPS": {
        "es": {
            "reply": (
                "Seguridad en internet: mantén tus cuentas privadas, piensa antes de compartir "
                "una foto y cuéntaselo a alguien de confianza si algo en internet te preocupa. "
                "Childline: 0800 1111."
            )
        },
        "pt": {
            "reply": (
                "Segurança na internet: mantém as tuas contas privadas, pensa antes de partilhar "
                "uma foto e conta a alguém de confiança se alguma coisa na internet te "
                "preocupar. Childline: 0800 1111."
            )
        },
    },
}
# How each shipped helpline reads inside a message in each language
DEMO_SIGNPOST_TRANSLATIONS = {
    "childline": {
        "es": {"text": "Childline en el 0800 1111"},
        "pt": {"text": "a Childline, no 0800 1111"},
    },
    "shout": {"es": {"text": "envía SHOUT al 85258"}, "pt": {"text": "envia SHOUT para o 85258"}},
    "nspcc": {
        "es": {"text": "la NSPCC en el 0808 800 5000"},
        "pt": {"text": "a NSPCC, no 0808 800 5000"},
    },
    "fearless": {
        "es": {"text": "Fearless, de forma anónima, en el 0800 555 111 o en fearless.org"},
        "pt": {"text": "a Fearless, de forma anónima, no 0800 555 111 ou em fearless.org"},
    },
}
UNCHECKED = ("es", "pt")

DEMO_FLOWS = Path(__file__).parent / "demo_flows"


def load_demo_content() -> None:
    signpost_services.translate_shipped(DEMO_SIGNPOST_TRANSLATIONS)
    for keyword, reply in DEMO_FIXED_REPLIES.items():
        fixed_replies.load_published(
            keyword, reply, DEMO_FIXED_REPLY_TRANSLATIONS.get(keyword), UNCHECKED
        )
    for path in sorted(DEMO_FLOWS.glob("*.yaml")):
        flows.load_published(files.load(path.read_text(), path.name))


def start_dispatcher(app: Flask) -> Dispatcher:
    """The demo sends its outbox in a background thread (with the console gateway, to the log
    and the simulator)."""
    return run_in_background(app, gateway_from_config(app.config))
