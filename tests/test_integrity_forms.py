"""An entity form's language and grammatical case are what the build gives it (session 17's tester).

A tester changed a form's ``language`` and a theme's name, made every hash
agree, and the release verified: the curated fields were not held to any
vocabulary.  A form's language restates its letters, and a generated form's
case is one or more of its language's cases, so ``verify()`` can hold both
(a theme's name is free text: nothing in the release fixes it, as
docs/versioning.md says of curated texts).
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kzrights import DataIntegrityError, _integrity
from kzrights_build import inflect

from .conftest import DATA
from .tampering import set_at, store_with

VERSION = "1.3.1"
_DOCUMENT = json.loads((DATA / "releases" / VERSION / "report.json").read_bytes())
_FORMS = [  # the entities with forms of their own (the others' are derived, and verify derives them again)
    (n, m, form)
    for n, entity in enumerate(_DOCUMENT["entities"])
    for m, form in enumerate(entity.get("forms", ()))
]
_CURATED = [(n, m, form) for n, m, form in _FORMS if not form["generated"]]
_GENERATED = [(n, m, form) for n, m, form in _FORMS if form["generated"]]


def _verify_error(*edits: Any) -> DataIntegrityError | None:
    document = json.loads(json.dumps(_DOCUMENT))
    for edit in edits:
        edit(document)
    try:
        store_with(document, VERSION).verify(VERSION)
    except DataIntegrityError as error:
        return error
    return None


def _refused(where: str, reason: str, *edits: Any) -> None:
    error = _verify_error(*edits)
    assert error is not None, f"taken: {edits}"
    assert error.reason.startswith(where), error.reason
    assert reason in error.reason, error.reason


def test_every_shipped_release_verifies() -> None:
    """Each release's forms are as the build writes them; the edits below are the only fault."""
    assert _verify_error() is None
    assert _CURATED and _GENERATED and {f["language"] for *_, f in _CURATED} == {None, "ru", "kk"}


def test_the_cases_are_the_builds() -> None:
    """The check's own case lists (loading does not import the build) are the build's, in its order."""
    order = {case: n for n, case in enumerate(inflect.Case)}
    for language, cases in (("ru", inflect.RUSSIAN_CASES), ("kk", inflect.KAZAKH_CASES)):
        assert _integrity.CASES[language] == tuple(c.value for c in sorted(cases, key=order.__getitem__))


@settings(max_examples=40, deadline=None)
@given(data=st.data())
def test_a_curated_forms_language_is_what_its_letters_show(data: Any) -> None:
    """Any curated form given any other language (or a code that is none of them) is refused."""
    n, m, form = data.draw(st.sampled_from(_CURATED), label="form")
    language = data.draw(
        st.sampled_from([None, "ru", "kk", "en", "kz", "RU", ""]).filter(lambda x: x != form["language"]),
        label="language",
    )
    _refused(
        f"$.entities[{n}].forms[{m}].language",
        f"where the letters of {form['text']!r} show {form['language']!r}",
        set_at("entities", n, "forms", m, "language", language),
    )


@settings(max_examples=20, deadline=None)
@given(data=st.data())
def test_a_curated_form_has_no_case(data: Any) -> None:
    n, m, _ = data.draw(st.sampled_from(_CURATED), label="form")
    case = data.draw(st.sampled_from(["genitive", "nominative", "dative, prepositional"]), label="case")
    _refused(
        f"$.entities[{n}].forms[{m}]",
        "a curated form is not inflected and has no grammatical case",
        set_at("entities", n, "forms", m, "grammatical_case", case),
    )


_ANY_CASES = st.lists(
    st.sampled_from([*_integrity.CASES["ru"], "locative", "ablative", "vocative", "Genitive", ""]),
    min_size=1,
    max_size=4,
).map(", ".join)


@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_a_generated_forms_case_is_its_languages_in_order(data: Any) -> None:
    """Any case string but one or more of the form's language's cases, each once, in order, is refused."""
    n, m, form = data.draw(st.sampled_from(_GENERATED), label="form")
    order = _integrity.CASES[form["language"]]
    case = data.draw(_ANY_CASES, label="case")
    named = case.split(", ")
    valid = set(named) <= set(order) and named == sorted(set(named), key=order.index)
    error = _verify_error(set_at("entities", n, "forms", m, "grammatical_case", case))
    if valid:  # another right case: the vocabulary cannot tell (the form's text is not declined again)
        assert error is None or "grammatical_case" not in error.reason
    else:
        assert error is not None, f"{case!r} taken for {form['text']!r}"
        assert error.reason.startswith(f"$.entities[{n}].forms[{m}].grammatical_case: {case!r}")


@pytest.mark.parametrize(
    ("field", "value", "reason"),
    [
        ("language", "en", "a generated form is an inflected Cyrillic form in ru or kk"),
        ("language", None, "a generated form is an inflected Cyrillic form in ru or kk"),
        ("form", "alias", "a generated form is an inflected Cyrillic form in ru or kk, not alias"),
        ("text", "Tokayeva", "a generated form is an inflected Cyrillic form in ru or kk"),
        ("grammatical_case", None, "is not one or more of the"),
    ],
)
def test_a_generated_form_is_an_inflected_cyrillic_form(field: str, value: Any, reason: str) -> None:
    n, m, _ = _GENERATED[0]
    _refused(f"$.entities[{n}].forms[{m}]", reason, set_at("entities", n, "forms", m, field, value))
