"""Arguments of the wrong type or value, and what the user is told (issue 11).

Each fault is driven as a user meets it: records built by hand and given to
a `Linker`, a flag given as ``"yes"``, a tracker type built with the wrong
types, a look-up's message, any value in any argument of a public call.  The
property tests sweep every field, every flag and every value kind from one
table each (`ENTITY_FIELDS`, `ALIAS_FIELDS`, `RULES_FIELDS`, `FLAGS`, and
`CALLS` for the rest), so a new field or flag that forgets its check fails
here.  (Ctrl-C on a blocked ``--json`` output: test_cli_interrupts.py.)
"""

from __future__ import annotations

import datetime
import inspect
import pickle
import re
import tempfile
import types
import uuid
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

import kzrights
from kzrights import Linker, followup
from kzrights.errors import (
    ArgumentTypeError,
    InvalidRecordError,
    KzrightsError,
    RecordTypeError,
    UnknownIdError,
)
from kzrights.records import Alias, AliasForm, Ambiguity, Entity, EntityCategory, LinkingRules

REPORT = kzrights.load("1.3.1")

# values of every kind a caller might pass by mistake, for every sweep below
ANY_VALUE = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=True),
    st.text(max_size=6),
    st.binary(max_size=4),
    st.lists(st.text(max_size=3), max_size=2),
    st.lists(st.integers(), max_size=2),
    st.tuples(st.text(max_size=3)),
    st.dictionaries(st.text(max_size=2), st.integers(), max_size=2),
    st.dates(),
    st.datetimes(),
    st.builds(object),
    st.from_type(type).filter(lambda t: t is not type),
    st.sampled_from([frozenset({1}), range(2), b"", bytearray(b"x"), 1j, EntityCategory.PERSON]),
    st.builds(lambda: _the_set()),
)


def _entity(**fields: Any) -> Entity:
    """A hand-built entity of the kind issue 14's users bring, with ``fields`` changed."""
    base: dict[str, Any] = {
        "id": "entities.example-ngo",
        "category": EntityCategory.ORGANISATION,
        "name": "Example Rights Watch",
        "aliases": ("ERW",),
        "description": "A made-up NGO.",
    }
    return Entity(**{**base, **fields})


OTHER = _entity(id="entities.other-body", name="Other Body", aliases=())


# ── 1. records built by hand with wrong field types ──────────────────────────


def test_the_tester_s_hand_built_records_are_refused_naming_record_and_field():
    """``Entity(id=5)``, ``Alias(5)`` and ``LinkingRules(context_words=(5,))`` failed inside the matcher."""
    with pytest.raises(RecordTypeError) as caught:
        Linker(entities=[_entity(id=5)])
    assert (caught.value.record, caught.value.field) == ("entity #0", "id")
    assert str(caught.value) == "entity #0 id=5: must be a str, not int"  # not id='5'
    assert caught.value.value == 5 and type(caught.value.value) is int

    with pytest.raises(RecordTypeError) as caught:
        Linker([_entity(forms=(Alias("ERW"), Alias(5)))])
    assert (caught.value.record, caught.value.field) == ("entity 'entities.example-ngo'", "forms[1].text")

    with pytest.raises(RecordTypeError) as caught:
        Linker([_entity()], rules=LinkingRules(context_words=(5,)))
    assert (caught.value.record, caught.value.field) == ("linking rules", "context_words[0]")

    with pytest.raises(RecordTypeError) as caught:
        Linker.from_release("1.3.1").with_entities([_entity(aliases="ERW")])
    assert caught.value.field == "aliases" and "a tuple of str, not str" in str(caught.value)
    # a TypeError for ``except TypeError``, and it crosses a process boundary whole
    assert isinstance(caught.value, TypeError)
    copy = pickle.loads(pickle.dumps(caught.value))
    assert (copy.record, copy.field, str(copy)) == (
        caught.value.record,
        caught.value.field,
        str(caught.value),
    )


def test_an_enum_value_that_is_no_member_is_an_invalid_record():
    """``category="ngo"`` or an ambiguity ``"maybe"`` names the choices, not a KeyError in the matcher."""
    with pytest.raises(InvalidRecordError) as caught:
        Linker([_entity(category="ngo")])
    assert caught.value.field == "category" and "organisation" in str(caught.value)
    assert not isinstance(caught.value, TypeError)
    with pytest.raises(InvalidRecordError, match=r"forms\[0\]\.ambiguity"):
        Linker([_entity(forms=(Alias("ERW", ambiguity="maybe"),))])


