"""Text for chat platforms: characters as people see them, shortening titles, splitting long messages."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from parley.channels.text import ELLIPSIS, graphemes, platform_length, shorten, split_text, split_with_tail

SKIN_TONE_THUMB = "👍🏽"
FAMILY = "👨\u200d👩\u200d👧"
SPAIN = "🇪🇸"
KEYCAP_ONE = "1\ufe0f\u20e3"
E_ACUTE = "e\u0301"  # e + combining acute accent
KSHA = "क्ष"  # Devanagari conjunct: ka + virama + ssa
HANGUL_JAMO = "\u1112\u1161\u11ab"  # 한 written as three jamo


@pytest.mark.parametrize("character", [SKIN_TONE_THUMB, FAMILY, SPAIN, KEYCAP_ONE, E_ACUTE, KSHA, HANGUL_JAMO])
def test_a_user_perceived_character_is_one_grapheme(character):
    assert graphemes(f"a{character}b") == ["a", character, "b"]


def test_flags_pair_up_regional_indicators():
    assert graphemes("🇪🇸🇫🇷🇩🇪") == ["🇪🇸", "🇫🇷", "🇩🇪"]


def test_length_is_counted_strictly_in_utf16_units():
    assert platform_length("Yes") == 3
    assert platform_length("👍") == 2  # outside the BMP: two UTF-16 units
    assert platform_length(SKIN_TONE_THUMB) == 4
    assert platform_length("订单") == 2


def test_a_title_that_fits_is_kept_as_it_is():
    assert shorten("Talk to a person", 20) == "Talk to a person"


def test_a_long_title_is_shortened_at_a_word_boundary_with_an_ellipsis():
    assert shorten("Track my parcel delivery status", 20) == "Track my parcel…"
    assert shorten("Stornierung der Bestellung und Rückerstattung", 24) == "Stornierung der…"


def test_shortening_never_leaves_a_dangling_comma_before_the_ellipsis():
    assert shorten("Returns, refunds and exchanges", 12) == "Returns…"


def test_a_single_long_word_is_cut_between_characters():
    assert shorten("Kundenservicemitarbeiterin", 20) == "Kundenservicemitarb…"


def test_chinese_and_japanese_are_cut_at_a_character_boundary():
    assert shorten("订单状态查询和退款申请处理中心以及其他服务", 12) == "订单状态查询和退款申请…"
    assert shorten("ご注文の配送状況を確認したいです", 10) == "ご注文の配送状況を…"


def test_arabic_is_shortened_between_words():
    assert shorten("إلغاء الطلب واسترداد المبلغ المدفوع", 20) == "إلغاء الطلب…"


def test_emoji_with_skin_tone_is_never_cut_in_half():
    shortened = shorten(SKIN_TONE_THUMB * 10, 20)
    assert shortened == SKIN_TONE_THUMB * 4 + ELLIPSIS
    assert platform_length(shortened) <= 20


def test_an_accent_stays_with_its_letter():
    word = "Cre\u0300mebru\u0302le\u0301e"  # decomposed: each accent is a character of its own
    assert shorten(word, 5) == "Cre\u0300…"
    assert shorten(word, 4) == "Cr…"  # not "Cre…": the e would lose its accent


def test_titles_are_one_line():
    assert shorten("Where is\nmy   order?", 24) == "Where is my order?"


def test_long_text_is_split_at_sentences():
    text = "First sentence here. Second one follows! Third? Fourth sentence closes it."
    assert split_text(text, 45) == ["First sentence here. Second one follows!", "Third? Fourth sentence closes it."]


def test_chinese_text_is_split_after_a_full_stop():
    text = "您的订单已发货。" * 10
    parts = split_text(text, 30)
    assert all(part.endswith("。") for part in parts)
    assert "".join(parts) == text


def test_split_with_tail_keeps_as_much_as_fits_in_the_tail():
    leading, tail = split_with_tail("One. Two. Three. Four.", 100, 12)
    assert leading == ["One. Two."]
    assert tail == "Three. Four."


def test_split_with_tail_leaves_short_text_whole():
    assert split_with_tail("Short.", 100, 12) == ([], "Short.")


characters = st.one_of(
    st.characters(blacklist_categories=("Cs",)),
    st.sampled_from([SKIN_TONE_THUMB, FAMILY, SPAIN, KEYCAP_ONE, E_ACUTE, KSHA, " ", ". ", "。", "\n"]),
)
texts = st.lists(characters, max_size=200).map("".join)


@settings(max_examples=300)
@given(text=texts, limit=st.integers(min_value=2, max_value=40))
def test_shortening_respects_the_limit_and_never_splits_a_character(text, limit):
    shortened = shorten(text, limit)

    assert platform_length(shortened) <= limit
    kept = shortened.removesuffix(ELLIPSIS)
    # What is kept is whole characters from the start of the (one-line) title.
    flat = " ".join(text.split())
    clusters = graphemes(flat)
    assert kept == "".join(clusters[: len(graphemes(kept))])


@settings(max_examples=300)
@given(text=texts)
def test_shortening_agrees_with_the_unicode_grapheme_rules(text):
    regex = pytest.importorskip("regex")
    flat = " ".join(text.split())
    kept = shorten(flat, 16).removesuffix(ELLIPSIS)
    boundaries = {0}
    offset = 0
    for cluster in regex.findall(r"\X", flat):
        offset += len(cluster)
        boundaries.add(offset)
    assert len(kept) in boundaries


@settings(max_examples=200)
@given(text=texts, limit=st.integers(min_value=8, max_value=60))
def test_split_parts_fit_and_lose_no_words(text, limit):
    parts = split_text(text, limit)

    assert all(platform_length(part) <= limit for part in parts)
    assert "".join("".join(parts).split()) == "".join(text.split())
