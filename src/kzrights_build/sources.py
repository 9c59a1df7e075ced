"""The sources the footnotes cite (``seeds/sources.toml``), checked against the footnotes' words."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from kzrights.errors import BuildError
from kzrights.records import Footnote, Source

__all__ = ["SOURCES_FILE", "read_sources"]

SOURCES_FILE = "sources.toml"
_TYPES = ("article", "webpage", "legislation", "report")
_WORDS = ("author", "title", "container", "date_text", "url")
_FIELDS = {"key", "type", "footnotes", "issued", *_WORDS}


def read_sources(data: Mapping[str, Any], path: str, footnotes: Sequence[Footnote]) -> tuple[Source, ...]:
    """Build the sources, checking every stated field against the text of every footnote that cites it.

    Raises:
        BuildError: On an unknown field or type, a duplicate key, an unknown
            footnote, or a field the footnote does not say.
    """
    by_number = {f.number: f for f in footnotes}
    sources = []
    for raw in data.get("source", []):
        what = f"source {raw.get('key')!r}" if isinstance(raw, dict) else "a source"
        if (
            not isinstance(raw, dict)
            or not set(raw) <= _FIELDS
            or not {"key", "type", "footnotes", "author"} <= set(raw)
        ):
            raise BuildError(
                path, f"{what}: needs key, type, footnotes and author; may have {sorted(_FIELDS)}"
            )
        if raw["type"] not in _TYPES:
            raise BuildError(path, f"{what}: type must be one of {', '.join(_TYPES)}")
        numbers = raw["footnotes"]
        if not isinstance(numbers, list) or not numbers or any(n not in by_number for n in numbers):
            raise BuildError(path, f"{what}: footnotes must list existing footnote numbers")
        for field in _WORDS:
            value = raw.get(field)
            if value is None:
                continue
            for number in numbers:
                cited = by_number[number]
                text = by_number[(cited.ibid_of and int(cited.ibid_of.rsplit(".", 1)[1])) or number].text
                if not isinstance(value, str) or value not in text:
                    raise BuildError(path, f"{what}: {field} {value!r} is not in footnote {number}")
        sources.append(
            Source(
                id=f"sources.{raw['key']}",
                key=raw["key"],
                type=raw["type"],
                footnote_ids=tuple(by_number[n].id for n in numbers),
                author=raw["author"],
                title=raw.get("title"),
                container=raw.get("container"),
                date_text=raw.get("date_text"),
                issued=raw.get("issued"),
                url=raw.get("url"),
            )
        )
    keys = [s.key for s in sources]
    if len(set(keys)) != len(keys):
        raise BuildError(path, "source keys must be distinct")
    return tuple(sources)
