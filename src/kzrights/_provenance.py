"""Provenance: how a stretch of the source text becomes a record's text, and back.

A record's ``text`` is its span of the source with footnote markers such as
``[4]`` taken out and runs of padding folded into one space.  `clean`
does that and keeps, for every character of the text, its offset in the
source, so that any offset into a record's text (a mention, a quotation, a
search hit) can be turned into a span of the source.  The data build and the
search both use it; it depends on nothing but the records' [`Span`][kzrights.records.Span].
"""

from __future__ import annotations

import re

import attrs

from .records import Span

__all__ = ["PAD", "Cleaned", "clean", "fold"]

PAD = " \t\u00a0"
"""Characters that only pad a line: spaces, tabs and no-break spaces."""

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
