"""kzrights across processes and threads: pickling, spawn pools, a real fork, first use from threads.

The scenarios that could hang (a pool whose error cannot come back, a child
forked while a lock was held) run as user scripts in a subprocess with a
timeout, in a session of their own, so that a regression fails the test
instead of hanging the suite.
"""

from __future__ import annotations

import contextlib
import copy
import importlib
import importlib.util
import json
import multiprocessing
import os
import pickle
import pkgutil
import signal
import subprocess
import sys
import textwrap
import threading
from decimal import Decimal
from pathlib import Path

import attrs
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

import kzrights
from kzrights.errors import KzrightsError, MissingDependencyError
from kzrights.records import AliasForm, Mention, MentionList, Span

TIMEOUT = 120  # seconds for a whole scenario; each takes a few on an idle machine


def run_script(path: Path, code: str, *args: str, timeout: float = TIMEOUT) -> list[dict[str, object]]:
    """Run ``code`` as a script file, as a user would; return the JSON lines it prints.

    A script still running after ``timeout`` seconds is killed with everything
    it started (pool workers, forked children), and the test fails.
    """
    path.write_text(textwrap.dedent(code), encoding="utf-8")
    process = subprocess.Popen(
        [sys.executable, str(path), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        out, err = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
        pytest.fail(f"{path.name} hung: still running after {timeout} s")
    assert process.returncode == 0, err
    return [json.loads(line) for line in out.splitlines() if line.startswith("{")]


def _all_error_classes() -> list[type[KzrightsError]]:
    """Every subclass of KzrightsError that kzrights defines, in any of its modules."""
    for module in pkgutil.walk_packages(kzrights.__path__, "kzrights."):
        if not module.name.endswith("__main__"):
            # an integration whose library is missing (kzrights.spacy) defines no error class
            with contextlib.suppress(MissingDependencyError):
                importlib.import_module(module.name)
    found: list[type[KzrightsError]] = [KzrightsError]
    for cls in found:
        found.extend(sub for sub in cls.__subclasses__() if sub not in found)
    return [cls for cls in found if cls.__module__.startswith("kzrights")]


ERROR_CLASSES = _all_error_classes()


def test_the_walk_finds_every_documented_error():
    """The class walk sees at least every error kzrights.errors exports (so the next test covers them)."""
    import kzrights.errors

    exported = {getattr(kzrights.errors, name) for name in kzrights.errors.__all__}
    assert exported <= set(ERROR_CLASSES)


def _same_value(back: object, value: object) -> bool:
    """Equal, or, for a value that is not equal to itself (a NaN), of the same type and repr."""
    try:
        if back == value:
            return True
        itself = value == value
    except ArithmeticError:  # Decimal('sNaN') refuses any comparison
        itself = False
    return not itself and type(back) is type(value) and repr(back) == repr(value)


@pytest.mark.parametrize("cls", ERROR_CLASSES, ids=lambda cls: cls.__name__)
@settings(max_examples=25)
@given(data=st.data(), protocol=st.integers(0, pickle.HIGHEST_PROTOCOL))
def test_every_error_survives_pickle_with_its_attributes(cls, data, protocol):
    """Any kzrights error, from any arguments, comes back from pickle the same: class, message, attributes."""
    error = data.draw(st.builds(cls))
    again = pickle.loads(pickle.dumps(error, protocol))
    assert type(again) is cls
    assert again.args == error.args
    assert str(again) == str(error)
    # equal attributes; a caller's own object kept on the error (InvalidRecordError.value) comes
    # back as a copy of its type when it compares by identity (an exception, a BytesIO), as its
    # repr when it does not pickle (a memoryview)
    assert vars(again).keys() == vars(error).keys()
    for name, value in vars(error).items():
        back = vars(again)[name]
        by_identity = type(value).__eq__ is object.__eq__ or isinstance(value, BaseException)
        # a NaN (float or Decimal, quiet or signalling) is equal to nothing, itself included
        kept = _same_value(back, value) or (by_identity and type(back) is type(value))
        assert kept or back == repr(value), name
    assert copy.deepcopy(error).args == error.args


def test_deepcopy_keeps_a_record_errors_value_that_does_not_pickle():
    """A deep copy of an InvalidRecordError copies its value, or keeps it: never its repr as pickle."""
    unpicklable = memoryview(b"span")
    lock = threading.Lock()
    listed = [1, [2]]
    for value in (unpicklable, lock):
        error = kzrights.errors.RecordTypeError("span #0", "start", value, "must be an int")
        clone = copy.deepcopy(error)
        assert type(clone) is kzrights.errors.RecordTypeError and clone is not error
        assert clone.value is value
        assert clone.args == error.args
        assert (clone.record, clone.field, clone.reason) == ("span #0", "start", "must be an int")
    error = kzrights.errors.InvalidRecordError("entity #0", "aliases", listed, "must be strings")
    clone = copy.deepcopy(error)
    assert clone.value == listed and clone.value is not listed and clone.value[1] is not listed[1]
    # the same error twice in one structure is copied once, as deepcopy promises
    pair = copy.deepcopy([error, error])
    assert pair[0] is pair[1]


@pytest.mark.parametrize("nan", [float("nan"), Decimal("NaN"), Decimal("sNaN")], ids=repr)
def test_an_error_about_a_nan_survives_pickle(nan):
    """A record refused for a NaN keeps it through pickle (the value is equal to nothing, itself included)."""
    error = kzrights.errors.RecordTypeError("span #0", "start", nan, "must be an int")
    again = pickle.loads(pickle.dumps(error))
    assert type(again.value) is type(nan) and repr(again.value) == repr(nan)
    assert _same_value(again.value, nan) and not _same_value(again.value, Decimal("1"))
    assert str(again) == str(error)


@pytest.mark.parametrize("cls", ERROR_CLASSES, ids=lambda cls: cls.__name__)
@settings(max_examples=5)
@given(data=st.data(), protocol=st.integers(0, pickle.HIGHEST_PROTOCOL))
def test_every_error_keeps_its_notes_and_a_callers_attributes(cls, data, protocol):
    """Notes (Python 3.11's add_note) and attributes a caller sets travel with any error, and copy.

    A pool worker that notes which document it was reading ("while reading
    my_corpus.csv, row 7") has the note in the parent. Four classes that
    pickled from their arguments alone lost both (tester, session 24).
    """
    error = data.draw(st.builds(cls))
    error.__notes__ = ["while reading my_corpus.csv, row 7"]  # what add_note does
    error.document = 17  # type: ignore[attr-defined]
    for again in (pickle.loads(pickle.dumps(error, protocol)), copy.copy(error), copy.deepcopy(error)):
        assert type(again) is cls
        assert again.__notes__ == ["while reading my_corpus.csv, row 7"]
        assert again.document == 17


@pytest.mark.parametrize(
    "cls",
    [cls for cls in ERROR_CLASSES if issubclass(cls, (ImportError, OSError))],
    ids=lambda cls: cls.__name__,
)
@settings(max_examples=5)
@given(data=st.data(), protocol=st.integers(0, pickle.HIGHEST_PROTOCOL))
def test_the_attributes_of_a_built_in_base_travel_too(cls, data, protocol):
    """An error that is also an ImportError or OSError keeps that class's own attributes, set or not.

    They live outside the error's ``__dict__``: MissingDependencyError lost a
    ``path`` or ``name`` set on it, which a plain ImportError keeps (tester
    4, session 24), and ExportError a ``filename2`` or ``strerror`` (tester 5).
    """
    error = data.draw(st.builds(cls))
    if isinstance(error, ImportError):
        error.name, error.path = "spacy-renamed", "/opt/site/spacy"
        attributes = ["name", "path", "msg"]
    else:
        error.strerror, error.filename2 = "Invalid cross-device link", "/out/elsewhere.csv"
        attributes = ["errno", "strerror", "filename", "filename2"]
    for again in (pickle.loads(pickle.dumps(error, protocol)), copy.copy(error), copy.deepcopy(error)):
        assert [getattr(again, name) for name in attributes] == [getattr(error, name) for name in attributes]
        assert str(again) == str(error)


def test_a_shallow_copy_of_a_record_error_keeps_the_callers_value():
    """copy.copy shares the value, as a shallow copy does: not its repr, which only pickle gives."""
    value = memoryview(b"span")  # does not pickle
    error = kzrights.errors.RecordTypeError("span #0", "start", value, "must be an int")
    assert copy.copy(error).value is value
    assert pickle.loads(pickle.dumps(error)).value == repr(value)


def test_a_shipped_release_pickles_as_itself():
    """A loaded release pickles (by its version) and comes back as the very object load() returns."""
    report = kzrights.load("1.1.0")
    for protocol in range(pickle.HIGHEST_PROTOCOL + 1):
        data = pickle.dumps(report, protocol)
        assert len(data) < 200
        assert pickle.loads(data) is report
    assert copy.deepcopy(report) is report
    assert copy.copy(report) is report


def test_a_release_this_installation_lacks_is_a_clear_error_on_unpickling():
    """A release pickled where it is shipped, unpickled where it is not, raises UnknownVersionError."""
    data = pickle.dumps(kzrights.load("1.1.0"))
    assert data.count(b"1.1.0") == 1
    with pytest.raises(kzrights.UnknownVersionError) as caught:
        pickle.loads(data.replace(b"1.1.0", b"9.9.9"))
    assert caught.value.version == "9.9.9"
    assert caught.value.available == kzrights.versions()


def test_any_other_report_pickles_by_value():
    """A Report other than the shipped object (an equal copy, a changed one) pickles and copies its data."""
    shipped = kzrights.load("1.1.0")
    shipped.search("kettling")  # the indexes built on first use are not carried over
    equal = attrs.evolve(shipped)
    changed = attrs.evolve(shipped, version="1.1.0+mine", themes=shipped.themes[:2])
    for original in (equal, changed):
        for clone in (pickle.loads(pickle.dumps(original)), copy.deepcopy(original)):
            assert clone is not original and clone is not shipped
            assert clone == original
            assert clone.version == original.version
            assert clone.source_text == shipped.source_text
            assert clone.themes == original.themes
            assert [hit.record.id for hit in clone.search("kettling")] == [
                hit.record.id for hit in shipped.search("kettling")
            ]
    assert pickle.loads(pickle.dumps(changed)) != shipped


def test_records_and_results_keep_pickling(report):
    """Records, mentions, hits, locations, concordance lines and related records all round-trip."""
    release = kzrights.load("1.1.0")
    values = [
        *release.records(),
        *release.sections,
        *release.entities,
        *release.mentions,
        *release.themes,
        *release.figures,
        *release.sources,
        release.metadata,
        *release.search("protest"),
        release.locate("a 'listening state'"),
        *release.concordance("kettling"),
        *release.related("recommendations.government.6"),
        report.get("footnotes.3"),
    ]
    for value in values:
        assert pickle.loads(pickle.dumps(value)) == value


@settings(max_examples=200)
@given(
    st.text() | st.lists(st.sampled_from(["Tokayev ", "NUR OTAN", "Бокаев", "EBRD", ", ", "x"])).map("".join)
)
def test_annotate_results_pickle_to_the_same_mentions(text):
    """What annotate() returns, for any text, comes back from pickle as an equal list of Mentions."""
    mentions = kzrights.annotate(text)
    for protocol in range(pickle.HIGHEST_PROTOCOL + 1):
        again = pickle.loads(pickle.dumps(mentions, protocol))
        assert again == mentions
        assert type(again) is MentionList
        assert all(type(m) is Mention for m in again)
        assert again == list(mentions)


def test_texts_share_one_string_per_surface_form_so_a_pool_sends_it_once():
    """A name in many texts is one string in all their mentions: pickle writes it once, not once a text.

    A pool sends one message of results per chunk of texts; with the names
    shared, 250 news-style texts' results fit a pipe's 64 KiB buffer
    (docs/benchmarks.md, "Process pools").  Unequal surfaces stay apart.
    """
    texts = [f"Story {number}: Tokayev met Nazarbayev; TOKAYEV left." for number in range(200)]
    results = [kzrights.annotate(text) for text in texts]
    blob = pickle.dumps(results)
    assert blob.count(b"Nazarbayev") == 1
    assert blob.count(b"Tokayev") == 1 and blob.count(b"TOKAYEV") == 1
    assert pickle.loads(blob) == results
    for text, mentions in zip(texts, results, strict=True):
        assert [m.text for m in mentions] == [text[m.start : m.end] for m in mentions]
        assert [m.text for m in mentions] == ["Tokayev", "Nazarbayev", "TOKAYEV"]


def test_surface_forms_stay_shared_after_a_linker_has_seen_thousands():
    """Once a linker has kept as many forms as it may, the forms in use are still shared (tester, session 15).

    A linker that had kept 2,048 any-case spellings of one name used to
    give every later mention its own string; it now starts again, so a
    text's thousand "Tokayev" are one string.  A form too long to keep
    across texts (a long run of spaces inside a name) is shared within its
    text, and a text with invisible characters shares its forms too.
    """
    from kzrights.linker import Linker

    linker = Linker(kzrights.load().entities)
    name = "foreign policy centre"
    for number in range(4096):
        bits = iter(f"{number:021b}")
        cased = "".join(c.upper() if c != " " and next(bits) == "1" else c for c in name)
        assert [m.text for m in linker.annotate(f"at the {cased}.")] == [cased]
    texts = {
        "plain": "Tokayev said so. " * 1000,
        "with a byte-order mark": "\ufeff" + "Tokayev said so. " * 1000,
        "a long form": ("the Foreign" + " " * 80 + "Policy Centre said so. ") * 200,
    }
    shared = {}
    for what, text in texts.items():
        mentions = linker.annotate(text)
        assert [m.text for m in mentions] == [text[m.start : m.end] for m in mentions], what
        assert len({id(m.text) for m in mentions}) == 1, what
        shared[what] = mentions[0].text
    assert shared["plain"] is shared["with a byte-order mark"]


def test_a_mention_that_refers_back_to_its_list_pickles_and_copies():
    """A MentionList whose mention holds the list itself round-trips, as a plain list does.

    It raised RecursionError (tester, session 15).
    """
    mentions = MentionList([Mention("entities.ebrd", "EBRD", 0, 4)])
    mentions.append(Mention("entities.x", "x", 5, 6, resolved_by=mentions))  # type: ignore[arg-type]
    for protocol in range(pickle.HIGHEST_PROTOCOL + 1):
        again = pickle.loads(pickle.dumps(mentions, protocol))
        assert type(again) is MentionList and again[0] == mentions[0]
        assert again[1].resolved_by is again
    copied = copy.deepcopy(mentions)
    assert copied[1].resolved_by is copied and copied[0] == mentions[0]


def test_a_mention_made_with_too_few_fields_shifts_no_other():
    """A mention made by ``tuple.__new__`` with seven fields pickles as in a plain list; the next is intact.

    The flat form took the next mention's first field for its eighth (tester, session 15).
    """
    short = tuple.__new__(Mention, ("entities.ebrd", "EBRD", 0, 4, None, None, None))
    mentions = MentionList([short, *kzrights.annotate("Tokayev met Nazarbayev.")])
    again = pickle.loads(pickle.dumps(mentions))
    assert again == pickle.loads(pickle.dumps(list(mentions)))
    assert again[1:] == mentions[1:] and again[0][:7] == short


def test_a_release_linker_pickles_as_its_release():
    """``Linker.from_release(v)`` and its ``annotate`` pickle as the version: a worker gets its shared one.

    Its registry used to travel in every message (71 KiB) and a matcher be
    built for each (tester, session 15).  A linker of the user's own still
    pickles its registry.
    """
    from kzrights.linker import Linker

    linker = Linker.from_release("1.2.0")
    assert len(pickle.dumps(linker)) < 300 and len(pickle.dumps(linker.annotate)) < 300
    assert pickle.loads(pickle.dumps(linker)) is linker
    assert copy.deepcopy(linker) is linker
    own = linker.with_aliases({"Kasym": "entities.kassym-jomart-tokayev"})
    again = pickle.loads(pickle.dumps(own))
    assert again is not own and again.annotate("Kasym met Tokayev.") == own.annotate("Kasym met Tokayev.")
    texts = ["Tokayev met the EBRD.", "Kasym", "Nur Otan"] * 20
    with multiprocessing.get_context("spawn").Pool(2) as pool:
        assert pool.map(linker.annotate, texts, chunksize=15) == [linker.annotate(t) for t in texts]


def test_a_release_linker_goes_through_cloudpickle_and_dask(tmp_path):
    """Dask and Spark send functions with cloudpickle: a release's linker goes through it and works.

    It reduced to a bound classmethod, which cloudpickle copies by value;
    loading called it before the module's globals were filled in
    (``NameError: name '_LINKERS' is not defined``; tester, session 15).
    """
    import cloudpickle
    import dask.bag

    from kzrights.linker import Linker

    linker = Linker.from_release("1.2.0")
    blob = cloudpickle.dumps(linker.annotate)
    assert len(blob) < 300 and cloudpickle.loads(blob).__self__ is linker
    # in a fresh interpreter, as a Dask worker loads it
    (result,) = run_script(
        tmp_path / "load_linker.py",
        """
        import json, pickle, sys
        annotate = pickle.loads(bytes.fromhex(sys.argv[1]))
        print(json.dumps({"found": [m.entity_id for m in annotate("Tokayev met the EBRD.")]}))
        """,
        blob.hex(),
    )
    assert result == {"found": ["entities.kassym-jomart-tokayev", "entities.ebrd"]}
    texts = ["Tokayev met the EBRD.", "nothing here", "NUR OTAN and Бокаев"] * 4
    bag = dask.bag.from_sequence(texts, npartitions=2)
    assert bag.map(linker.annotate).compute(scheduler="processes") == [linker.annotate(t) for t in texts]


LINKER_SUBCLASS = """
    import json, multiprocessing, pickle, sys

    import kzrights
    from kzrights.linker import Linker
    from kzrights.records import MentionList

    class QuietLinker(Linker):
        \"\"\"A user's linker that never links the Mazhilis.\"\"\"
        def annotate(self, text, **options):
            found = super().annotate(text, **options)
            return MentionList(m for m in found if m.text != "Mazhilis")

    def names(mentions):
        return [m.text for m in mentions]

    if __name__ == "__main__":
        text = "Tokayev spoke in the Mazhilis."
        quiet = QuietLinker.from_release("1.2.0")  # first, before any use of the release's own
        plain = Linker.from_release("1.2.0")
        print(json.dumps({
            "types": [type(quiet).__name__, type(plain).__name__],
            "quiet": names(quiet.annotate(text)),
            "plain": names(plain.annotate(text)),
            "annotate": names(kzrights.annotate(text, version="1.2.0")),
            "pickled": [type(pickle.loads(pickle.dumps(quiet))).__name__,
                        pickle.loads(pickle.dumps(plain)) is plain],
        }))
        for method in ("fork", "spawn"):
            with multiprocessing.get_context(method).Pool(2) as pool:
                found = pool.map(quiet.annotate, [text] * 4, chunksize=2)
            print(json.dumps({method: [names(m) for m in found]}))
"""


def test_a_linker_subclass_is_its_own_in_every_process(tmp_path):
    """``MyLinker.from_release()`` is a MyLinker, never the release's shared Linker, in pools too.

    The release's linker was cached for whichever class asked first: a
    subclass asked first changed what ``kzrights.annotate`` did, and a pool
    answered differently under fork and spawn (tester, session 15).
    """
    first, *pools = run_script(tmp_path / "subclass.py", LINKER_SUBCLASS)
    assert first == {
        "types": ["QuietLinker", "Linker"],
        "quiet": ["Tokayev"],
        "plain": ["Tokayev", "Mazhilis"],
        "annotate": ["Tokayev", "Mazhilis"],
        "pickled": ["QuietLinker", True],
    }
    assert pools == [{"fork": [["Tokayev"]] * 4}, {"spawn": [["Tokayev"]] * 4}]


LINKER_SUBCLASSES = """
    import copy, json, multiprocessing, pickle, sys

    import cloudpickle

    from kzrights.linker import Linker
    from kzrights.records import Entity, EntityCategory, MentionList

    class PeopleOnly(Linker):
        \"\"\"A user's linker with a constructor of its own, and an attribute.\"\"\"
        def __init__(self, category="person"):
            raise AssertionError("a linker made by kzrights never calls a subclass's __init__")
        def annotate(self, text, **options):
            found = super().annotate(text, **options)
            keep = {e.id for e in self.entities if e.category.value == self.category}
            return MentionList(m for m in found if m.entity_id in keep)

    class Only(Linker):
        \"\"\"Links one entity only, chosen after it is made (an attribute in its __dict__).\"\"\"
        def only(self, entity_id):
            object.__setattr__(self, "entity_id", entity_id)
            return self
        def annotate(self, text, **options):
            return MentionList(m for m in super().annotate(text, **options) if m.entity_id == self.entity_id)

    class Slotted(Linker):
        __slots__ = ("__limit", "unset")
        def annotate(self, text, **options):
            return super().annotate(text, **options)[: self._Slotted__limit]

    class Custom(Linker):
        \"\"\"Its own __getstate__ and __setstate__.\"\"\"
        def __getstate__(self):
            return {"upper": self.upper}
        def __setstate__(self, state):
            object.__setattr__(self, "upper", state["upper"] + "!")
        def annotate(self, text, **options):
            return MentionList(m._replace(text=self.upper) for m in super().annotate(text, **options))

    class NewSignature(Linker):
        \"\"\"Its from_release takes other arguments.\"\"\"
        @classmethod
        def from_release(cls, version, note):
            linker = super().from_release(version)
            object.__setattr__(linker, "note", note)
            return linker

    class Labelled(Linker):
        \"\"\"Its label in __dict__, shown by a read-only property of the same name.\"\"\"
        @property
        def label(self):
            return self.__dict__["label"]
        @classmethod
        def from_release(cls, version=None):
            linker = super().from_release(version)
            linker.__dict__["label"] = "mine"
            return linker
        def annotate(self, text, **options):
            return MentionList(m._replace(text=self.label) for m in super().annotate(text, **options))

    class SuperState(Linker):
        \"\"\"Extends Python's default state (which holds the engine) with super().__getstate__().\"\"\"
        def __getstate__(self):
            if sys.version_info >= (3, 11):
                return super().__getstate__()
            return self.__dict__

    class CacheMixin:
        \"\"\"Drops its cache from the state, and starts an empty one.\"\"\"
        def __getstate__(self):
            return {k: v for k, v in self.__dict__.items() if k != "_cache"}
        def __setstate__(self, state):
            self.__dict__.update(state, _cache={})

    class Cached(Linker, CacheMixin):
        def annotate(self, text, **options):
            if text not in self.__dict__.setdefault("_cache", {}):
                self._cache[text] = super().annotate(text, **options)
            return self._cache[text]

    class _(Linker):
        \"\"\"A class named only with underscores: Python does not mangle its private names.\"\"\"
        __slots__ = ("__limit",)
        def annotate(self, text, **options):
            return super().annotate(text, **options)[: getattr(self, "__limit")]

    KASYM = {"Kasym": "entities.kassym-jomart-tokayev"}

    def names(mentions):
        return [m.text for m in mentions]

    def made():
        people = PeopleOnly.from_release("1.3.1")
        object.__setattr__(people, "category", "person")
        slotted = Slotted.from_release("1.3.1")
        object.__setattr__(slotted, "_Slotted__limit", 1)
        custom = Custom.from_release("1.3.1")
        object.__setattr__(custom, "upper", "X")
        own = Only([Entity("entities.kjt", EntityCategory.PERSON, "KJT", (), "")])
        object.__setattr__(super_state := SuperState.from_release("1.3.1"), "tag", "x")
        cached = Cached.from_release("1.3.1")
        cached.annotate(TEXT)  # a cached answer, from before the alias
        underscores = _.from_release("1.3.1")
        object.__setattr__(underscores, "__limit", 2)
        return {
            "people": people,
            "people, with an alias": people.with_aliases({"Kasym": "entities.kassym-jomart-tokayev"}),
            "only": Only.from_release("1.3.1").only("entities.ebrd"),
            "only, without an alias": (
                Only.from_release("1.3.1").only("entities.ebrd").without_aliases(["Nur Otan"])
            ),
            "only, own registry": own.only("entities.kjt"),
            "only, own registry, more entities": own.with_entities(
                [Entity("entities.abc", EntityCategory.PERSON, "ABC", (), "")]
            ),
            "slotted": slotted,
            "custom": custom,
            "new signature": NewSignature.from_release("1.3.1", "kept"),
            "labelled": Labelled.from_release("1.3.1"),
            "super state, with an alias": super_state.with_aliases(KASYM),
            "super state, without an alias": super_state.without_aliases(["Tokayev", "President Tokayev"]),
            "cached, with an alias": cached.with_aliases(KASYM),
            "underscores": underscores,
        }

    TEXT = "Kasym and President Tokayev met the EBRD and Nur Otan; KJT met ABC in the Mazhilis."

    def annotate_with(linker, text):
        return linker.annotate(text)

    if __name__ == "__main__":
        linkers = made()
        serial = {name: names(linker.annotate(TEXT)) for name, linker in linkers.items()}
        print(json.dumps({"serial": serial}))
        print(json.dumps({"types": {name: type(linker).__name__ for name, linker in linkers.items()}}))
        copies = {
            "pickle": lambda l: pickle.loads(pickle.dumps(l)),
            "pickle 0": lambda l: pickle.loads(pickle.dumps(l, 0)),
            "copy": copy.copy,
            "deepcopy": copy.deepcopy,
            "cloudpickle": lambda l: cloudpickle.loads(cloudpickle.dumps(l)),
        }
        for how, again in copies.items():
            print(json.dumps({how: {name: [type(again(l)).__name__, names(again(l).annotate(TEXT))]
                                    for name, l in linkers.items()}}))
        for method in ("fork", "spawn"):
            with multiprocessing.get_context(method).Pool(2) as pool:
                # the linkers themselves travel (their bound annotate), not only their names
                found = pool.starmap_async(
                    annotate_with, [(l, TEXT) for l in linkers.values()], chunksize=1
                ).get(timeout=60)
            print(json.dumps({method: dict(zip(linkers, map(names, found)))}))
"""


def test_a_linker_subclass_keeps_its_class_and_attributes_in_every_copy_and_process(tmp_path):
    """A subclass's instance pickles, copies and travels to pools whole: its class and its own attributes.

    Tester, session 16: a subclass with a constructor of its own was
    rebuilt by calling it with the registry (``TypeError`` in the worker, and
    a ``multiprocessing.Pool`` that waited for ever); a subclass's
    attributes were dropped by pickle, ``copy`` and pools, so a pool gave
    other answers than a loop; ``with_aliases`` and the like gave a plain
    ``Linker``; a subclass's own ``from_release`` with other arguments was
    called on unpickling.  Each case must give the loop's answer everywhere.
    """
    serial, types, *copies, fork, spawn = run_script(
        tmp_path / "subclasses.py", LINKER_SUBCLASSES, timeout=300
    )
    expected = serial["serial"]
    assert expected == {
        "people": ["President Tokayev"],
        "people, with an alias": ["Kasym", "President Tokayev"],
        "only": ["EBRD"],
        "only, without an alias": ["EBRD"],
        "only, own registry": ["KJT"],
        "only, own registry, more entities": ["KJT"],
        "slotted": ["President Tokayev"],
        "custom": ["X"] * len(expected["custom"]),
        "new signature": ["President Tokayev", "EBRD", "Nur Otan", "Mazhilis"],
        "labelled": ["mine"] * 4,
        "super state, with an alias": ["Kasym", "President Tokayev", "EBRD", "Nur Otan", "Mazhilis"],
        "super state, without an alias": ["EBRD", "Nur Otan", "Mazhilis"],
        "cached, with an alias": ["Kasym", "President Tokayev", "EBRD", "Nur Otan", "Mazhilis"],
        "underscores": ["President Tokayev", "EBRD"],
    }
    assert len(expected["custom"]) == 4
    assert types["types"] == {
        "people": "PeopleOnly",
        "people, with an alias": "PeopleOnly",
        "only": "Only",
        "only, without an alias": "Only",
        "only, own registry": "Only",
        "only, own registry, more entities": "Only",
        "slotted": "Slotted",
        "custom": "Custom",
        "new signature": "NewSignature",
        "labelled": "Labelled",
        "super state, with an alias": "SuperState",
        "super state, without an alias": "SuperState",
        "cached, with an alias": "Cached",
        "underscores": "_",
    }
    for copied in copies:
        ((how, answers),) = copied.items()
        for name, (kind, found) in answers.items():
            assert kind == types["types"][name], (how, name)
            # Custom's __setstate__ adds "!" each time it runs: once per copy, as Python's own copy would
            assert found == (["X!"] * 4 if name == "custom" else expected[name]), (how, name)
    assert fork["fork"] == {**expected, "custom": ["X!"] * 4}
    assert spawn["spawn"] == {**expected, "custom": ["X!"] * 4}


MENTIONS = st.builds(
    Mention,
    entity_id=st.text(),
    text=st.text(),
    start=st.integers(),
    end=st.integers(),
    record_id=st.none() | st.text(),
    source_span=st.none() | st.builds(Span, st.integers(0, 9), st.integers(9, 99)),
    form=st.none() | st.sampled_from(AliasForm),
    resolved_by=st.none() | st.text(),
)


class TaggedMentions(MentionList):
    """A user's subclass of MentionList, with an attribute of its own."""

    def __init__(self, items=(), source=""):
        super().__init__(items)
        self.source = source


class SlottedMentions(MentionList):
    """A user's subclass of MentionList without a __dict__."""

    __slots__ = ()


# Other items a user may put in a MentionList: plain tuples of a Mention's
# width (which must not come back as mentions), a subclass of Mention, others.
FOREIGN = (
    st.tuples(st.text())
    | MENTIONS.map(tuple)
    | MENTIONS.map(lambda m: MyMention(*m))
    | st.integers()
    | st.none()
    | st.lists(MENTIONS, max_size=2)
)


class MyMention(Mention):
    """A user's subclass of Mention."""

    __slots__ = ()


def _same(again, original):
    """Equal, of the same class, item for item of the same classes, attributes included."""
    assert type(again) is type(original)
    assert again == original
    assert [type(item) for item in again] == [type(item) for item in original]
    assert getattr(again, "__dict__", None) == getattr(original, "__dict__", None)


@settings(max_examples=150)
@given(
    items=st.lists(MENTIONS) | st.lists(MENTIONS | FOREIGN),
    cls=st.sampled_from([MentionList, TaggedMentions, SlottedMentions]),
    source=st.text(max_size=5),
)
def test_any_mention_list_round_trips_exactly(items, cls, source):
    """A MentionList or a subclass, of any mentions, with anything mixed in, comes back the same.

    Every pickle protocol, copy.copy and copy.deepcopy: same class, equal,
    the same class for every item, the subclass's attributes kept.
    """
    mentions = cls(items, source=source) if cls is TaggedMentions else cls(items)
    for protocol in range(pickle.HIGHEST_PROTOCOL + 1):
        _same(pickle.loads(pickle.dumps(mentions, protocol)), mentions)
    _same(copy.copy(mentions), mentions)
    _same(copy.deepcopy(mentions), mentions)
    assert copy.copy(mentions) is not mentions


@settings(max_examples=200)
@given(
    items=st.lists(MENTIONS, max_size=12),
    more=st.lists(MENTIONS, max_size=4),
    start=st.none() | st.integers(-15, 15),
    stop=st.none() | st.integers(-15, 15),
    step=st.none() | st.integers(-4, 4).filter(bool),
    times=st.integers(-1, 3),
)
def test_slices_sums_and_copies_of_a_mention_list_stay_mention_lists(items, more, start, stop, step, times):
    """``annotate(t)[:n]``, ``ml + ml``, ``ml * n``, ``n * ml`` and ``ml.copy()`` are MentionLists.

    Each equals what the same operation gives on a plain list, and pickles
    back equal, as a MentionList, in the compact form (issue 11, tester
    finding 11: they were plain lists, which pickle at over 5x the tuples).
    """
    mentions, plain = MentionList(items), list(items)
    others = MentionList(more)
    results = {
        "slice": (mentions[start:stop:step], plain[start:stop:step]),
        "sum": (mentions + others, plain + more),
        "sum with a list": (mentions + more, plain + more),
        "list plus it": (more + mentions, more + plain),
        "product": (mentions * times, plain * times),
        "reflected product": (times * mentions, times * plain),
        "copy": (mentions.copy(), plain.copy()),
    }
    for what, (result, expected) in results.items():
        assert type(result) is MentionList, what
        assert result == expected, what
        again = pickle.loads(pickle.dumps(result))
        assert type(again) is MentionList and again == expected, what
        assert pickle.dumps(result) == pickle.dumps(MentionList(expected)), what
    assert mentions.copy() is not mentions
    with pytest.raises(TypeError):
        mentions + ("not", "a", "list")  # type: ignore[operator]  # noqa: RUF005 - as a list: only a list adds


def test_a_slice_of_annotate_pickles_as_compactly_as_the_whole():
    """The user's case: ``annotate(t)[:n]`` is a MentionList, so it pickles in the flat form."""
    mentions = kzrights.annotate("President Tokayev met the EBRD; Бокаев and NUR OTAN. " * 20)
    first = mentions[:10]
    assert type(first) is MentionList and type(mentions + mentions) is MentionList
    size, as_tuples = len(pickle.dumps(first)), len(pickle.dumps([tuple(m) for m in first]))
    assert size < len(pickle.dumps(list(first))) and size < 2 * as_tuples


def test_a_mention_list_with_other_things_in_it_still_pickles_faithfully():
    """A MentionList a user appended something else to is not squeezed into columns, and loses nothing."""
    mentions = kzrights.annotate("President Tokayev met the EBRD.")
    mentions.append(Mention("entities.ebrd", "EBRD", 0, 4, "conclusions.p1", Span(3, 7)))
    mentions.append(("not", "a", "mention"))  # type: ignore[arg-type]
    assert pickle.loads(pickle.dumps(mentions)) == mentions


@pytest.mark.parametrize("protocol", range(pickle.HIGHEST_PROTOCOL + 1))
def test_a_mention_list_that_holds_itself_pickles_and_copies(protocol):
    """A list that holds itself round-trips as a plain list does (no RecursionError), itself inside."""
    mentions = kzrights.annotate("President Tokayev met the EBRD.")
    mentions.append(mentions)  # type: ignore[arg-type]
    for loaded in (pickle.loads(pickle.dumps(mentions, protocol)), copy.deepcopy(mentions)):
        assert type(loaded) is MentionList
        assert loaded[-1] is loaded
        assert loaded[:-1] == mentions[:-1]


# annotate("President Tokayev met the EBRD; Бокаев.") as kzrights pickled it
# before the fields became the rebuilding call's own arguments (protocols 2 and 0)
PREVIOUS_FORM = [
    b"\x80\x02ckzrights.records\n_mention_list\nq\x00(X\x1e\x00\x00\x00entities.kassym-jomart-tokayevq"
    b"\x01X\x11\x00\x00\x00President Tokayevq\x02K\x00K\x11NNckzrights.records\nAliasForm\nq\x03X\x05"
    b"\x00\x00\x00aliasq\x04\x85q\x05Rq\x06NX\r\x00\x00\x00entities.ebrdq\x07X\x04\x00\x00\x00EBRDq"
    b"\x08K\x1aK\x1eNNh\x03X\x07\x00\x00\x00acronymq\t\x85q\nRq\x0bNX\x14\x00\x00\x00entities.max-"
    b"bokayevq\x0cX\x0c\x00\x00\x00\xd0\x91\xd0\xbe\xd0\xba\xd0\xb0\xd0\xb5\xd0\xb2q\rK K&NNh\x03"
    b"X\x0f\x00\x00\x00transliterationq\x0e\x85q\x0fRq\x10Ntq\x11\x85q\x12Rq\x13.",
    b"ckzrights.records\n_mention_list\np0\n((Ventities.kassym-jomart-tokayev\np1\nVPresident Tokayev\n"
    b"p2\nI0\nI17\nNNckzrights.records\nAliasForm\np3\n(Valias\np4\ntp5\nRp6\nNVentities.ebrd\np7\n"
    b"VEBRD\np8\nI26\nI30\nNNg3\n(Vacronym\np9\ntp10\nRp11\nNVentities.max-bokayev\np12\n"
    b"V\\u0411\\u043e\\u043a\\u0430\\u0435\\u0432\np13\nI32\nI38\nNNg3\n(Vtransliteration\np14\n"
    b"tp15\nRp16\nNtp17\ntp18\nRp19\n.",
]


@pytest.mark.parametrize("data", PREVIOUS_FORM, ids=["protocol-2", "protocol-0"])
def test_a_mention_list_pickled_in_the_previous_form_still_loads(data):
    """A MentionList pickled by the previous kzrights (one flat tuple of fields) loads as the same list."""
    again = pickle.loads(data)
    _same(again, kzrights.annotate("President Tokayev met the EBRD; Бокаев.", version="1.3.1"))
    assert [m.entity_id for m in again] == [
        "entities.kassym-jomart-tokayev",
        "entities.ebrd",
        "entities.max-bokayev",
    ]


# annotate("President Tokayev met the EBRD.") as the first development version of
# the compact form pickled it (e7da808, never released): a list of columns, one
# per field of a Mention that then had six (protocols 2 and 0)
COLUMNS_FORM = [
    b"\x80\x02ckzrights.records\n_mention_list\nq\x00]q\x01(X\x1e\x00\x00\x00entities.kassym-jomart"
    b"-tokayevq\x02X\r\x00\x00\x00entities.ebrdq\x03\x86q\x04X\x11\x00\x00\x00President Tokayevq\x05X"
    b"\x04\x00\x00\x00EBRDq\x06\x86q\x07K\x00K\x1a\x86q\x08K\x11K\x1e\x86q\tNN\x86q\nNN\x86q\x0be\x85q"
    b"\x0cRq\r.",
    b"ckzrights.records\n_mention_list\np0\n((lp1\n(Ventities.kassym-jomart-tokayev\np2\nVentities.ebrd"
    b"\np3\ntp4\na(VPresident Tokayev\np5\nVEBRD\np6\ntp7\na(I0\nI26\ntp8\na(I17\nI30\ntp9\na(NNtp10\na"
    b"(NNtp11\natp12\nRp13\n.",
]


@pytest.mark.parametrize("data", COLUMNS_FORM, ids=["protocol-2", "protocol-0"])
def test_a_mention_list_pickled_as_columns_still_loads(data):
    """The first compact form (columns of six-field mentions) loads as its mentions, not as an empty list.

    It loaded as an empty MentionList, with no error (tester, session 16).
    """
    again = pickle.loads(data)
    assert type(again) is MentionList
    assert again == [
        Mention("entities.kassym-jomart-tokayev", "President Tokayev", 0, 17),
        Mention("entities.ebrd", "EBRD", 26, 30),
    ]


@pytest.mark.parametrize("form", ["current", "previous"])
@pytest.mark.parametrize("count", [1, 7, 9, 15, 23, 27])
def test_fields_that_are_not_whole_mentions_are_refused_not_cut(count, form):
    """A pickle altered to hold a number of fields that is no whole number of mentions fails to load.

    The rows were cut at the last whole mention, and the rest was lost
    without a word, in the form pickled now (a byte dropped from a protocol 0
    pickle of three mentions loaded two; tester, session 16) as in the
    previous one.
    """
    data = pickle.dumps(_FieldsPickle(tuple(range(count)), form))
    with pytest.raises(pickle.UnpicklingError, match=f": {count} fields, which are not whole mentions"):
        pickle.loads(data)
    # the last field of three mentions dropped from the bytes themselves
    mentions = kzrights.annotate("President Tokayev met the EBRD and Бокаев.")
    assert len(mentions) == 3
    whole = pickle.dumps(mentions, 0)
    # the last mention's last field, None (N), before the tuple of fields closes (t)
    head, closing, tail = whole.rpartition(b"\nNtp")
    assert closing and b"\n" not in tail[:-3]
    altered = head + b"\ntp" + tail
    with pytest.raises(pickle.UnpicklingError, match=": 23 fields"):
        pickle.loads(altered)


class _FieldsPickle:
    """Pickles as a MentionList (the current form, or the previous flat one) of the fields given."""

    def __init__(self, fields, form):
        self.fields, self.form = fields, form

    def __reduce__(self):
        from kzrights.records import _mention_list

        if self.form == "current":
            return (MentionList, (), self.fields)
        return (_mention_list, (self.fields,))


WIDTHS = st.lists(st.integers(0, 11), min_size=1, max_size=6)


@given(widths=WIDTHS, protocol=st.integers(0, pickle.HIGHEST_PROTOCOL))
@example(widths=[7, 9], protocol=pickle.HIGHEST_PROTOCOL)  # the tester's: two mentions' worth in all
@example(widths=[8, 6, 10, 8], protocol=2)
def test_hand_made_mentions_of_any_width_never_trade_fields(widths, protocol):
    """Mentions made with ``tuple.__new__`` and the wrong number of fields come back as they were, or fail.

    A seven-field mention before a nine-field one added up to two mentions'
    worth of fields, and after pickling they had traded a field, silently
    (tester, session 16).  Such a list now takes the path a plain list takes:
    it round-trips as a plain list of them does (a short one gains the
    defaults), and raises where one does.
    """
    mentions = MentionList(
        tuple.__new__(Mention, (f"entities.e{i}", *range(width - 1))[:width])
        for i, width in enumerate(widths)
    )
    plain = list(mentions)
    for copier in (
        lambda value: pickle.loads(pickle.dumps(value, protocol)),
        copy.copy,
        copy.deepcopy,
    ):
        try:
            expected = copier(plain)
        except TypeError:
            with pytest.raises(TypeError):
                copier(mentions)
            continue
        again = copier(mentions)
        assert type(again) is MentionList
        assert [tuple(m) for m in again] == [tuple(m) for m in expected]
        # each keeps its own fields (a short one may gain the defaults, as in a plain list)
        assert [tuple(m)[: len(p)] for m, p in zip(again, plain, strict=True)] == [tuple(p) for p in plain]


def test_a_mention_list_is_a_list_in_every_way():
    """What annotate() returns is a list: equal to one, copied, sliced, sorted, serialised as one."""
    mentions = kzrights.annotate("President Tokayev met the EBRD; Бокаев.")
    plain = list(mentions)
    assert isinstance(mentions, list)
    assert mentions == plain and plain == mentions
    assert not mentions != plain  # noqa: SIM202 (list's __ne__, not only __eq__)
    assert mentions[1:] == plain[1:] and mentions + plain == plain * 2
    assert sorted(mentions, key=lambda m: m.entity_id) == sorted(plain, key=lambda m: m.entity_id)
    assert json.dumps(mentions) == json.dumps(plain)
    assert mentions.copy() == plain and copy.copy(mentions) == plain
    assert not hasattr(mentions, "__dict__")
    mentions.append(plain[0])
    assert mentions.count(plain[0]) == 2 and mentions.index(plain[1]) == 1


START_METHODS = [m for m in ("spawn", "fork", "forkserver") if m in multiprocessing.get_all_start_methods()]

POOL_ANNOTATE = """
    import json, multiprocessing, sys

    import kzrights
    from kzrights.records import Mention, MentionList

    if __name__ == "__main__":
        texts = [
            "President Tokayev met the EBRD and NUR OTAN; Назарбаевым и Бокаев.",
            "nothing here",
            "",
            "Parliament and the Mazhilis passed it; Mr Hug said so. Oyan, Qazaqstan.",
        ] * 25 + [f"{n} Tokayev " * n for n in range(40)]
        context = multiprocessing.get_context(sys.argv[1])
        with context.Pool(2) as pool:
            pooled = pool.map(kzrights.annotate, texts, chunksize=16)
            one_by_one = list(pool.imap(kzrights.annotate, texts))
        serial = [kzrights.annotate(text) for text in texts]
        print(json.dumps({
            "same": pooled == serial and one_by_one == serial,
            "lists": sorted({type(found).__name__ for found in pooled + one_by_one}),
            "items": sorted({type(m).__name__ for found in pooled + one_by_one for m in found}),
            "mentions": sum(map(len, pooled)),
        }))
"""


@pytest.mark.parametrize("method", START_METHODS)
def test_a_pool_annotates_as_a_serial_loop_does(tmp_path, method):
    """Pool.map and Pool.imap of annotate() give the serial loop's very answer, whatever the start method."""
    (result,) = run_script(tmp_path / "pool_annotate.py", POOL_ANNOTATE, method)
    assert result["same"] is True
    assert result["lists"] == ["MentionList"]
    assert result["items"] == ["Mention"]
    assert result["mentions"] > 800


SPAWN_POOL = """
    import functools, json, multiprocessing

    import kzrights

    def show(error):
        print(json.dumps({"type": type(error).__name__, "attributes": vars(error), "message": str(error)}))

    if __name__ == "__main__":
        report = kzrights.load("1.1.0")
        context = multiprocessing.get_context("spawn")
        with context.Pool(2) as pool:
            for function, arguments in [
                (report.get, ["recommendations.government.1", "recommendations.governmnet.1"]),
                (kzrights.load, ["1.0.0", "9.9.9"]),
                (functools.partial(kzrights.annotate, version="1.0.0"), ["Tokayev"]),
            ]:
                try:
                    pool.map_async(function, arguments).get(timeout=60)
                except kzrights.KzrightsError as error:
                    show(error)
            releases = pool.map_async(kzrights.load, ["1.1.0", "1.0.0"]).get(timeout=60)
            print(json.dumps({"same": [releases[0] is report, releases[1] is kzrights.load("1.0.0")]}))
            texts = ["President Tokayev and NUR OTAN", "nothing here", "Oyan, Qazaqstan and Бокаев"] * 20
            found = pool.map_async(kzrights.annotate, texts, chunksize=8).get(timeout=60)
            print(json.dumps({"annotate": found == [kzrights.annotate(t) for t in texts]}))
"""


def test_a_spawn_pool_brings_every_error_back(tmp_path):
    """Mapping a function that raises in a spawn pool re-raises the kzrights error, attributes and all.

    Reports, mentions and errors cross in both directions: the workers get a
    bound method of a Report, and send back errors, releases and mentions.
    """
    lines = run_script(tmp_path / "pool_script.py", SPAWN_POOL)
    assert len(lines) == 5, lines
    id_error, version_error, release_error, same, annotated = lines
    assert id_error["type"] == "UnknownIdError"
    assert id_error["attributes"]["id"] == "recommendations.governmnet.1"
    assert "recommendations.government.1" in id_error["attributes"]["suggestions"]
    assert id_error["message"].startswith("unknown id 'recommendations.governmnet.1'; did you mean")
    assert version_error["type"] == "UnknownVersionError"
    assert version_error["attributes"] == {"version": "9.9.9", "available": list(kzrights.versions())}
    assert release_error["type"] == "UnsupportedReleaseError"
    assert release_error["attributes"] == {"version": "1.0.0"}
    assert same == {"same": [True, True]}
    assert annotated == {"annotate": True}


THREADS_AT_FIRST_USE = """
    import json, sys, threading

    import kzrights

    report = kzrights.load("1.1.0")
    sys.setswitchinterval(1e-6)  # switch threads as often as the interpreter can
    calls = [
        lambda: report.search("kettling"),
        lambda: report.concordance("protest"),
        lambda: report.locate("a 'listening state'"),
        lambda: report.related("recommendations.government.1"),
        lambda: report.entity("Bokaev"),
        lambda: report.mentions_of("Tokayev"),
        lambda: kzrights.annotate("President Tokayev met the EBRD."),
        lambda: report.search("Bokaev", kinds="entity"),
    ]
    start = threading.Barrier(16)
    results, errors = {}, []

    def first_use(number):
        start.wait()
        try:  # each thread starts with one of the first four tools, then uses the others
            calls[number % 4]()
            results[number] = [repr(call()) for call in calls]
        except BaseException as error:
            errors.append(repr(error))

    threads = [threading.Thread(target=first_use, args=(n,)) for n in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    same = len({tuple(answers) for answers in results.values()}) == 1
    print(json.dumps({"errors": errors, "answers": len(results), "same": same}))
"""


def test_first_use_from_sixteen_threads_at_once(tmp_path):
    """16 threads making the first calls of every tool on a fresh Report at once all get their answers.

    Each run is a fresh process, and eight run side by side.  Before the
    first-use lock, on Python 3.13, one to two runs of eight ended in
    ``_DeadlockError`` or ``ImportError: cannot import name`` (the race needs
    the threads to collide, so a single run may well pass; 3.11 rarely shows it).
    """
    scripts = []
    for run in range(8):
        path = tmp_path / f"threads_{run}.py"
        path.write_text(textwrap.dedent(THREADS_AT_FIRST_USE), encoding="utf-8")
        scripts.append(path)
    processes = [
        subprocess.Popen(
            [sys.executable, str(path)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        for path in scripts
    ]
    outcomes = []
    try:
        for process in processes:
            out, err = process.communicate(timeout=TIMEOUT)
            assert process.returncode == 0, err
            outcomes.append(json.loads(out))
    finally:
        for process in processes:
            process.kill()
    assert outcomes == [{"errors": [], "answers": 16, "same": True}] * 8


FORK_DURING_FIRST_LOAD = """
    import json, os, sys, threading, time

    import kzrights
    from kzrights import releases

    def inside_first_load():
        store = releases._store
        if store is None or store._lock.acquire(blocking=False) is False:
            return store is not None
        store._lock.release()
        return False

    loader = threading.Thread(target=kzrights.load, args=("1.1.0",))
    loader.start()
    while not inside_first_load():
        if not loader.is_alive():
            print(json.dumps({"caught": False}))
            sys.exit()
    pid = os.fork()  # while the other thread holds the lock of the first load
    if pid == 0:
        report = kzrights.load("1.1.0")
        found = [m.entity_id for m in kzrights.annotate("President Tokayev")]
        hits = [hit.record.id for hit in report.search("kettling", kinds="recommendation")]
        os.write(1, (json.dumps({"child": found + hits}) + "\\n").encode())
        os._exit(0)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            break
        time.sleep(0.05)
    else:
        os.kill(pid, 9)
        os.waitpid(pid, 0)
        status = "hung"
    loader.join()
    print(json.dumps({"caught": True, "child_status": status}))
"""


@pytest.mark.skipif(not hasattr(os, "fork"), reason="no fork() on this platform")
def test_a_fork_during_the_first_load_gives_a_working_child(tmp_path):
    """A process that forks while another thread is inside the first load() gets a child that works."""
    lines = run_script(tmp_path / "fork_script.py", FORK_DURING_FIRST_LOAD)
    assert lines[-1] == {"caught": True, "child_status": 0}
    assert lines[0] == {"child": ["entities.kassym-jomart-tokayev", "recommendations.government.6"]}


# One first use per fresh interpreter: a thread makes it while the main thread forks
# children at a few delays into it; each child makes the same call.  A recorder on
# sys.meta_path (the test's, not kzrights') notes every module the interpreter finds
# while the finding thread does not hold FIRST_USE: each is an import a fork could
# interrupt, leaving the child a module lock that no thread of its own releases.
FORK_DURING_FIRST_USE = """
    import json, os, sys, threading, time

    import kzrights
    from kzrights._locking import FIRST_USE

    case, folder = sys.argv[1:]
    if case not in ("Linker", "Report", "annotate", "diff", "export", "__version__", "verify()"):
        report = kzrights.load()  # the first load has a test of its own: this is the tool's first use

    def fresh_folder():
        # not tempfile.mkdtemp: its first call takes a lock of tempfile's own, which a fork
        # in the middle would leave held in the child, a hang of the test's, not kzrights'
        where = os.path.join(folder, f"out-{os.getpid()}-{threading.get_ident()}")
        os.makedirs(where)
        return where

    def export(where):
        return [kzrights.export(report, f, os.path.join(where, f)) for f in ("json", "csv", "sqlite")]

    if case.startswith("followup"):
        from kzrights import followup  # the user's own import: the first use is the calls below

        def assessments(suffix):
            where = fresh_folder()
            written = followup.read(followup.template("1.3.1", os.path.join(where, "t" + suffix)))
            followup.validate(written)
            followup.compare(written, written).to_html()
            return followup.write(written, os.path.join(where, "w" + suffix))

    KJT = "kassym-jomart-tokayev"
    CALLS = {
        "search": lambda: report.search("kettling"),
        "concordance": lambda: report.concordance("protest"),
        "locate": lambda: report.locate("a 'listening state'"),
        "related": lambda: report.related("recommendations.government.1"),
        "entity": lambda: (report.entity("Tokayev"), report.mentions_of("Tokayev")),
        "check_quote": lambda: report.check_quote("a listening stat"),
        "unknown id": lambda: report.get("recommendations.governmnet.1"),
        "annotate()": lambda: kzrights.annotate("President Tokayev met NUR OTAN."),
        "Linker()": lambda: kzrights.Linker.from_release().with_aliases({"KJT": KJT}).annotate("KJT"),
        "export()": lambda: export(fresh_folder()),
        "verify()": lambda: kzrights.verify(),
        "followup (csv)": lambda: assessments(".csv"),
        "followup (xlsx)": lambda: assessments(".xlsx"),
    }
    call = CALLS.get(case, lambda: getattr(kzrights, case))  # else a lazily imported name

    outside = []

    class Recorder:  # finds nothing: it only notes who is importing
        def find_spec(self, name, path=None, target=None):
            if not FIRST_USE._is_owned():
                outside.append(name)

    sys.meta_path.insert(0, Recorder())

    def quietly():
        try:
            call()
        except Exception:  # an error is the call's answer; only a hang matters here
            pass

    user = threading.Thread(target=quietly)
    user.start()
    children = []
    for delay in (0, 0.0005, 0.001, 0.002, 0.003, 0.005):
        time.sleep(delay)
        pid = os.fork()
        if pid == 0:
            quietly()
            os._exit(0)
        children.append(pid)
    user.join()
    deadline = time.monotonic() + 20
    statuses = []
    for pid in children:
        while True:
            done, status = os.waitpid(pid, os.WNOHANG)
            if done:
                statuses.append(os.waitstatus_to_exitcode(status))
                break
            if time.monotonic() > deadline:
                os.kill(pid, 9)
                os.waitpid(pid, 0)
                statuses.append("hung")
                break
            time.sleep(0.01)
    print(json.dumps({"case": case, "children": statuses, "imported outside the lock": sorted(set(outside))}))
"""

FIRST_USES = [
    "Linker",
    "Report",
    "annotate",
    "diff",
    "export",
    "__version__",
    "search",
    "concordance",
    "locate",
    "related",
    "entity",
    "check_quote",
    "unknown id",
    "annotate()",
    "Linker()",
    "export()",
    "verify()",
    "followup (csv)",
    *(["followup (xlsx)"] if importlib.util.find_spec("openpyxl") else []),
]


@pytest.mark.skipif(not hasattr(os, "fork"), reason="no fork() on this platform")
def test_a_fork_during_any_first_use_gives_children_that_finish(tmp_path):
    """Forking while another thread makes the first use of any lazy name or tool never hangs the child.

    Each case is a fresh interpreter (first use happens once per process);
    three run side by side.  Before the fix, the children of ``Linker`` and
    ``export`` hung on the import lock of the module the thread was importing,
    and a first ``concordance``, ``locate``, ``related``, ``check_quote``, an
    unknown id or the lazy names imported modules outside the lock; so did a
    first ``verify()`` until session 13.
    """
    script = tmp_path / "fork_first_use.py"
    script.write_text(textwrap.dedent(FORK_DURING_FIRST_USE), encoding="utf-8")
    outcomes = []
    for batch in range(0, len(FIRST_USES), 3):
        processes = [
            subprocess.Popen(
                [sys.executable, str(script), case, str(tmp_path)],
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
                start_new_session=True,
            )
            for case in FIRST_USES[batch : batch + 3]
        ]
        try:
            for process in processes:
                out, err = process.communicate(timeout=TIMEOUT)
                assert process.returncode == 0, err
                outcomes.append(json.loads(out.splitlines()[-1]))
        finally:
            for process in processes:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)
    expected = [{"case": case, "children": [0] * 6, "imported outside the lock": []} for case in FIRST_USES]
    assert outcomes == expected


# A tester's (session 18): logging imported after kzrights registers its fork hook after
# kzrights' own, so it runs first and takes logging's lock; kzrights' then waited for the
# first to_dataframes(), whose import of pandas asks logging for a logger: the parent hung.
FORK_WHILE_A_FIRST_USE_WAITS_FOR_LOGGING = """
    import json, os, sys, threading, time

    import kzrights
    import logging  # after kzrights, before any thread: its fork hook runs before kzrights'
    from kzrights import _locking

    _locking.FORK_WAIT = float(sys.argv[1])
    report = kzrights.load()
    worker = threading.Thread(target=report.to_dataframes)
    worker.start()
    time.sleep(0.1)  # into the import of pandas
    pid = os.fork()
    if pid == 0:
        os._exit(0)
    _, status = os.waitpid(pid, 0)
    worker.join()
    print(json.dumps({"child_status": status, "frames": len(report.to_dataframes())}))
"""


@pytest.mark.skipif(not hasattr(os, "fork"), reason="no fork() on this platform")
def test_a_fork_that_a_first_use_cannot_let_through_waits_only_so_long(tmp_path):
    """The parent hung for ever; now the fork goes ahead after ``FORK_WAIT`` seconds (2 here).

    Here logging is first imported by pandas, within the first use: its
    fork hook comes after kzrights' last one, and runs first (the case the
    re-registration below cannot reach). Then the first use finishes in the
    parent, whose tables are all there.
    """
    pytest.importorskip("pandas")
    script = FORK_WHILE_A_FIRST_USE_WAITS_FOR_LOGGING.replace(
        "    import logging  # after kzrights, before any thread: its fork hook runs before kzrights'\n",
        "    assert 'logging' not in sys.modules  # pandas imports it, under the first use\n",
    )
    assert script != FORK_WHILE_A_FIRST_USE_WAITS_FOR_LOGGING
    lines = run_script(tmp_path / "fork_logging.py", script, "2", timeout=60)
    assert lines[-1] == {"child_status": 0, "frames": len(kzrights.load().to_dataframes())}


@pytest.mark.skipif(not hasattr(os, "fork"), reason="no fork() on this platform")
def test_a_fork_lets_a_first_use_finish_that_needs_a_lock_of_a_library_imported_later(tmp_path):
    """The fork hook of kzrights runs before logging's, so the first to_dataframes() finishes.

    Session 18 bounded the wait (above); now it is not needed: the first use
    puts kzrights' hooks after logging's, so at the fork kzrights' runs
    first, waits while logging's lock is still free, and the child inherits
    pandas whole (it makes the tables itself). With ``FORK_WAIT`` an hour,
    this hung before.
    """
    pytest.importorskip("pandas")
    script = FORK_WHILE_A_FIRST_USE_WAITS_FOR_LOGGING.replace(
        "        os._exit(0)", "        os._exit(0 if len(report.to_dataframes()) > 5 else 1)"
    )
    assert script != FORK_WHILE_A_FIRST_USE_WAITS_FOR_LOGGING
    lines = run_script(tmp_path / "fork_logging.py", script, "3600", timeout=120)
    assert lines[-1] == {"child_status": 0, "frames": len(kzrights.load().to_dataframes())}


class _Hijacker(kzrights.Linker):
    """What a crafted state would turn the release's shared linker into."""

    __slots__ = ()

    def annotate(self, text, **options):
        return MentionList()


class _DictStateWithEngine(kzrights.Linker):
    """A subclass whose own __getstate__ copies its __dict__ and adds the engine to it."""

    def __getstate__(self):
        return {**self.__dict__, "_engine": self._engine}


@pytest.mark.parametrize("state", [{"__class__": _Hijacker}, (None, {"__class__": _Hijacker}), {"x": 1}])
def test_no_state_changes_the_release_s_shared_linker(state):
    """``__setstate__`` on a Linker itself is refused, so a crafted state cannot swap its class.

    The shared linker became a subclass whose annotate() answered for
    ``kzrights.annotate`` in the whole process (third tester, session 16).
    A subclass's instance takes only its own slots from a state.
    """
    from kzrights.linker import Linker

    shared = Linker.from_release("1.3.1")
    with pytest.raises(AttributeError, match="immutable"):
        shared.__setstate__(state)
    assert type(Linker.from_release("1.3.1")) is Linker
    found = kzrights.annotate("Tokayev met the EBRD.", version="1.3.1")
    assert [m.text for m in found] == ["Tokayev", "EBRD"]
    slotted = _Hijacker.from_release("1.3.1")
    with pytest.raises(AttributeError, match="no slot '__class__'"):
        slotted.__setstate__((None, {"__class__": Linker}))
    assert type(slotted) is _Hijacker


def test_an_engine_in_a_subclass_s_own_dict_state_is_not_pickled():
    """A subclass's ``__getstate__`` that hands over the engine does not send the registry with every linker.

    A dict state holding ``_engine`` pickled the whole registry (73 KB
    against about 100 bytes), and each load built an engine it then threw
    away (third tester, session 16).
    """
    linker = _DictStateWithEngine.from_release("1.3.1")
    object.__setattr__(linker, "tag", "kept")
    blob = pickle.dumps(linker)
    assert len(blob) < 400
    again = pickle.loads(blob)
    assert type(again) is _DictStateWithEngine and again.tag == "kept"
    assert again.annotate("Tokayev met the EBRD.") == linker.annotate("Tokayev met the EBRD.")


def _own_init(self: object, document: int) -> None:
    """A caller's __init__ that takes arguments of its own, and never the base class's."""
    raise AssertionError("a copy or an unpickled error is rebuilt without calling __init__")


# a caller's subclass of each error class, with an __init__ of its own, importable by name
for _cls in ERROR_CLASSES:
    _sub = type(f"Callers{_cls.__name__}", (_cls,), {"__init__": _own_init, "__module__": __name__})
    globals()[_sub.__name__] = _sub


@pytest.mark.parametrize("cls", ERROR_CLASSES, ids=lambda cls: cls.__name__)
@settings(max_examples=3)
@given(data=st.data())
def test_a_callers_subclass_with_its_own_init_pickles_and_copies(cls, data):
    """A subclass whose __init__ takes other arguments comes back whole, of its own class.

    ExportError and MissingDependencyError were rebuilt by calling the class
    with their own arguments, which such a subclass refuses: pickle and copy
    raised TypeError (tester 6, session 24).
    """
    error = data.draw(st.builds(cls))
    sub = globals()[f"Callers{cls.__name__}"]
    mine = copy.copy(error)
    mine.__class__ = sub
    mine.document = 7
    for again in (pickle.loads(pickle.dumps(mine)), copy.copy(mine), copy.deepcopy(mine)):
        assert type(again) is sub
        assert str(again) == str(error)
        assert again.document == 7
