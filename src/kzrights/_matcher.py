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

Character rules come from `kzrights._chars`, as they do for search and
[`Report.entity`][kzrights.report.Report.entity]: any apostrophe stands for any other and any dash for
any other; a word is letters, digits and combining marks, so a name never
ends between a letter and its accent; a text that is not in NFC is matched
in NFC and its mentions are given back as offsets into the text as given.
There is one path for every text: the lowercase never changes an offset
(`same_length_lower`).

Each surface form leads to a *sense*: the entity, the kind of form
(`AliasForm`) and, for a form that is not ``safe``, the candidates the
linking rules (`kzrights._linker`) must decide between.  A safe form
becomes a [`Mention`][kzrights.records.Mention] at once; any other is
handed back as pending, so text without ambiguous names costs nothing more.

Two engines find where names may start, with the same results, mention for
mention: ``"re"``, the trie regex above, and ``"pyahocorasick"``, an
Aho-Corasick automaton (the optional ``kzrights[fast]`` extra) of every
name's first word (each apostrophe and dash in it spelled every way, a name
of several words followed by any space), built once per matcher on its first
scan.  Each start the automaton finds, after a character that may precede a
name, is handed to the same trie regex, anchored there, which decides the
name exactly as the ``"re"`` scan does; a text with an invisible character
makes either engine hand the text back (`InvisibleCharacter`).  Which one a
matcher uses is `Matcher.engine`: the one named by the ``engine`` argument or
the ``KZRIGHTS_MATCHER`` environment variable (``re`` or ``pyahocorasick``),
else ``"re"``, which measured faster on mixed English and Russian news
(``docs/benchmarks.md``): pyahocorasick's automaton steps through every
character of the lowercase in C about as fast as the regex engine jumps
from word start to word start, and its starts still need the regex.

