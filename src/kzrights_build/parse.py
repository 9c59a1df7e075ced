"""Parse the captured web page into the report's text records.

The capture is line-oriented: each paragraph, list item and footnote stands on
a line of its own, separated by blank lines and lines that hold only a
no-break space.  The parser walks the non-blank lines once, in order, and
expects the page to have this shape::

    furniture ("Skip to content")
    title
    "Article by <authors>"
    "<Month> <day>, <year>"
    title again (dropped)
    conclusions: paragraphs, with "•" items under the paragraph before them
    the recommendations heading
    recommendations: lead-in paragraphs, each followed by "•" recommendations
    footnotes: "[n] text", numbered 1, 2, 3, …
    furniture ("Footnotes", "Related Articles", …)

Anything else is a [`BuildError`][kzrights.errors.BuildError] naming the line, so a
changed capture can never slip through as silently wrong data.  Every
function here is pure: text in, records out.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterator, Sequence

import attrs

from kzrights._document import addressee_named
from kzrights._provenance import MONTH_NAMES, PAD, Cleaned, clean, fold
from kzrights.errors import BuildError
from kzrights.records import (
    Addressee,
    Footnote,
    FootnoteRef,
    Item,
    Paragraph,
    Recommendation,
    Section,
    Span,
)

__all__ = [
    "Capture",
    "Cleaned",
    "Header",
    "Line",
    "Parsed",
    "clean",
    "fold",
    "footnote_id",
    "parse",
    "significant_lines",
]

_BULLET = re.compile(r"[ \t\u00a0]*•[ \t\u00a0]+")
_FOOTNOTE = re.compile(r"\[(?P<number>\d+)\][ \t\u00a0]+")
_BYLINE = re.compile(r"[ \t\u00a0]*Article by[ \t\u00a0]+(?P<names>\S.*)")
_URL = re.compile(r"https?://[^\s\u00a0]+")
_URL_TRAILING = ".,;:!?)]}'\"’”"
_IBID = re.compile(r"ibid\.?", re.IGNORECASE)
_DATE = re.compile(r"(?P<month>[A-Z][a-z]+) (?P<day>\d{1,2}), (?P<year>\d{4})")


@attrs.frozen
class Capture:
    """How to read the captured page (from ``seeds/report.toml``)."""

    path: str
    furniture_before: tuple[str, ...]
    furniture_after: tuple[str, ...]
    recommendations_heading: str


@attrs.frozen
class Line:
    """A non-blank line of the source: its 1-based number and its offsets (newline excluded)."""

    number: int
    start: int
    end: int
    text: str


@attrs.frozen
class Header:
    """What the page's header says about the report."""

    title: str
    title_span: Span
    authors: tuple[str, ...]
    authors_span: Span
    published: datetime.date
    published_span: Span


@attrs.frozen
class Parsed:
    """Everything the parser reads from the capture."""

    header: Header
    sections: tuple[Section, ...]
    paragraphs: tuple[Paragraph, ...]
    items: tuple[Item, ...]
    recommendations: tuple[Recommendation, ...]
    footnotes: tuple[Footnote, ...]


def footnote_id(number: int) -> str:
    """Return the id of footnote ``number``."""
    return f"footnotes.{number}"


def significant_lines(source: str) -> list[Line]:
    """Return the lines of ``source`` that hold more than padding, with their offsets."""
    lines = []
    offset = 0
    for number, raw in enumerate(source.splitlines(keepends=True), start=1):
        body = raw.rstrip("\r\n")
        if body.strip(PAD):
            lines.append(Line(number, offset, offset + len(body), body))
        offset += len(raw)
    return lines


class _Cursor:
    """Walks the significant lines in order."""

    def __init__(self, lines: Sequence[Line], path: str) -> None:
        self._lines = lines
        self._next = 0
        self.path = path

    def peek(self) -> Line | None:
        return self._lines[self._next] if self._next < len(self._lines) else None

    def take(self, what: str) -> Line:
        line = self.peek()
        if line is None:
            raise BuildError(self.path, f"the text ends where {what} was expected")
        self._next += 1
        return line

    def fail(self, line: Line, message: str) -> BuildError:
        return BuildError(self.path, f"{message}: {fold(line.text)[:80]!r}", line.number)


def _parse_date(line: Line, cursor: _Cursor) -> datetime.date:
    match = _DATE.fullmatch(fold(line.text))
    if match is None or match.group("month") not in MONTH_NAMES:
        raise cursor.fail(line, "expected a date such as 'July 22, 2021'")
    try:
        return datetime.date(
            int(match.group("year")), MONTH_NAMES.index(match.group("month")) + 1, int(match.group("day"))
        )
    except ValueError as exc:
        raise cursor.fail(line, f"not a real date ({exc})") from None


