"""The typed records of a data release.

Every record is a frozen, slotted attrs class that holds only immutable
values (strings, numbers, dates, tuples and other records), so the records
that [`kzrights.load`][kzrights.releases.load] caches can be shared safely: no caller can change
them.  The classes know nothing about JSON; `kzrights._converter` does all
(un)structuring.

Text records ([`Paragraph`][kzrights.records.Paragraph], [`Item`][kzrights.records.Item],
[`Recommendation`][kzrights.records.Recommendation],
[`Footnote`][kzrights.records.Footnote]) carry the report's words verbatim in ``text`` and a
[`Span`][kzrights.records.Span] into the shipped source text.  The source between the span's
offsets is the record's text, give or take the footnote markers (``[1]``) that
were taken out and the runs of padding whitespace that were folded into one
space.

Ids are stable across releases; see ``docs/data-dictionary.md`` for the scheme.
"""

import enum
import itertools
from typing import Any, ClassVar, NamedTuple, NoReturn, SupportsIndex, overload

import attrs

from ._compat import date
from ._locking import FIRST_USE

__all__ = [
    "Addressee",
    "Alias",
    "AliasForm",
    "Ambiguity",
    "Basis",
    "Entity",
    "EntityCategory",
    "Figure",
    "FigureKind",
    "Footnote",
    "FootnoteRef",
    "Item",
    "Link",
    "LinkingRules",
    "Mention",
    "MentionList",
    "Metadata",
    "Paragraph",
    "Recommendation",
    "Record",
    "Rights",
    "SdgGoal",
    "SdgTarget",
    "Section",
    "Source",
    "Span",
    "Theme",
    "Vocabulary",
]


def _fields(record: object) -> "tuple[attrs.Attribute[Any], ...]":
    # the tuple attrs keeps on the class, read directly: attrs.fields() checks
    # its argument on every call, and this runs on every comparison and hash
    fields: tuple[attrs.Attribute[Any], ...] = getattr(record.__class__, "__attrs_attrs__")  # noqa: B009
    return fields


class _Record:
    """What every record class shares: value equality, hashing, repr and notebook display.

    attrs would generate ``__eq__``, ``__hash__`` and ``__repr__`` for each
    class, compiling Python source as the class is created; for these
    classes that is most of what ``import kzrights`` costs.  The record
    classes are declared with ``eq=False, repr=False`` and inherit these
    generic methods instead, which behave as attrs' do: records are equal when
    they are of the same class with equal fields, and hash accordingly.
    A field declared with ``eq=False`` takes no part in equality or hashing,
    as with attrs: [`Report`][kzrights.report.Report] so leaves out its caches.
    """

    __slots__ = ()

    def _values(self) -> tuple[Any, ...]:
        # a list comprehension, not a generator: tuple() of a list is faster
        return tuple([getattr(self, field.name) for field in _fields(self) if field.eq])

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return self._values() == other._values()

    def __ne__(self, other: object) -> bool:
        # spelled out, as attrs does: the inherited one would call __eq__ and negate it
        if other.__class__ is not self.__class__:
            return NotImplemented
        return self._values() != other._values()

    def __hash__(self) -> int:
        return hash((self.__class__, self._values()))

    def __repr__(self) -> str:
        fields = ", ".join(f"{field.name}={getattr(self, field.name)!r}" for field in _fields(self))
        return f"{self.__class__.__name__}({fields})"

    def _repr_html_(self) -> str:
        """A compact HTML table of the record, for Jupyter."""
        with FIRST_USE:  # a fork() waits for this first import (see kzrights._locking)
            from ._display import record_html

        return record_html(self)


def _check_span_types(start: object, end: object) -> None:
    """Refuse a span offset that is no int (a float, a bool, a str) with a `RecordTypeError`."""
    for field, value in (("start", start), ("end", end)):
        if not isinstance(value, int) or isinstance(value, bool):
            from .errors import RecordTypeError, _type_name  # only paid for when a span is refused

            raise RecordTypeError(
                "span", field, value, f"must be an int (a character offset), not {_type_name(value)}"
            )