@pytest.mark.parametrize("word", ["", " ", "*", "--", "\u200b"])
def test_a_rules_word_that_would_match_everywhere_is_refused(word):
    """A context word of no letter made every text "about Kazakhstan" (and linked "Parliament" anywhere)."""
    with pytest.raises(InvalidRecordError) as caught:
        Linker([_entity()], rules=LinkingRules(context_words=("Astana", word)))
    assert caught.value.field == "context_words[1]"


def test_lists_and_enum_values_are_taken_as_the_record_would_hold_them():
    """A registry read from TOML or JSON (lists, category strings) links as the typed one does."""
    typed = Linker([_entity(forms=(Alias("ERW", AliasForm.ACRONYM, Ambiguity.SAFE),))])
    loose = Linker(
        [_entity(aliases=["ERW"], category="organisation", forms=[Alias("ERW", "acronym", "safe")])]
    )
    text = "ERW and Example Rights Watch reported."
    assert loose.annotate(text) == typed.annotate(text) != []
    (entity,) = loose.entities
    assert type(entity.aliases) is tuple and entity.category is EntityCategory.ORGANISATION
    assert entity.forms[0].form is AliasForm.ACRONYM
    hash(entity)  # a list left inside would make it unhashable
    rules = Linker([_entity()], rules=LinkingRules(titles=["Mr"])).rules
    assert rules.titles == ("Mr",) and type(rules.titles) is tuple


# What each field takes; a value of another type must be refused naming the field.
def _is_text(value: object) -> bool:
    return isinstance(value, str)


def _is_optional_text(value: object) -> bool:
    return value is None or isinstance(value, str)


def _is_texts(value: object) -> bool:
    return isinstance(value, (tuple, list)) and all(isinstance(v, str) for v in value)


def _is_member(kind: Any) -> Any:
    return lambda value: (
        isinstance(value, kind) or (isinstance(value, str) and value in {m.value for m in kind})
    )


def _is_entity_id(value: object) -> bool:
    """An id as a release's entities have them: ``entities.`` and a slug (written out here, as an oracle)."""
    return isinstance(value, str) and re.fullmatch(r"entities\.[a-z0-9]+(?:-[a-z0-9]+)*", value) is not None


ENTITY_FIELDS = {
    "id": _is_entity_id,
    "category": _is_member(EntityCategory),
    "name": _is_text,
    "aliases": _is_texts,
    "description": _is_text,
    "related_ids": _is_texts,
    "background": _is_optional_text,
    "background_basis": _is_optional_text,
}
ALIAS_FIELDS = {
    "text": _is_text,
    "form": _is_member(AliasForm),
    "ambiguity": _is_member(Ambiguity),
    "generated": lambda value: value is True or value is False,
    "language": _is_optional_text,
    "grammatical_case": _is_optional_text,
}
RULES_FIELDS = {field.name: _is_texts for field in attrs.fields(LinkingRules)}


def test_the_sweep_covers_every_field_of_the_records_a_linker_takes():
    """A field added to Entity, Alias or LinkingRules must be added to the sweep below."""
    assert {f.name for f in attrs.fields(Entity)} == {*ENTITY_FIELDS, "forms"}
    assert {f.name for f in attrs.fields(Alias)} == set(ALIAS_FIELDS)
    assert set(RULES_FIELDS) == {f.name for f in attrs.fields(LinkingRules)}


def _outcome(build: Any) -> KzrightsError | None:
    """What building the linker gave: None, or the kzrights error; anything else fails the test."""
    refused: KzrightsError | None = None
    try:
        linker = build()
        linker.annotate("Example Rights Watch, ERW, Other Body and the Parliament of Astana.")
    except KzrightsError as error:
        refused = error
    except Exception as error:  # noqa: BLE001 - what the test is for: name the escape
        pytest.fail(f"{type(error).__name__} from inside the linker: {error}")
    if refused is not None:
        assert str(refused)
        assert type(pickle.loads(pickle.dumps(refused))) is type(refused)
    return refused


@given(field=st.sampled_from(sorted(ENTITY_FIELDS)), value=ANY_VALUE)
@example(field="id", value=5)
@example(field="aliases", value="ERW")
@example(field="category", value="person")
@example(field="related_ids", value=[5])
def test_any_value_in_any_entity_field_is_taken_or_refused_naming_it(field, value):
    """Whatever a hand-built entity holds in one field, the linker takes it or names that field."""
    error = _outcome(lambda: Linker([_entity(**{field: value}), OTHER]))
    if not ENTITY_FIELDS[field](value):
        assert isinstance(error, InvalidRecordError), f"{field}={value!r} was taken"
        assert error.field.split("[")[0] == field


