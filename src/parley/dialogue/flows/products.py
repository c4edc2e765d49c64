"""Questions about products, from anyone: found by SKU, name or the sizes and colours asked for; the price, whether it
is in stock, the sizes and colours a model comes in, and, for a customer who opted in to offers, one thing that goes
with it.

Products of one model are variants sharing a name ("Trailhead Rain Jacket" in blue M, red S…). The product just
discussed stays in the flow's slots, so "and in L?" or "how much is it?" is about it.
"""

from __future__ import annotations

from decimal import Decimal

from parley.channels.model import PAYLOAD_KINDS
from parley.channels.replies import Choice
from parley.dialogue.flow import Ask, Flow, FlowStep, present, register
from parley.dialogue.ports import DialoguePorts
from parley.dialogue.product_query import (
    ATTRIBUTE_WORDS,
    Asked,
    Query,
    decode,
    encode,
    fits,
    is_plan,
    merged,
    shown_attributes,
)
from parley.domain.ports import ProductCatalog
from parley.domain.records import Product
from parley.domain.rules import may_promote
from parley.folding import fold
from parley.i18n import Catalog
from parley.language.translation import PIVOT_LANGUAGE
from parley.nlu.intents import Intent

FLOW = "products"
ABOUT = "about"  # a product was discussed: the next question may be about it
WHICH = "which_product"  # several products matched: the customer picks one
FIND = "find"  # nothing matched: the next message may be its name or SKU
PRODUCT_PAYLOAD = "product:"
# The engine's intent payload: a tap asks for a person.
PERSON_PAYLOAD = "intent:human_agent"
MAX_CHOICES = 10
LOW_STOCK = 3  # at most this many left: "only 3 left"
SHORT_DESCRIPTION = 160
_SEARCH_LIMIT = 50
# Besides product questions, what a message that only names a product may be read as ("Ribbed Beanie" is no thanks).
_MAYBE_PRODUCT = frozenset({Intent.PRODUCT_INFO, Intent.OUT_OF_SCOPE, Intent.GREETING, Intent.THANKS, Intent.GOODBYE})
_LIST_SEPARATORS = {"zh": "、", "ja": "、", "ar": "، "}
_VALUE_SEPARATOR = " / "
_SIZES = ("xxs", "xs", "s", "m", "l", "xl", "xxl", "xxxl")


def product_names_in(products: ProductCatalog, text: str) -> tuple[str, ...]:
    """The names of products written out in the text: they pass through machine translation as they are."""
    folded = fold(text)
    return tuple(dict.fromkeys(p.name for p in products.search(text, 10) if fold(p.name) in folded))