@attrs.frozen(eq=False, repr=False)
class Span(_Record):
    """Half-open character offsets ``[start, end)`` into a text.

    Offsets count Python ``str`` characters (code points) of the decoded
    UTF-8 text, not bytes.  Spans order by start, then end.
    """

    start: int
    end: int

    def __lt__(self, other: "Span") -> bool:
        if other.__class__ is not Span:
            return NotImplemented
        return (self.start, self.end) < (other.start, other.end)

    def __le__(self, other: "Span") -> bool:
        if other.__class__ is not Span:
            return NotImplemented
        return (self.start, self.end) <= (other.start, other.end)

    def __gt__(self, other: "Span") -> bool:
        if other.__class__ is not Span:
            return NotImplemented
        return (self.start, self.end) > (other.start, other.end)

    def __ge__(self, other: "Span") -> bool:
        if other.__class__ is not Span:
            return NotImplemented
        return (self.start, self.end) >= (other.start, other.end)

    def __attrs_post_init__(self) -> None:
        if type(self.start) is not int or type(self.end) is not int:
            _check_span_types(self.start, self.end)
        if not 0 <= self.start <= self.end:
            from .errors import InvalidRecordError  # only paid for when a span is refused

            if self.start < 0:
                raise InvalidRecordError("span", "start", self.start, "must be >= 0")
            raise InvalidRecordError("span", "end", self.end, f"is before its start {self.start}")

    def __len__(self) -> int:
        return self.end - self.start

    def slice(self, text: str) -> str:
        """Return the part of ``text`` this span covers.

        Examples:
            >>> Span(0, 4).slice("Kazakhstan")
            'Kaza'
        """
        return text[self.start : self.end]


class Addressee(str, enum.Enum):
    """Whom a recommendation is addressed to."""

    GOVERNMENT = "government"
    """The Government of Kazakhstan."""
    INTERNATIONAL = "international"
    """The international community."""

    @property
    def label(self) -> str:
        """The addressee as the report names it."""
        return _ADDRESSEE_LABELS[self]


_ADDRESSEE_LABELS = {
    Addressee.GOVERNMENT: "Government of Kazakhstan",
    Addressee.INTERNATIONAL: "international community",
}


@attrs.frozen(eq=False, repr=False)
class FootnoteRef(_Record):
    """A footnote marker such as ``[4]`` that a record's source text carries.

    Attributes:
        footnote_id: The id of the footnote cited.
        offset: Where the marker stood in the record's clean ``text``.
        source_span: Where the marker is in the source text.
    """

    footnote_id: str
    offset: int
    source_span: Span


class Basis(str, enum.Enum):
    """Whose words a link or a theme rests on."""

    EXPLICIT = "explicit"
    """The report's: its text names the area or makes the argument (the link has the span)."""
    EDITORIAL = "editorial"
    """A curator's judgement (the link has a one-line rationale)."""


@attrs.frozen(eq=False, repr=False)
class Link(_Record):
    """A link from a recommendation to a theme or to a paragraph of evidence.

    Attributes:
        target_id: The theme or paragraph linked to.
        basis: Whether the report's text makes the link, or a curator does.
        record_id: For an explicit link, the record whose words make it.
        span: For an explicit link, where those words are in the source.
        quote: For an explicit link, those words.
        rationale: For an editorial link, why the curator made it.
    """

    target_id: str
    basis: Basis
    record_id: str | None = None
    span: Span | None = None
    quote: str | None = None
    rationale: str | None = None


class _CitesFootnotes(_Record):
    """Adds ``footnote_ids`` to a record that has ``footnote_refs``."""

    __slots__ = ()
    footnote_refs: tuple[FootnoteRef, ...]

    @property
    def footnote_ids(self) -> tuple[str, ...]:
        """The ids of the footnotes this record cites, in order of first citation."""
        return tuple(dict.fromkeys(ref.footnote_id for ref in self.footnote_refs))


@attrs.frozen(eq=False, repr=False)
class Paragraph(_CitesFootnotes):
    """A paragraph of the report's body.

    Attributes:
        id: Stable id, e.g. ``"conclusions.p8"``.
        section_id: The section it belongs to.
        number: Its 1-based position within the section.
        text: The verbatim text, footnote markers removed.
        span: Where it is in the source text.
        footnote_refs: The footnote markers it carries, in order.
        item_ids: The ids of the list items it introduces, if any.
        entity_ids: The entities it mentions, in order of first mention
            (from release 1.1.0).
    """

    kind: ClassVar[str] = "paragraph"

    id: str
    section_id: str
    number: int
    text: str
    span: Span
    footnote_refs: tuple[FootnoteRef, ...] = ()
    item_ids: tuple[str, ...] = ()
    entity_ids: tuple[str, ...] = ()


@attrs.frozen(eq=False, repr=False)
class Item(_CitesFootnotes):
    """An item of a bulleted list inside a paragraph.

    The nine areas of the President's June 2021 decree are the items of
    paragraph ``conclusions.p8``.

    Attributes:
        id: Stable id, e.g. ``"conclusions.p8.i3"``.
        paragraph_id: The paragraph that introduces the list.
        number: Its 1-based position in the list.
        text: The verbatim text without the bullet, footnote markers removed.
        span: Where it is in the source text.
        footnote_refs: The footnote markers it carries, in order.
        entity_ids: The entities it mentions (from release 1.1.0).
    """

    kind: ClassVar[str] = "item"

    id: str
    paragraph_id: str
    number: int
    text: str
    span: Span
    footnote_refs: tuple[FootnoteRef, ...] = ()
    entity_ids: tuple[str, ...] = ()


