"""The linking rules: how the linker decides a form that is not safe anywhere.

The engine behind [`Linker`][kzrights.linker.Linker] (and the data build,
which must not load a release, so uses this module directly).  It finds every
form of every entity with the compiled matcher (`kzrights._matcher`), links
the ``safe`` forms at once, and decides each other one on evidence from the
text itself, as a careful reader would:

1. A form inside a longer proper name that names something else is never
   linked: a curated blocking name ("Sergei Magnitsky", "Tax Code"); and,
   for a generic name (``context`` or ``name-part``), a capitalised word
   before it that is not a function word ("European Parliament", "Croatian
   Constitution", "Sweden's Ombudsman"), ``of (the) <Capitalised>`` after it
   ("Constitution of the United States", "Article 174 of the Tax Code"), or,
   after a Cyrillic form, a capitalised word ("Конституция США", "Парламент
   Грузии").  A word that names a Kazakh thing never blocks ("Kazakhstan's
   Parliament", "the Committee of the Ministry of Digital Development").
2. ``name-part``: linked if not blocked.
3. ``context``: linked only if the text points to Kazakhstan: a ``safe``
   mention of a Kazakh entity (`LinkingRules.context_entity_ids`) or a
   Kazakh word (`LinkingRules.context_words`) anywhere in it (the nearest
   is named as the evidence), or the entity named by a safe form before it.
4. ``given-name``: linked only after a title ("Mr Hug") or after the
   entity was named by a safe form earlier in the text ("Adam Hug … Hug").
5. A form several entities share (an inflected form that is also another
   entity's name: "Назарбаева") goes to the one candidate the text names by
   another form, earlier or else later; if none or both are named, it is
   not linked.
6. Whole names: a person's one-word form (a surname: "Tokaev", "Токаеву")
   linked by the rules above, and written right after one of the same
   person's given names (`given_names`: "Kassym-Jomart Tokaev"), is
   lengthened over the given name.  The entity never changes, only the
   start; a given name of anyone else is never taken, and neither a line
   break nor a sentence end is crossed.

An essay ("Essay by Aina Shormanbayeva and Amangeldy Shormanbayev") is in
the registry but never matched by name: its name is made of its authors'
names, and matched whole it would swallow their mentions; the report cites
essays by their authors ("her essay"), which the data build links by its
own rules.  Any other form of an essay (an alias a user gives it) is
matched as every entity's is.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any

import attrs

from . import _chars
from ._matcher import FormClash, InvisibleCharacter
from ._names import default_forms
from .errors import ArgumentTypeError, DataIntegrityError, LinkerError
from .records import Alias, AliasForm, Ambiguity, Entity, EntityCategory, LinkingRules, Mention

if TYPE_CHECKING:
    from ._matcher import Candidate, Lowered, Matcher, Pending

__all__ = [
    "ESSAY_PREFIX",
    "GIVEN_NAME",
    "Engine",
    "check_registry",
    "essay_as_matched",
    "given_names",
    "is_essay",
    "release_engine",
    "whole_name_senses",
]

# between a given name and a surname, between the parts of a given name, and
# between a form and the word before or after it: spaces and tabs, a no-break
# space and the other horizontal spaces (as in a name), never a line break (\s
# less the line and paragraph separators)
_HSPACE = r"[^\S\n\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029]"
# the word before a form (letters, digits, apostrophes, dots, dashes; it starts
# with a letter or digit), then horizontal spaces only, read backwards from the
# form: one match, where a search forwards for ([^\W_][\w'’.\-]*)\s+\Z (with
# _HSPACE for \s) tries every position of the window and backtracks through each word
_WORD_BEFORE_REVERSED = re.compile(_HSPACE + r"+([\w'’.\-]*[^\W_])")
# how far before a form the word before it is looked for: for a title, and for a longer name
_TITLE_REACH = 40
_NAME_REACH = 60
_OF_AFTER = re.compile(f"{_HSPACE}+of{_HSPACE}+(?:the{_HSPACE}+)?" + r"([^\W\d_][\w'’\-]*)")
_WORD_AFTER = re.compile(_HSPACE + r"+([^\W\d_][\w'’\-]*)")
_CYRILLIC = re.compile("[\u0400-\u04ff]")
# how far before a surname a given name may start (the longest is 13 characters)
_GIVEN_REACH = 64

GIVEN_NAME = "given name {!r} before the surname"
"""The ``resolved_by`` of a surname lengthened over its given name (before the
evidence of a form that needed some, after "; ")."""


# how the registry names an essay: "Essay by <author>" or "Essay by <author> and <author>"
ESSAY_PREFIX = "Essay by "


def is_essay(entity: Entity) -> bool:
    """Whether ``entity`` is an essay, named by its authors (never matched by name; see above)."""
    return entity.category is EntityCategory.PUBLICATION and entity.name.startswith(ESSAY_PREFIX)


def given_names(entity: Entity, rules: LinkingRules, entities: Iterable[Entity] = ()) -> tuple[str, ...]:
    """The given names of a person as the registry writes them, in every spelling it has.

    Each name or curated alias of several words ("Kassym-Jomart Tokayev",
    "Қасым-Жомарт Тоқаев", "Maks Bokayev") gives the words before its last;
    a title (`LinkingRules.titles`) or a word of the name of an office or an
    organisation ("President", of "President of Kazakhstan") is no given
    name ("President Tokayev").  Empty for anything but a person.

    Examples:
        >>> import kzrights
        >>> report = kzrights.load()
        >>> rules = report.linking[0]
        >>> given_names(report.get("entities.max-bokayev"), rules, report.entities)
        ('Max', 'Maks', 'Макс')
    """
    if entity.category is not EntityCategory.PERSON:
        return ()
    titles = {t.casefold() for t in rules.titles}
    offices = {
        word.casefold()
        for other in entities
        if other.category in (EntityCategory.OFFICE, EntityCategory.ORGANISATION)
        for word in other.name.split()
    }
    given: dict[str, None] = {}
    for name in (entity.name, *entity.aliases):
        words = _chars.nfc(name)[0].split()
        if len(words) < 2:
            continue
        first = " ".join(words[:-1])
        if any(w.casefold() in titles or w.casefold() in offices for w in words[:-1]):
            continue
        given.setdefault(first)
    return tuple(given)


def whole_name_senses(
    name: str,
    forms: Mapping[str, tuple[tuple[Entity, Alias], ...]],
    entities: tuple[Entity, ...],
    rules: LinkingRules,
) -> tuple[tuple[Entity, Alias], ...]:
    """Rule 6 for a look-up: the senses of a name that is a given name and a surname form of one person.

    ``forms`` are the registry's forms by name key (`kzrights._names.name_key`),
    as [`Report.entity`][kzrights.report.Report.entity] indexes them.  The
    surname decides, as in a text: its senses are given whole if the given
    name is one of their owners' (`given_names`, compared by name key), so
    a form of several entities stays ambiguous (the given name never
    chooses between them); otherwise none.
    """
    from ._names import name_key

    words = _chars.canonical(name).split()
    if len(words) < 2:
        return ()
    senses = forms.get(name_key(words[-1]), ())
    given = name_key(" ".join(words[:-1]))
    owners = {entity.id: entity for entity, _ in senses}
    if any(given == name_key(g) for owner in owners.values() for g in given_names(owner, rules, entities)):
        return senses
    return ()


def _given_pattern(names: Iterable[str]) -> re.Pattern[str] | None:
    """One pattern for a person's given names, ending where a surname after them starts.

    Matched in any case, as a name of several words is; a dash inside a
    given name may be any dash or a space ("Kassym Jomart").
    """
    branches = []
    for name in sorted(names, key=len, reverse=True):
        parts = re.split("[" + re.escape(_chars.DASHES) + r"\s]+", name)
        joint = "(?:[" + re.escape(_chars.DASHES) + "]|" + _HSPACE + "+)"
        branches.append(joint.join(map(re.escape, parts)))
    if not branches:
        return None
    return re.compile(r"(?<!\w)(?:" + "|".join(branches) + ")" + _HSPACE + r"+\Z", re.IGNORECASE)


def _starts_upper(word: str) -> bool:
    """Whether ``word`` starts with a capital: an uppercase letter, or a titlecase one ("ǅ" of "ǅemal")."""
    first = word[:1]
    return first.isupper() or first.istitle()


def _words_pattern(words: Iterable[str], flags: int = 0) -> re.Pattern[str] | None:
    """One regex for whole words; ``word*`` stands for every word it begins; spaces match any whitespace."""
    branches = []
    for word in sorted(set(words), key=len, reverse=True):
        stem = word.endswith("*")
        core = r"\s+".join(re.escape(part) for part in word.rstrip("*").split())
        branches.append(core + (r"\w*" if stem else ""))
    if not branches:
        return None
    return re.compile(r"(?<!\w)(?:" + "|".join(branches) + r")(?!\w)", flags)


def _matched(entities: Iterable[Entity]) -> list[Entity]:
    """The entities as the matcher finds them: an essay by its forms other than its name.

    An essay's name holds its authors' names: matched, "the essay by Aina
    Shormanbayeva and Amangeldy Shormanbayev" would hide both authors.  Any
    other form of it (an alias a user gave, ``Linker.with_aliases``) is
    matched as every entity's is; an essay with no other form (every essay
    a release ships) is left out.
    """
    matched = []
    for entity in entities:
        if is_essay(entity):
            entity = essay_as_matched(entity)
            if not entity.forms and not entity.aliases:
                continue
        matched.append(entity)
    return matched


def essay_as_matched(entity: Entity) -> Entity:
    """An essay with the forms the matcher finds it by: all but its name (see `_matched`)."""
    name = entity.name.casefold()
    return attrs.evolve(
        entity,
        aliases=tuple(a for a in entity.aliases if a.casefold() != name),
        forms=tuple(f for f in entity.forms if f.form is not AliasForm.NAME and f.text.casefold() != name),
    )


def check_registry(entities: tuple[Entity, ...], *, version: str, file: str) -> None:
    """Check that a release's registry gives the linker no form it must refuse.

    Runs what the matcher runs on the forms (`kzrights._matcher.form_tables`,
    the one normalisation that decides when two forms are one), without
    compiling its patterns: a few milliseconds, where building the
    `Engine` takes hundreds.  `kzrights.verify` runs it; `release_engine`
    runs it when the engine refuses the registry, to name the fault.

    Args:
        entities: The release's entities, each with its forms (as loaded).
        version: The release, for the error.
        file: Its ``report.json``, for the error.

    Raises:
        DataIntegrityError: If two curated forms of different entities are
            one surface form (naming both, ``$.entities[i].aliases[j]``), or
            a form is empty or longer than the matcher takes.
    """
    from ._matcher import form_tables, matcher_entries

    # as the engine takes them: an entity without forms has its name and aliases
    entities = tuple(
        entity if entity.forms else attrs.evolve(entity, forms=default_forms(entity.name, entity.aliases))
        for entity in entities
    )
    try:
        form_tables(matcher_entries(_matched(entities)))
    except FormClash as clash:
        first = _form_path(entities, clash.first, clash)
        second = _form_path(entities, clash.second, clash)
        raise DataIntegrityError(
            version,
            file,
            f"{first} and {second}: {clash.alias!r} is a form of both {clash.first} and {clash.second} "
            "(two curated forms of different entities that the linker cannot tell apart)",
        ) from None
    except ValueError as exc:
        raise DataIntegrityError(version, file, f"$.entities: {exc}") from None


def _form_path(entities: tuple[Entity, ...], entity_id: str, clash: FormClash) -> str:
    """The JSON path of the curated form of entity ``entity_id`` that has the clash's key."""
    from ._matcher import form_keys

    position, entity = next((n, e) for n, e in enumerate(entities) if e.id == entity_id)
    here = f"$.entities[{position}]"

    def has_key(text: str) -> bool:
        multiword, keys = form_keys(text)
        return multiword == clash.multiword and clash.key in keys

    if has_key(entity.name):
        return f"{here}.name"
    for number, alias in enumerate(entity.aliases):
        if has_key(alias):
            return f"{here}.aliases[{number}]"
    for number, form in enumerate(entity.forms):
        if not form.generated and has_key(form.text):
            return f"{here}.forms[{number}].text"
    return here  # not reached: the matcher's forms are the entity's name, aliases and forms


