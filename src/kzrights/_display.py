"""Notebook display: the HTML that Jupyter shows for kzrights' objects (``_repr_html_``).

Every value is shown whole and HTML-escaped: a record's full text (a
researcher reads the paragraph in the notebook, not a cut), a nested record
such as `Rights` as a table of its fields rather than its
``repr``, a span as its offsets, a tuple of records as their ids.  The lists
that ``Report.search`` and ``annotate`` return are list subclasses whose
``_repr_html_`` calls `hits_html` and `mentions_html` here, so that a
notebook cell showing the whole list renders a table too (the classes live
with what returns them, so that a search imports this module only when a
notebook shows its hits).

Every layer shows its objects through this module, the records included, so
it sits at the bottom of the layers (docs/architecture.md) and imports no
other kzrights module at run time: it reads the objects it is given by their
fields, whatever their class.
"""

from __future__ import annotations

import datetime
import enum
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

import attrs

from ._locking import FIRST_USE

if TYPE_CHECKING:
    from .compare import ReleaseDiff
    from .records import Mention
    from .search.index import Hit
    from .search.locate import Location

__all__ = [
    "diff_html",
    "hit_html",
    "hits_html",
    "location_html",
    "mentions_html",
    "record_html",
    "report_html",
]

_TH = "<th style='text-align:left;vertical-align:top'>"
_TD = "<td style='text-align:left;vertical-align:top'>"


T = TypeVar("T")


def _is_span(value: Any) -> bool:
    """Whether ``value`` is a `Span`: the one record made of nothing but a start and an end offset.

    Recognised by its fields rather than its class, because the records
    import this module for their ``_repr_html_`` (so it cannot import them).
    """
    cls = type(value)
    return attrs.has(cls) and tuple(f.name for f in attrs.fields(cls)) == ("start", "end")


def _escape(text: str) -> str:
    # html is imported on first use: it loads a table of 2,000 character
    # entities, which a search (whose result list lives here) never needs
    with FIRST_USE:  # a fork() waits for this first import (see kzrights._locking)
        from html import escape

    return escape(text)


def _plain(value: Any) -> str:
    """A value as one line of plain text (not yet escaped)."""
    if isinstance(value, enum.Enum):
        return str(value.value)
    if _is_span(value):
        return f"{value.start}–{value.end}"
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, tuple) and not hasattr(value, "_fields"):
        return ", ".join(
            _plain(getattr(v, "id", getattr(v, "target_id", getattr(v, "footnote_id", v)))) for v in value
        )
    return str(value)


def _cell(value: Any) -> str:
    """A field's value as HTML: a nested record as its own table, anything else as escaped text."""
    if attrs.has(type(value)) and not _is_span(value):
        return _table(None, _fields(value))
    return _escape(_plain(value))


def _fields(record: Any) -> list[tuple[str, Any]]:
    if isinstance(record, tuple) and hasattr(record, "_fields"):  # a named tuple (Mention)
        return [(name, getattr(record, name)) for name in record._fields]
    return [
        (f.name, getattr(record, f.name)) for f in attrs.fields(type(record)) if not f.name.startswith("_")
    ]


def _table(title: str | None, rows: Iterable[tuple[str, Any]]) -> str:
    caption = f"<caption style='text-align:left'><b>{_escape(title)}</b></caption>" if title else ""
    body = "".join(
        f"<tr>{_TH}{_escape(name)}</th>{_TD}{_cell(value)}</td></tr>"
        for name, value in rows
        if value not in (None, (), "")
    )
    return f"<table>{caption}{body}</table>"


# A long list shows its ends, as pandas does: beyond SHOWN_ROWS rows, the first and the last
# EDGE_ROWS, and one row saying how many are left out (40,000 mentions were 10 MB of HTML).
SHOWN_ROWS = 60
EDGE_ROWS = 25


def _row(cells: Sequence[str]) -> str:
    return "<tr>" + "".join(f"{_TD}{cell}</td>" for cell in cells) + "</tr>"


