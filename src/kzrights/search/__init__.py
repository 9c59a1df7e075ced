"""Search: ranked full-text search, quotations, concordance and related records.

The [`Report`][kzrights.report.Report] methods ``search``, ``locate``, ``locate_all``,
``concordance`` and ``related`` are the way in; this package holds what they
run: `.index` (BM25), `.locate`, `.related` and the text
normalisation in `._text`, and the types of their results: [`Hit`][kzrights.search.index.Hit],
[`Location`][kzrights.search.locate.Location], [`KwicLine`][kzrights.search.related.KwicLine] and
[`Related`][kzrights.search.related.Related].  ``import
kzrights`` imports none of it; the first search does.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import TYPE_CHECKING, Any

from ..errors import InputTooLongError, UnknownIdError
from .index import KINDS, Hit

if TYPE_CHECKING:
    from ..records import Addressee
    from ..report import Report
    from .locate import Location
    from .related import KwicLine, Related

# imported when asked for, so that the first search does not pay for them
_LAZY = {"KwicLine": "related", "Location": "locate", "Related": "related"}

__all__ = ["KINDS", "Hit", "KwicLine", "Location", "Related", "validate"]


def validate(
    report: Report,
    query: object,
    kinds: str | Collection[str] | None,
    limit: object,
    addressee: Addressee | str | None,
    theme: str | None,
    entity: str | None,
    section: str | None,
) -> dict[str, Any]:
    """Check the arguments of [`Report.search`][kzrights.report.Report.search]; return the index's options.

    Raises:
        TypeError, ValueError, UnknownIdError: As [`Report.search`][kzrights.report.Report.search] says.
    """
    from ..records import Addressee
    from ..report import MAX_QUERY_LENGTH

    if not isinstance(query, str):
        raise TypeError(f"query must be a str, not {type(query).__name__}")
    if not query.strip():
        raise ValueError("the query is empty: give at least one word")
    if len(query) > MAX_QUERY_LENGTH:
        raise InputTooLongError("query", len(query), MAX_QUERY_LENGTH)
    if type(limit) is not int:
        raise TypeError(f"limit must be an int, not {type(limit).__name__}")
    if limit < 1:
        raise ValueError("limit must be at least 1")
    wanted_kinds = None
    if kinds is not None:
        wanted_kinds = {kinds} if isinstance(kinds, str) else set(kinds)
        unknown = sorted(str(k) for k in wanted_kinds - set(KINDS))
        if unknown:
            raise ValueError(f"unknown kinds {unknown}; kinds are {', '.join(KINDS)}")
    wanted_addressee = None
    if addressee is not None:
        try:
            wanted_addressee = Addressee(addressee)
        except ValueError:
            raise ValueError(
                f"unknown addressee {addressee!r}; expected 'government' or 'international'"
            ) from None
    theme_id = None
    if theme is not None:
        if not isinstance(theme, str):
            raise TypeError(f"theme must be a str, not {type(theme).__name__}")
        theme_id = theme if theme.startswith("themes.") else f"themes.{theme}"
        if theme_id not in {t.id for t in report.themes}:
            raise UnknownIdError(theme, [t.id for t in report.themes], what="theme")
    entity_id = report.entity(entity).id if entity is not None else None
    sections = [s.id for s in report.sections]
    if section is not None and section not in sections:
        raise ValueError(f"unknown section {section!r}; sections are {', '.join(sections)}")
    return {
        "kinds": wanted_kinds,
        "limit": limit,
        "addressee": wanted_addressee,
        "theme": theme_id,
        "entity": entity_id,
        "section": section,
    }


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(f"{__name__}.{_LAZY[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
