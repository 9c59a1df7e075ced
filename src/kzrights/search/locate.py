"""Finding a quotation in the report: `Report.locate` and `Report.locate_all`."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import attrs

from .. import _chars
from .._locking import FIRST_USE
from ..records import Record, Span
from ._text import check_text

if TYPE_CHECKING:
    from ..report import Report

__all__ = ["MAX_QUOTE_LENGTH", "Location", "Locator"]

# far beyond any real quotation, and short enough that no look-up takes long
# whatever the text (docs/benchmarks.md measures the worst cases)
MAX_QUOTE_LENGTH = 10_000
"""The longest quotation `Report.locate` and `Report.locate_all` take, in characters."""


@attrs.frozen
class Location:
    """Where a quotation stands in the report.

    Attributes:
        record: The record it is in.
        span: Its offsets in the record's ``text``.
        source_span: Its offsets in the report's source text.
        exact: Whether the record has it exactly as it was given: the same
            characters, in Unicode's canonical (NFC) form. A quotation that
            adds an invisible character (a zero-width space, a soft hyphen,
            U+FE0F) is found without it, and is not exact; `check_quote`
            calls it ``equivalent``.
    """

    record: Record
    span: Span
    source_span: Span
    exact: bool

    @property
    def text(self) -> str:
        """The quotation as the report has it."""
        return self.span.slice(self.record.text)

    def _repr_html_(self) -> str:
        with FIRST_USE:  # a fork() waits for this first import (see kzrights._locking)
            from .._display import location_html

        return location_html(self)


def _fold_char(char: str) -> str:
    # every quote mark, single or double, is one mark; every dash is a hyphen (_chars' rules)
    folded = _chars.fold_mark(char)
    if folded != char:
        return folded
    if char.isspace():
        return " "
    lowered = char.lower()
    return lowered if len(lowered) == 1 else char


def _folded(text: str) -> tuple[str, list[int]]:
    """``text`` folded for quotations, and the offset of each character kept.

    Quote marks, dashes, case and runs of whitespace are folded, spaces
    around a dash left out, and invisible characters left out
    (`kzrights._chars`).
    """
    chars: list[str] = []
    offsets: list[int] = []
    for index, char in enumerate(text):
        if _chars.is_invisible(char):
            continue
        folded = _fold_char(char)
        # spacing around a dash is typography: "growth – albeit" is "growth—albeit"
        if folded == " " and (not chars or chars[-1] in " -"):
            continue
        if folded == "-" and chars and chars[-1] == " ":
            chars.pop()
            offsets.pop()
        chars.append(folded)
        offsets.append(index)
    while chars and chars[-1] == " ":
        chars.pop()
        offsets.pop()
    return "".join(chars), offsets


# what _fold_char does to a mark or an invisible character, as one table for str.translate
_MARK_TABLE = str.maketrans(
    {
        **{char: _chars.fold_mark(char) for char in _chars.APOSTROPHES + _chars.QUOTES + _chars.DASHES},
        **dict.fromkeys(_chars.INVISIBLE),
    }
)
_SPACES = re.compile(r"\s+")  # what str.isspace calls whitespace (the same characters, a test checks)
_AROUND_DASH = re.compile(" ?- ?")
# the two characters whose lowercase depends on more than themselves: "İ" (two characters)
# and "Σ" (final "ς" at the end of a word, in str.lower)
_CONTEXT_CASE = ("\u0130", "\u03a3")


def _fold_needle(text: str) -> str:
    """``_folded(text)[0]``, without the offsets, in a few passes in C rather than a loop per character.

    A quotation's offsets are never needed (only a record's), and a quotation
    of thousands of characters would pay about 1 µs for each.
    """
    if any(char in text for char in _CONTEXT_CASE):
        return _folded(text)[0]
    folded = _SPACES.sub(" ", text.translate(_MARK_TABLE)).lower()
    return _AROUND_DASH.sub("-", folded).strip(" ")


class Locator:
    """The folded texts of one report's records, ready for quotations."""

    def __init__(self, report: Report) -> None:
        self._report = report
        self._records = [(record, *_folded(record.text)) for record in report.records()]

    def _places(self, quote: str) -> tuple[str, list[tuple[Record, int, int]]]:
        """The quotation as given (NFC, trimmed), and every ``(record, start, end)`` it stands at.

        Raises:
            TypeError, ValueError, InputTooLongError: As `Report.locate` says.
        """
        quote = check_text(quote, "quote", MAX_QUOTE_LENGTH)
        # as the reader sees it: NFC, as the records are, without invisible characters
        stripped = _chars.canonical(quote).strip()
        needle = _fold_needle(stripped)
        places: list[tuple[Record, int, int]] = []
        if not needle:
            return stripped, places
        last = len(needle) - 1
        for record, haystack, offsets in self._records:
            at = haystack.find(needle)
            while at >= 0:
                places.append((record, offsets[at], offsets[at + last] + 1))
                at = haystack.find(needle, at + 1)
        return stripped, places

    def locate_all(self, quote: str) -> list[Location]:
        """Every place ``quote`` stands, in reading order."""
        stripped, places = self._places(quote)
        as_given = not _chars.invisible_of(quote)
        return [self._location(record, start, end, stripped, as_given) for record, start, end in places]

    def _location(
        self, record: Record, start: int, end: int, stripped: str, as_given: bool = True
    ) -> Location:
        """The place as a `Location`; exact if the record has ``stripped`` there and ``as_given``.

        ``as_given`` is False for a quotation with invisible characters, which
        ``stripped`` has lost: the record cannot hold them (no record holds
        an invisible character).
        """
        return Location(
            record,
            Span(start, end),
            self._report._source_map(record.id).to_source(start, end),
            as_given and record.text[start:end] == stripped,
        )

    def locate(self, quote: str) -> Location | None:
        """The occurrence closest to ``quote`` as given: exact first, then the fewest differences."""
        stripped, places = self._places(quote)
        if not places:
            return None

        def distance(place: tuple[Record, int, int]) -> tuple[int, int]:
            record, start, end = place
            text = record.text[start:end]
            if text == stripped:
                return (0, 0)
            differing = sum(a != b for a, b in zip(text, stripped, strict=False)) + abs(
                len(text) - len(stripped)
            )
            return (1, differing)

        # only the winner becomes a Location: a one-letter quotation stands thousands of times
        return self._location(*min(places, key=distance), stripped, not _chars.invisible_of(quote))