def _grid(header: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    """A table with a header row; the cells are HTML already."""
    head = "".join(f"{_TH}{_escape(h)}</th>" for h in header)
    return f"<table><tr>{head}</tr>{''.join(map(_row, rows))}</table>"


def _long_grid(header: Sequence[str], items: Sequence[T], cells: Callable[[int, T], Sequence[str]]) -> str:
    """A grid of ``cells(position, item)`` for each item; of the two ends only for a long list."""
    if len(items) <= SHOWN_ROWS:
        return _grid(header, [cells(i, item) for i, item in enumerate(items)])
    tail_start = len(items) - EDGE_ROWS
    head = _grid(header, [cells(i, items[i]) for i in range(EDGE_ROWS)])
    gap = f"<tr><td colspan='{len(header)}'>\u2026 {tail_start - EDGE_ROWS:,} more \u2026</td></tr>"
    tail = "".join(_row(cells(i, items[i])) for i in range(tail_start, len(items)))
    return head.removesuffix("</table>") + gap + tail + "</table>"


def _marked(text: str, spans: Iterable[tuple[int, int]]) -> str:
    """``text`` escaped, with each ``(start, end)`` stretch in ``<mark>``."""
    parts, last = [], 0
    for start, end in spans:
        parts += [_escape(text[last:start]), "<mark>", _escape(text[start:end]), "</mark>"]
        last = end
    parts.append(_escape(text[last:]))
    return "".join(parts)


def record_html(record: Any) -> str:
    """Return an HTML table of a record's fields, every value whole, for Jupyter.

    Args:
        record: A record of [kzrights.records][] (an attrs class or a `Mention`).

    Returns:
        A ``<table>`` captioned with the record's kind and id, one row per
        field that has a value.
    """
    kind = getattr(record, "kind", type(record).__name__.lower())
    title = f"{kind}: {getattr(record, 'id', '')}".rstrip(": ")
    return _table(title, _fields(record))


def report_html(report: Any) -> str:
    """Return an HTML summary of a release (what it is, how to cite it, what it holds), for Jupyter."""
    meta = report.metadata
    rows = [
        ("title", meta.title),
        ("by", ", ".join(meta.authors)),
        ("published", f"{meta.publisher}, {meta.published.isoformat()}"),
        ("data release", report.version),
        ("cite as", meta.citation),
        ("rights", meta.rights),
        # how many of each part: sections, paragraphs, …, sources
        *((name, len(getattr(report, name))) for name in report.PARTS),
    ]
    return _table("kzrights Report", rows)


def hit_html(hit: Hit) -> str:
    """Return one search hit as HTML: its record's id, kind and score, and the snippet, matches marked."""
    return (
        f"<table><tr>{_TH}{_escape(hit.record.id)}</th>{_TD}{_escape(hit.kind)}</td>"
        f"{_TD}{hit.score:.2f}</td></tr>"
        f"<tr><td colspan='3' style='text-align:left'>{_marked(hit.snippet, hit.highlights)}</td></tr>"
        "</table>"
    )


def location_html(location: Location) -> str:
    """Return where a quotation stands as HTML: record, offsets, and its text with the quotation marked."""
    record = location.record
    rows = [
        ("record", f"{record.kind}: {record.id}"),
        ("quotation", location.text),
        (
            "exact",
            "yes"
            if location.exact
            else "no (quote marks, dashes, spaces, case or invisible characters differ)",
        ),
        ("in the record's text", location.span),
        ("in the source text", location.source_span),
    ]
    body = "".join(f"<tr>{_TH}{_escape(name)}</th>{_TD}{_cell(value)}</td></tr>" for name, value in rows)
    context = _marked(record.text, [(location.span.start, location.span.end)])
    return f"<table>{body}<tr>{_TH}text</th>{_TD}{context}</td></tr></table>"


def diff_html(change: ReleaseDiff) -> str:
    """Return what changed between two releases as HTML: every id added, removed and changed."""
    title = f"data release {change.old} → {change.new}"
    if change.unchanged:
        return _table(title, [("differences", "none")])
    rows: list[tuple[str, str]] = [
        (f"added ({len(change.added)})", _escape(", ".join(change.added))),
        (f"removed ({len(change.removed)})", _escape(", ".join(change.removed))),
        (
            f"changed ({len(change.changed)})",
            "<br>".join(_escape(f"{c.id}: {', '.join(c.fields)}") for c in change.changed),
        ),
        ("metadata changed", _escape(", ".join(change.metadata))),
        ("entity mentions", _escape(f"{change.mentions[0]} → {change.mentions[1]}")),
    ]
    body = "".join(f"<tr>{_TH}{_escape(name)}</th>{_TD}{cell}</td></tr>" for name, cell in rows if cell)
    return f"<table><caption style='text-align:left'><b>{_escape(title)}</b></caption>{body}</table>"


def hits_html(hits: Sequence[Hit]) -> str:
    """Return the hits of a search as one HTML table (what Jupyter shows for a `HitList`)."""
    if not hits:
        return "<p>No hits.</p>"

    def row(position: int, hit: Hit) -> tuple[str, ...]:
        return (
            str(position + 1),
            _escape(hit.record.id),
            _escape(hit.kind),
            f"{hit.score:.2f}",
            _marked(hit.snippet, hit.highlights),
        )

    return _long_grid(("#", "record", "kind", "score", "snippet"), hits, row)


def mentions_html(mentions: Sequence[Mention]) -> str:
    """The mentions ``annotate`` found, as one HTML table (what Jupyter shows for a MentionList).

    A list longer than ``SHOWN_ROWS`` (60) shows its first and last ``EDGE_ROWS`` (25)
    mentions and a row ``… N more …`` between them, as pandas shows a long frame.
    """
    if not mentions:
        return "<p>No mentions.</p>"
    in_report = any(m.record_id is not None for m in mentions)
    header = ("entity", "text", "start", "end", *(("record",) if in_report else ()))

    def row(_: int, m: Mention) -> tuple[str, ...]:
        return (
            _escape(m.entity_id),
            _escape(m.text),
            str(m.start),
            str(m.end),
            *((_escape(m.record_id or ""),) if in_report else ()),
        )

    return _long_grid(header, mentions, row)