def release_engine(
    entities: tuple[Entity, ...], rules: LinkingRules | None, *, version: str, file: str
) -> Engine:
    """The linking engine of a release's own registry and rules.

    As ``Engine(entities, rules)``, but a registry the engine refuses is the
    release's fault, not the caller's: a `DataIntegrityError` naming the
    JSON path (`check_registry`), never a `LinkerError` for data the
    caller did not give.

    Raises:
        DataIntegrityError: If the release's registry is one the linker refuses.
    """
    try:
        return Engine(entities, rules)
    except LinkerError as exc:
        check_registry(entities, version=version, file=file)
        raise DataIntegrityError(version, file, f"$.entities: {exc.reason}") from None


class Engine:
    """The compiled registry and rules: finds the forms in a text and decides those that are not safe.

    Immutable; pickles as its entities and rules (the patterns are rebuilt).

    Raises:
        TypeError: If an entity is not an [`Entity`][kzrights.records.Entity].
        LinkerError: If two entities share an id, or two curated forms of
            different entities are the same surface form.
    """

    __slots__ = (
        "_blocking",
        "_blocking_texts",
        "_by_id",
        "_context_ids",
        "_entities",
        "_function",
        "_given",
        "_kazakh_ids",
        "_matcher",
        "_rules",
        "_titles",
        "_words",
    )

    _entities: tuple[Entity, ...]
    _by_id: dict[str, Entity]
    _rules: LinkingRules
    _matcher: Matcher
    _context_ids: frozenset[str]
    _kazakh_ids: frozenset[str]
    _words: re.Pattern[str] | None
    _blocking: re.Pattern[str] | None
    _blocking_texts: tuple[str, ...] | None
    _titles: frozenset[str]
    _function: frozenset[str]
    _given: dict[str, re.Pattern[str]]

    def __init__(self, entities: Iterable[Entity], rules: LinkingRules | None = None) -> None:
        from ._matcher import entity_matcher

        checked = []
        by_id: dict[str, Entity] = {}
        for entity in entities:
            if not isinstance(entity, Entity):
                raise ArgumentTypeError("entities", "Entity records", entity)
            if not entity.forms:
                # an entity built without forms: its name and aliases, all safe
                entity = attrs.evolve(entity, forms=default_forms(entity.name, entity.aliases))
            checked.append(entity)
            if entity.id in by_id:
                raise LinkerError(entity.id, "two entities have this id")
            by_id[entity.id] = entity
        entities = tuple(checked)
        rules = rules if rules is not None else LinkingRules()
        try:
            matcher = entity_matcher(_matched(entities))
        except ValueError as exc:
            raise LinkerError(str(exc).split("'")[1] if "'" in str(exc) else "", str(exc)) from None
        set_ = object.__setattr__
        set_(self, "_entities", entities)
        set_(self, "_by_id", by_id)
        set_(self, "_rules", rules)
        set_(self, "_matcher", matcher)
        set_(self, "_context_ids", frozenset(rules.context_entity_ids))
        # the entities of Kazakhstan: those whose mention is context, and those with a context form
        kazakh_ids = {e.id for e in entities if any(f.ambiguity is Ambiguity.CONTEXT for f in e.forms)}
        set_(self, "_kazakh_ids", frozenset(kazakh_ids) | frozenset(rules.context_entity_ids))
        set_(self, "_words", _words_pattern(rules.context_words))
        set_(self, "_blocking", _words_pattern(rules.blocking_names, re.IGNORECASE))
        # a blocking name that contains a form contains its words: most forms are
        # in none, and need no search of the text around them (none of a stem)
        stems = any(name.endswith("*") for name in rules.blocking_names)
        set_(self, "_blocking_texts", None if stems else tuple(map(_spaced, rules.blocking_names)))
        set_(self, "_titles", frozenset(t.casefold() for t in rules.titles))
        set_(self, "_function", frozenset(w.casefold() for w in rules.function_words))
        given = {}
        for entity in entities:
            pattern = _given_pattern(given_names(entity, rules, entities))
            if pattern is not None:
                given[entity.id] = pattern
        set_(self, "_given", given)

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"the linking engine is immutable (.{name})")

    def __reduce__(self) -> tuple[Any, ...]:
        # the matcher and patterns are rebuilt in the receiving process
        return (_engine, (self._entities, self._rules))

    @property
    def entities(self) -> tuple[Entity, ...]:
        """The registry, each entity with its forms."""
        return self._entities

    @property
    def by_id(self) -> dict[str, Entity]:
        """The entities by id (do not change it)."""
        return self._by_id

    @property
    def rules(self) -> LinkingRules:
        """The curated evidence."""
        return self._rules

    def link(
        self,
        text: str,
        *,
        unambiguous_only: bool = False,
        about_kazakhstan: str | None = None,
        named_before: frozenset[str] = frozenset(),
    ) -> list[Mention]:
        """Find the forms in ``text`` and decide those that are not safe (see the module's docstring).

        ``about_kazakhstan`` (the build's "the report is about Kazakhstan")
        stands for context the text itself may not give; ``named_before``
        are entities named in full in earlier parts of the same document.
        """
        return self.link_and_tell(
            text,
            unambiguous_only=unambiguous_only,
            about_kazakhstan=about_kazakhstan,
            named_before=named_before,
        )[0]

    def link_and_tell(
        self,
        text: str,
        *,
        unambiguous_only: bool = False,
        about_kazakhstan: str | None = None,
        named_before: frozenset[str] = frozenset(),
    ) -> tuple[list[Mention], list[int]]:
        """`link`'s mentions, and the offsets of the forms in ``text`` that need evidence, in order.

        Without such a form the mentions depend on no other part of a
        longer text (the command line streams such text block by block, and
        counts these forms, linked or not, to bound what it holds).

        A text that is not in NFC (a decomposed "é", "й") is linked in NFC
        and its mentions given back as spans of the text as given: the rules
        that read the words around a form see what a canonically equivalent
        text has there (a capitalised "José" before a name in either form).
        """
        composed = None
        if not text.isascii():
            normal, composed = _chars.nfc(text)
        if composed is None:
            return self._link_composed(text, unambiguous_only, about_kazakhstan, named_before)
        found, undecided = self._link_composed(normal, unambiguous_only, about_kazakhstan, named_before)
        found = _given_back(found, text, composed, self._matcher._share)
        return found, [composed.start(start) for start in undecided]

    def _link_composed(
        self,
        text: str,
        unambiguous_only: bool,
        about_kazakhstan: str | None,
        named_before: frozenset[str],
    ) -> tuple[list[Mention], list[int]]:
        """`link_and_tell` of a text in NFC (as far as `kzrights._chars.nfc` composes)."""
        # invisible characters (a soft hyphen inside a name, a direction mark
        # around it) mean nothing: the forms are found and decided in the
        # visible text, then given back as spans of the text as given
        shown, back = text, None
        lowered: Lowered = []
        try:
            found, pending = self._matcher.scan(text, lowered, composed=True)
        except InvisibleCharacter:
            # taking invisible characters out can join a letter to a mark:
            # the text shown is composed again
            shown, back = _chars.visible(text)
            lowered = []
            found, pending = self._matcher.scan(shown, lowered)
        undecided = [found[index].start for index, _ in pending]
        if pending:
            found = self._decide(shown, found, pending, unambiguous_only, about_kazakhstan, named_before)
        found = self._whole_names(shown, found)
        if lowered:
            found = self._lowercase_whole_names(shown, found, lowered)
        if back is not None:
            found = _given_back(found, text, back, self._matcher._share)
            undecided = [back.start(start) for start in undecided]
        return found, undecided

    def _decide(
        self,
        text: str,
        found: list[Mention],
        pending: Pending,
        unambiguous_only: bool,
        about_kazakhstan: str | None,
        named_before: frozenset[str],
    ) -> list[Mention]:
        undecided = dict(pending)
        if unambiguous_only:
            return [m for i, m in enumerate(found) if i not in undecided]
        # the evidence, each list in text order: a long text may hold thousands of
        # mentions, so every look-up below is a bisection, never a pass over them
        context_ids, kazakh_ids = self._context_ids, self._kazakh_ids
        anchors = [
            (m.start, m.end, m.text)
            for i, m in enumerate(found)
            if i not in undecided and m.entity_id in context_ids
        ]
        kazakh = [(m.start, m.end) for m in found if m.entity_id in kazakh_ids]
        words: list[tuple[int, int, str]] | None = None  # the context words, scanned only if needed
        last_safe: dict[str, Mention] = {}
        for i, m in enumerate(found):
            if i not in undecided:
                last_safe[m.entity_id] = m
        seen: dict[str, Mention] = {}  # the last mention of each entity linked so far
        full_names: dict[str, Mention] = {}  # the last safe mention (a full name) of each entity so far
        linked: list[Mention] = []
        for index, mention in enumerate(found):
            candidates = undecided.get(index)
            if candidates is None:
                linked.append(mention)
                seen[mention.entity_id] = full_names[mention.entity_id] = mention
                continue
            if self._in_blocking_name(text, mention):
                continue
            before = _word_before(text, mention.start, _NAME_REACH)
            title = self._title_before(text, mention.start, before)
            # the general patterns are for generic names; a surname or a shared
            # person's form is lengthened by a first name, which the matcher takes whole
            generic = candidates[0][2] in (Ambiguity.CONTEXT, Ambiguity.NAME_PART) and len(candidates) == 1
            if generic and title is None and self._in_longer_name(text, mention, kazakh, before):
                continue
            evidence = None
            if candidates[0][2] is Ambiguity.CONTEXT and about_kazakhstan is None:
                evidence = _nearest(anchors, mention.start)
                if evidence is None:
                    if words is None:
                        words = self._context_words(text)
                    evidence = _nearest(words, mention.start)
            decided = self._choose(
                mention,
                candidates,
                seen,
                full_names,
                last_safe,
                evidence,
                title,
                about_kazakhstan,
                named_before,
            )
            if decided is not None:
                linked.append(decided)
                seen[decided.entity_id] = decided
        return linked

    def _whole_names(self, text: str, found: list[Mention]) -> list[Mention]:
        """The mentions, each person's one-word form lengthened over the same person's given name before it.

        Rule 6 of the module's docstring.  A mention keeps its entity and its
        end; its start moves to the given name's, its ``resolved_by`` names
        the given name (`GIVEN_NAME`).  The given name must start a word, and
        touch no mention before it.
        """
        given = self._given
        reached = 0  # the end of the mention before
        for index, mention in enumerate(found):
            pattern = given.get(mention.entity_id)
            start = mention.start
            if (
                pattern is not None
                and start > 1
                and text[start - 1] in _SPACE_BEFORE
                and not _SPACE_IN.search(mention.text)
            ):
                low = max(reached, start - _GIVEN_REACH)
                whole = self._given_before(pattern, text, low, start)
                if whole is not None:
                    name = text[whole[0] : whole[1]].rstrip()
                    why = GIVEN_NAME.format(name)
                    if mention.resolved_by is not None:
                        why += "; " + mention.resolved_by
                    found[index] = mention = mention._replace(
                        text=self._matcher._share(text[whole[0] : mention.end]),
                        start=whole[0],
                        resolved_by=why,
                    )
            reached = mention.end
        return found

    def _lowercase_whole_names(self, text: str, found: list[Mention], lowered: Lowered) -> list[Mention]:
        """The mentions, with each lowercase surname written right after the same person's given name.

        Rule 6 for a social-media spelling ("kassym-jomart tokaev"): a safe
        one-word form of one person, found in lowercase (never a mention
        alone: "tokaev"), after one of that person's given names (in any
        case), is one mention with it, as `_whole_names` makes of a surname
        in its own case.  The given name must start a word and touch no
        mention before it.
        """
        given = self._given
        starts = [m.start for m in found]
        added = []
        for start, end, entity_id, form in lowered:
            pattern = given.get(entity_id)
            if pattern is None or start <= 1 or text[start - 1] not in _SPACE_BEFORE:
                continue
            at = bisect.bisect_left(starts, start)
            reached = found[at - 1].end if at else 0
            whole = self._given_before(pattern, text, max(reached, start - _GIVEN_REACH), start)
            if whole is not None:
                name = text[whole[0] : whole[1]].rstrip()
                added.append(
                    Mention(
                        entity_id,
                        self._matcher._share(text[whole[0] : end]),
                        whole[0],
                        end,
                        form=form,
                        resolved_by=GIVEN_NAME.format(name),
                    )
                )
        if not added:
            return found
        return sorted((*found, *added), key=lambda mention: mention.start)

    @staticmethod
    def _given_before(pattern: re.Pattern[str], text: str, low: int, start: int) -> tuple[int, int] | None:
        """The span of a given name (and the spaces after it) that ends at ``start``, or ``None``.

        A text not in NFC is read in NFC around the surname, as the matcher reads it.
        """
        window = text[low:start]
        if window.isascii() or unicodedata.is_normalized("NFC", window):
            found = pattern.search(text, low, start)
            if found is None:
                return None
            at = found.start()
        else:
            normal, back = _chars.nfc(window)
            found = pattern.search(normal)
            if found is None or back is None:
                return None
            at = low + back.start(found.start())
        if at and _chars.is_word_char(text[at - 1]):
            return None  # a combining mark or a letter beyond the BMP before it
        return at, start

    def _context_words(self, text: str) -> list[tuple[int, int, str]]:
        if self._words is None:
            return []
        return [(w.start(), w.end(), w.group()) for w in self._words.finditer(text)]

    def _in_blocking_name(self, text: str, mention: Mention) -> bool:
        """Whether a curated blocking name longer than the form contains it (looked for around it only)."""
        if self._blocking is None:
            return False
        texts = self._blocking_texts
        if texts is not None:
            form = _spaced(mention.text)
            if not any(form in name for name in texts):
                return False
        start, end = mention.start, mention.end
        low = max(0, start - _BLOCKING_REACH)
        for b in self._blocking.finditer(text, low, min(len(text), end + _BLOCKING_REACH)):
            if b.start() <= start and end <= b.end() and (b.start(), b.end()) != (start, end):
                return True
        return False

    def _title_before(self, text: str, start: int, before: tuple[str, int, int] | None) -> str | None:
        """The title right before ``start`` (within `_TITLE_REACH`), from the word before (`_NAME_REACH`)."""
        if before is None:
            return None  # none in the longer reach: none in the shorter
        if before[1] < start - _TITLE_REACH:
            # a word longer than the title's reach: read as in that reach alone
            before = _word_before(text, start, _TITLE_REACH)
            if before is None:
                return None
        return before[0] if before[0].casefold() in self._titles else None

    def _is_kazakh(self, word: str, start: int, end: int, kazakh: list[tuple[int, int]]) -> bool:
        """Whether the word at ``start:end`` names a Kazakh thing: a mention of one, or a context word."""
        at = bisect.bisect_right(kazakh, (end, end)) - 1
        while at >= 0 and kazakh[at][1] > start:
            if kazakh[at][0] < end:
                return True
            at -= 1
        return self._words is not None and self._words.fullmatch(word) is not None

    def _in_longer_name(
        self,
        text: str,
        mention: Mention,
        kazakh: list[tuple[int, int]],
        before: tuple[str, int, int] | None,
    ) -> bool:
        """Whether a capitalised word before or a name after makes the form part of a longer proper name.

        Only a form that starts with a capital is a name a word before can
        lengthen ("European Parliament"; not "Remove laws on insulting …").
        A name after may be one of the Kazakh things the text names ("the
        Committee of the Ministry of Digital Development").
        """
        if before is not None and _starts_upper(mention.text):
            word = before[0]
            bare = word.rstrip(".").removesuffix("'s").removesuffix("’s")
            if (
                _starts_upper(word)
                and bare.casefold() not in self._function
                and not self._is_kazakh(bare, before[1], before[2], kazakh)
            ):
                return True
        after = _OF_AFTER.match(text, mention.end)
        if after is None and _CYRILLIC.search(mention.text):
            after = _WORD_AFTER.match(text, mention.end)
        if after is not None:
            word = after.group(1)
            if (
                _starts_upper(word)
                and word.casefold() not in self._function
                and not self._is_kazakh(word, after.start(1), after.end(1), kazakh)
            ):
                return True
        return False

    def _choose(
        self,
        mention: Mention,
        candidates: tuple[Candidate, ...],
        seen: dict[str, Mention],
        full_names: dict[str, Mention],
        last_safe: dict[str, Mention],
        evidence: tuple[int, int, str] | None,
        title: str | None,
        about_kazakhstan: str | None,
        named_before: frozenset[str],
    ) -> Mention | None:
        """The mention as linked, with its evidence, or ``None`` if the text gives none.

        A mention of the same entity earlier in the text is evidence: the
        last safe one is cited as the full name (``"full name earlier in
        text: 'Adam Hug' at 0"``); with none, the last one linked on its own
        evidence is cited as what it is (``"earlier mention of the same
        entity: 'Hug' at 3"``, after "Mr Hug"), never as a full name.
        """
        ids = list(dict.fromkeys(c[0] for c in candidates))
        if len(ids) > 1:
            # a form several entities share: the one the text names otherwise
            named = [i for i in ids if i in seen]
            which, where = "earlier mention", seen
            if not named:
                named = [i for i in ids if i in last_safe and last_safe[i].start > mention.start]
                which, where = "later mention", last_safe
            if len(named) != 1:
                return None
            chosen = next(c for c in candidates if c[0] == named[0])
            other = where[named[0]]
            return mention._replace(
                entity_id=chosen[0],
                form=chosen[1],
                resolved_by=f"{which} of the same entity: {other.text!r} at {other.start}",
            )
        entity_id, form, ambiguity, _ = candidates[0]
        same = full_names.get(entity_id)
        if same is not None:
            full: str | None = f"full name earlier in text: {same.text!r} at {same.start}"
        else:
            same = seen.get(entity_id)
            full = f"earlier mention of the same entity: {same.text!r} at {same.start}" if same else None
        if ambiguity is Ambiguity.NAME_PART:
            why: str | None = "not part of a longer name"
        elif ambiguity is Ambiguity.GIVEN_NAME:
            why = f"title {title!r}" if title else full
            if why is None and entity_id in named_before:
                why = "named in full earlier in the document"
        else:  # context
            why = about_kazakhstan
            if why is None and evidence is not None:
                why = f"Kazakhstan context: {evidence[2]!r} at {evidence[0]}"
            why = why or full
        if why is None:
            return None
        return mention._replace(form=form, resolved_by=why)


