"""Finding a quotation in the report: `Report.locate` and `Report.locate_all`."""

from __future__ import annotations

from typing import TYPE_CHECKING

import attrs

from .._provenance import clean
from ..records import Record, Span

if TYPE_CHECKING:
    from ..report import Report

__all__ = ["Location", "Locator"]

# every quote mark, single or double, is one mark; every dash is a hyphen
_FOLD = {
    **dict.fromkeys("'\"‘’‚‛′ʼ`´“”„‟″«»", "'"),
    **dict.fromkeys("‐‑‒–—―−", "-"),
}


@attrs.frozen
class Location:
    """Where a quotation stands in the report.

    Attributes:
        record: The record it is in.
        span: Its offsets in the record's ``text``.
        source_span: Its offsets in the report's source text.
        exact: Whether the record has it exactly as it was given.
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
        from .._display import location_html

        return location_html(self)


def _fold_char(char: str) -> str:
    if char in _FOLD:
        return _FOLD[char]
    if char.isspace():
        return " "
    lowered = char.lower()
    return lowered if len(lowered) == 1 else char


def _folded(text: str) -> tuple[str, list[int]]:
    """``text`` with quotes, dashes, case and spaces folded, and the offset of each kept character."""
    chars: list[str] = []
    offsets: list[int] = []
    for index, char in enumerate(text):
        folded = _fold_char(char)
        if folded == " " and (not chars or chars[-1] == " "):
            continue
        chars.append(folded)
        offsets.append(index)
    while chars and chars[-1] == " ":
        chars.pop()
        offsets.pop()
    return "".join(chars), offsets


class Locator:
    """The folded texts of one report's records, ready for quotations."""

    def __init__(self, report: Report) -> None:
        self._report = report
        self._records = [(record, *_folded(record.text)) for record in report.records()]

    def locate_all(self, quote: str) -> list[Location]:
        """Every place ``quote`` stands, in reading order."""
        needle, _ = _folded(quote)
        if not needle:
            return []
        stripped = quote.strip()
        found = []
        for record, haystack, offsets in self._records:
            at = haystack.find(needle)
            while at >= 0:
                start, end = offsets[at], offsets[at + len(needle) - 1] + 1
                found.append(self._location(record, start, end, record.text[start:end] == stripped))
                at = haystack.find(needle, at + 1)
        return found

    def _location(self, record: Record, start: int, end: int, exact: bool) -> Location:
        source_offsets = clean(self._report.source_text, record.span.start, record.span.end).offsets
        return Location(
            record, Span(start, end), Span(source_offsets[start], source_offsets[end - 1] + 1), exact
        )

    def locate(self, quote: str) -> Location | None:
        """The occurrence closest to ``quote`` as given: exact first, then the fewest differences."""
        found = self.locate_all(quote)
        if not found:
            return None
        stripped = quote.strip()

        def distance(location: Location) -> tuple[int, int]:
            text = location.text
            differing = sum(a != b for a, b in zip(text, stripped, strict=False)) + abs(
                len(text) - len(stripped)
            )
            return (0 if location.exact else 1, differing)

        return min(found, key=distance)