@register
class Products(Flow):
    name = FLOW
    intents = (Intent.PRODUCT_INFO,)
    needs_customer = False  # nothing personal: anyone may ask
    payloads = (PRODUCT_PAYLOAD,)
    uses = ("products",)

    def __init__(self, ports: DialoguePorts) -> None:
        super().__init__(ports)
        self._products = present(ports.products, "products")

    def names_in(self, text: str) -> tuple[str, ...]:
        return product_names_in(self._products, text)

    def start(self, ask: Ask) -> FlowStep:
        return self._answer(ask, must=True) or self._not_found(ask.catalog)

    def resume(self, ask: Ask) -> FlowStep | None:
        if ask.intent not in _MAYBE_PRODUCT and self._picked(ask) is None:
            return None  # another request: the engine routes it
        return self._answer(ask, must=ask.intent is Intent.PRODUCT_INFO)

    # ------------------------------------------------------------------------------------------------ finding

    def _answer(self, ask: Ask, *, must: bool) -> FlowStep | None:
        # What was asked for before "which one?" holds for the one picked ("anything in grey?" → the scarf).
        extra = decode(ask.slots.get("asked", "")) if ask.step == WHICH else {}
        picked = self._picked(ask)
        if picked is not None:
            return self._describe(ask, Query.read("", ask.catalog), self._model(picked), extra=extra)
        query = Query.read(ask.text, ask.catalog)
        hits = [p for p in self._products.search(query.search_text, _SEARCH_LIMIT) if not is_plan(p)]
        named = next((p for p in hits if query.names_sku(p.sku)), None)
        if named is not None:
            return self._describe(ask, query, self._model(named), reference=named, exact=True, others=hits)
        models = list({p.name: p for p in reversed(hits)}.values())[::-1]  # one per name, best first
        scores = {p.name: query.name_score(p.name) for p in models}
        best = max(scores.values(), default=0)
        if best > 0:
            return self._one_or_which(ask, query, [p for p in models if scores[p.name] == best], extra, hits)
        reference, exact = self._reference(ask)
        if reference is not None:
            variants = self._model(reference)
            if must or query.asked(variants) or self._keys_asked(query, variants):
                return self._describe(ask, query, variants, reference=reference, exact=exact, others=hits)
            return None
        having = [p for p in models if self._comes_in_asked(query, p)]
        if having:
            return self._one_or_which(ask, query, having, extra, hits)
        return self._not_found(ask.catalog) if must else None

    def _picked(self, ask: Ask) -> Product | None:
        """The product of a tapped choice, or the one a number answers the "which one?" with."""
        payload = ask.message.payload if ask.message.kind in PAYLOAD_KINDS else ""
        if payload.startswith(PRODUCT_PAYLOAD):
            return self._visible(self._products.get(payload.removeprefix(PRODUCT_PAYLOAD)))
        number = ask.text.strip().strip(".)#")
        offered = [s for s in ask.slots.get("offered", "").split(",") if s]
        if ask.step == WHICH and number.isdigit() and 1 <= int(number) <= len(offered):
            return self._visible(self._products.get(offered[int(number) - 1]))
        return None

    def _reference(self, ask: Ask) -> tuple[Product | None, bool]:
        """The product the message is about without naming it: the one the customer messages us from (WhatsApp's
        "Message business" on a product), else the one just discussed; and whether that is one exact variant."""
        referred = ask.message.referred_product
        if referred is not None:
            product = self._visible(self._products.get(referred.product_retailer_id))
            if product is not None:
                return product, True
        if ask.step == ABOUT and ask.slots.get("sku"):
            return self._visible(self._products.get(ask.slots["sku"])), ask.slots.get("exact") == "1"
        return None, False

    def _visible(self, product: Product | None) -> Product | None:
        return None if product is None or is_plan(product) else product

    def _model(self, product: Product) -> list[Product]:
        """Every variant of the product's model (the products sharing its name), sizes in their order."""
        found = [p for p in self._products.search(product.name, _SEARCH_LIMIT) if p.name == product.name]
        variants = {p.sku: p for p in [product, *found] if not is_plan(p)}
        keys = _varying(list(variants.values()))
        return sorted(variants.values(), key=lambda p: [_order(dict(p.attributes).get(k, "")) for k in keys])

    def _comes_in_asked(self, query: Query, product: Product) -> bool:
        """The message asks for sizes or colours of the product's model, and one of its variants has them."""
        variants = self._model(product)
        asked = query.asked(variants)
        return bool(asked) and any(fits(v, asked) for v in variants)

    @staticmethod
    def _keys_asked(query: Query, variants: list[Product]) -> list[str]:
        """The attributes asked about without a value ("what sizes do you have?")."""
        return [key for key in _varying(variants) if query.mentions(key)]

    # ------------------------------------------------------------------------------------------------ answering

    def _one_or_which(
        self, ask: Ask, query: Query, models: list[Product], extra: Asked, hits: list[Product]
    ) -> FlowStep:
        if len(models) > 1:
            # Several products: the ones that come in what was asked for, when some do.
            having = [p for p in models if self._comes_in_asked(query, p)]
            models = having or models
        if len(models) == 1:
            return self._describe(ask, query, self._model(models[0]), extra=extra, others=hits)
        catalog = ask.catalog
        asked: Asked = dict(extra)
        choices: list[Choice] = []
        for model in models[:MAX_CHOICES]:
            variants = self._model(model)
            wanted = query.asked(variants)
            asked = merged(asked, wanted)
            pick = next((v for v in variants if _available(v) and fits(v, wanted)), variants[0])
            price = _money(catalog, pick) or ""
            choices.append(Choice(f"{PRODUCT_PAYLOAD}{pick.sku}", pick.name, description=price, verbatim=True))
        slots = {"offered": ",".join(c.id.removeprefix(PRODUCT_PAYLOAD) for c in choices)}
        if asked:
            slots["asked"] = encode(asked)
        return FlowStep(
            catalog.render("product.which"),
            choices=tuple(choices),
            flow=FLOW,
            step=WHICH,
            slots=slots,
            protect=tuple(c.title for c in choices),
        )

    @staticmethod
    def _not_found(catalog: Catalog) -> FlowStep:
        return FlowStep(
            catalog.render("product.not_found"),
            choices=(Choice(PERSON_PAYLOAD, catalog.render("choice.talk_to_person")),),
            flow=FLOW,
            step=FIND,
        )

    def _describe(
        self,
        ask: Ask,
        query: Query,
        variants: list[Product],
        *,
        reference: Product | None = None,
        exact: bool = False,
        extra: Asked | None = None,
        others: list[Product] | None = None,
    ) -> FlowStep:
        """The answer about one model. `others`: products the search found, whose colours and sizes the customer
        may be asking for ("the jacket in black?": no jacket is black, a tee is)."""
        catalog, name = ask.catalog, variants[0].name
        keys = _varying(variants)
        own_keys = {k for v in variants for k, _ in shown_attributes(v)}
        asked = merged(query.asked([*variants, *(others or [])]), extra or {})
        asked = {k: values for k, values in asked.items() if k in own_keys}
        matching = [v for v in variants if fits(v, asked)]
        parts: list[str] = []
        chosen: Product | None = None  # one variant answered: its own price and stock
        shown = matching if asked and matching else variants
        wanted = _VALUE_SEPARATOR.join(_word(catalog, v) for k in asked for v in sorted(asked[k]))
        if asked and not matching:
            parts.append(catalog.render("product.not_in", product=name, wanted=wanted))
        if len(shown) == 1:
            chosen = shown[0]
        elif reference in variants and (asked or exact) and not set(self._keys_asked(query, variants)) - set(asked):
            chosen = _closest(reference, shown, [k for k in keys if k not in asked])
        if chosen is not None:
            parts.append(self._price(catalog, name, [chosen], _label(catalog, chosen, keys)))
        else:
            parts.append(self._price(catalog, name, shown, wanted if matching and asked else ""))
        description = (variants[0].description or "").strip()
        if description and len(description) <= SHORT_DESCRIPTION and catalog.language == PIVOT_LANGUAGE:
            parts.append(description)  # the shop writes descriptions in its own language
        if chosen is not None:
            parts.extend(_stock(catalog, chosen))
        else:
            parts.extend(_availability(catalog, shown, keys))
        subject = chosen or next((v for v in shown if _available(v)), shown[0])
        protect = [name]
        slots = {"sku": (chosen or (reference if reference in variants else None) or subject).sku}
        if chosen is not None:
            slots["exact"] = "1"
        suggestion = self._suggestion(subject, ask.slots.get("suggested", "")) if self._may_promote(ask) else None
        if suggestion is not None:
            parts.append(
                catalog.render("product.suggestion", product=suggestion.name, price=_money(catalog, suggestion))
            )
            protect.append(suggestion.name)
        if suggestion is not None or ask.slots.get("suggested"):
            slots["suggested"] = suggestion.sku if suggestion else ask.slots["suggested"]
        return FlowStep(
            catalog.sentences(parts), flow=FLOW, step=ABOUT, slots=slots, completed=True, protect=tuple(protect)
        )

    @staticmethod
    def _price(catalog: Catalog, name: str, shown: list[Product], variant: str) -> str:
        priced = [p for p in shown if p.price is not None and p.currency]
        if not priced:
            return catalog.render("product.price_unknown", product=name)
        cheapest = min(priced, key=lambda p: p.price or Decimal(0))
        price = _money(catalog, cheapest)
        if len({(p.price, p.currency) for p in priced}) > 1:
            return catalog.render("product.price_from", product=name, price=price)
        if variant:
            return catalog.render("product.variant_price", product=name, variant=variant, price=price)
        return catalog.render("product.price", product=name, price=price)

    def _may_promote(self, ask: Ask) -> bool:
        """A suggestion is promotional: only for a customer on file who opted in, as their record stands now (the
        conversation's copy may be minutes old, and an opt-out made in another conversation holds at once)."""
        customer = ask.customer
        if customer is None or not may_promote(customer):
            return False
        return may_promote(self.ports.customers.get(customer.customer_id))

    def _suggestion(self, product: Product, suggested: str) -> Product | None:
        """One thing that goes with the product: in stock, not a variant of it, not a plan, not said before."""
        other = self._products.complementary(product)
        if other is None or is_plan(other) or other.name == product.name or not _available(other):
            return None
        if other.sku == suggested or other.price is None or not other.currency:
            return None
        return other


