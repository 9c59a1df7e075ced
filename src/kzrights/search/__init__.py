"""Search: ranked full-text search, quotations, concordance and related records.

The [`Report`][kzrights.report.Report] methods ``search``, ``locate``, ``locate_all``,
``concordance`` and ``related`` are the way in; this package holds what they
run: `.index` (BM25), `.locate`, `.related` and the text
normalisation in `._text`, and the types of their results: [`Hit`][kzrights.search.index.Hit],
[`Location`][kzrights.search.locate.Location], [`KwicLine`][kzrights.search.related.KwicLine] and
[`Related`][kzrights.search.related.Related].  ``import
kzrights`` imports none of it; the first search does.

Each module here checks its own arguments (the ``Report`` methods only pass
them on), with its own limit on the length of what users type:
`MAX_QUERY_LENGTH`, `MAX_QUOTE_LENGTH` and `MAX_TERM_LENGTH`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .._locking import FIRST_USE
from .index import KINDS, MAX_QUERY_LENGTH, Hit, validate

if TYPE_CHECKING:
    from .locate import MAX_QUOTE_LENGTH, Location
    from .related import MAX_TERM_LENGTH, KwicLine, Related

__all__ = [
    "KINDS",
    "MAX_QUERY_LENGTH",
    "MAX_QUOTE_LENGTH",
    "MAX_TERM_LENGTH",
    "Hit",
    "KwicLine",
    "Location",
    "Related",
    "validate",
]


# imported when asked for, so that the first search does not pay for them
_LAZY = {
    "KwicLine": "related",
    "Location": "locate",
    "MAX_QUOTE_LENGTH": "locate",
    "MAX_TERM_LENGTH": "related",
    "Related": "related",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is not None:
        with FIRST_USE:  # a fork() in another thread waits for this import (see kzrights._locking)
            import importlib

            return getattr(importlib.import_module(f"{__name__}.{module}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
