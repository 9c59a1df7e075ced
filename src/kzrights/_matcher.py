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

A `Matcher` pickles as its two tables of names (a process pool or a
Spark job can ship it) and rebuilds its patterns on arrival; it never changes
after it is built.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from . import _chars
from .records import AliasForm, Ambiguity, Mention

if TYPE_CHECKING:
    from .records import Entity

__all__ = [
    "MAX_ALIAS_LENGTH",
    "Candidate",
    "FormClash",
    "InvisibleCharacter",
    "Lowered",
    "Matcher",
    "Pending",
    "Sense",
    "entity_matcher",
    "form_keys",
    "form_tables",
    "matcher_entries",
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
MAX_ALIAS_LENGTH = 200
"""The most characters a form may have (the registry's longest has about 110).

The scan's regular expression nests one group per character of a form, and
``re`` compiles such nesting by recursion: a form of about 500 characters
exceeded the interpreter's recursion limit.
"""
SURFACES_KEPT = 2048
"""How many surface forms a matcher keeps to share among the mentions of all its texts.

When it holds that many, it empties and keeps the ones that come next.
"""
SURFACE_KEPT_LENGTH = 64
"""The longest surface form (in characters) a matcher keeps to share across texts.

A longer one is shared among the mentions of one text only.

With `SURFACES_KEPT`, this bounds what a matcher keeps: at most 2,048
strings of at most 64 characters (under 1 MB), whatever the texts it reads.
"""
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
# after a character before a name that starts no name: was it an invisible one?
# (a branch of the trie's top node, so no group of its own to enter on every try)
_AFTER_INVISIBLE = "(?<=[" + _chars.INVISIBLE_CLASS + "])"


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
    """One regex for the words, following their trie; ``last`` is one more branch at the top, tried last.

    A name ends where no letter or digit follows; an apostrophe may follow,
    whatever Unicode calls it (ʼ is a letter to it); `Matcher.find` sees to
    combining marks.  That check follows each top-level branch (one per
    first character), not the end of every name: the engine tries a
    branch's names in the same order (a longer name first) and backtracks
    into them when the check fails, so the match is the same, and the regex
    compiles several times faster (each copy of the check's class costs
    compiling).  The top level stays one flat group of branches, each
    starting with its letter, which the engine rules out with one comparison.
    At the top, the branches for characters beyond Latin (Cyrillic, …) are
    grouped behind one lookahead class, so that the engine skips them all
    with one test on Latin text (a group of lookbehinds, tried before, cost a
    Cyrillic word about a fifth more).
    """
    trie: dict[str, dict] = {}  # type: ignore[type-arg]
    for word in words:
        node = trie
        for char in word:
            node = node.setdefault(char, {})
        node[_END] = {}
    chars = sorted(k for k in trie if k != _END)
    far = [c for c in chars if ord(c) >= 0x0400]
    branches = [_edge(c) + _node_regex(trie[c]) + _END_OF_NAME for c in chars if c not in far]
    if len(far) > 1:
        inner = "|".join(_edge(c) + _node_regex(trie[c]) for c in far)
        branches.append("(?=[" + "".join(_edge(c) for c in far) + "])(?:" + inner + ")" + _END_OF_NAME)
    elif far:
        branches.append(_edge(far[0]) + _node_regex(trie[far[0]]) + _END_OF_NAME)
    if _END in trie:
        branches.append(_END_OF_NAME)
    if last is not None:
        branches.append(last)
    if len(branches) == 1:
        return branches[0]
    return "(?:" + "|".join(branches) + ")"


def _edge(char: str) -> str:
    return _EDGES.get(char) or re.escape(char)


def _node_regex(node: dict[str, dict]) -> str:  # type: ignore[type-arg]
    """The regex of a trie node below the top: one branch per next character, the end of a name last.

    The end of a name is an empty branch, tried last, so that a longer name
    through this node wins; `_trie_regex` checks where the name ends.
    """
    branches = [_edge(c) + _node_regex(node[c]) for c in sorted(k for k in node if k != _END)]
    if _END in node:
        branches.append("")
    if len(branches) == 1:
        return branches[0]
    return "(?:" + "|".join(branches) + ")"


class FormClash(ValueError):
    """Two curated forms of different entities are one surface form: the registry cannot link it.

    A ``ValueError`` (what `Matcher` has always raised for it), with what
    a caller needs to name the two forms: the form given second
    (``alias``), the key both are looked up under (`form_keys`) and the two
    entities, the one that claimed the key first and the other.
    """

    def __init__(self, alias: str, key: str, multiword: bool, first: str, second: str) -> None:
        self.alias = alias
        self.key = key
        self.multiword = multiword
        self.first = first
        self.second = second
        super().__init__(f"alias {alias!r} names both {first!r} and {second!r}")

    def __reduce__(self) -> tuple[object, ...]:
        return (FormClash, (self.alias, self.key, self.multiword, self.first, self.second))


def form_keys(alias: str) -> tuple[bool, tuple[str, ...]]:
    """The keys under which the matcher looks a form up: whether it has several words, and the keys.

    A form of several words has one key (its words lowercased, one space
    between them); a single word one per surface variant (`surface_variants`).
    Two forms name the same text exactly when they share a key of the same
    kind: this is the one normalisation that decides it, for the matcher and
    for the release checks (`kzrights._linking.check_registry`).
    """
    form = _chars.nfc(alias.strip())[0]
    if _is_multiword(form):
        return True, (_fold(form),)
    return False, tuple([_fold(variant) for variant in surface_variants(form)])


def form_tables(
    aliases: Iterable[tuple[str, str] | tuple[str, str, AliasForm, Ambiguity, bool]],
) -> tuple[dict[str, list[Candidate]], dict[str, list[Candidate]]]:
    """The candidates of every key of single-word forms and of multi-word forms, as `Matcher` takes them.

    Args:
        aliases: As `Matcher` takes them.

    Raises:
        FormClash: If two curated forms of different entities share a key.
        ValueError: If a form is empty or longer than `MAX_ALIAS_LENGTH` characters.
    """
    exact: dict[str, list[Candidate]] = {}
    folded: dict[str, list[Candidate]] = {}

    def claim(table: dict[str, list[Candidate]], key: str, candidate: Candidate, alias: str) -> None:
        senses = table.setdefault(key, [])
        for other in senses:
            if other[0] == candidate[0]:
                return  # the entity has this form already: the first one listed stays
            if not (other[3] or candidate[3]):
                # two curated forms: an error in the registry, not an ambiguity to resolve
                raise FormClash(alias, key, table is folded, other[0], candidate[0])
        senses.append(candidate)

    for entry in aliases:
        alias, entity_id = entry[0].strip(), entry[1]
        candidate: Candidate = (
            (entity_id, entry[2], entry[3], entry[4])
            if len(entry) == 5
            else (entity_id, AliasForm.ALIAS, Ambiguity.SAFE, False)
        )
        if not alias:
            raise ValueError(f"empty alias for {entity_id!r}")
        if len(alias) > MAX_ALIAS_LENGTH:
            shown = alias if len(alias) <= 80 else alias[:77] + "..."
            raise ValueError(
                f"alias {shown!r} has {len(alias):,} characters; a form may have at most {MAX_ALIAS_LENGTH}"
            )
        # aliases are matched in NFC, as texts are
        multiword, keys = form_keys(alias)
        for key in keys:
            claim(folded if multiword else exact, key, candidate, alias)
    return exact, folded


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

    Raises:
        ValueError: If one surface form would name two different entities, or
            a form is empty or longer than `MAX_ALIAS_LENGTH` characters.
    """

    def __init__(
        self,
        aliases: Iterable[tuple[str, str] | tuple[str, str, AliasForm, Ambiguity, bool]],
    ) -> None:
        exact, folded = form_tables(aliases)
        self._exact = {key: _sense(senses) for key, senses in exact.items()}
        self._folded = {key: _sense(senses) for key, senses in folded.items()}
        self._compile()

    def _compile(self) -> None:
        exact, folded = self._exact, self._folded
        words = set(folded) | {_chars.same_length_lower(form) for form in exact} or {"\x00"}
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
        self._head = re.compile("(" + trie + ")")
        # compiled on first need (each costs about a third of a linker's making, which
        # `Linker.with_aliases` repeats): a text with a character beyond the BMP, and a
        # single word in a case it may not take
        self._astral_source = bmp[:-1] + "\U00010000-\U0010ffff](" + scan + ")"
        self._anywhere_astral: re.Pattern[str] | None = None
        self._folded_words = folded
        self._folded_only: re.Pattern[str] | None = None
        # each surface form found, once, shared by the mentions of every text
        # (see `_share`): up to SURFACES_KEPT of at most SURFACE_KEPT_LENGTH characters
        self._surfaces: dict[str, str] = {}

    def _astral(self) -> re.Pattern[str]:
        """The scan for a text with characters beyond the BMP, compiled on its first use."""
        pattern = self._anywhere_astral
        if pattern is None:  # two threads may both compile it: the same pattern either way
            pattern = self._anywhere_astral = re.compile(self._astral_source)
        return pattern

    def _folded_match(self, low: str, start: int) -> re.Match[str] | None:
        """The longest form matched in any case at ``start`` of ``low``, compiled on first use."""
        pattern = self._folded_only
        if pattern is None:
            source = "(" + _trie_regex(self._folded_words or {"\x00"}) + ")"
            pattern = self._folded_only = re.compile(source)
        return pattern.match(low, start)

    def _share(self, surface: str, local: dict[str, str] | None = None) -> str:
        """The one string this matcher gives for ``surface`` in every text's mentions.

        Texts name the same few entities in the same few ways, so the mentions
        of a corpus hold a few hundred distinct surfaces.  Sharing one string
        for each keeps a corpus' mentions small in memory, and pickle, which
        writes a string it has written once as a reference, sends a process
        pool's results in about two thirds of the bytes.  The matcher keeps
        up to `SURFACES_KEPT` surfaces of at most `SURFACE_KEPT_LENGTH`
        characters; when it holds that many, it empties and keeps the ones
        that come next, so the forms in use now are shared, whatever came
        before.  A longer surface is shared within one text only, through
        ``local``, the caller's own table (none: not shared).  Threads may
        race to add one: either string is equal, and the bound may be passed
        by one per thread.
        """
        kept = self._surfaces
        shared = kept.get(surface)
        if shared is not None:
            return shared
        if len(surface) > SURFACE_KEPT_LENGTH:
            return surface if local is None else local.setdefault(surface, surface)
        if len(kept) >= SURFACES_KEPT:
            kept.clear()
        return kept.setdefault(surface, surface)

    def __reduce__(self) -> tuple[object, ...]:
        # the patterns are rebuilt in the receiving process: only the tables travel
        return (_rebuild, (self._exact, self._folded))

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

    def scan(
        self, text: str, lowered: Lowered | None = None, *, composed: bool = False
    ) -> tuple[list[Mention], Pending]:
        """Return the mentions found in ``text`` and those of them the rules must decide.

        The pending ones are ``(index, candidates)`` pairs; the mention at
        ``index`` holds the first candidate until a rule decides.  If
        ``lowered`` is given, the safe single-word forms found in lowercase
        (never mentions alone) are added to it (`Lowered`), as spans of ``text``.
        ``composed=True`` says ``text`` is what `kzrights._chars.nfc` gave,
        so it is not checked (and composed) again.

        Raises:
            InvisibleCharacter: If ``text`` has an invisible character where
                it may hide a name; the caller scans `_chars.visible` text.
        """
        if text.isascii():
            # in NFC and without İ, as an ASCII text is (str.isascii reads a flag)
            normal, back, low = text, None, text.lower()
        else:
            if _chars.has_invisible_word_char(text):  # a filler or variation selector reads as a letter
                raise InvisibleCharacter
            normal, back = (text, None) if composed else _chars.nfc(text)
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
        share = self._share
        local: dict[str, str] = {}
        moved = []
        for mention in found:
            start, end = back.start(mention.start), back.end(mention.end)
            moved.append(
                new(
                    Mention,
                    (
                        mention.entity_id,
                        share(text[start:end], local),
                        start,
                        end,
                        None,
                        None,
                        mention.form,
                        None,
                    ),
                )
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
        # texts repeat their names: one string per surface form, however often it occurs
        kept = self._surfaces
        share = self._share
        local: dict[str, str] = {}  # the surfaces too long to keep, shared within this text
        head = self._head.match(low)
        if head is not None and not self._keep(head, text, low, found, pending, lowered, local):
            return None
        exact_get = self._exact.get
        folded_get = self._folded.get
        new = tuple.__new__
        is_mark = _chars.is_mark
        pattern = self._astral() if _has_astral(low) else self._anywhere
        invisible = _INVISIBLE
        for match in pattern.finditer(low, head.end() if head is not None else 0):
            key = match.group(1)
            start, end = match.span(1)
            if not key or low[start - 1] in invisible:
                raise InvisibleCharacter
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
                    new(
                        Mention,
                        (
                            entity_id,
                            kept.get(surface) or share(surface, local),
                            start,
                            end,
                            None,
                            None,
                            form,
                            None,
                        ),
                    )
                )
            elif not self._keep(match, text, low, found, pending, lowered, local):
                return None
        return found

    def _keep(
        self,
        match: re.Match[str],
        text: str,
        low: str,
        found: list[Mention],
        pending: Pending,
        lowered: Lowered | None = None,
        local: dict[str, str] | None = None,
    ) -> bool:
        """The slow path of a hit: marks or spaces to fold, a case to check, a character before to check.

        Returns ``False`` if the name found is followed by a combining mark.
        ``local`` is the scan's table of surfaces too long to keep (`_share`).
        """
        start, end = match.span(1)
        if start and _chars.is_word_char(low[start - 1]):
            return True  # a letter beyond the BMP, which the class before the name let through
        key = match.group(1)
        sense = self._folded.get(_fold(key)) or self._exact.get(_fold(text[start:end]))
        if sense is None:
            # a single word in a case it may not take ("oyan"): a name that
            # matches in any case may still start here
            retry = self._folded_match(low, start)
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
        found.append(Mention(entity_id, self._share(text[start:end], local), start, end, form=form))
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


def _rebuild(exact: dict[str, Sense], folded: dict[str, Sense]) -> Matcher:
    matcher = Matcher.__new__(Matcher)
    matcher._exact = exact
    matcher._folded = folded
    matcher._compile()
    return matcher


def entity_matcher(entities: Sequence[Entity]) -> Matcher:
    """The matcher for these entities' forms (`Entity.forms`): the one annotate and the build share.

    An alias missing from ``forms`` is taken as a safe form too (the name
    is never added back: a linker may have switched it off).

    The curated forms of every entity come first, then the generated ones,
    so that where a generated form is also another entity's curated form
    (Назарбаева) the curated one is the first candidate.
    """
    return Matcher(matcher_entries(entities))


def matcher_entries(entities: Sequence[Entity]) -> list[tuple[str, str, AliasForm, Ambiguity, bool]]:
    """What `entity_matcher` gives `Matcher`: every form as (text, entity id, form, ambiguity, generated).

    The curated forms of every entity first, then the generated ones; an
    alias missing from ``forms`` as a safe curated form.
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
    return entries