@attrs.frozen(eq=False, repr=False)
class Recommendation(_CitesFootnotes):
    """One of the report's 15 recommendations.

    Attributes:
        id: Stable id, e.g. ``"recommendations.government.4"``.
        addressee: Whom it is addressed to.
        number: Its 1-based position among those to the same addressee.
        text: The verbatim text without the bullet.
        span: Where it is in the source text.
        lead_in_id: The id of the paragraph that introduces it
            (``"...the Government of Kazakhstan should:"``).
        footnote_refs: The footnote markers it carries (none in release 1.0.0).
        entity_ids: The entities it mentions (from release 1.1.0).
        theme_links: Its links to themes, each with its basis (from 1.1.0).
        evidence_links: Its links to the paragraphs that argue for it,
            each with its basis (from 1.1.0).
        sdg_links: Its links to the SDG targets it serves (``"sdg.16.10"``),
            each with its basis: explicit with the quoted words of the
            recommendation or its lead-in, or editorial with a rationale
            (from 1.3.0).
    """

    kind: ClassVar[str] = "recommendation"

    id: str
    addressee: Addressee
    number: int
    text: str
    span: Span
    lead_in_id: str
    footnote_refs: tuple[FootnoteRef, ...] = ()
    entity_ids: tuple[str, ...] = ()
    theme_links: tuple[Link, ...] = ()
    evidence_links: tuple[Link, ...] = ()
    sdg_links: tuple[Link, ...] = ()

    @property
    def theme_ids(self) -> tuple[str, ...]:
        """The themes this recommendation takes up (from release 1.1.0)."""
        return tuple(dict.fromkeys(link.target_id for link in self.theme_links))

    @property
    def evidence_ids(self) -> tuple[str, ...]:
        """The paragraphs of the conclusions that argue for it (from release 1.1.0)."""
        return tuple(dict.fromkeys(link.target_id for link in self.evidence_links))

    @property
    def sdg_target_ids(self) -> tuple[str, ...]:
        """The SDG targets it serves, e.g. ``("sdg.16.10",)`` (from release 1.3.0)."""
        return tuple(dict.fromkeys(link.target_id for link in self.sdg_links))


@attrs.frozen(eq=False, repr=False)
class Footnote(_Record):
    """One of the report's numbered footnotes.

    Attributes:
        id: Stable id, e.g. ``"footnotes.4"``.
        number: The footnote's number, 1 to 12.
        text: The verbatim text, without its ``[n]`` marker.
        span: Where the text is in the source text.
        urls: The web addresses it gives, cleaned of padding and trailing
            punctuation.
        ibid_of: For an "Ibid." footnote, the id of the footnote it repeats.
        same_source_as: The other footnotes that cite the same source
            (directly, or through "Ibid.").
        cited_by: The ids of the records whose markers point at it.
        entity_ids: The entities it mentions (from release 1.1.0).
    """

    kind: ClassVar[str] = "footnote"

    id: str
    number: int
    text: str
    span: Span
    urls: tuple[str, ...] = ()
    ibid_of: str | None = None
    same_source_as: tuple[str, ...] = ()
    cited_by: tuple[str, ...] = ()
    entity_ids: tuple[str, ...] = ()


@attrs.frozen(eq=False, repr=False)
class Section(_Record):
    """A part of the report, in reading order.

    Attributes:
        id: ``"conclusions"``, ``"recommendations"`` or ``"footnotes"``.
        title: A display title.  Only the recommendations have a heading of
            their own in the source; the other titles are editorial.
        span: The stretch of source text the section's records cover.
        heading_span: Where the section's own heading is, if it has one.
        record_ids: The ids of its text records, in reading order.
    """

    kind: ClassVar[str] = "section"

    id: str
    title: str
    span: Span
    heading_span: Span | None = None
    record_ids: tuple[str, ...] = ()


@attrs.frozen(eq=False, repr=False)
class Rights(_Record):
    """Who owns what, and the attribution users must give.

    Attributes:
        report_text: The status of the report's own text.
        attribution: The attribution to give when reusing the report's text.
        code_licence: The licence of kzrights' code (SPDX id).
        annotations_licence: The licence of the project's curated
            annotations (SPDX id).
    """

    report_text: str
    attribution: str
    code_licence: str
    annotations_licence: str


@attrs.frozen(eq=False, repr=False)
class Vocabulary(_Record):
    """An outside vocabulary a release ships records of, with where it comes from and its licence.

    Attributes:
        id: A short name, e.g. ``"sdg"``; its records' ids start with it.
        title: What it is.
        file: The copy the build read, relative to ``seeds/``.
        sha256: That file's sha256, which the build checks.
        repository: The repository the texts were taken from.
        url: Its web address.
        commit: The commit the texts were taken at.
        paths: The files in the repository they were taken from.
        licence: The licence of those files (SPDX id).
        rights: Who owns the texts, in the source's own words.
    """

    id: str
    title: str
    file: str
    sha256: str
    repository: str
    url: str
    commit: str
    paths: tuple[str, ...]
    licence: str
    rights: str


