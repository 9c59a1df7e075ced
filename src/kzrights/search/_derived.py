"""The search data of a release computed at build time: its terms' postings and its entities' name keys.

The first search in a process needs, before it can rank anything, the
normalised form of every word of the release (a Porter stemmer in Python)
and the name key of every entity's name and aliases.  Both depend on the
release alone, so ``python -m kzrights_build`` computes them once and writes
them to ``derived/<version>/search.json`` beside (never inside) the frozen
release folders; `kzrights.releases.ReleaseStore.derived` hands the payload
over only while it matches its release.  When it is absent or does not
match, `read` gives None and the search index works the same data out in
memory, so the file makes the first search faster and never changes an
answer (tests compare both ways on every shipped release).

The payload is one JSON object:

- ``documents``: the ids of the search index's documents, in its order
  (the text records in reading order, then the entities);
- ``lengths``: each document's length in words;
- ``terms``: each search form (see `kzrights.search._text.normalise`) →
  the documents that hold it, as one string: ``"3 5 17|9 2"`` is document 3
  at word positions 5 and 17, and document 9 at position 2 (positions index
  the document's words, as `word_list` splits them);
- ``names``: name key → entity id, in the order `kzrights._names.entity_names`
  gives.

Strings, not nested lists: parsing 1,300 strings makes 1,300 objects that
the garbage collector never tracks, where lists of numbers would make
thousands of lists, whose allocation sets off collections that walk the
loaded release (together about three times as long).  A term's string is
turned into postings when a query first asks for it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from .._layout import SEARCH_FILE
from .._names import entity_names
from ..records import Entity, Footnote, Record
from ._text import normalise, word_list

if TYPE_CHECKING:
    from ..report import Report

__all__ = ["FORMAT", "DerivedSearch", "Searchable", "derive", "doc_text", "documents", "read"]

Searchable = Record | Entity

FORMAT = 1
"""The payload's format.  Bump it when the payload's shape or meaning changes: what normalise or
name_key give, how documents are split or ordered.  A test compares the shipped files with `derive`,
so a change that forgets to rebuild them (``python -m kzrights_build``) fails."""


class DerivedSearch:
    """The derived search data of one release, read and checked against its report.

    A plain slotted class rather than an attrs one: it is made once per
    release, and the first search would pay for attrs building a class.

    Attributes:
        lengths: Each document's length in words, in the index's order.
        terms: Search form → its postings as stored (``"3 5 17|9 2"``), turned
            into postings when a query asks for it.
        names: The entities by name key, as `kzrights._names.entity_names` gives them.
    """

    __slots__ = ("lengths", "names", "terms")

    def __init__(self, lengths: Sequence[int], terms: Mapping[str, str], names: Mapping[str, Entity]) -> None:
        self.lengths = lengths
        self.terms = terms
        self.names = names


def derive(report: Report) -> dict[str, Any]:
    """Compute the payload of a release's search data in memory (what the builder writes).

    Returns:
        The payload as a JSON-ready dictionary (see this module's docstring).
    """
    forms: dict[str, str] = {}
    terms: dict[str, list[str]] = {}
    lengths = []
    records = documents(report)
    for number, record in enumerate(records):
        words = word_list(doc_text(record))
        lengths.append(len(words))
        rows: dict[str, list[str]] = {}
        for position, word in enumerate(words):
            form = forms.get(word)
            if form is None:
                form = forms[word] = normalise(word)
            if form:  # a word with no search form is never a query's term
                rows.setdefault(form, [str(number)]).append(str(position))
        for form, row in rows.items():
            terms.setdefault(form, []).append(" ".join(row))
    return {
        "documents": [record.id for record in records],
        "lengths": lengths,
        "terms": {form: "|".join(terms[form]) for form in sorted(terms)},
        "names": {key: entity.id for key, entity in entity_names(report.entities).items()},
    }


def documents(report: Report) -> list[Searchable]:
    """The search index's documents, in its order: the text records in reading order, then the entities."""
    return [*report.records(), *report.entities]


_URL = re.compile(r"https?://\S+")


def doc_text(record: Searchable) -> str:
    """The text a document is searched by (a footnote's web addresses are left out: they are noise)."""
    if isinstance(record, Footnote):
        return _URL.sub(lambda m: " " * len(m.group()), record.text)
    if isinstance(record, Entity):
        aliases = "; ".join(record.aliases)
        return (
            f"{record.name}. {aliases}. {record.description}"
            if aliases
            else f"{record.name}. {record.description}"
        )
    return record.text


def read(report: Report) -> DerivedSearch | None:
    """Return the release's derived search data, or None when it has none that fits.

    Read and checked once per report, on first use (the search index and
    ``Report.entity`` share it).  None when the file is absent or does not
    match its release (see `kzrights.releases.ReleaseStore.derived`), or
    when its documents are not the index's or its names name no entity of
    ``report``: the caller then computes the same data in memory.
    """
    found: DerivedSearch | bool = report._cached(_CACHE_KEY, _read)
    return found if isinstance(found, DerivedSearch) else None


_CACHE_KEY = "derived search"


def _read(report: Report) -> DerivedSearch | bool:
    """`read`'s work; False (which the cache keeps, unlike None) when there is nothing that fits."""
    payload = report._derived_file(SEARCH_FILE, FORMAT)
    if payload is None:
        return False
    from .._compat import json_loads

    try:
        data = json_loads(payload)
    except (ValueError, RecursionError):
        # Its sha256 matched the header, so the file was written to look trusted; a
        # derived file never changes an answer, so it is not used (verify() names it).
        return False
    document_ids = [record.id for record in documents(report)]
    if not isinstance(data, dict) or data.get("documents") != document_ids:
        return False
    lengths, terms, ids = data.get("lengths"), data.get("terms"), data.get("names")
    if not (
        isinstance(lengths, list)
        and len(lengths) == len(document_ids)
        and all(type(n) is int and n >= 0 for n in lengths)
        and isinstance(terms, dict)
        and isinstance(ids, dict)
    ):
        return False
    names: dict[str, Entity] = {}
    for key, id in ids.items():
        entity = report._index.get(id) if isinstance(id, str) else None
        if not isinstance(entity, Entity):
            return False
        names[key] = entity
    from types import MappingProxyType

    return DerivedSearch(lengths, terms, MappingProxyType(names))
