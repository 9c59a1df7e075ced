"""What a release must satisfy beyond its shape: unique ids, resolving references, spans in the source.

The converter checks that ``report.json`` has the right shape: every field
present and of its type.  `check_release` checks that what the fields
say holds together, so that nothing downstream meets an id that leads
nowhere or a span past the end of the text:

- every id is unique;
- every reference (a field named ``*_id`` or ``*_ids``, or one of
  `OTHER_REFERENCES`) names a record of the release, of the kind the
  field means (`TARGETS`);
- every [`Span`][kzrights.records.Span], wherever it is, lies inside the
  source text;
- the source under a text record's span is its text, give or take footnote
  markers and folded padding, and its markers are its ``footnote_refs``;
  the source under a mention, a figure or an explicit link is its text
  (or quote), inside the record it belongs to (an editorial link gives no
  record, span or quote); the source under a section's
  heading_span is its title; the metadata's spans show the title, the
  authors (each as words of its own), the date and the publisher; and none
  of these spans starts or ends with padding (only padding inside is folded);
- every id follows the scheme of its kind, so an id and the number, code
  or addressee it is made of agree (``recommendations.government.7`` has
  number 7), and every number is positive (`_check_ids`); the sections
  are the three of `kzrights._document.SECTION_KINDS`, in order; the key
  of a curated id (an entity's, theme's, figure's or source's) is a slug
  (`kzrights._document.is_slug`), an SDG goal's number is one of the UN's
  17, and an SDG target's code has the UN's form (its goal's number, a
  dot, a number or a letter; not checked against the UN's list of targets);
- the numbers count the records in the order of their spans in the source,
  from 1, as the build numbers them: a paragraph's within its section, an
  item's within its paragraph, a recommendation's within its addressee, a
  footnote's in the release (`_check_numbers`); a recommendation's
  addressee is the one its lead-in's text names (`_check_addressees`);
- every text record is listed by exactly one section, the section of the
  record it belongs to and of a kind that section lists, inside the
  section's span and in the order of the text; the mentions are in the
  order of the text, none given twice, each ``start`` where its
  ``source_span`` starts in its record's text;
- each list of text records is in the order of the text, no two records
  overlapping; an item lies after its paragraph and a recommendation after
  its lead-in, each before the next paragraph; a section with a heading
  starts after it (`_check_order`); a recommendation links a target at
  most once;
- the relations stated from both ends agree: a paragraph's ``item_ids`` and
  its items' ``paragraph_id``, a footnote's ``cited_by`` and the records
  whose markers cite it, a section's ``record_ids`` and its paragraphs'
  ``section_id``, an SDG goal's ``target_ids`` and its targets'
  ``goal_id``, a footnote's ``same_source_as`` and the footnotes that name
  it there, and a source's ``footnote_ids``; a text record's
  ``entity_ids`` and its mentions (`_check_entity_ids`);
- no alias, footnote URL or linking-rule word is given twice; a release
  with SDG goals has the UN's 17, each with targets.

With ``thorough=True`` (`kzrights.verify`) it also checks what would cost
every first load too much: no form's text given twice, a source's words
are words of its footnotes, and each marker's ``offset`` is where the
build's reading of the source puts it.  (The registry's forms, which the
linker would refuse, `kzrights._linking.check_registry` checks, in verify.)

References and spans are found from the record classes' fields, not from a
list of them, so a field added to a record is checked without a change
here.  Both [`kzrights.load`][kzrights.releases.load] and [`kzrights.verify`][kzrights.releases.verify] run
these checks, verify with ``thorough=True``, so every release ``verify``
passes is one ``load`` accepts.
"""

from __future__ import annotations

import operator
import re
import types
import typing
import unicodedata
from collections.abc import Iterator, Sequence
from itertools import accumulate
from typing import Any

import attrs

from ._document import (
    FIELDS,
    SDG_TARGET_ENDS,
    SECTION_KINDS,
    ReleaseDocument,
    addressee_named,
    is_sdg_target_code,
    is_slug,
    slug_lines,
)
from .errors import DataIntegrityError, _with_article
from .records import (
    AliasForm,
    Entity,
    Figure,
    Footnote,
    Item,
    Link,
    LinkingRules,
    Mention,
    Paragraph,
    Recommendation,
    SdgGoal,
    SdgTarget,
    Section,
    Source,
    Span,
    Theme,
    _iso_date_problem,
)

__all__ = [
    "OTHER_REFERENCES",
    "TARGETS",
    "Collected",
    "check_characters",
    "check_derived",
    "check_release",
    "reference_fields",
]

_TEXT = (Paragraph, Item, Recommendation, Footnote)

OTHER_REFERENCES = frozenset({"ibid_of", "same_source_as", "cited_by"})
"""Fields that hold ids without being named ``*_id`` or ``*_ids``."""

TARGETS: dict[str, tuple[type, ...]] = {
    "section_id": (Section,),
    "paragraph_id": (Paragraph,),
    "lead_in_id": (Paragraph,),
    "item_id": (Item,),
    "item_ids": (Item,),
    "footnote_id": (Footnote,),
    "footnote_ids": (Footnote,),
    "ibid_of": (Footnote,),
    "same_source_as": (Footnote,),
    "entity_id": (Entity,),
    "entity_ids": (Entity,),
    "related_ids": (Entity,),
    "context_entity_ids": (Entity,),
    "record_id": _TEXT,
    "record_ids": _TEXT,
    "cited_by": _TEXT,
    # a link's target depends on the list it is in
    "theme_links.target_id": (Theme,),
    "evidence_links.target_id": (Paragraph,),
    "sdg_links.target_id": (SdgTarget,),
    "target_ids": (SdgTarget,),
    "goal_id": (SdgGoal,),
}
"""The kinds of record a reference may name, by field name (or ``list.field`` for a record in a list).

A reference field missing here may name a record of any kind, but must
still name one; a test keeps this table complete.
"""

_KIND_NAMES = {
    Section: "section",
    Paragraph: "paragraph",
    Item: "item",
    Recommendation: "recommendation",
    Footnote: "footnote",
    Entity: "entity",
    Theme: "theme",
    Figure: "figure",
    Source: "source",
    # every part whose records have ids: a reference may name any of them by mistake
    SdgGoal: "SDG goal",
    SdgTarget: "SDG target",
}

_MARKER = re.compile(r"\[(\d+)\]")
_PAD = " \t\u00a0"
"""What pads a line: `kzrights._provenance.PAD`, which is not imported since importing
that module (an attrs class, two regular expressions) would cost load() a millisecond."""

# How to check each field of a record class: (name, how, the kinds a reference
# may name), where how is "span", "ref", "refs", "record" or "records", and
# plain values are left out.  Worked out once per class and list it is in.
_Plan = tuple[tuple[str, str, "tuple[type, ...] | None"], ...]
_plans: dict[tuple[type, str], _Plan] = {}


class _Problem(Exception):
    """What is wrong, with the JSON path to it."""


def _field_types(cls: type) -> list[tuple[str, Any]]:
    if cls is Mention:
        return [(name, Mention.__annotations__[name]) for name in Mention._fields]
    if cls is ReleaseDocument:  # not an attrs class: its one declaration of its fields
        return [(name, kind) for name, kind, _ in FIELDS]
    return [(field.name, field.type) for field in attrs.fields(cls)]


def _without_none(kind: Any) -> Any:
    origin = typing.get_origin(kind)
    if origin is typing.Union or origin is types.UnionType:
        args = [arg for arg in typing.get_args(kind) if arg is not type(None)]
        if len(args) == 1:
            return args[0]
    return kind


def _is_record_class(kind: Any) -> bool:
    return kind is Mention or (isinstance(kind, type) and attrs.has(kind))


def _how(name: str, kind: Any) -> str | None:
    kind = _without_none(kind)
    element = None
    if typing.get_origin(kind) is tuple:
        args = typing.get_args(kind)
        if len(args) == 2 and args[1] is Ellipsis:
            element = args[0]
    is_reference = name.endswith(("_id", "_ids")) or name in OTHER_REFERENCES
    if kind is Span:
        return "span"
    if is_reference and kind is str:
        return "ref"
    if is_reference and element is str:
        return "refs"
    if _is_record_class(kind):
        return "record"
    if element is not None and _is_record_class(element):
        return "records"
    return None


