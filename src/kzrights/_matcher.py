"""The entity matcher behind :func:`kzrights.annotate`: a compiled, case-aware trie.

Aliases are turned into two tries, one of names that match in any case
(multi-word names) and one of names that match only as written (single words
and acronyms, plus their ALL-CAPS form, and the Capitalised form of a
lowercase word).  Each trie becomes one regular expression whose branches
follow the trie, so the regex engine, in C, walks the text once and at each
word start follows at most one path per trie; it never tries the aliases one
by one.  Within a trie the longest alias wins, because every node tries its
continuations before it accepts the shorter name, and every accepted name must
end at a word boundary.

A :class:`Matcher` holds only strings, dicts and a compiled pattern, so it
pickles (a process pool or a Spark job can ship it) and it never changes after
it is built.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .records import Entity

__all__ = ["Matcher", "entity_matcher", "surface_variants"]

_SPACE = re.compile(r"\s+")
_APOSTROPHES = ("’", "'")


def _is_multiword(alias: str) -> bool:
    return " " in alias.strip()


def surface_variants(alias: str) -> tuple[str, ...]:
    """Return the forms in which a single-word alias may appear.

    The form as written and its ALL-CAPS form; for a lowercase word also its
    Capitalised form (a sentence may start with it).  Never the lowercase form
    of a capitalised name, so that "oyan" or "bank" are not names.

    >>> surface_variants("Oyan")
    ('Oyan', 'OYAN')
    >>> surface_variants("kettling")
    ('kettling', 'KETTLING', 'Kettling')
    """
    forms = [alias, alias.upper()]
    if alias[:1].islower():
        forms.append(alias[:1].upper() + alias[1:])
    return tuple(dict.fromkeys(forms))


def _apostrophe_variants(alias: str) -> tuple[str, ...]:
    if not any(a in alias for a in _APOSTROPHES):
        return (alias,)
    return tuple(dict.fromkeys(alias.replace(a, b) for a in _APOSTROPHES for b in _APOSTROPHES))


def _fold(text: str) -> str:
    """The key under which a multi-word surface string is looked up."""
    return _SPACE.sub(" ", text.lower())


_END = ""  # a trie key that marks the end of a name


def _trie_regex(words: Iterable[str]) -> str:
    trie: dict[str, dict] = {}  # type: ignore[type-arg]
    for word in words:
        node = trie
        for char in word:
            node = node.setdefault(char, {})
        node[_END] = {}
    return _node_regex(trie)


def _node_regex(node: dict[str, dict]) -> str:  # type: ignore[type-arg]
    branches = []
    for char in sorted(k for k in node if k != _END):
        edge = r"\s+" if char == " " else re.escape(char)
        branches.append(edge + _node_regex(node[char]))
    if _END in node:
        # accept here only if the name ends at a word boundary; tried last,
        # so that a longer name through this node wins
        branches.append(r"(?!\w)")
    if len(branches) == 1:
        return branches[0]
    return "(?:" + "|".join(branches) + ")"


class Matcher:
    """Finds aliases of entities in a text: longest match, word boundaries, case rules.

    Args:
        aliases: ``(alias, entity_id)`` pairs.  An alias with a space in it
            matches in any case and with any run of whitespace between its
            words; any other alias matches only in the forms
            :func:`surface_variants` gives.  Straight and curly apostrophes
            are interchangeable.

    Raises:
        ValueError: If one surface form would name two different entities.
    """

    def __init__(self, aliases: Iterable[tuple[str, str]]) -> None:
        exact: dict[str, str] = {}
        folded: dict[str, str] = {}

        def claim(table: dict[str, str], key: str, entity_id: str, alias: str) -> None:
            owner = table.setdefault(key, entity_id)
            if owner != entity_id:
                raise ValueError(f"alias {alias!r} names both {owner!r} and {entity_id!r}")

        for alias, entity_id in aliases:
            alias = alias.strip()
            if not alias:
                raise ValueError(f"empty alias for {entity_id!r}")
            for form in _apostrophe_variants(alias):
                if _is_multiword(form):
                    claim(folded, _fold(form), entity_id, alias)
                else:
                    for variant in surface_variants(form):
                        claim(exact, variant, entity_id, alias)
        self._exact = exact
        self._folded = folded
        parts = []
        if folded:
            parts.append("(?i:" + _trie_regex(folded) + ")")
        if exact:
            parts.append(_trie_regex(exact))
        body = "|".join(parts) if parts else "(?!)"
        self._pattern = re.compile(r"(?<!\w)(?:" + body + ")")

    def __reduce__(self) -> tuple[object, ...]:
        return (_rebuild, (self._exact, self._folded, self._pattern))

    def find(self, text: str) -> list[tuple[str, int, int]]:
        """Return ``(entity_id, start, end)`` for every name found in ``text``, in order."""
        found = []
        exact = self._exact
        folded = self._folded
        for match in self._pattern.finditer(text):
            surface = match.group()
            entity_id = exact.get(surface) or folded.get(_fold(surface))
            if entity_id is not None:
                found.append((entity_id, match.start(), match.end()))
        return found


def _rebuild(exact: dict[str, str], folded: dict[str, str], pattern: re.Pattern[str]) -> Matcher:
    matcher = Matcher.__new__(Matcher)
    matcher._exact = exact
    matcher._folded = folded
    matcher._pattern = pattern
    return matcher


def entity_matcher(entities: Sequence[Entity]) -> Matcher:
    """The matcher for these entities' names and aliases: the one annotate and the build share."""
    return Matcher((form, e.id) for e in entities for form in (e.name, *e.aliases))