@given(field=st.sampled_from(sorted(ALIAS_FIELDS)), value=ANY_VALUE)
@example(field="text", value=5)
@example(field="generated", value="yes")
@example(field="ambiguity", value="context")
def test_any_value_in_any_field_of_a_form_is_taken_or_refused_naming_it(field, value):
    """A form (an `Alias` in ``forms``) is checked field by field, as the entity is."""
    form = Alias(**{"text": "ERW", **{field: value}})
    error = _outcome(lambda: Linker([_entity(forms=(Alias("Example Rights Watch"), form)), OTHER]))
    if not ALIAS_FIELDS[field](value):
        assert isinstance(error, InvalidRecordError), f"{field}={value!r} was taken"
        assert error.field == f"forms[1].{field}"


@given(field=st.sampled_from(sorted(RULES_FIELDS)), value=ANY_VALUE)
@example(field="context_words", value=(5,))
@example(field="titles", value="Mr")
def test_any_value_in_any_field_of_the_rules_is_taken_or_refused_naming_it(field, value):
    """`LinkingRules` built by hand: a tuple of str per field, or an error naming the field."""
    error = _outcome(lambda: Linker([_entity(), OTHER], rules=LinkingRules(**{field: value})))
    if not RULES_FIELDS[field](value):
        assert isinstance(error, InvalidRecordError), f"{field}={value!r} was taken"
        assert error.field.split("[")[0] == field


@given(value=ANY_VALUE)
@example(value=5)
def test_any_value_as_the_forms_of_an_entity_is_taken_or_refused_naming_it(value):
    """``forms`` holds Alias records: a str, an int or a list of str is named, not matched."""
    error = _outcome(lambda: Linker([_entity(forms=value), OTHER]))
    if not (isinstance(value, (tuple, list)) and all(isinstance(v, Alias) for v in value)):
        assert isinstance(error, InvalidRecordError), f"forms={value!r} was taken"
        assert error.field.startswith("forms")


# ── 2. a flag is True or False ────────────────────────────────────────────────

_NOWHERE = Path(tempfile.gettempdir()) / f"kzrights-no-such-folder-{uuid.uuid4().hex}"


def _comparison() -> followup.Comparison:
    row = followup.Assessment(
        "recommendations.government.6", datetime.date(2023, 1, 31), "not implemented", "Monitor"
    )
    tracker = followup.AssessmentSet("1.3.1", (row,))
    return followup.compare(tracker, tracker)


def _flags() -> dict[str, Any]:
    """Every bool parameter of the public API, called with one value; nothing is ever written."""
    linker = Linker.from_release("1.3.1")
    tracker = followup.AssessmentSet("1.3.1")
    comparison = _comparison()
    calls = {
        "annotate unambiguous_only": lambda x: kzrights.annotate("Tokayev", unambiguous_only=x),
        "Linker.annotate unambiguous_only": lambda x: linker.annotate("Tokayev", unambiguous_only=x),
        "Report.entity unambiguous_only": lambda x: REPORT.entity("Tokayev", unambiguous_only=x),
        "export overwrite": lambda x: kzrights.export(REPORT, "json", _NOWHERE / "out.json", overwrite=x),
        "followup.write overwrite": lambda x: followup.write(tracker, _NOWHERE / "t.csv", overwrite=x),
        "followup.template overwrite": lambda x: followup.template(None, _NOWHERE / "t.csv", overwrite=x),
        "Comparison.write_html overwrite": lambda x: comparison.write_html(_NOWHERE / "c.html", overwrite=x),
        "Vocabulary.extended needs_evidence": lambda x: followup.DEFAULT_VOCABULARY.extended(
            "awaiting", needs_evidence=x
        ),
        "Status needs_evidence": lambda x: followup.Status("awaiting", needs_evidence=x),
    }
    try:
        from kzrights.spacy import KzrightsLinker
    except ImportError:  # the spacy extra is not installed
        pass
    else:
        from kzrights.spacy import make_linker

        calls["KzrightsLinker overwrite_ents"] = lambda x: KzrightsLinker("1.3.1", overwrite_ents=x)
        calls["make_linker overwrite_ents"] = lambda x: make_linker(None, "kzrights_linker", "1.3.1", x)  # type: ignore[arg-type]
    return calls


FLAGS = _flags()


