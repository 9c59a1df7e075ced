"""Entity linking with evidence: [`Linker`][kzrights.linker.Linker], the object behind `annotate`.

A `Linker` holds an entity registry (by default a release's) and the
curated evidence of the linking rules ([`LinkingRules`][kzrights.records.LinkingRules]).
It finds every form of every entity, links the ``safe`` forms at once,
and decides each other one on evidence from the text itself (the rules are
in `kzrights._linking` and in ``docs/data-dictionary.md``, "Linking rules").

Each mention says which form it matched (``form``) and, for one decided by
a rule, what decided it (``resolved_by``).  With ``unambiguous_only=True``
only ``safe`` forms are linked: a subset of the default answer.

A `Linker` is immutable and pickles (a process pool or Spark can ship it):
a release's own, ``Linker.from_release(version)``, as its version, so that
the receiving process uses its one linker of that release, as a release's
`Report` does; any other as its entities and rules.  ``with_aliases``,
``with_entities`` and ``without_aliases`` give new linkers.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Iterable, Mapping
from typing import Any, TypeVar, cast

import attrs

from . import _chars
from ._document import is_curated_id
from ._linking import Engine, essay_as_matched, is_essay
from .errors import (
    ArgumentTypeError,
    InvalidArgumentError,
    InvalidRecordError,
    LinkerError,
    RecordTypeError,
    UnknownIdError,
    UnsupportedReleaseError,
    _quoted,
    _type_name,
    _with_article,
)
from .records import Alias, AliasForm, Ambiguity, Entity, EntityCategory, LinkingRules, MentionList

__all__ = ["Linker"]

_L = TypeVar("_L", bound="Linker")


class Linker:
    """Links the entities of a registry in any text, deciding ambiguous forms on evidence.

    Build one from a release with [`Linker.from_release`][kzrights.linker.Linker.from_release],
    then add or remove names without editing seeds; each method returns a
    new linker and leaves this one as it was.  `kzrights.annotate` is
    ``Linker.from_release(version).annotate``, cached per release.

    Args:
        entities: The registry: [`Entity`][kzrights.records.Entity] records
            with unique ids.  An entity built without ``forms`` gets its
            name and aliases as ``safe`` forms.
        rules: The curated evidence (`LinkingRules`); none means that only
            the general patterns block and only other mentions give context.

    The records are checked field by field, as a release's own are when it
    loads: an entity, alias or rules record built by hand with a field of
    the wrong type (an ``id`` of ``5``, ``aliases`` given as one str, a
    ``form`` that is no [`AliasForm`][kzrights.records.AliasForm]) is
    refused here, naming the record and the field, not deep in the matcher.
    A field given as a list where the record holds a tuple, or an enum field
    given as its value (``category="person"``), is taken as the tuple or
    the enum member.

    An essay (a ``publication`` named ``"Essay by …"``) is never linked by
    its name, which holds its authors' names, only by its other forms (an
    alias: `with_aliases`); a release's essays have none, so the registry
    keeps them unlinked, and `with_entities` refuses one that has none.

    Raises:
        ArgumentTypeError: If ``entities`` is not an iterable of `Entity`
            records, or ``rules`` neither a `LinkingRules` nor ``None`` (a
            ``TypeError``).
        RecordTypeError: If a field of an entity, of one of its ``forms``
            or of ``rules`` has the wrong type (both a ``TypeError`` and an
            `InvalidRecordError`); its ``record`` and ``field`` name it
            (``"entity 'entities.x'"``, ``"forms[2].ambiguity"``).
        InvalidRecordError: If an entity's ``id`` is not ``entities.`` and a
            slug, as a release's ids are (``entities.adil-soz``: lower-case
            ASCII letters and digits, in words joined by single hyphens), if
            an enum field holds a value that is none of
            its members, or a name, alias or form of an entity, or a context
            word or blocking name of ``rules``, has no letter or digit (it
            would match punctuation, or anywhere, in a text).
        LinkerError: If two entities share an id, a form is empty or
            longer than 200 characters, or two curated forms of different
            entities are the same surface form.  (A registry given here is
            the caller's, even ``report.entities``; the release's own
            linker, `from_release`, names such a registry as the release's
            fault, a `DataIntegrityError`, and `kzrights.verify` refuses
            the release.)

    Examples:
        >>> from kzrights import Linker
        >>> linker = Linker.from_release().with_aliases({"KJT": "entities.kassym-jomart-tokayev"})
        >>> [(m.text, m.entity_id) for m in linker.annotate("KJT spoke to the Mazhilis.")]
        [('KJT', 'entities.kassym-jomart-tokayev'), ('Mazhilis', 'entities.mazhilis')]
        >>> [m.text for m in linker.without_aliases(["Mazhilis"]).annotate("the Mazhilis")]
        []
    """

    __slots__ = ("_engine",)

    _engine: Engine

    def __init__(self, entities: Iterable[Entity], rules: LinkingRules | None = None) -> None:
        if rules is not None:
            if not isinstance(rules, LinkingRules):
                raise ArgumentTypeError("rules", "a LinkingRules or None", rules)
            rules = _checked_rules(rules)
        object.__setattr__(self, "_engine", Engine(_entities(entities), rules))

    @classmethod
    def _of(cls, entities: tuple[Entity, ...], rules: LinkingRules | None) -> Linker:
        """A linker of records already checked (a release's, or a linker's own): no check again."""
        linker = object.__new__(cls)
        object.__setattr__(linker, "_engine", Engine(entities, rules))
        return linker

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"a Linker is immutable: use with_aliases() and the like, not .{name} =")

    def __reduce__(self) -> tuple[Any, ...]:
        # A release's own linker (from_release) pickles as its version, as the
        # release's Report does: the receiving process gets its one linker of that
        # release, built once, not the registry in every message (71 KiB) and a
        # matcher built for each (about 0.06 s).  Any other linker pickles its
        # registry and rules; the matcher and patterns are rebuilt on arrival.
        # (A module-level function, not the bound classmethod: cloudpickle, which
        # Dask and Spark use, copies a classmethod by value and calls it before
        # this module's globals are filled in.)
        version = next((v for v, linker in list(_LINKERS.items()) if linker._engine is self._engine), None)
        if type(self) is Linker:
            if version is not None:
                return (_release_linker, (version,))
            return (Linker, (self._engine.entities, self._engine.rules))
        # A subclass keeps its class, made as from_release and with_aliases make
        # it (its __init__, whose arguments are the user's, is not called), and
        # its own attributes: its __getstate__'s, or its __dict__ and slots.
        if version is not None:
            made: tuple[Any, ...] = (type(self), version)
        else:
            made = (type(self), None, self._engine.entities, self._engine.rules)
        state = _own_state(self)
        return (_linker_of_class, made) if state is None else (_linker_of_class, made, state)

    def __setstate__(self, state: Any) -> None:
        """Set a subclass's own attributes from its pickled state (pickle and ``copy`` call it).

        As Python does by default: the state is a ``__dict__``, or a pair of
        a ``__dict__`` (or ``None``) and the slots' values; the ``__dict__``
        is updated as it stands (a property of the same name is not called)
        and each slot is set past the linker's immutability.  A class after
        `Linker` in the subclass's method order that defines its own
        ``__setstate__`` (a mixin's) gets the state instead.  The engine is
        never set from a state: it is the linker's, from the release or the
        registry it was made of, and a name that is neither in the
        ``__dict__`` nor a slot a subclass declares (``__class__``) is refused.

        Raises:
            AttributeError: On a `Linker` itself, which has no state of its
                own (the release's shared linker stays as it is), and for a
                name that is no slot of an instance without a ``__dict__``.
        """
        if type(self) is Linker:
            raise AttributeError("a Linker is immutable: it has no state of its own to set")
        later = getattr(super(), "__setstate__", None)
        if later is not None:
            later(state)
            return
        attributes, slots = state if isinstance(state, tuple) and len(state) == 2 else (state, None)
        own = getattr(self, "__dict__", None)
        declared = _declared_slots(type(self))
        for name, value in (attributes or {}).items():
            if name == "_engine":
                continue
            if own is not None:
                own[name] = value
            else:  # a dict state for an instance without one: only its slots
                self._set_slot(name, value, declared)
        for name, value in (slots or {}).items():
            if name != "_engine":
                self._set_slot(name, value, declared)

    def _set_slot(self, name: str, value: object, declared: frozenset[str]) -> None:
        """Set a slot a subclass declares, past the linker's immutability; refuse any other name."""
        if name not in declared:
            raise AttributeError(f"{type(self).__name__} has no slot {name!r} to set from a state")
        object.__setattr__(self, name, value)

    def _evolved(self: _L, entities: tuple[Entity, ...]) -> _L:
        """A linker of these (checked) entities and this linker's rules, of this linker's class.

        A subclass's instance is made as `from_release` makes it, without
        its ``__init__``, and gets a shallow copy of this one's own
        attributes, as ``copy.copy`` would give.
        """
        if type(self) is Linker:
            return cast("_L", Linker._of(entities, self._engine.rules))
        engine = Engine(entities, self._engine.rules)
        return _linker_of_class(type(self), None, engine=engine, state=_own_state(self))

    def __repr__(self) -> str:
        return f"<Linker: {len(self._engine.entities)} entities>"

    @classmethod
    def from_release(cls, version: str | None = None) -> Linker:
        """Return the linker of a data release's registry and rules (default: the newest release).

        The same linker `annotate` uses, shared: it is immutable.  Called on
        a subclass, it returns a new instance of that subclass on the same
        shared registry and matcher (only ``Linker`` itself is shared).
        Such an instance is made with ``object.__new__``, without the
        subclass's ``__new__`` and ``__init__`` (whose arguments are the
        subclass's own), as are the linkers that `with_aliases`,
        `with_entities` and `without_aliases` give and those unpickled:
        give a subclass's attributes class-level defaults (a slot of
        ``@dataclass(slots=True)`` has none: its field stays unset), or
        override this method to set them.  Those three methods copy the
        instance as ``copy.copy`` would, its ``__getstate__`` and
        ``__setstate__`` included, and give the copy the new registry: a
        mutable attribute (a cache of answers) is shared with the copy
        unless ``__getstate__`` leaves it out.  Pickle and ``copy`` keep the
        attributes the same way.

        Raises:
            UnknownVersionError: If ``version`` is not a shipped release.
            UnsupportedReleaseError: If that release has no entity registry.
            DataIntegrityError: If the release's registry is one a linker
                refuses (two entities' curated forms that are one surface form).
        """
        from ._locking import FIRST_USE
        from .releases import load

        report = load(version)
        if cls is not Linker:
            # a user's subclass: its own instance on the release's linker's engine,
            # so that neither class's calls ever reach the other's methods
            return _linker_of_class(cls, None, engine=Linker.from_release(report.version)._engine)
        linker = _LINKERS.get(report.version)
        if linker is None:
            if not report.entities:
                raise UnsupportedReleaseError(
                    report.version, "has no entity registry (added in release 1.1.0)"
                )
            with FIRST_USE:
                linker = _LINKERS.get(report.version)
                if linker is None:
                    # the release's records passed its integrity checks as it loaded; its
                    # engine is the Report's own, which names a registry the linker refuses
                    # as the release's fault (DataIntegrityError), and entity() shares it
                    linker = object.__new__(cls)
                    object.__setattr__(linker, "_engine", report._linking_engine())
                    _LINKERS[report.version] = linker
        return linker

    @property
    def entities(self) -> tuple[Entity, ...]:
        """The registry this linker links, user entities and aliases included."""
        return self._engine.entities

    @property
    def rules(self) -> LinkingRules:
        """The curated evidence it weighs."""
        return self._engine.rules

    def _id(self, entity_id: str) -> str:
        if not isinstance(entity_id, str):
            raise ArgumentTypeError("an entity id", "a str", entity_id)
        for candidate in (entity_id, f"entities.{entity_id}"):
            if candidate in self._engine.by_id:
                return candidate
        raise UnknownIdError(entity_id, self._engine.by_id, what="entity")

    def with_aliases(
        self: _L, aliases: Mapping[str, str], *, ambiguity: Ambiguity | str = Ambiguity.SAFE
    ) -> _L:
        """Return a linker that also knows these aliases.

        Args:
            aliases: Each alias and the id of the entity it names
                (``{"KJT": "entities.kassym-jomart-tokayev"}``; the
                ``entities.`` prefix may be left out).  The case rules are
                those of the registry: an alias of several words matches in
                any case, a single word as written, in capitals or (if
                lowercase) Capitalised.  An alias is read as a text is:
                its invisible characters (a soft hyphen, a zero-width
                space, `kzrights._chars.INVISIBLE`) are left out, so
                ``"Z\u00adZ"`` is the alias ``"ZZ"``, and whitespace
                around it too.  An alias of an essay links it as any
                alias does (an essay is never linked by its name alone,
                which holds its authors' names), and the longest form
                wins: ``"Azhenova essay"`` over the author's ``"Azhenova"``.
            ambiguity: The class of the new aliases (default ``safe``).

        Raises:
            TypeError: If ``aliases`` is not a mapping of str to str.
            InvalidArgumentError: If ``ambiguity`` is not an ambiguity class.
            UnknownIdError: If an id names no entity of the linker.
            LinkerError: If an alias has no letter or digit, has more than 200
                characters, or another entity already has it.
        """
        if not isinstance(aliases, Mapping):
            raise ArgumentTypeError("aliases", "a mapping of alias to entity id", aliases)
        ambiguity = _ambiguity(ambiguity)
        added: dict[str, list[Alias]] = {}
        for alias, entity_id in aliases.items():
            if not isinstance(alias, str):
                raise ArgumentTypeError("an alias", "a str", alias)
            # read as a text is: its invisible characters ("Z\u00adZ" is the alias "ZZ") mean nothing
            shown = _chars.strip_invisible(alias).strip()
            if _LETTER_OR_DIGIT.search(shown) is None:  # "", "  ", "...", a zero-width space
                raise LinkerError(alias, "an alias must have a letter or digit")
            added.setdefault(self._id(entity_id), []).append(Alias(shown, AliasForm.ALIAS, ambiguity))
        entities = tuple(
            attrs.evolve(
                e, aliases=(*e.aliases, *(a.text for a in added[e.id])), forms=(*e.forms, *added[e.id])
            )
            if e.id in added
            else e
            for e in self._engine.entities
        )
        return self._evolved(entities)

    def with_entities(self: _L, entities: Iterable[Entity]) -> _L:
        """Return a linker that also links these entities (each with an id no entity has yet).

        The new entities are checked as [`Linker`][kzrights.linker.Linker] checks them;
        the invisible characters of a name, an alias or a form's text (a soft
        hyphen, a zero-width space) are left out, as they are of a text.

        Raises:
            ArgumentTypeError: If ``entities`` is not an iterable of
                [`Entity`][kzrights.records.Entity] records (a ``TypeError``).
            RecordTypeError, InvalidRecordError: If a field of one has the
                wrong type or value, as for `Linker`.
            LinkerError: If an id is taken, a form is another entity's, or
                an essay (a ``publication`` named ``"Essay by …"``) has no
                form but its name: an essay is never linked by its name,
                which holds its authors' names, so give it an alias.
        """
        added = _entities(entities)
        for entity in added:
            if is_essay(entity):
                matched = essay_as_matched(entity)
                if not matched.forms and not matched.aliases:
                    raise LinkerError(
                        entity.id,
                        f"an essay ({entity.name!r}) is never linked by its name, which holds its "
                        "authors' names: give it an alias to link it by",
                    )
        return self._evolved((*self._engine.entities, *added))

    def without_aliases(self: _L, aliases: Iterable[str]) -> _L:
        """Return a linker that no longer links these forms (compared case-insensitively).

        A canonical name can be switched off too; the entity stays in the
        registry under its other forms.

        Raises:
            TypeError: If ``aliases`` is a str (give a list) or holds a non-str.
            LinkerError: If no entity has one of them.
        """
        if isinstance(aliases, str):
            raise ArgumentTypeError("aliases", "a list of aliases (one str is not)", aliases)
        if not isinstance(aliases, Iterable):
            raise ArgumentTypeError("aliases", "a list of aliases", aliases)
        drop = set()
        for alias in aliases:
            if not isinstance(alias, str):
                raise ArgumentTypeError("an alias", "a str", alias)
            drop.add(_chars.strip_invisible(alias).strip().casefold())
        known = {form.text.casefold() for e in self._engine.entities for form in e.forms}
        for alias in sorted(drop - known):
            raise LinkerError(alias, "no entity has this alias")
        entities = tuple(
            attrs.evolve(
                e,
                aliases=tuple(a for a in e.aliases if a.casefold() not in drop),
                forms=tuple(f for f in e.forms if f.text.casefold() not in drop),
            )
            for e in self._engine.entities
        )
        return self._evolved(entities)

    def annotate(self, text: str, *, unambiguous_only: bool = False) -> MentionList:
        """Find the entities in ``text``, as [`kzrights.annotate`][kzrights.annotation.annotate] does.

        Args:
            text: Any text.
            unambiguous_only: Link only ``safe`` forms, none that needs evidence.

        Returns:
            The mentions in order, in a [`MentionList`][kzrights.records.MentionList].

        Raises:
            ArgumentTypeError: If ``text`` is not a str, or ``unambiguous_only``
                not a bool (a ``TypeError``).
        """
        text = _chars.plain_str(text, "text")  # the characters as str holds them, whatever the subclass
        if unambiguous_only is not True and unambiguous_only is not False:
            raise ArgumentTypeError("unambiguous_only", "True or False", unambiguous_only)
        if not text:
            return MentionList()
        return MentionList(self._engine.link(text, unambiguous_only=unambiguous_only))


def _entities(entities: Iterable[Entity]) -> tuple[Entity, ...]:
    """``entities`` as a tuple of checked `Entity` records (`_checked_entity`).

    Raises:
        ArgumentTypeError: Naming what was given, if it is no iterable of `Entity` records.
        RecordTypeError, InvalidRecordError: Naming the entity and field at fault.
    """
    if isinstance(entities, (str, bytes, Mapping)) or not isinstance(entities, Iterable):
        raise ArgumentTypeError("entities", "an iterable of Entity records", entities)
    given = tuple(entities)
    for entity in given:
        if not isinstance(entity, Entity):
            raise ArgumentTypeError("entities", "Entity records", entity)
    return tuple(_checked_entity(entity, position) for position, entity in enumerate(given))


# ── the records a user builds, checked where they come in ────────────────────
#
# The record classes have no validators: a release builds thousands of them as it
# loads (held to a few times json.loads), and its records are integrity-checked
# there.  A user's own entities, aliases and rules are checked here instead, once,
# before the matcher sees them; each check is a type test, so a linker of a whole
# registry pays about 1% of its construction for them (docs/benchmarks.md).


def _wrong_type(record: str, field: str, value: object, expected: str) -> RecordTypeError:
    return RecordTypeError(record, field, value, f"must be {expected}, not {_type_name(value)}")


def _text_field(record: str, field: str, value: object, optional: bool = False) -> None:
    if type(value) is str or isinstance(value, str) or (optional and value is None):
        return
    raise _wrong_type(record, field, value, "a str or None" if optional else "a str")


def _is_word(record: str, field: str, value: str) -> None:
    """Refuse a name or form with no letter or digit: it would match punctuation ("...") in a text."""
    if _LETTER_OR_DIGIT.search(value) is None:
        raise InvalidRecordError(
            record, field, value, "has no letter or digit: it would match anywhere in a text"
        )


def _visible_word(record: str, field: str, value: str) -> str:
    """A name or form as a text is read: without its invisible characters, and a word (`_is_word`).

    The matcher reads a text without them (`kzrights._chars.visible`): a
    form that kept one ("Z\u00adZ") would match only where a text has the
    same one, and its span would start or end on it.
    """
    shown = _chars.strip_invisible(value)
    if _LETTER_OR_DIGIT.search(shown) is None:
        raise InvalidRecordError(
            record,
            field,
            value,
            "has no letter or digit (invisible characters aside): it would match anywhere in a text",
        )
    return shown


def _texts_field(record: str, field: str, value: object) -> tuple[str, ...]:
    """A tuple-of-str field as a tuple (a list is taken as one); each member a str."""
    if type(value) is not tuple:
        if not isinstance(value, (tuple, list)):
            raise _wrong_type(record, field, value, "a tuple of str")
        value = tuple(value)
    for n, member in enumerate(value):
        if not isinstance(member, str):
            raise _wrong_type(record, f"{field}[{n}]", member, "a str")
    return value


_E = TypeVar("_E", EntityCategory, AliasForm, Ambiguity)


def _enum_field(record: str, field: str, value: object, kind: type[_E]) -> _E:
    """An enum field as its member: the member itself, or its value as a str."""
    if isinstance(value, kind):
        return value
    if not isinstance(value, str):
        raise _wrong_type(record, field, value, _with_article(kind.__name__))
    try:
        return kind(value)
    except ValueError:
        choices = ", ".join(member.value for member in kind)
        raise InvalidRecordError(
            record, field, value, f"is no {kind.__name__}: give one of {choices}"
        ) from None


def _is_plain_alias(alias: object) -> bool:
    """Whether ``alias`` is an `Alias` as a release holds it: every field of its type, the text a word.

    The common case, tested in one expression with no error text built; any
    other value goes through `_checked_alias`, which says what is wrong.
    """
    return (
        type(alias) is Alias
        and type(alias.text) is str
        and type(alias.form) is AliasForm
        and type(alias.ambiguity) is Ambiguity
        and (alias.generated is True or alias.generated is False)
        and (alias.language is None or type(alias.language) is str)
        and (alias.grammatical_case is None or type(alias.grammatical_case) is str)
        and _LETTER_OR_DIGIT.search(alias.text) is not None
        and _chars.strip_invisible(alias.text) is alias.text
    )


def _checked_alias(record: str, field: str, alias: object) -> Alias:
    """A form of an entity, each field of the type `Alias` declares."""
    if not isinstance(alias, Alias):
        raise _wrong_type(record, field, alias, "an Alias")
    _text_field(record, f"{field}.text", alias.text)
    text = _visible_word(record, f"{field}.text", alias.text)
    form = _enum_field(record, f"{field}.form", alias.form, AliasForm)
    ambiguity = _enum_field(record, f"{field}.ambiguity", alias.ambiguity, Ambiguity)
    if alias.generated is not True and alias.generated is not False:
        raise _wrong_type(record, f"{field}.generated", alias.generated, "True or False")
    _text_field(record, f"{field}.language", alias.language, optional=True)
    _text_field(record, f"{field}.grammatical_case", alias.grammatical_case, optional=True)
    if form is not alias.form or ambiguity is not alias.ambiguity or text is not alias.text:
        return attrs.evolve(alias, text=text, form=form, ambiguity=ambiguity)
    return alias


def _is_plain_entity(entity: Entity) -> bool:
    """Whether ``entity`` is as a release holds it (see `_is_plain_alias`): nothing to say or change."""
    word = _LETTER_OR_DIGIT.search
    shown = _chars.strip_invisible  # the text itself when it has no invisible character
    return (
        type(entity.id) is str
        and type(entity.category) is EntityCategory
        and type(entity.name) is str
        and word(entity.name) is not None
        and shown(entity.name) is entity.name
        and type(entity.aliases) is tuple
        and all(
            type(alias) is str and word(alias) is not None and shown(alias) is alias
            for alias in entity.aliases
        )
        and type(entity.description) is str
        and type(entity.related_ids) is tuple
        and all(type(other) is str for other in entity.related_ids)
        and type(entity.forms) is tuple
        and all(map(_is_plain_alias, entity.forms))
        and (entity.background is None or type(entity.background) is str)
        and (entity.background_basis is None or type(entity.background_basis) is str)
    )


def _checked_entity(entity: Entity, position: int) -> Entity:
    """``entity`` with each field of the type `Entity` declares (lists as tuples, enum values as members).

    The error names the entity by its id (by its place in what was given, if
    the id itself is at fault) and the field, down to a form's own field.
    """
    if not isinstance(entity.id, str):
        raise _wrong_type(f"entity #{position}", "id", entity.id, "a str")
    if not is_curated_id(entity.id, _ENTITY_PREFIX):
        raise InvalidRecordError(
            f"entity #{position}",
            "id",
            entity.id,
            f"must be {_ENTITY_PREFIX} followed by a slug, as every entity id of a release is "
            "(lower-case ASCII letters and digits, in words joined by single hyphens: entities.adil-soz)",
        )
    if _is_plain_entity(entity):
        return entity
    record = f"entity {_quoted(entity.id)}"
    category = _enum_field(record, "category", entity.category, EntityCategory)
    _text_field(record, "name", entity.name)
    name = _visible_word(record, "name", entity.name)
    given_aliases = _texts_field(record, "aliases", entity.aliases)
    aliases = tuple(_visible_word(record, f"aliases[{n}]", alias) for n, alias in enumerate(given_aliases))
    if all(map(operator.is_, aliases, given_aliases)):
        aliases = given_aliases
    _text_field(record, "description", entity.description)
    related_ids = _texts_field(record, "related_ids", entity.related_ids)
    forms = entity.forms
    if not isinstance(forms, (tuple, list)):
        raise _wrong_type(record, "forms", forms, "a tuple of Alias records")
    checked = tuple(
        form if _is_plain_alias(form) else _checked_alias(record, f"forms[{n}]", form)
        for n, form in enumerate(forms)
    )
    _text_field(record, "background", entity.background, optional=True)
    _text_field(record, "background_basis", entity.background_basis, optional=True)
    changes: dict[str, Any] = {}
    if name is not entity.name:
        changes["name"] = name
    if category is not entity.category:
        changes["category"] = category
    for name, value, before in (
        ("aliases", aliases, entity.aliases),
        ("related_ids", related_ids, entity.related_ids),
        ("forms", checked, entity.forms),
    ):
        if value is not before and (type(before) is not tuple or any(map(operator.is_not, value, before))):
            changes[name] = value
    return attrs.evolve(entity, **changes) if changes else entity


_ENTITY_PREFIX = "entities."  # every entity id starts with it, a user's as a release's

# the rules' words that are found in a text: one with no letter or digit would match everywhere
_MATCHED_WORDS = ("context_words", "blocking_names")


def _checked_rules(rules: LinkingRules) -> LinkingRules:
    """``rules`` with each field a tuple of str, and each word looked for in a text a word."""
    changes = {}
    for field in attrs.fields(LinkingRules):
        before = getattr(rules, field.name)
        value = _texts_field("linking rules", field.name, before)
        if field.name in _MATCHED_WORDS:
            for n, word in enumerate(value):
                _is_word("linking rules", f"{field.name}[{n}]", word)
        if value is not before:
            changes[field.name] = value
    return attrs.evolve(rules, **changes) if changes else rules


_LINKERS: dict[str, Linker] = {}


def _release_linker(version: str, cls: type[Linker] = Linker) -> Linker:
    """What a pickled `Linker.from_release` linker becomes: this process's linker of that release.

    ``cls`` comes from pickles of a subclass's instance made before
    `_linker_of_class` took their place: such an instance is made as that
    function makes it, without calling the subclass's own ``from_release``,
    whose signature may differ.
    """
    if cls is Linker:
        return Linker.from_release(version)
    return _linker_of_class(cls, version)


def _linker_of_class(
    cls: type[_L],
    version: str | None,
    entities: tuple[Entity, ...] | None = None,
    rules: LinkingRules | None = None,
    *,
    engine: Engine | None = None,
    state: Any = None,
) -> _L:
    """An instance of a `Linker` subclass, made without its ``__init__``, on a linker's engine.

    The engine is ``engine``, or the release ``version``'s shared one, or
    one built from ``entities`` and ``rules``, checked as `Linker` checks
    them (what a pickled instance of a subclass carries).  ``state``, the
    instance's own attributes, is given to its ``__setstate__``; pickle
    gives it itself when it unpickles one.
    """
    if engine is None:
        if version is not None:
            engine = Linker.from_release(version)._engine
        else:
            engine = Linker(entities or (), rules)._engine
    linker = object.__new__(cls)
    object.__setattr__(linker, "_engine", engine)
    if state is not None:
        linker.__setstate__(state)
    return linker


# object.__getstate__ (Python 3.11 and later), which a subclass that defines none inherits
_DEFAULT_GETSTATE = getattr(object, "__getstate__", None)


def _own_state(linker: Linker) -> Any:
    """A subclass's instance's own attributes, as ``copy`` and pickle take them, without the engine.

    What its ``__getstate__`` gives, if its class defines one; otherwise
    Python's default: its ``__dict__``, or a pair of its ``__dict__`` (or
    ``None``) and the values of the slots that its classes below `Linker`
    declare.  ``None`` when it has none.
    """
    getstate = getattr(type(linker), "__getstate__", None)
    if getstate is not None and getstate is not _DEFAULT_GETSTATE:
        # the subclass's own, which may start from object.__getstate__ (super()),
        # whose slots hold the engine: pickled by the linker itself, never twice
        state = getstate(linker)
        pair = isinstance(state, tuple) and len(state) == 2 and isinstance(state[1], dict)
        if pair and "_engine" in state[1]:
            slots = {k: v for k, v in state[1].items() if k != "_engine"}
            state = (state[0], slots) if slots else state[0]
        elif isinstance(state, dict) and "_engine" in state:
            state = {k: v for k, v in state.items() if k != "_engine"}
        return state
    attributes = getattr(linker, "__dict__", None)
    slots = {}
    for name in sorted(_declared_slots(type(linker))):
        try:
            slots[name] = object.__getattribute__(linker, name)
        except AttributeError:  # a slot never set
            continue
    if slots:
        return (dict(attributes) if attributes else None, slots)
    return dict(attributes) if attributes else None


def _declared_slots(cls: type[Linker]) -> frozenset[str]:
    """The slots that ``cls`` and its classes other than `Linker` declare, by their (mangled) names."""
    names = set()
    for base in cls.__mro__:
        if base is Linker or base is object:
            continue
        declared = base.__dict__.get("__slots__", ())
        for name in (declared,) if isinstance(declared, str) else declared:
            if name in ("__dict__", "__weakref__"):
                continue
            stripped = base.__name__.lstrip("_")
            if name.startswith("__") and not name.endswith("__") and stripped:
                name = f"_{stripped}{name}"  # a private slot's mangled name, as Python mangles it
            names.add(name)
    return frozenset(names)


_LETTER_OR_DIGIT = re.compile(r"[^\W_]")


def _ambiguity(value: Ambiguity | str) -> Ambiguity:
    """``value`` as an ambiguity class, or an `InvalidArgumentError` naming the classes."""
    try:
        return Ambiguity(value)
    except ValueError:
        choices = [a.value for a in Ambiguity]
        raise InvalidArgumentError(
            "ambiguity", f"unknown ambiguity {_quoted(value)}; expected one of {', '.join(choices)}", choices
        ) from None
