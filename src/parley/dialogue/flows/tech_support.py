"""Troubleshooting: the guide that fits the customer's problem, one step at a time with "did that help?", and a
person when the steps run out or no guide fits."""

from __future__ import annotations

from parley.channels.replies import Choice
from parley.dialogue.answers import CONFIRM_PAYLOAD, Answer
from parley.dialogue.flow import Ask, Flow, FlowStep, register
from parley.dialogue.ports import DialoguePorts
from parley.i18n import Catalog
from parley.nlu.intents import Intent
from parley.support.guides import Guide

FLOW = "tech_support"
STEP = "did_it_help"


@register
class TechSupport(Flow):
    name = FLOW
    intents = (Intent.TECH_SUPPORT,)
    uses = ("guides",)
    yes_no_steps = frozenset({STEP})

    def __init__(self, ports: DialoguePorts) -> None:
        super().__init__(ports)
        self._guides = ports.guides

    def start(self, ask: Ask) -> FlowStep:
        # The words in the catalog's language (the English translation for a language without a catalog).
        catalog = ask.catalog
        guide = self._guides.match(ask.text, catalog.language)
        if guide is None:
            # A problem no guide covers: a person, rather than a guess.
            return FlowStep(catalog.render("support.no_guide"), handoff="no_guide")
        intro = catalog.render("support.intro", title=guide.title(catalog.language))
        return self._step(catalog, guide, 0, intro)

    def resume(self, ask: Ask) -> FlowStep | None:
        catalog, slots = ask.catalog, ask.slots
        guide = self._guides.get(slots.get("guide", ""))
        if guide is None or ask.answer not in {Answer.YES, Answer.NO}:
            return None
        if ask.answer is Answer.YES:
            return FlowStep(catalog.render("support.solved"), completed=True)
        following = int(slots.get("step", "0")) + 1
        if following >= guide.step_count:
            return FlowStep(catalog.render("support.unsolved"), handoff="guide_failed")
        return self._step(catalog, guide, following, "")

    @staticmethod
    def _step(catalog: Catalog, guide: Guide, index: int, intro: str) -> FlowStep:
        steps = guide.steps_in(catalog.language)
        step = catalog.render("support.step", number=index + 1, total=len(steps), step=steps[index])
        text = "\n\n".join(part for part in (intro, step, catalog.render("support.did_it_help")) if part)
        return FlowStep(
            text,
            choices=(
                Choice(f"{CONFIRM_PAYLOAD}{Answer.YES.value}", catalog.render("choice.it_works")),
                Choice(f"{CONFIRM_PAYLOAD}{Answer.NO.value}", catalog.render("choice.still_broken")),
            ),
            flow=FLOW,
            step=STEP,
            slots={"guide": guide.id, "step": str(index)},
        )
