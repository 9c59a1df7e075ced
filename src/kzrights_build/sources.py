"""The sources the footnotes cite (``seeds/sources.toml``), checked against the footnotes' words."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from kzrights.errors import BuildError
from kzrights.records import Footnote, Source

from .seed_files import SourcesFile, read

__all__ = ["SOURCES_FILE", "read_sources"]

SOURCES_FILE = "sources.toml"
_WORDS = ("author", "title", "container", "date_text", "url")


def read_sources(data: Mapping[str, Any], path: str, footnotes: Sequence[Footnote]) -> tuple[Source, ...]:
    """Build the sources, checking every stated field against the text of every footnote that cites it.

    Raises:
        BuildError: On a malformed entry (see :mod:`.seed_files`), a duplicate
            key, an unknown footnote, or a field the footnote does not say.
    """
    by_number = {f.number: f for f in footnotes}
    sources = []
    for seed in read(data, SourcesFile, path).source:
        what = f"source {seed.key!r}"
        if any(n not in by_number for n in seed.footnotes):
            raise BuildError(path, f"{what}: footnotes must list existing footnote numbers")
        for field in _WORDS:
            value = getattr(seed, field)
            if value is None:
                continue
            for number in seed.footnotes:
                cited = by_number[number]
                text = by_number[(cited.ibid_of and int(cited.ibid_of.rsplit(".", 1)[1])) or number].text
                if value not in text:
                    raise BuildError(path, f"{what}: {field} {value!r} is not in footnote {number}")
        sources.append(
            Source(
                id=f"sources.{seed.key}",
                key=seed.key,
                type=seed.type,
                footnote_ids=tuple(by_number[n].id for n in seed.footnotes),
                author=seed.author,
                title=seed.title,
                container=seed.container,
                date_text=seed.date_text,
                issued=seed.issued,
                url=seed.url,
            )
        )
    keys = [s.key for s in sources]
    if len(set(keys)) != len(keys):
        raise BuildError(path, "source keys must be distinct")
    return tuple(sources)
