"""Name keys: how ``Report.entity(name)`` tolerates case, diacritics and transliteration.

`name_key` maps the ways people write a Kazakh or Russian name in Latin
or Cyrillic letters onto one key, so that "Bokaev", "BOKAYEV" and "Бокаев"
meet.  It is deliberately coarse: it is used to look names up, never to
decide what a text says.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping
from types import MappingProxyType
from typing import TYPE_CHECKING

from . import _chars
from .records import Alias, AliasForm

if TYPE_CHECKING:
    from .records import Entity

__all__ = ["default_forms", "entity_names", "name_key", "warn_bare_id"]

_NOT_ALNUM = re.compile(r"[^\w]+|_")
# spelling variants of the same sounds, applied in this order; each with a
# string every match contains, so that a key without it skips the expression
_VARIANTS = (
    (re.compile(r"kh"), "h", "kh"),
    (re.compile(r"q"), "k", "q"),
    (re.compile(r"zh|dzh"), "j", "zh"),
    (re.compile(r"(?<=[aeiou])y(?=e)"), "", "ye"),  # Tokayev, Tokaev
    (re.compile(r"\bye"), "e", "ye"),  # Yerlan, Erlan
    (re.compile(r"y"), "i", "y"),
    (re.compile(r"(\w)\1+"), r"\1", ""),  # Kassym, Kasym; Gussarova, Gusarova
)
# names longer than this are keyed but never cached: a cache keyed by what
# users type must not keep their longest inputs alive
_CACHED_LENGTH = 100


def name_key(name: str) -> str:
    """Return the look-up key of a name.

    Examples:
        >>> name_key("Max Bokayev") == name_key("max bokaev")
        True
        >>> name_key("Bokayev") == name_key("BOKAEV") == name_key("Бокаев")
        True
        >>> name_key("Kassym-Jomart Tokayev") == name_key("Касым-Жомарт Токаев")
        True
    """
    if not _chars.cacheable(name, _CACHED_LENGTH):
        return _name_key(name)
    return _cached_name_key(name)


def entity_names(entities: Iterable[Entity]) -> Mapping[str, Entity]:
    """Return the entities by the name key of each one's id, name and aliases.

    This is the look-up both ``Report.entity`` and search's entity layer
    use; where two entities share a key, the first one listed keeps it.
    """
    names: dict[str, Entity] = {}
    for entity in entities:
        for form in (entity.id, entity.name, *entity.aliases):
            names.setdefault(name_key(form), entity)
    return MappingProxyType(names)


def _name_key(name: str) -> str:
    # NFC first, so that NFD and NFC spell one name; transliterate before
    # decomposing: NFKD would split й into и and a breve
    latin = _chars.transliterate(_chars.canonical(name.casefold()))
    # apostrophes first: NFKD would split ´ into a space and an accent
    plain = _chars.strip_diacritics(_chars.fold_apostrophes(latin).replace("'", ""))
    key = " ".join(_NOT_ALNUM.sub(" ", plain).split())
    for pattern, replacement, needle in _VARIANTS:
        if needle in key:
            key = pattern.sub(replacement, key)
    return key


_cached_name_key = functools.lru_cache(maxsize=16384)(_name_key)


def _script_language(text: str) -> str | None:
    """The language a form's letters show (see `Alias.language`)."""
    if any("\u0400" <= char <= "\u04ff" for char in text):
        return "kk" if any(char in _KAZAKH_LETTERS for char in text.lower()) else "ru"
    return None


_KAZAKH_LETTERS = frozenset("әғқңөұүһі")


def _form_of(alias: str, before: set[str]) -> AliasForm:
    """The kind of an alias written in the registry, read from its letters.

    An acronym is one word in capitals (dots allowed: "U.N.") of at most
    eight letters; a transliteration spells a form listed before it (the
    name or an earlier alias) in other letters: "Tokaev" after "Tokayev",
    "Токаев", "Nursultan Nazarbaev" (the same look-up key, as
    `kzrights._names.name_key` gives); any other is an alias.
    """
    letters = [char for char in alias if char.isalpha()]
    if letters and all(char.isupper() for char in letters) and len(letters) <= 8 and " " not in alias:
        return AliasForm.ACRONYM
    if name_key(alias) in before:
        return AliasForm.TRANSLITERATION
    return AliasForm.ALIAS


def default_forms(name: str, aliases: tuple[str, ...]) -> tuple[Alias, ...]:
    """The forms of an entity that a release gives no classes for: every one ``safe``.

    Releases before 1.2.0 (and entities a user builds without ``forms``)
    store only the name and the alias strings; the loader derives their
    forms so: the name as ``name``, each alias as an ``acronym``,
    ``transliteration`` or ``alias`` by its letters (`_form_of`), all of them
    ``safe``, none generated.  So such a release links as it always did.
    A release from 1.2.0 stores an entity's forms only where they differ
    from these, so this derivation is part of the release layout: never
    change what it gives.
    """
    forms = [Alias(name, AliasForm.NAME, language=_script_language(name))]
    before = {name_key(name)}
    for alias in aliases:
        if alias != name:
            forms.append(Alias(alias, _form_of(alias, before), language=_script_language(alias)))
            before.add(name_key(alias))
    return tuple(forms)


def warn_bare_id(name: str) -> None:
    """Warn that ``name`` was taken as a bare entity id, at the first caller outside kzrights."""
    import os
    import sys
    import warnings

    package = os.path.dirname(os.path.abspath(__file__)) + os.sep
    level, frame = 1, sys._getframe(0)
    # entity(), mentions_of() and search(entity=...) call this: the warning points at the user's call
    while frame is not None and os.path.abspath(frame.f_code.co_filename).startswith(package):
        level, frame = level + 1, frame.f_back  # type: ignore[assignment]
    shown = name if len(name) <= 80 else name[:77] + "..."
    warnings.warn(
        f"a bare entity id is deprecated: write 'entities.{shown}', not {shown!r} "
        "(a later release reads it as a name only)",
        DeprecationWarning,
        stacklevel=level,
    )
