"""The [`Report`][kzrights.report.Report]: one data release of the report, ready to browse."""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping, Sequence
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, ClassVar

import attrs

from ._document import ADDRESSABLE_PARTS, PARTS, TEXT_PARTS
from ._locking import FIRST_USE, first_use
from .errors import (
    AmbiguousNameError,
    ArgumentTypeError,
    InputTooLongError,
    InvalidArgumentError,
    UnknownIdError,
    UnknownSdgTargetError,
    _with_article,
)
from .records import (
    Addressee,
    Alias,
    Ambiguity,
    Entity,
    Figure,
    Footnote,
    Item,
    LinkingRules,
    Mention,
    Metadata,
    Paragraph,
    Recommendation,
    Record,
    SdgGoal,
    SdgTarget,
    Section,
    Source,
    Theme,
    _Record,
)

if TYPE_CHECKING:
    from ._document import ReleaseDocument
    from ._linking import Engine
    from ._provenance import SourceMap
    from .search.index import Hit
    from .search.locate import Location, Locator
    from .search.quotes import QuoteCheck, QuoteChecker
    from .search.related import KwicLine, Related

__all__ = ["Report"]

# far beyond any real name, and short enough that no look-up takes long
# whatever the text (docs/benchmarks.md measures the worst cases); the limits
# of search, locate and concordance are the search package's, which checks them
MAX_NAME_LENGTH = 1_000
"""The longest name `Report.entity` (and `Report.mentions_of`) takes, in characters."""

Addressable = Record | Section | Entity | Theme | Figure | Source | SdgGoal | SdgTarget

# how recommendations_for_sdg reads a goal or target: "16", "16.10", "5.c",
# with or without the "sdg." of their ids (written once, for the error too)
SDG_FORMS = "'16.10' or 'sdg.16.10' for a target, '16' or 'sdg.16' for a goal"
# how get reads one: an id, which starts "sdg."
_SDG_ID_FORMS = "'sdg.16.10' for a target, 'sdg.16' for a goal"

# The one rule for an SDG goal or target as a user types it.  The ids are
# lower case ("sdg.5.c", as the UN writes target 5.c), and whatever the case
# and the spaces around it, and whether "sdg" is followed by a dot, a space or
# nothing ("SDG 16.10", as reports write it), a code names the same id.
# re compiles it on first use and keeps it in its cache: compiled here, it
# cost every first load() (which imports this module) a sixth of a
# millisecond, for the few processes that read an SDG code a user typed.
_SDG_PREFIX = r"sdg[\s.]*"


def _sdg_prefix(text: str) -> re.Match[str] | None:
    """Match the ``sdg`` prefix an SDG code may start with, in any case, with its dots and spaces."""
    return re.match(_SDG_PREFIX, text, re.IGNORECASE)


def _sdg_id(code: str) -> str:
    """The id an SDG goal or target stands for, as a user types it: ``" SDG 5.C"`` is ``"sdg.5.c"``."""
    code = code.strip().lower()
    prefix = _sdg_prefix(code)
    return "sdg." + code[prefix.end() :] if prefix else f"sdg.{code}"


# the search package's limits, still importable from here as they always were
_SEARCH_LIMITS = {
    "MAX_QUERY_LENGTH": "index",
    "MAX_QUOTE_LENGTH": "locate",
    "MAX_TERM_LENGTH": "related",
}


def __getattr__(name: str) -> Any:
    module = _SEARCH_LIMITS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    _import_tools()
    import importlib

    value: int = getattr(importlib.import_module(f"{__package__}.search.{module}"), name)
    return value


# the key, in the caches of a Report that kzrights.releases loaded, of the
# function that reads its release's derived files: (name, format) → payload or None
DERIVED_READER = "derived files"


@first_use
def _import_tools() -> None:
    """Import what the Report's tools run, once per process, under the first-use lock.

    Every tool (search, locate, check_quote, concordance, related, entity,
    mentions_of, source_of) calls it first.  The search package's modules
    import one another: threads that each imported a different one first
    would deadlock on Python's import locks; and an import in progress in
    one thread while another forks leaves the child a module lock that no
    thread of its own will release (see `kzrights._locking`).
    """
    from . import _linking, _names, _provenance  # noqa: F401
    from .search import _derived, index, locate, quotes, related  # noqa: F401


