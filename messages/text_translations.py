"""The channel's own texts (``messages.texts``) in the languages besides English, by the
English text's name. A text missing here goes out in English.

Every translation here was written for the demo and still needs checking by a native speaker
(``NEEDS_NATIVE_REVIEW``); the reasoning and the review steps are in ``docs/languages.md``.
Like the English, each must read neutrally on a lock screen; ``{name}`` inserts a helpline.
"""

from __future__ import annotations

NEEDS_NATIVE_REVIEW = frozenset({"es", "pt"})

TRANSLATIONS: dict[str, dict[str, str]] = {
    "es": {
        "URGENT_HELP_NOW": (
            "Si estás en peligro ahora, llama al {emergency}. Habla con {childline}, gratis, "
            "a cualquier hora, o {shout}. "
        ),
        "URGENT_HELP_CONCERN": (
            "Lo que nos has contado importa. Habla con {childline}, gratis, a cualquier hora, "
            "o {shout}. En una emergencia llama al {emergency}. "
        ),
        "READ_SOON": "Una persona de nuestro equipo leerá tu mensaje.",
        "READ_AT": "Una persona de nuestro equipo leerá tu mensaje: {when}.",
        "HELP": (
            "Changemakers: mensajes para jóvenes, hechos por jóvenes. Nunca te pedimos tu "
            "nombre; tu número se guarda cifrado y nadie del equipo lo ve. Escribe MYDATA para "
            "saber qué guardamos, DELETE para borrarlo, STOP para parar. ¿Urgente? Llama al 999 "
            "o a Childline 0800 1111."
        ),
        "STOPPED": "No te enviaremos más mensajes. Escribe START si quieres volver.",
        "STARTED": "Bienvenido/a de nuevo. Escribe HELP para saber lo que hacemos.",
        "MYDATA": (
            "Tu referencia de datos es {reference}. Dásela al equipo de Changemakers para "
            "preguntar qué guardamos sobre ti: respondemos en un mes. Escribe DELETE para "
            "borrarlo todo."
        ),
        "DELETED": (
            "Hecho: hemos borrado tus datos. Un mensaje que nos preocupó se guarda sin nada "
            "que lo una a ti. Puedes escribirnos de nuevo cuando quieras."
        ),
        "UPDATES_ON": (
            "Recibirás algún mensaje con novedades de Changemakers (nunca de noche). "
            "Escribe UPDATES OFF para pararlos, o STOP para parar todos los mensajes."
        ),
        "UPDATES_OFF": "Vale, no más novedades. Escribe UPDATES si cambias de idea.",
        "STILL_OPTED_OUT": (
            "Nos pediste que no te escribiéramos. Escribe START si quieres volver a usar "
            "este servicio."
        ),
        "SORRY": (
            "Lo sentimos, algo ha fallado por nuestra parte. Miraremos tu mensaje. Si estás en "
            "peligro, llama al 999."
        ),
        "MEDIA_ONLY": (
            "Lo sentimos, solo podemos leer texto, no fotos ni archivos. Escribe tu mensaje, "
            "por favor."
        ),
        "DEFAULT": (
            "¡Hola! Escribe una de estas palabras para empezar: {keywords}. Escribe HELP para "
            "información, STOP para parar."
        ),
        "DEFAULT_NO_KEYWORDS": (
            "¡Hola! Escribe HELP para saber más de este servicio, o STOP para parar."
        ),
        "LANGUAGE_CHOSEN": (
            "Vale, te escribiremos en español. Escribe IDIOMA cuando quieras para cambiarlo."
        ),
        "WAITING_FOR_FOLLOW_UP": (
            "Gracias. Te escribiremos pronto. Escribe STOP cuando quieras para parar."
        ),
        "FLOW_UNAVAILABLE": (
            "Lo siento, eso no está disponible ahora. Escribe HELP para ver qué puedes hacer."
        ),
    },
    "pt": {
        "URGENT_HELP_NOW": (
            "Se estás em perigo agora, liga para o {emergency}. Fala com {childline}, grátis, a "
            "qualquer hora, ou {shout}. "
        ),
        "URGENT_HELP_CONCERN": (
            "O que nos contaste é importante. Fala com {childline}, grátis, a qualquer hora, ou "
            "{shout}. Numa emergência liga para o {emergency}. "
        ),
        "READ_SOON": "Uma pessoa da nossa equipa vai ler a tua mensagem.",
        "READ_AT": "Uma pessoa da nossa equipa vai ler a tua mensagem: {when}.",
        "HELP": (
            "Changemakers: mensagens para jovens, feitas por jovens. Nunca pedimos o teu nome; "
            "o teu número é guardado cifrado e ninguém da equipa o vê. Escreve MYDATA para "
            "saber o que guardamos, DELETE para apagar, STOP para parar. Urgente? Liga para o "
            "999 ou para a Childline 0800 1111."
        ),
        "STOPPED": "Não te vamos enviar mais mensagens. Escreve START se quiseres voltar.",
        "STARTED": "Bem-vindo/a de volta. Escreve HELP para saber o que fazemos.",
        "MYDATA": (
            "A tua referência de dados é {reference}. Dá-a à equipa Changemakers para "
            "perguntar o que guardamos sobre ti: respondemos dentro de um mês. Escreve DELETE "
            "para apagar tudo."
        ),
        "DELETED": (
            "Feito: apagámos os teus dados. Uma mensagem que nos preocupou fica guardada sem "
            "nada que a ligue a ti. Podes voltar a escrever-nos quando quiseres."
        ),
        "UPDATES_ON": (
            "Vais receber de vez em quando novidades da Changemakers (nunca à noite). Escreve "
            "UPDATES OFF para parar, ou STOP para parar todas as mensagens."
        ),
        "UPDATES_OFF": "Combinado, sem mais novidades. Escreve UPDATES se mudares de ideias.",
        "STILL_OPTED_OUT": (
            "Pediste-nos para não te escrever. Escreve START se quiseres voltar a usar este "
            "serviço."
        ),
        "SORRY": (
            "Desculpa, algo correu mal do nosso lado. Vamos ver a tua mensagem. Se estás em "
            "perigo, liga para o 999."
        ),
        "MEDIA_ONLY": (
            "Desculpa, só conseguimos ler texto, não fotos nem ficheiros. Escreve a tua "
            "mensagem, por favor."
        ),
        "DEFAULT": (
            "Olá! Escreve uma destas palavras para começar: {keywords}. Escreve HELP para "
            "informação, STOP para parar."
        ),
        "DEFAULT_NO_KEYWORDS": (
            "Olá! Escreve HELP para saber mais sobre este serviço, ou STOP para parar."
        ),
        "LANGUAGE_CHOSEN": (
            "Combinado, vamos escrever-te em português. Escreve LINGUA quando quiseres para mudar."
        ),
        "WAITING_FOR_FOLLOW_UP": (
            "Obrigado. Vamos voltar a escrever-te em breve. Escreve STOP a qualquer momento "
            "para parar."
        ),
        "FLOW_UNAVAILABLE": (
            "Desculpa, isso não está disponível agora. Escreve HELP para ver o que podes fazer."
        ),
    },
}