# ------------------------------------------------------------------------------------------------ wording


def _money(catalog: Catalog, product: Product) -> str:
    if product.price is None or not product.currency:
        return ""
    return catalog.money(product.price, product.currency)


def _available(product: Product) -> bool:
    return product.stock is None or product.stock > 0


def _value(product: Product, key: str) -> str | None:
    return dict(shown_attributes(product)).get(key)


def _varying(variants: list[Product]) -> list[str]:
    """The attributes that tell a model's variants apart (colour, size), in the shop's order."""
    keys = list(dict.fromkeys(k for p in variants for k, _ in shown_attributes(p)))
    return [k for k in keys if len({_value(p, k) for p in variants}) > 1]


def _order(value: str) -> tuple[int, float, str]:
    folded = fold(value).strip()
    if folded in _SIZES:
        return (0, _SIZES.index(folded), folded)
    try:
        return (1, float(folded), folded)
    except ValueError:
        return (2, 0.0, folded)


def _word(catalog: Catalog, value: str) -> str:
    """A value of the shop's data in the customer's words ("blue" → "azul"); sizes and unknown words as they are."""
    if catalog.language == PIVOT_LANGUAGE or len(value) < 3:
        return value
    folded = fold(value)
    for word, meaning in catalog.word_maps.get(ATTRIBUTE_WORDS, {}).items():
        if fold(meaning) == folded:
            return word
    return value


