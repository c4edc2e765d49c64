"""Unrecognised texts made safe and comparable for the report: anything identifying removed again, case and
spacing evened out, so the same question asked by many customers counts as one."""

from __future__ import annotations

import re
import unicodedata

MAX_TEXT = 200

# Fulfillment already removed digits, emails, URLs, order ids and the customer's name before storing the text;
# the report does not rely on that alone, because one miss there would put a customer's details in an email.
_URL = re.compile(r"(?:[a-z][a-z0-9+.-]*://|www\.)\S+", re.IGNORECASE)
_EMAIL = re.compile(r"[^\s@]+@[^\s@]+")
_HANDLE = re.compile(r"(?<!\w)@\w+")
_DIGITS = re.compile(r"\+?\d(?:[\d\s().+/-]*\d)?")  # any script's digits, and phone numbers written with separators
_SPACES = re.compile(r"\s+")
_EDGE_PUNCTUATION = " \t\"'`.,;:!?¡¿。、！？…-–—(){}«»“”‘’"  # not [ ]: the placeholders end in one


def scrub(text: str) -> str:
    """The text with URLs, emails, @handles and numbers replaced by placeholders, at most MAX_TEXT characters."""
    text = unicodedata.normalize("NFKC", text)
    text = _URL.sub("[link]", text)
    text = _EMAIL.sub("[email]", text)
    text = _HANDLE.sub("[handle]", text)
    text = _DIGITS.sub("#", text)
    return _SPACES.sub(" ", text).strip()[:MAX_TEXT]


def normalise(text: str) -> str:
    """The key an unrecognised text is counted under: scrubbed, case-folded, single-spaced, without punctuation
    at either end ("Where is my parcel?" and "where is my parcel" are one question)."""
    return scrub(text).casefold().strip(_EDGE_PUNCTUATION)