def _public_functions(module: Any) -> list[tuple[str, Any]]:
    """The module's own public functions, and its classes' public methods and constructors, by name."""
    found = []
    for name, member in vars(module).items():
        if name.startswith("_") or getattr(member, "__module__", None) != module.__name__:
            continue
        if inspect.isfunction(member):
            found.append((name, member))
        elif inspect.isclass(member):
            methods = [(n, f) for n, f in vars(member).items() if not n.startswith("_") or n == "__init__"]
            found += [
                (name if n == "__init__" else f"{name}.{n}", f) for n, f in methods if inspect.isfunction(f)
            ]
    return found


def test_every_bool_parameter_of_the_public_api_is_in_the_sweep():
    """Found by signature: a public flag that the sweep below does not call fails this test."""
    from kzrights import annotation, exports, linker, report

    modules = [annotation, exports, linker, report, followup]
    if any(key.startswith("KzrightsLinker") for key in FLAGS):
        from kzrights import spacy

        modules.append(spacy)
    found = {
        (name, parameter.name)
        for module in modules
        for name, function in _public_functions(module)
        for parameter in inspect.signature(function).parameters.values()
        if parameter.annotation in ("bool", bool)
    }
    listed = {(key.split()[0].removeprefix("followup."), key.split()[1]) for key in FLAGS}
    assert found <= listed, f"bool parameters the sweep does not call: {sorted(found - listed)}"
    assert len(found) >= 9


@pytest.mark.parametrize("name", sorted(FLAGS))
@given(value=ANY_VALUE)
@example(value="yes")
@example(value="x")
@example(value=1)
@example(value=0)
@example(value=None)
def test_a_flag_that_is_not_a_bool_is_an_argument_type_error(name, value):
    """``annotate(text, unambiguous_only="yes")``, ``export(..., overwrite="x")``: refused, named."""
    flag = name.split()[1]
    refused: ArgumentTypeError | None = None
    try:
        FLAGS[name](value)
    except ArgumentTypeError as error:
        refused = error
    except KzrightsError:  # a flag of the right type, and a destination that does not exist
        pass
    if value is True or value is False:
        assert refused is None, str(refused)
    else:
        assert refused is not None, f"{name}={value!r} was taken"
        assert refused.argument == flag, str(refused)
        assert str(refused).startswith(f"{flag} must be True or False, not ")
        # named as Python names it, or with its package when it is not Python's (datetime.date)
        assert str(refused).endswith(type(value).__name__) or str(refused).endswith(refused.got)
        assert refused.got.rpartition(".")[2] == type(value).__qualname__


@pytest.mark.parametrize("name", sorted(FLAGS))
def test_numpy_s_bool_for_a_flag_is_named_as_numpy_s(name):
    """``overwrite=numpy.True_`` said "must be True or False, not bool": numpy's bool is named, and mended."""
    numpy = pytest.importorskip("numpy")
    flag = name.split()[1]
    with pytest.raises(ArgumentTypeError) as caught:
        FLAGS[name](numpy.True_)
    message = str(caught.value)
    assert message.startswith(f"{flag} must be True or False, not numpy.bool"), message
    assert "bool(value) converts it" in message and caught.value.got.startswith("numpy.bool")
    copy = pickle.loads(pickle.dumps(caught.value))
    assert (str(copy), copy.got) == (message, caught.value.got)


# ── 3. the tracker's own types refuse wrong types when made ───────────────────


@pytest.mark.parametrize(
    ("make", "argument"),
    [
        (lambda: followup.Vocabulary(5), "statuses"),
        (lambda: followup.Vocabulary("implemented"), "statuses"),
        (lambda: followup.Vocabulary((followup.Status("done"), "done")), "statuses[1]"),
        (lambda: followup.Status(5), "name"),
        (lambda: followup.Status("done", rank="2"), "rank"),
        (lambda: followup.Status("done", rank=True), "rank"),
        (lambda: followup.Status("done", description=None), "description"),
        (lambda: followup.AssessmentSet(1.3), "data_version"),
        (lambda: followup.AssessmentSet("1.3.1", "rows"), "assessments"),
        (lambda: followup.AssessmentSet("1.3.1", ({"recommendation_id": "x"},)), "assessments[0]"),
        (lambda: followup.DEFAULT_VOCABULARY.extended("awaiting", description=5), "description"),
        (lambda: followup.DEFAULT_VOCABULARY.get(5), "name"),
    ],
)
def test_the_tracker_s_types_refuse_wrong_types_when_made(make, argument):
    """The tester's ``Vocabulary(5)`` was accepted, and failed later in validate() with an AttributeError."""
    with pytest.raises(ArgumentTypeError) as caught:
        make()
    assert caught.value.argument == argument


