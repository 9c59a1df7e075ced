"""A release's ``report.json`` structured into its `ReleaseDocument`: what the first load runs.

`structure_document` structures a release with the functions the builder
generated (`kzrights._structure_gen`), and gives the entities stored without
forms their default ones, from the release's derived ``forms.json`` where it
is trusted and fits.  Only where either does not serve does it import
`kzrights._converter`: its exact hooks, for a release the generated functions
do not take (and their error, which names the field path), and the name keys
that derive default forms.  A process that only loads shipped releases so
never imports the converter, whose hooks and unstructuring it would not run.
"""

from collections.abc import Callable
from typing import Any

from ._compat import json_loads
from ._document import ReleaseDocument
from ._layout import READABLE_SCHEMAS
from .errors import DataIntegrityError
from .records import Alias, AliasForm, Ambiguity, Entity

__all__ = ["FORMS_FORMAT", "structure_document"]

FORMS_FORMAT = 1
"""The format of the payload of a release's derived ``forms.json`` that this code reads and writes."""


def structure_document(
    data: Any,
    *,
    version: str | None,
    file: str,
    derived_forms: Callable[[], bytes | None] | None = None,
    references: list[Any] | None = None,
) -> ReleaseDocument:
    """Build a `ReleaseDocument` from JSON data, checking its schema.

    Args:
        data: The release's ``report.json``, as parsed JSON.
        version: The release's version, for errors.
        file: The file's name, for errors.
        derived_forms: Returns the payload of the release's derived forms
            file, or None; called only if an entity is stored without forms.
        references: If given, receives what the document refers to, as the
            generated structure functions collected it (the argument
            `kzrights._integrity.check_release` takes as ``collected``);
            nothing where the exact hooks structured the document.

    Raises:
        DataIntegrityError: If ``data`` is not a release document of a layout
            this version reads, naming the field path of the first fault.
    """
    if not isinstance(data, dict):
        raise DataIntegrityError(version, file, "expected a JSON object at the top level")
    schema = data.get("schema")
    # exactly an int: a list is unhashable, and True would pass for 1
    if type(schema) is not int or schema not in READABLE_SCHEMAS:
        raise DataIntegrityError(
            version, file, f"schema {schema!r:.40} is not one this version reads ({sorted(READABLE_SCHEMAS)})"
        )
    from ._structure_gen import REFERENCE_KINDS, structure_release_document

    try:
        # the functions the builder generated from the record classes: the same
        # records as the exact hooks, faster; they raise on anything the hooks
        # might not take, which the hooks then decide, for their error
        document, collected = structure_release_document(data)
    except Exception:  # noqa: BLE001 - any JSON they do not take goes to the exact hooks
        from ._converter import _document_hooks, _structure

        document = _structure(_document_hooks, data, ReleaseDocument, version=version, file=file)
    else:
        if references is not None:
            references.append((REFERENCE_KINDS, collected))
    return _with_forms(document, derived_forms)


_LANGUAGES = frozenset({None, "ru", "kk"})


def _derived_forms(entity: Entity, pairs: Any) -> tuple[Alias, ...] | None:
    """The forms the derived file gives ``entity``, or None where they do not fit it."""
    texts = [entity.name, *(alias for alias in entity.aliases if alias != entity.name)]
    if type(pairs) is not list or len(pairs) != len(texts):
        return None
    forms = []
    kinds: dict[Any, AliasForm] = AliasForm._value2member_map_  # type: ignore[assignment]
    for text, pair in zip(texts, pairs, strict=True):  # lengths checked above
        if type(pair) is not list or len(pair) != 2 or type(pair[0]) is not str:
            return None
        kind, language = pair
        # typed before the set look-ups: a list there is unhashable, and the file is not trusted that far
        if language is not None and type(language) is not str:
            return None
        if kind not in kinds or language not in _LANGUAGES:
            return None
        forms.append(Alias(text, kinds[kind], Ambiguity.SAFE, False, language, None))  # in order: no keywords
    if forms[0].form is not AliasForm.NAME:
        return None
    return tuple(forms)


_set_forms: Any = Entity.__dict__["forms"].__set__  # the slot itself, as attrs' __init__ fills it


def _with_forms(document: ReleaseDocument, derived: Callable[[], bytes | None] | None) -> ReleaseDocument:
    """The document just structured, each entity stored without forms given its default ones (in place).

    They are taken from the release's derived forms file where it is there,
    trusted (the store checks its header and sha256) and fits the entity;
    otherwise they are derived here (`kzrights._names.default_forms`), so the
    file makes loading faster but never changes a record.
    """
    if all(entity.forms for entity in document.entities):
        return document
    known: Any = None
    payload = derived() if derived is not None else None
    if payload is not None:
        try:
            known = json_loads(payload).get("entities")
        except (ValueError, AttributeError, RecursionError):
            known = None
    if type(known) is not dict:
        known = {}
    for entity in document.entities:
        if not entity.forms:
            forms = _derived_forms(entity, known.get(entity.id))
            if forms is None:
                from ._converter import _default_forms  # the file does not serve: rare

                forms = _default_forms(entity.name, entity.aliases)
            # Set in place: the entity was structured a moment ago and nothing else
            # holds it yet (the caller hands the document out only after this).
            # attrs.evolve would build a new entity and then a new document,
            # about a quarter of a millisecond for a release's 56 entities.
            _set_forms(entity, forms)
    return document
