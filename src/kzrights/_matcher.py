"""The entity matcher behind [`kzrights.annotate`][kzrights.annotation.annotate]: a compiled, case-aware trie.

The aliases are lowercased into one trie, and the trie into one regular
expression whose branches follow it: the regex engine, in C, jumps from word
start to word start and follows at most one path of the trie from each, so it
never tries the aliases one by one and its cost grows with the text, hardly
with the number of aliases.  The longest alias wins, because every node tries
its continuations before it accepts the shorter name, and every name must end
at a word boundary.

Case rules: names with a space in them match in any case, so the trie runs
over the lowercased text; a hit of a single word or acronym is then kept only
if the original text has it in one of its allowed forms (see
`surface_variants`), so "oyan" and "ilo" are never names.

A `Matcher` pickles as its two tables of names (a process pool or a
Spark job can ship it) and rebuilds its patterns on arrival; it never changes
after it is built.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from .records import Mention

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

    Examples:
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
    return _node_regex(trie, top=True)


def _edge(char: str) -> str:
    return r"\s+" if char == " " else re.escape(char)


def _node_regex(node: dict[str, dict], top: bool = False) -> str:  # type: ignore[type-arg]
    """The regex of a trie node: one branch per next character, the end of a name last.

    At the top, the branches for characters beyond Latin (Cyrillic, …) are
    grouped behind one character class, so that the regex engine, which
    tries a group's branches one by one, skips them all with one test on
    Latin text.
    """
    chars = sorted(k for k in node if k != _END)
    far = [c for c in chars if top and ord(c) >= 0x0400]
    branches = [_edge(c) + _node_regex(node[c]) for c in chars if c not in far]
    if len(far) > 1:
        inner = "|".join(f"(?<={_edge(c)}){_node_regex(node[c])}" for c in far)
        branches.append("[" + "".join(_edge(c) for c in far) + "](?:" + inner + ")")
    elif far:
        branches.append(_edge(far[0]) + _node_regex(node[far[0]]))
    if _END in node:
        # accept here only if the name ends at a word boundary; tried last,
        # so that a longer name through this node wins
        branches.append(r"(?!\w)")
    if len(branches) == 1:
        return branches[0]
    return "(?:" + "|".join(branches) + ")"


def _nonword_class(low: int, high: int) -> str:
    """A character class of every non-word character from ``low`` to ``high``."""
    ranges: list[tuple[int, int]] = []
    for code in range(low, high + 1):
        if 0xD800 <= code <= 0xDFFF or _WORD.match(chr(code)):
            continue
        if ranges and ranges[-1][1] == code - 1:
            ranges[-1] = (ranges[-1][0], code)
        else:
            ranges.append((code, code))
    return "[" + "".join(f"\\U{a:08x}" if a == b else f"\\U{a:08x}-\\U{b:08x}" for a, b in ranges) + "]"


_WORD = re.compile(r"\w")


@functools.cache
def _bmp_nonword_class() -> str:
    return _nonword_class(0, 0xFFFF)


class Matcher:
    """Finds aliases of entities in a text: longest match, word boundaries, case rules.

    How it is fast: the text is lowercased once (``str.lower`` keeps offsets
    for almost every text; for the rare one it does not, a slower exact path
    runs instead), and one case-sensitive trie regex of the lowercased
    aliases runs over it.  The pattern starts with a class of the characters
    that can precede a word (every non-word character of the Basic
    Multilingual Plane, which the regex engine tests with a bitmap), so the
    engine jumps from word start to word start.  A hit of a case-sensitive
    alias is then kept only if the text has it in one of its allowed forms.

    Args:
        aliases: ``(alias, entity_id)`` pairs.  An alias with a space in it
            matches in any case and with any run of whitespace between its
            words; any other alias matches only in the forms
            `surface_variants` gives.  Straight and curly apostrophes
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
        self._compile()

    def _compile(self) -> None:
        exact, folded = self._exact, self._folded
        trie = _trie_regex(set(folded) | {form.lower() for form in exact} or {"\x00"})
        # what may precede a name: any non-word character of the BMP, which the
        # engine tests with a bitmap; for texts with characters beyond the BMP,
        # any of those too (a slower class; _keep checks they are not letters)
        bmp = _bmp_nonword_class()
        self._anywhere = re.compile(bmp + "(" + trie + ")")
        self._anywhere_astral = re.compile(bmp[:-1] + "\U00010000-\U0010ffff](" + trie + ")")
        self._head = re.compile("(" + trie + ")")
        self._folded_only = re.compile("(" + _trie_regex(folded or {"\x00"}) + ")")
        parts = []
        if folded:
            parts.append("(?i:" + _trie_regex(folded) + ")")
        if exact:
            parts.append(_trie_regex(exact))
        self._exact_path = re.compile(r"(?<!\w)(" + ("|".join(parts) or "(?!)") + ")")

    def __reduce__(self) -> tuple[object, ...]:
        # the patterns are rebuilt in the receiving process: only the tables travel
        return (_rebuild, (self._exact, self._folded))

    def find(self, text: str) -> list[Mention]:
        """Return a [`Mention`][kzrights.records.Mention] for every name found in ``text``, in order."""
        low = text.lower()
        if len(low) != len(text):
            return self._find_exact(text)
        found: list[Mention] = []
        head = self._head.match(low)
        if head is not None:
            self._keep(head, text, low, found)
        exact_get = self._exact.get
        folded_get = self._folded.get
        new = tuple.__new__
        # UTF-16 needs two units for a character beyond the BMP: a cheap test for one
        narrow = len(low.encode("utf-16-le", "surrogatepass")) == 2 * len(low)
        pattern = self._anywhere if narrow else self._anywhere_astral
        for match in pattern.finditer(low, head.end() if head is not None else 0):
            start, end = match.span(1)
            key = match.group(1)
            surface = text[start:end]
            entity_id = folded_get(key) or exact_get(surface)
            if entity_id is not None and low[start - 1] < "\U00010000":
                # tuple.__new__ skips the keyword handling of Mention(...)
                found.append(new(Mention, (entity_id, surface, start, end, None, None)))
            else:
                self._keep(match, text, low, found)
        return found

    def _keep(self, match: re.Match[str], text: str, low: str, found: list[Mention]) -> None:
        """The slow path of a hit: whitespace to fold, a case to check, a character before to check."""
        start, end = match.span(1)
        if start and low[start - 1] >= "\U00010000" and _WORD.match(low, start - 1):
            return
        key = match.group(1)
        entity_id = self._folded.get(_fold(key)) or self._exact.get(text[start:end])
        if entity_id is None:
            # a single word in a case it may not take ("oyan"): a name that
            # matches in any case may still start here
            retry = self._folded_only.match(low, start)
            if retry is None:
                return
            end = retry.end(1)
            entity_id = self._folded[_fold(retry.group(1))]
        found.append(Mention(entity_id, text[start:end], start, end))

    def _find_exact(self, text: str) -> list[Mention]:
        """The slower path, on the text as it is, for texts whose lowercase has another length."""
        found = []
        for match in self._exact_path.finditer(text):
            surface = match.group(1)
            entity_id = self._exact.get(surface) or self._folded.get(_fold(surface))
            if entity_id is not None:
                found.append(Mention(entity_id, surface, match.start(1), match.end(1)))
        return found


def _rebuild(exact: dict[str, str], folded: dict[str, str]) -> Matcher:
    matcher = Matcher.__new__(Matcher)
    matcher._exact = exact
    matcher._folded = folded
    matcher._compile()
    return matcher


def entity_matcher(entities: Sequence[Entity]) -> Matcher:
    """The matcher for these entities' names and aliases: the one annotate and the build share."""
    return Matcher((form, e.id) for e in entities for form in (e.name, *e.aliases))