def test_a_vocabulary_of_a_list_works_as_one_of_a_tuple():
    """A list of statuses is taken as a tuple: the vocabulary stays hashable and validates."""
    statuses = list(followup.DEFAULT_VOCABULARY.statuses)
    mine = followup.Vocabulary(statuses)
    assert mine == followup.DEFAULT_VOCABULARY and hash(mine) == hash(followup.DEFAULT_VOCABULARY)
    row = followup.Assessment(
        "recommendations.government.6", datetime.date(2023, 1, 31), "not implemented", "Monitor"
    )
    followup.validate(followup.AssessmentSet("1.3.1", [row]), vocabulary=mine)


# ── 4. messages name the argument as the user wrote it ────────────────────────


def _one_text_methods() -> list[str]:
    """The Report's public methods whose first parameter is a text the user gives."""
    names = []
    for name, method in inspect.getmembers(kzrights.Report, inspect.isfunction):
        if name.startswith("_"):
            continue
        parameters = list(inspect.signature(method).parameters.values())[1:]
        required = [p for p in parameters if p.default is inspect.Parameter.empty]
        if len(required) == 1 and parameters[0] is required[0] and "str" in str(required[0].annotation):
            names.append(name)
    return names


@pytest.mark.parametrize("method", _one_text_methods())
@pytest.mark.parametrize("value", [5, None, b"Tokayev"])
def test_a_wrong_type_is_named_by_the_method_s_own_parameter(method, value):
    """``recommendations_on(5)`` said "id must be a str": every method names its own parameter."""
    function = getattr(REPORT, method)
    parameter = next(iter(inspect.signature(function).parameters))
    with pytest.raises(KzrightsError) as caught:
        function(value)
    assert getattr(caught.value, "argument", None) == parameter, str(caught.value)
    assert str(caught.value).startswith(parameter) or parameter in str(caught.value)


def test_recommendations_on_names_themes_and_suggests_themes():
    """``recommendations_on(5)`` and a record id that is no theme: the messages speak of a theme."""
    with pytest.raises(ArgumentTypeError, match=r"^theme must be a str"):
        REPORT.recommendations_on(5)
    for wrong in ("conclusions.p1", "themes.presss"):
        with pytest.raises(UnknownIdError) as caught:
            REPORT.recommendations_on(wrong)
        assert str(caught.value).startswith(f"unknown theme {wrong!r}")
        assert all(s.startswith("themes.") for s in caught.value.suggestions)
    assert any(REPORT.recommendations_on(theme.id) for theme in REPORT.themes)


def test_search_and_mentions_of_name_their_entity_argument():
    """``search(entity=5)`` and ``mentions_of(5)`` said "name must be a str"; a long one "the name"."""
    with pytest.raises(ArgumentTypeError, match=r"^entity must be a str, not int"):
        REPORT.search("press", entity=5)
    with pytest.raises(ArgumentTypeError, match=r"^entity must be a str, not int"):
        REPORT.mentions_of(5)
    with pytest.raises(kzrights.InputTooLongError, match=r"^the entity is 2,000 characters"):
        REPORT.search("press", entity="x" * 2000)
    with pytest.raises(ArgumentTypeError, match=r"^name must be a str, not int"):
        REPORT.entity(5)
    with pytest.warns(DeprecationWarning, match="bare entity id") as warned:
        assert REPORT.search("press", entity="kassym-jomart-tokayev") is not None
    assert warned[0].filename == __file__  # still pointed at the user's own line


# ── 5. messages quote a value as it was given ─────────────────────────────────


def _pickles(value: object) -> bool:
    try:
        pickle.dumps(value)
    except (pickle.PicklingError, TypeError, AttributeError):
        return False
    return True


@given(value=ANY_VALUE.filter(lambda v: not isinstance(v, str)))
@example(value=5)
@example(value=b"ERW")
@example(value=types.FunctionType)  # a class pickle cannot find by name ("builtins.function")
def test_a_wrong_type_is_quoted_as_given_and_kept_on_the_error(value):
    """``Entity(id=5)`` said ``id='5'``, as if 5 were a str: the message shows its repr, the error it."""
    with pytest.raises(RecordTypeError) as caught:
        Linker([_entity(id=value)])
    error = caught.value
    assert error.value is value
    assert str(error).startswith(f"entity #0 id={repr(value)[:60]}")
    copy = pickle.loads(pickle.dumps(error))
    assert (str(copy), copy.field) == (str(error), "id")
    if _pickles(value):
        assert type(copy.value) is type(value)
    else:  # a value that does not pickle crosses as its repr (see the next test)
        assert copy.value == repr(value)