def _parse_header(source: str, cursor: _Cursor, capture: Capture) -> Header:
    furniture = {fold(f) for f in capture.furniture_before}
    line = cursor.take("the title")
    while fold(line.text) in furniture:
        line = cursor.take("the title")
    title = clean(source, line.start, line.end)
    if title.refs:
        raise cursor.fail(line, "the title carries a footnote marker")
    byline = cursor.take("the byline")
    match = _BYLINE.match(byline.text)
    if match is None:
        raise cursor.fail(byline, "expected a byline 'Article by …'")
    names = clean(source, byline.start + match.start("names"), byline.end)
    authors = tuple(n.strip() for n in re.split(r",| and ", names.text) if n.strip())
    dated = cursor.take("the date")
    published = _parse_date(dated, cursor)
    repeat = cursor.take("the repeated title")
    if fold(repeat.text) != title.text:
        raise cursor.fail(repeat, "expected the title to be repeated after the date")
    return Header(
        title=title.text,
        title_span=title.span,
        authors=authors,
        authors_span=names.span,
        published=published,
        published_span=clean(source, dated.start, dated.end).span,
    )


def _refs(cleaned: Cleaned) -> tuple[FootnoteRef, ...]:
    return tuple(FootnoteRef(footnote_id(n), offset, span) for n, offset, span in cleaned.refs)


def _body_lines(cursor: _Cursor, stop: re.Pattern[str] | str) -> Iterator[Line]:
    """Yield lines until one that matches ``stop`` (a heading, or a pattern)."""
    while (line := cursor.peek()) is not None:
        folded = fold(line.text)
        if isinstance(stop, str) and folded == stop:
            return
        if isinstance(stop, re.Pattern) and stop.match(line.text):
            return
        yield cursor.take("a paragraph")


def _parse_conclusions(source: str, cursor: _Cursor, capture: Capture) -> tuple[list[Paragraph], list[Item]]:
    paragraphs: list[Paragraph] = []
    items: list[Item] = []
    pending: list[Item] = []

    def close_paragraph() -> None:
        if paragraphs and pending:
            paragraphs[-1] = attrs.evolve(paragraphs[-1], item_ids=tuple(i.id for i in pending))
        items.extend(pending)
        pending.clear()

    for line in _body_lines(cursor, fold(capture.recommendations_heading)):
        bullet = _BULLET.match(line.text)
        if bullet is not None:
            if not paragraphs:
                raise cursor.fail(line, "a list item comes before any paragraph")
            owner = paragraphs[-1].id
            cleaned = clean(source, line.start + bullet.end(), line.end)
            number = len(pending) + 1
            pending.append(
                Item(f"{owner}.i{number}", owner, number, cleaned.text, cleaned.span, _refs(cleaned))
            )
            continue
        close_paragraph()
        cleaned = clean(source, line.start, line.end)
        number = len(paragraphs) + 1
        paragraphs.append(
            Paragraph(
                f"conclusions.p{number}", "conclusions", number, cleaned.text, cleaned.span, _refs(cleaned)
            )
        )
    close_paragraph()
    if not paragraphs:
        raise BuildError(cursor.path, "the conclusions hold no paragraph")
    return paragraphs, items


def _parse_recommendations(source: str, cursor: _Cursor) -> tuple[list[Paragraph], list[Recommendation]]:
    lead_ins: list[Paragraph] = []
    recommendations: list[Recommendation] = []
    addressee: Addressee | None = None
    for line in _body_lines(cursor, _FOOTNOTE):
        bullet = _BULLET.match(line.text)
        if bullet is None:
            cleaned = clean(source, line.start, line.end)
            number = len(lead_ins) + 1
            lead_in = Paragraph(
                f"recommendations.p{number}",
                "recommendations",
                number,
                cleaned.text,
                cleaned.span,
                _refs(cleaned),
            )
            addressee = addressee_named(lead_in.text)
            if addressee is None:
                choices = " or ".join(repr(a.label) for a in Addressee)
                raise cursor.fail(line, f"a lead-in must name its addressee ({choices})")
            if any(r.addressee is addressee for r in recommendations):
                raise cursor.fail(line, f"a second lead-in for the {addressee.label}")
            lead_ins.append(lead_in)
            continue
        if addressee is None:
            raise cursor.fail(line, "a recommendation comes before any lead-in")
        cleaned = clean(source, line.start + bullet.end(), line.end)
        number = 1 + sum(r.addressee is addressee for r in recommendations)
        recommendations.append(
            Recommendation(
                f"recommendations.{addressee.value}.{number}",
                addressee,
                number,
                cleaned.text,
                cleaned.span,
                lead_ins[-1].id,
                _refs(cleaned),
            )
        )
    if not recommendations:
        raise BuildError(cursor.path, "the recommendations section holds no recommendation")
    return lead_ins, recommendations