def _word_before(text: str, start: int, reach: int) -> tuple[str, int, int] | None:
    r"""The word that ends right before the horizontal spaces before ``start``, and its span, or ``None``.

    The word is what a search for ``([^\W_][\w'’.\-]*)\s+\Z`` (with `_HSPACE` for
    ``\s``: horizontal spaces) from
    ``start - reach`` to ``start`` finds (its group 1), found by matching the
    reversed window once (tests/test_linking_differential.py holds the two
    to each other).
    """
    low = max(0, start - reach)
    found = _WORD_BEFORE_REVERSED.match(text[low:start][::-1])
    if found is None:
        return None
    a, b = found.span(1)
    return text[start - b : start - a], start - b, start - a


def _spaced(text: str) -> str:
    """``text`` lowercased as the regex engine's IGNORECASE compares it, with one space between words."""
    return " ".join(_chars.same_length_lower(text).split())


# what may stand right before a surname lengthened over a given name, and a mention that is no surname
_SPACE_BEFORE = frozenset(
    " \t\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000"
)
_SPACE_IN = re.compile(r"\s")


# how far around a form a curated blocking name may reach (the longest is under 60 characters)
_BLOCKING_REACH = 80


# the offset that ends every ``resolved_by`` that names one
_AT_OFFSET = re.compile(r" at (\d+)\Z")