@attrs.frozen(eq=False, repr=False)
class Metadata(_Record):
    """Bibliographic facts about the report, and how to cite and reuse it.

    ``title``, ``authors``, ``published`` and ``publisher`` are read from the
    source text; their ``*_span`` fields say where.  ``series``, ``country``
    and ``language`` restate what the title and text show; ``rights`` and
    ``citation`` are the project's own (editorial) statements.
    ``vocabularies`` names the outside vocabularies the release ships
    records of, with their source and licence (from release 1.3.0: the
    SDG goals and targets).
    """

    title: str
    authors: tuple[str, ...]
    published: date
    publisher: str
    series: str
    country: str
    language: str
    source_file: str
    source_sha256: str
    rights: Rights
    citation: str
    title_span: Span
    authors_span: Span
    published_span: Span
    publisher_span: Span
    vocabularies: tuple[Vocabulary, ...] = ()


class EntityCategory(str, enum.Enum):
    """What kind of thing an entity is."""

    PERSON = "person"
    ORGANISATION = "organisation"
    OFFICE = "office"
    LEGAL_INSTRUMENT = "legal-instrument"
    PLACE = "place"
    PUBLICATION = "publication"
    POLICY_TOOL = "policy-tool"
    EVENT = "event"


class AliasForm(str, enum.Enum):
    """What kind of name a form of an entity is, and so what kind of match a mention is.

    ``name`` is the entity's canonical name; ``alias`` a short or other
    form ("Parliament", "Human Rights Decree"); ``acronym`` an abbreviation
    in capitals ("EBRD", "U.N."); ``transliteration`` the same name in
    another spelling or script ("Tokaev", "Токаев"); ``inflected`` a
    Russian or Kazakh case form the build generated ("Назарбаевым").
    """

    NAME = "name"
    ALIAS = "alias"
    ACRONYM = "acronym"
    TRANSLITERATION = "transliteration"
    INFLECTED = "inflected"


class Ambiguity(str, enum.Enum):
    """What a form needs before the linker takes it for the entity (its ambiguity class).

    The classes and the evidence each needs are in ``docs/data-dictionary.md``
    ("Linking rules"); the class of each form is curated in
    ``seeds/linking.toml``.

    - ``safe``: names the entity anywhere ("Tokayev", "EBRD").
    - ``name-part``: names the entity unless it is part of a longer proper
      name that names something else ("Magnitsky", but not in "Sergei
      Magnitsky").
    - ``context``: a generic name ("Parliament", "Constitution",
      "Article 174") that names the Kazakh thing only when no longer proper
      name contains it ("European Parliament", "of the United States") and
      the text points to Kazakhstan somewhere (a Kazakh person, place or
      institution the linker found, or a Kazakh word such as "Mazhilis").
    - ``given-name``: a surname that is also a common word ("Hug"); it
      needs a first name, a title ("Mr Hug") or the entity named in full
      earlier in the text.
    """

    SAFE = "safe"
    NAME_PART = "name-part"
    CONTEXT = "context"
    GIVEN_NAME = "given-name"


@attrs.frozen(eq=False, repr=False)
class Alias(_Record):
    """One way of writing an entity's name, with what the linker needs before it takes it.

    Attributes:
        text: The form as written ("Токаев", "Parliament").
        form: What kind of name it is ([`AliasForm`][kzrights.records.AliasForm]).
        ambiguity: What it needs to be linked ([`Ambiguity`][kzrights.records.Ambiguity]).
        generated: Whether the build generated it (an inflected form)
            rather than a curator writing it in ``seeds/entities.toml``.
        language: The language its spelling shows: ``"kk"`` for Cyrillic
            with letters only Kazakh uses, ``"ru"`` for other Cyrillic,
            ``None`` for Latin script (English and Kazakh Latin alike).
        grammatical_case: For an inflected form, its case (``"genitive"``,
            ``"dative"``, ``"accusative"``, ``"instrumental"``,
            ``"prepositional"``, or a Kazakh case name); ``None`` otherwise.
    """

    kind: ClassVar[str] = "alias"

    text: str
    form: AliasForm = AliasForm.ALIAS
    ambiguity: Ambiguity = Ambiguity.SAFE
    generated: bool = False
    language: str | None = None
    grammatical_case: str | None = None


