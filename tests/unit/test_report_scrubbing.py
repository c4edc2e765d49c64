"""What the report may show of an unrecognised text: common words only. Names of anyone, addresses, numbers in
digits or words, emails, links, cards and IBANs become placeholders (`make bench` measures leaks on a generated
adversarial set; these are the cases each rule is for)."""

from __future__ import annotations

import pytest

from parley.privacy.scrubbing import anonymise, normalise


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("where is my parcel?", "where is my parcel"),
        ("my neighbour Joanna Kowalska took my parcel", "my neighbour [name] took my parcel"),
        ("MY NEIGHBOUR JOANNA KOWALSKA TOOK MY PARCEL", "my neighbour [name] took my parcel"),
        ("please deliver to 12 Baker Street, thanks", "please deliver to [address], thanks"),
        ("call me on +34 612 345 678", "call me on #"),
        ("call me on 612.345.678", "call me on #"),
        ("call me on six one two three four five", "call me on #"),
        ("meu telefone é cinco dois três nove seis um zero quatro dois", "meu telefone é #"),
        ("il mio numero è due due sette nove otto", "il mio numero è #"),
        ("bel me op acht een vijf zeven", "bel me op #"),
        ("write to ana.lopez@example.com", "write to [email]"),
        ("pay to ES91 2100 0418 4502 0005 1332 please", "pay to [iban] please"),
        ("you charged my card 4111 1111 1111 1111 twice", "you charged my card [card] twice"),
        ("the payment is due on friday", "the payment is due on friday"),
    ],
)
def test_the_report_keeps_common_words_and_nothing_personal(text, shown) -> None:
    assert normalise(text) == shown


def test_a_rare_word_becomes_a_placeholder_and_anonymising_again_changes_nothing() -> None:
    key = normalise("ask Blatherwickshire about it")

    assert "blatherwick" not in key
    assert anonymise(key).casefold() == key
