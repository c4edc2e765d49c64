"""What a message asks for: from a tapped choice's payload (no NLU needed), else from its words: each request it
makes (nlu.segmenting) with its intent, a calibrated confidence and the order number it names, the two likeliest
requests when the model is too unsure to pick one (nlu.ambiguity), and the language asked for when the customer wants
another one."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from parley.channels.model import PAYLOAD_KINDS, InboundMessage, MessageKind
from parley.dialogue.flow import ORDER_PAYLOAD
from parley.language.names import named_language
from parley.nlu.ambiguity import two_likeliest
from parley.nlu.entities import OrderIdFinder
from parley.nlu.intents import Intent, LinearIntents
from parley.nlu.segmenting import Part, Segmenter

# A calibrated probability: below it, an order number in the message outweighs the words' intent.
SURE = 0.6
# Words besides an order number that still leave it bare ("status ORD-104233?", "what about #104233").
BARE_WORDS = 3
# Payloads of the choices Parley offers are "<action>:<argument>"; they come back when a choice is tapped. Each
# flow declares its own (dialogue.registry routes them); these two the engine reads itself: "intent:<intent>" asks
# for that request, and the language menu's "lang:<code>" says which language (ChangeLanguage declares it).
INTENT_PAYLOAD = "intent:"
LANGUAGE_PAYLOAD = "lang:"


@dataclass(frozen=True)
class Request:
    """One request of a message: its words, what they ask for, how sure the model is, and the order they name."""

    text: str
    intent: Intent
    confidence: float
    order_id: str | None
    # The two likeliest requests, likeliest first, when the model is too unsure to pick one: Parley asks which.
    unsure: tuple[Intent, Intent] | None = None


class RequestReader:
    def __init__(
        self,
        intents: LinearIntents,
        order_ids: OrderIdFinder,
        native: frozenset[str],
        payload_intent: Callable[[str], Intent | None] = lambda payload: None,
    ) -> None:
        """`payload_intent`: what a flow's payload asks for (FlowRegistry.payload_intent)."""
        self._intents = intents
        self._order_ids = order_ids
        self._native = native
        self._payload_intent = payload_intent
        self._segmenter = Segmenter(intents)

    def read(self, message: InboundMessage, text: str, language: str | None = None) -> tuple[Request, ...]:
        """The message's requests in the order written, at least one: from a tapped choice's payload when there is
        one (no NLU needed), otherwise from the words (`text`: the message's, or their English translation, in
        `language`; None when unknown)."""
        payload = message.payload if message.kind in PAYLOAD_KINDS else ""
        # Also a button of an earlier answer, once its flow is over.
        tapped = self._payload_intent(payload) if payload else None
        if tapped is not None:
            # An order choice names its order, whichever flow offered it.
            named = payload.removeprefix(ORDER_PAYLOAD) if payload.startswith(ORDER_PAYLOAD) else ""
            return (Request(text, tapped, 1.0, self._order_ids.normalise(named) if named else None),)
        if payload.startswith(INTENT_PAYLOAD) and payload.removeprefix(INTENT_PAYLOAD) in Intent.__members__.values():
            return (Request(text, Intent(payload.removeprefix(INTENT_PAYLOAD)), 1.0, None),)
        # A business's own template buttons carry payloads we do not know: their title is the customer's words.
        order_id = self._order_ids.find(message.text) or self._order_ids.find(text)
        if message.kind is MessageKind.FORM:
            # A form's answers are one request whatever their fields say ("reason: Delivery address changed"): a
            # person reads them.
            return (self._one(Part(text, *self._classified(text)), order_id),)
        parts = self._segmenter.split(text, language)
        if len(parts) > 1:
            # Each request keeps the order number it names; one named only in the customer's own words (a
            # translation lost it) goes with the first.
            named_ids = [self._order_ids.find(part.text) for part in parts]
            if order_id and not any(named_ids):
                named_ids[0] = order_id
            return tuple(Request(p.text, p.intent, p.confidence, o) for p, o in zip(parts, named_ids, strict=True))
        return (self._one(parts[0], order_id),)

    def _classified(self, text: str) -> tuple[Intent, float]:
        classified = self._intents.classify(text)
        return classified.intent, classified.confidence

    def _one(self, part: Part, order_id: str | None) -> Request:
        probabilities = self._intents.probabilities(part.text)
        unsure = two_likeliest(probabilities, names_order=order_id is not None)
        if unsure is not None:
            # Asked rather than guessed; the customer's choice goes with the order number it names.
            return Request(part.text, unsure[0], round(probabilities[unsure[0].value], 4), order_id, unsure)
        intent = part.intent
        # A bare order number, or one with little else around it, means "what about this order?"; a sentence
        # around it says what it wants even when the model is less sure ("ich möchte die Bestellung … zurücksenden").
        small_talk = {Intent.GREETING, Intent.THANKS, Intent.GOODBYE, Intent.ORDER_STATUS}
        bare = len(self._order_ids.without(part.text).split()) <= BARE_WORDS
        unsure_of_it = intent is Intent.OUT_OF_SCOPE or (part.confidence < SURE and bare)
        if order_id and intent not in small_talk and unsure_of_it:
            intent = Intent.ORDER_STATUS
        return Request(part.text, intent, part.confidence, order_id)

    def requested_language(self, message: InboundMessage, understood: str) -> str | None:
        """The language a language-menu choice or the customer's own words (or their English translation)
        ask for, if Parley speaks it."""
        native = self._native
        if message.kind in PAYLOAD_KINDS and message.payload.startswith(LANGUAGE_PAYLOAD):
            code = message.payload.removeprefix(LANGUAGE_PAYLOAD)
            return code if code in native else None
        return named_language(message.text, native) or named_language(understood, native)
