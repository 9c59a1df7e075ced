"""A Datasette plugin: ranked, error-free full-text search on the kzrights SQLite export's pages.

Datasette (0.64, 0.65) finds the export's full-text tables by itself, but
its ``?_search=`` keeps a table's own order, and a search with no word in
it (a lone ``"``, only spaces) makes FTS5 fail with an HTTP 400
("fts5: syntax error").  The export's metadata file
([`datasette_metadata`][kzrights.exports.writers.datasette_metadata])
asks this plugin, per table, for two things:

- ``{"plugins": {"kzrights": {"safe_search": true}}}`` on ``records``,
  ``entities``, ``sources`` and the ranked views: the words of ``_search``
  and of each ``_search_<column>`` are quoted as Datasette's search box
  quotes them, NUL characters are taken out (as the export's saved queries
  take them out), and a search with no word in it returns no row instead
  of an error;
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
# control characters, read as spaces (NUL, which would end the FTS5 query, is taken out first)
_UNSAFE = re.compile(r"[\x01-\x08\x0b\x0c\x0e-\x1f\x7f]")


def fts_phrases(search: str) -> str:
    r"""Quote each word of a search as an FTS5 phrase, as Datasette's search box does.

    A quoted stretch (``"human rights"``) stays one phrase, an unbalanced
    ``"`` is closed, every other run of characters between spaces becomes a
    phrase, so ``AND``, ``NEAR(`` or ``*`` are searched as text.  NUL
    characters are taken out, as the export's saved queries take them out
    (``kett<NUL>ling`` searches ``kettling``); other control characters
    count as spaces.  A phrase with no letter or digit in it, which FTS5
    would reject or match everywhere, is left out.

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
        >>> fts_phrases("kett\x00ling")
        '"kettling"'
    """
    search = _UNSAFE.sub(" ", search.replace("\x00", ""))
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


def _searches(request: Any) -> dict[str, tuple[str | None, str]]:
    """The searches of a request, by the parameter Datasette binds each to: ``{param: (column, text)}``.

    As Datasette's own filter reads them: ``_search`` alone if given (bound
    to ``:search``), else each ``_search_<column>`` in the order of the
    query string (bound to ``:search_0``, ``:search_1``...).
    """
    keys = [key for key in request.args if key.startswith("_search") and key != "_searchmode"]
    given = {key: request.args[key] for key in keys}
    if "_search" in given:
        return {"search": (None, given["_search"])}
    return {
        f"search_{i}": (key[len("_search_") :], text)
        for i, (key, text) in enumerate(given.items())
        if key.startswith("_search_")
    }


@hookimpl(trylast=True)  # type: ignore[untyped-decorator]  # datasette ships no types
def filters_from_request(request: Any, database: str, table: str | None, datasette: Any) -> Any:
    """Datasette's hook: make ``?_search=`` and ``?_search_<column>=`` safe, and ranked where asked.

    It runs after Datasette's own search filter (``trylast``), so the
    searches it passes to FTS5 replace the ones Datasette would pass.

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
    searches = _searches(request)
    if not config or not searches or request.args.get("_searchmode") == "raw":
        return None
    from datasette.filters import FilterArguments

    where: list[str] = []
    params: dict[str, str] = {}
    ranked: list[str] = []  # the same searches, as one FTS5 query on the view's own column
    for param, (column, text) in searches.items():
        query = fts_phrases(text)
        if config.get("safe_search"):
            # the parameter Datasette's own filter matches with escape_fts(:<param>)
            params[param] = query or '"kzrights"'
            if not query:
                where.append("0")  # no word: no row, rather than FTS5's syntax error
        if query:
            # a column filter, so the ranked view's MATCH searches the same column
            ranked.append(query if column is None else f'"{column.replace(chr(34), "")}" : ({query})')
    rank_column = config.get("rank_column")
    if isinstance(rank_column, str) and ranked and len(ranked) == len(searches):
        where.append(f"[{rank_column.replace(']', '')}] match :kzrights_search")
        params["kzrights_search"] = " ".join(ranked)
    shown = next(iter(searches.values()))[1]
    return FilterArguments(where, params, [], {"supports_search": True, "search": shown})
