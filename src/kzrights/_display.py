"""Notebook display: compact HTML tables for ``_repr_html_``."""

from __future__ import annotations

import html
from typing import Any

import attrs

__all__ = ["record_html", "report_html"]

_MAX = 300


def _cell(value: Any) -> str:
    if isinstance(value, tuple) and value and not hasattr(value, "_fields"):
        value = ", ".join(str(getattr(v, "id", getattr(v, "target_id", v))) for v in value)
    elif hasattr(value, "value") and hasattr(value, "name") and not attrs.has(type(value)):
        value = value.value  # an enum
    elif attrs.has(type(value)) and hasattr(value, "start") and hasattr(value, "end"):
        value = f"{value.start}–{value.end}"
    text = str(value)
    if len(text) > _MAX:
        text = text[: _MAX - 1] + "…"
    return html.escape(text)


def _table(title: str, rows: list[tuple[str, Any]]) -> str:
    body = "".join(
        f"<tr><th style='text-align:left;vertical-align:top'>{html.escape(k)}</th>"
        f"<td style='text-align:left'>{_cell(v)}</td></tr>"
        for k, v in rows
        if v not in (None, (), "")
    )
    return f"<table><caption style='text-align:left'><b>{html.escape(title)}</b></caption>{body}</table>"


def record_html(record: Any) -> str:
    """An HTML table of a record's fields (long values cut), for Jupyter."""
    if hasattr(record, "_fields"):  # a named tuple (Mention)
        fields = [(name, getattr(record, name)) for name in record._fields]
    else:
        fields = [
            (f.name, getattr(record, f.name))
            for f in attrs.fields(type(record))
            if not f.name.startswith("_")
        ]
    kind = getattr(record, "kind", type(record).__name__.lower())
    title = f"{kind}: {getattr(record, 'id', '')}".rstrip(": ")
    return _table(title, fields)


def report_html(report: Any) -> str:
    """An HTML summary of a release, for Jupyter."""
    meta = report.metadata
    rows = [
        ("title", meta.title),
        ("by", ", ".join(meta.authors)),
        ("published", f"{meta.publisher}, {meta.published.isoformat()}"),
        ("data release", report.version),
        ("paragraphs", len(report.paragraphs)),
        ("items", len(report.items)),
        ("recommendations", len(report.recommendations)),
        ("footnotes", len(report.footnotes)),
        ("entities", len(report.entities)),
        ("themes", len(report.themes)),
        ("figures", len(report.figures)),
    ]
    return _table("kzrights Report", rows)