def _closest(reference: Product, candidates: list[Product], keep: list[str]) -> Product | None:
    """ "In L?" about the blue M: the blue L, when there is exactly one."""
    closest = [v for v in candidates if all(_value(v, k) == _value(reference, k) for k in keep)]
    return closest[0] if len(closest) == 1 else None


def _label(catalog: Catalog, product: Product, keys: list[str]) -> str:
    values = [_value(product, k) for k in keys]
    return _VALUE_SEPARATOR.join(_word(catalog, v) for v in values if v)


def _stock(catalog: Catalog, product: Product) -> list[str]:
    if product.stock is None:
        return []
    if product.stock <= 0:
        return [catalog.render("product.out_of_stock")]
    if product.stock <= LOW_STOCK:
        return [catalog.render("product.low_stock", count=str(product.stock))]
    return [catalog.render("product.in_stock")]


def _availability(catalog: Catalog, shown: list[Product], keys: list[str]) -> list[str]:
    """Which variants can be bought (with "only 2 left") and which are out of stock."""
    separator = _LIST_SEPARATORS.get(catalog.language, ", ")
    available: list[str] = []
    sold_out: list[str] = []
    for product in shown:
        label = _label(catalog, product, keys) or product.sku
        if not _available(product):
            sold_out.append(label)
        elif product.stock is not None and product.stock <= LOW_STOCK:
            available.append(catalog.render("product.few_left", variant=label, count=str(product.stock)))
        else:
            available.append(label)
    parts = []
    if available:
        parts.append(catalog.render("product.available", variants=separator.join(available)))
    if sold_out:
        parts.append(catalog.render("product.sold_out", variants=separator.join(sold_out)))
    return parts
