"""The :class:`Report`: one data release of the report, ready to browse."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

import attrs

from .errors import UnknownIdError
from .records import (
    Addressee,
    Footnote,
    Item,
    Metadata,
    Paragraph,
    Recommendation,
    Record,
    Section,
    Span,
)

__all__ = ["Report"]

Addressable = Record | Section


@attrs.frozen(repr=False)
class Report:
    """One data release of the report.

    Get one with :func:`kzrights.load`; every field is immutable, and the
    same object is shared by every caller that loads the same release.

    Attributes:
        version: The data release, e.g. ``"1.0.0"``.
        metadata: Title, authors, date, publisher, rights and citation.
        source_text: The source text, exactly as captured; every ``span``
            indexes into it.
        sections: The conclusions, the recommendations and the footnotes.
        paragraphs: Every paragraph, in reading order.
        items: Every list item (the decree areas), in reading order.
        recommendations: The 15 recommendations, in reading order.
        footnotes: The 12 footnotes, by number.
    """

    version: str
    metadata: Metadata
    source_text: str = attrs.field(eq=False)
    sections: tuple[Section, ...]
    paragraphs: tuple[Paragraph, ...]
    items: tuple[Item, ...]
    recommendations: tuple[Recommendation, ...]
    footnotes: tuple[Footnote, ...]
    _records: tuple[Record, ...] = attrs.field(init=False, eq=False)
    _index: Mapping[str, Addressable] = attrs.field(init=False, eq=False)

    def __attrs_post_init__(self) -> None:
        text_records: list[Record] = [
            *self.paragraphs,
            *self.items,
            *self.recommendations,
            *self.footnotes,
        ]
        text_records.sort(key=lambda r: r.span.start)
        index: dict[str, Addressable] = {s.id: s for s in self.sections}
        index.update((r.id, r) for r in text_records)
        object.__setattr__(self, "_records", tuple(text_records))
        object.__setattr__(self, "_index", MappingProxyType(index))

    def __repr__(self) -> str:
        return (
            f"<Report {self.version}: {len(self.paragraphs)} paragraphs, "
            f"{len(self.items)} items, {len(self.recommendations)} recommendations, "
            f"{len(self.footnotes)} footnotes>"
        )

    def records(self) -> tuple[Record, ...]:
        """Return every text record (paragraph, item, recommendation, footnote) in reading order.

        >>> import kzrights
        >>> [r.kind for r in kzrights.load("1.0.0").records()][:3]
        ['paragraph', 'paragraph', 'paragraph']
        """
        return self._records

    def ids(self) -> tuple[str, ...]:
        """Return every id :meth:`get` resolves: sections, then text records in reading order."""
        return tuple(self._index)

    def get(self, id: str) -> Addressable:
        """Return the record or section with this id.

        Args:
            id: A record id such as ``"recommendations.government.7"`` or a
                section id such as ``"footnotes"``.

        Raises:
            TypeError: If ``id`` is not a string.
            UnknownIdError: If no record has this id; the error names the
                closest ids.

        >>> import kzrights
        >>> kzrights.load("1.0.0").get("footnotes.3").ibid_of
        'footnotes.2'
        """
        if not isinstance(id, str):
            raise TypeError(f"id must be a str, not {type(id).__name__}")
        try:
            return self._index[id]
        except KeyError:
            raise UnknownIdError(id, self._index) from None

    def __contains__(self, id: object) -> bool:
        return isinstance(id, str) and id in self._index

    def recommendations_to(self, addressee: Addressee | str) -> tuple[Recommendation, ...]:
        """Return the recommendations addressed to ``addressee``, in order.

        Args:
            addressee: An :class:`~kzrights.records.Addressee` or its value
                (``"government"`` or ``"international"``).

        Raises:
            ValueError: If ``addressee`` is not one of them.
        """
        try:
            wanted = Addressee(addressee)
        except ValueError:
            choices = ", ".join(repr(a.value) for a in Addressee)
            raise ValueError(f"unknown addressee {addressee!r}; expected one of {choices}") from None
        return tuple(r for r in self.recommendations if r.addressee is wanted)

    def recommendation(self, addressee: Addressee | str, number: int) -> Recommendation:
        """Return recommendation ``number`` to ``addressee``, typed as a Recommendation.

        >>> import kzrights
        >>> kzrights.load("1.0.0").recommendation("international", 1).text[:30]
        'Raise systemic problems and in'

        Raises:
            ValueError: If ``addressee`` is not a known addressee.
            TypeError: If ``number`` is not an int.
            UnknownIdError: If that addressee has no recommendation ``number``.
        """
        if type(number) is not int:
            raise TypeError(f"number must be an int, not {type(number).__name__}")
        wanted = self.recommendations_to(addressee)
        for rec in wanted:
            if rec.number == number:
                return rec
        known = [r.id for r in self.recommendations]
        raise UnknownIdError(f"recommendations.{Addressee(addressee).value}.{number}", known)

    def footnote(self, number: int) -> Footnote:
        """Return footnote ``number``, typed as a Footnote.

        >>> import kzrights
        >>> kzrights.load("1.0.0").footnote(3).ibid_of
        'footnotes.2'

        Raises:
            TypeError: If ``number`` is not an int.
            UnknownIdError: If there is no such footnote.
        """
        if type(number) is not int:
            raise TypeError(f"number must be an int, not {type(number).__name__}")
        for note in self.footnotes:
            if note.number == number:
                return note
        raise UnknownIdError(f"footnotes.{number}", [f.id for f in self.footnotes])

    def source_of(self, id: str) -> str:
        """Return the stretch of source text a record or section comes from, markers and all.

        Raises:
            TypeError: If ``id`` is not a string.
            UnknownIdError: If no record has this id.
        """
        span: Span = self.get(id).span
        return span.slice(self.source_text)
