"""The engine's first step: what a message says. The language to answer in (and the translation pivot for a language
without a catalog), then the request: from a tapped payload without NLU, else an intent with its confidence, an
order number, and the language asked for when the customer wants another one."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, replace

from parley.channels.model import PAYLOAD_KINDS, InboundMessage, MessageKind
from parley.channels.registry import CHANNELS
from parley.dialogue.interpreting import Interpreter, TranslationUse, Understood
from parley.dialogue.language_policy import ConversationLanguage
from parley.dialogue.problems import settled_intent
from parley.dialogue.reading import Request, RequestReader
from parley.domain.records import Customer
from parley.i18n import Catalog, Catalogs
from parley.language.translation import PIVOT_LANGUAGE
from parley.nlu.entities import OrderIdFinder
from parley.nlu.intents import Intent, LinearIntents
from parley.observability import logger

# The longest text a platform sends (WhatsApp 4,096 characters, Messenger 2,000): anything past it is not a
# customer's message but a test of our patience, and is not read. The message log keeps the whole message.
MAX_UNDERSTOOD = 4096
# Seconds understanding may take, well inside fulfillment's 30-second timeout (sending and saving come after it):
# past it, a message that would need machine translation is answered in English with the apology rather than wait.
# Identification and the intent model are linear in the (cut) text, so only translation can take this long.
UNDERSTANDING_BUDGET_SECONDS = 8.0

# Kinds that carry nothing Parley can act on yet, whatever their text: a helpful answer, in words.
UNREADABLE = frozenset({MessageKind.LOCATION, MessageKind.CONTACTS, MessageKind.UNSUPPORTED})
# Kinds that need no answer: a reaction to our message, a number change, a customer returning via a link.
SILENT_KINDS = frozenset({MessageKind.REACTION, MessageKind.SYSTEM, MessageKind.REFERRAL})
# Kinds whose words say nothing of the customer's language: a tapped button's title is ours, a form's field names
# are the business's.
_NO_LANGUAGE = PAYLOAD_KINDS | {MessageKind.FORM}


@dataclass(frozen=True)
class Understanding:
    """The language and understanding parts, loaded once per execution environment."""

    catalogs: Catalogs
    language: ConversationLanguage
    intents: LinearIntents
    order_ids: OrderIdFinder
    # None: no translation pivot; a language without a catalog then gets English after an apology.
    interpreter: Interpreter | None = None
    budget_seconds: float = UNDERSTANDING_BUDGET_SECONDS
    monotonic: Callable[[], float] = time.monotonic  # the budget's clock


@dataclass(frozen=True)
class Reading:
    """One message, understood."""

    language: str  # the language to answer in (may have no catalog: `foreign`)
    catalog: Catalog  # its catalog, or English formatted for its locale
    foreign: bool  # answered in English and translated on the way out
    text: str  # the words as understood: the message's, or their English translation
    translation: TranslationUse
    intent: Intent
    confidence: float
    order_id: str | None
    requested_language: str | None  # the language the customer asked for, when Parley speaks it
    # Every request of the message in the order written; the fields above are the first's (its words: `text`).
    requests: tuple[Request, ...] = ()

    @property
    def unsure(self) -> tuple[Intent, Intent] | None:
        """The two likeliest requests when the model could not pick one (Parley asks which)."""
        return self.requests[0].unsure if self.requests else None


class Reader:
    def __init__(
        self,
        parts: Understanding,
        payload_intent: Callable[[str], Intent | None],
        names_in: Callable[[str], tuple[str, ...]],
    ) -> None:
        """`payload_intent`: what a flow's payload asks for; `names_in`: names translation must leave alone."""
        self._catalogs = parts.catalogs
        self._language = parts.language
        self._requests = RequestReader(parts.intents, parts.order_ids, parts.catalogs.languages, payload_intent)
        self._names_in = names_in
        self._budget = parts.budget_seconds
        self._clock = parts.monotonic
        # Without a translation pivot, a language without a catalog gets English with an apology.
        self.interpreter = parts.interpreter or Interpreter(parts.catalogs.languages, parts.catalogs.apologies())

    def read(
        self,
        message: InboundMessage,
        remembered: str | None,
        customer: Customer | None,
        *,
        as_written: bool = False,
        hint: str | None = None,
    ) -> Reading:
        """`remembered`: the conversation's language so far; `customer`: the one on file, whose record has one;
        `as_written`: the message answers a question whose answer says nothing of language (an address), so it keeps
        the conversation's language and is not translated; `hint`: what suggests the language when the channel does
        not (`parley nlu classify`'s best guess). Reads at most MAX_UNDERSTOOD characters of the message, within the
        parts' time budget."""
        started = self._clock()
        if len(message.text) > MAX_UNDERSTOOD:
            logger.info("message cut before understanding", extra={"characters": len(message.text)})
            message = replace(message, text=message.text[:MAX_UNDERSTOOD])
        customer_language = customer.language if customer else None  # the policy normalises "pt-BR" to "pt"
        hint = self._channel_hint(message) or hint
        if message.kind in _NO_LANGUAGE or not message.text.strip() or as_written:
            # A tapped button says nothing about language; neither does a photo without a caption, nor an address.
            language = self._language.choose("", remembered, customer_language, hint)
            understood = Understood(message.text, TranslationUse.NOT_NEEDED)
        else:
            language = self._language.choose(message.text, remembered, customer_language, hint)
            if self.interpreter.needs_translation(language) and self._clock() - started >= self._budget:
                logger.warning("understanding over its time budget; not translating", extra={"language": language})
                understood = Understood(message.text, TranslationUse.FAILED)
            else:
                # A language without a catalog is understood in English (the pivot); a native one never is.
                names = self._names_in(message.text) if self.interpreter.needs_translation(language) else ()
                understood = self.interpreter.understand(message.text, language, names)
        # Joining words are looked for in the language of the words read: English once translated, every
        # language's when translation failed.
        translated = self.interpreter.needs_translation(language)
        words_in = (
            None if understood.translation is TranslationUse.FAILED else PIVOT_LANGUAGE if translated else language
        )
        requests = self._requests.read(message, understood.text, words_in)
        first = requests[0]
        intent = first.intent
        requested = (
            self._requests.requested_language(message, understood.text) if intent is Intent.CHANGE_LANGUAGE else None
        )
        language = requested or language
        foreign = self.interpreter.needs_translation(language)
        # Replies to a language without a catalog are written in English (dates and money in the customer's
        # locale) and translated on the way out.
        catalog = self._catalogs[PIVOT_LANGUAGE].formatting_for(language) if foreign else self._catalogs[language]
        several = len(requests) > 1
        text = first.text if several else understood.text
        if message.kind not in PAYLOAD_KINDS:
            # "It arrived damaged", "wrong item", "one is missing": a return, whatever else the words seemed to be.
            settled = settled_intent(intent, catalog, text if several else message.text, text, unsure=first.unsure)
            if settled is not None:
                intent = settled
                requests = (replace(first, intent=settled, unsure=None), *requests[1:])  # the words settle it
        return Reading(
            language, catalog, foreign, text, understood.translation, intent, first.confidence, first.order_id,
            requested, requests,
        )  # fmt: skip

    def _channel_hint(self, message: InboundMessage) -> str | None:
        # What the channel can tell of the sender's language: a WhatsApp number's (or username's) country, a locale.
        return CHANNELS[message.channel].language_hint(message, self._catalogs.languages)