@attrs.frozen(eq=False, repr=False)
class Entity(_Record):
    """A person, organisation, law, place, publication or policy tool the report names.

    The registry is curated (``seeds/entities.toml``, CC BY 4.0): names,
    aliases, descriptions and ``related_ids`` are editorial, and a
    description only restates what the report says.  Where the report
    mentions an entity is computed by the build (`Report.mentions`).

    Attributes:
        id: Stable id, e.g. ``"entities.max-bokayev"``.
        category: What kind of thing it is.
        name: The canonical name.
        aliases: Other ways to write it: acronyms, short forms,
            transliterations, Cyrillic.
        description: One line on what the report says of it, in its words
            or close to them; where the report gives an essay author's view,
            the description names whose view it is.
        related_ids: Other entities it is linked to (editorial).
        forms: Every form the linker knows it by, typed: the name, each
            alias and, from release 1.2.0, the Russian and Kazakh inflected
            forms the build generated, each an [`Alias`][kzrights.records.Alias]
            with its kind and ambiguity class.  A release before 1.2.0 has
            none stored; the loader derives them from ``name`` and
            ``aliases``, all ``safe`` (`kzrights._names.default_forms`), as
            a [`Linker`][kzrights.linker.Linker] does for an entity built
            without them.
        background: Editorial background the report does not give (such
            as what a Kazakh institution is), or ``None``; from release 1.2.0.
        background_basis: Where ``background`` comes from (a named source),
            set exactly when ``background`` is; from release 1.2.0.
    """

    kind: ClassVar[str] = "entity"

    id: str
    category: EntityCategory
    name: str
    aliases: tuple[str, ...]
    description: str
    related_ids: tuple[str, ...] = ()
    forms: tuple[Alias, ...] = ()
    background: str | None = None
    background_basis: str | None = None


@attrs.frozen(eq=False, repr=False)
class LinkingRules(_Record):
    """The curated evidence the linker weighs for forms that are not ``safe`` (``seeds/linking.toml``).

    The rules that use them are in ``docs/data-dictionary.md`` ("Linking
    rules").  A release before 1.2.0 has none: its forms are all ``safe``.

    Attributes:
        context_entity_ids: Entities whose ``safe`` mention shows a text is
            about Kazakhstan (Kazakhstan itself, its people, parties and
            institutions).
        context_words: Words that show it too although the registry has no
            entity for them ("Astana", "Kazakh"); a word ending in ``*``
            stands for every word it begins ("казахстанск*").
        titles: Titles that make a ``given-name`` surname a name ("Mr",
            "Dr", "г-н").
        blocking_names: Longer proper names that contain a form and name
            something else ("Sergei Magnitsky", "Tax Code"), matched in any
            case; a form inside one is never linked.
        function_words: Capitalised words that start no longer name
            ("The", "In", "В"), so "The Parliament" is not blocked as
            "European Parliament" is.
    """

    kind: ClassVar[str] = "linking-rules"

    context_entity_ids: tuple[str, ...] = ()
    context_words: tuple[str, ...] = ()
    titles: tuple[str, ...] = ()
    blocking_names: tuple[str, ...] = ()
    function_words: tuple[str, ...] = ()


class Mention(NamedTuple):
    """A stretch of text that names an entity.

    [`kzrights.annotate`][kzrights.annotation.annotate] returns mentions in the text it was given
    (``record_id`` and ``source_span`` are then ``None``); a release's
    `Report.mentions` are mentions in its records.  A mention is a
    named tuple: immutable like every record, and light, since ``annotate``
    may return millions of them.

    Attributes:
        entity_id: The entity named.
        text: The text as it stands (the surface form).
        start: Where it starts, in the given text or the record's ``text``.
        end: Where it ends (exclusive).
        record_id: The record it is in, for mentions in the report.
        source_span: Where it is in the report's source text.
        form: The kind of form matched ([`AliasForm`][kzrights.records.AliasForm]):
            the canonical name, an alias, an acronym, a transliteration or an
            inflected form.  ``None`` in releases before 1.2.0, and for an
            essay, which the report cites by its authors ("her essay"), not
            by a name (``resolved_by`` says whose).
        resolved_by: For a form that is not ``safe``, the evidence that
            resolved it, e.g. ``"Kazakhstan context: 'Mazhilis' at 120"``
            or ``"full name earlier in text: 'Adam Hug' at 0"`` (a mention
            of the same entity linked on evidence of its own, with no full
            name before it, is ``"earlier mention of the same entity: 'Hug'
            at 3"``); ``None`` for a safe form.  A surname the linker lengthened over the same
            person's given name starts with ``"given name 'Kassym-Jomart'
            before the surname"`` (then ``"; "`` and any evidence).
    """

    entity_id: str
    text: str
    start: int
    end: int
    record_id: str | None = None
    source_span: Span | None = None
    form: AliasForm | None = None
    resolved_by: str | None = None

    def _repr_html_(self) -> str:
        """A compact HTML table of the mention, for Jupyter."""
        with FIRST_USE:  # a fork() waits for this first import (see kzrights._locking)
            from ._display import record_html

        return record_html(self)