def _parse_footnotes(source: str, cursor: _Cursor) -> list[Footnote]:
    footnotes: list[Footnote] = []
    while (line := cursor.peek()) is not None and (match := _FOOTNOTE.match(line.text)):
        cursor.take("a footnote")
        number = int(match.group("number"))
        if number != len(footnotes) + 1:
            raise cursor.fail(line, f"footnote {number} out of sequence, expected {len(footnotes) + 1}")
        cleaned = clean(source, line.start + match.end(), line.end)
        if cleaned.refs:
            raise cursor.fail(line, "a footnote carries a footnote marker")
        urls = tuple(m.group().rstrip(_URL_TRAILING) for m in _URL.finditer(cleaned.text))
        ibid_of = None
        if _IBID.fullmatch(cleaned.text):
            if not footnotes:
                raise cursor.fail(line, "'Ibid.' with no footnote before it")
            ibid_of = footnotes[-1].ibid_of or footnotes[-1].id
        footnotes.append(Footnote(footnote_id(number), number, cleaned.text, cleaned.span, urls, ibid_of))
    if not footnotes:
        raise BuildError(cursor.path, "no footnotes follow the recommendations")
    return footnotes


def _link_footnotes(
    footnotes: list[Footnote], citing: Sequence[Paragraph | Item | Recommendation], path: str
) -> list[Footnote]:
    """Fill in ``cited_by`` and ``same_source_as``; check every marker has its footnote."""
    known = {f.id for f in footnotes}
    cited_by: dict[str, list[str]] = {f.id: [] for f in footnotes}
    for record in citing:
        for ref in record.footnote_refs:
            if ref.footnote_id not in known:
                raise BuildError(path, f"{record.id} cites {ref.footnote_id}, which does not exist")
            if record.id not in cited_by[ref.footnote_id]:
                cited_by[ref.footnote_id].append(record.id)
    by_id = {f.id: f for f in footnotes}

    def source_key(footnote: Footnote) -> str:
        origin = by_id[footnote.ibid_of] if footnote.ibid_of else footnote
        return fold(origin.text).casefold()

    groups: dict[str, list[str]] = {}
    for footnote in footnotes:
        groups.setdefault(source_key(footnote), []).append(footnote.id)
    return [
        attrs.evolve(
            f,
            cited_by=tuple(cited_by[f.id]),
            same_source_as=tuple(i for i in groups[source_key(f)] if i != f.id),
        )
        for f in footnotes
    ]


def _expect_furniture(cursor: _Cursor, capture: Capture) -> None:
    furniture = {fold(f) for f in capture.furniture_after}
    while (line := cursor.peek()) is not None:
        if fold(line.text) not in furniture:
            raise cursor.fail(line, "unexpected text after the footnotes")
        cursor.take("furniture")


def _section(
    section_id: str,
    title: str,
    records: Sequence[Paragraph | Item | Recommendation | Footnote],
    heading: Span | None,
) -> Section:
    ordered = sorted(records, key=lambda r: r.span.start)
    return Section(
        section_id,
        title,
        Span(ordered[0].span.start, ordered[-1].span.end),
        heading,
        tuple(r.id for r in ordered),
    )


def parse(source: str, capture: Capture) -> Parsed:
    """Parse the captured page into its header and text records.

    Args:
        source: The source text, exactly as captured.
        capture: How to read it: its furniture and its headings.

    Raises:
        BuildError: If the text does not have the expected shape; the error
            names the line.
    """
    cursor = _Cursor(significant_lines(source), capture.path)
    header = _parse_header(source, cursor, capture)
    paragraphs, items = _parse_conclusions(source, cursor, capture)
    heading = cursor.take("the recommendations heading")
    heading_span = clean(source, heading.start, heading.end).span
    lead_ins, recommendations = _parse_recommendations(source, cursor)
    footnotes = _parse_footnotes(source, cursor)
    _expect_furniture(cursor, capture)
    citing: list[Paragraph | Item | Recommendation] = [*paragraphs, *items, *lead_ins, *recommendations]
    footnotes = _link_footnotes(footnotes, sorted(citing, key=lambda r: r.span.start), capture.path)
    sections = (
        _section("conclusions", "Conclusions", [*paragraphs, *items], None),
        _section("recommendations", "Recommendations", [*lead_ins, *recommendations], heading_span),
        _section("footnotes", "Footnotes", footnotes, None),
    )
    return Parsed(
        header=header,
        sections=sections,
        paragraphs=(*paragraphs, *lead_ins),
        items=tuple(items),
        recommendations=tuple(recommendations),
        footnotes=tuple(footnotes),
    )