def _plan(cls: type, container: str) -> _Plan:
    plan = _plans.get((cls, container))
    if plan is None:
        steps = []
        for name, kind in _field_types(cls):
            how = _how(name, kind)
            if how is not None:
                steps.append((name, how, TARGETS.get(f"{container}.{name}") or TARGETS.get(name)))
        plan = _plans[cls, container] = tuple(steps)
    return plan


def reference_fields(cls: type) -> tuple[str, ...]:
    """Return the names of the fields of record class ``cls`` that hold ids of other records."""
    return tuple(name for name, kind in _field_types(cls) if _how(name, kind) in ("ref", "refs"))


Collected = tuple[Sequence["tuple[type, ...] | None"], Sequence[Sequence[Any]]]
"""What a document refers to, collected while it was structured (`kzrights._structure_gen`).

The kinds of record each list may name (None: any kind), and the lists:
first the end of every span, then one list of references per kind.
"""


def check_release(
    document: ReleaseDocument,
    source: str,
    *,
    version: str,
    file: str,
    collected: Collected | None = None,
    thorough: bool = False,
) -> None:
    """Check that a release's records hold together and with its source text.

    Args:
        document: The release's ``report.json``, structured (its shape is
            already checked).
        source: The release's source text, decoded.
        version: The release, for the error.
        file: The file the records come from, for the error.
        collected: The document's span ends and references, collected when
            it was structured.  Checked with a few set operations rather
            than by walking every record; where they do not all hold, the
            walk finds and names the first fault, as without them.
        thorough: Also run the checks that cost a first load too much
            (`kzrights.verify` does): no entity gives a form's text twice
            (`_check_no_repeats`); a source's author, title, container,
            date and URL are words of each footnote citing it
            (`_check_words`); each footnote marker's ``offset`` is where the
            build's own reading of the source puts it (`_check_marker_offsets`);
            each form's language and case are the build's (`_check_form_vocabulary`).

    Raises:
        DataIntegrityError: Naming the JSON path of the first value at fault
            and what is wrong with it.
    """
    try:
        index, parts = _index(document)
        ids = _Ids(index, parts)
        if collected is None or not _holds(collected, ids, len(source)):
            _walk((document,), "$", "", ids, len(source), listed=False)
        _check_ids(document, parts)
        _check_sections(document, index)
        _check_addressees(document, index)
        _check_text(document, source, index)
        _check_both_ends(document, index)
        _check_order(document, index, parts, len(source))
        _check_lists_and_names(document)
        _check_entity_ids(document, index)
        if thorough:
            _check_no_repeats(document, forms=True)
            _check_form_vocabulary(document)
            _check_words(document, index)
            _check_marker_offsets(document, source)
    except _Problem as problem:
        raise DataIntegrityError(version, file, str(problem)) from None


def _holds(collected: Collected, ids: _Ids, length: int) -> bool:
    """Whether every span ends inside the source and every reference names a record of its kinds."""
    kinds, (ends, *references) = collected
    if ends and max(ends) > length:
        return False
    return all(ids.of(wanted).issuperset(found) for wanted, found in zip(kinds, references, strict=True))


def _top_level(document: ReleaseDocument) -> Iterator[tuple[str, Any]]:
    for name, _, _ in FIELDS:
        yield f"$.{name}", getattr(document, name)


def _index(document: ReleaseDocument) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """Every record with an id, by id, and the ids of each top-level list holding them, by the list's name."""
    index: dict[str, Any] = {}
    parts: dict[str, list[str]] = {}
    for path, value in _top_level(document):
        if not isinstance(value, tuple) or not value or getattr(value[0], "id", None) is None:
            continue  # mentions and linking rules have no ids
        ids = parts[path[2:]] = [record.id for record in value]
        size = len(index)
        index.update(zip(ids, value, strict=True))
        if len(index) != size + len(ids):  # an id given twice: name the second
            seen: set[str] = set()
            for other, known in parts.items():
                if other != path[2:]:
                    seen.update(known)
            for position, record_id in enumerate(ids):
                if record_id in seen:
                    raise _Problem(f"{path}[{position}].id: {record_id!r} is the id of another record too")
                seen.add(record_id)
    return index, parts


class _Ids:
    """The ids a reference may name, by the kinds of record it may name; each set made on first use."""

    def __init__(self, index: dict[str, Any], parts: dict[str, list[str]]) -> None:
        self._index = index
        self._sets: dict[tuple[type, ...] | None, frozenset[str]] = {None: frozenset(index)}
        # each top-level list holds records of one class
        self._by_class = {type(index[ids[0]]): ids for ids in parts.values()}

    def record(self, wanted: str) -> Any:
        return self._index.get(wanted)

    def of(self, kinds: tuple[type, ...] | None) -> frozenset[str]:
        ids = self._sets.get(kinds)
        if ids is None:
            # the record classes are final: a record is of a kind exactly when its class is
            ids = frozenset().union(*(self._by_class.get(kind, ()) for kind in kinds or ()))
            self._sets[kinds] = ids
        return ids


def _walk(records: Sequence[Any], path: str, container: str, ids: _Ids, length: int, *, listed: bool) -> None:
    """Check the spans and references of records of one class, and of the records inside them.

    ``records`` are the elements of the list at ``path`` (``listed``), or the
    one record there.  Each field is checked across all of them at once: that
    is most of what makes checking a release cheap next to loading it.
    """
    if not records:
        return
    for name, how, kinds in _plan(type(records[0]), container):
        values = [getattr(record, name) for record in records]
        if how == "ref":
            valid = ids.of(kinds)
            if not valid.issuperset([value for value in values if value is not None]):
                for position, value in enumerate(values):
                    if value is not None and value not in valid:
                        _unresolved(value, _at(path, position, listed, name), kinds, ids)
        elif how == "refs":
            valid = ids.of(kinds)
            for position, value in enumerate(values):
                if not valid.issuperset(value):
                    wrong = next(number for number, wanted in enumerate(value) if wanted not in valid)
                    where = f"{_at(path, position, listed, name)}[{wrong}]"
                    _unresolved(value[wrong], where, kinds, ids)
        elif how == "span":
            for position, span in enumerate(values):
                if span is not None and span.end > length:
                    problem = f"{_show(span)} ends past the end of the source text ({length} characters)"
                    raise _Problem(f"{_at(path, position, listed, name)}: {problem}")
        elif how == "record":
            for position, value in enumerate(values):
                if value is not None:
                    _walk((value,), _at(path, position, listed, name), name, ids, length, listed=False)
        else:
            for position, value in enumerate(values):
                _walk(value, _at(path, position, listed, name), name, ids, length, listed=True)


def _at(path: str, position: int, listed: bool, name: str) -> str:
    """The path to field ``name`` of the record at ``position`` of the list at ``path``."""
    return f"{path}[{position}].{name}" if listed else f"{path}.{name}"


def _unresolved(wanted: str, path: str, kinds: tuple[type, ...] | None, ids: _Ids) -> None:
    found = ids.record(wanted)
    if found is None:
        raise _Problem(f"{path}: {wanted!r} is not the id of any record of this release")
    expected = " or ".join(_KIND_NAMES[kind] for kind in kinds or ())
    found_kind = _with_article(_KIND_NAMES[type(found)])
    raise _Problem(f"{path}: {wanted!r} is {found_kind}, not {_with_article(expected)}")


def _show(span: Span) -> str:
    return f"[{span.start}, {span.end}]"


_SCHEMES: tuple[tuple[str, Any], ...] = (
    ("paragraphs", lambda r: f"{r.section_id}.p{r.number}"),
    ("items", lambda r: f"{r.paragraph_id}.i{r.number}"),
    ("recommendations", lambda r: f"recommendations.{r.addressee.value}.{r.number}"),
    ("footnotes", lambda r: f"footnotes.{r.number}"),
    ("sdg_goals", lambda r: f"sdg.{r.number}"),
    ("sdg_targets", lambda r: f"sdg.{r.code}"),
    ("sources", lambda r: f"sources.{r.key}"),
)
"""The id of a record of each kind, made of its other fields as ``kzrights_build`` makes it."""

_CURATED = (
    ("entities", "entities."),
    ("themes", "themes."),
    ("figures", "figures."),
    ("sources", "sources."),
)
"""The kinds whose ids are a prefix and a key of the curators' choosing, which must be a slug.

Nothing else in such a record says what its key is (the builder takes it
from the seeds: ``entities.ilo`` is the International Labour Organization),
so the key's syntax is what can be checked; a source's id is also made of
its ``key`` field (`_SCHEMES`).
"""


