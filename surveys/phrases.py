"""The survey's own words, around the Changemakers' questions: the web pages' furniture
(buttons, headings, "Question 3 of 8"), the SMS hints and errors, the demographic questions'
bands, and the texts an SMS survey sends by itself. Each English phrase is its own key; a
phrase missing in a language is shown in English (marked ``lang="en"`` on a page).

Every translation here still needs checking by a native speaker (``docs/languages.md``).
Plain Python: no Flask, no database.
"""

from __future__ import annotations

from datetime import date

from changemakers.languages import ENGLISH, Localised

MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)

SPANISH_MONTHS = (
    "enero",
    "febrero",
    "marzo",
    "abril",
    "mayo",
    "junio",
    "julio",
    "agosto",
    "septiembre",
    "octubre",
    "noviembre",
    "diciembre",
)
PORTUGUESE_MONTHS = (
    "janeiro",
    "fevereiro",
    "março",
    "abril",
    "maio",
    "junho",
    "julho",
    "agosto",
    "setembro",
    "outubro",
    "novembro",
    "dezembro",
)

PHRASES: dict[str, dict[str, str]] = {
    "es": {
        # The web pages
        "Skip to main content": "Saltar al contenido principal",
        "Exit this page": "Salir de esta página",
        "Help is here": "Aquí tienes ayuda",
        "Language": "Idioma",
        "Start": "Empezar",
        "Your privacy": "Tu privacidad",
        "Your answers so far have gone (the survey changed, or a long time passed). Please "
        "start again.": (
            "Tus respuestas se han perdido (la encuesta cambió o pasó mucho tiempo). Empieza "
            "de nuevo, por favor."
        ),
        "Back": "Atrás",
        "Error:": "Error:",
        "There is a problem": "Hay un problema",
        "Question {number} of {total}": "Pregunta {number} de {total}",
        " (you can skip this one)": " (puedes saltarte esta)",
        "Select all that apply.": "Elige todas las que correspondan.",
        "Up to {count} characters.": "Hasta {count} caracteres.",
        "Continue": "Continuar",
        "Send your answers": "Envía tus respuestas",
        "That's every question. You can go back to change an answer, or send them now. Once "
        "sent, they can't be changed.": (
            "Esas son todas las preguntas. Puedes volver atrás para cambiar una respuesta o "
            "enviarlas ahora. Una vez enviadas, no se pueden cambiar."
        ),
        "Send my answers": "Enviar mis respuestas",
        "Answer this question before you send your answers.": (
            "Responde a esta pregunta antes de enviar tus respuestas."
        ),
        "Answers sent": "Respuestas enviadas",
        "Your answers have been sent": "Tus respuestas se han enviado",
        "If anything in this survey worried you, you can talk to Childline, free, any time: "
        "0800 1111.": (
            "Si algo de esta encuesta te ha preocupado, puedes hablar con Childline, gratis, a "
            "cualquier hora: 0800 1111."
        ),
        "Already sent": "Ya enviadas",
        "Already answered": "Ya respondida",
        "Your answers were already sent": "Tus respuestas ya se enviaron",
        "They were kept once. Sending them again changes nothing.": (
            "Se guardaron una vez. Enviarlas de nuevo no cambia nada."
        ),
        "You've already answered this survey": "Ya has respondido a esta encuesta",
        "Closed": "Cerrada",
        "This survey is closed": "Esta encuesta está cerrada",
        "Thank you for wanting to take part. Look out for the next one from the Changemakers.": (
            "Gracias por querer participar. Atento/a a la próxima de los Changemakers."
        ),
        "That was quicker than anyone could read the questions. Please check your answers, "
        "then send them again.": (
            "Ha sido más rápido de lo que nadie puede leer las preguntas. Revisa tus "
            "respuestas y envíalas de nuevo, por favor."
        ),
        "You haven't answered any question yet. Go back and answer at least one.": (
            "Todavía no has respondido ninguna pregunta. Vuelve atrás y responde al menos una."
        ),
        "Your answers are anonymous, so we cannot reply to you here, but a member of our team "
        "will read what you wrote.": (
            "Tus respuestas son anónimas, así que no podemos contestarte aquí, pero una "
            "persona de nuestro equipo leerá lo que escribiste."
        ),
        # Answers, on the web and by text
        "Select at least one answer, or choose the closest one": (
            "Elige al menos una respuesta, o la más parecida"
        ),
        "Enter an answer": "Escribe una respuesta",
        "Select an answer": "Elige una respuesta",
        "Choose from the options given": "Elige entre las opciones que hay",
        "Your answer must be {count} characters or fewer": (
            "Tu respuesta debe tener {count} caracteres o menos"
        ),
        "This one needs an answer, sorry. ": "Esta necesita una respuesta, lo siento. ",
        "Please type your answer. ": "Escribe tu respuesta, por favor. ",
        "Sorry, we didn't get that. ": "Lo siento, no lo hemos entendido. ",
        "Reply with the numbers of all that apply, such as 1 3 (from 1 to {count}).": (
            "Responde con los números de todas las que correspondan, como 1 3 (del 1 al {count})."
        ),
        "Reply with a number from {low} to {high}.": "Responde con un número del {low} al {high}.",
        "Please answer with a number from {low} to {high}.": (
            "Responde con un número del {low} al {high}, por favor."
        ),
        "A number from {low} to {high}.": "Un número del {low} al {high}.",
        " Or SKIP.": " O SKIP para saltarla.",
        "You've already answered this survey: thank you! Text HELP to see what else we do.": (
            "Ya has respondido a esta encuesta: ¡gracias! Escribe HELP para ver qué más hacemos."
        ),
        "Sorry, that survey is closed now. Thank you for wanting to take part.": (
            "Lo siento, esa encuesta ya está cerrada. Gracias por querer participar."
        ),
        "Thank you.": "Gracias.",
        # Demographic bands
        "Under 12": "Menos de 12",
        "12 to 13": "12 a 13",
        "14 to 15": "14 a 15",
        "16 to 17": "16 a 17",
        "18 to 21": "18 a 21",
        "22 or over": "22 o más",
        "Girl or young woman": "Chica o mujer joven",
        "Boy or young man": "Chico u hombre joven",
        "Non-binary": "No binario",
        "In another way": "De otra forma",
        "Prefer not to say": "Prefiero no decirlo",
        # The results page ("you said, we did")
        "You said, we did": "Lo que dijiste, lo que hicimos",
        "About {count} young people answered this survey.": (
            "Unos {count} jóvenes respondieron a esta encuesta."
        ),
        "Fewer than {count} young people answered this survey.": (
            "Menos de {count} jóvenes respondieron a esta encuesta."
        ),
        "Here is what they said, what the safeguarding board said back, and what it is doing "
        "about it.": (
            "Aquí está lo que dijeron, lo que respondió la junta de protección de la infancia y "
            "lo que está haciendo al respecto."
        ),
        "published {date}": "publicado el {date}",
        "A number under {count} is not shown, so nobody can be picked out.": (
            "No mostramos los números menores de {count}, para que nadie pueda ser identificado."
        ),
        "Answer": "Respuesta",
        "Young people": "Jóvenes",
        "Percent": "Porcentaje",
        "What people wrote about": "Sobre qué escribieron",
        "What the board said": "Lo que dijo la junta",
        "What the board is doing": "Lo que está haciendo la junta",
        "The board has not agreed any actions yet.": "La junta aún no ha acordado ninguna acción.",
        "Planned": "Prevista",
        "Under way": "En marcha",
        "Done": "Hecha",
        "Not done": "No hecha",
        "Who": "Quién",
        "By": "Para",
        "Why not": "Por qué no",
        "Keep up with it": "Sigue las novedades",
        "Bookmark this page: it changes when an action moves on. If you use our texts, text "
        "UPDATES to get a short text when it does (text UPDATES OFF to stop).": (
            "Guarda esta página: cambia cuando una acción avanza. Si usas nuestros mensajes, "
            "envía UPDATES y te mandaremos un mensaje corto cuando pase (envía UPDATES OFF para "
            "dejar de recibirlos)."
        ),
        "The figures on this page as a spreadsheet (CSV)": (
            "Las cifras de esta página en una hoja de cálculo (CSV)"
        ),
        "Worried about something? Talk to Childline, free, any time: 0800 1111.": (
            "¿Te preocupa algo? Habla con Childline, gratis, a cualquier hora: 0800 1111."
        ),
        "{day} {month} {year}": "{day} de {month} de {year}",
        **dict(zip(MONTHS, SPANISH_MONTHS, strict=True)),
    },
    "pt": {
        "Skip to main content": "Ir para o conteúdo principal",
        "Exit this page": "Sair desta página",
        "Help is here": "Aqui tens ajuda",
        "Language": "Língua",
        "Start": "Começar",
        "Your privacy": "A tua privacidade",
        "Your answers so far have gone (the survey changed, or a long time passed). Please "
        "start again.": (
            "As tuas respostas perderam-se (o questionário mudou ou passou muito tempo). "
            "Começa outra vez, por favor."
        ),
        "Back": "Voltar",
        "Error:": "Erro:",
        "There is a problem": "Há um problema",
        "Question {number} of {total}": "Pergunta {number} de {total}",
        " (you can skip this one)": " (podes saltar esta)",
        "Select all that apply.": "Escolhe todas as que se aplicam.",
        "Up to {count} characters.": "Até {count} caracteres.",
        "Continue": "Continuar",
        "Send your answers": "Envia as tuas respostas",
        "That's every question. You can go back to change an answer, or send them now. Once "
        "sent, they can't be changed.": (
            "São todas as perguntas. Podes voltar atrás para mudar uma resposta, ou enviá-las "
            "agora. Depois de enviadas, não podem ser mudadas."
        ),
        "Send my answers": "Enviar as minhas respostas",
        "Answer this question before you send your answers.": (
            "Responde a esta pergunta antes de enviares as tuas respostas."
        ),
        "Answers sent": "Respostas enviadas",
        "Your answers have been sent": "As tuas respostas foram enviadas",
        "If anything in this survey worried you, you can talk to Childline, free, any time: "
        "0800 1111.": (
            "Se alguma coisa neste questionário te preocupou, podes falar com a Childline, "
            "grátis, a qualquer hora: 0800 1111."
        ),
        "Already sent": "Já enviadas",
        "Already answered": "Já respondido",
        "Your answers were already sent": "As tuas respostas já foram enviadas",
        "They were kept once. Sending them again changes nothing.": (
            "Foram guardadas uma vez. Enviá-las outra vez não muda nada."
        ),
        "You've already answered this survey": "Já respondeste a este questionário",
        "Closed": "Fechado",
        "This survey is closed": "Este questionário está fechado",
        "Thank you for wanting to take part. Look out for the next one from the Changemakers.": (
            "Obrigado por quereres participar. Fica atento/a ao próximo dos Changemakers."
        ),
        "That was quicker than anyone could read the questions. Please check your answers, "
        "then send them again.": (
            "Foi mais rápido do que alguém consegue ler as perguntas. Revê as tuas respostas e "
            "envia-as outra vez, por favor."
        ),
        "You haven't answered any question yet. Go back and answer at least one.": (
            "Ainda não respondeste a nenhuma pergunta. Volta atrás e responde pelo menos a uma."
        ),
        "Your answers are anonymous, so we cannot reply to you here, but a member of our team "
        "will read what you wrote.": (
            "As tuas respostas são anónimas, por isso não te podemos responder aqui, mas uma "
            "pessoa da nossa equipa vai ler o que escreveste."
        ),
        "Select at least one answer, or choose the closest one": (
            "Escolhe pelo menos uma resposta, ou a mais próxima"
        ),
        "Enter an answer": "Escreve uma resposta",
        "Select an answer": "Escolhe uma resposta",
        "Choose from the options given": "Escolhe entre as opções dadas",
        "Your answer must be {count} characters or fewer": (
            "A tua resposta deve ter {count} caracteres ou menos"
        ),
        "This one needs an answer, sorry. ": "Esta precisa de uma resposta, desculpa. ",
        "Please type your answer. ": "Escreve a tua resposta, por favor. ",
        "Sorry, we didn't get that. ": "Desculpa, não percebemos. ",
        "Reply with the numbers of all that apply, such as 1 3 (from 1 to {count}).": (
            "Responde com os números de todas as que se aplicam, como 1 3 (de 1 a {count})."
        ),
        "Reply with a number from {low} to {high}.": "Responde com um número de {low} a {high}.",
        "Please answer with a number from {low} to {high}.": (
            "Responde com um número de {low} a {high}, por favor."
        ),
        "A number from {low} to {high}.": "Um número de {low} a {high}.",
        " Or SKIP.": " Ou SKIP para saltar.",
        "You've already answered this survey: thank you! Text HELP to see what else we do.": (
            "Já respondeste a este questionário: obrigado! Escreve HELP para ver o que mais "
            "fazemos."
        ),
        "Sorry, that survey is closed now. Thank you for wanting to take part.": (
            "Desculpa, esse questionário já está fechado. Obrigado por quereres participar."
        ),
        "Thank you.": "Obrigado.",
        "Under 12": "Menos de 12",
        "12 to 13": "12 a 13",
        "14 to 15": "14 a 15",
        "16 to 17": "16 a 17",
        "18 to 21": "18 a 21",
        "22 or over": "22 ou mais",
        "Girl or young woman": "Menina ou mulher jovem",
        "Boy or young man": "Menino ou homem jovem",
        "Non-binary": "Não binário",
        "In another way": "De outra forma",
        "Prefer not to say": "Prefiro não dizer",
        # The results page ("you said, we did")
        "You said, we did": "O que disseste, o que fizemos",
        "About {count} young people answered this survey.": (
            "Cerca de {count} jovens responderam a este inquérito."
        ),
        "Fewer than {count} young people answered this survey.": (
            "Menos de {count} jovens responderam a este inquérito."
        ),
        "Here is what they said, what the safeguarding board said back, and what it is doing "
        "about it.": (
            "Aqui está o que disseram, o que o conselho de proteção de crianças respondeu e o que "
            "está a fazer."
        ),
        "published {date}": "publicado a {date}",
        "A number under {count} is not shown, so nobody can be picked out.": (
            "Números abaixo de {count} não são mostrados, para que ninguém possa ser identificado."
        ),
        "Answer": "Resposta",
        "Young people": "Jovens",
        "Percent": "Percentagem",
        "What people wrote about": "Sobre o que escreveram",
        "What the board said": "O que o conselho disse",
        "What the board is doing": "O que o conselho está a fazer",
        "The board has not agreed any actions yet.": "O conselho ainda não acordou nenhuma ação.",
        "Planned": "Prevista",
        "Under way": "Em curso",
        "Done": "Feita",
        "Not done": "Não feita",
        "Who": "Quem",
        "By": "Até",
        "Why not": "Porque não",
        "Keep up with it": "Acompanha as novidades",
        "Bookmark this page: it changes when an action moves on. If you use our texts, text "
        "UPDATES to get a short text when it does (text UPDATES OFF to stop).": (
            "Guarda esta página: muda quando uma ação avança. Se usas as nossas mensagens, envia "
            "UPDATES e recebes uma mensagem curta quando isso acontecer (envia UPDATES OFF para "
            "parar)."
        ),
        "The figures on this page as a spreadsheet (CSV)": (
            "Os números desta página numa folha de cálculo (CSV)"
        ),
        "Worried about something? Talk to Childline, free, any time: 0800 1111.": (
            "Estás preocupado com alguma coisa? Fala com a Childline, grátis, a qualquer hora: "
            "0800 1111."
        ),
        "{day} {month} {year}": "{day} de {month} de {year}",
        **dict(zip(MONTHS, PORTUGUESE_MONTHS, strict=True)),
    },
}


def say(english: str, language: str, **values: object) -> Localised:
    """``english`` in ``language`` (or in English where it has no translation), with
    ``{placeholders}`` filled in."""
    own = PHRASES.get(language, {}).get(english) if language != ENGLISH else None
    text, lang = (own, language) if own else (english, ENGLISH)
    return Localised(text.format(**values) if values else text, lang)


def date_in_words(day: date, language: str) -> Localised:
    """A date as ``language`` writes it ("31 March 2027", "31 de marzo de 2027")."""
    month = say(MONTHS[day.month - 1], language)
    return say("{day} {month} {year}", language, day=day.day, month=month, year=day.year)