@attrs.frozen(repr=False, eq=False)
class Report(_Record):
    """One data release of the report.

    Get one with [`kzrights.load`][kzrights.releases.load]; every field is immutable, and the
    same object is shared by every caller that loads the same release.  Two
    reports are equal when they hold the same release data.

    Threads may share a report: each index a tool builds on first use is
    built once, by one thread.  A report pickles and deep-copies; a shipped
    release pickles as its version, and comes back as the object
    [`kzrights.load`][kzrights.releases.load] returns in the receiving process.

    Attributes:
        version: The data release, e.g. ``"1.0.0"``.
        metadata: Title, authors, date, publisher, rights and citation.
        source_text: The source text, exactly as captured; every ``span``
            indexes into it.
        sections: The conclusions, the recommendations and the footnotes.
        paragraphs: Every paragraph, in reading order.
        items: Every list item (the decree areas), in reading order.
        recommendations: The 15 recommendations, in reading order.
        footnotes: The 12 footnotes, by number.
        entities: The entity registry (from release 1.1.0), by id.
        mentions: Every mention of an entity in the text records, in
            reading order (from release 1.1.0).
        themes: The nine areas of the President's decree and the editorial
            themes (from release 1.1.0).
        figures: The report's numbers, typed (from release 1.1.0).
        sources: The distinct sources the footnotes cite (from release 1.1.0).
        linking: The curated evidence of the linking rules, one record
            (from release 1.2.0; empty before, when every form is ``safe``).
        sdg_goals: The 17 Sustainable Development Goals, ids ``sdg.1`` …
            ``sdg.17`` (from release 1.3.0).
        sdg_targets: Their 169 targets, ids such as ``sdg.16.10``, in the
            UN's wording (from release 1.3.0).
    """

    PARTS: ClassVar[tuple[str, ...]] = PARTS
    """The names of a release's parts (``"sections"`` … ``"sources"``), in the release file's order."""

    version: str
    metadata: Metadata
    # not compared: metadata.source_sha256 pins it
    source_text: str = attrs.field(eq=False)
    sections: tuple[Section, ...]
    paragraphs: tuple[Paragraph, ...]
    items: tuple[Item, ...]
    recommendations: tuple[Recommendation, ...]
    footnotes: tuple[Footnote, ...]
    entities: tuple[Entity, ...] = ()
    mentions: tuple[Mention, ...] = ()
    themes: tuple[Theme, ...] = ()
    figures: tuple[Figure, ...] = ()
    sources: tuple[Source, ...] = ()
    linking: tuple[LinkingRules, ...] = ()
    sdg_goals: tuple[SdgGoal, ...] = ()
    sdg_targets: tuple[SdgTarget, ...] = ()
    # derived from the fields above in __attrs_post_init__: comparing them would
    # compare the same data twice (and the caches, which differ by use)
    _records: tuple[Record, ...] = attrs.field(init=False, eq=False)
    _index: Mapping[str, Addressable] = attrs.field(init=False, eq=False)
    _names: Mapping[str, Entity] | None = attrs.field(init=False, eq=False)
    # indexes built on first use (search, quotations); private, never data
    _caches: dict[str, Any] = attrs.field(init=False, eq=False, factory=dict)

    def __attrs_post_init__(self) -> None:
        text_records: list[Record] = [r for name in TEXT_PARTS for r in getattr(self, name)]
        text_records.sort(key=lambda r: r.span.start)
        # every id get() resolves: the text records in reading order, where
        # their parts stand among the others (sections first)
        index: dict[str, Addressable] = {}
        for name in ADDRESSABLE_PARTS:
            if name not in TEXT_PARTS:
                index.update((member.id, member) for member in getattr(self, name))
            elif name == TEXT_PARTS[0]:
                index.update((r.id, r) for r in text_records)
        object.__setattr__(self, "_records", tuple(text_records))
        object.__setattr__(self, "_index", MappingProxyType(index))
        object.__setattr__(self, "_names", None)
        object.__setattr__(self, "_caches", {})

    def __repr__(self) -> str:
        # the text parts always; the others (but the sections, which every
        # release has) when the release has them
        counts = [
            f"{len(getattr(self, name))} {name}"
            for name in ADDRESSABLE_PARTS
            if name in TEXT_PARTS or (name != "sections" and getattr(self, name))
        ]
        return f"<Report {self.version}: {', '.join(counts)}>"

    def __reduce__(self) -> tuple[Any, ...]:
        # A shipped release pickles as its version alone: the receiving process
        # loads (and checks) it from its own installation, and gets the one
        # object per release that load() promises.  Any other Report pickles its
        # data fields; the indexes built from them are rebuilt, never carried.
        from . import releases

        if releases._is_loaded(self):
            return (releases.load, (self.version,))
        fields = attrs.fields(Report)
        return (Report, tuple(getattr(self, f.name) for f in fields if f.init))

    def _repr_html_(self) -> str:
        with FIRST_USE:  # a fork() waits for this first import (see kzrights._locking)
            from ._display import report_html

        return report_html(self)

    def to_dataframes(self) -> dict[str, Any]:
        """Return the report's tables as pandas DataFrames, keyed by table name.

        The tables are those of every tabular export (CSV, SQLite, JSON
        Lines, Parquet, XLSX), with the same names, columns and rows.
        Columns have pandas' nullable dtypes: text is ``string``, whole
        numbers ``Int64``, other numbers ``Float64``, dates ``datetime64[ns]``;
        a column whose cells hold several values (an entity's aliases, the
        report's authors) holds Python lists (``object``).

        Needs the optional extra: ``pip install 'kzrights[pandas]'``.

        Examples:
            >>> import kzrights
            >>> frames = kzrights.load("1.1.0").to_dataframes()
            >>> frames["recommendations"].shape
            (15, 9)
            >>> str(frames["recommendations"]["number"].dtype)
            'Int64'

        Returns:
            A dict from table name to DataFrame, in the tables' order.

        Raises:
            ImportError: If pandas is not installed; the message names the extra.
        """
        # a façade kept for users (docs/versioning.md); the work is the export
        # layer's, and this is the one import of a layer above, named in
        # pyproject.toml's import-linter contract; under the first-use lock, which a
        # fork() in another thread waits for (see kzrights._locking)
        with FIRST_USE:
            from .exports.frames import to_dataframes

        return to_dataframes(self)

    def records(self) -> tuple[Record, ...]:
        """Return every text record (paragraph, item, recommendation, footnote) in reading order.

        Examples:
            >>> import kzrights
            >>> [r.kind for r in kzrights.load("1.0.0").records()][:3]
            ['paragraph', 'paragraph', 'paragraph']
        """
        return self._records

    def ids(self) -> tuple[str, ...]:
        """Return every id `get` resolves: sections, then text records in reading order."""
        return tuple(self._index)

    def get(self, id: str) -> Addressable:
        """Return the record or section with this id.

        Ids are matched exactly, except an SDG goal's or target's: those are
        lower case (``"sdg.5.c"``), and are found whatever the case and the
        spaces around them (``"SDG.5.C"``, ``"SDG 16.10"``), as
        [`recommendations_for_sdg`][kzrights.report.Report.recommendations_for_sdg]
        finds them.

        Args:
            id: A record id such as ``"recommendations.government.7"``, a
                section id such as ``"footnotes"``, or an SDG goal or target
                such as ``"sdg.16.10"``.

        Raises:
            TypeError: If ``id`` is not a string.
            UnknownIdError: If no record has this id; the error names the
                closest ids.  For an id that starts ``sdg``, an
                [`UnknownSdgTargetError`][kzrights.errors.UnknownSdgTargetError]
                (a kind of `UnknownIdError`) naming the closest goals and targets.

        Examples:
            >>> import kzrights
            >>> kzrights.load("1.0.0").get("footnotes.3").ibid_of
            'footnotes.2'
            >>> kzrights.load("1.3.0").get("SDG 5.C").id
            'sdg.5.c'
        """
        if not isinstance(id, str):
            raise ArgumentTypeError("id", "a str", id)
        found = self._index.get(id)
        if found is not None:
            return found
        if _sdg_prefix(id.strip()):
            return self._sdg(id, _SDG_ID_FORMS)
        raise UnknownIdError(id, self._index)

    def _sdg(self, code: str, forms: str) -> SdgGoal | SdgTarget:
        """The SDG goal or target ``code`` stands for (``_sdg_id``), or the error naming the closest."""
        if len(code) > MAX_NAME_LENGTH:
            raise InputTooLongError("target", len(code), MAX_NAME_LENGTH)
        found = self._index.get(_sdg_id(code))
        if isinstance(found, (SdgGoal, SdgTarget)):
            return found
        known = [t.id for t in self.sdg_targets] + [g.id for g in self.sdg_goals]
        raise UnknownSdgTargetError(code, known, forms, self.version, like=_sdg_id(code))

    def __contains__(self, id: object) -> bool:
        if not isinstance(id, str):
            return False
        if id in self._index:
            return True
        return bool(_sdg_prefix(id.strip())) and isinstance(
            self._index.get(_sdg_id(id)), (SdgGoal, SdgTarget)
        )

    def recommendations_to(self, addressee: Addressee | str) -> tuple[Recommendation, ...]:
        """Return the recommendations addressed to ``addressee``, in order.

        Args:
            addressee: An [`Addressee`][kzrights.records.Addressee] or its value
                (``"government"`` or ``"international"``).

        Raises:
            InvalidArgumentError: If ``addressee`` is not one of them (a ``ValueError``).
        """
        try:
            wanted = Addressee(addressee)
        except ValueError:
            choices = [a.value for a in Addressee]
            shown = ", ".join(repr(a) for a in choices)
            raise InvalidArgumentError(
                "addressee", f"unknown addressee {addressee!r}; expected one of {shown}", choices
            ) from None
        return tuple(r for r in self.recommendations if r.addressee is wanted)

    def recommendation(self, addressee: Addressee | str, number: int) -> Recommendation:
        """Return recommendation ``number`` to ``addressee``, typed as a Recommendation.

        Examples:
            >>> import kzrights
            >>> kzrights.load("1.0.0").recommendation("international", 1).text[:30]
            'Raise systemic problems and in'

        Raises:
            InvalidArgumentError: If ``addressee`` is not a known addressee (a ``ValueError``).
            TypeError: If ``number`` is not an int.
            UnknownIdError: If that addressee has no recommendation ``number``.
        """
        if type(number) is not int:
            raise ArgumentTypeError("number", "an int", number)
        wanted = self.recommendations_to(addressee)
        for rec in wanted:
            if rec.number == number:
                return rec
        raise _no_number(f"recommendations.{Addressee(addressee).value}", number, [r.number for r in wanted])

    def footnote(self, number: int) -> Footnote:
        """Return footnote ``number``, typed as a Footnote.

        Examples:
            >>> import kzrights
            >>> kzrights.load("1.0.0").footnote(3).ibid_of
            'footnotes.2'

        Raises:
            TypeError: If ``number`` is not an int.
            UnknownIdError: If there is no such footnote.
        """
        if type(number) is not int:
            raise ArgumentTypeError("number", "an int", number)
        for note in self.footnotes:
            if note.number == number:
                return note
        raise _no_number("footnotes", number, [f.number for f in self.footnotes])

    def entity(self, name: str, *, unambiguous_only: bool = False) -> Entity:
        """Return the entity with this id (in full: ``entities.ebrd``), or the one `annotate` links it to.

        A name is looked up as [`annotate`][kzrights.annotation.annotate]
        would link it in a text holding the name alone, by the same engine
        and rules (see [`Linker`][kzrights.linker.Linker]): the entity is
        returned only when annotating ``name`` gives one mention covering
        the whole name (whitespace and invisible characters around it
        aside).  So the look-up takes what annotate takes (any apostrophe
        or dash, invisible characters, any Unicode normal form, Cyrillic and
        the registered transliterations, from release 1.2.0 the Russian and
        Kazakh case forms, a name of several words in any case) and nothing
        more: a single word in lower case ("tokayev"), a name broken by
        punctuation ("Maks, Bokaev"), a given name before another person's
        surname, or an essay's name ("Essay by ...": an essay is found by
        its id) is not a name annotate links, and raises.  With ``unambiguous_only`` the name is linked as
        ``annotate(..., unambiguous_only=True)`` would link it.

        An id is taken in full only (``"entities.parliament"``).  A bare id
        (``"parliament"``, without ``entities.``) is deprecated: it is read as
        a name first, like any other text, and only where annotate links no
        entity to it does it still find the entity of that id, with a
        ``DeprecationWarning`` saying to write ``entities.<id>``; a later
        release will read it as a name alone.

        Examples:
            >>> import kzrights
            >>> report = kzrights.load("1.1.0")
            >>> report.entity("Bokaev").name
            'Max Bokayev'
            >>> report.entity("Бокаев") is report.entity("entities.max-bokayev")
            True
            >>> import warnings
            >>> with warnings.catch_warnings(record=True) as caught:
            ...     warnings.simplefilter("always")
            ...     print(report.entity("max-bokayev").name, "-", caught[0].category.__name__)
            Max Bokayev - DeprecationWarning
            >>> try:
            ...     kzrights.load("1.2.0").entity("Parliament", unambiguous_only=True)
            ... except kzrights.AmbiguousNameError as error:
            ...     print(error.reason)
            a context form: it names the entity only where the text points to Kazakhstan

        Raises:
            ArgumentTypeError: If ``name`` is not a string, or
                ``unambiguous_only`` not a bool (a ``TypeError``).
            InputTooLongError: If ``name`` is longer than
                `MAX_NAME_LENGTH` (1,000) characters.
            UnsupportedReleaseError: If the release has no entity registry
                (1.0.0), as `annotate` says.
            UnknownIdError: If annotating the name alone links no entity to
                the whole of it; the error names the closest names.
            AmbiguousNameError: If it is not linked because it needs evidence
                a name alone cannot give: a form of several entities (a
                generated inflected form that is another entity's name), or
                a form that links only with context ("Parliament", "Hug";
                the error's ``reason`` says which).
            DataIntegrityError: If the release's registry is one the linker
                refuses (two entities' curated forms that are one surface
                form, in a tampered release that `load` takes and
                `verify` refuses), naming the JSON path of both forms.

        Warns:
            DeprecationWarning: If ``name`` is a bare id (``"max-bokayev"``)
                that annotate does not link as a name: write ``entities.<id>``.
        """
        found, bare = self._entity(name, unambiguous_only=unambiguous_only)
        if bare:
            from ._names import warn_bare_id

            warn_bare_id(name)
        return found

    def _entity(
        self, name: str, *, unambiguous_only: bool = False, argument: str = "name"
    ) -> tuple[Entity, bool]:
        """What `entity` returns, and whether it was found by a bare id (deprecated), without warning.

        The command line and the assistant server resolve names through this:
        they take bare ids this release, with no warning a user cannot act on.
        ``argument`` is the name the caller's user gave the name under
        (``search(entity=...)``, ``mentions_of(entity)``): the errors name it so.
        """
        if type(name) is not str:
            # a str subclass's own __len__ is never trusted; imported here, since a
            # first load that never looks up a name needs none of the character rules
            from ._chars import plain_str

            name = plain_str(name, argument)
        if unambiguous_only is not True and unambiguous_only is not False:  # "no" would be true
            raise ArgumentTypeError("unambiguous_only", "True or False", unambiguous_only)
        if len(name) > MAX_NAME_LENGTH:
            raise InputTooLongError(argument, len(name), MAX_NAME_LENGTH)
        if not self.entities:
            # annotate's words (Linker.from_release): every way to an entity says the same
            from .errors import UnsupportedReleaseError

            raise UnsupportedReleaseError(self.version, "has no entity registry (added in release 1.1.0)")
        found = self._index.get(name)
        if isinstance(found, Entity):
            return found, False
        _import_tools()
        from ._chars import is_invisible

        # the name itself: whitespace and invisible characters around it are not part of it
        first, last = 0, len(name)
        while first < last and (name[first].isspace() or is_invisible(name[first])):
            first += 1
        while last > first and (name[last - 1].isspace() or is_invisible(name[last - 1])):
            last -= 1
        if first < last and self.entities:
            # what annotate() links in the name alone, by the same engine and rules
            mentions = self._linking_engine().link(name, unambiguous_only=unambiguous_only)
            if len(mentions) == 1 and (mentions[0].start, mentions[0].end) == (first, last):
                linked = self._index.get(mentions[0].entity_id)
                if isinstance(linked, Entity):
                    return linked, False
        # deprecated: an id without its prefix, exactly, where no name links
        bare = self._index.get(f"entities.{name}")
        if isinstance(bare, Entity):
            return bare, True
        raise self._not_linked(name, unambiguous_only=unambiguous_only)

    def _linking_engine(self) -> Engine:
        """The linking engine of this report's registry and rules, built on first use.

        `Report.entity`, `Linker.from_release` (so `annotate`) and the
        command line all link with it.

        Raises:
            DataIntegrityError: If the release's registry is one the linker
                refuses (two entities' curated forms that are one surface
                form), naming the JSON path of both: `load` does not build the
                linker, `verify` checks this too (`kzrights._linking.check_registry`).
        """

        def build(report: Report) -> Engine:
            from ._layout import DOCUMENT_FILE, RELEASES_FOLDER
            from ._linking import release_engine

            return release_engine(
                report.entities,
                report.linking[0] if report.linking else None,
                version=report.version,
                file=f"{RELEASES_FOLDER}/{report.version}/{DOCUMENT_FILE}",
            )

        engine: Engine = self._cached("linking engine", build)
        return engine

    def _not_linked(self, name: str, *, unambiguous_only: bool) -> LookupError:
        """The error `entity` raises for a name annotate would not link whole: why, where it can tell.

        A name whose look-up key (`kzrights._names.name_key`) is a form of
        several entities is ambiguous; one whose every form so keyed needs
        evidence (a context form such as "Parliament", a surname that is an
        English word) is ambiguous for want of a text; any other is unknown.
        """
        from ._names import name_key

        senses = self._form_index().get(name_key(name), ())
        if not senses:
            # a given name before a surname form of the same person, as annotate reads it
            from ._linking import whole_name_senses

            rules = self.linking[0] if self.linking else LinkingRules()
            senses = whole_name_senses(name, self._form_index(), self.entities, rules)
        owners = tuple(dict.fromkeys(owner.id for owner, _ in senses))
        if len(owners) > 1:
            return AmbiguousNameError(name, owners, "a form of several entities")
        if senses and all(form.ambiguity is not Ambiguity.SAFE for _, form in senses):
            why = senses[0][1].ambiguity.value
            return AmbiguousNameError(
                name,
                owners,
                f"{_with_article(why)} form: it names the entity only where the text points to Kazakhstan"
                if why == "context"
                else f"{_with_article(why)} form: it names the entity only with evidence in a text",
            )
        from ._linking import is_essay

        # an essay is never linked by its name ("Essay by ..."): suggest its id, which finds it
        known = [e.id if is_essay(e) else e.name for e in self.entities]
        known += [a for e in self.entities if not is_essay(e) for a in e.aliases]
        return UnknownIdError(name, known, what="entity")

    def _form_index(self) -> Mapping[str, tuple[tuple[Entity, Alias], ...]]:
        """Every form of every entity by its name key (`Entity.forms`), built on first use."""
        forms = self._caches.get("forms")
        if forms is None:
            from ._names import name_key

            with FIRST_USE:
                index: dict[str, list[tuple[Entity, Alias]]] = {}
                for entity in self.entities:
                    for form in entity.forms:
                        index.setdefault(name_key(form.text), []).append((entity, form))
                forms = MappingProxyType({key: tuple(value) for key, value in index.items()})
                self._caches["forms"] = forms
        return forms  # type: ignore[no-any-return,unused-ignore]

    def _name_index(self) -> Mapping[str, Entity]:
        names = self._names
        if names is None:
            _import_tools()
            with FIRST_USE:
                names = self._names
                if names is None:
                    from ._names import entity_names
                    from .search._derived import read

                    # computed by the build where the release's derived search data fits
                    derived = read(self)
                    names = derived.names if derived is not None else entity_names(self.entities)
                    object.__setattr__(self, "_names", names)
        return names

    def recommendations_on(self, theme: str) -> tuple[Recommendation, ...]:
        """Return the recommendations linked to a theme, by its id.

        Raises:
            ArgumentTypeError: If ``theme`` is not a string (a ``TypeError``).
            UnknownIdError: If no theme has this id (another record's id
                included); the error names the closest theme ids.
        """
        if not isinstance(theme, str):
            raise ArgumentTypeError("theme", "a str (a theme id)", theme)
        found = self._index.get(theme)
        if not isinstance(found, Theme):
            raise UnknownIdError(theme, [t.id for t in self.themes], what="theme")
        return tuple(r for r in self.recommendations if found.id in r.theme_ids)

    def recommendations_for_sdg(self, target: str) -> tuple[Recommendation, ...]:
        """Return the recommendations linked to an SDG target, or to any target of an SDG goal.

        Leading and trailing spaces and the ``sdg.`` prefix of the ids do not
        matter, nor the case (``5.C`` and ``SDG 5.c`` are ``sdg.5.c``): the
        same rule as [`get`][kzrights.report.Report.get]'s for SDG ids.

        Examples:
            >>> import kzrights
            >>> report = kzrights.load("1.3.0")
            >>> [r.id for r in report.recommendations_for_sdg("16.5")]
            ['recommendations.international.2']
            >>> report.recommendations_for_sdg("sdg.5") == report.recommendations_for_sdg(" 5.2 ")
            True

        Args:
            target: A target such as ``"16.10"`` or ``"sdg.16.10"``, or a goal
                such as ``"16"`` or ``"sdg.16"``.

        Returns:
            The recommendations with a link to that target (or to a target of
            that goal), in reading order; an empty tuple if none serves it.

        Raises:
            TypeError: If ``target`` is not a string.
            UnknownSdgTargetError: If ``target`` is no goal or target there
                is (or the release has no SDG layer: it came with 1.3.0);
                the message names the forms it takes and the closest ids.
        """
        if not isinstance(target, str):
            raise ArgumentTypeError("target", "a str", target)
        found = self._sdg(target, SDG_FORMS)
        wanted = frozenset(found.target_ids) if isinstance(found, SdgGoal) else frozenset((found.id,))
        return tuple(r for r in self.recommendations if not wanted.isdisjoint(r.sdg_target_ids))

    def mentions_of(self, entity: str) -> tuple[Mention, ...]:
        """Return every mention in the report of an entity, given by id, name or alias.

        Raises:
            ArgumentTypeError: If ``entity`` is not a string (a ``TypeError``).
            UnsupportedReleaseError: If the release has no entity registry (1.0.0).
            UnknownIdError: If no entity has this id, name or alias.
        """
        found, bare = self._entity(entity, argument="entity")
        if bare:
            from ._names import warn_bare_id

            warn_bare_id(entity)
        wanted = found.id
        return tuple(m for m in self.mentions if m.entity_id == wanted)

    def _cached(self, name: str, build: Any) -> Any:
        """Return the index ``name``, built by ``build(self)`` once, on first use, by one thread."""
        cache = self._caches
        value = cache.get(name)
        if value is None:
            with FIRST_USE:
                value = cache.get(name)
                if value is None:
                    value = cache[name] = build(self)
        return value

    def _derived_file(self, name: str, format: int) -> bytes | None:
        """Return the payload of a derived file of this release, or None: then the tool computes it.

        Only a report that [`kzrights.load`][kzrights.releases.load] (or a
        `ReleaseStore`) read has derived files, and only while they match
        the release (see `kzrights.releases.ReleaseStore.derived`); a report
        built, copied or unpickled otherwise has none.
        """
        reader = self._caches.get(DERIVED_READER)
        return None if reader is None else reader(name, format)

    def _source_map(self, record_id: str) -> SourceMap:
        """Return where each character of a text record's ``text`` stands in the source.

        Made once per record, on first use, by one thread; quotations and
        exports share it.

        Raises:
            UnknownIdError: If no record has this id.
            InvalidArgumentError: If ``record_id`` is not a text record's.
        """
        maps: dict[str, SourceMap] = self._cached("source_maps", lambda _: {})
        found = maps.get(record_id)
        if found is None:
            record = self.get(record_id)
            if not isinstance(record, (Paragraph, Item, Recommendation, Footnote)):
                raise InvalidArgumentError("id", f"{record_id} is not a text record")
            _import_tools()
            from ._provenance import SourceMap

            with FIRST_USE:
                found = maps.get(record_id)
                if found is None:
                    found = maps[record_id] = SourceMap.of(self.source_text, record.span)
        return found

    def search(
        self,
        query: str,
        *,
        kinds: str | Collection[str] | None = None,
        limit: int = 10,
        addressee: Addressee | str | None = None,
        theme: str | None = None,
        entity: str | None = None,
        section: str | None = None,
    ) -> list[Hit]:
        """Search the text records and the entities, best matches first.

        Words are ranked with BM25 over stemmed, normalised terms: case,
        quote marks, possessives, diacritics, hyphens and British or
        American spelling do not matter, and a name the entity layer knows
        matches however a record spells it ("Bokaev" finds Max Bokayev).
        Put an exact phrase in double quotes.

        Examples:
            >>> import kzrights
            >>> report = kzrights.load("1.1.0")
            >>> [hit.record.id for hit in report.search("kettling", kinds="recommendation")]
            ['recommendations.government.6']
            >>> hit = report.search('"golden visas"', kinds="paragraph")[0]
            >>> hit.record.id, [hit.snippet[start:end] for start, end in hit.highlights]
            ('conclusions.p27', ['golden visas', 'investor visas'])

        Args:
            query: Words, and phrases in double quotes.
            kinds: Keep only these kinds: "paragraph", "item",
                "recommendation", "footnote", "entity".
            limit: At most this many hits.
            addressee: Keep only recommendations to this addressee.
            theme: Keep only records linked to this theme (id, with or
                without the ``themes.`` prefix).
            entity: Keep only records that mention this entity (id, name or
                alias).
            section: Keep only records of this section.

        Returns:
            Hits with the record, its score, a snippet and the highlights in
            it.  A query whose words the report never uses gives an empty list.

        Raises:
            TypeError: If ``query`` is not a str, ``limit`` not an int, or
                ``kinds`` neither a str nor a collection.
            EmptyInputError: If ``query`` is blank: whitespace and invisible
                characters alone (an ``InputTooShortError``, so a ``ValueError``).
            InvalidArgumentError: If ``limit`` is below 1, ``kinds`` is empty,
                or a filter names no kind, addressee or section there is (a
                ``ValueError``).
            InputTooLongError: If ``query`` is longer than
                `MAX_QUERY_LENGTH` (10,000) characters.
            UnknownIdError: If ``theme`` or ``entity`` names none there is.
            UnsupportedReleaseError: If ``entity`` is given and the release
                has no entity registry (1.0.0).
        """
        _import_tools()
        from .search.index import SearchIndex

        index: SearchIndex = self._cached("search", SearchIndex)
        return index.query(
            query, kinds=kinds, limit=limit, addressee=addressee, theme=theme, entity=entity, section=section
        )

    def _locator(self) -> Locator:
        """The report's quotation index (built on first use)."""
        _import_tools()
        from .search.locate import Locator

        locator: Locator = self._cached("locate", Locator)
        return locator

    def locate(self, quote: str) -> Location | None:
        """Return where a quotation stands in the report, or ``None``.

        Quote marks, dashes, runs of whitespace and case do not matter.
        Where the quotation stands more than once, the occurrence closest to
        it as given wins (an exact one first).  It finds characters, not
        words: "dependent trade unions" is found inside "independent trade
        unions".  To know whether a writer quotes the report's words, use
        `check_quote`, which never calls such a cut ``exact``.

        Examples:
            >>> import kzrights
            >>> where = kzrights.load("1.0.0").locate("a 'listening state'")
            >>> where.record.id, where.text
            ('conclusions.p3', 'a ‘listening state’')

        Raises:
            TypeError: If ``quote`` is not a str.
            EmptyInputError: If ``quote`` is blank: whitespace and invisible
                characters alone (a ``ValueError``).
            InputTooLongError: If ``quote`` is longer than
                `MAX_QUOTE_LENGTH` (10,000) characters.
        """
        return self._locator().locate(quote)

    def locate_all(self, quote: str) -> list[Location]:
        """Return every place a quotation stands, in reading order (see `locate`).

        Raises:
            TypeError: If ``quote`` is not a str.
            EmptyInputError: If ``quote`` is blank: whitespace and invisible
                characters alone (a ``ValueError``).
            InputTooLongError: If ``quote`` is longer than
                `MAX_QUOTE_LENGTH` (10,000) characters.
        """
        return self._locator().locate_all(quote)

    def check_quote(self, quote: str) -> QuoteCheck:
        """Check a quotation against the report: exact, equivalent, altered or not found.

        Typography, case and spacing make it ``equivalent``; omitted, added or
        changed words make it ``altered``, each difference with its offsets
        in the quotation and in the record (words left out at an ellipsis are
        a marked omission, not an alteration); a quotation nothing in the
        report is close to is ``not found``, with the closest passages.  See
        [`QuoteCheck`][kzrights.search.quotes.QuoteCheck] and docs/how-to/check-a-quote.md.

        Examples:
            >>> import kzrights
            >>> check = kzrights.load("1.1.0").check_quote("Stop targeting NGOs with tax inspections")
            >>> check.verdict.value, check.location.record.id
            ('altered', 'recommendations.government.1')
            >>> [(d.kind.value, d.text) for d in check.differences]
            [('omitted', 'punitive')]

        Raises:
            TypeError: If ``quote`` is not a str.
            EmptyInputError: If ``quote`` is blank: whitespace and invisible
                characters alone (a ``ValueError``).
            InputTooLongError: If ``quote`` is longer than
                [`MAX_CHECK_LENGTH`][kzrights.search.quotes.MAX_CHECK_LENGTH]
                (4,000) characters: longer than any passage of two records.
            InputTooShortError: If ``quote`` has fewer than
                [`MIN_LETTERS`][kzrights.search.quotes.MIN_LETTERS] (2) letters
                and digits: one letter, marks and symbols alone, or a writer's note such as
                "[sic]", quote nothing.
        """
        locator = self._locator()
        checker: QuoteChecker = self._cached("quotes", lambda report: _quote_checker(report, locator))
        return checker.check(quote)

    def concordance(self, term: str, width: int = 40) -> list[KwicLine]:
        """Return every occurrence of a word or phrase with ``width`` characters of context each side.

        Matching is as in [`search`][kzrights.report.Report.search]: "protester" finds "protestors".

        Examples:
            >>> import kzrights
            >>> for line in kzrights.load("1.0.0").concordance("kettling", width=20)[:2]:
            ...     print(line.format(20))
                  in her essay ‘ kettling ’ is a police
                  fear of either kettling or arrest.

        Raises:
            TypeError: If ``term`` is not a str or ``width`` not an int.
            EmptyInputError: If ``term`` is blank: whitespace and invisible
                characters alone (a ``ValueError``).
            InvalidArgumentError: If ``width`` is not positive (a ``ValueError``).
            InputTooLongError: If ``term`` is longer than
                `MAX_TERM_LENGTH` (1,000) characters.
        """
        _import_tools()
        from .search.related import concordance, tokenised

        return concordance(self, term, width, records=self._cached("concordance", tokenised))

    def related(self, id: str) -> list[Related]:
        """Return the records related to a record or entity, closest first.

        Records are related when they share entities, themes or footnotes (or
        their sources), or when one is the evidence for the other.

        Raises:
            TypeError: If ``id`` is not a string.
            UnknownIdError: If no record or entity has this id.
            InvalidArgumentError: If ``id`` is a section's, a theme's, a figure's
                or a source's (a ``ValueError``).
        """
        _import_tools()
        from .search.related import related

        return related(self, id)

    def source_of(self, id: str) -> str:
        """Return the stretch of source text a record or section comes from, markers and all.

        Raises:
            TypeError: If ``id`` is not a string.
            UnknownIdError: If no record has this id.
            InvalidArgumentError: If ``id`` is an entity's, a theme's, a source's
                or an SDG goal's or target's (a ``ValueError``).
        """
        found = self.get(id)
        if isinstance(found, (Entity, Theme, Source, SdgGoal, SdgTarget)):
            raise InvalidArgumentError(
                "id", f"{id} is not one stretch of the source: see mentions_of() and links"
            )
        return found.span.slice(self.source_text)


