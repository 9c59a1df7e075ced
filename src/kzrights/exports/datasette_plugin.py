"""A Datasette plugin: ranked, error-free full-text search on the kzrights SQLite export's pages.

Datasette (0.64, 0.65) finds the export's full-text tables by itself, but
its ``?_search=`` keeps a table's own order, and a search with no word in
it (a lone ``"``, only spaces) makes FTS5 fail with an HTTP 400
("fts5: syntax error").  The export's metadata file
([`datasette_metadata`][kzrights.exports.writers.datasette_metadata])
asks this plugin, per table, for two things:

- ``{"plugins": {"kzrights": {"safe_search": true}}}`` on ``records``,
  ``entities``, ``sources`` and the ranked views: the words of ``_search``
  are quoted as Datasette's search box quotes them, NUL characters are
  dropped, and a search with no word in it returns no row instead of an
  error;
- ``{"plugins": {"kzrights": {"rank_column": "fts"}}}`` on the views
  ``records_ranked`` and ``entities_ranked``: the search is also made a
  ``MATCH`` on the view's own FTS5 column, so FTS5 computes its ``rank``
  (BM25) and the view's ``"sort": "rank"`` puts the best match first.

It acts on no other table and no other database.  Installed with
``pip install 'kzrights[datasette]'``, Datasette loads it through the
``datasette`` entry point; ``datasette plugins`` lists it.

The data come from the release exported; this module reads only the
request and the metadata.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, TypeVar

_F = TypeVar("_F", bound=Callable[..., Any])

try:
    from datasette import hookimpl
except ImportError:  # only Datasette calls the hook; without it, the module still imports (for its docs)

    def hookimpl(**_options: Any) -> Callable[[_F], _F]:
        """Datasette's hook marker, standing in: leaves the function as it is."""
        return lambda function: function


__all__ = ["filters_from_request", "fts_phrases"]

# a quoted phrase, or a run of anything else but white space: as Datasette's escape_fts splits
_BITS = re.compile(r'"[^"]*"|[^\s"]+')
# characters no SQLite statement or FTS5 query can carry (the C API stops at NUL)
_UNSAFE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def fts_phrases(search: str) -> str:
    """Quote each word of a search as an FTS5 phrase, as Datasette's search box does.

    A quoted stretch (``"human rights"``) stays one phrase, an unbalanced
    ``"`` is closed, every other run of characters between spaces becomes a
    phrase, so ``AND``, ``NEAR(`` or ``*`` are searched as text.  Control
    characters (NUL among them) count as spaces; a phrase with no letter or
    digit in it, which FTS5 would reject or match everywhere, is left out.

    Args:
        search: What the user typed, any string.

    Returns:
        The FTS5 query: phrases separated by spaces (all must match), or
        ``""`` when no word is left.

    Examples:
        >>> fts_phrases('kettling "human rights" AND')
        '"kettling" "human rights" "AND"'
        >>> fts_phrases('"   ')
        ''
    """
    search = _UNSAFE.sub(" ", search)
    if search.count('"') % 2:
        search += '"'
    phrases = []
    for bit in _BITS.findall(search):
        words = bit.strip('"')
        if any(ch.isalnum() for ch in words):
            phrases.append('"' + words.replace('"', '""') + '"')
    return " ".join(phrases)


def _config(datasette: Any, database: str, table: str | None) -> dict[str, Any]:
    if table is None:
        return {}
    config = datasette.plugin_config("kzrights", database=database, table=table, fallback=False)
    return config if isinstance(config, dict) else {}


@hookimpl(trylast=True)  # type: ignore[untyped-decorator]  # datasette ships no types
def filters_from_request(request: Any, database: str, table: str | None, datasette: Any) -> Any:
    """Datasette's hook: make ``?_search=`` safe, and ranked where the table's metadata asks.

    It runs after Datasette's own search filter (``trylast``), so the
    search it passes to FTS5 replaces the one Datasette would pass.

    Args:
        request: The request of the table page.
        database: The database's name.
        table: The table's or view's name.
        datasette: The Datasette instance, for the metadata.

    Returns:
        Datasette's ``FilterArguments``, or ``None`` where the table's
        metadata does not ask for this plugin or no search is made.
    """
    config = _config(datasette, database, table)
    search = request.args.get("_search")
    if not config or search is None or request.args.get("_searchmode") == "raw":
        return None
    from datasette.filters import FilterArguments

    query = fts_phrases(search)
    where: list[str] = []
    params: dict[str, str] = {}
    if config.get("safe_search"):
        # the parameter Datasette's own filter matches with escape_fts(:search)
        params["search"] = query or '"kzrights"'
        if not query:
            where.append("0")  # no word: no row, rather than FTS5's syntax error
    column = config.get("rank_column")
    if isinstance(column, str) and query:
        where.append(f"[{column.replace(']', '')}] match :kzrights_search")
        params["kzrights_search"] = query
    return FilterArguments(where, params, [], {"supports_search": True, "search": search})