def _check_ids(document: ReleaseDocument, parts: dict[str, list[str]]) -> None:
    """Each id is the one its kind's scheme makes of the record's own fields (`_SCHEMES`).

    Ids are unique (`_index`), so this also makes every number unique
    where it must be: a paragraph's in its section, an item's in its
    paragraph, a recommendation's among those to its addressee, a
    footnote's and an SDG goal's in the release.  The sections are
    `SECTION_KINDS`, in order; a curated key is a slug (`is_slug`); an SDG
    goal's number is one of the UN's 17 and a target's code has the UN's form
    (`is_sdg_target_code`); and the numbers count the records
    in the order of their spans in the source (`_check_numbers`).
    """
    d, ids = document, parts
    # most releases: every id as its scheme makes it, every number positive; written
    # out kind by kind, as a comprehension without a call per record costs load() least
    numbered = (d.paragraphs, d.items, d.recommendations, d.footnotes, d.sdg_goals)
    if not (
        ids.get("paragraphs", []) == [f"{r.section_id}.p{r.number}" for r in d.paragraphs]
        and ids.get("items", []) == [f"{r.paragraph_id}.i{r.number}" for r in d.items]
        and ids.get("recommendations", [])
        == [f"recommendations.{r.addressee.value}.{r.number}" for r in d.recommendations]
        and ids.get("footnotes", []) == [f"footnotes.{r.number}" for r in d.footnotes]
        and ids.get("sdg_goals", []) == [f"sdg.{r.number}" for r in d.sdg_goals]
        and ids.get("sdg_targets", []) == [f"sdg.{r.code}" for r in d.sdg_targets]
        and ids.get("sources", []) == [f"sources.{r.key}" for r in d.sources]
        and all(min((r.number for r in records), default=1) > 0 for records in numbered)
    ):
        _name_wrong_id(document)
    sections = ids.get("sections", [])
    if sections != list(SECTION_KINDS):
        expected = ", ".join(SECTION_KINDS)
        for position, (found, wanted) in enumerate(zip(sections, SECTION_KINDS, strict=False)):
            if found != wanted:
                raise _Problem(
                    f"$.sections[{position}].id: {found!r} is not {wanted!r} (a release's sections are "
                    f"{expected}, in the order of the text)"
                )
        raise _Problem(f"$.sections: there are {len(sections)}, not the {len(SECTION_KINDS)} of {expected}")
    # what follows a code's first dot (its goal is the goal_id's number, checked below)
    if not SDG_TARGET_ENDS.issuperset([target.code.partition(".")[2] for target in d.sdg_targets]):
        codes = [target.code for target in d.sdg_targets]
        position, code = next((n, c) for n, c in enumerate(codes) if not is_sdg_target_code(c))
        raise _Problem(
            f"$.sdg_targets[{position}].code: {code!r} is not an SDG target's code "
            "(a goal's number from 1 to 17, a dot, and a number or a lower-case letter: '16.10', '5.c')"
        )
    if max((goal.number for goal in d.sdg_goals), default=1) > 17:
        position = next(n for n, goal in enumerate(d.sdg_goals) if goal.number > 17)
        raise _Problem(
            f"$.sdg_goals[{position}].number: {d.sdg_goals[position].number} is not one of the UN's 17 goals"
        )
    goals = d.sdg_goals
    # the build copies the UN's whole vocabulary: every goal, each with its targets
    if goals and ([goal.number for goal in goals] != _GOAL_NUMBERS or not all(g.target_ids for g in goals)):
        numbers = [goal.number for goal in goals]
        missing = next((n for n in _GOAL_NUMBERS if n not in numbers), None)
        if missing is not None:
            raise _Problem(
                f"$.sdg_goals: goal {missing} is missing (a release with SDG goals has the UN's 17)"
            )
        if numbers != sorted(numbers):
            position = next(n for n in range(1, len(numbers)) if numbers[n] < numbers[n - 1])
            raise _Problem(f"$.sdg_goals[{position}]: goal {numbers[position]} is out of order (1 to 17)")
        position = next(n for n, goal in enumerate(goals) if not goal.target_ids)
        raise _Problem(f"$.sdg_goals[{position}].target_ids: is empty (every goal of the UN's has targets)")
    target_ids = ids.get("sdg_targets", [])
    # sdg.16.10 is a target of sdg.16
    if not all(map(str.startswith, target_ids, [f"{target.goal_id}." for target in d.sdg_targets])):
        for position, target in enumerate(d.sdg_targets):
            if not target.id.startswith(f"{target.goal_id}."):
                goal = f"sdg.{target.code.partition('.')[0]}"
                raise _Problem(
                    f"$.sdg_targets[{position}].goal_id: {target.goal_id!r} is not {goal!r}, its code's goal"
                )
    # every curated key at once: each part's ids one a line, each line's prefix taken off
    lines = []
    for name, prefix in _CURATED:
        curated = ids.get(name, [])
        framed = "\n" + "\n".join(curated)
        start = "\n" + prefix
        if curated and framed.count("\n") == framed.count(start) == len(curated):
            lines.append(framed.replace(start, "\n"))
        elif curated:
            _name_wrong_key(name, prefix, curated)
    if lines and not slug_lines("".join(lines) + "\n"):
        for name, prefix in _CURATED:
            _name_wrong_key(name, prefix, ids.get(name, []))
        raise _Problem("$: the key of a curated id is not a slug")  # one of the above names it
    _check_numbers(document)


def _name_wrong_key(name: str, prefix: str, ids: list[str]) -> None:
    """Raise naming the first id of part ``name`` that is not ``prefix`` and a slug."""
    for position, record_id in enumerate(ids):
        if not record_id.startswith(prefix):
            raise _Problem(f"$.{name}[{position}].id: {record_id!r} does not start with {prefix!r}")
        key = record_id[len(prefix) :]
        if not is_slug(key):
            field = "key" if name == "sources" else "id"
            problem = "is empty" if not key else f"{key!r} is not"
            raise _Problem(
                f"$.{name}[{position}].{field}: the key of {record_id!r} {problem} "
                "lower-case letters and digits in words joined by hyphens ('max-bokayev')"
            )


_GOAL_NUMBERS = list(range(1, 18))
"""The numbers of the UN's 17 SDG goals, in order: the goals of a release that has any."""

_NUMBERED = (
    ("paragraphs", "section_id", "the paragraphs of its section"),
    ("items", "paragraph_id", "the items of its paragraph"),
    ("recommendations", "addressee", "the recommendations to its addressee"),
    ("footnotes", None, "the footnotes"),
)
"""The kinds the build numbers 1, 2, 3, … in the order of the source text, and what it counts them within."""


def _check_numbers(document: ReleaseDocument) -> None:
    """Each record's number is its place among the records it is counted with, in the order of their spans.

    This is how the build numbers them (``kzrights_build.parse``): with
    ids made of numbers, two records whose ids, numbers and references are
    swapped are otherwise a release that holds together.
    """
    for name, group, what in _NUMBERED:
        records = getattr(document, name)
        starts = [record.span.start for record in records]
        counted: dict[Any, int] = {}
        for position in sorted(range(len(records)), key=starts.__getitem__):
            record = records[position]
            key = getattr(record, group) if group else None
            place = counted[key] = counted.get(key, 0) + 1
            if record.number != place:
                raise _Problem(
                    f"$.{name}[{position}].number: {record.number} is not its place among {what} "
                    f"in the order of the source text, {place}"
                )


def _check_addressees(document: ReleaseDocument, index: dict[str, Any]) -> None:
    """Each recommendation's addressee is the one its lead-in's text names, as the build reads it.

    With `_check_numbers`, this leaves a recommendation no other id: two
    recommendations to different addressees trading ids, numbers,
    addressees and references each still count in order among their own.
    """
    recommendations = document.recommendations
    named = {
        lead_in: addressee_named(index[lead_in].text) for lead_in in {r.lead_in_id for r in recommendations}
    }
    if [r.addressee for r in recommendations] != [named[r.lead_in_id] for r in recommendations]:
        for position, recommendation in enumerate(recommendations):
            expected = named[recommendation.lead_in_id]
            if recommendation.addressee is not expected:
                says = f"names {expected.value!r}" if expected else "names no addressee"
                raise _Problem(
                    f"$.recommendations[{position}].addressee: {recommendation.addressee.value!r} is not "
                    f"the addressee of its lead-in, {recommendation.lead_in_id}, whose text {says}"
                )


