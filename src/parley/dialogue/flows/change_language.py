"""Another language: the one asked for ("in Spanish, please"; the engine has already switched the reply to it), or a
menu of the languages Parley speaks, each in its own name."""

from __future__ import annotations

from parley.channels.replies import Choice
from parley.dialogue.flow import Ask, Flow, FlowStep, register
from parley.dialogue.reading import LANGUAGE_PAYLOAD
from parley.language.names import own_name
from parley.nlu.intents import Intent


@register
class ChangeLanguage(Flow):
    name = "change_language"
    intents = (Intent.CHANGE_LANGUAGE,)
    payloads = (LANGUAGE_PAYLOAD,)
    reported = False  # an answer of one message

    def start(self, ask: Ask) -> FlowStep:
        catalog = ask.catalog
        if ask.requested_language:
            return FlowStep(catalog.render("language.switched"))
        return FlowStep(
            catalog.render("language.menu"),
            choices=tuple(
                Choice(f"{LANGUAGE_PAYLOAD}{code}", own_name(code), verbatim=True) for code in sorted(ask.languages)
            ),
            menu_label=catalog.render("menu.languages"),
        )
