"""The words customers join two requests with, in each native language ("and", "also", "y de paso", "außerdem",
"还有", "وكمان"…): where nlu.segmenting may cut a message in two. A cut is only a candidate: it is kept when both
sides are requests of their own, so a word here that also joins two nouns ("black and white shoes") costs nothing but
one more look.

Like the order words of nlu.entities, these are the understanding's own knowledge of the languages, not reply texts:
a new native language adds its line here (a language without one is cut at every language's words)."""

from __future__ import annotations

JOINERS: dict[str, tuple[str, ...]] = {
    "en": ("and", "also", "and also", "plus", "and then", "then", "after that", "besides", "another thing",
           "one more thing", "while you're at it", "while you are at it", "by the way", "btw", "oh and", "as well as",
           "additionally", "in addition"),
    "es": ("y", "e", "además", "y además", "también", "y también", "de paso", "y de paso", "otra cosa",
           "y otra cosa", "aparte", "por cierto", "y luego", "luego", "después"),
    "pt": ("e", "também", "e também", "além disso", "aliás", "outra coisa", "e outra coisa", "aproveitando",
           "e aproveitando", "e depois", "depois", "por falar nisso", "ah e"),
    "fr": ("et", "aussi", "et aussi", "en plus", "de plus", "et puis", "puis", "et sinon", "sinon", "autre chose",
           "par ailleurs", "au fait", "ensuite", "également", "et également"),
    "de": ("und", "außerdem", "und außerdem", "auch", "und auch", "zudem", "dazu", "noch was", "noch etwas",
           "ach ja", "übrigens", "und dann", "danach", "und noch", "ebenso"),
    "it": ("e", "ed", "anche", "e anche", "inoltre", "e inoltre", "poi", "e poi", "già che ci siamo",
           "e già che ci siamo", "un'altra cosa", "altra cosa", "a proposito", "pure", "e pure"),
    "hi": ("और", "और हाँ", "और भी", "भी", "साथ ही", "इसके अलावा", "फिर", "उसके बाद", "aur", "aur haan", "aur han",
           "aur bhi", "bhi", "saath hi", "sath hi", "iske alawa", "phir", "uske baad"),
    "id": ("dan", "juga", "dan juga", "sekalian", "terus", "trus", "lalu", "sama", "selain itu", "oh iya", "oh ya",
           "satu lagi", "habis itu", "kemudian", "serta"),
    "ar": ("و", "وكمان", "كمان", "وأيضا", "وأيضاً", "أيضا", "أيضاً", "وايضا", "ايضا", "وبعدين", "بعدين", "وكذلك",
           "كذلك", "وبالإضافة", "بالإضافة", "ثم", "w", "kaman", "w kaman", "kman", "w kman", "aydan"),
    "tr": ("ve", "ayrıca", "ve ayrıca", "bir de", "bunun yanında", "ek olarak", "sonra", "ondan sonra",
           "bu arada", "hem de"),
    "ru": ("и", "а также", "также", "и также", "и ещё", "и еще", "ещё", "еще", "а ещё", "а еще", "кроме того",
           "плюс", "заодно", "и заодно", "потом", "а потом", "и потом"),
    "zh": ("还有", "另外", "以及", "并且", "而且", "顺便", "顺便问一下", "然后", "同时", "此外", "再"),
}  # fmt: skip

# Arabic writes "and" as a prefix of the next word ("ووقفوا": "and stop"): a word opening with it is a candidate too.
PREFIX_JOINERS: dict[str, tuple[str, ...]] = {"ar": ("و",)}


def joiners_of(language: str | None) -> tuple[str, ...]:
    """The language's joining words, longest first; every language's when it is unknown or has none here."""
    words = JOINERS.get(language or "") or tuple(w for words in JOINERS.values() for w in words)
    return tuple(sorted(set(words), key=len, reverse=True))


def prefix_joiners_of(language: str | None) -> tuple[str, ...]:
    if language in JOINERS:
        return PREFIX_JOINERS.get(language or "", ())
    return tuple(p for prefixes in PREFIX_JOINERS.values() for p in prefixes)