A `Matcher` pickles as its two tables of names and the engine asked for (a
process pool or a Spark job can ship it) and rebuilds its patterns on arrival;
it never changes after it is built.
"""

from __future__ import annotations

import itertools
import os
import re
import threading
from collections.abc import Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

from . import _chars
from .errors import LinkerError, MissingDependencyError
from .records import AliasForm, Ambiguity, Mention

if TYPE_CHECKING:
    from .records import Entity

__all__ = [
    "ENGINES",
    "ENGINE_VARIABLE",
    "Candidate",
    "InvisibleCharacter",
    "Lowered",
    "Matcher",
    "Pending",
    "Sense",
    "entity_matcher",
    "surface_variants",
]

Candidate = tuple[str, AliasForm, Ambiguity, bool]
"""One entity a surface form may name: ``(entity_id, form, ambiguity, generated)``."""
Sense = tuple[str, AliasForm, "tuple[Candidate, ...] | None"]
"""What a surface form leads to: ``(entity_id, form, candidates)``; ``candidates`` is
``None`` for a safe form of one entity, else every entity it may name."""
Pending = list[tuple[int, "tuple[Candidate, ...]"]]
"""Mentions the rules must decide: (index in the mentions found, candidates)."""
Lowered = list[tuple[int, int, str, AliasForm]]
"""Single words found in lowercase that are a safe form of one entity (``"tokaev"``), never
mentions by themselves: ``(start, end, entity_id, form)``, for the whole-name rule."""

_SPACE = re.compile(r"\s+")
# every apostrophe and every dash of an alias is stored as its folded form, and
# the trie's edge for it accepts any of them
_MARK_FOLD = str.maketrans({**dict.fromkeys(_chars.APOSTROPHES, "'"), **dict.fromkeys(_chars.DASHES, "-")})
_EDGES = {
    " ": r"\s+",
    "'": "[" + re.escape(_chars.APOSTROPHES) + "]",
    "-": "[" + re.escape(_chars.DASHES) + "]",
}


class InvisibleCharacter(Exception):
    """`Matcher.scan` met an invisible character (`kzrights._chars.INVISIBLE`): scan the visible text.

    A signal inside the linking engine, never raised to a user.
    """


_INVISIBLE = frozenset(_chars.INVISIBLE)
# the one invisible character that is a combining mark, so never a character before a name
_INVISIBLE_MARK = "\u034f"
# after a character before a name that starts no name: was it an invisible one?
# (a branch of the trie's top node, so no group of its own to enter on every try)
_AFTER_INVISIBLE = "(?<=[" + re.escape(_chars.INVISIBLE) + "])"


ENGINES = ("pyahocorasick", "re")
"""The engines a `Matcher` can scan with; their results are the same."""
ENGINE_VARIABLE = "KZRIGHTS_MATCHER"
"""The environment variable that names the engine (``re`` forces the standard library's, for debugging)."""
# a name whose first word has more spellings than this (apostrophes and dashes
# spelled every way) keeps its matcher on the "re" engine
_MOST_SPELLINGS = 5000
# every character the regex engine's \s takes for a space (none is above U+3000)
_SPACES = "".join(c for c in map(chr, range(0x3001)) if c.isspace())


def _chosen_engine(engine: str | None) -> str:
    """The engine asked for by argument or environment, or ``None`` for the best one installed.

    Raises:
        LinkerError: If the engine is not one of `ENGINES`.
    """
    source = "engine"
    if engine is None:
        engine = os.environ.get(ENGINE_VARIABLE, "").strip() or None
        source = ENGINE_VARIABLE
        if engine is None:
            return ""
    if engine not in ENGINES:
        raise LinkerError(str(engine), f"{source} must be one of {', '.join(map(repr, ENGINES))}")
    return engine


def _has_pyahocorasick() -> bool:
    try:
        import ahocorasick  # noqa: F401
    except ImportError:
        return False
    return True


def _spellings(word: str) -> Iterator[str]:
    """Every spelling of a folded word: each apostrophe any of `APOSTROPHES`, each dash any of `DASHES`."""
    choices = [_chars.APOSTROPHES if c == "'" else _chars.DASHES if c == "-" else c for c in word]
    return map("".join, itertools.product(*choices))


def _first_words(words: Iterable[str]) -> tuple[list[str], int]:
    r"""The keys of the automaton: each name's first word in every spelling, with any space after it.

    A single word is its whole name; a name of several words gives its first
    word and each character the regex engine's ``\s`` takes.  Returns the
    keys and the most spellings one name had.
    """
    keys: set[str] = set()
    most = 0
    for word in words:
        first, space, _ = word.partition(" ")
        count = len(_SPACES) if space else 1
        for char in first:
            count *= len(_chars.APOSTROPHES) if char == "'" else len(_chars.DASHES) if char == "-" else 1
        most = max(most, count)
        if count > _MOST_SPELLINGS:
            continue
        for spelled in _spellings(first):
            if space:
                keys.update(spelled + blank for blank in _SPACES)
            else:
                keys.add(spelled)
    return sorted(keys), most


# what may stand before a name: the regex engine's class before a name (every
# non-word character of the BMP, and any character beyond it, which the scan
# checks again); filled as characters are met
_BEFORE: dict[str, bool] = {}


def _may_precede(char: str) -> bool:
    known = _BEFORE.get(char)
    if known is None:
        known = _BEFORE[char] = char >= "\U00010000" or not _chars.is_word_char(char)
    return known


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


def _fold(text: str) -> str:
    """The key under which a surface string is looked up.

    Apostrophes and dashes folded; for a string of several words, lowercase
    with one space between the words, as multi-word names match.
    """
    folded = text.translate(_MARK_FOLD)
    if _SPACE.search(folded):
        return _SPACE.sub(" ", _chars.same_length_lower(folded))
    return folded


_END = ""  # a trie key that marks the end of a name
_END_OF_NAME = "(?![^\\W" + re.escape(_chars.APOSTROPHES) + "])"


def _trie_regex(words: Iterable[str], last: str | None = None) -> str:
    """One regex for the words, following their trie; ``last`` is one more branch at the top, tried last."""
    trie: dict[str, dict] = {}  # type: ignore[type-arg]
    for word in words:
        node = trie
        for char in word:
            node = node.setdefault(char, {})
        node[_END] = {}
    # a name ends where no letter or digit follows; an apostrophe may follow, whatever
    # Unicode calls it (ʼ is a letter to it); Matcher.find sees to combining marks
    return _node_regex(trie, _END_OF_NAME, top=True, last=last)


def _edge(char: str) -> str:
    return _EDGES.get(char) or re.escape(char)


def _node_regex(node: dict[str, dict], end: str, top: bool = False, last: str | None = None) -> str:  # type: ignore[type-arg]
    """The regex of a trie node: one branch per next character, the end of a name last.

    At the top, the branches for characters beyond Latin (Cyrillic, …) are
    grouped behind one lookahead class, so that the regex engine, which
    tries a group's branches one by one, skips them all with one test on
    Latin text.  Inside the group each branch starts with its letter, which
    the engine rules out with one comparison (a group of lookbehinds, tried
    before, cost a Cyrillic word about a fifth more).
    """
    chars = sorted(k for k in node if k != _END)
    far = [c for c in chars if top and ord(c) >= 0x0400]
    branches = [_edge(c) + _node_regex(node[c], end) for c in chars if c not in far]
    if len(far) > 1:
        inner = "|".join(_edge(c) + _node_regex(node[c], end) for c in far)
        branches.append("(?=[" + "".join(_edge(c) for c in far) + "])(?:" + inner + ")")
    elif far:
        branches.append(_edge(far[0]) + _node_regex(node[far[0]], end))
    if _END in node:
        # accept here only if the name ends at a word boundary; tried last,
        # so that a longer name through this node wins
        branches.append(end)
    if last is not None:
        branches.append(last)
    if len(branches) == 1:
        return branches[0]
    return "(?:" + "|".join(branches) + ")"


class Matcher:
    """Finds aliases of entities in a text: longest match, word boundaries, case rules.

    How it is fast: the text is lowercased once, keeping every offset
    (`same_length_lower`), and one case-sensitive trie
    regex of the lowercased aliases runs over it.  The pattern starts with a
    class of the characters that can precede a word (every non-word
    character of the Basic Multilingual Plane, which the regex engine tests
    with a bitmap), so the engine jumps from word start to word start.  A
    text with characters beyond the BMP runs the same loop with a class that
    also takes those, and a hit after one is kept only if that character is
    no letter.  A hit of a case-sensitive alias is then kept only if the
    text has it in one of its allowed forms.

    Args:
        aliases: ``(alias, entity_id)`` pairs.  An alias with a space in it
            matches in any case and with any run of whitespace between its
            words; any other alias matches only in the forms
            `surface_variants` gives.  Any apostrophe matches any other
            (`APOSTROPHES`), and any dash any other.
        engine: ``"pyahocorasick"`` or ``"re"`` (`ENGINES`), the scan that finds
            where names start; the mentions are the same.  ``None`` (the
            default) takes the one the ``KZRIGHTS_MATCHER`` environment
            variable names, else ``re``.

    Raises:
        ValueError: If one surface form would name two different entities.
        LinkerError: If the engine (argument or environment) is not one of `ENGINES`.
        MissingDependencyError: If pyahocorasick is asked for by name and not installed.
    """

    def __init__(
        self,
        aliases: Iterable[tuple[str, str] | tuple[str, str, AliasForm, Ambiguity, bool]],
        engine: str | None = None,
    ) -> None:
        exact: dict[str, list[Candidate]] = {}
        folded: dict[str, list[Candidate]] = {}

        def claim(table: dict[str, list[Candidate]], key: str, candidate: Candidate, alias: str) -> None:
            senses = table.setdefault(key, [])
            for other in senses:
                if other[0] == candidate[0]:
                    return  # the entity has this form already: the first one listed stays
                if not (other[3] or candidate[3]):
                    # two curated forms: an error in the registry, not an ambiguity to resolve
                    raise ValueError(f"alias {alias!r} names both {other[0]!r} and {candidate[0]!r}")
            senses.append(candidate)

        for entry in aliases:
            alias, entity_id = entry[0], entry[1]
            candidate: Candidate = (
                (entity_id, entry[2], entry[3], entry[4])
                if len(entry) == 5
                else (entity_id, AliasForm.ALIAS, Ambiguity.SAFE, False)
            )
            alias = alias.strip()
            if not alias:
                raise ValueError(f"empty alias for {entity_id!r}")
            # aliases are matched in NFC, as texts are
            form = _chars.nfc(alias)[0]
            if _is_multiword(form):
                claim(folded, _fold(form), candidate, alias)
            else:
                for variant in surface_variants(form):
                    claim(exact, _fold(variant), candidate, alias)
        self._exact = {key: _sense(senses) for key, senses in exact.items()}
        self._folded = {key: _sense(senses) for key, senses in folded.items()}
        self._asked = engine
        self._compile()

    def _compile(self) -> None:
        exact, folded = self._exact, self._folded
        words = set(folded) | {_chars.same_length_lower(form) for form in exact} or {"\x00"}
        asked = _chosen_engine(self._asked)
        if asked == "pyahocorasick" and not _has_pyahocorasick():
            raise MissingDependencyError("the pyahocorasick matcher", "pyahocorasick", "fast")
        self._keys: list[str] | None = None
        # measured slower than "re" on mixed news (docs/benchmarks.md, session 7): asked for by name only
        if asked == "pyahocorasick":
            keys, most = _first_words(words)
            if most <= _MOST_SPELLINGS:
                self._keys = keys
        self._automaton: Any = None
        self._building = threading.Lock()
        # the safe single-word forms of one entity each, by their lowercase, which is no form
        # itself ("tokaev"): never a mention alone, but the end of a lowercase whole name
        lowered: dict[str, tuple[str, AliasForm] | None] = {}
        for key, (entity_id, form, candidates) in exact.items():
            low = _chars.same_length_lower(key)
            if candidates is None and low not in exact and low not in folded:
                seen = lowered.setdefault(low, (entity_id, form))
                if seen is not None and seen[0] != entity_id:
                    lowered[low] = None  # the lowercase of two entities' forms: neither's
        self._lowered = {key: sense for key, sense in lowered.items() if sense is not None}
        trie = _trie_regex(words)
        scan = _trie_regex(words, last=_AFTER_INVISIBLE)
        # what may precede a name: any non-word character of the BMP, which the
        # engine tests with a bitmap; for texts with characters beyond the BMP,
        # any of those too (a slower class; _keep checks they are not letters)
        bmp = _chars.nonword_bmp_class()
        # a character before a name that starts none is tested for invisibility
        # there (one class test, in C): the scan that meets one stops, and the
        # caller reads the visible text (`scan`), so text without any pays nothing more
        self._anywhere = re.compile(bmp + "(" + scan + ")")
        self._anywhere_astral = re.compile(bmp[:-1] + "\U00010000-\U0010ffff](" + scan + ")")
        self._head = re.compile("(" + trie + ")")
        self._folded_only = re.compile("(" + _trie_regex(folded or {"\x00"}) + ")")

    def __reduce__(self) -> tuple[object, ...]:
        # the patterns are rebuilt in the receiving process: only the tables travel
        return (_rebuild, (self._exact, self._folded, self._asked))

    @property
    def engine(self) -> str:
        """The engine that finds where names start: ``"pyahocorasick"`` or ``"re"`` (`ENGINES`)."""
        return "re" if self._keys is None else "pyahocorasick"

    def _built_automaton(self) -> Any:
        """The automaton of the names' first words and of the invisible characters, built on first use."""
        automaton = self._automaton
        if automaton is None:
            with self._building:
                automaton = self._automaton
                if automaton is None:
                    import ahocorasick

                    automaton = ahocorasick.Automaton()
                    assert self._keys is not None
                    for key in self._keys:
                        automaton.add_word(key, len(key))
                    for char in _chars.INVISIBLE:
                        automaton.add_word(char, 0)  # a text with one is handed back
                    automaton.make_automaton()
                    self._automaton = automaton
        return automaton

    def _starts(self, low: str) -> Iterator[tuple[int, int]]:
        """The names the ``"pyahocorasick"`` engine finds in ``low``: ``(start, end)``, in order.

        The spans the ``"re"`` scan's matches have: each start the automaton
        finds after a character that may precede a name (or at 0) is matched
        with the trie regex anchored there; a name ends a stretch in which no
        other starts, and the next one starts after a character after it.

        Raises:
            InvisibleCharacter: If ``low`` has an invisible character.
        """
        starts = set()
        before = _BEFORE
        for end, length in self._built_automaton().iter(low):
            if not length:
                raise InvisibleCharacter
            start = end + 1 - length
            if start:
                char = low[start - 1]
                known = before.get(char)
                if not (_may_precede(char) if known is None else known):
                    continue
            starts.add(start)
        head = self._head.match
        reach = 0  # the next name starts here or later
        for start in sorted(starts):
            if start >= reach:
                name = head(low, start)
                if name is not None:
                    end = name.end()
                    yield start, end
                    reach = end + 1

    def find(self, text: str) -> list[Mention]:
        """Return a [`Mention`][kzrights.records.Mention] for every name found in ``text``, in order.

        Offsets index ``text`` as given, whatever its normal form and its
        invisible characters.  A form that is not safe is given as its first
        candidate, undecided: the linker (`kzrights._linker`) uses `scan`
        and decides those.
        """
        try:
            return self.scan(text)[0]
        except InvisibleCharacter:
            shown, back = _chars.visible(text)
            assert back is not None
            return [
                m._replace(
                    text=text[back.start(m.start) : back.end(m.end)],
                    start=back.start(m.start),
                    end=back.end(m.end),
                )
                for m in self.scan(shown)[0]
            ]

    def scan(self, text: str, lowered: Lowered | None = None) -> tuple[list[Mention], Pending]:
        """Return the mentions found in ``text`` and those of them the rules must decide.

        The pending ones are ``(index, candidates)`` pairs; the mention at
        ``index`` holds the first candidate until a rule decides.  If
        ``lowered`` is given, the safe single-word forms found in lowercase
        (never mentions alone) are added to it (`Lowered`), as spans of ``text``.

        Raises:
            InvisibleCharacter: If ``text`` has an invisible character where
                it may hide a name; the caller scans `_chars.visible` text.
        """
        if text.isascii():
            # in NFC and without İ, as an ASCII text is (str.isascii reads a flag)
            normal, back, low = text, None, text.lower()
        else:
            if _INVISIBLE_MARK in text:
                raise InvisibleCharacter
            normal, back = _chars.nfc(text)
            low = _chars.same_length_lower(normal)
        pending: Pending = []
        words: Lowered | None = None if lowered is None else []
        found = self._scan(normal, low, pending, words)
        if found is None:
            # a name ran into a combining mark that composes with nothing:
            # scan again with every mark turned into a letter, which ends no name
            pending = []
            words = None if lowered is None else []
            found = self._scan(normal, _chars.mask_marks(low), pending, words)
            assert found is not None  # no marks are left to run into
        if lowered is not None and words:
            if back is None:
                lowered.extend(words)
            else:
                lowered.extend((back.start(a), back.end(b), e, f) for a, b, e, f in words)
        if back is None:
            return found, pending
        new = tuple.__new__
        moved = []
        for mention in found:
            start, end = back.start(mention.start), back.end(mention.end)
            moved.append(
                new(Mention, (mention.entity_id, text[start:end], start, end, None, None, mention.form, None))
            )
        return moved, pending

    def _scan(
        self, text: str, low: str, pending: Pending, lowered: Lowered | None = None
    ) -> list[Mention] | None:
        """The mentions in ``text`` (NFC), found through ``low``, its lowercase.

        Those the rules must decide are added to ``pending``.  ``None`` if a
        name found is followed by a combining mark.
        """
        found: list[Mention] = []
        spans: Iterator[tuple[int, int]]
        if self._keys is None:
            head = self._head.match(low)
            if head is not None and not self._keep(
                head.start(1), head.end(1), text, low, found, pending, lowered
            ):
                return None
            pattern = self._anywhere_astral if _has_astral(low) else self._anywhere
            spans = (match.span(1) for match in pattern.finditer(low, head.end() if head is not None else 0))
        else:
            spans = self._starts(low)
            first = next(spans, None)
            if first is not None:
                if first[0] == 0:
                    if not self._keep(*first, text, low, found, pending, lowered):
                        return None
                else:
                    spans = itertools.chain((first,), spans)
        exact_get = self._exact.get
        folded_get = self._folded.get
        new = tuple.__new__
        # a text repeats its names: one string per surface form, however often it occurs
        surfaces: dict[str, str] = {}
        same = surfaces.setdefault
        is_mark = _chars.is_mark
        invisible = _INVISIBLE
        for start, end in spans:
            if start == end or low[start - 1] in invisible:
                raise InvisibleCharacter
            key = low[start:end]
            surface = text[start:end]
            sense = folded_get(key) or exact_get(surface)
            if sense is not None and low[start - 1] < "\U00010000":
                # marks start at U+0300: one comparison rules them out after almost every name
                if low[end : end + 1] > "\u02ff" and is_mark(low[end]):
                    return None
                entity_id, form, candidates = sense
                if candidates is not None:
                    pending.append((len(found), candidates))
                # tuple.__new__ skips the keyword handling of Mention(...)
                found.append(
                    new(Mention, (entity_id, same(surface, surface), start, end, None, None, form, None))
                )
            elif not self._keep(start, end, text, low, found, pending, lowered):
                return None
        return found

    def _keep(
        self,
        start: int,
        end: int,
        text: str,
        low: str,
        found: list[Mention],
        pending: Pending,
        lowered: Lowered | None = None,
    ) -> bool:
        """The slow path of a hit: marks or spaces to fold, a case to check, a character before to check.

        Returns ``False`` if the name found is followed by a combining mark.
        """
        if start and _chars.is_word_char(low[start - 1]):
            return True  # a letter beyond the BMP, which the class before the name let through
        key = low[start:end]
        sense = self._folded.get(_fold(key)) or self._exact.get(_fold(text[start:end]))
        if sense is None:
            # a single word in a case it may not take ("oyan"): a name that
            # matches in any case may still start here
            retry = self._folded_only.match(low, start)
            sense = None if retry is None else self._folded.get(_fold(retry.group(1)))
            if sense is None:
                if lowered is not None and text[start:end] == key:
                    word = self._lowered.get(_fold(key))
                    if word is not None and not (end < len(low) and _chars.is_mark(low[end])):
                        lowered.append((start, end, *word))
                return True
            assert retry is not None
            end = retry.end(1)
        if end < len(low) and _chars.is_mark(low[end]):
            return False
        entity_id, form, candidates = sense
        if candidates is not None:
            pending.append((len(found), candidates))
        found.append(Mention(entity_id, text[start:end], start, end, form=form))
        return True


_ASTRAL_CHUNK = 1 << 20


def _has_astral(text: str) -> bool:
    """Whether ``text`` has a character beyond the BMP (UTF-16 needs two units for one)."""
    if text.isascii():
        return False
    # in slices, so that a long text is never copied whole
    for at in range(0, len(text), _ASTRAL_CHUNK):
        piece = text[at : at + _ASTRAL_CHUNK]
        if len(piece.encode("utf-16-le", "surrogatepass")) != 2 * len(piece):
            return True
    return False


def _sense(candidates: list[Candidate]) -> Sense:
    """The sense of a surface form: its first candidate, and all of them unless it is safe and unshared."""
    entity_id, form, ambiguity, _ = candidates[0]
    if len(candidates) == 1 and ambiguity is Ambiguity.SAFE:
        return (entity_id, form, None)
    return (entity_id, form, tuple(candidates))


def _rebuild(exact: dict[str, Sense], folded: dict[str, Sense], engine: str | None = None) -> Matcher:
    matcher = Matcher.__new__(Matcher)
    matcher._exact = exact
    matcher._folded = folded
    matcher._asked = engine
    matcher._compile()
    return matcher


def entity_matcher(entities: Sequence[Entity], engine: str | None = None) -> Matcher:
    """The matcher for these entities' forms (`Entity.forms`): the one annotate and the build share.

    An alias missing from ``forms`` is taken as a safe form too (the name
    is never added back: a linker may have switched it off).

    The curated forms of every entity come first, then the generated ones,
    so that where a generated form is also another entity's curated form
    (Назарбаева) the curated one is the first candidate.
    """
    entries = [(a.text, e.id, a.form, a.ambiguity, a.generated) for e in entities for a in e.forms]
    # an alias that is not among the forms (an entity changed with its aliases
    # alone) is a safe form, as every alias was before typed forms
    for entity in entities:
        typed = {form.text for form in entity.forms}
        for text in entity.aliases:
            if text not in typed:
                entries.append((text, entity.id, AliasForm.ALIAS, Ambiguity.SAFE, False))
    entries.sort(key=lambda entry: entry[4])  # stable: curated before generated
    return Matcher(entries, engine)
