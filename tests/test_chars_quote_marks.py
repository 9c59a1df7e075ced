"""Every quotation mark Unicode names is a quote mark, and the corner brackets too (session 24).

A tester put each quotation mark around a quotation (session 23): ‹ ›, ⹂,
〟, the corner brackets 「 」 『 』 that Chinese and Japanese quote with (and
their vertical and halfwidth forms) and the fullwidth apostrophe ＇ were
read as marks the writer added, so "‹Stop targeting NGOs›" was
``altered``; the other quote marks are typography, and it is
``equivalent``.
"""

from __future__ import annotations

import unicodedata

import pytest

import kzrights
from kzrights import _chars
from kzrights.search.quotes import Verdict

REPORT = kzrights.load()
# the corner brackets open and close, as quote marks do
_PAIRS = {"「": "」", "『": "』", "﹁": "﹂", "﹃": "﹄", "｢": "｣", "‹": "›", "«": "»", "“": "”", "‘": "’"}


def _name(char: str) -> str:
    return f"U+{ord(char):04X} {unicodedata.name(char, '?')}"


def _quotation_mark(char: str) -> bool:
    """Whether Unicode names ``char`` a quotation mark, an apostrophe or a corner bracket.

    Not the dingbat ornaments, which decorate, nor the invisible tag
    characters; nor the letters named with an apostrophe ("ŉ", a modifier
    letter double apostrophe), which are parts of words; nor the Armenian
    apostrophe, a mark of Armenian words, outside the report's scripts.
    """
    name = unicodedata.name(char, "")
    if "ORNAMENT" in name or name.startswith(("TAG ", "ARMENIAN ")) or unicodedata.category(char)[0] == "L":
        return False
    return "QUOTATION MARK" in name or "CORNER BRACKET" in name or name.endswith(" APOSTROPHE")


# from this Python's Unicode database, not from the tables tested
QUOTATION_MARKS = [chr(code) for code in range(0x110000) if _quotation_mark(chr(code))]


def test_every_quotation_mark_unicode_names_is_a_quote_mark_or_an_apostrophe():
    """Each character named a quotation mark (or an apostrophe, or a corner bracket) is in a table."""
    missing = [_name(char) for char in QUOTATION_MARKS if char not in _chars.QUOTES + _chars.APOSTROPHES]
    assert missing == []
    assert not set(_chars.QUOTES) & set(_chars.APOSTROPHES)


EVERY_MARK = sorted({*QUOTATION_MARKS, *_chars.QUOTES, *_chars.APOSTROPHES})


@pytest.mark.parametrize("mark", EVERY_MARK, ids=_name)
def test_a_quotation_in_any_quote_marks_is_found_as_typography(mark):
    """Any quote mark around a quotation, or around the report's scare quotes: exact or equivalent."""
    closing = _PAIRS.get(mark, mark)
    for quote in (
        f"{mark}Stop targeting NGOs{closing}",
        f"President Tokayev has promised a {mark}listening state{closing}",
    ):
        check = REPORT.check_quote(quote)
        assert check.verdict in (Verdict.EXACT, Verdict.EQUIVALENT), (quote, check.differences)
