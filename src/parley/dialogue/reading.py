"""What a message asks for: from a tapped choice's payload (no NLU needed), else from its words: an intent with a
calibrated confidence, an order number, and the language asked for when the customer wants another one."""

from __future__ import annotations

from collections.abc import Callable

from parley.channels.model import PAYLOAD_KINDS, InboundMessage
from parley.dialogue.flow import ORDER_PAYLOAD
from parley.language.names import named_language
from parley.nlu.entities import OrderIdFinder
from parley.nlu.intents import Intent, LinearIntents

# A calibrated probability: below it, an order number in the message outweighs the words' intent.
SURE = 0.6
# Payloads of the choices Parley offers are "<action>:<argument>"; they come back when a choice is tapped. Each
# flow declares its own (dialogue.registry routes them); these two the engine reads itself: "intent:<intent>" asks
# for that request, and the language menu's "lang:<code>" says which language (ChangeLanguage declares it).
INTENT_PAYLOAD = "intent:"
LANGUAGE_PAYLOAD = "lang:"


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

    def read(self, message: InboundMessage, text: str) -> tuple[Intent, float, str | None]:
        """The intent, its confidence and an order id: from a tapped choice's payload when there is one
        (no NLU needed), otherwise from the words (`text`: the message's, or their English translation)."""
        payload = message.payload if message.kind in PAYLOAD_KINDS else ""
        # Also a button of an earlier answer, once its flow is over.
        tapped = self._payload_intent(payload) if payload else None
        if tapped is not None:
            # An order choice names its order, whichever flow offered it.
            named = payload.removeprefix(ORDER_PAYLOAD) if payload.startswith(ORDER_PAYLOAD) else ""
            return tapped, 1.0, self._order_ids.normalise(named) if named else None
        if payload.startswith(INTENT_PAYLOAD) and payload.removeprefix(INTENT_PAYLOAD) in Intent.__members__.values():
            return Intent(payload.removeprefix(INTENT_PAYLOAD)), 1.0, None
        # A business's own template buttons carry payloads we do not know: their title is the customer's words.
        classification = self._intents.classify(text)
        order_id = self._order_ids.find(message.text) or self._order_ids.find(text)
        intent = classification.intent
        # A bare order number, or one with little else around it, means "what about this order?"
        small_talk = {Intent.GREETING, Intent.THANKS, Intent.GOODBYE, Intent.ORDER_STATUS}
        unsure = intent is Intent.OUT_OF_SCOPE or classification.confidence < SURE
        if order_id and intent not in small_talk and unsure:
            intent = Intent.ORDER_STATUS
        return intent, classification.confidence, order_id

    def requested_language(self, message: InboundMessage, understood: str) -> str | None:
        """The language a language-menu choice or the customer's own words (or their English translation)
        ask for, if Parley speaks it."""
        native = self._native
        if message.kind in PAYLOAD_KINDS and message.payload.startswith(LANGUAGE_PAYLOAD):
            code = message.payload.removeprefix(LANGUAGE_PAYLOAD)
            return code if code in native else None
        return named_language(message.text, native) or named_language(understood, native)