def test_an_error_whose_value_does_not_pickle_still_pickles():
    """A value that cannot be pickled (a lock) crosses a process boundary as its repr."""
    import threading

    lock = threading.Lock()
    with pytest.raises(RecordTypeError) as caught:
        Linker([_entity(category=lock)])
    assert caught.value.value is lock
    copy = pickle.loads(pickle.dumps(caught.value))
    assert str(copy) == str(caught.value) and copy.value == repr(lock)


@pytest.mark.parametrize(
    ("build", "expected"),
    [
        (lambda: _entity(category=5), "must be an EntityCategory, not int"),
        (lambda: _entity(forms=(Alias("ERW", form=5),)), "must be an AliasForm, not int"),
        (lambda: _entity(forms=(Alias("ERW", ambiguity=5),)), "must be an Ambiguity, not int"),
        (lambda: _entity(forms=(5,)), "must be an Alias, not int"),
        (lambda: _entity(aliases=5), "must be a tuple of str, not int"),
    ],
)
def test_the_article_before_a_type_is_the_right_one(build, expected):
    """It said "must be a EntityCategory": "an" before a vowel."""
    with pytest.raises(RecordTypeError) as caught:
        Linker([build()])
    assert expected in str(caught.value)


# ── 6. a user's entity ids follow the release's rule ─────────────────────────


@pytest.mark.parametrize(
    "entity_id",
    ["", "x", "entities.a b", "entities.", "entities.Adil", "entities.a--b", "adil-soz", "entities.ё"],
)
def test_an_entity_id_the_release_rules_refuse_is_refused_by_the_linker(entity_id):
    """``Linker([Entity("", ...)])`` was taken, and linked mentions to an id no release could hold."""
    with pytest.raises(InvalidRecordError) as caught:
        Linker([_entity(id=entity_id), OTHER])
    assert (caught.value.record, caught.value.field, caught.value.value) == ("entity #0", "id", entity_id)
    assert not isinstance(caught.value, TypeError)
    assert "entities.adil-soz" in str(caught.value)  # what an id looks like
    with pytest.raises(InvalidRecordError):
        Linker.from_release("1.3.1").with_entities([_entity(id=entity_id)])


@given(
    entity_id=st.text(alphabet="entis.-abz09 A\u00e9", max_size=20).map(lambda k: "entities." + k) | st.text()
)
@example(entity_id="entities.adil-soz")
@example(entity_id="entities.bhutia-2020")
def test_a_linker_takes_an_entity_id_exactly_when_a_release_would(entity_id):
    """Any id: taken when it is ``entities.`` and a slug, else refused naming the id."""
    error = _outcome(lambda: Linker([_entity(id=entity_id), OTHER]))
    if _is_entity_id(entity_id):
        assert error is None, str(error)
    else:
        assert isinstance(error, InvalidRecordError) and error.field == "id", entity_id


# ── 7. every other public call: any value is taken or a kzrights error ────────

TYPE_CASES = [(1.5, 2), (True, 2), (0, 2.0), (0, False), ("1", 2), (None, 2), (1, [2])]


@pytest.mark.parametrize(("start", "end"), TYPE_CASES)
def test_a_span_of_offsets_that_are_no_int_is_refused(start, end):
    """The tester's ``Span(1.5, 2)`` and ``Span(True, 2)`` constructed; they are RecordTypeErrors now."""
    import pickle

    from kzrights.errors import InvalidRecordError, RecordTypeError
    from kzrights.records import Span

    with pytest.raises(RecordTypeError) as caught:
        Span(start, end)
    error = caught.value
    assert isinstance(error, TypeError) and isinstance(error, InvalidRecordError)
    field = "start" if type(start) is not int else "end"
    assert error.field == field and "must be an int" in str(error)
    assert str(pickle.loads(pickle.dumps(error))) == str(error)


def _the_set() -> Any:
    import datetime

    from kzrights import followup

    row = followup.Assessment(
        "recommendations.government.6", datetime.date(2023, 1, 31), "not implemented", "Monitor"
    )
    return followup.AssessmentSet("1.3.1", (row,))


class _OnePair(Mapping[Any, Any]):
    """A mapping of one key to one value, the key hashable or not (as a user's own mapping may be)."""

    def __init__(self, key: object, value: object) -> None:
        self._key, self._value = key, value

    def __getitem__(self, key: object) -> object:
        if key is self._key:
            return self._value
        raise KeyError(key)

    def __iter__(self) -> Any:
        return iter([self._key])

    def __len__(self) -> int:
        return 1


