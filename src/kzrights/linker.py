"""Entity linking with evidence: [`Linker`][kzrights.linker.Linker], the object behind `annotate`.

A `Linker` holds an entity registry (by default a release's) and the
curated evidence of the linking rules ([`LinkingRules`][kzrights.records.LinkingRules]).
It finds every form of every entity, links the ``safe`` forms at once,
and decides each other one on evidence from the text itself (the rules are
in `kzrights._linking` and in ``docs/data-dictionary.md``, "Linking rules").

Each mention says which form it matched (``form``) and, for one decided by
a rule, what decided it (``resolved_by``).  With ``unambiguous_only=True``
only ``safe`` forms are linked: a subset of the default answer.

A `Linker` is immutable and pickles as its entities and rules (a process
pool or Spark can ship it); ``with_aliases``, ``with_entities`` and
``without_aliases`` give new linkers.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

import attrs

from . import _chars
from ._linking import Engine
from .errors import (
    ArgumentTypeError,
    InvalidArgumentError,
    LinkerError,
    UnknownIdError,
    UnsupportedReleaseError,
)
from .records import Alias, AliasForm, Ambiguity, Entity, LinkingRules, MentionList

__all__ = ["Linker"]


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

    Raises:
        ArgumentTypeError: If ``entities`` is not an iterable of `Entity`
            records, or ``rules`` neither a `LinkingRules` nor ``None`` (a
            ``TypeError``).
        LinkerError: If two entities share an id, or two curated forms of
            different entities are the same surface form.

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
        if rules is not None and not isinstance(rules, LinkingRules):
            raise ArgumentTypeError("rules", "a LinkingRules or None", rules)
        object.__setattr__(self, "_engine", Engine(_entities(entities), rules))

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"a Linker is immutable: use with_aliases() and the like, not .{name} =")

    def __reduce__(self) -> tuple[Any, ...]:
        # the matcher and patterns are rebuilt in the receiving process
        return (Linker, (self._engine.entities, self._engine.rules))

    def __repr__(self) -> str:
        return f"<Linker: {len(self._engine.entities)} entities>"

    @classmethod
    def from_release(cls, version: str | None = None) -> Linker:
        """Return the linker of a data release's registry and rules (default: the newest release).

        The same linker `annotate` uses, shared: it is immutable.

        Raises:
            UnknownVersionError: If ``version`` is not a shipped release.
            UnsupportedReleaseError: If that release has no entity registry.
        """
        from ._locking import FIRST_USE
        from .releases import load

        report = load(version)
        linker = _LINKERS.get(report.version)
        if linker is None:
            if not report.entities:
                raise UnsupportedReleaseError(
                    report.version, "has no entity registry (added in release 1.1.0)"
                )
            with FIRST_USE:
                linker = _LINKERS.get(report.version)
                if linker is None:
                    linker = cls(report.entities, report.linking[0] if report.linking else None)
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
        self, aliases: Mapping[str, str], *, ambiguity: Ambiguity | str = Ambiguity.SAFE
    ) -> Linker:
        """Return a linker that also knows these aliases.

        Args:
            aliases: Each alias and the id of the entity it names
                (``{"KJT": "entities.kassym-jomart-tokayev"}``; the
                ``entities.`` prefix may be left out).  The case rules are
                those of the registry: an alias of several words matches in
                any case, a single word as written, in capitals or (if
                lowercase) Capitalised.
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
            if _LETTER_OR_DIGIT.search(alias) is None:  # "", "  ", "...", a zero-width space
                raise LinkerError(alias, "an alias must have a letter or digit")
            added.setdefault(self._id(entity_id), []).append(Alias(alias.strip(), AliasForm.ALIAS, ambiguity))
        entities = tuple(
            attrs.evolve(
                e, aliases=(*e.aliases, *(a.text for a in added[e.id])), forms=(*e.forms, *added[e.id])
            )
            if e.id in added
            else e
            for e in self._engine.entities
        )
        return Linker(entities, self._engine.rules)

    def with_entities(self, entities: Iterable[Entity]) -> Linker:
        """Return a linker that also links these entities (each with an id no entity has yet).

        Raises:
            TypeError: If one is not an [`Entity`][kzrights.records.Entity].
            LinkerError: If an id is taken, or a form is another entity's.
        """
        return Linker((*self._engine.entities, *_entities(entities)), self._engine.rules)

    def without_aliases(self, aliases: Iterable[str]) -> Linker:
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
            drop.add(alias.strip().casefold())
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
        return Linker(entities, self._engine.rules)

    def annotate(self, text: str, *, unambiguous_only: bool = False) -> MentionList:
        """Find the entities in ``text``, as [`kzrights.annotate`][kzrights.annotation.annotate] does.

        Args:
            text: Any text.
            unambiguous_only: Link only ``safe`` forms, none that needs evidence.

        Returns:
            The mentions in order, in a [`MentionList`][kzrights.records.MentionList].

        Raises:
            TypeError: If ``text`` is not a str.
        """
        text = _chars.plain_str(text, "text")  # the characters as str holds them, whatever the subclass
        if not text:
            return MentionList()
        return MentionList(self._engine.link(text, unambiguous_only=unambiguous_only))


def _entities(entities: Iterable[Entity]) -> tuple[Entity, ...]:
    """``entities`` as a tuple, each an `Entity`; an `ArgumentTypeError` naming what else was given."""
    if isinstance(entities, (str, bytes, Mapping)) or not isinstance(entities, Iterable):
        raise ArgumentTypeError("entities", "an iterable of Entity records", entities)
    given = tuple(entities)
    for entity in given:
        if not isinstance(entity, Entity):
            raise ArgumentTypeError("entities", "Entity records", entity)
    return given


_LINKERS: dict[str, Linker] = {}

_LETTER_OR_DIGIT = re.compile(r"[^\W_]")


def _ambiguity(value: Ambiguity | str) -> Ambiguity:
    """``value`` as an ambiguity class, or an `InvalidArgumentError` naming the classes."""
    try:
        return Ambiguity(value)
    except ValueError:
        choices = [a.value for a in Ambiguity]
        shown = value if not isinstance(value, str) or len(value) <= 80 else value[:77] + "..."
        raise InvalidArgumentError(
            "ambiguity", f"unknown ambiguity {shown!r}; expected one of {', '.join(choices)}", choices
        ) from None