def _given_back(
    found: list[Mention], text: str, back: _chars.Offsets, share: Callable[[str, dict[str, str]], str]
) -> list[Mention]:
    """The mentions found in ``visible(text)``, as spans (and evidence offsets) of ``text`` itself.

    Each surface is given by ``share`` (the matcher's `Matcher._share`), as
    the scan gives those of a text without invisible characters.
    """
    local: dict[str, str] = {}
    moved = []
    for mention in found:
        start, end = back.start(mention.start), back.end(mention.end)
        why = mention.resolved_by
        if why is not None:
            why = _AT_OFFSET.sub(lambda at: f" at {back.start(int(at.group(1)))}", why)
        surface = share(text[start:end], local)
        moved.append(mention._replace(text=surface, start=start, end=end, resolved_by=why))
    return moved


def _nearest(spans: list[tuple[int, int, str]], at: int) -> tuple[int, int, str] | None:
    """The span (in text order) that starts nearest to ``at``; the earlier one of two as near."""
    if not spans:
        return None
    after = bisect.bisect_left(spans, (at,))
    near = [spans[k] for k in (after - 1, after) if 0 <= k < len(spans)]
    return min(near, key=lambda span: abs(span[0] - at))


def _engine(entities: tuple[Entity, ...], rules: LinkingRules) -> Engine:
    """An engine rebuilt from what it pickled as."""
    return Engine(entities, rules)
