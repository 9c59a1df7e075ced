"""Provenance: how a stretch of the source text becomes a record's text, and back.

A record's ``text`` is its span of the source with footnote markers such as
``[4]`` taken out and runs of padding folded into one space.  `clean`
does that and keeps, for every character of the text, its offset in the
source, so that any offset into a record's text (a mention, a quotation, a
search hit) can be turned into a span of the source.  The data build and the
search both use it; it depends on nothing but the records' [`Span`][kzrights.records.Span].

`SourceMap` is the one way between a record's text and the source: the
builder makes one per record it annotates, and a loaded
[`Report`][kzrights.report.Report] keeps one per record, made on first use
(``Report._source_map``), for quotations and exports.
"""

from __future__ import annotations

import re
from bisect import bisect_left

import attrs

from .records import Span

__all__ = ["MONTH_NAMES", "PAD", "Cleaned", "SourceMap", "clean", "fold"]

PAD = " \t\u00a0"
"""Characters that only pad a line: spaces, tabs and no-break spaces."""

MONTH_NAMES = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
"""The English month names, January first, in which the source writes its dates ("July 22, 2021").

The builder reads dates with them and the citation exports write them; not
``calendar.month_name``, which follows the locale.
"""

_PAD_RUN = re.compile(r"[ \t\u00a0]+")
_PIECE = re.compile(r"(?P<marker>\[(?P<number>\d+)\])|(?P<pad>[ \t\u00a0]+)|(?P<text>[^\[ \t\u00a0]+|\[)")


@attrs.frozen
class Cleaned:
    """A stretch of source turned into record text."""

    text: str
    span: Span
    refs: tuple[tuple[int, int, Span], ...]
    """(footnote number, offset in ``text``, marker span in the source) per marker."""
    offsets: tuple[int, ...] = attrs.field(default=(), repr=False)
    """The source offset of each character of ``text``."""


def fold(text: str) -> str:
    r"""Fold every run of padding whitespace into one space and trim the ends.

    Examples:
        >>> fold("a\u00a0 b  ")
        'a b'
    """
    return _PAD_RUN.sub(" ", text).strip(" ")


def clean(source: str, start: int, end: int) -> Cleaned:
    """Turn ``source[start:end]`` into record text.

    Trims padding at both ends, takes out footnote markers such as ``[4]``
    (remembering where they stood) and folds runs of padding into one space.
    Every other character is kept as it is.
    """
    while start < end and source[start] in PAD:
        start += 1
    while end > start and source[end - 1] in PAD:
        end -= 1
    pieces: list[str] = []
    offsets: list[int] = []
    pending_space: int | None = None  # where the padding waiting to become a space starts
    refs: list[tuple[int, int, Span]] = []
    for match in _PIECE.finditer(source, start, end):
        if match.lastgroup == "pad":
            if pending_space is None:
                pending_space = match.start()
        elif match.group("marker") is not None:
            refs.append((int(match.group("number")), len(offsets), Span(match.start(), match.end())))
        else:
            if pending_space is not None and pieces:
                pieces.append(" ")
                offsets.append(pending_space)
            pending_space = None
            piece = match.group()
            pieces.append(piece)
            offsets.extend(range(match.start(), match.end()))
    return Cleaned("".join(pieces), Span(start, end), tuple(refs), tuple(offsets))


@attrs.frozen
class SourceMap:
    """Where each character of a record's text stands in the source text.

    Attributes:
        offsets: The source offset of each character of the record's
            ``text`` (as `clean` computes them), one per character.
    """

    offsets: tuple[int, ...] = attrs.field(repr=False)

    @classmethod
    def of(cls, source: str, span: Span) -> SourceMap:
        """Return the map of the record whose span of ``source`` is ``span``."""
        return cls(clean(source, span.start, span.end).offsets)

    def to_source(self, start: int, end: int) -> Span:
        """Return the span of the source that ``text[start:end]`` comes from, markers inside it and all.

        Args:
            start: Offset of the first character, in the record's text.
            end: Offset just past the last one; ``start < end``.

        Raises:
            ValueError: If ``[start, end)`` is empty or not inside the text.
        """
        if not 0 <= start < end <= len(self.offsets):
            raise ValueError(f"[{start}, {end}) is not a stretch of a text of {len(self.offsets)} characters")
        return Span(self.offsets[start], self.offsets[end - 1] + 1)

    def to_text(self, span: Span) -> Span:
        """Return the offsets in the record's text of the characters that ``span`` of the source holds.

        The inverse of `to_source`: ``to_text(to_source(start, end))`` is
        ``Span(start, end)``.  A footnote marker or padding in ``span`` has no
        character in the text; a span outside the record gives an empty
        span at the nearer end.
        """
        return Span(bisect_left(self.offsets, span.start), bisect_left(self.offsets, span.end))