def _name_wrong_id(document: ReleaseDocument) -> None:
    """Raise naming the first record whose number is not positive or whose id its scheme does not make."""
    for name, scheme in _SCHEMES:
        for position, record in enumerate(getattr(document, name)):
            number = getattr(record, "number", 1)
            if number <= 0:
                raise _Problem(f"$.{name}[{position}].number: {number} is not a positive number")
            if record.id != scheme(record):
                made = f"they make it {scheme(record)!r}"
                raise _Problem(
                    f"$.{name}[{position}].id: {record.id!r} does not agree with its fields ({made})"
                )


def _check_sections(document: ReleaseDocument, index: dict[str, Any]) -> None:
    """Every text record is listed once, by its own section, inside the section's span and in order.

    A paragraph's section is its ``section_id``; an item's, its paragraph's;
    a recommendation's, its lead-in's; and each section lists the kinds of
    record `SECTION_KINDS` gives it (footnotes only, for the footnotes).
    """
    owner: dict[str, int] = {}
    end_before = 0
    for position, section in enumerate(document.sections):
        if section.span.start < end_before:
            raise _Problem(f"$.sections[{position}].span: overlaps the section before, or comes before it")
        end_before = section.span.end
        previous = section.span.start
        kinds = SECTION_KINDS[section.id]  # _check_ids saw the ids
        for number, record_id in enumerate(section.record_ids):
            here = f"$.sections[{position}].record_ids[{number}]"
            if record_id in owner:
                raise _Problem(f"{here}: {record_id!r} is listed by a section already")
            owner[record_id] = position
            record = index[record_id]
            if type(record) not in kinds:
                listed = " and ".join(f"{_KIND_NAMES[kind]}s" for kind in kinds)
                kind = _with_article(_KIND_NAMES[type(record)])
                raise _Problem(
                    f"{here}: {record_id!r} is {kind}, a record of the wrong kind "
                    f"for section {section.id!r}, which lists {listed}"
                )
            span = record.span
            if not (previous <= span.start and span.end <= section.span.end):
                raise _Problem(
                    f"{here}: {record_id!r} is not inside the section's span, after the record before"
                )
            previous = span.start
    for name in ("paragraphs", "items", "recommendations", "footnotes"):
        for position, record in enumerate(getattr(document, name)):
            if record.id not in owner:
                raise _Problem(f"$.{name}[{position}]: {record.id!r} is listed by no section")
    sections = document.sections
    for position, paragraph in enumerate(document.paragraphs):
        if sections[owner[paragraph.id]].id != paragraph.section_id:
            raise _Problem(f"$.paragraphs[{position}].section_id: {paragraph.section_id} does not list it")
    for name, field in (("items", "paragraph_id"), ("recommendations", "lead_in_id")):
        for position, record in enumerate(getattr(document, name)):
            if owner[record.id] != owner[getattr(record, field)]:
                where = sections[owner[record.id]].id
                raise _Problem(
                    f"$.{name}[{position}].{field}: is in another section than {where}, which lists it"
                )


def _check_order(
    document: ReleaseDocument, index: dict[str, Any], parts: dict[str, list[str]], length: int
) -> None:
    """Text records lie apart and in the order of the text, each where the build found it.

    Each list of text records is in the order of their spans, none
    overlapping the one before (the sections keep the lists apart); an
    item or a recommendation lies after its paragraph (its lead-in) and
    before the next paragraph, a paragraph's ``item_ids`` are its items in
    that order, and a section with a heading starts after it.
    """
    d = document
    for name in ("paragraphs", "items", "recommendations", "footnotes"):
        records = getattr(d, name)
        starts = [record.span.start for record in records]
        ends = [record.span.end for record in records]
        if not all(map(operator.le, ends, starts[1:])):
            position = next(
                n for n, pair in enumerate(zip(ends, starts[1:], strict=False), 1) if pair[0] > pair[1]
            )
            raise _Problem(
                f"$.{name}[{position}].span: {_show(records[position].span)} overlaps or comes before "
                f"{records[position - 1].id}, the record before it in the list"
            )
    paragraphs = d.paragraphs
    following = dict(
        zip(parts.get("paragraphs", []), [p.span.start for p in paragraphs[1:]] + [length], strict=True)
    )
    for name, field in (("items", "paragraph_id"), ("recommendations", "lead_in_id")):
        records = getattr(d, name)
        owners = [getattr(record, field) for record in records]
        if not all(
            index[owner].span.end <= record.span.start and record.span.end <= following[owner]
            for owner, record in zip(owners, records, strict=True)
        ):
            for position, (owner, record) in enumerate(zip(owners, records, strict=True)):
                if not index[owner].span.end <= record.span.start <= record.span.end <= following[owner]:
                    raise _Problem(
                        f"$.{name}[{position}].span: {_show(record.span)} is not between {owner} "
                        "and the paragraph after it"
                    )
    if [item_id for p in paragraphs for item_id in p.item_ids] != parts.get("items", []):
        for position, paragraph in enumerate(paragraphs):
            if list(paragraph.item_ids) != sorted(paragraph.item_ids, key=lambda i: index[i].span.start):
                raise _Problem(f"$.paragraphs[{position}].item_ids: are not in the order of the text")
        raise _Problem("$.items: are not listed in the order of their paragraphs' item_ids")
    for position, section in enumerate(d.sections):
        heading = section.heading_span
        before = d.sections[position - 1].span.end if position else 0
        if heading is not None and not (before <= heading.start and heading.end <= section.span.start):
            raise _Problem(
                f"$.sections[{position}].span: {_show(section.span)} does not start after its "
                f"heading_span {_show(heading)}, which follows the section before"
            )


def _fold(text: str) -> str:
    """`kzrights._provenance.fold`, with string methods: a regular expression takes 100 times longer."""
    text = text.replace("\t", " ").replace("\u00a0", " ")
    while "  " in text:
        text = text.replace("  ", " ")
    return text.strip(" ")


# the invisible characters that are not format characters (Cf): the combining grapheme joiner,
# the Hangul and Khmer fillers, the variation selectors (see kzrights._chars.INVISIBLE)
_INVISIBLE_NOT_FORMAT = frozenset(
    map(chr, [0x034F, 0x115F, 0x1160, 0x17B4, 0x17B5, 0x3164, 0xFFA0, *range(0x180B, 0x1810)])
) | frozenset(map(chr, [*range(0xFE00, 0xFE10), *range(0xE0100, 0xE01F0)]))


def _bare(raw: str) -> bool:
    """Whether ``raw`` starts and ends with a character that shows: no white space, nothing invisible.

    The build cuts every span to what shows: none starts or ends with white
    space (a line break included), a format character (a zero-width space,
    a soft hyphen, a direction mark, a BOM), a filler or a selector, nor
    starts with a combining mark.  An ASCII character is looked up in no table.
    """
    first, last = raw[:1], raw[-1:]
    if first.isascii() and last.isascii():  # nearly every span: no table to look in
        return not (first.isspace() or last.isspace())
    if raw.strip() != raw:
        return False
    if not first.isascii() and (first in _INVISIBLE_NOT_FORMAT or unicodedata.category(first) in _NOT_FIRST):
        return False
    return last.isascii() or not (last in _INVISIBLE_NOT_FORMAT or unicodedata.category(last) == "Cf")


_NOT_FIRST = frozenset({"Cf", "Mn", "Me"})
"""The categories no span starts with: a format character, or a mark with no letter before it."""


def _same_text(source: str, span: Span, text: str) -> bool:
    """Whether the source under ``span`` reads ``text``, once padding inside it is folded.

    Padding at either end is not folded away: the fold trims it, so a span a
    space too long (or too early) would read as its text, and
    `Report.source_of` would give the space with it.  No span the build
    writes starts or ends with white space of any kind (a line break
    included), even where its text takes it in too.
    """
    raw = source[span.start : span.end]
    return _bare(raw) and (raw == text or _fold(raw) == text)