def to_report(document: ReleaseDocument, *, version: str, source_text: str) -> Report:
    """Return the [`Report`][kzrights.report.Report] that ``document`` holds, as release ``version``.

    The inverse of `kzrights._converter.from_report`; the loader calls it once
    per release, after checking the files.
    """
    parts = {name: getattr(document, name) for name in PARTS}
    return Report(
        version=version,
        metadata=document.metadata,
        source_text=source_text,
        **parts,
    )


def _quote_checker(report: Report, locator: Locator) -> QuoteChecker:
    from .search.quotes import QuoteChecker

    return QuoteChecker(report, locator)


def _no_number(prefix: str, number: int, numbers: Sequence[int]) -> UnknownIdError:
    """The error for a ``number`` no record under ``prefix`` has, suggesting the nearest number there is.

    The ids suggested by spelling alone were misleading (``footnote(0)``
    suggested ``footnotes.10``); a number too long to print in full (Python
    refuses ints of over 4,300 digits) is named by its size.
    """
    shown = str(number) if abs(number) < 10**30 else f"<a number of {number.bit_length()} bits>"
    nearest = sorted(numbers, key=lambda n: (abs(n - number), n))[:1]
    return UnknownIdError(f"{prefix}.{shown}", [f"{prefix}.{n}" for n in nearest])
