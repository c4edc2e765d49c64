"""The words of an unrecognised message as they are kept for the report: no email, URL, id, number or name."""

from __future__ import annotations

import pytest

from parley.privacy.redaction import MAX_TEXT, redact


@pytest.mark.parametrize(
    ("text", "names", "kept", "gone"),
    [
        ("mail me at emily.carter@example.com please", (), "mail me at [email] please", ["emily.carter", "example"]),
        ("see https://shop.example.net/o/104233?x=1 and www.ups.com/track", (), "see [link] and [link]", ["shop."]),
        ("call me on +1 (415) 555-0123 tomorrow", (), "call me on # tomorrow", ["415", "0123"]),
        ("my psid is 5512345678901234", (), "my psid is #", ["5512345678901234"]),
        ("order ORD-104233 and invoice INV-9001", (), "order [id] and invoice [id]", ["104233", "9001"]),
        ("tracking 1Z999AA10123456784 or JJD000390007718", (), "tracking [id] or [id]", ["1Z999", "JJD"]),
        ("i am Emily Carter, emily for friends", ("Emily Carter",), "i am [name], [name] for friends", ["mily"]),
        ("Ich heiße AYŞE yılmaz", ("Ayşe Yılmaz",), "Ich heiße [name]", ["yılmaz", "AYŞE"]),
        ("это Дмитрий", ("Дмитрий Волков",), "это [name]", ["Дмитрий"]),
        ("ping @emily_c about it", (), "ping [handle] about it", ["emily_c"]),
        # Words that only look alike stay: "Carterville" is not "Carter", "well-known" has no digit.
        ("a well-known shop in Carterville", ("Emily Carter",), "a well-known shop in Carterville", []),
    ],
)
def test_identifying_parts_are_replaced_and_the_rest_kept(text, names, kept, gone):
    redacted = redact(text, names)

    assert redacted == kept
    for part in gone:
        assert part not in redacted


def test_redacted_text_is_at_most_200_characters():
    assert len(redact("do you ship to the canary islands? " * 20)) == MAX_TEXT


def test_a_profile_name_that_is_only_a_first_name_or_empty_is_handled():
    assert redact("hola soy ana", ("", None, "Ana")) == "hola soy [name]"  # type: ignore[arg-type]