def _calls() -> dict[str, Any]:
    """Each public call of the linker, the span and the follow-up tracker, with one argument left open."""
    import datetime

    from kzrights import Linker, followup
    from kzrights.exports import to_dataframes
    from kzrights.exports.iri import parse_record_iri, record_iri
    from kzrights.records import LinkingRules, Span

    linker = Linker.from_release("1.3.1")
    entities = linker.entities
    ok = _the_set()
    day = datetime.date(2023, 1, 31)
    return {
        "Span start": lambda x: Span(x, 2),
        "Span end": lambda x: Span(0, x),
        "Linker entities": lambda x: Linker(x),
        "Linker rules": lambda x: Linker(entities, rules=x),
        "Linker entity in entities": lambda x: Linker([*entities[:2], x]),
        "with_aliases": lambda x: linker.with_aliases(x),
        "with_aliases id": lambda x: linker.with_aliases({"KJT": x}),
        "with_aliases alias": lambda x: linker.with_aliases(_OnePair(x, "entities.kassym-jomart-tokayev")),
        "with_aliases ambiguity": lambda x: linker.with_aliases({"KJT": "entities.ebrd"}, ambiguity=x),
        "without_aliases": lambda x: linker.without_aliases(x),
        "with_entities": lambda x: linker.with_entities(x),
        "Linker.annotate": lambda x: linker.annotate(x),
        "annotate": lambda x: kzrights.annotate(x),
        "validate": lambda x: followup.validate(x),
        "validate row": lambda x: followup.validate(followup.AssessmentSet("1.3.1", (x,))),
        "validate rows": lambda x: followup.validate(followup.AssessmentSet("1.3.1", x)),
        "validate data_version": lambda x: followup.validate(followup.AssessmentSet(x, ok.assessments)),
        "validate version": lambda x: followup.validate(ok, x),
        "validate vocabulary": lambda x: followup.validate(ok, vocabulary=x),
        "validate today": lambda x: followup.validate(ok, today=x),
        "compare": lambda x: followup.compare(ok, x),
        "Assessment id": lambda x: followup.Assessment(x, day, "not implemented", "Monitor"),
        "Assessment date": lambda x: followup.Assessment("recommendations.government.6", x, "x", "M"),
        "Assessment status": lambda x: followup.Assessment("recommendations.government.6", day, x, "M"),
        "Assessment assessor": lambda x: followup.Assessment("recommendations.government.6", day, "x", x),
        "Assessment note": lambda x: followup.Assessment("r", day, "x", "M", note=x),
        "read": lambda x: followup.read(x),
        # the report's own calls: each type check is kzrights' ArgumentTypeError
        "load": lambda x: kzrights.load(x),
        "get": lambda x: REPORT.get(x),
        "search query": lambda x: REPORT.search(x),
        "search limit": lambda x: REPORT.search("press", limit=x),
        "search kinds": lambda x: REPORT.search("press", kinds=x),
        "search theme": lambda x: REPORT.search("press", theme=x),
        "concordance width": lambda x: REPORT.concordance("press", width=x),
        "recommendation number": lambda x: REPORT.recommendation("government", x),
        "footnote number": lambda x: REPORT.footnote(x),
        "recommendations_for_sdg": lambda x: REPORT.recommendations_for_sdg(x),
        "export report": lambda x: kzrights.export(x, "json", "out.json"),
        # every other version or report argument of a public call (finding 10: diff(None, ...)
        # was a bare TypeError, load(None) being the newest release)
        "diff old": lambda x: kzrights.diff(x, "1.3.1"),
        "diff new": lambda x: kzrights.diff("1.3.1", x),
        "verify version": lambda x: kzrights.verify(x),
        "annotate version": lambda x: kzrights.annotate("Tokayev", version=x),
        "Linker.from_release": lambda x: Linker.from_release(x),
        "to_dataframes report": lambda x: to_dataframes(x),
        # a folder that is not there: a version that is taken ends in kzrights' ExportError
        "template version": lambda x: followup.template(x, "/nonexistent-kzrights-folder/t.csv"),
        "read version": lambda x: followup.read("/nonexistent-kzrights-folder/t.csv", version=x),
        "compare version": lambda x: followup.compare(ok, ok, version=x),
        "record_iri": lambda x: record_iri(x, "conclusions.p1"),
        "parse_record_iri": lambda x: parse_record_iri(x),
        # the tracker's own types; every flag is in FLAGS, every field of a linker's records in
        # ENTITY_FIELDS, ALIAS_FIELDS and RULES_FIELDS (above), each swept with a sharper check
        "extended description": lambda x: followup.DEFAULT_VOCABULARY.extended("new", description=x),
        "Status name": lambda x: followup.validate(ok, vocabulary=followup.Vocabulary((followup.Status(x),))),
        "Status rank": lambda x: followup.Status("new", rank=x),
        "Status description": lambda x: followup.Status("new", description=x),
        "Vocabulary.get": lambda x: followup.DEFAULT_VOCABULARY.get(x),
        "Vocabulary statuses": lambda x: followup.validate(ok, vocabulary=followup.Vocabulary(x)),
        "AssessmentSet data_version": lambda x: followup.AssessmentSet(x),
        "AssessmentSet assessments": lambda x: followup.AssessmentSet("1.3.1", x),
        "recommendations_on": lambda x: REPORT.recommendations_on(x),
        "mentions_of": lambda x: REPORT.mentions_of(x),
        "search entity": lambda x: REPORT.search("press", entity=x),
        "LinkingRules titles": lambda x: Linker(entities, LinkingRules(titles=(x,))),
    }