def _shows(source: str, span: Span, text: str, path: str, names: tuple[str, str], problem: str) -> None:
    """Raise unless the source under ``span`` reads ``text`` (`_same_text`).

    ``names`` are the span's field and the text's, under ``path``; ``problem``
    is what to say of the text where the span is not merely a space too long.
    """
    if _same_text(source, span, text):
        return
    span_name, text_name = names
    raw = source[span.start : span.end]
    if not _bare(raw):
        where = f"{path}.{span_name}: {_show(span)} starts or ends with"
        if _fold(raw) == text:
            raise _Problem(f"{where} padding, which its {text_name} leaves out")
        raise _Problem(f"{where} white space or a character that does not show")
    raise _Problem(f"{path}.{text_name}: {problem}")


def _inside(inner: Span, outer: Span) -> bool:
    return outer.start <= inner.start and inner.end <= outer.end


def _check_text(document: ReleaseDocument, source: str, index: dict[str, Any]) -> None:
    """Check that the source under each span says what the record says it does."""
    folded: set[str] = set()  # the records whose text leaves out markers or padding of the source
    pending: list[int] = []  # the mentions whose start is checked after the loop
    for path, value in _top_level(document):
        if not isinstance(value, tuple) or not value or not isinstance(value[0], _TEXT):
            continue
        for position, record in enumerate(value):
            if _check_record_text(record, f"{path}[{position}]", source, index):
                folded.add(record.id)
    before = (-1, -1, "")  # the source start, end and entity of the mention before
    for position, mention in enumerate(document.mentions):
        if _check_mention(mention, f"$.mentions[{position}]", source, index, folded):
            pending.append(position)
        start = mention.source_span.start  # type: ignore[union-attr]  # _check_mention saw it given
        # the mentions are in the order of the text, each once (the build writes them so)
        if start <= before[0]:
            key = (start, mention.source_span.end, mention.entity_id)  # type: ignore[union-attr]
            if key <= before:
                problem = (
                    "is the same mention as the one before"
                    if key == before
                    else "is before the one before it"
                )
                raise _Problem(f"$.mentions[{position}]: {problem} (in the order of the source text)")
            # one mention per place: the build links each stretch of text to one entity
            # (the SQLite export's key is the record and the start)
            raise _Problem(f"$.mentions[{position}]: starts where the mention before starts")
        before = (start, mention.source_span.end, mention.entity_id)  # type: ignore[union-attr]
    _check_mention_offsets(document, source, index, folded, pending)
    for position, recommendation in enumerate(document.recommendations):
        for links in ("theme_links", "evidence_links", "sdg_links"):
            for number, link in enumerate(getattr(recommendation, links)):
                here = f"$.recommendations[{position}].{links}[{number}]"
                _check_link(link, here, source, index)
    for position, figure in enumerate(document.figures):
        here = f"$.figures[{position}]"
        record = index[figure.record_id]
        if not _inside(figure.span, record.span):
            raise _Problem(f"{here}.span: {_show(figure.span)} is not inside {figure.record_id}")
        _shows(source, figure.span, figure.text, here, ("span", "text"), "is not the source under its span")
    for position, section in enumerate(document.sections):
        heading = section.heading_span
        if heading is not None:
            here, problem = (
                f"$.sections[{position}]",
                f"is not the source under its heading_span {_show(heading)}",
            )
            _shows(source, heading, section.title, here, ("heading_span", "title"), problem)
    metadata = document.metadata
    for name in ("title", "publisher"):
        span, names, problem = (
            getattr(metadata, f"{name}_span"),
            (f"{name}_span", name),
            "is not the source under",
        )
        _shows(source, span, getattr(metadata, name), "$.metadata", names, f"{problem} {name}_span")
    shown = metadata.authors_span.slice(source)
    for number, author in enumerate(metadata.authors):
        if not _in_words(author, shown):
            raise _Problem(
                f"$.metadata.authors[{number}]: {author!r} is not in the source under authors_span "
                "as words of its own"
            )
    for name in ("authors", "published"):
        span = getattr(metadata, f"{name}_span")
        if not _bare(span.slice(source)):  # the build trims both, as a record's span
            raise _Problem(f"$.metadata.{name}_span: {_show(span)} starts or ends with padding")
    # the date line as the build reads it (kzrights_build.parse: "July 22, 2021"), the day with or
    # without a leading zero
    day = metadata.published
    month = _MONTH_NAMES[day.month - 1]
    if _fold(metadata.published_span.slice(source)) not in (
        f"{month} {day.day}, {day.year:04}",
        f"{month} {day.day:02}, {day.year:04}",
    ):
        raise _Problem(
            f"$.metadata.published: {day.isoformat()} is not the date under published_span "
            f"{_show(metadata.published_span)}"
        )


_MONTH_NAMES = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip
"""`kzrights._provenance.MONTH_NAMES` (a test keeps them equal), not imported for the reason `_PAD` is not."""


def _check_record_text(record: Any, path: str, source: str, index: dict[str, Any]) -> bool:
    """The source under a text record's span is its text, and its markers are its footnote_refs.

    Returns whether its text leaves out some of the source under its span (markers, padding).
    """
    span: Span = record.span
    raw = source[span.start : span.end]
    # the build trims a record's padding: a span over a space more is not where it found the
    # record, even where its text takes the space in too
    if not _bare(raw):  # padding, a line break (a record is cut from lines), an invisible character
        raise _Problem(
            f"{path}.span: {_show(span)} starts or ends with white space or a character that does not show"
        )
    folds = False
    if raw == record.text and "[" not in raw:  # most records: no markers, no padding
        markers: list[tuple[int, int, str]] = []
    else:
        found = _MARKER.finditer(raw)
        markers = [(span.start + m.start(), span.start + m.end(), m.group(1)) for m in found]
        folds = True
        if _fold(_MARKER.sub("", raw)) != record.text:
            raise _Problem(f"{path}.text: is not the source under its span {_show(span)}")
    refs = getattr(record, "footnote_refs", ())  # a footnote carries no markers
    cited = [(ref.source_span.start, ref.source_span.end, str(index[ref.footnote_id].number)) for ref in refs]
    if cited != markers:
        raise _Problem(f"{path}.footnote_refs: do not match the footnote markers under its span")
    offsets = [ref.offset for ref in refs]
    if offsets != sorted(offsets) or any(not 0 <= offset <= len(record.text) for offset in offsets):
        raise _Problem(f"{path}.footnote_refs: offsets {offsets} are not in order inside its text")
    return folds


def _check_mention(mention: Mention, path: str, source: str, index: dict[str, Any], folded: set[str]) -> bool:
    """Check a mention's record, offsets, text and source_span; whether its start is left to check.

    Its start is where its source_span starts in the record's text: as far
    in as in the source, unless the record leaves out markers or padding
    (then `_check_mention_offsets` checks it, when this returns True).
    """
    if mention.record_id is None or mention.source_span is None:
        raise _Problem(f"{path}: a mention in the report gives its record_id and source_span")
    record = index[mention.record_id]
    if not 0 <= mention.start < mention.end <= len(record.text):
        where = f"[{mention.start}, {mention.end}]"
        what = "is empty: no characters of" if mention.start == mention.end else "is not inside the text of"
        raise _Problem(f"{path}: {where} {what} {mention.record_id}")
    if record.text[mention.start : mention.end] != mention.text:
        where = f"[{mention.start}, {mention.end}]"
        raise _Problem(f"{path}.text: is not the text of {mention.record_id} at {where}")
    if not _inside(mention.source_span, record.span):
        raise _Problem(f"{path}.source_span: {_show(mention.source_span)} is not inside {mention.record_id}")
    problem = "is not the source under its source_span"
    _shows(source, mention.source_span, mention.text, path, ("source_span", "text"), problem)
    return mention.start != mention.source_span.start - record.span.start or mention.record_id in folded


