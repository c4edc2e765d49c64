"""The understanding parts (catalogs, language detection, intent model, entity finders, the translation pivot and
the troubleshooting guides), loaded once per execution environment."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from parley.config import Settings, load_translation_key
from parley.wiring.aws import secret_fetcher

if TYPE_CHECKING:
    from parley.dialogue.language_policy import ConversationLanguage
    from parley.i18n import Catalogs
    from parley.language.detector import LangdetectDetector
    from parley.language.lexicon import Lexicon
    from parley.language.translation import TranslationPivot
    from parley.nlu.entities import OrderIdFinder
    from parley.nlu.intents import LinearIntents
    from parley.support.account_help import AccountHelp
    from parley.support.guides import Guides


def translation_pivot(
    settings: Settings, order_ids: OrderIdFinder, fetch_secret: Callable[[str], str] | None = None
) -> TranslationPivot | None:
    """The translation pivot for languages without a catalog; None when TRANSLATION_PROVIDER is "none".

    Nothing here reaches the provider or Secrets Manager: the key is read when a first translation needs it."""
    from parley.data.dynamo_translation_cache import DynamoTranslationCache
    from parley.language.protect import Protector
    from parley.language.providers import build_translation_pivot

    if settings.translation_provider == "none":
        return None
    fetch_secret = fetch_secret or secret_fetcher(settings)
    return build_translation_pivot(
        settings.translation_provider,
        lambda: load_translation_key(settings, fetch_secret=fetch_secret),
        DynamoTranslationCache(),
        Protector(order_ids),
        deadline_seconds=settings.translation_deadline_seconds,
        ttl_days=settings.translation_cache_days,
        region=settings.translation_region or None,
    )


@dataclass(frozen=True)
class UnderstandingParts:
    catalogs: Catalogs
    detector: LangdetectDetector
    lexicon: Lexicon
    language: ConversationLanguage
    intents: LinearIntents
    order_ids: OrderIdFinder


def understanding_parts(settings: Settings) -> UnderstandingParts:
    """Catalogs, language detector, intent model and entity finders: loaded once per execution environment."""
    from parley.dialogue.language_policy import ConversationLanguage
    from parley.i18n import load_catalogs
    from parley.language.detector import LangdetectDetector
    from parley.nlu.artifact import load_or_train
    from parley.nlu.entities import OrderIdFinder

    catalogs = load_catalogs(
        Path(settings.locales_dir) if settings.locales_dir else None, default_language=settings.default_language
    )
    detector, lexicon = LangdetectDetector(catalogs.languages), catalogs.lexicon()
    return UnderstandingParts(
        catalogs=catalogs,
        detector=detector,
        lexicon=lexicon,
        language=ConversationLanguage(detector, lexicon, catalogs.languages, catalogs.default_language),
        intents=load_or_train(
            catalogs.examples(),
            Path(settings.intent_model_path) if settings.intent_model_path else None,
            save=settings.intent_model_save,
        ),
        order_ids=OrderIdFinder(settings.order_id_pattern),
    )


def configured_guides(settings: Settings) -> Guides:
    """The troubleshooting guides: PARLEY_GUIDES_DIR's (the layer's, in Lambda), else the repository's."""
    from parley.support.guides import load_guides

    return load_guides(Path(settings.guides_dir) if settings.guides_dir else None)


def configured_account_help(settings: Settings) -> AccountHelp:
    """The account help files: the `account` folder of PARLEY_GUIDES_DIR (the layer's, in Lambda), else the
    repository's."""
    from parley.support.account_help import load_account_help

    return load_account_help(Path(settings.guides_dir) if settings.guides_dir else None)


def build_understanding(settings: Settings) -> Callable[[str], dict[str, Any]]:
    """What `parley nlu classify` prints for one text, read exactly as the dialogue engine reads a customer's first
    message (dialogue.understanding): the language it is written in (and `requested_language`, the one it asks to
    be answered in, if any), the intent, its confidence and the entities; the requests it
    makes (`requests`: words, intent, confidence and order number of each, one for a message of one request), and
    `clarify`: the two likeliest requests when Parley would ask which one is meant instead of answering (else null).
    Messages in a language without a catalog are read untranslated here (no translation provider is called)."""
    from parley.channels.model import Channel, InboundMessage
    from parley.dialogue.understanding import Reader, Understanding
    from parley.nlu.extraction import EntityExtractor

    parts = understanding_parts(settings)
    extractor = EntityExtractor(parts.order_ids, parts.catalogs.languages)
    reader = Reader(
        Understanding(parts.catalogs, parts.language, parts.intents, parts.order_ids),
        payload_intent=lambda payload: None,
        names_in=lambda text: (),
    )

    def understand(text: str) -> dict[str, Any]:
        # A first message with nothing else to go on: the detector's best guess stands where a WhatsApp number's
        # country would ("merci", "مرحبا" are too short for it to be sure, yet plainly French and Arabic).
        # The catalogs' words come first ("obg", "grz": chat no detector was trained on).
        guess = parts.detector.guess(text)
        message = InboundMessage(Channel.WHATSAPP, "", "", 0, text=text)
        hint = parts.language.guess(text) or (guess.language if guess else None)
        reading = reader.read(message, None, None, hint=hint)
        entities = extractor.extract(text)
        # The language the message is written in; the one it asks to be answered in, when it asks for another.
        written = parts.language.choose(text, None, None, hint) if reading.requested_language else reading.language
        return {
            "language": written,
            "requested_language": reading.requested_language,
            "intent": reading.intent.value,
            "confidence": reading.confidence,
            "entities": entities,
            "requests": [
                {"text": r.text, "intent": r.intent.value, "confidence": r.confidence, "order_id": r.order_id}
                for r in reading.requests
            ],
            "clarify": [intent.value for intent in reading.unsure] if reading.unsure else None,
        }

    return understand
