"""Entity linking for any text: [`annotate`][kzrights.annotation.annotate].

``annotate`` finds the registry's entities in a text a user brings (a news
article, a court document, a tweet) with the same matcher the data build uses
on the report.  It is a pure function of its arguments and the shipped data,
and nothing on its path is unpicklable, so it can be mapped over many texts
with `multiprocessing`, Dask or Spark, and called from many threads.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ._locking import FIRST_USE
from .errors import UnsupportedReleaseError
from .records import MentionList

if TYPE_CHECKING:
    from ._matcher import Matcher

__all__ = ["annotate"]

_matchers: dict[str, Matcher] = {}


def _matcher_for(version: str | None) -> Matcher:
    from .releases import load

    report = load(version)
    matcher = _matchers.get(report.version)
    if matcher is None:
        if not report.entities:
            raise UnsupportedReleaseError(report.version, "has no entity registry (added in release 1.1.0)")
        with FIRST_USE:
            matcher = _matchers.get(report.version)
            if matcher is None:
                from ._matcher import entity_matcher

                matcher = entity_matcher(report.entities)
                _matchers[report.version] = matcher
    return matcher


def annotate(text: str, *, version: str | None = None) -> MentionList:
    """Find the entities of the report's registry in ``text``.

    Names with a space in them match in any case ("NUR OTAN"); single words
    and acronyms only as written or in capitals, so common words ("bank",
    "ilo", "oyan") are never linked.  The longest name wins ("Article 174 of
    the Criminal Code" is one mention) and names match only as whole words.
    Cyrillic names match too.

    Args:
        text: Any text.
        version: The data release whose registry to use (default: the newest).

    Returns:
        The mentions in order, each with ``entity_id``, ``text`` (the surface
        form), and ``start`` and ``end`` offsets into ``text``, in a
        [`MentionList`][kzrights.records.MentionList]: a list that pickles about as
        cheaply as plain tuples, for process pools.

    Raises:
        TypeError: If ``text`` is not a str.
        UnknownVersionError: If ``version`` is not a shipped release.
        UnsupportedReleaseError: If that release has no entity registry.

    Examples:
        >>> from kzrights import annotate
        >>> [(m.entity_id, m.text) for m in annotate("NUR OTAN met Токаев in Astana.")]
        [('entities.nur-otan', 'NUR OTAN'), ('entities.kassym-jomart-tokayev', 'Токаев')]
        >>> annotate("")
        []
    """
    if not isinstance(text, str):
        raise TypeError(f"text must be a str, not {type(text).__name__}")
    matcher = _matcher_for(version)
    if not text:
        return MentionList()
    return MentionList(matcher.find(text))