def _check_mention_offsets(
    document: ReleaseDocument, source: str, index: dict[str, Any], folded: set[str], pending: list[int]
) -> None:
    """A mention's ``start`` is where its ``source_span`` starts in its record's text.

    As far into the text as into the record's span of the source, unless the
    text leaves out markers or padding before it (a record in ``folded``).
    `_check_mention` saw it so for every mention but those at ``pending``
    (their positions), which are checked here.
    """
    mentions = document.mentions
    tables: dict[str, tuple[list[int], list[int]] | None] = {}
    for position in pending:
        mention = mentions[position]
        record = index[mention.record_id]  # type: ignore[index]  # _check_mention saw it given
        before, at = record.span.start, mention.source_span.start  # type: ignore[union-attr]
        if record.id not in tables:  # what the record leaves out before each marker's end
            refs = getattr(record, "footnote_refs", ())
            ends = [ref.source_span.end for ref in refs]
            totals = list(
                accumulate([ref.source_span.end - ref.source_span.start for ref in refs], initial=0)
            )
            markers_only = len(record.text) == record.span.end - before - totals[-1]
            tables[record.id] = (ends, totals) if markers_only else None
        table = tables[record.id] if record.id in folded else ([], [0])
        if table is None:  # padding folded too
            offset = len(_fold(_MARKER.sub("", source[before:at]) + "\x00")) - 1
        else:
            # the markers that end before the mention (bisect_right of the ends, which are
            # in text order): a record holds a few, and importing bisect and its C module
            # cost the first load 0.3 to 0.5 ms
            offset = at - before - table[1][sum(end <= at for end in table[0])]
        if mention.start != offset:
            raise _Problem(
                f"$.mentions[{position}].start: {mention.start} is not where its source_span "
                f"{_show(mention.source_span)} is in the text of {mention.record_id}, {offset}"  # type: ignore[arg-type]
            )


def _check_link(link: Link, path: str, source: str, index: dict[str, Any]) -> None:
    """An explicit link's quote is the source under its span, in its record; an editorial link quotes nothing.

    The build gives an editorial link a rationale alone; a span or a quote on
    one would be words no check reads, which the annotations export would
    still give as the words the link describes.
    """
    if link.basis.value != "explicit":
        if link.record_id is not None or link.span is not None or link.quote is not None:
            raise _Problem(f"{path}: an editorial link quotes nothing: it gives no record_id, span or quote")
        return
    if link.record_id is None or link.span is None or link.quote is None:
        raise _Problem(f"{path}: an explicit link gives its record_id, span and quote")
    record = index[link.record_id]
    if not _inside(link.span, record.span):
        raise _Problem(f"{path}.span: {_show(link.span)} is not inside {link.record_id}")
    _shows(source, link.span, link.quote, path, ("span", "quote"), "is not the source under its span")


def _check_both_ends(document: ReleaseDocument, index: dict[str, Any]) -> None:
    """Relations stated from both ends agree."""
    for position, item in enumerate(document.items):
        paragraph = index[item.paragraph_id]
        if item.id not in paragraph.item_ids:
            raise _Problem(f"$.items[{position}].paragraph_id: {item.paragraph_id} does not list {item.id}")
    for position, paragraph in enumerate(document.paragraphs):
        for number, item_id in enumerate(paragraph.item_ids):
            if index[item_id].paragraph_id != paragraph.id:
                raise _Problem(f"$.paragraphs[{position}].item_ids[{number}]: {item_id} is not an item of it")
        if paragraph.id not in index[paragraph.section_id].record_ids:
            raise _Problem(f"$.paragraphs[{position}].section_id: {paragraph.section_id} does not list it")
    citing: dict[str, set[str]] = {}
    for _, value in _top_level(document):
        if isinstance(value, tuple) and value and isinstance(value[0], _TEXT):
            for record in value:
                for ref in getattr(record, "footnote_refs", ()):
                    citing.setdefault(ref.footnote_id, set()).add(record.id)
    for position, footnote in enumerate(document.footnotes):
        if set(footnote.cited_by) != citing.get(footnote.id, set()):
            raise _Problem(f"$.footnotes[{position}].cited_by: is not the records whose markers cite it")
    _check_sources(document, index)
    goals, targets = document.sdg_goals, document.sdg_targets
    # the build lists each goal's targets in the order of sdg_targets: two list comparisons
    # check both ends for all of them, and the loops below find the fault where they differ
    listed = [target_id for goal in goals for target_id in goal.target_ids]
    owners = [goal.id for goal in goals for _ in goal.target_ids]
    if listed != [target.id for target in targets] or owners != [target.goal_id for target in targets]:
        for position, goal in enumerate(goals):
            for number, target_id in enumerate(goal.target_ids):
                if index[target_id].goal_id != goal.id:
                    where = f"$.sdg_goals[{position}].target_ids[{number}]"
                    raise _Problem(f"{where}: {target_id} is a target of another goal")
        for position, target in enumerate(targets):
            if target.id not in index[target.goal_id].target_ids:
                raise _Problem(
                    f"$.sdg_targets[{position}].goal_id: {target.goal_id} does not list {target.id}"
                )
        raise _Problem(
            "$.sdg_goals: their target_ids are not the targets once each, in the order of sdg_targets"
        )
    for position, recommendation in enumerate(document.recommendations):
        for number, link in enumerate(recommendation.evidence_links):
            if link.record_id is not None and link.record_id != link.target_id:
                here = f"$.recommendations[{position}].evidence_links[{number}].record_id"
                raise _Problem(f"{here}: {link.record_id} is not the paragraph it links to, {link.target_id}")


# the lists of ids of other records, by part: each names a record once
_ID_LISTS = (
    ("sections", "record_ids"),
    ("paragraphs", "item_ids"),
    ("footnotes", "cited_by"),
    ("footnotes", "same_source_as"),
    ("entities", "related_ids"),
    ("sources", "footnote_ids"),
    ("sdg_goals", "target_ids"),
)
_LETTER_OR_DIGIT = re.compile(r"[^\W_]")


def _check_lists_and_names(document: ReleaseDocument) -> None:
    """Lists of ids name each record once; an entity's name, aliases and forms have a letter or digit.

    A name or alias without one gives the linker nothing to match (`Linker`
    refuses such an alias from a user).  Both checks run at C speed over the
    whole release and name the fault only when there is one.
    """
    for part, field in _ID_LISTS:
        for position, record in enumerate(getattr(document, part)):
            listed = getattr(record, field)
            if len(set(listed)) != len(listed):
                twice = next(ident for ident in listed if listed.count(ident) > 1)
                raise _Problem(f"$.{part}[{position}].{field}: lists {twice} more than once")
    for position, recommendation in enumerate(document.recommendations):
        for links in ("theme_links", "evidence_links", "sdg_links"):
            targets = [link.target_id for link in getattr(recommendation, links)]
            if len(set(targets)) != len(targets):
                number = next(n for n, target in enumerate(targets) if target in targets[:n])
                raise _Problem(
                    f"$.recommendations[{position}].{links}[{number}].target_id: "
                    f"links to {targets[number]} again"
                )
    if not _no_repeats(document):
        _check_no_repeats(document, forms=False)
    _check_values(document)
    entities = document.entities
    texts = [entity.name for entity in entities]
    texts += [alias for entity in entities for alias in entity.aliases]
    texts += [form.text for entity in entities for form in entity.forms]
    if all(map(_LETTER_OR_DIGIT.search, texts)):
        return
    for position, entity in enumerate(entities):
        here = f"$.entities[{position}]"
        if not _LETTER_OR_DIGIT.search(entity.name):
            raise _Problem(f"{here}.name: {entity.name!r} has no letter or digit")
        for number, alias in enumerate(entity.aliases):
            if not _LETTER_OR_DIGIT.search(alias):
                raise _Problem(f"{here}.aliases[{number}]: {alias!r} has no letter or digit")
        for number, form in enumerate(entity.forms):
            if not _LETTER_OR_DIGIT.search(form.text):
                raise _Problem(f"{here}.forms[{number}].text: {form.text!r} has no letter or digit")


def _check_no_repeats(document: ReleaseDocument, *, forms: bool) -> None:
    """No entity gives an alias twice, no footnote a URL, no linking rule a word; with ``forms``, no form.

    A repeat changes no answer of the linker (it keeps the first) but every
    export lists it twice, and the SQLite export's keys may refuse it.  One
    comparison of lengths over every list of two or more at once; the loop
    that names the fault runs only where there is one.  The forms (some six
    hundred texts) are left to `kzrights.verify`: their check would cost
    every first load more than the rest.
    """
    entities, footnotes, linking = document.entities, document.footnotes, document.linking
    lists: list[tuple[str, Sequence[str]]] = []
    lists += [(f"$.entities[{n}].aliases", entity.aliases) for n, entity in enumerate(entities)]
    if forms:
        lists += [(f"$.entities[{n}].forms", [f.text for f in e.forms]) for n, e in enumerate(entities)]
    lists += [(f"$.footnotes[{n}].urls", footnote.urls) for n, footnote in enumerate(footnotes)]
    lists += [
        (f"$.linking[{n}].{name}", getattr(r, name)) for n, r in enumerate(linking) for name in _rule_lists()
    ]
    for path, listed in lists:
        if len(set(listed)) != len(listed):
            number = next(n for n, value in enumerate(listed) if value in listed[:n])
            where = f"{path}[{number}].text" if path.endswith(".forms") else f"{path}[{number}]"
            raise _Problem(f"{where}: {listed[number]!r} is given more than once")