# Pickling a MentionList (one per document from a process pool) costs three
# things per list: the Python call of __reduce_ex__, flattening, and rebuilding
# each Mention on loading. The measurements behind each choice below are in
# docs/benchmarks.md, "Process pools".
_ONLY_MENTIONS = frozenset({Mention})
_MENTION_WIDTH = len(Mention._fields)  # eight: __setstate__ zips eight at a time
_ONE_WIDTH = frozenset({_MENTION_WIDTH})
_SUMMED = 8  # a list of at most this many mentions is flattened with sum()
# tuple.__new__(Mention, row) called by map from C: no Python frame per mention,
# and about a sixth cheaper than a functools.partial around the same call
_TUPLE_NEW = tuple.__new__
_MENTION_TYPE = itertools.repeat(Mention)  # endless, and never advanced: safe to share


def _mentions_from_fields(*values: Any) -> "MentionList":
    """Rebuild a `MentionList` pickled by an earlier kzrights (its flat fields as the call's arguments).

    Raises:
        pickle.UnpicklingError: If the fields are not whole mentions (a
            pickle altered, or made by no kzrights): never a shorter list.
    """
    mentions = MentionList()
    mentions.__setstate__(values)
    return mentions


def _altered(what: str) -> NoReturn:
    """Raise the error of a MentionList pickle whose state is not whole mentions (``what`` says how)."""
    with FIRST_USE:  # a fork() waits for this first import (see kzrights._locking)
        import pickle

    raise pickle.UnpicklingError(f"a MentionList pickle that was altered, or not made by kzrights: {what}")


def _mention_list(values: "tuple[Any, ...] | list[tuple[Any, ...]]") -> "MentionList":
    """Rebuild a `MentionList` pickled by an earlier kzrights: such pickles still load.

    ``values`` is one flat tuple of every mention's fields, or, from the
    first development versions of the compact form (never released), a
    list of columns: one tuple per field of a `Mention` of six fields
    (``form`` and ``resolved_by`` came later, and are ``None``).
    """
    if isinstance(values, list):
        if (
            len(values) != _FIRST_WIDTH
            or not all(type(column) is tuple for column in values)
            or len(set(map(len, values))) > 1
        ):
            _altered(f"not {_FIRST_WIDTH} columns of equal length, one for each field of a mention")
        return MentionList(itertools.starmap(Mention, zip(*values, strict=True)))
    return _mentions_from_fields(*values)


_FIRST_WIDTH = 6  # the fields of a Mention when its pickles were columns