CALLS = _calls()


@pytest.mark.parametrize("name", sorted(CALLS))
@given(value=ANY_VALUE)
@example(value="x")
@example(value=1.5)
@example(value=True)
@example(value=object())
def test_any_value_in_any_argument_is_accepted_or_a_kzrights_error(name, value):
    """Every public call here, any value in one argument: it works, or raises kzrights' own error."""
    import pickle

    from kzrights.errors import KzrightsError

    refused: KzrightsError | None = None
    try:
        CALLS[name](value)
    except KzrightsError as error:
        refused = error
    except Exception as error:  # noqa: BLE001 - what the test is for: name the escape
        pytest.fail(f"{name}({value!r}) raised {type(error).__name__}: {error}")
    if refused is not None:
        assert str(refused)
        assert type(pickle.loads(pickle.dumps(refused))) is type(refused)


def test_the_tester_s_cases_are_kzrights_type_errors():
    """``Linker(entities, rules="x")`` and ``validate(object())`` were AttributeError and attrs' error."""
    from kzrights import Linker, followup
    from kzrights.errors import ArgumentTypeError

    with pytest.raises(ArgumentTypeError, match="rules must be a LinkingRules or None, not str"):
        Linker(Linker.from_release().entities, rules="x")
    # refused as the set is made since session 10, so named as AssessmentSet's own field
    with pytest.raises(ArgumentTypeError, match=r"assessments\[0\] must be an Assessment"):
        followup.validate(followup.AssessmentSet("1.3.1", (object(),)))
    with pytest.raises(TypeError):  # still a TypeError for ``except TypeError``
        followup.validate(object())


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda r: r.search("press", limit=True), "limit must be an int, not bool"),
        (lambda r: r.concordance("press", width=1.5), "width must be an int, not float"),
        (lambda r: r.recommendation("government", 1.5), "number must be an int, not float"),
        (lambda r: r.footnote(True), "number must be an int, not bool"),
        (lambda r: r.get(5), "id must be a str, not int"),
        (lambda r: kzrights.load(5), "version must be a str or None, not int"),
        (
            lambda r: kzrights.export(5, "json", "out.json"),
            "report must be a kzrights.Report, not int",
        ),
        (lambda r: kzrights.export(r, "json", 5), "path must be a str or a pathlib.Path, not int"),
        # load(None) is the newest release, so diff(None, ...) loaded it and then failed bare
        (lambda r: kzrights.diff(None, "1.3.1"), "old must be a str"),
        (lambda r: kzrights.diff("1.3.1", None), "new must be a str"),
        (lambda r: kzrights.diff(b"1.0.0", "1.3.1"), "old must be a str"),
        (lambda r: kzrights.exports.to_dataframes(None), "report must be a kzrights.Report, not NoneType"),
        (lambda r: kzrights.exports.to_dataframes("1.3.1"), "report must be a kzrights.Report, not str"),
    ],
)
def test_the_report_s_type_checks_are_kzrights_type_errors(call, message, tmp_path, monkeypatch):
    """The tester's plain TypeErrors: each an ``ArgumentTypeError`` naming the argument, and it pickles."""
    import pickle

    from kzrights.errors import ArgumentTypeError

    monkeypatch.chdir(tmp_path)  # nothing may be written, but never into the checkout
    with pytest.raises(kzrights.ArgumentTypeError, match=message) as caught:
        call(REPORT)
    assert kzrights.ArgumentTypeError is ArgumentTypeError
    assert isinstance(caught.value, TypeError)
    copy = pickle.loads(pickle.dumps(caught.value))
    assert (copy.argument, copy.expected, copy.got) == (
        caught.value.argument,
        caught.value.expected,
        caught.value.got,
    )
    assert list(tmp_path.iterdir()) == []