_WEB = ("http://", "https://")


def _check_values(document: ReleaseDocument) -> None:
    """No entity is related to itself; every URL is http or https; a figure's dates are real ISO 8601 dates.

    The HTML export links only http and https addresses, and the citation
    exports print a figure's date as a date; a ``javascript:`` address or
    ``2021-02-30`` would be a release no tool can take as it says.
    """
    entities = document.entities
    if any(map(operator.contains, map(_RELATED, entities), map(_ID, entities))):
        position, entity = next((n, e) for n, e in enumerate(entities) if e.id in e.related_ids)
        number = entity.related_ids.index(entity.id)
        raise _Problem(f"$.entities[{position}].related_ids[{number}]: {entity.id} is the entity itself")
    sources, footnotes = document.sources, document.footnotes
    urls = [source.url for source in sources if source.url is not None]
    urls += [url for footnote in footnotes for url in footnote.urls]
    if not all(
        url[:8].lower().startswith(_WEB) and url.partition("://")[2][:1] not in _NO_HOST for url in urls
    ):
        named = [(f"$.sources[{n}].url", source.url) for n, source in enumerate(sources)]
        named += [
            (f"$.footnotes[{n}].urls[{k}]", u) for n, f in enumerate(footnotes) for k, u in enumerate(f.urls)
        ]
        path, url = next(
            (path, url)
            for path, url in named
            if url is not None
            and not (url[:8].lower().startswith(_WEB) and url.partition("://")[2][:1] not in _NO_HOST)
        )
        raise _Problem(f"{path}: {url[:80]!r} is not an http or https address of a host")
    figures = document.figures
    dates = [figure.date for figure in figures] + [figure.date_end for figure in figures]
    # a year or a month (the figures' usual dates) needs no calendar; anything else takes the full rule
    if not all(
        value[:4].isdigit()
        and value.isascii()
        and value[:4] != "0000"
        and (len(value) == 4 or value[4:] in _MONTHS)
        if len(value) in (4, 7)
        else _iso_date_problem(value) is None
        for value in dates
        if value is not None
    ):
        for position, figure in enumerate(figures):
            for name in ("date", "date_end"):
                value = getattr(figure, name)
                problem = None if value is None else _iso_date_problem(value)
                if problem is not None:
                    raise _Problem(f"$.figures[{position}].{name}: {value!r} {problem}")
    # a period ends no earlier than it starts, to the precision both give ("2015" to "2016")
    for position, figure in enumerate(figures):
        start, end = figure.date, figure.date_end
        if start is not None and end is not None:
            common = min(len(start), len(end))
            if end[:common] < start[:common]:
                raise _Problem(f"$.figures[{position}].date_end: {end!r} is before the date {start!r}")


_MONTHS = frozenset(f"-{month:02}" for month in range(1, 13))
_NO_HOST = ("", "/")  # what follows "://" in an address that names no host
_RELATED = operator.attrgetter("related_ids")
_ID = operator.attrgetter("id")


def _no_repeats(document: ReleaseDocument) -> bool:
    """Whether `_check_no_repeats` (without the forms) finds nothing: the whole lists at once, at C speed."""
    values: list[Sequence[str]] = [e.aliases for e in document.entities if len(e.aliases) > 1]
    values += [footnote.urls for footnote in document.footnotes if len(footnote.urls) > 1]
    values += [getattr(rules, name) for rules in document.linking for name in _rule_lists()]
    return list(map(len, values)) == list(map(len, map(set, values)))


_RULE_LISTS: list[tuple[str, ...]] = []


def _rule_lists() -> tuple[str, ...]:
    """The fields of `LinkingRules` that are lists of strings (ids, words, names), found once."""
    if not _RULE_LISTS:
        _RULE_LISTS.append(
            tuple(name for name, kind in _field_types(LinkingRules) if _without_none(kind) == tuple[str, ...])
        )
    return _RULE_LISTS[0]


def _in_words(value: str, text: str) -> bool:
    """Whether ``value`` occurs in ``text`` as words of its own: not inside a longer word at either end.

    ``"Ada"`` is in ``"Ada Lovelace"``, not in ``"Adam Hug"``.  A value that
    starts (ends) with a character that is no letter or digit may follow
    (precede) anything.
    """
    at = text.find(value)
    if at < 0 or not value:
        return at >= 0
    opens, closes = value[0].isalnum(), value[-1].isalnum()
    while at >= 0:
        end = at + len(value)
        if not (opens and at and text[at - 1].isalnum()) and not (
            closes and end < len(text) and text[end].isalnum()
        ):
            return True
        at = text.find(value, at + 1)
    return False


# the fields of a source that are the words of the footnotes that cite it, as the build checks them
_SOURCE_WORDS = ("author", "title", "container", "date_text", "url")


def _check_words(document: ReleaseDocument, index: dict[str, Any]) -> None:
    """A source's words are in each footnote that cites it (or in the one it is ibid of), as words.

    The build takes them from the footnotes (``kzrights_build.sources``);
    the citation exports print them as the source's author, title, ….
    """
    for position, cited in enumerate(document.sources):
        for number, footnote_id in enumerate(cited.footnote_ids):
            footnote = index[footnote_id]
            text = index[footnote.ibid_of].text if footnote.ibid_of is not None else footnote.text
            for name in _SOURCE_WORDS:
                value = getattr(cited, name)
                if value is not None and not _in_words(value, text):
                    raise _Problem(
                        f"$.sources[{position}].{name}: {value!r} is not words of "
                        f"{footnote.ibid_of or footnote_id} (footnote_ids[{number}])"
                    )


def _check_entity_ids(document: ReleaseDocument, index: dict[str, Any]) -> None:
    """Each text record's ``entity_ids`` are the entities of its mentions, in the order of first mention.

    As the build makes them (``kzrights_build.entities``); ``mentions_of``,
    ``search(entity=...)`` and the exports read one or the other.  The
    mentions are in the order of the text and the sections list every text
    record in that order (both checked before), so one comparison of two
    lists of (record, entity) pairs checks every record; the loop that names
    the fault runs only where they differ.
    """
    d = document
    mentioned = list(dict.fromkeys(map(_RECORD_AND_ENTITY, d.mentions)))
    order = [record_id for section in d.sections for record_id in section.record_ids]
    if mentioned == [(record_id, entity) for record_id in order for entity in index[record_id].entity_ids]:
        return
    found: dict[str, list[str]] = {}
    for record_id, entity_id in mentioned:
        found.setdefault(record_id, []).append(entity_id)
    for name in ("paragraphs", "items", "recommendations", "footnotes"):
        for position, record in enumerate(getattr(d, name)):
            named = found.get(record.id, [])
            if list(record.entity_ids) == named:
                continue
            here = f"$.{name}[{position}].entity_ids"
            for number, entity_id in enumerate(record.entity_ids):
                if entity_id not in named:
                    raise _Problem(f"{here}[{number}]: {entity_id} is named by none of its mentions")
            for entity_id in named:
                if entity_id not in record.entity_ids:
                    at = next(
                        n
                        for n, m in enumerate(d.mentions)
                        if m.record_id == record.id and m.entity_id == entity_id
                    )
                    raise _Problem(f"{here}: do not list {entity_id}, which $.mentions[{at}] names in it")
            raise _Problem(
                f"{here}: are not in the order of first mention ({', '.join(named)}), or list one twice"
            )


CASES = {
    "ru": ("nominative", "genitive", "dative", "accusative", "instrumental", "prepositional"),
    "kk": ("nominative", "genitive", "dative", "accusative", "instrumental", "locative", "ablative"),
}
"""The grammatical cases a generated form's ``grammatical_case`` names, by language, in the build's order.

A form that serves several cases names them all, in this order, joined by
``", "`` ("genitive, accusative").  The build's own lists
(``kzrights_build.inflect``), held equal by a test, which loading does not import.
"""