class MentionList(list[Mention]):
    """The list `kzrights.annotate` returns: a plain list of mentions that pickles compactly.

    It behaves as a ``list`` in every way (and compares equal to one with the
    same mentions), and what a list operation makes from it is a
    ``MentionList`` too: a slice (``annotate(t)[:10]``), ``+`` with a list on
    either side, ``*`` and ``copy()`` (as ``collections.UserList`` does; a
    subclass's give a ``MentionList``, since its constructor may differ).
    It pickles as one flat tuple of its mentions' fields
    rather than one object per mention: pickle runs Python code for each
    named tuple it meets, which made a list of mentions cost four to five times
    the same data in plain tuples to send through a process pool.  A list that
    holds anything but mentions, and a subclass, pickle as any list does.  See
    "Process pools" in ``docs/benchmarks.md`` for the figures.

    Since its mentions pickle as their fields, they come back equal, not
    shared: one `Mention` twice in the list comes back as two equal
    mentions, as does a mention inside another object that one of the
    list's mentions holds in a field (mentions are immutable, so only an
    ``is`` test can tell).  As with any pickle, the bytes are trusted: a
    damaged stream whose fields are whole mentions loads as mentions, and
    one altered by hand may load as another list, or run code, as Python's
    ``pickle`` documentation warns.
    """

    __slots__ = ()

    @overload
    def __getitem__(self, index: SupportsIndex) -> Mention: ...

    @overload
    def __getitem__(self, index: slice) -> "MentionList": ...

    def __getitem__(self, index: "SupportsIndex | slice") -> "Mention | MentionList":
        if type(index) is slice:
            return MentionList(list.__getitem__(self, index))
        return list.__getitem__(self, index)

    def __add__(self, other: "list[Any]") -> "MentionList":  # type: ignore[override]
        return MentionList(list.__add__(self, other))

    def __radd__(self, other: "list[Any]") -> "MentionList":
        if not isinstance(other, list):
            return NotImplemented
        return MentionList(list.__add__(other, self))

    def __mul__(self, times: SupportsIndex) -> "MentionList":
        return MentionList(list.__mul__(self, times))

    def __rmul__(self, times: SupportsIndex) -> "MentionList":
        return MentionList(list.__mul__(self, times))

    def copy(self) -> "MentionList":
        """A shallow copy, as ``list.copy``, that is a ``MentionList`` (so it pickles compactly too)."""
        return MentionList(self)

    def __reduce_ex__(self, protocol: "SupportsIndex") -> "str | tuple[Any, ...]":
        # __reduce_ex__ itself, not __reduce__: pickle calls it straight, without
        # object.__reduce_ex__ looking for an override first (a process pool
        # pickles one list per document)
        if type(self) is not MentionList:
            # a subclass keeps its class and attributes, as a list subclass does
            return super().__reduce_ex__(protocol)
        if not self:
            return (MentionList, ())
        if not _ONLY_MENTIONS.issuperset(map(type, self)):
            # something else was put in: the flat form would not hold it. Its items
            # are appended after the list is made, as pickle does for a plain list,
            # so a list that holds itself pickles too
            return (MentionList, (), None, iter(self))
        if not _ONE_WIDTH.issuperset(map(len, self)):
            # a mention made with tuple.__new__ and the wrong number of fields (a
            # short one and a long one may add up to two mentions' worth)
            return (MentionList, (), None, iter(self))
        # sum() copies the fields so far at each step: faster than chain for a
        # few mentions (about half the time for seven), slower from about a dozen
        fields = sum(self, ()) if len(self) <= _SUMMED else tuple(itertools.chain.from_iterable(self))
        # The list is made empty and known to pickle (and to deepcopy's memo)
        # before its fields are written, then filled by __setstate__: a field
        # that refers back to the list (a mention made by hand may hold
        # anything) is the list itself, with no check of each field's type.
        return (MentionList, (), fields)

    def __setstate__(self, state: Any) -> None:
        """Fill this empty list from the flat fields `__reduce_ex__` gives (pickle and copy call it).

        A subclass's instance is pickled as any list subclass is, with its
        attributes as its state: those are set as Python would set them.
        """
        if type(self) is not MentionList:
            # the state object.__reduce_ex__ gives: a __dict__, or (a __dict__ or None, slots)
            attributes, slots = state if isinstance(state, tuple) and len(state) == 2 else (state, None)
            if attributes:
                self.__dict__.update(attributes)
            for name, value in (slots or {}).items():
                setattr(self, name, value)
            return
        if len(state) % _MENTION_WIDTH:
            _altered(f"{len(state)} fields, which are not whole mentions of {_MENTION_WIDTH} fields")
        row = iter(state)
        # zip over one iterator, once per field, so each row takes the next eight values
        # (whole rows, checked above: not strict, which would check each row)
        self.extend(map(_TUPLE_NEW, _MENTION_TYPE, zip(row, row, row, row, row, row, row, row, strict=False)))

    def _repr_html_(self) -> str:
        """One HTML table of all the mentions, for Jupyter."""
        with FIRST_USE:  # a fork() waits for this first import (see kzrights._locking)
            from ._display import mentions_html

        return mentions_html(self)


@attrs.frozen(eq=False, repr=False)
class Theme(_Record):
    """A theme of the report: one of the nine areas of the President's decree, or an editorial addition.

    Attributes:
        id: Stable id, e.g. ``"themes.freedom-of-expression"``.
        name: A short name.
        basis: ``EXPLICIT`` for the decree's areas (the report lists them),
            ``EDITORIAL`` for themes the curators added where recommendations
            need them.
        item_id: For a decree area, the list item that states it.
        description: One line on what the theme covers.
    """

    kind: ClassVar[str] = "theme"

    id: str
    name: str
    basis: Basis
    description: str
    item_id: str | None = None


@attrs.frozen(eq=False, repr=False)
class SdgGoal(_Record):
    """One of the 17 Sustainable Development Goals (from release 1.3.0).

    The wording is the UN's (resolution A/RES/70/1), copied from the
    reference file named in ``Metadata.vocabularies``; never retyped.

    Attributes:
        id: Stable id, ``"sdg.<number>"``, e.g. ``"sdg.16"``.
        number: The goal's number, 1 to 17.
        title: The goal as the resolution words it.
        short: Open SDG's short label, e.g. ``"Peace, justice and strong
            institutions"`` (not the resolution's words).
        target_ids: Its targets' ids, numbered ones first, then the
            lettered means of implementation.
    """

    kind: ClassVar[str] = "sdg-goal"

    id: str
    number: int
    title: str
    short: str
    target_ids: tuple[str, ...] = ()


@attrs.frozen(eq=False, repr=False)
class SdgTarget(_Record):
    """One of the 169 targets of the Sustainable Development Goals (from release 1.3.0).

    Attributes:
        id: Stable id, ``"sdg.<code>"``, e.g. ``"sdg.16.10"``.
        code: The target's own number, e.g. ``"16.10"`` or ``"5.c"``.
        goal_id: The goal it belongs to, e.g. ``"sdg.16"``.
        text: The target as the resolution words it, copied verbatim from
            the reference file.
    """

    kind: ClassVar[str] = "sdg-target"

    id: str
    code: str
    goal_id: str
    text: str


class FigureKind(str, enum.Enum):
    """What sort of number a figure is."""

    MONEY = "money"
    COUNT = "count"
    THRESHOLD = "threshold"
    DURATION = "duration"
    DATE = "date"