def _check_form_vocabulary(document: ReleaseDocument) -> None:
    """Each entity form's ``language`` and ``grammatical_case`` are what the build gives it.

    A curated form's language is the one its letters show
    (`kzrights._names._script_language`: ``"kk"`` for Cyrillic with a
    letter only Kazakh uses, ``"ru"`` for other Cyrillic, null for Latin),
    and it has no case; a generated form is an inflected Cyrillic form, in
    Russian or Kazakh, whose case is one or more of that language's `CASES`,
    each once, in their order.
    """
    from ._names import _script_language

    for n, entity in enumerate(document.entities):
        for m, form in enumerate(entity.forms):
            where = f"$.entities[{n}].forms[{m}]"
            shown = _script_language(form.text)
            if not form.generated:
                if form.language != shown:
                    raise _Problem(
                        f"{where}.language: {form.language!r}, where the letters of {form.text!r} "
                        f"show {shown!r} (kk: a letter only Kazakh uses; ru: other Cyrillic; null: Latin)"
                    )
                if form.grammatical_case is not None or form.form is AliasForm.INFLECTED:
                    raise _Problem(f"{where}: a curated form is not inflected and has no grammatical case")
                continue
            if form.form is not AliasForm.INFLECTED or shown is None or form.language not in CASES:
                raise _Problem(
                    f"{where}: a generated form is an inflected Cyrillic form in ru or kk, "
                    f"not {form.form.value} {form.text!r} in {form.language!r}"
                )
            order = CASES[form.language]
            named = (form.grammatical_case or "").split(", ")
            if not (set(named) <= set(order) and named == sorted(set(named), key=order.index)):
                raise _Problem(
                    f"{where}.grammatical_case: {form.grammatical_case!r} is not one or more of the "
                    f"{form.language} cases {', '.join(order)}, each once, in that order"
                )


_RECORD_AND_ENTITY = operator.itemgetter(
    Mention._fields.index("record_id"), Mention._fields.index("entity_id")
)
"""A mention's (record_id, entity_id), read at C speed (a mention is a named tuple)."""


def _check_marker_offsets(document: ReleaseDocument, source: str) -> None:
    """Each footnote marker's ``offset`` is where the build's reading of the source puts it in the text.

    The build reads a record's span with `kzrights._provenance.clean`;
    this reads it again, with the same function, and compares the offsets
    of the markers.  `kzrights.verify` runs it: importing that module and
    reading every record again would cost each first load about a millisecond.
    """
    from ._provenance import clean

    for name in ("paragraphs", "items", "recommendations"):
        for position, record in enumerate(getattr(document, name)):
            refs = record.footnote_refs
            if not refs:
                continue
            expected = [offset for _, offset, _ in clean(source, record.span.start, record.span.end).refs]
            if len(expected) != len(refs):  # the build's reading finds other markers than load()'s
                raise _Problem(f"$.{name}[{position}].footnote_refs: are not the markers the build reads")
            for number, (ref, offset) in enumerate(zip(refs, expected, strict=True)):
                if ref.offset != offset:
                    raise _Problem(
                        f"$.{name}[{position}].footnote_refs[{number}].offset: {ref.offset} is not where "
                        f"its marker {_show(ref.source_span)} stands in the text, {offset}"
                    )


def _check_sources(document: ReleaseDocument, index: dict[str, Any]) -> None:
    """A footnote's ``same_source_as`` and ``ibid_of`` agree with the other footnotes' and the sources'."""
    for position, footnote in enumerate(document.footnotes):
        here = f"$.footnotes[{position}]"
        for number, other in enumerate(footnote.same_source_as):
            if other == footnote.id or footnote.id not in index[other].same_source_as:
                raise _Problem(f"{here}.same_source_as[{number}]: {other} does not name {footnote.id} back")
        if footnote.ibid_of is not None and (
            footnote.ibid_of not in footnote.same_source_as
            or index[footnote.ibid_of].number >= footnote.number
        ):
            raise _Problem(
                f"{here}.ibid_of: {footnote.ibid_of} is not an earlier footnote of the same source"
            )
    sourced: set[str] = set()
    for position, source in enumerate(document.sources):
        own = set(source.footnote_ids)
        for number, footnote_id in enumerate(source.footnote_ids):
            here = f"$.sources[{position}].footnote_ids[{number}]"
            if footnote_id in sourced:
                raise _Problem(f"{here}: {footnote_id} is a footnote of another source too")
            sourced.add(footnote_id)
            if set(index[footnote_id].same_source_as) != own - {footnote_id}:
                raise _Problem(
                    f"{here}: {footnote_id}'s same_source_as are not the other footnotes of this source"
                )


# what no string of a release holds: the C0 controls but tab, line feed and carriage return
# (XML, so the workbook and the HTML, refuses them; C strings end at a NUL), and lone surrogates
# (no UTF-8 encodes them: every export that writes text fails)
# (built when a release needs the check, which no shipped one does: 2,079 characters
# would cost every first load about a tenth of a millisecond)
def _not_text() -> frozenset[str]:
    return frozenset(chr(code) for code in range(32) if chr(code) not in "\t\n\r") | frozenset(
        chr(code) for code in range(0xD800, 0xE000)
    )


def check_characters(data: Any, *, version: str, file: str) -> None:
    r"""Check that no string of a parsed JSON document holds a control character or a lone surrogate.

    JSON can carry either only as an escape (``"\u0000"``, ``"\ud800"``), or,
    for a lone surrogate, as its UTF-8 bytes (``ED A0 80``), which
    ``json.loads`` decodes with ``surrogatepass``; so the loader calls this
    only where the file's bytes hold a backslash or the byte 0xED, which no
    shipped release has (a ``memchr`` over the file for each decides).

    Raises:
        DataIntegrityError: Naming the JSON path of the first such string
            and the character's code point.
    """
    not_text = _not_text()
    stack: list[tuple[str, Any]] = [("$", data)]
    while stack:
        path, value = stack.pop()
        if isinstance(value, str):
            if not not_text.isdisjoint(value):
                char = next(c for c in value if c in not_text)
                what = "a lone surrogate" if "\ud800" <= char <= "\udfff" else "a control character"
                raise DataIntegrityError(version, file, f"{path}: holds U+{ord(char):04X}, {what}")
        elif isinstance(value, dict):
            for key, item in reversed(value.items()):
                if not not_text.isdisjoint(key):
                    raise DataIntegrityError(
                        version, file, f"{path}: a key holds a control character or surrogate"
                    )
                stack.append((f"{path}.{key}", item))
        elif isinstance(value, list):
            stack.extend(reversed([(f"{path}[{n}]", item) for n, item in enumerate(value)]))


def check_derived(found: Any, expected: Any, *, version: str, file: str) -> None:
    """Check a derived file's parsed payload against the data computed from its release.

    The loader trusts a derived file whose header matches its release (see
    `kzrights.releases.ReleaseStore.derived`); `kzrights.verify` also checks
    its content with this, so a payload rewritten with a consistent sha256
    is caught.  The payload is parsed first as every release file is (UTF-8
    without a byte order mark, no key given twice: see
    ``kzrights.releases._parse_json``).

    Args:
        found: The file's payload (the bytes after its header line), parsed.
        expected: The payload computed in memory from the release, JSON-ready.
        version: The release's version.
        file: The derived file, relative to the data folder.

    Raises:
        DataIntegrityError: If the payload differs from ``expected``, in value
            or in a number's type.
    """
    # == alone would take a length rewritten as 78.0, or a 1 as true, for the number
    if found != expected or not _same_json_types(found, expected):
        raise DataIntegrityError(
            version,
            file,
            "payload differs from what the release gives "
            "(its header matches, its content does not; rebuild it with python -m kzrights_build)",
        )


def _same_json_types(found: Any, expected: Any) -> bool:
    """Whether parsed JSON ``found`` has the types of the JSON-ready ``expected`` everywhere.

    Called on values already equal (``==``): what is left to check is that
    no number became another type (``1``, ``1.0`` and ``True`` are equal in
    Python), at any depth.  A JSON array stands for a list or a tuple.
    """
    kind = type(found)
    if kind is list:
        return type(expected) in (list, tuple) and all(map(_same_json_types, found, expected))
    if kind is dict:
        return type(expected) is dict and all(
            _same_json_types(value, expected[key]) for key, value in found.items()
        )
    return kind is type(expected)