@attrs.frozen(eq=False, repr=False)
class Figure(_Record):
    """A number the report states, typed.

    Attributes:
        id: Stable id, e.g. ``"figures.world-bank-lending"``.
        kind: Money, a count, a threshold, a duration or a date.
        text: The words as the report has them, e.g. ``"$4.15 billion"``.
        record_id: The record they are in.
        span: Where they are in the source.
        value: The number, or ``None`` for a date.
        unit: What is counted ("members", "years", "projects"), in words
            that stand near the number in the report; ``None`` where the
            report does not say.
        currency: ISO 4217 code of a sum of money.
        date: An ISO 8601 date, month or year, for a date; for a period
            (``"2015-16"``), its start.
        qualifier: "at least", "less than", "up to" where the report bounds it.
        description: One line on what the number is (editorial).
        date_end: For a date that is a period, its end, as ISO 8601 like
            ``date`` (``"2016"`` for ``"2015-16"``); ``None`` for a single
            date and for other kinds (from release 1.2.0).
    """

    kind: ClassVar[str] = "figure"

    id: str
    figure_kind: FigureKind
    text: str
    record_id: str
    span: Span
    description: str
    value: float | None = None
    unit: str | None = None
    currency: str | None = None
    date: str | None = None
    qualifier: str | None = None
    date_end: str | None = None


_SOURCE_TYPES = ("article", "webpage", "legislation", "report")


def _check_source_type(_: object, __: object, value: str) -> None:
    """Refuse a source ``type`` that citation styles have no entry type for."""
    if value not in _SOURCE_TYPES:
        from .errors import InvalidRecordError

        raise InvalidRecordError("source", "type", value, f"must be one of {', '.join(_SOURCE_TYPES)}")


def _check_issued(_: object, __: object, value: str | None) -> None:
    """Refuse an ``issued`` that is not a real date as ISO 8601: ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``.

    A citation gives its year, month (and day) as numbers; "2020-13" or
    "2020-02-30" would print a date that never was, or none at all.
    """
    if value is None:
        return
    from .errors import InvalidRecordError

    if not isinstance(value, str):
        raise InvalidRecordError("source", "issued", value, "must be a str (ISO 8601) or None")
    problem = _iso_date_problem(value)
    if problem is not None:
        raise InvalidRecordError("source", "issued", value, problem)


def _iso_date_problem(value: str) -> str | None:
    """Why ``value`` is no real date in ISO 8601 (``YYYY``, ``YYYY-MM``, ``YYYY-MM-DD``); None if it is one.

    The one rule for a source's ``issued`` and a figure's ``date`` and
    ``date_end`` (the release checks use it for the figures).

    >>> _iso_date_problem("2021-06"), _iso_date_problem("2021-02-30")
    (None, 'is not a real date (day is out of range for month)')
    """
    parts = value.split("-")
    if (
        len(parts) > 3
        or [len(p) for p in parts] != [4, 2, 2][: len(parts)]
        or not all(p.isascii() and p.isdigit() for p in parts)
    ):
        return "must be an ISO 8601 date: YYYY, YYYY-MM or YYYY-MM-DD"
    year, month, day = (int(p) for p in [*parts, "01", "01"][:3])
    try:
        date(year, month, day)
    except ValueError as exc:
        return f"is not a real date ({exc})"
    return None


@attrs.frozen(eq=False, repr=False)
class Source(_Record):
    """A source the footnotes cite, with a stable key for citation managers.

    Every field but ``key``, ``type`` and ``issued`` is the footnotes' own
    words (the build checks that each occurs in each citing footnote).

    Attributes:
        id: Stable id, ``"sources.<key>"``.
        key: The citation key, e.g. ``"michel-2016"``.
        type: article, webpage, legislation or report.
        footnote_ids: The footnotes that cite it.
        author: The author, person or body, as the footnote names it.
        title: Its title, if the footnote gives one.
        container: Where it was published, if the footnote says.
        date_text: The date as the footnote writes it ("October 2016").
        issued: That date as ISO 8601 (a year, a month or a day).
        url: Its web address.

    Raises:
        InvalidRecordError: If ``type`` is not one of the four above, or
            ``issued`` is not a real date written ``YYYY``, ``YYYY-MM`` or
            ``YYYY-MM-DD`` (``"2020-13"`` is refused where the record is made,
            not when it is exported).
    """

    kind: ClassVar[str] = "source"

    id: str
    key: str
    type: str = attrs.field(validator=_check_source_type)
    footnote_ids: tuple[str, ...]
    author: str
    title: str | None = None
    container: str | None = None
    date_text: str | None = None
    issued: str | None = attrs.field(default=None, validator=_check_issued)
    url: str | None = None


Record = Paragraph | Item | Recommendation | Footnote
"""Any text record of the report."""
